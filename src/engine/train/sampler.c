/* sampler.c — batch composition. */
#include "train/sampler.h"

#include "core/bytes.h"
#include "core/error.h"
#include "core/i18n.h"
#include "core/rng.h"

#include <string.h>

typedef struct
{
  int n;          /* training images of this modality */
  int *images;    /* their indices, in the current shuffled order */
  int cursor;     /* next position in images (plain mode) */
  int n_ids;      /* identities with at least one such image */
  int *id_start;  /* balanced mode: images grouped by identity, offsets [n_ids + 1] */
  int *by_id;
} Pool;

struct _CariSampler
{
  int want[2]; /* caricatures, photos per batch */
  gboolean balanced;
  CariRng rng;
  Pool pools[2];
};

static void
pool_init (Pool *p, const CariDataSource *src, int modality)
{
  p->images = cari_data_source_select (src, CARI_ROLE_TRAIN, modality, &p->n);
  /* Group by identity (counting sort keeps the data set's order within an identity). */
  int K = src->n_identities;
  g_autofree int *count = g_new0 (int, K + 1);
  for (int i = 0; i < p->n; i++)
    count[src->identity[p->images[i]] + 1]++;
  p->id_start = g_new0 (int, K + 1);
  p->by_id = g_new (int, MAX (p->n, 1));
  p->n_ids = 0;
  /* Only identities that have images become slots of the balanced draw. */
  g_autofree int *slot_of = g_new (int, K);
  int offset = 0;
  for (int k = 0; k < K; k++)
    {
      slot_of[k] = -1;
      if (count[k + 1] > 0)
        {
          slot_of[k] = p->n_ids;
          p->id_start[p->n_ids++] = offset;
          offset += count[k + 1];
        }
    }
  p->id_start[p->n_ids] = offset;
  g_autofree int *fill = g_new0 (int, MAX (p->n_ids, 1));
  for (int i = 0; i < p->n; i++)
    {
      int s = slot_of[src->identity[p->images[i]]];
      p->by_id[p->id_start[s] + fill[s]++] = p->images[i];
    }
}

CariSampler *
cari_sampler_new (const CariDataSource *src, int n_caricatures, int n_photos, gboolean balanced,
                  guint64 seed, GError **error)
{
  CariSampler *s = g_new0 (CariSampler, 1);
  s->want[CARI_MODALITY_CARICATURE] = n_caricatures;
  s->want[CARI_MODALITY_PHOTO] = n_photos;
  s->balanced = balanced;
  cari_rng_seed (&s->rng, seed);
  for (int m = 0; m < 2; m++)
    {
      pool_init (&s->pools[m], src, m);
      if (s->want[m] > 0 && s->pools[m].n == 0)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("Data set “%s” has no training %s, but each batch asks for %d"),
                       src->name, m == CARI_MODALITY_PHOTO ? _("photos") : _("caricatures"),
                       s->want[m]);
          cari_sampler_free (s);
          return NULL;
        }
      cari_rng_shuffle (&s->rng, s->pools[m].images, s->pools[m].n);
    }
  return s;
}

void
cari_sampler_free (CariSampler *s)
{
  if (s == NULL)
    return;
  for (int m = 0; m < 2; m++)
    {
      g_free (s->pools[m].images);
      g_free (s->pools[m].id_start);
      g_free (s->pools[m].by_id);
    }
  g_free (s);
}

void
cari_sampler_next (CariSampler *s, int *indices)
{
  int out = 0;
  for (int m = 0; m < 2; m++)
    {
      Pool *p = &s->pools[m];
      for (int k = 0; k < s->want[m]; k++)
        {
          if (s->balanced)
            {
              int id = (int) cari_rng_below (&s->rng, (uint32_t) p->n_ids);
              int span = p->id_start[id + 1] - p->id_start[id];
              indices[out++] = p->by_id[p->id_start[id] + (int) cari_rng_below (&s->rng, span)];
              continue;
            }
          if (p->cursor == p->n)
            {
              cari_rng_shuffle (&s->rng, p->images, p->n);
              p->cursor = 0;
            }
          indices[out++] = p->images[p->cursor++];
        }
    }
}

/* Layout: magic u32, balanced u32, rng 4×u64, then per modality n u32, cursor u32, images. */
#define SAMPLER_MAGIC 0x53414d31u /* "SAM1" */

GBytes *
cari_sampler_save (const CariSampler *s)
{
  GByteArray *b = g_byte_array_new ();
  guint32 head[2] = { GUINT32_TO_LE (SAMPLER_MAGIC), GUINT32_TO_LE ((guint32) s->balanced) };
  g_byte_array_append (b, (const guint8 *) head, sizeof head);
  for (int i = 0; i < 4; i++)
    {
      guint64 v = GUINT64_TO_LE (s->rng.s[i]);
      g_byte_array_append (b, (const guint8 *) &v, 8);
    }
  for (int m = 0; m < 2; m++)
    {
      const Pool *p = &s->pools[m];
      guint32 nc[2] = { GUINT32_TO_LE ((guint32) p->n), GUINT32_TO_LE ((guint32) p->cursor) };
      g_byte_array_append (b, (const guint8 *) nc, sizeof nc);
      for (int i = 0; i < p->n; i++)
        {
          guint32 v = GUINT32_TO_LE ((guint32) p->images[i]);
          g_byte_array_append (b, (const guint8 *) &v, 4);
        }
    }
  return g_byte_array_free_to_bytes (b);
}

gboolean
cari_sampler_restore (CariSampler *s, GBytes *state, GError **error)
{
  size_t len;
  const guint8 *p = g_bytes_get_data (state, &len);
  size_t need = 8 + 32;
  if (len < need || cari_get_u32_le (p) != SAMPLER_MAGIC
      || cari_get_u32_le (p + 4) != (guint32) s->balanced)
    goto bad;
  size_t off = need;
  for (int m = 0; m < 2; m++)
    {
      if (len < off + 8 || cari_get_u32_le (p + off) != (guint32) s->pools[m].n)
        goto bad;
      guint32 cursor = cari_get_u32_le (p + off + 4);
      off += 8;
      if (cursor > (guint32) s->pools[m].n || len < off + 4 * (size_t) s->pools[m].n)
        goto bad;
      off += 4 * (size_t) s->pools[m].n;
    }
  if (off != len)
    goto bad;

  /* It fits: restore. Each saved image must be one of this pool's. */
  off = need;
  for (int m = 0; m < 2; m++)
    {
      Pool *p2 = &s->pools[m];
      g_autofree int *saved = g_new (int, MAX (p2->n, 1));
      guint32 cursor = cari_get_u32_le (p + off + 4);
      off += 8;
      g_autoptr (GHashTable) members = g_hash_table_new (NULL, NULL);
      for (int i = 0; i < p2->n; i++)
        g_hash_table_add (members, GINT_TO_POINTER (p2->images[i] + 1));
      for (int i = 0; i < p2->n; i++, off += 4)
        {
          saved[i] = (int) cari_get_u32_le (p + off);
          if (!g_hash_table_contains (members, GINT_TO_POINTER (saved[i] + 1)))
            goto bad;
        }
      memcpy (p2->images, saved, sizeof (int) * (size_t) p2->n);
      p2->cursor = (int) cursor;
    }
  for (int i = 0; i < 4; i++)
    s->rng.s[i] = cari_get_u64_le (p + 8 + 8 * i);
  return TRUE;

bad:
  g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
               _("The saved sampler position does not fit this data set or batch composition"));
  return FALSE;
}
