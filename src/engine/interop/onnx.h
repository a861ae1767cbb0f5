/* onnx.h — the inference graph of a network as an ONNX model.
 *
 * The graph is the trunk and one branch, from the standardised images "input" [N, 3, S, S]
 * (N dynamic) to the L2-normalised embedding "embedding" [N, E], as cari_net_infer computes it
 * in inference mode: each batch norm (β only, running statistics) folded into its convolution's
 * weight and bias, the residual scale folded into the projection, dropout left out, the
 * embedding's dense layer and batch norm as one Gemm, the normalisation x / max(‖x‖, ε) as
 * ReduceL2 → Clip(min ε) → Expand → Div (the form OpenCV 4.6 recognises; it takes no Max with a
 * constant). Operators of opset 13 only (Conv, Relu, MaxPool, Concat, Add, GlobalAveragePool,
 * Flatten, Gemm, ReduceL2, Clip, Shape, Expand, Div), IR version 7, so that Debian 12's onnx 1.12
 * checker and OpenCV 4.6's DNN module take it.
 *
 * The protobuf is encoded here (onnx.c, onnx-proto.c), no library: the messages and fields used
 * are listed in docs/interop.md with their field numbers from onnx.proto.
 */
#pragma once

#include "core/task.h"
#include "nn/net.h"

#include <glib.h>

G_BEGIN_DECLS

/* Write the model of `branch` to `path` (atomically). metadata: NULL or a NULL-terminated list
 * of key, value, key, value, … stored as the model's metadata_props (the caller puts the
 * preprocessing there). Fails when the network has no such branch. */
gboolean cari_onnx_export (CariNet *net, CariTask branch, const char *const *metadata,
                           const char *path, GError **error);
/* The same model in memory (g_free). */
guint8  *cari_onnx_serialize (CariNet *net, CariTask branch, const char *const *metadata,
                              size_t *len, GError **error);

G_END_DECLS
