/* store.h — the run store: one SQLite database (WAL mode) that holds datasets, protocols, runs,
 * their metrics, checkpoints and evaluations, so that every figure can be redrawn from it alone.
 *
 * Only src/engine/store/ speaks SQL; everything else calls these typed functions. A CariStore is
 * one connection: use it from one thread at a time, and open one per thread or process (the
 * trainer has its own, the GUI reads with another; WAL lets readers go on while one writes).
 * Every error names the database file. See docs/store.md for the schema and the rules.
 *
 * The one public header of the store (store.c: the connection; store-runs.c, store-metrics.c,
 * store-datasets.c, store-eval.c: the rest). It includes value headers only (GLib, the index
 * of a data set, the tasks, evaluation results), never the network's.
 */
#pragma once

#include <glib.h>

#include "core/task.h"
#include "data/index.h"
#include "eval/result.h"

G_BEGIN_DECLS

/* The schema version this build creates and reads (PRAGMA user_version). */
#define CARI_STORE_SCHEMA_VERSION 6

typedef struct _CariStore CariStore;

typedef enum
{
  CARI_RUN_QUEUED,
  CARI_RUN_RUNNING,
  CARI_RUN_PAUSED,
  CARI_RUN_FINISHED,
  CARI_RUN_FAILED,
  CARI_RUN_DIVERGED,
  CARI_RUN_CANCELLED,
  CARI_RUN_INTERRUPTED,
  CARI_RUN_IMPORTED,    /* weights brought in from a file (one checkpoint, no training) */
} CariRunStatus;

/* "queued", "running", "paused", "finished", "failed", "diverged", "cancelled", "interrupted". */
const char *cari_run_status_to_string (CariRunStatus s);
gboolean    cari_run_status_from_string (const char *s, CariRunStatus *out);
/* Finished, failed, diverged, cancelled and interrupted runs are over (finished_at is set). */
gboolean    cari_run_status_is_terminal (CariRunStatus s);

typedef enum
{
  CARI_STORE_READ_WRITE = 0,
  CARI_STORE_READ_ONLY = 1,
} CariStoreFlags;

/* Opens (creating the file, its parent folders and the schema when missing and read-write), WAL
 * mode, foreign keys on, busy timeout (default 5000 ms), PRAGMA user_version migrations up to
 * CARI_STORE_SCHEMA_VERSION. A newer version than this build knows gives CARI_ERROR_VERSION; a
 * file that is not a SQLite database gives CARI_ERROR_CORRUPT; an older schema opened read-only
 * gives CARI_ERROR_READ_ONLY. `path` may also be a "file:...?mode=ro" URI (opened with
 * SQLITE_OPEN_URI).
 *
 * Opening does not read the whole file: a read-write open runs cari_store_check only when the
 * store was not left cleanly since its last check (a run still marked running whose heartbeat
 * is stale, see cari_store_set_stale_after), and fails with its CARI_ERROR_CORRUPT. Any
 * statement that later meets a damaged page fails with CARI_ERROR_CORRUPT too. */
CariStore  *cari_store_open (const char *path, CariStoreFlags flags, GError **error);
/* Reads the whole database once and checks its structure (PRAGMA quick_check: every page, every
 * b-tree, every record; not the slower cross-check of each index against its table). A damaged
 * database gives CARI_ERROR_CORRUPT naming the file with SQLite's first complaint; other
 * failures their own code. On a read-write connection a check that passes is recorded, so that
 * opening does not repeat it for the same unclean stop. About 0.35 s per 200 MB. */
gboolean    cari_store_check (CariStore *store, GError **error);
/* NULL-safe. */
void        cari_store_close (CariStore *store);
/* How many connections cari_store_open has opened in this process (successful or not, once the
 * file was reached): a debug counter for hosts that must not open one per poll. */
guint       cari_store_open_count (void);
/* The database file (for a URI, its file part). */
const char *cari_store_get_path (CariStore *store);
/* The same as an absolute path, resolved against the working folder when the store was opened:
 * what paths recorded in the store (checkpoint files) are built from and resolved against. */
