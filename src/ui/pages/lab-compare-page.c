/* lab-compare-page.c — runs side by side.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "lab-compare-page.h"
#include "lab-export-dialog.h"
#include "lab-page.h"
#include "lab-run-watch.h"

static const char *const tasks[] = { "verif", "cari", "visual" };

typedef struct
{
  gint64 id;
  char *name;
  char *strategy;
  gboolean listed; /* name and strategy from the run list; "Run N" until it knows the run */
  LabRunWatch *watch;
} Source;

struct _LabComparePage
{
  AdwBin parent_instance;

  /* owned */
  LabStoreGateway *gateway;
  LabRunList *runs;
  guint interval_ms;
  GPtrArray *sources;     /* of Source *, in the order the runs were chosen */
  LabChartModel *weights; /* overlay: keys "<run>/weight/<task>" */
  LabChartModel *losses;
  LabChartModel *difference;
  LabChartModel *grid[4];
  LabCompareLayout layout;
  guint difference_timer;
  gboolean updating_boxes;

  /* template */
  GtkListBox *run_box;
  GtkToggleButton *overlay_button;
  GtkToggleButton *grid_button;
  GtkToggleButton *difference_button;
  GtkAdjustment *smoothing_adjustment;
  GtkStack *stack;
  LabChart *weights_chart;
  LabChart *losses_chart;
  LabChart *difference_chart;
  LabChart *grid_a;
  LabChart *grid_b;
  LabChart *grid_c;
  LabChart *grid_d;
};

G_DEFINE_FINAL_TYPE (LabComparePage, lab_compare_page, ADW_TYPE_BIN)

static void
source_free (Source *s)
{
  g_free (s->name);
  g_free (s->strategy);
  g_clear_object (&s->watch);
  g_free (s);
}

static LabChart *
grid_chart (LabComparePage *self, int which)
{
  LabChart *charts[] = { self->grid_a, self->grid_b, self->grid_c, self->grid_d };
  return charts[which];
}

/* ------------------------------------------------------------------------------ models */

static void
add_task_series (LabChartModel *model, const char *prefix, const char *what, const char *label,
                 LabLineStyle style)
{
  for (size_t t = 0; t < G_N_ELEMENTS (tasks); t++)
    {
      g_autofree char *key = g_strdup_printf ("%s%s/%s", prefix, what, tasks[t]);
      g_autofree char *text = label != NULL ? g_strdup_printf ("%s · %s", label, tasks[t])
                                            : g_strdup (tasks[t]);
      lab_chart_model_add_series (model, key, text, lab_series_role_for_key (key), style);
    }
}

static void
rebuild_models (LabComparePage *self)
{
  g_clear_object (&self->weights);
  g_clear_object (&self->losses);
  g_clear_object (&self->difference);
  self->weights = lab_chart_model_new ();
  self->losses = lab_chart_model_new ();
  self->difference = lab_chart_model_new ();
  for (int g = 0; g < 4; g++)
    {
      g_clear_object (&self->grid[g]);
      self->grid[g] = lab_chart_model_new ();
    }
  for (guint i = 0; i < self->sources->len; i++)
    {
      Source *s = g_ptr_array_index (self->sources, i);
      g_autofree char *prefix = g_strdup_printf ("%lld/", (long long) s->id);
      LabLineStyle style = cari_plot_line_style_for_strategy (s->strategy);
      add_task_series (self->weights, prefix, "weight", s->name, style);
      add_task_series (self->losses, prefix, "loss", s->name, style);
      if (i < 2)
        {
          add_task_series (self->grid[i], "", "weight", NULL, style);
          add_task_series (self->grid[2 + i], "", "loss", NULL, style);
        }
    }
  if (self->sources->len >= 2)
    {
      Source *a = g_ptr_array_index (self->sources, 0), *b = g_ptr_array_index (self->sources, 1);
      g_autofree char *label = g_strdup_printf (_("%s − %s"), b->name, a->name);
      add_task_series (self->difference, "diff/", "weight", label, LAB_LINE_STYLE_SOLID);
    }
  lab_chart_set_model (self->weights_chart, self->weights);
  lab_chart_set_model (self->losses_chart, self->losses);
  lab_chart_set_model (self->difference_chart, self->difference);
  static const char *const letters[] = { "(a)", "(b)", "(c)", "(d)" };
  for (int g = 0; g < 4; g++)
    {
      lab_chart_set_model (grid_chart (self, g), self->grid[g]);
      Source *s = (guint) (g % 2) < self->sources->len ? g_ptr_array_index (self->sources, g % 2)
                                                       : NULL;
      g_autofree char *title = s == NULL ? g_strdup (letters[g])
                               : g < 2   ? g_strdup_printf (_("%s weights of %s"), letters[g],
                                                            s->name)
                                         : g_strdup_printf (_("%s losses of %s"), letters[g],
                                                            s->name);
      lab_chart_set_title (grid_chart (self, g), title);
    }
}

