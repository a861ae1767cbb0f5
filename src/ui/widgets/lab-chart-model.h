/* lab-chart-model.h — the series a chart shows, fed in batches, saved as CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "lab-series.h"

G_BEGIN_DECLS

/* One row of the store's metrics table (ARCHITECTURE.md, "The run store"). */
typedef struct
{
  const char *key;
  double step;
  double wall_time;
  double value;
} LabMetricRow;

#define LAB_TYPE_CHART_MODEL (lab_chart_model_get_type ())

G_DECLARE_FINAL_TYPE (LabChartModel, lab_chart_model, LAB, CHART_MODEL, GObject)

LabChartModel *lab_chart_model_new (void);

LabSeries     *lab_chart_model_add_series (LabChartModel *self, const char *key, const char *label,
                                           LabSeriesRole role, LabLineStyle line_style);
gboolean       lab_chart_model_remove_series (LabChartModel *self, const char *key);
LabSeries     *lab_chart_model_lookup (LabChartModel *self, const char *key);
guint          lab_chart_model_get_n_series (LabChartModel *self);
LabSeries     *lab_chart_model_get_series (LabChartModel *self, guint index);

double         lab_chart_model_get_smoothing (LabChartModel *self);
void           lab_chart_model_set_smoothing (LabChartModel *self, double smoothing);

guint          lab_chart_model_append_rows (LabChartModel *self, const LabMetricRow *rows,
                                            guint n_rows);

gboolean       lab_chart_model_save_csv (LabChartModel *self, const char *path, GError **error);
gboolean       lab_chart_model_load_csv (LabChartModel *self, const char *path, GError **error);

G_END_DECLS
