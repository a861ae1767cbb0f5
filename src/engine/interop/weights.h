/* weights.h — a network's tensors in and out of safetensors files, under PyTorch's names.
 *
 * A tensor's name is CariLab's parameter name with "." for "/" ("trunk/block35_1/b1_2/weight" is
 * "trunk.block35_1.b1_2.weight"), which is the name bench/torch_net.py's Net gives it in
 * state_dict(); shapes are the same on both sides (conv weights OIHW, dense weights [out, in]).
 * Parameters, the weight module's parameters and the batch-norm running statistics are carried;
 * optimiser state, the center table, the dropout generator and the step are not (they live in
 * checkpoints). The metadata holds the architecture and how to feed the network (input size,
 * layout, standardisation): docs/interop.md lists the keys.
 */
#pragma once

#include "interop/safetensors.h"
#include "nn/net.h"

#include <glib.h>

G_BEGIN_DECLS

/* Metadata keys every export carries. */
#define CARI_WEIGHTS_KEY_ARCHITECTURE "carilab.architecture"
#define CARI_WEIGHTS_KEY_INPUT        "carilab.input"
#define CARI_WEIGHTS_KEY_PREPROCESS   "carilab.preprocessing"

/* CariLab's name → the file's (newly allocated). */
char            *cari_weights_file_name (const char *carilab_name);

/* Every tensor of the network, and the metadata. extra: NULL or key, value, …, NULL (e.g. the
 * run and step it came from). */
CariSafetensors *cari_weights_export (CariNet *net, const char *const *extra);
gboolean         cari_weights_export_file (CariNet *net, const char *const *extra,
                                           const char *path, GError **error);

/* The preprocessing of a network, as text (the same as the metadata). */
char            *cari_weights_describe_input (const CariNetConfig *cfg);

/* The network configuration a file's metadata describes, over the defaults of the "paper"
 * preset (batch capacity left at its default); CARI_ERROR_CORRUPT naming the key when the
 * metadata lacks the architecture or holds a bad value. */
gboolean         cari_weights_read_config (const CariSafetensors *st, CariNetConfig *cfg,
                                           GError **error);

/* Load the file's tensors into the network. Every tensor of the network must be in the file
 * with its shape, else CARI_ERROR_MISMATCH lists what is missing or of another shape (up to ten
 * of each, with counts) and nothing changes; with `partial`, the tensors that fit are loaded and
 * the others keep their values. Tensors of the file the network does not have are ignored (and
 * listed in the report). report (may be NULL): a newly allocated summary, one line per kind. */
gboolean         cari_weights_load (CariNet *net, const CariSafetensors *st, gboolean partial,
                                    char **report, GError **error);

G_END_DECLS
