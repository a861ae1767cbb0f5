/* config.c — run configuration: a table of keys drives parsing, validation and the canonical
 * text, so the three cannot disagree. */
#include "train/config.h"
#include "train/config-private.h"

#include "core/error.h"
#include "core/i18n.h"
#include "train/schedule.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#define O(field) offsetof (CariRunConfig, field)

static const KeySpec keys[] = {
  { "run", "name", K_STRING, O (name), "", 0, 0 },
  { "run", "seed", K_U64, O (seed), "1", 0, 1.8e19 },
  { "model", "preset", K_SPECIAL, 0, "demo", 0, 0 },
  { "model", "input_size", K_INT, O (net.input_size), NULL, 75, 224 },
  { "model", "width", K_FLOAT, O (net.width), NULL, 1e-3, 4 },
  { "model", "repeats_a", K_INT, O (net.repeats_a), NULL, 0, 20 },
  { "model", "repeats_b", K_INT, O (net.repeats_b), NULL, 0, 20 },
  { "model", "repeats_c", K_INT, O (net.repeats_c), NULL, 0, 20 },
  { "model", "head_channels", K_INT, O (net.head_channels), NULL, 1, 4096 },
  { "model", "embedding_size", K_INT, O (net.embedding_size), NULL, 1, 4096 },
  { "model", "dropout_keep", K_FLOAT, O (net.dropout_keep), NULL, 1e-3, 1 },
  { "model", "bn_decay", K_FLOAT, O (net.bn_decay), NULL, 0, 0.99999 },
  { "tasks", "tasks", K_SPECIAL, 0, "verif;cari;visual", 0, 0 },
  { "strategy", "name", K_SPECIAL, 0, "proposed", 0, 0 },
  { "strategy", "r", K_SPECIAL, 0, "2", 0, 0 },
  { "strategy", "module_init", K_SPECIAL, 0, "uniform", 0, 0 },
  { "strategy", "epsilon", K_DOUBLE, O (epsilon), "0.01", 1e-9, 1e3 },
  { "strategy", "weights", K_SPECIAL, 0, "", 0, 0 },
  { "strategy", "task", K_SPECIAL, 0, "", 0, 0 },
  { "strategy", "detach", K_BOOL, O (detach), "true", 0, 0 },
  { "loss", "center_weight", K_DOUBLE, O (center_weight), "0.01", 0, 1e3 },
  { "loss", "center_rate", K_DOUBLE, O (center_rate), "0.5", 0, 1 },
  { "optim", "name", K_SPECIAL, 0, "rmsprop", 0, 0 },
  { "optim", "lr", K_DOUBLE, O (lr), "0.01", 0, CARI_SCHEDULE_MAX_RATE },
  { "optim", "module_lr", K_SPECIAL, 0, "auto", 0, 0 },
  { "optim", "momentum", K_FLOAT, O (optim.momentum), "0.9", 0, 0.9999 },
  { "optim", "decay", K_FLOAT, O (optim.decay), "0.9", 0, 0.9999 },
  { "optim", "epsilon", K_FLOAT, O (optim.epsilon), "1.0", 1e-12, 10 },
  { "optim", "initial_mean_square", K_FLOAT, O (optim.initial_mean_square), "1", 0, 1e3 },
  { "optim", "beta1", K_FLOAT, O (optim.beta1), "0.9", 0, 0.9999 },
  { "optim", "beta2", K_FLOAT, O (optim.beta2), "0.999", 0, 0.99999 },
  { "optim", "weight_decay", K_FLOAT, O (optim.weight_decay), "5e-5", 0, 1 },
  { "optim", "clip_norm", K_DOUBLE, O (clip_norm), "5.0", 0, 1e6 },
  { "optim", "lr_steps", K_SPECIAL, 0, "", 0, 0 },
  { "optim", "lr_factor", K_DOUBLE, O (lr_factor), "0.1", 0, 1 },
  { "optim", "lr_schedule_file", K_STRING, O (lr_schedule_file), "", 0, 0 },
  { "optim", "lr_schedule", K_SPECIAL, 0, "", 0, 0 },
  { "batch", "caricatures", K_INT, O (caricatures), "16", 0, 4096 },
  { "batch", "photos", K_INT, O (photos), "16", 0, 4096 },
  { "batch", "balanced", K_BOOL, O (balanced), "false", 0, 0 },
  { "batch", "sync_batchnorm", K_BOOL, O (sync_batchnorm), "true", 0, 0 },
  { "batch", "replicas", K_SPECIAL, 0, "auto", 0, 0 },
  { "data", "dataset", K_STRING, O (dataset), "syncari", 0, 0 },
  { "data", "protocol", K_STRING, O (protocol), "webcari.restricted", 0, 0 },
  { "data", "fold", K_INT, O (fold), "1", 0, 10 },
  { "data", "validation_fraction", K_DOUBLE, O (validation_fraction), "0.1", 0, 0.9 },
  { "data", "landmark_crop", K_BOOL, O (landmark_crop), "false", 0, 0 },
  { "data", "max_bad_images", K_INT, O (max_bad_images), "10", 0, 1e9 },
  { "schedule", "steps", K_INT, O (steps), "1000", 1, 1e9 },
  { "schedule", "eval_every", K_INT, O (eval_every), "0", 0, 1e9 },
  { "schedule", "checkpoint_every", K_INT, O (checkpoint_every), "200", 0, 1e9 },
  { "schedule", "flush_every", K_INT, O (flush_every), "20", 1, 1e6 },
  { "schedule", "flush_seconds", K_DOUBLE, O (flush_seconds), "1.0", 0, 3600 },
  { "schedule", "locked_wait", K_DOUBLE, O (locked_wait), "600", 0, 1e6 },
  { "init", "from", K_STRING, O (init_from), "", 0, 0 },
  { "init", "branches_from_visual", K_BOOL, O (branches_from_visual), "false", 0, 0 },
  { "init", "partial", K_BOOL, O (init_partial), "false", 0, 0 },
};

