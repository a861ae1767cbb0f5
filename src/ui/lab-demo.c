/* lab-demo.c — the three runs of the naive-versus-proposed demo.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "lab-demo.h"

/* Demo settings, shared by the three runs: the demo preset; Adam, the module's rate a tenth of the
 * network's so that the weights move over tens of steps instead of jumping in the first ones;
 * validation every 100 steps; a checkpoint at the end. */
#define PRETRAIN_STEPS 500
#define MTL_STEPS 400

char *
lab_demo_config (LabDemoRun which, const char *name, const char *pretrain_name)
{
  g_return_val_if_fail (which < LAB_DEMO_N_RUNS, NULL);
  int pretrain_steps = PRETRAIN_STEPS, mtl_steps = MTL_STEPS;
  /* $CARILAB_DEMO_STEPS="P,M": fewer steps, for the end-to-end tests. */
  const char *env = g_getenv ("CARILAB_DEMO_STEPS");
  if (env != NULL && sscanf (env, "%d,%d", &pretrain_steps, &mtl_steps) != 2)
    pretrain_steps = PRETRAIN_STEPS, mtl_steps = MTL_STEPS;
  pretrain_steps = MAX (pretrain_steps, 1);
  mtl_steps = MAX (mtl_steps, 1);
  g_autoptr (GString) text = g_string_new (NULL);
  g_string_append_printf (text, "[run]\nname=%s\n", name);
  g_string_append (text, "[model]\npreset=demo\n");
  g_string_append (text, "[optim]\nname=adam\nlr=0.001\nepsilon=1e-8\nmodule_lr=0.0001\n");
  g_string_append_printf (text,
                          "[schedule]\nsteps=%d\neval_every=100\ncheckpoint_every=%d\n",
                          which == LAB_DEMO_PRETRAIN ? pretrain_steps : mtl_steps,
                          which == LAB_DEMO_PRETRAIN ? pretrain_steps : mtl_steps);
  if (which == LAB_DEMO_PRETRAIN)
    g_string_append (text, "[data]\ndataset=syncari-pretrain\n"
                           "[tasks]\ntasks=visual\n"
                           "[strategy]\nname=single\ntask=visual\n"
                           "[batch]\ncaricatures=0\nphotos=32\n");
  else
    /* No center loss: `verif`'s loss is then its cross-entropy over both modalities, between
     * `cari`'s and `visual`'s, as the paper's Fig. 7 shows it. */
    g_string_append_printf (text,
                            "[data]\ndataset=syncari\n"
                            "[strategy]\nname=%s\n"
                            "[loss]\ncenter_weight=0\n"
                            "[init]\nfrom=%s\nbranches_from_visual=true\n",
                            which == LAB_DEMO_NAIVE ? "naive" : "proposed", pretrain_name);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* "demo-<what>", or "demo-<what>-<n>" when taken. */
static char *
free_name (CariStore *store, const char *what)
{
  for (int n = 1;; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup_printf ("demo-%s", what)
                                     : g_strdup_printf ("demo-%s-%d", what, n);
      gint64 id;
      if (!cari_store_find_run (store, name, &id, NULL))
        return g_steal_pointer (&name);
    }
}

gboolean
lab_demo_queue (CariStore *store, gint64 runs[LAB_DEMO_N_RUNS], GError **error)
{
  static const char *const what[] = { "pretrain", "naive", "proposed" };
  g_autofree char *pretrain = free_name (store, what[LAB_DEMO_PRETRAIN]);
  for (int i = 0; i < LAB_DEMO_N_RUNS; i++)
    {
      g_autofree char *name = i == LAB_DEMO_PRETRAIN ? g_strdup (pretrain)
                                                     : free_name (store, what[i]);
      g_autofree char *text = lab_demo_config (i, name, pretrain);
      g_autoptr (CariRunConfig) cfg = cari_run_config_new (text, error);
      runs[i] = cfg ? cari_launch_queue_run (store, cfg, error) : 0;
      if (runs[i] <= 0)
        return FALSE;
    }
  return TRUE;
}
