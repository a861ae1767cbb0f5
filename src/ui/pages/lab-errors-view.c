/* lab-errors-view.c — score histograms with a draggable threshold over the gallery of pairs
 * (Fig. 8). Reading an evaluation's pairs is lab-errors-view-load.c; the difference of errors
 * between two runs, lab-errors-view-compare.c.
 *
 * The gallery is one GListStore of LabPairItem (every pair of the evaluation, by score) under a
 * GtkFilterListModel (verdicts, difference class, images) and a GtkSortListModel (hardest first,
 * or by score). Moving the threshold keeps the model: each item re-derives its verdict and margin
 * (O(n), no allocation, no signal unless its verdict changes); the pairs whose verdict changed
 * lie between the old and the new threshold, one run of the store, which is spliced back into
 * itself so that the filter re-checks those only (O(k log n) for k pairs crossed, instead of a
 * full refilter, whose change would span the gallery and rebuild every tile shown). The margin
 * order, which interleaves genuine and impostor pairs differently at each threshold, is re-sorted
 * once, when the drag ends.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "lab-errors-view-private.h"
#include "lab-pair-item.h"
#include "lab-pair-tile.h"
#include "lab-page.h"
#include "lab-pair-window.h"

#define THUMBNAIL_SIZE 96
#define THUMBNAIL_CAPACITY 600

static const CariVerdict verdict_order[CARI_N_VERDICTS] = { CARI_VERDICT_FP, CARI_VERDICT_FN,
                                                          CARI_VERDICT_TP, CARI_VERDICT_TN };

G_DEFINE_FINAL_TYPE (LabErrorsView, lab_errors_view, ADW_TYPE_BIN)

enum
{
  SIGNAL_LOADED,
  SIGNAL_COMPARED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------------ filter, order */

static gboolean
filter_pair (gpointer object, gpointer data)
{
  LabErrorsView *self = data;
  CariPairFilter f = { self->verdicts, self->diff_filter, self->image_filter };
  return lab_pair_item_matches (object, &f);
}

static int
compare_pairs (gconstpointer a, gconstpointer b, gpointer data)
{
  LabErrorsView *self = data;
  return lab_pair_item_compare ((LabPairItem *) a, (LabPairItem *) b, self->order);
}

void
lab_errors_view_refilter (LabErrorsView *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
resort (LabErrorsView *self)
{
  self->resort_pending = FALSE;
  for (guint i = 0; i < self->item_array->len; i++)
    lab_pair_item_keep_order_key (g_ptr_array_index (self->item_array, i));
  gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
}

static void
on_shown_changed (GListModel *model, guint position, guint removed, guint added,
                  LabErrorsView *self)
{
  guint shown = g_list_model_get_n_items (model);
  guint all = self->item_array->len;
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u pair",
                                                        "%u of %u pairs", all),
                                           shown, all);
  gtk_label_set_label (self->count_label, text);
  gtk_stack_set_visible_child_name (self->gallery_stack, shown > 0 ? "grid" : "none");
}

/* ------------------------------------------------------------------------------ readout */

static void
sync_origin_buttons (LabErrorsView *self)
{
  self->updating = TRUE;
  for (int o = 0; o < N_ORIGIN_BUTTONS; o++)
    {
      gboolean have = self->set != NULL
                      && !isnan (cari_pair_set_get_threshold (self->set, (CariThresholdOrigin) o));
      gtk_widget_set_sensitive (GTK_WIDGET (self->origin_buttons[o]), have);
      gtk_toggle_button_set_active (self->origin_buttons[o], (int) self->origin == o);
    }
  self->updating = FALSE;
}