const char *const cari_strategy_names[CARI_N_STRATEGIES] = { "proposed", "naive", "static",
                                                             "single", "uniform" };

const char *
cari_strategy_to_string (CariStrategyKind kind)
{
  return (unsigned) kind < CARI_N_STRATEGIES ? cari_strategy_names[kind] : "unknown";
}

gboolean
cari_strategy_from_string (const char *name, CariStrategyKind *kind, GError **error)
{
  for (int i = 0; i < CARI_N_STRATEGIES; i++)
    if (g_strcmp0 (name, cari_strategy_names[i]) == 0)
      {
        *kind = (CariStrategyKind) i;
        return TRUE;
      }
  g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
               _("Unknown strategy “%s” (expected proposed, naive, static, single or uniform)"),
               name);
  return FALSE;
}

gboolean
cari_config_bad_value (GError **error, const KeySpec *k, const char *value, const char *why)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
               _("Configuration key “%s.%s”: “%s” %s"), k->group, k->key, value, why);
  return FALSE;
}

static const KeySpec *
find_key (const char *group, const char *key)
{
  for (size_t i = 0; i < G_N_ELEMENTS (keys); i++)
    if (strcmp (keys[i].group, group) == 0 && strcmp (keys[i].key, key) == 0)
      return &keys[i];
  return NULL;
}

gboolean
cari_config_parse_number (const KeySpec *k, const char *value, double *out, GError **error)
{
  char *end = NULL;
  g_autofree char *why = NULL;
  double v = g_ascii_strtod (value, &end);
  while (end != NULL && g_ascii_isspace (*end))
    end++;
  if (end == value || end == NULL || *end != '\0' || !isfinite (v))
    return cari_config_bad_value (error, k, value, _("is not a number"));
  if ((k->type == K_INT || k->type == K_U64) && v != floor (v))
    return cari_config_bad_value (error, k, value, _("is not a whole number"));
  if (v < k->min || v > k->max)
    {
      why = g_strdup_printf (_("is out of range [%g, %g]"), k->min, k->max);
      return cari_config_bad_value (error, k, value, why);
    }
  *out = v;
  return TRUE;
}

static gboolean
parse_bool (const KeySpec *k, const char *value, gboolean *out, GError **error)
{
  if (g_ascii_strcasecmp (value, "true") == 0 || strcmp (value, "1") == 0)
    *out = TRUE;
  else if (g_ascii_strcasecmp (value, "false") == 0 || strcmp (value, "0") == 0)
    *out = FALSE;
  else
    return cari_config_bad_value (error, k, value, _("is not true or false"));
  return TRUE;
}

