/* test-infer.c — the folded inference engine (nn/infer.h) against the training network's own
 * eval-mode forward (cari_net_forward (..., FALSE) and its head outputs): embeddings and class
 * probabilities of every branch, on both presets' architectures, with batch-norm statistics and
 * biases far from their initial values; in passes (more images than the engine's batch, one
 * image), and after training changed the parameters and the statistics. */
#include <cari.h>
#include <math.h>
#include <string.h>

#include "gradcheck.h"
#include "nn/infer.h"

/* Folding changes the rounding of each convolution (conv(s·W) instead of s·conv(W)): the
 * embeddings (unit vectors) and the probabilities agree within 4e-7 on these cases, and are held
 * to this, absolutely. A folding that loses one term (a mean, a bias, the residual scale) is off
 * by far more. */
#define TOLERANCE 5e-6

typedef struct
{
  const char *preset;
  int input_size;
} Case;

static const Case cases[] = { { "paper", 75 }, { "demo", 96 } };

static void
config_for (CariNetConfig *cfg, const Case *c)
{
  g_assert_true (cari_net_config_init_preset (cfg, c->preset, NULL));
  cfg->input_size = c->input_size;
  cfg->n_identities = 7;
  cfg->max_caricatures = 2;
  cfg->max_photos = 3;
}

/* Running statistics and every β and bias drawn far from their starting values (mean 0, var 1,
 * zeros), so that each term of the folding matters. */
static void
randomise_statistics (CariNet *net, guint32 seed)
{
  size_t n;
  const CariParamInfo *infos = cari_net_param_infos (net, &n);
  GRand *rand = g_rand_new_with_seed (seed);
  for (size_t i = 0; i < n; i++)
    {
      const CariParamInfo *p = &infos[i];
      double lo, hi;
      if (g_str_has_suffix (p->name, "running_mean"))
        lo = -0.5, hi = 0.5;
      else if (g_str_has_suffix (p->name, "running_var"))
        lo = 0.3, hi = 2.5;
      else if (g_str_has_suffix (p->name, "/beta") || g_str_has_suffix (p->name, "/bias"))
        lo = -0.3, hi = 0.3;
      else
        continue;
      for (size_t k = 0; k < p->size; k++)
        p->param[k] = (float) g_rand_double_range (rand, lo, hi);
    }
  g_rand_free (rand);
}

/* The training network's eval forward of `task` over n ≤ its capacity images, rows of the
 * branch only: normalised embeddings and softmax probabilities. */
static void
reference (CariNet *net, CariTask task, const float *images, int n, float *emb, float *probs)
{
  const CariNetConfig *cfg = cari_net_get_config (net);
  const int E = cfg->embedding_size, K = cfg->n_identities;
  const size_t img = (size_t) 3 * cfg->input_size * cfg->input_size;
  const int cap = task == CARI_TASK_VERIF  ? cfg->max_caricatures + cfg->max_photos
                  : task == CARI_TASK_CARI ? cfg->max_caricatures
                                           : cfg->max_photos;
  for (int i0 = 0; i0 < n; i0 += cap)
    {
      int m = MIN (cap, n - i0);
      /* verif runs on every row; as caricatures, a verif batch may hold more than the
       * caricature capacity, so its rows are split. */
      int nc = task == CARI_TASK_VISUAL ? 0 : MIN (m, cfg->max_caricatures);
      int np = m - nc;
      cari_net_forward (net, images + (size_t) i0 * img, nc, np, FALSE);
      CariHeadOutput out;
      g_assert_true (cari_net_head_output (net, task, &out));
      g_assert_cmpint (out.rows, ==, m);
      memcpy (emb + (size_t) i0 * E, out.embedding_normalized, sizeof (float) * m * E);
      cari_softmax_forward (probs + (size_t) i0 * K, out.logits, m, K);
    }
}

static double
max_difference (const float *a, const float *b, size_t n)
{
  double worst = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      double d = fabs ((double) a[i] - b[i]);
      if (!(d <= worst)) /* NaN counts as the worst */
        worst = isnan (d) ? INFINITY : d;
    }
  return worst;
}

/* cari_net_infer of every branch over n images against the reference; returns the worst
 * difference. */
