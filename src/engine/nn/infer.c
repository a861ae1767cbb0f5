/* infer.c — the folded inference engine (infer.h): planning from a CariNet, folding, passes. */
#include "nn/infer.h"

#include "core/error.h"
#include "core/i18n.h"
#include "core/parallel.h"
#include "core/tensor.h"
#include "nn/conv.h"
#include "nn/dense.h"
#include "nn/net-private.h"
#include "nn/softmax.h"
#include "nn/winograd.h"

#include <math.h>
#include <string.h>

/* From this many output pixels per image, a convolution runs image by image: the gemm is wide
 * enough alone, and it then writes NCHW directly instead of unfolding a 1×1 layer's input into
 * columns and scattering a group's output back (two copies of the tensor). Below it, images are
 * grouped so that the late, small layers still give BLAS wide matrices. */
#define PER_IMAGE_PLANE 256

typedef struct
{
  const CariConvUnit *src; /* borrowed from the network */
  CariConv2dShape shape;
  float scale;             /* the residual projection's scale, folded in (1 for the others) */
  float *weight, *bias;    /* folded: [OC, C·KH·KW], [OC] (in the engine's parameter block) */
  size_t workspace;        /* floats handed to the convolution: this picks its grouping */
} Conv;

typedef struct
{
  int n_units;
  Conv units[3];
  gboolean is_pool;
  CariConv2dShape pool;
  int out_c, offset;       /* channels, and the first of them in the block's output */
} Branch;

typedef struct
{
  int n_branches;
  Branch branches[4];
  gboolean residual;
  Conv up;
  int mixed_c;             /* channels of the concatenation (the output, without residual) */
  int out_h, out_w;
} Block;

struct _CariInfer
{
  CariNet *net;            /* borrowed */
  CariTask task;
  int max_n, E, K, hc;
  int n_trunk, n_head;
  Block trunk[G_N_ELEMENTS (((CariNet *) NULL)->trunk)];
  Block head[MAX_REPEATS];
  Conv head_conv;
  const float *emb_w_src, *emb_beta_src, *emb_rm_src, *emb_rv_src; /* borrowed */
  float *emb_w, *emb_b;    /* the embedding's dense layer with its batch norm folded in */
  const float *cls_w, *cls_b; /* borrowed: the classifier is used as it is */
  float eps;

  GPtrArray *convs;        /* every Conv, in folding order (borrowed pointers) */
  float *params;           /* owned: the folded weights and biases */
  size_t params_floats;
  float *stats;            /* owned: the running statistics last folded, in folding order */
  size_t stats_floats;

  float *acts;             /* the four activation buffers and the head's, one block: the
                            * network's activation arena, or owned when that is too small */
  size_t acts_floats;
  gboolean owns_acts;
  float *buf[4];           /* a block's input and its output (io), the units' own two (tmp) */
  size_t io_floats, tmp_floats;
  float *pooled, *emb, *logits, *norms; /* [max_n, hc], [max_n, E], [max_n, K], [max_n] */

  float *workspace;        /* the network's, or owned when it is too small */
  size_t workspace_floats;
  gboolean owns_workspace;

  double flops;
  gboolean profiling;
  double *stage_s;         /* [n_trunk + 1] */
  GArray *stage_times;
};

/* ---------------------------------------------------------------------------- planning */

size_t
cari_infer_conv_workspace_floats (const CariConv2dShape *s, int max_n)
{
  const size_t cap = CARI_CONV_GROUP_FLOATS;
  if (cari_winograd_eligible (s))
    {
      /* As the training network sizes it (block.c), so Winograd groups its tiles alike, and
       * for F(6×6) too, which only extraction runs. */
      size_t want = MAX (cari_conv2d_workspace_floats (s, 1),
                         MIN (cari_conv2d_workspace_floats (s, max_n), cap));
      for (int tile = CARI_WINOGRAD_TILE_SMALL; tile <= CARI_WINOGRAD_TILE_FORWARD; tile += 2)
        want = MAX (want, MIN (cari_winograd_workspace_floats (s, tile, max_n),
                               cari_winograd_workspace_floats (s, tile, 0) + cap));
      return want;
    }
  /* One image's columns per thread: conv.c then gives each thread whole images, each a
   * single-threaded gemm straight into NCHW, instead of splitting every image's small gemm. */
  if ((size_t) s->out_h * s->out_w >= PER_IMAGE_PLANE)
    return cari_conv2d_workspace_floats (s, 1) * (size_t) MAX (cari_parallel_get_threads (), 1);
  return MAX (cari_conv2d_workspace_floats (s, 1),
              MIN (cari_conv2d_workspace_floats (s, max_n), cap));
}