static gboolean
apply (CariRunConfig *cfg, const KeySpec *k, const char *value, GError **error)
{
  char *base = (char *) cfg;
  double v;

  switch (k->type)
    {
    case K_INT:
      if (!cari_config_parse_number (k, value, &v, error))
        return FALSE;
      *(int *) (base + k->offset) = (int) v;
      return TRUE;
    case K_U64:
      {
        /* No sign (strtoull would take −1 for 2⁶⁴ − 1), no overflow. */
        guint64 u = 0;
        if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &u, NULL))
          return cari_config_bad_value (error, k, value,
                            _("is not a whole number from 0 to 18446744073709551615"));
        *(guint64 *) (base + k->offset) = u;
        return TRUE;
      }
    case K_DOUBLE:
      if (!cari_config_parse_number (k, value, &v, error))
        return FALSE;
      *(double *) (base + k->offset) = v;
      return TRUE;
    case K_FLOAT:
      if (!cari_config_parse_number (k, value, &v, error))
        return FALSE;
      *(float *) (base + k->offset) = (float) v;
      return TRUE;
    case K_BOOL:
      return parse_bool (k, value, (gboolean *) (base + k->offset), error);
    case K_STRING:
      g_free (*(char **) (base + k->offset));
      *(char **) (base + k->offset) = g_strdup (value);
      return TRUE;
    case K_SPECIAL:
      return cari_config_parse_special (cfg, k, value, error);
    default:
      g_assert_not_reached ();
    }
}

static gboolean
validate (CariRunConfig *cfg, const KeySpec **fault, GError **error)
{
  int n_tasks = __builtin_popcount (cfg->tasks);

  if (cfg->strategy == CARI_STRATEGY_STATIC)
    {
      double sum = 0.0;
      for (int t = 0; t < cfg->n_weights; t++)
        sum += cfg->weights[t];
      /* One weight per task, summing to 1: other sums would rescale the loss (and the rate). */
      if (cfg->n_weights != n_tasks)
        {
          *fault = find_key ("strategy", "weights");
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("Configuration key “strategy.weights”: the static strategy needs one "
                         "weight per task in tasks.tasks (%d), not %d"),
                       n_tasks, cfg->n_weights);
          return FALSE;
        }
      if (fabs (sum - 1.0) > 1e-6)
        {
          *fault = find_key ("strategy", "weights");
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("Configuration key “strategy.weights”: the weights must sum to 1, not "
                         "%g"),
                       sum);
          return FALSE;
        }
    }
  if (cfg->strategy == CARI_STRATEGY_SINGLE
      && (cfg->tasks & CARI_TASK_BIT (cfg->single_task)) == 0)
    {
      *fault = find_key ("strategy", "task");
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Configuration key “strategy.task”: “%s” is not among tasks.tasks"),
                   cari_task_to_string (cfg->single_task));
      return FALSE;
    }
  if (cari_run_config_uses_module (cfg) && n_tasks < 2)
    {
      *fault = find_key ("strategy", "name");
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Configuration key “strategy.name”: %s weighting needs at least two tasks "
                     "in tasks.tasks"),
                   cari_strategy_to_string (cfg->strategy));
      return FALSE;
    }
  if ((cfg->tasks & CARI_TASK_BIT (CARI_TASK_CARI)) && cfg->caricatures < 1)
    {
      *fault = find_key ("batch", "caricatures");
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Configuration key “batch.caricatures”: the cari task needs caricatures in "
                     "each batch"));
      return FALSE;
    }
  if ((cfg->tasks & CARI_TASK_BIT (CARI_TASK_VISUAL)) && cfg->photos < 1)
    {
      *fault = find_key ("batch", "photos");
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Configuration key “batch.photos”: the visual task needs photos in each "
                     "batch"));
      return FALSE;
    }
  if (cfg->caricatures + cfg->photos < 2)
    {
      *fault = find_key ("batch", "photos");
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Configuration key “batch.photos”: a batch needs at least two images"));
      return FALSE;
    }
  return TRUE;
}

/* A string value as the text stores it: backslash, newline, carriage return and tab escaped as
 * GKeyFile escapes them, and spaces at either end as "\s", so that any text a user types —
 * a run name over several lines, with "[", "=", ";" or "#" — is one line that reads back the
 * same. */
