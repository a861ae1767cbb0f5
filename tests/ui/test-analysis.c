/* test-analysis.c — the evaluation curves (ROC/DET/CMC plot scales, the probit), the results view
 * over a temporary store (Tables 2–5, side-by-side runs, CSV export, curves), and the compare
 * page's difference trace on common steps.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cari.h"

#include "lab-compare-page.h"
#include "lab-curve-plot.h"
#include "lab-results-view.h"
#include "lab-run-list.h"
#include "ui-test-util.h"

/* ------------------------------------------------------------------------------ plot */

static void
test_probit (void)
{
  /* Standard normal quantiles. */
  g_assert_cmpfloat_with_epsilon (lab_probit (0.5), 0.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (lab_probit (0.975), 1.959963984540054, 1e-9);
  g_assert_cmpfloat_with_epsilon (lab_probit (0.001), -3.090232306167813, 1e-9);
  g_assert_cmpfloat_with_epsilon (lab_probit (0.8413447460685429), 1.0, 1e-9);
  g_assert_true (isinf (lab_probit (0.0)) && lab_probit (0.0) < 0);
  g_assert_true (isinf (lab_probit (1.0)) && lab_probit (1.0) > 0);
}

static void
test_plot_mapping (void)
{
  LabCurvePlot *plot = g_object_ref_sink (LAB_CURVE_PLOT (lab_curve_plot_new ()));
  double px, py, qx, qy;
  /* 400 × 300: the plot area is x 58 … 386, y 30 … 260 (margins 58/14/30/40). */
  lab_curve_plot_set_x_axis (plot, "FAR", LAB_AXIS_LOG10, 1e-4, 1.0);
  lab_curve_plot_set_y_axis (plot, "TAR", LAB_AXIS_LINEAR, 0.0, 1.0);
  lab_curve_plot_map (plot, 400, 300, 1e-4, 0.0, &px, &py);
  g_assert_cmpfloat_with_epsilon (px, 58.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (py, 260.0, 1e-9);
  lab_curve_plot_map (plot, 400, 300, 1e-2, 1.0, &px, &py);
  /* Two of four decades. */
  g_assert_cmpfloat_with_epsilon (px, 58.0 + 0.5 * 328.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (py, 30.0, 1e-9);
  /* A FAR of 0 is held at the axis' lower end, not lost. */
  lab_curve_plot_map (plot, 400, 300, 0.0, 0.5, &qx, &qy);
  g_assert_cmpfloat_with_epsilon (qx, 58.0, 1e-9);
  /* Probit: p = 0.5 in the middle of a symmetric range. */
  lab_curve_plot_set_x_axis (plot, "FAR", LAB_AXIS_PROBIT, 0.01, 0.99);
  lab_curve_plot_map (plot, 400, 300, 0.5, 0.0, &px, &py);
  g_assert_cmpfloat_with_epsilon (px, 58.0 + 0.5 * 328.0, 1e-6);
  lab_curve_plot_map (plot, 400, 300, 0.1, 0.0, &px, &py);
  lab_curve_plot_map (plot, 400, 300, 0.9, 0.0, &qx, &qy);
  g_assert_cmpfloat_with_epsilon ((px + qx) / 2, 58.0 + 0.5 * 328.0, 1e-6);

  /* Export draws real files. */
  const double x[] = { 1e-3, 1e-2, 1e-1, 1 }, y[] = { 0.2, 0.5, 0.8, 1 };
  lab_curve_plot_add_curve (plot, "run", x, y, 4, 0x1f77b4, LAB_LINE_STYLE_SOLID);
  g_assert_cmpuint (lab_curve_plot_get_n_curves (plot), ==, 1);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("carilab-plot-XXXXXX", &error);
  g_autofree char *png = g_build_filename (dir, "roc.png", NULL);
  g_autofree char *pdf = g_build_filename (dir, "roc.pdf", NULL);
  g_assert_true (lab_curve_plot_export (plot, png, LAB_CHART_FORMAT_PNG, 320, 240, &error));
  g_assert_true (lab_curve_plot_export (plot, pdf, LAB_CHART_FORMAT_PDF, 320, 240, &error));
  g_autofree char *data = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (png, &data, &len, NULL));
  g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
  g_clear_pointer (&data, g_free);
  g_assert_true (g_file_get_contents (pdf, &data, &len, NULL));
  g_assert_cmpmem (data, 5, "%PDF-", 5);
  g_remove (png);
  g_remove (pdf);
  g_rmdir (dir);
  g_assert_finalize_object (plot);
}

/* ------------------------------------------------------------------------------ store */

typedef struct
{
  char *dir, *db;
  gint64 runs[2];
} Store;

static CariEvalResult *
result (const char *protocol, int fold)
{
  CariEvalResult *r = g_new0 (CariEvalResult, 1);
  r->protocol = g_strdup (protocol);
  r->fold = fold;
  cari_protocol_kind (protocol, &r->kind);
  r->metrics = g_array_new (FALSE, FALSE, sizeof (CariEvalMetric));
  r->pairs = g_array_new (FALSE, FALSE, sizeof (CariPairScore));
  r->cmc = g_array_new (FALSE, FALSE, sizeof (double));
  return r;
}

static void
add (CariEvalResult *r, const char *name, double value, double std)
{
  CariEvalMetric m = { "", value, std };
  g_strlcpy (m.name, name, sizeof m.name);
  g_array_append_val (r->metrics, m);
}

static void
store_setup (Store *s, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  s->dir = g_dir_make_tmp ("carilab-analysis-XXXXXX", &error);
  s->db = g_build_filename (s->dir, "runs.db", NULL);
  g_autoptr (CariStore) store = cari_store_open (s->db, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);
  const char *strategies[] = { "naive", "proposed" };
  for (int k = 0; k < 2; k++)
    {
      g_autoptr (CariRunConfig) cfg = cari_run_config_new (NULL, &error);
      g_autofree char *set = g_strdup_printf ("strategy.name=%s", strategies[k]);
      g_assert_true (cari_run_config_set (cfg, set, &error));
      g_autofree char *text = cari_run_config_to_text (cfg);
      s->runs[k] = cari_store_create_run (store, strategies[k], 0, text, 1, 0, &error);
      g_assert_no_error (error);
      /* Verification: 8 pairs, separable for "proposed", one swap for "naive". */
      g_autoptr (CariEvalResult) v = result ("webcari.restricted", 1);
      add (v, "accuracy", 0.80 + 0.1 * k, 0.02);
      add (v, "auc", 0.9 + 0.05 * k, 0.01);
      add (v, "val@far=0.1%", 0.3, 0.05);
      add (v, "val@far=1%", 0.5, 0.05);
      add (v, "eer", 0.1, 0.02);
      add (v, "threshold", 0.5, -1);
      for (int i = 0; i < 8; i++)
        {
          gboolean same = i < 4;
          float score = same ? 0.9f - 0.1f * i : 0.1f * (i - 4);
          if (k == 0 && i == 3)
            score = 0.05f;
          CariPairScore p = { -1, -1, score, (guint8) same, (guint8) (i % 2) };
          g_array_append_val (v->pairs, p);
        }
      g_assert_cmpint (cari_store_save_evaluation (store, s->runs[k], 100, v, NULL, &error), >,
                       0);
      g_autoptr (CariEvalResult) c = result ("webcari.c2p", 1);
      add (c, "rank1", 0.4 + 0.2 * k, -1);
      add (c, "rank10", 0.9, -1);
      const double cmc[] = { 0.4 + 0.2 * k, 0.7, 0.9, 1.0 };
      g_array_append_vals (c->cmc, cmc, 4);
      g_assert_cmpint (cari_store_save_evaluation (store, s->runs[k], 100, c, NULL, &error), >,
                       0);
      /* Weights over steps: naive's cari weight 0.2, proposed's 0.2 + step/1000. */
      g_autoptr (GArray) rows = g_array_new (FALSE, FALSE, sizeof (CariMetric));
      for (int step = 1; step <= 50; step++)
        {
          if (k == 0 && step % 2 == 0)
            continue; /* naive records odd steps only: common steps are the odd ones */
          CariMetric m = { step, 1000.0 + step, "weight/cari", 0.2 + k * step / 1000.0 };
          g_array_append_val (rows, m);
        }
      g_assert_true (cari_store_append_metrics (store, s->runs[k], (CariMetric *) rows->data,
                                                rows->len, &error));
    }
}

static void
store_teardown (Store *s, gconstpointer data)
{
  ui_test_remove_tree (s->dir);
  g_free (s->db);
  g_free (s->dir);
}

static void
test_results_view (Store *s, gconstpointer data)
{
  g_autoptr (LabStoreGateway) gateway = lab_store_gateway_new (s->db);
  LabResultsView *view = g_object_ref_sink (LAB_RESULTS_VIEW (lab_results_view_new (gateway)));
  gboolean loaded = FALSE;
  g_signal_connect_swapped (view, "loaded", G_CALLBACK (ui_test_set_flag), &loaded);
  lab_results_view_set_run (view, s->runs[1], 100);
  ui_test_wait_flag (&loaded, "the results");
  GPtrArray *tables = lab_results_view_get_tables (view);
  /* Table 2 and 3 from restricted, Table 4 from C2P. */
  g_assert_cmpuint (tables->len, ==, 3);
  const CariCell *acc = cari_table_get_cell (g_ptr_array_index (tables, 0), 0, 0);
  g_assert_cmpfloat_with_epsilon (acc->value, 0.9, 1e-12);
  g_assert_cmpfloat_with_epsilon (acc->std, 0.02, 1e-12);
  g_assert_cmpuint (lab_curve_plot_get_n_curves (lab_results_view_get_plot (view, "roc")), ==, 1);
  g_assert_cmpuint (lab_curve_plot_get_n_curves (lab_results_view_get_plot (view, "det")), ==, 1);
  g_assert_cmpuint (lab_curve_plot_get_n_curves (lab_results_view_get_plot (view, "cmc-c2p")),
                    ==, 1);
  g_assert_cmpuint (lab_curve_plot_get_n_curves (lab_results_view_get_plot (view, "cmc-p2c")),
                    ==, 0);

  /* Beside the naive run: one more row, its figures its own. */
  loaded = FALSE;
  lab_results_view_set_other_runs (view, &s->runs[0], 1);
  ui_test_wait_flag (&loaded, "both runs");
  tables = lab_results_view_get_tables (view);
  g_assert_cmpint (cari_table_get_n_rows (g_ptr_array_index (tables, 0)), ==, 2);
  g_assert_cmpfloat_with_epsilon (cari_table_get_cell (g_ptr_array_index (tables, 0), 1, 0)->value,
                                  0.8, 1e-12);
  g_assert_cmpuint (lab_curve_plot_get_n_curves (lab_results_view_get_plot (view, "roc")), ==, 2);
  g_autofree char *csv = lab_results_view_export_tables (view, CARI_TABLE_CSV);
  g_assert_nonnull (strstr (csv, "\r\nproposed,90.0000,2.0000,"));
  g_assert_nonnull (strstr (csv, "\r\nnaive,80.0000,2.0000,"));
  g_autofree char *tex = lab_results_view_export_tables (view, CARI_TABLE_LATEX);
  g_assert_nonnull (strstr (tex, "proposed & $90.00 \\pm 2.00$"));

  ui_test_settle ();
  g_assert_finalize_object (view);
}

static gboolean
difference_ready (LabComparePage *page)
{
  lab_compare_page_update_difference (page);
  LabChartModel *model = lab_chart_get_model (lab_compare_page_get_overlay_chart (page, 2));
  LabSeries *d = model ? lab_chart_model_lookup (model, "diff/weight/cari") : NULL;
  return d != NULL && lab_series_get_n_points (d) >= 25;
}

static void
test_compare_difference (Store *s, gconstpointer data)
{
  g_autoptr (LabStoreGateway) gateway = lab_store_gateway_new (s->db);
  LabRunList *runs = lab_run_list_new (gateway);
  LabComparePage *page = g_object_ref_sink (LAB_COMPARE_PAGE (lab_compare_page_new (gateway, runs,
                                                                                    0)));
  /* The difference is the second run minus the first. */
  const gint64 chosen[] = { s->runs[0], s->runs[1] };
  lab_compare_page_set_runs (page, chosen, 2);
  g_autoptr (GArray) back = lab_compare_page_get_runs (page);
  g_assert_cmpuint (back->len, ==, 2);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!difference_ready (page))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  LabSeries *d = lab_chart_model_lookup (lab_chart_get_model (
                                           lab_compare_page_get_overlay_chart (page, 2)),
                                         "diff/weight/cari");
  /* Common steps only (the odd ones), each proposed − naive = step / 1000. */
  g_assert_cmpuint (lab_series_get_n_points (d), ==, 25);
  for (guint i = 0; i < lab_series_get_n_points (d); i++)
    {
      double step = lab_series_get_step (d, i);
      g_assert_cmpfloat (fmod (step, 2.0), ==, 1.0);
      g_assert_cmpfloat_with_epsilon (lab_series_get_value (d, i), step / 1000.0, 1e-12);
    }
  /* Updating again adds nothing twice. */
  lab_compare_page_update_difference (page);
  g_assert_cmpuint (lab_series_get_n_points (d), ==, 25);
  /* Fig. 6's grid: (a) is the first run's weights. */
  lab_compare_page_set_layout (page, LAB_COMPARE_GRID);
  g_assert_cmpint (lab_compare_page_get_layout (page), ==, LAB_COMPARE_GRID);
  LabChartModel *a = lab_chart_get_model (lab_compare_page_get_grid_chart (page, 0));
  g_assert_nonnull (lab_chart_model_lookup (a, "weight/cari"));
  g_assert_cmpuint (lab_series_get_n_points (lab_chart_model_lookup (a, "weight/cari")), ==, 25);

  ui_test_settle ();
  g_assert_finalize_object (page);
  g_object_unref (runs);
}

int
main (int argc, char *argv[])
{
  if (!ui_test_init (&argc, &argv))
    return 0;
  g_test_add_func ("/analysis/probit", test_probit);
  g_test_add_func ("/analysis/plot-mapping", test_plot_mapping);
  g_test_add ("/analysis/results-view", Store, NULL, store_setup, test_results_view,
              store_teardown);
  g_test_add ("/analysis/compare-difference", Store, NULL, store_setup, test_compare_difference,
              store_teardown);
  return g_test_run ();
}
