/* checkpoint.c — tagged-section checkpoints: format, atomic writing, validated reading, and the
 * network's and optimisers' sections. All integers little-endian. */
#include "nn/checkpoint.h"

#include "core/bytes.h"
#include "core/error.h"
#include "core/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define MAGIC "CARICKPT"
#define HEADER_SIZE 32
#define SECTION_HEADER_SIZE 24

G_STATIC_ASSERT (G_BYTE_ORDER == G_LITTLE_ENDIAN); /* floats are stored as the host has them */

typedef struct
{
  char tag[5];
  GBytes *data;
} Section;

struct _CariCheckpoint
{
  GPtrArray *sections; /* Section *, owned */
  char *path;
};

static void
section_free (gpointer p)
{
  Section *s = p;
  g_bytes_unref (s->data);
  g_free (s);
}

CariCheckpoint *
cari_checkpoint_new (void)
{
  CariCheckpoint *ck = g_new0 (CariCheckpoint, 1);
  ck->sections = g_ptr_array_new_with_free_func (section_free);
  return ck;
}

void
cari_checkpoint_free (CariCheckpoint *ck)
{
  if (ck == NULL)
    return;
  g_ptr_array_unref (ck->sections);
  g_free (ck->path);
  g_free (ck);
}

const char *
cari_checkpoint_get_path (const CariCheckpoint *ck)
{
  return ck->path;
}

guint
cari_checkpoint_n_sections (const CariCheckpoint *ck)
{
  return ck->sections->len;
}

static Section *
find (const CariCheckpoint *ck, const char *tag)
{
  for (guint i = 0; i < ck->sections->len; i++)
    {
      Section *s = g_ptr_array_index (ck->sections, i);
      if (memcmp (s->tag, tag, 4) == 0)
        return s;
    }
  return NULL;
}

static void
add_bytes (CariCheckpoint *ck, const char *tag, GBytes *bytes)
{
  Section *s;
  g_assert (strlen (tag) == 4);
  s = find (ck, tag);
  if (s != NULL)
    {
      g_bytes_unref (s->data);
      s->data = bytes;
      return;
    }
  s = g_new0 (Section, 1);
  memcpy (s->tag, tag, 4);
  s->data = bytes;
  g_ptr_array_add (ck->sections, s);
}

void
cari_checkpoint_add (CariCheckpoint *ck, const char *tag, const void *data, size_t len)
{
  add_bytes (ck, tag, g_bytes_new (data, len));
}

const void *
cari_checkpoint_get (const CariCheckpoint *ck, const char *tag, size_t *len)
{
  Section *s = find (ck, tag);
  if (s == NULL)
    return NULL;
  /* An empty section is there all the same (GBytes gives NULL for no bytes): a network without
   * the weight module has an empty MPAR, which an in-memory checkpoint keeps as made. */
  const void *data = g_bytes_get_data (s->data, len);
  return data != NULL ? data : "";
}

/* ---------------------------------------------------------------------------- writing */

/* The CRC-32 of `len` more bytes after `c` (0 to start). */
static guint32
crc_more (guint32 c, const void *data, size_t len)
{
  uLong u = c;
  const Bytef *p = data;
  while (len > 0)
    {
      uInt chunk = (uInt) MIN (len, (size_t) 1 << 30);
      u = crc32 (u, p, chunk);
      p += chunk;
      len -= chunk;
    }
  return (guint32) u;
}

static guint32
crc (const void *data, size_t len)
{
  return crc_more (0, data, len);
}

/* From version 2 on, the header's checksum (bytes 24–27) covers all its other bytes. */
static guint32
header_crc (const guint8 *header)
{
  return crc_more (crc (header, 24), header + 28, HEADER_SIZE - 28);
}

static const guint8 zeros[8] = { 0 };

static size_t
padded (size_t len)
{
  return (len + 7) & ~(size_t) 7;
}

static gboolean
write_all (int fd, const void *data, size_t len, const char *path, GError **error)
{
  const guint8 *p = data;
  while (len > 0)
    {
      ssize_t w = write (fd, p, MIN (len, (size_t) 1 << 30));
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        {
          int saved = errno;
          g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot write checkpoint “%s”: %s"),
                       path, g_strerror (saved));
          return FALSE;
        }
      p += w;
      len -= (size_t) w;
    }
  return TRUE;
}

