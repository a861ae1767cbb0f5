/* syncari.h — SynCari, the embedded caricature–visual data set, drawn with Cairo.
 *
 * Every identity is a vector of facial shape parameters (head and jaw, eyes, brows, nose, mouth,
 * ears, hairline and hair volume) plus discrete traits (hair style and colour, skin tone, eye
 * colour, glasses, beard). Photos render it with the variation photos have: pose, expression,
 * scale, lighting, background, blur, noise and JPEG compression. Caricatures exaggerate the
 * identity's deviation from the mean face by a per-drawing factor, as caricaturists do, in one of
 * three styles (line art, flat colour with outlines, pencil sketch with hatching) with a smooth
 * non-rigid warp; the style varies within an identity.
 *
 * The set is written in WebCaricature's layout (OriginalImages, FacialPoints with the 17
 * landmarks in WebCaricature's order, Filenames, EvaluationProtocols with the restricted and
 * unrestricted verification views and the C2P/P2C identification folds), so it goes through the
 * importer real data uses. A separate photo-only identity set for pretraining is written in the
 * generic folder layout (<identity>/photo/NNNNN.jpg). Deterministic for a seed.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int     identities;               /* ≥ 20 for the 10 folds (2 per fold at least) */
  int     photos_per_identity;
  int     caricatures_per_identity;
  int     size;                     /* stored image side in pixels */
  int     pretrain_identities;      /* photo-only identities for pretraining (0: none) */
  int     pretrain_photos;
  int     pairs_per_fold;           /* matched pairs per verification fold (as many mismatched) */
  guint64 seed;
} CariSynCariConfig;

/* ≥ 200 identities × (10 photos + 10 caricatures) at 128 px, 200 pretraining identities, 1000
 * matched and 1000 mismatched pairs per fold. */
void     cari_syncari_config_init (CariSynCariConfig *cfg);
/* A few identities at 64 px, for tests. */
void     cari_syncari_config_init_tiny (CariSynCariConfig *cfg);

/* Called now and then with the fraction done; return FALSE to cancel. */
typedef gboolean (*CariSynCariProgress) (double fraction, gpointer user_data);

/* Write the set under `root` (created) and, when pretrain_root is not NULL and the config asks
 * for it, the pretraining set under `pretrain_root`. */
gboolean cari_syncari_generate (const CariSynCariConfig *cfg, const char *root,
                                const char *pretrain_root, CariSynCariProgress progress,
                                gpointer user_data, GError **error);

/* A PNG grid: for each of the first `identities` identities, a row of `per_modality` photos then
 * as many caricatures, rendered exactly as the generator does. */
gboolean cari_syncari_contact_sheet (const CariSynCariConfig *cfg, int identities,
                                     int per_modality, const char *png_path, GError **error);

/* The identity's name in the set: "Person 001", … */
char    *cari_syncari_identity_name (int identity);

G_END_DECLS
