/* cmd-bench.c — `carilab-cli bench`: time training steps of the paper's network, or with
 * --inference its embedding extraction.
 *
 * One step is what training does: forward of the trunk on all images, `verif` on all rows, `cari`
 * on the caricature rows, `visual` on the photo rows and the weight module; cross-entropy losses
 * weighted by the module's (detached) weights; backward; RMSProp on Θ and on Ψ (the module,
 * trained by L4 = Σ w_i / (L_i + ε)). Images and labels are random: the cost does not depend on
 * them.
 *
 * Inference is what evaluation does: cari_net_infer over the batch's images (caricatures and
 * photos alike) through the trunk and one branch, L2-normalised embeddings out, as
 * bench/torch_net.py --inference does in eval mode under no_grad.
 */
#include "cli.h"

#include <cari.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>
#include <sys/resource.h>

typedef struct
{
  CariNet *net;
  CariOptimizer *opt, *opt_module;
  float *images;
  int *labels[CARI_N_TASKS];
  int n_cari, n_photo;
  float lr;
  /* With replicas: this one's rank of their local group, and its rows' places in the batch.
   * NULL in one network. */
  CariComm *comm;
  int *row_ids;
} BenchState;

/* One training step as the trainer takes it, on one network or on each replica of several (its
 * share of the batch, losses and gradients summed over the replicas). */
static void
bench_step (BenchState *s)
{
  const CariNetConfig *cfg = cari_net_get_config (s->net);
  const int K = cfg->n_identities;
  float losses[CARI_N_TASKS] = { 0 }, share[CARI_N_TASKS];
  float *probs[CARI_N_TASKS] = { NULL };
  double sums[2 * CARI_N_TASKS] = { 0 }; /* per slot: the loss over these rows, then rows */
  int T = 0;
  size_t n;

  if (s->comm != NULL)
    cari_net_set_row_ids (s->net, s->row_ids, s->n_cari + s->n_photo);
  cari_net_forward (s->net, s->images, s->n_cari, s->n_photo, TRUE);
  cari_net_zero_grad (s->net);
  const float *w = cari_net_task_weights (s->net, &T);
  int slots = 0;
  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      CariHeadOutput out;
      if (!cari_net_head_output (s->net, (CariTask) t, &out) || out.rows == 0)
        continue;
      probs[t] = g_new (float, (size_t) out.rows * K);
      double ce = cari_softmax_cross_entropy_forward (probs[t], out.logits, s->labels[t],
                                                      out.rows, K, NULL);
      sums[slots] = ce * out.rows;
      sums[CARI_N_TASKS + slots] = out.rows;
      slots++;
    }
  if (s->comm != NULL)
    cari_comm_allreduce_sum (s->comm, sums, 2 * CARI_N_TASKS, CARI_COMM_DOUBLE);
  int slot = 0;
  for (int t = 0; t < CARI_N_TASKS; t++)
    {
      CariHeadOutput out;
      if (probs[t] == NULL)
        continue;
      cari_net_head_output (s->net, (CariTask) t, &out);
      losses[slot] = (float) (sums[slot] / sums[CARI_N_TASKS + slot]);
      share[slot] = (float) (out.rows / sums[CARI_N_TASKS + slot]);
      float weight = w != NULL ? w[slot] : 1.0f;
      cari_softmax_cross_entropy_backward (cari_net_head_dlogits (s->net, (CariTask) t), probs[t],
                                           s->labels[t], out.rows, K, weight * share[slot]);
      g_free (probs[t]);
      slot++;
    }
  float *dw = cari_net_task_dweights (s->net);
  for (int i = 0; i < T; i++)
    dw[i] = 1.0f / (losses[i] + 0.01f); /* ∂L4/∂w_i */
  cari_net_backward (s->net, NULL);

  float *params = cari_net_params (s->net, &n);
  float *grads = cari_net_grads (s->net, &n);
  if (s->comm != NULL)
    cari_comm_allreduce_sum (s->comm, grads, n, CARI_COMM_FLOAT);
  cari_optimizer_step (s->opt, params, grads, s->lr);
  if (s->opt_module != NULL)
    {
      float *mp = cari_net_module_params (s->net, &n);
      float *mg = cari_net_module_grads (s->net, &n);
      if (s->comm != NULL)
        cari_comm_allreduce_sum (s->comm, mg, n, CARI_COMM_FLOAT);
      cari_optimizer_step (s->opt_module, mp, mg, s->lr);
    }
}

