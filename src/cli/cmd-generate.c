/* cmd-generate.c — `carilab-cli generate`: write SynCari. */
#include "cli.h"

#include <cari.h>
#include <glib/gi18n.h>
#include <unistd.h>

typedef struct
{
  gboolean tty;
  int last_percent;
} GenerateProgress;

static gboolean
on_progress (double fraction, gpointer data)
{
  GenerateProgress *p = data;
  int percent = (int) (fraction * 100.0);
  if (percent != p->last_percent && (p->tty || percent % 10 == 0))
    {
      fputs (p->tty ? "\r" : "", stderr);
      fprintf (stderr, _("generating SynCari: %d %%"), percent);
      fputs (p->tty ? "" : "\n", stderr);
      p->last_percent = percent;
    }
  return TRUE;
}

int
cmd_generate (int argc, char **argv)
{
  g_autofree char *out = NULL, *pretrain = NULL, *sheet = NULL;
  CariSynCariConfig cfg;
  gint64 seed = 1;
  gboolean tiny = FALSE;
  cari_syncari_config_init (&cfg);
  GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("Folder to write the set to (default: ~/.cache/carilab/syncari)"), N_("DIR") },
    { "pretrain-out", 0, 0, G_OPTION_ARG_FILENAME, &pretrain, N_("Folder for the photo-only pretraining set (default: beside the set, “-pretrain”)"), N_("DIR") },
    { "identities", 'k', 0, G_OPTION_ARG_INT, &cfg.identities, N_("Identities (default: 200)"), N_("N") },
    { "photos", 0, 0, G_OPTION_ARG_INT, &cfg.photos_per_identity, N_("Photos per identity (default: 10)"), N_("N") },
    { "caricatures", 0, 0, G_OPTION_ARG_INT, &cfg.caricatures_per_identity, N_("Caricatures per identity (default: 10)"), N_("N") },
    { "size", 's', 0, G_OPTION_ARG_INT, &cfg.size, N_("Image side in pixels (default: 128)"), N_("PIXELS") },
    { "pretrain-identities", 0, 0, G_OPTION_ARG_INT, &cfg.pretrain_identities, N_("Photo-only pretraining identities (default: 200)"), N_("N") },
    { "pairs", 0, 0, G_OPTION_ARG_INT, &cfg.pairs_per_fold, N_("Matched pairs per verification fold, as many mismatched (default: 1000)"), N_("N") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Random seed (default: 1)"), N_("N") },
    { "tiny", 0, 0, G_OPTION_ARG_NONE, &tiny, N_("A tiny set for tests (20 identities at 64 pixels)"), NULL },
    { "contact-sheet", 0, 0, G_OPTION_ARG_FILENAME, &sheet, N_("Only draw a PNG of the first identities in both modalities"), N_("FILE") },
    { NULL },
  };
  g_autoptr (GError) error = NULL;

  if (!cli_parse_command (&argc, &argv,
                          _("Generate SynCari, the embedded caricature–photo data set, in "
                            "WebCaricature's layout."),
                          entries))
    return CLI_EXIT_USAGE;
  if (tiny)
    cari_syncari_config_init_tiny (&cfg);
  cfg.seed = (guint64) seed;

  if (sheet != NULL)
    {
      if (!cari_syncari_contact_sheet (&cfg, 6, 4, sheet, &error))
        return cli_report (argv[0], error, CLI_EXIT_FAILURE);
      printf ("%s\n", sheet);
      return CLI_EXIT_OK;
    }
  if (out == NULL)
    out = g_build_filename (g_get_user_cache_dir (), "carilab", "syncari", NULL);
  if (pretrain == NULL)
    pretrain = g_strdup_printf ("%s-pretrain", out);

  GenerateProgress p = { isatty (STDERR_FILENO), -1 };
  gint64 t0 = g_get_monotonic_time ();
  if (!cari_syncari_generate (&cfg, out, pretrain, on_progress, &p, &error))
    {
      g_printerr ("\n%s: %s\n", argv[0], error->message);
      return CLI_EXIT_FAILURE;
    }
  double seconds = (double) (g_get_monotonic_time () - t0) * 1e-6;
  if (p.tty)
    fputc ('\n', stderr);
  fprintf (stderr, _("SynCari: %d identities × (%d photos + %d caricatures) at %d px, %d "
                     "pretraining identities, in %.1f s\n"),
           cfg.identities, cfg.photos_per_identity, cfg.caricatures_per_identity, cfg.size,
           cfg.pretrain_identities, seconds);
  printf ("%s\n%s\n", out, pretrain);
  return CLI_EXIT_OK;
}
