/* run.h — a training run recorded in the store: the loop the CLI and the GUI share.
 *
 * Steps the trainer until the configured number of steps, cancellation, divergence or an error;
 * buffers each step's metrics and flushes them in one transaction every `schedule.flush_every`
 * steps or `schedule.flush_seconds`, whichever comes first (which also refreshes the heartbeat);
 * evaluates on the validation role every `schedule.eval_every` steps; writes a checkpoint every
 * `schedule.checkpoint_every` steps and at the end. The run's status follows: running, then
 * finished, cancelled (after a checkpoint), diverged or failed (with the message); a run that
 * fails or diverges writes the metrics it has first.
 *
 * A store locked by another program does not stop the run: it goes on training and keeps its
 * metric rows and checkpoint records in memory, retrying with a growing delay, and says so
 * through `notice`; where it must write before going on (pausing, the end) it waits. Only after
 * `schedule.locked_wait` seconds without a successful write does it fail (CARI_ERROR_LOCKED).
 * Any other failure of the store (read-only, full, corrupt) stops it at once; the checkpoints
 * already written stay intact.
 */
#pragma once

#include "store/store.h"
#include "train/trainer.h"

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  /* After every step, on the trainer's thread (keep it cheap). */
  void (*progress) (const CariStepStats *stats, guint64 total_steps, gpointer user_data);
  /* After every evaluation, with its "val/…" results. */
  void (*evaluated) (guint64 step, GHashTable *results, gpointer user_data);
  gpointer user_data;
  /* Something the user should know that does not stop the run (the store is locked by another
   * program and the run waits for it, then writes again), as a translated sentence; on the
   * trainer's thread. May be NULL. */
  void (*notice) (const char *text, gpointer user_data);
} CariRunCallbacks;

typedef struct
{
  guint64 steps_done;     /* steps of this call */
  double  train_seconds;  /* in cari_trainer_step */
  double  store_seconds;  /* in the store (metrics, heartbeat, status) */
  double  checkpoint_seconds;
  CariRunStatus status;   /* how it ended */
} CariRunReport;

/* The folder of a run's checkpoints: $XDG_DATA_HOME/carilab/runs/<run>/ (beside the store when
 * the store is not at its default place: <store>.runs/<run>/). Newly allocated. */
char    *cari_run_checkpoint_dir (CariStore *store, gint64 run);

/* Execute `run` (already created in the store) with `trainer` from its current step. Returns
 * FALSE with the error that ended the run (diverged, store or I/O failure); a cancellation is
 * not an error. */
gboolean cari_run_execute (CariTrainer *trainer, CariStore *store, gint64 run,
                           const CariRunCallbacks *callbacks, CariRunReport *report,
                           GError **error);

/* Restores what a resume goes on with (a trainer) from `ck`; FALSE with why it does not fit. */
typedef gboolean (*CariResumeLoad) (const CariCheckpoint *ck, gpointer user_data,
                                    GError **error);

/* Prepare a run for resuming from the newest of its checkpoints that loads: each, newest first,
 * is read in full and handed to `load` until one succeeds; only then are the metric rows after
 * its step deleted, so the resumed run writes them again. *step receives its step, and *notice
 * (may be NULL) a sentence naming it and why each newer one was skipped — NULL when the newest
 * loaded. When none loads, the error names each file with why, and nothing is deleted;
 * NOT_FOUND when the run has no checkpoint. */
gboolean cari_run_prepare_resume (CariStore *store, gint64 run, CariResumeLoad load,
                                  gpointer user_data, gint64 *step, char **notice,
                                  GError **error);

G_END_DECLS