const char *cari_store_get_absolute_path (CariStore *store);
/* How long a statement waits for another connection's lock before CARI_ERROR_LOCKED. */
void        cari_store_set_busy_timeout (CariStore *store, int ms);
int         cari_store_get_busy_timeout (CariStore *store);
/* Rows per transaction of a long write (an evaluation's pair scores), between which other
 * writers get the lock; 200,000 by default. For tests, and hosts that want shorter waits. */
void        cari_store_set_write_chunk (CariStore *store, guint rows);
/* $XDG_DATA_HOME/carilab/carilab.db. Newly allocated. */
char       *cari_store_default_path (void);
/* Limits the database to `pages` pages (PRAGMA max_page_count on this connection only; never
 * below the current size), so that a write that would grow it fails with CARI_ERROR_FULL. For
 * tests of full disks, and for hosts that cap the store's size. */
gboolean    cari_store_set_max_pages (CariStore *store, gint64 pages, GError **error);

/* --- datasets (store-datasets.c) ------------------------------------------------------------- */

/* A unique, non-numeric name (INVALID_ARGUMENT otherwise). Returns the id (> 0), 0 on error. */
gint64   cari_store_add_dataset (CariStore *s, const char *name, const char *kind, const char *root,
                                 const char *fingerprint, GError **error);
/* A numeric id or a name; NOT_FOUND when there is none. */
gboolean cari_store_find_dataset (CariStore *s, const char *name_or_id, gint64 *id,
                                  GError **error);

/* Writes a whole dataset index (data/index.h) in ONE transaction: the datasets row (name, kind,
 * root, fingerprint), its images (identity name, modality, path, landmarks as little-endian
 * float32 x y pairs) and its protocol rows; an import that fails or is interrupted leaves
 * nothing. Returns the new dataset's id (> 0), 0 on error.
 *
 * A dataset of the same name and the same (non-NULL) fingerprint already present: returns its
 * id without writing anything, so re-opening an unchanged dataset is instant. The same name
 * with another fingerprint is INVALID_ARGUMENT (the old rows stay, since runs and evaluations
 * refer to its images), unless that dataset has no images: the row cari_launch_queue_run
 * records for a data set not imported yet is filled in, keeping its id. An index whose rows
 * point outside its arrays is INVALID_ARGUMENT before anything is written.
 *
 * Roles are stored as text: pairs and subjects "train", "validation" or "test"; protocol images
 * their `set` when it is "gallery" or "probe", their role otherwise. Identities without images
 * and subjects are not stored. */
gint64            cari_store_import_dataset (CariStore *s, const CariDatasetIndex *index,
                                             GError **error);
/* Reads a dataset back: identities in the order of their first image, images in the order they
 * were imported (with landmarks), pairs in the order they were imported, protocol images and
 * subjects ordered by protocol, fold, role and image (identity). `warnings` is empty. NOT_FOUND
 * when there is no such dataset. */
CariDatasetIndex *cari_store_load_dataset (CariStore *s, gint64 dataset_id, GError **error);

/* --- runs (store-runs.c) --------------------------------------------------------------------- */

/* Status queued, created_at now. `name` must be unique and not a number (INVALID_ARGUMENT naming
 * it); NULL names the run "run-<id>". dataset_id and parent_run: 0 for none. Returns the id, 0 on
 * error. */
gint64   cari_store_create_run (CariStore *s, const char *name, gint64 dataset_id,
                                const char *config_text, guint64 seed, gint64 parent_run,
                                GError **error);
/* Sets the status and the message (NULL clears it). Running sets started_at when unset, refreshes
 * the heartbeat and clears finished_at; terminal states set finished_at. NOT_FOUND for no run. */
gboolean cari_store_set_run_status (CariStore *s, gint64 run, CariRunStatus status,
                                    const char *message, GError **error);
