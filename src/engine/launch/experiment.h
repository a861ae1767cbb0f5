/* experiment.h — experiments: a named, stored grid of runs — strategies × seeds × static weights
 * — sharing one pretraining, on one data set and one protocol fold, executed one run after
 * another, every finished run evaluated on every protocol its fold leaves unseen, and the results
 * aggregated over seeds with intervals and verdicts on the paper's claims (docs/reproduction.md).
 *
 * The seed is the unit of replication; the pretraining and the fold are held fixed. Creating an
 * experiment records it and all its runs (queued, each with its full configuration) in one
 * transaction; executing it again after a kill goes on where it stopped and re-runs nothing
 * finished. Nothing here prints.
 */
#pragma once

#include "core/comm.h"
#include "eval/stats.h"
#include "eval/table.h"
#include "launch/launch.h"

#include <glib.h>

G_BEGIN_DECLS

/* --- definition ------------------------------------------------------------------------------ */

typedef struct
{
  char   *preset;              /* fig6, table2, fig5 or paper */
  int     seeds;               /* seeds of the primary pair (proposed and naive) */
  int     secondary_seeds;     /* seeds of every other cell */
  guint64 first_seed;          /* seeds are first_seed, first_seed + 1, … */
  int     steps;               /* of every run of the grid */
  int     pretrain_steps;      /* of the shared pretraining */
  char   *model;               /* model preset: demo or paper */
  char   *dataset;             /* the grid's data set */
  char   *pretrain_dataset;    /* the pretraining's (photos only) */
  char   *protocol;            /* the protocol fold held out: its family (verification or
                                * identification) decides the tables */
  int     fold;
  double  validation_fraction; /* of each training identity's images, for Table 2's columns */
  int     batch;               /* images of each modality per batch */
  double  margin;              /* percentage points: a difference within ±margin of 0 "does not
                                * hold" */
} CariExperimentDef;

/* The presets' defaults (docs/reproduction.md says why): `preset` must be one of the four. */
CariExperimentDef *cari_experiment_def_new (const char *preset, GError **error);
void               cari_experiment_def_free (CariExperimentDef *def);
/* Sets one key ("seeds", "steps", …, as in the text below) from its text: INVALID_ARGUMENT
 * naming the key and the accepted range. */
gboolean           cari_experiment_def_set (CariExperimentDef *def, const char *key,
                                            const char *value, GError **error);
/* As stored: an [experiment] group of key=value lines, every key written. */
char              *cari_experiment_def_to_text (const CariExperimentDef *def);
/* Reads it back; unknown keys and bad values are errors naming the key. */
CariExperimentDef *cari_experiment_def_from_text (const char *text, GError **error);

/* One cell of the grid: a strategy (and its static weights) on a set of tasks. */
typedef struct
{
  char    *id;          /* "table2/proposed", "fig5/0.3", "fig6/naive" */
  char    *group;       /* fig6, table2, fig5 */
  char    *label;       /* for tables: "proposed", "single (cari)", "0.3" */
  char    *strategy;    /* proposed, naive, uniform, static, single */
  char    *tasks;       /* "verif;cari;visual" */
  char    *task;        /* single: its task; NULL otherwise */
  char    *weights;     /* static: "0.35;0.3;0.35"; NULL otherwise */
  double   cari_weight; /* fig5: the caricature task's weight; NaN elsewhere */
  gboolean primary;     /* in the primary comparison (proposed − naive on cari-id) */
  int      seeds;       /* how many seeds it runs */
} CariExperimentCell;

/* The cells of `def`'s preset, in table order (of CariExperimentCell *). */
GPtrArray *cari_experiment_cells (const CariExperimentDef *def);
/* The cell of `cells` with `id`, or NULL. */
const CariExperimentCell *cari_experiment_cells_find (GPtrArray *cells, const char *id);

/* The cell of the shared pretraining. */
#define CARI_EXPERIMENT_PRETRAIN "pretrain"

