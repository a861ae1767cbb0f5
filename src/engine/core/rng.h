/* rng.h — a small, fast, seedable random generator whose whole state fits in a checkpoint.
 *
 * xoshiro256** (Blackman & Vigna), seeded through splitmix64. Same seed, same stream, on every
 * machine.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

typedef struct
{
  uint64_t s[4];
} CariRng;

void     cari_rng_seed (CariRng *rng, uint64_t seed);
uint64_t cari_rng_next (CariRng *rng);
/* Uniform in [0, 1) with 24 random bits. */
float    cari_rng_uniform (CariRng *rng);
/* Uniform integer in [0, bound), bound > 0, without modulo bias. */
uint32_t cari_rng_below (CariRng *rng, uint32_t bound);
/* Standard normal (Box–Muller; one value per call, deterministic). */
float    cari_rng_normal (CariRng *rng);
/* Shuffles a[n] in place (Fisher–Yates, from the last element down). */
void     cari_rng_shuffle (CariRng *rng, int *a, int n);
/* A child generator for an independent stream (e.g. one per data worker). */
void     cari_rng_split (CariRng *rng, CariRng *child);

G_END_DECLS
