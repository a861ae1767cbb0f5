/* net.c — the paper's network: configuration, presets, building, forward, backward, inference.
 *
 * Memory: parameters, gradients, module parameters, module gradients, running statistics and
 * activations are each one allocation, carved by running the same build twice (count, then
 * carve). Backward uses three more planned buffers: ∂L/∂Z, and two that alternate between
 * consecutive blocks, plus a scratch arena each block rewinds.
 */
#include "nn/net.h"

#include "core/error.h"
#include "core/gemm.h"
#include "core/i18n.h"
#include "core/tensor.h"
#include "nn/batchnorm.h"
#include "nn/block.h"
#include "nn/dense.h"
#include "nn/dropout.h"
#include "nn/pool.h"
#include "nn/softmax.h"

#include <math.h>
#include <string.h>

#define S CARI_PADDING_SAME
#define V CARI_PADDING_VALID

/* The authors' shrunk Inception-ResNet-v1 (REFERENCE.md §1), channels at width 1. */
static const CariBlockSpec stem_specs[] = {
  { "conv1", 1, { { 1, { { 32, 3, 3, 2, V } } } }, 0 },
  { "conv2", 1, { { 1, { { 32, 3, 3, 1, V } } } }, 0 },
  { "conv3", 1, { { 1, { { 64, 3, 3, 1, S } } } }, 0 },
  { "maxpool1", 1, { { 0 } }, 0 },
  { "conv4", 1, { { 1, { { 80, 1, 1, 1, V } } } }, 0 },
  { "conv5", 1, { { 1, { { 192, 3, 3, 1, V } } } }, 0 },
  { "conv6", 1, { { 1, { { 256, 3, 3, 2, V } } } }, 0 },
};

static const CariBlockSpec block35_spec = {
  "block35", 3, {
    { 1, { { 32, 1, 1, 1, S } } },
    { 2, { { 32, 1, 1, 1, S }, { 32, 3, 3, 1, S } } },
    { 3, { { 32, 1, 1, 1, S }, { 32, 3, 3, 1, S }, { 32, 3, 3, 1, S } } },
  }, 0.17f,
};

static const CariBlockSpec reduction_a_spec = {
  "reduction_a", 3, {
    { 1, { { 384, 3, 3, 2, V } } },
    { 3, { { 192, 1, 1, 1, S }, { 192, 3, 3, 1, S }, { 256, 3, 3, 2, V } } },
    { 0 },
  }, 0,
};

static const CariBlockSpec block17_spec = {
  "block17", 2, {
    { 1, { { 128, 1, 1, 1, S } } },
    { 3, { { 128, 1, 1, 1, S }, { 128, 1, 7, 1, S }, { 128, 7, 1, 1, S } } },
  }, 0.10f,
};

static const CariBlockSpec reduction_b_spec = {
  "reduction_b", 4, {
    { 2, { { 256, 1, 1, 1, S }, { 384, 3, 3, 2, V } } },
    { 2, { { 256, 1, 1, 1, S }, { 256, 3, 3, 2, V } } },
    { 3, { { 256, 1, 1, 1, S }, { 256, 3, 3, 1, S }, { 256, 3, 3, 2, V } } },
    { 0 },
  }, 0,
};

static const CariBlockSpec block8_spec = {
  "block8", 2, {
    { 1, { { 192, 1, 1, 1, S } } },
    { 3, { { 192, 1, 1, 1, S }, { 192, 1, 3, 1, S }, { 192, 3, 1, 1, S } } },
  }, 0.20f,
};

#undef S
#undef V

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
  int hc;             /* its channels */
  float *pooled, *mask, *dropped;        /* [max_n, hc] */
  float *emb_w, *demb_w;                 /* [E, hc] */
  float *emb_beta, *demb_beta;           /* [E] */
  float *emb_rm, *emb_rv, *emb_mean, *emb_invstd;
  float *emb_pre, *emb, *emb_norm, *norms; /* [max_n, E], norms [max_n] */
  float *cls_w, *dcls_w, *cls_b, *dcls_b;  /* [K, E], [K] */
  float *logits, *probs;                   /* [max_n, K] */
  float *dlogits, *demb;                   /* host-filled */
  double forward_s, backward_s;
} CariHead;

typedef struct
{
  gboolean present;
  int T, D, max_n, n;
  float *w, *dw, *b, *db;        /* [T, D], [T] */
  float *logits, *normed, *norms, *probs, *dprobs; /* [max_n, T] */
  float weights[CARI_N_TASKS], dweights[CARI_N_TASKS];
  double forward_s, backward_s;
} CariWeightModule;

struct _CariNet
{
  CariNetConfig cfg;
  CariBuild build; /* arenas (owned) and parameter infos */
  float *workspace;
  size_t workspace_floats;
  CariArena scratch;
  float *dz, *grad_a, *grad_b;
  int n_trunk;
  CariBlock trunk[7 + 2 * MAX_REPEATS + 2];
  int z_c, z_h, z_w;
  const float *z;
  CariHead heads[CARI_N_TASKS];
  CariWeightModule module;
  CariRng rng;
  int n_cari, n_photo;
  gboolean profiling;
  GArray *stage_times;
};

/* ---------------------------------------------------------------------------- config */

static const char *const preset_names[] = { "paper", "demo", NULL };

const char *const *
cari_net_preset_names (void)
{
  return preset_names;
}