/* One run the experiment will execute: position 0 is the pretraining (cell "pretrain"). */
typedef struct
{
  char   *name;   /* "<experiment>/pretrain", "<experiment>/<cell>/seed-<n>" */
  char   *cell;
  guint64 seed;
  char   *config; /* the run's full configuration text */
} CariExperimentPlanned;

/* The runs of `def` named after `name`, in execution order: the pretraining, then seed by seed
 * every cell that runs that seed (so that the tables fill in evenly). Of CariExperimentPlanned *.
 * Fails when a configuration is refused (naming the cell and the key). */
GPtrArray *cari_experiment_plan (const CariExperimentDef *def, const char *name, GError **error);

/* Records the experiment `name` and its planned runs, queued. Its id, 0 on error (a name already
 * taken, by the experiment or one of its runs, is INVALID_ARGUMENT naming it). */
gint64     cari_experiment_create (CariStore *store, const char *name,
                                   const CariExperimentDef *def, GError **error);

/* --- execution ------------------------------------------------------------------------------- */

typedef struct
{
  /* Each run's own callbacks: preparing, ready, per step (see launch.h). */
  CariLaunchCallbacks launch;
  /* Before a run of the experiment is trained or evaluated: its place (index of n). */
  void (*run_started) (const CariExperimentRun *place, const CariRunInfo *run, int index, int n,
                       gboolean training, gpointer user_data);
  /* After it: its status, and the error that stopped it (NULL when it finished). */
  void (*run_done) (const CariExperimentRun *place, CariRunStatus status, const GError *error,
                    gpointer user_data);
  gpointer user_data;
} CariExperimentCallbacks;

typedef struct
{
  int n_runs;
  int n_finished;  /* finished and evaluated, now */
  int n_trained;   /* trained by this call */
  int n_evaluated; /* evaluated by this call */
  int n_failed;    /* failed or diverged (left as they are) */
  gboolean cancelled;
} CariExperimentReport;

/* Executes the runs of `experiment` that are not finished, in order, and evaluates every finished
 * run whose evaluations are not all saved at its last checkpoint (one killed half-way is redone
 * whole). A failed or interrupted run is resumed from its newest checkpoint; a diverged one is
 * left as it is. When the pretraining does not finish nothing else runs. Stops at a cancelled
 * run (report->cancelled), and at a run another live process holds (CARI_ERROR_BUSY: that
 * process executes the experiment; two would interleave it). Rank stores a distributed job left
 * (cari_experiment_execute_group) are merged first. TRUE when every run is finished and
 * evaluated; FALSE with the first error otherwise (the report says how far it got). */
gboolean   cari_experiment_execute (CariStore *store, gint64 experiment,
                                    const CariExperimentCallbacks *callbacks,
                                    CariExperimentReport *report, GError **error);

/* The same spread over the ranks of `comm` (docs/ARCHITECTURE.md, "Distributed experiments"):
 * every rank calls it; rank 0 passes the open main store and the experiment, the others NULL
 * and anything (they receive both from rank 0, and open no main store).
 *
 * Rank 0 first merges the rank stores a killed earlier job left, executes the pretraining alone
 * (if it is not finished), imports every data set the grid uses, and writes for each other rank
 * that has runs a copy of the main store beside it, "<db>.experiment<id>.rank<r>", keeping the
 * places that rank executes. Then rank r executes the grid's places p ≥ 1 with (p − 1) mod N =
 * r, in order, each trained then evaluated as above — rank 0 in the main store, the others in
 * their copies, with their checkpoints beside them. At the end the reports are summed on every
 * rank and rank 0 merges each copy into the main store (cari_store_merge), one transaction a
 * rank, and deletes it; a copy that cannot be merged is kept and merged by the next execution.
 * A failure or a cancellation on one rank does not stop the others' runs; every rank returns
 * the same result, the error naming the rank it came from ("Rank 1: …"). With one rank (or
 * `comm` NULL) it is cari_experiment_execute. */
gboolean   cari_experiment_execute_group (CariStore *store, gint64 experiment, CariComm *comm,
                                          const CariExperimentCallbacks *callbacks,
                                          CariExperimentReport *report, GError **error);