/* The second run's weight minus the first's at every step both have. */
void
lab_compare_page_update_difference (LabComparePage *self)
{
  g_return_if_fail (LAB_IS_COMPARE_PAGE (self));
  g_clear_handle_id (&self->difference_timer, g_source_remove);
  if (self->sources->len < 2)
    return;
  Source *a = g_ptr_array_index (self->sources, 0), *b = g_ptr_array_index (self->sources, 1);
  for (size_t t = 0; t < G_N_ELEMENTS (tasks); t++)
    {
      g_autofree char *ka = g_strdup_printf ("%lld/weight/%s", (long long) a->id, tasks[t]);
      g_autofree char *kb = g_strdup_printf ("%lld/weight/%s", (long long) b->id, tasks[t]);
      g_autofree char *kd = g_strdup_printf ("diff/weight/%s", tasks[t]);
      LabSeries *sa = lab_chart_model_lookup (self->weights, ka);
      LabSeries *sb = lab_chart_model_lookup (self->weights, kb);
      LabSeries *sd = lab_chart_model_lookup (self->difference, kd);
      if (sa == NULL || sb == NULL || sd == NULL)
        continue;
      /* Append only the common steps beyond what the difference already has. */
      guint have = lab_series_get_n_points (sd);
      double after = have > 0 ? lab_series_get_step (sd, have - 1) : -INFINITY;
      g_autoptr (GArray) points = g_array_new (FALSE, FALSE, sizeof (LabPoint));
      guint nb = lab_series_get_n_points (sb);
      guint j = lab_series_upper_bound (sb, LAB_X_AXIS_STEP, 0.0, after);
      guint i = lab_series_upper_bound (sa, LAB_X_AXIS_STEP, 0.0, after);
      guint na = lab_series_get_n_points (sa);
      while (i < na && j < nb)
        {
          double x = lab_series_get_step (sa, i), y = lab_series_get_step (sb, j);
          if (x < y)
            i++;
          else if (y < x)
            j++;
          else
            {
              LabPoint p = { x, lab_series_get_wall_time (sb, j),
                             lab_series_get_value (sb, j) - lab_series_get_value (sa, i) };
              g_array_append_val (points, p);
              i++;
              j++;
            }
        }
      if (points->len > 0)
        lab_series_append_points (sd, (const LabPoint *) (void *) points->data, points->len);
    }
}

static gboolean
difference_timeout (gpointer data)
{
  LabComparePage *self = data;
  self->difference_timer = 0;
  lab_compare_page_update_difference (self);
  return G_SOURCE_REMOVE;
}

