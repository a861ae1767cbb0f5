/* config-special.c — the configuration keys parsed by hand (lists, names, the model preset, the
 * learning-rate schedule) and their canonical text. */
#include "train/config-private.h"

#include "core/error.h"
#include "core/i18n.h"
#include "train/schedule.h"

#include <string.h>

static gboolean
parse_tasks (const KeySpec *k, const char *value, guint *tasks, GError **error)
{
  g_auto (GStrv) parts = g_strsplit_set (value, ";, ", -1);
  *tasks = 0;
  for (int i = 0; parts[i] != NULL; i++)
    {
      CariTask t;
      if (parts[i][0] == '\0')
        continue;
      if (!cari_task_from_string (parts[i], &t, NULL))
        return cari_config_bad_value (error, k, value, _("names an unknown task (verif, cari, visual)"));
      *tasks |= CARI_TASK_BIT (t);
    }
  if (*tasks == 0)
    return cari_config_bad_value (error, k, value, _("names no task"));
  return TRUE;
}

gboolean
cari_config_parse_special (CariRunConfig *cfg, const KeySpec *k, const char *value, GError **error)
{
  if (strcmp (k->key, "preset") == 0)
    {
      g_autoptr (GError) local = NULL;
      if (!cari_net_config_init_preset (&cfg->net, value, &local))
        return cari_config_bad_value (error, k, value, _("is not a preset (paper, demo)"));
      g_free (cfg->preset);
      cfg->preset = g_strdup (value);
      return TRUE;
    }
  if (strcmp (k->key, "tasks") == 0)
    return parse_tasks (k, value, &cfg->tasks, error);
  if (strcmp (k->group, "strategy") == 0 && strcmp (k->key, "name") == 0)
    {
      if (!cari_strategy_from_string (value, &cfg->strategy, NULL))
        return cari_config_bad_value (error, k, value,
                          _("is not a strategy (proposed, naive, static, single, uniform)"));
      return TRUE;
    }
  if (strcmp (k->key, "r") == 0)
    {
      /* "authors": the scales of the authors' scripts, ½ for naive and 2 for proposed. */
      cfg->r_authors = strcmp (value, "authors") == 0;
      if (cfg->r_authors)
        return TRUE;
      KeySpec num = *k;
      num.type = K_DOUBLE;
      num.min = 0;
      num.max = 1e3;
      return cari_config_parse_number (&num, value, &cfg->r, error);
    }
  if (strcmp (k->key, "module_init") == 0)
    {
      if (strcmp (value, "uniform") != 0 && strcmp (value, "xavier") != 0)
        return cari_config_bad_value (error, k, value, _("is not uniform or xavier"));
      cfg->module_xavier = strcmp (value, "xavier") == 0;
      return TRUE;
    }
  if (strcmp (k->key, "module_lr") == 0)
    {
      /* "auto": the rate of Θ, kept as a word so that a later change of optim.lr carries. */
      KeySpec num = *k;
      num.type = K_DOUBLE;
      num.min = 0;
      num.max = CARI_SCHEDULE_MAX_RATE;
      if (strcmp (value, "auto") == 0)
        {
          cfg->module_lr = -1.0;
          return TRUE;
        }
      return cari_config_parse_number (&num, value, &cfg->module_lr, error);
    }
  if (strcmp (k->key, "replicas") == 0)
    {
      /* "auto" (0): chosen from the network and the threads (cari_run_config_replicas). */
      KeySpec num = *k;
      double n;
      num.type = K_INT;
      num.min = 1;
      num.max = 64;
      if (strcmp (value, "auto") == 0)
        {
          cfg->replicas = 0;
          return TRUE;
        }
      if (!cari_config_parse_number (&num, value, &n, error))
        return FALSE;
      cfg->replicas = (int) n;
      return TRUE;
    }
  if (strcmp (k->key, "weights") == 0)
    {
      g_auto (GStrv) parts = g_strsplit_set (value, ";, ", -1);
      int n = 0;
      KeySpec num = *k;
      num.type = K_DOUBLE;
      num.min = 0;
      num.max = 1e3;
      for (int i = 0; parts[i] != NULL; i++)
        {
          if (parts[i][0] == '\0')
            continue;
          if (n == CARI_N_TASKS)
            return cari_config_bad_value (error, k, value, _("has more than three weights"));
          if (!cari_config_parse_number (&num, parts[i], &cfg->weights[n++], error))
            return FALSE;
        }
      cfg->n_weights = n;
      return TRUE;
    }
  if (strcmp (k->key, "task") == 0)
    {
      if (value[0] != '\0' && !cari_task_from_string (value, &cfg->single_task, NULL))
        return cari_config_bad_value (error, k, value, _("is not a task (verif, cari, visual)"));
      return TRUE;
    }
  if (strcmp (k->group, "optim") == 0 && strcmp (k->key, "name") == 0)
    {
      if (!cari_optimizer_kind_from_string (value, &cfg->optim.kind, NULL))
        return cari_config_bad_value (error, k, value, _("is not an optimiser (sgd, rmsprop, adam)"));
      return TRUE;
    }
  if (strcmp (k->key, "lr_schedule") == 0)
    {
      g_clear_pointer (&cfg->lr_schedule, g_free);
      if (value[0] == '\0')
        return TRUE;
      g_autofree char *name = g_strdup_printf (_("Configuration key “%s.%s”"), k->group, k->key);
      g_autoptr (CariSchedule) s = cari_schedule_new_from_string (value, name, error);
      if (s == NULL)
        return FALSE;
      cfg->lr_schedule = cari_schedule_to_string (s);
      return TRUE;
    }
  if (strcmp (k->key, "lr_steps") == 0)
    {
      g_auto (GStrv) parts = g_strsplit_set (value, ";, ", -1);
      KeySpec num = *k;
      num.type = K_INT;
      num.min = 1;
      num.max = 1e9;
      cfg->n_lr_steps = 0;
      for (int i = 0; parts[i] != NULL; i++)
        {
          double v;
          if (parts[i][0] == '\0')
            continue;
          if (cfg->n_lr_steps == CARI_MAX_LR_STEPS)
            return cari_config_bad_value (error, k, value, _("lists more than 16 steps"));
          if (!cari_config_parse_number (&num, parts[i], &v, error))
            return FALSE;
          if (cfg->n_lr_steps > 0 && v <= cfg->lr_steps[cfg->n_lr_steps - 1])
            return cari_config_bad_value (error, k, value, _("must list increasing steps"));
          cfg->lr_steps[cfg->n_lr_steps++] = (int) v;
        }
      return TRUE;
    }
  g_assert_not_reached ();
}

