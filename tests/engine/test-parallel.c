/* test-parallel.c — data-parallel training with the engine's local group (ranks as threads):
 * the group's calls, and N = 1, 2 and 3 ranks at the same global batch computing what one
 * process does — the first 20 steps' losses and task weights to 1e-4 relative, the parameters
 * identical on every rank — checkpoints moving between a group and one process both ways, and
 * one rank's cancellation or failure stopping every rank at the same step. Then a trainer's own
 * replicas in one process (batch.replicas): the same equivalence, restores and cancellation. */
#include <cari.h>
#include <math.h>
#include <string.h>

#define STEPS 20
#define TOL 1e-4

/* ------------------------------------------------------------------ the group's calls */

typedef struct
{
  CariComm *comm;
  gboolean agreed;
  char *message;
  int sum_int;
  double sum_double;
  float sums[3];
  char *broadcast;
} CallsRank;

static gpointer
calls_rank (gpointer data)
{
  CallsRank *r = data;
  const int rank = r->comm->rank;

  int i = rank + 1;
  cari_comm_allreduce_sum (r->comm, &i, 1, CARI_COMM_INT);
  r->sum_int = i;
  double d = 0.5 * rank;
  cari_comm_allreduce_sum (r->comm, &d, 1, CARI_COMM_DOUBLE);
  r->sum_double = d;
  float f[3] = { (float) rank, 1.0f, -2.0f * rank };
  cari_comm_allreduce_sum (r->comm, f, 3, CARI_COMM_FLOAT);
  memcpy (r->sums, f, sizeof f);

  g_autoptr (GBytes) bytes = rank == 1 ? g_bytes_new_static ("from one", 9) : NULL;
  cari_comm_broadcast_bytes (r->comm, &bytes, 1);
  r->broadcast = g_strdup (g_bytes_get_data (bytes, NULL));

  /* Rank 2 fails and rank 1 is cancelled: every rank hears of rank 2's failure. */
  g_autoptr (GError) error = NULL;
  if (rank == 2)
    g_set_error (&error, CARI_ERROR, CARI_ERROR_IO, "disk full");
  else if (rank == 1)
    g_set_error (&error, CARI_ERROR, CARI_ERROR_CANCELLED, "cancelled");
  r->agreed = cari_comm_agree (r->comm, &error);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_IO);
  r->message = g_strdup (error->message);

  /* All going on agree. */
  g_clear_error (&error);
  g_assert_true (cari_comm_agree (r->comm, &error));
  g_assert_no_error (error);
  return NULL;
}

static void
test_calls (void)
{
  CariComm *comms[3];
  CallsRank ranks[3] = { 0 };
  GThread *threads[3];

  cari_comm_local_group_new (3, comms);
  for (int r = 0; r < 3; r++)
    {
      ranks[r].comm = comms[r];
      threads[r] = g_thread_new ("rank", calls_rank, &ranks[r]);
    }
  for (int r = 0; r < 3; r++)
    g_thread_join (threads[r]);
  for (int r = 0; r < 3; r++)
    {
      g_assert_cmpint (ranks[r].sum_int, ==, 6);
      g_assert_cmpfloat (ranks[r].sum_double, ==, 1.5);
      g_assert_cmpfloat (ranks[r].sums[0], ==, 3.0f);
      g_assert_cmpfloat (ranks[r].sums[1], ==, 3.0f);
      g_assert_cmpfloat (ranks[r].sums[2], ==, -6.0f);
      g_assert_cmpstr (ranks[r].broadcast, ==, "from one");
      g_assert_false (ranks[r].agreed);
      g_assert_cmpstr (ranks[r].message, ==, "Rank 2: disk full");
      g_free (ranks[r].broadcast);
      g_free (ranks[r].message);
      cari_comm_free (comms[r]);
    }

  /* Shares: contiguous, in order, differing by at most one. */
  int begin, end, next = 0;
  for (int r = 0; r < 3; r++)
    {
      cari_comm_share (8, r, 3, &begin, &end);
      g_assert_cmpint (begin, ==, next);
      g_assert_cmpint (end - begin, ==, r < 2 ? 3 : 2);
      next = end;
    }
  g_assert_cmpint (next, ==, 8);
}

/* ------------------------------------------------------------------ training */

