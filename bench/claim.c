/* claim.c — the paper's claim as a measurement: at the same r, does proposed weighting recognise
 * caricatures better than naive weighting? Both train the same network on the toy set, where
 * caricature identification is made hard but learnable (noisier caricatures, no wrong labels),
 * from the same seed, for several seeds; the figure is the validation caricature-identification
 * accuracy of the `cari` classifier (val/cari_acc) after the last step, and the task weights
 * over the last 100 steps. Whichever way it goes, the numbers are reported, not asserted.
 *
 *   _build/bench/claim [--seeds N] [--steps N] [--caricature-noise SIGMA] [--r R]
 *
 * Defaults: 8 seeds, 600 steps, caricature noise 0.75 (photos 0.3): caricature identification
 * then reaches 0.03–0.58 against a chance of 0.05 (20 identities); at 1.2 it stays at chance.
 */
#include <cari.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct
{
  double cari_acc, visual_acc;
  double weight[CARI_N_TASKS]; /* mean over the last 100 steps */
} Outcome;

static gboolean
train (const char *strategy, guint64 seed, int steps, double noise, double r, Outcome *out,
       GError **error)
{
  CariToyConfig tc;
  cari_toy_config_init (&tc);
  tc.caricature_noise = noise;
  tc.caricature_label_noise = 0.0;
  tc.validation_per_identity = 4; /* 80 validation caricatures: a step of 1.25 % */
  tc.seed = seed;
  g_autoptr (CariDataSource) src = cari_toy_source_new (&tc, error);
  char rbuf[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *text = g_strdup_printf (
    "[run]\nseed=%" G_GUINT64_FORMAT "\n[model]\ninput_size=75\nwidth=0.0625\n"
    "embedding_size=16\n[strategy]\nname=%s\nr=%s\n[loss]\ncenter_weight=0\n"
    "[optim]\nname=adam\nlr=0.001\nepsilon=1e-8\nmodule_lr=0.0001\n"
    "[batch]\ncaricatures=16\nphotos=16\n[data]\ndataset=toy\n",
    seed, strategy, g_ascii_formatd (rbuf, sizeof rbuf, "%g", r));
  g_autoptr (CariRunConfig) cfg = src ? cari_run_config_new (text, error) : NULL;
  g_autoptr (CariTrainer) t = cfg ? cari_trainer_new (cfg, src, error) : NULL;
  if (t == NULL)
    return FALSE;
  memset (out, 0, sizeof *out);
  const int last = MIN (100, steps);
  for (int i = 0; i < steps; i++)
    {
      CariStepStats st;
      if (!cari_trainer_step (t, &st, error))
        return FALSE;
      if (i >= steps - last)
        for (int k = 0; k < CARI_N_TASKS; k++)
          out->weight[k] += st.weight[k] / last;
    }
  g_autoptr (GHashTable) val = cari_trainer_validate (t, error);
  if (val == NULL)
    return FALSE;
  const double *c = g_hash_table_lookup (val, "val/cari_acc");
  const double *v = g_hash_table_lookup (val, "val/visual_acc");
  out->cari_acc = c ? *c : NAN;
  out->visual_acc = v ? *v : NAN;
  return TRUE;
}

static void
mean_std (const double *x, int n, double *mean, double *std)
{
  double s = 0.0, s2 = 0.0;
  for (int i = 0; i < n; i++)
    s += x[i];
  *mean = s / n;
  for (int i = 0; i < n; i++)
    s2 += (x[i] - *mean) * (x[i] - *mean);
  *std = n > 1 ? sqrt (s2 / (n - 1)) : 0.0;
}

int
main (int argc, char **argv)
{
  int seeds = 8, steps = 600;
  double noise = 0.75, r = 2.0;
  GOptionEntry entries[] = {
    { "seeds", 0, 0, G_OPTION_ARG_INT, &seeds, "Seeds 1 … N (default 8)", "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, "Training steps per run (default 600)", "N" },
    { "caricature-noise", 0, 0, G_OPTION_ARG_DOUBLE, &noise,
      "Pixel noise σ of the toy caricatures (default 0.75; photos 0.3)", "SIGMA" },
    { "r", 0, 0, G_OPTION_ARG_DOUBLE, &r, "The module's logit scale, for both (default 2)", "R" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("— naive against proposed, by seed");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || seeds < 1 || steps < 1)
    {
      fprintf (stderr, "claim: %s\n", error ? error->message : "seeds and steps must be ≥ 1");
      return 2;
    }
  cari_init ();
  printf ("toy set, caricature noise %.2f, no wrong labels; r = %g for both; %d steps; Adam\n",
          noise, r, steps);
  printf ("seed  naive cari-id  proposed cari-id  difference   naive w(verif cari visual)   "
          "proposed w(verif cari visual)\n");
  g_autofree double *diff = g_new (double, seeds);
  g_autofree double *naive = g_new (double, seeds);
  g_autofree double *proposed = g_new (double, seeds);
  int wins = 0;
  for (int s = 0; s < seeds; s++)
    {
      Outcome a, b;
      if (!train ("naive", (guint64) s + 1, steps, noise, r, &a, &error)
          || !train ("proposed", (guint64) s + 1, steps, noise, r, &b, &error))
        {
          fprintf (stderr, "claim: %s\n", error->message);
          return 1;
        }
      naive[s] = a.cari_acc;
      proposed[s] = b.cari_acc;
      diff[s] = b.cari_acc - a.cari_acc;
      wins += diff[s] > 0;
      printf ("%4d  %13.3f  %16.3f  %+10.3f   %.2f %.2f %.2f               %.2f %.2f %.2f\n",
              s + 1, a.cari_acc, b.cari_acc, diff[s], a.weight[0], a.weight[1], a.weight[2],
              b.weight[0], b.weight[1], b.weight[2]);
      fflush (stdout);
    }
  double mn, sn, mp, sp, md, sd;
  mean_std (naive, seeds, &mn, &sn);
  mean_std (proposed, seeds, &mp, &sp);
  mean_std (diff, seeds, &md, &sd);
  printf ("mean  %6.3f ± %.3f  %9.3f ± %.3f  %+.3f ± %.3f (sample std over seeds); proposed "
          "higher in %d of %d seeds\n",
          mn, sn, mp, sp, md, sd, wins, seeds);
  return 0;
}
