/* lab-datasets-page.h — the Data Sets page: the store's data sets (SynCari first, with a button
 * to generate it), importing WebCaricature, CaVI or a folder with the importer's warnings
 * listed afterwards, and deleting a data set.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lab-runner.h"
#include "lab-store-gateway.h"

G_BEGIN_DECLS

#define LAB_TYPE_DATASETS_PAGE (lab_datasets_page_get_type ())
G_DECLARE_FINAL_TYPE (LabDatasetsPage, lab_datasets_page, LAB, DATASETS_PAGE, AdwBin)

/* The data sets of the store `gateway` reaches; `runner` generates SynCari. */
GtkWidget *lab_datasets_page_new (LabStoreGateway *gateway, LabRunner *runner);
/* Reads the list again (off the main thread); "loading" is TRUE meanwhile. */
void       lab_datasets_page_refresh (LabDatasetsPage *self);
/* Imports `folder` as a data set of `kind` ("webcari", "cavi" or "folder") named `name`, off
 * the main thread ("importing" is TRUE meanwhile), then shows how it went and the importer's
 * warnings. What the Add Data Set dialog does. */
void       lab_datasets_page_import (LabDatasetsPage *self, const char *kind, GFile *folder,
                                     const char *name);

G_END_DECLS