static size_t
conv_weight_floats (const CariConv2dShape *s)
{
  return (size_t) s->out_c * s->in_c * s->kh * s->kw;
}

/* Floats of a tensor of c × h × w rounded up to whole cache lines, so every carved tensor stays
 * 64-byte aligned. */
static size_t
aligned_floats (size_t n)
{
  return (n + 15) & ~(size_t) 15;
}

static void
plan_conv (CariInfer *inf, Conv *c, const CariConvUnit *u, float scale, size_t *params,
           size_t *stats, size_t *workspace)
{
  c->src = u;
  c->shape = u->shape;
  c->scale = scale;
  c->workspace = cari_infer_conv_workspace_floats (&u->shape, inf->max_n);
  *workspace = MAX (*workspace, c->workspace);
  *params += aligned_floats (conv_weight_floats (&u->shape)) + aligned_floats (u->shape.out_c);
  if (u->kind == CARI_UNIT_BN_RELU)
    *stats += 2 * (size_t) u->shape.out_c;
  inf->flops += 2.0 * cari_conv2d_flops (&u->shape);
  g_ptr_array_add (inf->convs, c);
}

static size_t
plane_floats (int c, int h, int w)
{
  return (size_t) c * h * w;
}

/* The largest tensors a block holds per image: its input, output or concatenation (*io), and
 * the outputs of units before they are finished into their place (*tmp). */
static void
plan_block (CariInfer *inf, Block *b, const CariBlock *src, size_t *params, size_t *stats,
            size_t *workspace, size_t *io, size_t *tmp)
{
  int offset = 0;

  b->n_branches = src->n_branches;
  b->out_h = src->out_h;
  b->out_w = src->out_w;
  for (int i = 0; i < src->n_branches; i++)
    {
      const CariBranch *sb = &src->branches[i];
      Branch *br = &b->branches[i];
      br->is_pool = sb->is_pool;
      br->pool = sb->pool;
      br->n_units = sb->n_units;
      br->out_c = sb->out_c;
      br->offset = offset;
      offset += sb->out_c;
      for (int k = 0; k < sb->n_units; k++)
        {
          const CariConvUnit *u = &sb->units[k];
          size_t out = plane_floats (u->shape.out_c, u->shape.out_h, u->shape.out_w);
          plan_conv (inf, &br->units[k], u, 1.0f, params, stats, workspace);
          /* A lone branch's last unit is convolved straight into the block's output. */
          if (src->n_branches == 1 && k == sb->n_units - 1)
            *io = MAX (*io, out);
          else
            *tmp = MAX (*tmp, out);
        }
    }
  b->mixed_c = offset;
  *io = MAX (*io, plane_floats (src->in_c, src->in_h, src->in_w));
  *io = MAX (*io, plane_floats (src->out_c, src->out_h, src->out_w));
  *io = MAX (*io, plane_floats (b->mixed_c, b->out_h, b->out_w));
  b->residual = src->residual;
  if (b->residual)
    {
      plan_conv (inf, &b->up, &src->up, src->scale, params, stats, workspace);
      *tmp = MAX (*tmp, plane_floats (src->in_c, src->in_h, src->in_w));
    }
}

static float *
carve (float **cursor, size_t n)
{
  float *p = *cursor;
  *cursor += aligned_floats (n);
  return p;
}

static CariInfer *infer_new (CariNet *net, CariTask task, int max_n, gboolean borrow,
                             GError **error);

CariInfer *
cari_infer_new (CariNet *net, CariTask task, int max_n, GError **error)
{
  return infer_new (net, task, max_n, TRUE, error);
}

CariInfer *
cari_infer_new_private (CariNet *net, CariTask task, int max_n, GError **error)
{
  return infer_new (net, task, max_n, FALSE, error);
}

