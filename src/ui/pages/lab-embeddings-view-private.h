/* lab-embeddings-view-private.h — what LabEmbeddingsView's files share: its insides.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lab-embeddings-data.h"
#include "lab-embeddings-view.h"
#include "lab-thumbnails.h"

G_BEGIN_DECLS

/* The identities with the most unseen images that a computed layout shows. */
#define LAB_EMBEDDINGS_VIEWS_TOP 50

/* A computation of the layouts in flight (lab-embeddings-compute.c). */
typedef struct _LabEmbeddingsCompute LabEmbeddingsCompute;

struct _LabEmbeddingsView
{
  AdwBin parent_instance;

  /* owned */
  LabStoreGateway *gateway;
  gint64 evaluation;
  LabEmbeddingData *data;
  GCancellable *load_cancellable;
  guint8 *selected;          /* [images of the data set] */
  int n_selected;
  int coloured;
  LabThumbnails *thumbnails;
  GCancellable *hover_cancellable;
  LabEmbeddingsCompute *compute; /* while computing */
  int opened_view, opened_point, opened_image;
  const char *state;         /* static string */
  GtkWidget *detail;         /* LabEmbeddingDetail, in detail_bin */

  /* template */
  GtkStack *stack;
  AdwStatusPage *error_page;
  AdwStatusPage *compute_page;
  GtkButton *compute_button;
  GtkBox *compute_box;
  GtkProgressBar *compute_bar;
  GtkSpinButton *coloured_spin;
  GtkLabel *selection_label;
  GtkToggleButton *lasso_toggle;
  GtkButton *clear_button;
  GtkLabel *hint_label;
  GtkRevealer *detail_revealer;
  AdwBin *detail_bin;
  LabScatter *scatter_v2v;
  LabScatter *scatter_v2c;
  LabScatter *scatter_c2c;
  LabScatter *scatter_c2v;
};

/* lab-embeddings-view.c: reads the shown evaluation again (on the gateway's load lane). */
void lab_embeddings_view_load (LabEmbeddingsView *self);

/* lab-embeddings-compute.c */
void lab_embeddings_compute_unref (LabEmbeddingsCompute *compute);
/* Asks the computation in flight, if any, to stop. */
void lab_embeddings_view_cancel_compute (LabEmbeddingsView *self);
void lab_embeddings_view_on_compute_clicked (LabEmbeddingsView *self);
void lab_embeddings_view_on_compute_cancel_clicked (LabEmbeddingsView *self);

/* "embeddings.export" (lab-embeddings-export.c): the target names what and how — "figure.png",
 * "figure.svg", "figure.pdf" (the 2 × 2 figure, to a file) or "views.png", … (each view, to a
 * folder: v2v.png, v2c.png, …). */
void lab_embeddings_view_export_action (GtkWidget *widget, const char *action, GVariant *param);

G_END_DECLS
