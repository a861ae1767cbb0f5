/* loader.c — roles, the prefetch thread and the cache. */
#include "data/loader.h"

#include "core/error.h"
#include "core/i18n.h"
#include "data/image.h"

#include <string.h>

typedef struct
{
  CariDataSource parent;
  CariDatasetIndex *index; /* owned copy of what loading needs: root, paths, landmarks */
  CariPreprocess pre;
  size_t image_floats;
  gsize cache_bytes;
  /* Guarded by mutex: */
  GMutex mutex;
  GCond cond;
  GHashTable *cache;   /* image → Entry */
  GQueue lru;          /* of Entry, most recent at the head */
  gsize used;
  GQueue queue;        /* of image indices (GINT_TO_POINTER (i + 1)) to prefetch */
  gboolean stopping;
  CariLoaderStats stats;
  GThread *threads[8];
  int n_threads;
} Loader;

typedef struct
{
  int image;
  float *pixels;    /* NULL while being decoded */
  GError *error;    /* set when decoding failed */
  GList *link;      /* in lru */
  int pins;         /* load() calls waiting for it or copying it out (several when trainer
                     * replicas load the same image at once) */
} Entry;

static void
entry_free (gpointer p)
{
  Entry *e = p;
  g_free (e->pixels);
  g_clear_error (&e->error);
  g_free (e);
}

/* Decode and preprocess one image (no lock held). */
static float *
decode (Loader *l, int image, GError **error)
{
  const CariIndexImage *im = &g_array_index (l->index->images, CariIndexImage, image);
  g_autofree char *path = g_build_filename (l->index->root, im->path, NULL);
  /* A large image decoded reduced: enough pixels across what preprocessing keeps (the whole
   * image, or the landmark box before clipping) for the network's input, no more. */
  CariImageTarget target = { l->pre.size + l->pre.random_crop, 0, 0 };
  int box[4], reduction;
  if (l->pre.landmark_crop
      && cari_landmark_crop_box (im->landmarks, im->n_landmarks, G_MAXINT, G_MAXINT, box))
    target.region_width = box[2], target.region_height = box[3];
  g_autoptr (CariImage) img = cari_image_load_reduced (path, NULL, &target, &reduction, error);
  if (img == NULL)
    return NULL;
  g_autofree float *landmarks = NULL;
  if (im->landmarks != NULL)
    {
      landmarks = g_memdup2 (im->landmarks, sizeof (float) * 2 * im->n_landmarks);
      for (int k = 0; k < 2 * im->n_landmarks; k++)
        landmarks[k] /= (float) reduction;
    }
  float *dst = g_new (float, l->image_floats);
  if (!cari_preprocess_image (img, landmarks, im->n_landmarks, &l->pre, NULL, dst, error))
    {
      g_free (dst);
      return NULL;
    }
  return dst;
}

/* Drop least recently used, unpinned, finished entries until the cache fits. Lock held. */
static void
evict (Loader *l)
{
  GList *it = l->lru.tail;
  while (l->used > l->cache_bytes && it != NULL)
    {
      GList *prev = it->prev;
      Entry *e = it->data;
      if (e->pins == 0 && e->pixels != NULL)
        {
          g_queue_delete_link (&l->lru, it);
          l->used -= l->image_floats * sizeof (float);
          g_hash_table_remove (l->cache, GINT_TO_POINTER (e->image + 1));
        }
      it = prev;
    }
}

/* A new entry for `image`, being decoded, at the head of the LRU. Lock held. */
static Entry *
start_entry (Loader *l, int image, gboolean pinned)
{
  Entry *e = g_new0 (Entry, 1);
  e->image = image;
  e->pins = pinned ? 1 : 0;
  g_queue_push_head (&l->lru, e);
  e->link = l->lru.head;
  g_hash_table_insert (l->cache, GINT_TO_POINTER (image + 1), e);
  return e;
}

/* Store a decoded image in its entry and wake the waiters. Lock held. */
static void
finish (Loader *l, Entry *e, float *pixels, GError *error)
{
  e->pixels = pixels;
  e->error = error;
  if (pixels != NULL)
    {
      l->used += l->image_floats * sizeof (float);
      l->stats.decoded++;
    }
  g_cond_broadcast (&l->cond);
  evict (l);
}

static gpointer
prefetch_thread (gpointer data)
{
  Loader *l = data;
  g_mutex_lock (&l->mutex);
  for (;;)
    {
      while (g_queue_is_empty (&l->queue) && !l->stopping)
        g_cond_wait (&l->cond, &l->mutex);
      if (l->stopping)
        break;
      int image = GPOINTER_TO_INT (g_queue_pop_head (&l->queue)) - 1;
      Entry *e = g_hash_table_lookup (l->cache, GINT_TO_POINTER (image + 1));
      if (e != NULL)
        continue; /* cached or being decoded */
      e = start_entry (l, image, FALSE);
      g_mutex_unlock (&l->mutex);
      GError *error = NULL;
      gint64 t0 = g_get_monotonic_time ();
      float *pixels = decode (l, image, &error);
      g_mutex_lock (&l->mutex);
      l->stats.decode_seconds += (double) (g_get_monotonic_time () - t0) * 1e-6;
      finish (l, e, pixels, error);
    }
  g_mutex_unlock (&l->mutex);
  return NULL;
}

