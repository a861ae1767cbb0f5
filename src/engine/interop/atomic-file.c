/* atomic-file.c — temporary file, fsync, rename, fsync of the folder. */
#include "interop/atomic-file.h"

#include "core/error.h"
#include "core/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

static gboolean
write_failed (GError **error, const char *path, int saved)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot write “%s”: %s"), path,
               g_strerror (saved));
  return FALSE;
}

static gboolean
write_all (int fd, const guint8 *p, size_t len)
{
  while (len > 0)
    {
      ssize_t w = write (fd, p, MIN (len, (size_t) 1 << 30));
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        {
          if (w == 0)
            errno = EIO;
          return FALSE;
        }
      p += w;
      len -= (size_t) w;
    }
  return TRUE;
}

gboolean
cari_atomic_file_write (const char *path, const CariFileChunk *chunks, size_t n_chunks,
                        GError **error)
{
  g_autofree char *tmp = g_strdup_printf ("%s.tmp-XXXXXX", path);
  g_autofree char *dir = g_path_get_dirname (path);
  int saved;

  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    return write_failed (error, path, errno);
  for (size_t i = 0; i < n_chunks; i++)
    if (!write_all (fd, chunks[i].data, chunks[i].len))
      goto fail;
  if (fsync (fd) != 0)
    goto fail;
  if (close (fd) != 0)
    {
      fd = -1;
      goto fail;
    }
  fd = -1;
  if (rename (tmp, path) != 0)
    goto fail;
  /* The rename itself must reach the disk. */
  int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0)
    {
      fsync (dfd);
      close (dfd);
    }
  return TRUE;

fail:
  saved = errno;
  if (fd >= 0)
    close (fd);
  g_unlink (tmp);
  return write_failed (error, path, saved);
}
