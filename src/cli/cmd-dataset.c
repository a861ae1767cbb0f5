/* cmd-dataset.c — `carilab-cli import` and `carilab-cli dataset info`. */
#include "cli.h"

#include <cari.h>
#include <glib/gi18n.h>
#include <string.h>

int
cmd_import (int argc, char **argv)
{
  g_autofree char *db = NULL, *kind = NULL, *root = NULL, *name = NULL;
  GOptionEntry entries[] = {
    cli_db_option (&db),
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &kind, N_("webcaricature, cavi or folder"), N_("KIND") },
    { "root", 'r', 0, G_OPTION_ARG_FILENAME, &root, N_("The data set's folder"), N_("DIR") },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name, N_("Name in the database (default: the kind)"), N_("NAME") },
    { NULL },
  };
  g_autoptr (GError) error = NULL;

  if (!cli_parse_command (&argc, &argv,
                          _("Index a data set (images, identities, landmarks, protocols) into "
                            "the run database. Images stay where they are."),
                          entries))
    return CLI_EXIT_USAGE;
  if (kind == NULL || root == NULL)
    {
      g_printerr (_("%s: give --kind and --root\n"), argv[0]);
      return CLI_EXIT_USAGE;
    }
  CariDatasetIndex *(*importer) (const char *, CariImportProgress, gpointer, GError **) = NULL;
  if (strcmp (kind, "webcaricature") == 0 || strcmp (kind, "webcari") == 0)
    importer = cari_webcari_import_with_progress;
  else if (strcmp (kind, "cavi") == 0)
    importer = cari_cavi_import_with_progress;
  else if (strcmp (kind, "folder") == 0)
    importer = cari_folder_import_with_progress;
  else
    {
      g_printerr (_("%s: unknown kind “%s” (webcaricature, cavi or folder)\n"), argv[0], kind);
      return CLI_EXIT_USAGE;
    }

  /* Every image is decoded (a minute for a large set): progress on stderr, Ctrl-C cancels. */
  int last = -10;
  cli_catch_interrupts ();
  g_autoptr (CariStore) store = cli_open_store (db, FALSE, &error);
  g_autoptr (CariDatasetIndex) index = store ? importer (root, cli_progress, &last, &error) : NULL;
  if (index == NULL)
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  if (name != NULL)
    {
      g_free (index->name);
      index->name = g_strdup (name);
    }
  for (guint i = 0; i < index->warnings->len; i++)
    {
      const CariIndexWarning *w = &g_array_index (index->warnings, CariIndexWarning, i);
      if (w->line > 0)
        g_printerr ("%s:%d: %s\n", w->file, w->line, w->message);
      else
        g_printerr ("%s: %s\n", w->file, w->message);
    }
  gint64 id = cari_store_import_dataset (store, index, &error);
  if (id <= 0)
    return cli_report (argv[0], error, CLI_EXIT_FAILURE);
  printf (_("Data set %lld “%s”: %u identities, %u images, %u pairs; %u warnings\n"),
          (long long) id, index->name, index->identities->len, index->images->len,
          index->pairs->len, index->warnings->len);
  if (index->skipped_images > 0)
    printf (_("Skipped %u images that cannot be decoded (named above), and %u protocol rows "
              "naming them\n"),
            index->skipped_images, index->dropped_rows);
  return CLI_EXIT_OK;
}

