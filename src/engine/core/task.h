/* task.h — the three tasks, their order and their names: a value header that every layer (the
 * network, the configuration, the store's metric keys, the UI's colours) shares.
 *
 * Tasks are always named and ordered verif, cari, visual.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CARI_TASK_VERIF,  /* caricature–visual verification (the paper's branch 1) */
  CARI_TASK_CARI,   /* caricature identification (branch 2) */
  CARI_TASK_VISUAL, /* visual identification (branch 3) */
  CARI_N_TASKS,
} CariTask;

#define CARI_TASK_BIT(t) (1u << (t))
#define CARI_ALL_TASKS (CARI_TASK_BIT (CARI_TASK_VERIF) | CARI_TASK_BIT (CARI_TASK_CARI) \
                        | CARI_TASK_BIT (CARI_TASK_VISUAL))

/* "verif", "cari", "visual", in task order. */
extern const char *const cari_task_names[CARI_N_TASKS];

/* "unknown" for a value out of range. */
const char *cari_task_to_string (CariTask task);
/* INVALID_ARGUMENT naming `name` when it is none of the three. */
gboolean    cari_task_from_string (const char *name, CariTask *task, GError **error);

G_END_DECLS
