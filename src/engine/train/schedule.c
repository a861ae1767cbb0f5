/* schedule.c — piecewise-constant learning rates. */
#include "train/schedule.h"

#include "core/error.h"
#include "core/i18n.h"

#include <math.h>
#include <string.h>

static CariSchedule *
schedule_alloc (int n)
{
  CariSchedule *s = g_new0 (CariSchedule, 1);
  s->n = n;
  s->steps = g_new0 (int, n);
  s->rates = g_new0 (double, n);
  return s;
}

CariSchedule *
cari_schedule_new_steps (double base, const int *steps, int n_steps, double factor)
{
  CariSchedule *s = schedule_alloc (n_steps + 1);
  double rate = base;
  s->steps[0] = 0;
  s->rates[0] = base;
  for (int i = 0; i < n_steps; i++)
    {
      rate *= factor;
      s->steps[i + 1] = steps[i];
      s->rates[i + 1] = rate;
    }
  return s;
}

CariSchedule *
cari_schedule_new_from_text (const char *text, const char *name, GError **error)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GArray) steps = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr (GArray) rates = g_array_new (FALSE, FALSE, sizeof (double));

  for (int i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      char *hash = strchr (line, '#');
      if (hash != NULL)
        *hash = '\0';
      g_strstrip (line);
      if (line[0] == '\0')
        continue;
      char *colon = strchr (line, ':');
      char *end1 = NULL, *end2 = NULL;
      gint64 step = colon != NULL ? g_ascii_strtoll (line, &end1, 10) : -1;
      double rate = colon != NULL ? g_ascii_strtod (colon + 1, &end2) : NAN;
      if (end2 != NULL)
        while (g_ascii_isspace (*end2))
          end2++;
      if (colon == NULL || end1 == line || step < 0 || step > G_MAXINT || end2 == colon + 1
          || *end2 != '\0' || !(rate >= 0.0) || !isfinite (rate))
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("%s, line %d: expected “STEP: RATE” with STEP ≥ 0 and RATE ≥ 0"), name,
                       i + 1);
          return NULL;
        }
      if (rate > CARI_SCHEDULE_MAX_RATE)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("%s, line %d: the rate %g is above %g, the bound of optim.lr"), name,
                       i + 1, rate, CARI_SCHEDULE_MAX_RATE);
          return NULL;
        }
      if (steps->len > 0 && (int) step <= g_array_index (steps, int, steps->len - 1))
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("%s, line %d: steps must increase"), name, i + 1);
          return NULL;
        }
      int st = (int) step;
      g_array_append_val (steps, st);
      g_array_append_val (rates, rate);
    }
  if (steps->len == 0 || g_array_index (steps, int, 0) != 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("%s: the schedule must start with a rate for step 0"), name);
      return NULL;
    }
  CariSchedule *s = schedule_alloc ((int) steps->len);
  memcpy (s->steps, steps->data, steps->len * sizeof (int));
  memcpy (s->rates, rates->data, rates->len * sizeof (double));
  return s;
}

CariSchedule *
cari_schedule_new_from_file (const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot read schedule file “%s”: %s"),
                   path, local->message);
      return NULL;
    }
  return cari_schedule_new_from_text (text, path, error);
}

char *
cari_schedule_to_string (const CariSchedule *s)
{
  GString *out = g_string_new (NULL);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  for (int i = 0; i < s->n; i++)
    g_string_append_printf (out, "%s%d:%s", i ? ";" : "", s->steps[i],
                            g_ascii_dtostr (buf, sizeof buf, s->rates[i]));
  return g_string_free (out, FALSE);
}

CariSchedule *
cari_schedule_new_from_string (const char *text, const char *name, GError **error)
{
  g_autofree char *lines = g_strdup (text);
  g_strdelimit (lines, ";", '\n');
  return cari_schedule_new_from_text (lines, name, error);
}

double
cari_schedule_rate (const CariSchedule *s, long step)
{
  double rate = s->rates[0];
  for (int i = 1; i < s->n && step >= s->steps[i]; i++)
    rate = s->rates[i];
  return rate;
}

void
cari_schedule_free (CariSchedule *s)
{
  if (s == NULL)
    return;
  g_free (s->steps);
  g_free (s->rates);
  g_free (s);
}
