/* launch.h — starting and resuming runs recorded in the store, shared by carilab-cli and the
 * workbench: data sets by name (SynCari generated and imported on first use), a new run's
 * trainer and store row (init.from resolved), and a run's trainer restored for resuming.
 */
#pragma once

#include "data/index.h"
#include "data/source.h"
#include "eval/evaluate.h"
#include "store/store.h"
#include "train/config.h"
#include "train/trainer.h"

#include <glib.h>

G_BEGIN_DECLS

/* Where SynCari is generated: $XDG_CACHE_HOME/carilab/syncari (or syncari-pretrain). */
char *cari_syncari_cache_root (gboolean pretrain);

/* What a long preparation is doing (generating SynCari), with its fraction done; return FALSE to
 * cancel (CARI_ERROR_CANCELLED). Called on the caller's thread. */
typedef gboolean (*CariLaunchProgress) (double fraction, const char *what, gpointer user_data);

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

/* A new run of `cfg` on `source`: the trainer, initialised from `init.from` (a checkpoint file,
 * or a run of the store whose latest checkpoint is used and which becomes the parent), and the
 * run's row (status queued, the exact config text). A run without a name gets
 * "<strategy>-<time>". Errors name init.from or the store. */
CariTrainer *cari_launch_new_run (CariStore *store, const CariRunConfig *cfg,
                                  CariDataSource *source, gint64 *run, GError **error);

/* Records a run to start later (the GUI's queue): its row with status queued; init.from is
 * resolved when it starts. The new run's id, 0 on error. */
gint64       cari_launch_queue_run (CariStore *store, const CariRunConfig *cfg, GError **error);

/* The trainer of an existing run, ready to execute: a queued run from its start (init.from
 * resolved then), any other from its latest checkpoint (metrics after it are deleted, see
 * cari_run_prepare_resume). *step receives the step it continues from. */
CariTrainer *cari_launch_run (CariStore *store, gint64 run, CariDataSource *source, gint64 *step,
                              GError **error);

/* The network of `run` restored from its checkpoint at `step` (the latest when step < 0; an
 * exact step must exist: the error names the nearest before). `n_classes` is its data source's
 * number of training identities. *checkpoint_step receives the step. */
CariNet     *cari_launch_load_net (CariStore *store, gint64 run, gint64 step,
                                   const CariRunConfig *cfg, int n_classes,
                                   gint64 *checkpoint_step, GError **error);

/* Evaluates a run's checkpoint on every protocol its data set has, each at the run's fold (or
 * the protocol's first), saving each result in the store; with views_top > 0 also lays out
 * Fig. 2's four views of that many identities (perplexity 50) and stores them with the first
 * evaluation. Progress and cancellation through `progress` (see CariEvalProgress). The saved
 * evaluations' ids (of gint64) go to *evaluations. */
gboolean     cari_launch_evaluate (CariStore *store, gint64 run, gint64 step, int views_top,
                                   CariEvalProgress progress, gpointer user_data,
                                   GArray **evaluations, GError **error);

/* Lays out Fig. 2's four views (V2V, V2C, C2C, C2V) of the `views_top` identities with the
 * most unseen images (perplexity 50, PCA initialisation) for an evaluation that has none, with
 * the run's network at the evaluation's checkpoint step, and stores them with `evaluation`
 * (replacing what it had). Progress through `progress` (return FALSE to cancel); `cancel` (may
 * be NULL) is a flag the host raises with g_atomic_int_set to stop at once, during the t-SNE
 * iterations too. CARI_ERROR_CANCELLED when cancelled; NOT_FOUND when the checkpoint is gone. */
gboolean     cari_launch_layouts (CariStore *store, gint64 evaluation, int views_top,
                                  CariEvalProgress progress, gpointer user_data,
                                  const gint *cancel, GError **error);

G_END_DECLS