static void
config_defaults (CariNetConfig *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->input_size = 160;
  cfg->width = 1.0f;
  cfg->repeats_a = cfg->repeats_b = cfg->repeats_c = 1;
  cfg->head_channels = 192;
  cfg->embedding_size = 128;
  cfg->n_identities = 200;
  cfg->tasks = CARI_ALL_TASKS;
  cfg->weight_module = TRUE;
  cfg->weight_r = 2.0f;
  cfg->max_caricatures = 30;
  cfg->max_photos = 30;
  cfg->dropout_keep = 0.5f;
  cfg->bn_decay = 0.995f;
  cfg->bn_eps = 1e-3f;
}

gboolean
cari_net_config_init_preset (CariNetConfig *cfg, const char *preset, GError **error)
{
  config_defaults (cfg);
  if (g_strcmp0 (preset, "paper") == 0)
    return TRUE;
  if (g_strcmp0 (preset, "demo") == 0)
    {
      /* A quarter of the channels at 96×96 (Z is 1×1×448): about 1/55 of the paper preset's
       * training FLOPs per image, so a SynCari demo run trains in minutes on two cores. */
      cfg->input_size = 96;
      cfg->width = 0.25f;
      cfg->embedding_size = 64;
      cfg->max_caricatures = 16;
      cfg->max_photos = 16;
      return TRUE;
    }
  g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
               _("Unknown model preset “%s” (expected paper or demo)"), preset);
  return FALSE;
}

int
cari_net_min_input_size (void)
{
  /* Walk the stride chain backwards from a 1×1 output of Reduction-B: every 3×3 VALID conv
   * adds 2, every stride-2 3×3 VALID one maps s to 2s + 1. */
  int s = 1;
  s = 2 * s + 1; /* reduction_b */
  s = 2 * s + 1; /* reduction_a */
  s = 2 * s + 1; /* conv6 */
  s += 2;        /* conv5 */
  s = 2 * s + 1; /* maxpool1 */
  s += 2;        /* conv2 */
  s = 2 * s + 1; /* conv1 */
  return s;
}

static gboolean
invalid (GError **error, const char *key, const char *why)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT, _("Model parameter “%s”: %s"),
               key, why);
  return FALSE;
}

gboolean
cari_net_config_validate (const CariNetConfig *cfg, GError **error)
{
  g_autofree char *why = NULL;
  int min = cari_net_min_input_size ();

  if (cfg->input_size < min || cfg->input_size > 224)
    {
      why = g_strdup_printf (_("must be between %d (the smallest the trunk's strides allow) and "
                               "224, got %d"), min, cfg->input_size);
      return invalid (error, "input_size", why);
    }
  if (!(cfg->width > 0.0f && cfg->width <= 4.0f))
    return invalid (error, "width", _("must be in (0, 4]"));
  if (cfg->repeats_a < 0 || cfg->repeats_a > MAX_REPEATS)
    return invalid (error, "repeats_a", _("must be between 0 and 20"));
  if (cfg->repeats_b < 0 || cfg->repeats_b > MAX_REPEATS)
    return invalid (error, "repeats_b", _("must be between 0 and 20"));
  if (cfg->repeats_c < 0 || cfg->repeats_c > MAX_REPEATS)
    return invalid (error, "repeats_c", _("must be between 0 and 20"));
  if (cfg->head_channels < 1)
    return invalid (error, "head_channels", _("must be positive"));
  if (cfg->embedding_size < 1 || cfg->embedding_size > 4096)
    return invalid (error, "embedding_size", _("must be between 1 and 4096"));
  if (cfg->n_identities < 1)
    return invalid (error, "n_identities", _("must be positive"));
  if ((cfg->tasks & CARI_ALL_TASKS) == 0 || (cfg->tasks & ~CARI_ALL_TASKS) != 0)
    return invalid (error, "tasks", _("must name at least one of verif, cari, visual"));
  if (cfg->max_caricatures < 0 || cfg->max_photos < 0
      || cfg->max_caricatures + cfg->max_photos < 1)
    return invalid (error, "max_caricatures", _("the batch must hold at least one image"));
  if ((cfg->tasks & CARI_TASK_BIT (CARI_TASK_CARI)) && cfg->max_caricatures < 1)
    return invalid (error, "max_caricatures", _("the cari task needs caricatures in the batch"));
  if ((cfg->tasks & CARI_TASK_BIT (CARI_TASK_VISUAL)) && cfg->max_photos < 1)
    return invalid (error, "max_photos", _("the visual task needs photos in the batch"));
  if (cfg->weight_module && g_bit_nth_lsf (cfg->tasks, g_bit_nth_lsf (cfg->tasks, -1)) < 0)
    return invalid (error, "weight_module", _("dynamic weights need at least two tasks"));
  if (!(cfg->weight_r >= 0.0f && cfg->weight_r < 1e4f))
    return invalid (error, "weight_r", _("must be ≥ 0 (0 turns the normalisation off)"));
  if (!(cfg->dropout_keep > 0.0f && cfg->dropout_keep <= 1.0f))
    return invalid (error, "dropout_keep", _("must be in (0, 1]"));
  if (!(cfg->bn_decay >= 0.0f && cfg->bn_decay < 1.0f))
    return invalid (error, "bn_decay", _("must be in [0, 1)"));
  if (!(cfg->bn_eps > 0.0f))
    return invalid (error, "bn_eps", _("must be positive"));
  return TRUE;
}

