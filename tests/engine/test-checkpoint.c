/* test-checkpoint.c — checkpoints: a round trip of the whole training state, and a clear error
 * (never a crash, never a half-loaded network) for every kind of bad file. */
#include <cari.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <sys/resource.h>
#include <zlib.h>
#include <string.h>

#include "core/bytes.h"
#include "gradcheck.h"

typedef struct
{
  char *dir;
  CariNetConfig cfg;
} Fixture;

static void
tiny_config (CariNetConfig *cfg)
{
  g_assert_true (cari_net_config_init_preset (cfg, "demo", NULL));
  cfg->input_size = 75;
  cfg->width = 1.0f / 16.0f;
  cfg->embedding_size = 8;
  cfg->n_identities = 4;
  cfg->max_caricatures = 2;
  cfg->max_photos = 2;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("carilab-ckpt-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  tiny_config (&f->cfg);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_remove (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* A net and its two optimisers after a few training-like updates, saved to `path`. */
static CariNet *
trained_net (Fixture *f, CariOptimizer **opt, CariOptimizer **opt_m, const char *path)
{
  CariOptimizerConfig ocfg;
  size_t n, nm;
  CariNet *net = cari_net_new (&f->cfg, 11, NULL);
  size_t img = (size_t) 3 * f->cfg.input_size * f->cfg.input_size;
  g_autofree float *images = g_new (float, img * 4);
  fill_uniform (images, img * 4, -1, 1, 3);
  cari_optimizer_config_init (&ocfg, CARI_OPTIMIZER_RMSPROP);
  float *p = cari_net_params (net, &n);
  float *pm = cari_net_module_params (net, &nm);
  *opt = cari_optimizer_new (&ocfg, n, NULL);
  *opt_m = cari_optimizer_new (&ocfg, nm, NULL);
  for (int step = 0; step < 2; step++)
    {
      cari_net_forward (net, images, 2, 2, TRUE);
      cari_net_zero_grad (net);
      cari_net_head_dlogits (net, CARI_TASK_CARI)[1] = 1.0f;
      cari_net_task_dweights (net)[0] = 1.0f;
      cari_net_backward (net, NULL);
      cari_optimizer_step (*opt, p, cari_net_grads (net, &n), 1e-2f);
      cari_optimizer_step (*opt_m, pm, cari_net_module_grads (net, &nm), 1e-2f);
    }
  if (path != NULL)
    {
      g_autoptr (CariCheckpoint) ck = cari_checkpoint_new ();
      g_autoptr (GError) error = NULL;
      cari_checkpoint_add_net (ck, net);
      cari_checkpoint_add_optimizer (ck, "OPTN", *opt);
      cari_checkpoint_add_optimizer (ck, "OPTW", *opt_m);
      cari_checkpoint_add_u64 (ck, "STEP", 2);
      cari_checkpoint_add_string (ck, "CONF", "[strategy]\nname=proposed\n");
      g_assert_true (cari_checkpoint_write (ck, path, &error));
      g_assert_no_error (error);
    }
  return net;
}

static void
assert_same_floats (const float *a, const float *b, size_t n)
{
  g_assert_cmpint (memcmp (a, b, n * sizeof (float)), ==, 0);
}

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "a.ckpt", NULL);
  CariOptimizer *opt, *opt_m;
  g_autoptr (CariNet) net = trained_net (f, &opt, &opt_m, path);
  g_autoptr (GError) error = NULL;
  size_t n, n2, s1, s2;

  /* A fresh network of the same shape but another seed, fresh optimisers. */
  g_autoptr (CariNet) other = cari_net_new (&f->cfg, 99, NULL);
  CariOptimizerConfig ocfg;
  cari_optimizer_config_init (&ocfg, CARI_OPTIMIZER_RMSPROP);
  cari_net_params (other, &n);
  g_autoptr (CariOptimizer) o2 = cari_optimizer_new (&ocfg, n, NULL);
  cari_net_module_params (other, &n);
  g_autoptr (CariOptimizer) o2m = cari_optimizer_new (&ocfg, n, NULL);

  g_autoptr (CariCheckpoint) ck = cari_checkpoint_read (path, &error);
  g_assert_no_error (error);
  g_assert_true (cari_checkpoint_restore_net (ck, other, &error));
  g_assert_true (cari_checkpoint_restore_optimizer (ck, "OPTN", o2, &error));
  g_assert_true (cari_checkpoint_restore_optimizer (ck, "OPTW", o2m, &error));
  g_assert_no_error (error);
  uint64_t step = 0;
  g_assert_true (cari_checkpoint_get_u64 (ck, "STEP", &step, NULL));
  g_assert_cmpuint (step, ==, 2);
  g_autofree char *conf = cari_checkpoint_get_string (ck, "CONF", NULL);
  g_assert_cmpstr (conf, ==, "[strategy]\nname=proposed\n");

  float *a = cari_net_params (net, &n), *b = cari_net_params (other, &n2);
  g_assert_cmpuint (n, ==, n2);
  assert_same_floats (a, b, n);
  a = cari_net_module_params (net, &n);
  b = cari_net_module_params (other, &n2);
  assert_same_floats (a, b, n);
  a = cari_net_buffers (net, &n);
  b = cari_net_buffers (other, &n2);
  assert_same_floats (a, b, n);
  a = cari_optimizer_get_state (opt, &s1);
  b = cari_optimizer_get_state (o2, &s2);
  g_assert_cmpuint (s1, ==, s2);
  assert_same_floats (a, b, s1);
  g_assert_cmpuint (cari_optimizer_get_step_count (o2), ==, 2);
  g_assert_cmpmem (cari_net_rng (net), sizeof (CariRng), cari_net_rng (other), sizeof (CariRng));
  cari_optimizer_free (opt);
  cari_optimizer_free (opt_m);
}

