/* arena.h — carve one allocation into many named tensors.
 *
 * Building a network runs the same code twice: first with a counting arena (cari_arena_take
 * returns NULL and only adds up sizes), then with a real one over a single block of exactly that
 * size. So parameters, gradients, buffers and activations each live in one allocation, sized when
 * the network is built, and nothing is allocated during a training step.
 */
#pragma once

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

typedef struct
{
  char  *base;     /* owned when allocated by cari_arena_allocate; NULL while counting */
  size_t size;     /* bytes available (0 while counting) */
  size_t used;     /* bytes handed out so far */
} CariArena;

/* Alignment of every piece, in bytes: a cache line, and what AVX-512 loads like. */
#define CARI_ARENA_ALIGN 64

void     cari_arena_init_counting (CariArena *arena);
/* Allocate `bytes` (zeroed) and start handing out from the beginning. */
gboolean cari_arena_allocate (CariArena *arena, size_t bytes);
void     cari_arena_clear (CariArena *arena);
/* Start again from the beginning (same memory, or counting from zero). */
void     cari_arena_rewind (CariArena *arena);

/* A piece of `count` floats (NULL while counting). */
float   *cari_arena_floats (CariArena *arena, size_t count);
/* A piece of `count` int32 values (NULL while counting). */
gint32  *cari_arena_ints (CariArena *arena, size_t count);

G_END_DECLS
