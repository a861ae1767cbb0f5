/* net.h — the paper's network: a shared Inception-ResNet trunk, one branch per task, and the
 * dynamic-weight module.
 *
 *   images [N, 3, S, S] (caricatures first, then photos)
 *     → trunk: conv1–conv6 stem, Inception-ResNet-A ×a, Reduction-A, Inception-ResNet-B ×b,
 *       Reduction-B → Z [N, 1792·width, s, s]
 *     → per task (verif on all rows, cari on the caricature rows, visual on the photo rows):
 *       Inception-ResNet-C ×c → conv 1×1 192 + BN + ReLU → global average pool → dropout →
 *       dense → BN = embedding [rows, E] → classifier [rows, K]
 *     → weight module on all rows: dense(flatten Z) → T logits → (r·logits/‖logits‖) → softmax
 *       → mean over the batch = w [T]
 *
 * Tasks (core/task.h) are always named and ordered verif, cari, visual.
 */
#pragma once

#include "core/comm.h"
#include "core/rng.h"
#include "core/task.h"

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

/* The weight module's equal starting biases (with ψ = 0): the logits start at this value for
 * every task, so the weights start uniform at a point where the L2 normalisation is defined;
 * a larger value makes the first steps move the weights less (their angle moves by about
 * |Δψ·z| / (√T · CARI_MODULE_BIAS)). */
#define CARI_MODULE_BIAS 2.0f

typedef struct
{
  int   input_size;      /* square input side, 75 … 224 */
  float width;           /* channel multiplier, (0, 4] */
  int   repeats_a;       /* Inception-ResNet-A blocks in the trunk */
  int   repeats_b;       /* Inception-ResNet-B blocks in the trunk */
  int   repeats_c;       /* Inception-ResNet-C blocks in each branch */
  int   head_channels;   /* the branch's 1×1 conv before pooling (192 in Table 1), scaled */
  int   embedding_size;  /* E */
  int   n_identities;    /* K, classes of every classifier */
  guint tasks;           /* CARI_TASK_BIT set */
  gboolean weight_module;/* build the dynamic-weight module */
  float weight_r;        /* logit normalisation scale r; 0 = off */
  gboolean weight_xavier;/* the module starts Xavier-initialised (random weights near the bound)
                          * instead of ψ = 0 and equal biases (uniform weights, CARI_MODULE_BIAS) */
  int   max_caricatures; /* batch capacity, caricature rows */
  int   max_photos;      /* batch capacity, photo rows */
  float dropout_keep;    /* keep probability before the embedding, (0, 1] */
  float bn_decay;        /* running-statistics decay */
  float bn_eps;
} CariNetConfig;

/* Presets: "paper" (the authors' trunk at 160×160, width 1, repeats 1/1/1, embedding 128) and
 * "demo" (small enough to train on two cores in minutes). Batch capacity is left to the caller
 * (defaults 30 + 30). */
gboolean cari_net_config_init_preset (CariNetConfig *cfg, const char *preset, GError **error);
const char *const *cari_net_preset_names (void);
/* Checks every field; the error names the parameter at fault. */
gboolean cari_net_config_validate (const CariNetConfig *cfg, GError **error);
/* Smallest input side the trunk's strides allow (75). */
int      cari_net_min_input_size (void);
/* A canonical "key=value;…" text of the fields that fix the parameter layout (for checkpoints). */
char    *cari_net_config_architecture (const CariNetConfig *cfg);
/* Whether the network's layers are too small to split well over threads (input of at most 128
 * pixels and width at most 0.5: the demo's): such a network trains as replicas
 * (batch.replicas' auto) and extracts embeddings image-parallel (cari_net_infer). */
gboolean cari_net_config_splits_poorly (const CariNetConfig *cfg);
/* Set the fields an architecture text gives (the others are left), then validate; the error
 * names the field at fault. */
gboolean cari_net_config_apply_architecture (CariNetConfig *cfg, const char *architecture,
                                             GError **error);

typedef struct _CariNet CariNet;

CariNet *cari_net_new (const CariNetConfig *cfg, uint64_t seed, GError **error);
void     cari_net_free (CariNet *net);
const CariNetConfig *cari_net_get_config (const CariNet *net);
gboolean cari_net_has_task (const CariNet *net, CariTask task);

/* --- training ------------------------------------------------------------------------------ */

/* Forward pass of the whole network over n_cari caricatures followed by n_photo photos
 * ([n_cari + n_photo, 3, S, S], standardised). training: batch statistics and dropout. */
void cari_net_forward (CariNet *net, const float *images, int n_cari, int n_photo,
                       gboolean training);

/* Outputs of the last forward, per task: rows of the branch, logits [rows, K], embedding
 * [rows, E] (before normalisation) and its L2-normalised copy. NULL when the task is absent. */
typedef struct
{
  int          rows;
  const float *logits;
  const float *embedding;
  const float *embedding_normalized;
} CariHeadOutput;

gboolean     cari_net_head_output (CariNet *net, CariTask task, CariHeadOutput *out);
/* Task weights w [T] of the last forward, in task order over the present tasks. */
const float *cari_net_task_weights (CariNet *net, int *n_tasks);

