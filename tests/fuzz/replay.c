/* replay.c — run a fuzz target over every file of its corpus folders (a TAP test). */
#include <glib.h>
#include <stdio.h>

#include "fuzz.h"

int
main (int argc, char **argv)
{
  int n = 0;
  for (int a = 1; a < argc; a++)
    {
      g_autoptr (GDir) dir = g_dir_open (argv[a], 0, NULL);
      const char *name;
      if (dir == NULL)
        {
          printf ("not ok 1 - cannot open corpus %s\n1..1\n", argv[a]);
          return 1;
        }
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (argv[a], name, NULL);
          g_autofree char *data = NULL;
          gsize len;
          if (!g_file_get_contents (path, &data, &len, NULL))
            continue;
          LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
          printf ("ok %d - %s\n", ++n, name);
        }
    }
  printf ("1..%d\n", n);
  return n > 0 ? 0 : 1;
}