static CariInfer *
infer_new (CariNet *net, CariTask task, int max_n, gboolean borrow, GError **error)
{
  g_autoptr (CariInfer) inf = NULL;
  size_t params = 0, stats = 0, workspace = 0, io = 0, tmp = 0;

  if (!cari_net_has_task (net, task))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("The network has no “%s” branch"), cari_task_to_string (task));
      return NULL;
    }
  if (max_n < 1)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Inference needs passes of at least one image (got %d)"), max_n);
      return NULL;
    }

  const CariHead *h = &net->heads[task];
  inf = g_new0 (CariInfer, 1);
  inf->net = net;
  inf->task = task;
  inf->max_n = max_n;
  inf->E = net->cfg.embedding_size;
  inf->K = net->cfg.n_identities;
  inf->hc = h->hc;
  inf->eps = net->cfg.bn_eps;
  inf->convs = g_ptr_array_new ();
  inf->stage_times = g_array_new (FALSE, TRUE, sizeof (CariStageTime));

  inf->n_trunk = net->n_trunk;
  for (int i = 0; i < net->n_trunk; i++)
    plan_block (inf, &inf->trunk[i], &net->trunk[i], &params, &stats, &workspace, &io, &tmp);
  inf->n_head = h->n_blocks;
  for (int i = 0; i < h->n_blocks; i++)
    plan_block (inf, &inf->head[i], &h->blocks[i], &params, &stats, &workspace, &io, &tmp);
  plan_conv (inf, &inf->head_conv, &h->conv, 1.0f, &params, &stats, &workspace);
  tmp = MAX (tmp, plane_floats (h->hc, h->conv.shape.out_h, h->conv.shape.out_w));
  /* The first convolution reads the images in place: they need no buffer. The 3-channel input
   * is counted in io all the same (it is never the largest). */

  inf->emb_w_src = h->emb_w;
  inf->emb_beta_src = h->emb_beta;
  inf->emb_rm_src = h->emb_rm;
  inf->emb_rv_src = h->emb_rv;
  inf->cls_w = h->cls_w;
  inf->cls_b = h->cls_b;
  params += aligned_floats ((size_t) inf->E * inf->hc) + aligned_floats (inf->E);
  stats += 2 * (size_t) inf->E;
  inf->flops += 2.0 * ((double) inf->E * inf->hc + (double) inf->K * inf->E);

  const size_t n = (size_t) max_n;
  inf->io_floats = aligned_floats (io * n);
  inf->tmp_floats = aligned_floats (tmp * n);
  size_t head_floats = aligned_floats (n * inf->hc) + aligned_floats (n * inf->E)
                       + aligned_floats (n * inf->K) + aligned_floats (n);
  inf->params_floats = params;
  inf->stats_floats = stats;
  inf->params = cari_alloc_floats (params);
  inf->stats = g_try_new (float, stats);
  /* The training network's activations only live from a forward to its backward, and
   * cari_net_infer overwrites them (net.h): the engine's, which live within one run, can use
   * the same memory, already there, rather than add their own. */
  inf->acts_floats = 2 * (inf->io_floats + inf->tmp_floats) + head_floats;
  if (borrow && inf->acts_floats * sizeof (float) <= net->build.acts.size)
    inf->acts = (float *) (void *) net->build.acts.base;
  else
    {
      inf->acts = cari_alloc_floats (inf->acts_floats);
      inf->owns_acts = TRUE;
    }
  if (borrow && workspace <= net->workspace_floats)
    {
      /* The network's own: never in use while an inference runs. */
      inf->workspace = net->workspace;
      inf->workspace_floats = net->workspace_floats;
    }
  else
    {
      inf->workspace = cari_alloc_floats (workspace);
      inf->workspace_floats = workspace;
      inf->owns_workspace = TRUE;
    }
  if (inf->params == NULL || inf->stats == NULL || inf->acts == NULL || inf->workspace == NULL)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NO_MEMORY,
                   _("Out of memory building the inference engine (%.1f MiB)"),
                   (double) (params + inf->acts_floats + workspace)
                     * sizeof (float) / 1048576.0);
      return NULL;
    }

  float *cursor = inf->params;
  for (guint i = 0; i < inf->convs->len; i++)
    {
      Conv *c = g_ptr_array_index (inf->convs, i);
      c->weight = carve (&cursor, conv_weight_floats (&c->shape));
      c->bias = carve (&cursor, c->shape.out_c);
    }
  inf->emb_w = carve (&cursor, (size_t) inf->E * inf->hc);
  inf->emb_b = carve (&cursor, inf->E);
  g_assert ((size_t) (cursor - inf->params) == params);

  cursor = inf->acts;
  for (int i = 0; i < 4; i++)
    inf->buf[i] = carve (&cursor, i < 2 ? inf->io_floats : inf->tmp_floats);
  inf->pooled = carve (&cursor, n * inf->hc);
  inf->emb = carve (&cursor, n * inf->E);
  inf->logits = carve (&cursor, n * inf->K);
  inf->norms = carve (&cursor, n);

  inf->stage_s = g_new0 (double, inf->n_trunk + 1);
  cari_infer_refresh (inf);
  return g_steal_pointer (&inf);
}