static char *
escape_string (const char *s)
{
  GString *out = g_string_new (NULL);
  size_t n = strlen (s), lead = strspn (s, " "), trail = 0;
  while (trail < n - lead && s[n - 1 - trail] == ' ')
    trail++;
  for (size_t i = 0; i < n; i++)
    switch (s[i])
      {
      case '\\':
        g_string_append (out, "\\\\");
        break;
      case '\n':
        g_string_append (out, "\\n");
        break;
      case '\r':
        g_string_append (out, "\\r");
        break;
      case '\t':
        g_string_append (out, "\\t");
        break;
      case ' ':
        g_string_append (out, i < lead || i >= n - trail ? "\\s" : " ");
        break;
      default:
        g_string_append_c (out, s[i]);
      }
  return g_string_free (out, FALSE);
}

/* The inverse of escape_string for a value as read (whitespace not escaped at either end is not
 * part of it); NULL, with an error naming the key, when the text is not UTF-8. */
static char *
unescape_string (const KeySpec *k, const char *raw, GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (raw));
  GString *out = g_string_new (NULL);
  for (const char *p = trimmed; *p != '\0'; p++)
    {
      if (*p != '\\' || p[1] == '\0')
        {
          g_string_append_c (out, *p);
          continue;
        }
      p++;
      switch (*p)
        {
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 's': g_string_append_c (out, ' '); break;
        case '\\': g_string_append_c (out, '\\'); break;
        default:
          /* Not an escape (a Windows path): the backslash stays. */
          g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
    }
  if (!g_utf8_validate (out->str, (gssize) out->len, NULL))
    {
      g_string_free (out, TRUE);
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Configuration key “%s.%s”: the value is not UTF-8 text"), k->group, k->key);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* Parses `kf` into `cfg`; on error *fault is the key at fault (NULL for an unknown key). */
static gboolean
parse_into (CariRunConfig *cfg, GKeyFile *kf, const KeySpec **fault, GError **error)
{
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);

  *fault = NULL;
  /* Unknown groups and keys are errors. */
  for (int g = 0; groups[g] != NULL; g++)
    {
      g_auto (GStrv) names = g_key_file_get_keys (kf, groups[g], NULL, NULL);
      for (int i = 0; names != NULL && names[i] != NULL; i++)
        if (find_key (groups[g], names[i]) == NULL)
          {
            g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                         _("Unknown configuration key “%s.%s” (see docs/config.md)"), groups[g],
                         names[i]);
            return FALSE;
          }
    }

  /* Defaults, then the preset, then every key given. */
  memset (cfg, 0, sizeof *cfg);
  for (size_t i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const KeySpec *k = &keys[i];
      g_autofree char *given = g_key_file_get_value (kf, k->group, k->key, NULL);
      g_autofree char *text = NULL;
      if (given != NULL && k->type == K_STRING
          && (text = unescape_string (k, given, error)) == NULL)
        {
          *fault = k;
          return FALSE;
        }
      const char *value = text != NULL ? text : given != NULL ? g_strstrip (given) : k->def;
      if (value == NULL)
        continue; /* the preset's */
      if (!apply (cfg, k, value, error))
        {
          *fault = k;
          return FALSE;
        }
    }
  if (cfg->r_authors)
    cfg->r = cfg->strategy == CARI_STRATEGY_NAIVE ? 0.5 : 2.0;
  /* A schedule file is read once, when the configuration names it: its content goes into
   * lr_schedule, which is what the stored text keeps, so a resume neither needs the file nor
   * sees later edits of it. */
  if (cfg->lr_schedule == NULL && cfg->lr_schedule_file != NULL && cfg->lr_schedule_file[0])
    {
      g_autoptr (CariSchedule) s = cari_schedule_new_from_file (cfg->lr_schedule_file, error);
      if (s == NULL)
        {
          *fault = find_key ("optim", "lr_schedule_file");
          g_prefix_error (error, _("Configuration key “optim.lr_schedule_file”: "));
          return FALSE;
        }
      cfg->lr_schedule = cari_schedule_to_string (s);
    }
  return validate (cfg, fault, error);
}

static void
clear (CariRunConfig *cfg)
{
  g_free (cfg->name);
  g_free (cfg->preset);
  g_free (cfg->lr_schedule_file);
  g_free (cfg->lr_schedule);
  g_free (cfg->dataset);
  g_free (cfg->protocol);
  g_free (cfg->init_from);
}

CariRunConfig *
cari_run_config_new (const char *text, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local = NULL;
  CariRunConfig *cfg = g_new0 (CariRunConfig, 1);
  const KeySpec *fault;

  if (text != NULL && text[0] != '\0'
      && !g_key_file_load_from_data (kf, text, -1, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("The run configuration is not a valid key file: %s"), local->message);
      g_free (cfg);
      return NULL;
    }
  if (!parse_into (cfg, kf, &fault, error))
    {
      clear (cfg);
      g_free (cfg);
      return NULL;
    }
  return cfg;
}

