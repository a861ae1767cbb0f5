/* block.h — the network's building blocks: a conv unit (conv + BN + ReLU, or a linear conv with
 * bias), and an Inception block (parallel branches of units or a max pool, concatenated, with an
 * optional scaled residual projection), each with forward and backward over buffers planned when
 * the network is built. Internal to the engine; the public face is net.h.
 */
#pragma once

#include "core/arena.h"
#include "core/rng.h"
#include "nn/conv.h"

#include <glib.h>

G_BEGIN_DECLS

/* What building a network needs: arenas to carve (counting on the first pass), the largest
 * workspaces seen, and where to record parameter names. */
typedef struct
{
  CariArena params, grads;               /* Θ and ∂L/∂Θ, same layout */
  CariArena module_params, module_grads; /* Ψ and ∂L/∂Ψ */
  CariArena buffers;                     /* batch-norm running statistics */
  CariArena acts;                        /* activations */
  CariArena ints;                        /* max-pool winners */
  size_t    workspace_floats;            /* largest conv workspace wanted */
  size_t    scratch_floats;              /* largest backward scratch of one block */
  size_t    boundary_floats;             /* largest block input or output */
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
  CariArena *scratch; /* rewound by each block's backward */
  float    bn_decay, bn_eps;
  gboolean training;
} CariPass;

typedef enum
{
  CARI_UNIT_BN_RELU, /* conv (no bias) → batch norm (β only, as the authors' slim net) → ReLU */
  CARI_UNIT_LINEAR,  /* conv + bias, no activation (the residual "up" projection) */
} CariUnitKind;

typedef struct
{
  CariUnitKind kind;
  CariConv2dShape shape;
  int max_n;
  float *weight, *dweight;        /* [OC, C, KH, KW] */
  float *bias, *dbias;            /* LINEAR: [OC] */
  float *beta, *dbeta;            /* BN_RELU: [OC] */
  float *running_mean, *running_var;
  float *save_mean, *save_invstd; /* [OC] */
  float *z;                       /* BN_RELU: conv output before BN */
  float *y;                       /* the unit's output */
  const float *input;             /* borrowed: set by forward */
} CariConvUnit;

typedef struct
{
  int n_units;
  CariConvUnit units[3];
  gboolean is_pool;
  CariConv2dShape pool;
  float *pool_out;
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
  const float *input;  /* borrowed: set by forward */
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

/* Plan a standalone unit (used by the branches' 1×1 conv). */
gboolean cari_unit_plan (CariConvUnit *unit, CariUnitKind kind, const char *name, int in_c,
                         int in_h, int in_w, const CariUnitSpec *spec, int max_n,
                         CariBuild *build, GError **error);
void cari_unit_forward (CariConvUnit *unit, const float *input, int n, const CariPass *pass);
void cari_unit_backward (CariConvUnit *unit, float *dy, float *dx, int n, const CariPass *pass);

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
