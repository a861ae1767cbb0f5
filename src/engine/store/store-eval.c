/* store-eval.c — evaluations in the run store: their metrics, every pair score (with its
 * threshold-selection fold), CMC curves and t-SNE layouts. Pair and layout images are stored as
 * `images.id` and handed back as indices of the data set as cari_store_load_dataset orders it
 * (by id), so a caller works with one numbering. */
#include "store/store-private.h"

#include "core/error.h"
#include "core/i18n.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void
cari_eval_info_free (CariEvalInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->protocol);
  g_free (info->options);
  g_free (info);
}

static gboolean
append_id (sqlite3_stmt *st, gpointer data, GError **error)
{
  gint64 id = sqlite3_column_int64 (st, 0);
  g_array_append_val ((GArray *) data, id);
  return TRUE;
}

/* The ids of a data set's images, ascending (= index order); empty for no data set. */
static GArray *
image_ids (CariStore *s, gint64 dataset, GError **error)
{
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (dataset > 0
      && !cari_store_sql_each (s,
                               STORE_SQL ("SELECT id FROM images WHERE dataset_id = ?1 "
                                          "ORDER BY id",
                                          SQL_INT (dataset)),
                               append_id, ids, error))
    return NULL;
  return g_steal_pointer (&ids);
}

/* The data set of a run (0 for none, or for run 0: an external score file); −1 on error. */
static gint64
run_dataset (CariStore *s, gint64 run, GError **error)
{
  gint64 dataset = 0;
  if (run > 0
      && !cari_store_sql_one (s,
                              STORE_SQL ("SELECT dataset_id FROM runs WHERE id = ?1",
                                         SQL_INT (run)),
                              STORE_RUN, run, cari_store_sql_int64, &dataset, error))
    return -1;
  return dataset;
}

static gint64
id_of (GArray *ids, int index)
{
  return index >= 0 && (guint) index < ids->len ? g_array_index (ids, gint64, index) : 0;
}

