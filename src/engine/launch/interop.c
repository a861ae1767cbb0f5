/* interop.c — a run's network out to other tools (safetensors, ONNX), weights from a file in as a
 * run, and embeddings of any images or input tensor. */
#include "launch/launch-private.h"

#include "core/error.h"
#include "core/i18n.h"
#include "data/image.h"
#include "interop/onnx.h"
#include "interop/weights.h"
#include "nn/checkpoint.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

CariNet *
cari_launch_open_net (CariStore *store, gint64 run, gint64 step, gint64 *checkpoint_step,
                      CariRunConfig **config, GError **error)
{
  g_autoptr (CariRunInfo) info = cari_store_get_run (store, run, error);
  if (info == NULL)
    return NULL;
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (info->config, error);
  if (cfg == NULL)
    {
      g_prefix_error (error, _("Run “%s”: "), info->name);
      return NULL;
    }
  gint64 at = -1;
  g_autofree char *path = NULL;
  if (!cari_store_latest_checkpoint (store, run, step, &at, &path, error))
    {
      g_prefix_error (error, _("Run “%s”: "), info->name);
      return NULL;
    }
  if (step >= 0 && at != step)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NOT_FOUND,
                   _("Run “%s” has no checkpoint at step %lld (the nearest before is step %lld)"),
                   info->name, (long long) step, (long long) at);
      return NULL;
    }
  g_autoptr (CariCheckpoint) ck = cari_checkpoint_read (path, error);
  if (ck == NULL)
    return NULL;
  /* The checkpoint knows the number of identities; the data set need not be opened. */
  g_autofree char *arch = cari_checkpoint_get_string (ck, "ARCH", error);
  if (arch == NULL)
    return NULL;
  CariNetConfig ncfg;
  cari_run_config_net (cfg, 1, &ncfg);
  /* cari_net_infer works in chunks of the batch capacity, and a chunk's size changes how the
   * sums are split: the same capacity whatever the run's batch, so that two runs with the same
   * weights give the same embeddings bit for bit. */
  ncfg.max_caricatures = ncfg.max_photos = CARI_LAUNCH_INFER_ROWS / 2;
  if (!cari_net_config_apply_architecture (&ncfg, arch, error))
    {
      g_prefix_error (error, _("Checkpoint “%s”: "), path);
      return NULL;
    }
  g_autoptr (CariNet) net = cari_net_new (&ncfg, cfg->seed, error);
  if (net == NULL || !cari_checkpoint_restore_net (ck, net, error))
    return NULL;
  if (checkpoint_step != NULL)
    *checkpoint_step = at;
  if (config != NULL)
    *config = g_steal_pointer (&cfg);
  return g_steal_pointer (&net);
}

gboolean
cari_launch_export (CariStore *store, gint64 run, gint64 step, CariExportFormat format,
                    CariTask branch, const char *path, gint64 *exported_step, GError **error)
{
  gint64 at = -1;
  g_autoptr (CariRunConfig) cfg = NULL;
  g_autoptr (CariNet) net = cari_launch_open_net (store, run, step, &at, &cfg, error);
  if (net == NULL)
    return FALSE;
  g_autoptr (CariRunInfo) info = cari_store_get_run (store, run, error);
  if (info == NULL)
    return FALSE;
  const CariNetConfig *ncfg = cari_net_get_config (net);
  g_autofree char *run_id = g_strdup_printf ("%" G_GINT64_FORMAT, run);
  g_autofree char *step_text = g_strdup_printf ("%" G_GINT64_FORMAT, at);
  g_autofree char *input = cari_weights_describe_input (ncfg);
  g_autofree char *arch = cari_net_config_architecture (ncfg);
  gboolean ok;

  if (format == CARI_EXPORT_SAFETENSORS)
    {
      const char *extra[] = { "carilab.run", info->name, "carilab.run_id", run_id,
                              "carilab.step", step_text, NULL };
      ok = cari_weights_export_file (net, extra, path, error);
    }
  else
    {
      if (!cari_net_has_task (net, branch))
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("Run “%s” has no %s branch"), info->name, cari_task_to_string (branch));
          return FALSE;
        }
      g_autoptr (CariSafetensors) st = cari_weights_export (net, NULL);
      const char *meta[] = {
        "carilab.run", info->name,
        "carilab.run_id", run_id,
        "carilab.step", step_text,
        "carilab.branch", cari_task_to_string (branch),
        CARI_WEIGHTS_KEY_ARCHITECTURE, arch,
        CARI_WEIGHTS_KEY_INPUT, input,
        CARI_WEIGHTS_KEY_PREPROCESS,
        cari_safetensors_get_metadata (st, CARI_WEIGHTS_KEY_PREPROCESS),
        "carilab.output", "the L2-normalised embedding [N, E]; cosine similarity compares two",
        NULL,
      };
      ok = cari_onnx_export (net, branch, meta, path, error);
    }
  if (ok && exported_step != NULL)
    *exported_step = at;
  return ok;
}

