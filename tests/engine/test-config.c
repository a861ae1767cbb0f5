/* test-config.c — the run configuration: defaults, the canonical text, errors that name the key
 * (and the assignment) at fault, "auto" values kept in the text, the name tables, deep copies. */
#include <cari.h>
#include <glib/gstdio.h>
#include <string.h>

static void
test_config_defaults_and_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfg->strategy, ==, CARI_STRATEGY_PROPOSED);
  g_assert_cmpfloat (cfg->r, ==, 2.0);          /* the same for every strategy */
  g_assert_false (cfg->module_xavier);          /* uniform weights at the start */
  g_assert_cmpfloat (cfg->optim.initial_mean_square, ==, 1.0f); /* RMSProp's ms₀ */
  g_assert_cmpfloat (cfg->epsilon, ==, 0.01);
  g_assert_cmpuint (cfg->tasks, ==, CARI_ALL_TASKS);
  g_assert_cmpint (cfg->net.input_size, ==, 96); /* the demo preset */
  g_assert_cmpfloat (cfg->module_lr, <, 0.0); /* auto */
  g_assert_cmpfloat (cari_run_config_module_lr (cfg), ==, cfg->lr);

  g_assert_true (cari_run_config_set (cfg, "strategy.name=naive", &error));
  g_assert_cmpfloat (cfg->r, ==, 2.0); /* one r for every strategy */
  g_assert_true (cari_run_config_set (cfg, "tasks.tasks=cari;visual", &error));
  g_assert_true (cari_run_config_set (cfg, "model.width=0.5", &error));
  g_assert_true (cari_run_config_set (cfg, "optim.lr_steps=100;200", &error));
  g_assert_no_error (error);

  g_autofree char *text = cari_run_config_to_text (cfg);
  g_autoptr (CariRunConfig) back = cari_run_config_new (text, &error);
  g_assert_no_error (error);
  g_autofree char *again = cari_run_config_to_text (back);
  g_assert_cmpstr (text, ==, again);
  g_assert_cmpuint (back->tasks, ==, CARI_TASK_BIT (CARI_TASK_CARI) | CARI_TASK_BIT (CARI_TASK_VISUAL));
  g_assert_cmpint (back->n_lr_steps, ==, 2);
  g_assert_cmpfloat (back->net.width, ==, 0.5f);
}

static void
expect_config_error (const char *text, const char *set, const char *fragment)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (text, &error);
  if (cfg != NULL && set != NULL)
    {
      g_autofree char *before = cari_run_config_to_text (cfg);
      g_assert_false (cari_run_config_set (cfg, set, &error));
      g_autofree char *after = cari_run_config_to_text (cfg);
      g_assert_cmpstr (before, ==, after); /* unchanged on error */
    }
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s” should mention “%s”", error->message, fragment);
}

