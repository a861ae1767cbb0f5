/* torch-dump.c — what CariLab computes on one batch, for check-torch.py to compare with
 * bench/torch_net.py.
 *
 *   torch-dump [--preset demo|paper] [--seed N] [--caricatures C] [--photos P]
 *              [--identities K] OUTDIR
 *
 * Builds a trainer on an in-memory toy data set (dropout off, the weight module Xavier-initialised
 * so that Ψ is not zero), gives β, biases and batch-norm statistics random values
 * (randomise.h) so that a misplaced one shows, and writes
 *   OUTDIR/weights.safetensors   the network, as `carilab-cli export` writes it
 *   OUTDIR/outputs.safetensors   the batch (input, identities, the center table), then
 *     eval.<task>.embedding / .logits, eval.losses, eval.weights   inference-mode forward
 *     infer.<task>.embedding          cari_net_infer's normalised embeddings of every row
 *     train.<task>.embedding / .logits, train.losses, train.weights, train.l4
 *     grad.<tensor name>              ∂(Σ w_i·L_i + L4) of step 1, before clipping
 * Losses and weights are in task order over the present tasks.
 */
#include "core/rng.h"
#include "data/source.h"
#include "interop/safetensors.h"
#include "interop/weights.h"
#include "nn/net.h"
#include "nn/softmax.h"
#include "train/config.h"
#include "train/losses.h"
#include "train/trainer.h"

#include "randomise.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

static void
add_1d (CariSafetensors *st, const char *name, const float *data, gint64 n)
{
  cari_safetensors_add (st, name, 1, (gint64[]) { n }, data);
}

static void
add_2d (CariSafetensors *st, const char *name, const float *data, gint64 rows, gint64 cols)
{
  cari_safetensors_add (st, name, 2, (gint64[]) { rows, cols }, data);
}

static void
add_head_outputs (CariSafetensors *st, CariNet *net, const char *prefix, int K, int E)
{
  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      CariHeadOutput out;
      if (!cari_net_head_output (net, (CariTask) t, &out))
        continue;
      g_autofree char *emb = g_strdup_printf ("%s.%s.embedding", prefix, cari_task_names[t]);
      g_autofree char *logits = g_strdup_printf ("%s.%s.logits", prefix, cari_task_names[t]);
      add_2d (st, emb, out.embedding, out.rows, E);
      add_2d (st, logits, out.logits, out.rows, K);
    }
}