static void
on_rows (LabRunWatch *watch, GArray *rows, gpointer data)
{
  LabComparePage *self = data;
  Source *s = NULL;
  guint index = 0;
  for (guint i = 0; i < self->sources->len; i++)
    if (((Source *) g_ptr_array_index (self->sources, i))->watch == watch)
      {
        s = g_ptr_array_index (self->sources, i);
        index = i;
      }
  if (s == NULL || rows->len == 0)
    return;
  g_autoptr (GStringChunk) keys = g_string_chunk_new (4096);
  g_autofree LabMetricRow *plain = lab_page_chart_rows (rows);
  g_autofree LabMetricRow *prefixed = lab_page_chart_rows (rows);
  for (guint i = 0; i < rows->len; i++)
    {
      g_autofree char *key = g_strdup_printf ("%lld/%s", (long long) s->id, plain[i].key);
      prefixed[i].key = g_string_chunk_insert (keys, key);
    }
  lab_chart_model_append_rows (self->weights, prefixed, rows->len);
  lab_chart_model_append_rows (self->losses, prefixed, rows->len);
  if (index < 2)
    {
      lab_chart_model_append_rows (self->grid[index], plain, rows->len);
      lab_chart_model_append_rows (self->grid[2 + index], plain, rows->len);
    }
  if (self->difference_timer == 0)
    self->difference_timer = g_timeout_add (1000, difference_timeout, self);
}

static void
on_reset (LabRunWatch *watch, gint64 from, gpointer data)
{
  /* A resumed run rewrote steps: read every run again. */
  LabComparePage *self = data;
  g_autoptr (GArray) ids = lab_compare_page_get_runs (self);
  lab_compare_page_set_runs (self, (const gint64 *) (void *) ids->data, (int) ids->len);
}

/* ------------------------------------------------------------------------------ sidebar */

static void update_stack (LabComparePage *self);

static void
on_check_toggled (GtkCheckButton *check, LabComparePage *self)
{
  if (self->updating_boxes)
    return;
  gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (check), "run-id"));
  g_autoptr (GArray) ids = lab_compare_page_get_runs (self);
  if (gtk_check_button_get_active (check))
    g_array_append_val (ids, id);
  else
    for (guint i = 0; i < ids->len; i++)
      if (g_array_index (ids, gint64, i) == id)
        g_array_remove_index (ids, i--);
  lab_compare_page_set_runs (self, (const gint64 *) (void *) ids->data, (int) ids->len);
}

static gboolean
is_chosen (LabComparePage *self, gint64 id)
{
  for (guint i = 0; i < self->sources->len; i++)
    if (((Source *) g_ptr_array_index (self->sources, i))->id == id)
      return TRUE;
  return FALSE;
}

static void
rebuild_sidebar (LabComparePage *self)
{
  GtkWidget *child;
  self->updating_boxes = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->run_box))) != NULL)
    gtk_list_box_remove (self->run_box, child);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->runs));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (LabRunItem) item = g_list_model_get_item (G_LIST_MODEL (self->runs), i);
      g_autofree char *label = g_strdup_printf ("%s (%s)", lab_run_item_get_name (item),
                                                lab_run_item_get_strategy (item));
      GtkWidget *check = gtk_check_button_new_with_label (label);
      g_object_set_data (G_OBJECT (check), "run-id",
                         GSIZE_TO_POINTER ((gsize) lab_run_item_get_id (item)));
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   is_chosen (self, lab_run_item_get_id (item)));
      g_signal_connect_object (check, "toggled", G_CALLBACK (on_check_toggled), self, 0);
      gtk_list_box_append (self->run_box, check);
    }
  self->updating_boxes = FALSE;
}

static void
on_runs_changed (GListModel *model, guint position, guint removed, guint added,
                 LabComparePage *self)
{
  rebuild_sidebar (self);
}

/* Runs compared before the list knew them are read again under their names and styles. */
static void
on_runs_refreshed (LabRunList *runs, LabComparePage *self)
{
  for (guint i = 0; i < self->sources->len; i++)
    {
      Source *s = g_ptr_array_index (self->sources, i);
      if (!s->listed && lab_run_list_find (runs, s->id) != NULL)
        {
          g_autoptr (GArray) ids = lab_compare_page_get_runs (self);
          lab_compare_page_set_runs (self, (const gint64 *) (void *) ids->data, (int) ids->len);
          return;
        }
    }
}