/* The file header and the section headers [n_sections] of `ck`'s bytes; the whole length. */
static guint64
lay_out (const CariCheckpoint *ck, guint8 *header, guint8 *table)
{
  guint64 total = HEADER_SIZE;

  /* The section headers first: the file header's checksum covers theirs. */
  for (guint i = 0; i < ck->sections->len; i++)
    {
      Section *s = g_ptr_array_index (ck->sections, i);
      size_t len;
      const void *data = g_bytes_get_data (s->data, &len);
      guint8 *sh = table + (size_t) SECTION_HEADER_SIZE * i;
      memcpy (sh, s->tag, 4);
      cari_put_u32_le (sh + 4, 0);
      cari_put_u64_le (sh + 8, len);
      cari_put_u32_le (sh + 16, crc_more (crc (data, len), zeros, padded (len) - len));
      total += SECTION_HEADER_SIZE + padded (len);
    }
  memcpy (header, MAGIC, 8);
  cari_put_u32_le (header + 8, CARI_CHECKPOINT_VERSION);
  cari_put_u32_le (header + 12, ck->sections->len);
  cari_put_u64_le (header + 16, total);
  cari_put_u32_le (header + 28, crc (table, (size_t) SECTION_HEADER_SIZE * ck->sections->len));
  cari_put_u32_le (header + 24, header_crc (header));
  return total;
}

GBytes *
cari_checkpoint_to_bytes (const CariCheckpoint *ck)
{
  guint8 header[HEADER_SIZE] = { 0 };
  g_autofree guint8 *table = g_malloc0 ((size_t) SECTION_HEADER_SIZE * MAX (ck->sections->len, 1));
  guint64 total = lay_out (ck, header, table);
  guint8 *out = g_malloc (total), *p = out;

  memcpy (p, header, HEADER_SIZE);
  p += HEADER_SIZE;
  for (guint i = 0; i < ck->sections->len; i++)
    {
      Section *s = g_ptr_array_index (ck->sections, i);
      size_t len;
      const void *data = g_bytes_get_data (s->data, &len);
      memcpy (p, table + (size_t) SECTION_HEADER_SIZE * i, SECTION_HEADER_SIZE);
      p += SECTION_HEADER_SIZE;
      if (len > 0)
        memcpy (p, data, len);
      memset (p + len, 0, padded (len) - len);
      p += padded (len);
    }
  g_assert ((guint64) (p - out) == total);
  return g_bytes_new_take (out, total);
}

gboolean
cari_checkpoint_write (const CariCheckpoint *ck, const char *path, GError **error)
{
  guint8 header[HEADER_SIZE] = { 0 };
  g_autofree char *tmp = g_strdup_printf ("%s.tmp-XXXXXX", path);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree guint8 *table = g_malloc0 ((size_t) SECTION_HEADER_SIZE * MAX (ck->sections->len, 1));
  int fd, saved;

  lay_out (ck, header, table);
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot write checkpoint “%s”: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  if (!write_all (fd, header, sizeof header, path, error))
    goto fail;
  for (guint i = 0; i < ck->sections->len; i++)
    {
      Section *s = g_ptr_array_index (ck->sections, i);
      size_t len;
      const void *data = g_bytes_get_data (s->data, &len);
      const guint8 *sh = table + (size_t) SECTION_HEADER_SIZE * i;
      if (!write_all (fd, sh, SECTION_HEADER_SIZE, path, error)
          || !write_all (fd, data, len, path, error)
          || !write_all (fd, zeros, padded (len) - len, path, error))
        goto fail;
    }
  if (fsync (fd) != 0)
    {
      saved = errno;
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot write checkpoint “%s”: %s"), path,
                   g_strerror (saved));
      goto fail;
    }
  close (fd);
  fd = -1;
  if (rename (tmp, path) != 0)
    {
      saved = errno;
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot write checkpoint “%s”: %s"), path,
                   g_strerror (saved));
      goto fail;
    }
  /* The rename itself must reach the disk. */
  int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0)
    {
      fsync (dfd);
      close (dfd);
    }
  return TRUE;

fail:
  if (fd >= 0)
    close (fd);
  unlink (tmp);
  return FALSE;
}