/* Loading `path` into a fresh network fails with `code`, the message names the file, and the
 * network is unchanged. */
static void
expect_load_error (Fixture *f, const char *path, int code, const char *fragment)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariNet) net = cari_net_new (&f->cfg, 5, NULL);
  size_t n;
  float *p = cari_net_params (net, &n);
  g_autofree float *before = g_memdup2 (p, n * sizeof (float));
  g_autoptr (CariCheckpoint) ck = cari_checkpoint_read (path, &error);
  if (ck != NULL)
    cari_checkpoint_restore_net (ck, net, &error);
  g_assert_error (error, CARI_ERROR, code);
  if (strstr (error->message, path) == NULL || strstr (error->message, fragment) == NULL)
    g_error ("message “%s” should name %s and say “%s”", error->message, path, fragment);
  assert_same_floats (before, p, n);
}

static void
test_truncated (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "t.ckpt", NULL);
  CariOptimizer *opt, *opt_m;
  g_autoptr (CariNet) net = trained_net (f, &opt, &opt_m, path);
  g_autofree char *contents = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  /* Cut inside the header, just after it, in the middle, and one byte short. */
  const gsize cuts[] = { 0, 10, 32, 40, len / 2, len - 1 };
  for (size_t i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_assert_true (g_file_set_contents (path, contents, (gssize) cuts[i], NULL));
      expect_load_error (f, path, CARI_ERROR_CORRUPT, cuts[i] < 32 ? "not a CariLab" : "truncated");
    }
  cari_optimizer_free (opt);
  cari_optimizer_free (opt_m);
}

static void
test_corrupted (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "c.ckpt", NULL);
  CariOptimizer *opt, *opt_m;
  g_autoptr (CariNet) net = trained_net (f, &opt, &opt_m, path);
  g_autofree char *contents = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));

  /* One flipped bit in the parameters (the section after ARCH, 32 + 24 + ARCH's padded
   * length + 24 bytes in), and one in the middle of the file: checksums fail. */
  const gsize flips[] = { 32 + 24 + 256 + 24 + 100, len / 2 };
  for (size_t i = 0; i < G_N_ELEMENTS (flips); i++)
    {
      contents[flips[i]] ^= 0x10;
      g_assert_true (g_file_set_contents (path, contents, (gssize) len, NULL));
      expect_load_error (f, path, CARI_ERROR_CORRUPT, "checksum");
      contents[flips[i]] ^= 0x10;
    }

  /* A flipped bit in the header. */
  contents[13] ^= 0x01;
  g_assert_true (g_file_set_contents (path, contents, (gssize) len, NULL));
  expect_load_error (f, path, CARI_ERROR_CORRUPT, "header");
  contents[13] ^= 0x01;

  /* Not a checkpoint at all. */
  g_assert_true (g_file_set_contents (path, "[model]\npreset=demo\n", -1, NULL));
  expect_load_error (f, path, CARI_ERROR_CORRUPT, "not a CariLab checkpoint");

  /* Bytes appended. */
  g_autofree char *longer = g_malloc (len + 5);
  memcpy (longer, contents, len);
  memcpy (longer + len, "extra", 5);
  g_assert_true (g_file_set_contents (path, longer, (gssize) len + 5, NULL));
  expect_load_error (f, path, CARI_ERROR_CORRUPT, "appended");
  cari_optimizer_free (opt);
  cari_optimizer_free (opt_m);
}

