/* scale.c — mapping between data and device units, and axis ticks: nice numbers, decades,
 * round durations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>

#include <glib/gi18n-lib.h>

#include "scale.h"

static double
cari_plot_transform_y_unit (const CariPlotTransform *t, double y)
{
  return t->log_y ? log10 (y) : y;
}

double
cari_plot_transform_x_to_px (const CariPlotTransform *t, double x)
{
  return t->left + (x - t->x_lower) / (t->x_upper - t->x_lower) * t->width;
}

double
cari_plot_transform_px_to_x (const CariPlotTransform *t, double px)
{
  return t->x_lower + (px - t->left) / t->width * (t->x_upper - t->x_lower);
}

/* A value that has no place on a log axis (zero, negative) maps to NaN: a gap in the line. */
double
cari_plot_transform_y_to_px (const CariPlotTransform *t, double y)
{
  double lower = cari_plot_transform_y_unit (t, t->y_lower);
  double upper = cari_plot_transform_y_unit (t, t->y_upper);

  if (t->log_y && !(y > 0))
    return NAN;

  return t->top + t->height
         - (cari_plot_transform_y_unit (t, y) - lower) / (upper - lower) * t->height;
}

double
cari_plot_transform_px_to_y (const CariPlotTransform *t, double py)
{
  double lower = cari_plot_transform_y_unit (t, t->y_lower);
  double upper = cari_plot_transform_y_unit (t, t->y_upper);
  double unit = lower + (t->top + t->height - py) / t->height * (upper - lower);

  return t->log_y ? pow (10, unit) : unit;
}

/* The smallest of 1, 2, 2.5, 5 times a power of ten that is >= @raw_step. */
double
cari_plot_nice_step (double raw_step)
{
  static const double mantissas[] = { 1, 2, 2.5, 5, 10 };
  double magnitude;

  if (!(raw_step > 0) || !isfinite (raw_step))
    return 1;

  magnitude = pow (10, floor (log10 (raw_step)));
  for (guint i = 0; i < G_N_ELEMENTS (mantissas); i++)
    if (mantissas[i] * magnitude >= raw_step * (1 - 1e-9))
      return mantissas[i] * magnitude;

  return 10 * magnitude;
}

/* Multiples of @step inside [lower, upper]; FALSE when there would be more than
 * CARI_PLOT_MAX_TICKS of them. */
static gboolean
cari_plot_fill_multiples (double lower, double upper, double step, CariPlotTicks *ticks)
{
  double first = ceil (lower / step - 1e-9);
  double last = floor (upper / step + 1e-9);

  ticks->n = 0;
  ticks->step = step;
  if (last - first + 1 > CARI_PLOT_MAX_TICKS)
    return FALSE;

  for (double k = first; k <= last; k++)
    {
      double value = k * step;

      /* k * step, not a running sum: no drift, and zero is exactly zero. */
      ticks->values[ticks->n++] = fabs (value) < step * 1e-9 ? 0 : value;
    }

  return TRUE;
}

/* Ticks at "nice" multiples (1, 2, 2.5, 5 × 10^k), at most @max_ticks of them. */
void
cari_plot_nice_ticks (double lower, double upper, guint max_ticks, CariPlotTicks *ticks)
{
  double step;

  max_ticks = CLAMP (max_ticks, 2, CARI_PLOT_MAX_TICKS);
  ticks->n = 0;
  ticks->step = 1;
  if (!isfinite (lower) || !isfinite (upper))
    return;
  if (!(upper > lower))
    {
      ticks->values[ticks->n++] = lower;
      return;
    }

  step = cari_plot_nice_step ((upper - lower) / max_ticks);
  while (!cari_plot_fill_multiples (lower, upper, step, ticks) || ticks->n > max_ticks)
    step = cari_plot_nice_step (step * 1.01);
}

/* Across less than three decades, 1-2-5 mantissas when they fit (a loss from 0.02 to 7:
 * 0.02, 0.05, 0.1 … 5), else 1-3 (0.03, 0.1 … 3); across more, the decades (every k-th one
 * when there are many); inside less than one, linear ticks. Each tick is formatted by its
 * own value (step = 0). */