/* ---------------------------------------------------------------------------- reading */

static gboolean
corrupt (GError **error, const char *path, const char *what)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT, _("Checkpoint “%s” is damaged: %s"), path,
               what);
  return FALSE;
}

static gboolean
printable_tag (const guint8 *t)
{
  for (int i = 0; i < 4; i++)
    if (t[i] < 0x20 || t[i] > 0x7e)
      return FALSE;
  return TRUE;
}

/* The header's checks, on its first 32 bytes: magic, checksum (version 1: of bytes 0–23; from
 * version 2: of every other byte, the section headers' checksum included), version. */
static gboolean
check_header (const guint8 *p, size_t size, const char *path, GError **error)
{
  if (size < HEADER_SIZE || memcmp (p, MAGIC, 8) != 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                   _("“%s” is not a CariLab checkpoint"), path);
      return FALSE;
    }
  guint32 version = cari_get_u32_le (p + 8);
  if (cari_get_u32_le (p + 24) != (version == 1 ? crc (p, 24) : header_crc (p)))
    return corrupt (error, path, _("its header fails its checksum"));
  if (version == 0 || version > CARI_CHECKPOINT_VERSION)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_VERSION,
                   _("Checkpoint “%s” has format version %u; this version of CariLab reads "
                     "versions 1 to %u"),
                   path, version, CARI_CHECKPOINT_VERSION);
      return FALSE;
    }
  return TRUE;
}

/* The section headers' layout: each fits in the file, and the last ends where the file does;
 * from version 2 on, their checksum is the one the file header records. */
static gboolean
check_section_table (const guint8 *p, size_t size, const char *path, GError **error)
{
  g_autofree char *what = NULL;
  guint32 n_sections = cari_get_u32_le (p + 12);
  guint32 table = 0;
  size_t off = HEADER_SIZE;
  for (guint32 i = 0; i < n_sections; i++)
    {
      if (size - off < SECTION_HEADER_SIZE)
        {
          what = g_strdup_printf (_("section %u of %u is cut off"), i + 1, n_sections);
          return corrupt (error, path, what);
        }
      const guint8 *sh = p + off;
      guint64 len = cari_get_u64_le (sh + 8);
      if (!printable_tag (sh) || len > size - off - SECTION_HEADER_SIZE
          || padded (len) > size - off - SECTION_HEADER_SIZE)
        {
          what = g_strdup_printf (_("section %u of %u has a bad tag or length"), i + 1,
                                  n_sections);
          return corrupt (error, path, what);
        }
      table = crc_more (table, sh, SECTION_HEADER_SIZE);
      off += SECTION_HEADER_SIZE + padded (len);
    }
  if (cari_get_u32_le (p + 8) >= 2 && table != cari_get_u32_le (p + 28))
    return corrupt (error, path, _("its section headers fail their checksum"));
  if (off != size)
    return corrupt (error, path, _("there are bytes after its last section"));
  return TRUE;
}

CariCheckpoint *
cari_checkpoint_read (const char *path, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GMappedFile) map = g_mapped_file_new (path, FALSE, &local);

  if (map == NULL)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot read checkpoint “%s”: %s"), path,
                   local->message);
      return NULL;
    }
  g_autoptr (GBytes) all = g_mapped_file_get_bytes (map);
  return cari_checkpoint_from_bytes (all, path, error);
}