char *
cari_config_format_special (const CariRunConfig *cfg, const KeySpec *k)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (strcmp (k->key, "preset") == 0)
    return g_strdup (cfg->preset);
  if (strcmp (k->key, "tasks") == 0)
    {
      GString *s = g_string_new (NULL);
      for (int t = 0; t < CARI_N_TASKS; t++)
        if (cfg->tasks & CARI_TASK_BIT (t))
          g_string_append_printf (s, "%s%s", s->len ? ";" : "", cari_task_to_string (t));
      return g_string_free (s, FALSE);
    }
  if (strcmp (k->group, "strategy") == 0 && strcmp (k->key, "name") == 0)
    return g_strdup (cari_strategy_to_string (cfg->strategy));
  if (strcmp (k->key, "r") == 0)
    return g_strdup (cfg->r_authors ? "authors"
                                    : g_ascii_formatd (buf, sizeof buf, "%.9g", cfg->r));
  if (strcmp (k->key, "module_init") == 0)
    return g_strdup (cfg->module_xavier ? "xavier" : "uniform");
  if (strcmp (k->key, "module_lr") == 0)
    return g_strdup (cfg->module_lr < 0.0 ? "auto"
                                          : g_ascii_formatd (buf, sizeof buf, "%.9g",
                                                             cfg->module_lr));
  if (strcmp (k->key, "replicas") == 0)
    return cfg->replicas == 0 ? g_strdup ("auto") : g_strdup_printf ("%d", cfg->replicas);
  if (strcmp (k->key, "weights") == 0)
    {
      GString *s = g_string_new (NULL);
      if (cfg->strategy == CARI_STRATEGY_STATIC)
        for (int t = 0; t < cfg->n_weights; t++)
          g_string_append_printf (s, "%s%s", s->len ? ";" : "",
                                  g_ascii_formatd (buf, sizeof buf, "%.9g", cfg->weights[t]));
      return g_string_free (s, FALSE);
    }
  if (strcmp (k->key, "task") == 0)
    return g_strdup (cfg->strategy == CARI_STRATEGY_SINGLE
                       ? cari_task_to_string (cfg->single_task)
                       : "");
  if (strcmp (k->group, "optim") == 0 && strcmp (k->key, "name") == 0)
    return g_strdup (cari_optimizer_kind_to_string (cfg->optim.kind));
  if (strcmp (k->key, "lr_schedule") == 0)
    return g_strdup (cfg->lr_schedule != NULL ? cfg->lr_schedule : "");
  if (strcmp (k->key, "lr_steps") == 0)
    {
      GString *s = g_string_new (NULL);
      for (int i = 0; i < cfg->n_lr_steps; i++)
        g_string_append_printf (s, "%s%d", i ? ";" : "", cfg->lr_steps[i]);
      return g_string_free (s, FALSE);
    }
  g_assert_not_reached ();
}
