/* net-config.c — the network's configuration: presets, validation, the architecture string. */
#include "nn/net-private.h"

#include "core/error.h"
#include "core/i18n.h"

#include <string.h>


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
cari_net_config_splits_poorly (const CariNetConfig *cfg)
{
  return cfg->input_size <= 128 && cfg->width <= 0.5f;
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

static gboolean
bad_field (GError **error, const char *field)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT, _("bad field “%s”"), field);
  return FALSE;
}

static gboolean
field_int (const char *field, const char *value, int *out, GError **error)
{
  gint64 v;
  if (!g_ascii_string_to_signed (value, 10, 0, G_MAXINT, &v, NULL))
    return bad_field (error, field);
  *out = (int) v;
  return TRUE;
}

gboolean
cari_net_config_apply_architecture (CariNetConfig *cfg, const char *architecture,
                                    GError **error)
{
  g_auto (GStrv) fields = g_strsplit (architecture, ";", -1);
  for (int i = 0; fields[i] != NULL; i++)
    {
      const char *f = fields[i], *eq = strchr (f, '=');
      if (eq == NULL)
        return bad_field (error, f);
      g_autofree char *key = g_strndup (f, (gsize) (eq - f));
      const char *value = eq + 1;
      gboolean ok;
      if (strcmp (key, "input_size") == 0)
        ok = field_int (f, value, &cfg->input_size, error);
      else if (strcmp (key, "width") == 0)
        {
          char *end = NULL;
          cfg->width = (float) g_ascii_strtod (value, &end);
          ok = end != value && *end == '\0' ? TRUE : bad_field (error, f);
        }
      else if (strcmp (key, "repeats_a") == 0)
        ok = field_int (f, value, &cfg->repeats_a, error);
      else if (strcmp (key, "repeats_b") == 0)
        ok = field_int (f, value, &cfg->repeats_b, error);
      else if (strcmp (key, "repeats_c") == 0)
        ok = field_int (f, value, &cfg->repeats_c, error);
      else if (strcmp (key, "head_channels") == 0)
        ok = field_int (f, value, &cfg->head_channels, error);
      else if (strcmp (key, "embedding_size") == 0)
        ok = field_int (f, value, &cfg->embedding_size, error);
      else if (strcmp (key, "n_identities") == 0)
        ok = field_int (f, value, &cfg->n_identities, error);
      else if (strcmp (key, "weight_module") == 0)
        {
          int v = -1;
          ok = field_int (f, value, &v, error) && (v == 0 || v == 1 ? TRUE : bad_field (error, f));
          cfg->weight_module = v == 1;
        }
      else if (strcmp (key, "tasks") == 0)
        {
          g_auto (GStrv) names = g_strsplit (value, ",", -1);
          guint tasks = 0;
          ok = TRUE;
          for (int k = 0; ok && names[k] != NULL; k++)
            {
              CariTask task;
              if (names[k][0] == '\0')
                continue;
              if (!cari_task_from_string (names[k], &task, NULL))
                ok = bad_field (error, f);
              else
                tasks |= 1u << task;
            }
          cfg->tasks = tasks;
        }
      else
        ok = bad_field (error, f);
      if (!ok)
        return FALSE;
    }
  return cari_net_config_validate (cfg, error);
}
