/* cmd-tsne.c — `carilab-cli tsne`: a 2-D t-SNE layout of the vectors of a TensorBoard projector
 * TSV (one vector per line, tab-separated, no header), with the projector's metadata TSV carried
 * along (a header row when it has more than one column, else one label per line). */
#include "cli.h"

#include <cari.h>
#include <errno.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

/* The lines of a text file: a final newline ends the last line rather than starting an empty
 * one, and a carriage return before a newline is dropped. */
static GPtrArray *
read_lines (const char *path, char **text, GError **error)
{
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (path, text, NULL, &local))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot read “%s”: %s"), path,
                   local->message);
      return NULL;
    }
  GPtrArray *lines = g_ptr_array_new ();
  char *p = *text;
  while (*p != '\0')
    {
      char *end = strchr (p, '\n');
      char *next = end != NULL ? end + 1 : p + strlen (p);
      if (end == NULL)
        end = next;
      if (end > p && end[-1] == '\r')
        end--;
      *end = '\0';
      g_ptr_array_add (lines, p);
      p = next;
    }
  return lines;
}

/* Vectors [rows × *dim] of a projector TSV. */
static float *
read_vectors (const char *path, int *rows, int *dim, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (GPtrArray) lines = read_lines (path, &text, error);
  if (lines == NULL)
    return NULL;
  g_autoptr (GArray) values = g_array_new (FALSE, FALSE, sizeof (float));
  int cols = 0;
  for (guint i = 0; i < lines->len; i++)
    {
      char *p = g_ptr_array_index (lines, i);
      int c = 0;
      for (;;)
        {
          char *end = NULL;
          double v = g_ascii_strtod (p, &end);
          char *field_end = strchr (p, '\t');
          if (field_end == NULL)
            field_end = p + strlen (p);
          while (end != NULL && end < field_end && g_ascii_isspace (*end))
            end++;
          if (end == p || end != field_end || !isfinite (v))
            {
              g_autofree char *field = g_strndup (p, field_end - p);
              g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                           _("%s, line %u, column %d: “%s” is not a finite number"), path, i + 1,
                           c + 1, field);
              return NULL;
            }
          float f = (float) v;
          g_array_append_val (values, f);
          c++;
          if (*field_end == '\0')
            break;
          p = field_end + 1;
        }
      if (i == 0)
        cols = c;
      else if (c != cols)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("%s, line %u: %d values, where line 1 has %d"), path, i + 1, c, cols);
          return NULL;
        }
    }
  if (lines->len == 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT, _("%s: no vectors"), path);
      return NULL;
    }
  *rows = (int) lines->len;
  *dim = cols;
  return (float *) (void *) g_array_free (g_steal_pointer (&values), FALSE);
}

/* The header and rows of a projector metadata file, each a tab-separated line. */
static GPtrArray *
read_metadata (const char *path, int rows, char **text, const char **header, GError **error)
{
  GPtrArray *lines = read_lines (path, text, error);
  if (lines == NULL)
    return NULL;
  gboolean columns = lines->len > 0 && strchr (g_ptr_array_index (lines, 0), '\t') != NULL;
  *header = columns ? g_ptr_array_steal_index (lines, 0) : "label";
  if (columns)
    {
      guint tabs = 0;
      for (const char *c = *header; *c != '\0'; c++)
        tabs += *c == '\t';
      for (guint i = 0; i < lines->len; i++)
        {
          guint t = 0;
          for (const char *c = g_ptr_array_index (lines, i); *c != '\0'; c++)
            t += *c == '\t';
          if (t != tabs)
            {
              g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                           _("%s, line %u: %u columns, where the header has %u"), path, i + 2,
                           t + 1, tabs + 1);
              g_ptr_array_unref (lines);
              return NULL;
            }
        }
    }
  if ((int) lines->len != rows)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                   _("%s has %u rows of metadata for %d vectors"), path, lines->len, rows);
      g_ptr_array_unref (lines);
      return NULL;
    }
  return lines;
}

/* The first two columns of a layout TSV (a header row is skipped when its first field is not a
 * number). */
