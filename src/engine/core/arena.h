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
  gboolean mapped; /* base is an anonymous mapping of its own (large arenas) */
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

/* Bytes a piece of `count` floats takes, alignment included. */
size_t   cari_arena_floats_bytes (size_t count);

/* Tensors that never all exist at once, sharing one allocation by lifetime.
 *
 * Each tensor lives over ticks [first, last] of a pass (inclusive); two whose lifetimes
 * overlap get disjoint bytes, others may share them. As with the arenas, the network's build
 * runs twice: the counting pass records every tensor's size and lifetime (a lifetime may be
 * lengthened after the tensor was taken, when a later consumer is planned);
 * cari_liveness_allocate then places them and allocates the peak; the real pass takes the same
 * tensors in the same order and gets their places. */
typedef struct
{
  size_t bytes, offset;
  int    first, last;
} CariLifetime;

typedef struct
{
  GArray *tensors; /* CariLifetime, in the order taken */
  CariArena memory; /* the planned peak, allocated by cari_liveness_allocate */
  char   *base;    /* memory.base: NULL while counting */
  size_t  size;    /* bytes allocated: the planned peak */
  guint   next;    /* real pass: the next tensor to hand out */
} CariLiveness;

void     cari_liveness_init (CariLiveness *live);
void     cari_liveness_clear (CariLiveness *live);
/* A tensor of `count` floats alive over [first, last]: NULL while counting, else its planned
 * place. *id (may be NULL) names it for cari_liveness_extend. */
float   *cari_liveness_floats (CariLiveness *live, size_t count, int first, int last, int *id);
/* Make tensor `id` live until `last` too (counting pass; the real pass ignores it). */
void     cari_liveness_extend (CariLiveness *live, int id, int last);
/* Place the tensors counted so far (lowest offset that clears every tensor alive at the same
 * time, largest first), allocate the peak and switch to handing out. */
gboolean cari_liveness_allocate (CariLiveness *live);
/* Tests: FALSE gives every tensor planned from then on bytes of its own, the reference a shared
 * plan must agree with bit for bit (TRUE by default). */
void     cari_liveness_set_sharing (gboolean share);

G_END_DECLS
