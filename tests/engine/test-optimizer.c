/* test-optimizer.c — optimiser steps against values computed by hand (in double, see the
 * comments), state layout and reset, and rejected configurations. */
#include <cari.h>
#include <string.h>

static void
test_rmsprop_authors_defaults (void)
{
  /* decay 0.9, momentum 0.9, epsilon 1, ms₀ = 1, lr 0.1, θ₀ = 1:
   * g = 0.5:  ms = 0.925,  mom = 0.1·0.5/√1.925   = 0.0360374985, θ = 0.9639625015
   * g = −0.2: ms = 0.8365, mom = 0.9·mom − 0.02/√1.8365 = 0.0176755100, θ = 0.9462869915 */
  CariOptimizerConfig cfg;
  g_autoptr (GError) error = NULL;
  cari_optimizer_config_init (&cfg, CARI_OPTIMIZER_RMSPROP);
  g_autoptr (CariOptimizer) opt = cari_optimizer_new (&cfg, 2, &error);
  g_assert_no_error (error);
  float theta[2] = { 1.0f, 1.0f }, g1[2] = { 0.5f, 0.0f }, g2[2] = { -0.2f, 0.0f };
  size_t n_state;
  float *state = cari_optimizer_get_state (opt, &n_state);
  g_assert_cmpuint (n_state, ==, 4);
  g_assert_cmpfloat (state[0], ==, 1.0f); /* ms₀ */

  cari_optimizer_step (opt, theta, g1, 0.1f);
  g_assert_cmpfloat_with_epsilon (state[0], 0.925f, 1e-7);
  g_assert_cmpfloat_with_epsilon (state[2], 0.0360374985f, 1e-7);
  g_assert_cmpfloat_with_epsilon (theta[0], 0.9639625015f, 1e-7);
  cari_optimizer_step (opt, theta, g2, 0.1f);
  g_assert_cmpfloat_with_epsilon (state[0], 0.8365f, 1e-7);
  g_assert_cmpfloat_with_epsilon (theta[0], 0.9462869915f, 1e-7);
  /* A zero gradient decays the mean square and moves nothing. */
  g_assert_cmpfloat_with_epsilon (state[1], 0.81f, 1e-7);
  g_assert_cmpfloat (theta[1], ==, 1.0f);
  g_assert_cmpuint (cari_optimizer_get_step_count (opt), ==, 2);

  cari_optimizer_reset (opt);
  g_assert_cmpfloat (state[0], ==, 1.0f);
  g_assert_cmpfloat (state[2], ==, 0.0f);
  g_assert_cmpuint (cari_optimizer_get_step_count (opt), ==, 0);
}

static void
test_rmsprop_no_momentum (void)
{
  /* decay 0.9, momentum 0, epsilon 1e-8, ms₀ = 0, lr 0.01, θ₀ = 1:
   * g = 0.5:  ms = 0.025,  θ = 1 − 0.005/√0.025 = 0.9683772297
   * g = −0.2: ms = 0.0265, θ = 0.9683772297 + 0.002/√0.0265 = 0.9806631297 */
  CariOptimizerConfig cfg;
  cari_optimizer_config_init (&cfg, CARI_OPTIMIZER_RMSPROP);
  cfg.momentum = 0.0f;
  cfg.epsilon = 1e-8f;
  cfg.initial_mean_square = 0.0f;
  g_autoptr (CariOptimizer) opt = cari_optimizer_new (&cfg, 1, NULL);
  float theta = 1.0f, g = 0.5f;
  cari_optimizer_step (opt, &theta, &g, 0.01f);
  g_assert_cmpfloat_with_epsilon (theta, 0.9683772297f, 1e-6);
  g = -0.2f;
  cari_optimizer_step (opt, &theta, &g, 0.01f);
  g_assert_cmpfloat_with_epsilon (theta, 0.9806631297f, 1e-6);
}

static void
test_sgd_momentum (void)
{
  /* momentum 0.9, lr 0.1, θ₀ = 1: g = 0.5 → v = 0.5, θ = 0.95; g = −0.2 → v = 0.25, θ = 0.925 */
  CariOptimizerConfig cfg;
  cari_optimizer_config_init (&cfg, CARI_OPTIMIZER_SGD);
  g_autoptr (CariOptimizer) opt = cari_optimizer_new (&cfg, 1, NULL);
  float theta = 1.0f, g = 0.5f;
  cari_optimizer_step (opt, &theta, &g, 0.1f);
  g_assert_cmpfloat_with_epsilon (theta, 0.95f, 1e-7);
  g = -0.2f;
  cari_optimizer_step (opt, &theta, &g, 0.1f);
  g_assert_cmpfloat_with_epsilon (theta, 0.925f, 1e-7);
}

