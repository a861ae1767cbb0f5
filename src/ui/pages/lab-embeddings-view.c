/* lab-embeddings-view.c — Fig. 2's four t-SNE views of an evaluated checkpoint: loading them,
 * the selection linked across the views, the hovered and opened points. Computing the layouts
 * is lab-embeddings-compute.c; exporting the views, lab-embeddings-export.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "lab-embedding-detail.h"
#include "lab-embeddings-data.h"
#include "lab-embeddings-view-private.h"
#include "lab-page.h"
#include "lab-thumbnails.h"

#define N_NEIGHBOURS 8
#define CARD_SIZE 96

G_DEFINE_FINAL_TYPE (LabEmbeddingsView, lab_embeddings_view, ADW_TYPE_BIN)

enum
{
  SIGNAL_SELECTION_CHANGED,
  SIGNAL_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void show_detail (LabEmbeddingsView *self, int view, int point);

static const char *
view_title (CariView view)
{
  switch (view)
    {
    case CARI_VIEW_V2V:
      return _("V2V: visual branch on photos");
    case CARI_VIEW_V2C:
      return _("V2C: visual branch on caricatures");
    case CARI_VIEW_C2C:
      return _("C2C: caricature branch on caricatures");
    case CARI_VIEW_C2V:
    default:
      return _("C2V: caricature branch on photos");
    }
}

LabScatter *
lab_embeddings_view_get_scatter (LabEmbeddingsView *self, CariView view)
{
  g_return_val_if_fail (LAB_IS_EMBEDDINGS_VIEW (self), NULL);
  switch (view)
    {
    case CARI_VIEW_V2V:
      return self->scatter_v2v;
    case CARI_VIEW_V2C:
      return self->scatter_v2c;
    case CARI_VIEW_C2C:
      return self->scatter_c2c;
    case CARI_VIEW_C2V:
    default:
      return self->scatter_c2v;
    }
}

static int
view_of (LabEmbeddingsView *self, LabScatter *scatter)
{
  for (int v = 0; v < CARI_N_VIEWS; v++)
    if (lab_embeddings_view_get_scatter (self, v) == scatter)
      return v;
  g_return_val_if_reached (0);
}

static void
set_state (LabEmbeddingsView *self, const char *state)
{
  self->state = state;
  gtk_stack_set_visible_child_name (self->stack, state);
}

/* ------------------------------------------------------------------------------ loading */

typedef struct
{
  gint64 evaluation;
  GWeakRef view;
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  g_weak_ref_clear (&job->view);
  g_free (job);
}

/* Load lane: the data set, the four layouts (their grids built here) and the step's pairs. */
static void
load_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  LoadJob *job = data;
  GError *error = NULL;
  LabEmbeddingData *d = lab_embedding_data_read (store, job->evaluation, cancellable, &error);
  lab_store_job_return (task, d, (GDestroyNotify) lab_embedding_data_free, error);
}

static void
apply_colours (LabEmbeddingsView *self)
{
  const LabEmbeddingData *d = self->data;
  for (int v = 0; v < CARI_N_VIEWS && d != NULL; v++)
    {
      g_autofree guint32 *colors = g_new (guint32, MAX (d->n[v], 1));
      for (int i = 0; i < d->n[v]; i++)
        {
          int id = g_array_index (d->index->images, CariIndexImage, d->images[v][i]).identity;
          int rank = d->ranks[id];
          colors[i] = rank < self->coloured ? lab_scatter_palette (rank) : LAB_SCATTER_NO_COLOR;
        }
      lab_scatter_set_colors (lab_embeddings_view_get_scatter (self, v), colors);
    }
}

static void
update_selection_widgets (LabEmbeddingsView *self)
{
  g_autofree char *text = self->n_selected == 0
                            ? g_strdup ("")
                            : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d image selected",
                                                            "%d images selected",
                                                            self->n_selected),
                                               self->n_selected);
  gtk_label_set_label (self->selection_label, text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->clear_button), self->n_selected > 0);
}

