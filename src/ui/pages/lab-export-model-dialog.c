/* lab-export-model-dialog.c — Export Model…: the questions, the file chooser and the export.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>

#include "lab-export-model-dialog.h"
#include "lab-page.h"
#include "lab-property.h"

struct _LabExportModelDialog
{
  AdwMessageDialog parent_instance;

  /* owned */
  GtkWidget *source;          /* the page that opened it, which toasts */
  LabStoreGateway *gateway;
  GCancellable *cancellable;  /* of the checkpoints' read */
  gint64 run;
  char *name;
  GArray *branches;           /* of CariTask: the branch row's items */
  GArray *steps;              /* of gint64: the run's checkpoints, newest first */
  gboolean loading;

  /* template */
  AdwComboRow *format_row;
  AdwComboRow *branch_row;
  AdwComboRow *step_row;
};

G_DEFINE_FINAL_TYPE (LabExportModelDialog, lab_export_model_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum
{
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

/* The format row's items, in order. */
static const CariExportFormat formats[] = { CARI_EXPORT_SAFETENSORS, CARI_EXPORT_ONNX };

static const char *
extension_of (CariExportFormat format)
{
  return format == CARI_EXPORT_ONNX ? "onnx" : "safetensors";
}

/* ------------------------------------------------------------------------------ the answers */

static void
update (LabExportModelDialog *self)
{
  if (self->format_row == NULL)
    return; /* building the template */
  gboolean onnx = lab_export_model_dialog_get_format (self) == CARI_EXPORT_ONNX;
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->format_row),
                               onnx ? _("One branch's inference graph")
                                    : _("All weights, PyTorch's names"));
  gtk_widget_set_visible (GTK_WIDGET (self->branch_row), onnx);
  /* A configuration that does not parse names no task: there is no graph to offer. */
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "export",
                                           !onnx || self->branches->len > 0);
}

static void
on_format_changed (LabExportModelDialog *self)
{
  update (self);
}

CariExportFormat
lab_export_model_dialog_get_format (LabExportModelDialog *self)
{
  g_return_val_if_fail (LAB_IS_EXPORT_MODEL_DIALOG (self), CARI_EXPORT_SAFETENSORS);
  guint i = adw_combo_row_get_selected (self->format_row);
  return formats[MIN (i, G_N_ELEMENTS (formats) - 1)];
}

void
lab_export_model_dialog_set_format (LabExportModelDialog *self, CariExportFormat format)
{
  g_return_if_fail (LAB_IS_EXPORT_MODEL_DIALOG (self));
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (formats[i] == format)
      adw_combo_row_set_selected (self->format_row, i);
}

CariTask
lab_export_model_dialog_get_branch (LabExportModelDialog *self)
{
  g_return_val_if_fail (LAB_IS_EXPORT_MODEL_DIALOG (self), CARI_TASK_VISUAL);
  guint i = adw_combo_row_get_selected (self->branch_row);
  return i < self->branches->len ? g_array_index (self->branches, CariTask, i) : CARI_TASK_VISUAL;
}

gboolean
lab_export_model_dialog_set_branch (LabExportModelDialog *self, CariTask branch)
{
  g_return_val_if_fail (LAB_IS_EXPORT_MODEL_DIALOG (self), FALSE);
  for (guint i = 0; i < self->branches->len; i++)
    if (g_array_index (self->branches, CariTask, i) == branch)
      {
        adw_combo_row_set_selected (self->branch_row, i);
        return TRUE;
      }
  return FALSE;
}

gint64
lab_export_model_dialog_get_step (LabExportModelDialog *self)
{
  g_return_val_if_fail (LAB_IS_EXPORT_MODEL_DIALOG (self), -1);
  /* The first item is the latest, whichever step that is when the export runs. */
  guint i = adw_combo_row_get_selected (self->step_row);
  return i >= 1 && i - 1 < self->steps->len ? g_array_index (self->steps, gint64, i - 1) : -1;
}

gboolean
lab_export_model_dialog_set_step (LabExportModelDialog *self, gint64 step)
{
  g_return_val_if_fail (LAB_IS_EXPORT_MODEL_DIALOG (self), FALSE);
  if (step < 0)
    {
      adw_combo_row_set_selected (self->step_row, 0);
      return TRUE;
    }
  for (guint i = 0; i < self->steps->len; i++)
    if (g_array_index (self->steps, gint64, i) == step)
      {
        adw_combo_row_set_selected (self->step_row, i + 1);
        return TRUE;
      }
  return FALSE;
}

GArray *
lab_export_model_dialog_get_steps (LabExportModelDialog *self)
{
  g_return_val_if_fail (LAB_IS_EXPORT_MODEL_DIALOG (self), NULL);
  return self->steps;
}

