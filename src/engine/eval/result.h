/* result.h — what an evaluation produces, as plain values: the protocol kinds, named figures,
 * scored pairs and the CMC curve. GLib only, so that the run store (which saves and loads these)
 * and the UI can use them without the network's API; evaluate.h computes them.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CARI_PROTOCOL_VERIFICATION,
  CARI_PROTOCOL_IDENTIFICATION,
} CariProtocolKind;

/* The canonical protocol names, in the order tables and evaluations list them:
 * webcari.restricted, webcari.unrestricted, webcari.c2p, webcari.p2c, cavi.pairs. */
#define CARI_N_PROTOCOLS 5
extern const char *const cari_protocol_names[CARI_N_PROTOCOLS];

/* FALSE for a name that is not canonical. */
gboolean cari_protocol_kind (const char *protocol, CariProtocolKind *kind);
/* WebCaricature's (and SynCari's) protocols are open-set; CaVI's closed-set. */
gboolean cari_protocol_is_open_set (const char *protocol);

/* One named figure; std < 0 when it is not a mean over folds. */
typedef struct
{
  char   name[32];
  double value;
  double std;
} CariEvalMetric;

/* One scored verification pair. a and b index the data set's images. */
typedef struct
{
  int    a, b;
  float  score;  /* higher = more similar */
  guint8 same;
  guint8 fold;   /* threshold-selection fold, 0 … n_folds − 1 */
} CariPairScore;

typedef struct
{
  char   *protocol;
  int     fold;
  CariProtocolKind kind;
  GArray *metrics; /* of CariEvalMetric */
  GArray *pairs;   /* of CariPairScore; empty for identification */
  GArray *cmc;     /* of double: rank-k accuracy for k = 1 …; empty for verification */
  double  threshold; /* the operating threshold (mean of the folds' accuracy thresholds) */
  int     leaked;
} CariEvalResult;

void            cari_eval_result_free (CariEvalResult *result);
/* The metric named `name`, or NULL. */
const CariEvalMetric *cari_eval_result_get (const CariEvalResult *result, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariEvalResult, cari_eval_result_free)

G_END_DECLS
