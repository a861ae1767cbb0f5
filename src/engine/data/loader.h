/* loader.h — a data source over an imported data set: roles from a protocol fold, images
 * decoded and preprocessed by a background prefetch thread into a bounded cache.
 *
 * Roles: the fold's test images (its test pairs, test image lists and test subjects) are never
 * drawn. On WebCaricature's protocols (open set: test subjects are not training subjects) every
 * image of a test identity is kept out of training; on CaVI (closed set: unseen images of the same
 * identities) only the test images are. From each remaining identity a share of each modality's
 * images becomes the validation role (periodic evaluation), the rest the training role. The
 * classifiers' identities are the training identities, numbered densely; other images have
 * identity −1.
 *
 * A data set without any protocol (a plain folder) has no test role.
 *
 * The trainer tells the loader its next batch while it computes the current one
 * (cari_data_source_prefetch); the prefetch threads decode it meanwhile, so a batch is usually
 * ready when asked for. Decoded images stay in a cache bounded in bytes (least recently used
 * out).
 */
#pragma once

#include "data/index.h"
#include "data/source.h"

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int     size;                /* network input side */
  gboolean landmark_crop;      /* the authors' landmark face crop before resizing */
  double  validation_fraction; /* of each training identity's images per modality */
  gsize   cache_bytes;         /* 0: 512 MiB */
  guint64 seed;                /* for the validation split */
  int     threads;             /* prefetch threads (default 2): decoding overlaps training */
} CariLoaderConfig;

void            cari_loader_config_init (CariLoaderConfig *cfg, int size);
CariDataSource *cari_loader_new (const CariDatasetIndex *index, const char *protocol, int fold,
                                 const CariLoaderConfig *cfg, GError **error);

typedef struct
{
  guint64 decoded;      /* images decoded and preprocessed */
  guint64 hits, misses; /* load requests found ready / decoded on demand */
  double  decode_seconds;
} CariLoaderStats;

void cari_loader_get_stats (CariDataSource *loader, CariLoaderStats *stats);

G_END_DECLS
