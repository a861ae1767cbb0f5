/* lab-run-list.c — the store's runs as a list model, refreshed on the store gateway's poll lane.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "lab-run-list.h"

/* ------------------------------------------------------------------------------ LabRunItem */

static const char *const metric_keys[] = {
  CARI_METRIC_LOSS_VERIF, CARI_METRIC_LOSS_CARI, CARI_METRIC_LOSS_VISUAL, CARI_METRIC_LOSS_L4,
  CARI_METRIC_LOSS_TOTAL, CARI_METRIC_WEIGHT_VERIF, CARI_METRIC_WEIGHT_CARI,
  CARI_METRIC_WEIGHT_VISUAL, CARI_METRIC_IMAGES_PER_S,
};
#define N_METRICS G_N_ELEMENTS (metric_keys)

/* A snapshot of one run, as the worker reads it. */
typedef struct
{
  gint64 id, parent, step;
  gint64 checkpoint; /* the latest checkpoint's step, −1 when none */
  char *name, *message;
  LabRunSummary *summary; /* shared with the next snapshot while the configuration is the same */
  CariRunStatus status;
  double created, started, duration;
  double metrics[N_METRICS];
} RunRow;

static void
run_row_free (RunRow *row)
{
  if (row == NULL)
    return;
  g_free (row->name);
  g_free (row->message);
  g_clear_pointer (&row->summary, lab_run_summary_unref);
  g_free (row);
}

struct _LabRunItem
{
  GObject parent_instance;
  RunRow *row; /* owned */
};

G_DEFINE_FINAL_TYPE (LabRunItem, lab_run_item, G_TYPE_OBJECT)

enum
{
  ITEM_PROP_0,
  ITEM_PROP_ID,
  ITEM_PROP_NAME,
  ITEM_PROP_DATASET,
  ITEM_PROP_STRATEGY,
  ITEM_PROP_STATUS,
  ITEM_PROP_STATUS_LABEL,
  ITEM_PROP_STEP,
  ITEM_PROP_STEPS,
  ITEM_PROP_CHECKPOINT,
  ITEM_PROP_CREATED,
  ITEM_PROP_STARTED,
  ITEM_PROP_DURATION,
  ITEM_PROP_LOSS_VERIF,
  ITEM_PROP_LOSS_CARI,
  ITEM_PROP_LOSS_VISUAL,
  ITEM_PROP_WEIGHT_VERIF,
  ITEM_PROP_WEIGHT_CARI,
  ITEM_PROP_WEIGHT_VISUAL,
  N_ITEM_PROPS
};

static GParamSpec *item_props[N_ITEM_PROPS];

/* The metric_keys index behind each metric property. */
static const guint metric_of_prop[N_ITEM_PROPS] = {
  [ITEM_PROP_LOSS_VERIF] = 0,   [ITEM_PROP_LOSS_CARI] = 1,   [ITEM_PROP_LOSS_VISUAL] = 2,
  [ITEM_PROP_WEIGHT_VERIF] = 5, [ITEM_PROP_WEIGHT_CARI] = 6, [ITEM_PROP_WEIGHT_VISUAL] = 7,
};

