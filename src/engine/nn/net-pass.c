/* net-pass.c — the network's forward and backward passes (trunk, branches and the weight
 * module, with per-stage timings when profiling) and inference. */
#include "nn/net-private.h"

#include "core/comm.h"
#include "core/error.h"
#include "core/gemm.h"
#include "core/i18n.h"
#include "core/parallel.h"
#include "nn/batchnorm.h"
#include "nn/dense.h"
#include "nn/dropout.h"
#include "nn/pool.h"
#include "nn/softmax.h"

#include <string.h>


/* ---------------------------------------------------------------------------- passes */

static CariPass
make_pass (CariNet *net, gboolean training)
{
  CariPass pass = { net->workspace, net->workspace_floats, net->cfg.bn_decay, net->cfg.bn_eps,
                    training, training ? net->bn_comm : NULL };
  return pass;
}

static double
now (void)
{
  return (double) g_get_monotonic_time () * 1e-6;
}

static void
head_forward (CariNet *net, CariHead *h, const float *z, int first, int n, const CariPass *pass)
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
  h->conv_in = x;
  cari_unit_forward (&h->conv, x, n, pass);
  cari_global_avgpool_forward (h->pooled, h->conv.y, n, h->hc,
                               h->conv.shape.out_h * h->conv.shape.out_w);
  size_t count = (size_t) n * h->hc;
  if (pass->training && net->cfg.dropout_keep < 1.0f)
    cari_dropout_forward_rows (h->dropped, h->mask, h->pooled, n, h->hc, net->cfg.dropout_keep,
                               cari_rng_next (&net->rng),
                               net->has_row_ids ? net->row_ids + first : NULL, first);
  else
    {
      memcpy (h->dropped, h->pooled, count * sizeof (float));
      for (size_t i = 0; i < count; i++)
        h->mask[i] = 1.0f;
    }
  cari_dense_forward (h->emb_pre, h->dropped, h->emb_w, NULL, n, h->hc, E);
  if (pass->training)
    {
      CariBatchNormState st = { NULL, h->emb_beta, h->emb_rm, h->emb_rv, h->emb_mean,
                                h->emb_invstd, NULL, NULL, pass->comm };
      cari_batchnorm_forward (&st, h->emb, 0, h->emb_pre, n, E, 1, TRUE, pass->bn_decay,
                              pass->bn_eps, FALSE);
    }
  else
    cari_batchnorm_forward_infer (h->emb, h->emb_pre, NULL, h->emb_beta, h->emb_rm, h->emb_rv, n,
                                  E, 1, pass->bn_eps, FALSE);
  cari_l2norm_forward (h->emb_norm, h->norms, h->emb, n, E, 1e-10f);
  cari_dense_forward (h->logits, h->emb, h->cls_w, h->cls_b, n, E, K);
  if (net->profiling)
    h->forward_s += now () - t0;
}

