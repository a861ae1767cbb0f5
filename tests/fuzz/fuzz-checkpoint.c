/* fuzz-checkpoint.c — the checkpoint reader and the typed section readers on arbitrary files. */
#include <cari.h>
#include <glib/gstdio.h>
#include <stdlib.h>

#include "fuzz.h"

static char *path, *folder;

static void
clean_up (void)
{
  g_remove (path);
  g_rmdir (folder);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (path == NULL)
    {
      folder = g_dir_make_tmp ("carilab-fuzz-XXXXXX", NULL);
      path = g_build_filename (folder, "input.ckpt", NULL);
      atexit (clean_up);
    }
  /* Written without fsync (g_file_set_contents's default on an existing file), which was most
   * of an input's time; the file is read through cari_checkpoint_read, path and all. */
  g_file_set_contents_full (path, (const char *) data, (gssize) size, G_FILE_SET_CONTENTS_NONE,
                            0644, NULL);
  GError *error = NULL;
  CariCheckpoint *ck = cari_checkpoint_read (path, &error);
  g_assert ((ck == NULL) != (error == NULL));
  if (ck != NULL)
    {
      guint64 step;
      CariRng rng;
      char *text = cari_checkpoint_get_string (ck, "CONF", NULL);
      g_free (text);
      cari_checkpoint_get_u64 (ck, "STEP", &step, NULL);
      cari_checkpoint_get_rng (ck, "RNGN", &rng, NULL);
      cari_checkpoint_free (ck);
    }
  g_clear_error (&error);
  return 0;
}
