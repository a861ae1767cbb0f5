/* views.h — the embedding views of the paper's Fig. 2: the `visual` branch on photos (V2V) and
 * on caricatures (V2C), the `cari` branch on caricatures (C2C) and on photos (C2V), each laid
 * out in 2-D by t-SNE (perplexity 50, PCA initialisation) and stored as layouts.
 */
#pragma once

#include "eval/evaluate.h"
#include "eval/tsne.h"

G_BEGIN_DECLS

typedef enum
{
  CARI_VIEW_V2V,
  CARI_VIEW_V2C,
  CARI_VIEW_C2C,
  CARI_VIEW_C2V,
  CARI_N_VIEWS,
} CariView;

/* "V2V", "V2C", "C2C", "C2V". */
const char *cari_view_to_string (CariView view);
/* The branch and the modality of a view. */
CariTask    cari_view_task (CariView view);
CariModality cari_view_modality (CariView view);

/* The images the views show: those the run never trained on — the protocol fold's test images
 * and the validation role — of the `top` identities that have the most of them (the paper: 50),
 * in index order. Newly allocated; *n receives the count. */
int *cari_views_pick_images (const CariDatasetIndex *index, const CariDataSource *source,
                             const char *protocol, int fold, int top, int *n);

typedef struct
{
  int    n;
  int   *images; /* [n] data-set indices */
  float *xy;     /* [n, 2] */
  double kl;     /* KL(P‖Q) of the layout */
} CariViewLayout;

void     cari_view_layout_clear (CariViewLayout *layout);

/* One view of `images` (those of the view's modality are used): the branch's embeddings, then
 * t-SNE with `params`. `cancel` as in cari_tsne_run. */
gboolean cari_evaluator_view_layout (CariEvaluator *ev, CariView view, const int *images, int n,
                                     const CariTsneParams *params, CariTsneProgress progress,
                                     gpointer user_data, const gint *cancel,
                                     CariViewLayout *out, GError **error);

G_END_DECLS