CariCheckpoint *
cari_checkpoint_from_bytes (GBytes *all, const char *name, GError **error)
{
  g_autoptr (CariCheckpoint) ck = NULL;
  g_autofree char *what = NULL;
  const char *path = name;
  size_t size;
  const guint8 *p = g_bytes_get_data (all, &size);

  if (!check_header (p, size, path, error))
    return NULL;
  guint32 version = cari_get_u32_le (p + 8);
  guint32 n_sections = cari_get_u32_le (p + 12);
  guint64 total = cari_get_u64_le (p + 16);
  if (total != size)
    {
      what = g_strdup_printf (_("it is %zu bytes long where its header says %llu (truncated or "
                                "appended to)"),
                              size, (unsigned long long) total);
      corrupt (error, path, what);
      return NULL;
    }
  if (!check_section_table (p, size, path, error))
    return NULL;

  ck = cari_checkpoint_new ();
  ck->path = g_strdup (name);
  size_t off = HEADER_SIZE;
  for (guint32 i = 0; i < n_sections; i++)
    {
      const guint8 *sh = p + off;
      guint64 len = cari_get_u64_le (sh + 8);
      char tag[5] = { 0 };
      memcpy (tag, sh, 4);
      const guint8 *payload = sh + SECTION_HEADER_SIZE;
      /* Version 1 left the flags, the reserved field and the padding out of every checksum. */
      guint32 sum = version == 1 ? crc (payload, len) : crc (payload, padded (len));
      if (version >= 2 && (cari_get_u32_le (sh + 4) != 0 || cari_get_u32_le (sh + 20) != 0))
        what = g_strdup_printf (_("section “%s” has unknown flags"), tag);
      else if (cari_get_u32_le (sh + 16) != sum)
        what = g_strdup_printf (_("section “%s” fails its checksum"), tag);
      else if (find (ck, tag) != NULL)
        what = g_strdup_printf (_("section “%s” appears twice"), tag);
      if (what != NULL)
        {
          corrupt (error, path, what);
          return NULL;
        }
      add_bytes (ck, tag, g_bytes_new_from_bytes (all, off + SECTION_HEADER_SIZE, len));
      off += SECTION_HEADER_SIZE + padded (len);
    }
  return g_steal_pointer (&ck);
}

gboolean
cari_checkpoint_read_info (const char *path, CariCheckpointInfo *info, GError **error)
{
  guint8 header[HEADER_SIZE] = { 0 };
  size_t got = 0;
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    {
      int saved = errno;
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot read checkpoint “%s”: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  got = fread (header, 1, sizeof header, f);
  fclose (f);
  if (!check_header (header, got, path, error))
    return FALSE;
  info->version = cari_get_u32_le (header + 8);
  info->n_sections = cari_get_u32_le (header + 12);
  info->size = cari_get_u64_le (header + 16);
  info->checksum = cari_get_u32_le (header + 24);
  return TRUE;
}

/* What cari_checkpoint_write names its temporary files: "NAME.ckpt.tmp-" and six characters. */
static gboolean
is_temporary (const char *name)
{
  const char *t = strstr (name, ".ckpt.tmp-");
  return t != NULL && t != name && strlen (t + strlen (".ckpt.tmp-")) == 6;
}

guint
cari_checkpoint_remove_temporaries (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint removed = 0;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      if (!is_temporary (name))
        continue;
      g_autofree char *file = g_build_filename (dir, name, NULL);
      if (unlink (file) == 0)
        {
          g_debug ("removed “%s”, a checkpoint an interrupted write left", file);
          removed++;
        }
    }
  return removed;
}

/* ---------------------------------------------------------------------------- typed sections */

static const void *
require (const CariCheckpoint *ck, const char *tag, size_t *len, GError **error)
{
  const void *data = cari_checkpoint_get (ck, tag, len);
  if (data == NULL)
    g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                 _("Checkpoint “%s” has no “%s” section"),
                 ck->path != NULL ? ck->path : "", tag);
  return data;
}

static gboolean
wrong_size (const CariCheckpoint *ck, const char *tag, size_t got, size_t want, GError **error)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
               _("Checkpoint “%s”: section “%s” holds %zu bytes where %zu are needed"),
               ck->path != NULL ? ck->path : "", tag, got, want);
  return FALSE;
}

/* The section `tag`, which must hold `size` bytes; NULL with `error` set otherwise. */
static const guint8 *
require_size (const CariCheckpoint *ck, const char *tag, size_t size, GError **error)
{
  size_t len;
  const guint8 *data = require (ck, tag, &len, error);
  if (data != NULL && len != size)
    {
      wrong_size (ck, tag, len, size, error);
      return NULL;
    }
  return data;
}

void
cari_checkpoint_add_u64 (CariCheckpoint *ck, const char *tag, uint64_t value)
{
  guint8 b[8];
  cari_put_u64_le (b, value);
  cari_checkpoint_add (ck, tag, b, 8);
}

gboolean
cari_checkpoint_get_u64 (const CariCheckpoint *ck, const char *tag, uint64_t *value,
                         GError **error)
{
  const guint8 *b = require_size (ck, tag, 8, error);
  if (b == NULL)
    return FALSE;
  *value = cari_get_u64_le (b);
  return TRUE;
}