void
cari_plot_log_ticks (double lower, double upper, guint max_ticks, CariPlotTicks *ticks)
{
  static const double mantissa_sets[][4] = { { 1, 2, 5, 0 }, { 1, 3, 0, 0 } };
  double first;
  double last;
  double every;

  max_ticks = CLAMP (max_ticks, 2, CARI_PLOT_MAX_TICKS);
  ticks->n = 0;
  ticks->step = 0;
  if (!(lower > 0) || !(upper > lower) || !isfinite (upper))
    {
      cari_plot_nice_ticks (lower, upper, max_ticks, ticks);
      return;
    }

  first = ceil (log10 (lower) - 1e-9);
  last = floor (log10 (upper) + 1e-9);

  for (guint set = 0; set < G_N_ELEMENTS (mantissa_sets) && last - first + 1 < 3; set++)
    {
      const double *mantissas = mantissa_sets[set];

      ticks->n = 0;
      for (double d = first - 1; d <= last && ticks->n <= max_ticks; d++)
        for (guint i = 0; i < 4 && mantissas[i] > 0 && ticks->n <= max_ticks; i++)
          {
            double value = mantissas[i] * pow (10, d);

            if (value >= lower * (1 - 1e-9) && value <= upper * (1 + 1e-9))
              ticks->values[ticks->n++] = value;
          }
      if (ticks->n >= 2 && ticks->n <= max_ticks)
        return;
    }

  ticks->n = 0;
  if (last - first + 1 >= 2)
    {
      every = ceil ((last - first + 1) / max_ticks);
      for (double d = first; d <= last && ticks->n < max_ticks; d += every)
        ticks->values[ticks->n++] = pow (10, d);
      return;
    }

  cari_plot_nice_ticks (lower, upper, max_ticks, ticks);
}

/* Ticks at round durations (seconds, minutes, hours, days) for an axis in seconds. */
void
cari_plot_time_ticks (double lower, double upper, guint max_ticks, CariPlotTicks *ticks)
{
  static const double steps[] = {
    1, 2, 5, 10, 15, 30,
    60, 2 * 60, 5 * 60, 10 * 60, 15 * 60, 30 * 60,
    3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600,
    86400,
  };
  double raw;
  double step = 0;

  max_ticks = CLAMP (max_ticks, 2, CARI_PLOT_MAX_TICKS);
  raw = (upper - lower) / max_ticks;
  if (!(upper > lower) || !isfinite (raw) || raw < 1)
    {
      cari_plot_nice_ticks (lower, upper, max_ticks, ticks);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (steps) && step == 0; i++)
    if (steps[i] >= raw)
      step = steps[i];
  if (step == 0)
    step = 86400 * cari_plot_nice_step (raw / 86400);

  while (!cari_plot_fill_multiples (lower, upper, step, ticks) || ticks->n > max_ticks)
    step *= 2;
}

/**
 * cari_plot_simple_ticks:
 * @divisions: about how many gaps between ticks
 *
 * Ticks at multiples of 1, 2 or 5 × 10^k, the largest of these not above (upper − lower) /
 * @divisions: the small figures' axes (curve plots, the score histogram), whose labels print
 * each value as it is ("%g"). No ticks for an empty range.
 */
void
cari_plot_simple_ticks (double lower, double upper, guint divisions, CariPlotTicks *ticks)
{
  double raw = (upper - lower) / MAX (divisions, 1);
  double magnitude;
  double step;

  ticks->n = 0;
  ticks->step = 1;
  if (!(raw > 0) || !isfinite (raw))
    return;

  magnitude = pow (10, floor (log10 (raw)));
  step = magnitude;
  if (raw / magnitude >= 5)
    step = 5 * magnitude;
  else if (raw / magnitude >= 2)
    step = 2 * magnitude;
  ticks->step = step;

  /* A running sum, as these axes always had; zero is exactly zero. */
  for (double v = ceil (lower / step) * step;
       v <= upper + step * 1e-9 && ticks->n < CARI_PLOT_MAX_TICKS; v += step)
    ticks->values[ticks->n++] = fabs (v) < step * 1e-9 ? 0 : v;
}

