/* plot.h — the public header of carilab-plot, CariLab's figures: line charts of training
 * metrics, evaluation curves (ROC, DET, CMC), scatter views of 2-D layouts and score
 * histograms, drawn with Cairo and PangoCairo onto a cairo_t (a widget's snapshot) or into PNG,
 * SVG and PDF files.
 *
 * No GTK and no GObject: plain data in, a CariPlotStyle (colours, fonts, sizes) beside it. The
 * workbench's widgets fill the style from their theme; files and `carilab-cli plot` take
 * cari_plot_style_init_paper ().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "chart.h"
#include "curves.h"
#include "export.h"
#include "histogram.h"
#include "scale.h"
#include "scatter.h"
#include "series.h"
#include "style.h"
#include "text.h"
