/* lab-chart-model.c — the series a chart shows, fed in batches, saved as CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GListModel of LabSeries (so a page can build its visibility toggles from it) that
 * coalesces change notifications: whatever a batch appends to however many series, the
 * model emits LabChartModel::changed once.
 *
 * CSV format (long: one row per point, so series with different steps — val/ metrics every
 * few thousand steps — need no empty cells):
 *
 *   key,step,wall_time,value
 *   weight/cari,100,1700000123.25,0.4125
 *
 * Numbers are written in the C locale with the fewest digits that read back exactly; a key
 * holding a comma, quote or newline is quoted as RFC 4180 says. Series appear in model order,
 * their points in step order. Only the data travel: labels, colours and styles do not.
 */

#include "lab-config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "lab-chart-model.h"
#include "lab-property.h"

#define LAB_CSV_HEADER "key,step,wall_time,value"

struct _LabChartModel
{
  GObject parent_instance;

  /* owned */
  GPtrArray *series;     /* LabSeries, in drawing order */
  GHashTable *by_key;    /* key (borrowed from the series) → LabSeries (borrowed) */

  double smoothing;
  guint batch_depth;     /* > 0 while a batch runs: changes are held until it ends */
  gboolean batch_changed;
};

static void lab_chart_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LabChartModel, lab_chart_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      lab_chart_model_list_model_init))

enum
{
  PROP_0,
  PROP_SMOOTHING,
  N_PROPS
};

