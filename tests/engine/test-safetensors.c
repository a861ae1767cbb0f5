/* test-safetensors.c — safetensors files: round trips, every refusal with its code and a message
 * naming the file and the tensor, every truncation, and files exchanged with an independent
 * reader and writer (bench/safetensors_np.py, when numpy can be imported). */
#include <cari.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "core/bytes.h"
#include "interop/safetensors.h"

#ifndef CARI_SOURCE_ROOT
#error "CARI_SOURCE_ROOT must name the source tree (tests/engine/meson.build)"
#endif

#define NAME "f.safetensors"

/* The bit patterns tests/interop/safetensors-roundtrip.py writes, in its order: zero, negative
 * zero, one, -1.5, the infinities, a quiet NaN with a payload, the smallest subnormal, the
 * largest finite float. */
static const guint32 patterns[9] = { 0x00000000, 0x80000000, 0x3F800000, 0xBFC00000, 0x7F800000,
                                     0xFF800000, 0x7FC00123, 0x00000001, 0x7F7FFFFF };

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("carilab-st-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
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

static void
assert_same_tensor (const CariNamedTensor *a, const CariNamedTensor *b)
{
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpint (a->ndim, ==, b->ndim);
  for (int d = 0; d < a->ndim; d++)
    g_assert_cmpint (a->shape[d], ==, b->shape[d]);
  g_assert_cmpuint (a->n, ==, b->n);
  g_assert_nonnull (a->data);
  g_assert_nonnull (b->data);
  /* Bitwise: NaN payloads and negative zeros included. */
  g_assert_cmpmem (a->data, a->n * sizeof (float), b->data, b->n * sizeof (float));
}

static void
assert_same_metadata (const CariSafetensors *a, const CariSafetensors *b)
{
  g_auto (GStrv) ka = cari_safetensors_metadata_keys (a);
  g_auto (GStrv) kb = cari_safetensors_metadata_keys (b);
  g_assert_cmpstrv (ka, kb);
  for (guint i = 0; ka[i] != NULL; i++)
    g_assert_cmpstr (cari_safetensors_get_metadata (a, ka[i]), ==,
                     cari_safetensors_get_metadata (b, ka[i]));
}

/* Tensors of every kind, in an order that is not alphabetical: a matrix of special values, a
 * scalar, two 0-sized tensors (at the same offset, so only their order in the header orders
 * them), a vector of 3, a 3-D ramp, and metadata that JSON must escape. */
static CariSafetensors *
sample (void)
{
  CariSafetensors *st = cari_safetensors_new ();
  float special[9], ramp[24], three[3] = { 1e-3f, -7.0f, 123456.75f }, scalar = -2.5f;
  memcpy (special, patterns, sizeof special);
  for (int i = 0; i < 24; i++)
    ramp[i] = 0.5f * (float) i - 3.0f;
  cari_safetensors_add (st, "z.special", 2, (const gint64[]) { 3, 3 }, special);
  cari_safetensors_add (st, "scalar", 0, NULL, &scalar);
  cari_safetensors_add (st, "empty", 2, (const gint64[]) { 0, 5 }, NULL);
  cari_safetensors_add (st, "b.none", 2, (const gint64[]) { 3, 0 }, NULL);
  cari_safetensors_add (st, "three", 1, (const gint64[]) { 3 }, three);
  cari_safetensors_add (st, "a/ramp", 3, (const gint64[]) { 2, 3, 4 }, ramp);
  cari_safetensors_set_metadata (st, "format", "pt");
  cari_safetensors_set_metadata (st, "note", "d\xc3\xa9j\xc3\xa0 \"vu\"\n\ttab\\");
  cari_safetensors_set_metadata (st, "", "empty key");
  return st;
}

static const char *const sample_order[] = { "z.special", "scalar", "empty", "b.none", "three",
                                            "a/ramp" };

static void
assert_sample_order (const CariSafetensors *st)
{
  g_assert_cmpuint (cari_safetensors_n_tensors (st), ==, G_N_ELEMENTS (sample_order));
  for (guint i = 0; i < G_N_ELEMENTS (sample_order); i++)
    g_assert_cmpstr (cari_safetensors_tensor (st, i)->name, ==, sample_order[i]);
}

static void
assert_same_file (const CariSafetensors *a, const CariSafetensors *b)
{
  g_assert_cmpuint (cari_safetensors_n_tensors (a), ==, cari_safetensors_n_tensors (b));
  for (guint i = 0; i < cari_safetensors_n_tensors (a); i++)
    assert_same_tensor (cari_safetensors_tensor (a, i), cari_safetensors_tensor (b, i));
  assert_same_metadata (a, b);
}

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr (CariSafetensors) st = sample ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "sample.safetensors", NULL);
  g_autofree char *bytes = NULL;
  gsize file_len;
  size_t len;

  assert_sample_order (st);
  g_assert_true (cari_safetensors_write (st, path, &error));
  g_assert_no_error (error);
  g_autoptr (CariSafetensors) back = cari_safetensors_read (path, &error);
  g_assert_no_error (error);
  assert_sample_order (back);
  assert_same_file (st, back);

  const CariNamedTensor *scalar = cari_safetensors_lookup (back, "scalar");
  g_assert_nonnull (scalar);
  g_assert_cmpint (scalar->ndim, ==, 0);
  g_assert_cmpuint (scalar->n, ==, 1);
  g_assert_cmpfloat (scalar->data[0], ==, -2.5f);
  const CariNamedTensor *empty = cari_safetensors_lookup (back, "empty");
  g_assert_cmpuint (empty->n, ==, 0);
  g_assert_cmpint (empty->shape[1], ==, 5);
  g_assert_null (cari_safetensors_lookup (back, "absent"));
  g_assert_null (cari_safetensors_get_metadata (back, "absent"));
  g_assert_cmpstr (cari_safetensors_get_metadata (back, ""), ==, "empty key");
  g_auto (GStrv) keys = cari_safetensors_metadata_keys (back);
  g_assert_cmpstrv (keys, ((const char *const[]) { "", "format", "note", NULL }));

  /* The file is what serialize gives: length, padded JSON, data. */
  g_autofree guint8 *mem = cari_safetensors_serialize (st, &len, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &bytes, &file_len, NULL));
  g_assert_cmpmem (mem, len, bytes, file_len);
  guint64 head_len = cari_get_u64_le (mem);
  g_assert_cmpuint (head_len % 8, ==, 0);
  g_assert_cmpuint (len, ==, 8 + head_len + (9 + 1 + 0 + 0 + 3 + 24) * 4);
  g_assert_true (mem[8] == '{');
  g_assert_true (g_str_has_prefix ((const char *) mem + 8, "{\"__metadata__\":{"));
  /* The padding is spaces, after the JSON's closing brace. */
  size_t end = 8 + head_len;
  while (mem[end - 1] == ' ')
    end--;
  g_assert_cmpint (mem[end - 1], ==, '}');
  g_assert_cmpuint (8 + head_len - end, <, 8);
  /* No temporary file is left beside the file. */
  g_autoptr (GDir) d = g_dir_open (f->dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (d), ==, "sample.safetensors");
  g_assert_null (g_dir_read_name (d));
}