static void
test_config_errors (void)
{
  expect_config_error ("[optim]\nlr=fast\n", NULL, "optim.lr");
  expect_config_error ("[optim]\nlr=-1\n", NULL, "optim.lr");
  expect_config_error ("[optmi]\nlr=0.1\n", NULL, "optmi.lr");
  expect_config_error ("[strategy]\nname=clever\n", NULL, "strategy.name");
  expect_config_error ("[tasks]\ntasks=cari;bogus\n", NULL, "tasks.tasks");
  expect_config_error ("[batch]\ncaricatures=2.5\n", NULL, "batch.caricatures");
  expect_config_error ("not a key file", NULL, "key file");
  expect_config_error ("[tasks]\ntasks=visual\n", NULL, "strategy.name");
  expect_config_error ("[strategy]\nname=single\ntask=cari\n[tasks]\ntasks=visual\n", NULL,
                       "strategy.task");
  expect_config_error (NULL, "model.input_size=60", "model.input_size");
  expect_config_error (NULL, "strategy", "group.key=value");
  expect_config_error (NULL, "batch.caricatures=0", "batch.caricatures");
  /* A seed is 0 to 2⁶⁴ − 1: neither −1 (which strtoull wraps to 2⁶⁴ − 1) nor 2⁶⁴. */
  expect_config_error (NULL, "run.seed=-1", "run.seed");
  expect_config_error ("[run]\nseed=18446744073709551616\n", NULL, "run.seed");
  {
    g_autoptr (CariRunConfig) top = cari_run_config_new ("[run]\nseed=18446744073709551615\n",
                                                         NULL);
    g_assert_nonnull (top);
    g_assert_cmpuint (top->seed, ==, G_MAXUINT64);
  }

  /* Several changes are validated together: tasks and strategy at once, in either order. */
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (NULL, NULL);
  const char *sets[] = { "tasks.tasks=visual", "strategy.name=single", "strategy.task=visual",
                         "batch.caricatures=0", NULL };
  g_autoptr (GError) error = NULL;
  g_assert_true (cari_run_config_set_all (cfg, sets, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cfg->strategy, ==, CARI_STRATEGY_SINGLE);
}

/* "auto" stays in the stored text, so a later change of the rate it follows takes effect. */
static void
test_config_module_lr_auto (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) cfg = cari_run_config_new ("[optim]\nlr=0.02\n", &error);
  g_assert_no_error (error);
  g_autofree char *text = cari_run_config_to_text (cfg);
  g_assert_nonnull (strstr (text, "\nmodule_lr=auto\n"));

  /* A stored config, edited as `--set optim.lr=0.1` would: the module follows. */
  g_autoptr (CariRunConfig) stored = cari_run_config_new (text, &error);
  g_assert_no_error (error);
  g_assert_true (cari_run_config_set (stored, "optim.lr=0.1", &error));
  g_assert_cmpfloat (cari_run_config_module_lr (stored), ==, 0.1);

  /* A rate of its own stays; "auto" brings the default back; a negative rate is an error, not a
   * silent "auto". */
  g_assert_true (cari_run_config_set (stored, "optim.module_lr=0.003", &error));
  g_assert_true (cari_run_config_set (stored, "optim.lr=0.5", &error));
  g_assert_cmpfloat (cari_run_config_module_lr (stored), ==, 0.003);
  g_autofree char *own = cari_run_config_to_text (stored);
  g_assert_nonnull (strstr (own, "\nmodule_lr=0.003\n"));
  g_assert_false (cari_run_config_set (stored, "optim.module_lr=-1", &error));
  g_assert_nonnull (strstr (error->message, "optim.module_lr"));
  g_clear_error (&error);
  g_assert_cmpfloat (cari_run_config_module_lr (stored), ==, 0.003);
  g_assert_true (cari_run_config_set (stored, "optim.module_lr=auto", &error));
  g_assert_cmpfloat (cari_run_config_module_lr (stored), ==, 0.5);
  g_assert_false (cari_run_config_set (stored, "optim.module_lr=quick", &error));
  g_assert_nonnull (strstr (error->message, "optim.module_lr"));
}

static void
expect_failed_index (const char *const *sets, int expected, const char *fragment)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (NULL, NULL);
  g_autofree char *before = cari_run_config_to_text (cfg);
  int failed = 42;
  g_assert_false (cari_run_config_set_all (cfg, sets, &failed, &error));
  g_assert_cmpint (failed, ==, expected);
  g_assert_nonnull (strstr (error->message, fragment));
  g_autofree char *after = cari_run_config_to_text (cfg);
  g_assert_cmpstr (before, ==, after);
}

/* set_all says which assignment failed, so a form can mark its row without reading the
 * (translated) message. */
static void
test_config_failed_index (void)
{
  const char *bad_value[] = { "optim.lr=0.1", "batch.photos=many", "schedule.steps=10", NULL };
  expect_failed_index (bad_value, 1, "batch.photos");
  const char *bad_form[] = { "optim.lr=0.1", "steps", NULL };
  expect_failed_index (bad_form, 1, "group.key");
  const char *unknown[] = { "optim.lr=0.1", "optim.speed=2", NULL };
  expect_failed_index (unknown, 1, "optim.speed");
  /* A check across keys names the key, and the index is its (last) assignment. */
  const char *cross[] = { "strategy.task=cari", "tasks.tasks=visual", "strategy.name=single",
                          "strategy.task=verif", NULL };
  expect_failed_index (cross, 3, "strategy.task");
  /* The fault is in no assignment: static weights left at their default. */
  const char *none[] = { "optim.lr=0.1", "strategy.name=static", NULL };
  expect_failed_index (none, -1, "strategy.weights");
}