static void
test_wrong_version (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "v.ckpt", NULL);
  CariOptimizer *opt, *opt_m;
  g_autoptr (CariNet) net = trained_net (f, &opt, &opt_m, path);
  g_autofree char *contents = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  /* Version 7 with a valid header checksum (of every header byte but its own four): a file
   * from a future CariLab. */
  guint32 v = GUINT32_TO_LE (7);
  memcpy (contents + 8, &v, 4);
  uLong sum = crc32 (0, (const unsigned char *) contents, 24);
  sum = crc32 (sum, (const unsigned char *) contents + 28, 4);
  guint32 c = GUINT32_TO_LE ((guint32) sum);
  memcpy (contents + 24, &c, 4);
  g_assert_true (g_file_set_contents (path, contents, (gssize) len, NULL));
  expect_load_error (f, path, CARI_ERROR_VERSION, "version 7");
  cari_optimizer_free (opt);
  cari_optimizer_free (opt_m);
}

/* Every byte of a checkpoint is under a checksum: the header, each section's tag, flags,
 * length, checksum and reserved field, its payload and its padding. One bit flipped anywhere
 * (the lowest or the highest of a byte) is refused as damaged, naming the file. */
static void
test_every_byte_covered (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "h.ckpt", NULL);
  g_autoptr (CariCheckpoint) ck = cari_checkpoint_new ();
  cari_checkpoint_add_u64 (ck, "STEP", 12);
  cari_checkpoint_add (ck, "SMPL", "\x01\x02\x03", 3); /* five bytes of padding */
  cari_checkpoint_add_string (ck, "CONF", "[run]\nname=x\n");
  g_assert_true (cari_checkpoint_write (ck, path, NULL));
  g_autofree char *contents = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, ==, 32 + 3 * 24 + 8 + 8 + 16);

  const guint8 bits[] = { 0x01, 0x80 };
  for (gsize off = 0; off < len; off++)
    for (size_t b = 0; b < G_N_ELEMENTS (bits); b++)
      {
        g_autoptr (GError) error = NULL;
        contents[off] ^= bits[b];
        g_assert_true (g_file_set_contents (path, contents, (gssize) len, NULL));
        g_autoptr (CariCheckpoint) back = cari_checkpoint_read (path, &error);
        if (back != NULL)
          g_error ("a flip of bit 0x%02x at offset %zu was not noticed", bits[b], (size_t) off);
        g_assert_error (error, CARI_ERROR, CARI_ERROR_CORRUPT);
        g_assert_nonnull (strstr (error->message, path));
        contents[off] ^= bits[b];
      }
  /* Put back, it reads. */
  g_assert_true (g_file_set_contents (path, contents, (gssize) len, NULL));
  g_autoptr (CariCheckpoint) back = cari_checkpoint_read (path, NULL);
  g_assert_nonnull (back);
}

/* A version 1 file, written here by hand as CariLab 1 wrote it: its header's checksum covers
 * bytes 0–23, each section's checksum its payload without the padding. */
static void
write_version_1 (const char *path, const char *const *tags, const char *const *payloads,
                 guint n)
{
  GByteArray *file = g_byte_array_new ();
  guint8 header[32] = { 0 };
  guint64 total = 32;
  for (guint i = 0; i < n; i++)
    total += 24 + ((strlen (payloads[i]) + 7) & ~(gsize) 7);
  memcpy (header, "CARICKPT", 8);
  cari_put_u32_le (header + 8, 1);
  cari_put_u32_le (header + 12, n);
  cari_put_u64_le (header + 16, total);
  cari_put_u32_le (header + 24, (guint32) crc32 (0, header, 24));
  g_byte_array_append (file, header, 32);
  for (guint i = 0; i < n; i++)
    {
      guint8 sh[24] = { 0 };
      gsize plen = strlen (payloads[i]);
      memcpy (sh, tags[i], 4);
      cari_put_u64_le (sh + 8, plen);
      cari_put_u32_le (sh + 16, (guint32) crc32 (0, (const guint8 *) payloads[i], (uInt) plen));
      g_byte_array_append (file, sh, 24);
      g_byte_array_append (file, (const guint8 *) payloads[i], (guint) plen);
      static const guint8 pad[8] = { 0 };
      g_byte_array_append (file, pad, (guint) (((plen + 7) & ~(gsize) 7) - plen));
    }
  g_assert_true (g_file_set_contents (path, (const char *) file->data, file->len, NULL));
  g_byte_array_unref (file);
}