/* Decimal places that show every multiple of @step exactly (2.5 → 1, 0.25 → 2). */
static int
cari_plot_decimals_for (double step)
{
  for (int decimals = 0; decimals <= 9; decimals++)
    {
      double scaled = step * pow (10, decimals);

      if (fabs (scaled - round (scaled)) < 1e-6 * scaled)
        return decimals;
    }

  return 9;
}

/**
 * cari_plot_format_number:
 * @value: a tick value
 * @step: the spacing of the ticks, or 0 to format @value on its own
 *
 * Formats a tick label with as many decimals as @step needs, in the user's locale; with
 * steps of a thousand or more, in thousands ("k") or millions ("M"): 8000 → "8k".
 *
 * Returns: (transfer full): the label
 */
char *
cari_plot_format_number (double value, double step)
{
  const char *suffix = "";
  int decimals;

  if (!isfinite (value))
    return g_strdup_printf ("%g", value);
  if (step <= 0)
    step = fabs (value);
  if (value == 0 || (step > 0 && fabs (value) < step * 1e-9))
    return g_strdup ("0");
  if (step == 0 || step < 1e-7 || fabs (value) >= 1e12)
    return g_strdup_printf ("%.3g", value);

  /* The suffix follows the step, so that an axis says "8k, 10k", not "8000, 10k". */
  if (step >= 1e6)
    {
      value /= 1e6;
      step /= 1e6;
      suffix = "M";
    }
  else if (step >= 1000)
    {
      value /= 1e3;
      step /= 1e3;
      suffix = "k";
    }

  decimals = cari_plot_decimals_for (step);
  return g_strdup_printf ("%.*f%s", decimals, value, suffix);
}

static void G_GNUC_PRINTF (2, 3)
cari_plot_append_part (GString *text, const char *format, ...)
{
  va_list args;

  if (text->len > 0 && !g_str_has_suffix (text->str, "−"))
    g_string_append_c (text, ' ');

  va_start (args, format);
  g_string_append_vprintf (text, format, args);
  va_end (args);
}

/**
 * cari_plot_format_duration:
 * @seconds: a duration
 * @step: the spacing of the ticks, in seconds
 *
 * Formats a duration from its non-zero parts ("1h 30m", "2d 6h", "45s").
 *
 * Returns: (transfer full): the label
 */
char *
cari_plot_format_duration (double seconds, double step)
{
  GString *text;
  gint64 total;
  int days;
  int hours;
  int minutes;
  int secs;

  if (!isfinite (seconds))
    return g_strdup ("");
  if (step > 0 && fabs (seconds) < step * 1e-6)
    return g_strdup ("0");
  if (step > 0 && step < 1)
    /* TRANSLATORS: a duration in seconds with decimals, as an axis label (1.5s) */
    return g_strdup_printf (C_("duration", "%.*fs"), cari_plot_decimals_for (step), seconds);

  text = g_string_new (seconds < 0 ? "−" : "");
  total = llround (fabs (seconds));
  days = (int) MIN (total / 86400, G_MAXINT);
  hours = (int) (total / 3600 % 24);
  minutes = (int) (total / 60 % 60);
  secs = (int) (total % 60);

  if (days > 0)
    /* TRANSLATORS: parts of a duration as an axis label, joined by spaces ("2d 6h") */
    cari_plot_append_part (text, C_("duration", "%dd"), days);
  if (hours > 0)
    cari_plot_append_part (text, C_("duration", "%dh"), hours);
  if (minutes > 0)
    cari_plot_append_part (text, C_("duration", "%dm"), minutes);
  if (secs > 0 || total == 0)
    cari_plot_append_part (text, C_("duration", "%ds"), secs);

  return g_string_free (text, FALSE);
}
