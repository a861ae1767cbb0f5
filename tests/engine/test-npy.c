/* test-npy.c — .npy arrays: round trips, files NumPy writes (when NumPy is importable), and a
 * clear error, never a crash or an over-read, for every refused or damaged file. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "core/error.h"
#include "interop/npy.h"

#define PYTHON "/usr/bin/python3"

static char *tmp_dir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

/* The error is `code` in CARI_ERROR and its message names `name` and contains `part`. */
static void
assert_refused (GError *error, int code, const char *name, const char *part)
{
  g_assert_nonnull (error);
  if (!g_error_matches (error, CARI_ERROR, code) || strstr (error->message, name) == NULL
      || (part != NULL && strstr (error->message, part) == NULL))
    g_error ("unexpected error (code %d, wanted %d, “%s” and “%s”): %s", error->code, code, name,
             part != NULL ? part : "", error->message);
}

/* A .npy file of version major.0 around a header text (padded as NumPy pads) and raw data. */
static GBytes *
make_npy (int major, const char *dict, const void *data, size_t data_len)
{
  GByteArray *b = g_byte_array_new ();
  size_t prefix = major == 1 ? 10 : 12;
  size_t len = strlen (dict) + 1;
  size_t pad = (64 - (prefix + len) % 64) % 64;
  guint8 head[12] = { 0x93, 'N', 'U', 'M', 'P', 'Y', (guint8) major, 0 };
  size_t hlen = len + pad;
  head[8] = hlen & 0xff;
  head[9] = (hlen >> 8) & 0xff;
  head[10] = (hlen >> 16) & 0xff;
  head[11] = (hlen >> 24) & 0xff;
  g_byte_array_append (b, head, prefix);
  g_byte_array_append (b, (const guint8 *) dict, strlen (dict));
  for (size_t i = 0; i < pad; i++)
    g_byte_array_append (b, (const guint8 *) " ", 1);
  g_byte_array_append (b, (const guint8 *) "\n", 1);
  if (data_len > 0)
    g_byte_array_append (b, data, data_len);
  return g_byte_array_free_to_bytes (b);
}

/* Parse from a heap copy of exactly `len` bytes, so that ASan sees any read past the end. */
static CariArray *
parse_exact (GBytes *bytes, size_t len, GError **error)
{
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), len);
  return cari_npy_parse (copy, len, "mem.npy", error);
}

static gboolean
parse_ints_exact (GBytes *bytes, size_t len, int **values, GError **error)
{
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), len);
  return cari_npy_parse_ints (copy, len, "mem.npy", values, NULL, NULL, NULL, error);
}

static void
expect_refused (int major, const char *dict, const void *data, size_t data_len, int code,
                const char *part)
{
  g_autoptr (GBytes) b = make_npy (major, dict, data, data_len);
  g_autoptr (GError) error = NULL;
  g_autoptr (CariArray) a = parse_exact (b, g_bytes_get_size (b), &error);
  g_assert_null (a);
  assert_refused (error, code, "mem.npy", part);
}

/* ---------------------------------------------------------------------------- round trip */

static void
round_trip (int ndim, const gint64 *shape)
{
  g_autofree char *path = tmp_path ("round.npy");
  g_autoptr (GError) error = NULL;
  size_t n = 1;
  for (int i = 0; i < ndim; i++)
    n *= (size_t) shape[i];
  g_autofree float *data = g_new (float, MAX (n, 1));
  for (size_t i = 0; i < n; i++)
    data[i] = (float) i * 0.37f - 2.0f;
  if (n > 3)
    {
      data[1] = NAN;
      data[2] = -INFINITY;
      data[3] = -0.0f;
    }

  g_assert_true (cari_npy_write (path, ndim, shape, data, &error));
  g_assert_no_error (error);

  g_autofree char *contents = NULL;
  size_t len;
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpmem (contents, 8, "\x93NUMPY\x01\x00", 8);
  size_t hlen = (guint8) contents[8] | (size_t) (guint8) contents[9] << 8;
  g_assert_cmpuint ((10 + hlen) % 64, ==, 0);
  g_assert_cmpint (contents[10 + hlen - 1], ==, '\n');
  g_assert_cmpuint (len, ==, 10 + hlen + n * sizeof (float));

  g_autoptr (CariArray) a = cari_npy_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a->ndim, ==, ndim);
  for (int i = 0; i < ndim; i++)
    g_assert_cmpint (a->shape[i], ==, shape[i]);
  g_assert_cmpuint (a->n, ==, n);
  g_assert_cmpmem (a->data, n * sizeof (float), data, n * sizeof (float));

  /* Nothing left beside it: the temporary file was renamed. */
  g_autoptr (GDir) d = g_dir_open (tmp_dir, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    g_assert_false (g_str_has_prefix (name, "round.npy.tmp"));
}

