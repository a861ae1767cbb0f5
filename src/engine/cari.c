/* cari.c — library-wide entry points. */
#include "cari.h"

#include "core/i18n.h"

const char *
cari_version (void)
{
  return CARI_VERSION;
}

void
cari_init (void)
{
  static gsize once = 0;
  if (g_once_init_enter (&once))
    {
      bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      g_once_init_leave (&once, 1);
    }
}