void
cari_infer_free (CariInfer *inf)
{
  if (inf == NULL)
    return;
  if (inf->owns_workspace)
    cari_free_floats (inf->workspace);
  cari_free_floats (inf->params);
  if (inf->owns_acts)
    cari_free_floats (inf->acts);
  g_free (inf->stats);
  g_free (inf->stage_s);
  g_clear_pointer (&inf->convs, g_ptr_array_unref);
  g_clear_pointer (&inf->stage_times, g_array_unref);
  g_free (inf);
}

CariTask
cari_infer_get_task (const CariInfer *inf)
{
  return inf->task;
}

int
cari_infer_get_max_n (const CariInfer *inf)
{
  return inf->max_n;
}

double
cari_infer_flops (const CariInfer *inf)
{
  return inf->flops;
}

size_t
cari_infer_memory_bytes (const CariInfer *inf)
{
  size_t floats = inf->params_floats + inf->stats_floats;
  if (inf->owns_acts)
    floats += inf->acts_floats;
  if (inf->owns_workspace)
    floats += inf->workspace_floats;
  return floats * sizeof (float);
}

/* ---------------------------------------------------------------------------- folding */

/* A unit with batch norm: y = (conv(x, W) − mean)·s + β with s = 1/√(var + ε), the scale the
 * unfolded pass uses (batchnorm.c), so W' = s·W and b' = β − mean·s. The projection: s·W, s·b. */
static void
fold_conv (Conv *c, float eps)
{
  const CariConvUnit *u = c->src;
  const size_t K = (size_t) c->shape.in_c * c->shape.kh * c->shape.kw;
  for (int oc = 0; oc < c->shape.out_c; oc++)
    {
      float scale, shift;
      if (u->kind == CARI_UNIT_LINEAR)
        {
          scale = c->scale;
          shift = c->scale * u->bias[oc];
        }
      else
        {
          scale = 1.0f / sqrtf (u->running_var[oc] + eps);
          shift = u->beta[oc] - u->running_mean[oc] * scale;
        }
      const float *w = u->weight + oc * K;
      float *d = c->weight + oc * K;
      for (size_t k = 0; k < K; k++)
        d[k] = w[k] * scale;
      c->bias[oc] = shift;
    }
}

/* Visits the running statistics in folding order: copies them into the snapshot (store) or
 * compares them with it. */
static gboolean
walk_statistics (const CariInfer *inf, float *snapshot, gboolean store)
{
  size_t at = 0;
  gboolean same = TRUE;
  for (guint i = 0; i < inf->convs->len && same; i++)
    {
      const Conv *c = g_ptr_array_index (inf->convs, i);
      if (c->src->kind != CARI_UNIT_BN_RELU)
        continue;
      const size_t oc = c->shape.out_c;
      const float *pair[2] = { c->src->running_mean, c->src->running_var };
      for (int j = 0; j < 2; j++, at += oc)
        if (store)
          memcpy (snapshot + at, pair[j], oc * sizeof (float));
        else
          same = memcmp (snapshot + at, pair[j], oc * sizeof (float)) == 0;
    }
  const float *emb[2] = { inf->emb_rm_src, inf->emb_rv_src };
  for (int j = 0; j < 2 && same; j++, at += inf->E)
    if (store)
      memcpy (snapshot + at, emb[j], inf->E * sizeof (float));
    else
      same = memcmp (snapshot + at, emb[j], inf->E * sizeof (float)) == 0;
  return same;
}