char *
cari_net_config_architecture (const CariNetConfig *cfg)
{
  char width[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (width, sizeof width, "%.6g", cfg->width);
  return g_strdup_printf ("input_size=%d;width=%s;repeats_a=%d;repeats_b=%d;repeats_c=%d;"
                          "head_channels=%d;embedding_size=%d;n_identities=%d;tasks=%s%s%s;"
                          "weight_module=%d",
                          cfg->input_size, width, cfg->repeats_a, cfg->repeats_b, cfg->repeats_c,
                          cfg->head_channels, cfg->embedding_size, cfg->n_identities,
                          (cfg->tasks & 1) ? "verif," : "", (cfg->tasks & 2) ? "cari," : "",
                          (cfg->tasks & 4) ? "visual," : "", cfg->weight_module);
}

/* ---------------------------------------------------------------------------- build */

static gboolean
plan_head (CariNet *net, CariHead *h, CariBuild *b, GError **error)
{
  const CariNetConfig *cfg = &net->cfg;
  const int E = cfg->embedding_size, K = cfg->n_identities;
  int c = net->z_c, hh = net->z_h, ww = net->z_w;
  char saved[sizeof b->scope];

  g_strlcpy (saved, b->scope, sizeof saved);
  g_strlcpy (b->scope, cari_task_names[h->task], sizeof b->scope);

  h->n_blocks = cfg->repeats_c;
  for (int i = 0; i < h->n_blocks; i++)
    {
      CariBlockSpec spec = block8_spec;
      char name[32];
      g_snprintf (name, sizeof name, "block8_%d", i + 1);
      spec.name = name;
      if (!cari_block_plan (&h->blocks[i], &spec, cfg->width, c, hh, ww, h->max_n, b, error))
        return FALSE;
    }

  h->hc = cari_scale_channels (cfg->head_channels, cfg->width);
  CariUnitSpec us = { h->hc, 1, 1, 1, CARI_PADDING_SAME };
  if (!cari_unit_plan (&h->conv, CARI_UNIT_BN_RELU, "conv", c, hh, ww, &us, h->max_n, b, error))
    return FALSE;

  size_t rows = h->max_n;
  h->pooled = cari_arena_floats (&b->acts, rows * h->hc);
  h->mask = cari_arena_floats (&b->acts, rows * h->hc);
  h->dropped = cari_arena_floats (&b->acts, rows * h->hc);
  h->emb_w = cari_build_param (b, "embedding/weight", (size_t) E * h->hc, &h->demb_w, h->hc, E,
                               FALSE);
  h->emb_beta = cari_build_param (b, "embedding/beta", E, &h->demb_beta, 0, 0, FALSE);
  h->emb_rm = cari_build_buffer (b, "embedding/running_mean", E, 0.0f);
  h->emb_rv = cari_build_buffer (b, "embedding/running_var", E, 1.0f);
  h->emb_mean = cari_arena_floats (&b->acts, E);
  h->emb_invstd = cari_arena_floats (&b->acts, E);
  h->emb_pre = cari_arena_floats (&b->acts, rows * E);
  h->emb = cari_arena_floats (&b->acts, rows * E);
  h->emb_norm = cari_arena_floats (&b->acts, rows * E);
  h->norms = cari_arena_floats (&b->acts, rows);
  h->cls_w = cari_build_param (b, "classifier/weight", (size_t) K * E, &h->dcls_w, E, K, FALSE);
  h->cls_b = cari_build_param (b, "classifier/bias", K, &h->dcls_b, 0, 0, FALSE);
  h->logits = cari_arena_floats (&b->acts, rows * K);
  h->probs = cari_arena_floats (&b->acts, rows * K);
  h->dlogits = cari_arena_floats (&b->acts, rows * K);
  h->demb = cari_arena_floats (&b->acts, rows * E);

  /* Backward scratch of the head: ∂emb_pre, ∂dropped, ∂pooled, ∂(conv output). */
  size_t scratch = rows * (E + 2 * (size_t) h->hc)
                   + rows * (size_t) h->hc * h->conv.shape.out_h * h->conv.shape.out_w;
  b->scratch_floats = MAX (b->scratch_floats, scratch);
  b->boundary_floats = MAX (b->boundary_floats, rows * (size_t) c * hh * ww);
  g_strlcpy (b->scope, saved, sizeof b->scope);
  return TRUE;
}

static gboolean
net_build (CariNet *net, CariBuild *b, GError **error)
{
  const CariNetConfig *cfg = &net->cfg;
  const int max_n = cfg->max_caricatures + cfg->max_photos;
  int c = 3, h = cfg->input_size, w = cfg->input_size;

  net->n_trunk = 0;
  g_strlcpy (b->scope, "trunk", sizeof b->scope);

  for (size_t i = 0; i < G_N_ELEMENTS (stem_specs); i++)
    {
      CariBlock *blk = &net->trunk[net->n_trunk++];
      if (!cari_block_plan (blk, &stem_specs[i], cfg->width, c, h, w, max_n, b, error))
        return FALSE;
      c = blk->out_c, h = blk->out_h, w = blk->out_w;
    }

  struct
  {
    const CariBlockSpec *spec;
    int repeats;
  } stages[] = {
    { &block35_spec, cfg->repeats_a }, { &reduction_a_spec, 1 },
    { &block17_spec, cfg->repeats_b }, { &reduction_b_spec, 1 },
  };
  for (size_t s = 0; s < G_N_ELEMENTS (stages); s++)
    for (int r = 0; r < stages[s].repeats; r++)
      {
        CariBlockSpec spec = *stages[s].spec;
        char name[32];
        if (stages[s].spec->residual_scale > 0.0f)
          {
            g_snprintf (name, sizeof name, "%s_%d", stages[s].spec->name, r + 1);
            spec.name = name;
          }
        CariBlock *blk = &net->trunk[net->n_trunk++];
        if (!cari_block_plan (blk, &spec, cfg->width, c, h, w, max_n, b, error))
          return FALSE;
        c = blk->out_c, h = blk->out_h, w = blk->out_w;
      }
  net->z_c = c, net->z_h = h, net->z_w = w;
  size_t z_floats = (size_t) max_n * c * h * w;

  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      CariHead *hd = &net->heads[t];
      hd->task = (CariTask) t;
      hd->present = (cfg->tasks & CARI_TASK_BIT (t)) != 0;
      if (!hd->present)
        continue;
      hd->max_n = t == CARI_TASK_VERIF  ? max_n
                  : t == CARI_TASK_CARI ? cfg->max_caricatures
                                        : cfg->max_photos;
      if (!plan_head (net, hd, b, error))
        return FALSE;
    }

  CariWeightModule *m = &net->module;
  m->present = cfg->weight_module;
  if (m->present)
    {
      g_strlcpy (b->scope, "weights", sizeof b->scope);
      m->T = __builtin_popcount (cfg->tasks);
      m->D = c * h * w;
      m->max_n = max_n;
      m->w = cari_build_param (b, "dense/weight", (size_t) m->T * m->D, &m->dw, m->D, m->T, TRUE);
      m->b = cari_build_param (b, "dense/bias", m->T, &m->db, 0, 0, TRUE);
      m->logits = cari_arena_floats (&b->acts, (size_t) max_n * m->T);
      m->normed = cari_arena_floats (&b->acts, (size_t) max_n * m->T);
      m->norms = cari_arena_floats (&b->acts, max_n);
      m->probs = cari_arena_floats (&b->acts, (size_t) max_n * m->T);
      m->dprobs = cari_arena_floats (&b->acts, (size_t) max_n * m->T);
      b->scratch_floats = MAX (b->scratch_floats, (size_t) max_n * m->T);
    }

  net->dz = cari_arena_floats (&b->acts, z_floats);
  net->grad_a = cari_arena_floats (&b->acts, b->boundary_floats);
  net->grad_b = cari_arena_floats (&b->acts, b->boundary_floats);
  return TRUE;
}

