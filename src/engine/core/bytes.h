/* bytes.h — little-endian integers in byte buffers: how checkpoints and saved sampler states
 * store them, whatever the host's byte order. p need not be aligned. */
#pragma once

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

static inline void
cari_put_u32_le (guint8 *p, guint32 v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, 4);
}

static inline void
cari_put_u64_le (guint8 *p, guint64 v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, 8);
}

static inline guint32
cari_get_u32_le (const guint8 *p)
{
  guint32 v;
  memcpy (&v, p, 4);
  return GUINT32_FROM_LE (v);
}

static inline guint64
cari_get_u64_le (const guint8 *p)
{
  guint64 v;
  memcpy (&v, p, 8);
  return GUINT64_FROM_LE (v);
}

G_END_DECLS