/* Shows the selection in every view and tells the page. */
static void
selection_changed (LabEmbeddingsView *self)
{
  const LabEmbeddingData *d = self->data;
  for (int v = 0; v < CARI_N_VIEWS && d != NULL; v++)
    {
      g_autofree guint8 *mask = g_new0 (guint8, MAX (d->n[v], 1));
      for (int i = 0; i < d->n[v] && self->selected != NULL; i++)
        mask[i] = self->selected[d->images[v][i]];
      lab_scatter_set_selection (lab_embeddings_view_get_scatter (self, v),
                                 self->n_selected > 0 ? mask : NULL);
    }
  update_selection_widgets (self);
  g_autoptr (GArray) images = lab_embeddings_view_get_selection (self);
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0, images);
}

static void
close_detail (LabEmbeddingsView *self)
{
  gtk_revealer_set_reveal_child (self->detail_revealer, FALSE);
  self->opened_point = self->opened_image = -1;
  for (int v = 0; v < CARI_N_VIEWS; v++)
    lab_scatter_set_marked (lab_embeddings_view_get_scatter (self, v), NULL, 0);
}

/* Replaces what the view shows (data may be NULL). */
static void
install_data (LabEmbeddingsView *self, LabEmbeddingData *data)
{
  gboolean had_selection = self->n_selected > 0;
  close_detail (self);
  lab_embedding_data_free (self->data);
  self->data = data;
  g_clear_pointer (&self->selected, g_free);
  self->n_selected = 0;
  if (data != NULL)
    self->selected = g_new0 (guint8, MAX (data->index->images->len, 1));
  for (int v = 0; v < CARI_N_VIEWS; v++)
    {
      LabScatter *scatter = lab_embeddings_view_get_scatter (self, v);
      lab_scatter_set_layout (scatter, data != NULL ? data->layouts[v] : NULL);
      int n = data != NULL ? data->n[v] : 0;
      g_autofree char *sub = g_strdup_printf (
        cari_view_modality (v) == CARI_MODALITY_PHOTO
          ? g_dngettext (GETTEXT_PACKAGE, "%d photo", "%d photos", n)
          : g_dngettext (GETTEXT_PACKAGE, "%d caricature", "%d caricatures", n),
        n);
      lab_scatter_set_subtitle (scatter, data != NULL ? sub : NULL);
    }
  apply_colours (self);
  if (had_selection)
    selection_changed (self);
  else
    update_selection_widgets (self);
}

/* A load replaced since (by a newer one, or none) was cancelled: it does not come here. */
static void
loaded (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LoadJob *job = data;
  LabEmbeddingData *d = result;
  g_autoptr (LabEmbeddingsView) self = g_weak_ref_get (&job->view);
  if (self == NULL)
    {
      lab_embedding_data_free (d);
      return;
    }
  g_clear_object (&self->load_cancellable);
  if (d == NULL)
    {
      install_data (self, NULL);
      adw_status_page_set_description (self->error_page, error->message);
      set_state (self, "error");
    }
  else if (d->layout_evaluation == 0)
    {
      install_data (self, d);
      g_autofree char *text = g_strdup_printf (
        _("This evaluation has no layouts of the embeddings. Computing them runs the network of "
          "step %lld on the unseen images of the %d identities with the most of them, then "
          "t-SNE (perplexity 50, PCA initialisation) for each of the four views; they are "
          "stored with the evaluation."),
        (long long) d->step, LAB_EMBEDDINGS_VIEWS_TOP);
      adw_status_page_set_description (self->compute_page, text);
      set_state (self, "compute");
    }
  else
    {
      install_data (self, d);
      set_state (self, "views");
    }
  g_signal_emit (self, signals[SIGNAL_LOADED], 0);
}

void
lab_embeddings_view_load (LabEmbeddingsView *self)
{
  LoadJob *job = g_new0 (LoadJob, 1);
  job->evaluation = self->evaluation;
  g_weak_ref_init (&job->view, self);
  /* No source object: a view that goes away while its store is read is not kept alive. */
  lab_store_gateway_start (self->gateway, LAB_STORE_LANE_LOAD, load_job, job,
                           (GDestroyNotify) load_job_free, NULL,
                           lab_store_job_replace (&self->load_cancellable), loaded);
}

/* ------------------------------------------------------------------------------ pointer */

typedef struct
{
  GWeakRef view;
  int v, point, image;
} HoverRequest;

static void
hover_request_free (HoverRequest *r)
{
  g_weak_ref_clear (&r->view);
  g_free (r);
}