static void
replica_step (gpointer data, size_t r, size_t end)
{
  bench_step ((BenchState *) data + r);
}

/* A step of every replica at once (one: on this thread, with the pool's threads). */
static void
bench_steps (BenchState *s, int n_replicas)
{
  if (n_replicas == 1)
    bench_step (s);
  else
    cari_parallel_together (n_replicas, replica_step, s);
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median_sorted (double *times, int steps)
{
  qsort (times, steps, sizeof (double), compare_double);
  return steps % 2 ? times[steps / 2] : 0.5 * (times[steps / 2 - 1] + times[steps / 2]);
}

/* Per-stage times of the timed steps, as a table; for training also each stage's GFLOP/s and
 * their share of the fastest cari_sgemm measured here and now, the roofline the stage's gemms
 * run under. */
static void
print_profile (CariNet *net, int steps, double median, gboolean inference)
{
  size_t n_stages;
  const CariStageTime *st = cari_net_stage_times (net, &n_stages);
  double total = 0.0, flops = 0.0;
  for (size_t i = 0; i < n_stages; i++)
    {
      total += st[i].forward_s + st[i].backward_s;
      flops += st[i].forward_flops + st[i].backward_flops;
    }
  int m = 0, n = 0, k = 0;
  double peak = inference ? 0.0 : cli_sgemm_peak (&m, &n, &k);
  if (inference)
    printf ("\n%-16s %12s %12s %8s\n", _("stage"), _("forward ms"), _("backward ms"), "%");
  else
    {
      printf (_("sgemm peak:        %.1f GFLOP/s (cari_sgemm %d × %d × %d, fastest of the "
                "network-shaped products, measured now)\n"),
              peak, m, n, k);
      printf ("\n%-16s %12s %12s %8s %10s %10s %9s\n", _("stage"), _("forward ms"),
              _("backward ms"), "%", _("fwd GF/s"), _("bwd GF/s"), _("of peak"));
    }
  for (size_t i = 0; i < n_stages; i++)
    {
      if (inference && st[i].forward_s <= 0.0)
        continue;
      double f_ms = st[i].forward_s * 1e3 / steps, b_ms = st[i].backward_s * 1e3 / steps;
      printf ("%-16s %12.1f %12.1f %7.1f%%", st[i].name, f_ms, b_ms,
              100.0 * (st[i].forward_s + st[i].backward_s) / MAX (total, 1e-12));
      if (!inference)
        {
          double gf = st[i].forward_flops / MAX (f_ms, 1e-9) * 1e-6;
          double gb = st[i].backward_flops / MAX (b_ms, 1e-9) * 1e-6;
          double all = (st[i].forward_flops + st[i].backward_flops)
                       / MAX (f_ms + b_ms, 1e-9) * 1e-6;
          printf (" %10.1f %10.1f %8.0f%%", gf, gb, 100.0 * all / MAX (peak, 1e-9));
        }
      printf ("\n");
    }
  if (inference)
    printf (_("%-16s %12.1f ms per step in the network, %.1f ms elsewhere (normalisation, "
              "softmax)\n"), _("total"), total * 1e3 / steps, (median - total / steps) * 1e3);
  else
    {
      printf (_("%-16s %12.1f ms per step in the network, %.1f ms elsewhere (losses, "
                "optimiser)\n"), _("total"), total * 1e3 / steps, (median - total / steps) * 1e3);
      printf (_("%-16s %12.1f GFLOP/s over the network's stages, %.0f%% of the sgemm peak\n"),
              _("network"), flops / MAX (total / steps, 1e-12) * 1e-9,
              100.0 * flops / MAX (total / steps, 1e-12) * 1e-9 / MAX (peak, 1e-9));
      printf (_("(FLOPs are those of direct convolution: a stage computed by Winograd's "
                "algorithm, %s, can pass the peak)\n"),
              cari_conv2d_algo_name (cari_conv2d_get_algo ()));
    }
}

/* Embedding extraction of one branch over the batch's n images, each timed call one batch.
 * Its report goes through g_print (the same stdout, flushed): with printf, GCC 12 under
 * -fsanitize=address,undefined -O2 takes some of these translated formats for null
 * (-Wformat-overflow) and the sanitizer build fails. */
static int
bench_inference (const char *prog, CariNet *net, const char *preset, CariTask branch, int steps,
                 int warmup, gboolean profile)
{
  const CariNetConfig *cfg = cari_net_get_config (net);
  const int n = cfg->max_caricatures + cfg->max_photos;
  const size_t img = (size_t) 3 * cfg->input_size * cfg->input_size;
  g_autoptr (GError) error = NULL;
  g_autofree float *images = g_new (float, img * n);
  g_autofree float *emb = g_new (float, (size_t) n * cfg->embedding_size);
  CariRng rng;

  cari_rng_seed (&rng, 42);
  for (size_t i = 0; i < img * n; i++)
    images[i] = cari_rng_normal (&rng);
  for (int i = 0; i < warmup; i++)
    if (!cari_net_infer (net, branch, images, n, emb, NULL, &error))
      return cli_report (prog, error, CLI_EXIT_FAILURE);
  cari_net_set_profiling (net, profile);
  g_autofree double *times = g_new (double, steps);
  for (int i = 0; i < steps; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      if (!cari_net_infer (net, branch, images, n, emb, NULL, &error))
        return cli_report (prog, error, CLI_EXIT_FAILURE);
      times[i] = (double) (g_get_monotonic_time () - t0) * 1e-6;
    }
  double median = median_sorted (times, steps);
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  g_autofree char *blas = cari_blas_describe ();
  CariInfer *inf = cari_net_get_infer (net, branch);

  g_print (_("preset:            %s (input %d, width %g, %d caricatures + %d photos, %d identities)\n"),
          preset, cfg->input_size, cfg->width, cfg->max_caricatures, cfg->max_photos,
          cfg->n_identities);
  const int parts = cari_net_infer_parts (net, branch);
  if (inf != NULL && parts > 1)
    g_print (_("mode:              inference (%s branch, folded engines, image-parallel: %d "
               "parts of up to %d images, one thread each)\n"),
             cari_task_to_string (branch), parts, cari_infer_get_max_n (inf));
  else if (inf != NULL)
    g_print (_("mode:              inference (%s branch, folded engine, passes of %d images)\n"),
            cari_task_to_string (branch), cari_infer_get_max_n (inf));
  else
    g_print (_("mode:              inference (%s branch, the training network unfolded: "
              "CARI_INFER=unfolded)\n"), cari_task_to_string (branch));
  g_print (_("parameters:        %zu (network %zu + weight module %zu)\n"),
          cari_net_param_count (net, FALSE) + cari_net_param_count (net, TRUE),
          cari_net_param_count (net, FALSE), cari_net_param_count (net, TRUE));
  if (inf != NULL)
    g_print (_("FLOPs per image:   %.4e\n"), cari_infer_flops (inf));
  g_print (_("step time:         %.4f s median of %d (min %.4f, max %.4f)\n"), median, steps,
          times[0], times[steps - 1]);
  g_print (_("images/s:          %.2f\n"), n / median);
  if (inf != NULL)
    g_print (_("GFLOP/s:           %.2f\n"), cari_infer_flops (inf) * n / median * 1e-9);
  g_print (_("peak RSS:          %.1f MiB\n"), ru.ru_maxrss / 1024.0);
  if (inf != NULL)
    g_print (_("memory:            %.1f MiB the first engine's own, besides the network's %.1f "
               "MiB\n"),
             cari_infer_memory_bytes (inf) / 1048576.0, cari_net_memory_bytes (net) / 1048576.0);
  g_print (_("BLAS:              %s\n"), blas);
  g_print (_("engine ISA:        %s (CARI_ISA)\n"), cari_cpu_isa_name (cari_cpu_isa ()));
  g_print (_("convolutions:      %s (CARI_CONV_ALGO)\n"),
          cari_conv2d_algo_name (cari_conv2d_get_algo ()));
  if (profile)
    print_profile (net, steps, median, TRUE);
  return CLI_EXIT_OK;
}

/* Loader throughput from a cold cache: batches in sampler order, each prefetched while the
 * previous one is copied out, as the trainer does. */
static int
bench_loader (const char *prog, const char *db, const char *dataset, const char *preset,
              int input_size, int batches)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (NULL, &error);
  g_autofree char *set_preset = g_strdup_printf ("model.preset=%s", preset);
  g_autofree char *set_data = g_strdup_printf ("data.dataset=%s", dataset);
  const char *sets[] = { set_preset, set_data, NULL };
  if (!cari_run_config_set_all (cfg, sets, NULL, &error))
    return cli_report (prog, error, CLI_EXIT_USAGE);
  if (input_size > 0)
    cfg->net.input_size = input_size;
  g_autoptr (CariStore) store = cli_open_store (db, FALSE, &error);
  g_autoptr (CariDataSource) src = store ? cli_open_dataset (cfg, store, &error) : NULL;
  g_autoptr (CariSampler) sampler = src ? cari_sampler_new (src, cfg->caricatures, cfg->photos,
                                                            FALSE, 1, &error)
                                        : NULL;
  if (sampler == NULL)
    return cli_report (prog, error, CLI_EXIT_FAILURE);
  const int n = cfg->caricatures + cfg->photos;
  g_autofree int *cur = g_new (int, n);
  g_autofree int *next = g_new (int, n);
  g_autofree float *dst = g_new (float, (size_t) n * 3 * cfg->net.input_size * cfg->net.input_size);
  cari_sampler_next (sampler, next);
  gint64 t0 = g_get_monotonic_time ();
  for (int b = 0; b < batches; b++)
    {
      memcpy (cur, next, sizeof (int) * n);
      cari_sampler_next (sampler, next);
      cari_data_source_prefetch (src, next, n);
      if (!cari_data_source_load (src, cur, n, dst, &error))
        return cli_report (prog, error, CLI_EXIT_FAILURE);
    }
  double seconds = (double) (g_get_monotonic_time () - t0) * 1e-6;
  printf (_("loader:            %s at %d px, %d batches of %d from a cold cache\n"), dataset,
          cfg->net.input_size, batches, n);
  printf (_("images/s:          %.1f\n"), batches * n / seconds);
  return CLI_EXIT_OK;
}

