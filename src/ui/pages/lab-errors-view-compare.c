/* lab-errors-view-compare.c — the error view's comparison with another run: the same pairs'
 * verdicts in both evaluations, each at its threshold for the same FAR, and the pairs the other
 * run fixes, breaks, or gets wrong too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "lab-errors-view-private.h"
#include "lab-page.h"
#include "lab-pair-item.h"

/* The comparison's target FARs, as the dropdown lists them. */
static const double far_targets[] = { 1e-3, 1e-2 };

static const CariDiffClass diff_order[N_DIFF_BUTTONS] = { CARI_DIFF_FIXED, CARI_DIFF_BROKEN,
                                                         CARI_DIFF_BOTH_WRONG };

const char *
lab_errors_view_far_label (double far)
{
  return far < 5e-3 ? cari_threshold_origin_label (CARI_THRESHOLD_FAR_0_1)
                    : cari_threshold_origin_label (CARI_THRESHOLD_FAR_1);
}

CariThresholdOrigin
lab_errors_view_far_origin (double far)
{
  return far < 5e-3 ? CARI_THRESHOLD_FAR_0_1 : CARI_THRESHOLD_FAR_1;
}

void
lab_errors_view_sync_diff_buttons (LabErrorsView *self)
{
  self->updating = TRUE;
  for (int k = 0; k < N_DIFF_BUTTONS; k++)
    gtk_toggle_button_set_active (self->diff_buttons[k], self->diff_filter == diff_order[k]);
  self->updating = FALSE;
}

static void
update_diff (LabErrorsView *self)
{
  int n = (int) self->item_array->len;
  if (self->other == NULL || self->set == NULL || cari_pair_set_get_n (self->set) != n)
    {
      for (int k = 0; k < n; k++)
        lab_pair_item_set_diff (g_ptr_array_index (self->item_array, k), CARI_DIFF_UNMATCHED, NAN,
                                CARI_VERDICT_TP);
      memset (&self->diff_counts, 0, sizeof self->diff_counts);
      return;
    }
  double ta = cari_pair_set_threshold_at_far (self->set, self->far);
  self->other_threshold = cari_pair_set_threshold_at_far (self->other, self->far);
  g_autofree guint8 *classes = g_new (guint8, MAX (n, 1));
  cari_pair_set_diff (self->set, ta, self->other, self->other_threshold, self->match, classes,
                     &self->diff_counts);
  const CariPairScore *b = cari_pair_set_get_pairs (self->other);
  for (int k = 0; k < n; k++)
    {
      LabPairItem *item = g_ptr_array_index (self->item_array, k);
      int i = lab_pair_item_get_index (item), j = self->match[i];
      double score = j >= 0 ? b[j].score : NAN;
      CariVerdict verdict = j >= 0 ? cari_verdict_of (b[j].score, b[j].same, self->other_threshold)
                                  : CARI_VERDICT_TP;
      lab_pair_item_set_diff (item, classes[i], score, verdict);
    }
  g_autofree char *fixed = g_strdup_printf (
    /* TRANSLATORS: pairs wrong in this run and right in the compared run B, and their count */
    _("Fixed by B (%u)"), self->diff_counts.fixed);
  g_autofree char *broken = g_strdup_printf (
    /* TRANSLATORS: pairs right in this run and wrong in the compared run B, and their count */
    _("Broken by B (%u)"), self->diff_counts.broken);
  g_autofree char *both = g_strdup_printf (_("Wrong in Both (%u)"), self->diff_counts.both_wrong);
  const char *labels[N_DIFF_BUTTONS] = { fixed, broken, both };
  for (int k = 0; k < N_DIFF_BUTTONS; k++)
    gtk_button_set_label (GTK_BUTTON (self->diff_buttons[k]), labels[k]);
  g_autofree char *summary = g_strdup_printf (
    /* TRANSLATORS: "B: <run, step, evaluation>; both thresholds at <FAR 1 %>: this run's
     * threshold, B's threshold; pairs without a match in B" */
    _("B: %s. Both thresholds at %s: this run ≥ %.4f, B ≥ %.4f. %u pairs have no match in B."),
    self->other_label, lab_errors_view_far_label (self->far), ta, self->other_threshold,
    self->diff_counts.unmatched);
  gtk_label_set_label (self->compare_label, summary);
}