static int
compare_names (const void *a, const void *b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static int
dataset_info (const char *prog, const char *db, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariStore) store = cli_open_store (db, FALSE, &error);
  g_autoptr (CariDatasetIndex) index = store ? cli_dataset_index (store, name, &error) : NULL;
  if (index == NULL)
    return cli_report (prog, error, CLI_EXIT_FAILURE);
  guint K = index->identities->len;
  g_autofree int *counts = g_new0 (int, 2 * MAX (K, 1));
  for (guint i = 0; i < index->images->len; i++)
    {
      const CariIndexImage *im = &g_array_index (index->images, CariIndexImage, i);
      counts[2 * im->identity + im->modality]++;
    }
  int total[2] = { 0, 0 }, min[2] = { G_MAXINT, G_MAXINT }, max[2] = { 0, 0 };
  for (guint k = 0; k < K; k++)
    for (int m = 0; m < 2; m++)
      {
        total[m] += counts[2 * k + m];
        min[m] = MIN (min[m], counts[2 * k + m]);
        max[m] = MAX (max[m], counts[2 * k + m]);
      }
  /* Formatted apart from printf: GCC's format checks misjudge gettext's result when the
   * sanitizers inline this function. */
  g_autofree char *head = g_strdup_printf (_("data set:    %s (%s) at %s\n"), index->name,
                                           index->kind, index->root);
  g_autofree char *ids = g_strdup_printf (_("identities:  %u\n"), K);
  g_autofree char *caris = g_strdup_printf (_("caricatures: %d (%d to %d per identity)\n"),
                                            total[0], K ? min[0] : 0, max[0]);
  g_autofree char *photos = g_strdup_printf (_("photos:      %d (%d to %d per identity)\n"),
                                             total[1], K ? min[1] : 0, max[1]);
  fputs (head, stdout);
  fputs (ids, stdout);
  fputs (caris, stdout);
  fputs (photos, stdout);

  /* Protocols and folds: pairs per fold, image lists, subjects. */
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < index->pairs->len; i++)
    {
      const CariIndexPair *p = &g_array_index (index->pairs, CariIndexPair, i);
      g_autofree char *key = g_strdup_printf ("%s fold %d", p->protocol, p->fold);
      int n = GPOINTER_TO_INT (g_hash_table_lookup (seen, key));
      g_hash_table_replace (seen, g_steal_pointer (&key), GINT_TO_POINTER (n + 1));
    }
  for (guint i = 0; i < index->protocol_images->len; i++)
    {
      const CariIndexProtocolImage *p = &g_array_index (index->protocol_images,
                                                        CariIndexProtocolImage, i);
      g_autofree char *key = g_strdup_printf ("%s fold %d (%s)", p->protocol, p->fold, p->set);
      int n = GPOINTER_TO_INT (g_hash_table_lookup (seen, key));
      g_hash_table_replace (seen, g_steal_pointer (&key), GINT_TO_POINTER (n + 1));
    }
  for (guint i = 0; i < index->subjects->len; i++)
    {
      const CariIndexSubject *s = &g_array_index (index->subjects, CariIndexSubject, i);
      g_autofree char *key = g_strdup_printf ("%s fold %d (subjects)", s->protocol, s->fold);
      int n = GPOINTER_TO_INT (g_hash_table_lookup (seen, key));
      g_hash_table_replace (seen, g_steal_pointer (&key), GINT_TO_POINTER (n + 1));
    }
  g_autofree gpointer *keys = g_hash_table_get_keys_as_array (seen, NULL);
  guint n = g_hash_table_size (seen);
  qsort (keys, n, sizeof (gpointer), compare_names);
  printf (_("protocols:\n"));
  for (guint i = 0; i < n; i++)
    printf ("  %-44s %6d\n", (const char *) keys[i],
            GPOINTER_TO_INT (g_hash_table_lookup (seen, keys[i])));
  return CLI_EXIT_OK;
}

int
cmd_dataset (int argc, char **argv)
{
  g_autofree char *db = NULL, *name = NULL;
  GOptionEntry entries[] = {
    cli_db_option (&db),
    { "dataset", 'd', 0, G_OPTION_ARG_STRING, &name, N_("The data set (name or id; default: syncari)"), N_("NAME") },
    { NULL },
  };
  /* `carilab-cli dataset info …`: the verb comes first. */
  if (argc < 2 || strcmp (argv[1], "info") != 0)
    {
      g_printerr (_("%s: the only subcommand is “info”\n"), argv[0]);
      return CLI_EXIT_USAGE;
    }
  g_autofree char *prog = g_strdup_printf ("%s info", argv[0]);
  argv[1] = prog;
  argc--;
  argv++;
  if (!cli_parse_command (&argc, &argv,
                          _("Counts per identity and modality, protocols and folds of a data "
                            "set."),
                          entries))
    return CLI_EXIT_USAGE;
  return dataset_info (argv[0], db, name != NULL ? name : "syncari");
}
