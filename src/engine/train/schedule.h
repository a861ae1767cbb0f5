/* schedule.h — the learning rate over steps: a base rate divided at given steps ("divide by 10
 * at iterations 60000 and 80000", §5.2), or a schedule file of "STEP: RATE" lines (the authors'
 * format: from that step on, that rate; '#' starts a comment). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int    n;
  int   *steps;  /* increasing; steps[0] == 0 */
  double *rates;
} CariSchedule;

/* base·factor^k after the k-th of `steps` (which must increase). */
CariSchedule *cari_schedule_new_steps (double base, const int *steps, int n_steps, double factor);
/* The bound of every learning rate: optim.lr, optim.module_lr and each scheduled rate. */
#define CARI_SCHEDULE_MAX_RATE 10.0

/* Parse a schedule file; errors name the file and line. Rates above CARI_SCHEDULE_MAX_RATE
 * are refused. */
CariSchedule *cari_schedule_new_from_file (const char *path, GError **error);
CariSchedule *cari_schedule_new_from_text (const char *text, const char *name, GError **error);
/* The one-line form a run configuration stores ("STEP:RATE;…", rates exact), and back. */
char         *cari_schedule_to_string (const CariSchedule *schedule);
CariSchedule *cari_schedule_new_from_string (const char *text, const char *name, GError **error);
double        cari_schedule_rate (const CariSchedule *schedule, long step);
void          cari_schedule_free (CariSchedule *schedule);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariSchedule, cari_schedule_free)

G_END_DECLS
