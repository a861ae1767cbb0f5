/* source.c — the data-source interface and the in-memory toy set. */
#include "data/source.h"

#include "core/error.h"
#include "core/i18n.h"
#include "core/rng.h"
#include "data/image.h"

#include <math.h>
#include <string.h>

gboolean
cari_data_source_load (CariDataSource *src, const int *indices, int n, float *dst,
                       GError **error)
{
  return src->ops->load (src, indices, n, dst, error);
}

gboolean
cari_data_source_load_each (CariDataSource *src, const int *indices, int n, float *dst,
                            GError **failures, GError **error)
{
  if (src->ops->load_each != NULL)
    return src->ops->load_each (src, indices, n, dst, failures, error);
  return src->ops->load (src, indices, n, dst, error);
}

void
cari_data_source_prefetch (CariDataSource *src, const int *indices, int n)
{
  if (src->ops->prefetch != NULL)
    src->ops->prefetch (src, indices, n);
}

void
cari_data_source_free (CariDataSource *src)
{
  if (src == NULL)
    return;
  if (src->ops->finalize != NULL)
    src->ops->finalize (src);
  g_free (src->name);
  g_free (src->identity);
  g_free (src->modality);
  g_free (src->role);
  g_free (src);
}

int *
cari_data_source_select (const CariDataSource *src, CariRole role, int modality, int *n)
{
  int *out = g_new (int, MAX (src->n_images, 1));
  *n = 0;
  for (int i = 0; i < src->n_images; i++)
    if (src->role[i] == role && (modality < 0 || src->modality[i] == modality))
      out[(*n)++] = i;
  return out;
}

/* ------------------------------------------------------------------------------ toy set */

typedef struct
{
  CariDataSource parent;
  float *pixels; /* [n_images, 3, size, size] */
} ToySource;

static gboolean
toy_load (CariDataSource *src, const int *indices, int n, float *dst, GError **error)
{
  ToySource *toy = (ToySource *) src;
  size_t img = (size_t) 3 * src->image_size * src->image_size;
  for (int i = 0; i < n; i++)
    {
      if (indices[i] < 0 || indices[i] >= src->n_images)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("Image %d is not in data set “%s” (%d images)"), indices[i], src->name,
                       src->n_images);
          return FALSE;
        }
      memcpy (dst + (size_t) i * img, toy->pixels + (size_t) indices[i] * img,
              img * sizeof (float));
    }
  return TRUE;
}

static void
toy_finalize (CariDataSource *src)
{
  g_free (((ToySource *) src)->pixels);
}

static const CariDataSourceOps toy_ops = { toy_load, toy_finalize, NULL };

void
cari_toy_config_init (CariToyConfig *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->identities = 20;
  cfg->photos_per_identity = 12;
  cfg->caricatures_per_identity = 12;
  cfg->size = 75;
  cfg->photo_noise = 0.3;
  cfg->caricature_noise = 0.6;
  cfg->caricature_label_noise = 0.4;
  cfg->validation_per_identity = 2;
  cfg->seed = 1;
}

#define BLOBS 6

typedef struct
{
  float x, y, sigma, colour[3];
} Blob;

static void
render (float *dst, int S, const Blob *blobs, const Blob *mean, float exaggeration, float dx,
        float dy, float noise, CariRng *rng)
{
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < S; y++)
      for (int x = 0; x < S; x++)
        {
          float v = 0.0f;
          for (int b = 0; b < BLOBS; b++)
            {
              /* The caricature moves each blob away from the mean face by `exaggeration`. */
              float bx = mean[b].x + exaggeration * (blobs[b].x - mean[b].x) + dx;
              float by = mean[b].y + exaggeration * (blobs[b].y - mean[b].y) + dy;
              float col = mean[b].colour[c] + exaggeration * (blobs[b].colour[c] - mean[b].colour[c]);
              float ex = ((float) x / S - bx), ey = ((float) y / S - by);
              v += col * expf (-(ex * ex + ey * ey) / (2.0f * blobs[b].sigma * blobs[b].sigma));
            }
          dst[((size_t) c * S + y) * S + x] = v + noise * cari_rng_normal (rng);
        }
}