void
lab_errors_view_update_readout (LabErrorsView *self)
{
  CariPairCounts c = { 0 };
  if (self->set != NULL)
    cari_pair_set_count (self->set, self->threshold, &c);
  g_autofree char *thr = g_strdup_printf ("%.4f (%s)", self->threshold,
                                          cari_threshold_origin_label (self->origin));
  gtk_label_set_label (self->threshold_label, thr);

  g_autofree char *fmr = g_strdup_printf ("%.2f %%", 100.0 * c.fmr);
  g_autofree char *fnmr = g_strdup_printf ("%.2f %%", 100.0 * c.fnmr);
  gtk_label_set_label (self->fmr_label, fmr);
  gtk_label_set_label (self->fnmr_label, fnmr);
  g_autofree char *fmr_detail = g_strdup_printf (
    g_dngettext (GETTEXT_PACKAGE, "%u of %u impostor pair accepted",
                 "%u of %u impostor pairs accepted", c.impostor),
    c.fp, c.impostor);
  g_autofree char *fnmr_detail = g_strdup_printf (
    g_dngettext (GETTEXT_PACKAGE, "%u of %u genuine pair rejected",
                 "%u of %u genuine pairs rejected", c.genuine),
    c.fn, c.genuine);
  gtk_label_set_label (self->fmr_detail, fmr_detail);
  gtk_label_set_label (self->fnmr_detail, fnmr_detail);
  const guint counts[CARI_N_VERDICTS] = { [CARI_VERDICT_TP] = c.tp, [CARI_VERDICT_FP] = c.fp,
                                         [CARI_VERDICT_TN] = c.tn, [CARI_VERDICT_FN] = c.fn };
  for (int k = 0; k < CARI_N_VERDICTS; k++)
    {
      CariVerdict v = verdict_order[k];
      g_autofree char *text = g_strdup_printf ("%s %u", cari_verdict_to_string (v), counts[v]);
      gtk_label_set_label (self->count_labels[k], text);
    }
  sync_origin_buttons (self);
}

/* ------------------------------------------------------------------------------ threshold */

/* The margins of the tiles on screen: the grid keeps more tiles bound than it shows, and a tile
 * draws its item as it is whenever it next draws. */
static void
refresh_tiles (LabErrorsView *self)
{
  GHashTableIter iter;
  gpointer tile;
  g_hash_table_iter_init (&iter, self->tiles);
  while (g_hash_table_iter_next (&iter, &tile, NULL))
    if (gtk_widget_get_mapped (tile))
      lab_pair_tile_refresh (tile);
}

/* Re-derives every verdict at `threshold`. `live`: a drag goes on, so the margin order waits. */
static void
apply_threshold (LabErrorsView *self, double threshold, CariThresholdOrigin origin, gboolean live)
{
  self->threshold = threshold;
  self->origin = origin;
  guint first = G_MAXUINT, last = 0;
  for (guint i = 0; i < self->item_array->len; i++)
    if (lab_pair_item_set_threshold (g_ptr_array_index (self->item_array, i), threshold))
      {
        first = MIN (first, i);
        last = i;
      }
  /* The filter looks again at the pairs whose verdict changed, and only at them. */
  if (first <= last && self->diff_filter == CARI_DIFF_UNMATCHED)
    g_list_store_splice (self->items, first, last - first + 1,
                         self->item_array->pdata + first, last - first + 1);
  refresh_tiles (self);
  if (self->order == CARI_PAIR_ORDER_HARDEST)
    {
      if (live)
        self->resort_pending = TRUE;
      else
        resort (self);
    }
  lab_score_histogram_set_threshold (self->histogram, threshold);
  lab_errors_view_update_readout (self);
}

void
lab_errors_view_move_threshold (LabErrorsView *self, double threshold, gboolean done)
{
  g_return_if_fail (LAB_IS_ERRORS_VIEW (self));
  if (self->set == NULL)
    return;
  if (threshold != self->threshold || self->origin != CARI_THRESHOLD_DRAGGED)
    apply_threshold (self, threshold, CARI_THRESHOLD_DRAGGED, !done);
  else if (done && self->resort_pending)
    resort (self);
}

gboolean
lab_errors_view_snap_threshold (LabErrorsView *self, CariThresholdOrigin origin)
{
  g_return_val_if_fail (LAB_IS_ERRORS_VIEW (self), FALSE);
  if (self->set == NULL || origin >= CARI_THRESHOLD_DRAGGED)
    return FALSE;
  double t = cari_pair_set_get_threshold (self->set, origin);
  if (isnan (t))
    return FALSE;
  apply_threshold (self, t, origin, FALSE);
  return TRUE;
}

