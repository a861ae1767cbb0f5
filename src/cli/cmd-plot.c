/* cmd-plot.c — `carilab-cli plot`: the task weights or losses of one or more runs over their
 * steps (the paper's Fig. 6 and 7 panels), from the run store, drawn headless by carilab-plot
 * into a PNG, SVG or PDF file with the workbench's chart. */
#include "cli.h"

#include <cari.h>
#include <glib/gi18n.h>

#include "plot.h"

/* A task's line takes its task's colour. */
G_STATIC_ASSERT ((int) CARI_PLOT_ROLE_VERIF == CARI_TASK_VERIF
                 && (int) CARI_PLOT_ROLE_CARI == CARI_TASK_CARI
                 && (int) CARI_PLOT_ROLE_VISUAL == CARI_TASK_VISUAL);

typedef struct
{
  char *name;
  CariPlotLineStyle line_style;           /* its strategy's */
  CariPlotSeries *series[CARI_N_TASKS];   /* NULL for a task the run has no metric of */
} PlotRun;

static void
plot_run_free (PlotRun *run)
{
  g_free (run->name);
  for (int t = 0; t < CARI_N_TASKS; t++)
    cari_plot_series_free (run->series[t]);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PlotRun, plot_run_free)

/* A run's name, strategy and the metrics "<prefix><task>" of its three tasks, smoothed. */
static PlotRun *
load_run (CariStore *store, const char *name_or_id, const char *prefix, double smoothing,
          GError **error)
{
  gint64 id;
  if (!cari_store_find_run (store, name_or_id, &id, error))
    return NULL;
  g_autoptr (CariRunInfo) info = cari_store_get_run (store, id, error);
  g_autoptr (CariRunConfig) config = info ? cari_run_config_new (info->config, error) : NULL;
  g_autoptr (GArray) rows = config ? cari_store_metrics_with_prefix (store, id, prefix, error)
                                   : NULL;
  if (rows == NULL)
    return NULL;

  g_autoptr (PlotRun) run = g_new0 (PlotRun, 1);
  GArray *points[CARI_N_TASKS];
  for (int t = 0; t < CARI_N_TASKS; t++)
    points[t] = g_array_new (FALSE, FALSE, sizeof (CariPlotPoint));
  run->name = g_strdup (info->name);
  run->line_style
    = cari_plot_line_style_for_strategy (cari_strategy_to_string (config->strategy));
  for (guint i = 0; i < rows->len; i++)
    {
      const CariMetricRow *row = &g_array_index (rows, CariMetricRow, i);
      CariTask task;
      /* Other keys under the prefix (loss/l4, loss/total) are not a task's. */
      if (!cari_task_from_string (row->key + strlen (prefix), &task, NULL))
        continue;
      CariPlotPoint point = { row->step, row->wall_time, row->value };
      g_array_append_val (points[task], point);
    }
  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      if (points[t]->len > 0)
        {
          g_autofree char *key = g_strconcat (prefix, cari_task_names[t], NULL);
          run->series[t] = cari_plot_series_new (key);
          cari_plot_series_set_smoothing (run->series[t], smoothing);
          cari_plot_series_append (run->series[t],
                                   (const CariPlotPoint *) (gpointer) points[t]->data,
                                   points[t]->len);
        }
      g_array_unref (points[t]);
    }
  return g_steal_pointer (&run);
}

static void
draw_chart (cairo_t *cr, int width, int height, gpointer data)
{
  CariPlotChart *chart = data;
  CariPlotStyle style;

  /* As the workbench exports its charts: the paper's style, unhinted text. */
  cari_plot_style_init_paper (&style);
  style.unhinted = TRUE;
  cari_plot_chart_render (cr, &style, chart, width, height, NULL, NULL);
}

