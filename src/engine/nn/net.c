/* net.c — the paper's network: building, parameters, inference, cost and profiling (the passes
 * are in net-pass.c, the presets and validation in net-config.c).
 *
 * Memory: parameters, gradients, module parameters, module gradients, running statistics, what
 * the backward reads (kept activations: conv outputs before batch norm, concats, residual
 * outputs) and max-pool winners are each one allocation, carved by running the same build twice
 * (count, then carve). Everything else is transient and shares one more allocation by lifetime
 * (CariLiveness): batch-norm+ReLU outputs, which only the forward reads (the backward recomputes
 * them from the kept conv outputs where it needs them), the gradients between blocks and each
 * block's backward scratch.
 */
#include "nn/net-private.h"

#include "core/error.h"
#include "core/i18n.h"
#include "core/tensor.h"

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
  /* A head starts from Z, which is kept; ∂L/∂Z is net->dz. */
  b->chain_id = -1;
  b->chain_unit = NULL;
  b->chain_tick = -1;

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
  const int first_tick = b->tick + 1;
  if (!cari_unit_plan (&h->conv, CARI_UNIT_BN_RELU, "conv", c, hh, ww, &us, h->max_n, b, error))
    return FALSE;
  h->conv_input_unit = b->chain_unit;
  if (b->chain_id >= 0)
    cari_liveness_extend (&b->live, b->chain_id, h->conv.tick);
  /* The conv's output only feeds the global pooling (the next tick). */
  const int pool_tick = ++b->tick;
  cari_unit_plan_output (&h->conv, pool_tick, b);

  size_t rows = h->max_n;
  h->pooled = cari_arena_floats (&b->acts, rows * h->hc);
  h->mask = cari_arena_floats (&b->acts, rows * h->hc);
  h->dropped = cari_arena_floats (&b->acts, rows * h->hc);
  h->emb_w = cari_build_param (b, "embedding/weight", (size_t) E * h->hc, &h->demb_w, h->hc, E,
                               FALSE);
  cari_build_param_shape (b, 2, (const int[]) { E, h->hc });
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
  cari_build_param_shape (b, 2, (const int[]) { K, E });
  h->cls_b = cari_build_param (b, "classifier/bias", K, &h->dcls_b, 0, 0, FALSE);
  h->logits = cari_arena_floats (&b->acts, rows * K);
  h->probs = cari_arena_floats (&b->acts, rows * K);
  h->dlogits = cari_arena_floats (&b->acts, rows * K);
  h->demb = cari_arena_floats (&b->acts, rows * E);
  const int last_tick = ++b->tick;

  /* Backward scratch of the head, in the order head_backward takes it: ∂emb_pre, ∂dropped,
   * ∂pooled, ∂(conv output), and the conv's input again where it was transient. */
  const size_t conv_out = rows * (size_t) h->hc * h->conv.shape.out_h * h->conv.shape.out_w;
  h->scratch_bytes = cari_arena_floats_bytes (rows * E)
                     + 2 * cari_arena_floats_bytes (rows * h->hc)
                     + cari_arena_floats_bytes (conv_out)
                     + (h->conv_input_unit != NULL
                          ? cari_arena_floats_bytes (rows * (size_t) c * hh * ww) : 0);
  h->scratch = cari_liveness_floats (&b->live, h->scratch_bytes / sizeof (float),
                                     CARI_TICK_MIRROR - last_tick, CARI_TICK_MIRROR - first_tick,
                                     NULL);
  h->dlast = NULL;
  if (h->n_blocks > 0)
    h->dlast = cari_liveness_floats (&b->live, rows * (size_t) c * hh * ww,
                                     CARI_TICK_MIRROR - last_tick,
                                     CARI_TICK_MIRROR - b->chain_tick, NULL);
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
  /* The images are the caller's, and need no gradient. */
  b->tick = 0;
  b->chain_id = -1;
  b->chain_unit = NULL;
  b->chain_tick = -1;

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
  /* Z is read by the heads, the weight module and their backwards: it must be kept (it is
   * Reduction-B's concat). */
  g_assert (b->chain_id < 0);
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
      cari_build_param_shape (b, 2, (const int[]) { m->T, m->D });
      m->b = cari_build_param (b, "dense/bias", m->T, &m->db, 0, 0, TRUE);
      if (b->real && !cfg->weight_xavier)
        {
          /* Uniform weights from the first step (ψ = 0, equal biases); the Xavier draw above
           * still takes its numbers, so every other tensor starts the same either way. */
          memset (m->w, 0, sizeof (float) * (size_t) m->T * m->D);
          for (int t = 0; t < m->T; t++)
            m->b[t] = CARI_MODULE_BIAS;
        }
      m->logits = cari_arena_floats (&b->acts, (size_t) max_n * m->T);
      m->normed = cari_arena_floats (&b->acts, (size_t) max_n * m->T);
      m->norms = cari_arena_floats (&b->acts, max_n);
      m->probs = cari_arena_floats (&b->acts, (size_t) max_n * m->T);
      m->dprobs = cari_arena_floats (&b->acts, (size_t) max_n * m->T);
      m->dlogits = cari_arena_floats (&b->acts, (size_t) max_n * m->T);
    }

  net->dz = cari_arena_floats (&b->acts, z_floats);
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
  cari_liveness_clear (&b->live);
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

  /* Pass 1: count, and place the transient tensors. */
  memset (&count, 0, sizeof count);
  cari_liveness_init (&count.live);
  if (!net_build (net, &count, error))
    {
      cari_liveness_clear (&count.live);
      return NULL;
    }

  /* Pass 2: carve the same layout out of real memory. */
  CariBuild *b = &net->build;
  memset (b, 0, sizeof *b);
  b->live = count.live;
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
      || !cari_liveness_allocate (&b->live))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NO_MEMORY,
                   _("Out of memory building the network (%.1f MiB of activations)"),
                   count.acts.used / 1048576.0);
      return NULL;
    }
  if (!net_build (net, b, error))
    return NULL;
  g_assert (b->params.used == count.params.used && b->acts.used == count.acts.used);
  g_assert (b->live.next == b->live.tensors->len);

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
  for (int t = 0; t < CARI_N_TASKS; t++)
    for (int p = 0; p < CARI_NET_INFER_PARTS; p++)
      cari_infer_free (net->infer[t][p]);
  build_clear (&net->build);
  cari_free_floats (net->workspace);
  g_array_unref (net->stage_times);
  g_free (net->row_ids);
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

