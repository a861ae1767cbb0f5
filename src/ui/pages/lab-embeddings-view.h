/* lab-embeddings-view.h — the paper's Fig. 2 for an evaluated checkpoint: the t-SNE layouts of
 * the four views (V2V, V2C, C2C, C2V) side by side, read from the store in a worker thread.
 * Colour = identity (the N most frequent coloured, the rest grey), marker = modality (circle
 * photo, triangle caricature). Hover shows a point's thumbnail and identity; a click opens the
 * image beside the views with its nearest neighbours in that layout and every stored pair that
 * contains it; drags select (box, shift adds, ctrl or the lasso toggle draws a lasso), linked
 * across the views through the images. An evaluation without layouts offers to compute them
 * (in the background, with progress and cancel); the result is stored with it. The four views
 * export as one figure, or one file each, to PNG, SVG or PDF.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cari.h"

#include "lab-chart.h"
#include "lab-scatter.h"
#include "lab-store-gateway.h"

G_BEGIN_DECLS

#define LAB_TYPE_EMBEDDINGS_VIEW (lab_embeddings_view_get_type ())
G_DECLARE_FINAL_TYPE (LabEmbeddingsView, lab_embeddings_view, LAB, EMBEDDINGS_VIEW, AdwBin)

/* How many identities are coloured until the user says otherwise (the paper's 50). */
#define LAB_EMBEDDINGS_DEFAULT_COLOURED 50

GtkWidget  *lab_embeddings_view_new (LabStoreGateway *gateway);
/* Shows the layouts stored with `evaluation` — or, when it has none, with another evaluation
 * of the same run and step (the newest first) — and the step's verification pairs. 0 clears.
 * Loads in the background; "loaded" is emitted when it is done. The evaluation shown already
 * is read again only when it had no layouts (or could not be read). */
void        lab_embeddings_view_set_evaluation (LabEmbeddingsView *self, gint64 evaluation);
gint64      lab_embeddings_view_get_evaluation (LabEmbeddingsView *self);
/* What is shown: "empty" (no evaluation), "loading", "compute" (no layouts yet), "error" or
 * "views". */
const char *lab_embeddings_view_get_state (LabEmbeddingsView *self);

/* One scatter (view: CariView). */
LabScatter *lab_embeddings_view_get_scatter (LabEmbeddingsView *self, CariView view);
/* The data-set images of a view's points; NULL when none. */
const int  *lab_embeddings_view_get_images (LabEmbeddingsView *self, CariView view, int *n);

/* How many of the most frequent identities (by images shown) are coloured, 0 …
 * LAB_SCATTER_PALETTE_SIZE. */
void        lab_embeddings_view_set_coloured (LabEmbeddingsView *self, int coloured);
int         lab_embeddings_view_get_coloured (LabEmbeddingsView *self);

/* The selected data-set images (of int, ascending; newly allocated), NULL when none. */
GArray     *lab_embeddings_view_get_selection (LabEmbeddingsView *self);
void        lab_embeddings_view_clear_selection (LabEmbeddingsView *self);

/* Opens a point as a click does (the side panel); the image opened, −1 when none. */
void        lab_embeddings_view_open_point (LabEmbeddingsView *self, CariView view, int point);
int         lab_embeddings_view_get_opened (LabEmbeddingsView *self);
/* The side panel (LabEmbeddingDetail). */
GtkWidget  *lab_embeddings_view_get_detail (LabEmbeddingsView *self);

/* Computes the four layouts for the shown evaluation (as the button does). */
void        lab_embeddings_view_compute (LabEmbeddingsView *self);

/* The 2×2 figure, each view width/2 × height/2. */
gboolean    lab_embeddings_view_export_figure (LabEmbeddingsView *self, const char *path,
                                               LabChartFormat format, int width, int height,
                                               GError **error);

/* Signals:
 *   "selection-changed" (GArray *images)  of int data-set indices, ascending; NULL when cleared
 *   "loaded"                              a load finished (whatever its outcome) */

G_END_DECLS