static void
test_round_trip (void)
{
  const gint64 s3[] = { 2, 3, 4 }, s1[] = { 5 }, s0[] = { 0, 5 }, s8[] = { 1, 2, 1, 2, 1, 2, 1, 3 };
  round_trip (3, s3);
  round_trip (1, s1);
  round_trip (0, NULL);
  round_trip (2, s0);
  round_trip (8, s8);
}

static void
test_write_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *missing = g_build_filename (tmp_dir, "no-such-folder", "a.npy", NULL);
  const gint64 shape[] = { 2 }, negative[] = { -1 }, nine[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
  const float data[] = { 1, 2 };

  g_assert_false (cari_npy_write (missing, 1, shape, data, &error));
  assert_refused (error, CARI_ERROR_IO, missing, NULL);
  g_clear_error (&error);
  g_assert_false (cari_npy_write (missing, 1, negative, data, &error));
  assert_refused (error, CARI_ERROR_INVALID_ARGUMENT, missing, "-1");
  g_clear_error (&error);
  g_assert_false (cari_npy_write (missing, 9, nine, data, &error));
  assert_refused (error, CARI_ERROR_INVALID_ARGUMENT, missing, "9");
}

/* ---------------------------------------------------------------------------- hand-made files */

static void
test_header_syntax (void)
{
  const float two[] = { 1.5f, -2.0f };
  g_autoptr (GError) error = NULL;

  /* Accepted: keys in any order, double quotes, no trailing comma, Python 2's long integers. */
  const char *good[] = {
    "{'shape': (2,), 'fortran_order': False, 'descr': '<f4'}",
    "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2,), }",
    "{'descr':'<f4','fortran_order':False,'shape':(2L,)}",
    "{ 'descr' : '<f4' , 'fortran_order' : False , 'shape' : ( 1 , 2 , ) , }",
  };
  for (size_t i = 0; i < G_N_ELEMENTS (good); i++)
    for (int major = 1; major <= 3; major++)
      {
        g_autoptr (GBytes) b = make_npy (major, good[i], two, sizeof two);
        g_autoptr (CariArray) a = parse_exact (b, g_bytes_get_size (b), &error);
        g_assert_no_error (error);
        g_assert_cmpuint (a->n, ==, 2);
        g_assert_cmpfloat (a->data[0], ==, 1.5f);
        g_assert_cmpfloat (a->data[1], ==, -2.0f);
      }

  const struct
  {
    const char *dict;
    const char *part;
  } bad[] = {
    { "{'descr': '<f4', 'shape': (2,)}", "fortran_order" },
    { "{'descr': '<f4', 'fortran_order': False}", "shape" },
    { "{'fortran_order': False, 'shape': (2,)}", "descr" },
    { "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", "descr" },
    { "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", "extra" },
    { "{'descr': '<f4', 'fortran_order': False, 'shape': (2)}", "(3,)" },
    { "{'descr': '<f4', 'fortran_order': False, 'shape': [2]}", "shape" },
    { "{'descr': '<f4', 'fortran_order': false, 'shape': (2,)}", "fortran_order" },
    { "{'descr': '<f4', 'fortran_order': Falsey, 'shape': (2,)}", "fortran_order" },
    { "{'descr': '<f4', 'fortran_order': False, 'shape': (02,)}", "leading" },
    { "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} x", "spaces" },
    { "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", "}" },
    { "{'descr': '<f\\x34', 'fortran_order': False, 'shape': (2,)}", "ASCII" },
    { "{'descr: '<f4', 'fortran_order': False, 'shape': (2,)}", "unknown" },
    { "{'descr' '<f4', 'fortran_order': False, 'shape': (2,)}", "byte 9" },
    { "('descr', '<f4')", "{" },
    { "", "{" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("header %s", bad[i].dict);
      expect_refused (1, bad[i].dict, two, sizeof two, CARI_ERROR_CORRUPT, bad[i].part);
    }
}

static void
test_refused_types (void)
{
  const float two[] = { 1.5f, -2.0f };
  const double big[] = { 1.0, 1e300 }, nonfinite[] = { NAN, -INFINITY };
  const gint64 wide[] = { 1, G_GINT64_CONSTANT (1) << 40 };
  g_autoptr (GError) error = NULL;

  expect_refused (1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,)}", two, sizeof two,
                  CARI_ERROR_MISMATCH, "big-endian");
  expect_refused (1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2,)}", two, sizeof two,
                  CARI_ERROR_MISMATCH, "fortran_order");
  expect_refused (1, "{'descr': '|O', 'fortran_order': False, 'shape': (1,)}", two, 8,
                  CARI_ERROR_MISMATCH, "objects");
  expect_refused (1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2,)}", two, 4,
                  CARI_ERROR_MISMATCH, "<f2");
  expect_refused (1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}", two,
                  sizeof two, CARI_ERROR_MISMATCH, "structured");
  expect_refused (1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,)}", wide,
                  sizeof wide, CARI_ERROR_MISMATCH, "integers");
  expect_refused (1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}", big, sizeof big,
                  CARI_ERROR_MISMATCH, "value 1");

  /* Non-finite doubles stay what they are. */
  g_autoptr (GBytes) nf = make_npy (1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}",
                                    nonfinite, sizeof nonfinite);
  g_autoptr (CariArray) a = parse_exact (nf, g_bytes_get_size (nf), &error);
  g_assert_no_error (error);
  g_assert_true (isnan (a->data[0]));
  g_assert_true (isinf (a->data[1]) && a->data[1] < 0);

  /* Integers: in range, out of range, and floats where integers are wanted. */
  int *values = NULL;
  g_autoptr (GBytes) w = make_npy (1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,)}",
                                   wide, sizeof wide);
  g_assert_false (parse_ints_exact (w, g_bytes_get_size (w), &values, &error));
  g_assert_null (values);
  assert_refused (error, CARI_ERROR_MISMATCH, "mem.npy", "range of int");
  g_clear_error (&error);
  g_autoptr (GBytes) f = make_npy (1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)}",
                                   two, sizeof two);
  g_assert_false (parse_ints_exact (f, g_bytes_get_size (f), &values, &error));
  assert_refused (error, CARI_ERROR_MISMATCH, "mem.npy", "<f4");
  g_clear_error (&error);
  const gint32 small[] = { -7, 2147483647 };
  g_autoptr (GBytes) s = make_npy (1, "{'descr': '<i4', 'fortran_order': False, 'shape': (1, 2)}",
                                   small, sizeof small);
  int ndim;
  gint64 shape[CARI_NPY_MAX_DIMS];
  size_t n;
  g_assert_true (cari_npy_parse_ints (g_bytes_get_data (s, NULL), g_bytes_get_size (s), "s.npy",
                                      &values, &ndim, shape, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ndim, ==, 2);
  g_assert_cmpint (shape[0], ==, 1);
  g_assert_cmpint (shape[1], ==, 2);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (values[0], ==, -7);
  g_assert_cmpint (values[1], ==, 2147483647);
  g_free (values);
}