gboolean
cari_infer_statistics_current (const CariInfer *inf)
{
  return walk_statistics (inf, inf->stats, FALSE);
}

void
cari_infer_refresh (CariInfer *inf)
{
  for (guint i = 0; i < inf->convs->len; i++)
    fold_conv (g_ptr_array_index (inf->convs, i), inf->eps);

  /* The embedding: BN(W·x) = s ⊙ (W·x) + β − s ⊙ mean, row by row of W. */
  for (int e = 0; e < inf->E; e++)
    {
      float scale = 1.0f / sqrtf (inf->emb_rv_src[e] + inf->eps);
      for (int c = 0; c < inf->hc; c++)
        inf->emb_w[(size_t) e * inf->hc + c] = inf->emb_w_src[(size_t) e * inf->hc + c] * scale;
      inf->emb_b[e] = inf->emb_beta_src[e] - inf->emb_rm_src[e] * scale;
    }
  walk_statistics (inf, inf->stats, TRUE);
}

/* ---------------------------------------------------------------------------- kernels */

typedef struct
{
  float *dst;
  const float *src, *bias;
  int C, HW;
  int dst_c, offset;       /* channels of dst, and where src's channel 0 goes */
  const CariConv2dShape *pool;
} PassArgs;

/* Planes per part: enough values that a part outweighs handing it to a thread. */
static size_t
plane_grain (int HW)
{
  return MAX ((size_t) 1, (size_t) 32768 / MAX ((size_t) HW, 1));
}

/* The loops below read the arguments into locals first: through the struct, every store could
 * change them, and the compiler would neither hoist the bounds nor vectorise. */

static inline void
add_relu (float *y, const float *x, float b, int n)
{
  for (int i = 0; i < n; i++)
    {
      float v = x[i] + b;
      y[i] = v > 0.0f ? v : 0.0f;
    }
}

/* dst[n, offset + c] = max(src[n, c] + bias[c], 0); dst may be src (offset 0, dst_c = C). */
static void
bias_relu_range (gpointer data, size_t p0, size_t p1)
{
  const PassArgs *a = data;
  const size_t C = a->C, HW = a->HW, dst_c = a->dst_c, offset = a->offset;
  const float *src = a->src, *bias = a->bias;
  float *dst = a->dst;
  for (size_t p = p0; p < p1; p++)
    {
      const size_t n = p / C, c = p % C;
      add_relu (dst + (n * dst_c + offset + c) * HW, src + p * HW, bias[c], (int) HW);
    }
}

/* x = max(x + up + bias, 0), in place in the block's input (dst). */
static void
residual_range (gpointer data, size_t p0, size_t p1)
{
  const PassArgs *a = data;
  const size_t C = a->C, HW = a->HW;
  const float *src = a->src, *bias = a->bias;
  float *dst = a->dst;
  for (size_t p = p0; p < p1; p++)
    {
      const float b = bias[p % C];
      float *x = dst + p * HW;
      const float *up = src + p * HW;
      for (size_t i = 0; i < HW; i++)
        {
          float v = x[i] + up[i] + b;
          x[i] = v > 0.0f ? v : 0.0f;
        }
    }
}

/* dst[n, c] = mean over the plane of max(src[n, c] + bias[c], 0). */
static void
bias_relu_mean_range (gpointer data, size_t p0, size_t p1)
{
  const PassArgs *a = data;
  const size_t C = a->C, HW = a->HW;
  for (size_t p = p0; p < p1; p++)
    {
      const float b = a->bias[p % C];
      const float *x = a->src + p * HW;
      double acc = 0.0;
      for (size_t i = 0; i < HW; i++)
        acc += MAX (x[i] + b, 0.0f);
      a->dst[p] = (float) (acc / HW);
    }
}

/* Max pooling without the winners' indices (nothing goes backward), into dst[n, offset + c]:
 * each output row is the horizontal max over the vertical max of its input rows. */