static void
loader_prefetch (CariDataSource *src, const int *indices, int n)
{
  Loader *l = (Loader *) src;
  g_mutex_lock (&l->mutex);
  for (int i = 0; i < n; i++)
    if (!g_hash_table_contains (l->cache, GINT_TO_POINTER (indices[i] + 1)))
      g_queue_push_tail (&l->queue, GINT_TO_POINTER (indices[i] + 1));
  g_cond_broadcast (&l->cond);
  g_mutex_unlock (&l->mutex);
}

/* Both loads: with `failures`, an image that cannot be decoded sets its failure and a zeroed
 * slot; without, it fails the whole load. */
static gboolean
load_images (CariDataSource *src, const int *indices, int n, float *dst, GError **failures,
             GError **error)
{
  Loader *l = (Loader *) src;
  g_mutex_lock (&l->mutex);
  for (int i = 0; i < n; i++)
    {
      int image = indices[i];
      if (image < 0 || image >= src->n_images)
        {
          g_mutex_unlock (&l->mutex);
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("Image %d is not in data set “%s” (%d images)"), image, src->name,
                       src->n_images);
          return FALSE;
        }
      /* Asked for now: a prefetch request still queued would only decode it again later,
       * perhaps after it was evicted. */
      g_queue_remove_all (&l->queue, GINT_TO_POINTER (image + 1));
      Entry *e = g_hash_table_lookup (l->cache, GINT_TO_POINTER (image + 1));
      if (e == NULL)
        {
          /* Not asked for ahead: decode here, outside the lock. */
          l->stats.misses++;
          e = start_entry (l, image, TRUE);
          g_mutex_unlock (&l->mutex);
          GError *local = NULL;
          float *pixels = decode (l, image, &local);
          g_mutex_lock (&l->mutex);
          finish (l, e, pixels, local);
        }
      else
        {
          if (e->pixels != NULL)
            l->stats.hits++;
          e->pins++;
          while (e->pixels == NULL && e->error == NULL)
            g_cond_wait (&l->cond, &l->mutex);
        }
      if (e->error != NULL)
        {
          g_set_error_literal (failures != NULL ? &failures[i] : error, e->error->domain,
                               e->error->code, e->error->message);
          /* Forget the failure, so a later attempt reads the file again (the last of those
           * waiting for it does). */
          if (--e->pins == 0)
            {
              g_queue_delete_link (&l->lru, e->link);
              g_hash_table_remove (l->cache, GINT_TO_POINTER (image + 1));
            }
          if (failures != NULL)
            {
              memset (dst + (size_t) i * l->image_floats, 0, l->image_floats * sizeof (float));
              continue;
            }
          g_mutex_unlock (&l->mutex);
          return FALSE;
        }
      memcpy (dst + (size_t) i * l->image_floats, e->pixels, l->image_floats * sizeof (float));
      e->pins--;
      /* Most recently used. */
      g_queue_unlink (&l->lru, e->link);
      g_queue_push_head_link (&l->lru, e->link);
    }
  evict (l);
  g_mutex_unlock (&l->mutex);
  return TRUE;
}

static gboolean
loader_load (CariDataSource *src, const int *indices, int n, float *dst, GError **error)
{
  return load_images (src, indices, n, dst, NULL, error);
}

static gboolean
loader_load_each (CariDataSource *src, const int *indices, int n, float *dst, GError **failures,
                  GError **error)
{
  return load_images (src, indices, n, dst, failures, error);
}

static void
loader_finalize (CariDataSource *src)
{
  Loader *l = (Loader *) src;
  g_mutex_lock (&l->mutex);
  l->stopping = TRUE;
  g_cond_broadcast (&l->cond);
  g_mutex_unlock (&l->mutex);
  for (int i = 0; i < l->n_threads; i++)
    g_thread_join (l->threads[i]);
  g_queue_clear (&l->queue);
  g_queue_clear (&l->lru);
  g_hash_table_unref (l->cache);
  g_mutex_clear (&l->mutex);
  g_cond_clear (&l->cond);
  cari_dataset_index_free (l->index);
}

static const CariDataSourceOps loader_ops = { loader_load, loader_finalize, loader_prefetch,
                                              loader_load_each };

void
cari_loader_config_init (CariLoaderConfig *cfg, int size)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->size = size;
  cfg->validation_fraction = 0.1;
  cfg->seed = 1;
  cfg->threads = 2;
}