static void
lab_run_item_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  LabRunItem *self = LAB_RUN_ITEM (object);
  switch (id)
    {
    case ITEM_PROP_ID:
      g_value_set_int64 (value, self->row->id);
      break;
    case ITEM_PROP_NAME:
      g_value_set_string (value, self->row->name);
      break;
    case ITEM_PROP_DATASET:
      g_value_set_string (value, self->row->summary->dataset);
      break;
    case ITEM_PROP_STRATEGY:
      g_value_set_string (value, self->row->summary->strategy);
      break;
    case ITEM_PROP_STATUS:
      g_value_set_int (value, self->row->status);
      break;
    case ITEM_PROP_STATUS_LABEL:
      g_value_set_string (value, lab_run_item_get_status_label (self));
      break;
    case ITEM_PROP_STEP:
      g_value_set_int64 (value, self->row->step);
      break;
    case ITEM_PROP_STEPS:
      g_value_set_int64 (value, self->row->summary->steps);
      break;
    case ITEM_PROP_CHECKPOINT:
      g_value_set_int64 (value, self->row->checkpoint);
      break;
    case ITEM_PROP_CREATED:
      g_value_set_double (value, self->row->created);
      break;
    case ITEM_PROP_STARTED:
      g_value_set_double (value, self->row->started);
      break;
    case ITEM_PROP_DURATION:
      g_value_set_double (value, self->row->duration);
      break;
    case ITEM_PROP_LOSS_VERIF:
    case ITEM_PROP_LOSS_CARI:
    case ITEM_PROP_LOSS_VISUAL:
    case ITEM_PROP_WEIGHT_VERIF:
    case ITEM_PROP_WEIGHT_CARI:
    case ITEM_PROP_WEIGHT_VISUAL:
      g_value_set_double (value, self->row->metrics[metric_of_prop[id]]);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
lab_run_item_finalize (GObject *object)
{
  g_clear_pointer (&LAB_RUN_ITEM (object)->row, run_row_free);
  G_OBJECT_CLASS (lab_run_item_parent_class)->finalize (object);
}

static void
lab_run_item_class_init (LabRunItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = lab_run_item_get_property;
  object_class->finalize = lab_run_item_finalize;

  item_props[ITEM_PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  item_props[ITEM_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  item_props[ITEM_PROP_DATASET] = g_param_spec_string ("dataset", NULL, NULL, NULL, flags);
  item_props[ITEM_PROP_STRATEGY] = g_param_spec_string ("strategy", NULL, NULL, NULL, flags);
  /* A CariRunStatus: sorts by how far a run got, where status-label sorts by its name. */
  item_props[ITEM_PROP_STATUS] = g_param_spec_int ("status", NULL, NULL, 0, G_MAXINT, 0, flags);
  item_props[ITEM_PROP_STATUS_LABEL] = g_param_spec_string ("status-label", NULL, NULL, NULL,
                                                            flags);
  item_props[ITEM_PROP_STEP] = g_param_spec_int64 ("step", NULL, NULL, -1, G_MAXINT64, -1, flags);
  item_props[ITEM_PROP_STEPS] = g_param_spec_int64 ("steps", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /* What Export Model… and init.from can take: −1 when the run has no checkpoint. */
  item_props[ITEM_PROP_CHECKPOINT] = g_param_spec_int64 ("checkpoint", NULL, NULL, -1,
                                                         G_MAXINT64, -1, flags);
  item_props[ITEM_PROP_CREATED] = g_param_spec_double ("created", NULL, NULL, 0, G_MAXDOUBLE, 0,
                                                       flags);
  item_props[ITEM_PROP_STARTED] = g_param_spec_double ("started", NULL, NULL, 0, G_MAXDOUBLE, 0,
                                                       flags);
  item_props[ITEM_PROP_DURATION] = g_param_spec_double ("duration", NULL, NULL, 0, G_MAXDOUBLE,
                                                        0, flags);
  /* The latest value of loss/<task> and weight/<task>; NaN before the first. */
  static const char *const metric_props[] = { "loss-verif", "loss-cari", "loss-visual",
                                              "weight-verif", "weight-cari", "weight-visual" };
  for (guint i = 0; i < G_N_ELEMENTS (metric_props); i++)
    item_props[ITEM_PROP_LOSS_VERIF + i] = g_param_spec_double (metric_props[i], NULL, NULL,
                                                                -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                                                                flags);
  g_object_class_install_properties (object_class, N_ITEM_PROPS, item_props);
}

static void
lab_run_item_init (LabRunItem *self)
{
}

static LabRunItem *
lab_run_item_new (RunRow *row)
{
  LabRunItem *self = g_object_new (LAB_TYPE_RUN_ITEM, NULL);
  self->row = row;
  return self;
}

static gboolean
same_double (double a, double b)
{
  return a == b || (isnan (a) && isnan (b));
}

/* Takes `row`; notifies the properties that changed. */
static void
lab_run_item_update (LabRunItem *self, RunRow *row)
{
  RunRow *old = self->row;
  self->row = row;
  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (old->name, row->name) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), item_props[ITEM_PROP_NAME]);
  if (g_strcmp0 (old->summary->dataset, row->summary->dataset) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), item_props[ITEM_PROP_DATASET]);
  if (g_strcmp0 (old->summary->strategy, row->summary->strategy) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), item_props[ITEM_PROP_STRATEGY]);
  if (old->status != row->status)
    {
      g_object_notify_by_pspec (G_OBJECT (self), item_props[ITEM_PROP_STATUS]);
      g_object_notify_by_pspec (G_OBJECT (self), item_props[ITEM_PROP_STATUS_LABEL]);
    }
  if (old->step != row->step)
    g_object_notify_by_pspec (G_OBJECT (self), item_props[ITEM_PROP_STEP]);
  if (old->summary->steps != row->summary->steps)
    g_object_notify_by_pspec (G_OBJECT (self), item_props[ITEM_PROP_STEPS]);
  if (old->checkpoint != row->checkpoint)
    g_object_notify_by_pspec (G_OBJECT (self), item_props[ITEM_PROP_CHECKPOINT]);
  if (old->started != row->started)
    g_object_notify_by_pspec (G_OBJECT (self), item_props[ITEM_PROP_STARTED]);
  if (old->duration != row->duration)
    g_object_notify_by_pspec (G_OBJECT (self), item_props[ITEM_PROP_DURATION]);
  for (guint p = ITEM_PROP_LOSS_VERIF; p <= ITEM_PROP_WEIGHT_VISUAL; p++)
    if (!same_double (old->metrics[metric_of_prop[p]], row->metrics[metric_of_prop[p]]))
      g_object_notify_by_pspec (G_OBJECT (self), item_props[p]);
  g_object_thaw_notify (G_OBJECT (self));
  run_row_free (old);
}