static void
test_adam (void)
{
  /* β1 0.9, β2 0.999, ε 1e-8, lr 0.1, θ₀ = 1 (by hand, bias-corrected):
   * g = 0.5:  m = 0.05, v = 0.00025, step 0.1·√0.001/0.1 → θ = 0.9000000632
   * g = −0.2: m = 0.025, v = 0.00028975, → θ = 0.8654394988 */
  CariOptimizerConfig cfg;
  cari_optimizer_config_init (&cfg, CARI_OPTIMIZER_ADAM);
  g_autoptr (CariOptimizer) opt = cari_optimizer_new (&cfg, 1, NULL);
  float theta = 1.0f, g = 0.5f;
  cari_optimizer_step (opt, &theta, &g, 0.1f);
  g_assert_cmpfloat_with_epsilon (theta, 0.9000000632f, 1e-6);
  g = -0.2f;
  cari_optimizer_step (opt, &theta, &g, 0.1f);
  g_assert_cmpfloat_with_epsilon (theta, 0.8654394988f, 1e-6);
}

static void
test_weight_decay (void)
{
  /* SGD, momentum 0.9, weight decay 0.1, lr 0.1, θ₀ = 1:
   * g = 0.5:  v = 0.5 + 0.1·1 = 0.6, θ = 0.94; g = −0.2: v = 0.54 − 0.2 + 0.094 = 0.434, θ = 0.8966 */
  CariOptimizerConfig cfg;
  cari_optimizer_config_init (&cfg, CARI_OPTIMIZER_SGD);
  cfg.weight_decay = 0.1f;
  g_autoptr (CariOptimizer) opt = cari_optimizer_new (&cfg, 1, NULL);
  float theta = 1.0f, g = 0.5f;
  cari_optimizer_step (opt, &theta, &g, 0.1f);
  g_assert_cmpfloat_with_epsilon (theta, 0.94f, 1e-6);
  g = -0.2f;
  cari_optimizer_step (opt, &theta, &g, 0.1f);
  g_assert_cmpfloat_with_epsilon (theta, 0.8966f, 1e-6);
}

static void
test_clip_global_norm (void)
{
  /* Blocks (3, 0) and (4): norm 5; clipped to 2.5 everything halves. */
  float a[2] = { 3, 0 }, b[1] = { 4 };
  float *blocks[] = { a, b };
  size_t sizes[] = { 2, 1 };
  g_assert_cmpfloat_with_epsilon (cari_clip_global_norm (blocks, sizes, 2, 10.0), 5.0, 1e-9);
  g_assert_cmpfloat (a[0], ==, 3.0f); /* under the limit: untouched */
  g_assert_cmpfloat_with_epsilon (cari_clip_global_norm (blocks, sizes, 2, 2.5), 5.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (a[0], 1.5f, 1e-6);
  g_assert_cmpfloat_with_epsilon (b[0], 2.0f, 1e-6);
  g_assert_cmpfloat_with_epsilon (cari_clip_global_norm (blocks, sizes, 2, 0.0), 2.5, 1e-6);
}

static void
test_invalid_configs (void)
{
  CariOptimizerConfig cfg;
  g_autoptr (GError) error = NULL;
  CariOptimizerKind kind;

  cari_optimizer_config_init (&cfg, CARI_OPTIMIZER_RMSPROP);
  cfg.decay = 1.0f;
  g_assert_null (cari_optimizer_new (&cfg, 3, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "decay"));
  g_clear_error (&error);

  cari_optimizer_config_init (&cfg, CARI_OPTIMIZER_RMSPROP);
  cfg.epsilon = 0.0f;
  g_assert_null (cari_optimizer_new (&cfg, 3, &error));
  g_assert_nonnull (strstr (error->message, "epsilon"));
  g_clear_error (&error);

  cari_optimizer_config_init (&cfg, CARI_OPTIMIZER_SGD);
  cfg.momentum = -0.5f;
  g_assert_null (cari_optimizer_new (&cfg, 3, &error));
  g_assert_nonnull (strstr (error->message, "momentum"));
  g_clear_error (&error);

  g_assert_true (cari_optimizer_kind_from_string ("RMSProp", &kind, NULL));
  g_assert_cmpint (kind, ==, CARI_OPTIMIZER_RMSPROP);
  g_assert_false (cari_optimizer_kind_from_string ("adagrad", &kind, &error));
  g_assert_nonnull (strstr (error->message, "adagrad"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/optimizer/rmsprop-authors-defaults", test_rmsprop_authors_defaults);
  g_test_add_func ("/optimizer/rmsprop-no-momentum", test_rmsprop_no_momentum);
  g_test_add_func ("/optimizer/sgd-momentum", test_sgd_momentum);
  g_test_add_func ("/optimizer/adam", test_adam);
  g_test_add_func ("/optimizer/weight-decay", test_weight_decay);
  g_test_add_func ("/optimizer/clip-global-norm", test_clip_global_norm);
  g_test_add_func ("/optimizer/invalid-configs", test_invalid_configs);
  return g_test_run ();
}
