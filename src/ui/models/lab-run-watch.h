/* lab-run-watch.h — new metric rows of one run as they reach the store, whoever writes them (the
 * workbench's trainer thread or `carilab-cli train` in another process). Polls on the store
 * gateway's poll lane (its long-lived read-only connection); one poll in flight at a time.
 */
#pragma once

#include <gio/gio.h>

#include "cari.h"

#include "lab-store-gateway.h"

G_BEGIN_DECLS

#define LAB_TYPE_RUN_WATCH (lab_run_watch_get_type ())
G_DECLARE_FINAL_TYPE (LabRunWatch, lab_run_watch, LAB, RUN_WATCH, GObject)

/* Emits "rows" (GArray of CariMetricRow, ordered by rowid; borrowed for the handler) with
 * everything already recorded, then what is new every `interval_ms`. "reset" (with the first
 * step that was deleted) is emitted when rows the watch handed out were deleted (a run resumed
 * from an earlier checkpoint writes them again): the handler drops everything it has, and the
 * next "rows" starts from the beginning again. */
LabRunWatch *lab_run_watch_new (LabStoreGateway *gateway, gint64 run, guint interval_ms);
gint64       lab_run_watch_get_run (LabRunWatch *self);
/* Polls now (unless a poll is in flight). */
void         lab_run_watch_poll (LabRunWatch *self);
/* Rows handed out so far. */
guint64      lab_run_watch_get_n_rows (LabRunWatch *self);

G_END_DECLS
