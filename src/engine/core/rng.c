/* rng.c — xoshiro256** with splitmix64 seeding. */
#include "core/rng.h"

#include <math.h>

static uint64_t
splitmix64 (uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static inline uint64_t
rotl (uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

void
cari_rng_seed (CariRng *rng, uint64_t seed)
{
  uint64_t x = seed;
  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
}

uint64_t
cari_rng_next (CariRng *rng)
{
  uint64_t *s = rng->s;
  uint64_t result = rotl (s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

float
cari_rng_uniform (CariRng *rng)
{
  return (float) (cari_rng_next (rng) >> 40) * (1.0f / 16777216.0f);
}

uint32_t
cari_rng_below (CariRng *rng, uint32_t bound)
{
  /* Lemire's multiply-shift with rejection. */
  uint64_t m = (uint64_t) (uint32_t) (cari_rng_next (rng) >> 32) * bound;
  uint32_t low = (uint32_t) m;
  g_assert (bound > 0);
  if (low < bound)
    {
      uint32_t threshold = (uint32_t) (-bound) % bound;
      while (low < threshold)
        {
          m = (uint64_t) (uint32_t) (cari_rng_next (rng) >> 32) * bound;
          low = (uint32_t) m;
        }
    }
  return (uint32_t) (m >> 32);
}

float
cari_rng_normal (CariRng *rng)
{
  double u1 = ((double) (cari_rng_next (rng) >> 11) + 1.0) * (1.0 / 9007199254740993.0);
  double u2 = (double) (cari_rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);
  return (float) (sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2));
}

void
cari_rng_split (CariRng *rng, CariRng *child)
{
  cari_rng_seed (child, cari_rng_next (rng));
}

void
cari_rng_shuffle (CariRng *rng, int *a, int n)
{
  for (int i = n - 1; i > 0; i--)
    {
      int j = (int) cari_rng_below (rng, (uint32_t) i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
}