enum
{
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

LabChartModel *
lab_chart_model_new (void)
{
  return g_object_new (LAB_TYPE_CHART_MODEL, NULL);
}

static void
lab_chart_model_changed (LabChartModel *self)
{
  if (self->batch_depth > 0)
    self->batch_changed = TRUE;
  else
    g_signal_emit (self, signals[CHANGED], 0);
}

static void
lab_chart_model_begin_batch (LabChartModel *self)
{
  self->batch_depth++;
}

static void
lab_chart_model_end_batch (LabChartModel *self)
{
  g_assert (self->batch_depth > 0);
  if (--self->batch_depth == 0 && self->batch_changed)
    {
      self->batch_changed = FALSE;
      g_signal_emit (self, signals[CHANGED], 0);
    }
}

static void
lab_chart_model_on_points_added (LabSeries *series, guint first, guint n_added, LabChartModel *self)
{
  lab_chart_model_changed (self);
}

static void
lab_chart_model_on_series_notify (LabSeries *series, GParamSpec *pspec, LabChartModel *self)
{
  /* n-points goes with points-added, which already counted. */
  if (g_strcmp0 (pspec->name, "n-points") != 0)
    lab_chart_model_changed (self);
}

/**
 * lab_chart_model_add_series:
 * @key: unique in the model, e.g. "weight/cari" (a Compare page prefixes the run)
 * @label: (nullable): what the legend says; %NULL for @key
 *
 * Adds an empty series at the end, with the model's smoothing. When a series with @key
 * exists, returns it unchanged.
 *
 * Returns: (transfer none): the series
 */
LabSeries *
lab_chart_model_add_series (LabChartModel *self, const char *key, const char *label,
                            LabSeriesRole role, LabLineStyle line_style)
{
  LabSeries *series;

  g_return_val_if_fail (LAB_IS_CHART_MODEL (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  series = g_hash_table_lookup (self->by_key, key);
  if (series != NULL)
    return series;

  series = lab_series_new (key, label, role, line_style);
  lab_series_set_smoothing (series, self->smoothing);
  g_signal_connect_object (series, "points-added", G_CALLBACK (lab_chart_model_on_points_added),
                           self, G_CONNECT_DEFAULT);
  g_signal_connect_object (series, "notify", G_CALLBACK (lab_chart_model_on_series_notify), self,
                           G_CONNECT_DEFAULT);
  g_ptr_array_add (self->series, series);
  g_hash_table_insert (self->by_key, (gpointer) lab_series_get_key (series), series);

  g_list_model_items_changed (G_LIST_MODEL (self), self->series->len - 1, 0, 1);
  return series;
}

/**
 * lab_chart_model_remove_series:
 *
 * Returns: whether there was a series with @key
 */
gboolean
lab_chart_model_remove_series (LabChartModel *self, const char *key)
{
  LabSeries *series;
  guint index;

  g_return_val_if_fail (LAB_IS_CHART_MODEL (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  series = g_hash_table_lookup (self->by_key, key);
  if (series == NULL || !g_ptr_array_find (self->series, series, &index))
    return FALSE;

  g_hash_table_remove (self->by_key, key);
  g_signal_handlers_disconnect_by_data (series, self);
  g_ptr_array_remove_index (self->series, index);
  g_list_model_items_changed (G_LIST_MODEL (self), index, 1, 0);
  return TRUE;
}

/**
 * lab_chart_model_lookup:
 *
 * Returns: (transfer none) (nullable): the series with @key
 */
LabSeries *
lab_chart_model_lookup (LabChartModel *self, const char *key)
{
  g_return_val_if_fail (LAB_IS_CHART_MODEL (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return g_hash_table_lookup (self->by_key, key);
}

guint
lab_chart_model_get_n_series (LabChartModel *self)
{
  g_return_val_if_fail (LAB_IS_CHART_MODEL (self), 0);
  return self->series->len;
}

/**
 * lab_chart_model_get_series:
 *
 * Returns: (transfer none): the series at @index
 */
LabSeries *
lab_chart_model_get_series (LabChartModel *self, guint index)
{
  g_return_val_if_fail (LAB_IS_CHART_MODEL (self), NULL);
  g_return_val_if_fail (index < self->series->len, NULL);

  return g_ptr_array_index (self->series, index);
}

double
lab_chart_model_get_smoothing (LabChartModel *self)
{
  g_return_val_if_fail (LAB_IS_CHART_MODEL (self), 0);
  return self->smoothing;
}

/**
 * lab_chart_model_set_smoothing:
 * @smoothing: the EMA weight, clamped to [0, 0.999]
 *
 * Smooths every series, now and when added later; one LabChartModel::changed.
 */
void
lab_chart_model_set_smoothing (LabChartModel *self, double smoothing)
{
  g_return_if_fail (LAB_IS_CHART_MODEL (self));

  smoothing = isnan (smoothing) ? 0 : CLAMP (smoothing, 0, LAB_SERIES_MAX_SMOOTHING);
  if (!lab_property_set_double (self, &self->smoothing, smoothing, properties[PROP_SMOOTHING]))
    return;

  lab_chart_model_begin_batch (self);
  for (guint i = 0; i < self->series->len; i++)
    lab_series_set_smoothing (g_ptr_array_index (self->series, i), smoothing);
  lab_chart_model_end_batch (self);
}

/**
 * lab_chart_model_append_rows:
 * @rows: (array length=n_rows): rows as the store returns them, keys interleaved
 *
 * Appends each row to the series of its key; rows of keys the model does not show are
 * skipped. Emits LabChartModel::changed once.
 *
 * Returns: the number of rows appended
 */
guint
lab_chart_model_append_rows (LabChartModel *self, const LabMetricRow *rows, guint n_rows)
{
  guint appended = 0;

  g_return_val_if_fail (LAB_IS_CHART_MODEL (self), 0);
  g_return_val_if_fail (rows != NULL || n_rows == 0, 0);

  lab_chart_model_begin_batch (self);
  for (guint i = 0; i < n_rows; i++)
    {
      LabSeries *series = rows[i].key != NULL ? g_hash_table_lookup (self->by_key, rows[i].key)
                                              : NULL;
      guint before;

      if (series == NULL)
        continue;
      before = lab_series_get_n_points (series);
      lab_series_append (series, rows[i].step, rows[i].wall_time, rows[i].value);
      appended += lab_series_get_n_points (series) - before;
    }
  lab_chart_model_end_batch (self);

  return appended;
}

/* CSV. */

static void
lab_csv_append_double (GString *line, double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (buffer, sizeof buffer, "%.15g", value);
  if (g_ascii_strtod (buffer, NULL) != value)
    g_ascii_formatd (buffer, sizeof buffer, "%.17g", value);
  g_string_append (line, buffer);
}

static void
lab_csv_append_field (GString *line, const char *text)
{
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (line, text);
      return;
    }

  g_string_append_c (line, '"');
  for (const char *c = text; *c != '\0'; c++)
    {
      if (*c == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *c);
    }
  g_string_append_c (line, '"');
}

/**
 * lab_chart_model_save_csv:
 *
 * Writes every series (hidden ones included) in the long format described at the top of
 * this file, replacing @path atomically.
 */
gboolean
lab_chart_model_save_csv (LabChartModel *self, const char *path, GError **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GString) chunk = g_string_sized_new (1 << 16);
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (LAB_IS_CHART_MODEL (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  file = g_file_new_for_path (path);
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                           &local_error);
  if (stream == NULL)
    goto failed;

  g_string_append (chunk, LAB_CSV_HEADER "\n");
  for (guint s = 0; s < self->series->len; s++)
    {
      LabSeries *series = g_ptr_array_index (self->series, s);
      guint n = lab_series_get_n_points (series);

      for (guint i = 0; i < n; i++)
        {
          lab_csv_append_field (chunk, lab_series_get_key (series));
          g_string_append_c (chunk, ',');
          lab_csv_append_double (chunk, lab_series_get_step (series, i));
          g_string_append_c (chunk, ',');
          lab_csv_append_double (chunk, lab_series_get_wall_time (series, i));
          g_string_append_c (chunk, ',');
          lab_csv_append_double (chunk, lab_series_get_value (series, i));
          g_string_append_c (chunk, '\n');

          if (chunk->len >= (1 << 16) - 256)
            {
              if (!g_output_stream_write_all (G_OUTPUT_STREAM (stream), chunk->str, chunk->len,
                                              NULL, NULL, &local_error))
                goto failed;
              g_string_truncate (chunk, 0);
            }
        }
    }

  if (!g_output_stream_write_all (G_OUTPUT_STREAM (stream), chunk->str, chunk->len, NULL, NULL,
                                  &local_error)
      || !g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &local_error))
    goto failed;

  return TRUE;

failed:
  g_set_error (error, G_IO_ERROR, local_error->code,
               /* TRANSLATORS: %s are a file name and the system's reason */
               _("Cannot write “%s”: %s"), path, local_error->message);
  return FALSE;
}

/* Splits one CSV line into fields (quotes as RFC 4180; no newline inside a field). */
static GPtrArray *
lab_csv_split (const char *line)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE;

  for (const char *c = line;; c++)
    {
      if (quoted)
        {
          if (*c == '\0')
            break;
          if (*c == '"' && c[1] == '"')
            g_string_append_c (field, *c++);
          else if (*c == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, *c);
          continue;
        }

      if (*c == '"' && field->len == 0)
        quoted = TRUE;
      else if (*c == ',' || *c == '\0')
        {
          g_ptr_array_add (fields, g_strdup (field->str));
          g_string_truncate (field, 0);
          if (*c == '\0')
            break;
        }
      else
        g_string_append_c (field, *c);
    }

  g_string_free (field, TRUE);
  return fields;
}

static gboolean
lab_csv_parse_double (const char *text, double *value)
{
  char *end = NULL;

  if (*text == '\0')
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  return end != NULL && *end == '\0';
}

/**
 * lab_chart_model_load_csv:
 *
 * Appends the points of a file written by lab_chart_model_save_csv(): to the series of the
 * same key, or to a new one (role from its key, solid, labelled by its key). Nothing is
 * appended when the file has an error. Emits LabChartModel::changed once.
 */
gboolean
lab_chart_model_load_csv (LabChartModel *self, const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) points = NULL;
  g_autoptr(GError) local_error = NULL;
  guint n_lines;

  g_return_val_if_fail (LAB_IS_CHART_MODEL (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      g_set_error (error, G_FILE_ERROR, local_error->code,
                   /* TRANSLATORS: %s are a file name and the system's reason */
                   _("Cannot read “%s”: %s"), path, local_error->message);
      return FALSE;
    }

  lines = g_strsplit (contents, "\n", -1);
  n_lines = g_strv_length (lines);
  for (guint i = 0; i < n_lines; i++)
    {
      gsize len = strlen (lines[i]);

      if (len > 0 && lines[i][len - 1] == '\r')
        lines[i][len - 1] = '\0';
    }

  if (n_lines == 0 || strcmp (lines[0], LAB_CSV_HEADER) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   /* TRANSLATORS: %s is a file name; do not translate the header itself */
                   _("“%s” does not start with the header “key,step,wall_time,value”"),
                   path);
      return FALSE;
    }

  /* Parse everything first, so that a bad line leaves the model untouched. */
  points = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                  (GDestroyNotify) g_array_unref);
  for (guint i = 1; i < n_lines; i++)
    {
      g_autoptr(GPtrArray) fields = NULL;
      LabPoint point;
      GArray *array;

      if (lines[i][0] == '\0')
        continue;

      fields = lab_csv_split (lines[i]);
      if (fields->len != 4 || ((char *) fields->pdata[0])[0] == '\0'
          || !lab_csv_parse_double (fields->pdata[1], &point.step)
          || !lab_csv_parse_double (fields->pdata[2], &point.wall_time)
          || !lab_csv_parse_double (fields->pdata[3], &point.value))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       /* TRANSLATORS: %s is a file name, %u a line number */
                       _("“%s”, line %u: expected a key and three numbers"), path, i + 1);
          return FALSE;
        }

      array = g_hash_table_lookup (points, fields->pdata[0]);
      if (array == NULL)
        {
          char *key = g_strdup (fields->pdata[0]);

          g_ptr_array_add (keys, key);
          array = g_array_new (FALSE, FALSE, sizeof (LabPoint));
          g_hash_table_insert (points, key, array);
        }
      g_array_append_val (array, point);
    }