static float *
read_layout (const char *path, int rows, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (GPtrArray) lines = read_lines (path, &text, error);
  if (lines == NULL)
    return NULL;
  guint first = 0;
  if (lines->len > 0)
    {
      char *end = NULL;
      const char *line = g_ptr_array_index (lines, 0);
      g_ascii_strtod (line, &end);
      first = end == line;
    }
  if ((int) (lines->len - first) != rows)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                   _("%s has %u points for %d vectors"), path, lines->len - first, rows);
      return NULL;
    }
  g_autofree float *y = g_new (float, 2 * (size_t) MAX (rows, 1));
  for (guint i = first; i < lines->len; i++)
    {
      char *p = g_ptr_array_index (lines, i), *end = NULL;
      double a = g_ascii_strtod (p, &end);
      gboolean ok = end != p && *end == '\t';
      double b = ok ? g_ascii_strtod (end + 1, &p) : NAN;
      ok = ok && p != end + 1 && (*p == '\0' || *p == '\t') && isfinite (a) && isfinite (b);
      if (!ok)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("%s, line %u: expected “X<tab>Y” with finite numbers"), path, i + 1);
          return NULL;
        }
      y[2 * (i - first)] = (float) a;
      y[2 * (i - first) + 1] = (float) b;
    }
  return g_steal_pointer (&y);
}

typedef struct
{
  gint cancel;
  gint64 start_us;
} Progress;

static void
on_progress (int iteration, int n_iter, double kl, gpointer data)
{
  Progress *p = data;
  if (cli_interrupted ())
    g_atomic_int_set (&p->cancel, 1);
  if (iteration < n_iter)
    fprintf (stderr, _("iteration %d/%d: KL divergence %.4f (%.1f s)\n"), iteration, n_iter, kl,
             (double) (g_get_monotonic_time () - p->start_us) * 1e-6);
}

static gboolean
write_layout (const char *path, const float *y, int n, const char *header, GPtrArray *meta,
              GError **error)
{
  g_autoptr (GString) out = g_string_new ("x\ty");
  if (header != NULL)
    g_string_append_printf (out, "\t%s", header);
  g_string_append_c (out, '\n');
  for (int i = 0; i < n; i++)
    {
      char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_printf (out, "%s\t%s", g_ascii_formatd (a, sizeof a, "%.9g", y[2 * i]),
                              g_ascii_formatd (b, sizeof b, "%.9g", y[2 * i + 1]));
      if (meta != NULL)
        g_string_append_printf (out, "\t%s", (const char *) g_ptr_array_index (meta, i));
      g_string_append_c (out, '\n');
    }
  if (path == NULL)
    {
      if (fwrite (out->str, 1, out->len, stdout) != out->len || fflush (stdout) != 0)
        {
          int e = errno;
          g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot write the layout: %s"),
                       g_strerror (e));
          return FALSE;
        }
      return TRUE;
    }
  g_autoptr (GError) local = NULL;
  if (!g_file_set_contents (path, out->str, (gssize) out->len, &local))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot write “%s”: %s"), path,
                   local->message);
      return FALSE;
    }
  return TRUE;
}