static void
build_clear (CariBuild *b)
{
  cari_arena_clear (&b->params);
  cari_arena_clear (&b->grads);
  cari_arena_clear (&b->module_params);
  cari_arena_clear (&b->module_grads);
  cari_arena_clear (&b->buffers);
  cari_arena_clear (&b->acts);
  cari_arena_clear (&b->ints);
  g_clear_pointer (&b->infos, g_array_unref);
  g_clear_pointer (&b->names, g_ptr_array_unref);
}

CariNet *
cari_net_new (const CariNetConfig *cfg, uint64_t seed, GError **error)
{
  g_autoptr (CariNet) net = NULL;
  CariBuild count;

  if (!cari_net_config_validate (cfg, error))
    return NULL;

  net = g_new0 (CariNet, 1);
  net->cfg = *cfg;
  net->stage_times = g_array_new (FALSE, TRUE, sizeof (CariStageTime));

  /* Pass 1: count. */
  memset (&count, 0, sizeof count);
  if (!net_build (net, &count, error))
    return NULL;

  /* Pass 2: carve the same layout out of real memory. */
  CariBuild *b = &net->build;
  memset (b, 0, sizeof *b);
  b->real = TRUE;
  b->infos = g_array_new (FALSE, TRUE, sizeof (CariParamInfo));
  b->names = g_ptr_array_new_with_free_func (g_free);
  cari_rng_seed (&b->init_rng, seed);
  if (!cari_arena_allocate (&b->params, count.params.used)
      || !cari_arena_allocate (&b->grads, count.grads.used)
      || !cari_arena_allocate (&b->module_params, count.module_params.used)
      || !cari_arena_allocate (&b->module_grads, count.module_grads.used)
      || !cari_arena_allocate (&b->buffers, count.buffers.used)
      || !cari_arena_allocate (&b->acts, count.acts.used)
      || !cari_arena_allocate (&b->ints, count.ints.used)
      || !cari_arena_allocate (&net->scratch, count.scratch_floats * sizeof (float)))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NO_MEMORY,
                   _("Out of memory building the network (%.1f MiB of activations)"),
                   count.acts.used / 1048576.0);
      return NULL;
    }
  if (!net_build (net, b, error))
    return NULL;
  g_assert (b->params.used == count.params.used && b->acts.used == count.acts.used);

  net->workspace_floats = count.workspace_floats;
  net->workspace = cari_alloc_floats (net->workspace_floats);
  if (net->workspace == NULL)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NO_MEMORY,
                   _("Out of memory for the convolution workspace"));
      return NULL;
    }
  cari_rng_seed (&net->rng, seed ^ 0x5eed5eed5eedULL);

  for (int t = 0; t < CARI_N_TASKS; t++)
    if (net->heads[t].present)
      g_array_append_val (net->stage_times,
                          ((CariStageTime) { cari_task_names[t], 0.0, 0.0 }));
  return g_steal_pointer (&net);
}

void
cari_net_free (CariNet *net)
{
  if (net == NULL)
    return;
  build_clear (&net->build);
  cari_arena_clear (&net->scratch);
  cari_free_floats (net->workspace);
  g_array_unref (net->stage_times);
  g_free (net);
}