gboolean cari_store_heartbeat (CariStore *s, gint64 run, GError **error);
/* Claims `run` for this process before executing it, in one transaction: refused (CARI_ERROR_BUSY,
 * saying who holds it) when the run is running or paused in another process that is alive — on
 * this machine, its process still exists; elsewhere, its heartbeat is fresh (see
 * cari_store_set_stale_after). A run whose holder is gone is taken over. On success the run
 * reads running, with this process as its owner and a fresh heartbeat. */
gboolean cari_store_claim_run (CariStore *s, gint64 run, GError **error);
/* "host:pid" of this process, as claims record it. */
const char *cari_store_owner_self (void);
gboolean cari_store_rename_run (CariStore *s, gint64 run, const char *name, GError **error);
/* Deletes the run and, with it, its metrics, checkpoint rows and evaluations (not the checkpoint
 * files: list them first with cari_store_list_checkpoint_paths). */
gboolean cari_store_delete_run (CariStore *s, gint64 run, GError **error);
/* A numeric id or a unique name; NOT_FOUND when there is none. */
gboolean cari_store_find_run (CariStore *s, const char *name_or_id, gint64 *run, GError **error);

typedef struct
{
  gint64 id;
  char *name;
  gint64 dataset_id; /* 0 when none */
  char *config;
  guint64 seed;
  CariRunStatus status; /* effective: a stale running run reads as interrupted */
  double heartbeat, created_at, started_at, finished_at; /* unix seconds, 0 when NULL */
  gint64 parent_run;                                     /* 0 when none */
  char *message;                                         /* NULL when none */
  gint64 last_step;                                      /* max step in metrics, -1 when none */
  char *owner;  /* "host:pid" of the process that last claimed it; NULL when none */
} CariRunInfo;

void         cari_run_info_free (CariRunInfo *info);
/* A run whose status is running but whose heartbeat is older than the stale delay (see
 * cari_store_set_stale_after, default 60 s) reads as CARI_RUN_INTERRUPTED. */
CariRunInfo *cari_store_get_run (CariStore *s, gint64 run, GError **error);
/* Of CariRunInfo *, with a free function, ordered by id. */
GPtrArray   *cari_store_list_runs (CariStore *s, GError **error);
void         cari_store_set_stale_after (CariStore *s, double seconds);

/* --- metrics (store-metrics.c) ---------------------------------------------------------------- */

/* The closed list of metric keys, named here once (docs/store.md gives their meanings). Use
 * these names, or the per-task lookups below, rather than spelling a key again. */
#define CARI_METRIC_LOSS_VERIF    "loss/verif"
#define CARI_METRIC_LOSS_CARI     "loss/cari"
#define CARI_METRIC_LOSS_VISUAL   "loss/visual"
#define CARI_METRIC_LOSS_L4       "loss/l4"
#define CARI_METRIC_LOSS_TOTAL    "loss/total"
#define CARI_METRIC_WEIGHT_VERIF  "weight/verif"
#define CARI_METRIC_WEIGHT_CARI   "weight/cari"
#define CARI_METRIC_WEIGHT_VISUAL "weight/visual"
#define CARI_METRIC_LR            "lr"
#define CARI_METRIC_MODULE_LR     "module_lr"
#define CARI_METRIC_IMAGES_PER_S  "images_per_s"
#define CARI_METRIC_SKIPPED_IMAGES "skipped_images"
/* Data-parallel runs: the share of a step's time spent in the group's calls (communication and
 * waiting for the slowest rank). */
#define CARI_METRIC_COMM_SHARE    "comm_share"
/* Validation figures: "val/<name>", any non-empty name (e.g. "val/cari_acc"). */
#define CARI_METRIC_VAL_PREFIX    "val/"

/* A task's loss key (CARI_METRIC_LOSS_VERIF, _CARI, _VISUAL in task order) and weight key; NULL
 * for a value out of range. Static strings. */