void
cari_run_config_free (CariRunConfig *cfg)
{
  if (cfg == NULL)
    return;
  clear (cfg);
  g_free (cfg);
}

static char *
format_value (const CariRunConfig *cfg, const KeySpec *k)
{
  const char *base = (const char *) cfg;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  switch (k->type)
    {
    case K_INT:
      return g_strdup_printf ("%d", *(const int *) (base + k->offset));
    case K_U64:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, *(const guint64 *) (base + k->offset));
    case K_DOUBLE:
      return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.9g",
                                        *(const double *) (base + k->offset)));
    case K_FLOAT:
      return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.7g",
                                        *(const float *) (base + k->offset)));
    case K_BOOL:
      return g_strdup (*(const gboolean *) (base + k->offset) ? "true" : "false");
    case K_STRING:
      {
        const char *s = *(char *const *) (base + k->offset);
        return escape_string (s != NULL ? s : "");
      }
    case K_SPECIAL:
      break;
    default:
      g_assert_not_reached ();
    }

  return cari_config_format_special (cfg, k);
}

char *
cari_run_config_to_text (const CariRunConfig *cfg)
{
  GString *out = g_string_new (NULL);
  const char *group = NULL;
  for (size_t i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const KeySpec *k = &keys[i];
      g_autofree char *v = format_value (cfg, k);
      if (group == NULL || strcmp (group, k->group) != 0)
        {
          g_string_append_printf (out, "%s[%s]\n", group != NULL ? "\n" : "", k->group);
          group = k->group;
        }
      g_string_append_printf (out, "%s=%s\n", k->key, v);
    }
  return g_string_free (out, FALSE);
}

CariRunConfig *
cari_run_config_copy (const CariRunConfig *cfg)
{
  CariRunConfig *copy = g_memdup2 (cfg, sizeof *cfg);
  copy->name = g_strdup (cfg->name);
  copy->preset = g_strdup (cfg->preset);
  copy->lr_schedule_file = g_strdup (cfg->lr_schedule_file);
  copy->lr_schedule = g_strdup (cfg->lr_schedule);
  copy->dataset = g_strdup (cfg->dataset);
  copy->protocol = g_strdup (cfg->protocol);
  copy->init_from = g_strdup (cfg->init_from);
  return copy;
}

/* The index of the last assignment of `k` among `assignments`, or −1. */
static int
assignment_of (const char *const *assignments, const KeySpec *k)
{
  int found = -1;
  g_autofree char *prefix = k != NULL ? g_strdup_printf ("%s.%s", k->group, k->key) : NULL;
  for (int i = 0; prefix != NULL && assignments[i] != NULL; i++)
    {
      const char *eq = strchr (assignments[i], '=');
      if (eq != NULL && (size_t) (eq - assignments[i]) == strlen (prefix)
          && strncmp (assignments[i], prefix, strlen (prefix)) == 0)
        found = i;
    }
  return found;
}

/* Whether `assignments` set optim.lr_schedule. */
/* Whether `assignments` set group.key. */
static gboolean
assigned (const char *const *assignments, const char *group, const char *key)
{
  g_autofree char *prefix = g_strdup_printf ("%s.%s=", group, key);
  for (int i = 0; assignments[i] != NULL; i++)
    if (g_str_has_prefix (assignments[i], prefix))
      return TRUE;
  return FALSE;
}

static gboolean
schedule_given (const char *const *assignments)
{
  for (int i = 0; assignments[i] != NULL; i++)
    if (g_str_has_prefix (assignments[i], "optim.lr_schedule="))
      return TRUE;
  return FALSE;
}