static CariDataSource *
toy_source (void)
{
  CariToyConfig tc;
  cari_toy_config_init (&tc);
  tc.identities = 6;
  tc.photos_per_identity = 8;
  tc.caricatures_per_identity = 8;
  tc.caricature_label_noise = 0.3;
  CariDataSource *src = cari_toy_source_new (&tc, NULL);
  g_assert_nonnull (src);
  return src;
}

/* The proposed strategy with every task, the center loss and dropout: everything a batch's rows
 * share. 7 caricatures and 8 photos, so that three ranks take unequal shares. The rate is small:
 * at 0.01 this tiny network on toy images amplifies any change of rounding — one process with 2
 * BLAS threads drifts from itself with 1 thread by 5e-3 within 20 steps (max-pooling ties and
 * ReLU kinks flipping), as 2 ranks do; at 1e-4 both stay near 1e-6. */
static CariRunConfig *
run_config (void)
{
  g_autoptr (GError) error = NULL;
  CariRunConfig *cfg = cari_run_config_new ("[model]\ninput_size=75\nwidth=0.0625\n"
                                            "embedding_size=16\ndropout_keep=0.8\n"
                                            "[strategy]\nname=proposed\n"
                                            "[batch]\ncaricatures=7\nphotos=8\n"
                                            "[loss]\ncenter_weight=0.05\n"
                                            "[optim]\nlr=0.0001\n",
                                            &error);
  g_assert_no_error (error);
  return cfg;
}

typedef struct
{
  CariComm *comm;
  const CariRunConfig *cfg;
  GBytes *start;       /* a checkpoint to start from, or NULL */
  int steps;
  CariStepStats *stats; /* [steps] */
  CariCheckpoint *end; /* rank 0's state after the steps */
  float *params;       /* a copy of the parameters */
  size_t n_params;
} Rank;

static gpointer
train_rank (gpointer data)
{
  Rank *r = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CariDataSource) src = toy_source ();
  g_autoptr (CariTrainer) t = cari_trainer_new_shared (r->cfg, src, r->comm, &error);
  g_assert_no_error (error);
  if (r->start != NULL)
    {
      g_autoptr (CariCheckpoint) ck = cari_checkpoint_from_bytes (r->start, "start", &error);
      g_assert_no_error (error);
      g_assert_true (cari_trainer_restore (t, ck, &error));
      g_assert_no_error (error);
    }
  for (int i = 0; i < r->steps; i++)
    {
      g_assert_true (cari_trainer_step (t, &r->stats[i], &error));
      g_assert_no_error (error);
    }
  r->end = cari_trainer_checkpoint (t);
  float *p = cari_net_params (cari_trainer_get_net (t), &r->n_params);
  r->params = g_memdup2 (p, r->n_params * sizeof (float));
  return NULL;
}

/* Trains `n` ranks for `steps` steps from `start` (NULL: the beginning); ranks[] keep what each
 * saw. */
static void
train_group (int n, const CariRunConfig *cfg, GBytes *start, int steps, Rank *ranks)
{
  CariComm *comms[3];
  GThread *threads[3];
  g_assert_cmpint (n, <=, 3);
  if (n > 1)
    cari_comm_local_group_new (n, comms);
  for (int r = 0; r < n; r++)
    {
      ranks[r] = (Rank) { n > 1 ? comms[r] : NULL, cfg, start, steps,
                          g_new0 (CariStepStats, steps), NULL, NULL, 0 };
      threads[r] = g_thread_new ("rank", train_rank, &ranks[r]);
    }
  for (int r = 0; r < n; r++)
    g_thread_join (threads[r]);
  for (int r = 0; r < n && n > 1; r++)
    cari_comm_free (comms[r]);
}

static void
rank_clear (Rank *r)
{
  g_free (r->stats);
  g_free (r->params);
  g_clear_pointer (&r->end, cari_checkpoint_free);
}

static double
rel (double a, double b)
{
  return fabs (a - b) / MAX (fabs (b), 1e-6);
}

/* The worst relative difference of a's losses and task weights from b's over `steps` steps. */
static double
worst_difference (const CariStepStats *a, const CariStepStats *b, int steps)
{
  double worst = 0.0;
  for (int i = 0; i < steps; i++)
    for (int task = 0; task < CARI_N_TASKS; task++)
      {
        g_assert_cmpint (a[i].present[task], ==, b[i].present[task]);
        if (!a[i].present[task])
          continue;
        worst = MAX (worst, rel (a[i].loss[task], b[i].loss[task]));
        worst = MAX (worst, rel (a[i].weight[task], b[i].weight[task]));
      }
  return worst;
}