/* The name tables the forms list are the names the parser takes, in enum order. */
static void
test_config_name_tables (void)
{
  for (int i = 0; i < CARI_N_STRATEGIES; i++)
    {
      CariStrategyKind kind;
      g_assert_true (cari_strategy_from_string (cari_strategy_names[i], &kind, NULL));
      g_assert_cmpint (kind, ==, i);
      g_assert_cmpstr (cari_strategy_to_string (kind), ==, cari_strategy_names[i]);
    }
  for (int i = 0; i < CARI_N_OPTIMIZERS; i++)
    {
      CariOptimizerKind kind;
      g_assert_true (cari_optimizer_kind_from_string (cari_optimizer_names[i], &kind, NULL));
      g_assert_cmpint (kind, ==, i);
    }
  for (int i = 0; i < CARI_N_TASKS; i++)
    {
      CariTask task;
      g_assert_true (cari_task_from_string (cari_task_names[i], &task, NULL));
      g_assert_cmpint (task, ==, i);
    }
  g_autoptr (GError) error = NULL;
  CariStrategyKind kind;
  g_assert_false (cari_strategy_from_string ("clever", &kind, &error));
  g_assert_nonnull (strstr (error->message, "clever"));
}

/* A copy is deep and equal: the same text, and no string shared with the original. */
static void
test_config_copy (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (
    "[run]\nname=copy me\n[data]\ndataset=syncari\n[optim]\nlr_steps=10;20\n"
    "lr_schedule_file=lr.txt\nlr_schedule=0:0.5;9:0.25\n[init]\nfrom=/tmp/x.ckpt\n"
    "[strategy]\nname=static\n"
    "weights=0.25;0.25;0.5\n", &error);
  g_assert_no_error (error);
  g_autoptr (CariRunConfig) copy = cari_run_config_copy (cfg);
  g_autofree char *a = cari_run_config_to_text (cfg);
  g_autofree char *b = cari_run_config_to_text (copy);
  g_assert_cmpstr (a, ==, b);
  g_assert_true (copy->name != cfg->name && copy->preset != cfg->preset
                 && copy->dataset != cfg->dataset && copy->protocol != cfg->protocol
                 && copy->init_from != cfg->init_from
                 && copy->lr_schedule_file != cfg->lr_schedule_file
                 && copy->lr_schedule != cfg->lr_schedule);
  g_assert_cmpfloat (copy->weights[2], ==, 0.5);
  g_assert_cmpint (copy->lr_steps[1], ==, 20);
  /* Changing the copy leaves the original. */
  g_assert_true (cari_run_config_set (copy, "run.name=other", &error));
  g_assert_cmpstr (cfg->name, ==, "copy me");
}

/* Naive and proposed share r unless the authors' scales are asked for by name; the name stays
 * in the text, so a later change of strategy takes its scale. */
static void
test_config_r (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) naive = cari_run_config_new ("[strategy]\nname=naive\n", &error);
  g_autoptr (CariRunConfig) proposed = cari_run_config_new (NULL, &error);
  g_assert_cmpfloat (naive->r, ==, proposed->r);
  CariNetConfig a, b;
  cari_run_config_net (naive, 10, &a);
  cari_run_config_net (proposed, 10, &b);
  g_assert_cmpfloat (a.weight_r, ==, b.weight_r);

  g_assert_true (cari_run_config_set (naive, "strategy.r=authors", &error));
  g_assert_cmpfloat (naive->r, ==, 0.5);
  g_autofree char *text = cari_run_config_to_text (naive);
  g_assert_nonnull (strstr (text, "\nr=authors\n"));
  g_assert_true (cari_run_config_set (naive, "strategy.name=proposed", &error));
  g_assert_cmpfloat (naive->r, ==, 2.0);
  g_assert_true (cari_run_config_set (naive, "strategy.r=1.5", &error));
  g_assert_true (cari_run_config_set (naive, "strategy.name=naive", &error));
  g_assert_cmpfloat (naive->r, ==, 1.5); /* a number stays */
  g_assert_false (cari_run_config_set (naive, "strategy.r=auto", &error));
  g_assert_nonnull (strstr (error->message, "strategy.r"));
}

