/* safetensors-private.h — what the safetensors writer (safetensors.c) and reader
 * (safetensors-read.c) share: the file object's insides. */
#pragma once

#include "interop/safetensors.h"

G_BEGIN_DECLS

/* Names longer than this are cut in messages: a header may hold a name of megabytes. */
#define CARI_SAFETENSORS_SHOWN_CHARS 80

typedef struct
{
  CariNamedTensor t;  /* t.name and t.data point at the two fields below */
  char *name;         /* owned */
  float *data;        /* owned; at least one float, so that it is never NULL */
  guint64 begin, end; /* read: the tensor's byte range in the data section */
  guint order;        /* read: its place among the header's members, to break ties */
} CariSafetensorsEntry;

struct _CariSafetensors
{
  GPtrArray *entries;   /* CariSafetensorsEntry *, owned, in file order */
  GHashTable *by_name;  /* name (the entry's) → CariSafetensorsEntry *, borrowed */
  GHashTable *metadata; /* key → value, both owned */
};

/* A tensor of `n` elements (cari_safetensors_shape_size) with room for its data, or NULL when
 * that memory cannot be had. */
CariSafetensorsEntry *cari_safetensors_entry_new (const char *name, int ndim, const gint64 *shape,
                                                  size_t n);
void                  cari_safetensors_entry_free (gpointer entry);
/* The number of elements of a shape, or FALSE when a dimension is negative or the shape is too
 * large to hold as float32 bytes in a size_t and a gint64. Zero dimensions are left out of the
 * bound, so that a tensor with no elements may have any other dimensions. */
gboolean              cari_safetensors_shape_size (int ndim, const gint64 *shape, size_t *n);
/* A name as messages show it: whole when short, else its first characters and an ellipsis. */
char                 *cari_safetensors_shown_name (const char *name);

G_END_DECLS