static void
test_equivalence (void)
{
  g_autoptr (CariRunConfig) cfg = run_config ();
  Rank one[1];

  cari_blas_set_threads (1);
  train_group (1, cfg, NULL, STEPS, one);
  /* The run moves: the task weights leave 1/3 by far more than the tolerance. */
  g_assert_cmpfloat (rel (one[0].stats[STEPS - 1].weight[CARI_TASK_CARI], 1.0 / 3.0), >, 100 * TOL);
  for (int n = 2; n <= 3; n++)
    {
      Rank ranks[3];
      train_group (n, cfg, NULL, STEPS, ranks);
      double worst = worst_difference (ranks[0].stats, one[0].stats, STEPS);
      g_test_message ("%d ranks: worst relative difference of the losses and task weights over "
                      "%d steps: %.2e",
                      n, STEPS, worst);
      g_assert_cmpfloat (worst, <, TOL);
      /* Every rank holds the same parameters, bit for bit. */
      for (int r = 1; r < n; r++)
        {
          g_assert_cmpuint (ranks[r].n_params, ==, ranks[0].n_params);
          g_assert_cmpint (memcmp (ranks[r].params, ranks[0].params,
                                   ranks[0].n_params * sizeof (float)),
                           ==, 0);
        }
      for (int r = 0; r < n; r++)
        rank_clear (&ranks[r]);
    }
  rank_clear (&one[0]);
}

static void
test_checkpoints_cross (void)
{
  g_autoptr (CariRunConfig) cfg = run_config ();
  Rank one_first[1], one_then[1], two_first[2], two_then[2];

  cari_blas_set_threads (1);
  /* One process for 10 steps, then two ranks from its checkpoint for 10 … */
  train_group (1, cfg, NULL, STEPS / 2, one_first);
  g_autoptr (GBytes) from_one = cari_checkpoint_to_bytes (one_first[0].end);
  train_group (2, cfg, from_one, STEPS / 2, two_then);
  /* … and two ranks for 10, then one process from rank 0's checkpoint for 10. */
  train_group (2, cfg, NULL, STEPS / 2, two_first);
  g_autoptr (GBytes) from_two = cari_checkpoint_to_bytes (two_first[0].end);
  train_group (1, cfg, from_two, STEPS / 2, one_then);

  /* Both continuations went on from step 10 and agree with each other. */
  g_assert_cmpuint (two_then[0].stats[0].step, ==, STEPS / 2 + 1);
  g_assert_cmpuint (one_then[0].stats[0].step, ==, STEPS / 2 + 1);
  double worst = worst_difference (two_then[0].stats, one_then[0].stats, STEPS / 2);
  g_test_message ("checkpoints across group sizes: worst relative difference %.2e", worst);
  g_assert_cmpfloat (worst, <, TOL);
  rank_clear (&one_first[0]);
  rank_clear (&one_then[0]);
  for (int r = 0; r < 2; r++)
    {
      rank_clear (&two_first[r]);
      rank_clear (&two_then[r]);
    }
}

/* Two ranks step 5 times; then `who` cancels (rank 1) or stops the group with a failure of its
 * own (rank 0, as the run loop does when the store fails): both ranks' next step fails alike. */
typedef struct
{
  CariComm *comm;
  const CariRunConfig *cfg;
  gboolean cancel; /* rank 1 cancels, else rank 0 stops the group */
  guint64 step;
  GError *error;
} StopRank;

static gpointer
stop_rank (gpointer data)
{
  StopRank *r = data;
  g_autoptr (CariDataSource) src = toy_source ();
  g_autoptr (CariTrainer) t = cari_trainer_new_shared (r->cfg, src, r->comm, &r->error);
  g_assert_no_error (r->error);
  for (int i = 0; i < 5; i++)
    g_assert_true (cari_trainer_step (t, NULL, &r->error));
  if (r->cancel && r->comm->rank == 1)
    cari_trainer_cancel (t);
  if (!r->cancel && r->comm->rank == 0)
    {
      g_autoptr (GError) full = g_error_new (CARI_ERROR, CARI_ERROR_IO, "store full");
      cari_trainer_stop_group (t, full);
      g_set_error (&r->error, CARI_ERROR, CARI_ERROR_IO, "store full");
    }
  else
    g_assert_false (cari_trainer_step (t, NULL, &r->error));
  r->step = cari_trainer_get_step (t);
  return NULL;
}