static void
test_bounds (void)
{
  const float data[6] = { 0, 1, 2, 3, 4, 5 };
  const char *dict6 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

  /* The data must be exactly what the shape asks for. */
  expect_refused (1, dict6, data, 5 * sizeof (float), CARI_ERROR_CORRUPT, "24 bytes");
  {
    g_autoptr (GBytes) b = make_npy (1, dict6, data, sizeof data);
    g_autoptr (GByteArray) longer = g_byte_array_new ();
    g_byte_array_append (longer, g_bytes_get_data (b, NULL), g_bytes_get_size (b));
    g_byte_array_append (longer, (const guint8 *) "\0", 1);
    g_autoptr (GError) error = NULL;
    g_assert_null (cari_npy_parse (longer->data, longer->len, "mem.npy", &error));
    assert_refused (error, CARI_ERROR_CORRUPT, "mem.npy", "holds 25");
  }
  /* Dimensions whose product overflows, one dimension past 2⁶³, too many dimensions. */
  expect_refused (1,
                  "{'descr': '<f4', 'fortran_order': False, "
                  "'shape': (4294967296, 4294967296, 4294967296)}",
                  data, 0, CARI_ERROR_CORRUPT, "too large");
  expect_refused (1, "{'descr': '<f4', 'fortran_order': False, 'shape': (9223372036854775808,)}",
                  data, 0, CARI_ERROR_CORRUPT, "2⁶³");
  expect_refused (1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1)}",
                  data, 4, CARI_ERROR_MISMATCH, "8");
  expect_refused (1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", data, 0,
                  CARI_ERROR_CORRUPT, "negative");
  /* Zero-sized arrays and scalars. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) z = make_npy (1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4)}",
                                     NULL, 0);
    g_autoptr (CariArray) a = parse_exact (z, g_bytes_get_size (z), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (a->n, ==, 0);
    g_autoptr (GBytes) s = make_npy (1, "{'descr': '<f4', 'fortran_order': False, 'shape': ()}",
                                     data + 3, 4);
    g_autoptr (CariArray) b = parse_exact (s, g_bytes_get_size (s), &error);
    g_assert_no_error (error);
    g_assert_cmpint (b->ndim, ==, 0);
    g_assert_cmpuint (b->n, ==, 1);
    g_assert_cmpfloat (b->data[0], ==, 3.0f);
  }

  /* Versions, magic and the header length. */
  g_autoptr (GBytes) v1 = make_npy (1, dict6, data, sizeof data);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (v1, NULL), g_bytes_get_size (v1));
  size_t len = g_bytes_get_size (v1);
  g_autoptr (GError) error = NULL;
  copy[6] = 4;
  g_assert_null (cari_npy_parse (copy, len, "mem.npy", &error));
  assert_refused (error, CARI_ERROR_VERSION, "mem.npy", "4.0");
  g_clear_error (&error);
  copy[6] = 1;
  copy[7] = 1;
  g_assert_null (cari_npy_parse (copy, len, "mem.npy", &error));
  assert_refused (error, CARI_ERROR_VERSION, "mem.npy", "1.1");
  g_clear_error (&error);
  copy[7] = 0;
  copy[8] = 0xff;
  copy[9] = 0xff;
  g_assert_null (cari_npy_parse (copy, len, "mem.npy", &error));
  assert_refused (error, CARI_ERROR_CORRUPT, "mem.npy", "65535");
  g_clear_error (&error);
  copy[8] = 0x30;
  copy[9] = 0;
  copy[1] = 'n';
  g_assert_null (cari_npy_parse (copy, len, "mem.npy", &error));
  assert_refused (error, CARI_ERROR_CORRUPT, "mem.npy", "magic");
}

