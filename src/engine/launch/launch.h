/* launch.h — the use cases the CLI and the workbench share, from a stored run's configuration to
 * its recorded outcome:
 *
 * - data sets by name: SynCari generated into the cache and imported on first use, imported
 *   data sets read back, the toy set (dataset.c);
 * - queueing a run, and executing one — start or resume: config → data source → trainer →
 *   the run loop (run.h) — with every outcome, a failed preparation included, recorded in the
 *   store whatever the front end (start.c); and executing a list of runs one after another;
 * - evaluating a run's checkpoint on a set of protocols and folds, saving the results, and laying
 *   out Fig. 2's views (evaluate.c).
 *
 * Front ends only present: they pass callbacks (progress, a trainer to pause or cancel, results
 * to print) and read the store. Nothing here prints.
 */
#pragma once

#include "data/index.h"
#include "data/source.h"
#include "eval/evaluate.h"
#include "eval/views.h"
#include "launch/run.h"
#include "store/store.h"
#include "train/config.h"
#include "train/trainer.h"

#include <glib.h>

G_BEGIN_DECLS

/* --- data sets (dataset.c) ------------------------------------------------------------------ */

/* Where SynCari is generated: $XDG_CACHE_HOME/carilab/syncari (or syncari-pretrain). */
char *cari_syncari_cache_root (gboolean pretrain);

/* What a long preparation is doing (generating SynCari, importing, computing embeddings), with
 * its fraction done; return FALSE to cancel (CARI_ERROR_CANCELLED). Called on the caller's
 * thread. The same shape as CariEvalProgress. */
typedef CariEvalProgress CariLaunchProgress;

/* The index of a data set: imported in the store, or for `syncari` and `syncari-pretrain`
 * generated into the cache (when no complete copy is there) and imported on first use. */
CariDatasetIndex *cari_launch_dataset_index (CariStore *store, const char *name,
                                             CariLaunchProgress progress, gpointer user_data,
                                             GError **error);
/* The run's loader over `index`: its protocol fold's roles, input size and validation split. */
CariDataSource   *cari_launch_loader (const CariRunConfig *cfg, const CariDatasetIndex *index,
                                      GError **error);
/* The data source of a configuration: the toy set, or a loader over its data set. */
CariDataSource   *cari_launch_source (CariStore *store, const CariRunConfig *cfg,
                                      CariLaunchProgress progress, gpointer user_data,
                                      GError **error);

/* --- runs (start.c) ------------------------------------------------------------------------- */

/* Records a run of `cfg` to execute later: its row with status queued and the exact config
 * text; init.from and the data set are resolved when it starts. A run without a name gets
 * "<strategy>-<time>". The new run's id, 0 on error. */
gint64   cari_launch_queue_run (CariStore *store, const CariRunConfig *cfg, GError **error);

typedef struct
{
  /* While the data set is prepared (generated, imported, loaded): FALSE cancels. */
  CariLaunchProgress preparing;
  /* Once the trainer is ready, before its first step: `run` is the run's row, `step` where it
   * goes on from. The host may keep `trainer` (borrowed, valid until cari_launch_execute
   * returns) to pause or cancel it from any thread. */
  void (*ready) (const CariRunInfo *run, CariTrainer *trainer, guint64 step, gpointer user_data);
  /* After every step and every validation, on the trainer's thread (see run.h); `run.notice`
   * also before `ready`, when a resume falls back to an older checkpoint (which, and why each
   * newer one was skipped). */
  CariRunCallbacks run;
  gpointer user_data; /* for `preparing` and `ready`; `run` has its own */
} CariLaunchCallbacks;

/* Executes a stored run: a queued one from its start (metrics of an earlier attempt deleted,
 * init.from resolved), any other from the newest of its checkpoints that loads (metric rows
 * after it deleted once it has loaded; see cari_run_prepare_resume), removing first the
 * temporary files a killed checkpoint write left in the run's folder. Its
 * data set is prepared first, and the run's row names it. When preparing fails, the run's status
 * becomes failed (cancelled when `preparing` cancelled) with the message, and FALSE returns the
 * error; the run loop records the rest (run.h). `callbacks` and `report` may be NULL. */
gboolean cari_launch_execute (CariStore *store, gint64 run, const CariLaunchCallbacks *callbacks,
                              CariRunReport *report, GError **error);

