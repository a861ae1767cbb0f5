/* optimizer.c — SGD with momentum and RMSProp behind a small ops table. */
#include "nn/optimizer.h"

#include "core/error.h"
#include "core/i18n.h"
#include "core/tensor.h"

#include <math.h>
#include <string.h>

typedef struct
{
  int n_slots; /* floats of state per parameter */
  void (*reset) (CariOptimizer *opt);
  void (*step) (CariOptimizer *opt, float *params, const float *grads, float lr);
} CariOptimizerOps;

struct _CariOptimizer
{
  const CariOptimizerOps *ops;
  CariOptimizerConfig cfg;
  size_t n_params;
  float *state; /* owned: n_slots × n_params */
  uint64_t steps;
};

static void
sgd_reset (CariOptimizer *opt)
{
  memset (opt->state, 0, opt->n_params * sizeof (float));
}

static void
sgd_step (CariOptimizer *opt, float *params, const float *grads, float lr)
{
  float *v = opt->state;
  const float mu = opt->cfg.momentum, wd = opt->cfg.weight_decay;
  for (size_t i = 0; i < opt->n_params; i++)
    {
      v[i] = mu * v[i] + grads[i] + wd * params[i];
      params[i] -= lr * v[i];
    }
}

static void
rmsprop_reset (CariOptimizer *opt)
{
  float *ms = opt->state;
  float *mom = opt->state + opt->n_params;
  for (size_t i = 0; i < opt->n_params; i++)
    {
      ms[i] = opt->cfg.initial_mean_square;
      mom[i] = 0.0f;
    }
}

static void
rmsprop_step (CariOptimizer *opt, float *params, const float *grads, float lr)
{
  float *ms = opt->state;
  float *mom = opt->state + opt->n_params;
  const float rho = opt->cfg.decay, mu = opt->cfg.momentum, eps = opt->cfg.epsilon;
  const float wd = opt->cfg.weight_decay;
  for (size_t i = 0; i < opt->n_params; i++)
    {
      float g = grads[i] + wd * params[i];
      ms[i] = rho * ms[i] + (1.0f - rho) * g * g;
      mom[i] = mu * mom[i] + lr * g / sqrtf (ms[i] + eps);
      params[i] -= mom[i];
    }
}

static void
adam_reset (CariOptimizer *opt)
{
  memset (opt->state, 0, 2 * opt->n_params * sizeof (float));
}

static void
adam_step (CariOptimizer *opt, float *params, const float *grads, float lr)
{
  float *m = opt->state;
  float *v = opt->state + opt->n_params;
  const float b1 = opt->cfg.beta1, b2 = opt->cfg.beta2, eps = opt->cfg.epsilon;
  const float wd = opt->cfg.weight_decay;
  const double t = (double) opt->steps + 1.0;
  const float step = (float) (lr * sqrt (1.0 - pow (b2, t)) / (1.0 - pow (b1, t)));
  for (size_t i = 0; i < opt->n_params; i++)
    {
      float g = grads[i] + wd * params[i];
      m[i] = b1 * m[i] + (1.0f - b1) * g;
      v[i] = b2 * v[i] + (1.0f - b2) * g * g;
      params[i] -= step * m[i] / (sqrtf (v[i]) + eps);
    }
}

static const CariOptimizerOps sgd_ops = { 1, sgd_reset, sgd_step };
static const CariOptimizerOps rmsprop_ops = { 2, rmsprop_reset, rmsprop_step };
static const CariOptimizerOps adam_ops = { 2, adam_reset, adam_step };

static const CariOptimizerOps *
ops_for (CariOptimizerKind kind)
{
  switch (kind)
    {
    case CARI_OPTIMIZER_SGD: return &sgd_ops;
    case CARI_OPTIMIZER_RMSPROP: return &rmsprop_ops;
    case CARI_OPTIMIZER_ADAM: return &adam_ops;
    default: return NULL;
    }
}

void
cari_optimizer_config_init (CariOptimizerConfig *cfg, CariOptimizerKind kind)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->kind = kind;
  cfg->momentum = 0.9f;
  cfg->decay = 0.9f;
  cfg->epsilon = kind == CARI_OPTIMIZER_ADAM ? 1e-8f : 1.0f;
  cfg->initial_mean_square = 1.0f;
  cfg->beta1 = 0.9f;
  cfg->beta2 = 0.999f;
  cfg->weight_decay = 0.0f;
}

const char *const cari_optimizer_names[CARI_N_OPTIMIZERS] = { "sgd", "rmsprop", "adam" };

const char *
cari_optimizer_kind_to_string (CariOptimizerKind kind)
{
  return (unsigned) kind < CARI_N_OPTIMIZERS ? cari_optimizer_names[kind] : "unknown";
}

