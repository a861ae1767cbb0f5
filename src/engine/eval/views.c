/* views.c — Fig. 2's four embedding views. */
#include "eval/views.h"

#include "core/error.h"
#include "core/i18n.h"

#include <stdlib.h>
#include <string.h>

static const char *const view_names[CARI_N_VIEWS] = { "V2V", "V2C", "C2C", "C2V" };

const char *
cari_view_to_string (CariView view)
{
  return view < CARI_N_VIEWS ? view_names[view] : "";
}

CariTask
cari_view_task (CariView view)
{
  return view == CARI_VIEW_V2V || view == CARI_VIEW_V2C ? CARI_TASK_VISUAL : CARI_TASK_CARI;
}

CariModality
cari_view_modality (CariView view)
{
  return view == CARI_VIEW_V2V || view == CARI_VIEW_C2V ? CARI_MODALITY_PHOTO
                                                        : CARI_MODALITY_CARICATURE;
}

typedef struct
{
  int identity, count;
} Count;

static int
by_count_desc (const void *a, const void *b)
{
  const Count *x = a, *y = b;
  if (x->count != y->count)
    return x->count < y->count ? 1 : -1;
  return (x->identity > y->identity) - (x->identity < y->identity);
}

int *
cari_views_pick_images (const CariDatasetIndex *index, const CariDataSource *source,
                        const char *protocol, int fold, int top, int *n)
{
  const int N = (int) index->images->len, K = (int) index->identities->len;
  g_autofree guint8 *pick = g_new0 (guint8, MAX (N, 1));
  for (int i = 0; i < N && i < source->n_images; i++)
    pick[i] = source->role[i] == CARI_ROLE_VALIDATION;
  for (guint i = 0; protocol != NULL && i < index->pairs->len; i++)
    {
      const CariIndexPair *p = &g_array_index (index->pairs, CariIndexPair, i);
      if (p->fold == fold && p->role == CARI_ROLE_TEST && strcmp (p->protocol, protocol) == 0)
        pick[p->a] = pick[p->b] = 1;
    }
  for (guint i = 0; protocol != NULL && i < index->protocol_images->len; i++)
    {
      const CariIndexProtocolImage *p = &g_array_index (index->protocol_images,
                                                        CariIndexProtocolImage, i);
      if (p->fold == fold && p->role == CARI_ROLE_TEST && strcmp (p->protocol, protocol) == 0)
        pick[p->image] = 1;
    }
  /* Never an image the run trained on. */
  for (int i = 0; i < N && i < source->n_images; i++)
    if (source->role[i] == CARI_ROLE_TRAIN)
      pick[i] = 0;

  g_autofree Count *counts = g_new0 (Count, MAX (K, 1));
  for (int k = 0; k < K; k++)
    counts[k].identity = k;
  for (int i = 0; i < N; i++)
    if (pick[i])
      counts[g_array_index (index->images, CariIndexImage, i).identity].count++;
  qsort (counts, K, sizeof (Count), by_count_desc);
  g_autofree guint8 *chosen = g_new0 (guint8, MAX (K, 1));
  for (int k = 0; k < MIN (top, K); k++)
    if (counts[k].count > 0)
      chosen[counts[k].identity] = 1;

  int *out = g_new (int, MAX (N, 1));
  *n = 0;
  for (int i = 0; i < N; i++)
    if (pick[i] && chosen[g_array_index (index->images, CariIndexImage, i).identity])
      out[(*n)++] = i;
  return out;
}

void
cari_view_layout_clear (CariViewLayout *layout)
{
  g_clear_pointer (&layout->images, g_free);
  g_clear_pointer (&layout->xy, g_free);
  layout->n = 0;
}

gboolean
cari_evaluator_view_layout (CariEvaluator *ev, CariView view, const int *images, int n,
                            const CariTsneParams *params, CariTsneProgress progress,
                            gpointer user_data, const gint *cancel, CariViewLayout *out,
                            GError **error)
{
  memset (out, 0, sizeof *out);
  const CariDatasetIndex *index = cari_evaluator_get_index (ev);
  g_autofree int *mine = g_new (int, MAX (n, 1));
  int m = 0;
  for (int i = 0; i < n; i++)
    if (g_array_index (index->images, CariIndexImage, images[i]).modality
        == cari_view_modality (view))
      mine[m++] = images[i];
  if (m < 4)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("The %s view needs at least 4 images (got %d)"), cari_view_to_string (view),
                   m);
      return FALSE;
    }
  int dim;
  g_autofree float *x = cari_evaluator_embeddings (ev, cari_view_task (view), mine, m, &dim,
                                                   error);
  if (x == NULL)
    return FALSE;
  CariTsneParams p = *params;
  if (p.perplexity >= m - 1)
    p.perplexity = MAX (1.0, (m - 1) / 3.0);
  double kl = 0.0;
  float *xy = cari_tsne_run (x, m, dim, &p, progress, user_data, cancel, &kl, error);
  if (xy == NULL)
    return FALSE;
  out->n = m;
  out->images = g_steal_pointer (&mine);
  out->xy = xy;
  out->kl = kl;
  return TRUE;
}
