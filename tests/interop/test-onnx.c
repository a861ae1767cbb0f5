/* test-onnx.c — the ONNX exporter without any runtime: the model's top-level protobuf fields,
 * its determinism, the file it writes, and its refusals. check-onnx.py runs the models. */
#include <cari.h>
#include <glib/gstdio.h>
#include <string.h>

#include "interop/onnx.h"

static CariNet *
tiny_net (guint tasks)
{
  CariNetConfig cfg;
  g_assert_true (cari_net_config_init_preset (&cfg, "demo", NULL));
  cfg.input_size = 75;
  cfg.width = 1.0f / 16.0f;
  cfg.embedding_size = 8;
  cfg.n_identities = 4;
  cfg.max_caricatures = 2;
  cfg.max_photos = 2;
  cfg.tasks = tasks;
  g_autoptr (GError) error = NULL;
  CariNet *net = cari_net_new (&cfg, 3, &error);
  g_assert_no_error (error);
  return net;
}

/* A protobuf reader just strong enough to walk one message's fields. */
typedef struct
{
  const guint8 *p, *end;
} Reader;

static guint64
read_varint (Reader *r)
{
  guint64 v = 0;
  for (int shift = 0; shift < 64; shift += 7)
    {
      g_assert_true (r->p < r->end);
      guint8 b = *r->p++;
      v |= (guint64) (b & 0x7f) << shift;
      if (!(b & 0x80))
        return v;
    }
  g_assert_not_reached ();
}

/* The next field: its number, and its value (varint) or bytes (length-delimited). */
static gboolean
next_field (Reader *r, guint *field, guint64 *value, Reader *bytes)
{
  if (r->p == r->end)
    return FALSE;
  guint64 key = read_varint (r);
  *field = (guint) (key >> 3);
  switch (key & 7)
    {
    case 0:
      *value = read_varint (r);
      break;
    case 2:
      *value = read_varint (r);
      g_assert_cmpuint (*value, <=, (guint64) (r->end - r->p));
      bytes->p = r->p;
      bytes->end = r->p + *value;
      r->p += *value;
      break;
    case 5:
      g_assert_cmpint (r->end - r->p, >=, 4);
      r->p += 4;
      break;
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

static gboolean
bytes_equal (const Reader *b, const char *s)
{
  return (size_t) (b->end - b->p) == strlen (s) && memcmp (b->p, s, strlen (s)) == 0;
}

static void
test_model_fields (void)
{
  g_autoptr (CariNet) net = tiny_net (CARI_ALL_TASKS);
  const char *metadata[] = { "preprocessing", "standardised", "size", "75", NULL };
  g_autoptr (GError) error = NULL;
  size_t len, len2;
  g_autofree guint8 *model = cari_onnx_serialize (net, CARI_TASK_CARI, metadata, &len, &error);
  g_assert_no_error (error);
  g_autofree guint8 *again = cari_onnx_serialize (net, CARI_TASK_CARI, metadata, &len2, &error);
  g_assert_cmpmem (model, len, again, len2);

  Reader r = { model, model + len }, b;
  guint field;
  guint64 value;
  int seen_ir = 0, seen_graph = 0, seen_opset = 0, n_metadata = 0, n_nodes = 0, n_inits = 0;
  gboolean producer = FALSE;
  while (next_field (&r, &field, &value, &b))
    switch (field)
      {
      case 1:
        g_assert_cmpuint (value, ==, 7);
        seen_ir++;
        break;
      case 2:
        producer = bytes_equal (&b, "CariLab");
        break;
      case 3:
        g_assert_cmpint (b.end - b.p, >, 0); /* the version */
        break;
      case 7:
        {
          Reader g = b, sub;
          seen_graph++;
          while (next_field (&g, &field, &value, &sub))
            {
              n_nodes += field == 1;
              n_inits += field == 5;
              if (field == 11 || field == 12)
                {
                  /* ValueInfoProto.name first. */
                  Reader name;
                  guint f;
                  g_assert_true (next_field (&sub, &f, &value, &name));
                  g_assert_cmpuint (f, ==, 1);
                  g_assert_true (bytes_equal (&name, field == 11 ? "input" : "embedding"));
                }
            }
          break;
        }
      case 8:
        {
          Reader o = b, sub;
          guint64 version = 0;
          while (next_field (&o, &field, &value, &sub))
            if (field == 2)
              version = value;
          g_assert_cmpuint (version, ==, 13);
          seen_opset++;
          break;
        }
      case 14:
        n_metadata++;
        break;
      default:
        g_error ("unexpected ModelProto field %u", field);
      }
  g_assert_cmpint (seen_ir, ==, 1);
  g_assert_true (producer);
  g_assert_cmpint (seen_graph, ==, 1);
  g_assert_cmpint (seen_opset, ==, 1);
  g_assert_cmpint (n_metadata, ==, 2);
  /* Every conv has a folded weight and bias: more initializers than nodes would be odd, and a
   * graph of a few nodes would be a truncated one. */
  g_assert_cmpint (n_nodes, >, 50);
  g_assert_cmpint (n_inits, >, 50);
  g_assert_cmpint (n_inits, <, n_nodes);

  /* The file is the same bytes. */
  g_autofree char *dir = g_dir_make_tmp ("carilab-onnx-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "model.onnx", NULL);
  g_assert_true (cari_onnx_export (net, CARI_TASK_CARI, metadata, path, &error));
  g_assert_no_error (error);
  g_autofree char *contents = NULL;
  gsize file_len;
  g_assert_true (g_file_get_contents (path, &contents, &file_len, NULL));
  g_assert_cmpmem (contents, file_len, model, len);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_refusals (void)
{
  g_autoptr (CariNet) net = tiny_net (CARI_TASK_BIT (CARI_TASK_CARI)
                                      | CARI_TASK_BIT (CARI_TASK_VISUAL));
  g_autoptr (GError) error = NULL;
  size_t len = 1;

  g_assert_null (cari_onnx_serialize (net, CARI_TASK_VERIF, NULL, &len, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "verif"));
  g_assert_cmpuint (len, ==, 0);
  g_clear_error (&error);

  const char *odd[] = { "a", "1", "lonely", NULL };
  g_assert_null (cari_onnx_serialize (net, CARI_TASK_CARI, odd, &len, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "lonely"));
  g_clear_error (&error);

  const char *twice[] = { "a", "1", "b", "2", "a", "3", NULL };
  g_assert_null (cari_onnx_serialize (net, CARI_TASK_CARI, twice, &len, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "“a”"));
  g_clear_error (&error);

  const char *latin1[] = { "name", "caf\xe9", NULL };
  g_assert_null (cari_onnx_serialize (net, CARI_TASK_CARI, latin1, &len, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "name"));
  g_clear_error (&error);

  g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "carilab-no-such-folder",
                                               "model.onnx", NULL);
  g_assert_false (cari_onnx_export (net, CARI_TASK_CARI, NULL, missing, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_IO);
  g_assert_nonnull (strstr (error->message, missing));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/onnx/model-fields", test_model_fields);
  g_test_add_func ("/onnx/refusals", test_refusals);
  return g_test_run ();
}