static int
compare_id (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

static int
index_of (GArray *ids, gint64 id)
{
  if (ids->len == 0)
    return -1;
  const gint64 *hit = bsearch (&id, ids->data, ids->len, sizeof (gint64), compare_id);
  return hit ? (int) (hit - (const gint64 *) ids->data) : -1;
}

static gboolean
insert_metric (CariStore *s, gint64 evaluation, const char *name, double value, double std,
               GError **error)
{
  return cari_store_sql_exec (s,
                              STORE_SQL ("INSERT OR REPLACE INTO eval_metrics (evaluation_id, "
                                         "name, value, std) VALUES (?1, ?2, ?3, ?4)",
                                         SQL_INT (evaluation), SQL_TEXT (name),
                                         isfinite (value) ? SQL_REAL (value) : SQL_NULL,
                                         std >= 0.0 && isfinite (std) ? SQL_REAL (std)
                                                                      : SQL_NULL),
                              0, error)
         == SQLITE_DONE;
}

/* An evaluation of more pair scores than the store's write chunk is written in chunks, one
 * transaction each, with a pause between them long enough for a writer waiting on the lock to
 * take it (SQLite's busy handler polls every 100 ms at most): a trainer writing to the same
 * store waits about a chunk's time, not the whole evaluation's. */
#define CHUNK_PAUSE_US 110000
/* An evaluation still incomplete this long after it was created was abandoned (its writer was
 * killed); the next save removes it. */
#define ABANDONED_AFTER_S 3600.0

/* The evaluation's metrics and CMC ("cmc/k"). */
static gboolean
write_metrics (CariStore *s, gint64 evaluation, const CariEvalResult *r, GError **error)
{
  for (guint i = 0; i < r->metrics->len; i++)
    {
      const CariEvalMetric *m = &g_array_index (r->metrics, CariEvalMetric, i);
      if (!insert_metric (s, evaluation, m->name, m->value, m->std, error))
        return FALSE;
    }
  for (guint k = 0; k < r->cmc->len; k++)
    {
      char name[32];
      g_snprintf (name, sizeof name, "cmc/%u", k + 1);
      if (!insert_metric (s, evaluation, name, g_array_index (r->cmc, double, k), -1.0, error))
        return FALSE;
    }
  return TRUE;
}

/* Pair scores [begin, end). */
static gboolean
write_pairs (CariStore *s, gint64 evaluation, const CariEvalResult *r, GArray *ids, guint begin,
             guint end, GError **error)
{
  for (guint i = begin; i < end; i++)
    {
      const CariPairScore *p = &g_array_index (r->pairs, CariPairScore, i);
      if (cari_store_sql_exec (s,
                               STORE_SQL ("INSERT INTO eval_scores (evaluation_id, a_image, "
                                          "b_image, score, same, fold) "
                                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                          SQL_INT (evaluation), SQL_ID (id_of (ids, p->a)),
                                          SQL_ID (id_of (ids, p->b)), SQL_REAL (p->score),
                                          SQL_INT (p->same ? 1 : 0), SQL_INT (p->fold)),
                               0, error)
          != SQLITE_DONE)
        return FALSE;
    }
  return TRUE;
}

/* The evaluation's row (complete or not) with its metrics, in the open transaction. */
static gint64
write_head (CariStore *s, gint64 run, gint64 step, const CariEvalResult *r, const char *options,
            gboolean complete, GError **error)
{
  double now = cari_store_now ();
  if (cari_store_sql_exec (s,
                           STORE_SQL ("DELETE FROM evaluations WHERE complete = 0 AND "
                                      "created_at < ?1",
                                      SQL_REAL (now - ABANDONED_AFTER_S)),
                           0, error)
      != SQLITE_DONE)
    return 0;
  if (cari_store_sql_exec (s,
                           STORE_SQL ("INSERT INTO evaluations (run_id, step, protocol, fold, "
                                      "created_at, options, complete) "
                                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                      SQL_ID (run), step >= 0 ? SQL_INT (step) : SQL_NULL,
                                      SQL_TEXT (r->protocol),
                                      r->fold >= 0 ? SQL_INT (r->fold) : SQL_NULL,
                                      SQL_REAL (now), SQL_TEXT (options),
                                      SQL_INT (complete ? 1 : 0)),
                           0, error)
      != SQLITE_DONE)
    return 0;
  gint64 evaluation = cari_store_sql_last_id (s);
  return write_metrics (s, evaluation, r, error) ? evaluation : 0;
}

gint64
cari_store_save_evaluation (CariStore *s, gint64 run, gint64 step, const CariEvalResult *r,
                            const char *options, GError **error)
{
  gint64 dataset = run_dataset (s, run, error), evaluation = 0;
  g_autoptr (GArray) ids = dataset >= 0 ? image_ids (s, dataset, error) : NULL;
  if (ids == NULL)
    return 0;
  for (guint i = 0; i < r->pairs->len; i++)
    if (!isfinite (g_array_index (r->pairs, CariPairScore, i).score))
      {
        g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                     _("Pair %u of the evaluation has no finite score"), i + 1);
        return 0;
      }
  /* Small: one transaction. Large: the head (incomplete, so no reader lists it), the pairs
   * chunk by chunk, then the mark that it is complete. */
  const guint n = r->pairs->len;
  const guint chunk = cari_store_write_chunk (s);
  const gboolean chunked = n > chunk;
  if (!cari_store_begin (s, TRUE, error))
    return 0;
  evaluation = write_head (s, run, step, r, options, !chunked, error);
  if (evaluation <= 0
      || !write_pairs (s, evaluation, r, ids, 0, chunked ? 0 : n, error))
    {
      cari_store_rollback (s);
      return 0;
    }
  if (!cari_store_commit (s, error))
    return 0;
  if (!chunked)
    return evaluation;
  for (guint begin = 0; begin < n; begin += chunk)
    {
      guint end = MIN (n, begin + chunk);
      gboolean last = end == n;
      g_usleep (CHUNK_PAUSE_US);
      if (!cari_store_begin (s, TRUE, error))
        goto failed;
      if (!write_pairs (s, evaluation, r, ids, begin, end, error)
          || (last && !cari_store_sql_change (s,
                                              STORE_SQL ("UPDATE evaluations SET complete = 1 "
                                                         "WHERE id = ?1",
                                                         SQL_INT (evaluation)),
                                              STORE_EVALUATION, evaluation, error)))
        {
          cari_store_rollback (s);
          goto failed;
        }
      if (!cari_store_commit (s, error))
        goto failed;
    }
  return evaluation;

failed:
  {
    /* Best effort: what was written goes, or the next save removes it. */
    g_autoptr (GError) ignored = NULL;
    cari_store_delete (s, STORE_EVALUATION, evaluation, &ignored);
    return 0;
  }
}

