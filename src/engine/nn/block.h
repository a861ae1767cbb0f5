/* block.h — the network's building blocks: a conv unit (conv + BN + ReLU, or a linear conv with
 * bias), and an Inception block (parallel branches of units or a max pool, concatenated, with an
 * optional scaled residual projection), each with forward and backward over buffers planned when
 * the network is built. Internal to the engine; the public face is net.h.
 */
#pragma once

#include "core/arena.h"
#include "core/comm.h"
#include "core/rng.h"
#include "nn/conv.h"

#include <glib.h>

G_BEGIN_DECLS

/* Lifetimes of transient tensors are in ticks: each layer of the forward takes the next tick as
 * it is planned, and the backward runs the same layers in reverse at CARI_TICK_MIRROR − tick, so
 * a tensor the backward needs from layer a to layer b (a planned after b) lives over
 * [mirror − a, mirror − b]. Heads are planned one after another but run backward in another
 * order; that is sound because nothing transient crosses from one head to another. */
#define CARI_TICK_MIRROR (1 << 30)

/* What building a network needs: arenas to carve (counting on the first pass), the largest
 * workspaces seen, and where to record parameter names. */
typedef struct
{
  CariArena params, grads;               /* Θ and ∂L/∂Θ, same layout */
  CariArena module_params, module_grads; /* Ψ and ∂L/∂Ψ */
  CariArena buffers;                     /* batch-norm running statistics */
  CariArena acts;                        /* what the backward reads: kept from forward to backward */
  CariArena ints;                        /* max-pool winners */
  CariLiveness live;                     /* transient: shared by lifetime (see CARI_TICK_MIRROR) */
  size_t    workspace_floats;            /* largest conv workspace wanted */
  int       tick;                        /* the last forward tick taken */
  /* The value the next planned layer reads: a transient tensor (chain_id ≥ 0, the output of
   * chain_unit, recomputed for the backward) or a kept one (−1); chain_tick is the first tick
   * of the block that produced it, or −1 where the chain starts (its gradient is not planned). */
  int       chain_id;
  const struct _CariConvUnit *chain_unit;
  int       chain_tick;
  gboolean  real;                        /* second pass: memory exists */
  CariRng   init_rng;
  GArray   *infos;                       /* CariParamInfo, real pass only */
  GPtrArray *names;                      /* owns the info names */
  char      scope[96];
} CariBuild;

/* Everything a pass needs besides the block itself. */
typedef struct
{
  float   *workspace;
  size_t   workspace_floats;
  float    bn_decay, bn_eps;
  gboolean training;
  CariComm *comm; /* training's batch-norm group (cari_net_set_comm); NULL: per-batch statistics */
} CariPass;

typedef enum
{
  CARI_UNIT_BN_RELU, /* conv (no bias) → batch norm (β only, as the authors' slim net) → ReLU */
  CARI_UNIT_LINEAR,  /* conv + bias, no activation (the residual "up" projection) */
} CariUnitKind;

typedef struct _CariConvUnit
{
  CariUnitKind kind;
  CariConv2dShape shape;
  int max_n;
  float *weight, *dweight;        /* [OC, C, KH, KW] */
  float *bias, *dbias;            /* LINEAR: [OC] */
  float *beta, *dbeta;            /* BN_RELU: [OC] */
  float *running_mean, *running_var;
  float *save_mean, *save_invstd; /* [OC] */
  float *scale, *shift;           /* BN_RELU: [OC], the map from z to y of the last forward */
  float *z;                       /* BN_RELU: conv output before BN, kept for the backward */
  /* The unit's output: transient (only the forward reads it; the backward recomputes it from z
   * where it needs it), or a slice of a concatenation, image i at y + i·y_image_floats. */
  float *y;
  size_t y_image_floats;
  int y_id;                       /* its liveness id, −1 when it is not transient */
  int tick;                       /* forward ticks: conv at tick, batch norm at tick + 1 */
} CariConvUnit;

typedef struct
{
  int n_units;
  CariConvUnit units[3];
  gboolean is_pool;
  CariConv2dShape pool;
  float *pool_out;  /* a single-branch block's output; other pools write into the concat */
  gint32 *argmax;
  int out_c;
} CariBranch;

