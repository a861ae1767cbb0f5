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

void
cari_dataset_info_free (CariDatasetInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->kind);
  g_free (info->root);
  g_free (info->fingerprint);
  g_free (info->protocols);
  g_free (info);
}

GPtrArray *
cari_store_list_datasets (CariStore *s, GError **error)
{
  sqlite3_stmt *st = cari_store_priv_prepare (
    s,
    "SELECT d.id, d.name, d.kind, d.root, d.fingerprint, d.created_at, "
    "(SELECT count(DISTINCT identity) FROM images WHERE dataset_id = d.id), "
    "(SELECT count(*) FROM images WHERE dataset_id = d.id AND modality = 'caricature'), "
    "(SELECT count(*) FROM images WHERE dataset_id = d.id AND modality = 'photo'), "
    "(SELECT count(*) FROM runs WHERE dataset_id = d.id), "
    "(SELECT group_concat(protocol, ';') FROM (SELECT protocol FROM protocol_pairs WHERE "
    "dataset_id = d.id UNION SELECT protocol FROM protocol_images WHERE dataset_id = d.id "
    "UNION SELECT protocol FROM protocol_subjects WHERE dataset_id = d.id ORDER BY 1)) "
    "FROM datasets d ORDER BY d.name",
    error);
  if (st == NULL)
    return NULL;
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cari_dataset_info_free);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      CariDatasetInfo *d = g_new0 (CariDatasetInfo, 1);
      d->id = sqlite3_column_int64 (st, 0);
      d->name = g_strdup ((const char *) sqlite3_column_text (st, 1));
      d->kind = g_strdup ((const char *) sqlite3_column_text (st, 2));
      d->root = g_strdup ((const char *) sqlite3_column_text (st, 3));
      d->fingerprint = g_strdup ((const char *) sqlite3_column_text (st, 4));
      d->created_at = sqlite3_column_double (st, 5);
      d->n_identities = sqlite3_column_int (st, 6);
      d->n_caricatures = sqlite3_column_int (st, 7);
      d->n_photos = sqlite3_column_int (st, 8);
      d->n_runs = sqlite3_column_int (st, 9);
      const char *protocols = (const char *) sqlite3_column_text (st, 10);
      d->protocols = g_strdup (protocols ? protocols : "");
      g_ptr_array_add (list, d);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    {
      cari_store_priv_error (s, rc, error);
      g_ptr_array_unref (list);
      return NULL;
    }
  return list;
}

gboolean
cari_store_delete_dataset (CariStore *s, gint64 dataset, GError **error)
{
  sqlite3_stmt *st = cari_store_priv_prepare (s, "DELETE FROM datasets WHERE id = ?1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, dataset);
  gboolean ok = cari_store_priv_exec (s, st, error);
  sqlite3_finalize (st);
  if (ok && sqlite3_changes (cari_store_priv_db (s)) == 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                   _("No dataset %lld in the run database “%s”"), (long long) dataset,
                   cari_store_get_path (s));
      return FALSE;
    }
  return ok;
}

gboolean
cari_store_set_run_dataset (CariStore *s, gint64 run, gint64 dataset, GError **error)
{
  sqlite3_stmt *st = cari_store_priv_prepare (s, "UPDATE runs SET dataset_id = ?2 WHERE id = ?1",
                                              error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, run);
  if (dataset > 0)
    sqlite3_bind_int64 (st, 2, dataset);
  else
    sqlite3_bind_null (st, 2);
  gboolean ok = cari_store_priv_exec (s, st, error);
  sqlite3_finalize (st);
  if (ok && sqlite3_changes (cari_store_priv_db (s)) == 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                   _("No run %lld in the run database “%s”"), (long long) run,
                   cari_store_get_path (s));
      return FALSE;
    }
  return ok;
}

/* The ids of a data set's images, ascending (= index order). */
static GArray *
image_ids (CariStore *s, gint64 dataset, GError **error)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (dataset <= 0)
    return ids;
  sqlite3_stmt *st = cari_store_priv_prepare (
    s, "SELECT id FROM images WHERE dataset_id = ?1 ORDER BY id", error);
  if (st == NULL)
    {
      g_array_unref (ids);
      return NULL;
    }
  sqlite3_bind_int64 (st, 1, dataset);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (st, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    {
      cari_store_priv_error (s, rc, error);
      g_array_unref (ids);
      return NULL;
    }
  return ids;
}

static gint64
run_dataset (CariStore *s, gint64 run, GError **error)
{
  if (run <= 0)
    return 0;
  sqlite3_stmt *st = cari_store_priv_prepare (s, "SELECT dataset_id FROM runs WHERE id = ?1",
                                              error);
  if (st == NULL)
    return -1;
  sqlite3_bind_int64 (st, 1, run);
  int rc = sqlite3_step (st);
  gint64 dataset = rc == SQLITE_ROW ? sqlite3_column_int64 (st, 0) : -1;
  sqlite3_finalize (st);
  if (rc == SQLITE_DONE)
    g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                 _("No run %lld in the run database “%s”"), (long long) run,
                 cari_store_get_path (s));
  else if (rc != SQLITE_ROW)
    cari_store_priv_error (s, rc, error);
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