static void
on_hover_thumbnail (GObject *source, GAsyncResult *result, gpointer data)
{
  HoverRequest *r = data;
  g_autoptr (GdkTexture) texture = lab_thumbnails_load_finish (LAB_THUMBNAILS (source), result,
                                                               NULL);
  g_autoptr (LabEmbeddingsView) self = g_weak_ref_get (&r->view);
  LabScatter *scatter = self != NULL ? lab_embeddings_view_get_scatter (self, r->v) : NULL;
  if (texture != NULL && scatter != NULL && self->data != NULL && r->point < self->data->n[r->v]
      && self->data->images[r->v][r->point] == r->image)
    {
      if (lab_scatter_get_hover (scatter) == r->point)
        {
          int id = g_array_index (self->data->index->images, CariIndexImage, r->image).identity;
          lab_scatter_set_card (scatter, r->point, texture,
                                g_ptr_array_index (self->data->index->identities, id));
        }
    }
  hover_request_free (r);
}

static char *
image_path (const LabEmbeddingData *d, int image)
{
  return g_build_filename (d->index->root,
                           g_array_index (d->index->images, CariIndexImage, image).path, NULL);
}

static void
on_hover_changed (LabScatter *scatter, int point, LabEmbeddingsView *self)
{
  lab_store_job_cancel (&self->hover_cancellable);
  if (point < 0 || self->data == NULL)
    return;
  int v = view_of (self, scatter);
  int image = self->data->images[v][point];
  int id = g_array_index (self->data->index->images, CariIndexImage, image).identity;
  const char *name = g_ptr_array_index (self->data->index->identities, id);
  g_autofree char *path = image_path (self->data, image);
  /* Decoded at the screen's pixels (the card shows it CARD_SIZE logical pixels wide). */
  int size = CARD_SIZE * gtk_widget_get_scale_factor (GTK_WIDGET (scatter));
  g_autoptr (GdkTexture) cached = lab_thumbnails_lookup (self->thumbnails, path, size);
  lab_scatter_set_card (scatter, point, cached, name);
  if (cached != NULL)
    return;
  self->hover_cancellable = g_cancellable_new ();
  HoverRequest *r = g_new0 (HoverRequest, 1);
  g_weak_ref_init (&r->view, self);
  r->v = v;
  r->point = point;
  r->image = image;
  lab_thumbnails_load_async (self->thumbnails, path, size, self->hover_cancellable,
                             on_hover_thumbnail, r);
}

static void
on_point_activated (LabScatter *scatter, int point, LabEmbeddingsView *self)
{
  show_detail (self, view_of (self, scatter), point);
}

static void
on_points_selected (LabScatter *scatter, GArray *points, gboolean add, LabEmbeddingsView *self)
{
  const LabEmbeddingData *d = self->data;
  if (d == NULL)
    return;
  int v = view_of (self, scatter);
  if (!add)
    {
      memset (self->selected, 0, d->index->images->len);
      self->n_selected = 0;
    }
  for (guint k = 0; k < points->len; k++)
    {
      int image = d->images[v][g_array_index (points, int, k)];
      self->n_selected += !self->selected[image];
      self->selected[image] = 1;
    }
  selection_changed (self);
}

static void
show_detail (LabEmbeddingsView *self, int v, int point)
{
  const LabEmbeddingData *d = self->data;
  if (d == NULL || point < 0 || point >= d->n[v])
    return;
  int image = d->images[v][point];
  int neighbours[N_NEIGHBOURS], images[N_NEIGHBOURS], marked[N_NEIGHBOURS + 1];
  int k = lab_scatter_layout_k_nearest (d->layouts[v], point, N_NEIGHBOURS, neighbours);
  marked[0] = point;
  for (int j = 0; j < k; j++)
    {
      images[j] = d->images[v][neighbours[j]];
      marked[j + 1] = neighbours[j];
    }
  g_autoptr (GArray) pairs = g_array_new (FALSE, FALSE, sizeof (LabDetailPair));
  for (guint p = 0; p < d->pairs->len; p++)
    {
      const LabStoredPair *sp = &g_array_index (d->pairs, LabStoredPair, p);
      if (sp->a != image && sp->b != image)
        continue;
      double threshold = g_array_index (d->thresholds, double, sp->protocol);
      LabDetailPair dp = { sp->a == image ? sp->b : sp->a, sp->score, sp->same,
                           sp->score >= threshold, g_ptr_array_index (d->protocols, sp->protocol) };
      g_array_append_val (pairs, dp);
    }
  for (int w = 0; w < CARI_N_VIEWS; w++)
    lab_scatter_set_marked (lab_embeddings_view_get_scatter (self, w), marked,
                            w == v ? k + 1 : 0);
  lab_embedding_detail_show (LAB_EMBEDDING_DETAIL (self->detail), d->index, image, view_title (v),
                             images, k, (const LabDetailPair *) (gpointer) pairs->data,
                             pairs->len);
  self->opened_view = v;
  self->opened_point = point;
  self->opened_image = image;
  gtk_revealer_set_reveal_child (self->detail_revealer, TRUE);
}