/* One convolution of a block description; channels at width 1. */
typedef struct
{
  int out_c, kh, kw, stride;
  CariPadding pad;
} CariUnitSpec;

typedef struct
{
  int n_units; /* 0: a 3×3 stride-2 VALID max pool */
  CariUnitSpec units[3];
} CariBranchSpec;

typedef struct
{
  const char *name;
  int n_branches;
  CariBranchSpec branches[4];
  float residual_scale; /* 0: no residual (a stem conv or a reduction block) */
} CariBlockSpec;

typedef struct
{
  char name[40];
  int n_branches;
  CariBranch branches[4];
  int in_c, in_h, in_w, out_c, out_h, out_w, max_n;
  float *concat;       /* multi-branch blocks: [max_n, out_c (or Σ branch c), h, w] */
  gboolean residual;
  float scale;
  CariConvUnit up;
  float *out;          /* the block's output (for single-branch blocks, the branch's) */
  const float *input;  /* borrowed: set by forward; the backward reads it unless input_unit */
  const CariConvUnit *input_unit; /* the unit whose transient output is the input, or NULL */
  float *grad_input;   /* ∂L/∂input when the input is another block's output (transient) */
  float *scratch;      /* the backward's own (transient) */
  size_t scratch_bytes;
  double forward_s, backward_s;
} CariBlock;

/* Channels scaled by the width multiplier, at least 1. */
int  cari_scale_channels (int channels, float width);

/* Plan (count or carve) a block over an input of in_c × in_h × in_w for up to max_n rows. */
gboolean cari_block_plan (CariBlock *block, const CariBlockSpec *spec, float width, int in_c,
                          int in_h, int in_w, int max_n, CariBuild *build, GError **error);

void cari_block_forward (CariBlock *block, const float *input, int n, const CariPass *pass);
/* dout is clobbered; dinput accumulates (NULL: the input needs no gradient). */
void cari_block_backward (CariBlock *block, float *dout, float *dinput, int n,
                          const CariPass *pass);
/* Multiply-adds per row of the block's convolutions. */
double cari_block_macs (const CariBlock *block);

/* Plan a standalone unit (used by the branches' 1×1 conv): its parameters and what it keeps,
 * taking two forward ticks. Its output is planned apart: cari_unit_plan_output, or a slice of
 * the caller's. */
gboolean cari_unit_plan (CariConvUnit *unit, CariUnitKind kind, const char *name, int in_c,
                         int in_h, int in_w, const CariUnitSpec *spec, int max_n,
                         CariBuild *build, GError **error);
/* A transient output for the unit, alive from its batch norm until the tick `last` (lengthen
 * it with cari_liveness_extend on unit->y_id). */
void cari_unit_plan_output (CariConvUnit *unit, int last, CariBuild *build);
void cari_unit_forward (CariConvUnit *unit, const float *input, int n, const CariPass *pass);
/* The forward's output again, bit for bit, from z (BN_RELU units): y [n, OC, OH, OW]. */
void cari_unit_output (const CariConvUnit *unit, float *y, int n);
/* dy is clobbered (it becomes ∂L/∂z); dx accumulates (NULL: none); input is the forward's. */
void cari_unit_backward (CariConvUnit *unit, const float *input, float *dy, float *dx, int n,
                         const CariPass *pass);

/* Register a parameter tensor of `size` floats: returns it (NULL while counting) and its
 * gradient. fan_in/fan_out > 0 select Xavier-uniform initialisation, else zeros. */
float *cari_build_param (CariBuild *build, const char *name, size_t size, float **grad,
                         int fan_in, int fan_out, gboolean module);
/* Give the parameter registered last a shape of ndim dimensions (row-major; their product is its
 * size). Parameters are one-dimensional otherwise. */
void   cari_build_param_shape (CariBuild *build, int ndim, const int *dims);
/* A named running-statistics buffer filled with `value`. */
float *cari_build_buffer (CariBuild *build, const char *name, size_t size, float value);

G_END_DECLS
