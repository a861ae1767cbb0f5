/* lab-thumbnail-cache.c — thumbnails decoded on a thread pool, cached by path.
 *
 * The pool's threads never touch the GObject: they put decoded pixels into a shared queue and
 * schedule at most one idle callback, which hands them to the cache on the main thread (the
 * Sysprof loader's pattern).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <math.h>

#include "cari.h"
#include "lab-thumbnail-cache.h"
#include "lab-thumbnails.h"

/* Shared between the main thread and the pool (atomic reference count). */
typedef struct
{
  GMutex mutex;
  GQueue done;                /* of Decoded *, under mutex */
  gboolean idle_pending;      /* under mutex */
  gboolean closing;           /* under mutex: queued requests are dropped */
  LabThumbnailCache *owner;   /* main thread only; NULL once disposed */
  int size;
} Shared;

typedef struct
{
  char *path;
  guint64 order;   /* newer requests decode first */
  Shared *shared;  /* owned reference */
} Request;

typedef struct
{
  char *path;
  GBytes *pixels;  /* RGB8, NULL when the file could not be decoded */
  int width, height;
} Decoded;

typedef struct
{
  char *path;        /* owned; also the table's key */
  GdkTexture *texture; /* owned; NULL for a file that could not be decoded */
  GList *link;       /* in lru, its data the entry */
} Entry;

struct _LabThumbnailCache
{
  GObject parent_instance;

  /* owned */
  Shared *shared;
  GThreadPool *pool;
  GHashTable *entries;  /* path → Entry * */
  GQueue lru;           /* of Entry *, most recent first */
  GHashTable *pending;  /* paths requested, not yet decoded */
  guint capacity;
  int size;
  guint64 order;
};

G_DEFINE_FINAL_TYPE (LabThumbnailCache, lab_thumbnail_cache, G_TYPE_OBJECT)

enum
{
  SIGNAL_READY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
shared_clear (Shared *shared)
{
  g_mutex_clear (&shared->mutex);
  Decoded *d;
  while ((d = g_queue_pop_head (&shared->done)) != NULL)
    {
      g_free (d->path);
      g_clear_pointer (&d->pixels, g_bytes_unref);
      g_free (d);
    }
}

static void
shared_release (Shared *shared)
{
  g_atomic_rc_box_release_full (shared, (GDestroyNotify) shared_clear);
}

static void
entry_free (Entry *e)
{
  g_free (e->path);
  g_clear_object (&e->texture);
  g_free (e);
}

/* ------------------------------------------------------------------------------ worker */

/* The image fitted into size × size, grown when smaller. */
static Decoded *
decode (const char *path, int size)
{
  Decoded *d = g_new0 (Decoded, 1);
  d->path = g_strdup (path);
  g_autoptr (GError) error = NULL;
  d->pixels = lab_thumbnail_decode (path, size, TRUE, &d->width, &d->height, &error);
  if (d->pixels == NULL)
    g_debug ("thumbnail: %s", error->message);
  return d;
}

static gboolean deliver (gpointer data);

static void
worker (gpointer data, gpointer pool_data)
{
  Request *r = data;
  Shared *shared = r->shared;
  g_mutex_lock (&shared->mutex);
  gboolean closing = shared->closing;
  g_mutex_unlock (&shared->mutex);
  Decoded *d = closing ? NULL : decode (r->path, shared->size);
  if (d != NULL)
    {
      g_mutex_lock (&shared->mutex);
      g_queue_push_tail (&shared->done, d);
      if (!shared->idle_pending)
        {
          shared->idle_pending = TRUE;
          g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver, g_atomic_rc_box_acquire (shared),
                           (GDestroyNotify) shared_release);
        }
      g_mutex_unlock (&shared->mutex);
    }
  g_free (r->path);
  shared_release (r->shared);
  g_free (r);
}

static int
newest_first (gconstpointer a, gconstpointer b, gpointer data)
{
  guint64 x = ((const Request *) a)->order, y = ((const Request *) b)->order;
  return (x < y) - (x > y);
}

/* ------------------------------------------------------------------------------ main thread */

static void
trim (LabThumbnailCache *self)
{
  while (self->lru.length > self->capacity)
    {
      Entry *e = g_queue_pop_tail (&self->lru);
      g_hash_table_remove (self->entries, e->path);
    }
}

