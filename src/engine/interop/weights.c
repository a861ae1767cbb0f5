/* weights.c — network tensors ↔ safetensors, with PyTorch's names and the feeding metadata. */
#include "interop/weights.h"

#include "core/error.h"
#include "core/i18n.h"

#include <string.h>

char *
cari_weights_file_name (const char *carilab_name)
{
  char *name = g_strdup (carilab_name);
  g_strdelimit (name, "/", '.');
  return name;
}

char *
cari_weights_describe_input (const CariNetConfig *cfg)
{
  return g_strdup_printf ("float32 [N, 3, %d, %d] (NCHW, RGB); caricatures and photos alike",
                          cfg->input_size, cfg->input_size);
}

static void
set_float (CariSafetensors *st, const char *key, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  cari_safetensors_set_metadata (st, key, g_ascii_formatd (buf, sizeof buf, "%.9g", value));
}

CariSafetensors *
cari_weights_export (CariNet *net, const char *const *extra)
{
  const CariNetConfig *cfg = cari_net_get_config (net);
  CariSafetensors *st = cari_safetensors_new ();
  size_t n;
  const CariParamInfo *infos = cari_net_param_infos (net, &n);

  for (size_t i = 0; i < n; i++)
    {
      g_autofree char *name = cari_weights_file_name (infos[i].name);
      cari_safetensors_add (st, name, infos[i].ndim, infos[i].shape, infos[i].param);
    }
  /* "format" = "pt" is what PyTorch-side tools expect of a state dict saved as safetensors. */
  cari_safetensors_set_metadata (st, "format", "pt");
  g_autofree char *arch = cari_net_config_architecture (cfg);
  cari_safetensors_set_metadata (st, CARI_WEIGHTS_KEY_ARCHITECTURE, arch);
  set_float (st, "carilab.weight_r", cfg->weight_r);
  set_float (st, "carilab.dropout_keep", cfg->dropout_keep);
  set_float (st, "carilab.bn_decay", cfg->bn_decay);
  set_float (st, "carilab.bn_eps", cfg->bn_eps);
  g_autofree char *input = cari_weights_describe_input (cfg);
  cari_safetensors_set_metadata (st, CARI_WEIGHTS_KEY_INPUT, input);
  cari_safetensors_set_metadata (
      st, CARI_WEIGHTS_KEY_PREPROCESS,
      "the whole image resized (bilinear) to the input size, then standardised per image: "
      "(x - mean) / max(std, 1/sqrt(3*H*W)), mean and std over all 3*H*W values");
  cari_safetensors_set_metadata (st, "carilab.tensor_names",
                                 "CariLab's parameter names with '.' for '/'; "
                                 "bench/torch_net.py's Net.state_dict() names");
  cari_safetensors_set_metadata (st, "carilab.version", CARI_VERSION);
  for (int i = 0; extra != NULL && extra[i] != NULL && extra[i + 1] != NULL; i += 2)
    cari_safetensors_set_metadata (st, extra[i], extra[i + 1]);
  return st;
}

gboolean
cari_weights_export_file (CariNet *net, const char *const *extra, const char *path,
                          GError **error)
{
  g_autoptr (CariSafetensors) st = cari_weights_export (net, extra);
  return cari_safetensors_write (st, path, error);
}

/* ------------------------------------------------------------------------ reading */

static gboolean
bad_value (GError **error, const char *key, const char *value)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
               _("The weights file's metadata “%s” has the bad value “%s”"), key, value);
  return FALSE;
}

static gboolean
parse_float (const char *key, const char *value, float *out, GError **error)
{
  char *end = NULL;
  double v = g_ascii_strtod (value, &end);
  if (end == value || *end != '\0')
    return bad_value (error, key, value);
  *out = (float) v;
  return TRUE;
}

gboolean
cari_weights_read_config (const CariSafetensors *st, CariNetConfig *cfg, GError **error)
{
  const char *arch = cari_safetensors_get_metadata (st, CARI_WEIGHTS_KEY_ARCHITECTURE);
  if (arch == NULL)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                   _("The weights file has no “%s” metadata: it does not say which network it "
                     "holds"),
                   CARI_WEIGHTS_KEY_ARCHITECTURE);
      return FALSE;
    }
  if (!cari_net_config_init_preset (cfg, "paper", error))
    return FALSE;
  if (!cari_net_config_apply_architecture (cfg, arch, error))
    {
      g_prefix_error (error, _("The weights file's metadata “%s”: "),
                      CARI_WEIGHTS_KEY_ARCHITECTURE);
      return FALSE;
    }

  static const struct
  {
    const char *key;
    gsize offset;
  } floats[] = {
    { "carilab.weight_r", G_STRUCT_OFFSET (CariNetConfig, weight_r) },
    { "carilab.dropout_keep", G_STRUCT_OFFSET (CariNetConfig, dropout_keep) },
    { "carilab.bn_decay", G_STRUCT_OFFSET (CariNetConfig, bn_decay) },
    { "carilab.bn_eps", G_STRUCT_OFFSET (CariNetConfig, bn_eps) },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (floats); i++)
    {
      const char *value = cari_safetensors_get_metadata (st, floats[i].key);
      if (value != NULL
          && !parse_float (floats[i].key, value,
                           G_STRUCT_MEMBER_P (cfg, floats[i].offset), error))
        return FALSE;
    }
  if (!cari_net_config_validate (cfg, error))
    {
      g_prefix_error (error, _("The weights file's metadata: "));
      return FALSE;
    }
  return TRUE;
}

