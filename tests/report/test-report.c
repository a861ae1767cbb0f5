/* test-report.c — carilab-report and `carilab-cli report` on a tiny paper experiment (the tiny
 * SynCari, two seeds for the primary pair, one for the other cells, three steps): before any run
 * is done every page is there and says what is missing; once executed, the PDF has its pages,
 * the tables their CSV files with the strategies' rows, Fig. 2's views are laid out and stored;
 * one run's report; the CLI's output, progress and errors.
 *
 * Usage: test-report PATH/TO/carilab-cli [--tap]. With REPORT_TEST_KEEP=DIR set, the store and
 * the reports are left in DIR (to look at the pages). */
#include <cari.h>
#include <glib/gstdio.h>
#include <string.h>

#include "gradcheck.h"
#include "report.h"

static const char *cli;
static char *dir;

/* The pages of a PDF cairo wrote: its page objects ("/Type /Page", not "/Pages"). */
static int
count_pages (const char *path)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  g_assert_true (length > 5 && memcmp (data, "%PDF-", 5) == 0);
  /* The streams hold NUL bytes: memmem, not a string search. */
  int n = 0;
  const char *needle = "/Type /Page";
  gsize k = strlen (needle);
  for (const char *p = data, *end = data + length;
       (p = memmem (p, (gsize) (end - p), needle, k)) != NULL; p += k)
    n += p + k < end && p[k] != 's';
  return n;
}

static void
on_progress (const char *line, gpointer data)
{
  g_string_append_printf (data, "%s\n", line);
}

static CariStore *
open_store (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "runs.db", NULL);
  CariStore *store = cari_store_open (path, CARI_STORE_READ_WRITE, &error);
  g_assert_no_error (error);
  return store;
}

