/* lab-page.c — what the pages share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "lab-page.h"

void
lab_page_toast (GtkWidget *page, const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (page));
  if (!gtk_widget_activate_action (page, "win.toast", "s", text))
    g_message ("%s", text);
}

void
lab_page_toast_printf (GtkWidget *page, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *text = g_strdup_vprintf (format, args);
  va_end (args);
  lab_page_toast (page, text);
}

void
lab_page_show_analysis (GtkWidget *page, gint64 run, gint64 step)
{
  g_return_if_fail (GTK_IS_WIDGET (page));
  gtk_widget_activate_action (page, "win.show-analysis", "(xx)", run, step);
}

GtkWindow *
lab_page_get_window (GtkWidget *page)
{
  g_return_val_if_fail (GTK_IS_WIDGET (page), NULL);
  GtkRoot *root = gtk_widget_get_root (page);
  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

AdwMessageDialog *
lab_page_ask (GtkWidget *page, const char *heading, const char *body, const char *response,
              const char *label, AdwResponseAppearance appearance, GCallback on_response,
              gpointer data)
{
  g_return_val_if_fail (GTK_IS_WIDGET (page), NULL);
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
    adw_message_dialog_new (lab_page_get_window (page), heading, body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), response, label, NULL);
  adw_message_dialog_set_response_appearance (dialog, response, appearance);
  adw_message_dialog_set_default_response (
    dialog, appearance == ADW_RESPONSE_DESTRUCTIVE ? "cancel" : response);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_autofree char *signal = g_strdup_printf ("response::%s", response);
  g_signal_connect_object (dialog, signal, on_response, data, 0);
  return dialog;
}

void
lab_page_add_validation_series (LabChartModel *model)
{
  static const struct
  {
    const char *key, *label;
    LabSeriesRole role;
    LabLineStyle style;
  } keys[] = {
    { "val/verif_acc", "verif-id", LAB_SERIES_ROLE_VERIF, LAB_LINE_STYLE_SOLID },
    { "val/cari_acc", "cari-id (C2C)", LAB_SERIES_ROLE_CARI, LAB_LINE_STYLE_SOLID },
    { "val/visual_acc", "visual-id (V2V)", LAB_SERIES_ROLE_VISUAL, LAB_LINE_STYLE_SOLID },
    { "val/c2v_acc", "C2V", LAB_SERIES_ROLE_CARI, LAB_LINE_STYLE_DOTTED },
    { "val/v2c_acc", "V2C", LAB_SERIES_ROLE_VISUAL, LAB_LINE_STYLE_DOTTED },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (keys); i++)
    lab_chart_model_add_series (model, keys[i].key, keys[i].label, keys[i].role, keys[i].style);
}

void
lab_page_set_margins (GtkWidget *widget, int top, int end, int bottom, int start)
{
  gtk_widget_set_margin_top (widget, top);
  gtk_widget_set_margin_end (widget, end);
  gtk_widget_set_margin_bottom (widget, bottom);
  gtk_widget_set_margin_start (widget, start);
}

LabMetricRow *
lab_page_chart_rows (GArray *rows)
{
  LabMetricRow *out = g_new (LabMetricRow, MAX (rows->len, 1));
  for (guint i = 0; i < rows->len; i++)
    {
      const CariMetricRow *r = &g_array_index (rows, CariMetricRow, i);
      out[i] = (LabMetricRow) { r->key, (double) r->step, r->wall_time, r->value };
    }
  return out;
}

void
lab_page_list_datasets_job (GTask *task, CariStore *store, gpointer data,
                            GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *infos = cari_store_list_datasets (store, &error);
  lab_store_job_return (task, infos, (GDestroyNotify) g_ptr_array_unref, error);
}

const CariDatasetInfo *
lab_page_find_dataset (GPtrArray *datasets, const char *name)
{
  for (guint i = 0; datasets != NULL && i < datasets->len; i++)
    {
      const CariDatasetInfo *info = g_ptr_array_index (datasets, i);
      if (g_strcmp0 (info->name, name) == 0)
        return info;
    }
  return NULL;
}

char *
lab_page_format_duration (double seconds)
{
  int s = (int) (seconds + 0.5);
  if (s >= 3600)
    return g_strdup_printf ("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  return g_strdup_printf ("%d:%02d", s / 60, s % 60);
}

GtkWidget *
lab_page_table_widget (const CariTable *table)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (cari_table_get_title (table));
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (box), title);
  /* The text layout already aligns "mean ± std" columns: show it as such, without the notes it
   * ends with (one line each), which wrap below it instead. */
  g_autofree char *text = cari_table_format (table, CARI_TABLE_TEXT);
  char *body = strchr (text, '\n');
  body = body != NULL ? body + 1 : text;
  for (guint i = 0; i < cari_table_get_n_notes (table); i++)
    {
      char *end = body + strlen (body);
      if (end > body && end[-1] == '\n')
        end[-1] = '\0';
      char *last = strrchr (body, '\n');
      if (last != NULL)
        last[1] = '\0';
    }
  g_strchomp (body);
  GtkWidget *label = gtk_label_new (body);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_add_css_class (label, "lab-table");
  gtk_box_append (GTK_BOX (box), label);
  for (guint i = 0; i < cari_table_get_n_notes (table); i++)
    {
      GtkWidget *note = gtk_label_new (cari_table_get_note (table, i));
      gtk_label_set_xalign (GTK_LABEL (note), 0);
      gtk_label_set_wrap (GTK_LABEL (note), TRUE);
      gtk_widget_add_css_class (note, "dim-label");
      gtk_box_append (GTK_BOX (box), note);
    }
  return box;
}