static gboolean
same_shape (const CariParamInfo *info, const CariNamedTensor *t)
{
  if (info->ndim != t->ndim)
    return FALSE;
  for (int d = 0; d < t->ndim; d++)
    if (info->shape[d] != t->shape[d])
      return FALSE;
  return TRUE;
}

static char *
shape_text (int ndim, const gint64 *shape)
{
  GString *s = g_string_new ("[");
  for (int d = 0; d < ndim; d++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, d > 0 ? ", " : "", shape[d]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

/* "a, b, c and 7 more" of the first ten names. */
static char *
name_list (GPtrArray *names)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < names->len && i < 10; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", (const char *) names->pdata[i]);
  if (names->len > 10)
    g_string_append_printf (s, _(" and %u more"), names->len - 10);
  return g_string_free (s, FALSE);
}

gboolean
cari_weights_load (CariNet *net, const CariSafetensors *st, gboolean partial, char **report,
                   GError **error)
{
  size_t n;
  const CariParamInfo *infos = cari_net_param_infos (net, &n);
  g_autoptr (GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) other_shape = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) unused = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree const CariNamedTensor **match = g_new0 (const CariNamedTensor *, n);
  guint loaded = 0;

  for (size_t i = 0; i < n; i++)
    {
      char *name = cari_weights_file_name (infos[i].name);
      const CariNamedTensor *t = cari_safetensors_lookup (st, name);
      if (t == NULL)
        g_ptr_array_add (missing, g_strdup (name));
      else if (!same_shape (&infos[i], t))
        {
          g_autofree char *want = shape_text (infos[i].ndim, infos[i].shape);
          g_autofree char *got = shape_text (t->ndim, t->shape);
          g_ptr_array_add (other_shape, g_strdup_printf (_("%s (%s in the file, %s here)"), name,
                                                         got, want));
        }
      else
        {
          match[i] = t;
          loaded++;
        }
      g_hash_table_add (known, name);
    }
  for (guint i = 0; i < cari_safetensors_n_tensors (st); i++)
    {
      const CariNamedTensor *t = cari_safetensors_tensor (st, i);
      if (!g_hash_table_contains (known, t->name))
        g_ptr_array_add (unused, g_strdup (t->name));
    }

  if (!partial && (missing->len > 0 || other_shape->len > 0))
    {
      g_autoptr (GString) msg = g_string_new (_("The weights do not fit this network"));
      if (missing->len > 0)
        {
          g_autofree char *list = name_list (missing);
          g_string_append_printf (msg, _("; %u tensors missing: %s"), missing->len, list);
        }
      if (other_shape->len > 0)
        {
          g_autofree char *list = name_list (other_shape);
          g_string_append_printf (msg, _("; %u tensors of another shape: %s"), other_shape->len,
                                  list);
        }
      g_string_append (msg, _(" (a partial load takes the tensors that fit)"));
      g_set_error_literal (error, CARI_ERROR, CARI_ERROR_MISMATCH, msg->str);
      return FALSE;
    }
  if (loaded == 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                   _("The weights file shares no tensor with this network"));
      return FALSE;
    }

  for (size_t i = 0; i < n; i++)
    if (match[i] != NULL)
      memcpy (infos[i].param, match[i]->data, infos[i].size * sizeof (float));

  if (report != NULL)
    {
      GString *r = g_string_new (NULL);
      g_string_append_printf (r, _("%u of %zu tensors loaded"), loaded, n);
      if (missing->len > 0)
        {
          g_autofree char *list = name_list (missing);
          g_string_append_printf (r, _("\n%u missing, left as they were: %s"), missing->len, list);
        }
      if (other_shape->len > 0)
        {
          g_autofree char *list = name_list (other_shape);
          g_string_append_printf (r, _("\n%u of another shape, left as they were: %s"),
                                  other_shape->len, list);
        }
      if (unused->len > 0)
        {
          g_autofree char *list = name_list (unused);
          g_string_append_printf (r, _("\n%u in the file not in this network, ignored: %s"),
                                  unused->len, list);
        }
      *report = g_string_free (r, FALSE);
    }
  return TRUE;
}
