/* evaluate.h — a trained network on a protocol fold of a data set: the paper's Tables 2–5.
 *
 * Which embedding serves which protocol (ARCHITECTURE.md):
 * - verification (webcari.restricted, webcari.unrestricted, cavi.pairs): the `verif` branch's
 *   L2-normalised embedding (a single-task model's own branch; none for a net of several
 *   branches without `verif`, whose results then hold Table 2's columns only); cosine similarity (or, as an option, the negated squared Euclidean
 *   distance, so that higher is always more similar); the fold's test pairs split into 10
 *   stratified folds from a seed for threshold selection (verification.h);
 * - identification (webcari.c2p, webcari.p2c): nearest gallery identity by the same embedding,
 *   rank-k and the CMC curve (identification.h);
 * - Table 2's closed-set columns: argmax of the `cari` classifier on caricatures (cari-id) and of
 *   `visual` on photos (visual-id), and the cross-modal V2C (`visual` on caricatures) and C2V
 *   (`cari` on photos). The classifiers know the run's training identities only: on a closed-set
 *   protocol (CaVI) they are measured on the fold's test images; on an open-set one
 *   (WebCaricature's and SynCari's, whose test subjects are unseen) on the validation role.
 *
 * An evaluation on a protocol fold whose test images the run trained on (another fold, another
 * protocol) is allowed but counted: `leaked` is the number of test images the run's training
 * role contains (closed set) or whose identity it contains (open set).
 */
#pragma once

#include "data/index.h"
#include "data/source.h"
#include "eval/result.h"
#include "eval/verification.h"
#include "nn/net.h"

#include <gio/gio.h>
#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CARI_SCORE_COSINE,
  CARI_SCORE_NEG_SQUARED_EUCLIDEAN,
} CariScoreKind;

const char *cari_score_kind_to_string (CariScoreKind kind);
gboolean    cari_score_kind_from_string (const char *name, CariScoreKind *kind, GError **error);

typedef struct
{
  CariScoreKind score;
  int     n_folds;     /* threshold-selection folds (10) */
  guint64 seed;        /* for the stratified folds */
  int     chunk;       /* images loaded and run at once (256) */
} CariEvalOptions;

void cari_eval_options_init (CariEvalOptions *options);

/* Progress: a fraction of the current protocol's images, and what is being done. Return FALSE
 * to cancel (the evaluation then fails with CARI_ERROR_CANCELLED). */
typedef gboolean (*CariEvalProgress) (double fraction, const char *what, gpointer user_data);

typedef struct _CariEvaluator CariEvaluator;

/* `net` (borrowed) is a trained network whose classifiers were built over `source`'s training
 * identities; `source` (borrowed) is the run's loader over `index` (borrowed): its roles say what
 * the run trained on, and it loads the images. Embeddings are computed once per image and task,
 * then reused across protocols. */
CariEvaluator  *cari_evaluator_new (CariNet *net, CariDataSource *source,
                                    const CariDatasetIndex *index, const CariEvalOptions *options);
void            cari_evaluator_free (CariEvaluator *ev);
void            cari_evaluator_set_progress (CariEvaluator *ev, CariEvalProgress progress,
                                             gpointer user_data);

/* Evaluate one protocol fold. Errors name the protocol or fold that does not exist in the data
 * set, a branch the network lacks, and image or I/O failures. */
CariEvalResult *cari_evaluator_run (CariEvaluator *ev, const char *protocol, int fold,
                                    GError **error);

const CariDatasetIndex *cari_evaluator_get_index (CariEvaluator *ev);

/* The folds the data set has for `protocol`, sorted (0 is the development view). */
GArray         *cari_protocol_folds (const CariDatasetIndex *index, const char *protocol);

/* L2-normalised embeddings [n, E] of images `images` by the branch of `task` (computed once and
 * kept); the array belongs to the caller. *dim receives E. */
float          *cari_evaluator_embeddings (CariEvaluator *ev, CariTask task, const int *images,
                                           int n, int *dim, GError **error);

/* False positives (impostor pairs scored ≥ threshold) and false negatives (genuine pairs
 * scored < threshold), each sorted by margin |score − threshold|, largest first; the arrays hold
 * indices into `pairs`. */
void cari_error_pairs (const CariPairScore *pairs, int n, double threshold, GArray **false_pos,
                       GArray **false_neg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariEvaluator, cari_evaluator_free)

G_END_DECLS