static void
bind_image (sqlite3_stmt *st, int col, gint64 id)
{
  if (id > 0)
    sqlite3_bind_int64 (st, col, id);
  else
    sqlite3_bind_null (st, col);
}

static gboolean
insert_metric (CariStore *s, sqlite3_stmt *st, gint64 evaluation, const char *name,
               double value, double std, GError **error)
{
  sqlite3_bind_int64 (st, 1, evaluation);
  sqlite3_bind_text (st, 2, name, -1, SQLITE_TRANSIENT);
  if (isfinite (value))
    sqlite3_bind_double (st, 3, value);
  else
    sqlite3_bind_null (st, 3);
  if (std >= 0.0 && isfinite (std))
    sqlite3_bind_double (st, 4, std);
  else
    sqlite3_bind_null (st, 4);
  return cari_store_priv_exec (s, st, error);
}

gint64
cari_store_save_evaluation (CariStore *s, gint64 run, gint64 step, const CariEvalResult *r,
                            const char *options, GError **error)
{
  gint64 dataset = run_dataset (s, run, error);
  if (dataset < 0)
    return 0;
  g_autoptr (GArray) ids = image_ids (s, dataset, error);
  if (ids == NULL)
    return 0;
  if (!cari_store_priv_begin (s, TRUE, error))
    return 0;

  sqlite3_stmt *add = NULL, *metric = NULL, *score = NULL;
  gint64 evaluation = 0;
  gboolean ok = FALSE;
  add = cari_store_priv_prepare (s,
                                 "INSERT INTO evaluations (run_id, step, protocol, fold, "
                                 "created_at, options) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                 error);
  if (add == NULL)
    goto out;
  if (run > 0)
    sqlite3_bind_int64 (add, 1, run);
  else
    sqlite3_bind_null (add, 1);
  if (step >= 0)
    sqlite3_bind_int64 (add, 2, step);
  else
    sqlite3_bind_null (add, 2);
  sqlite3_bind_text (add, 3, r->protocol, -1, SQLITE_STATIC);
  if (r->fold >= 0)
    sqlite3_bind_int (add, 4, r->fold);
  else
    sqlite3_bind_null (add, 4);
  sqlite3_bind_double (add, 5, (double) g_get_real_time () / 1e6);
  if (options != NULL)
    sqlite3_bind_text (add, 6, options, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (add, 6);
  if (!cari_store_priv_exec (s, add, error))
    goto out;
  evaluation = sqlite3_last_insert_rowid (cari_store_priv_db (s));

  metric = cari_store_priv_prepare (s,
                                    "INSERT OR REPLACE INTO eval_metrics (evaluation_id, name, "
                                    "value, std) VALUES (?1, ?2, ?3, ?4)",
                                    error);
  if (metric == NULL)
    goto out;
  for (guint i = 0; i < r->metrics->len; i++)
    {
      const CariEvalMetric *m = &g_array_index (r->metrics, CariEvalMetric, i);
      if (!insert_metric (s, metric, evaluation, m->name, m->value, m->std, error))
        goto out;
    }
  for (guint k = 0; k < r->cmc->len; k++)
    {
      char name[32];
      g_snprintf (name, sizeof name, "cmc/%u", k + 1);
      if (!insert_metric (s, metric, evaluation, name, g_array_index (r->cmc, double, k), -1.0,
                          error))
        goto out;
    }

  score = cari_store_priv_prepare (s,
                                   "INSERT INTO eval_scores (evaluation_id, a_image, b_image, "
                                   "score, same, fold) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                   error);
  if (score == NULL)
    goto out;
  for (guint i = 0; i < r->pairs->len; i++)
    {
      const CariPairScore *p = &g_array_index (r->pairs, CariPairScore, i);
      if (!isfinite (p->score))
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("Pair %u of the evaluation has no finite score"), i + 1);
          goto out;
        }
      sqlite3_bind_int64 (score, 1, evaluation);
      bind_image (score, 2, id_of (ids, p->a));
      bind_image (score, 3, id_of (ids, p->b));
      sqlite3_bind_double (score, 4, p->score);
      sqlite3_bind_int (score, 5, p->same ? 1 : 0);
      sqlite3_bind_int (score, 6, p->fold);
      if (!cari_store_priv_exec (s, score, error))
        goto out;
    }
  ok = TRUE;

out:
  sqlite3_finalize (add);
  sqlite3_finalize (metric);
  sqlite3_finalize (score);
  if (!ok)
    {
      cari_store_priv_rollback (s);
      return 0;
    }
  return cari_store_priv_commit (s, error) ? evaluation : 0;
}

#define EVAL_COLUMNS                                                                            \
  "SELECT e.id, e.run_id, e.step, e.protocol, e.fold, e.options, e.created_at, r.dataset_id "  \
  "FROM evaluations e LEFT JOIN runs r ON r.id = e.run_id "

static CariEvalInfo *
info_of_row (sqlite3_stmt *st)
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
  return info;
}

