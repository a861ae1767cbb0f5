/* index-check.c — an importer's last step: every image of the index decoded once, in parallel,
 * and those that cannot be decoded dropped, with the protocol rows that name them, so that a bad
 * file is named at import and never reached by a run. */
#include "data/index.h"

#include "core/error.h"
#include "core/i18n.h"
#include "core/parallel.h"
#include "data/image.h"

/* Images per pool thread between two progress reports: short enough that a run's kernels
 * queued behind a chunk on the shared pool wait little, long enough to amortise the hand-off. */
#define CHUNK_PER_THREAD 16

typedef struct
{
  const CariDatasetIndex *index;
  GError **errors; /* [n_images]: why each image cannot be decoded */
  gint next;       /* the next image to check, taken atomically */
  int end;         /* the end of the chunk */
} CheckJob;

/* Each part takes images one by one until the chunk is done, so that large images do not leave
 * one thread working while the others wait. */
static void
check_images (gpointer data, size_t begin, size_t end)
{
  CheckJob *job = data;
  /* Reduced as far as the decoders go: every byte of the file is still decoded (entropy-coded
   * JPEG data, every PNG row), but little memory and no full-size pixels are written. */
  const CariImageTarget smallest = { 1, 0, 0 };
  for (int i; (i = g_atomic_int_add (&job->next, 1)) < job->end;)
    {
      const CariIndexImage *im = &g_array_index (job->index->images, CariIndexImage, i);
      g_autofree char *path = g_build_filename (job->index->root, im->path, NULL);
      cari_image_free (cari_image_load_reduced (path, NULL, &smallest, NULL, &job->errors[i]));
    }
}

/* Drops the protocol rows (pairs, image-list entries) naming a dropped image, and renumbers the
 * others' images by `kept` (old index → new, −1 when dropped). The count dropped. */
static guint
drop_rows (CariDatasetIndex *index, const int *kept)
{
  guint dropped = 0;
  for (guint r = index->pairs->len; r-- > 0;)
    {
      CariIndexPair *p = &g_array_index (index->pairs, CariIndexPair, r);
      if (kept[p->a] < 0 || kept[p->b] < 0)
        {
          g_array_remove_index (index->pairs, r);
          dropped++;
          continue;
        }
      p->a = kept[p->a];
      p->b = kept[p->b];
    }
  for (guint r = index->protocol_images->len; r-- > 0;)
    {
      CariIndexProtocolImage *p = &g_array_index (index->protocol_images,
                                                  CariIndexProtocolImage, r);
      if (kept[p->image] < 0)
        {
          g_array_remove_index (index->protocol_images, r);
          dropped++;
          continue;
        }
      p->image = kept[p->image];
    }
  return dropped;
}

gboolean
cari_dataset_index_check_images (CariDatasetIndex *index, CariImportProgress progress,
                                 gpointer user_data, GError **error)
{
  const int n = (int) index->images->len;
  const int chunk = CHUNK_PER_THREAD * cari_parallel_get_threads ();
  g_autofree GError **errors = g_new0 (GError *, MAX (n, 1));
  g_autofree int *kept = g_new (int, MAX (n, 1));
  CheckJob job = { index, errors, 0, 0 };
  gboolean cancelled = FALSE;

  for (int start = 0; start < n && !cancelled; start += chunk)
    {
      cancelled = progress != NULL && !progress ((double) start / n, _("Checking images"),
                                                 user_data);
      job.next = start;
      job.end = MIN (n, start + chunk);
      if (!cancelled)
        cari_parallel_for ((size_t) cari_parallel_get_threads (), 1, check_images, &job);
    }
  if (!cancelled && progress != NULL)
    cancelled = !progress (1.0, _("Checking images"), user_data);

  int n_kept = 0;
  for (int i = 0; i < n; i++)
    kept[i] = errors[i] == NULL ? n_kept++ : -1;
  if (cancelled || (n > 0 && n_kept == 0))
    {
      if (cancelled)
        g_set_error (error, CARI_ERROR, CARI_ERROR_CANCELLED, _("The import was cancelled"));
      else
        g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                     _("None of the %d images of “%s” can be decoded; the first: %s"), n,
                     index->root, errors[0]->message);
      for (int i = 0; i < n; i++)
        g_clear_error (&errors[i]);
      return FALSE;
    }

  /* One warning per file, in the index's order, whatever order the threads finished in. */
  for (int i = 0; i < n; i++)
    if (errors[i] != NULL)
      {
        const CariIndexImage *im = &g_array_index (index->images, CariIndexImage, i);
        g_autofree char *path = g_build_filename (index->root, im->path, NULL);
        cari_dataset_index_warn (index, path, 0, _("%s; the image is skipped"),
                                 errors[i]->message);
        g_clear_error (&errors[i]);
      }
  for (int i = n - 1; i >= 0; i--)
    if (kept[i] < 0)
      g_array_remove_index (index->images, (guint) i);
  index->skipped_images = (guint) (n - n_kept);
  index->dropped_rows = drop_rows (index, kept);
  if (index->skipped_images > 0)
    cari_dataset_index_warn (index, index->root, 0,
                             _("images that cannot be decoded, skipped: %u; protocol rows "
                               "naming them, dropped: %u"),
                             index->skipped_images, index->dropped_rows);
  return TRUE;
}