#define EVAL_COLUMNS                                                                            \
  "SELECT e.id, e.run_id, e.step, e.protocol, e.fold, e.options, e.created_at, r.dataset_id "  \
  "FROM evaluations e LEFT JOIN runs r ON r.id = e.run_id WHERE e.complete = 1 "

static gboolean
read_info (sqlite3_stmt *st, gpointer data, GError **error)
{
  CariEvalInfo *info = g_new0 (CariEvalInfo, 1);
  info->id = sqlite3_column_int64 (st, 0);
  info->run = sqlite3_column_int64 (st, 1);
  info->step = sqlite3_column_type (st, 2) == SQLITE_NULL ? -1 : sqlite3_column_int64 (st, 2);
  info->protocol = g_strdup ((const char *) sqlite3_column_text (st, 3));
  info->fold = sqlite3_column_type (st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int (st, 4);
  info->options = g_strdup ((const char *) sqlite3_column_text (st, 5));
  info->created_at = sqlite3_column_double (st, 6);
  info->dataset = sqlite3_column_int64 (st, 7);
  g_ptr_array_add (data, info);
  return TRUE;
}

GPtrArray *
cari_store_list_evaluations (CariStore *s, gint64 run, GError **error)
{
  g_autoptr (GPtrArray) list
    = g_ptr_array_new_with_free_func ((GDestroyNotify) cari_eval_info_free);
  if (!cari_store_sql_each (s,
                            STORE_SQL (EVAL_COLUMNS "AND (?1 = 0 OR e.run_id = ?1) "
                                                    "ORDER BY e.id DESC",
                                       SQL_INT (run)),
                            read_info, list, error))
    return NULL;
  return g_steal_pointer (&list);
}

CariEvalInfo *
cari_store_get_evaluation (CariStore *s, gint64 evaluation, GError **error)
{
  g_autoptr (GPtrArray) one
    = g_ptr_array_new_with_free_func ((GDestroyNotify) cari_eval_info_free);
  if (!cari_store_sql_one (s, STORE_SQL (EVAL_COLUMNS "AND e.id = ?1", SQL_INT (evaluation)),
                           STORE_EVALUATION, evaluation, read_info, one, error))
    return NULL;
  return g_ptr_array_steal_index (one, 0);
}

/* Reading an evaluation's rows back into a result. */
typedef struct
{
  CariEvalResult *result;
  GArray *cmc; /* of double, k − 1 → rank-k accuracy */
  GArray *ids; /* the data set's image ids */
} ResultReader;

static gboolean
read_metric (sqlite3_stmt *st, gpointer data, GError **error)
{
  ResultReader *r = data;
  const char *name = (const char *) sqlite3_column_text (st, 0);
  double value = sqlite3_column_type (st, 1) == SQLITE_NULL ? NAN : sqlite3_column_double (st, 1);
  double std = sqlite3_column_type (st, 2) == SQLITE_NULL ? -1.0 : sqlite3_column_double (st, 2);
  CariEvalMetric m = { "", value, std };

  if (g_str_has_prefix (name, "cmc/"))
    {
      guint64 k = g_ascii_strtoull (name + 4, NULL, 10);
      if (k >= 1 && k <= 1000000)
        {
          if (r->cmc->len < k)
            g_array_set_size (r->cmc, (guint) k);
          g_array_index (r->cmc, double, k - 1) = value;
        }
      return TRUE;
    }
  g_strlcpy (m.name, name, sizeof m.name);
  g_array_append_val (r->result->metrics, m);
  if (strcmp (name, "threshold") == 0)
    r->result->threshold = value;
  if (strcmp (name, "leaked_images") == 0)
    r->result->leaked = (int) value;
  return TRUE;
}

/* An image column: the data-set index of its id, −1 when NULL or gone. */
static int
column_image (ResultReader *r, sqlite3_stmt *st, int col)
{
  return sqlite3_column_type (st, col) == SQLITE_NULL
           ? -1
           : index_of (r->ids, sqlite3_column_int64 (st, col));
}

static gboolean
read_score (sqlite3_stmt *st, gpointer data, GError **error)
{
  ResultReader *r = data;
  CariPairScore p = {
    column_image (r, st, 0),
    column_image (r, st, 1),
    (float) sqlite3_column_double (st, 2),
    (guint8) (sqlite3_column_int (st, 3) != 0),
    (guint8) CLAMP (sqlite3_column_int (st, 4), 0, 255),
  };
  g_array_append_val (r->result->pairs, p);
  return TRUE;
}

/* With `ids` NULL, the metrics and CMC only (no pair scores). */
static CariEvalResult *
load_result (CariStore *s, const CariEvalInfo *info, GArray *ids, GError **error)
{
  g_autoptr (CariEvalResult) result = g_new0 (CariEvalResult, 1);
  g_autoptr (GArray) cmc = g_array_new (FALSE, TRUE, sizeof (double));
  ResultReader r = { result, cmc, ids };

  result->protocol = g_strdup (info->protocol);
  result->fold = info->fold;
  if (!cari_protocol_kind (info->protocol, &result->kind))
    result->kind = CARI_PROTOCOL_VERIFICATION;
  result->metrics = g_array_new (FALSE, FALSE, sizeof (CariEvalMetric));
  result->pairs = g_array_new (FALSE, FALSE, sizeof (CariPairScore));
  result->cmc = g_array_new (FALSE, FALSE, sizeof (double));
  result->threshold = NAN;
  if (!cari_store_sql_each (s,
                            STORE_SQL ("SELECT name, value, std FROM eval_metrics "
                                       "WHERE evaluation_id = ?1 ORDER BY name",
                                       SQL_INT (info->id)),
                            read_metric, &r, error)
      || (ids != NULL
          && !cari_store_sql_each (s,
                               STORE_SQL ("SELECT a_image, b_image, score, same, fold "
                                          "FROM eval_scores WHERE evaluation_id = ?1 "
                                          "ORDER BY rowid",
                                          SQL_INT (info->id)),
                               read_score, &r, error)))
    return NULL;
  g_array_append_vals (result->cmc, cmc->data, cmc->len);
  return g_steal_pointer (&result);
}

CariEvalResult *
cari_store_load_evaluation (CariStore *s, gint64 evaluation, GError **error)
{
  if (!cari_store_begin (s, FALSE, error))
    return NULL;
  g_autoptr (CariEvalInfo) info = cari_store_get_evaluation (s, evaluation, error);
  g_autoptr (GArray) ids = info ? image_ids (s, info->dataset, error) : NULL;
  g_autoptr (CariEvalResult) r = ids != NULL ? load_result (s, info, ids, error) : NULL;
  if (!cari_store_commit (s, r != NULL ? error : NULL))
    g_clear_pointer (&r, cari_eval_result_free);
  return g_steal_pointer (&r);
}

CariEvalResult *
cari_store_load_evaluation_metrics (CariStore *s, gint64 evaluation, GError **error)
{
  if (!cari_store_begin (s, FALSE, error))
    return NULL;
  g_autoptr (CariEvalInfo) info = cari_store_get_evaluation (s, evaluation, error);
  g_autoptr (CariEvalResult) r = info != NULL ? load_result (s, info, NULL, error) : NULL;
  if (!cari_store_commit (s, r != NULL ? error : NULL))
    g_clear_pointer (&r, cari_eval_result_free);
  return g_steal_pointer (&r);
}

gboolean
cari_store_delete_evaluation (CariStore *s, gint64 evaluation, GError **error)
{
  return cari_store_delete (s, STORE_EVALUATION, evaluation, error);
}

/* ------------------------------------------------------------------------------- layouts */

static gboolean
check_view (const char *view, GError **error)
{
  static const char *const views[] = { "V2V", "V2C", "C2C", "C2V" };
  for (size_t i = 0; i < G_N_ELEMENTS (views); i++)
    if (g_strcmp0 (view, views[i]) == 0)
      return TRUE;
  g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
               _("Unknown t-SNE view “%s” (V2V, V2C, C2C or C2V)"), view ? view : "");
  return FALSE;
}