/* Gradients the host's losses fill before cari_net_backward: ∂L/∂logits [rows, K] and
 * ∂L/∂embedding [rows, E] of a branch (zeroed by cari_net_zero_grad), ∂L/∂w [T]. */
float *cari_net_head_dlogits (CariNet *net, CariTask task);
float *cari_net_head_dembedding (CariNet *net, CariTask task);
float *cari_net_task_dweights (CariNet *net);

/* Zero every gradient (network, module, and the host-filled output gradients). */
void   cari_net_zero_grad (CariNet *net);
/* Backward pass. The module's parameters Ψ receive the gradient of ∂L/∂w as set through
 * cari_net_task_dweights. dweights_trunk [T]: a loss gradient with respect to w that also flows
 * through the module into the trunk (naive weighting and the authors' variant pass ∂L_total/∂w);
 * NULL keeps the module a leaf on a detached Z (the paper). */
void   cari_net_backward (CariNet *net, const float *dweights_trunk);

/* --- parameters ---------------------------------------------------------------------------- */

/* Network parameters Θ (trunk and branches) and the module's Ψ, each one contiguous block. */
float  *cari_net_params (CariNet *net, size_t *n);
float  *cari_net_grads (CariNet *net, size_t *n);
float  *cari_net_module_params (CariNet *net, size_t *n);
float  *cari_net_module_grads (CariNet *net, size_t *n);
/* Batch-norm running statistics (saved, not optimised). */
float  *cari_net_buffers (CariNet *net, size_t *n);
CariRng *cari_net_rng (CariNet *net);

/* --- data-parallel training ---------------------------------------------------------------- */

/* Makes the network one rank of `comm`'s group (borrowed; NULL: one process) for its training
 * passes: each rank forwards its share of every batch, and what a batch's rows share is summed
 * over the ranks — batch-norm statistics (unless `sync_batchnorm` is FALSE: each rank's own, a
 * different arithmetic from one process) and the module's batch-mean task weights. Parameter
 * gradients stay each rank's own share, for the host to sum. Inference passes never
 * communicate. */
void     cari_net_set_comm (CariNet *net, CariComm *comm, gboolean sync_batchnorm);
/* Each row's place in the whole batch for the training forwards that follow (rows in the
 * forward's order, caricatures then photos; copied; NULL: 0 … n − 1): a row's dropout mask
 * depends on it and on the network's generator alone, so that ranks draw what one process
 * does. */
void     cari_net_set_row_ids (CariNet *net, const int *ids, int n);

typedef struct
{
  const char *name; /* e.g. "trunk/conv1/weight", "cari/block8_1/b1_2/weight" */
  float      *param;
  float      *grad;
  size_t      size;
  gboolean    module;
  gboolean    buffer; /* a batch-norm running statistic (no gradient) */
  int         ndim;   /* the tensor's shape, row-major: conv weights [OC, C, KH, KW] (OIHW),
                       * dense weights [out, in], everything else [size] */
  gint64      shape[4];
} CariParamInfo;

/* Number of trainable values of Θ (module FALSE) or Ψ (module TRUE), alignment padding of the
 * blocks above excluded. */
size_t cari_net_param_count (CariNet *net, gboolean module);

/* Every parameter tensor, then every buffer, in layout order. */
const CariParamInfo *cari_net_param_infos (CariNet *net, size_t *n);

/* Copy the `visual` branch's parameters and statistics into `verif` and `cari` (§5.2). */
gboolean cari_net_init_branches_from_visual (CariNet *net, GError **error);

/* --- inference ----------------------------------------------------------------------------- */

/* Run the trunk and one branch on any n images (any modality), in inference mode, in chunks of
 * the batch capacity. embeddings [n, E] receive L2-normalised embeddings, probs [n, K] the
 * softmax class scores; either may be NULL. Overwrites the activations of the last forward and
 * the gradients a host filled for the next backward (cari_net_head_dlogits and _dembedding):
 * never call it between filling them and cari_net_backward. The folded weights it runs with are
 * refolded when the parameters were last handed out (cari_net_params and friends) or the
 * running statistics changed: fetch the parameters again before writing them. */
gboolean cari_net_infer (CariNet *net, CariTask task, const float *images, int n,
                         float *embeddings, float *probs, GError **error);

/* --- cost ---------------------------------------------------------------------------------- */

/* Floating-point operations (2 per multiply-add) of one training step: forward, backward of
 * every convolution and dense layer (no input gradient for the first conv and for the module on
 * a detached Z). */
double cari_net_train_flops (const CariNet *net, int n_cari, int n_photo,
                             gboolean module_to_trunk);
/* Bytes of parameters, gradients, buffers, activations and workspaces. */
size_t cari_net_memory_bytes (const CariNet *net);

/* Per-stage wall time of the passes since the last reset, for `carilab-cli bench --profile`. */
typedef struct
{
  const char *name;
  double forward_s;
  double backward_s;
  /* Floating-point operations of one forward and one backward of the stage over the rows of
   * the last training step (2 per multiply-add of its convolutions and dense layers), for
   * GFLOP/s against a roofline. */
  double forward_flops;
  double backward_flops;
} CariStageTime;

void cari_net_set_profiling (CariNet *net, gboolean enabled);
const CariStageTime *cari_net_stage_times (CariNet *net, size_t *n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariNet, cari_net_free)

G_END_DECLS
