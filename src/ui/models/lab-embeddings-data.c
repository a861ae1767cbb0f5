/* lab-embeddings-data.c — reading an evaluation's layouts and pairs for the embedding views.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "lab-embeddings-data.h"

void
lab_embedding_data_free (LabEmbeddingData *d)
{
  if (d == NULL)
    return;
  cari_dataset_index_free (d->index);
  for (int v = 0; v < CARI_N_VIEWS; v++)
    {
      g_free (d->images[v]);
      lab_scatter_layout_unref (d->layouts[v]);
    }
  g_free (d->ranks);
  g_clear_pointer (&d->pairs, g_array_unref);
  g_clear_pointer (&d->protocols, g_ptr_array_unref);
  g_clear_pointer (&d->thresholds, g_array_unref);
  g_free (d);
}

/* Every view of `evaluation` that has a layout; FALSE when none has. */
static gboolean
read_layouts (CariStore *store, gint64 evaluation, LabEmbeddingData *d, GError **error)
{
  gboolean any = FALSE;
  for (int v = 0; v < CARI_N_VIEWS; v++)
    {
      g_autoptr (GError) local = NULL;
      int *images = NULL, n = 0;
      float *xy = NULL;
      if (!cari_store_load_layout (store, evaluation, cari_view_to_string (v), &images, &xy, &n,
                                   &local))
        {
          if (!g_error_matches (local, CARI_ERROR, CARI_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          continue;
        }
      g_autofree float *owned_xy = xy;
      /* Points whose image the data set no longer has are left out. */
      g_autofree guint8 *markers = g_new (guint8, MAX (n, 1));
      int kept = 0;
      for (int i = 0; i < n; i++)
        {
          if (images[i] < 0 || (guint) images[i] >= d->index->images->len)
            continue;
          guint8 modality = g_array_index (d->index->images, CariIndexImage, images[i]).modality;
          images[kept] = images[i];
          xy[2 * kept] = xy[2 * i];
          xy[2 * kept + 1] = xy[2 * i + 1];
          markers[kept] = modality == CARI_MODALITY_PHOTO ? LAB_MARKER_CIRCLE
                                                           : LAB_MARKER_TRIANGLE;
          kept++;
        }
      g_free (d->images[v]);
      lab_scatter_layout_unref (d->layouts[v]);
      d->images[v] = images;
      d->n[v] = kept;
      d->layouts[v] = lab_scatter_layout_new (xy, markers, kept);
      any = TRUE;
    }
  return any;
}

/* The step's verification pairs: of each protocol fold, its newest evaluation. */
static gboolean
read_pairs (CariStore *store, GPtrArray *evaluations, LabEmbeddingData *d, GError **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < evaluations->len; i++)
    {
      const CariEvalInfo *e = g_ptr_array_index (evaluations, i);
      CariProtocolKind kind;
      if (e->step != d->step || !cari_protocol_kind (e->protocol, &kind)
          || kind != CARI_PROTOCOL_VERIFICATION || d->protocols->len >= 255)
        continue;
      g_autofree char *key = g_strdup_printf ("%s#%d", e->protocol, e->fold);
      if (g_hash_table_contains (seen, key))
        continue;
      g_hash_table_add (seen, g_steal_pointer (&key));
      g_autoptr (CariEvalResult) r = cari_store_load_evaluation (store, e->id, error);
      if (r == NULL)
        return FALSE;
      guint8 protocol = d->protocols->len;
      g_ptr_array_add (d->protocols, g_strdup (e->protocol));
      g_array_append_val (d->thresholds, r->threshold);
      for (guint k = 0; k < r->pairs->len; k++)
        {
          const CariPairScore *p = &g_array_index (r->pairs, CariPairScore, k);
          if (p->a < 0 || p->b < 0)
            continue;
          LabStoredPair sp = { p->a, p->b, p->score, p->same, protocol };
          g_array_append_val (d->pairs, sp);
        }
    }
  return TRUE;
}

LabEmbeddingData *
lab_embedding_data_read (CariStore *store, gint64 evaluation, GCancellable *cancellable,
                         GError **error)
{
  g_autoptr (CariEvalInfo) info = cari_store_get_evaluation (store, evaluation, error);
  if (info == NULL)
    return NULL;
  if (info->dataset <= 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                   _("Evaluation %lld has no data set to show"), (long long) evaluation);
      return NULL;
    }
  g_autoptr (LabEmbeddingData) d = g_new0 (LabEmbeddingData, 1);
  d->evaluation = evaluation;
  d->run = info->run;
  d->step = info->step;
  d->pairs = g_array_new (FALSE, FALSE, sizeof (LabStoredPair));
  d->protocols = g_ptr_array_new_with_free_func (g_free);
  d->thresholds = g_array_new (FALSE, FALSE, sizeof (double));
  d->index = cari_store_load_dataset (store, info->dataset, error);
  g_autoptr (GPtrArray) evaluations = d->index != NULL
                                        ? cari_store_list_evaluations (store, info->run, error)
                                        : NULL;
  if (evaluations == NULL || g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  /* The layouts are stored with one evaluation of the step (cari_launch_evaluate: the first
   * it saved); the one asked for, else the newest of the step that has them. */
  GError *local = NULL;
  if (read_layouts (store, evaluation, d, &local))
    d->layout_evaluation = evaluation;
  for (guint i = 0; local == NULL && d->layout_evaluation == 0 && i < evaluations->len; i++)
    {
      const CariEvalInfo *e = g_ptr_array_index (evaluations, i);
      if (e->id != evaluation && e->step == d->step && read_layouts (store, e->id, d, &local))
        d->layout_evaluation = e->id;
    }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  if (!read_pairs (store, evaluations, d, error))
    return NULL;

  /* Identities ranked by the images the views show (a photo in V2V and C2V counts once). */
  const int N = (int) d->index->images->len, K = (int) d->index->identities->len;
  g_autofree guint8 *shown = g_new0 (guint8, MAX (N, 1));
  g_autoptr (GArray) identities = g_array_new (FALSE, FALSE, sizeof (int));
  for (int v = 0; v < CARI_N_VIEWS; v++)
    for (int i = 0; i < d->n[v]; i++)
      if (!shown[d->images[v][i]])
        {
          shown[d->images[v][i]] = 1;
          g_array_append_val (identities,
                              g_array_index (d->index->images, CariIndexImage, d->images[v][i])
                                .identity);
        }
  d->ranks = lab_identity_ranks ((const int *) (gpointer) identities->data, identities->len, K);
  return g_steal_pointer (&d);
}
