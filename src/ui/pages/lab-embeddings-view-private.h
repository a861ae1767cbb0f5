/* lab-embeddings-view-private.h — what LabEmbeddingsView's files share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "lab-embeddings-view.h"

G_BEGIN_DECLS

/* "embeddings.export" (lab-embeddings-export.c): the target names what and how — "figure.png",
 * "figure.svg", "figure.pdf" (the 2 × 2 figure, to a file) or "views.png", … (each view, to a
 * folder: v2v.png, v2c.png, …). */
void lab_embeddings_view_export_action (GtkWidget *widget, const char *action, GVariant *param);

G_END_DECLS