char *
lab_export_model_dialog_get_file_name (LabExportModelDialog *self)
{
  g_return_val_if_fail (LAB_IS_EXPORT_MODEL_DIALOG (self), NULL);
  /* A name may hold what a file name cannot. */
  g_autofree char *base = g_strdelimit (g_strdup (self->name), G_DIR_SEPARATOR_S, '-');
  CariExportFormat format = lab_export_model_dialog_get_format (self);
  if (format == CARI_EXPORT_ONNX)
    return g_strdup_printf ("%s-%s.%s", base,
                            cari_task_to_string (lab_export_model_dialog_get_branch (self)),
                            extension_of (format));
  return g_strdup_printf ("%s.%s", base, extension_of (format));
}

/* ------------------------------------------------------------------------------ checkpoints */

/* Poll lane: the run's checkpoints (CariCheckpointRow, newest first). */
static void
list_checkpoints_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GArray *rows = cari_store_list_checkpoints (store, *(gint64 *) data, &error);
  lab_store_job_return (task, rows, (GDestroyNotify) g_array_unref, error);
}

static void
fill_steps (LabExportModelDialog *self)
{
  g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);
  if (self->steps->len > 0)
    {
      g_autofree char *latest = g_strdup_printf (_("Latest (step %lld)"),
                                                 (long long) g_array_index (self->steps, gint64,
                                                                            0));
      gtk_string_list_append (model, latest);
    }
  else
    gtk_string_list_append (model, _("Latest"));
  for (guint i = 0; i < self->steps->len; i++)
    {
      g_autofree char *label = g_strdup_printf (_("Step %lld"),
                                                (long long) g_array_index (self->steps, gint64,
                                                                           i));
      gtk_string_list_append (model, label);
    }
  adw_combo_row_set_model (self->step_row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (self->step_row, 0);
}

static void
on_checkpoints_read (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabExportModelDialog *self = source;
  g_autoptr (GArray) rows = result;
  g_array_set_size (self->steps, 0);
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    g_array_append_val (self->steps, g_array_index (rows, CariCheckpointRow, i).step);
  fill_steps (self);
  if (error != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->step_row), error->message);
  else if (self->steps->len == 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->step_row),
                                 _("This run has no checkpoint yet"));
  else
    {
      g_autofree char *count = g_strdup_printf (
        ngettext ("%u checkpoint", "%u checkpoints", self->steps->len), self->steps->len);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->step_row), count);
    }
  lab_property_set_boolean (self, &self->loading, FALSE, props[PROP_LOADING]);
}

/* ------------------------------------------------------------------------------ writing */

typedef struct
{
  gint64 run, step;
  CariExportFormat format;
  CariTask branch;
  char *path;
  gint64 exported; /* out: the checkpoint's step */
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_free (job->path);
  g_free (job);
}

/* A thread of its own: reading a checkpoint and writing a paper-sized network take seconds. */
static void
export_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  ExportJob *job = data;
  GError *error = NULL;
  gboolean ok = cari_launch_export (store, job->run, job->step, job->format, job->branch,
                                    job->path, &job->exported, &error);
  lab_store_job_return_boolean (task, ok, error);
}

static void
on_exported (gpointer source, gpointer data, gpointer result, const GError *error)
{
  ExportJob *job = data;
  if (error != NULL)
    {
      g_autofree char *base = g_path_get_basename (job->path);
      lab_page_toast_printf (source, _("Could not export “%s”: %s"), base, error->message);
    }
  else
    lab_page_toast_printf (source, _("Model exported to %s"), job->path);
}

void
lab_export_model_write (GtkWidget *source, LabStoreGateway *gateway, gint64 run, gint64 step,
                        CariExportFormat format, CariTask branch, const char *path)
{
  g_return_if_fail (GTK_IS_WIDGET (source));
  g_return_if_fail (LAB_IS_STORE_GATEWAY (gateway));
  g_return_if_fail (path != NULL);
  ExportJob *job = g_new0 (ExportJob, 1);
  job->run = run;
  job->step = step;
  job->format = format;
  job->branch = branch;
  job->path = g_strdup (path);
  job->exported = -1;
  lab_store_gateway_start_long (gateway, export_job, job, (GDestroyNotify) export_job_free,
                                source, on_exported);
}

/* --- the file chooser, after the dialog has closed */

typedef struct
{
  GtkWidget *source;             /* owned */
  LabStoreGateway *gateway;      /* owned */
  gint64 run, step;
  CariExportFormat format;
  CariTask branch;
  GtkFileChooserNative *chooser; /* owned */
} Choice;

static void
choice_free (Choice *c)
{
  g_object_unref (c->source);
  g_object_unref (c->gateway);
  g_object_unref (c->chooser);
  g_free (c);
}

static void
on_chooser_response (GtkNativeDialog *chooser, int response, Choice *c)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      if (path == NULL)
        lab_page_toast (c->source, _("Could not export the model: only local files can be "
                                     "written"));
      else
        lab_export_model_write (c->source, c->gateway, c->run, c->step, c->format, c->branch,
                                path);
    }
  choice_free (c);
}

static void
add_filter (GtkFileChooser *chooser, CariExportFormat format)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  g_autofree char *pattern = g_strdup_printf ("*.%s", extension_of (format));
  gtk_file_filter_set_name (filter, format == CARI_EXPORT_ONNX ? _("ONNX Models")
                                                               : _("Safetensors Weights"));
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_chooser_add_filter (chooser, filter);
  g_object_unref (filter);
}

