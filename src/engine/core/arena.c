/* arena.c — counting and carving arenas. */
#include "core/arena.h"

#include <stdlib.h>
#include <string.h>

void
cari_arena_init_counting (CariArena *arena)
{
  memset (arena, 0, sizeof *arena);
}

gboolean
cari_arena_allocate (CariArena *arena, size_t bytes)
{
  size_t rounded = (MAX (bytes, 1) + CARI_ARENA_ALIGN - 1) & ~(size_t) (CARI_ARENA_ALIGN - 1);
  char *p = aligned_alloc (CARI_ARENA_ALIGN, rounded);
  if (p == NULL)
    return FALSE;
  memset (p, 0, rounded);
  arena->base = p;
  arena->size = rounded;
  arena->used = 0;
  return TRUE;
}

void
cari_arena_clear (CariArena *arena)
{
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