gint64
lab_run_item_get_id (LabRunItem *self)
{
  return self->row->id;
}

const char *
lab_run_item_get_name (LabRunItem *self)
{
  return self->row->name;
}

const char *
lab_run_item_get_dataset (LabRunItem *self)
{
  return self->row->summary->dataset;
}

const char *
lab_run_item_get_strategy (LabRunItem *self)
{
  return self->row->summary->strategy;
}

CariRunStatus
lab_run_item_get_status (LabRunItem *self)
{
  return self->row->status;
}

const char *
lab_run_item_get_status_label (LabRunItem *self)
{
  switch (self->row->status)
    {
    case CARI_RUN_QUEUED:
      return C_("run status", "Queued");
    case CARI_RUN_RUNNING:
      return C_("run status", "Running");
    case CARI_RUN_PAUSED:
      return C_("run status", "Paused");
    case CARI_RUN_FINISHED:
      return C_("run status", "Finished");
    case CARI_RUN_FAILED:
      return C_("run status", "Failed");
    case CARI_RUN_DIVERGED:
      return C_("run status", "Diverged");
    case CARI_RUN_CANCELLED:
      return C_("run status", "Stopped");
    case CARI_RUN_INTERRUPTED:
      return C_("run status", "Interrupted");
    case CARI_RUN_IMPORTED:
      return C_("run status", "Imported");
    default:
      return "";
    }
}

gint64
lab_run_item_get_step (LabRunItem *self)
{
  return self->row->step;
}

gint64
lab_run_item_get_steps (LabRunItem *self)
{
  return self->row->summary->steps;
}

gint64
lab_run_item_get_checkpoint (LabRunItem *self)
{
  return self->row->checkpoint;
}

double
lab_run_item_get_metric (LabRunItem *self, const char *key)
{
  for (guint k = 0; k < N_METRICS; k++)
    if (g_strcmp0 (metric_keys[k], key) == 0)
      return self->row->metrics[k];
  return NAN;
}

double
lab_run_item_get_created (LabRunItem *self)
{
  return self->row->created;
}

double
lab_run_item_get_started (LabRunItem *self)
{
  return self->row->started;
}

double
lab_run_item_get_duration (LabRunItem *self)
{
  return self->row->duration;
}

const char *
lab_run_item_get_config (LabRunItem *self)
{
  return self->row->summary->config;
}

LabRunSummary *
lab_run_item_get_summary (LabRunItem *self)
{
  return self->row->summary;
}

const char *
lab_run_item_get_message (LabRunItem *self)
{
  return self->row->message;
}

gint64
lab_run_item_get_parent (LabRunItem *self)
{
  return self->row->parent;
}

int
lab_run_item_get_fold (LabRunItem *self)
{
  return self->row->summary->fold;
}

const char *
lab_run_item_get_protocol (LabRunItem *self)
{
  return self->row->summary->protocol;
}

/* ------------------------------------------------------------------------------ LabRunList */

