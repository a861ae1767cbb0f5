/* cmd-embed.c — `carilab-cli embed`: a run's embeddings of any images or of a raw input tensor,
 * as a .npy array or TensorFlow-projector TSV files (docs/interop.md). */
#include "cli.h"

#include <cari.h>
#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#define CHUNK 32

static gboolean
is_image_name (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);
  return g_str_has_suffix (lower, ".png") || g_str_has_suffix (lower, ".jpg")
         || g_str_has_suffix (lower, ".jpeg");
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Every image under `dir`, in its sub-folders too. */
static gboolean
collect_folder (const char *dir, GPtrArray *paths, GError **error)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, error);
  if (d == NULL)
    return FALSE;
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (!collect_folder (path, paths, error))
            return FALSE;
        }
      else if (is_image_name (name))
        g_ptr_array_add (paths, g_steal_pointer (&path));
    }
  return TRUE;
}

/* The images a folder holds (sorted by path) or a list file names (one path a line, relative to
 * the list's folder; blank lines and lines starting with # skipped). */
static GPtrArray *
collect_images (const char *source, GError **error)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  if (g_file_test (source, G_FILE_TEST_IS_DIR))
    {
      if (!collect_folder (source, paths, error))
        return NULL;
      g_ptr_array_sort (paths, compare_paths);
    }
  else
    {
      g_autofree char *text = NULL;
      if (!g_file_get_contents (source, &text, NULL, error))
        return NULL;
      g_autofree char *base = g_path_get_dirname (source);
      g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
      for (int i = 0; lines[i] != NULL; i++)
        {
          char *line = g_strstrip (lines[i]);
          if (line[0] == '\0' || line[0] == '#')
            continue;
          g_ptr_array_add (paths, g_path_is_absolute (line) ? g_strdup (line)
                                                            : g_build_filename (base, line, NULL));
        }
    }
  if (paths->len == 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("“%s” names no PNG or JPEG image"), source);
      return NULL;
    }
  return g_steal_pointer (&paths);
}

static gboolean
write_tsv (const char *path, const float *emb, int n, int E, GPtrArray *names, GError **error)
{
  GString *s = g_string_new (NULL);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  for (int i = 0; i < n; i++)
    for (int e = 0; e < E; e++)
      {
        g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.9g", emb[(size_t) i * E + e]));
        g_string_append_c (s, e + 1 < E ? '\t' : '\n');
      }
  gboolean ok = g_file_set_contents (path, s->str, (gssize) s->len, error);
  g_string_free (s, TRUE);
  if (!ok || names == NULL)
    return ok;
  /* The projector's metadata: one label a row, here the image's path. */
  g_autofree char *stem = g_str_has_suffix (path, ".tsv") ? g_strndup (path, strlen (path) - 4)
                                                          : g_strdup (path);
  g_autofree char *meta = g_strconcat (stem, "-metadata.tsv", NULL);
  g_autoptr (GString) m = g_string_new (NULL);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *clean = g_strdup (names->pdata[i]);
      g_strdelimit (clean, "\t\n\r", ' ');
      g_string_append_printf (m, "%s\n", clean);
    }
  return g_file_set_contents (meta, m->str, (gssize) m->len, error);
}