/* A name added again replaces the tensor in its place; metadata set to NULL goes. */
static void
test_replace (void)
{
  g_autoptr (CariSafetensors) st = sample ();
  float twice[2] = { 4.0f, 5.0f };
  cari_safetensors_add (st, "scalar", 1, (const gint64[]) { 2 }, twice);
  cari_safetensors_set_metadata (st, "format", NULL);
  cari_safetensors_set_metadata (st, "note", "new");
  assert_sample_order (st);
  const CariNamedTensor *t = cari_safetensors_lookup (st, "scalar");
  g_assert_true (t == cari_safetensors_tensor (st, 1));
  g_assert_cmpuint (t->n, ==, 2);
  g_assert_cmpfloat (t->data[1], ==, 5.0f);
  g_assert_null (cari_safetensors_get_metadata (st, "format"));
  g_assert_cmpstr (cari_safetensors_get_metadata (st, "note"), ==, "new");

  /* The data was copied: changing the caller's array changes nothing. */
  twice[1] = 9.0f;
  g_assert_cmpfloat (t->data[1], ==, 5.0f);
}

/* No tensors, no metadata: a header of "{}" and nothing else. */
static void
test_empty_file (void)
{
  g_autoptr (CariSafetensors) st = cari_safetensors_new ();
  g_autoptr (GError) error = NULL;
  size_t len;
  g_autofree guint8 *mem = cari_safetensors_serialize (st, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, ==, 16);
  g_assert_cmpmem (mem + 8, 8, "{}      ", 8);
  g_autoptr (CariSafetensors) back = cari_safetensors_parse (mem, len, NAME, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cari_safetensors_n_tensors (back), ==, 0);
  g_auto (GStrv) keys = cari_safetensors_metadata_keys (back);
  g_assert_null (keys[0]);
}

/* A file of header `json` (unpadded, so the data may start at any address) and `data_len`
 * bytes of data, at an odd address inside *block (g_free) so that nothing is aligned. */
static const guint8 *
make_file (const char *json, const guint8 *data, size_t data_len, size_t *len, guint8 **block)
{
  size_t n = strlen (json);
  *len = 8 + n + data_len;
  *block = g_malloc (*len + 1);
  guint8 *p = *block + 1;
  cari_put_u64_le (p, n);
  memcpy (p + 8, json, n);
  if (data_len > 0)
    memcpy (p + 8 + n, data, data_len);
  return p;
}