/* Static weights: one per task, summing to 1, or an error naming strategy.weights. */
static void
test_config_static_weights (void)
{
  expect_config_error ("[strategy]\nname=static\nweights=0.2;0.3;0.9\n", NULL, "sum to 1");
  expect_config_error ("[strategy]\nname=static\nweights=0.5;0.5\n", NULL, "strategy.weights");
  expect_config_error ("[strategy]\nname=static\nweights=0.5;0.5\n", NULL, "not 2");
  expect_config_error ("[tasks]\ntasks=cari;visual\n[strategy]\nname=static\n"
                       "weights=0.2;0.3;0.5\n", NULL, "strategy.weights");
  expect_config_error ("[strategy]\nname=static\n", NULL, "strategy.weights");
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) two = cari_run_config_new (
    "[tasks]\ntasks=cari;visual\n[strategy]\nname=static\nweights=0.3;0.7\n", &error);
  g_assert_no_error (error);
  g_assert_cmpint (two->n_weights, ==, 2);
  g_autofree char *text = cari_run_config_to_text (two);
  g_assert_nonnull (strstr (text, "\nweights=0.3;0.7\n"));
}

/* The module's start and RMSProp's first mean squares are settings with documented defaults,
 * and they reach the network and the optimiser. */
static void
test_config_starts (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (
    "[strategy]\nmodule_init=xavier\n[optim]\ninitial_mean_square=0.25\n", &error);
  g_assert_no_error (error);
  CariNetConfig net;
  cari_run_config_net (cfg, 10, &net);
  g_assert_true (net.weight_xavier);
  g_assert_cmpfloat (cfg->optim.initial_mean_square, ==, 0.25f);
  g_autofree char *text = cari_run_config_to_text (cfg);
  g_assert_nonnull (strstr (text, "\nmodule_init=xavier\n"));
  g_assert_nonnull (strstr (text, "\ninitial_mean_square=0.25\n"));
  expect_config_error ("[strategy]\nmodule_init=zeros\n", NULL, "strategy.module_init");
}

/* Any text a user can type survives the stored configuration: random strings of newlines,
 * "[", "=", ";", "#", backslashes, spaces at the ends, accents and CJK round-trip through
 * set → text → parse, as the run's name and as a path; bytes that are not UTF-8 are refused
 * naming the key, and leave the configuration as it was. */
static void
test_config_any_text (void)
{
  static const char *const pieces[] = {
    "\n", "\r", "\t", "[", "]", "=", ";", "#", " ", "\\", "\\n", "\\s", "a", "Z", "0", "é",
    "日本", "[run]", "name=x", "\xff", "\xc3", "\xe2\x82",
  };
  for (int trial = 0; trial < 500; trial++)
    {
      GString *value = g_string_new (NULL);
      int n = g_test_rand_int_range (0, 12);
      for (int i = 0; i < n; i++)
        g_string_append (value, pieces[g_test_rand_int_range (0, G_N_ELEMENTS (pieces))]);
      gboolean utf8 = g_utf8_validate (value->str, -1, NULL);
      for (int key = 0; key < 2; key++)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (CariRunConfig) cfg = cari_run_config_new (NULL, NULL);
          g_autofree char *before = cari_run_config_to_text (cfg);
          g_autofree char *assign = g_strdup_printf ("%s=%s", key ? "init.from" : "run.name",
                                                     value->str);
          gboolean ok = cari_run_config_set (cfg, assign, &error);
          if (!utf8)
            {
              g_assert_false (ok);
              g_assert_nonnull (strstr (error->message, key ? "init.from" : "run.name"));
              g_autofree char *after = cari_run_config_to_text (cfg);
              g_assert_cmpstr (before, ==, after);
              continue;
            }
          g_assert_no_error (error);
          g_autofree char *text = cari_run_config_to_text (cfg);
          g_autoptr (CariRunConfig) back = cari_run_config_new (text, &error);
          g_assert_no_error (error);
          g_assert_cmpstr (key ? back->init_from : back->name, ==, value->str);
          /* The value is one line of the text: as many lines as the defaults have. */
          int lines = 0, lines_before = 0;
          for (const char *c = text; *c != '\0'; c++)
            lines += *c == '\n';
          for (const char *c = before; *c != '\0'; c++)
            lines_before += *c == '\n';
          g_assert_cmpint (lines, ==, lines_before);
          /* And a copy by text of a copy by fields is the same. */
          g_autoptr (CariRunConfig) copy = cari_run_config_copy (back);
          g_autofree char *again = cari_run_config_to_text (copy);
          g_assert_cmpstr (again, ==, text);
        }
      g_string_free (value, TRUE);
    }
}