void
cari_checkpoint_add_string (CariCheckpoint *ck, const char *tag, const char *text)
{
  cari_checkpoint_add (ck, tag, text, strlen (text));
}

char *
cari_checkpoint_get_string (const CariCheckpoint *ck, const char *tag, GError **error)
{
  size_t len;
  const char *b = require (ck, tag, &len, error);
  if (b == NULL)
    return NULL;
  if (!g_utf8_validate_len (b, len, NULL))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                   _("Checkpoint “%s”: section “%s” is not valid UTF-8 text"),
                   ck->path != NULL ? ck->path : "", tag);
      return NULL;
    }
  return g_strndup (b, len);
}

void
cari_checkpoint_add_rng (CariCheckpoint *ck, const char *tag, const CariRng *rng)
{
  guint8 b[32];
  for (int i = 0; i < 4; i++)
    cari_put_u64_le (b + 8 * i, rng->s[i]);
  cari_checkpoint_add (ck, tag, b, sizeof b);
}

gboolean
cari_checkpoint_get_rng (const CariCheckpoint *ck, const char *tag, CariRng *rng, GError **error)
{
  const guint8 *b = require_size (ck, tag, 32, error);
  if (b == NULL)
    return FALSE;
  for (int i = 0; i < 4; i++)
    rng->s[i] = cari_get_u64_le (b + 8 * i);
  return TRUE;
}

void
cari_checkpoint_add_net (CariCheckpoint *ck, CariNet *net)
{
  size_t n;
  g_autofree char *arch = cari_net_config_architecture (cari_net_get_config (net));
  cari_checkpoint_add_string (ck, "ARCH", arch);
  float *p = cari_net_params (net, &n);
  cari_checkpoint_add (ck, "PARM", p, n * sizeof (float));
  p = cari_net_module_params (net, &n);
  cari_checkpoint_add (ck, "MPAR", p, n * sizeof (float));
  p = cari_net_buffers (net, &n);
  cari_checkpoint_add (ck, "BUFS", p, n * sizeof (float));
  cari_checkpoint_add_rng (ck, "RNGN", cari_net_rng (net));

  /* Where each named tensor lies, so another architecture can start from the matching ones. */
  size_t n_infos, np;
  const CariParamInfo *infos = cari_net_param_infos (net, &n_infos);
  const float *parm = cari_net_params (net, &np);
  const float *bufs = cari_net_buffers (net, &np);
  GString *names = g_string_new (NULL);
  for (size_t i = 0; i < n_infos; i++)
    if (!infos[i].module)
      g_string_append_printf (names, "%s %zu %zu %d\n", infos[i].name,
                              (size_t) (infos[i].param - (infos[i].buffer ? bufs : parm)),
                              infos[i].size, infos[i].buffer ? 1 : 0);
  cari_checkpoint_add_string (ck, "TNSR", names->str);
  g_string_free (names, TRUE);
}

/* The first key=value of `want` that `got` does not have, as a message. */
static char *
describe_arch_difference (const char *got, const char *want)
{
  g_auto (GStrv) g = g_strsplit (got, ";", -1);
  g_auto (GStrv) w = g_strsplit (want, ";", -1);
  for (int i = 0; w[i] != NULL; i++)
    {
      const char *eq = strchr (w[i], '=');
      size_t klen = eq != NULL ? (size_t) (eq - w[i]) : strlen (w[i]);
      const char *other = NULL;
      for (int j = 0; g[j] != NULL; j++)
        if (strncmp (g[j], w[i], klen) == 0 && g[j][klen] == '=')
          other = g[j] + klen + 1;
      if (other == NULL || g_strcmp0 (other, eq != NULL ? eq + 1 : "") != 0)
        return g_strdup_printf (_("it was saved with %.*s=%s, this network has %s"), (int) klen,
                                w[i], other != NULL ? other : "?", w[i] + MIN (klen + 1, strlen (w[i])));
    }
  return g_strdup (_("its architecture description differs"));
}

