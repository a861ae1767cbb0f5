/* lab-experiment-results.c — an experiment's tables, claims and figures on the Experiments page.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "lab-curve-plot.h"
#include "lab-experiment-results.h"
#include "lab-page.h"

/* The tasks' colours (the paper's Fig. 7: verif blue, cari grey, visual orange). */
static const guint32 task_rgb[CARI_N_TASKS] = { 0x1f77b4, 0x7f7f7f, 0xff7f0e };
#define FIG5_RGB 0x7f7f7f

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "title-4");
  gtk_widget_set_margin_top (label, 12);
  return label;
}

static GtkWidget *
dim_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

/* ------------------------------------------------------------------------------ claims */

const char *
lab_experiment_verdict_css (CariClaimVerdict verdict)
{
  switch (verdict)
    {
    case CARI_CLAIM_HOLDS:
      return "success";
    case CARI_CLAIM_DOES_NOT_HOLD:
      return "error";
    default:
      return "warning";
    }
}

static char *
claim_interval_text (const CariClaim *claim)
{
  const CariInterval *d = &claim->pair.diff;
  const char *unit = claim->scale == 100.0 ? _(" points") : "";
  if (d->n < 2 || !isfinite (d->half_width))
    return g_strdup_printf (ngettext ("difference %+.2f%s from %d seed: no interval yet",
                                      "difference %+.2f%s from %d seeds: no interval yet", d->n),
                            d->mean * claim->scale, unit, d->n);
  return g_strdup_printf (_("difference %+.2f%s, 95 %% interval [%+.2f, %+.2f]; %d of %d seeds "
                            "agree; p = %.3g"),
                          d->mean * claim->scale, unit, d->low * claim->scale,
                          d->high * claim->scale, claim->pair.agree, d->n, claim->p_adjusted);
}

static GtkWidget *
claim_row (const CariClaim *claim)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  lab_page_set_margins (row, 8, 12, 8, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (texts, TRUE);
  GtkWidget *text = gtk_label_new (claim->text);
  if (claim->primary)
    gtk_widget_add_css_class (text, "heading");
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_box_append (GTK_BOX (texts), text);
  g_autofree char *interval = claim_interval_text (claim);
  gtk_box_append (GTK_BOX (texts), dim_label (interval));
  gtk_box_append (GTK_BOX (row), texts);
  GtkWidget *verdict = gtk_label_new (cari_claim_verdict_to_string (claim->verdict));
  gtk_widget_add_css_class (verdict, "heading");
  gtk_widget_add_css_class (verdict, lab_experiment_verdict_css (claim->verdict));
  gtk_widget_set_valign (verdict, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (row), verdict);
  return row;
}

static GtkWidget *
claims_widget (GPtrArray *claims)
{
  GtkWidget *list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_widget_add_css_class (list, "lab-claims");
  for (guint i = 0; i < claims->len; i++)
    gtk_list_box_append (GTK_LIST_BOX (list), claim_row (claims->pdata[i]));
  return list;
}

/* ------------------------------------------------------------------------------ figures */

/* The finite points of a line (x, y): how many were kept in *n. */
static void
finite_points (const double *x, const double *y, int n, double *out_x, double *out_y, int *kept)
{
  *kept = 0;
  for (int i = 0; i < n; i++)
    if (isfinite (x[i]) && isfinite (y[i]))
      {
        out_x[*kept] = x[i];
        out_y[*kept] = y[i];
        (*kept)++;
      }
}

/* The mean of `line` as a solid curve labelled `label`, its interval as two dotted ones;
 * widens [*lo, *hi] to what they reach. */
static void
add_seed_line (LabCurvePlot *plot, const LabSeedLine *line, const char *label, guint32 rgb,
               double *lo, double *hi)
{
  const double *ys[] = { line->mean, line->low, line->high };
  g_autofree double *x = g_new (double, MAX (line->n, 1));
  g_autofree double *y = g_new (double, MAX (line->n, 1));
  for (int k = 0; k < 3; k++)
    {
      int n = 0;
      finite_points (line->x, ys[k], line->n, x, y, &n);
      for (int i = 0; i < n; i++)
        {
          *lo = MIN (*lo, y[i]);
          *hi = MAX (*hi, y[i]);
        }
      if (n > 0)
        lab_curve_plot_add_curve (plot, k == 0 ? label : NULL, x, y, n, rgb,
                                  k == 0 ? LAB_LINE_STYLE_SOLID : LAB_LINE_STYLE_DOTTED);
    }
}

