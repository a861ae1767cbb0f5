/* lab-errors-view-load.c — an evaluation's pairs read on the store gateway's load lane, made
 * into the gallery's items there (by score, highest first), and put in the view in one change.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "lab-errors-view-private.h"
#include "lab-page.h"
#include "lab-pair-item.h"

typedef struct
{
  gint64 evaluation;
  LabDataset *known;   /* may be NULL */
  LabPairLoad *load;   /* result */
  GPtrArray *items;    /* result: of LabPairItem */
  double threshold;    /* result */
  CariThresholdOrigin origin;
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  g_clear_pointer (&job->known, lab_dataset_unref);
  g_clear_pointer (&job->load, lab_pair_load_free);
  g_clear_pointer (&job->items, g_ptr_array_unref);
  g_free (job);
}

static int
by_score (gconstpointer a, gconstpointer b, gpointer data)
{
  const CariPairScore *pairs = data;
  int i = *(const int *) a, j = *(const int *) b;
  return cari_pair_compare (CARI_PAIR_ORDER_SCORE, 0, pairs[i].score, i, 0, pairs[j].score, j);
}

/* Load lane: every pair score of the evaluation (up to millions), made into items here. */
static void
load_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  LoadJob *job = data;
  GError *error = NULL;
  job->load = lab_pair_load (store, job->evaluation, job->known, &error);
  if (job->load == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* The operating threshold first; the EER's when none was stored (a score file). */
  const CariPairSet *set = job->load->set;
  job->origin = CARI_THRESHOLD_SELECTION;
  job->threshold = cari_pair_set_get_threshold (set, job->origin);
  if (isnan (job->threshold))
    {
      job->origin = CARI_THRESHOLD_EER;
      job->threshold = cari_pair_set_get_threshold (set, job->origin);
    }
  if (isnan (job->threshold))
    job->threshold = 0.0;
  /* Every item here: making 40,000 GObjects is no work for the main thread. In score order,
   * highest first: the pairs whose verdict a move of the threshold changes are then one run of
   * the list, so the filter reports one short change instead of one spanning the whole gallery
   * (which would make the grid rebuild every tile it shows). */
  const LabDataset *ds = job->load->dataset;
  const CariPairScore *pairs = cari_pair_set_get_pairs (set);
  int n = cari_pair_set_get_n (set);
  g_autofree int *order = g_new (int, MAX (n, 1));
  for (int i = 0; i < n; i++)
    order[i] = i;
  g_qsort_with_data (order, n, sizeof (int), by_score, (gpointer) pairs);
  job->items = g_ptr_array_new_full (n, g_object_unref);
  for (int k = 0; k < n && !g_cancellable_is_cancelled (cancellable); k++)
    {
      int i = order[k];
      const CariPairScore *p = &pairs[i];
      gboolean caricature_first = lab_dataset_image_is_caricature (ds, p->a)
                                  || !lab_dataset_image_is_caricature (ds, p->b);
      int c = caricature_first ? p->a : p->b, ph = caricature_first ? p->b : p->a;
      LabPairItem *item = lab_pair_item_new (i, p, caricature_first,
                                             lab_dataset_image_name (ds, c),
                                             lab_dataset_image_name (ds, ph));
      lab_pair_item_set_threshold (item, job->threshold);
      lab_pair_item_keep_order_key (item);
      g_ptr_array_add (job->items, item);
    }
  if (!g_task_return_error_if_cancelled (task))
    lab_store_job_return_boolean (task, TRUE, NULL);
}

static void
clear_pairs (LabErrorsView *self)
{
  g_clear_pointer (&self->info, cari_eval_info_free);
  g_clear_pointer (&self->set, cari_pair_set_unref);
  g_clear_pointer (&self->comparable, g_ptr_array_unref);
  g_clear_pointer (&self->comparable_labels, g_ptr_array_unref);
  g_ptr_array_set_size (self->item_array, 0);
  g_list_store_remove_all (self->items);
  lab_score_histogram_set_pairs (self->histogram, NULL);
}

/* A load replaced since was cancelled: it does not come here. */
static void
loaded (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabErrorsView *self = source;
  LoadJob *job = data;
  if (error != NULL)
    {
      adw_status_page_set_description (self->empty_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      gtk_spinner_stop (self->spinner);
      lab_page_toast_printf (GTK_WIDGET (self), _("Could not read the pair scores: %s"),
                             error->message);
      return;
    }
  clear_pairs (self);
  self->info = g_steal_pointer (&job->load->info);
  self->set = cari_pair_set_ref (job->load->set);
  if (job->load->dataset != self->dataset)
    {
      g_clear_pointer (&self->dataset, lab_dataset_unref);
      self->dataset = job->load->dataset ? lab_dataset_ref (job->load->dataset) : NULL;
    }
  self->comparable = g_steal_pointer (&job->load->comparable);
  self->comparable_labels = g_steal_pointer (&job->load->labels);
  g_ptr_array_extend_and_steal (self->item_array, g_steal_pointer (&job->items));
  self->threshold = job->threshold;
  self->origin = job->origin;
  self->resort_pending = FALSE;
  /* One items-changed for the whole evaluation. */
  g_list_store_splice (self->items, 0, 0, self->item_array->pdata, self->item_array->len);
  lab_score_histogram_set_pairs (self->histogram, self->set);
  lab_score_histogram_set_threshold (self->histogram, self->threshold);
  lab_errors_view_update_readout (self);
  lab_errors_view_fill_compare_list (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->compare_button), TRUE);
  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, cari_pair_set_get_n (self->set) > 0 ? "pairs"
                                                                                   : "empty");
  if (cari_pair_set_get_n (self->set) == 0)
    adw_status_page_set_description (self->empty_page,
                                     _("This evaluation has no pair scores."));
  g_signal_emit_by_name (self, "loaded");
}

void
lab_errors_view_set_evaluation (LabErrorsView *self, gint64 evaluation)
{
  g_return_if_fail (LAB_IS_ERRORS_VIEW (self));
  if (evaluation == self->evaluation)
    return;
  self->evaluation = evaluation;
  lab_store_job_cancel (&self->cancellable);
  lab_errors_view_stop_comparing (self);
  self->diff_filter = CARI_DIFF_UNMATCHED;
  lab_errors_view_show_comparison (self);
  if (evaluation <= 0)
    {
      clear_pairs (self);
      adw_status_page_set_description (
        self->empty_page, _("This checkpoint has no verification evaluation: evaluate it on a "
                            "verification protocol to see its false-positive and "
                            "false-negative pairs."));
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->compare_button), FALSE);
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  LoadJob *job = g_new0 (LoadJob, 1);
  job->evaluation = evaluation;
  job->known = self->dataset ? lab_dataset_ref (self->dataset) : NULL;
  lab_store_gateway_start (self->gateway, LAB_STORE_LANE_LOAD, load_job, job,
                           (GDestroyNotify) load_job_free, self,
                           lab_store_job_replace (&self->cancellable), loaded);
}
