/* lab-figure.h — what the widgets that draw through carilab-plot share: their theme (its CSS
 * colour and font) as carilab-plot's style
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "style.h"

G_BEGIN_DECLS

void lab_figure_style_init (CariPlotStyle *style, GtkWidget *widget);

G_END_DECLS