/* ------------------------------------------------------------------------------ layout */

static void
update_stack (LabComparePage *self)
{
  const char *name = self->sources->len == 0                ? "empty"
                     : self->layout == LAB_COMPARE_GRID     ? "grid"
                                                            : "overlay";
  gtk_stack_set_visible_child_name (self->stack, name);
  gboolean two = self->sources->len >= 2;
  gtk_widget_set_sensitive (GTK_WIDGET (self->difference_button), two);
  gtk_widget_set_visible (GTK_WIDGET (self->difference_chart),
                          two && gtk_toggle_button_get_active (self->difference_button));
}

static void
on_layout_toggled (GtkToggleButton *button, LabComparePage *self)
{
  self->layout = gtk_toggle_button_get_active (self->grid_button) ? LAB_COMPARE_GRID
                                                                  : LAB_COMPARE_OVERLAY;
  update_stack (self);
}

static void
on_smoothing_changed (GtkAdjustment *adjustment, LabComparePage *self)
{
  double s = gtk_adjustment_get_value (adjustment);
  LabChart *charts[] = { self->weights_chart, self->losses_chart, self->difference_chart,
                         self->grid_a, self->grid_b, self->grid_c, self->grid_d };
  for (size_t i = 0; i < G_N_ELEMENTS (charts); i++)
    lab_chart_set_smoothing (charts[i], s);
}

/* ------------------------------------------------------------------------------ export */

/* The charts shown, one file each in the chosen folder. */
static char *
write_charts (GtkWidget *source, const char *dir, const char *format, gpointer data,
              GError **error)
{
  LabComparePage *self = LAB_COMPARE_PAGE (source);
  const gboolean grid = self->layout == LAB_COMPARE_GRID;
  struct
  {
    LabChart *chart;
    const char *name;
  } charts[] = {
    { grid ? self->grid_a : self->weights_chart, grid ? "fig6-a" : "compare-weights" },
    { grid ? self->grid_b : self->losses_chart, grid ? "fig6-b" : "compare-losses" },
    { grid ? self->grid_c : self->difference_chart, grid ? "fig6-c" : "compare-difference" },
    { grid ? self->grid_d : NULL, "fig6-d" },
  };
  int written = 0;
  for (size_t i = 0; i < G_N_ELEMENTS (charts); i++)
    {
      if (charts[i].chart == NULL
          || (charts[i].chart == self->difference_chart
              && !gtk_widget_get_visible (GTK_WIDGET (self->difference_chart))))
        continue;
      g_autofree char *file = g_strdup_printf ("%s.%s", charts[i].name, format);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      gboolean ok = g_strcmp0 (format, "csv") == 0
                      ? lab_chart_export_csv (charts[i].chart, path, error)
                      : lab_chart_export (charts[i].chart, path, lab_export_format (format),
                                          grid ? 800 : 1200, grid ? 400 : 480, error);
      if (!ok)
        return NULL;
      written++;
    }
  return g_strdup_printf (ngettext ("Saved %d chart in %s", "Saved %d charts in %s", written),
                          written, dir);
}

static void
export_action (GtkWidget *widget, const char *action, GVariant *param)
{
  lab_export_dialog_run (widget, _("Export the Charts to a Folder"),
                         g_variant_get_string (param, NULL), NULL, write_charts, NULL, NULL);
}

/* ------------------------------------------------------------------------------ public */

GtkWidget *
lab_compare_page_new (LabStoreGateway *gateway, LabRunList *runs, guint interval_ms)
{
  g_return_val_if_fail (LAB_IS_STORE_GATEWAY (gateway), NULL);
  g_return_val_if_fail (LAB_IS_RUN_LIST (runs), NULL);
  LabComparePage *self = g_object_new (LAB_TYPE_COMPARE_PAGE, NULL);
  self->gateway = g_object_ref (gateway);
  self->runs = g_object_ref (runs);
  self->interval_ms = interval_ms;
  g_signal_connect_object (runs, "items-changed", G_CALLBACK (on_runs_changed), self, 0);
  g_signal_connect_object (runs, "refreshed", G_CALLBACK (on_runs_refreshed), self, 0);
  rebuild_sidebar (self);
  rebuild_models (self);
  update_stack (self);
  return GTK_WIDGET (self);
}

