/* lab-run-summary.c — a run's configuration, parsed once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include "cari.h"

#include "lab-run-summary.h"

static void
summary_clear (LabRunSummary *summary)
{
  g_free (summary->config);
  g_free (summary->strategy);
  g_free (summary->dataset);
  g_free (summary->protocol);
}

LabRunSummary *
lab_run_summary_new (const char *config)
{
  LabRunSummary *summary = g_atomic_rc_box_new0 (LabRunSummary);
  summary->config = g_strdup (config != NULL ? config : "");
  g_autoptr (CariRunConfig) cfg = config != NULL ? cari_run_config_new (config, NULL) : NULL;
  summary->valid = cfg != NULL;
  summary->strategy = g_strdup (cfg != NULL ? cari_strategy_to_string (cfg->strategy) : "");
  summary->dataset = g_strdup (cfg != NULL && cfg->dataset != NULL ? cfg->dataset : "");
  summary->protocol = g_strdup (cfg != NULL && cfg->protocol != NULL ? cfg->protocol : "");
  summary->fold = cfg != NULL ? cfg->fold : 0;
  summary->steps = cfg != NULL ? cfg->steps : 0;
  summary->batch = cfg != NULL ? cfg->caricatures + cfg->photos : 0;
  summary->tasks = cfg != NULL ? cfg->tasks : 0;
  return summary;
}

LabRunSummary *
lab_run_summary_ref (LabRunSummary *summary)
{
  return g_atomic_rc_box_acquire (summary);
}

void
lab_run_summary_unref (LabRunSummary *summary)
{
  g_atomic_rc_box_release_full (summary, (GDestroyNotify) summary_clear);
}

LabRunSummary *
lab_run_summary_update (LabRunSummary *cached, const char *config)
{
  if (cached != NULL && g_strcmp0 (cached->config, config != NULL ? config : "") == 0)
    return lab_run_summary_ref (cached);
  return lab_run_summary_new (config);
}