/* Every prefix of a valid file is refused, without reading past its end. */
static void
test_truncations (void)
{
  const float data[6] = { 0, 1, 2, 3, 4, 5 };
  const gint64 labels[3] = { 4, 5, 6 };
  for (int major = 1; major <= 3; major++)
    {
      g_autoptr (GBytes) f
        = make_npy (major, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data,
                    sizeof data);
      g_autoptr (GBytes) i = make_npy (major,
                                       "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }",
                                       labels, sizeof labels);
      size_t full = g_bytes_get_size (f);
      for (size_t len = 0; len <= full; len++)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (CariArray) a = parse_exact (f, len, &error);
          g_assert_true ((a == NULL) == (len < full));
          g_assert_true ((error != NULL) == (len < full));
        }
      full = g_bytes_get_size (i);
      for (size_t len = 0; len <= full; len++)
        {
          g_autoptr (GError) error = NULL;
          g_autofree int *values = NULL;
          gboolean ok = parse_ints_exact (i, len, &values, &error);
          g_assert_true (ok == (len == full));
          g_assert_true ((error == NULL) == ok);
        }
    }

  /* And from files: an empty one, and a missing one. */
  g_autofree char *empty = tmp_path ("empty.npy");
  g_autofree char *missing = tmp_path ("missing.npy");
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_null (cari_npy_read (empty, &error));
  assert_refused (error, CARI_ERROR_CORRUPT, empty, NULL);
  g_clear_error (&error);
  g_assert_null (cari_npy_read (missing, &error));
  assert_refused (error, CARI_ERROR_IO, missing, NULL);
  g_clear_error (&error);
  int *values = NULL;
  g_assert_false (cari_npy_read_ints (missing, &values, NULL, NULL, NULL, &error));
  assert_refused (error, CARI_ERROR_IO, missing, NULL);
  g_unlink (empty);
}