/* --- results --------------------------------------------------------------------------------- */

typedef struct _CariExperimentSummary CariExperimentSummary;

/* Reads the experiment's definition, its runs and their saved evaluations (at the step recorded
 * as evaluated) and task weights. */
CariExperimentSummary *cari_experiment_summarize (CariStore *store, gint64 experiment,
                                                  GError **error);
void                   cari_experiment_summary_free (CariExperimentSummary *summary);
const char            *cari_experiment_summary_get_name (const CariExperimentSummary *summary);
const CariExperimentDef *cari_experiment_summary_get_def (const CariExperimentSummary *summary);
/* Runs of the grid (the pretraining left out), and those finished and evaluated (whose figures
 * count). */
int                    cari_experiment_summary_get_n_runs (const CariExperimentSummary *summary);
int                    cari_experiment_summary_get_n_done (const CariExperimentSummary *summary);

/* The grid's cells (of CariExperimentCell *, borrowed), and the pretraining run's id. */
GPtrArray *cari_experiment_summary_get_cells (const CariExperimentSummary *summary);
gint64     cari_experiment_summary_get_pretrain_run (const CariExperimentSummary *summary);
/* The run of each seed of `cell`, by seed index (0 where the grid has none), and whether it is
 * finished and evaluated; NULL for an unknown cell. *n_seeds receives the cell's seed count. */
const gint64 *cari_experiment_summary_get_runs (const CariExperimentSummary *summary,
                                                const char *cell, int *n_seeds);
gboolean   cari_experiment_summary_run_done (const CariExperimentSummary *summary, gint64 run);
/* The stored evaluations of a finished run at its evaluated step (of gint64 ids, protocol order);
 * NULL when it has none. */
GArray    *cari_experiment_summary_get_evaluations (const CariExperimentSummary *summary,
                                                    gint64 run);

/* The per-seed values of one figure for one cell, by seed index (NaN where that seed has no
 * value yet): a metric of an evaluation ("table2/proposed", "webcari.restricted", "cari_id"), or
 * with protocol NULL a task-weight statistic of training ("weight/cari" early: see
 * docs/reproduction.md). *n_seeds receives the cell's seed count; NULL for an unknown cell. */
double    *cari_experiment_summary_values (const CariExperimentSummary *summary,
                                           const char *cell, const char *protocol,
                                           const char *metric, int *n_seeds);

/* The aggregated tables (of CariTable *): Table 2 (and 3) or Tables 4 and 5 for the experiment's
 * protocol family, Fig. 6's two-task table, Fig. 5's sweep — each cell the mean over seeds ± the
 * half-width of its 95 % Student-t interval, with the seed count, the pretraining and the fold in
 * the notes. Only the groups the preset has. */
GPtrArray *cari_experiment_summary_tables (const CariExperimentSummary *summary);

typedef struct
{
  char            *id;         /* "primary", "proposed>single-cari", … */
  char            *text;       /* the claim, translated */
  gboolean         primary;
  int              direction;  /* the claimed sign of a − b */
  CariPaired       pair;       /* a − b over the seeds both have */
  double           scale;      /* 100 for accuracies shown in points, 1 for weights */
  double           p_adjusted; /* Holm over the secondary claims (the primary's own p) */
  CariClaimVerdict verdict;
} CariClaim;

/* The paper's claims the experiment can test (docs/reproduction.md lists them), the primary
 * first, the secondary Holm-adjusted together. Of CariClaim *; a claim whose cells are not in the
 * preset is left out. */
GPtrArray *cari_experiment_summary_claims (const CariExperimentSummary *summary);
void       cari_claim_free (CariClaim *claim);

/* A rough duration of `def`'s runs, in seconds, from the throughput of finished runs of the same
 * model preset in `store` (or a stated default when there are none: *measured FALSE). */
double     cari_experiment_estimate_seconds (CariStore *store, const CariExperimentDef *def,
                                             gboolean *measured);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariExperimentDef, cari_experiment_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariExperimentSummary, cari_experiment_summary_free)

G_END_DECLS
