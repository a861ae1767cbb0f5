/* test-weights.c — a network's tensors through a safetensors file: the names and shapes of
 * PyTorch's state_dict, the architecture read back from the metadata, a bitwise round trip, and
 * loads that do not fit refused without changing anything, or taken partially with a report. */
#include "core/error.h"
#include "interop/safetensors.h"
#include "interop/weights.h"
#include "nn/net.h"

#include <string.h>

static CariNet *
tiny_net (int identities, guint64 seed)
{
  CariNetConfig cfg;
  g_assert_true (cari_net_config_init_preset (&cfg, "demo", NULL));
  cfg.input_size = 75;
  cfg.width = 0.0625f;
  cfg.embedding_size = 8;
  cfg.n_identities = identities;
  cfg.max_caricatures = cfg.max_photos = 2;
  g_autoptr (GError) error = NULL;
  CariNet *net = cari_net_new (&cfg, seed, &error);
  g_assert_no_error (error);
  return net;
}

/* A hash of every tensor's bytes, to tell whether a load changed anything. */
static guint
net_hash (CariNet *net)
{
  size_t n;
  const CariParamInfo *infos = cari_net_param_infos (net, &n);
  guint h = 5381;
  for (size_t i = 0; i < n; i++)
    {
      const guint8 *b = (const guint8 *) infos[i].param;
      for (size_t k = 0; k < infos[i].size * sizeof (float); k++)
        h = h * 33 + b[k];
    }
  return h;
}

static void
test_names_and_round_trip (void)
{
  g_autoptr (CariNet) a = tiny_net (10, 1), b = tiny_net (10, 2);
  g_autoptr (CariSafetensors) st = cari_weights_export (a, (const char *[]) { "carilab.run",
                                                                              "x", NULL });
  size_t n;
  const CariParamInfo *infos = cari_net_param_infos (a, &n);
  g_assert_cmpuint (cari_safetensors_n_tensors (st), ==, n);
  const CariNamedTensor *t = cari_safetensors_lookup (st, "trunk.conv1.conv.weight");
  g_assert_nonnull (t);
  g_assert_cmpint (t->ndim, ==, 4);
  g_assert_cmpint (t->shape[0], ==, 2); /* 32 × 0.0625 */
  g_assert_cmpint (t->shape[1], ==, 3);
  g_assert_cmpint (t->shape[2], ==, 3);
  g_assert_cmpint (t->shape[3], ==, 3);
  t = cari_safetensors_lookup (st, "visual.classifier.weight");
  g_assert_nonnull (t);
  g_assert_cmpint (t->ndim, ==, 2);
  g_assert_cmpint (t->shape[0], ==, 10);
  g_assert_cmpint (t->shape[1], ==, 8);
  g_assert_nonnull (cari_safetensors_lookup (st, "trunk.block35_1.b1_1.running_var"));
  g_assert_nonnull (cari_safetensors_lookup (st, "weights.dense.bias"));
  g_assert_cmpstr (cari_safetensors_get_metadata (st, "carilab.run"), ==, "x");
  g_assert_cmpstr (cari_safetensors_get_metadata (st, "format"), ==, "pt");

  /* The architecture reads back as the network's. */
  CariNetConfig cfg;
  g_autoptr (GError) error = NULL;
  g_assert_true (cari_weights_read_config (st, &cfg, &error));
  g_assert_no_error (error);
  g_autofree char *want = cari_net_config_architecture (cari_net_get_config (a));
  g_autofree char *got = cari_net_config_architecture (&cfg);
  g_assert_cmpstr (got, ==, want);
  g_assert_cmpfloat (cfg.dropout_keep, ==, cari_net_get_config (a)->dropout_keep);

  /* Through the file's bytes and into another network: the same bits. */
  size_t len;
  g_autofree guint8 *bytes = cari_safetensors_serialize (st, &len, &error);
  g_assert_no_error (error);
  g_autoptr (CariSafetensors) back = cari_safetensors_parse (bytes, len, "mem", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (net_hash (a), !=, net_hash (b));
  g_autofree char *report = NULL;
  g_assert_true (cari_weights_load (b, back, FALSE, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (net_hash (a), ==, net_hash (b));
  g_autofree char *all = g_strdup_printf ("%zu of %zu tensors loaded", n, n);
  g_assert_cmpstr (report, ==, all);
  const CariParamInfo *binfos = cari_net_param_infos (b, &n);
  for (size_t i = 0; i < n; i++)
    g_assert_cmpmem (infos[i].param, infos[i].size * 4, binfos[i].param, binfos[i].size * 4);
}

/* Another number of identities: the classifiers do not fit. Refused with their names, nothing
 * changed; partial: the rest loaded, the report lists them. */
static void
test_mismatch (void)
{
  g_autoptr (CariNet) a = tiny_net (10, 1), b = tiny_net (12, 2);
  g_autoptr (CariSafetensors) st = cari_weights_export (a, NULL);
  g_autoptr (GError) error = NULL;
  guint before = net_hash (b);
  g_assert_false (cari_weights_load (b, st, FALSE, NULL, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "6 tensors of another shape"));
  g_assert_nonnull (strstr (error->message, "visual.classifier.weight ([10, 8] in the file, "
                                            "[12, 8] here)"));
  g_assert_cmpuint (net_hash (b), ==, before);
  g_clear_error (&error);

  g_autofree char *report = NULL;
  g_assert_true (cari_weights_load (b, st, TRUE, &report, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (report, "192 of 198 tensors loaded"));
  g_assert_nonnull (strstr (report, "6 of another shape, left as they were"));
  size_t n;
  const CariParamInfo *ai = cari_net_param_infos (a, &n);
  const CariParamInfo *bi = cari_net_param_infos (b, &n);
  for (size_t i = 0; i < n; i++)
    if (strstr (ai[i].name, "classifier") == NULL)
      g_assert_cmpmem (ai[i].param, ai[i].size * 4, bi[i].param, bi[i].size * 4);
}

static void
test_bad_metadata (void)
{
  g_autoptr (CariNet) a = tiny_net (10, 1);
  g_autoptr (CariSafetensors) st = cari_weights_export (a, NULL);
  CariNetConfig cfg;
  g_autoptr (GError) error = NULL;

  cari_safetensors_set_metadata (st, "carilab.architecture", "input_size=75;tasks=verif,nope");
  g_assert_false (cari_weights_read_config (st, &cfg, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "tasks=verif,nope"));
  g_clear_error (&error);

  cari_safetensors_set_metadata (st, "carilab.architecture", "input_size=12");
  g_assert_false (cari_weights_read_config (st, &cfg, &error));
  g_assert_nonnull (strstr (error->message, "input_size"));
  g_clear_error (&error);

  cari_safetensors_set_metadata (st, "carilab.architecture", NULL);
  g_assert_false (cari_weights_read_config (st, &cfg, &error));
  g_assert_error (error, CARI_ERROR, CARI_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "carilab.architecture"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/weights/names-and-round-trip", test_names_and_round_trip);
  g_test_add_func ("/weights/mismatch", test_mismatch);
  g_test_add_func ("/weights/bad-metadata", test_bad_metadata);
  return g_test_run ();
}