/* The image ids of the data set of an evaluation whose `view` is a t-SNE view; NULL with
 * `error` set otherwise. */
static GArray *
layout_image_ids (CariStore *s, gint64 evaluation, const char *view, GError **error)
{
  g_autoptr (CariEvalInfo) info = NULL;
  if (!check_view (view, error)
      || (info = cari_store_get_evaluation (s, evaluation, error)) == NULL)
    return NULL;
  return image_ids (s, info->dataset, error);
}

static gboolean
write_layout (CariStore *s, gint64 evaluation, const char *view, GArray *ids, const int *images,
              const float *xy, int n, GError **error)
{
  if (cari_store_sql_exec (s,
                           STORE_SQL ("DELETE FROM layouts WHERE evaluation_id = ?1 "
                                      "AND view = ?2",
                                      SQL_INT (evaluation), SQL_TEXT (view)),
                           0, error)
      != SQLITE_DONE)
    return FALSE;
  for (int i = 0; i < n; i++)
    if (cari_store_sql_exec (s,
                             STORE_SQL ("INSERT INTO layouts (evaluation_id, view, image_id, "
                                        "x, y) VALUES (?1, ?2, ?3, ?4, ?5)",
                                        SQL_INT (evaluation), SQL_TEXT (view),
                                        SQL_INT (id_of (ids, images[i])), SQL_REAL (xy[2 * i]),
                                        SQL_REAL (xy[2 * i + 1])),
                             0, error)
        != SQLITE_DONE)
      return FALSE;
  return TRUE;
}

