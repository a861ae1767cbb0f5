/* lab-plot-style.h — a widget's theme (its CSS colour and font) as carilab-plot's style, for
 * the widgets that draw through carilab-plot
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "plot/style.h"

G_BEGIN_DECLS

void lab_plot_style_init_widget (CariPlotStyle *style,
                                 GtkWidget     *widget);

G_END_DECLS
