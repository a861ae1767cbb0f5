/* folder.h — importing a plain folder of identities into a CariDatasetIndex.
 *
 * Layout: <root>/<identity>/photo/<images> and <root>/<identity>/caricature/<images> (the folders
 * may also be called photos/ and caricatures/, in any case). Image files (.jpg, .png, …) are not
 * decoded, only checked to be non-empty; Thumbs.db and hidden files are ignored; anything else
 * is skipped with a warning, as is an identity without images, and an identity with images of
 * one modality only is kept with a warning.
 *
 * Such a folder has no protocols: the index holds no protocol rows, and every image belongs to
 * the train role of fold 0.
 */
#pragma once

#include "data/index.h"

G_BEGIN_DECLS

/* The index of the folder `root`, named after the folder, kind "folder", with its fingerprint.
 * NULL with `error` set (CARI_ERROR_IO) when `root` is missing, unreadable or holds no images. */
CariDatasetIndex *cari_folder_import (const char *root, GError **error);
/* The same, every image decoded and the bad ones skipped (cari_dataset_index_check_images) with
 * `progress` (may be NULL) called as it goes. cari_folder_import is this without progress. */
CariDatasetIndex *
cari_folder_import_with_progress (const char *root, CariImportProgress progress, gpointer user_data,
                                  GError **error);

G_END_DECLS
