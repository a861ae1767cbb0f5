/* npy.h — NumPy's .npy arrays of float32, in and out.
 *
 * The format: the magic "\x93NUMPY", a major and minor version (1.0: a 2-byte header length;
 * 2.0 and 3.0: 4 bytes), then a Python dict literal such as
 *   {'descr': '<f4', 'fortran_order': False, 'shape': (64, 128), }
 * padded with spaces and a newline so the data starts at a multiple of 64 bytes, then the data
 * in C order. The reader takes '<f4' and '<f8' (converted to float32, each value checked to be
 * representable) and, for labels, '<i4' and '<i8' through cari_npy_read_ints; big-endian or
 * Fortran-ordered arrays, object arrays and anything else are refused with a message naming the
 * file and the field. Every bound is checked: the header length against the file, the dict's
 * syntax, each dimension and their product against the bytes present (no overflow).
 */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

#define CARI_NPY_MAX_DIMS 8

typedef struct
{
  int     ndim;                       /* 0 … CARI_NPY_MAX_DIMS */
  gint64  shape[CARI_NPY_MAX_DIMS];
  size_t  n;                          /* product of the shape */
  float  *data;                       /* n floats, owned */
} CariArray;

void       cari_array_free (CariArray *a);

/* Read a float array ('<f4', or '<f8' converted); `path` also names it in messages. */
CariArray *cari_npy_read (const char *path, GError **error);
CariArray *cari_npy_parse (const guint8 *data, size_t len, const char *name, GError **error);

/* Read an integer array ('<i4' or '<i8', each value within int range) into *values (g_free). */
gboolean   cari_npy_read_ints (const char *path, int **values, int *ndim, gint64 *shape,
                               size_t *n, GError **error);
gboolean   cari_npy_parse_ints (const guint8 *data, size_t len, const char *name, int **values,
                                int *ndim, gint64 *shape, size_t *n, GError **error);

/* Write float32 data as '<f4', format version 1.0, atomically. */
gboolean   cari_npy_write (const char *path, int ndim, const gint64 *shape, const float *data,
                           GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariArray, cari_array_free)

G_END_DECLS
