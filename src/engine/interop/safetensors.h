/* safetensors.h — reading and writing safetensors files (float32 tensors and string metadata).
 *
 * The format: an 8-byte little-endian header length N, N bytes of JSON
 *   { "__metadata__": { "key": "value", … },
 *     "name": { "dtype": "F32", "shape": [d0, d1, …], "data_offsets": [begin, end] }, … }
 * then the tensors' bytes, little-endian, each at [8 + N + begin, 8 + N + end). The JSON is
 * parsed with json-glib. The reader checks every bound before it trusts it: the header length
 * against the file, each shape's product against its byte range, each range against the data,
 * ranges that overlap or leave holes, duplicate names, names and dtypes it cannot use; the error
 * names the file and the tensor at fault. Only F32 tensors are read (others are refused by name);
 * tensors are copied into aligned memory, so the data need not be aligned in the file. The
 * checks, one by one: docs/interop.md.
 *
 * Errors (CARI_ERROR): a file that cannot be opened, written or renamed, CARI_ERROR_IO; a
 * well-formed file this build does not read (a dtype other than F32, more than
 * CARI_SAFETENSORS_MAX_DIMS dimensions), CARI_ERROR_VERSION; anything malformed,
 * CARI_ERROR_CORRUPT; names or metadata a file cannot hold (not UTF-8, an empty name or
 * "__metadata__"), CARI_ERROR_INVALID_ARGUMENT when writing.
 *
 * Written files put "__metadata__" first (when there is metadata, keys sorted), then the tensors
 * in the order they were added, pad the header with spaces to a multiple of 8 bytes, and are
 * written atomically (temporary file in the same folder, fsync, rename).
 */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

#define CARI_SAFETENSORS_MAX_DIMS 8
/* Headers larger than this are refused (the reference implementation's limit is 100 MB). */
#define CARI_SAFETENSORS_MAX_HEADER ((guint64) 100 << 20)

/* Not CariTensor: that is core/tensor.h's NCHW view. */
typedef struct
{
  const char  *name;
  int          ndim;                             /* 0 … CARI_SAFETENSORS_MAX_DIMS */
  gint64       shape[CARI_SAFETENSORS_MAX_DIMS];
  size_t       n;                                /* product of the shape (1 for a scalar) */
  const float *data;                             /* n floats, never NULL (even when n is 0);
                                                    owned by the file object */
} CariNamedTensor;

typedef struct _CariSafetensors CariSafetensors;

/* An empty file to fill and write. */
CariSafetensors *cari_safetensors_new (void);
void             cari_safetensors_free (CariSafetensors *st);

/* Add a tensor (the data is copied; it may be NULL when the shape holds no element). A name
 * already present replaces the earlier tensor, in its place. The shape's dimensions must be
 * non-negative and their product fit in memory (a programming error otherwise: nothing is
 * added). */
void     cari_safetensors_add (CariSafetensors *st, const char *name, int ndim,
                               const gint64 *shape, const float *data);
/* A NULL value removes the key. */
void     cari_safetensors_set_metadata (CariSafetensors *st, const char *key, const char *value);

gboolean cari_safetensors_write (const CariSafetensors *st, const char *path, GError **error);
/* The whole file in memory (g_free), e.g. for a test. */
guint8  *cari_safetensors_serialize (const CariSafetensors *st, size_t *len, GError **error);

/* Read a file; `path` also names it in messages. */
CariSafetensors *cari_safetensors_read (const char *path, GError **error);
/* Parse a file already in memory; `name` is what messages call it. */
CariSafetensors *cari_safetensors_parse (const guint8 *data, size_t len, const char *name,
                                         GError **error);

/* Tensors in file order (sorted by their data offsets on read, zero-sized tensors at the same
 * offset in the header's order; insertion order otherwise), so a file reads back in the order
 * it was written. */
guint                  cari_safetensors_n_tensors (const CariSafetensors *st);
const CariNamedTensor *cari_safetensors_tensor (const CariSafetensors *st, guint i);
const CariNamedTensor *cari_safetensors_lookup (const CariSafetensors *st, const char *name);
/* NULL when absent. */
const char            *cari_safetensors_get_metadata (const CariSafetensors *st, const char *key);
/* The metadata keys, sorted (g_strfreev). */
char                 **cari_safetensors_metadata_keys (const CariSafetensors *st);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariSafetensors, cari_safetensors_free)

G_END_DECLS