static void
module_forward (CariNet *net, const float *z, int n, gboolean training)
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
  /* The batch mean, over every rank's rows in data-parallel training: the sums and the count
   * summed over the group. */
  double acc[CARI_N_TASKS + 1] = { 0 };
  for (int t = 0; t < T; t++)
    for (int i = 0; i < n; i++)
      acc[t] += m->probs[(size_t) i * T + t];
  acc[T] = n;
  if (training)
    cari_comm_allreduce_sum (net->comm, acc, (size_t) T + 1, CARI_COMM_DOUBLE);
  m->n_total = (int) acc[T];
  for (int t = 0; t < T; t++)
    m->weights[t] = (float) (acc[t] / acc[T]);
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
        head_forward (net, h, net->z + (size_t) first * z_row_floats (net), first, rows, &pass);
    }
  if (net->module.present)
    module_forward (net, net->z, n, training);
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
          dx = b->grad_input;
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
  CariArena scratch = { (char *) h->scratch, h->scratch_bytes, 0 };
  float *demb_pre = cari_arena_floats (&scratch, (size_t) n * E);
  float *ddropped = cari_arena_floats (&scratch, (size_t) n * h->hc);
  float *dpooled = cari_arena_floats (&scratch, (size_t) n * h->hc);
  float *dconv = cari_arena_floats (&scratch, (size_t) n * h->hc * HW);
  memset (demb_pre, 0, (size_t) n * E * sizeof (float));
  memset (ddropped, 0, (size_t) n * h->hc * sizeof (float));
  memset (dpooled, 0, (size_t) n * h->hc * sizeof (float));
  memset (dconv, 0, (size_t) n * h->hc * HW * sizeof (float));
  cari_batchnorm_backward (demb_pre, NULL, h->demb_beta, h->demb, h->emb_pre, NULL, h->emb_mean,
                           h->emb_invstd, n, E, 1, pass->comm);
  cari_dense_backward (ddropped, h->demb_w, NULL, demb_pre, h->dropped, h->emb_w, n, h->hc, E);
  cari_dropout_backward (dpooled, ddropped, h->mask, (size_t) n * h->hc);
  cari_global_avgpool_backward (dconv, dpooled, n, h->hc, HW);

  /* The 1×1 conv's input gradient goes to the last block's output (or Z); its input is that
   * output, recomputed where it was transient. */
  float *dlast = dz_rows;
  const float *input = h->conv_in;
  if (h->conv_input_unit != NULL)
    {
      float *x = cari_arena_floats (&scratch, (size_t) n * h->conv.shape.in_c * HW);
      cari_unit_output (h->conv_input_unit, x, n);
      input = x;
    }
  if (h->n_blocks > 0)
    {
      dlast = h->dlast;
      memset (dlast, 0, (size_t) n * h->conv.shape.in_c * HW * sizeof (float));
    }
  cari_unit_backward (&h->conv, input, dconv, dlast, n, pass);
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
  const float n_total = (float) m->n_total; /* the mean's rows, on every rank */

  /* w_t = mean_i p_it: ∂p_it = ∂w_t / n; softmax: ∂s = p ⊙ (∂p − ⟨p, ∂p⟩). */
  for (int i = 0; i < n; i++)
    {
      const float *p = m->probs + (size_t) i * T;
      float *d = m->dprobs + (size_t) i * T;
      double dot = 0.0;
      for (int t = 0; t < T; t++)
        dot += (double) p[t] * dw[t] / n_total;
      for (int t = 0; t < T; t++)
        d[t] = p[t] * (dw[t] / n_total - (float) dot);
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
  float *dlogits = m->dlogits;

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
    module_backward (net, dweights_trunk);
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

/* ---------------------------------------------------------------------------- inference */

/* CARI_INFER=unfolded runs inference as the training network's eval-mode forward (every
 * activation kept, batch norm as its own pass), for measuring the folded engine against it on
 * one build; anything else, or unset, is the folded engine. Read once. */
static gboolean
infer_unfolded (void)
{
  static gsize value = 0;
  if (g_once_init_enter (&value))
    g_once_init_leave (&value, g_strcmp0 (g_getenv ("CARI_INFER"), "unfolded") == 0 ? 2 : 1);
  return value == 2;
}

static void
infer_unfolded_run (CariNet *net, CariHead *h, const float *images, int n, float *embeddings,
                    float *probs)
{
  const CariNetConfig *cfg = &net->cfg;
  const int E = cfg->embedding_size, K = cfg->n_identities;
  const size_t img = (size_t) 3 * cfg->input_size * cfg->input_size;
  CariPass pass = make_pass (net, FALSE);
  int chunk = MIN (h->max_n, cfg->max_caricatures + cfg->max_photos);

  for (int i0 = 0; i0 < n; i0 += chunk)
    {
      int m = MIN (chunk, n - i0);
      trunk_forward (net, images + (size_t) i0 * img, m, &pass);
      head_forward (net, h, net->z, 0, m, &pass);
      if (embeddings != NULL)
        memcpy (embeddings + (size_t) i0 * E, h->emb_norm, (size_t) m * E * sizeof (float));
      if (probs != NULL)
        cari_softmax_forward (probs + (size_t) i0 * K, h->logits, m, K);
    }
}

typedef struct
{
  CariNet *net;
  CariTask task;
  int parts;
  const float *images;
  int n;
  float *embeddings, *probs;
} InferParts;

/* Part p of an image-parallel inference: its contiguous share of the images. */
static void
infer_part (gpointer data, size_t p, size_t end)
{
  const InferParts *job = data;
  const CariNetConfig *cfg = &job->net->cfg;
  const size_t img = (size_t) 3 * cfg->input_size * cfg->input_size;
  int i0, i1;
  cari_comm_share (job->n, (int) p, job->parts, &i0, &i1);
  if (i1 > i0)
    cari_infer_run (job->net->infer[job->task][p], job->images + img * i0, i1 - i0,
                    job->embeddings != NULL ? job->embeddings + (size_t) i0 * cfg->embedding_size
                                            : NULL,
                    job->probs != NULL ? job->probs + (size_t) i0 * cfg->n_identities : NULL);
}

gboolean
cari_net_infer (CariNet *net, CariTask task, const float *images, int n, float *embeddings,
                float *probs, GError **error)
{
  const CariNetConfig *cfg = &net->cfg;

  if (!cari_net_has_task (net, task))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("The network has no “%s” branch"), cari_task_to_string (task));
      return FALSE;
    }
  if (infer_unfolded ())
    {
      infer_unfolded_run (net, &net->heads[task], images, n, embeddings, probs);
      return TRUE;
    }

  /* A network whose layers split poorly over threads (the demo's) goes image-parallel: the
   * batch in one part per thread, each through a folded engine of its own on a thread of its
   * own, single-threaded — as its training goes by replicas. Each engine passes its share of the
   * whole batch capacity, whatever the branch: a function of the configuration and the threads
   * alone, so that two networks of one configuration split the same images alike. */
  const int capacity = cfg->max_caricatures + cfg->max_photos;
  int parts = 1;
  if (cari_net_config_splits_poorly (cfg) && !cari_parallel_in_part ())
    parts = MIN (MIN (cari_parallel_get_threads (), CARI_NET_INFER_PARTS), capacity);
  for (int p = 0; p < parts; p++)
    {
      int c0, c1;
      cari_comm_share (capacity, p, parts, &c0, &c1);
      CariInfer *inf = net->infer[task][p];
      if (inf != NULL && cari_infer_get_max_n (inf) != c1 - c0)
        g_clear_pointer (&net->infer[task][p], cari_infer_free);
      inf = net->infer[task][p];
      if (inf == NULL)
        {
          /* The first part borrows the training network's idle buffers; the others, running
           * at the same time, have their own. */
          inf = p == 0 ? cari_infer_new (net, task, c1 - c0, error)
                       : cari_infer_new_private (net, task, c1 - c0, error);
          if (inf == NULL)
            return FALSE;
          net->infer[task][p] = inf;
        }
      else if (net->infer_generation[task][p] != net->generation
               || !cari_infer_statistics_current (inf))
        cari_infer_refresh (inf);
      net->infer_generation[task][p] = net->generation;
      cari_infer_set_profiling (inf, net->profiling && p == 0);
    }

  /* Engines of an earlier split into more parts (more threads then) go. */
  for (int p = parts; p < CARI_NET_INFER_PARTS; p++)
    g_clear_pointer (&net->infer[task][p], cari_infer_free);

  /* Fewer images than parts leave the last parts idle. */
  const int active = MIN (parts, n);
  if (active <= 1)
    cari_infer_run (net->infer[task][0], images, n, embeddings, probs);
  else
    {
      InferParts job = { net, task, active, images, n, embeddings, probs };
      cari_parallel_together (active, infer_part, &job);
    }
  if (net->profiling)
    {
      /* Into the network's stage times, which cari_net_stage_times reports (the first part's,
       * with image-parallel passes). */
      size_t n_stages;
      const CariStageTime *st = cari_infer_stage_times (net->infer[task][0], &n_stages);
      for (int i = 0; i < net->n_trunk; i++)
        net->trunk[i].forward_s += st[i].forward_s;
      net->heads[task].forward_s += st[n_stages - 1].forward_s;
    }
  return TRUE;
}

int
cari_net_infer_parts (CariNet *net, CariTask task)
{
  int parts = 0;
  while ((unsigned) task < CARI_N_TASKS && parts < CARI_NET_INFER_PARTS
         && net->infer[task][parts] != NULL)
    parts++;
  return parts;
}

CariInfer *
cari_net_get_infer (CariNet *net, CariTask task)
{
  return (unsigned) task < CARI_N_TASKS ? net->infer[task][0] : NULL;
}