/* The layout the reader must accept although nothing in it is aligned: a header of odd length,
 * offsets 1 mod 4, zero-sized tensors between the others, the header's order not the data's. */
static void
test_unaligned_read (void)
{
  const char *json = "{\"c\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[13,17]},"
                     "\"gap\":{\"dtype\":\"F32\",\"shape\":[0,7],\"data_offsets\":[5,5]},"
                     "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[5,13]},"
                     "\"a\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[1,5]},"
                     "\"u8\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}";
  const float vals[4] = { 0.1f, 3.25f, -1e30f, 42.0f };
  guint8 data[17] = { 0 };
  g_autofree guint8 *block = NULL;
  g_autoptr (GError) error = NULL;
  size_t len;

  g_assert_cmpuint (strlen (json) % 4, !=, 0);
  for (int i = 0; i < 4; i++)
    {
      guint32 u;
      memcpy (&u, &vals[i], 4);
      cari_put_u32_le (data + 1 + 4 * i, u);
    }
  /* Byte 0 is held by no tensor: refused, naming the first tensor after the hole. */
  const guint8 *p = make_file (json, data, sizeof data, &len, &block);
  g_autoptr (CariSafetensors) st = cari_safetensors_parse (p, len, NAME, &error);
  g_assert_null (st);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "“a”"));
  g_clear_error (&error);
  g_clear_pointer (&block, g_free);

  /* With the data starting one byte later in the file (a header one byte longer), the same
   * tensors from offset 0: the data is at an unaligned address, the offsets 4-aligned. */
  const char *json2 = "{\"c\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[12,16]},"
                      "\"gap\":{\"dtype\":\"F32\",\"shape\":[0,7],\"data_offsets\":[4,4]},"
                      "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]},"
                      "\"a\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[0,4]},"
                      "\"u8\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}} ";
  p = make_file (json2, data + 1, 16, &len, &block);
  g_assert_cmpuint ((guintptr) (p + 8 + strlen (json2)) % 4, !=, 0);
  st = cari_safetensors_parse (p, len, NAME, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cari_safetensors_n_tensors (st), ==, 5);
  /* Offset order, ties between zero-sized tensors in the header's order. */
  const char *order[] = { "u8", "a", "gap", "b", "c" };
  for (guint i = 0; i < 5; i++)
    {
      const CariNamedTensor *t = cari_safetensors_tensor (st, i);
      g_assert_cmpstr (t->name, ==, order[i]);
      g_assert_cmpuint ((guintptr) t->data % sizeof (float), ==, 0);
    }
  g_assert_cmpfloat (cari_safetensors_lookup (st, "a")->data[0], ==, 0.1f);
  g_assert_cmpfloat (cari_safetensors_lookup (st, "b")->data[0], ==, 3.25f);
  g_assert_cmpfloat (cari_safetensors_lookup (st, "b")->data[1], ==, -1e30f);
  g_assert_cmpfloat (cari_safetensors_lookup (st, "c")->data[0], ==, 42.0f);
  g_assert_cmpint (cari_safetensors_lookup (st, "gap")->shape[1], ==, 7);
}

/* What JSON allows and json-glib might trip on: fields the reader ignores, numbers of every
 * form in them, escapes in names, whitespace everywhere. */
static void
test_valid_json (void)
{
  const char *json =
    " \r\n\t{ \"__metadata__\" : { \"k\\\"\" : \"\\u00e9\\n\" } ,\n"
    "\"a\\\"b\\u00e9\" : { \"x\" : [1.05, 0.5, 1e05, 1E-05, 2e+0, -0.0, 0, -0, 10, 100,"
    " true, false, null, \"010\", {\"y\": []}],\n"
    "  \"dtype\" : \"F32\", \"shape\" : [ 2 , 0 , 3 ], \"data_offsets\" : [ 0 , 0 ] } ,"
    "\"\\\\u0000\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]} }\n ";
  guint8 data[4] = { 0, 0, 0x80, 0x3f };
  g_autofree guint8 *block = NULL;
  g_autoptr (GError) error = NULL;
  size_t len;
  const guint8 *p = make_file (json, data, sizeof data, &len, &block);
  g_autoptr (CariSafetensors) st = cari_safetensors_parse (p, len, NAME, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cari_safetensors_n_tensors (st), ==, 2);
  const CariNamedTensor *t = cari_safetensors_tensor (st, 0);
  g_assert_cmpstr (t->name, ==, "a\"b\xc3\xa9");
  g_assert_cmpint (t->ndim, ==, 3);
  g_assert_cmpuint (t->n, ==, 0);
  t = cari_safetensors_tensor (st, 1);
  /* An escaped backslash and then "u0000": no NUL. */
  g_assert_cmpstr (t->name, ==, "\\u0000");
  g_assert_cmpfloat (t->data[0], ==, 1.0f);
  g_assert_cmpstr (cari_safetensors_get_metadata (st, "k\""), ==, "\xc3\xa9\n");
}