/* Data-parallel: executes `run` as cari_launch_execute does, as rank 0 of `comm`'s group (see
 * cari_trainer_new_shared), which alone reads and writes the store. Once it has prepared the run
 * (or failed to) it hands the others, which call cari_launch_follow, the configuration, the data
 * set (as a database file of its own: they never open the store) and the trainer's state, fresh
 * or resumed; a failure of any rank, before or during training, ends every rank's call and is
 * recorded with the rank and the reason. A group of one is cari_launch_execute. */
gboolean cari_launch_execute_group (CariStore *store, gint64 run, CariComm *comm,
                                    const CariLaunchCallbacks *callbacks, CariRunReport *report,
                                    GError **error);
/* The other ranks' side of cari_launch_execute_group: train the same steps on this rank's share
 * of every batch, recording nothing. `callbacks` may be NULL; its `ready` gets run NULL and its
 * `run.progress` each step. TRUE once the run's last step is done. */
gboolean cari_launch_follow (CariComm *comm, const CariLaunchCallbacks *callbacks,
                             GError **error);

/* Executes `runs` one after another, skipping those already finished; stops at the first that
 * is cancelled. Returns the number of runs that did not finish (failed, diverged, cancelled),
 * with the first such error in `error`; −1 when the store itself fails. */
int      cari_launch_execute_all (CariStore *store, const gint64 *runs, int n_runs,
                                  const CariLaunchCallbacks *callbacks, GError **error);

/* --- interop (interop.c) ------------------------------------------------------------------- */

/* Rows of one chunk of inference by a network cari_launch_open_net opens. */
#define CARI_LAUNCH_INFER_ROWS 32

/* The network of `run`'s checkpoint at `step` (the latest when step < 0; an exact step must
 * exist), without opening its data set: the checkpoint gives the number of identities. Its batch
 * capacity is CARI_LAUNCH_INFER_ROWS whatever the run's batch. *config (may be NULL) receives
 * the run's configuration. */
CariNet *cari_launch_open_net (CariStore *store, gint64 run, gint64 step, gint64 *checkpoint_step,
                               CariRunConfig **config, GError **error);

typedef enum
{
  CARI_EXPORT_SAFETENSORS, /* every tensor, PyTorch's names (interop/weights.h) */
  CARI_EXPORT_ONNX,        /* the inference graph of one branch (interop/onnx.h) */
} CariExportFormat;

/* Writes the network of `run`'s checkpoint at `step` (< 0: the latest) to `path`; `branch` is
 * the ONNX graph's branch (ignored for safetensors). The metadata names the run and the step and
 * says how to feed the network. *exported_step (may be NULL) receives the step. */
gboolean cari_launch_export (CariStore *store, gint64 run, gint64 step, CariExportFormat format,
                             CariTask branch, const char *path, gint64 *exported_step,
                             GError **error);

/* Records the weights of a safetensors file (its metadata gives the architecture) as a run of
 * status imported, named `name` (NULL: the file's name without its extension), with one
 * checkpoint at step 0 that other runs can start from (init.from = its name). A file that does
 * not fit the architecture it declares is refused with the list of tensors at fault unless
 * `partial`; report (may be NULL) says what was loaded. The run's id, 0 on error (nothing is
 * left behind). */
gint64   cari_launch_import_weights (CariStore *store, const char *path, const char *name,
                                     gboolean partial, char **report, GError **error);

/* An image file as the network takes it: decoded (reduced when large), resized to size × size
 * and standardised into dst [3, size, size]. */
gboolean cari_launch_load_image (const char *path, int size, float *dst, GError **error);

/* --- evaluation (evaluate.c) ---------------------------------------------------------------- */

/* The network of `run` restored from its checkpoint at `step` (the latest when step < 0; an
 * exact step must exist: the error names the nearest before). `n_classes` is its data source's
 * number of training identities. *checkpoint_step receives the step. */
CariNet *cari_launch_load_net (CariStore *store, gint64 run, gint64 step,
                               const CariRunConfig *cfg, int n_classes, gint64 *checkpoint_step,
                               GError **error);

/* A run's checkpoint ready to evaluate: its row and configuration, its data set, loader,
 * network and evaluator (embeddings computed once, reused across protocols and views). */