gboolean
cari_run_config_set_all (CariRunConfig *cfg, const char *const *assignments, int *failed,
                         GError **error)
{
  g_autofree char *text = cari_run_config_to_text (cfg);
  g_autoptr (GKeyFile) kf = g_key_file_new ();

  int unused;
  if (failed == NULL)
    failed = &unused;
  *failed = -1;
  g_assert (g_key_file_load_from_data (kf, text, -1, G_KEY_FILE_NONE, NULL));
  for (int i = 0; assignments[i] != NULL; i++)
    {
      const char *assignment = assignments[i];
      const char *eq = strchr (assignment, '=');
      const char *dot = eq != NULL ? memchr (assignment, '.', (size_t) (eq - assignment)) : NULL;
      if (eq == NULL || dot == NULL)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not of the form group.key=value"), assignment);
          *failed = i;
          return FALSE;
        }
      g_autofree char *group = g_strndup (assignment, (size_t) (dot - assignment));
      g_autofree char *key = g_strndup (dot + 1, (size_t) (eq - dot - 1));
      if (find_key (group, key) == NULL)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("Unknown configuration key “%s.%s” (see docs/config.md)"), group, key);
          *failed = i;
          return FALSE;
        }
      const KeySpec *k = find_key (group, key);
      if (k->type == K_STRING)
        {
          /* Any text, kept as typed: escaped into one line, refused when it is not UTF-8. */
          if (!g_utf8_validate (eq + 1, -1, NULL))
            {
              g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                           _("Configuration key “%s.%s”: the value is not UTF-8 text"), group,
                           key);
              *failed = i;
              return FALSE;
            }
          g_autofree char *escaped = escape_string (eq + 1);
          g_key_file_set_value (kf, group, key, escaped);
        }
      else
        g_key_file_set_value (kf, group, key, eq + 1);
      /* A preset changed gives every model key its value, unless this call sets it too: the
       * text holds the old preset's values, which would otherwise override it. The same preset
       * named again changes nothing (a form assigns every control it shows). */
      if (strcmp (group, "model") == 0 && strcmp (key, "preset") == 0
          && g_strcmp0 (eq + 1, cfg->preset) != 0)
        for (size_t m = 0; m < G_N_ELEMENTS (keys); m++)
          if (strcmp (keys[m].group, "model") == 0 && strcmp (keys[m].key, "preset") != 0
              && !assigned (assignments, "model", keys[m].key))
            g_key_file_remove_key (kf, "model", keys[m].key, NULL);
      /* A schedule file named (or unnamed) anew is read anew, unless its content is given too. */
      if (strcmp (group, "optim") == 0 && strcmp (key, "lr_schedule_file") == 0
          && !schedule_given (assignments))
        g_key_file_set_value (kf, "optim", "lr_schedule", "");
    }

  /* All changes are validated together, so their order does not matter. */
  CariRunConfig fresh;
  const KeySpec *fault;
  if (!parse_into (&fresh, kf, &fault, error))
    {
      *failed = assignment_of (assignments, fault);
      clear (&fresh);
      return FALSE;
    }
  clear (cfg);
  *cfg = fresh;
  return TRUE;
}

gboolean
cari_run_config_set (CariRunConfig *cfg, const char *assignment, GError **error)
{
  const char *one[] = { assignment, NULL };
  return cari_run_config_set_all (cfg, one, NULL, error);
}

int
cari_replicas_choose (int requested, const CariNetConfig *net, int caricatures, int photos,
                      int threads)
{
  int n = requested;
  if (n <= 0)
    n = cari_net_config_splits_poorly (net) ? threads : 1;
  if (caricatures > 0)
    n = MIN (n, caricatures);
  if (photos > 0)
    n = MIN (n, photos);
  return CLAMP (n, 1, 64);
}

int
cari_run_config_replicas (const CariRunConfig *cfg, int threads)
{
  return cari_replicas_choose (cfg->replicas, &cfg->net, cfg->caricatures, cfg->photos, threads);
}

double
cari_run_config_module_lr (const CariRunConfig *cfg)
{
  return cfg->module_lr < 0.0 ? cfg->lr : cfg->module_lr;
}

const char *
cari_run_config_key_default (const char *group, const char *key)
{
  const KeySpec *k = find_key (group, key);
  return k != NULL ? k->def : NULL;
}

gboolean
cari_run_config_uses_module (const CariRunConfig *cfg)
{
  return cfg->strategy == CARI_STRATEGY_PROPOSED || cfg->strategy == CARI_STRATEGY_NAIVE;
}

void
cari_run_config_net (const CariRunConfig *cfg, int n_identities, CariNetConfig *net)
{
  *net = cfg->net;
  net->n_identities = n_identities;
  net->tasks = cfg->tasks;
  net->weight_module = cari_run_config_uses_module (cfg);
  net->weight_r = (float) cfg->r;
  net->weight_xavier = cfg->module_xavier;
  net->max_caricatures = cfg->caricatures;
  net->max_photos = cfg->photos;
}