void
lab_errors_view_show_comparison (LabErrorsView *self)
{
  gboolean comparing = self->other != NULL;
  update_diff (self);
  gtk_widget_set_visible (GTK_WIDGET (self->compare_box), comparing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stop_compare_button), comparing);
  if (comparing)
    {
      /* TRANSLATORS: the compare button while comparing with a run */
      g_autofree char *label = g_strdup_printf (_("Compared With %s"), self->other_label);
      gtk_label_set_label (self->compare_button_label, label);
    }
  else
    gtk_label_set_label (self->compare_button_label, _("Compare With…"));
  if (!comparing)
    self->diff_filter = CARI_DIFF_UNMATCHED;
  else if (self->diff_filter != CARI_DIFF_UNMATCHED)
    lab_errors_view_snap_threshold (self, lab_errors_view_far_origin (self->far));
  lab_errors_view_sync_filter_buttons (self);
  lab_errors_view_refilter (self);
  lab_errors_view_rebind_tiles (self);
}

typedef struct
{
  gint64 evaluation;
  CariPairSet *set;       /* this view's pairs */
  LabDataset *dataset;   /* may be NULL */
  LabPairLoad *load;     /* result */
  int *match;            /* result */
} CompareJob;

static void
compare_job_free (CompareJob *job)
{
  g_clear_pointer (&job->set, cari_pair_set_unref);
  g_clear_pointer (&job->dataset, lab_dataset_unref);
  g_clear_pointer (&job->load, lab_pair_load_free);
  g_free (job->match);
  g_free (job);
}

/* Load lane: the other evaluation's pairs, matched with this one's. */
static void
compare_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  CompareJob *job = data;
  GError *error = NULL;
  job->load = lab_pair_load (store, job->evaluation, job->dataset, &error);
  if (job->load != NULL)
    job->match = cari_pair_set_match (job->set, job->load->set);
  lab_store_job_return_boolean (task, job->load != NULL, error);
}

/* A comparison replaced or stopped since was cancelled: it does not come here. */
static void
compared (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabErrorsView *self = source;
  CompareJob *job = data;
  if (error != NULL)
    {
      lab_page_toast_printf (GTK_WIDGET (self), _("Could not compare: %s"), error->message);
      return;
    }
  g_clear_pointer (&self->other, cari_pair_set_unref);
  g_clear_pointer (&self->match, g_free);
  self->other = cari_pair_set_ref (job->load->set);
  self->match = g_steal_pointer (&job->match);
  g_free (self->other_label);
  self->other_label = NULL;
  for (guint i = 0; self->comparable != NULL && i < self->comparable->len; i++)
    if (((CariEvalInfo *) g_ptr_array_index (self->comparable, i))->id == job->evaluation)
      self->other_label = g_strdup (g_ptr_array_index (self->comparable_labels, i));
  if (self->other_label == NULL)
    self->other_label = g_strdup_printf (_("evaluation %lld"), (long long) job->evaluation);
  lab_errors_view_show_comparison (self);
  g_signal_emit_by_name (self, "compared");
}

void
lab_errors_view_stop_comparing (LabErrorsView *self)
{
  lab_store_job_cancel (&self->compare_cancellable);
  self->other_evaluation = 0;
  g_clear_pointer (&self->other, cari_pair_set_unref);
  g_clear_pointer (&self->match, g_free);
  g_clear_pointer (&self->other_label, g_free);
}

void
lab_errors_view_compare_with (LabErrorsView *self, gint64 evaluation, double far)
{
  g_return_if_fail (LAB_IS_ERRORS_VIEW (self));
  self->far = far;
  self->updating = TRUE;
  gtk_drop_down_set_selected (self->far_dropdown, far < 5e-3 ? 0 : 1);
  self->updating = FALSE;
  if (evaluation == self->other_evaluation && self->other != NULL)
    {
      lab_errors_view_show_comparison (self);
      return;
    }
  lab_errors_view_stop_comparing (self);
  if (evaluation <= 0 || self->set == NULL)
    {
      lab_errors_view_show_comparison (self);
      return;
    }
  self->other_evaluation = evaluation;
  CompareJob *job = g_new0 (CompareJob, 1);
  job->evaluation = evaluation;
  job->set = cari_pair_set_ref (self->set);
  job->dataset = self->dataset ? lab_dataset_ref (self->dataset) : NULL;
  lab_store_gateway_start (self->gateway, LAB_STORE_LANE_LOAD, compare_job, job,
                           (GDestroyNotify) compare_job_free, self,
                           lab_store_job_replace (&self->compare_cancellable), compared);
}

void
lab_errors_view_set_diff_filter (LabErrorsView *self, CariDiffClass diff)
{
  g_return_if_fail (LAB_IS_ERRORS_VIEW (self));
  if (self->other == NULL)
    diff = CARI_DIFF_UNMATCHED;
  if (diff == CARI_DIFF_BOTH_RIGHT)
    diff = CARI_DIFF_UNMATCHED;
  self->diff_filter = diff;
  /* The classes are the verdicts at the comparison's FAR: show this run's there too. */
  if (diff != CARI_DIFF_UNMATCHED)
    lab_errors_view_snap_threshold (self, lab_errors_view_far_origin (self->far));
  lab_errors_view_sync_filter_buttons (self);
  lab_errors_view_refilter (self);
}

