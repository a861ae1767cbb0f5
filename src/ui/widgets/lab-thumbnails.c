/* lab-thumbnails.c — thumbnails decoded in worker threads, cached.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <math.h>

#include "cari.h"

#include "lab-thumbnails.h"

#define CACHE_LIMIT 4000

struct _LabThumbnails
{
  GObject parent_instance;

  /* owned; the mutex guards everything below it */
  GMutex mutex;
  GHashTable *cache; /* "size:path" → GdkTexture */
  GQueue *order;     /* of char *, the keys oldest first (borrowed from the cache) */
  guint decoded;
};

G_DEFINE_FINAL_TYPE (LabThumbnails, lab_thumbnails, G_TYPE_OBJECT)

static char *
cache_key (const char *path, int size)
{
  return g_strdup_printf ("%d:%s", size, path);
}

GdkTexture *
lab_thumbnails_lookup (LabThumbnails *self, const char *path, int size)
{
  g_return_val_if_fail (LAB_IS_THUMBNAILS (self), NULL);
  g_autofree char *key = cache_key (path, size);
  g_mutex_lock (&self->mutex);
  GdkTexture *texture = g_hash_table_lookup (self->cache, key);
  if (texture != NULL)
    g_object_ref (texture);
  g_mutex_unlock (&self->mutex);
  return texture;
}

static void
cache_insert (LabThumbnails *self, const char *path, int size, GdkTexture *texture)
{
  char *key = cache_key (path, size);
  g_mutex_lock (&self->mutex);
  self->decoded++;
  if (!g_hash_table_contains (self->cache, key))
    {
      g_queue_push_tail (self->order, key);
      g_hash_table_insert (self->cache, key, g_object_ref (texture));
      while (g_queue_get_length (self->order) > CACHE_LIMIT)
        g_hash_table_remove (self->cache, g_queue_pop_head (self->order));
    }
  else
    g_free (key);
  g_mutex_unlock (&self->mutex);
}

GBytes *
lab_thumbnail_decode (const char *path, int size, gboolean grow, int *width, int *height,
                      GError **error)
{
  g_autoptr (CariImage) image = cari_image_load (path, NULL, error);
  if (image == NULL)
    return NULL;
  double scale = (double) size / MAX (image->width, image->height);
  if (!grow)
    scale = MIN (scale, 1.0);
  int w = MAX (1, (int) lround (image->width * scale));
  int h = MAX (1, (int) lround (image->height * scale));
  g_autoptr (CariImage) small = cari_image_resize (image, w, h,
                                                   scale < 1.0 || !grow ? CARI_RESIZE_AREA
                                                                        : CARI_RESIZE_BILINEAR);
  /* Planar float RGB to interleaved 8-bit RGB. */
  const gsize plane = (gsize) w * h;
  guint8 *rgb = g_malloc (plane * 3);
  for (gsize i = 0; i < plane; i++)
    for (int c = 0; c < 3; c++)
      rgb[i * 3 + c] = (guint8) lroundf (CLAMP (small->pixels[c * plane + i], 0.0f, 1.0f) * 255.0f);
  *width = w;
  *height = h;
  return g_bytes_new_take (rgb, plane * 3);
}

/* The thumbnail of `path` for the cache: never grown. */
static GdkTexture *
decode (const char *path, int size, GError **error)
{
  int w, h;
  g_autoptr (GBytes) pixels = lab_thumbnail_decode (path, size, FALSE, &w, &h, error);
  if (pixels == NULL)
    return NULL;
  return gdk_memory_texture_new (w, h, GDK_MEMORY_R8G8B8, pixels, (gsize) w * 3);
}

typedef struct
{
  char *path;
  int size;
} Request;

static void
request_free (Request *r)
{
  g_free (r->path);
  g_free (r);
}

static void
decode_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  LabThumbnails *self = source;
  Request *r = data;
  g_autoptr (GError) error = NULL;
  GdkTexture *texture = lab_thumbnails_lookup (self, r->path, r->size);
  if (texture == NULL && !g_task_return_error_if_cancelled (task))
    {
      texture = decode (r->path, r->size, &error);
      if (texture == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      cache_insert (self, r->path, r->size, texture);
    }
  if (texture != NULL)
    g_task_return_pointer (task, texture, g_object_unref);
}

void
lab_thumbnails_load_async (LabThumbnails *self, const char *path, int size,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_return_if_fail (LAB_IS_THUMBNAILS (self));
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lab_thumbnails_load_async);
  GdkTexture *cached = lab_thumbnails_lookup (self, path, size);
  if (cached != NULL)
    {
      g_task_return_pointer (task, cached, g_object_unref);
      return;
    }
  Request *r = g_new0 (Request, 1);
  r->path = g_strdup (path);
  r->size = size;
  g_task_set_task_data (task, r, (GDestroyNotify) request_free);
  g_task_run_in_thread (task, decode_thread);
}

GdkTexture *
lab_thumbnails_load_finish (LabThumbnails *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
lab_thumbnails_get_decoded (LabThumbnails *self)
{
  g_return_val_if_fail (LAB_IS_THUMBNAILS (self), 0);
  g_mutex_lock (&self->mutex);
  guint n = self->decoded;
  g_mutex_unlock (&self->mutex);
  return n;
}

LabThumbnails *
lab_thumbnails_new (void)
{
  return g_object_new (LAB_TYPE_THUMBNAILS, NULL);
}

static void
lab_thumbnails_finalize (GObject *object)
{
  LabThumbnails *self = LAB_THUMBNAILS (object);
  g_queue_free (self->order);
  g_hash_table_unref (self->cache);
  g_mutex_clear (&self->mutex);
  G_OBJECT_CLASS (lab_thumbnails_parent_class)->finalize (object);
}

static void
lab_thumbnails_class_init (LabThumbnailsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lab_thumbnails_finalize;
}

static void
lab_thumbnails_init (LabThumbnails *self)
{
  g_mutex_init (&self->mutex);
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->order = g_queue_new ();
}