static void
on_threshold_moved (LabScoreHistogram *histogram, double threshold, LabErrorsView *self)
{
  lab_errors_view_move_threshold (self, threshold, !lab_score_histogram_get_dragging (histogram));
}

static void
on_dragging_changed (LabScoreHistogram *histogram, GParamSpec *pspec, LabErrorsView *self)
{
  if (!lab_score_histogram_get_dragging (histogram) && self->resort_pending)
    resort (self);
}

static void
on_origin_toggled (GtkToggleButton *button, LabErrorsView *self)
{
  if (self->updating)
    return;
  int o = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "origin"));
  /* Clicking the active origin again keeps it. */
  if (!lab_errors_view_snap_threshold (self, (CariThresholdOrigin) o))
    sync_origin_buttons (self);
}

/* ------------------------------------------------------------------------------ verdicts */

void
lab_errors_view_sync_filter_buttons (LabErrorsView *self)
{
  self->updating = TRUE;
  for (int k = 0; k < CARI_N_VERDICTS; k++)
    {
      gtk_toggle_button_set_active (self->verdict_buttons[k],
                                    (self->verdicts & CARI_VERDICT_FLAG (verdict_order[k])) != 0);
      gtk_widget_set_sensitive (GTK_WIDGET (self->verdict_buttons[k]),
                                self->diff_filter == CARI_DIFF_UNMATCHED);
    }
  self->updating = FALSE;
  lab_errors_view_sync_diff_buttons (self);
}

void
lab_errors_view_set_verdicts (LabErrorsView *self, guint verdicts)
{
  g_return_if_fail (LAB_IS_ERRORS_VIEW (self));
  verdicts &= CARI_VERDICT_ALL;
  if (verdicts != self->verdicts)
    {
      self->verdicts = verdicts;
      if (self->diff_filter == CARI_DIFF_UNMATCHED)
        lab_errors_view_refilter (self);
    }
  lab_errors_view_sync_filter_buttons (self);
}

guint
lab_errors_view_get_verdicts (LabErrorsView *self)
{
  g_return_val_if_fail (LAB_IS_ERRORS_VIEW (self), 0);
  return self->verdicts;
}

static void
on_verdict_toggled (GtkToggleButton *button, LabErrorsView *self)
{
  if (self->updating)
    return;
  guint flag = CARI_VERDICT_FLAG (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button),
                                                                     "verdict")));
  lab_errors_view_set_verdicts (self, gtk_toggle_button_get_active (button)
                                        ? self->verdicts | flag
                                        : self->verdicts & ~flag);
}

void
lab_errors_view_set_order (LabErrorsView *self, CariPairOrder order)
{
  g_return_if_fail (LAB_IS_ERRORS_VIEW (self));
  if (order != self->order)
    {
      self->order = order;
      resort (self);
    }
  self->updating = TRUE;
  gtk_drop_down_set_selected (self->order_dropdown, order);
  self->updating = FALSE;
}

static void
on_order_selected (GtkDropDown *dropdown, GParamSpec *pspec, LabErrorsView *self)
{
  if (!self->updating)
    lab_errors_view_set_order (self, (CariPairOrder) gtk_drop_down_get_selected (dropdown));
}

/* ------------------------------------------------------------------------------ images */

void
lab_errors_view_set_image_filter (LabErrorsView *self, const int *images, int n)
{
  g_return_if_fail (LAB_IS_ERRORS_VIEW (self));
  g_clear_pointer (&self->image_filter, cari_image_set_free);
  self->image_filter = cari_image_set_new (images, n);
  int size = cari_image_set_get_size (self->image_filter);
  gtk_widget_set_visible (GTK_WIDGET (self->image_filter_box), size > 0);
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "Pairs of %d selected image",
                                                        "Pairs of %d selected images", size),
                                           size);
  gtk_label_set_label (self->image_filter_label, text);
  lab_errors_view_refilter (self);
}