static void
set_y_range (LabCurvePlot *plot, const char *label, double lo, double hi)
{
  if (!(lo <= hi))
    lo = 0.0, hi = 1.0;
  double pad = MAX ((hi - lo) * 0.08, 1e-3);
  lab_curve_plot_set_y_axis (plot, label, LAB_AXIS_LINEAR, lo - pad, hi + pad);
}

static GtkWidget *
new_plot (const char *title, int height)
{
  GtkWidget *plot = lab_curve_plot_new ();
  lab_curve_plot_set_title (LAB_CURVE_PLOT (plot), title);
  gtk_widget_set_size_request (plot, 320, height);
  gtk_widget_set_hexpand (plot, TRUE);
  return plot;
}

static GtkWidget *
fig5_widget (const LabSeedLine *line)
{
  GtkWidget *plot = new_plot (_("Fig. 5 — caricature identification against the caricature "
                                "weight"), 300);
  LabCurvePlot *p = LAB_CURVE_PLOT (plot);
  double lo = INFINITY, hi = -INFINITY;
  /* xgettext:no-c-format */
  const char *legend = _("mean over seeds (dotted: 95 % interval)");
  add_seed_line (p, line, legend, FIG5_RGB, &lo, &hi);
  lab_curve_plot_set_x_axis (p, _("caricature weight"), LAB_AXIS_LINEAR, 0.0, 1.0);
  set_y_range (p, _("accuracy (%)"), lo, hi);
  return plot;
}

static GtkWidget *
weights_widget (const LabExperimentWeights *w)
{
  GtkWidget *plot = new_plot (w->title, 240);
  LabCurvePlot *p = LAB_CURVE_PLOT (plot);
  double lo = INFINITY, hi = -INFINITY, last = 1.0;
  for (int t = 0; t < CARI_N_TASKS; t++)
    if (w->tasks[t].n > 0)
      {
        add_seed_line (p, &w->tasks[t], cari_task_to_string (t), task_rgb[t], &lo, &hi);
        last = MAX (last, w->tasks[t].x[w->tasks[t].n - 1]);
      }
  lab_curve_plot_set_x_axis (p, _("step"), LAB_AXIS_LINEAR, 0.0, last);
  set_y_range (p, _("weight"), lo, hi);
  lab_curve_plot_set_legend_top (p, TRUE);
  return plot;
}

static GtkWidget *
weights_grid (GPtrArray *weights)
{
  GtkWidget *grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
  for (guint i = 0; i < weights->len; i++)
    gtk_grid_attach (GTK_GRID (grid), weights_widget (weights->pdata[i]), (int) i % 2,
                     (int) i / 2, 1, 1);
  return grid;
}

/* ------------------------------------------------------------------------------ the whole */

void
lab_experiment_results_show (GtkBox *box, const LabExperimentResults *r)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
  if (r == NULL)
    return;

  gtk_box_append (box, heading (_("Claims")));
  if (r->claims->len > 0)
    gtk_box_append (box, claims_widget (r->claims));
  else
    gtk_box_append (box, dim_label (_("No claim this preset can test.")));
  gtk_box_append (box, dim_label (_("A claim holds when its interval excludes 0 in the claimed "
                                    "direction; secondary claims are Holm-adjusted.")));

  gtk_box_append (box, heading (_("Tables")));
  if (r->tables->len == 0)
    gtk_box_append (box, dim_label (_("No finished and evaluated run yet.")));
  for (guint i = 0; i < r->tables->len; i++)
    gtk_box_append (box, lab_page_table_widget (r->tables->pdata[i]));

  if (r->fig5.n > 0)
    {
      gtk_box_append (box, heading (_("Fig. 5")));
      gtk_box_append (box, fig5_widget (&r->fig5));
    }
  if (r->weights->len > 0)
    {
      gtk_box_append (box, heading (_("Task weights over training (Fig. 6, Fig. 7)")));
      /* xgettext:no-c-format */
      const char *note = _("Mean over seeds; the dotted lines bound its 95 % interval.");
      gtk_box_append (box, dim_label (note));
      gtk_box_append (box, weights_grid (r->weights));
    }
}