const CariNetConfig *
cari_net_get_config (const CariNet *net)
{
  return &net->cfg;
}

gboolean
cari_net_has_task (const CariNet *net, CariTask task)
{
  return (unsigned) task < CARI_N_TASKS && net->heads[task].present;
}

/* ---------------------------------------------------------------------------- passes */

static CariPass
make_pass (CariNet *net, gboolean training)
{
  CariPass pass = { net->workspace, net->workspace_floats, &net->scratch, net->cfg.bn_decay,
                    net->cfg.bn_eps, training };
  return pass;
}

static double
now (void)
{
  return (double) g_get_monotonic_time () * 1e-6;
}

static void
head_forward (CariNet *net, CariHead *h, const float *z, int n, const CariPass *pass)
{
  const int E = net->cfg.embedding_size, K = net->cfg.n_identities;
  const float *x = z;
  double t0 = net->profiling ? now () : 0.0;

  h->n = n;
  for (int i = 0; i < h->n_blocks; i++)
    {
      cari_block_forward (&h->blocks[i], x, n, pass);
      x = h->blocks[i].out;
    }
  cari_unit_forward (&h->conv, x, n, pass);
  cari_global_avgpool_forward (h->pooled, h->conv.y, n, h->hc,
                               h->conv.shape.out_h * h->conv.shape.out_w);
  size_t count = (size_t) n * h->hc;
  if (pass->training && net->cfg.dropout_keep < 1.0f)
    cari_dropout_forward (h->dropped, h->mask, h->pooled, count, net->cfg.dropout_keep,
                          &net->rng);
  else
    {
      memcpy (h->dropped, h->pooled, count * sizeof (float));
      for (size_t i = 0; i < count; i++)
        h->mask[i] = 1.0f;
    }
  cari_dense_forward (h->emb_pre, h->dropped, h->emb_w, NULL, n, h->hc, E);
  if (pass->training)
    cari_batchnorm_forward_train (h->emb, h->emb_mean, h->emb_invstd, h->emb_rm, h->emb_rv,
                                  h->emb_pre, NULL, h->emb_beta, n, E, 1, pass->bn_decay,
                                  pass->bn_eps, FALSE);
  else
    cari_batchnorm_forward_infer (h->emb, h->emb_pre, NULL, h->emb_beta, h->emb_rm, h->emb_rv, n,
                                  E, 1, pass->bn_eps, FALSE);
  cari_l2norm_forward (h->emb_norm, h->norms, h->emb, n, E, 1e-10f);
  cari_dense_forward (h->logits, h->emb, h->cls_w, h->cls_b, n, E, K);
  if (net->profiling)
    h->forward_s += now () - t0;
}

static void
module_forward (CariNet *net, const float *z, int n)
{
  CariWeightModule *m = &net->module;
  const int T = m->T;
  double t0 = net->profiling ? now () : 0.0;

  m->n = n;
  cari_dense_forward (m->logits, z, m->w, m->b, n, m->D, T);
  if (net->cfg.weight_r > 0.0f)
    {
      cari_l2norm_forward (m->normed, m->norms, m->logits, n, T, 1e-12f);
      for (size_t i = 0; i < (size_t) n * T; i++)
        m->normed[i] *= net->cfg.weight_r;
    }
  else
    memcpy (m->normed, m->logits, (size_t) n * T * sizeof (float));
  cari_softmax_forward (m->probs, m->normed, n, T);
  for (int t = 0; t < T; t++)
    {
      double acc = 0.0;
      for (int i = 0; i < n; i++)
        acc += m->probs[(size_t) i * T + t];
      m->weights[t] = (float) (acc / n);
    }
  if (net->profiling)
    m->forward_s += now () - t0;
}

static void
trunk_forward (CariNet *net, const float *images, int n, const CariPass *pass)
{
  const float *x = images;
  for (int i = 0; i < net->n_trunk; i++)
    {
      CariBlock *b = &net->trunk[i];
      double t0 = net->profiling ? now () : 0.0;
      cari_block_forward (b, x, n, pass);
      if (net->profiling)
        b->forward_s += now () - t0;
      x = b->out;
    }
  net->z = x;
}

static size_t
z_row_floats (const CariNet *net)
{
  return (size_t) net->z_c * net->z_h * net->z_w;
}

void
cari_net_forward (CariNet *net, const float *images, int n_cari, int n_photo, gboolean training)
{
  const int n = n_cari + n_photo;
  CariPass pass = make_pass (net, training);

  g_assert (n_cari >= 0 && n_cari <= net->cfg.max_caricatures);
  g_assert (n_photo >= 0 && n_photo <= net->cfg.max_photos && n > 0);
  net->n_cari = n_cari;
  net->n_photo = n_photo;

  trunk_forward (net, images, n, &pass);
  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      CariHead *h = &net->heads[t];
      if (!h->present)
        continue;
      int first = t == CARI_TASK_VISUAL ? n_cari : 0;
      int rows = t == CARI_TASK_VERIF ? n : t == CARI_TASK_CARI ? n_cari : n_photo;
      h->n = rows;
      if (rows > 0)
        head_forward (net, h, net->z + (size_t) first * z_row_floats (net), rows, &pass);
    }
  if (net->module.present)
    module_forward (net, net->z, n);
}

gboolean
cari_net_head_output (CariNet *net, CariTask task, CariHeadOutput *out)
{
  if (!cari_net_has_task (net, task))
    return FALSE;
  CariHead *h = &net->heads[task];
  out->rows = h->n;
  out->logits = h->logits;
  out->embedding = h->emb;
  out->embedding_normalized = h->emb_norm;
  return TRUE;
}

