/* dropout.c — inverted dropout. */
#include "nn/dropout.h"

void
cari_dropout_forward (float *out, float *mask, const float *inp, size_t n, float keep,
                      CariRng *rng)
{
  const float scale = 1.0f / keep;
  g_assert (keep > 0.0f && keep <= 1.0f);
  for (size_t i = 0; i < n; i++)
    {
      mask[i] = cari_rng_uniform (rng) < keep ? scale : 0.0f;
      out[i] = inp[i] * mask[i];
    }
}

void
cari_dropout_forward_rows (float *out, float *mask, const float *inp, int rows, int cols,
                           float keep, uint64_t seed, const int *row_ids, int first_id)
{
  for (int i = 0; i < rows; i++)
    {
      CariRng rng;
      uint64_t id = (uint64_t) (row_ids != NULL ? row_ids[i] : first_id + i);
      /* Distinct rows, distinct streams: the id goes through the seeding's own mixing. */
      cari_rng_seed (&rng, seed ^ (id * 0x9e3779b97f4a7c15ULL));
      cari_dropout_forward (out + (size_t) i * cols, mask + (size_t) i * cols,
                            inp + (size_t) i * cols, (size_t) cols, keep, &rng);
    }
}

void
cari_dropout_backward (float *dinp, const float *dout, const float *mask, size_t n)
{
  for (size_t i = 0; i < n; i++)
    dinp[i] += dout[i] * mask[i];
}