/* A neighbour or a pair's other image: opened in the same view when it is there, else in the
 * first view that shows it. */
static void
on_detail_image_activated (LabEmbeddingDetail *detail, int image, LabEmbeddingsView *self)
{
  const LabEmbeddingData *d = self->data;
  for (int pass = 0; pass < 2 && d != NULL; pass++)
    for (int v = 0; v < CARI_N_VIEWS; v++)
      {
        if ((pass == 0) != (v == self->opened_view))
          continue;
        for (int i = 0; i < d->n[v]; i++)
          if (d->images[v][i] == image)
            {
              show_detail (self, v, i);
              return;
            }
      }
  lab_page_toast (GTK_WIDGET (self), _("That image is in none of the views"));
}

static void
on_detail_closed (LabEmbeddingDetail *detail, LabEmbeddingsView *self)
{
  close_detail (self);
}

/* ------------------------------------------------------------------------------ toolbar */

static void
on_coloured_changed (GtkSpinButton *spin, LabEmbeddingsView *self)
{
  lab_embeddings_view_set_coloured (self, gtk_spin_button_get_value_as_int (spin));
}

static void
on_lasso_toggled (GtkToggleButton *toggle, LabEmbeddingsView *self)
{
  for (int v = 0; v < CARI_N_VIEWS; v++)
    lab_scatter_set_lasso_mode (lab_embeddings_view_get_scatter (self, v),
                                gtk_toggle_button_get_active (toggle));
}

static void
on_clear_clicked (LabEmbeddingsView *self)
{
  lab_embeddings_view_clear_selection (self);
}

/* ------------------------------------------------------------------------------ public */

GtkWidget *
lab_embeddings_view_new (LabStoreGateway *gateway)
{
  g_return_val_if_fail (LAB_IS_STORE_GATEWAY (gateway), NULL);
  LabEmbeddingsView *self = g_object_new (LAB_TYPE_EMBEDDINGS_VIEW, NULL);
  self->gateway = g_object_ref (gateway);
  return GTK_WIDGET (self);
}

void
lab_embeddings_view_set_evaluation (LabEmbeddingsView *self, gint64 evaluation)
{
  g_return_if_fail (LAB_IS_EMBEDDINGS_VIEW (self));
  evaluation = MAX (evaluation, 0);
  /* The same evaluation again: read again only what may have changed since (layouts computed
   * meanwhile, by Evaluate or another process), keeping the selection of views shown. */
  if (evaluation == self->evaluation
      && (evaluation == 0 || self->compute != NULL || g_strcmp0 (self->state, "views") == 0
          || g_strcmp0 (self->state, "loading") == 0))
    return;
  /* Layouts being computed for another evaluation are not wanted any more. */
  if (evaluation != self->evaluation)
    lab_embeddings_view_cancel_compute (self);
  self->evaluation = evaluation;
  if (evaluation == 0)
    {
      lab_store_job_cancel (&self->load_cancellable);
      install_data (self, NULL);
      set_state (self, "empty");
      return;
    }
  /* The old views stay until the new ones arrive, unless there are none to keep. */
  if (self->data == NULL || g_strcmp0 (self->state, "views") != 0)
    set_state (self, "loading");
  lab_embeddings_view_load (self);
}

gint64
lab_embeddings_view_get_evaluation (LabEmbeddingsView *self)
{
  g_return_val_if_fail (LAB_IS_EMBEDDINGS_VIEW (self), 0);
  return self->evaluation;
}

