/* launch-private.h — what the launch layer's files share. */
#pragma once

#include "launch/launch.h"

G_BEGIN_DECLS

/* The data set a configuration names ("syncari" when none). */
const char *cari_launch_dataset_name (const CariRunConfig *cfg);
/* The run's data set row once the data set is prepared (its source exists): the imported one,
 * or a row of its own for the toy set. 0 on error. */
gint64      cari_launch_dataset_row (CariStore *store, const CariRunConfig *cfg, GError **error);

/* Removes a database file and the files SQLite keeps beside it (-wal, -shm, -journal). */
void        cari_launch_remove_store_files (const char *path);

G_END_DECLS