int
cmd_embed (int argc, char **argv)
{
  g_autofree char *db = NULL, *run_arg = NULL, *branch_arg = NULL, *images_arg = NULL;
  g_autofree char *tensor_arg = NULL, *output = NULL, *format_arg = NULL, *save_input = NULL;
  gint64 step = -1;
  GOptionEntry entries[] = {
    cli_db_option (&db),
    { "run", 'r', 0, G_OPTION_ARG_STRING, &run_arg, N_("The run (id or name)"), N_("RUN") },
    { "step", 0, 0, G_OPTION_ARG_INT64, &step,
      N_("The checkpoint's step (default: the latest)"), N_("N") },
    { "branch", 'b', 0, G_OPTION_ARG_STRING, &branch_arg,
      N_("The branch: visual, cari or verif (default visual)"), N_("BRANCH") },
    { "images", 'i', 0, G_OPTION_ARG_FILENAME, &images_arg,
      N_("A folder of PNG or JPEG images (sub-folders too, sorted by path) or a file listing "
         "them, one a line"),
      N_("PATH") },
    { "input-tensor", 0, 0, G_OPTION_ARG_FILENAME, &tensor_arg,
      N_("A .npy array of float32 [N, 3, S, S], already standardised"), N_("FILE") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Where to write the embeddings [N, E]"), N_("FILE") },
    { "save-input", 0, 0, G_OPTION_ARG_FILENAME, &save_input,
      N_("Also write the standardised images the network was fed, as a .npy of float32 "
         "[N, 3, S, S] (to feed another runtime the same input)"),
      N_("FILE") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_arg,
      N_("npy, or tsv (the projector's vectors, and the image paths in FILE-metadata.tsv); "
         "default: from the output's extension"),
      N_("FORMAT") },
    { NULL },
  };
  g_autoptr (GError) error = NULL;
  CariTask branch = CARI_TASK_VISUAL;
  gint64 run;
  int status;

  if (!cli_parse_command (&argc, &argv,
                          _("Compute a run's L2-normalised embeddings (trunk and one branch, "
                            "inference mode) of images or of an input tensor, for other tools."),
                          entries))
    return CLI_EXIT_USAGE;
  if ((images_arg == NULL) == (tensor_arg == NULL) || output == NULL)
    {
      g_printerr (_("%s: give --images or --input-tensor, and --output\n"), argv[0]);
      return CLI_EXIT_USAGE;
    }
  gboolean tsv = format_arg != NULL ? g_strcmp0 (format_arg, "tsv") == 0
                                    : g_str_has_suffix (output, ".tsv");
  if (format_arg != NULL && !tsv && g_strcmp0 (format_arg, "npy") != 0)
    {
      g_printerr (_("%s: --format must be npy or tsv\n"), argv[0]);
      return CLI_EXIT_USAGE;
    }
  if (branch_arg != NULL && !cari_task_from_string (branch_arg, &branch, &error))
    {
      g_printerr ("%s: --branch: %s\n", argv[0], error->message);
      return CLI_EXIT_USAGE;
    }
  g_autoptr (CariStore) store = cli_open_run (argv[0], db, run_arg, TRUE, &run, &status);
  if (store == NULL)
    return status;
  gint64 at = -1;
  g_autoptr (CariNet) net = cari_launch_open_net (store, run, step, &at, NULL, &error);
  if (net == NULL)
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  if (!cari_net_has_task (net, branch))
    {
      g_printerr (_("%s: run %lld has no %s branch\n"), argv[0], (long long) run,
                  cari_task_to_string (branch));
      return CLI_EXIT_FAILURE;
    }
  const CariNetConfig *cfg = cari_net_get_config (net);
  const int S = cfg->input_size, E = cfg->embedding_size;
  const size_t per_image = (size_t) 3 * S * S;
  g_autofree float *emb = NULL;
  g_autoptr (GPtrArray) names = NULL;
  int n = 0;

  if (tensor_arg != NULL)
    {
      g_autoptr (CariArray) x = cari_npy_read (tensor_arg, &error);
      if (x == NULL)
        return cli_report (argv[0], error, CLI_EXIT_FAILURE);
      if (x->ndim != 4 || x->shape[1] != 3 || x->shape[2] != S || x->shape[3] != S
          || x->shape[0] < 1 || x->shape[0] > G_MAXINT)
        {
          g_printerr (_("%s: “%s” must hold float32 [N, 3, %d, %d] for this network\n"), argv[0],
                      tensor_arg, S, S);
          return CLI_EXIT_FAILURE;
        }
      n = (int) x->shape[0];
      emb = g_new (float, (size_t) n * E);
      if (!cari_net_infer (net, branch, x->data, n, emb, NULL, &error))
        return cli_report (argv[0], error, CLI_EXIT_FAILURE);
    }
  else
    {
      names = collect_images (images_arg, &error);
      if (names == NULL)
        return cli_report (argv[0], error, CLI_EXIT_FAILURE);
      n = (int) names->len;
      emb = g_new (float, (size_t) n * E);
      g_autofree float *batch = g_new (float, CHUNK * per_image);
      g_autofree float *inputs = save_input != NULL ? g_try_new (float, (size_t) n * per_image)
                                                    : NULL;
      if (save_input != NULL && inputs == NULL)
        {
          g_printerr (_("%s: not enough memory to keep %d images for --save-input\n"), argv[0],
                      n);
          return CLI_EXIT_FAILURE;
        }
      int last = -10;
      cli_catch_interrupts ();
      for (int i0 = 0; i0 < n; i0 += CHUNK)
        {
          int m = MIN (CHUNK, n - i0);
          for (int i = 0; i < m; i++)
            if (!cari_launch_load_image (names->pdata[i0 + i], S, batch + i * per_image, &error))
              return cli_report (argv[0], error, CLI_EXIT_FAILURE);
          if (!cari_net_infer (net, branch, batch, m, emb + (size_t) i0 * E, NULL, &error))
            return cli_report (argv[0], error, CLI_EXIT_FAILURE);
          if (inputs != NULL)
            memcpy (inputs + (size_t) i0 * per_image, batch, m * per_image * sizeof (float));
          cli_print_progress ((double) (i0 + m) / n, _("embeddings"), &last);
          if (cli_interrupted ())
            {
              g_printerr (_("%s: interrupted; nothing written\n"), argv[0]);
              return CLI_EXIT_FAILURE;
            }
        }
      if (inputs != NULL
          && !cari_npy_write (save_input, 4, (gint64[]) { n, 3, S, S }, inputs, &error))
        return cli_report (argv[0], error, CLI_EXIT_FAILURE);
    }

  gboolean ok = tsv ? write_tsv (output, emb, n, E, names, &error)
                    : cari_npy_write (output, 2, (gint64[]) { n, E }, emb, &error);
  if (!ok)
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  g_printerr (_("%s: %d embeddings of %d values (run %lld, step %lld, branch %s) → %s\n"),
              argv[0], n, E, (long long) run, (long long) at, cari_task_to_string (branch),
              output);
  return CLI_EXIT_OK;
}
