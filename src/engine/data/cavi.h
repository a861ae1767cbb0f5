/* cavi.h — importing CaVI (docs: REFERENCE.md §6) into a CariDatasetIndex.
 *
 * `root` is the dataset folder (CaVI_Dataset or CaVINet_Dataset: the one holding Caricature/ and
 * Real/) or the folder above it; the index's root is the dataset folder. Images:
 * Caricature/<Identity>/<Identity>_c_<k>.jpg and Real/<identity>/<identity>_r_<k>.jpg, not
 * decoded, only checked to exist and be non-empty; Thumbs.db and hidden files are ignored.
 * Identities are matched between the two modalities ignoring case and named as
 * train-test-files/complete_identity_list.txt spells them (else as the caricature folder does);
 * an identity with images of one modality only is kept, with a warning.
 *
 * Protocol "cavi.pairs", fold 1: the pairs of train-test-files/training_11.txt and
 * training_12.txt (role train), validation.txt (role validation) and testing_1.txt (role test),
 * lines `<id_c> Caricature/<dir>\<file>.jpg <id_r> Real/<dir>\<file>.jpg <1|0>`, the caricature
 * as the pair's first image. Paths are resolved ignoring case, '\' read as '/'; a path that
 * would leave the dataset folder (absolute, or with "..") is an error naming the file and line;
 * a line naming an image that is not there is skipped with a warning. train-test-files/ may lie
 * in the dataset folder or beside it.
 */
#pragma once

#include "data/index.h"

G_BEGIN_DECLS

/* The index of the CaVI copy at `root`, named "cavi", kind "cavi", with its fingerprint. NULL
 * with `error` set (CARI_ERROR_IO: a folder is missing or unreadable; CARI_ERROR_CORRUPT: a path
 * leaving the dataset folder) when it cannot be imported. */
CariDatasetIndex *cari_cavi_import (const char *root, GError **error);
/* The same, every image decoded and the bad ones skipped (cari_dataset_index_check_images) with
 * `progress` (may be NULL) called as it goes. cari_cavi_import is this without progress. */
CariDatasetIndex *
cari_cavi_import_with_progress (const char *root, CariImportProgress progress, gpointer user_data,
                                GError **error);

G_END_DECLS