void
lab_compare_page_set_runs (LabComparePage *self, const gint64 *runs, int n)
{
  g_return_if_fail (LAB_IS_COMPARE_PAGE (self));
  g_clear_handle_id (&self->difference_timer, g_source_remove);
  g_ptr_array_set_size (self->sources, 0);
  gboolean unknown = FALSE;
  for (int i = 0; i < n; i++)
    {
      if (is_chosen (self, runs[i]))
        continue;
      Source *s = g_new0 (Source, 1);
      s->id = runs[i];
      LabRunItem *item = lab_run_list_find (self->runs, runs[i]);
      s->listed = item != NULL;
      s->name = item != NULL ? g_strdup (lab_run_item_get_name (item))
                             : g_strdup_printf (_("Run %lld"), (long long) runs[i]);
      s->strategy = g_strdup (item != NULL ? lab_run_item_get_strategy (item) : "");
      unknown |= item == NULL;
      g_ptr_array_add (self->sources, s);
    }
  rebuild_models (self);
  for (guint i = 0; i < self->sources->len; i++)
    {
      Source *s = g_ptr_array_index (self->sources, i);
      s->watch = lab_run_watch_new (self->gateway, s->id, self->interval_ms);
      g_signal_connect_object (s->watch, "rows", G_CALLBACK (on_rows), self, 0);
      g_signal_connect_object (s->watch, "reset", G_CALLBACK (on_reset), self, 0);
    }
  rebuild_sidebar (self);
  update_stack (self);
  /* A run the list does not know yet (just created): its name and strategy come with the next
   * refresh. */
  if (unknown)
    lab_run_list_refresh (self->runs);
}

GArray *
lab_compare_page_get_runs (LabComparePage *self)
{
  g_return_val_if_fail (LAB_IS_COMPARE_PAGE (self), NULL);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < self->sources->len; i++)
    g_array_append_val (ids, ((Source *) g_ptr_array_index (self->sources, i))->id);
  return ids;
}

void
lab_compare_page_set_layout (LabComparePage *self, LabCompareLayout layout)
{
  g_return_if_fail (LAB_IS_COMPARE_PAGE (self));
  gtk_toggle_button_set_active (layout == LAB_COMPARE_GRID ? self->grid_button
                                                           : self->overlay_button,
                                TRUE);
}

LabCompareLayout
lab_compare_page_get_layout (LabComparePage *self)
{
  g_return_val_if_fail (LAB_IS_COMPARE_PAGE (self), LAB_COMPARE_OVERLAY);
  return self->layout;
}

void
lab_compare_page_set_difference (LabComparePage *self, gboolean shown)
{
  g_return_if_fail (LAB_IS_COMPARE_PAGE (self));
  gtk_toggle_button_set_active (self->difference_button, shown);
}

LabChart *
lab_compare_page_get_overlay_chart (LabComparePage *self, int which)
{
  g_return_val_if_fail (LAB_IS_COMPARE_PAGE (self), NULL);
  LabChart *charts[] = { self->weights_chart, self->losses_chart, self->difference_chart };
  g_return_val_if_fail (which >= 0 && which < 3, NULL);
  return charts[which];
}

LabChart *
lab_compare_page_get_grid_chart (LabComparePage *self, int which)
{
  g_return_val_if_fail (LAB_IS_COMPARE_PAGE (self), NULL);
  g_return_val_if_fail (which >= 0 && which < 4, NULL);
  return grid_chart (self, which);
}

/* ------------------------------------------------------------------------------ GObject */

