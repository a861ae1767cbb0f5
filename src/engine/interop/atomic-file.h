/* atomic-file.h — writing a whole file so that readers see the old one or the new one, never a
 * part: a temporary file beside it, flushed to the disk, renamed over it, and the rename flushed
 * too (as checkpoints are written). Internal to the interop writers. */
#pragma once

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

typedef struct
{
  const void *data;
  size_t      len;
} CariFileChunk;

/* Write the chunks one after the other to `path`; the error names the file. */
gboolean cari_atomic_file_write (const char *path, const CariFileChunk *chunks, size_t n_chunks,
                                 GError **error);

G_END_DECLS