const float *
cari_net_task_weights (CariNet *net, int *n_tasks)
{
  if (n_tasks != NULL)
    *n_tasks = net->module.present ? net->module.T : 0;
  return net->module.present ? net->module.weights : NULL;
}

float *
cari_net_head_dlogits (CariNet *net, CariTask task)
{
  return cari_net_has_task (net, task) ? net->heads[task].dlogits : NULL;
}

float *
cari_net_head_dembedding (CariNet *net, CariTask task)
{
  return cari_net_has_task (net, task) ? net->heads[task].demb : NULL;
}

float *
cari_net_task_dweights (CariNet *net)
{
  return net->module.present ? net->module.dweights : NULL;
}

void
cari_net_zero_grad (CariNet *net)
{
  CariBuild *b = &net->build;
  memset (b->grads.base, 0, b->grads.used);
  memset (b->module_grads.base, 0, b->module_grads.used);
  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      CariHead *h = &net->heads[t];
      if (!h->present)
        continue;
      memset (h->dlogits, 0, (size_t) h->max_n * net->cfg.n_identities * sizeof (float));
      memset (h->demb, 0, (size_t) h->max_n * net->cfg.embedding_size * sizeof (float));
    }
  memset (net->module.dweights, 0, sizeof net->module.dweights);
}

/* Backward through a chain of blocks from dout (clobbered) to dinput (accumulated). */
static void
blocks_backward (CariNet *net, CariBlock *blocks, int n_blocks, float *dout, float *dinput,
                 int n, const CariPass *pass)
{
  float *cur = dout;
  for (int i = n_blocks - 1; i >= 0; i--)
    {
      CariBlock *b = &blocks[i];
      float *dx = dinput;
      double t0 = net->profiling ? now () : 0.0;
      if (i > 0)
        {
          dx = cur == net->grad_a ? net->grad_b : net->grad_a;
          memset (dx, 0, (size_t) n * b->in_c * b->in_h * b->in_w * sizeof (float));
        }
      cari_block_backward (b, cur, dx, n, pass);
      if (net->profiling)
        b->backward_s += now () - t0;
      cur = dx;
    }
}

static void
head_backward (CariNet *net, CariHead *h, float *dz_rows, const CariPass *pass)
{
  const int E = net->cfg.embedding_size, K = net->cfg.n_identities, n = h->n;
  const int HW = h->conv.shape.out_h * h->conv.shape.out_w;
  double t0 = net->profiling ? now () : 0.0;

  /* Classifier, then the embedding's BN and dense layer, dropout, pooling. */
  cari_dense_backward (h->demb, h->dcls_w, h->dcls_b, h->dlogits, h->emb, h->cls_w, n, E, K);
  cari_arena_rewind (pass->scratch);
  float *demb_pre = cari_arena_floats (pass->scratch, (size_t) n * E);
  float *ddropped = cari_arena_floats (pass->scratch, (size_t) n * h->hc);
  float *dpooled = cari_arena_floats (pass->scratch, (size_t) n * h->hc);
  float *dconv = cari_arena_floats (pass->scratch, (size_t) n * h->hc * HW);
  memset (demb_pre, 0, (size_t) n * E * sizeof (float));
  memset (ddropped, 0, (size_t) n * h->hc * sizeof (float));
  memset (dpooled, 0, (size_t) n * h->hc * sizeof (float));
  memset (dconv, 0, (size_t) n * h->hc * HW * sizeof (float));
  cari_batchnorm_backward (demb_pre, NULL, h->demb_beta, h->demb, h->emb_pre, NULL, h->emb_mean,
                           h->emb_invstd, n, E, 1);
  cari_dense_backward (ddropped, h->demb_w, NULL, demb_pre, h->dropped, h->emb_w, n, h->hc, E);
  cari_dropout_backward (dpooled, ddropped, h->mask, (size_t) n * h->hc);
  cari_global_avgpool_backward (dconv, dpooled, n, h->hc, HW);

  /* The 1×1 conv's input gradient goes to the last block's output (or Z). */
  float *dlast = dz_rows;
  if (h->n_blocks > 0)
    {
      dlast = net->grad_a;
      memset (dlast, 0, (size_t) n * h->conv.shape.in_c * HW * sizeof (float));
    }
  cari_unit_backward (&h->conv, dconv, dlast, n, pass);
  if (h->n_blocks > 0)
    blocks_backward (net, h->blocks, h->n_blocks, dlast, dz_rows, n, pass);
  if (net->profiling)
    h->backward_s += now () - t0;
}

/* ∂L/∂(module logits) [n, T] for a gradient dw [T] of the batch-mean weights, into out
 * (scratch). */
static void
module_dlogits (CariNet *net, const float *dw, float *out)
{
  CariWeightModule *m = &net->module;
  const int T = m->T, n = m->n;
  const float r = net->cfg.weight_r;

  /* w_t = mean_i p_it: ∂p_it = ∂w_t / n; softmax: ∂s = p ⊙ (∂p − ⟨p, ∂p⟩). */
  for (int i = 0; i < n; i++)
    {
      const float *p = m->probs + (size_t) i * T;
      float *d = m->dprobs + (size_t) i * T;
      double dot = 0.0;
      for (int t = 0; t < T; t++)
        dot += (double) p[t] * dw[t] / n;
      for (int t = 0; t < T; t++)
        d[t] = p[t] * (dw[t] / n - (float) dot);
    }
  if (r > 0.0f)
    {
      /* normed = r · l2norm(logits): back through the scale, then the normalisation, which needs
       * its unit-norm output normed / r. */
      g_autofree float *unit = g_new (float, (size_t) n * T);
      for (size_t i = 0; i < (size_t) n * T; i++)
        {
          m->dprobs[i] *= r;
          unit[i] = m->normed[i] / r;
        }
      memset (out, 0, (size_t) n * T * sizeof (float));
      cari_l2norm_backward (out, m->dprobs, unit, m->norms, n, T, 1e-12f);
    }
  else
    memcpy (out, m->dprobs, (size_t) n * T * sizeof (float));
}