static double
compare_branches (CariNet *net, const float *images, int n, const char *what)
{
  const CariNetConfig *cfg = cari_net_get_config (net);
  const int E = cfg->embedding_size, K = cfg->n_identities;
  g_autofree float *want_emb = g_new (float, (size_t) n * E);
  g_autofree float *want_probs = g_new (float, (size_t) n * K);
  g_autofree float *emb = g_new (float, (size_t) n * E);
  g_autofree float *probs = g_new (float, (size_t) n * K);
  double worst = 0.0;

  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      g_autoptr (GError) error = NULL;
      reference (net, (CariTask) t, images, n, want_emb, want_probs);
      g_assert_true (cari_net_infer (net, (CariTask) t, images, n, emb, probs, &error));
      g_assert_no_error (error);
      g_assert_nonnull (cari_net_get_infer (net, (CariTask) t));
      double de = max_difference (emb, want_emb, (size_t) n * E);
      double dp = max_difference (probs, want_probs, (size_t) n * K);
      g_test_message ("%s, %s, %d images: embeddings %.3g, probabilities %.3g", what,
                      cari_task_names[t], n, de, dp);
      if (!(de <= TOLERANCE && dp <= TOLERANCE))
        g_error ("%s, %s branch, %d images: folded inference is %.3g (embeddings) and %.3g "
                 "(probabilities) from the training network's eval forward", what,
                 cari_task_names[t], n, de, dp);
      worst = MAX (worst, MAX (de, dp));
    }
  return worst;
}

static void
test_folded_matches_unfolded (gconstpointer data)
{
  const Case *c = data;
  CariNetConfig cfg;
  g_autoptr (GError) error = NULL;
  config_for (&cfg, c);
  g_autoptr (CariNet) net = cari_net_new (&cfg, 11, &error);
  g_assert_no_error (error);
  randomise_statistics (net, 12);

  const size_t img = (size_t) 3 * cfg.input_size * cfg.input_size;
  const int cap = cfg.max_caricatures + cfg.max_photos, n = 2 * cap + 2;
  g_autofree float *images = g_new (float, img * n);
  fill_uniform (images, img * n, -1.5f, 1.5f, 13);

  /* A batch within the engine's passes, more than one pass, and a single image. */
  compare_branches (net, images, cap, "batch");
  compare_branches (net, images, n, "in passes");
  compare_branches (net, images + img * 3, 1, "one image");

  /* The engine holds far less than the training network. The demo's network goes
   * image-parallel, one engine per thread, each passing its share of the capacity. */
  CariInfer *inf = cari_net_get_infer (net, CARI_TASK_VISUAL);
  const int parts = cari_net_infer_parts (net, CARI_TASK_VISUAL);
  g_assert_cmpint (parts, ==, cari_net_config_splits_poorly (&cfg) ? cari_blas_set_threads (0) : 1);
  g_assert_cmpint (cari_infer_get_max_n (inf), ==, (cap + parts - 1) / parts);
  g_assert_cmpuint (cari_infer_memory_bytes (inf), <, cari_net_memory_bytes (net));
  g_assert_cmpfloat (cari_infer_flops (inf), >, 0.0);
}

/* The embeddings must follow the parameters: a training step (statistics and parameters), a
 * training forward alone (statistics only, no parameter accessor called), and parameters
 * written through the accessor. */
