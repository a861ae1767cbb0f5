/* lab-chart-scale.h — LabChart's names for carilab-plot's mapping between data and pixels and
 * its axis ticks (plot/scale.h), kept for the pages and the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "scale.h"

G_BEGIN_DECLS

typedef CariPlotTransform LabChartTransform;
typedef CariPlotTicks LabChartTicks;

#define LAB_CHART_MAX_TICKS CARI_PLOT_MAX_TICKS

#define lab_chart_transform_x_to_px cari_plot_transform_x_to_px
#define lab_chart_transform_px_to_x cari_plot_transform_px_to_x
#define lab_chart_transform_y_to_px cari_plot_transform_y_to_px
#define lab_chart_transform_px_to_y cari_plot_transform_px_to_y
#define lab_chart_nice_step         cari_plot_nice_step
#define lab_chart_nice_ticks        cari_plot_nice_ticks
#define lab_chart_log_ticks         cari_plot_log_ticks
#define lab_chart_time_ticks        cari_plot_time_ticks
#define lab_chart_format_number     cari_plot_format_number
#define lab_chart_format_duration   cari_plot_format_duration

G_END_DECLS