const char *cari_metric_key_loss (CariTask task);
const char *cari_metric_key_weight (CariTask task);
/* TRUE for a key of the closed list above or "val/<name>". */
gboolean cari_store_metric_key_is_valid (const char *key);

typedef struct
{
  gint64 step;
  double wall_time; /* unix seconds */
  const char *key;
  double value;     /* NaN is kept (stored as NULL) */
} CariMetric;

/* Writes all n rows and refreshes the run's heartbeat in one transaction: on any error nothing is
 * written. An unknown key gives INVALID_ARGUMENT before anything is written. */
gboolean cari_store_append_metrics (CariStore *s, gint64 run, const CariMetric *metrics, gsize n,
                                    GError **error);
/* Deletes the metric rows of `run` with a step > `step` (when resuming from a checkpoint). */
gboolean cari_store_delete_metrics_after (CariStore *s, gint64 run, gint64 step, GError **error);

typedef struct
{
  gint64 rowid; /* increases with every row ever written, never reused */
  gint64 step;
  double wall_time;
  char *key;
  double value;
} CariMetricRow;

/* The rows with rowid > last_rowid, ordered by rowid (0 for all); free with g_array_unref. */
GArray     *cari_store_metrics_since (CariStore *s, gint64 run, gint64 last_rowid,
                                      GError **error);
/* A run's rows whose key starts with `prefix` (e.g. "val/"), ordered by rowid; free with
 * g_array_unref. Uses the (run, key) index: cheap on long runs. */
GArray     *cari_store_metrics_with_prefix (CariStore *s, gint64 run, const char *prefix,
                                            GError **error);
/* The latest value of every key of a run: key (char *) -> double *; newly allocated. */
GHashTable *cari_store_latest_metrics (CariStore *s, gint64 run, GError **error);

/* --- checkpoints (store-metrics.c) ------------------------------------------------------------ */

/* Records a checkpoint file; a second one at the same step replaces the first. */
gboolean   cari_store_add_checkpoint (CariStore *s, gint64 run, gint64 step, const char *path,
                                      const char *checksum, GError **error);
/* The checkpoint with the largest step (<= max_step, or any when max_step < 0); NOT_FOUND when
 * none. `step` and `path` (newly allocated) may be NULL. */
gboolean   cari_store_latest_checkpoint (CariStore *s, gint64 run, gint64 max_step, gint64 *step,
                                         char **path, GError **error);
/* Of char *, ordered by step: the files to delete with the run. */
GPtrArray *cari_store_list_checkpoint_paths (CariStore *s, gint64 run, GError **error);

typedef struct
{
  gint64 step;
  char  *path;
  char  *checksum;   /* as recorded; NULL when none was */
  double created_at; /* unix seconds */
} CariCheckpointRow;

/* A run's checkpoints, newest (largest step) first, as CariCheckpointRow (freed with the
 * array; empty when it has none): the order a resume tries them in. */
GArray    *cari_store_list_checkpoints (CariStore *s, gint64 run, GError **error);

/* --- data sets, listed (store-datasets.c) ---------------------------------------------------- */

typedef struct
{
  gint64 id;
  char  *name, *kind, *root, *fingerprint; /* fingerprint may be NULL */
  double created_at;
  int    n_identities, n_caricatures, n_photos;
  int    n_runs;       /* runs that name it */
  char  *protocols;    /* "webcari.c2p;webcari.restricted;…", sorted; "" when none */
} CariDatasetInfo;

void       cari_dataset_info_free (CariDatasetInfo *info);
/* Of CariDatasetInfo *, ordered by name. */
GPtrArray *cari_store_list_datasets (CariStore *s, GError **error);
/* Deletes a data set's rows (images, protocols; its runs keep their metrics, their data set
 * becomes none). NOT_FOUND when there is none. The files on disk are not touched. */
gboolean   cari_store_delete_dataset (CariStore *s, gint64 dataset, GError **error);

/* The data set a run trains on (0: none), once it is known: a queued run gets it when it starts
 * and its data set has been prepared. */