static void
test_refresh_after_training (gconstpointer data)
{
  const Case *c = data;
  CariNetConfig cfg;
  g_autoptr (GError) error = NULL;
  config_for (&cfg, c);
  g_autoptr (CariNet) net = cari_net_new (&cfg, 21, &error);
  g_assert_no_error (error);
  randomise_statistics (net, 22);

  const size_t img = (size_t) 3 * cfg.input_size * cfg.input_size;
  const int cap = cfg.max_caricatures + cfg.max_photos, E = cfg.embedding_size;
  const int K = cfg.n_identities;
  g_autofree float *images = g_new (float, img * cap);
  g_autofree float *before = g_new (float, (size_t) cap * E);
  g_autofree float *after = g_new (float, (size_t) cap * E);
  fill_uniform (images, img * cap, -1.5f, 1.5f, 23);
  compare_branches (net, images, cap, "fresh");
  g_assert_true (cari_net_infer (net, CARI_TASK_VISUAL, images, cap, before, NULL, NULL));

  /* One training step: forward in training mode, the visual branch's cross-entropy, backward,
   * SGD on Θ. */
  cari_net_forward (net, images, cfg.max_caricatures, cfg.max_photos, TRUE);
  cari_net_zero_grad (net);
  CariHeadOutput out;
  g_assert_true (cari_net_head_output (net, CARI_TASK_VISUAL, &out));
  g_autofree float *p = g_new (float, (size_t) out.rows * K);
  g_autofree int *labels = g_new0 (int, out.rows);
  cari_softmax_cross_entropy_forward (p, out.logits, labels, out.rows, K, NULL);
  cari_softmax_cross_entropy_backward (cari_net_head_dlogits (net, CARI_TASK_VISUAL), p, labels,
                                       out.rows, K, 1.0f);
  cari_net_backward (net, NULL);
  size_t n_theta;
  float *theta = cari_net_params (net, &n_theta);
  const float *dtheta = cari_net_grads (net, &n_theta);
  for (size_t i = 0; i < n_theta; i++)
    theta[i] -= 1e-3f * dtheta[i];
  compare_branches (net, images, cap, "after a training step");
  g_assert_true (cari_net_infer (net, CARI_TASK_VISUAL, images, cap, after, NULL, NULL));
  g_assert_cmpfloat (max_difference (before, after, (size_t) cap * E), >, 1e-4);

  /* Statistics only: a training forward moves the running statistics and nothing else. */
  cari_net_forward (net, images, cfg.max_caricatures, cfg.max_photos, TRUE);
  g_assert_false (cari_infer_statistics_current (cari_net_get_infer (net, CARI_TASK_VISUAL)));
  compare_branches (net, images, cap, "after a training forward");
  g_assert_true (cari_infer_statistics_current (cari_net_get_infer (net, CARI_TASK_VISUAL)));

  /* Parameters only, through the accessor, after the engine last ran. */
  theta = cari_net_params (net, &n_theta);
  for (size_t i = 0; i < n_theta; i += 7)
    theta[i] *= 1.05f;
  compare_branches (net, images, cap, "after writing the parameters");
}

/* The engine used directly, at a batch other than the network's capacity, and an explicit
 * refresh. */
