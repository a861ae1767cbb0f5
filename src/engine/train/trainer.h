/* trainer.h — dynamic multi-task training, built for a host thread.
 *
 * A trainer owns a network, its optimisers, the sampler and the center tables, and advances one
 * step at a time: sample a batch (caricatures, then photos), forward, the task losses (softmax
 * cross-entropy per branch, plus the center loss on `verif`), the weighting strategy, backward,
 * clipping, the optimisers, the center update. Pause, resume and cancel are safe from any thread;
 * cancel is honoured within one step. The whole state saves to and restores from a checkpoint,
 * and a restored trainer continues bitwise identically (same seed and thread count).
 */
#pragma once

#include "data/source.h"
#include "nn/checkpoint.h"
#include "nn/net.h"
#include "train/config.h"

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CariTrainer CariTrainer;

/* What one step measured. Arrays are in task order; present[t] says which tasks exist. */
typedef struct
{
  guint64  step;           /* steps done, this one included */
  gboolean present[CARI_N_TASKS];
  float    loss[CARI_N_TASKS];   /* L_i (verif: cross-entropy + λ·center loss) */
  float    weight[CARI_N_TASKS]; /* w_i the step used */
  float    l4;             /* Σ w_i / (L_i + ε) (0 without the module) */
  float    total;          /* Σ w_i · L_i */
  float    lr;
  float    module_lr;      /* the weight module's scheduled rate (0 without the module) */
  float    grad_norm;      /* of Θ before clipping */
  int      skipped_images; /* batch images that could not be read, each replaced by another
                            * image of the batch (see cari_trainer_step) */
  double   seconds;        /* wall time of the step */
  double   comm_seconds;   /* of which in the group's calls (data-parallel; 0 in one process) */
} CariStepStats;

CariTrainer *cari_trainer_new (const CariRunConfig *cfg, CariDataSource *source,
                               GError **error);
/* A trainer that is rank comm->rank of a data-parallel run (comm borrowed, NULL: one process).
 * Every rank draws the same global batch (the sampler does not depend on the group) and takes
 * its share of it — its contiguous part of the caricatures and of the photos (cari_comm_share)
 * — and loads only that. The task losses, the task weights, batch-norm statistics (with
 * batch.sync_batchnorm) and the gradients are summed over the group, dropout masks follow each
 * image's place in the global batch, and the center table is updated from the global batch, so
 * every rank holds the same state as one process would (to rounding), and its checkpoints
 * restore into a group of any size. Each rank needs at least one caricature and one photo of
 * every batch that has them. Every rank calls cari_trainer_step the same number of times; a
 * rank's failure, or a cancellation, stops every rank at the same step (cari_comm_agree). */
CariTrainer *cari_trainer_new_shared (const CariRunConfig *cfg, CariDataSource *source,
                                      CariComm *comm, GError **error);
/* The group's rank 0 stops the others at their next step with `error` (its own failure outside
 * the step, e.g. writing the store): call it once, instead of the next cari_trainer_step, while
 * steps remain. No-op in one process. */
void         cari_trainer_stop_group (CariTrainer *trainer, const GError *error);
CariComm    *cari_trainer_get_comm (CariTrainer *trainer);
/* How many replicas of the network the trainer steps at once in this process
 * (cari_run_config_replicas; 1 in a group of ranks). With more than one, each takes its share of
 * every batch on a thread of its own, single-threaded, as the ranks of a group do; the host sees
 * one trainer, one network (replica 0's, which validation and checkpoints use) and one step. */
int          cari_trainer_get_replicas (const CariTrainer *trainer);
void         cari_trainer_free (CariTrainer *trainer);

/* One training step. FALSE with CARI_ERROR_DIVERGED (naming the task and the step) when a loss
 * or weight is not finite, with CARI_ERROR_CANCELLED when cancelled before it began.
 *
 * An image of the batch that cannot be read (changed on disk since the import) does not stop the
 * step: it is logged, counted in stats->skipped_images and replaced by another image of the
 * batch, of the same modality where there is one (its pixels and its labels). The step fails
 * with CARI_ERROR_CORRUPT, naming the last such file, once more distinct images than
 * data.max_bad_images have failed since the run began (the checkpoint keeps them), or when no
 * image of the batch can be read. */
gboolean     cari_trainer_step (CariTrainer *trainer, CariStepStats *stats, GError **error);

/* The gradients of one step on a batch the caller gives, changing no weight: images
 * [n, 3, S, S] standardised, caricatures first, identities [n]; the forward (training mode), the
 * task losses, the weighting strategy and the backward of cari_trainer_step, without clipping,
 * optimisers, the center update or the step count. The network's gradients
 * (cari_net_grads, cari_net_module_grads) hold the result; stats gets the losses, the weights
 * and L4 (step and timing fields aside). For checks against another implementation. */
gboolean     cari_trainer_gradients (CariTrainer *trainer, const float *images,
                                     const int *identities, CariStepStats *stats,
                                     GError **error);
/* The verif branch's center table [K, E] (NULL and 0 × 0 without the center loss). */
const float *cari_trainer_center_table (CariTrainer *trainer, int *n_rows, int *n_cols);
guint64      cari_trainer_get_step (const CariTrainer *trainer);
CariNet     *cari_trainer_get_net (CariTrainer *trainer);
const CariRunConfig *cari_trainer_get_config (const CariTrainer *trainer);

/* Checkpoint of everything a step depends on; and back (changes nothing on error). */
CariCheckpoint *cari_trainer_checkpoint (CariTrainer *trainer);
gboolean     cari_trainer_restore (CariTrainer *trainer, const CariCheckpoint *ck,
                                   GError **error);
/* Start from another run's checkpoint (e.g. pretraining, §5.2): copy every tensor whose name and
 * size match, then, when asked, initialise `verif` and `cari` from `visual`. */
gboolean     cari_trainer_init_from (CariTrainer *trainer, const CariCheckpoint *ck,
                                     gboolean branches_from_visual, GError **error);

/* Closed-set accuracy on the validation role: `cari` on caricatures (C2C), `visual` on photos
 * (V2V), `visual` on caricatures (V2C), `cari` on photos (C2V), `verif` on both. Keys
 * "val/cari_acc", "val/visual_acc", "val/v2c_acc", "val/c2v_acc", "val/verif_acc" → [0, 1]. An
 * image that cannot be read is left out. */
GHashTable  *cari_trainer_validate (CariTrainer *trainer, GError **error);

/* Thread-safe controls. */
void         cari_trainer_pause (CariTrainer *trainer);
void         cari_trainer_resume (CariTrainer *trainer);
gboolean     cari_trainer_is_paused (CariTrainer *trainer);
void         cari_trainer_cancel (CariTrainer *trainer);
gboolean     cari_trainer_is_cancelled (CariTrainer *trainer);
/* Blocks while paused; returns FALSE when cancelled. */
gboolean     cari_trainer_wait_if_paused (CariTrainer *trainer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariTrainer, cari_trainer_free)

G_END_DECLS