typedef struct
{
  const char *json;
  size_t data_len;
  int code;
  const char *words[3]; /* what the message must hold besides the file's name */
} Refusal;

#define T(x) "{\"dtype\":\"F32\",\"shape\":[" x "]"

static const Refusal refusals[] = {
  /* dtypes */
  { "{\"x\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, CARI_ERROR_VERSION,
    { "“x”", "BF16", "F32" } },
  { "{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8, CARI_ERROR_VERSION,
    { "“w”", "F64" } },
  { "{\"w\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, CARI_ERROR_CORRUPT,
    { "“w”", "Q7" } },
  { "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, CARI_ERROR_CORRUPT, { "“w”", "dtype" } },
  { "{\"w\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", 4, CARI_ERROR_CORRUPT,
    { "“w”", "dtype" } },
  /* shapes */
  { "{\"s\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, CARI_ERROR_CORRUPT,
    { "“s”", "shape" } },
  { "{\"s\":" T ("-1") ",\"data_offsets\":[0,4]}}", 4, CARI_ERROR_CORRUPT,
    { "“s”", "dimension 1" } },
  { "{\"s\":" T ("1,2.0") ",\"data_offsets\":[0,8]}}", 8, CARI_ERROR_CORRUPT,
    { "“s”", "dimension 2" } },
  { "{\"s\":" T ("\"2\"") ",\"data_offsets\":[0,8]}}", 8, CARI_ERROR_CORRUPT, { "“s”" } },
  { "{\"s\":" T ("true") ",\"data_offsets\":[0,4]}}", 4, CARI_ERROR_CORRUPT, { "“s”" } },
  { "{\"s\":" T ("1,1,1,1,1,1,1,1,1") ",\"data_offsets\":[0,4]}}", 4, CARI_ERROR_VERSION,
    { "“s”", "9" } },
  { "{\"s\":" T ("4294967296,4294967296") ",\"data_offsets\":[0,4]}}", 4, CARI_ERROR_CORRUPT,
    { "“s”", "large" } },
  { "{\"s\":" T ("9223372036854775807") ",\"data_offsets\":[0,4]}}", 4, CARI_ERROR_CORRUPT,
    { "“s”" } },
  /* json-glib reads integers past 2^63 as negative or as the largest gint64: refused either way */
  { "{\"s\":" T ("18446744073709551617") ",\"data_offsets\":[0,4]}}", 4, CARI_ERROR_CORRUPT,
    { "“s”" } },
  { "{\"s\":" T ("0,9223372036854775808") ",\"data_offsets\":[0,0]}}", 0, CARI_ERROR_CORRUPT,
    { "“s”" } },
  /* data offsets */
  { "{\"o\":" T ("1") "}}", 4, CARI_ERROR_CORRUPT, { "“o”", "data_offsets" } },
  { "{\"o\":" T ("1") ",\"data_offsets\":[0,4,8]}}", 8, CARI_ERROR_CORRUPT, { "“o”" } },
  { "{\"o\":" T ("1") ",\"data_offsets\":[0]}}", 4, CARI_ERROR_CORRUPT, { "“o”" } },
  { "{\"o\":" T ("1") ",\"data_offsets\":[-4,0]}}", 4, CARI_ERROR_CORRUPT, { "“o”" } },
  { "{\"o\":" T ("1") ",\"data_offsets\":[0,4.0]}}", 4, CARI_ERROR_CORRUPT, { "“o”" } },
  { "{\"o\":" T ("1") ",\"data_offsets\":{\"a\":0}}}", 4, CARI_ERROR_CORRUPT, { "“o”" } },
  { "{\"o\":" T ("0") ",\"data_offsets\":[4,0]}}", 4, CARI_ERROR_CORRUPT, { "“o”", "before" } },
  { "{\"o\":" T ("1") ",\"data_offsets\":[0,8]}}", 4, CARI_ERROR_CORRUPT, { "“o”", "past" } },
  { "{\"o\":" T ("2") ",\"data_offsets\":[0,4]}}", 4, CARI_ERROR_CORRUPT, { "“o”", "2 values" } },
  { "{\"o\":" T ("0") ",\"data_offsets\":[0,4]}}", 4, CARI_ERROR_CORRUPT, { "“o”", "0 values" } },
  /* overlaps and holes */
  { "{\"p\":" T ("2") ",\"data_offsets\":[0,8]},\"q\":" T ("2") ",\"data_offsets\":[4,12]}}", 12,
    CARI_ERROR_CORRUPT, { "“p”", "“q”", "overlap" } },
  { "{\"p\":" T ("2") ",\"data_offsets\":[0,8]},\"q\":" T ("2") ",\"data_offsets\":[0,8]}}", 8,
    CARI_ERROR_CORRUPT, { "“p”", "“q”", "overlap" } },
  { "{\"p\":" T ("2") ",\"data_offsets\":[0,8]},\"q\":" T ("0") ",\"data_offsets\":[4,4]}}", 8,
    CARI_ERROR_CORRUPT, { "“p”", "“q”", "overlap" } },
  { "{\"p\":" T ("1") ",\"data_offsets\":[0,4]},\"q\":" T ("1") ",\"data_offsets\":[8,12]}}", 12,
    CARI_ERROR_CORRUPT, { "“q”", "bytes 4 to 7" } },
  { "{\"p\":" T ("1") ",\"data_offsets\":[4,8]}}", 8, CARI_ERROR_CORRUPT,
    { "“p”", "bytes 0 to 3" } },
  { "{\"p\":" T ("1") ",\"data_offsets\":[0,4]}}", 9, CARI_ERROR_CORRUPT,
    { "end of its data", "byte 4" } },
  { "{}", 1, CARI_ERROR_CORRUPT, { "end of its data", "byte 0" } },
  /* names */
  { "{\"d\":" T ("1") ",\"data_offsets\":[0,4]},\"d\":" T ("1") ",\"data_offsets\":[4,8]}}", 8,
    CARI_ERROR_CORRUPT, { "“d”", "twice" } },
  { "{\"d\":" T ("1") ",\"data_offsets\":[0,4]},\"d\":" T ("1") ",\"data_offsets\":[0,4]}}", 4,
    CARI_ERROR_CORRUPT, { "“d”", "twice" } },
  { "{\"d\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", 4,
    CARI_ERROR_CORRUPT, { "“d”", "“dtype”" } },
  { "{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0, CARI_ERROR_CORRUPT, { "“k”", "twice" } },
  { "{\"\":" T ("1") ",\"data_offsets\":[0,4]}}", 4, CARI_ERROR_CORRUPT, { "empty name" } },
  { "{\"n\\u0000x\":" T ("1") ",\"data_offsets\":[0,4]}}", 4, CARI_ERROR_CORRUPT, { "NUL" } },
  { "{\"t\":[1,2]}", 0, CARI_ERROR_CORRUPT, { "“t”", "object" } },
  { "{\"t\":null}", 0, CARI_ERROR_CORRUPT, { "“t”", "object" } },
  /* metadata */
  { "{\"__metadata__\":[\"a\"]}", 0, CARI_ERROR_CORRUPT, { "__metadata__" } },
  { "{\"__metadata__\":{\"k\":1}}", 0, CARI_ERROR_CORRUPT, { "“k”", "string" } },
  { "{\"__metadata__\":{\"k\":null}}", 0, CARI_ERROR_CORRUPT, { "“k”", "string" } },
  /* the header's JSON */
  { "", 0, CARI_ERROR_CORRUPT, { "object" } },
  { "   ", 0, CARI_ERROR_CORRUPT, { "object" } },
  { "[]", 0, CARI_ERROR_CORRUPT, { "object" } },
  { "\"x\"", 0, CARI_ERROR_CORRUPT, { "object" } },
  { "{\"a\":", 0, CARI_ERROR_CORRUPT, { "JSON" } },
  { "{} {}", 0, CARI_ERROR_CORRUPT, { "JSON" } },
  { "{/* c */}", 0, CARI_ERROR_CORRUPT, { "JSON" } },
  { "{'p':" T ("1") ",\"data_offsets\":[0,4]}}", 4, CARI_ERROR_CORRUPT, { "JSON" } },
  { "{\"p\":" T ("0x1") ",\"data_offsets\":[0,4]}}", 4, CARI_ERROR_CORRUPT, { "JSON" } },
  { "{\"p\":" T ("1") ",\"data_offsets\":[0,4]}}\x01", 4, CARI_ERROR_CORRUPT, { "JSON" } },
  { "{\"\xff\":" T ("1") ",\"data_offsets\":[0,4]}}", 4, CARI_ERROR_CORRUPT, { "UTF-8" } },
  /* json-glib reads 010 as 8 */
  { "{\"p\":" T ("010") ",\"data_offsets\":[0,32]}}", 32, CARI_ERROR_CORRUPT, { "JSON" } },
  { "{\"p\":" T ("1") ",\"data_offsets\":[00,4]}}", 4, CARI_ERROR_CORRUPT, { "JSON" } },
  { "{\"p\":" T ("1") ",\"data_offsets\":[0,-04]}}", 4, CARI_ERROR_CORRUPT, { "JSON" } },
  { "{\"p\n\":" T ("1") ",\"data_offsets\":[0,4]}}", 4, CARI_ERROR_CORRUPT, { "JSON" } },
};

static void
assert_refused (const guint8 *p, size_t len, const char *name, int code, const char *const *words)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariSafetensors) st = cari_safetensors_parse (p, len, name, &error);
  g_assert_null (st);
  g_assert_error (error, CARI_ERROR, code);
  g_assert_nonnull (strstr (error->message, name));
  for (int w = 0; w < 3 && words[w] != NULL; w++)
    if (strstr (error->message, words[w]) == NULL)
      g_error ("“%s” lacks “%s”", error->message, words[w]);
}