/* A schedule file is read once, into the configuration: the stored text holds its content, so
 * moving or editing the file later changes nothing, and its rates are bounded like optim.lr. */
static void
test_config_schedule_file_is_stored (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("carilab-config-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "lr.txt", NULL);
  g_assert_true (g_file_set_contents (path, "# rates\n0: 0.01\n60: 0.1\n", -1, NULL));
  g_autofree char *set = g_strdup_printf ("optim.lr_schedule_file=%s", path);
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (NULL, NULL);
  g_assert_true (cari_run_config_set (cfg, set, &error));
  g_assert_no_error (error);
  g_autofree char *text = cari_run_config_to_text (cfg);
  g_assert_nonnull (strstr (text, "\nlr_schedule=0:0.01;60:0.10000000000000001\n"));

  /* Edited to a jump, then gone: the stored run keeps its rates. */
  g_assert_true (g_file_set_contents (path, "0: 0.01\n60: 5\n", -1, NULL));
  g_autoptr (CariRunConfig) again = cari_run_config_new (text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->lr_schedule, ==, cfg->lr_schedule);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_autoptr (CariRunConfig) moved = cari_run_config_new (text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (moved->lr_schedule, ==, cfg->lr_schedule);

  /* Named anew, it is read anew; a rate beyond optim.lr's bound is refused naming the line. */
  g_assert_true (g_file_set_contents (path, "0: 0.01\n60: 1e30\n", -1, NULL));
  g_assert_false (cari_run_config_set (moved, set, &error));
  g_assert_nonnull (strstr (error->message, "optim.lr_schedule_file"));
  g_assert_nonnull (strstr (error->message, "line 2"));
  g_clear_error (&error);
  expect_config_error (NULL, "optim.lr_schedule=0:0.01;60:1e30", "optim.lr_schedule");
  expect_config_error (NULL, "optim.lr_schedule=5:0.01", "optim.lr_schedule");
  /* Unnamed, the plain rate is back. */
  g_assert_true (cari_run_config_set (moved, "optim.lr_schedule_file=", &error));
  g_assert_null (moved->lr_schedule);
  g_unlink (path);
  g_rmdir (dir);
}

/* Changing model.preset gives the model the preset's values (the canonical text holds the old
 * preset's, which must not win), except for model keys set in the same call. */
static void
test_config_preset_by_assignment (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) cfg = cari_run_config_new (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cfg->net.input_size, ==, 96);
  const char *paper[] = { "model.preset=paper", NULL };
  g_assert_true (cari_run_config_set_all (cfg, paper, NULL, &error));
  g_assert_cmpint (cfg->net.input_size, ==, 160);
  g_assert_cmpfloat (cfg->net.width, ==, 1.0f);
  g_assert_cmpint (cfg->net.embedding_size, ==, 128);
  const char *demo_wide[] = { "model.width=0.5", "model.preset=demo", NULL };
  g_assert_true (cari_run_config_set_all (cfg, demo_wide, NULL, &error));
  g_assert_cmpint (cfg->net.input_size, ==, 96);
  g_assert_cmpfloat (cfg->net.width, ==, 0.5f);
  /* Other keys than the model's stay as they were. */
  const char *steps[] = { "schedule.steps=77", NULL }, *again[] = { "model.preset=paper", NULL };
  g_assert_true (cari_run_config_set_all (cfg, steps, NULL, &error));
  g_assert_true (cari_run_config_set_all (cfg, again, NULL, &error));
  g_assert_cmpint (cfg->steps, ==, 77);
  g_assert_cmpint (cfg->net.input_size, ==, 160);
  /* The same preset named again keeps what was set before (a form assigns every control). */
  const char *narrow[] = { "model.embedding_size=96", NULL };
  g_assert_true (cari_run_config_set_all (cfg, narrow, NULL, &error));
  g_assert_true (cari_run_config_set_all (cfg, again, NULL, &error));
  g_assert_cmpint (cfg->net.embedding_size, ==, 96);
}

/* batch.replicas: "auto" by default and in the stored text, a count of 1 … 64 otherwise; auto
 * gives one replica per thread to the demo's network only, and never more than the batch's
 * caricatures or photos. */
static void
test_config_replicas (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariRunConfig) demo = cari_run_config_new ("[model]\npreset=demo\n", &error);
  g_assert_no_error (error);
  g_autoptr (CariRunConfig) paper = cari_run_config_new ("[model]\npreset=paper\n", &error);
  g_assert_no_error (error);
  g_assert_cmpint (demo->replicas, ==, 0);
  g_autofree char *text = cari_run_config_to_text (demo);
  g_assert_nonnull (strstr (text, "\nreplicas=auto\n"));
  g_assert_cmpint (cari_run_config_replicas (demo, 2), ==, 2);
  g_assert_cmpint (cari_run_config_replicas (demo, 1), ==, 1);
  g_assert_cmpint (cari_run_config_replicas (paper, 2), ==, 1);

  g_assert_true (cari_run_config_set (paper, "batch.replicas=3", &error));
  g_assert_cmpint (cari_run_config_replicas (paper, 1), ==, 3);
  g_autofree char *three = cari_run_config_to_text (paper);
  g_assert_nonnull (strstr (three, "\nreplicas=3\n"));
  g_autoptr (CariRunConfig) stored = cari_run_config_new (three, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stored->replicas, ==, 3);
  /* Bounded by the batch: each replica takes at least one caricature and one photo. */
  g_assert_true (cari_run_config_set (demo, "batch.caricatures=2", &error));
  g_assert_cmpint (cari_run_config_replicas (demo, 8), ==, 2);

  const char *bad[] = { "batch.replicas=0", "batch.replicas=65", "batch.replicas=1.5",
                        "batch.replicas=many" };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (cari_run_config_set (paper, bad[i], &error));
      g_assert_nonnull (strstr (error->message, "batch.replicas"));
      g_clear_error (&error);
    }
  g_assert_cmpint (paper->replicas, ==, 3);
  g_assert_true (cari_run_config_set (paper, "batch.replicas=auto", &error));
  g_assert_cmpint (paper->replicas, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/defaults-and-round-trip", test_config_defaults_and_round_trip);
  g_test_add_func ("/config/errors", test_config_errors);
  g_test_add_func ("/config/module-lr-auto", test_config_module_lr_auto);
  g_test_add_func ("/config/failed-index", test_config_failed_index);
  g_test_add_func ("/config/name-tables", test_config_name_tables);
  g_test_add_func ("/config/copy", test_config_copy);
  g_test_add_func ("/config/preset-by-assignment", test_config_preset_by_assignment);
  g_test_add_func ("/config/r", test_config_r);
  g_test_add_func ("/config/static-weights", test_config_static_weights);
  g_test_add_func ("/config/starts", test_config_starts);
  g_test_add_func ("/config/any-text", test_config_any_text);
  g_test_add_func ("/config/schedule-file-is-stored", test_config_schedule_file_is_stored);
  g_test_add_func ("/config/replicas", test_config_replicas);
  return g_test_run ();
}