/* The timed steps of training and their report. */
static int
bench_training (BenchState *s, int n_replicas, const CariNetConfig *cfg, const char *preset,
                int identities, int steps, int warmup, gboolean profile)
{
  int n_cari = 0, n_photo = 0;
  for (int r = 0; r < n_replicas; r++)
    {
      n_cari += s[r].n_cari;
      n_photo += s[r].n_photo;
    }
  const int n = n_cari + n_photo;
  for (int i = 0; i < warmup; i++)
    bench_steps (s, n_replicas);
  cari_comm_take_seconds (s->comm);
  cari_net_set_profiling (s->net, profile);
  g_autofree double *times = g_new (double, steps);
  for (int i = 0; i < steps; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      bench_steps (s, n_replicas);
      times[i] = (double) (g_get_monotonic_time () - t0) * 1e-6;
    }
  double comm = cari_comm_take_seconds (s->comm), all = 0.0;
  for (int i = 0; i < steps; i++)
    all += times[i];
  double median = median_sorted (times, steps);
  double flops = cari_net_train_flops (s->net, n_cari, n_photo, FALSE);
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  g_autofree char *blas = cari_blas_describe ();

  printf (_("preset:            %s (input %d, width %g, %d caricatures + %d photos, %d identities)\n"),
          preset != NULL ? preset : "paper", cfg->input_size, cfg->width, n_cari, n_photo,
          identities);
  printf (_("parameters:        %zu (network %zu + weight module %zu)\n"),
          cari_net_param_count (s->net, FALSE) + cari_net_param_count (s->net, TRUE),
          cari_net_param_count (s->net, FALSE), cari_net_param_count (s->net, TRUE));
  printf (_("FLOPs per step:    %.4e\n"), flops);
  printf (_("step time:         %.4f s median of %d (min %.4f, max %.4f)\n"), median, steps,
          times[0], times[steps - 1]);
  printf (_("images/s:          %.2f\n"), n / median);
  printf (_("GFLOP/s:           %.2f\n"), flops / median * 1e-9);
  printf (_("peak RSS:          %.1f MiB\n"), ru.ru_maxrss / 1024.0);
  printf (_("BLAS:              %s\n"), blas);
  if (n_replicas > 1)
    printf (_("replicas:          %d (--replicas), %.1f %% of the time in their sums and waits\n"),
            n_replicas, 100.0 * comm / MAX (all, 1e-12));
  else
    printf (_("replicas:          1 (--replicas)\n"));
  printf (_("engine ISA:        %s (CARI_ISA)\n"), cari_cpu_isa_name (cari_cpu_isa ()));
  printf (_("convolutions:      %s (CARI_CONV_ALGO)\n"),
          cari_conv2d_algo_name (cari_conv2d_get_algo ()));

  if (profile)
    {
      if (n_replicas > 1)
        printf (_("\nThe stages of replica 0 (%d caricatures + %d photos, one thread):\n"),
                s->n_cari, s->n_photo);
      print_profile (s->net, steps, median, FALSE);
    }
  return CLI_EXIT_OK;
}

