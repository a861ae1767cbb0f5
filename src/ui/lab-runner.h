/* lab-runner.h — the runs the workbench hosts: a queue executed one after another by a trainer
 * thread at a lower scheduling priority than the UI, with pause, resume and stop.
 *
 * The thread has its own store connection; the UI learns what happens through signals emitted on
 * the main thread: "progress" (coalesced: at most one pending, which reads the latest state),
 * "run-started" and "run-finished". Everything a chart draws is read back from the store.
 */
#pragma once

#include <gio/gio.h>

#include "cari.h"

G_BEGIN_DECLS

typedef enum
{
  LAB_RUNNER_IDLE,
  LAB_RUNNER_PREPARING, /* generating or loading the data set, building the trainer */
  LAB_RUNNER_RUNNING,
  LAB_RUNNER_PAUSED,
} LabRunnerState;

#define LAB_TYPE_RUNNER (lab_runner_get_type ())
G_DECLARE_FINAL_TYPE (LabRunner, lab_runner, LAB, RUNNER, GObject)

LabRunner     *lab_runner_new (const char *db_path);
const char    *lab_runner_get_db_path (LabRunner *self);

/* Appends a run of the store (queued, or one to resume from its last checkpoint). */
void           lab_runner_enqueue (LabRunner *self, gint64 run);
/* The same, then evaluates the finished run (every protocol, Fig. 2's views) before
 * "run-finished". */
void           lab_runner_enqueue_evaluated (LabRunner *self, gint64 run);
/* Executes an experiment of the store (its runs that are not finished, each evaluated as it
 * finishes), its runs one after another as the active run. */
void           lab_runner_enqueue_experiment (LabRunner *self, gint64 experiment);
/* Whether `experiment` executes or waits in the queue. */
gboolean       lab_runner_has_experiment (LabRunner *self, gint64 experiment);
/* Generates and imports a data set by name (SynCari) in the queue; "dataset-ready" tells. */
void           lab_runner_prepare_dataset (LabRunner *self, const char *name);
gboolean       lab_runner_is_queued (LabRunner *self, gint64 run);
/* Removes a run that has not started yet. */
gboolean       lab_runner_dequeue (LabRunner *self, gint64 run);
guint          lab_runner_get_n_queued (LabRunner *self);

LabRunnerState lab_runner_get_state (LabRunner *self);
/* 0 when idle. */
gint64         lab_runner_get_active_run (LabRunner *self);
void           lab_runner_pause (LabRunner *self);
void           lab_runner_resume (LabRunner *self);
/* Stops the active run (it checkpoints and reads "cancelled"); the queue goes on. */
void           lab_runner_stop (LabRunner *self);
/* Stops the active run and empties the queue. */
void           lab_runner_stop_all (LabRunner *self);

typedef struct
{
  CariStepStats stats;   /* of the latest step (stats.step 0 before the first) */
  guint64 total_steps;
  double  images_per_s;  /* smoothed */
  double  eta_s;         /* < 0 when unknown */
  char   *what;          /* what preparing does now, or NULL */
  double  fraction;      /* of the preparation, or of the run */
} LabRunnerProgress;

void           lab_runner_get_progress (LabRunner *self, LabRunnerProgress *out);
void           lab_runner_progress_clear (LabRunnerProgress *progress);

/* Blocks until the thread has wound down (the active run checkpointed); for shutdown and tests. */
void           lab_runner_shutdown (LabRunner *self);

G_END_DECLS
