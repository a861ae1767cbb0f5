/* lab-run-watch.c — polling a run's metric rows on the store gateway's poll lane.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include "lab-run-watch.h"

struct _LabRunWatch
{
  GObject parent_instance;

  LabStoreGateway *gateway; /* owned */
  gint64 run;
  gint64 last_rowid;  /* of the rows handed out */
  gint64 last_step;   /* largest step handed out */
  guint64 n_rows;
  gboolean polling;
  guint timer;
  GCancellable *cancellable; /* owned */
};

G_DEFINE_FINAL_TYPE (LabRunWatch, lab_run_watch, G_TYPE_OBJECT)

enum
{
  SIGNAL_ROWS,
  SIGNAL_RESET,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  gint64 run, last_rowid, last_step;
  /* results */
  GArray *rows;
  gint64 max_step; /* the run's largest recorded step now (−1: none) */
} Poll;

static void
poll_free (Poll *p)
{
  g_clear_pointer (&p->rows, g_array_unref);
  g_free (p);
}

/* Two autocommit statements: no read transaction outlives the poll. */
static void
poll_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  Poll *p = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunInfo) info = cari_store_get_run (store, p->run, &error);
  if (info != NULL)
    {
      p->max_step = info->last_step;
      /* Rows deleted since (a resume from an earlier checkpoint): start over from there. */
      gint64 since = info->last_step < p->last_step ? 0 : p->last_rowid;
      p->rows = cari_store_metrics_since (store, p->run, since, &error);
    }
  lab_store_job_return_boolean (task, p->rows != NULL, g_steal_pointer (&error));
}

static void
poll_done (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabRunWatch *self = source;
  Poll *p = data;
  self->polling = FALSE;
  if (p->rows == NULL)
    return; /* the store is busy or gone: try again next time */
  if (p->max_step < self->last_step)
    {
      gint64 from = MAX (p->max_step + 1, 0);
      /* Everything was read again from the start. */
      g_signal_emit (self, signals[SIGNAL_RESET], 0, from);
      self->last_rowid = 0;
      self->last_step = -1;
    }
  if (p->rows->len == 0)
    return;
  const CariMetricRow *last = &g_array_index (p->rows, CariMetricRow, p->rows->len - 1);
  self->last_rowid = last->rowid;
  for (guint i = 0; i < p->rows->len; i++)
    self->last_step = MAX (self->last_step, g_array_index (p->rows, CariMetricRow, i).step);
  self->n_rows += p->rows->len;
  g_signal_emit (self, signals[SIGNAL_ROWS], 0, p->rows);
}

void
lab_run_watch_poll (LabRunWatch *self)
{
  g_return_if_fail (LAB_IS_RUN_WATCH (self));
  if (self->polling)
    return;
  self->polling = TRUE;
  Poll *p = g_new0 (Poll, 1);
  p->run = self->run;
  p->last_rowid = self->last_rowid;
  p->last_step = self->last_step;
  lab_store_gateway_start (self->gateway, LAB_STORE_LANE_POLL, poll_job, p,
                           (GDestroyNotify) poll_free, self, self->cancellable, poll_done);
}

static gboolean
on_timer (gpointer data)
{
  lab_run_watch_poll (LAB_RUN_WATCH (data));
  return G_SOURCE_CONTINUE;
}

LabRunWatch *
lab_run_watch_new (LabStoreGateway *gateway, gint64 run, guint interval_ms)
{
  g_return_val_if_fail (LAB_IS_STORE_GATEWAY (gateway), NULL);
  LabRunWatch *self = g_object_new (LAB_TYPE_RUN_WATCH, NULL);
  self->gateway = g_object_ref (gateway);
  self->run = run;
  if (interval_ms > 0)
    self->timer = g_timeout_add (interval_ms, on_timer, self);
  lab_run_watch_poll (self);
  return self;
}

gint64
lab_run_watch_get_run (LabRunWatch *self)
{
  g_return_val_if_fail (LAB_IS_RUN_WATCH (self), 0);
  return self->run;
}

guint64
lab_run_watch_get_n_rows (LabRunWatch *self)
{
  g_return_val_if_fail (LAB_IS_RUN_WATCH (self), 0);
  return self->n_rows;
}

static void
lab_run_watch_dispose (GObject *object)
{
  LabRunWatch *self = LAB_RUN_WATCH (object);
  g_clear_handle_id (&self->timer, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (lab_run_watch_parent_class)->dispose (object);
}

static void
lab_run_watch_finalize (GObject *object)
{
  LabRunWatch *self = LAB_RUN_WATCH (object);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->gateway);
  G_OBJECT_CLASS (lab_run_watch_parent_class)->finalize (object);
}

static void
lab_run_watch_class_init (LabRunWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = lab_run_watch_dispose;
  object_class->finalize = lab_run_watch_finalize;
  signals[SIGNAL_ROWS] = g_signal_new ("rows", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_RESET] = g_signal_new ("reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
lab_run_watch_init (LabRunWatch *self)
{
  self->last_step = -1;
  self->cancellable = g_cancellable_new ();
}
