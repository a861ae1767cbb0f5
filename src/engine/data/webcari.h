/* webcari.h — importing WebCaricature (docs: REFERENCE.md §5) into a CariDatasetIndex.
 *
 * Images: OriginalImages/<Name>/C*.jpg (caricatures) and P*.jpg (photos); they are not decoded,
 * only checked to exist and be non-empty. Landmarks: FacialPoints/<Name>/<Id>.txt, 17 "x y"
 * lines. Filenames/<Name>/file_c.txt and file_p.txt, when present, are checked against the
 * images. Protocols, under EvaluationProtocols/ (or Evaluation/ in some copies):
 *
 * - "webcari.restricted" (FaceVerification/Restricted): fold 0 is View1, DevTrain pairs with role
 *   train and DevTest pairs with role test; folds 1..10 are RestrictedView2's ten folds, every
 *   pair with role test. The training pairs of fold k are the pairs of the nine other folds:
 *   they are stored once, under their own fold, not copied into every fold; a reader takes the
 *   train role of fold k as the union of the test roles of the other folds.
 * - "webcari.unrestricted" (FaceVerification/UnRestricted): subject lists, the same way: fold 0
 *   train (DevTrain) and test (DevTest); folds 1..10 test (UnRestrictedView2, with or without a
 *   leading fold-count line); the train role of fold k is the union of the other folds. All pairs
 *   of a fold's subjects are its pairs (a reader forms them).
 * - "webcari.c2p" and "webcari.p2c" (FaceIdentification): the training subjects of fold k
 *   (FR_Train_dev.txt for fold 0, FR_Train<k>.txt) as subjects with role train, under both
 *   protocols; the gallery and probe images of fold k as protocol images with role test and set
 *   "gallery" or "probe" (C2P: gallery photos, caricature probes; P2C the reverse).
 *
 * Files are read tolerantly: tabs or spaces, CR LF, names with spaces, image ids with or without
 * ".jpg", folder and file names in any case. A missing protocol file is a warning (that fold is
 * not imported); a missing root, OriginalImages or protocol folder, or a protocol file whose
 * count lines do not add up, is an error naming the file and line.
 */
#pragma once

#include "data/index.h"

G_BEGIN_DECLS

/* The index of the WebCaricature copy at `root`, named "webcari", kind "webcari", with its
 * fingerprint. NULL with `error` set (CARI_ERROR_IO: a folder is missing or unreadable;
 * CARI_ERROR_CORRUPT: a malformed protocol file) when it cannot be imported. */
CariDatasetIndex *cari_webcari_import (const char *root, GError **error);
/* The same, every image decoded and the bad ones skipped (cari_dataset_index_check_images) with
 * `progress` (may be NULL) called as it goes. cari_webcari_import is this without progress. */
CariDatasetIndex *
cari_webcari_import_with_progress (const char *root, CariImportProgress progress,
                                   gpointer user_data, GError **error);

G_END_DECLS