const char *
lab_embeddings_view_get_state (LabEmbeddingsView *self)
{
  g_return_val_if_fail (LAB_IS_EMBEDDINGS_VIEW (self), NULL);
  return self->state;
}

const int *
lab_embeddings_view_get_images (LabEmbeddingsView *self, CariView view, int *n)
{
  g_return_val_if_fail (LAB_IS_EMBEDDINGS_VIEW (self), NULL);
  *n = self->data != NULL ? self->data->n[view] : 0;
  return self->data != NULL ? self->data->images[view] : NULL;
}

void
lab_embeddings_view_set_coloured (LabEmbeddingsView *self, int coloured)
{
  g_return_if_fail (LAB_IS_EMBEDDINGS_VIEW (self));
  coloured = CLAMP (coloured, 0, LAB_SCATTER_PALETTE_SIZE);
  if (coloured == self->coloured)
    return;
  self->coloured = coloured;
  if (gtk_spin_button_get_value_as_int (self->coloured_spin) != coloured)
    gtk_spin_button_set_value (self->coloured_spin, coloured);
  apply_colours (self);
}

int
lab_embeddings_view_get_coloured (LabEmbeddingsView *self)
{
  g_return_val_if_fail (LAB_IS_EMBEDDINGS_VIEW (self), 0);
  return self->coloured;
}

GArray *
lab_embeddings_view_get_selection (LabEmbeddingsView *self)
{
  g_return_val_if_fail (LAB_IS_EMBEDDINGS_VIEW (self), NULL);
  if (self->n_selected == 0 || self->data == NULL)
    return NULL;
  GArray *images = g_array_sized_new (FALSE, FALSE, sizeof (int), self->n_selected);
  for (int i = 0; i < (int) self->data->index->images->len; i++)
    if (self->selected[i])
      g_array_append_val (images, i);
  return images;
}

void
lab_embeddings_view_clear_selection (LabEmbeddingsView *self)
{
  g_return_if_fail (LAB_IS_EMBEDDINGS_VIEW (self));
  if (self->n_selected == 0)
    return;
  memset (self->selected, 0, self->data->index->images->len);
  self->n_selected = 0;
  selection_changed (self);
}

void
lab_embeddings_view_open_point (LabEmbeddingsView *self, CariView view, int point)
{
  g_return_if_fail (LAB_IS_EMBEDDINGS_VIEW (self));
  show_detail (self, view, point);
}

int
lab_embeddings_view_get_opened (LabEmbeddingsView *self)
{
  g_return_val_if_fail (LAB_IS_EMBEDDINGS_VIEW (self), -1);
  return self->opened_image;
}

GtkWidget *
lab_embeddings_view_get_detail (LabEmbeddingsView *self)
{
  g_return_val_if_fail (LAB_IS_EMBEDDINGS_VIEW (self), NULL);
  return self->detail;
}

/* ------------------------------------------------------------------------------ GObject */

static void
lab_embeddings_view_dispose (GObject *object)
{
  LabEmbeddingsView *self = LAB_EMBEDDINGS_VIEW (object);
  lab_store_job_cancel (&self->load_cancellable);
  lab_store_job_cancel (&self->hover_cancellable);
  lab_embeddings_view_cancel_compute (self);
  g_clear_pointer (&self->compute, lab_embeddings_compute_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), LAB_TYPE_EMBEDDINGS_VIEW);
  g_clear_object (&self->gateway);
  G_OBJECT_CLASS (lab_embeddings_view_parent_class)->dispose (object);
}

static void
lab_embeddings_view_finalize (GObject *object)
{
  LabEmbeddingsView *self = LAB_EMBEDDINGS_VIEW (object);
  lab_embedding_data_free (self->data);
  g_free (self->selected);
  g_clear_object (&self->thumbnails);
  G_OBJECT_CLASS (lab_embeddings_view_parent_class)->finalize (object);
}