typedef struct
{
  gint64            run;
  gint64            step;     /* the checkpoint's */
  CariRunInfo      *info;
  CariRunConfig    *config;
  CariDatasetIndex *index;
  CariDataSource   *source;
  CariNet          *net;
  CariEvaluator    *evaluator;
  CariEvalOptions   options;
  CariLaunchProgress progress; /* the evaluator's, as opened */
  gpointer          progress_data;
} CariEvalSession;

/* Opens the checkpoint of `run` at `step` (< 0: the latest). `options` may be NULL (defaults).
 * `progress` reports preparing the data set, then the embeddings. Errors name the run, its data
 * set (the toy set has no protocols) or the missing checkpoint. */
CariEvalSession *cari_eval_session_open (CariStore *store, gint64 run, gint64 step,
                                         const CariEvalOptions *options,
                                         CariLaunchProgress progress, gpointer user_data,
                                         GError **error);
void             cari_eval_session_free (CariEvalSession *session);

/* What to evaluate: every protocol the data set has (protocol NULL or "all") or one; at the
 * run's fold when the protocol has it, else its first test fold (fold NULL), at every test fold
 * ("all"), or at a fold by number. */
typedef struct
{
  const char *protocol;
  const char *fold;
  gboolean    save;           /* record each result (metrics, pair scores, CMC) in the store */
  gboolean    include_leaked; /* keep results computed on identities or images the run trained
                               * on (marked † in tables); left out by default */
} CariEvalRequest;

/* Each result as it is done, with the id it was saved under (0 when not saved); `left_out`
 * when it was computed on identities or images the run trained on (result->leaked of them) and
 * the request does not include those: then it is neither saved nor returned. */
typedef void (*CariEvalResultFunc) (const CariEvalResult *result, gint64 evaluation,
                                    gboolean left_out, gpointer user_data);

/* Runs `request`. Returns the results (of CariEvalResult *, in protocol then fold order) and,
 * when `saved` is not NULL, their evaluation ids (gint64, 0 when not saved); NULL on error —
 * naming a fold that is not there, a protocol the data set lacks (when one was asked for), or
 * that it has none of them; CARI_ERROR_MISMATCH when every result was left out for leaking. */
GPtrArray *cari_eval_session_run (CariEvalSession *session, CariStore *store,
                                  const CariEvalRequest *request, CariEvalResultFunc on_result,
                                  gpointer user_data, GArray **saved, GError **error);

/* Each view as it is laid out, with the time it took. */
typedef void (*CariViewDone) (CariView view, const CariViewLayout *layout, double seconds,
                              gpointer user_data);

/* Lays out Fig. 2's four views of the `top` identities with the most unseen images (perplexity
 * 50, PCA initialisation) and stores them with `evaluation` (not stored when it is 0) — those
 * whose branch the network has: a single-task model has its branch's two (V2V and V2C for
 * `visual`, C2C and C2V for `cari`), `verif` alone none. `progress` gets the fraction over the four views (FALSE cancels); `cancel` (may be NULL) is a
 * flag the host raises with g_atomic_int_set to stop at once, during the t-SNE iterations too.
 * CARI_ERROR_CANCELLED when cancelled. */
gboolean   cari_eval_session_views (CariEvalSession *session, CariStore *store, gint64 evaluation,
                                    int top, CariLaunchProgress progress, CariViewDone on_view,
                                    gpointer user_data, const gint *cancel, GError **error);

/* The workbench's evaluation: every protocol its data set has, each at the run's fold (or the
 * protocol's first), saved; with views_top > 0 also Fig. 2's views stored with the first
 * evaluation. The saved evaluations' ids (of gint64) go to *evaluations. */
gboolean   cari_launch_evaluate (CariStore *store, gint64 run, gint64 step, int views_top,
                                 CariLaunchProgress progress, gpointer user_data,
                                 GArray **evaluations, GError **error);

/* Lays out Fig. 2's views for a stored evaluation that has none, with the run's network at the
 * evaluation's checkpoint step, replacing what it had. NOT_FOUND when the checkpoint is gone;
 * INVALID_ARGUMENT for an evaluation of an external score file. */
gboolean   cari_launch_layouts (CariStore *store, gint64 evaluation, int views_top,
                                CariLaunchProgress progress, gpointer user_data,
                                const gint *cancel, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariEvalSession, cari_eval_session_free)

G_END_DECLS