static void
on_export_response (LabExportModelDialog *self)
{
  Choice *c = g_new0 (Choice, 1);
  c->source = g_object_ref (self->source);
  c->gateway = g_object_ref (self->gateway);
  c->run = self->run;
  c->step = lab_export_model_dialog_get_step (self);
  c->format = lab_export_model_dialog_get_format (self);
  c->branch = lab_export_model_dialog_get_branch (self);
  /* Over the page's window: this dialog closes as it answers. */
  c->chooser = gtk_file_chooser_native_new (_("Export Model"), lab_page_get_window (c->source),
                                            GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                            _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (c->chooser), TRUE);
  g_autofree char *file_name = lab_export_model_dialog_get_file_name (self);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (c->chooser), file_name);
  add_filter (GTK_FILE_CHOOSER (c->chooser), c->format);
  g_signal_connect (c->chooser, "response", G_CALLBACK (on_chooser_response), c);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (c->chooser));
}

/* ------------------------------------------------------------------------------ public API */

GtkWidget *
lab_export_model_dialog_new (GtkWidget *source, LabStoreGateway *gateway, gint64 run,
                             const char *name, guint tasks)
{
  g_return_val_if_fail (GTK_IS_WIDGET (source), NULL);
  g_return_val_if_fail (LAB_IS_STORE_GATEWAY (gateway), NULL);
  LabExportModelDialog *self = g_object_new (LAB_TYPE_EXPORT_MODEL_DIALOG, "transient-for",
                                             lab_page_get_window (source), NULL);
  self->source = g_object_ref (source);
  self->gateway = g_object_ref (gateway);
  self->run = run;
  self->name = g_strdup (name != NULL && name[0] != '\0' ? name : "model");

  g_autofree char *body = g_strdup_printf (_("The network of “%s”, for PyTorch, ONNX Runtime and "
                                             "other tools; the file says how to feed it."),
                                           self->name);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);

  /* The branches the run trains, in task order; visual first chosen, the paper's identity
   * branch that every preset trains. */
  g_autoptr (GtkStringList) branches = gtk_string_list_new (NULL);
  for (CariTask t = 0; t < CARI_N_TASKS; t++)
    if (tasks & CARI_TASK_BIT (t))
      {
        g_array_append_val (self->branches, t);
        gtk_string_list_append (branches, cari_task_names[t]);
      }
  adw_combo_row_set_model (self->branch_row, G_LIST_MODEL (branches));
  if (!lab_export_model_dialog_set_branch (self, CARI_TASK_VISUAL))
    adw_combo_row_set_selected (self->branch_row, 0);

  fill_steps (self);
  self->loading = TRUE;
  lab_store_gateway_start (gateway, LAB_STORE_LANE_POLL, list_checkpoints_job,
                           g_memdup2 (&run, sizeof run), g_free, self, self->cancellable,
                           on_checkpoints_read);
  update (self);
  return GTK_WIDGET (self);
}

/* ------------------------------------------------------------------------------ GObject */

static void
lab_export_model_dialog_get_property (GObject *object, guint id, GValue *value,
                                      GParamSpec *pspec)
{
  LabExportModelDialog *self = LAB_EXPORT_MODEL_DIALOG (object);
  switch (id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
lab_export_model_dialog_dispose (GObject *object)
{
  LabExportModelDialog *self = LAB_EXPORT_MODEL_DIALOG (object);
  lab_store_job_cancel (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_EXPORT_MODEL_DIALOG);
  g_clear_object (&self->source);
  g_clear_object (&self->gateway);
  G_OBJECT_CLASS (lab_export_model_dialog_parent_class)->dispose (object);
}

static void
lab_export_model_dialog_finalize (GObject *object)
{
  LabExportModelDialog *self = LAB_EXPORT_MODEL_DIALOG (object);
  g_free (self->name);
  g_array_unref (self->branches);
  g_array_unref (self->steps);
  G_OBJECT_CLASS (lab_export_model_dialog_parent_class)->finalize (object);
}

static void
lab_export_model_dialog_class_init (LabExportModelDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lab_export_model_dialog_get_property;
  object_class->dispose = lab_export_model_dialog_dispose;
  object_class->finalize = lab_export_model_dialog_finalize;

  /* TRUE until the run's checkpoints are read. */
  props[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY
                                                | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/carilab/CariLab/ui/lab-export-model-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LabExportModelDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, LabExportModelDialog, branch_row);
  gtk_widget_class_bind_template_child (widget_class, LabExportModelDialog, step_row);
  gtk_widget_class_bind_template_callback (widget_class, on_format_changed);
}

static void
lab_export_model_dialog_init (LabExportModelDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->branches = g_array_new (FALSE, FALSE, sizeof (CariTask));
  self->steps = g_array_new (FALSE, FALSE, sizeof (gint64));
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "response::export", G_CALLBACK (on_export_response), NULL);
}