int
cmd_bench (int argc, char **argv)
{
  g_autofree char *preset = NULL;
  int n_cari = -1, n_photo = -1, input_size = 0, steps = 10, warmup = 2, threads = 0;
  int replicas = 0;
  int identities = 200;
  double width = 0.0;
  gboolean profile = FALSE, inference = FALSE;
  g_autofree char *dataset = NULL, *db = NULL, *branch_name = NULL;
  GOptionEntry entries[] = {
    { "dataset", 'd', 0, G_OPTION_ARG_STRING, &dataset, N_("Time the data loader on this data set instead of the network"), N_("NAME") },
    cli_db_option (&db),
    { "preset", 'p', 0, G_OPTION_ARG_STRING, &preset, N_("Model preset: paper or demo (default: paper)"), N_("NAME") },
    { "caricatures", 'c', 0, G_OPTION_ARG_INT, &n_cari, N_("Caricatures per batch (default: the preset's)"), N_("N") },
    { "photos", 'v', 0, G_OPTION_ARG_INT, &n_photo, N_("Photos per batch (default: the preset's)"), N_("N") },
    { "input-size", 's', 0, G_OPTION_ARG_INT, &input_size, N_("Input side in pixels (default: the preset's)"), N_("PIXELS") },
    { "width", 'w', 0, G_OPTION_ARG_DOUBLE, &width, N_("Channel width multiplier (default: the preset's)"), N_("FACTOR") },
    { "identities", 'k', 0, G_OPTION_ARG_INT, &identities, N_("Identities of each classifier (default: 200)"), N_("N") },
    { "steps", 'n', 0, G_OPTION_ARG_INT, &steps, N_("Timed training steps (default: 10)"), N_("N") },
    { "warmup", 0, 0, G_OPTION_ARG_INT, &warmup, N_("Untimed steps first (default: 2)"), N_("N") },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, N_("BLAS threads (default: as configured)"), N_("N") },
    { "replicas", 'r', 0, G_OPTION_ARG_INT, &replicas, N_("Training: replicas of the network, each on its share of the batch and a thread of its own, as batch.replicas (default: auto, as a run would choose)"), N_("N") },
    { "profile", 0, 0, G_OPTION_ARG_NONE, &profile, N_("Print the time spent in each stage of the network"), NULL },
    { "inference", 'i', 0, G_OPTION_ARG_NONE, &inference, N_("Time embedding extraction (the trunk and one branch, no gradients) of the batch's images instead of training steps"), NULL },
    { "branch", 'b', 0, G_OPTION_ARG_STRING, &branch_name, N_("With --inference, the branch: verif, cari or visual (default: visual)"), N_("NAME") },
    { NULL },
  };
  g_autoptr (GError) error = NULL;
  CariNetConfig cfg;

  if (!cli_parse_command (&argc, &argv, _("Time training steps (forward, backward, RMSProp) of the "
                                  "network on random images and print parameters, FLOPs per "
                                  "step, images/s, GFLOP/s and peak memory; with --inference, "
                                  "time embedding extraction instead."), entries))
    return CLI_EXIT_USAGE;
  if (steps < 1 || warmup < 0 || threads < 0)
    {
      g_printerr (_("%s: --steps must be positive and --warmup, --threads not negative\n"),
                  argv[0]);
      return CLI_EXIT_USAGE;
    }
  if (dataset != NULL)
    return bench_loader (argv[0], db, dataset, preset != NULL ? preset : "demo", input_size,
                         steps);
  if (!cari_net_config_init_preset (&cfg, preset != NULL ? preset : "paper", &error))
    return cli_report (argv[0], error, CLI_EXIT_USAGE);
  if (n_cari >= 0)
    cfg.max_caricatures = n_cari;
  if (n_photo >= 0)
    cfg.max_photos = n_photo;
  if (input_size > 0)
    cfg.input_size = input_size;
  if (width > 0.0)
    cfg.width = (float) width;
  cfg.n_identities = identities;

  CariTask branch = CARI_TASK_VISUAL;
  if (branch_name != NULL && !cari_task_from_string (branch_name, &branch, &error))
    return cli_report (argv[0], error, CLI_EXIT_USAGE);

  cari_blas_set_threads (threads);
  if (inference)
    {
      g_autoptr (CariNet) net = cari_net_new (&cfg, 1, &error);
      if (net == NULL)
        return cli_report (argv[0], error, CLI_EXIT_USAGE);
      return bench_inference (argv[0], net, preset != NULL ? preset : "paper", branch, steps,
                              warmup, profile);
    }

  /* As a run would train it: replicas of the network, each taking its share of the batch on a
   * thread of its own (batch.replicas), when --replicas or the rule for "auto" says so. */
  const int nc = cfg.max_caricatures, np = cfg.max_photos, n = nc + np;
  const int n_replicas = cari_replicas_choose (replicas, &cfg, nc, np, cari_blas_set_threads (0));
  const size_t img = (size_t) 3 * cfg.input_size * cfg.input_size;
  g_autofree BenchState *s = g_new0 (BenchState, n_replicas);
  g_autofree CariComm **comms = g_new0 (CariComm *, n_replicas);
  CariOptimizerConfig ocfg;
  cari_optimizer_config_init (&ocfg, CARI_OPTIMIZER_RMSPROP);
  CariRng rng;
  cari_rng_seed (&rng, 42);
  g_autofree float *images = g_new (float, img * n);
  for (size_t i = 0; i < img * n; i++)
    images[i] = cari_rng_normal (&rng);
  if (n_replicas > 1)
    cari_comm_local_group_new (n_replicas, comms);
  gboolean ok = TRUE;
  for (int r = 0; r < n_replicas && ok; r++)
    {
      BenchState *b = &s[r];
      int c0, c1, p0, p1;
      cari_comm_share (nc, r, n_replicas, &c0, &c1);
      cari_comm_share (np, r, n_replicas, &p0, &p1);
      CariNetConfig share = cfg;
      share.max_caricatures = c1 - c0;
      share.max_photos = p1 - p0;
      b->n_cari = c1 - c0;
      b->n_photo = p1 - p0;
      b->lr = 1e-3f;
      b->net = cari_net_new (&share, 1, &error);
      ok = b->net != NULL;
      if (!ok)
        break;
      size_t n_theta, n_psi;
      cari_net_params (b->net, &n_theta);
      cari_net_module_params (b->net, &n_psi);
      b->opt = cari_optimizer_new (&ocfg, n_theta, &error);
      if (b->opt != NULL && cfg.weight_module)
        b->opt_module = cari_optimizer_new (&ocfg, n_psi, &error);
      ok = b->opt != NULL && (!cfg.weight_module || b->opt_module != NULL);
      const int rows = b->n_cari + b->n_photo;
      b->row_ids = g_new (int, rows);
      for (int i = 0; i < rows; i++)
        b->row_ids[i] = i < b->n_cari ? c0 + i : nc + p0 + (i - b->n_cari);
      b->images = g_new (float, img * rows);
      for (int i = 0; i < rows; i++)
        memcpy (b->images + img * i, images + img * b->row_ids[i], img * sizeof (float));
      for (int t = 0; t < CARI_N_TASKS; t++)
        {
          b->labels[t] = g_new (int, rows);
          for (int i = 0; i < rows; i++)
            b->labels[t][i] = (int) cari_rng_below (&rng, (uint32_t) identities);
        }
      if (n_replicas > 1)
        {
          b->comm = comms[r];
          cari_net_set_comm (b->net, b->comm, TRUE);
        }
    }
  g_clear_pointer (&images, g_free);
  int status;
  if (!ok)
    status = cli_report (argv[0], error, CLI_EXIT_FAILURE);
  else
    status = bench_training (s, n_replicas, &cfg, preset, identities, steps, warmup, profile);
  for (int r = 0; r < n_replicas; r++)
    {
      for (int t = 0; t < CARI_N_TASKS; t++)
        g_free (s[r].labels[t]);
      g_free (s[r].images);
      g_free (s[r].row_ids);
      cari_optimizer_free (s[r].opt);
      cari_optimizer_free (s[r].opt_module);
      cari_net_free (s[r].net);
      if (comms[r] != NULL)
        cari_comm_free (comms[r]);
    }
  return status;
}