gboolean
cari_checkpoint_restore_net (const CariCheckpoint *ck, CariNet *net, GError **error)
{
  const char *path = ck->path != NULL ? ck->path : "";
  g_autofree char *arch = cari_net_config_architecture (cari_net_get_config (net));
  g_autofree char *saved = cari_checkpoint_get_string (ck, "ARCH", error);
  size_t n_p, n_m, n_b, len_p, len_m, len_b;
  CariRng rng;

  if (saved == NULL)
    return FALSE;
  if (strcmp (saved, arch) != 0)
    {
      g_autofree char *why = describe_arch_difference (saved, arch);
      g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                   _("Checkpoint “%s” does not fit this network: %s"), path, why);
      return FALSE;
    }
  float *p = cari_net_params (net, &n_p);
  float *m = cari_net_module_params (net, &n_m);
  float *b = cari_net_buffers (net, &n_b);
  const void *sp = require (ck, "PARM", &len_p, error);
  const void *sm = sp ? require (ck, "MPAR", &len_m, error) : NULL;
  const void *sb = sm ? require (ck, "BUFS", &len_b, error) : NULL;
  if (sb == NULL)
    return FALSE;
  if (len_p != n_p * sizeof (float))
    return wrong_size (ck, "PARM", len_p, n_p * sizeof (float), error);
  if (len_m != n_m * sizeof (float))
    return wrong_size (ck, "MPAR", len_m, n_m * sizeof (float), error);
  if (len_b != n_b * sizeof (float))
    return wrong_size (ck, "BUFS", len_b, n_b * sizeof (float), error);
  if (!cari_checkpoint_get_rng (ck, "RNGN", &rng, error))
    return FALSE;

  /* Everything fits: now change the network. */
  memcpy (p, sp, len_p);
  memcpy (m, sm, len_m);
  memcpy (b, sb, len_b);
  *cari_net_rng (net) = rng;
  return TRUE;
}

/* Optimiser section: kind u32, 4 settings f32, step count u64, n_params u64, state floats. */
#define OPT_HEADER 36

void
cari_checkpoint_add_optimizer (CariCheckpoint *ck, const char *tag, CariOptimizer *opt)
{
  size_t n_state;
  const float *state = cari_optimizer_get_state (opt, &n_state);
  const CariOptimizerConfig *cfg = cari_optimizer_get_config (opt);
  size_t len = OPT_HEADER + n_state * sizeof (float);
  g_autofree guint8 *b = g_malloc (len);
  float settings[4] = { cfg->momentum, cfg->decay, cfg->epsilon, cfg->initial_mean_square };

  cari_put_u32_le (b, (guint32) cfg->kind);
  memcpy (b + 4, settings, sizeof settings);
  cari_put_u64_le (b + 20, cari_optimizer_get_step_count (opt));
  cari_put_u64_le (b + 28, cari_optimizer_get_n_params (opt));
  memcpy (b + OPT_HEADER, state, n_state * sizeof (float));
  cari_checkpoint_add (ck, tag, b, len);
}

gboolean
cari_checkpoint_restore_optimizer (const CariCheckpoint *ck, const char *tag, CariOptimizer *opt,
                                   GError **error)
{
  size_t len, n_state;
  const guint8 *b = require (ck, tag, &len, error);
  float *state = cari_optimizer_get_state (opt, &n_state);
  const CariOptimizerConfig *cfg = cari_optimizer_get_config (opt);

  if (b == NULL)
    return FALSE;
  if (len < OPT_HEADER)
    return wrong_size (ck, tag, len, OPT_HEADER + n_state * sizeof (float), error);
  if (cari_get_u32_le (b) != (guint32) cfg->kind)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                   _("Checkpoint “%s”: section “%s” holds %s state, the run uses %s"),
                   ck->path != NULL ? ck->path : "", tag,
                   cari_optimizer_kind_to_string ((CariOptimizerKind) cari_get_u32_le (b)),
                   cari_optimizer_kind_to_string (cfg->kind));
      return FALSE;
    }
  if (cari_get_u64_le (b + 28) != cari_optimizer_get_n_params (opt)
      || len != OPT_HEADER + n_state * sizeof (float))
    return wrong_size (ck, tag, len, OPT_HEADER + n_state * sizeof (float), error);
  memcpy (state, b + OPT_HEADER, n_state * sizeof (float));
  cari_optimizer_set_step_count (opt, cari_get_u64_le (b + 20));
  return TRUE;
}