int
main (int argc, char **argv)
{
  const char *preset = "demo";
  gint64 seed = 7, nc = 4, np = 4, K = 10;
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "preset", 0, 0, G_OPTION_ARG_STRING, &preset, "Model preset", "NAME" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed", "N" },
    { "caricatures", 0, 0, G_OPTION_ARG_INT64, &nc, "Caricatures in the batch", "N" },
    { "photos", 0, 0, G_OPTION_ARG_INT64, &np, "Photos in the batch", "N" },
    { "identities", 0, 0, G_OPTION_ARG_INT64, &K, "Identities", "K" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("OUTDIR");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("torch-dump: %s\n", error != NULL ? error->message : "give OUTDIR");
      return 2;
    }
  const char *outdir = argv[1];
  g_mkdir_with_parents (outdir, 0755);

  g_autofree char *text = g_strdup_printf (
      "[model]\npreset=%s\ndropout_keep=1\n[strategy]\nmodule_init=xavier\n"
      "[batch]\ncaricatures=%d\nphotos=%d\nreplicas=1\n[run]\nseed=%d\n",
      preset, (int) nc, (int) np, (int) seed);
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (text, &error);
  if (cfg == NULL)
    {
      g_printerr ("torch-dump: %s\n", error->message);
      return 1;
    }
  const int S = cfg->net.input_size, E = cfg->net.embedding_size, n = (int) (nc + np);

  CariToyConfig tc;
  cari_toy_config_init (&tc);
  tc.identities = (int) K;
  tc.size = S;
  tc.seed = (guint64) seed;
  g_autoptr (CariDataSource) src = cari_toy_source_new (&tc, &error);
  g_autoptr (CariTrainer) trainer = src ? cari_trainer_new (cfg, src, &error) : NULL;
  if (trainer == NULL)
    {
      g_printerr ("torch-dump: %s\n", error->message);
      return 1;
    }
  CariNet *net = cari_trainer_get_net (trainer);
  interop_randomise_statistics (net, (guint64) seed + 1);

  /* The batch: nc caricatures then np photos of the toy set, with their identities. */
  g_autofree int *cari = NULL, *photo = NULL;
  int n_cari_all = 0, n_photo_all = 0;
  cari = cari_data_source_select (src, CARI_ROLE_TRAIN, CARI_MODALITY_CARICATURE, &n_cari_all);
  photo = cari_data_source_select (src, CARI_ROLE_TRAIN, CARI_MODALITY_PHOTO, &n_photo_all);
  if (n_cari_all < nc || n_photo_all < np)
    {
      g_printerr ("torch-dump: the toy set is too small for that batch\n");
      return 1;
    }
  g_autofree int *indices = g_new (int, n);
  g_autofree int *ids = g_new (int, n);
  g_autofree float *ids_f = g_new (float, n);
  for (int i = 0; i < n; i++)
    {
      /* every third image, so that identities differ along the batch */
      indices[i] = i < nc ? cari[(i * 3) % n_cari_all] : photo[((i - nc) * 3) % n_photo_all];
      ids[i] = src->identity[indices[i]];
      ids_f[i] = (float) ids[i];
    }
  g_autofree float *images = g_new (float, (size_t) n * 3 * S * S);
  if (!cari_data_source_load (src, indices, n, images, &error))
    {
      g_printerr ("torch-dump: %s\n", error->message);
      return 1;
    }

  g_autofree char *weights_path = g_build_filename (outdir, "weights.safetensors", NULL);
  if (!cari_weights_export_file (net, NULL, weights_path, &error))
    {
      g_printerr ("torch-dump: %s\n", error->message);
      return 1;
    }

  g_autoptr (CariSafetensors) out = cari_safetensors_new ();
  cari_safetensors_add (out, "input", 4, (gint64[]) { n, 3, S, S }, images);
  add_1d (out, "identities", ids_f, n);
  float counts[2] = { (float) nc, (float) np };
  add_1d (out, "batch", counts, 2);
  int kr = 0, kc = 0;
  const float *centers = cari_trainer_center_table (trainer, &kr, &kc);
  if (centers != NULL)
    add_2d (out, "centers", centers, kr, kc);

  /* Inference mode: the whole network's forward, its losses and weights (no state changes). */
  cari_net_forward (net, images, (int) nc, (int) np, FALSE);
  add_head_outputs (out, net, "eval", (int) K, E);
  {
    float losses[CARI_N_TASKS];
    int T = 0;
    for (int t = 0; t < CARI_N_TASKS; t++)
      {
        CariHeadOutput ho;
        if (!cari_net_head_output (net, (CariTask) t, &ho))
          continue;
        const int *lab = t == CARI_TASK_VISUAL ? ids + nc : ids;
        g_autofree float *probs = g_new (float, (size_t) ho.rows * K);
        double loss = cari_softmax_cross_entropy_forward (probs, ho.logits, lab, ho.rows,
                                                          (int) K, NULL);
        if (t == CARI_TASK_VERIF && centers != NULL)
          loss += cfg->center_weight
                  * cari_center_loss_forward (ho.embedding, lab, centers, ho.rows, E);
        losses[T++] = (float) loss;
      }
    add_1d (out, "eval.losses", losses, T);
    int Tw = 0;
    const float *w = cari_net_task_weights (net, &Tw);
    if (w != NULL && Tw > 0)
      add_1d (out, "eval.weights", w, Tw);
  }
  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      if (!cari_net_has_task (net, (CariTask) t))
        continue;
      g_autofree float *emb = g_new (float, (size_t) n * E);
      if (!cari_net_infer (net, (CariTask) t, images, n, emb, NULL, &error))
        {
          g_printerr ("torch-dump: %s\n", error->message);
          return 1;
        }
      g_autofree char *name = g_strdup_printf ("infer.%s.embedding", cari_task_names[t]);
      add_2d (out, name, emb, n, E);
    }

  /* Training mode: step 1's gradients. */
  CariStepStats st;
  if (!cari_trainer_gradients (trainer, images, ids, &st, &error))
    {
      g_printerr ("torch-dump: %s\n", error->message);
      return 1;
    }
  add_head_outputs (out, net, "train", (int) K, E);
  float losses[CARI_N_TASKS], weights[CARI_N_TASKS];
  int T = 0;
  for (int t = 0; t < CARI_N_TASKS; t++)
    if (st.present[t])
      {
        losses[T] = st.loss[t];
        weights[T] = st.weight[t];
        T++;
      }
  add_1d (out, "train.losses", losses, T);
  add_1d (out, "train.weights", weights, T);
  add_1d (out, "train.l4", &st.l4, 1);
  size_t n_infos;
  const CariParamInfo *infos = cari_net_param_infos (net, &n_infos);
  for (size_t i = 0; i < n_infos; i++)
    {
      if (infos[i].buffer)
        continue;
      g_autofree char *file_name = cari_weights_file_name (infos[i].name);
      g_autofree char *name = g_strconcat ("grad.", file_name, NULL);
      cari_safetensors_add (out, name, infos[i].ndim, infos[i].shape, infos[i].grad);
    }
  g_autofree char *outputs_path = g_build_filename (outdir, "outputs.safetensors", NULL);
  if (!cari_safetensors_write (out, outputs_path, &error))
    {
      g_printerr ("torch-dump: %s\n", error->message);
      return 1;
    }
  printf ("torch-dump: %s preset, %d + %d rows, %d identities, %d tasks → %s\n", preset,
          (int) nc, (int) np, (int) K, T, outdir);
  return 0;
}
