/* lab-run-summary.h — what the pages show of a run's configuration (strategy, data set,
 * protocol fold, steps, batch, tasks), parsed once from the configuration text and shared,
 * read-only, between threads. The run list keeps one per run and parses a run's text again only
 * when it changes, so no refresh re-parses the configurations of every run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *config;   /* the text parsed ("" when none) */
  gboolean valid; /* FALSE when the text does not parse: the strings below are "" */
  char *strategy; /* proposed, naive, static, single or uniform */
  char *dataset;
  char *protocol;
  int fold;
  gint64 steps;   /* configured */
  int batch;      /* images per step */
  guint tasks;    /* the tasks it trains, as CARI_TASK_BIT bits; 0 when the text does not parse */
} LabRunSummary;

/* Parses `config` (NULL: none); any thread. Atomic reference count. */
LabRunSummary *lab_run_summary_new (const char *config);
LabRunSummary *lab_run_summary_ref (LabRunSummary *summary);
void           lab_run_summary_unref (LabRunSummary *summary);
/* `cached` when it was parsed from `config`, else a new summary of `config` (a new reference
 * either way; `cached` may be NULL). */
LabRunSummary *lab_run_summary_update (LabRunSummary *cached, const char *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabRunSummary, lab_run_summary_unref)

G_END_DECLS