gboolean
cari_store_save_layout (CariStore *s, gint64 evaluation, const char *view, const int *images,
                        const float *xy, int n, GError **error)
{
  g_autoptr (GArray) ids = layout_image_ids (s, evaluation, view, error);
  if (ids == NULL)
    return FALSE;
  for (int i = 0; i < n; i++)
    if (id_of (ids, images[i]) <= 0 || !isfinite (xy[2 * i]) || !isfinite (xy[2 * i + 1]))
      {
        g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                     _("Layout point %d has no image of the data set or no finite position"),
                     i + 1);
        return FALSE;
      }
  if (!cari_store_begin (s, TRUE, error))
    return FALSE;
  if (!write_layout (s, evaluation, view, ids, images, xy, n, error))
    {
      cari_store_rollback (s);
      return FALSE;
    }
  return cari_store_commit (s, error);
}

/* Reading a layout's points: data-set indices and positions. */
typedef struct
{
  GArray *ids, *images, *xy;
} LayoutReader;

static gboolean
read_point (sqlite3_stmt *st, gpointer data, GError **error)
{
  LayoutReader *r = data;
  int index = index_of (r->ids, sqlite3_column_int64 (st, 0));
  float p[2] = { (float) sqlite3_column_double (st, 1), (float) sqlite3_column_double (st, 2) };
  g_array_append_val (r->images, index);
  g_array_append_vals (r->xy, p, 2);
  return TRUE;
}

gboolean
cari_store_load_layout (CariStore *s, gint64 evaluation, const char *view, int **images,
                        float **xy, int *n, GError **error)
{
  g_autoptr (GArray) ids = layout_image_ids (s, evaluation, view, error);
  g_autoptr (GArray) im = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr (GArray) pos = g_array_new (FALSE, FALSE, sizeof (float));
  LayoutReader r = { ids, im, pos };
  if (ids == NULL
      || !cari_store_sql_each (s,
                               STORE_SQL ("SELECT image_id, x, y FROM layouts WHERE "
                                          "evaluation_id = ?1 AND view = ?2 ORDER BY image_id",
                                          SQL_INT (evaluation), SQL_TEXT (view)),
                               read_point, &r, error))
    return FALSE;
  if (im->len == 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                   _("Evaluation %lld has no %s layout"), (long long) evaluation, view);
      return FALSE;
    }
  *n = (int) im->len;
  *images = (int *) g_array_free (g_steal_pointer (&im), FALSE);
  *xy = (float *) g_array_free (g_steal_pointer (&pos), FALSE);
  return TRUE;
}
