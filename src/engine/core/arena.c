/* arena.c — counting and carving arenas. */
#include "core/arena.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void
cari_arena_init_counting (CariArena *arena)
{
  memset (arena, 0, sizeof *arena);
}

/* From this size on an arena is a mapping of its own: the system hands its pages out zeroed
 * when they are first touched, so memory a network plans but never uses (the training
 * activations and gradients of a network opened only to extract embeddings) is never
 * resident. Smaller arenas are zeroed by hand. */
#define MAPPED_MIN_BYTES ((size_t) 1 << 20)

gboolean
cari_arena_allocate (CariArena *arena, size_t bytes)
{
  size_t rounded = (MAX (bytes, 1) + CARI_ARENA_ALIGN - 1) & ~(size_t) (CARI_ARENA_ALIGN - 1);
  char *p;
  gboolean mapped = rounded >= MAPPED_MIN_BYTES;

  if (mapped)
    {
      /* Page-aligned, which is more than CARI_ARENA_ALIGN. */
      void *m = mmap (NULL, rounded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (m == MAP_FAILED)
        return FALSE;
      p = m;
    }
  else
    {
      p = aligned_alloc (CARI_ARENA_ALIGN, rounded);
      if (p == NULL)
        return FALSE;
      memset (p, 0, rounded);
    }
  arena->base = p;
  arena->size = rounded;
  arena->used = 0;
  arena->mapped = mapped;
  return TRUE;
}

void
cari_arena_clear (CariArena *arena)
{
  if (arena->mapped)
    munmap (arena->base, arena->size);
  else
    free (arena->base);
  memset (arena, 0, sizeof *arena);
}

void
cari_arena_rewind (CariArena *arena)
{
  arena->used = 0;
}

static void *
take (CariArena *arena, size_t bytes)
{
  size_t offset = arena->used;
  arena->used += (bytes + CARI_ARENA_ALIGN - 1) & ~(size_t) (CARI_ARENA_ALIGN - 1);
  if (arena->base == NULL)
    return NULL;
  g_assert (arena->used <= arena->size);
  return arena->base + offset;
}

float *
cari_arena_floats (CariArena *arena, size_t count)
{
  return take (arena, count * sizeof (float));
}

gint32 *
cari_arena_ints (CariArena *arena, size_t count)
{
  return take (arena, count * sizeof (gint32));
}

size_t
cari_arena_floats_bytes (size_t count)
{
  return (count * sizeof (float) + CARI_ARENA_ALIGN - 1) & ~(size_t) (CARI_ARENA_ALIGN - 1);
}

/* ---------------------------------------------------------------------------- liveness */

static gint liveness_unshared; /* tests only: every tensor apart */

void
cari_liveness_set_sharing (gboolean share)
{
  g_atomic_int_set (&liveness_unshared, !share);
}

void
cari_liveness_init (CariLiveness *live)
{
  memset (live, 0, sizeof *live);
  live->tensors = g_array_new (FALSE, TRUE, sizeof (CariLifetime));
}

void
cari_liveness_clear (CariLiveness *live)
{
  if (live->memory.base != NULL)
    cari_arena_clear (&live->memory);
  g_clear_pointer (&live->tensors, g_array_unref);
  memset (live, 0, sizeof *live);
}

float *
cari_liveness_floats (CariLiveness *live, size_t count, int first, int last, int *id)
{
  size_t bytes = cari_arena_floats_bytes (count);
  g_assert (first <= last);
  if (live->base == NULL)
    {
      CariLifetime t = { bytes, 0, first, last };
      if (id != NULL)
        *id = (int) live->tensors->len;
      g_array_append_val (live->tensors, t);
      return NULL;
    }
  g_assert (live->next < live->tensors->len);
  const CariLifetime *t = &g_array_index (live->tensors, CariLifetime, live->next);
  g_assert (t->bytes == bytes);
  if (id != NULL)
    *id = (int) live->next;
  live->next++;
  return (float *) (void *) (live->base + t->offset);
}

void
cari_liveness_extend (CariLiveness *live, int id, int last)
{
  if (live->base != NULL)
    return;
  CariLifetime *t = &g_array_index (live->tensors, CariLifetime, id);
  t->last = MAX (t->last, last);
}

static int
compare_size_desc (gconstpointer a, gconstpointer b, gpointer data)
{
  const CariLifetime *all = data;
  const CariLifetime *x = &all[*(const guint *) a], *y = &all[*(const guint *) b];
  if (x->bytes != y->bytes)
    return x->bytes < y->bytes ? 1 : -1;
  /* Equal sizes: earlier first, so that the plan does not depend on the sort. */
  return *(const guint *) a < *(const guint *) b ? -1 : 1;
}

static int
compare_offset (gconstpointer a, gconstpointer b)
{
  const CariLifetime *x = *(CariLifetime *const *) a, *y = *(CariLifetime *const *) b;
  return x->offset < y->offset ? -1 : x->offset > y->offset;
}

gboolean
cari_liveness_allocate (CariLiveness *live)
{
  const guint n = live->tensors->len;
  CariLifetime *all = (CariLifetime *) (void *) live->tensors->data;
  g_autofree guint *order = g_new (guint, MAX (n, 1));
  g_autoptr (GPtrArray) placed = g_ptr_array_new ();
  g_autoptr (GPtrArray) clash = g_ptr_array_new ();
  size_t peak = 0;
  const gboolean unshared = g_atomic_int_get (&liveness_unshared);

  for (guint i = 0; i < n; i++)
    order[i] = i;
  g_qsort_with_data (order, n, sizeof (guint), compare_size_desc, all);

  /* Greedy: the largest tensors first, each at the lowest gap between the tensors already
   * placed whose lifetimes overlap its own. */
  for (guint k = 0; k < n; k++)
    {
      CariLifetime *t = &all[order[k]];
      size_t offset = 0;
      g_ptr_array_set_size (clash, 0);
      for (guint j = 0; j < placed->len; j++)
        {
          CariLifetime *p = placed->pdata[j];
          if (unshared || (p->first <= t->last && t->first <= p->last))
            g_ptr_array_add (clash, p);
        }
      g_ptr_array_sort (clash, compare_offset);
      for (guint j = 0; j < clash->len; j++)
        {
          const CariLifetime *p = clash->pdata[j];
          if (offset + t->bytes <= p->offset)
            break;
          offset = MAX (offset, p->offset + p->bytes);
        }
      t->offset = offset;
      peak = MAX (peak, offset + t->bytes);
      g_ptr_array_add (placed, t);
    }

  if (!cari_arena_allocate (&live->memory, peak))
    return FALSE;
  live->base = live->memory.base;
  live->size = live->memory.size;
  live->next = 0;
  return TRUE;
}
