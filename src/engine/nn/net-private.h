/* net-private.h — the network's insides, shared by net.c (building, parameters, inference,
 * cost), net-config.c (presets and validation) and net-pass.c (forward and backward).
 */
#pragma once

#include "nn/block.h"
#include "nn/infer.h"
#include "nn/net.h"

G_BEGIN_DECLS

/* The most parts an image-parallel inference splits a batch into (cari_net_infer). */
#define CARI_NET_INFER_PARTS 8

#define MAX_REPEATS 20

typedef struct
{
  CariTask task;
  gboolean present;
  int max_n;
  int n;              /* rows of the last forward */
  int n_blocks;
  CariBlock blocks[MAX_REPEATS];
  CariConvUnit conv;  /* 1×1 before pooling */
  const CariConvUnit *conv_input_unit; /* whose transient output the conv reads, or NULL */
  const float *conv_in;                /* borrowed: the conv's input, set by forward */
  int hc;             /* its channels */
  float *pooled, *mask, *dropped;        /* [max_n, hc] */
  float *emb_w, *demb_w;                 /* [E, hc] */
  float *emb_beta, *demb_beta;           /* [E] */
  float *emb_rm, *emb_rv, *emb_mean, *emb_invstd;
  float *emb_pre, *emb, *emb_norm, *norms; /* [max_n, E], norms [max_n] */
  float *cls_w, *dcls_w, *cls_b, *dcls_b;  /* [K, E], [K] */
  float *logits, *probs;                   /* [max_n, K] */
  float *dlogits, *demb;                   /* host-filled */
  float *dlast;       /* ∂L/∂(last block's output), transient; NULL without blocks */
  float *scratch;     /* the backward's own below the blocks (transient) */
  size_t scratch_bytes;
  double forward_s, backward_s;
} CariHead;

typedef struct
{
  gboolean present;
  int T, D, max_n, n;
  int n_total;        /* rows of the last forward over every rank (n without a group) */
  float *w, *dw, *b, *db;        /* [T, D], [T] */
  float *logits, *normed, *norms, *probs, *dprobs; /* [max_n, T] */
  float *dlogits;                                  /* [max_n, T], backward's */
  float weights[CARI_N_TASKS], dweights[CARI_N_TASKS];
  double forward_s, backward_s;
} CariWeightModule;

struct _CariNet
{
  CariNetConfig cfg;
  CariBuild build; /* arenas (owned) and parameter infos */
  float *workspace;
  size_t workspace_floats;
  float *dz;          /* ∂L/∂Z [max_n, Z] */
  int n_trunk;
  CariBlock trunk[7 + 2 * MAX_REPEATS + 2];
  int z_c, z_h, z_w;
  const float *z;
  CariHead heads[CARI_N_TASKS];
  CariWeightModule module;
  CariRng rng;
  int n_cari, n_photo;
  CariComm *bn_comm;  /* the same when batch norm synchronises, else NULL */
  CariComm *comm;     /* data-parallel training's group (borrowed); NULL: one process */
  int *row_ids;       /* [max_n]: each row's place in the whole batch (cari_net_set_row_ids) */
  gboolean has_row_ids;
  gboolean profiling;
  GArray *stage_times;
  /* Inference: one folded engine per branch, built on first use (owned), and the parameters'
   * generation it folded. The generation moves whenever a caller is handed the parameters or
   * running statistics to write (cari_net_params, cari_net_buffers, cari_net_param_infos) and
   * when the branches are copied; a training forward moves the statistics, which the engine
   * compares itself. */
  guint64 generation;
  CariInfer *infer[CARI_N_TASKS][CARI_NET_INFER_PARTS];
  guint64 infer_generation[CARI_N_TASKS][CARI_NET_INFER_PARTS];
};

G_END_DECLS