static void
test_engine_direct (void)
{
  CariNetConfig cfg;
  g_autoptr (GError) error = NULL;
  config_for (&cfg, &cases[1]);
  g_autoptr (CariNet) net = cari_net_new (&cfg, 31, &error);
  g_assert_no_error (error);
  randomise_statistics (net, 32);
  const size_t img = (size_t) 3 * cfg.input_size * cfg.input_size;
  const int n = 9, E = cfg.embedding_size, K = cfg.n_identities;
  g_autofree float *images = g_new (float, img * n);
  g_autofree float *emb = g_new (float, (size_t) n * E), *want = g_new (float, (size_t) n * E);
  g_autofree float *probs = g_new (float, (size_t) n * K), *wantp = g_new (float, (size_t) n * K);
  fill_uniform (images, img * n, -1.5f, 1.5f, 33);

  g_assert_null (cari_infer_new (net, CARI_N_TASKS, 4, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (cari_infer_new (net, CARI_TASK_CARI, 0, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "(got 0)"));
  g_clear_error (&error);

  /* 4 images a pass: 9 is two full passes and one of 1. */
  g_autoptr (CariInfer) inf = cari_infer_new (net, CARI_TASK_CARI, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cari_infer_get_task (inf), ==, CARI_TASK_CARI);
  reference (net, CARI_TASK_CARI, images, n, want, wantp);
  cari_infer_run (inf, images, n, emb, probs);
  g_assert_cmpfloat (max_difference (emb, want, (size_t) n * E), <=, TOLERANCE);
  g_assert_cmpfloat (max_difference (probs, wantp, (size_t) n * K), <=, TOLERANCE);

  /* A standalone engine is refreshed by its owner: stale until then. */
  randomise_statistics (net, 34);
  reference (net, CARI_TASK_CARI, images, n, want, wantp);
  g_assert_false (cari_infer_statistics_current (inf));
  cari_infer_run (inf, images, n, emb, NULL);
  g_assert_cmpfloat (max_difference (emb, want, (size_t) n * E), >, 1e-3);
  cari_infer_refresh (inf);
  g_assert_true (cari_infer_statistics_current (inf));
  cari_infer_run (inf, images, n, emb, NULL);
  g_assert_cmpfloat (max_difference (emb, want, (size_t) n * E), <=, TOLERANCE);

  /* Per-stage times: every trunk block and the branch. */
  cari_infer_set_profiling (inf, TRUE);
  cari_infer_run (inf, images, 2, NULL, probs);
  size_t n_stages;
  const CariStageTime *st = cari_infer_stage_times (inf, &n_stages);
  g_assert_cmpuint (n_stages, >, 2);
  g_assert_cmpstr (st[n_stages - 1].name, ==, "cari");
  g_assert_cmpstr (st[0].name, ==, "conv1");
  for (size_t i = 0; i < n_stages; i++)
    g_assert_cmpfloat (st[i].forward_s, >, 0.0);
}

/* Image-parallel inference (the demo's network over 2 threads: 2 engines, one thread each)
 * gives what one engine gives over the same images, and its parts keep their own buffers (two
 * sharing the training network's would overwrite each other: order-1 errors). */
static void
test_image_parallel (void)
{
  CariNetConfig cfg;
  g_autoptr (GError) error = NULL;
  config_for (&cfg, &cases[1]);
  g_assert_true (cari_net_config_splits_poorly (&cfg));
  cfg.max_caricatures = 4;
  cfg.max_photos = 4;
  g_autoptr (CariNet) net = cari_net_new (&cfg, 21, &error);
  g_assert_no_error (error);
  randomise_statistics (net, 22);
  const size_t img = (size_t) 3 * cfg.input_size * cfg.input_size;
  const int n = 13, E = cfg.embedding_size;
  g_autofree float *images = g_new (float, img * n);
  g_autofree float *one = g_new (float, (size_t) n * E);
  g_autofree float *two = g_new (float, (size_t) n * E);
  fill_uniform (images, img * n, -1.5f, 1.5f, 23);

  const int threads = cari_blas_set_threads (0);
  cari_blas_set_threads (1);
  g_assert_true (cari_net_infer (net, CARI_TASK_VERIF, images, n, one, NULL, &error));
  g_assert_cmpint (cari_net_infer_parts (net, CARI_TASK_VERIF), ==, 1);
  cari_blas_set_threads (2);
  g_assert_true (cari_net_infer (net, CARI_TASK_VERIF, images, n, two, NULL, &error));
  g_assert_cmpint (cari_net_infer_parts (net, CARI_TASK_VERIF), ==, 2);
  g_assert_cmpint (cari_infer_get_max_n (cari_net_get_infer (net, CARI_TASK_VERIF)), ==, 4);
  double d = max_difference (two, one, (size_t) n * E);
  g_test_message ("2 parts against 1: %.3g", d);
  g_assert_cmpfloat (d, <=, TOLERANCE);
  /* Back to one thread: one engine again, the second one gone. */
  cari_blas_set_threads (1);
  g_assert_true (cari_net_infer (net, CARI_TASK_VERIF, images, n, two, NULL, &error));
  g_assert_cmpint (cari_net_infer_parts (net, CARI_TASK_VERIF), ==, 1);
  g_assert_cmpint (cari_infer_get_max_n (cari_net_get_infer (net, CARI_TASK_VERIF)), ==, 8);
  cari_blas_set_threads (threads);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *a = g_strdup_printf ("/infer/folded-matches-unfolded/%s", cases[i].preset);
      g_autofree char *b = g_strdup_printf ("/infer/refresh-after-training/%s", cases[i].preset);
      g_test_add_data_func (a, &cases[i], test_folded_matches_unfolded);
      g_test_add_data_func (b, &cases[i], test_refresh_after_training);
    }
  g_test_add_func ("/infer/engine-direct", test_engine_direct);
  g_test_add_func ("/infer/image-parallel", test_image_parallel);
  return g_test_run ();
}