static void
lab_compare_page_dispose (GObject *object)
{
  LabComparePage *self = LAB_COMPARE_PAGE (object);
  g_clear_handle_id (&self->difference_timer, g_source_remove);
  if (self->sources != NULL)
    g_ptr_array_set_size (self->sources, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_COMPARE_PAGE);
  g_clear_object (&self->weights);
  g_clear_object (&self->losses);
  g_clear_object (&self->difference);
  for (int g = 0; g < 4; g++)
    g_clear_object (&self->grid[g]);
  g_clear_object (&self->runs);
  g_clear_object (&self->gateway);
  G_OBJECT_CLASS (lab_compare_page_parent_class)->dispose (object);
}

static void
lab_compare_page_finalize (GObject *object)
{
  LabComparePage *self = LAB_COMPARE_PAGE (object);
  g_ptr_array_unref (self->sources);
  G_OBJECT_CLASS (lab_compare_page_parent_class)->finalize (object);
}

static void
lab_compare_page_class_init (LabComparePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_compare_page_dispose;
  object_class->finalize = lab_compare_page_finalize;

  g_type_ensure (LAB_TYPE_CHART);
  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/carilab/CariLab/ui/lab-compare-page.ui");
  gtk_widget_class_bind_template_child (widget_class, LabComparePage, run_box);
  gtk_widget_class_bind_template_child (widget_class, LabComparePage, overlay_button);
  gtk_widget_class_bind_template_child (widget_class, LabComparePage, grid_button);
  gtk_widget_class_bind_template_child (widget_class, LabComparePage, difference_button);
  gtk_widget_class_bind_template_child (widget_class, LabComparePage, smoothing_adjustment);
  gtk_widget_class_bind_template_child (widget_class, LabComparePage, stack);
  gtk_widget_class_bind_template_child (widget_class, LabComparePage, weights_chart);
  gtk_widget_class_bind_template_child (widget_class, LabComparePage, losses_chart);
  gtk_widget_class_bind_template_child (widget_class, LabComparePage, difference_chart);
  gtk_widget_class_bind_template_child (widget_class, LabComparePage, grid_a);
  gtk_widget_class_bind_template_child (widget_class, LabComparePage, grid_b);
  gtk_widget_class_bind_template_child (widget_class, LabComparePage, grid_c);
  gtk_widget_class_bind_template_child (widget_class, LabComparePage, grid_d);
  gtk_widget_class_install_action (widget_class, "compare.export", "s", export_action);
}

static void
lab_compare_page_init (LabComparePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->sources = g_ptr_array_new_with_free_func ((GDestroyNotify) source_free);

  lab_chart_set_title (self->weights_chart, _("Task weights"));
  lab_chart_set_y_label (self->weights_chart, _("weight"));
  lab_chart_set_title (self->losses_chart, _("Task losses"));
  lab_chart_set_y_label (self->losses_chart, _("loss"));
  lab_chart_set_title (self->difference_chart, _("Weight difference"));
  lab_chart_set_y_label (self->difference_chart, _("Δ weight"));
  lab_chart_link_x (self->weights_chart, self->losses_chart);
  lab_chart_link_x (self->weights_chart, self->difference_chart);
  lab_chart_link_x (self->grid_a, self->grid_b);
  lab_chart_link_x (self->grid_a, self->grid_c);
  lab_chart_link_x (self->grid_a, self->grid_d);
  for (int g = 0; g < 4; g++)
    lab_chart_set_y_label (grid_chart (self, g), g < 2 ? _("weight") : _("loss"));

  g_signal_connect_object (self->overlay_button, "toggled", G_CALLBACK (on_layout_toggled), self,
                           0);
  g_signal_connect_object (self->grid_button, "toggled", G_CALLBACK (on_layout_toggled), self, 0);
  g_signal_connect_object (self->difference_button, "toggled", G_CALLBACK (on_layout_toggled),
                           self, 0);
  g_signal_connect_object (self->smoothing_adjustment, "value-changed",
                           G_CALLBACK (on_smoothing_changed), self, 0);
  gtk_adjustment_set_value (self->smoothing_adjustment, LAB_CHART_DEFAULT_SMOOTHING);
}
