/* task.c — the tasks' names. */
#include "core/task.h"

#include "core/error.h"
#include "core/i18n.h"

const char *const cari_task_names[CARI_N_TASKS] = { "verif", "cari", "visual" };

const char *
cari_task_to_string (CariTask task)
{
  return (unsigned) task < CARI_N_TASKS ? cari_task_names[task] : "unknown";
}

gboolean
cari_task_from_string (const char *name, CariTask *task, GError **error)
{
  for (int t = 0; t < CARI_N_TASKS; t++)
    if (g_strcmp0 (name, cari_task_names[t]) == 0)
      {
        *task = (CariTask) t;
        return TRUE;
      }
  g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
               _("Unknown task “%s” (expected verif, cari or visual)"), name);
  return FALSE;
}