static void
maxpool_range (gpointer data, size_t p0, size_t p1)
{
  const PassArgs *a = data;
  const CariConv2dShape shape = *a->pool, *s = &shape;
  const size_t C = a->C, dst_c = a->dst_c, offset = a->offset;
  const float *src = a->src;
  float *dst = a->dst;
  float rows[1024];

  for (size_t p = p0; p < p1; p++)
    {
      const size_t n = p / C, c = p % C;
      const float *x = src + p * (size_t) s->in_h * s->in_w;
      float *y = dst + (n * dst_c + offset + c) * (size_t) s->out_h * s->out_w;
      for (int oy = 0; oy < s->out_h; oy++)
        {
          float *out = y + (size_t) oy * s->out_w;
          int y0 = MAX (oy * s->sh - s->pad_top, 0);
          int y1 = MIN (oy * s->sh - s->pad_top + s->kh, s->in_h);
          if (s->in_w <= (int) G_N_ELEMENTS (rows))
            {
              memcpy (rows, x + (size_t) y0 * s->in_w, s->in_w * sizeof (float));
              const int in_w = s->in_w;
              for (int iy = y0 + 1; iy < y1; iy++)
                {
                  const float *r = x + (size_t) iy * in_w;
                  for (int ix = 0; ix < in_w; ix++)
                    rows[ix] = rows[ix] > r[ix] ? rows[ix] : r[ix];
                }
              for (int ox = 0; ox < s->out_w; ox++)
                {
                  int x0 = MAX (ox * s->sw - s->pad_left, 0);
                  int x1 = MIN (ox * s->sw - s->pad_left + s->kw, s->in_w);
                  float m = rows[x0];
                  for (int ix = x0 + 1; ix < x1; ix++)
                    m = MAX (m, rows[ix]);
                  out[ox] = m;
                }
              continue;
            }
          for (int ox = 0; ox < s->out_w; ox++)
            {
              int x0 = MAX (ox * s->sw - s->pad_left, 0);
              int x1 = MIN (ox * s->sw - s->pad_left + s->kw, s->in_w);
              float m = x[(size_t) y0 * s->in_w + x0];
              for (int iy = y0; iy < y1; iy++)
                for (int ix = x0; ix < x1; ix++)
                  m = MAX (m, x[(size_t) iy * s->in_w + ix]);
              out[ox] = m;
            }
        }
    }
}

static void
conv (const CariInfer *inf, const Conv *c, float *out, const float *in, int n)
{
  cari_conv2d_forward_extract (out, in, c->weight, NULL, n, &c->shape, inf->workspace,
                               c->workspace);
}

static void
bias_relu (const Conv *c, float *dst, int dst_c, int offset, const float *src, int n)
{
  const int HW = c->shape.out_h * c->shape.out_w;
  PassArgs a = { .dst = dst, .src = src, .bias = c->bias, .C = c->shape.out_c, .HW = HW,
                 .dst_c = dst_c, .offset = offset };
  cari_parallel_for ((size_t) n * c->shape.out_c, plane_grain (HW), bias_relu_range, &a);
}

/* One block over n images. x: its input; y: its output, or with a residual its concatenation
 * (the output then replaces x). t0, t1: the units' own buffers. */
static void
block_run (const CariInfer *inf, const Block *b, float *x_inout, const float *x, float *y,
           float *t0, float *t1, int n)
{
  for (int i = 0; i < b->n_branches; i++)
    {
      const Branch *br = &b->branches[i];
      if (br->is_pool)
        {
          PassArgs a = { .dst = y, .src = x, .C = br->out_c, .dst_c = b->mixed_c,
                         .offset = br->offset, .pool = &br->pool };
          cari_parallel_for ((size_t) n * br->out_c,
                             plane_grain (br->pool.in_h * br->pool.in_w), maxpool_range, &a);
          continue;
        }
      const float *in = x;
      float *t[2] = { t0, t1 };
      for (int k = 0; k < br->n_units; k++)
        {
          const Conv *c = &br->units[k];
          gboolean last = k == br->n_units - 1;
          if (last && b->n_branches == 1)
            {
              /* The block's whole output: convolve into it and finish in place. */
              conv (inf, c, y, in, n);
              bias_relu (c, y, c->shape.out_c, 0, y, n);
              break;
            }
          float *out = t[k & 1];
          conv (inf, c, out, in, n);
          if (last)
            bias_relu (c, y, b->mixed_c, br->offset, out, n);
          else
            bias_relu (c, out, c->shape.out_c, 0, out, n);
          in = out;
        }
    }
  if (b->residual)
    {
      const int HW = b->up.shape.out_h * b->up.shape.out_w;
      conv (inf, &b->up, t0, y, n);
      PassArgs a = { .dst = x_inout, .src = t0, .bias = b->up.bias, .C = b->up.shape.out_c,
                     .HW = HW };
      cari_parallel_for ((size_t) n * b->up.shape.out_c, plane_grain (HW), residual_range, &a);
    }
}