static void
test_version_1_still_read (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "v1.ckpt", NULL);
  const char *tags[] = { "CONF", "ZZZZ" };
  const char *payloads[] = { "[run]\nname=old\n", "abc" };
  write_version_1 (path, tags, payloads, 2);
  g_autoptr (GError) error = NULL;
  g_autoptr (CariCheckpoint) ck = cari_checkpoint_read (path, &error);
  g_assert_no_error (error);
  g_autofree char *conf = cari_checkpoint_get_string (ck, "CONF", &error);
  g_assert_cmpstr (conf, ==, "[run]\nname=old\n");
  size_t len;
  const char *z = cari_checkpoint_get (ck, "ZZZZ", &len);
  g_assert_cmpmem (z, len, "abc", 3);
  CariCheckpointInfo info;
  g_assert_true (cari_checkpoint_read_info (path, &info, &error));
  g_assert_cmpuint (info.version, ==, 1);
  g_assert_cmpuint (info.n_sections, ==, 2);

  /* Its header's checksum is still checked. */
  g_autofree char *contents = NULL;
  gsize n;
  g_assert_true (g_file_get_contents (path, &contents, &n, NULL));
  contents[12] ^= 0x02;
  g_assert_true (g_file_set_contents (path, contents, (gssize) n, NULL));
  expect_load_error (f, path, CARI_ERROR_CORRUPT, "header");
}

/* Temporary files of interrupted writes go; checkpoints and other files stay. */
static void
test_remove_temporaries (Fixture *f, gconstpointer data)
{
  const char *names[] = { "step-00000004.ckpt", "step-00000008.ckpt.tmp-Ab12Cd",
                          "step-00000012.ckpt.tmp-XyZ789", "notes.tmp-Ab12Cd",
                          "step-00000004.ckpt.tmp-toolongname" };
  const gboolean stays[] = { TRUE, FALSE, FALSE, TRUE, TRUE };
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *p = g_build_filename (f->dir, names[i], NULL);
      g_assert_true (g_file_set_contents (p, "x", 1, NULL));
    }
  g_assert_cmpuint (cari_checkpoint_remove_temporaries (f->dir), ==, 2);
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *p = g_build_filename (f->dir, names[i], NULL);
      g_assert_cmpint (g_file_test (p, G_FILE_TEST_EXISTS), ==, stays[i]);
    }
  /* A folder that is not there has nothing to remove. */
  g_autofree char *none = g_build_filename (f->dir, "none", NULL);
  g_assert_cmpuint (cari_checkpoint_remove_temporaries (none), ==, 0);
}

static void
test_wrong_architecture (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "w.ckpt", NULL);
  CariOptimizer *opt, *opt_m;
  g_autoptr (CariNet) net = trained_net (f, &opt, &opt_m, path);
  /* The same file into a network with a larger embedding. */
  f->cfg.embedding_size = 16;
  expect_load_error (f, path, CARI_ERROR_MISMATCH, "embedding_size=8");
  tiny_config (&f->cfg);
  /* And into one with other tasks. */
  f->cfg.tasks = CARI_TASK_BIT (CARI_TASK_CARI) | CARI_TASK_BIT (CARI_TASK_VISUAL);
  expect_load_error (f, path, CARI_ERROR_MISMATCH, "tasks");
  tiny_config (&f->cfg);

  /* An optimiser of another kind. */
  g_autoptr (CariCheckpoint) ck = cari_checkpoint_read (path, NULL);
  CariOptimizerConfig ocfg;
  size_t n;
  g_autoptr (GError) error = NULL;
  cari_optimizer_config_init (&ocfg, CARI_OPTIMIZER_SGD);
  cari_net_params (net, &n);
  g_autoptr (CariOptimizer) sgd = cari_optimizer_new (&ocfg, n, NULL);
  g_assert_false (cari_checkpoint_restore_optimizer (ck, "OPTN", sgd, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "rmsprop"));
  cari_optimizer_free (opt);
  cari_optimizer_free (opt_m);
}

static void
test_unknown_sections_skipped (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "u.ckpt", NULL);
  g_autoptr (CariCheckpoint) ck = cari_checkpoint_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (CariNet) net = cari_net_new (&f->cfg, 1, NULL);
  cari_checkpoint_add (ck, "ZZZZ", "future state", 12);
  cari_checkpoint_add_net (ck, net);
  cari_checkpoint_add (ck, "SMPL", "\x01\x02\x03", 3); /* odd length: padding is exercised */
  g_assert_true (cari_checkpoint_write (ck, path, &error));
  g_autoptr (CariCheckpoint) back = cari_checkpoint_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cari_checkpoint_n_sections (back), ==, cari_checkpoint_n_sections (ck));
  g_assert_true (cari_checkpoint_restore_net (back, net, &error));
  size_t len;
  const char *smpl = cari_checkpoint_get (back, "SMPL", &len);
  g_assert_cmpmem (smpl, len, "\x01\x02\x03", 3);
  /* A missing required section is named. */
  g_autoptr (CariCheckpoint) empty = cari_checkpoint_new ();
  cari_checkpoint_add_string (empty, "ARCH", "x");
  g_assert_true (cari_checkpoint_write (empty, path, &error));
  expect_load_error (f, path, CARI_ERROR_MISMATCH, "saved with");
}