int
cmd_plot (int argc, char **argv)
{
  g_autofree char *db = NULL, *metric = NULL, *output = NULL;
  g_auto (GStrv) run_args = NULL;
  int width = 800, height = 400;
  double smoothing = 0.6;
  gboolean log_y = FALSE;
  GOptionEntry entries[] = {
    cli_db_option (&db),
    { "run", 'r', 0, G_OPTION_ARG_STRING_ARRAY, &run_args,
      N_("A run to draw (id or name); repeat it to compare runs"), N_("RUN") },
    { "metric", 'm', 0, G_OPTION_ARG_STRING, &metric,
      N_("What to draw: weights (default) or losses"), N_("METRIC") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("The file to write: .png, .svg or .pdf"), N_("FILE") },
    { "width", 0, 0, G_OPTION_ARG_INT, &width,
      N_("Width in pixels (PNG) or points (SVG, PDF; default 800)"), N_("N") },
    { "height", 0, 0, G_OPTION_ARG_INT, &height,
      N_("Height in pixels or points (default 400)"), N_("N") },
    { "smoothing", 0, 0, G_OPTION_ARG_DOUBLE, &smoothing,
      N_("Weight of the moving average drawn over the raw values, 0 to 0.999; 0 draws the raw "
         "values only (default 0.6)"), N_("W") },
    { "log-y", 0, 0, G_OPTION_ARG_NONE, &log_y, N_("A logarithmic y axis"), NULL },
    { NULL },
  };
  g_autoptr (GError) error = NULL;
  CariPlotFormat format;

  if (!cli_parse_command (&argc, &argv,
                          _("Draw the task weights or losses of runs over their steps (the "
                            "paper's Fig. 6 and 7) into a PNG, SVG or PDF file. Line colours are "
                            "the tasks' (verif blue, cari grey, visual orange), dashes the "
                            "strategies' (proposed solid, naive dashed, static dotted); a run whose "
                            "strategy an earlier run already drew takes a dash still free."),
                          entries))
    return CLI_EXIT_USAGE;
  if (run_args == NULL || run_args[0] == NULL)
    {
      g_printerr (_("%s: give the run with --run\n"), argv[0]);
      return CLI_EXIT_USAGE;
    }
  if (output == NULL)
    {
      g_printerr (_("%s: give the file to write with --output\n"), argv[0]);
      return CLI_EXIT_USAGE;
    }
  if (!cari_plot_format_from_path (output, &format))
    {
      g_printerr (_("%s: cannot tell the format of “%s”: its name should end in .png, .svg or "
                    ".pdf\n"),
                  argv[0], output);
      return CLI_EXIT_USAGE;
    }
  gboolean losses = g_strcmp0 (metric, "losses") == 0;
  if (metric != NULL && !losses && g_strcmp0 (metric, "weights") != 0)
    {
      g_printerr (_("%s: --metric is weights or losses, not “%s”\n"), argv[0], metric);
      return CLI_EXIT_USAGE;
    }
  if (width < 64 || width > 20000 || height < 64 || height > 20000)
    {
      g_printerr (_("%s: --width and --height must be between 64 and 20000 (got %d × %d)\n"),
                  argv[0], width, height);
      return CLI_EXIT_USAGE;
    }
  if (!(smoothing >= 0 && smoothing <= CARI_PLOT_MAX_SMOOTHING))
    {
      g_printerr (_("%s: --smoothing must be between 0 and 0.999 (got %g)\n"), argv[0], smoothing);
      return CLI_EXIT_USAGE;
    }

  const char *prefix = losses ? "loss/" : "weight/";
  g_autoptr (CariStore) store = cli_open_store (db, TRUE, &error);
  if (store == NULL)
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  g_autoptr (GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) plot_run_free);
  g_autoptr (GArray) lines = g_array_new (FALSE, FALSE, sizeof (CariPlotLine));
  g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  guint n_runs = g_strv_length (run_args);
  CariPlotStyle colours;
  cari_plot_style_init_paper (&colours);
  gboolean style_taken[CARI_PLOT_LINE_STYLE_DOTTED + 1] = { FALSE };
  for (guint r = 0; r < n_runs; r++)
    {
      PlotRun *run = load_run (store, run_args[r], prefix, smoothing, &error);
      if (run == NULL)
        return cli_report (argv[0], error, CLI_EXIT_FAILURE);
      g_ptr_array_add (runs, run);
      /* Two runs of one strategy (two seeds, two builds) would draw alike: the later one takes
       * a dash no earlier run has, while one is left. */
      if (style_taken[run->line_style])
        for (int k = CARI_PLOT_LINE_STYLE_SOLID; k <= CARI_PLOT_LINE_STYLE_DOTTED; k++)
          if (!style_taken[k])
            {
              run->line_style = (CariPlotLineStyle) k;
              break;
            }
      style_taken[run->line_style] = TRUE;
      for (int t = 0; t < CARI_N_TASKS; t++)
        {
          if (run->series[t] == NULL)
            continue;
          /* Several runs: each line says whose it is. */
          char *label = n_runs > 1 ? g_strdup_printf ("%s %s", run->name, cari_task_names[t])
                                   : g_strdup (cari_task_names[t]);
          CariPlotLine line = { run->series[t], label, { 0 }, run->line_style, 0 };
          g_ptr_array_add (labels, label);
          cari_plot_style_series_color (&colours, (CariPlotRole) t, 0, &line.color);
          g_array_append_val (lines, line);
        }
    }

  CariPlotChart chart = {
    .title = losses ? _("Task losses") : _("Task weights"),
    .y_label = losses ? _("loss") : _("weight"),
    .x_axis = CARI_PLOT_X_AXIS_STEP,
    .log_y = log_y,
    .smoothed = smoothing > 0,
    .lines = (const CariPlotLine *) (gpointer) lines->data,
    .n_lines = lines->len,
    .device_scale = 1,
  };
  if (!cari_plot_chart_x_range (chart.lines, chart.n_lines, chart.x_axis, &chart.x_lower,
                                &chart.x_upper))
    {
      if (n_runs > 1)
        g_printerr (_("%s: none of the %u runs has %s… metrics\n"), argv[0], n_runs, prefix);
      else
        g_printerr (_("%s: run “%s” has no %s… metrics\n"), argv[0], run_args[0], prefix);
      return CLI_EXIT_FAILURE;
    }
  if (chart.x_upper - chart.x_lower <= 0)
    {
      /* A single step: as the workbench's chart shows it. */
      chart.x_lower -= 0.5;
      chart.x_upper += 0.5;
    }
  if (!cari_plot_export (output, format, width, height, chart.title, draw_chart, &chart, &error))
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  printf ("%s\n", output);
  return CLI_EXIT_OK;
}