struct _LabRunList
{
  GObject parent_instance;

  LabStoreGateway *gateway; /* owned */
  GPtrArray *items;      /* of LabRunItem, owned */
  GCancellable *cancellable; /* owned: of the refresh in flight */
  gboolean refreshing;
  guint timer;
  char *error;           /* owned */
};

static void lab_run_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LabRunList, lab_run_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, lab_run_list_model_init))

enum
{
  SIGNAL_REFRESHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GType
lab_run_list_get_item_type (GListModel *model)
{
  return LAB_TYPE_RUN_ITEM;
}

static guint
lab_run_list_get_n_items (GListModel *model)
{
  return LAB_RUN_LIST (model)->items->len;
}

static gpointer
lab_run_list_get_item (GListModel *model, guint position)
{
  LabRunList *self = LAB_RUN_LIST (model);
  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
lab_run_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = lab_run_list_get_item_type;
  iface->get_n_items = lab_run_list_get_n_items;
  iface->get_item = lab_run_list_get_item;
}

/* What the items hold now, by run (a RunRow without its texts): the worker keeps the summaries
 * whose configuration is unchanged, and the latest metrics of the runs that have not moved. */
static GHashTable *
known_rows_of (LabRunList *self)
{
  GHashTable *known = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                             (GDestroyNotify) run_row_free);
  for (guint i = 0; i < self->items->len; i++)
    {
      const RunRow *row = LAB_RUN_ITEM (g_ptr_array_index (self->items, i))->row;
      RunRow *copy = g_new0 (RunRow, 1);
      copy->id = row->id;
      copy->step = row->step;
      copy->checkpoint = row->checkpoint;
      copy->status = row->status;
      copy->summary = lab_run_summary_ref (row->summary);
      memcpy (copy->metrics, row->metrics, sizeof row->metrics);
      g_hash_table_insert (known, &copy->id, copy);
    }
  return known;
}

/* Poll lane: every run with its latest metrics and checkpoint, ordered by id. They are read
 * again only for a run whose last step or status changed since the items were made: on a large
 * store the metrics' read goes through every row of the run, and most runs are finished. A run
 * writes its checkpoints at steps it also records metrics at, or as its status changes (stopped,
 * finished, imported). */
static void
read_runs (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  GHashTable *known_rows = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) infos = cari_store_list_runs (store, &error);
  if (infos == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) run_row_free);
  double now = (double) g_get_real_time () / 1e6;
  for (guint i = 0; i < infos->len; i++)
    {
      CariRunInfo *info = g_ptr_array_index (infos, i);
      const RunRow *known = g_hash_table_lookup (known_rows, &info->id);
      RunRow *row = g_new0 (RunRow, 1);
      row->id = info->id;
      row->parent = info->parent_run;
      row->step = info->last_step;
      row->name = g_strdup (info->name);
      row->message = g_strdup (info->message);
      row->status = info->status;
      row->created = info->created_at;
      row->started = info->started_at;
      if (info->started_at > 0)
        {
          double end = info->finished_at > 0                  ? info->finished_at
                       : info->status == CARI_RUN_RUNNING     ? now
                       : info->heartbeat > 0                  ? info->heartbeat
                                                              : info->started_at;
          row->duration = MAX (end - info->started_at, 0.0);
        }
      row->summary = lab_run_summary_update (known != NULL ? known->summary : NULL,
                                             info->config);
      if (known != NULL && known->step == row->step && known->status == row->status)
        {
          memcpy (row->metrics, known->metrics, sizeof row->metrics);
          row->checkpoint = known->checkpoint;
        }
      else
        {
          if (!cari_store_latest_checkpoint (store, info->id, -1, &row->checkpoint, NULL, NULL))
            row->checkpoint = -1;
          g_autoptr (GHashTable) latest = cari_store_latest_metrics (store, info->id, NULL);
          for (guint k = 0; k < N_METRICS; k++)
            {
              double *v = latest ? g_hash_table_lookup (latest, metric_keys[k]) : NULL;
              row->metrics[k] = v ? *v : NAN;
            }
        }
      g_ptr_array_add (rows, row);
    }
  g_task_return_pointer (task, rows, (GDestroyNotify) g_ptr_array_unref);
}