static void
on_clear_image_filter_clicked (LabErrorsView *self)
{
  lab_errors_view_set_image_filter (self, NULL, 0);
}

/* ------------------------------------------------------------------------------ gallery */

static void
tile_setup (GtkSignalListItemFactory *factory, GtkListItem *list_item, LabErrorsView *self)
{
  gtk_list_item_set_child (list_item, lab_pair_tile_new (self->thumbnails));
}

static void
tile_bind (GtkSignalListItemFactory *factory, GtkListItem *list_item, LabErrorsView *self)
{
  LabPairTile *tile = LAB_PAIR_TILE (gtk_list_item_get_child (list_item));
  LabPairItem *item = gtk_list_item_get_item (list_item);
  g_autofree char *caricature = lab_dataset_image_path (self->dataset,
                                                        lab_pair_item_get_caricature (item));
  g_autofree char *photo = lab_dataset_image_path (self->dataset, lab_pair_item_get_photo (item));
  lab_pair_tile_bind (tile, item, caricature, photo,
                      self->other != NULL ? lab_errors_view_far_label (self->far) : NULL);
  g_hash_table_add (self->tiles, tile);
}

static void
tile_unbind (GtkSignalListItemFactory *factory, GtkListItem *list_item, LabErrorsView *self)
{
  LabPairTile *tile = LAB_PAIR_TILE (gtk_list_item_get_child (list_item));
  lab_pair_tile_unbind (tile);
  g_hash_table_remove (self->tiles, tile);
}

static void
tile_teardown (GtkSignalListItemFactory *factory, GtkListItem *list_item, LabErrorsView *self)
{
  GtkWidget *tile = gtk_list_item_get_child (list_item);
  if (tile != NULL)
    g_hash_table_remove (self->tiles, tile);
}

/* Binds the shown tiles again (when the comparison starts or stops). */
void
lab_errors_view_rebind_tiles (LabErrorsView *self)
{
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init (&iter, self->tiles);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      LabPairTile *tile = key;
      g_autoptr (LabPairItem) item = lab_pair_tile_get_item (tile)
                                       ? g_object_ref (lab_pair_tile_get_item (tile))
                                       : NULL;
      if (item == NULL)
        continue;
      g_autofree char *caricature = lab_dataset_image_path (self->dataset,
                                                            lab_pair_item_get_caricature (item));
      g_autofree char *photo = lab_dataset_image_path (self->dataset,
                                                       lab_pair_item_get_photo (item));
      lab_pair_tile_bind (tile, item, caricature, photo,
                          self->other != NULL ? lab_errors_view_far_label (self->far) : NULL);
    }
}

GtkWidget *
lab_errors_view_open_pair (LabErrorsView *self, guint position)
{
  g_return_val_if_fail (LAB_IS_ERRORS_VIEW (self), NULL);
  g_autoptr (LabPairItem) item = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);
  if (item == NULL)
    return NULL;
  int c = lab_pair_item_get_caricature (item), p = lab_pair_item_get_photo (item);
  g_autofree char *caricature_path = lab_dataset_image_path (self->dataset, c);
  g_autofree char *photo_path = lab_dataset_image_path (self->dataset, p);
  LabPairDetails d = {
    .index = lab_pair_item_get_index (item),
    .caricature_path = caricature_path,
    .photo_path = photo_path,
    .caricature_name = lab_pair_item_get_caricature_name (item),
    .photo_name = lab_pair_item_get_photo_name (item),
    .score = lab_pair_item_get_score (item),
    .same = lab_pair_item_get_same (item),
    .threshold = self->threshold,
    .origin = cari_threshold_origin_label (self->origin),
    .other_label = self->other != NULL ? self->other_label : NULL,
    .other_score = lab_pair_item_get_other_score (item),
    .other_threshold = self->other_threshold,
  };
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *window = lab_pair_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, &d);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
on_grid_activate (LabErrorsView *self, guint position)
{
  lab_errors_view_open_pair (self, position);
}

/* ------------------------------------------------------------------------------ public */

