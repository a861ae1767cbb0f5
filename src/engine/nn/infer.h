/* infer.h — the inference engine: the trunk and one branch of a CariNet, folded for evaluation.
 *
 * Built from a network (read only), it runs what cari_net_infer promises — L2-normalised
 * embeddings and class probabilities of any number of images — without the training pass's
 * memory or its extra passes:
 *
 *   - every conv + batch norm (running statistics) becomes one convolution with a bias
 *     (W' = W / √(var + ε) per output channel, b' = β − mean / √(var + ε)), and the embedding's
 *     batch norm folds into its dense layer the same way;
 *   - the bias and the ReLU are one pass over the convolution's output, which also writes it into
 *     its place in the block's concatenation (no concat copy), or averages it (the branch's last
 *     unit before global pooling, whose map is never stored);
 *   - the residual projection carries its scale in its weights and bias, and x + s·up, its bias
 *     and the ReLU are one pass, in place in the block's input;
 *   - activations live in four buffers reused block after block: a block's input and its
 *     output or concatenation (sized for the largest such tensor at the engine's batch), and
 *     two for the units inside a branch (sized for the largest unit output, far smaller than
 *     the stem's maps) They are carved from the training network's activation memory when it is large
 *     enough (it is at the network's capacity), so inference adds only the folded parameters.
 *
 * Convolutions go through cari_conv2d_forward (Winograd for 3×3 stride-1 layers); where the
 * output plane is large, the engine passes one image's workspace so that the convolution writes
 * straight into NCHW without unfolding a 1×1 layer's input or re-scattering a group's output.
 *
 * The folded parameters are a copy: after the network's parameters or running statistics change,
 * cari_infer_refresh folds them again (cari_net_infer does this by itself).
 */
#pragma once

#include "core/task.h"
#include "nn/conv.h"
#include "nn/net.h"

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

typedef struct _CariInfer CariInfer;

/* The engine for `task`'s branch of `net`, for up to max_n images per pass (max_n ≥ 1); larger
 * calls run in passes of max_n. `net` must outlive the engine. Fails when the network has no
 * such branch or memory runs out. */
CariInfer *cari_infer_new (CariNet *net, CariTask task, int max_n, GError **error);
/* The same with activations and workspace of its own (cari_infer_new's use the training
 * network's, idle while it infers): for an engine that runs at the same time as another of the
 * same network (image-parallel inference, cari_net_infer). */
CariInfer *cari_infer_new_private (CariNet *net, CariTask task, int max_n, GError **error);
void       cari_infer_free (CariInfer *inf);

/* The workspace the engine gives a convolution of shape `s` in passes of max_n images (the
 * largest of what each algorithm that may run it wants; bench/winograd-tiles times with it). */
size_t     cari_infer_conv_workspace_floats (const CariConv2dShape *s, int max_n);

/* Fold the network's current parameters and running statistics again. */
void       cari_infer_refresh (CariInfer *inf);
/* Whether the network's running statistics still are those last folded (a training forward
 * changes them without touching the parameters). */
gboolean   cari_infer_statistics_current (const CariInfer *inf);

CariTask   cari_infer_get_task (const CariInfer *inf);
int        cari_infer_get_max_n (const CariInfer *inf);

/* images [n, 3, S, S] (standardised) → embeddings [n, E] L2-normalised, probs [n, K] the
 * softmax of the classifier; either may be NULL. */
void       cari_infer_run (CariInfer *inf, const float *images, int n, float *embeddings,
                           float *probs);

/* Floating-point operations (2 per multiply-add) of one image through the convolutions and
 * dense layers. */
double     cari_infer_flops (const CariInfer *inf);
/* Bytes the engine allocated: its folded parameters, and its activations and workspace where
 * the network's (which it uses otherwise, as cari_net_infer may overwrite them) are too
 * small. */
size_t     cari_infer_memory_bytes (const CariInfer *inf);

/* Per-stage wall time (the trunk's blocks, then the branch) of the runs since profiling was
 * last switched; backward_s is 0. */
void                 cari_infer_set_profiling (CariInfer *inf, gboolean enabled);
const CariStageTime *cari_infer_stage_times (CariInfer *inf, size_t *n);

/* The engine cari_net_infer keeps for `task` (owned by the network): NULL until it first ran,
 * and while CARI_INFER=unfolded. Defined in net-pass.c. */
CariInfer *cari_net_get_infer (CariNet *net, CariTask task);
/* How many engines the branch's last cari_net_infer ran image-parallel (1 … 8; 0 before any):
 * the first is cari_net_get_infer's. */
int        cari_net_infer_parts (CariNet *net, CariTask task);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariInfer, cari_infer_free)

G_END_DECLS
