/* lab-demo.h — the one-click demo: a photo-only pretraining run on SynCari, then `naive` and
 * `proposed` weighting with identical settings, both starting from it.
 *
 * The settings (docs/workbench.md explains them) make the whole demo fit in about five minutes on two
 * cores at the `demo` preset and show the paper's point: `proposed` gives `cari`, the hard task,
 * a larger weight than `naive` does.
 */
#pragma once

#include <glib.h>

#include "cari.h"

G_BEGIN_DECLS

typedef enum
{
  LAB_DEMO_PRETRAIN,
  LAB_DEMO_NAIVE,
  LAB_DEMO_PROPOSED,
  LAB_DEMO_N_RUNS,
} LabDemoRun;

/* The configuration text of one demo run; `pretrain_name` is the run the others start from. */
char    *lab_demo_config (LabDemoRun which, const char *name, const char *pretrain_name);

/* Records the three runs in the store, queued (names demo-pretrain, demo-naive, demo-proposed,
 * with a number appended when taken). runs[] receives their ids in order. */
gboolean lab_demo_queue (CariStore *store, gint64 runs[LAB_DEMO_N_RUNS], GError **error);

G_END_DECLS