static void
module_backward (CariNet *net, const float *dweights_trunk)
{
  CariWeightModule *m = &net->module;
  const int T = m->T, n = m->n;
  double t0 = net->profiling ? now () : 0.0;
  float *dlogits = cari_arena_floats (&net->scratch, (size_t) n * T);

  /* Ψ from ∂L/∂w as the host set it. */
  module_dlogits (net, m->dweights, dlogits);
  cari_dense_backward (NULL, m->dw, m->db, dlogits, net->z, m->w, n, m->D, T);
  /* Z from the trunk's own ∂L/∂w, when the module is not detached. */
  if (dweights_trunk != NULL)
    {
      module_dlogits (net, dweights_trunk, dlogits);
      cari_sgemm (FALSE, FALSE, n, m->D, T, 1.0f, dlogits, T, m->w, m->D, 1.0f, net->dz, m->D);
    }
  if (net->profiling)
    m->backward_s += now () - t0;
}

void
cari_net_backward (CariNet *net, const float *dweights_trunk)
{
  const int n = net->n_cari + net->n_photo;
  CariPass pass = make_pass (net, TRUE);
  const size_t zrow = z_row_floats (net);

  memset (net->dz, 0, (size_t) n * zrow * sizeof (float));
  if (net->module.present)
    {
      cari_arena_rewind (&net->scratch);
      module_backward (net, dweights_trunk);
    }
  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      CariHead *h = &net->heads[t];
      if (!h->present || h->n == 0)
        continue;
      int first = t == CARI_TASK_VISUAL ? net->n_cari : 0;
      head_backward (net, h, net->dz + (size_t) first * zrow, &pass);
    }

  /* The trunk: ∂Z is consumed in place; the first conv needs no input gradient. */
  blocks_backward (net, net->trunk, net->n_trunk, net->dz, NULL, n, &pass);
}

/* ---------------------------------------------------------------------------- parameters */

float *
cari_net_params (CariNet *net, size_t *n)
{
  *n = net->build.params.used / sizeof (float);
  return (float *) net->build.params.base;
}

float *
cari_net_grads (CariNet *net, size_t *n)
{
  *n = net->build.grads.used / sizeof (float);
  return (float *) net->build.grads.base;
}

float *
cari_net_module_params (CariNet *net, size_t *n)
{
  *n = net->build.module_params.used / sizeof (float);
  return (float *) net->build.module_params.base;
}

float *
cari_net_module_grads (CariNet *net, size_t *n)
{
  *n = net->build.module_grads.used / sizeof (float);
  return (float *) net->build.module_grads.base;
}

float *
cari_net_buffers (CariNet *net, size_t *n)
{
  *n = net->build.buffers.used / sizeof (float);
  return (float *) net->build.buffers.base;
}

CariRng *
cari_net_rng (CariNet *net)
{
  return &net->rng;
}

const CariParamInfo *
cari_net_param_infos (CariNet *net, size_t *n)
{
  *n = net->build.infos->len;
  return (const CariParamInfo *) (void *) net->build.infos->data;
}

size_t
cari_net_param_count (CariNet *net, gboolean module)
{
  size_t n, total = 0;
  const CariParamInfo *infos = cari_net_param_infos (net, &n);
  for (size_t i = 0; i < n; i++)
    if (infos[i].module == module && !infos[i].buffer)
      total += infos[i].size;
  return total;
}

/* Parameters and running statistics of one head lie contiguously in the order they were
 * planned; copying a head is copying those ranges, which works because every head has the
 * same layout. */
static void
head_ranges (CariNet *net, CariTask task, float **params, size_t *n_params)
{
  size_t n;
  const CariParamInfo *infos = cari_net_param_infos (net, &n);
  const char *prefix = cari_task_names[task];
  size_t len = strlen (prefix);
  *params = NULL;
  *n_params = 0;
  for (size_t i = 0; i < n; i++)
    if (!infos[i].buffer && strncmp (infos[i].name, prefix, len) == 0
        && infos[i].name[len] == '/')
      {
        if (*params == NULL)
          *params = infos[i].param;
        *n_params = (size_t) (infos[i].param + infos[i].size - *params);
      }
}