/* ---------------------------------------------------------------------------- parameters */

/* What an arena handed out, as one array of *n floats. */
static float *
arena_floats (const CariArena *arena, size_t *n)
{
  *n = arena->used / sizeof (float);
  return (float *) arena->base;
}

float *
cari_net_params (CariNet *net, size_t *n)
{
  net->generation++;
  return arena_floats (&net->build.params, n);
}

float *
cari_net_grads (CariNet *net, size_t *n)
{
  return arena_floats (&net->build.grads, n);
}

float *
cari_net_module_params (CariNet *net, size_t *n)
{
  return arena_floats (&net->build.module_params, n);
}

float *
cari_net_module_grads (CariNet *net, size_t *n)
{
  return arena_floats (&net->build.module_grads, n);
}

float *
cari_net_buffers (CariNet *net, size_t *n)
{
  net->generation++;
  return arena_floats (&net->build.buffers, n);
}

CariRng *
cari_net_rng (CariNet *net)
{
  return &net->rng;
}

void
cari_net_set_comm (CariNet *net, CariComm *comm, gboolean sync_batchnorm)
{
  net->comm = comm;
  net->bn_comm = sync_batchnorm ? comm : NULL;
}

void
cari_net_set_row_ids (CariNet *net, const int *ids, int n)
{
  const int max_n = net->cfg.max_caricatures + net->cfg.max_photos;
  g_return_if_fail (n >= 0 && n <= max_n);
  if (net->row_ids == NULL)
    net->row_ids = g_new (int, max_n);
  net->has_row_ids = ids != NULL;
  for (int i = 0; i < n && ids != NULL; i++)
    net->row_ids[i] = ids[i];
}

const CariParamInfo *
cari_net_param_infos (CariNet *net, size_t *n)
{
  net->generation++; /* the infos point at the parameters, writable */
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
  net->generation++;
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
         + b->buffers.size + b->acts.size + b->ints.size + b->live.size
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
  const CariNetConfig *cfg = &net->cfg;
  const double rows = net->n_cari + net->n_photo;
  g_array_set_size (net->stage_times, 0);
  for (int i = 0; i < net->n_trunk; i++)
    {
      /* The backward computes ∂W and ∂X, each as costly as the forward; the first stage has no
       * ∂X (its input is the images). */
      double f = 2.0 * rows * cari_block_macs (&net->trunk[i]);
      g_array_append_val (net->stage_times,
                          ((CariStageTime) { net->trunk[i].name, net->trunk[i].forward_s,
                                             net->trunk[i].backward_s, f,
                                             i == 0 ? f : 2.0 * f }));
    }
  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      const CariHead *h = &net->heads[t];
      if (!h->present)
        continue;
      double per_row = cari_conv2d_flops (&h->conv.shape)
                       + (double) h->hc * cfg->embedding_size
                       + (double) cfg->embedding_size * cfg->n_identities;
      for (int i = 0; i < h->n_blocks; i++)
        per_row += cari_block_macs (&h->blocks[i]);
      double f = 2.0 * h->n * per_row;
      g_array_append_val (net->stage_times,
                          ((CariStageTime) { cari_task_names[t], h->forward_s, h->backward_s, f,
                                             2.0 * f }));
    }
  if (net->module.present)
    {
      double f = 2.0 * rows * net->module.D * net->module.T;
      g_array_append_val (net->stage_times,
                          ((CariStageTime) { "weights", net->module.forward_s,
                                             net->module.backward_s, f, f }));
    }
  *n = net->stage_times->len;
  return (const CariStageTime *) (void *) net->stage_times->data;
}