/* The CLI's exit status, its stdout and stderr. */
static int
run_cli (const char *const *args, char **out, char **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) cli);
  for (int i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* Before any run: every page, each saying what it lacks; the tables' rows without figures. */
static void
test_before (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariStore) store = open_store ();
  g_autoptr (CariExperimentDef) def = cari_experiment_def_new ("paper", &error);
  const char *const keys[][2] = { { "seeds", "2" },          { "secondary_seeds", "1" },
                                  { "steps", "3" },          { "pretrain_steps", "3" },
                                  { "batch", "4" } };
  for (size_t i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (cari_experiment_def_set (def, keys[i][0], keys[i][1], &error));
  g_assert_cmpint (cari_experiment_create (store, "tiny", def, &error), >, 0);
  g_assert_no_error (error);

  g_autofree char *pdf = g_build_filename (dir, "before.pdf", NULL);
  int pages = 0, tables = -1;
  gint64 x;
  g_assert_true (cari_store_find_experiment (store, "tiny", &x, &error));
  g_assert_true (cari_report_experiment (store, x, pdf, NULL, &pages, &tables, &error));
  g_assert_no_error (error);
  /* Definition, two of tables, Fig. 5, Fig. 6's grid, Table 2's two grids, Fig. 2, Fig. 8,
   * claims. */
  g_assert_cmpint (pages, ==, 10);
  g_assert_cmpint (count_pages (pdf), ==, pages);
  g_assert_cmpint (tables, ==, 6);
  g_autofree char *csv = cari_report_table_path (pdf, 6);
  g_assert_true (g_file_test (csv, G_FILE_TEST_EXISTS));

  /* A file that cannot be written is named. */
  g_autofree char *bad = g_build_filename (dir, "runs.db", "x.pdf", NULL);
  g_assert_false (cari_report_experiment (store, x, bad, NULL, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, bad));
}

/* Executed: every page drawn from data, tables as CSV, Fig. 2's views laid out and stored. */
static void
test_after (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariStore) store = open_store ();
  gint64 x;
  g_assert_true (cari_store_find_experiment (store, "tiny", &x, &error));
  CariExperimentReport done;
  g_assert_true (cari_experiment_execute (store, x, NULL, &done, &error));
  g_assert_no_error (error);

  g_autofree char *pdf = g_build_filename (dir, "tiny.pdf", NULL);
  g_autoptr (GString) progress = g_string_new (NULL);
  CariReportOptions options = { .views_top = 5, .progress = on_progress,
                                .user_data = progress };
  int pages = 0, tables = 0;
  gboolean ok = cari_report_experiment (store, x, pdf, &options, &pages, &tables, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpint (pages, >=, 9);
  g_assert_cmpint (count_pages (pdf), ==, pages);
  g_assert_cmpint (tables, >=, 3);
  /* The t-SNE layouts were made (and said so), and are stored now. */
  g_assert_nonnull (strstr (progress->str, "t-SNE"));
  g_autoptr (CariExperimentSummary) summary = cari_experiment_summarize (store, x, &error);
  int n = 0;
  const gint64 *runs = cari_experiment_summary_get_runs (summary, "table2/proposed", &n);
  g_autoptr (GArray) evaluations = cari_experiment_summary_get_evaluations (summary, runs[0]);
  int *images = NULL, n_points = 0;
  float *xy = NULL;
  g_assert_true (cari_store_load_layout (store, g_array_index (evaluations, gint64, 0), "C2V",
                                         &images, &xy, &n_points, &error));
  g_assert_cmpint (n_points, >, 0);
  g_free (images);
  g_free (xy);

  /* Every table's CSV, the first with Table 2's strategies; no file past the last. */
  for (int t = 1; t <= tables; t++)
    {
      g_autofree char *csv = cari_report_table_path (pdf, t);
      g_autofree char *text = NULL;
      g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
      g_assert_true (g_str_has_prefix (text, "Method,"));
      if (t == 1)
        {
          g_assert_nonnull (strstr (text, "\r\nproposed"));
          g_assert_nonnull (strstr (text, "\r\nnaive"));
          g_assert_nonnull (strstr (text, "single (cari)"));
        }
    }
  g_autofree char *past = cari_report_table_path (pdf, tables + 1);
  g_assert_false (g_file_test (past, G_FILE_TEST_EXISTS));

  /* One run's report: its definition, curves and tables. */
  g_autofree char *one = g_build_filename (dir, "run.pdf", NULL);
  g_assert_true (cari_report_run (store, runs[0], one, NULL, &pages, &tables, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pages, >=, 3);
  g_assert_cmpint (count_pages (one), ==, pages);
  g_assert_cmpint (tables, >=, 1);
}

/* `carilab-cli report`: the file named on stdout, progress and a count on stderr; errors. */
static void
test_cli (void)
{
  g_autofree char *db = g_build_filename (dir, "runs.db", NULL);
  g_autofree char *pdf = g_build_filename (dir, "cli.pdf", NULL);
  g_autofree char *out = NULL, *err = NULL;
  const char *const ok[] = { "report", "--db", db, "--experiment", "tiny", "--output", pdf,
                             "--seed", "2", NULL };
  g_assert_cmpint (run_cli (ok, &out, &err), ==, 0);
  g_assert_true (g_str_has_prefix (out, pdf));
  g_assert_nonnull (strstr (err, "Fig. 5"));
  g_assert_nonnull (strstr (err, " pages, "));
  g_assert_cmpint (count_pages (pdf), >=, 9);
  g_free (out);
  g_free (err);

  const char *const unknown[] = { "report", "--db", db, "--experiment", "nosuch", "--output",
                                  pdf, NULL };
  g_assert_cmpint (run_cli (unknown, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "nosuch"));
  g_free (out);
  g_free (err);
  const char *const both[] = { "report", "--db", db, "--experiment", "tiny", "--run", "1",
                               "--output", pdf, NULL };
  g_assert_cmpint (run_cli (both, &out, &err), ==, 2);
  g_free (out);
  g_free (err);
  const char *const not_pdf[] = { "report", "--db", db, "--run", "1", "--output", "x.png",
                                  NULL };
  g_assert_cmpint (run_cli (not_pdf, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, ".pdf"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cari_init ();
  if (argc < 2)
    {
      g_printerr ("usage: test-report PATH/TO/carilab-cli\n");
      return 2;
    }
  cli = argv[1];
  const char *keep = g_getenv ("REPORT_TEST_KEEP");
  dir = keep != NULL ? g_strdup (keep) : g_dir_make_tmp ("carilab-report-XXXXXX", NULL);
  g_mkdir_with_parents (dir, 0700);
  g_autofree char *cache = g_build_filename (dir, "cache", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("CARILAB_SYNCARI_TINY", "1", TRUE);
  g_setenv ("LC_ALL", "C", TRUE);
  g_test_add_func ("/report/before", test_before);
  g_test_add_func ("/report/after", test_after);
  g_test_add_func ("/report/cli", test_cli);
  int status = g_test_run ();
  if (keep == NULL)
    test_remove_tree (dir);
  g_free (dir);
  return status;
}