gboolean
cari_net_init_branches_from_visual (CariNet *net, GError **error)
{
  float *src, *dst;
  size_t n_src, n_dst;

  if (!net->heads[CARI_TASK_VISUAL].present)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("The network has no visual branch to initialise the others from"));
      return FALSE;
    }
  head_ranges (net, CARI_TASK_VISUAL, &src, &n_src);
  for (int t = CARI_TASK_VERIF; t <= CARI_TASK_CARI; t++)
    {
      CariHead *h = &net->heads[t], *v = &net->heads[CARI_TASK_VISUAL];
      if (!h->present)
        continue;
      head_ranges (net, (CariTask) t, &dst, &n_dst);
      g_assert (n_dst == n_src);
      memcpy (dst, src, n_src * sizeof (float));
      /* Running statistics: every unit of the head, and the embedding's BN. */
      for (int i = 0; i < h->n_blocks; i++)
        for (int br = 0; br < h->blocks[i].n_branches; br++)
          for (int k = 0; k < h->blocks[i].branches[br].n_units; k++)
            {
              CariConvUnit *a = &h->blocks[i].branches[br].units[k];
              CariConvUnit *b = &v->blocks[i].branches[br].units[k];
              memcpy (a->running_mean, b->running_mean, a->shape.out_c * sizeof (float));
              memcpy (a->running_var, b->running_var, a->shape.out_c * sizeof (float));
            }
      memcpy (h->conv.running_mean, v->conv.running_mean, h->hc * sizeof (float));
      memcpy (h->conv.running_var, v->conv.running_var, h->hc * sizeof (float));
      memcpy (h->emb_rm, v->emb_rm, net->cfg.embedding_size * sizeof (float));
      memcpy (h->emb_rv, v->emb_rv, net->cfg.embedding_size * sizeof (float));
    }
  return TRUE;
}

/* ---------------------------------------------------------------------------- inference */

gboolean
cari_net_infer (CariNet *net, CariTask task, const float *images, int n, float *embeddings,
                float *probs, GError **error)
{
  const CariNetConfig *cfg = &net->cfg;
  const int E = cfg->embedding_size, K = cfg->n_identities;
  const size_t img = (size_t) 3 * cfg->input_size * cfg->input_size;
  CariPass pass = make_pass (net, FALSE);

  if (!cari_net_has_task (net, task))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("The network has no “%s” branch"), cari_task_to_string (task));
      return FALSE;
    }
  CariHead *h = &net->heads[task];
  int chunk = MIN (h->max_n, cfg->max_caricatures + cfg->max_photos);
  for (int i0 = 0; i0 < n; i0 += chunk)
    {
      int m = MIN (chunk, n - i0);
      trunk_forward (net, images + (size_t) i0 * img, m, &pass);
      head_forward (net, h, net->z, m, &pass);
      if (embeddings != NULL)
        memcpy (embeddings + (size_t) i0 * E, h->emb_norm, (size_t) m * E * sizeof (float));
      if (probs != NULL)
        cari_softmax_forward (probs + (size_t) i0 * K, h->logits, m, K);
    }
  return TRUE;
}

/* ---------------------------------------------------------------------------- cost */

double
cari_net_train_flops (const CariNet *net, int n_cari, int n_photo, gboolean module_to_trunk)
{
  const CariNetConfig *cfg = &net->cfg;
  const int n = n_cari + n_photo;
  double macs = 0.0;

  /* Each conv and dense layer: forward, ∂W and ∂X cost the same multiply-adds. */
  for (int i = 0; i < net->n_trunk; i++)
    macs += 3.0 * n * cari_block_macs (&net->trunk[i]);
  macs -= (double) n * cari_conv2d_flops (&net->trunk[0].branches[0].units[0].shape);

  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      const CariHead *h = &net->heads[t];
      if (!h->present)
        continue;
      int rows = t == CARI_TASK_VERIF ? n : t == CARI_TASK_CARI ? n_cari : n_photo;
      double per_row = cari_conv2d_flops (&h->conv.shape)
                       + (double) h->hc * cfg->embedding_size
                       + (double) cfg->embedding_size * cfg->n_identities;
      for (int i = 0; i < h->n_blocks; i++)
        per_row += cari_block_macs (&h->blocks[i]);
      macs += 3.0 * rows * per_row;
    }
  if (net->module.present)
    macs += (module_to_trunk ? 3.0 : 2.0) * n * net->module.D * net->module.T;
  return 2.0 * macs;
}

size_t
cari_net_memory_bytes (const CariNet *net)
{
  const CariBuild *b = &net->build;
  return b->params.size + b->grads.size + b->module_params.size + b->module_grads.size
         + b->buffers.size + b->acts.size + b->ints.size + net->scratch.size
         + net->workspace_floats * sizeof (float);
}

/* ---------------------------------------------------------------------------- profiling */

void
cari_net_set_profiling (CariNet *net, gboolean enabled)
{
  net->profiling = enabled;
  for (int i = 0; i < net->n_trunk; i++)
    net->trunk[i].forward_s = net->trunk[i].backward_s = 0.0;
  for (int t = 0; t < CARI_N_TASKS; t++)
    net->heads[t].forward_s = net->heads[t].backward_s = 0.0;
  net->module.forward_s = net->module.backward_s = 0.0;
}

const CariStageTime *
cari_net_stage_times (CariNet *net, size_t *n)
{
  g_array_set_size (net->stage_times, 0);
  for (int i = 0; i < net->n_trunk; i++)
    g_array_append_val (net->stage_times,
                        ((CariStageTime) { net->trunk[i].name, net->trunk[i].forward_s,
                                           net->trunk[i].backward_s }));
  for (int t = 0; t < CARI_N_TASKS; t++)
    if (net->heads[t].present)
      g_array_append_val (net->stage_times,
                          ((CariStageTime) { cari_task_names[t], net->heads[t].forward_s,
                                             net->heads[t].backward_s }));
  if (net->module.present)
    g_array_append_val (net->stage_times,
                        ((CariStageTime) { "weights", net->module.forward_s,
                                           net->module.backward_s }));
  *n = net->stage_times->len;
  return (const CariStageTime *) (void *) net->stage_times->data;
}
