/* lab-thumbnails.h — small images of data-set files for the embedding views: decoded off the
 * main thread (the engine's decoder, data/image.h), shrunk to fit a square, and kept in a cache
 * that any thread may read (the oldest entries go first beyond a few thousand).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LAB_TYPE_THUMBNAILS (lab_thumbnails_get_type ())
G_DECLARE_FINAL_TYPE (LabThumbnails, lab_thumbnails, LAB, THUMBNAILS, GObject)

LabThumbnails *lab_thumbnails_new (void);
/* The cached thumbnail of `path` at `size` (its longer side), or NULL. Transfer full. */
GdkTexture    *lab_thumbnails_lookup (LabThumbnails *self, const char *path, int size);
/* Decodes `path` in a worker thread (at once from the cache when it is there). */
void           lab_thumbnails_load_async (LabThumbnails *self, const char *path, int size,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
/* The thumbnail, or NULL with the decoder's error (which names the file) or a cancellation. */
GdkTexture    *lab_thumbnails_load_finish (LabThumbnails *self, GAsyncResult *result,
                                           GError **error);
/* How many files were decoded (not served from the cache), for tests. */
guint          lab_thumbnails_get_decoded (LabThumbnails *self);

/* The image at `path` (the engine's decoder, data/image.h) fitted into size × size pixels, its
 * aspect kept: shrunk by area averages, and grown (bilinear) when `grow`. Returns its pixels,
 * width × height RGB8 (GDK_MEMORY_R8G8B8), or NULL with the decoder's error. Any thread. */
GBytes        *lab_thumbnail_decode (const char *path, int size, gboolean grow, int *width,
                                     int *height, GError **error);

G_END_DECLS