static double
now (void)
{
  return (double) g_get_monotonic_time () * 1e-6;
}

/* n ≤ max_n images through the trunk and the branch, into inf->emb and inf->logits. */
static void
run_pass (CariInfer *inf, const float *images, int n)
{
  const float *cur = images;
  float *writable = NULL; /* cur, once it is one of the engine's buffers */
  double t0 = inf->profiling ? now () : 0.0;

  for (int i = 0; i < inf->n_trunk + inf->n_head; i++)
    {
      const Block *b = i < inf->n_trunk ? &inf->trunk[i] : &inf->head[i - inf->n_trunk];
      float *other = writable == inf->buf[0] ? inf->buf[1] : inf->buf[0];
      if (b->residual)
        {
          g_assert (writable != NULL);
          block_run (inf, b, writable, writable, other, inf->buf[2], inf->buf[3], n);
        }
      else
        {
          block_run (inf, b, NULL, cur, other, inf->buf[2], inf->buf[3], n);
          cur = writable = other;
        }
      if (inf->profiling && i < inf->n_trunk)
        {
          double t1 = now ();
          inf->stage_s[i] += t1 - t0;
          t0 = t1;
        }
    }

  /* The branch's 1×1 unit, averaged as it is finished: its map is never stored. */
  const Conv *c = &inf->head_conv;
  const int HW = c->shape.out_h * c->shape.out_w;
  conv (inf, c, inf->buf[2], cur, n);
  PassArgs a = { .dst = inf->pooled, .src = inf->buf[2], .bias = c->bias, .C = inf->hc,
                 .HW = HW };
  cari_parallel_for ((size_t) n * inf->hc, plane_grain (HW), bias_relu_mean_range, &a);
  cari_dense_forward (inf->emb, inf->pooled, inf->emb_w, inf->emb_b, n, inf->hc, inf->E);
  cari_dense_forward (inf->logits, inf->emb, inf->cls_w, inf->cls_b, n, inf->E, inf->K);
  if (inf->profiling)
    inf->stage_s[inf->n_trunk] += now () - t0;
}

void
cari_infer_run (CariInfer *inf, const float *images, int n, float *embeddings, float *probs)
{
  const CariNetConfig *cfg = &inf->net->cfg;
  const size_t img = (size_t) 3 * cfg->input_size * cfg->input_size;

  for (int i0 = 0; i0 < n; i0 += inf->max_n)
    {
      int m = MIN (inf->max_n, n - i0);
      run_pass (inf, images + (size_t) i0 * img, m);
      if (embeddings != NULL)
        cari_l2norm_forward (embeddings + (size_t) i0 * inf->E, inf->norms, inf->emb, m, inf->E,
                             1e-10f);
      if (probs != NULL)
        cari_softmax_forward (probs + (size_t) i0 * inf->K, inf->logits, m, inf->K);
    }
}

/* ---------------------------------------------------------------------------- profiling */

void
cari_infer_set_profiling (CariInfer *inf, gboolean enabled)
{
  inf->profiling = enabled;
  memset (inf->stage_s, 0, sizeof (double) * (inf->n_trunk + 1));
}

const CariStageTime *
cari_infer_stage_times (CariInfer *inf, size_t *n)
{
  g_array_set_size (inf->stage_times, 0);
  for (int i = 0; i <= inf->n_trunk; i++)
    {
      CariStageTime st = { i < inf->n_trunk ? inf->net->trunk[i].name
                                            : cari_task_names[inf->task],
                           inf->stage_s[i], 0.0 };
      g_array_append_val (inf->stage_times, st);
    }
  *n = inf->stage_times->len;
  return (const CariStageTime *) (void *) inf->stage_times->data;
}