static void
lab_embeddings_view_class_init (LabEmbeddingsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = lab_embeddings_view_dispose;
  object_class->finalize = lab_embeddings_view_finalize;

  signals[SIGNAL_SELECTION_CHANGED] = g_signal_new ("selection-changed",
                                                    G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                                    G_TYPE_ARRAY);
  signals[SIGNAL_LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_install_action (widget_class, "embeddings.export", "s",
                                   lab_embeddings_view_export_action);

  g_type_ensure (LAB_TYPE_SCATTER);
  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/carilab/CariLab/ui/lab-embeddings-view.ui");
  gtk_widget_class_bind_template_child (widget_class, LabEmbeddingsView, stack);
  gtk_widget_class_bind_template_child (widget_class, LabEmbeddingsView, error_page);
  gtk_widget_class_bind_template_child (widget_class, LabEmbeddingsView, compute_page);
  gtk_widget_class_bind_template_child (widget_class, LabEmbeddingsView, compute_button);
  gtk_widget_class_bind_template_child (widget_class, LabEmbeddingsView, compute_box);
  gtk_widget_class_bind_template_child (widget_class, LabEmbeddingsView, compute_bar);
  gtk_widget_class_bind_template_child (widget_class, LabEmbeddingsView, coloured_spin);
  gtk_widget_class_bind_template_child (widget_class, LabEmbeddingsView, selection_label);
  gtk_widget_class_bind_template_child (widget_class, LabEmbeddingsView, lasso_toggle);
  gtk_widget_class_bind_template_child (widget_class, LabEmbeddingsView, clear_button);
  gtk_widget_class_bind_template_child (widget_class, LabEmbeddingsView, hint_label);
  gtk_widget_class_bind_template_child (widget_class, LabEmbeddingsView, detail_revealer);
  gtk_widget_class_bind_template_child (widget_class, LabEmbeddingsView, detail_bin);
  gtk_widget_class_bind_template_child (widget_class, LabEmbeddingsView, scatter_v2v);
  gtk_widget_class_bind_template_child (widget_class, LabEmbeddingsView, scatter_v2c);
  gtk_widget_class_bind_template_child (widget_class, LabEmbeddingsView, scatter_c2c);
  gtk_widget_class_bind_template_child (widget_class, LabEmbeddingsView, scatter_c2v);
  gtk_widget_class_bind_template_callback_full (
    widget_class, "on_compute_clicked", G_CALLBACK (lab_embeddings_view_on_compute_clicked));
  gtk_widget_class_bind_template_callback_full (
    widget_class, "on_compute_cancel_clicked",
    G_CALLBACK (lab_embeddings_view_on_compute_cancel_clicked));
  gtk_widget_class_bind_template_callback (widget_class, on_clear_clicked);
}

static void
lab_embeddings_view_init (LabEmbeddingsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->coloured = LAB_EMBEDDINGS_DEFAULT_COLOURED;
  self->opened_view = 0;
  self->opened_point = self->opened_image = -1;
  self->state = "empty";
  self->thumbnails = lab_thumbnails_new ();
  self->detail = lab_embedding_detail_new (self->thumbnails);
  adw_bin_set_child (self->detail_bin, self->detail);
  g_signal_connect_object (self->detail, "image-activated",
                           G_CALLBACK (on_detail_image_activated), self, 0);
  g_signal_connect_object (self->detail, "closed", G_CALLBACK (on_detail_closed), self, 0);
  gtk_label_set_label (self->hint_label,
                       _("Hover a point for its image; click it for its neighbours and stored "
                         "pairs; drag to select (shift adds, ctrl draws a lasso). A selection "
                         "shows in every view."));
  gtk_spin_button_set_value (self->coloured_spin, self->coloured);
  g_signal_connect_object (self->coloured_spin, "value-changed",
                           G_CALLBACK (on_coloured_changed), self, 0);
  g_signal_connect_object (self->lasso_toggle, "toggled", G_CALLBACK (on_lasso_toggled), self,
                           0);
  for (int v = 0; v < CARI_N_VIEWS; v++)
    {
      LabScatter *scatter = lab_embeddings_view_get_scatter (self, v);
      lab_scatter_set_title (scatter, view_title (v));
      g_signal_connect_object (scatter, "hover-changed", G_CALLBACK (on_hover_changed), self, 0);
      g_signal_connect_object (scatter, "point-activated", G_CALLBACK (on_point_activated), self,
                               0);
      g_signal_connect_object (scatter, "points-selected", G_CALLBACK (on_points_selected), self,
                               0);
    }
}