  lab_chart_model_begin_batch (self);
  for (guint k = 0; k < keys->len; k++)
    {
      const char *key = keys->pdata[k];
      GArray *array = g_hash_table_lookup (points, key);
      LabSeries *series = lab_chart_model_add_series (self, key, NULL,
                                                      lab_series_role_for_key (key),
                                                      LAB_LINE_STYLE_SOLID);

      lab_series_append_points (series, (const LabPoint *) (gconstpointer) array->data,
                                array->len);
    }
  lab_chart_model_end_batch (self);

  return TRUE;
}

/* GListModel. */

static GType
lab_chart_model_get_item_type (GListModel *model)
{
  return LAB_TYPE_SERIES;
}

static guint
lab_chart_model_get_n_items (GListModel *model)
{
  return LAB_CHART_MODEL (model)->series->len;
}

static gpointer
lab_chart_model_get_item (GListModel *model, guint position)
{
  LabChartModel *self = LAB_CHART_MODEL (model);

  if (position >= self->series->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->series, position));
}

static void
lab_chart_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = lab_chart_model_get_item_type;
  iface->get_n_items = lab_chart_model_get_n_items;
  iface->get_item = lab_chart_model_get_item;
}

/* GObject. */

static void
lab_chart_model_dispose (GObject *object)
{
  LabChartModel *self = LAB_CHART_MODEL (object);

  if (self->series != NULL)
    for (guint i = 0; i < self->series->len; i++)
      g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->series, i), self);
  g_clear_pointer (&self->by_key, g_hash_table_unref);
  g_clear_pointer (&self->series, g_ptr_array_unref);

  G_OBJECT_CLASS (lab_chart_model_parent_class)->dispose (object);
}

static void
lab_chart_model_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  LabChartModel *self = LAB_CHART_MODEL (object);

  switch (prop_id)
    {
    case PROP_SMOOTHING:
      g_value_set_double (value, self->smoothing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_chart_model_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  LabChartModel *self = LAB_CHART_MODEL (object);

  switch (prop_id)
    {
    case PROP_SMOOTHING:
      lab_chart_model_set_smoothing (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_chart_model_class_init (LabChartModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lab_chart_model_dispose;
  object_class->get_property = lab_chart_model_get_property;
  object_class->set_property = lab_chart_model_set_property;

  properties[PROP_SMOOTHING] =
    g_param_spec_double ("smoothing", NULL, NULL, 0, LAB_SERIES_MAX_SMOOTHING, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LabChartModel::changed:
   *
   * Points were appended, or a series' look (label, role, style, smoothing) changed. Once
   * per batch, however many series it touched. Added and removed series are told by
   * GListModel::items-changed instead.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
lab_chart_model_init (LabChartModel *self)
{
  self->series = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_key = g_hash_table_new (g_str_hash, g_str_equal);
}