gboolean   cari_store_set_run_dataset (CariStore *s, gint64 run, gint64 dataset, GError **error);

/* --- evaluations (store-eval.c) --------------------------------------------------------------- */

/* One stored evaluation. run is 0 and step −1 for an external score file; fold is −1 when the
 * protocol has none. */
typedef struct
{
  gint64 id, run, step;
  char  *protocol;
  int    fold;
  char  *options;   /* "key=value;…": score, folds, seed; may be NULL */
  double created_at;
  gint64 dataset;   /* the run's data set, 0 when none */
} CariEvalInfo;

void cari_eval_info_free (CariEvalInfo *info);

/* Saves a result with its metrics, pair scores and CMC ("cmc/k" metrics) in one transaction;
 * the id of the new evaluation, or 0 with `error` set. Pair images are the indices of the run's
 * data set (cari_store_load_dataset's order), or −1. */
gint64      cari_store_save_evaluation (CariStore *s, gint64 run, gint64 step,
                                        const CariEvalResult *result, const char *options,
                                        GError **error);
/* Of CariEvalInfo *, newest first: a run's evaluations (run > 0), or every one (run 0). */
GPtrArray  *cari_store_list_evaluations (CariStore *s, gint64 run, GError **error);
CariEvalInfo *cari_store_get_evaluation (CariStore *s, gint64 evaluation, GError **error);
/* The stored result: metrics, pairs (images as data-set indices, −1 when the data set is gone),
 * CMC and threshold. */
CariEvalResult *cari_store_load_evaluation (CariStore *s, gint64 evaluation, GError **error);
/* The same without its pair scores (`pairs` empty): its metrics, CMC and threshold, for readers
 * of figures only — an experiment's summary over dozens of runs. */
CariEvalResult *cari_store_load_evaluation_metrics (CariStore *s, gint64 evaluation,
                                                    GError **error);
gboolean    cari_store_delete_evaluation (CariStore *s, gint64 evaluation, GError **error);

/* t-SNE layouts: `n` points (data-set image indices, xy [n, 2]) of one view (V2V, V2C, C2C, C2V)
 * of an evaluation, replacing what the view had. */
gboolean    cari_store_save_layout (CariStore *s, gint64 evaluation, const char *view,
                                    const int *images, const float *xy, int n, GError **error);
/* NOT_FOUND when the view has no points. *images and *xy newly allocated. */
gboolean    cari_store_load_layout (CariStore *s, gint64 evaluation, const char *view,
                                    int **images, float **xy, int *n, GError **error);

/* --- experiments (store-experiments.c) ------------------------------------------------------- */

/* One run of an experiment to create: its name and configuration text (as a queued run), its
 * seed, the cell of the grid it belongs to ("pretrain" for the shared pretraining), and the
 * index in the same array of its parent run (−1: none). */
typedef struct
{
  const char *name;
  const char *config;
  guint64 seed;
  const char *cell;
  int parent;
} CariExperimentRunSpec;

/* Records an experiment — its name (unique, not empty nor a number: INVALID_ARGUMENT naming it),
 * its definition text — and all its runs, queued, in ONE transaction: killed or failing half-way
 * it leaves nothing. A run name already taken is INVALID_ARGUMENT naming it. The runs' positions
 * are their indices in `runs`. Returns the experiment's id, 0 on error. */
gint64   cari_store_create_experiment (CariStore *s, const char *name, const char *definition,
                                       const CariExperimentRunSpec *runs, int n_runs,
                                       GError **error);
/* A numeric id or a name; NOT_FOUND naming it when there is none. */
gboolean cari_store_find_experiment (CariStore *s, const char *name_or_id, gint64 *experiment,
                                     GError **error);