GtkWidget *
lab_errors_view_new (LabStoreGateway *gateway)
{
  g_return_val_if_fail (LAB_IS_STORE_GATEWAY (gateway), NULL);
  LabErrorsView *self = g_object_new (LAB_TYPE_ERRORS_VIEW, NULL);
  self->gateway = g_object_ref (gateway);
  return GTK_WIDGET (self);
}

gint64
lab_errors_view_get_evaluation (LabErrorsView *self)
{
  g_return_val_if_fail (LAB_IS_ERRORS_VIEW (self), 0);
  return self->evaluation;
}

GListModel *
lab_errors_view_get_model (LabErrorsView *self)
{
  g_return_val_if_fail (LAB_IS_ERRORS_VIEW (self), NULL);
  return G_LIST_MODEL (self->sorted);
}

GListModel *
lab_errors_view_get_items (LabErrorsView *self)
{
  g_return_val_if_fail (LAB_IS_ERRORS_VIEW (self), NULL);
  return G_LIST_MODEL (self->items);
}

CariPairSet *
lab_errors_view_get_pair_set (LabErrorsView *self)
{
  g_return_val_if_fail (LAB_IS_ERRORS_VIEW (self), NULL);
  return self->set;
}

double
lab_errors_view_get_threshold (LabErrorsView *self)
{
  g_return_val_if_fail (LAB_IS_ERRORS_VIEW (self), NAN);
  return self->threshold;
}

CariThresholdOrigin
lab_errors_view_get_threshold_origin (LabErrorsView *self)
{
  g_return_val_if_fail (LAB_IS_ERRORS_VIEW (self), CARI_THRESHOLD_DRAGGED);
  return self->origin;
}

void
lab_errors_view_get_counts (LabErrorsView *self, CariPairCounts *counts)
{
  g_return_if_fail (LAB_IS_ERRORS_VIEW (self));
  memset (counts, 0, sizeof *counts);
  if (self->set != NULL)
    cari_pair_set_count (self->set, self->threshold, counts);
}

GPtrArray *
lab_errors_view_get_comparable (LabErrorsView *self)
{
  g_return_val_if_fail (LAB_IS_ERRORS_VIEW (self), NULL);
  return self->comparable;
}

/* ------------------------------------------------------------------------------ GObject */