static gboolean
deliver (gpointer data)
{
  Shared *shared = data;
  GQueue done = G_QUEUE_INIT;
  g_mutex_lock (&shared->mutex);
  done = shared->done;
  g_queue_init (&shared->done);
  shared->idle_pending = FALSE;
  g_mutex_unlock (&shared->mutex);
  LabThumbnailCache *self = shared->owner;
  Decoded *d;
  while ((d = g_queue_pop_head (&done)) != NULL)
    {
      if (self != NULL && g_hash_table_remove (self->pending, d->path))
        {
          Entry *e = g_new0 (Entry, 1);
          e->path = g_steal_pointer (&d->path);
          if (d->pixels != NULL)
            e->texture = gdk_memory_texture_new (d->width, d->height, GDK_MEMORY_R8G8B8,
                                                 d->pixels, (gsize) d->width * 3);
          Entry *old = g_hash_table_lookup (self->entries, e->path);
          if (old != NULL)
            {
              g_queue_delete_link (&self->lru, old->link);
              g_hash_table_remove (self->entries, old->path);
            }
          g_hash_table_insert (self->entries, e->path, e);
          g_queue_push_head (&self->lru, e);
          e->link = self->lru.head;
          g_signal_emit (self, signals[SIGNAL_READY], 0, e->path);
        }
      g_free (d->path);
      g_clear_pointer (&d->pixels, g_bytes_unref);
      g_free (d);
    }
  if (self != NULL)
    trim (self);
  return G_SOURCE_REMOVE;
}

GdkTexture *
lab_thumbnail_cache_lookup (LabThumbnailCache *self, const char *path, gboolean request,
                            gboolean *failed)
{
  g_return_val_if_fail (LAB_IS_THUMBNAIL_CACHE (self), NULL);
  if (failed != NULL)
    *failed = FALSE;
  if (path == NULL)
    {
      if (failed != NULL)
        *failed = TRUE;
      return NULL;
    }
  Entry *e = g_hash_table_lookup (self->entries, path);
  if (e != NULL)
    {
      g_queue_unlink (&self->lru, e->link);
      g_queue_push_head_link (&self->lru, e->link);
      if (failed != NULL)
        *failed = e->texture == NULL;
      return e->texture;
    }
  if (request && !g_hash_table_contains (self->pending, path))
    {
      Request *r = g_new0 (Request, 1);
      r->path = g_strdup (path);
      r->order = ++self->order;
      r->shared = g_atomic_rc_box_acquire (self->shared);
      g_hash_table_add (self->pending, g_strdup (path));
      g_thread_pool_push (self->pool, r, NULL);
    }
  return NULL;
}

guint
lab_thumbnail_cache_get_n_cached (LabThumbnailCache *self)
{
  g_return_val_if_fail (LAB_IS_THUMBNAIL_CACHE (self), 0);
  return g_hash_table_size (self->entries);
}

guint
lab_thumbnail_cache_get_n_pending (LabThumbnailCache *self)
{
  g_return_val_if_fail (LAB_IS_THUMBNAIL_CACHE (self), 0);
  return g_hash_table_size (self->pending);
}

LabThumbnailCache *
lab_thumbnail_cache_new (int size, guint capacity)
{
  g_return_val_if_fail (size > 0 && capacity > 0, NULL);
  LabThumbnailCache *self = g_object_new (LAB_TYPE_THUMBNAIL_CACHE, NULL);
  self->size = size;
  self->shared->size = size;
  self->capacity = capacity;
  return self;
}

static void
lab_thumbnail_cache_dispose (GObject *object)
{
  LabThumbnailCache *self = LAB_THUMBNAIL_CACHE (object);
  if (self->pool != NULL)
    {
      /* Queued requests are dropped by the workers; the one being decoded finishes. */
      g_mutex_lock (&self->shared->mutex);
      self->shared->closing = TRUE;
      g_mutex_unlock (&self->shared->mutex);
      g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, TRUE);
    }
  if (self->shared != NULL)
    {
      self->shared->owner = NULL;
      g_clear_pointer (&self->shared, shared_release);
    }
  G_OBJECT_CLASS (lab_thumbnail_cache_parent_class)->dispose (object);
}

static void
lab_thumbnail_cache_finalize (GObject *object)
{
  LabThumbnailCache *self = LAB_THUMBNAIL_CACHE (object);
  g_queue_clear (&self->lru);
  g_hash_table_unref (self->entries);
  g_hash_table_unref (self->pending);
  G_OBJECT_CLASS (lab_thumbnail_cache_parent_class)->finalize (object);
}

static void
lab_thumbnail_cache_class_init (LabThumbnailCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = lab_thumbnail_cache_dispose;
  object_class->finalize = lab_thumbnail_cache_finalize;
  /* A thumbnail was decoded (or failed to be) for this path. */
  signals[SIGNAL_READY] = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
lab_thumbnail_cache_init (LabThumbnailCache *self)
{
  self->shared = g_atomic_rc_box_new0 (Shared);
  g_mutex_init (&self->shared->mutex);
  g_queue_init (&self->shared->done);
  self->shared->owner = self;
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) entry_free);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->lru);
  self->pool = g_thread_pool_new (worker, NULL, 2, FALSE, NULL);
  g_thread_pool_set_sort_function (self->pool, newest_first, NULL);
}