static void
test_refusals (Fixture *f, gconstpointer unused)
{
  for (size_t i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      const Refusal *r = &refusals[i];
      g_autofree guint8 *data = g_malloc0 (MAX (r->data_len, 1));
      g_autofree guint8 *block = NULL;
      size_t len;
      g_autofree char *shown = g_strescape (r->json, NULL);
      g_test_message ("%s", shown);
      const guint8 *p = make_file (r->json, data, r->data_len, &len, &block);
      assert_refused (p, len, NAME, r->code, r->words);

      /* The same through a file: the message names its path. */
      g_autofree char *path = g_build_filename (f->dir, "refused.safetensors", NULL);
      g_autoptr (GError) error = NULL;
      g_assert_true (g_file_set_contents (path, (const char *) p, (gssize) len, NULL));
      g_autoptr (CariSafetensors) st = cari_safetensors_read (path, &error);
      g_assert_null (st);
      g_assert_error (error, CARI_ERROR, r->code);
      g_assert_nonnull (strstr (error->message, path));
    }
}

/* Header lengths the file cannot hold, and one past the limit whatever the file. */
static void
test_header_length (void)
{
  static const char *const none[] = { NULL };
  static const char *const limit[] = { "104857600", NULL };
  static const char *const follow[] = { "truncated", NULL };
  guint8 file[24] = { 0 };
  memcpy (file + 8, "{}      {}      ", 16);

  cari_put_u64_le (file, 17);
  assert_refused (file, sizeof file, NAME, CARI_ERROR_CORRUPT, follow);
  cari_put_u64_le (file, G_MAXUINT64);
  assert_refused (file, sizeof file, NAME, CARI_ERROR_CORRUPT, none);
  cari_put_u64_le (file, CARI_SAFETENSORS_MAX_HEADER + 1);
  assert_refused (file, sizeof file, NAME, CARI_ERROR_CORRUPT, limit);
  cari_put_u64_le (file, 16);
  assert_refused (file, sizeof file, NAME, CARI_ERROR_CORRUPT, none);
  assert_refused (file, 7, NAME, CARI_ERROR_CORRUPT, none);

  /* The limit itself is allowed: a header of exactly that many bytes, spaces after "{}". */
  g_autofree guint8 *big = g_malloc (8 + CARI_SAFETENSORS_MAX_HEADER);
  cari_put_u64_le (big, CARI_SAFETENSORS_MAX_HEADER);
  memset (big + 8, ' ', CARI_SAFETENSORS_MAX_HEADER);
  memcpy (big + 8, "{}", 2);
  g_autoptr (GError) error = NULL;
  g_autoptr (CariSafetensors) st =
    cari_safetensors_parse (big, 8 + CARI_SAFETENSORS_MAX_HEADER, NAME, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cari_safetensors_n_tensors (st), ==, 0);
}