gboolean
cari_optimizer_kind_from_string (const char *name, CariOptimizerKind *kind, GError **error)
{
  for (int i = 0; i < CARI_N_OPTIMIZERS; i++)
    if (g_ascii_strcasecmp (name, cari_optimizer_names[i]) == 0)
      {
        *kind = (CariOptimizerKind) i;
        return TRUE;
      }
  g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
               _("Unknown optimiser “%s” (expected sgd, rmsprop or adam)"), name);
  return FALSE;
}

static gboolean
check_unit_interval (const char *name, float value, GError **error)
{
  if (!(value >= 0.0f && value < 1.0f))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Optimiser parameter “%s” must be in [0, 1) (got %g)"), name, value);
      return FALSE;
    }
  return TRUE;
}

CariOptimizer *
cari_optimizer_new (const CariOptimizerConfig *cfg, size_t n_params, GError **error)
{
  const CariOptimizerOps *ops = ops_for (cfg->kind);
  CariOptimizer *opt;

  if (ops == NULL)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Unknown optimiser kind %d"), (int) cfg->kind);
      return NULL;
    }
  if (!check_unit_interval ("momentum", cfg->momentum, error))
    return NULL;
  if (!(cfg->weight_decay >= 0.0f))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Optimiser parameter “%s” must be positive (got %g)"), "weight_decay",
                   cfg->weight_decay);
      return NULL;
    }
  if (cfg->kind == CARI_OPTIMIZER_ADAM
      && (!check_unit_interval ("beta1", cfg->beta1, error)
          || !check_unit_interval ("beta2", cfg->beta2, error)))
    return NULL;
  if (cfg->kind == CARI_OPTIMIZER_ADAM && !(cfg->epsilon > 0.0f))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Optimiser parameter “%s” must be positive (got %g)"), "epsilon",
                   cfg->epsilon);
      return NULL;
    }
  if (cfg->kind == CARI_OPTIMIZER_RMSPROP)
    {
      if (!check_unit_interval ("decay", cfg->decay, error))
        return NULL;
      if (!(cfg->epsilon > 0.0f) || !(cfg->initial_mean_square >= 0.0f))
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("Optimiser parameter “%s” must be positive (got %g)"),
                       cfg->epsilon > 0.0f ? "initial_mean_square" : "epsilon",
                       cfg->epsilon > 0.0f ? cfg->initial_mean_square : cfg->epsilon);
          return NULL;
        }
    }

  opt = g_new0 (CariOptimizer, 1);
  opt->ops = ops;
  opt->cfg = *cfg;
  opt->n_params = n_params;
  opt->state = cari_alloc_floats ((size_t) ops->n_slots * n_params);
  if (opt->state == NULL)
    {
      g_free (opt);
      g_set_error (error, CARI_ERROR, CARI_ERROR_NO_MEMORY,
                   _("Out of memory for the optimiser state of %zu parameters"), n_params);
      return NULL;
    }
  ops->reset (opt);
  return opt;
}

void
cari_optimizer_free (CariOptimizer *opt)
{
  if (opt == NULL)
    return;
  cari_free_floats (opt->state);
  g_free (opt);
}

void
cari_optimizer_step (CariOptimizer *opt, float *params, const float *grads, float lr)
{
  opt->ops->step (opt, params, grads, lr);
  opt->steps++;
}

void
cari_optimizer_reset (CariOptimizer *opt)
{
  opt->ops->reset (opt);
  opt->steps = 0;
}

const CariOptimizerConfig *
cari_optimizer_get_config (const CariOptimizer *opt)
{
  return &opt->cfg;
}

size_t
cari_optimizer_get_n_params (const CariOptimizer *opt)
{
  return opt->n_params;
}

uint64_t
cari_optimizer_get_step_count (const CariOptimizer *opt)
{
  return opt->steps;
}

void
cari_optimizer_set_step_count (CariOptimizer *opt, uint64_t steps)
{
  opt->steps = steps;
}

float *
cari_optimizer_get_state (CariOptimizer *opt, size_t *n_floats)
{
  *n_floats = (size_t) opt->ops->n_slots * opt->n_params;
  return opt->state;
}

double
cari_clip_global_norm (float *const *grads, const size_t *sizes, int n_blocks, double max_norm)
{
  double ss = 0.0;
  for (int b = 0; b < n_blocks; b++)
    for (size_t i = 0; i < sizes[b]; i++)
      ss += (double) grads[b][i] * grads[b][i];
  double norm = sqrt (ss);
  if (max_norm > 0.0 && norm > max_norm)
    {
      float scale = (float) (max_norm / norm);
      for (int b = 0; b < n_blocks; b++)
        for (size_t i = 0; i < sizes[b]; i++)
          grads[b][i] *= scale;
    }
  return norm;
}