typedef struct
{
  gint64 id;
  char  *name;
  char  *definition;
  double created_at;
  int    n_runs;
  int    n_finished;  /* runs whose status is finished */
  int    n_failed;    /* failed or diverged */
} CariExperimentInfo;
void     cari_experiment_info_free (CariExperimentInfo *info);
/* NOT_FOUND when there is none. */
CariExperimentInfo *cari_store_get_experiment (CariStore *s, gint64 experiment, GError **error);
/* Of CariExperimentInfo *, ordered by id. */
GPtrArray *cari_store_list_experiments (CariStore *s, GError **error);

/* One run's place in an experiment. */
typedef struct
{
  int     position;
  gint64  run;
  char   *cell;
  guint64 seed;
  gint64  evaluated_step; /* the checkpoint step its evaluations are complete at; −1: none */
} CariExperimentRun;
/* An experiment's runs in execution order (position), as CariExperimentRun (freed with the
 * array). NOT_FOUND when there is no such experiment. */
GArray  *cari_store_list_experiment_runs (CariStore *s, gint64 experiment, GError **error);
/* Records that every evaluation of the run at `position` is saved, at checkpoint `step` (−1
 * clears it). NOT_FOUND when there is no such place. */
gboolean cari_store_set_experiment_evaluated (CariStore *s, gint64 experiment, int position,
                                              gint64 step, GError **error);
/* The experiment a run belongs to (0: none). */
gboolean cari_store_experiment_of_run (CariStore *s, gint64 run, gint64 *experiment,
                                       GError **error);
/* Deletes the experiment and its places (not its runs). NOT_FOUND when there is none. */
gboolean cari_store_delete_experiment (CariStore *s, gint64 experiment, GError **error);

/* --- copies and merges (store-merge.c) -------------------------------------------------------
 *
 * A distributed experiment (launch/experiment.h) gives each rank but the first a copy of the
 * store of its own, which that rank alone writes, and merges the copies back at the end: the
 * store stays single-writer, and only the merge touches the shared database. */

/* Writes a consistent copy of the whole database to `path` as of now (VACUUM INTO; other
 * connections may go on writing meanwhile). `path` must not exist. */
gboolean cari_store_copy_to (CariStore *s, const char *path, GError **error);
/* Keeps, of every experiment's places, only the `n` positions of `experiment` in `positions`
 * (the runs stay): what a rank's copy is to execute, and what merging it brings back. */
gboolean cari_store_keep_experiment_places (CariStore *s, gint64 experiment,
                                            const int *positions, int n, GError **error);

/* The folder of a run's checkpoint files in a store (launch/run.h's cari_run_checkpoint_dir).
 * Newly allocated. */
typedef char *(*CariStoreRunFolder) (CariStore *store, gint64 run);

/* Merges the copy at `path` (cari_store_copy_to, then written by one rank) into `s`: for each
 * place the copy keeps whose run and place `s` still has, the run's status, data set, times,
 * heartbeat, message and owner; its metrics, checkpoints and complete evaluations (eval
 * metrics, pair scores, layouts), each set replacing the run's in `s` — rows both hold are
 * kept, under their ids; the copy's new rows get new ids —; and the place's evaluated step.
 * Checkpoint files in the copy's run folders (`folder`) move into `s`'s, their paths
 * rewritten. The rows are written in one transaction; then the copy and its folders are
 * deleted. On failure the copy is kept (the error names it) and merging it again is safe: a
 * file already moved is found where it went. BUSY when a run of the copy is held by a live
 * process (a rank still executing it), and unless `writers_closed` (the caller knows that every
 * process that wrote the copy has closed it) when a run of the copy names a live process other
 * than this one as its owner: a rank between two runs. *n_merged (may be NULL) receives the
 * places merged. */
gboolean cari_store_merge (CariStore *s, const char *path, CariStoreRunFolder folder,
                           gboolean writers_closed, int *n_merged, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariStore, cari_store_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariRunInfo, cari_run_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariEvalInfo, cari_eval_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariDatasetInfo, cari_dataset_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariExperimentInfo, cari_experiment_info_free)

G_END_DECLS