/* A tensor's name of a megabyte is cut in messages. */
static void
test_long_name (void)
{
  GString *json = g_string_new ("{\"");
  for (int i = 0; i < 1 << 20; i++)
    g_string_append_c (json, 'n');
  g_string_append (json, "\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[0,1]}}");
  guint8 zero = 0;
  g_autofree guint8 *block = NULL;
  g_autoptr (GError) error = NULL;
  size_t len;
  const guint8 *p = make_file (json->str, &zero, 1, &len, &block);
  g_string_free (json, TRUE);
  g_autoptr (CariSafetensors) st = cari_safetensors_parse (p, len, NAME, &error);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_VERSION);
  g_assert_cmpuint (strlen (error->message), <, 300);
  g_assert_nonnull (strstr (error->message, "nnnn…"));
}

/* A header nested 17 deep is refused before json-glib sees it; 16 deep is JSON the reader
 * reads (and refuses for what it says). A million levels would overflow json-glib's stack. */
static void
test_nesting (void)
{
  static const char *const deeper[] = { "deeper", NULL };
  static const char *const not_object[] = { "“p”", "object", NULL };
  const int depths[] = { 16, 17, 1000000 };
  for (size_t k = 0; k < G_N_ELEMENTS (depths); k++)
    {
      /* The root object, then depth − 1 arrays. */
      GString *json = g_string_new ("{\"p\":");
      for (int i = 1; i < depths[k]; i++)
        g_string_append_c (json, '[');
      for (int i = 1; i < depths[k]; i++)
        g_string_append_c (json, ']');
      g_string_append_c (json, '}');
      g_autofree guint8 *block = NULL;
      size_t len;
      const guint8 *p = make_file (json->str, NULL, 0, &len, &block);
      assert_refused (p, len, NAME, CARI_ERROR_CORRUPT, depths[k] > 16 ? deeper : not_object);
      g_string_free (json, TRUE);
    }
}