void
lab_errors_view_get_diff_counts (LabErrorsView *self, CariDiffCounts *counts)
{
  g_return_if_fail (LAB_IS_ERRORS_VIEW (self));
  *counts = self->diff_counts;
}

static void
on_diff_toggled (GtkToggleButton *button, LabErrorsView *self)
{
  if (self->updating)
    return;
  CariDiffClass d = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "diff"));
  lab_errors_view_set_diff_filter (self, gtk_toggle_button_get_active (button)
                                           ? d
                                           : CARI_DIFF_UNMATCHED);
}

static void
on_compare_row_activated (GtkListBox *list, GtkListBoxRow *row, LabErrorsView *self)
{
  gint64 *id = g_object_get_data (G_OBJECT (row), "evaluation");
  if (id == NULL)
    return;
  gtk_popover_popdown (self->compare_popover);
  lab_errors_view_compare_with (self, *id, self->far);
}

void
lab_errors_view_on_stop_compare_clicked (LabErrorsView *self)
{
  gtk_popover_popdown (self->compare_popover);
  lab_errors_view_compare_with (self, 0, self->far);
}

static void
on_far_selected (GtkDropDown *dropdown, GParamSpec *pspec, LabErrorsView *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);
  if (self->updating || i >= G_N_ELEMENTS (far_targets))
    return;
  self->far = far_targets[i];
  if (self->other != NULL)
    lab_errors_view_show_comparison (self);
}

void
lab_errors_view_fill_compare_list (LabErrorsView *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->compare_list))) != NULL)
    gtk_list_box_remove (self->compare_list, child);
  g_autofree char *title = NULL;
  if (self->info != NULL)
    /* TRANSLATORS: a protocol name and a fold number */
    title = g_strdup_printf (_("Other evaluations of %s, fold %d"), self->info->protocol,
                             self->info->fold);
  gtk_label_set_label (self->compare_title, title ? title : "");
  for (guint i = 0; self->comparable != NULL && i < self->comparable->len; i++)
    {
      const CariEvalInfo *e = g_ptr_array_index (self->comparable, i);
      GtkWidget *label = gtk_label_new (g_ptr_array_index (self->comparable_labels, i));
      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      lab_page_set_margins (label, 8, 8, 8, 8);
      GtkWidget *row = gtk_list_box_row_new ();
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      g_object_set_data_full (G_OBJECT (row), "evaluation", g_memdup2 (&e->id, sizeof e->id),
                              g_free);
      gtk_list_box_append (self->compare_list, row);
    }
  if (self->comparable == NULL || self->comparable->len == 0)
    {
      GtkWidget *label = gtk_label_new (_("No other evaluation of this protocol fold"));
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_margin_top (label, 8);
      gtk_widget_set_margin_bottom (label, 8);
      gtk_list_box_append (self->compare_list, label);
      gtk_list_box_row_set_activatable (
        GTK_LIST_BOX_ROW (gtk_widget_get_parent (label)), FALSE);
    }
}

void
lab_errors_view_init_comparison (LabErrorsView *self)
{
  static const char *const diff_tips[N_DIFF_BUTTONS] = {
    N_("Pairs this run gets wrong and the compared run B gets right"),
    N_("Pairs this run gets right and the compared run B gets wrong"),
    N_("Pairs both runs get wrong"),
  };
  for (int k = 0; k < N_DIFF_BUTTONS; k++)
    {
      GtkWidget *b = gtk_toggle_button_new ();
      gtk_widget_set_tooltip_text (b, _(diff_tips[k]));
      g_object_set_data (G_OBJECT (b), "diff", GINT_TO_POINTER (diff_order[k]));
      g_signal_connect_object (b, "toggled", G_CALLBACK (on_diff_toggled), self, 0);
      gtk_box_append (self->diff_box, b);
      self->diff_buttons[k] = GTK_TOGGLE_BUTTON (b);
    }

  const char *fars[] = { lab_errors_view_far_label (far_targets[0]),
                         lab_errors_view_far_label (far_targets[1]), NULL };
  gtk_string_list_splice (self->far_names, 0, 0, fars);
  gtk_drop_down_set_selected (self->far_dropdown, 1);
  g_signal_connect_object (self->far_dropdown, "notify::selected", G_CALLBACK (on_far_selected),
                           self, 0);
  g_signal_connect_object (self->compare_list, "row-activated",
                           G_CALLBACK (on_compare_row_activated), self, 0);
}