static void
test_a_rank_stops_the_group (void)
{
  g_autoptr (CariRunConfig) cfg = run_config ();
  cari_blas_set_threads (1);
  for (int cancel = 0; cancel < 2; cancel++)
    {
      CariComm *comms[2];
      StopRank ranks[2];
      GThread *threads[2];
      cari_comm_local_group_new (2, comms);
      for (int r = 0; r < 2; r++)
        {
          ranks[r] = (StopRank) { comms[r], cfg, cancel, 0, NULL };
          threads[r] = g_thread_new ("rank", stop_rank, &ranks[r]);
        }
      for (int r = 0; r < 2; r++)
        g_thread_join (threads[r]);
      for (int r = 0; r < 2; r++)
        {
          g_assert_cmpuint (ranks[r].step, ==, 5);
          if (cancel)
            {
              g_assert_error (ranks[r].error, CARI_ERROR, CARI_ERROR_CANCELLED);
              g_assert_cmpstr (ranks[r].error->message, ==, "Rank 1: Training was cancelled");
            }
          else
            {
              g_assert_error (ranks[r].error, CARI_ERROR, CARI_ERROR_IO);
              g_assert_cmpstr (ranks[r].error->message, ==,
                               r == 0 ? "store full" : "Rank 0: store full");
            }
          g_clear_error (&ranks[r].error);
          cari_comm_free (comms[r]);
        }
    }
}

/* ------------------------------------------------------------------ replicas in one process */

static CariRunConfig *
replicas_config (int n)
{
  g_autoptr (GError) error = NULL;
  CariRunConfig *cfg = run_config ();
  g_autofree char *assignment = g_strdup_printf ("batch.replicas=%d", n);
  g_assert_true (cari_run_config_set (cfg, assignment, &error));
  g_assert_no_error (error);
  return cfg;
}

static void
train_steps (CariTrainer *t, int steps, CariStepStats *stats)
{
  g_autoptr (GError) error = NULL;
  for (int i = 0; i < steps; i++)
    {
      g_assert_true (cari_trainer_step (t, &stats[i], &error));
      g_assert_no_error (error);
    }
}

/* One trainer with 2 and 3 replicas computes what it computes with 1 (to 1e-4), whatever the
 * host did to its network before the first step; a checkpoint restored into it reaches every
 * replica. */
static void
test_replicas (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariDataSource) src = toy_source ();
  cari_blas_set_threads (1);
  g_autoptr (CariRunConfig) cfg1 = replicas_config (1);
  CariStepStats one[STEPS], many[STEPS], resumed[STEPS / 2];

  /* The host changes the weights before training (as a run started from another tool's weights
   * does): replica 0's network alone is what it sees. */
  g_autoptr (CariTrainer) t1 = cari_trainer_new (cfg1, src, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cari_trainer_get_replicas (t1), ==, 1);
  size_t n_params;
  float *p = cari_net_params (cari_trainer_get_net (t1), &n_params);
  for (size_t i = 0; i < n_params; i += 7)
    p[i] *= 1.5f;
  train_steps (t1, STEPS, one);

  for (int n = 2; n <= 3; n++)
    {
      g_autoptr (CariRunConfig) cfg = replicas_config (n);
      g_autoptr (CariTrainer) t = cari_trainer_new (cfg, src, &error);
      g_assert_no_error (error);
      g_assert_cmpint (cari_trainer_get_replicas (t), ==, n);
      /* A host drives no group of its own. */
      g_assert_null (cari_trainer_get_comm (t));
      p = cari_net_params (cari_trainer_get_net (t), &n_params);
      for (size_t i = 0; i < n_params; i += 7)
        p[i] *= 1.5f;
      train_steps (t, STEPS, many);
      double worst = worst_difference (many, one, STEPS);
      g_test_message ("%d replicas: worst relative difference of the losses and task weights "
                      "over %d steps: %.2e",
                      n, STEPS, worst);
      g_assert_cmpfloat (worst, <, TOL);

      /* Replica 0's state at step 10, restored into a fresh trainer, goes on as the first did,
       * bit for bit (same replicas): the restore reached the other replicas. */
      g_autoptr (CariTrainer) a = cari_trainer_new (cfg, src, &error);
      train_steps (a, STEPS / 2, resumed);
      g_autoptr (CariCheckpoint) ck = cari_trainer_checkpoint (a);
      g_autoptr (CariTrainer) b = cari_trainer_new (cfg, src, &error);
      train_steps (b, 3, resumed); /* a state of its own, replaced by the restore */
      g_assert_true (cari_trainer_restore (b, ck, &error));
      g_assert_no_error (error);
      train_steps (b, STEPS / 2, resumed);
      train_steps (a, STEPS / 2, many);
      for (int i = 0; i < STEPS / 2; i++)
        for (int task = 0; task < CARI_N_TASKS; task++)
          {
            g_assert_cmpfloat (resumed[i].loss[task], ==, many[i].loss[task]);
            g_assert_cmpfloat (resumed[i].weight[task], ==, many[i].weight[task]);
          }
    }
}