GPtrArray *
cari_store_list_evaluations (CariStore *s, gint64 run, GError **error)
{
  sqlite3_stmt *st = cari_store_priv_prepare (
    s, EVAL_COLUMNS "WHERE ?1 = 0 OR e.run_id = ?1 ORDER BY e.id DESC", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, run);
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cari_eval_info_free);
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    g_ptr_array_add (list, info_of_row (st));
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    {
      cari_store_priv_error (s, rc, error);
      g_ptr_array_unref (list);
      return NULL;
    }
  return list;
}

CariEvalInfo *
cari_store_get_evaluation (CariStore *s, gint64 evaluation, GError **error)
{
  sqlite3_stmt *st = cari_store_priv_prepare (s, EVAL_COLUMNS "WHERE e.id = ?1", error);
  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, evaluation);
  int rc = sqlite3_step (st);
  CariEvalInfo *info = rc == SQLITE_ROW ? info_of_row (st) : NULL;
  sqlite3_finalize (st);
  if (rc == SQLITE_DONE)
    g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                 _("No evaluation %lld in the run database “%s”"), (long long) evaluation,
                 cari_store_get_path (s));
  else if (rc != SQLITE_ROW)
    cari_store_priv_error (s, rc, error);
  return info;
}

static gboolean
load_rows (CariStore *s, CariEvalResult *r, gint64 evaluation, GArray *ids, GError **error)
{
  sqlite3_stmt *st = cari_store_priv_prepare (
    s, "SELECT name, value, std FROM eval_metrics WHERE evaluation_id = ?1 ORDER BY name", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, evaluation);
  int rc;
  g_autoptr (GArray) cmc = g_array_new (FALSE, TRUE, sizeof (double));
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (st, 0);
      double value = sqlite3_column_type (st, 1) == SQLITE_NULL ? NAN
                                                                  : sqlite3_column_double (st, 1);
      double std = sqlite3_column_type (st, 2) == SQLITE_NULL ? -1.0
                                                                : sqlite3_column_double (st, 2);
      if (g_str_has_prefix (name, "cmc/"))
        {
          guint64 k = g_ascii_strtoull (name + 4, NULL, 10);
          if (k >= 1 && k <= 1000000)
            {
              if (cmc->len < k)
                g_array_set_size (cmc, (guint) k);
              g_array_index (cmc, double, k - 1) = value;
            }
          continue;
        }
      CariEvalMetric m = { "", value, std };
      g_strlcpy (m.name, name, sizeof m.name);
      g_array_append_val (r->metrics, m);
      if (strcmp (name, "threshold") == 0)
        r->threshold = value;
      if (strcmp (name, "leaked_images") == 0)
        r->leaked = (int) value;
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    {
      cari_store_priv_error (s, rc, error);
      return FALSE;
    }
  g_array_append_vals (r->cmc, cmc->data, cmc->len);

  st = cari_store_priv_prepare (s,
                                "SELECT a_image, b_image, score, same, fold FROM eval_scores "
                                "WHERE evaluation_id = ?1 ORDER BY rowid",
                                error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, evaluation);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      CariPairScore p = {
        sqlite3_column_type (st, 0) == SQLITE_NULL ? -1 : index_of (ids, sqlite3_column_int64 (st, 0)),
        sqlite3_column_type (st, 1) == SQLITE_NULL ? -1 : index_of (ids, sqlite3_column_int64 (st, 1)),
        (float) sqlite3_column_double (st, 2),
        (guint8) (sqlite3_column_int (st, 3) != 0),
        (guint8) CLAMP (sqlite3_column_int (st, 4), 0, 255),
      };
      g_array_append_val (r->pairs, p);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    {
      cari_store_priv_error (s, rc, error);
      return FALSE;
    }
  return TRUE;
}