/* Every prefix of a good file is refused, without reading past it (ASan watches). */
static void
test_truncated (void)
{
  g_autoptr (CariSafetensors) st = sample ();
  g_autoptr (GError) error = NULL;
  size_t len;
  g_autofree guint8 *mem = cari_safetensors_serialize (st, &len, &error);
  g_assert_no_error (error);
  for (size_t cut = 0; cut < len; cut++)
    {
      g_autofree guint8 *copy = g_memdup2 (mem, cut);
      g_autoptr (GError) e = NULL;
      g_autoptr (CariSafetensors) back = cari_safetensors_parse (copy, cut, NAME, &e);
      g_assert_null (back);
      g_assert_error (e, CARI_ERROR, CARI_ERROR_CORRUPT);
      g_assert_nonnull (strstr (e->message, NAME));
    }
  g_autoptr (CariSafetensors) back = cari_safetensors_parse (mem, len, NAME, &error);
  g_assert_no_error (error);
  assert_same_file (st, back);
}

static void
test_write_errors (Fixture *f, gconstpointer unused)
{
  g_autoptr (CariSafetensors) st = sample ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "no-such-folder", "x.safetensors", NULL);
  g_assert_false (cari_safetensors_write (st, path, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  g_autoptr (CariSafetensors) missing = cari_safetensors_read (path, &error);
  g_assert_null (missing);
  g_assert_error (error, CARI_ERROR, CARI_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  /* Names a file cannot hold; nothing is written. */
  g_autofree char *good = g_build_filename (f->dir, "x.safetensors", NULL);
  const char *bad_names[] = { "", "__metadata__", "\xc3" };
  float one = 1;
  for (size_t i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      g_autoptr (CariSafetensors) b = cari_safetensors_new ();
      cari_safetensors_add (b, bad_names[i], 0, NULL, &one);
      g_assert_false (cari_safetensors_write (b, good, &error));
      g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
      g_assert_false (g_file_test (good, G_FILE_TEST_EXISTS));
    }
  g_autoptr (CariSafetensors) m = cari_safetensors_new ();
  cari_safetensors_set_metadata (m, "k", "\xc3");
  g_assert_null (cari_safetensors_serialize (m, &(size_t) { 0 }, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "“k”"));

  /* A write over an existing file replaces it whole, by a rename: a second name for the old
   * file (a hard link) still sees the old content, which writing in place would have changed. */
  g_clear_error (&error);
  g_autofree char *link_path = g_build_filename (f->dir, "old-link", NULL);
  g_assert_true (g_file_set_contents (good, "old", -1, NULL));
  g_assert_cmpint (link (good, link_path), ==, 0);
  g_assert_true (cari_safetensors_write (st, good, &error));
  g_autofree char *old = NULL;
  g_assert_true (g_file_get_contents (link_path, &old, NULL, NULL));
  g_assert_cmpstr (old, ==, "old");
  g_autoptr (CariSafetensors) back = cari_safetensors_read (good, &error);
  g_assert_no_error (error);
  assert_same_file (st, back);
}

/* ---------------------------------------------------------------------------- with numpy */

static const char *
python (void)
{
  const char *p = g_getenv ("CARI_PYTHON");
  return p != NULL && *p != '\0' ? p : "/usr/bin/python3";
}

/* Run the interop script with `args`; its output is shown when it fails. */
static void
run_script (const char *a1, const char *a2, const char *a3)
{
  g_autofree char *script =
    g_build_filename (CARI_SOURCE_ROOT, "tests", "interop", "safetensors-roundtrip.py", NULL);
  const char *argv[] = { python (), script, a1, a2, a3, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;
  int status;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s %s %s %s failed:\n%s%s", script, a1, a2, a3 != NULL ? a3 : "", out, err);
}

static gboolean
numpy_available (char **why)
{
  const char *argv[] = { python (), "-c", "import numpy", NULL };
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                     &err, &status, &error))
    {
      *why = g_strdup_printf ("cannot run %s (CARI_PYTHON): %s", python (), error->message);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      *why = g_strdup_printf ("%s (CARI_PYTHON) cannot import numpy", python ());
      return FALSE;
    }
  return TRUE;
}

static void
test_python (Fixture *f, gconstpointer unused)
{
  g_autofree char *why = NULL;
  if (!numpy_available (&why))
    {
      g_test_skip (why);
      return;
    }
  g_autoptr (CariSafetensors) st = sample ();
  g_autoptr (GError) error = NULL;
  g_autofree char *c_path = g_build_filename (f->dir, "c.safetensors", NULL);
  g_autofree char *copy_path = g_build_filename (f->dir, "copy.safetensors", NULL);
  g_autofree char *rev_path = g_build_filename (f->dir, "reverse.safetensors", NULL);
  g_autofree char *py_path = g_build_filename (f->dir, "python.safetensors", NULL);
  g_assert_true (cari_safetensors_write (st, c_path, &error));

  /* C → numpy → C: the same tensors bit for bit, in the same order, and the same metadata. */
  run_script ("copy", c_path, copy_path);
  g_autoptr (CariSafetensors) copy = cari_safetensors_read (copy_path, &error);
  g_assert_no_error (error);
  assert_sample_order (copy);
  assert_same_file (st, copy);

  /* numpy writing them in the reverse order: read back in that order, equal by name. */
  run_script ("reverse", c_path, rev_path);
  g_autoptr (CariSafetensors) rev = cari_safetensors_read (rev_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cari_safetensors_n_tensors (rev), ==, G_N_ELEMENTS (sample_order));
  for (guint i = 0; i < G_N_ELEMENTS (sample_order); i++)
    {
      const CariNamedTensor *t = cari_safetensors_tensor (rev, i);
      g_assert_cmpstr (t->name, ==, sample_order[G_N_ELEMENTS (sample_order) - 1 - i]);
      assert_same_tensor (cari_safetensors_lookup (st, t->name), t);
    }
  assert_same_metadata (st, rev);

  /* A file numpy made from scratch: the values the script and this test both know. */
  run_script ("write", py_path, NULL);
  g_autoptr (CariSafetensors) py = cari_safetensors_read (py_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cari_safetensors_n_tensors (py), ==, 4);
  const CariNamedTensor *t = cari_safetensors_tensor (py, 0);
  g_assert_cmpstr (t->name, ==, "patterns");
  g_assert_cmpint (t->ndim, ==, 2);
  g_assert_cmpmem (t->data, t->n * sizeof (float), patterns, sizeof patterns);
  t = cari_safetensors_tensor (py, 1);
  g_assert_cmpstr (t->name, ==, "ramp");
  g_assert_cmpuint (t->n, ==, 24);
  g_assert_cmpint (t->shape[2], ==, 4);
  for (int i = 0; i < 24; i++)
    g_assert_cmpfloat (t->data[i], ==, 0.5f * (float) i - 3.0f);
  t = cari_safetensors_tensor (py, 2);
  g_assert_cmpstr (t->name, ==, "scalar");
  g_assert_cmpint (t->ndim, ==, 0);
  g_assert_cmpfloat (t->data[0], ==, -2.5f);
  t = cari_safetensors_tensor (py, 3);
  g_assert_cmpstr (t->name, ==, "nothing");
  g_assert_cmpuint (t->n, ==, 0);
  g_assert_cmpint (t->shape[1], ==, 3);
  g_assert_cmpstr (cari_safetensors_get_metadata (py, "writer"), ==, "numpy");
  g_assert_cmpstr (cari_safetensors_get_metadata (py, "note"), ==, "d\xc3\xa9j\xc3\xa0 \"vu\"");

  /* The numpy reader's own conversions and refusals. */
  run_script ("selftest", f->dir, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, fn) \
  g_test_add ("/safetensors/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("round-trip", test_round_trip);
  g_test_add_func ("/safetensors/replace", test_replace);
  g_test_add_func ("/safetensors/empty-file", test_empty_file);
  g_test_add_func ("/safetensors/unaligned-read", test_unaligned_read);
  g_test_add_func ("/safetensors/valid-json", test_valid_json);
  ADD ("refusals", test_refusals);
  g_test_add_func ("/safetensors/header-length", test_header_length);
  g_test_add_func ("/safetensors/long-name", test_long_name);
  g_test_add_func ("/safetensors/nesting", test_nesting);
  g_test_add_func ("/safetensors/truncated", test_truncated);
  ADD ("write-errors", test_write_errors);
  ADD ("python", test_python);
  return g_test_run ();
}