/* A cancelled trainer with replicas stops all of them at the same step, with the message of one
 * process (no rank named), and steps again once the cancellation is lifted by a new trainer. */
static void
test_replicas_cancel (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariDataSource) src = toy_source ();
  g_autoptr (CariRunConfig) cfg = replicas_config (2);
  g_autoptr (CariTrainer) t = cari_trainer_new (cfg, src, &error);
  CariStepStats st[2];
  train_steps (t, 2, st);
  cari_trainer_cancel (t);
  g_assert_false (cari_trainer_step (t, NULL, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "Training was cancelled");
  g_assert_cmpuint (cari_trainer_get_step (t), ==, 2);
  /* Every replica stopped at that step: none is left waiting in the next one, and the trainer
   * is freed without a hang. */
}

/* cari_parallel_together runs its parts at once: three meet at a barrier (which would never
 * open were one waiting for another to finish), each as a part, whatever the pool's size. */
typedef struct
{
  CariComm *comms[3];
  gboolean in_part[3];
  int sum[3];
} Meeting;

static void
meet (gpointer data, size_t i, size_t end)
{
  Meeting *m = data;
  g_assert_cmpuint (end, ==, i + 1);
  m->in_part[i] = cari_parallel_in_part ();
  int v = (int) i + 1;
  cari_comm_allreduce_sum (m->comms[i], &v, 1, CARI_COMM_INT);
  m->sum[i] = v;
}

static void
test_together (void)
{
  Meeting m = { 0 };
  cari_blas_set_threads (1);
  cari_comm_local_group_new (3, m.comms);
  cari_parallel_together (3, meet, &m);
  for (int i = 0; i < 3; i++)
    {
      g_assert_true (m.in_part[i]);
      g_assert_cmpint (m.sum[i], ==, 6);
      cari_comm_free (m.comms[i]);
    }
  /* The caller is no part once it returns. */
  g_assert_false (cari_parallel_in_part ());
}

static void
test_too_small_a_batch (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) cfg = run_config ();
  g_autoptr (CariDataSource) src = toy_source ();
  CariComm *comms[8];
  cari_comm_local_group_new (8, comms);
  /* 7 caricatures for 8 ranks: one would have none. */
  g_assert_null (cari_trainer_new_shared (cfg, src, comms[0], &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "8 ranks"));
  for (int r = 0; r < 8; r++)
    cari_comm_free (comms[r]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/parallel/calls", test_calls);
  g_test_add_func ("/parallel/equivalence-1-2-3-ranks", test_equivalence);
  g_test_add_func ("/parallel/checkpoints-across-group-sizes", test_checkpoints_cross);
  g_test_add_func ("/parallel/a-rank-stops-the-group", test_a_rank_stops_the_group);
  g_test_add_func ("/parallel/too-small-a-batch", test_too_small_a_batch);
  g_test_add_func ("/parallel/together", test_together);
  g_test_add_func ("/parallel/replicas", test_replicas);
  g_test_add_func ("/parallel/replicas-cancel", test_replicas_cancel);
  return g_test_run ();
}