static void
test_atomic_write (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "keep.ckpt", NULL);
  g_autofree char *blocker = g_build_filename (f->dir, "file", NULL);
  g_autofree char *bad = g_build_filename (blocker, "x.ckpt", NULL);
  g_autoptr (CariCheckpoint) ck = cari_checkpoint_new ();
  g_autoptr (GError) error = NULL;
  cari_checkpoint_add_u64 (ck, "STEP", 41);
  g_assert_true (cari_checkpoint_write (ck, path, NULL));

  /* A path under a regular file cannot be written (ENOTDIR, whatever the user's rights). */
  g_assert_true (g_file_set_contents (blocker, "not a folder", -1, NULL));
  g_assert_false (cari_checkpoint_write (ck, bad, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_IO);
  g_assert_nonnull (strstr (error->message, bad));
  g_clear_error (&error);

  /* Overwriting replaces the file whole; no temporary file is left behind. */
  cari_checkpoint_add_u64 (ck, "STEP", 42);
  g_assert_true (cari_checkpoint_write (ck, path, NULL));
  g_autoptr (CariCheckpoint) back = cari_checkpoint_read (path, &error);
  uint64_t step;
  g_assert_true (cari_checkpoint_get_u64 (back, "STEP", &step, NULL));
  g_assert_cmpuint (step, ==, 42);
  g_autoptr (GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;
  int files = 0;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_assert_null (strstr (name, ".tmp-"));
      files++;
    }
  g_assert_cmpint (files, ==, 2);

  /* A missing file is an I/O error naming it. */
  g_autofree char *missing = g_build_filename (f->dir, "missing.ckpt", NULL);
  g_assert_null (cari_checkpoint_read (missing, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_IO);
  g_assert_nonnull (strstr (error->message, missing));
}

static void
test_failed_write_keeps_old_file (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "old.ckpt", NULL);
  if (g_test_subprocess ())
    {
      /* A file-size limit makes write() fail half-way (EFBIG), even for root. */
      struct rlimit lim = { 4096, 4096 };
      g_autoptr (CariCheckpoint) ck = cari_checkpoint_new ();
      g_autoptr (GError) error = NULL;
      g_autofree guint8 *big = g_malloc0 (100000);
      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &lim), ==, 0);
      cari_checkpoint_add (ck, "PARM", big, 100000);
      g_assert_false (cari_checkpoint_write (ck, g_getenv ("CKPT_PATH"), &error));
      g_assert_error (error, CARI_ERROR, CARI_ERROR_IO);
      g_printerr ("%s\n", error->message);
      return;
    }
  g_autoptr (CariCheckpoint) ck = cari_checkpoint_new ();
  cari_checkpoint_add_u64 (ck, "STEP", 7);
  g_assert_true (cari_checkpoint_write (ck, path, NULL));
  g_setenv ("CKPT_PATH", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*Cannot write checkpoint*old.ckpt*");
  /* The old checkpoint is intact and no temporary file is left. */
  g_autoptr (GError) error = NULL;
  g_autoptr (CariCheckpoint) back = cari_checkpoint_read (path, &error);
  g_assert_no_error (error);
  uint64_t step;
  g_assert_true (cari_checkpoint_get_u64 (back, "STEP", &step, NULL));
  g_assert_cmpuint (step, ==, 7);
  g_autoptr (GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    g_assert_cmpstr (name, ==, "old.ckpt");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, fn) g_test_add ("/checkpoint/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("round-trip", test_round_trip);
  ADD ("truncated", test_truncated);
  ADD ("corrupted", test_corrupted);
  ADD ("wrong-version", test_wrong_version);
  ADD ("every-byte-covered", test_every_byte_covered);
  ADD ("version-1-still-read", test_version_1_still_read);
  ADD ("remove-temporaries", test_remove_temporaries);
  ADD ("wrong-architecture", test_wrong_architecture);
  ADD ("unknown-sections-skipped", test_unknown_sections_skipped);
  ADD ("atomic-write", test_atomic_write);
  ADD ("failed-write-keeps-old-file", test_failed_write_keeps_old_file);
  return g_test_run ();
}