CariEvalResult *
cari_store_load_evaluation (CariStore *s, gint64 evaluation, GError **error)
{
  if (!cari_store_priv_begin (s, FALSE, error))
    return NULL;
  g_autoptr (CariEvalInfo) info = cari_store_get_evaluation (s, evaluation, error);
  g_autoptr (GArray) ids = info ? image_ids (s, info->dataset, error) : NULL;
  g_autoptr (CariEvalResult) r = NULL;
  if (ids != NULL)
    {
      r = g_new0 (CariEvalResult, 1);
      r->protocol = g_strdup (info->protocol);
      r->fold = info->fold;
      if (!cari_protocol_kind (info->protocol, &r->kind))
        r->kind = CARI_PROTOCOL_VERIFICATION;
      r->metrics = g_array_new (FALSE, FALSE, sizeof (CariEvalMetric));
      r->pairs = g_array_new (FALSE, FALSE, sizeof (CariPairScore));
      r->cmc = g_array_new (FALSE, FALSE, sizeof (double));
      r->threshold = NAN;
      if (!load_rows (s, r, evaluation, ids, error))
        g_clear_pointer (&r, cari_eval_result_free);
    }
  if (!cari_store_priv_commit (s, r != NULL ? error : NULL))
    g_clear_pointer (&r, cari_eval_result_free);
  return g_steal_pointer (&r);
}

gboolean
cari_store_delete_evaluation (CariStore *s, gint64 evaluation, GError **error)
{
  sqlite3_stmt *st = cari_store_priv_prepare (s, "DELETE FROM evaluations WHERE id = ?1", error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, evaluation);
  gboolean ok = cari_store_priv_exec (s, st, error);
  sqlite3_finalize (st);
  if (ok && sqlite3_changes (cari_store_priv_db (s)) == 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                   _("No evaluation %lld in the run database “%s”"), (long long) evaluation,
                   cari_store_get_path (s));
      return FALSE;
    }
  return ok;
}

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

static gint64
evaluation_dataset (CariStore *s, gint64 evaluation, GError **error)
{
  g_autoptr (CariEvalInfo) info = cari_store_get_evaluation (s, evaluation, error);
  return info ? info->dataset : -1;
}

gboolean
cari_store_save_layout (CariStore *s, gint64 evaluation, const char *view, const int *images,
                        const float *xy, int n, GError **error)
{
  if (!check_view (view, error))
    return FALSE;
  gint64 dataset = evaluation_dataset (s, evaluation, error);
  if (dataset < 0)
    return FALSE;
  g_autoptr (GArray) ids = image_ids (s, dataset, error);
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
  if (!cari_store_priv_begin (s, TRUE, error))
    return FALSE;
  gboolean ok = FALSE;
  sqlite3_stmt *del = cari_store_priv_prepare (
    s, "DELETE FROM layouts WHERE evaluation_id = ?1 AND view = ?2", error);
  sqlite3_stmt *ins = del ? cari_store_priv_prepare (s,
                                                     "INSERT INTO layouts (evaluation_id, view, "
                                                     "image_id, x, y) VALUES (?1, ?2, ?3, ?4, ?5)",
                                                     error)
                          : NULL;
  if (ins != NULL)
    {
      sqlite3_bind_int64 (del, 1, evaluation);
      sqlite3_bind_text (del, 2, view, -1, SQLITE_STATIC);
      ok = cari_store_priv_exec (s, del, error);
      for (int i = 0; ok && i < n; i++)
        {
          sqlite3_bind_int64 (ins, 1, evaluation);
          sqlite3_bind_text (ins, 2, view, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (ins, 3, id_of (ids, images[i]));
          sqlite3_bind_double (ins, 4, xy[2 * i]);
          sqlite3_bind_double (ins, 5, xy[2 * i + 1]);
          ok = cari_store_priv_exec (s, ins, error);
        }
    }
  sqlite3_finalize (del);
  sqlite3_finalize (ins);
  if (!ok)
    {
      cari_store_priv_rollback (s);
      return FALSE;
    }
  return cari_store_priv_commit (s, error);
}

gboolean
cari_store_load_layout (CariStore *s, gint64 evaluation, const char *view, int **images,
                        float **xy, int *n, GError **error)
{
  if (!check_view (view, error))
    return FALSE;
  gint64 dataset = evaluation_dataset (s, evaluation, error);
  if (dataset < 0)
    return FALSE;
  g_autoptr (GArray) ids = image_ids (s, dataset, error);
  if (ids == NULL)
    return FALSE;
  sqlite3_stmt *st = cari_store_priv_prepare (s,
                                              "SELECT image_id, x, y FROM layouts WHERE "
                                              "evaluation_id = ?1 AND view = ?2 ORDER BY image_id",
                                              error);
  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, evaluation);
  sqlite3_bind_text (st, 2, view, -1, SQLITE_STATIC);
  g_autoptr (GArray) im = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr (GArray) pos = g_array_new (FALSE, FALSE, sizeof (float));
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      int index = index_of (ids, sqlite3_column_int64 (st, 0));
      float p[2] = { (float) sqlite3_column_double (st, 1), (float) sqlite3_column_double (st, 2) };
      g_array_append_val (im, index);
      g_array_append_vals (pos, p, 2);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    {
      cari_store_priv_error (s, rc, error);
      return FALSE;
    }
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
