/* lab-run-list.h — the runs of a store as a GListModel of LabRunItem, refreshed on the store
 * gateway's poll lane so the main thread never waits on SQL. Each run's configuration is parsed
 * once (LabRunSummary) and again only when its text changes.
 *
 * A refresh updates the items in place (same objects, properties notified), inserts new runs and
 * removes deleted ones, so views keep their selection and scroll position.
 */
#pragma once

#include <gio/gio.h>

#include "cari.h"

#include "lab-run-summary.h"
#include "lab-store-gateway.h"

G_BEGIN_DECLS

#define LAB_TYPE_RUN_ITEM (lab_run_item_get_type ())
G_DECLARE_FINAL_TYPE (LabRunItem, lab_run_item, LAB, RUN_ITEM, GObject)

gint64       lab_run_item_get_id (LabRunItem *self);
const char  *lab_run_item_get_name (LabRunItem *self);
const char  *lab_run_item_get_dataset (LabRunItem *self);
/* proposed, naive, static, single or uniform */
const char  *lab_run_item_get_strategy (LabRunItem *self);
CariRunStatus lab_run_item_get_status (LabRunItem *self);
/* Translated status for display. */
const char  *lab_run_item_get_status_label (LabRunItem *self);
gint64       lab_run_item_get_step (LabRunItem *self);      /* −1 before the first */
gint64       lab_run_item_get_steps (LabRunItem *self);     /* configured */
/* The step of its latest checkpoint, −1 when it has none. */
gint64       lab_run_item_get_checkpoint (LabRunItem *self);
/* Latest value of a metric key (loss/cari, weight/verif, …), NaN when none. */
double       lab_run_item_get_metric (LabRunItem *self, const char *key);
double       lab_run_item_get_created (LabRunItem *self);   /* unix seconds */
double       lab_run_item_get_started (LabRunItem *self);   /* 0 when not started */
/* Seconds from start to finish (or to the last heartbeat while running), 0 when none. */
double       lab_run_item_get_duration (LabRunItem *self);
const char  *lab_run_item_get_config (LabRunItem *self);
/* The parsed configuration (the same object from refresh to refresh while the text is). */
LabRunSummary *lab_run_item_get_summary (LabRunItem *self);
const char  *lab_run_item_get_message (LabRunItem *self);
gint64       lab_run_item_get_parent (LabRunItem *self);
int          lab_run_item_get_fold (LabRunItem *self);
const char  *lab_run_item_get_protocol (LabRunItem *self);

#define LAB_TYPE_RUN_LIST (lab_run_list_get_type ())
G_DECLARE_FINAL_TYPE (LabRunList, lab_run_list, LAB, RUN_LIST, GObject)

LabRunList  *lab_run_list_new (LabStoreGateway *gateway);
LabStoreGateway *lab_run_list_get_gateway (LabRunList *self);
/* Starts a refresh unless one is in flight; "refreshed" is emitted when it is applied. */
void         lab_run_list_refresh (LabRunList *self);
/* Refreshes every `ms` milliseconds (0: stop). */
void         lab_run_list_set_auto_refresh (LabRunList *self, guint ms);
LabRunItem  *lab_run_list_find (LabRunList *self, gint64 id);
/* The last refresh's error message, or NULL. */
const char  *lab_run_list_get_error (LabRunList *self);

G_END_DECLS