static void
apply_rows (LabRunList *self, GPtrArray *rows)
{
  /* Both lists are ordered by id: merge. */
  guint i = 0;
  for (guint r = 0; r < rows->len; r++)
    {
      RunRow *row = g_ptr_array_index (rows, r);
      g_ptr_array_index (rows, r) = NULL;
      guint removed_at = i, removed = 0;
      while (i < self->items->len
             && lab_run_item_get_id (g_ptr_array_index (self->items, i)) < row->id)
        {
          g_ptr_array_remove_index (self->items, i);
          removed++;
        }
      if (removed > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), removed_at, removed, 0);
      if (i < self->items->len && lab_run_item_get_id (g_ptr_array_index (self->items, i)) == row->id)
        lab_run_item_update (g_ptr_array_index (self->items, i), row);
      else
        {
          g_ptr_array_insert (self->items, (int) i, lab_run_item_new (row));
          g_list_model_items_changed (G_LIST_MODEL (self), i, 0, 1);
        }
      i++;
    }
  if (i < self->items->len)
    {
      guint removed = self->items->len - i;
      g_ptr_array_set_size (self->items, i);
      g_list_model_items_changed (G_LIST_MODEL (self), i, removed, 0);
    }
}

static void
refreshed (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabRunList *self = source;
  g_autoptr (GPtrArray) rows = result;
  self->refreshing = FALSE;
  g_clear_pointer (&self->error, g_free);
  if (rows != NULL)
    apply_rows (self, rows);
  else
    self->error = g_strdup (error->message);
  g_signal_emit (self, signals[SIGNAL_REFRESHED], 0);
}

LabRunList *
lab_run_list_new (LabStoreGateway *gateway)
{
  g_return_val_if_fail (LAB_IS_STORE_GATEWAY (gateway), NULL);
  LabRunList *self = g_object_new (LAB_TYPE_RUN_LIST, NULL);
  self->gateway = g_object_ref (gateway);
  return self;
}

LabStoreGateway *
lab_run_list_get_gateway (LabRunList *self)
{
  g_return_val_if_fail (LAB_IS_RUN_LIST (self), NULL);
  return self->gateway;
}

void
lab_run_list_refresh (LabRunList *self)
{
  g_return_if_fail (LAB_IS_RUN_LIST (self));
  if (self->refreshing)
    return;
  self->refreshing = TRUE;
  lab_store_gateway_start (self->gateway, LAB_STORE_LANE_POLL, read_runs, known_rows_of (self),
                           (GDestroyNotify) g_hash_table_unref, self, self->cancellable,
                           refreshed);
}

static gboolean
on_timer (gpointer data)
{
  lab_run_list_refresh (LAB_RUN_LIST (data));
  return G_SOURCE_CONTINUE;
}

void
lab_run_list_set_auto_refresh (LabRunList *self, guint ms)
{
  g_return_if_fail (LAB_IS_RUN_LIST (self));
  g_clear_handle_id (&self->timer, g_source_remove);
  if (ms > 0)
    self->timer = g_timeout_add (ms, on_timer, self);
}

LabRunItem *
lab_run_list_find (LabRunList *self, gint64 id)
{
  g_return_val_if_fail (LAB_IS_RUN_LIST (self), NULL);
  for (guint i = 0; i < self->items->len; i++)
    if (lab_run_item_get_id (g_ptr_array_index (self->items, i)) == id)
      return g_ptr_array_index (self->items, i);
  return NULL;
}

const char *
lab_run_list_get_error (LabRunList *self)
{
  g_return_val_if_fail (LAB_IS_RUN_LIST (self), NULL);
  return self->error;
}

static void
lab_run_list_dispose (GObject *object)
{
  LabRunList *self = LAB_RUN_LIST (object);
  g_clear_handle_id (&self->timer, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (lab_run_list_parent_class)->dispose (object);
}

static void
lab_run_list_finalize (GObject *object)
{
  LabRunList *self = LAB_RUN_LIST (object);
  g_ptr_array_unref (self->items);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->gateway);
  g_free (self->error);
  G_OBJECT_CLASS (lab_run_list_parent_class)->finalize (object);
}

static void
lab_run_list_class_init (LabRunListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = lab_run_list_dispose;
  object_class->finalize = lab_run_list_finalize;
  signals[SIGNAL_REFRESHED] = g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                            0);
}

static void
lab_run_list_init (LabRunList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
}