/* ---------------------------------------------------------------------------- NumPy */

static gboolean
numpy_available (void)
{
  static int available = -1;
  if (available < 0)
    {
      const char *argv[] = { PYTHON, "-c", "import numpy", NULL };
      int status = 1;
      available = g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL
                                                          | G_SPAWN_STDERR_TO_DEV_NULL,
                                NULL, NULL, NULL, NULL, &status, NULL)
                  && g_spawn_check_wait_status (status, NULL);
    }
  return available;
}

/* Run a Python snippet with `d` bound to the temporary folder; the test fails if it fails. */
static void
run_python (const char *code)
{
  g_autofree char *full = g_strdup_printf ("import numpy as np, os\nd = r'''%s'''\n%s", tmp_dir,
                                           code);
  const char *argv[] = { PYTHON, "-c", full, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, &error));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("python failed: %s\n%s", err, code);
}

static CariArray *
read_in_tmp (const char *name, GError **error)
{
  g_autofree char *path = tmp_path (name);
  return cari_npy_read (path, error);
}

static void
test_numpy_files (void)
{
  if (!numpy_available ())
    {
      g_test_skip ("NumPy is not importable by " PYTHON "; the files it writes are not tested");
      return;
    }
  run_python ("j = lambda n: os.path.join(d, n)\n"
              "np.save(j('f4.npy'), (np.arange(12, dtype=np.float32) * 0.25 - 1).reshape(3, 4))\n"
              "np.save(j('f8.npy'), np.arange(10, dtype=np.float64).reshape(2, 5) / 3)\n"
              "np.save(j('i8.npy'), np.array([3, -1, 7, 2**31 - 1], dtype=np.int64))\n"
              "np.save(j('i4.npy'), np.array([[1, 2], [3, 4]], dtype=np.int32))\n"
              "np.save(j('scalar.npy'), np.float32(2.5))\n"
              "for v in ((2, 0), (3, 0)):\n"
              "    with open(j('v%d.npy' % v[0]), 'wb') as f:\n"
              "        np.lib.format.write_array(f, np.ones((2, 2), np.float32), version=v)\n"
              "np.save(j('fortran.npy'), np.asfortranarray(np.ones((3, 4), np.float32)))\n"
              "np.save(j('big.npy'), np.ones(3, dtype='>f4'))\n"
              "np.save(j('object.npy'), np.array([1, 'a'], dtype=object), allow_pickle=True)\n");

  g_autoptr (GError) error = NULL;
  g_autoptr (CariArray) f4 = read_in_tmp ("f4.npy", &error);
  g_assert_no_error (error);
  g_assert_cmpint (f4->ndim, ==, 2);
  g_assert_cmpint (f4->shape[0], ==, 3);
  g_assert_cmpint (f4->shape[1], ==, 4);
  for (size_t i = 0; i < 12; i++)
    g_assert_cmpfloat (f4->data[i], ==, (float) i * 0.25f - 1.0f);

  g_autoptr (CariArray) f8 = read_in_tmp ("f8.npy", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f8->n, ==, 10);
  for (size_t i = 0; i < 10; i++)
    g_assert_cmpfloat (f8->data[i], ==, (float) ((double) i / 3.0));

  g_autoptr (CariArray) scalar = read_in_tmp ("scalar.npy", &error);
  g_assert_no_error (error);
  g_assert_cmpint (scalar->ndim, ==, 0);
  g_assert_cmpfloat (scalar->data[0], ==, 2.5f);

  for (int v = 2; v <= 3; v++)
    {
      g_autofree char *name = g_strdup_printf ("v%d.npy", v);
      g_autoptr (CariArray) a = read_in_tmp (name, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (a->n, ==, 4);
      g_assert_cmpfloat (a->data[3], ==, 1.0f);
    }

  g_autofree char *i8 = tmp_path ("i8.npy");
  g_autofree int *labels = NULL;
  size_t n;
  g_assert_true (cari_npy_read_ints (i8, &labels, NULL, NULL, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpint (labels[0], ==, 3);
  g_assert_cmpint (labels[1], ==, -1);
  g_assert_cmpint (labels[3], ==, 2147483647);
  g_autofree char *i4 = tmp_path ("i4.npy");
  g_autofree int *pairs = NULL;
  int ndim;
  gint64 shape[CARI_NPY_MAX_DIMS];
  g_assert_true (cari_npy_read_ints (i4, &pairs, &ndim, shape, &n, &error));
  g_assert_cmpint (ndim, ==, 2);
  g_assert_cmpint (pairs[3], ==, 4);
  /* Integers are not read as floats. */
  g_assert_null (cari_npy_read (i8, &error));
  assert_refused (error, CARI_ERROR_MISMATCH, i8, "integers");
  g_clear_error (&error);

  const struct
  {
    const char *file, *part;
  } refused[] = {
    { "fortran.npy", "fortran_order" },
    { "big.npy", "big-endian" },
    { "object.npy", "objects" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *path = tmp_path (refused[i].file);
      g_assert_null (cari_npy_read (path, &error));
      assert_refused (error, CARI_ERROR_MISMATCH, path, refused[i].part);
      g_clear_error (&error);
    }
}

/* NumPy reads what CariLab writes. */
static void
test_numpy_reads_ours (void)
{
  if (!numpy_available ())
    {
      g_test_skip ("NumPy is not importable by " PYTHON "; the files it reads are not tested");
      return;
    }
  const gint64 shape[] = { 2, 3, 4 };
  float data[24];
  for (int i = 0; i < 24; i++)
    data[i] = (float) i * 0.5f - 3.0f;
  g_autofree char *path = tmp_path ("ours.npy");
  g_autofree char *scalar = tmp_path ("ours-scalar.npy");
  g_autoptr (GError) error = NULL;
  g_assert_true (cari_npy_write (path, 3, shape, data, &error));
  g_assert_true (cari_npy_write (scalar, 0, NULL, data + 1, &error));
  run_python ("a = np.load(os.path.join(d, 'ours.npy'))\n"
              "assert a.dtype == np.float32 and a.shape == (2, 3, 4), (a.dtype, a.shape)\n"
              "assert (a.ravel() == np.arange(24, dtype=np.float32) * 0.5 - 3).all()\n"
              "s = np.load(os.path.join(d, 'ours-scalar.npy'))\n"
              "assert s.shape == () and s == -2.5\n");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("carilab-npy-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);

  g_test_add_func ("/npy/round-trip", test_round_trip);
  g_test_add_func ("/npy/write-errors", test_write_errors);
  g_test_add_func ("/npy/header-syntax", test_header_syntax);
  g_test_add_func ("/npy/refused-types", test_refused_types);
  g_test_add_func ("/npy/bounds", test_bounds);
  g_test_add_func ("/npy/truncations", test_truncations);
  g_test_add_func ("/npy/numpy-files", test_numpy_files);
  g_test_add_func ("/npy/numpy-reads-ours", test_numpy_reads_ours);
  int status = g_test_run ();

  g_autoptr (GDir) d = g_dir_open (tmp_dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = tmp_path (name);
      g_unlink (p);
    }
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