CariDataSource *
cari_loader_new (const CariDatasetIndex *index, const char *protocol, int fold,
                 const CariLoaderConfig *cfg, GError **error)
{
  const int n = (int) index->images->len, K_all = (int) index->identities->len;
  g_autofree guint8 *test = g_new0 (guint8, MAX (n, 1));
  g_autofree guint8 *test_identity = g_new0 (guint8, MAX (K_all, 1));
  gboolean known = FALSE;

  /* The fold's test images, and its test subjects. */
  guint n_rows = cari_dataset_index_n_protocol_rows (index);
  for (guint r = 0; r < n_rows; r++)
    {
      CariProtocolRow row;
      cari_dataset_index_get_protocol_row (index, r, &row);
      if (strcmp (row.protocol, protocol) != 0)
        continue;
      known = TRUE;
      if (row.fold != fold || row.role != CARI_ROLE_TEST)
        continue;
      for (int k = 0; k < row.n_images; k++)
        test[row.images[k]] = 1;
      if (row.identity >= 0)
        test_identity[row.identity] = 1;
    }
  gboolean has_protocols = n_rows > 0;
  if (!known && has_protocols)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                   _("Data set “%s” has no protocol “%s” (data.protocol)"), index->name, protocol);
      return NULL;
    }
  gboolean open_set = g_str_has_prefix (protocol, "webcari.");
  for (int i = 0; i < n; i++)
    {
      const CariIndexImage *im = &g_array_index (index->images, CariIndexImage, i);
      if (test[i] && open_set)
        test_identity[im->identity] = 1;
    }
  for (int i = 0; i < n; i++)
    {
      const CariIndexImage *im = &g_array_index (index->images, CariIndexImage, i);
      if (test_identity[im->identity])
        test[i] = 1;
    }

  /* Dense labels for the training identities, and the validation split. */
  Loader *l = g_new0 (Loader, 1);
  CariDataSource *src = &l->parent;
  g_autofree int *label = g_new (int, MAX (K_all, 1));
  int K = 0;
  for (int k = 0; k < K_all; k++)
    label[k] = -1;
  for (int i = 0; i < n; i++)
    {
      const CariIndexImage *im = &g_array_index (index->images, CariIndexImage, i);
      if (!test[i] && label[im->identity] < 0)
        label[im->identity] = K++;
    }
  src->ops = &loader_ops;
  src->name = g_strdup (index->name);
  src->n_images = n;
  src->n_identities = K;
  src->image_size = cfg->size;
  src->identity = g_new (int, MAX (n, 1));
  src->modality = g_new (guint8, MAX (n, 1));
  src->role = g_new (guint8, MAX (n, 1));
  CariRng rng;
  cari_rng_seed (&rng, cfg->seed ^ 0x76616cULL);
  g_autofree int *members = g_new (int, MAX (n, 1));
  for (int k = 0; k < K_all; k++)
    for (int m = 0; m < 2; m++)
      {
        int count = 0;
        for (int i = 0; i < n; i++)
          {
            const CariIndexImage *im = &g_array_index (index->images, CariIndexImage, i);
            if (im->identity == k && im->modality == m)
              members[count++] = i;
          }
        cari_rng_shuffle (&rng, members, count);
        /* Keep at least two training images of each modality an identity has. */
        int n_val = count >= 3 ? (int) (cfg->validation_fraction * count + 0.5) : 0;
        n_val = MIN (n_val, count - 2);
        for (int j = 0; j < count; j++)
          {
            int i = members[j];
            src->modality[i] = (guint8) m;
            src->identity[i] = test[i] ? -1 : label[k];
            src->role[i] = test[i]   ? CARI_ROLE_TEST
                           : j < n_val ? CARI_ROLE_VALIDATION
                                       : CARI_ROLE_TRAIN;
          }
      }

  /* What loading needs of the index, owned. */
  l->index = cari_dataset_index_new (index->name, index->kind, index->root);
  for (int i = 0; i < n; i++)
    {
      const CariIndexImage *im = &g_array_index (index->images, CariIndexImage, i);
      CariIndexImage copy = { im->identity, im->modality, g_strdup (im->path), im->n_landmarks,
                              im->landmarks ? g_memdup2 (im->landmarks,
                                                         sizeof (float) * 2 * im->n_landmarks)
                                            : NULL };
      g_array_append_val (l->index->images, copy);
    }
  cari_preprocess_init (&l->pre, cfg->size);
  l->pre.landmark_crop = cfg->landmark_crop;
  l->image_floats = (size_t) 3 * cfg->size * cfg->size;
  l->cache_bytes = cfg->cache_bytes > 0 ? cfg->cache_bytes : (gsize) 512 << 20;
  g_mutex_init (&l->mutex);
  g_cond_init (&l->cond);
  l->cache = g_hash_table_new_full (NULL, NULL, NULL, entry_free);
  l->n_threads = CLAMP (cfg->threads, 1, (int) G_N_ELEMENTS (l->threads));
  for (int i = 0; i < l->n_threads; i++)
    l->threads[i] = g_thread_new ("carilab-loader", prefetch_thread, l);
  return src;
}

void
cari_loader_get_stats (CariDataSource *src, CariLoaderStats *stats)
{
  Loader *l = (Loader *) src;
  g_mutex_lock (&l->mutex);
  *stats = l->stats;
  g_mutex_unlock (&l->mutex);
}
