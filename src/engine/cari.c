/* cari.c — library-wide entry points. */
#include "cari.h"

#include "core/i18n.h"

#include <string.h>

const char *
cari_version (void)
{
  return CARI_VERSION;
}

char *
cari_installed_datadir (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe == NULL)
    return NULL;
  g_autofree char *bin = g_path_get_dirname (exe);
  g_autofree char *base = g_path_get_basename (bin);
  g_autofree char *prefix = g_path_get_dirname (bin);
  g_autofree char *share = g_build_filename (prefix, "share", NULL);
  /* Installed programs live in <prefix>/bin; the build tree's in src/cli and src/ui. */
  if (strcmp (base, "bin") != 0 || !g_file_test (share, G_FILE_TEST_IS_DIR))
    return NULL;
  return g_steal_pointer (&share);
}

const char *
cari_locale_dir (void)
{
  static char *dir = NULL;
  static gsize once = 0;
  if (g_once_init_enter (&once))
    {
      g_autofree char *data = cari_installed_datadir ();
      dir = data != NULL ? g_build_filename (data, "locale", NULL) : g_strdup (LOCALEDIR);
      g_once_init_leave (&once, 1);
    }
  return dir;
}

void
cari_init (void)
{
  static gsize once = 0;
  if (g_once_init_enter (&once))
    {
      bindtextdomain (GETTEXT_PACKAGE, cari_locale_dir ());
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      g_once_init_leave (&once, 1);
    }
}