static void
lab_errors_view_dispose (GObject *object)
{
  LabErrorsView *self = LAB_ERRORS_VIEW (object);
  lab_store_job_cancel (&self->cancellable);
  lab_errors_view_stop_comparing (self);
  /* The filter and sorter call back into the view: not after this. */
  if (self->filter != NULL)
    gtk_custom_filter_set_filter_func (self->filter, NULL, NULL, NULL);
  if (self->sorter != NULL)
    gtk_custom_sorter_set_sort_func (self->sorter, NULL, NULL, NULL);
  /* The template's root is AdwBin's child: unset it before the template lets go of it. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_ERRORS_VIEW);
  g_clear_object (&self->sorted);
  g_clear_object (&self->filtered);
  g_clear_object (&self->sorter);
  g_clear_object (&self->filter);
  g_clear_object (&self->items);
  g_clear_object (&self->thumbnails);
  g_clear_object (&self->gateway);
  G_OBJECT_CLASS (lab_errors_view_parent_class)->dispose (object);
}

static void
lab_errors_view_finalize (GObject *object)
{
  LabErrorsView *self = LAB_ERRORS_VIEW (object);
  g_clear_pointer (&self->info, cari_eval_info_free);
  g_clear_pointer (&self->set, cari_pair_set_unref);
  g_clear_pointer (&self->dataset, lab_dataset_unref);
  g_clear_pointer (&self->comparable, g_ptr_array_unref);
  g_clear_pointer (&self->comparable_labels, g_ptr_array_unref);
  g_clear_pointer (&self->item_array, g_ptr_array_unref);
  g_clear_pointer (&self->image_filter, cari_image_set_free);
  g_clear_pointer (&self->tiles, g_hash_table_unref);
  G_OBJECT_CLASS (lab_errors_view_parent_class)->finalize (object);
}

static void
lab_errors_view_class_init (LabErrorsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = lab_errors_view_dispose;
  object_class->finalize = lab_errors_view_finalize;

  signals[SIGNAL_LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_COMPARED] = g_signal_new ("compared", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                           0);

  g_type_ensure (LAB_TYPE_SCORE_HISTOGRAM);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/carilab/CariLab/ui/lab-errors-view.ui");
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, stack);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, spinner);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, origin_box);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, threshold_label);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, compare_button);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, compare_button_label);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, compare_popover);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, compare_title);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, compare_list);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, far_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, far_names);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, stop_compare_button);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, histogram);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, readout);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, verdict_box);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, compare_box);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, diff_box);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, image_filter_box);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, image_filter_label);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, count_label);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, order_dropdown);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, order_names);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, compare_label);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, gallery_stack);
  gtk_widget_class_bind_template_child (widget_class, LabErrorsView, grid);
  gtk_widget_class_bind_template_callback_full (widget_class, "on_stop_compare_clicked",
                                                G_CALLBACK (lab_errors_view_on_stop_compare_clicked));
  gtk_widget_class_bind_template_callback (widget_class, on_clear_image_filter_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_grid_activate);
}

/* A readout row: a bold name, a value, and a dim line under them. */
static void
readout_rate (LabErrorsView *self, int row, const char *name, const char *tooltip,
              GtkLabel **value, GtkLabel **detail)
{
  GtkWidget *n = gtk_label_new (name);
  gtk_label_set_xalign (GTK_LABEL (n), 0.0);
  gtk_widget_add_css_class (n, "heading");
  gtk_widget_set_tooltip_text (n, tooltip);
  gtk_grid_attach (self->readout, n, 0, row, 1, 1);
  *value = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (*value, 1.0);
  gtk_widget_add_css_class (GTK_WIDGET (*value), "numeric");
  gtk_widget_add_css_class (GTK_WIDGET (*value), "heading");
  gtk_grid_attach (self->readout, GTK_WIDGET (*value), 1, row, 1, 1);
  *detail = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (*detail, 0.0);
  gtk_widget_add_css_class (GTK_WIDGET (*detail), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (*detail), "caption");
  gtk_grid_attach (self->readout, GTK_WIDGET (*detail), 0, row + 1, 2, 1);
}

static void
lab_errors_view_init (LabErrorsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->verdicts = CARI_VERDICT_ERRORS;
  self->diff_filter = CARI_DIFF_UNMATCHED;
  self->order = CARI_PAIR_ORDER_HARDEST;
  self->origin = CARI_THRESHOLD_SELECTION;
  self->threshold = NAN;
  self->far = 1e-2;
  self->other_threshold = NAN;
  self->item_array = g_ptr_array_new_with_free_func (g_object_unref);
  self->tiles = g_hash_table_new (NULL, NULL);
  self->thumbnails = lab_thumbnail_cache_new (THUMBNAIL_SIZE, THUMBNAIL_CAPACITY);

  /* Threshold origins. */
  static const char *const origin_tips[N_ORIGIN_BUTTONS] = {
    N_("The evaluation’s operating threshold: the mean of the best-accuracy thresholds of its "
       "ten folds"),
    N_("Where the false accept and false reject rates are equal, over all pairs"),
    /* xgettext:no-c-format */
    N_("The lowest threshold that accepts at most 0.1 % of the impostor pairs"),
    /* xgettext:no-c-format */
    N_("The lowest threshold that accepts at most 1 % of the impostor pairs"),
  };
  for (int o = 0; o < N_ORIGIN_BUTTONS; o++)
    {
      GtkWidget *b = gtk_toggle_button_new_with_label (
        cari_threshold_origin_label ((CariThresholdOrigin) o));
      gtk_widget_set_tooltip_text (b, _(origin_tips[o]));
      g_object_set_data (G_OBJECT (b), "origin", GINT_TO_POINTER (o));
      g_signal_connect_object (b, "toggled", G_CALLBACK (on_origin_toggled), self, 0);
      gtk_box_append (self->origin_box, b);
      self->origin_buttons[o] = GTK_TOGGLE_BUTTON (b);
    }

  /* The readout: FMR and FNMR, then the four counts as coloured badges. */
  readout_rate (self, 0, _("FMR"), _("False match rate: the share of impostor pairs accepted"),
                &self->fmr_label, &self->fmr_detail);
  readout_rate (self, 2, _("FNMR"),
                _("False non-match rate: the share of genuine pairs rejected"),
                &self->fnmr_label, &self->fnmr_detail);
  GtkWidget *counts = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (counts), 4);
  gtk_grid_set_column_spacing (GTK_GRID (counts), 4);
  gtk_widget_set_margin_top (counts, 4);
  static const char *const verdict_css[CARI_N_VERDICTS] = { "tp", "fp", "tn", "fn" };
  for (int k = 0; k < CARI_N_VERDICTS; k++)
    {
      CariVerdict v = verdict_order[k];
      GtkWidget *l = gtk_label_new (NULL);
      gtk_widget_add_css_class (l, "lab-verdict");
      gtk_widget_add_css_class (l, "numeric");
      gtk_widget_add_css_class (l, verdict_css[v]);
      gtk_widget_set_tooltip_text (l, cari_verdict_describe (v));
      gtk_widget_set_hexpand (l, TRUE);
      /* FP FN on the first row (the errors), TP TN on the second. */
      gtk_grid_attach (GTK_GRID (counts), l, k % 2, k / 2, 1, 1);
      self->count_labels[k] = GTK_LABEL (l);

      GtkWidget *b = gtk_toggle_button_new_with_label (cari_verdict_to_string (v));
      gtk_widget_set_tooltip_text (b, cari_verdict_describe (v));
      g_object_set_data (G_OBJECT (b), "verdict", GINT_TO_POINTER (v));
      g_signal_connect_object (b, "toggled", G_CALLBACK (on_verdict_toggled), self, 0);
      gtk_box_append (self->verdict_box, b);
      self->verdict_buttons[k] = GTK_TOGGLE_BUTTON (b);
    }
  gtk_grid_attach (self->readout, counts, 0, 4, 2, 1);

  const char *orders[] = { _("Hardest First"), _("Highest Score First"), NULL };
  gtk_string_list_splice (self->order_names, 0, 0, orders);
  gtk_drop_down_set_selected (self->order_dropdown, self->order);
  g_signal_connect_object (self->order_dropdown, "notify::selected",
                           G_CALLBACK (on_order_selected), self, 0);
  lab_errors_view_init_comparison (self);
  g_signal_connect_object (self->histogram, "threshold-moved", G_CALLBACK (on_threshold_moved),
                           self, 0);
  g_signal_connect_object (self->histogram, "notify::dragging", G_CALLBACK (on_dragging_changed),
                           self, 0);

  /* items → filter → sort → grid. Filtering first keeps the sorts to the pairs shown. */
  self->items = g_list_store_new (LAB_TYPE_PAIR_ITEM);
  self->filter = gtk_custom_filter_new (filter_pair, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->items)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  self->sorter = gtk_custom_sorter_new (compare_pairs, self, NULL);
  self->sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filtered)),
                                          g_object_ref (GTK_SORTER (self->sorter)));
  g_signal_connect_object (self->sorted, "items-changed", G_CALLBACK (on_shown_changed), self, 0);
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (tile_setup), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (tile_bind), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (tile_unbind), self, 0);
  g_signal_connect_object (factory, "teardown", G_CALLBACK (tile_teardown), self, 0);
  gtk_grid_view_set_factory (self->grid, factory);
  g_object_unref (factory);
  GtkNoSelection *selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->sorted)));
  gtk_grid_view_set_model (self->grid, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);

  lab_errors_view_sync_filter_buttons (self);
  lab_errors_view_show_comparison (self);
  lab_errors_view_update_readout (self);
  on_shown_changed (G_LIST_MODEL (self->sorted), 0, 0, 0, self);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}