/* The run configuration text of a network configuration (what an imported run records). */
static CariRunConfig *
config_of_net (const CariNetConfig *ncfg, const char *name, GError **error)
{
  g_autoptr (CariRunConfig) cfg = cari_run_config_new ("", error);
  if (cfg == NULL)
    return NULL;
  char width[G_ASCII_DTOSTR_BUF_SIZE], keep[G_ASCII_DTOSTR_BUF_SIZE];
  char decay[G_ASCII_DTOSTR_BUF_SIZE], r[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (width, sizeof width, "%.9g", ncfg->width);
  g_ascii_formatd (keep, sizeof keep, "%.9g", ncfg->dropout_keep);
  g_ascii_formatd (decay, sizeof decay, "%.9g", ncfg->bn_decay);
  g_ascii_formatd (r, sizeof r, "%.9g", ncfg->weight_r);
  GString *tasks = g_string_new (NULL);
  int n_tasks = 0;
  for (int t = 0; t < CARI_N_TASKS; t++)
    if (ncfg->tasks & CARI_TASK_BIT (t))
      {
        g_string_append_printf (tasks, "%s%s", n_tasks > 0 ? ";" : "", cari_task_names[t]);
        n_tasks++;
      }
  g_autofree char *tasks_text = g_string_free (tasks, FALSE);
  g_autofree char *a_name = g_strdup_printf ("run.name=%s", name);
  g_autofree char *a_size = g_strdup_printf ("model.input_size=%d", ncfg->input_size);
  g_autofree char *a_width = g_strdup_printf ("model.width=%s", width);
  g_autofree char *a_ra = g_strdup_printf ("model.repeats_a=%d", ncfg->repeats_a);
  g_autofree char *a_rb = g_strdup_printf ("model.repeats_b=%d", ncfg->repeats_b);
  g_autofree char *a_rc = g_strdup_printf ("model.repeats_c=%d", ncfg->repeats_c);
  g_autofree char *a_hc = g_strdup_printf ("model.head_channels=%d", ncfg->head_channels);
  g_autofree char *a_e = g_strdup_printf ("model.embedding_size=%d", ncfg->embedding_size);
  g_autofree char *a_keep = g_strdup_printf ("model.dropout_keep=%s", keep);
  g_autofree char *a_decay = g_strdup_printf ("model.bn_decay=%s", decay);
  g_autofree char *a_tasks = g_strdup_printf ("tasks.tasks=%s", tasks_text);
  g_autofree char *a_strategy = g_strdup_printf (
      "strategy.name=%s", ncfg->weight_module ? "proposed" : "static");
  g_autofree char *a_r = g_strdup_printf ("strategy.r=%s", r);
  const char *assignments[] = { "model.preset=paper", a_name, a_size, a_width, a_ra, a_rb, a_rc,
                                a_hc, a_e, a_keep, a_decay, a_tasks, a_strategy, a_r, NULL };
  if (!cari_run_config_set_all (cfg, assignments, NULL, error))
    return NULL;
  return g_steal_pointer (&cfg);
}

gint64
cari_launch_import_weights (CariStore *store, const char *path, const char *name,
                            gboolean partial, char **report, GError **error)
{
  g_autoptr (CariSafetensors) st = cari_safetensors_read (path, error);
  if (st == NULL)
    return 0;
  CariNetConfig ncfg;
  if (!cari_weights_read_config (st, &ncfg, error))
    {
      g_prefix_error (error, "%s: ", path);
      return 0;
    }
  ncfg.max_caricatures = ncfg.max_photos = 1;
  g_autoptr (CariNet) net = cari_net_new (&ncfg, 1, error);
  if (net == NULL || !cari_weights_load (net, st, partial, report, error))
    {
      g_prefix_error (error, "%s: ", path);
      return 0;
    }

  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *stem = g_strndup (base, strcspn (base, "."));
  g_autofree char *run_name = g_strdup (name != NULL && name[0] != '\0' ? name : stem);
  g_autoptr (CariRunConfig) cfg = config_of_net (&ncfg, run_name, error);
  if (cfg == NULL)
    return 0;
  g_autofree char *text = cari_run_config_to_text (cfg);
  gint64 run = cari_store_create_run (store, run_name, 0, text, cfg->seed, 0, error);
  if (run == 0)
    return 0;

  /* Its one checkpoint, at step 0, in the run's folder: what init.from reads of a run. */
  g_autofree char *dir = cari_run_checkpoint_dir (store, run);
  g_autofree char *ck_path = g_build_filename (dir, "step-00000000.ckpt", NULL);
  g_autoptr (CariCheckpoint) ck = cari_checkpoint_new ();
  cari_checkpoint_add_net (ck, net);
  CariCheckpointInfo info;
  g_autofree char *message = g_strdup_printf (_("Weights imported from %s"), path);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot create the folder “%s”: %s"), dir,
                   g_strerror (saved));
    }
  else if (cari_checkpoint_write (ck, ck_path, error)
           && cari_checkpoint_read_info (ck_path, &info, error))
    {
      g_autofree char *checksum = g_strdup_printf ("%08x", info.checksum);
      if (cari_store_add_checkpoint (store, run, 0, ck_path, checksum, error)
          && cari_store_set_run_status (store, run, CARI_RUN_IMPORTED, message, error))
        return run;
    }
  /* Leave no half-made run behind. */
  g_remove (ck_path);
  g_rmdir (dir);
  cari_store_delete_run (store, run, NULL);
  return 0;
}

gboolean
cari_launch_load_image (const char *path, int size, float *dst, GError **error)
{
  CariImageTarget target = { size, 0, 0 };
  g_autoptr (CariImage) img = cari_image_load_reduced (path, NULL, &target, NULL, error);
  if (img == NULL)
    return FALSE;
  CariPreprocess p;
  cari_preprocess_init (&p, size);
  return cari_preprocess_image (img, NULL, 0, &p, NULL, dst, error);
}
