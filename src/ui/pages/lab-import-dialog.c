/* lab-import-dialog.c — the questions before importing a data set.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>

#include "cari.h"

#include "lab-import-dialog.h"

struct _LabImportDialog
{
  AdwMessageDialog parent_instance;

  /* owned */
  GFile *folder;
  GStrv taken;
  char *name;                 /* trimmed */
  gboolean name_typed;        /* the user typed a name: choosing a folder keeps it */
  gboolean setting_name;
  GtkFileChooserNative *chooser;

  /* template */
  AdwComboRow *kind_row;
  AdwActionRow *folder_row;
  GtkButton *choose_button;
  AdwActionRow *name_row;
  GtkEntry *name_entry;
};

G_DEFINE_FINAL_TYPE (LabImportDialog, lab_import_dialog, ADW_TYPE_MESSAGE_DIALOG)

static const char *const kind_ids[] = { "webcari", "cavi", "folder" };

static void
update (LabImportDialog *self)
{
  static const char *layouts[] = {
    N_ ("OriginalImages/, FacialPoints/ and EvaluationProtocols/ of WebCaricature"),
    N_ ("Caricature/ and Real/ of CaVI, with train-test-files/"),
    N_ ("One folder per identity, each with photo/ and caricature/; no protocols"),
  };
  if (self->kind_row == NULL)
    return; /* building the template */
  guint kind = MIN (adw_combo_row_get_selected (self->kind_row), G_N_ELEMENTS (layouts) - 1);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->kind_row), _(layouts[kind]));

  g_autofree char *path = self->folder != NULL ? g_file_get_path (self->folder) : NULL;
  adw_action_row_set_subtitle (self->folder_row, path != NULL ? path : _("None chosen"));

  const char *why = NULL;
  gboolean number = self->name[0] != '\0';
  for (const char *p = self->name; *p != '\0'; p++)
    number &= g_ascii_isdigit (*p) != 0;
  if (self->name[0] == '\0')
    why = _("A data set needs a name");
  else if (number)
    why = _("A name cannot be a number: numbers are data set ids");
  else if (self->taken != NULL && g_strv_contains ((const char *const *) self->taken, self->name))
    why = _("The run database has a data set of this name");
  adw_action_row_set_subtitle (self->name_row, why != NULL ? why : "");
  if (why != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->name_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->name_entry), "error");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "import",
                                           self->folder != NULL && why == NULL);
}

static void
on_kind_changed (LabImportDialog *self)
{
  update (self);
}

static void
on_name_changed (LabImportDialog *self)
{
  g_free (self->name);
  self->name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_entry))));
  if (!self->setting_name)
    self->name_typed = TRUE;
  update (self);
}

/* The importer whose layout the folder has: WebCaricature's OriginalImages/, CaVI's Caricature/
 * and Real/ (or the dataset folder inside); else a plain folder. */
static const char *
guess_kind (GFile *folder)
{
  g_autofree char *root = g_file_get_path (folder);
  if (root == NULL)
    return NULL;
  g_autofree char *webcari = cari_index_find_entry (root, "OriginalImages");
  if (webcari != NULL)
    return "webcari";
  g_autofree char *caricature = cari_index_find_entry (root, "Caricature");
  g_autofree char *real = cari_index_find_entry (root, "Real");
  g_autofree char *cavi = cari_index_find_entry (root, "CaVI_Dataset");
  g_autofree char *cavinet = cari_index_find_entry (root, "CaVINet_Dataset");
  if ((caricature != NULL && real != NULL) || cavi != NULL || cavinet != NULL)
    return "cavi";
  return "folder";
}

void
lab_import_dialog_set_folder (LabImportDialog *self, GFile *folder)
{
  g_return_if_fail (LAB_IS_IMPORT_DIALOG (self));
  g_return_if_fail (G_IS_FILE (folder));
  g_set_object (&self->folder, folder);
  const char *kind = guess_kind (folder);
  if (kind != NULL)
    lab_import_dialog_set_kind (self, kind);
  if (!self->name_typed)
    {
      g_autofree char *base = g_file_get_basename (folder);
      self->setting_name = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->name_entry), base != NULL ? base : "");
      self->setting_name = FALSE;
    }
  update (self);
}

static void
on_chooser_response (GtkNativeDialog *chooser, int response, LabImportDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      if (folder != NULL)
        lab_import_dialog_set_folder (self, folder);
    }
  g_clear_object (&self->chooser);
}

static void
on_choose_clicked (LabImportDialog *self)
{
  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Data Set Folder"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  if (self->folder != NULL)
    gtk_file_chooser_set_file (GTK_FILE_CHOOSER (self->chooser), self->folder, NULL);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

GtkWidget *
lab_import_dialog_new (GtkWindow *parent, const char *const *taken)
{
  LabImportDialog *self = g_object_new (LAB_TYPE_IMPORT_DIALOG, "transient-for", parent, NULL);
  self->taken = g_strdupv ((GStrv) taken);
  update (self);
  return GTK_WIDGET (self);
}

GFile *
lab_import_dialog_get_folder (LabImportDialog *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_DIALOG (self), NULL);
  return self->folder;
}

const char *
lab_import_dialog_get_kind (LabImportDialog *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_DIALOG (self), NULL);
  guint kind = adw_combo_row_get_selected (self->kind_row);
  return kind_ids[MIN (kind, G_N_ELEMENTS (kind_ids) - 1)];
}

void
lab_import_dialog_set_kind (LabImportDialog *self, const char *kind)
{
  g_return_if_fail (LAB_IS_IMPORT_DIALOG (self));
  for (guint i = 0; i < G_N_ELEMENTS (kind_ids); i++)
    if (g_strcmp0 (kind_ids[i], kind) == 0)
      adw_combo_row_set_selected (self->kind_row, i);
}

const char *
lab_import_dialog_get_name (LabImportDialog *self)
{
  g_return_val_if_fail (LAB_IS_IMPORT_DIALOG (self), NULL);
  return self->name;
}

static void
lab_import_dialog_dispose (GObject *object)
{
  LabImportDialog *self = LAB_IMPORT_DIALOG (object);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_IMPORT_DIALOG);
  g_clear_object (&self->folder);
  G_OBJECT_CLASS (lab_import_dialog_parent_class)->dispose (object);
}

static void
lab_import_dialog_finalize (GObject *object)
{
  LabImportDialog *self = LAB_IMPORT_DIALOG (object);
  g_strfreev (self->taken);
  g_free (self->name);
  G_OBJECT_CLASS (lab_import_dialog_parent_class)->finalize (object);
}

static void
lab_import_dialog_class_init (LabImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lab_import_dialog_dispose;
  object_class->finalize = lab_import_dialog_finalize;

  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/carilab/CariLab/ui/lab-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, folder_row);
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, choose_button);
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, LabImportDialog, name_entry);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_clicked);
}

static void
lab_import_dialog_init (LabImportDialog *self)
{
  self->name = g_strdup ("");
  gtk_widget_init_template (GTK_WIDGET (self));
}
