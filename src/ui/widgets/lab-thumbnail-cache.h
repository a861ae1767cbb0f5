/* lab-thumbnail-cache.h — small thumbnails of data-set images, decoded off the main thread (a
 * GThreadPool, newest request first) and kept in a least-recently-used cache of GdkTexture by
 * file path.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define LAB_TYPE_THUMBNAIL_CACHE (lab_thumbnail_cache_get_type ())
G_DECLARE_FINAL_TYPE (LabThumbnailCache, lab_thumbnail_cache, LAB, THUMBNAIL_CACHE, GObject)

/* Thumbnails fit in size × size pixels (the whole image, aspect kept); at most `capacity` are
 * kept. */
LabThumbnailCache *lab_thumbnail_cache_new (int size, guint capacity);
/* The thumbnail of `path` when it is decoded (and marks it recently used), else NULL and, when
 * `request` is TRUE, asks for it: "ready" follows. *failed is set when the file could not be
 * decoded (then no thumbnail will come). */
GdkTexture        *lab_thumbnail_cache_lookup (LabThumbnailCache *self, const char *path,
                                               gboolean request, gboolean *failed);
guint              lab_thumbnail_cache_get_n_cached (LabThumbnailCache *self);
/* Decoding requests not yet answered. */
guint              lab_thumbnail_cache_get_n_pending (LabThumbnailCache *self);

G_END_DECLS
