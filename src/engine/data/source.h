/* source.h — where a trainer gets its images: an index (identity, modality and protocol role of
 * every image) and a way to load a batch of them, standardised, as NCHW floats.
 *
 * The in-memory toy source below implements it for tests and the CLI's `--dataset toy`; the
 * dataset issue's prefetching loader over SynCari, CaVI and WebCaricature implements the same
 * interface.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CARI_MODALITY_CARICATURE = 0,
  CARI_MODALITY_PHOTO = 1,
} CariModality;

typedef enum
{
  CARI_ROLE_TRAIN = 0,
  CARI_ROLE_VALIDATION = 1, /* carved from the training data, for periodic evaluation */
  CARI_ROLE_TEST = 2,       /* never drawn by the sampler */
} CariRole;

typedef struct _CariDataSource CariDataSource;

typedef struct
{
  /* Write images `indices[0..n)` into dst [n, 3, size, size]. */
  gboolean (*load) (CariDataSource *src, const int *indices, int n, float *dst, GError **error);
  void (*finalize) (CariDataSource *src);
  /* Optional: images that will be loaded soon (a hint; loading them is still load's job). */
  void (*prefetch) (CariDataSource *src, const int *indices, int n);
  /* Optional: as load, but an image that cannot be read is not an error (see
   * cari_data_source_load_each). */
  gboolean (*load_each) (CariDataSource *src, const int *indices, int n, float *dst,
                         GError **failures, GError **error);
} CariDataSourceOps;

struct _CariDataSource
{
  const CariDataSourceOps *ops;
  char   *name;
  int     n_images;
  int     n_identities;
  int     image_size;
  int    *identity; /* [n_images], in [0, n_identities) */
  guint8 *modality; /* [n_images], CariModality */
  guint8 *role;     /* [n_images], CariRole */
};

gboolean cari_data_source_load (CariDataSource *src, const int *indices, int n, float *dst,
                                GError **error);
/* As cari_data_source_load, but each image that cannot be read (a file damaged, replaced or
 * deleted since the import) only sets failures[i] (failures [n], all NULL on entry; dst's slot is
 * zeroed), and the others are loaded; FALSE only for what concerns the whole request (an index
 * out of range). A source without load_each fails as cari_data_source_load does. */
gboolean cari_data_source_load_each (CariDataSource *src, const int *indices, int n, float *dst,
                                     GError **failures, GError **error);
void     cari_data_source_free (CariDataSource *src);
void     cari_data_source_prefetch (CariDataSource *src, const int *indices, int n);
/* Images of a role and modality (-1: any modality); newly allocated, *n receives the count. */
int     *cari_data_source_select (const CariDataSource *src, CariRole role, int modality, int *n);

/* A synthetic, in-memory caricature–photo set with a controlled difficulty: every identity is a
 * smooth random colour pattern; photos show it with small shifts and noise; caricatures
 * exaggerate its deviation from the mean pattern, add heavier noise, and a fraction of them carry
 * a wrong identity (label noise), so caricature identification is the harder task. */
typedef struct
{
  int    identities;
  int    photos_per_identity;
  int    caricatures_per_identity;
  int    size;                /* image side, ≥ 75 for the network */
  double photo_noise;         /* pixel noise σ of photos */
  double caricature_noise;    /* pixel noise σ of caricatures */
  double caricature_label_noise; /* fraction of caricatures with a random identity */
  int    validation_per_identity; /* images of each modality held out for validation */
  guint64 seed;
} CariToyConfig;

void            cari_toy_config_init (CariToyConfig *cfg);
CariDataSource *cari_toy_source_new (const CariToyConfig *cfg, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariDataSource, cari_data_source_free)

G_END_DECLS