int
cmd_tsne (int argc, char **argv)
{
  g_autofree char *vectors = NULL, *metadata = NULL, *output = NULL, *score = NULL;
  CariTsneParams p;
  cari_tsne_params_init (&p);
  gint64 seed = (gint64) p.seed;
  gboolean no_pca = FALSE;
  int threads = 0;
  GOptionEntry entries[] = {
    { "vectors", 'v', 0, G_OPTION_ARG_FILENAME, &vectors,
      N_("Vectors, one tab-separated row per point (TensorBoard projector TSV)"), N_("FILE") },
    { "metadata", 'm', 0, G_OPTION_ARG_FILENAME, &metadata,
      N_("Labels of the points, copied to the output (projector metadata TSV)"), N_("FILE") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Write the layout here (default: standard output)"), N_("FILE") },
    { "perplexity", 'p', 0, G_OPTION_ARG_DOUBLE, &p.perplexity,
      N_("Effective number of neighbours (default: 30; the paper's Fig. 2 uses 50)"), N_("P") },
    { "iterations", 'n', 0, G_OPTION_ARG_INT, &p.n_iter,
      N_("Gradient-descent iterations (default: 1000)"), N_("N") },
    { "learning-rate", 0, 0, G_OPTION_ARG_DOUBLE, &p.learning_rate,
      N_("Step size (default: automatic, max(N / exaggeration / 4, 50))"), N_("R") },
    { "exaggeration", 0, 0, G_OPTION_ARG_DOUBLE, &p.early_exaggeration,
      N_("Early exaggeration of the similarities for the first 250 iterations (default: 12)"),
      N_("E") },
    { "theta", 0, 0, G_OPTION_ARG_DOUBLE, &p.theta,
      N_("Barnes–Hut angle, 0 for the exact repulsion (default: 0.5)"), N_("T") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Seed of the random start (default: 1)"),
      N_("S") },
    { "no-pca", 0, 0, G_OPTION_ARG_NONE, &no_pca,
      N_("Start from random points instead of the first two principal components"), NULL },
    { "pca-dims", 0, 0, G_OPTION_ARG_INT, &p.pca_dims,
      N_("Reduce the vectors to this many principal components first (default: 0, keep all)"),
      N_("N") },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, N_("Threads (default: as configured)"),
      N_("N") },
    /* For bench/tsne-vs-sklearn.sh, which scores another program's layout the same way. */
    { "score-layout", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &score,
      N_("Print the exact KL divergence of this layout of the vectors instead of computing one"),
      N_("FILE") },
    { NULL },
  };
  g_autoptr (GError) error = NULL;

  if (!cli_parse_command (&argc, &argv,
                          _("Lay out vectors in 2-D with Barnes–Hut t-SNE. Writes “x<tab>y” "
                            "and the metadata columns, with a header row."),
                          entries))
    return CLI_EXIT_USAGE;
  if (vectors == NULL || threads < 0)
    {
      g_printerr (_("%s: give --vectors, and --threads not negative\n"), argv[0]);
      return CLI_EXIT_USAGE;
    }
  p.seed = (guint64) seed;
  p.pca_init = !no_pca;
  p.early_iters = MIN (p.early_iters, MAX (p.n_iter, 0));
  cari_blas_set_threads (threads);

  int n = 0, dim = 0;
  g_autofree float *x = read_vectors (vectors, &n, &dim, &error);
  if (x == NULL)
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  if (score != NULL)
    {
      g_autofree float *y = read_layout (score, n, &error);
      double kl = y != NULL ? cari_tsne_kl (x, n, dim, p.perplexity, y, &error) : NAN;
      if (error != NULL)
        return cli_report (argv[0], error, CLI_EXIT_FAILURE);
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      printf ("%s\n", g_ascii_formatd (buf, sizeof buf, "%.6f", kl));
      return CLI_EXIT_OK;
    }
  g_autofree char *meta_text = NULL;
  const char *header = NULL; /* borrowed from meta_text */
  g_autoptr (GPtrArray) meta = NULL;
  if (metadata != NULL)
    {
      meta = read_metadata (metadata, n, &meta_text, &header, &error);
      if (meta == NULL)
        return cli_report (argv[0], error, CLI_EXIT_FAILURE);
    }

  fprintf (stderr, _("t-SNE of %d vectors of dimension %d, perplexity %g, %d iterations, %d "
                     "threads\n"),
           n, dim, p.perplexity, p.n_iter, cari_parallel_get_threads ());
  Progress prog = { 0, g_get_monotonic_time () };
  double kl = NAN;
  cli_catch_interrupts ();
  g_autofree float *y = cari_tsne_run (x, n, dim, &p, on_progress, &prog, &prog.cancel, &kl,
                                       &error);
  if (y == NULL)
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  fprintf (stderr, _("KL divergence %.4f after %d iterations (%.1f s)\n"), kl, p.n_iter,
           (double) (g_get_monotonic_time () - prog.start_us) * 1e-6);
  if (!write_layout (output, y, n, header, meta, &error))
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  return CLI_EXIT_OK;
}