CariDataSource *
cari_toy_source_new (const CariToyConfig *cfg, GError **error)
{
  const int K = cfg->identities, S = cfg->size;
  const int per_id = cfg->photos_per_identity + cfg->caricatures_per_identity;
  if (K < 2 || S < 8 || cfg->photos_per_identity < 1 || cfg->caricatures_per_identity < 1
      || cfg->validation_per_identity < 0
      || cfg->validation_per_identity >= MIN (cfg->photos_per_identity,
                                              cfg->caricatures_per_identity))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Toy data set: needs ≥ 2 identities, images of each modality per identity, "
                     "and fewer validation images than that"));
      return NULL;
    }

  ToySource *toy = g_new0 (ToySource, 1);
  CariDataSource *src = &toy->parent;
  CariRng rng;
  size_t img = (size_t) 3 * S * S;
  cari_rng_seed (&rng, cfg->seed);
  src->ops = &toy_ops;
  src->name = g_strdup ("toy");
  src->n_images = K * per_id;
  src->n_identities = K;
  src->image_size = S;
  src->identity = g_new (int, src->n_images);
  src->modality = g_new (guint8, src->n_images);
  src->role = g_new (guint8, src->n_images);
  toy->pixels = g_new (float, img * src->n_images);

  Blob *faces = g_new (Blob, (size_t) K * BLOBS);
  Blob mean[BLOBS] = { { 0 } };
  for (int k = 0; k < K; k++)
    for (int b = 0; b < BLOBS; b++)
      {
        Blob *bl = &faces[k * BLOBS + b];
        bl->x = 0.2f + 0.6f * cari_rng_uniform (&rng);
        bl->y = 0.2f + 0.6f * cari_rng_uniform (&rng);
        bl->sigma = 0.06f + 0.08f * cari_rng_uniform (&rng);
        for (int c = 0; c < 3; c++)
          bl->colour[c] = 2.0f * cari_rng_uniform (&rng) - 1.0f;
        mean[b].x += bl->x / K;
        mean[b].y += bl->y / K;
        mean[b].sigma += bl->sigma / K;
        for (int c = 0; c < 3; c++)
          mean[b].colour[c] += bl->colour[c] / K;
      }

  int i = 0;
  for (int k = 0; k < K; k++)
    for (int j = 0; j < per_id; j++, i++)
      {
        gboolean photo = j < cfg->photos_per_identity;
        int within = photo ? j : j - cfg->photos_per_identity;
        float dx = 0.04f * (2.0f * cari_rng_uniform (&rng) - 1.0f);
        float dy = 0.04f * (2.0f * cari_rng_uniform (&rng) - 1.0f);
        float ex = photo ? 1.0f : 1.6f + 0.8f * cari_rng_uniform (&rng);
        float *dst = toy->pixels + (size_t) i * img;
        render (dst, S, &faces[k * BLOBS], mean, ex, dx, dy,
                (float) (photo ? cfg->photo_noise : cfg->caricature_noise), &rng);
        cari_standardize (dst, dst, img);
        src->modality[i] = photo ? CARI_MODALITY_PHOTO : CARI_MODALITY_CARICATURE;
        src->role[i] = within < cfg->validation_per_identity ? CARI_ROLE_VALIDATION
                                                              : CARI_ROLE_TRAIN;
        src->identity[i] = k;
        /* Label noise on training caricatures only: validation stays truthful. */
        if (!photo && src->role[i] == CARI_ROLE_TRAIN
            && cari_rng_uniform (&rng) < cfg->caricature_label_noise)
          src->identity[i] = (int) cari_rng_below (&rng, (uint32_t) K);
      }
  g_free (faces);
  return src;
}
