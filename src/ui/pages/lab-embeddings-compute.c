/* lab-embeddings-compute.c — the four layouts of an evaluation computed in the background (the
 * network on the unseen images, then t-SNE per view), with progress and cancel, and stored with
 * the evaluation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>

#include "lab-embeddings-view-private.h"
#include "lab-page.h"

/* Shared between the computing thread and the view: progress under the mutex, at most one
 * idle callback pending; `cancel` is tsne's flag. */
struct _LabEmbeddingsCompute
{
  GMutex mutex;
  double fraction;
  char *what;
  gboolean idle_pending;
  gint cancel;
  GWeakRef view;
  gint64 evaluation;
};

static void
compute_job_clear (LabEmbeddingsCompute *job)
{
  g_mutex_clear (&job->mutex);
  g_free (job->what);
  g_weak_ref_clear (&job->view);
}

static LabEmbeddingsCompute *
compute_job_ref (LabEmbeddingsCompute *job)
{
  return g_atomic_rc_box_acquire (job);
}

void
lab_embeddings_compute_unref (LabEmbeddingsCompute *job)
{
  g_atomic_rc_box_release_full (job, (GDestroyNotify) compute_job_clear);
}

void
lab_embeddings_view_cancel_compute (LabEmbeddingsView *self)
{
  if (self->compute != NULL)
    g_atomic_int_set (&self->compute->cancel, 1);
}

static gboolean
compute_progress_idle (gpointer data)
{
  LabEmbeddingsCompute *job = data;
  g_autoptr (LabEmbeddingsView) self = g_weak_ref_get (&job->view);
  g_mutex_lock (&job->mutex);
  job->idle_pending = FALSE;
  double fraction = job->fraction;
  g_autofree char *what = g_strdup (job->what);
  g_mutex_unlock (&job->mutex);
  if (self != NULL && self->compute == job)
    {
      gtk_progress_bar_set_fraction (self->compute_bar, CLAMP (fraction, 0.0, 1.0));
      gtk_progress_bar_set_text (self->compute_bar, what);
    }
  return G_SOURCE_REMOVE;
}

static gboolean
on_compute_progress (double fraction, const char *what, gpointer data)
{
  LabEmbeddingsCompute *job = data;
  g_mutex_lock (&job->mutex);
  job->fraction = fraction;
  g_free (job->what);
  job->what = g_strdup (what);
  gboolean schedule = !job->idle_pending;
  job->idle_pending = TRUE;
  g_mutex_unlock (&job->mutex);
  if (schedule)
    g_idle_add_full (G_PRIORITY_LOW, compute_progress_idle, compute_job_ref (job),
                     (GDestroyNotify) lab_embeddings_compute_unref);
  return !g_atomic_int_get (&job->cancel);
}

/* A long job (its own thread and connection): laying out the views runs the network and t-SNE
 * for minutes. */
static void
compute_job (GTask *task, CariStore *store, gpointer data, GCancellable *cancellable)
{
  LabEmbeddingsCompute *job = data;
  GError *error = NULL;
  gboolean ok = cari_launch_layouts (store, job->evaluation, LAB_EMBEDDINGS_VIEWS_TOP,
                                     on_compute_progress, job, &job->cancel, &error);
  lab_store_job_return_boolean (task, ok, error);
}

static void
computed (gpointer source, gpointer data, gpointer result, const GError *error)
{
  LabEmbeddingsCompute *job = data;
  g_autoptr (LabEmbeddingsView) self = g_weak_ref_get (&job->view);
  if (self == NULL || self->compute != job)
    return;
  g_clear_pointer (&self->compute, lab_embeddings_compute_unref);
  gtk_widget_set_visible (GTK_WIDGET (self->compute_box), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->compute_button), TRUE);
  if (error != NULL)
    {
      if (!g_error_matches (error, CARI_ERROR, CARI_ERROR_CANCELLED))
        {
          g_autofree char *text = g_strdup_printf (_("Could not lay out the views: %s"),
                                                   error->message);
          lab_page_toast (GTK_WIDGET (self), text);
          adw_status_page_set_description (self->compute_page, text);
        }
      return;
    }
  lab_embeddings_view_load (self);
}

void
lab_embeddings_view_compute (LabEmbeddingsView *self)
{
  g_return_if_fail (LAB_IS_EMBEDDINGS_VIEW (self));
  if (self->compute != NULL || self->evaluation <= 0)
    return;
  LabEmbeddingsCompute *job = g_atomic_rc_box_new0 (LabEmbeddingsCompute);
  g_mutex_init (&job->mutex);
  g_weak_ref_init (&job->view, self);
  job->evaluation = self->evaluation;
  self->compute = job;
  gtk_progress_bar_set_fraction (self->compute_bar, 0.0);
  gtk_progress_bar_set_text (self->compute_bar, _("Loading the network…"));
  gtk_widget_set_visible (GTK_WIDGET (self->compute_box), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->compute_button), FALSE);
  /* No source object: a view that goes away while it computes is not kept alive. */
  lab_store_gateway_start_long (self->gateway, compute_job, compute_job_ref (job),
                                (GDestroyNotify) lab_embeddings_compute_unref, NULL, computed);
}

void
lab_embeddings_view_on_compute_clicked (LabEmbeddingsView *self)
{
  lab_embeddings_view_compute (self);
}

void
lab_embeddings_view_on_compute_cancel_clicked (LabEmbeddingsView *self)
{
  lab_embeddings_view_cancel_compute (self);
}
