/* onnx.c — the inference graph of the trunk and one branch as an ONNX model (opset 13, IR
 * version 7), encoded here as protobuf (onnx-proto.c).
 *
 * The graph reproduces cari_net_infer in inference mode. Each conv unit (conv, batch norm with β
 * only and running statistics, ReLU) becomes Conv + Relu with the normalisation folded in:
 *   k_c = 1 / sqrt(running_var_c + ε),   W'_c = k_c · W_c,   b'_c = β_c − running_mean_c · k_c
 * computed in float32 as the engine's kernel computes its scale and shift. A residual block's
 * projection ("up", a conv with bias) takes the residual scale s into its weight and bias, so
 * the block is Add(x, Conv(concat)) → Relu. The head's dense layer and batch norm become one Gemm
 * the same way; dropout is the identity in inference and is left out.
 *
 * The L2 normalisation is x / max(‖x‖, ε) as cari_l2norm_forward computes it (ε = 1e-5, the
 * square root of its 1e-10 on the sum of squares), written as PyTorch writes F.normalize:
 * ReduceL2 → Clip(min ε, no max) → Expand to x's shape → Div. OpenCV 4.6's importer takes
 * neither Max nor Clip with a constant, nor a Div whose divisor went through any other
 * operator after ReduceL2; it recognises this pattern and runs its own normalisation layer,
 * x / sqrt(Σx² + 1e-10), which differs from the graph's by a relative 5e-11 / Σx² (nothing
 * for the embeddings, whose norms are far above ε). Every other runtime computes the graph.
 *
 * Names follow the engine's parameters: the folded weight of trunk/conv1's unit is
 * "trunk/conv1/conv/weight", as in cari_net_param_infos; each unit's output is named after the
 * unit ("trunk/conv1/conv"), each block's after the block.
 */
#include "interop/onnx.h"

#include "core/error.h"
#include "core/i18n.h"
#include "interop/atomic-file.h"
#include "interop/onnx-proto.h"
#include "nn/net-private.h"

#include <math.h>
#include <string.h>

G_STATIC_ASSERT (G_BYTE_ORDER == G_LITTLE_ENDIAN); /* raw_data is little-endian float32 */

#define IR_VERSION 7
#define OPSET 13
/* The normalisation's floor on the norm: sqrt of cari_l2norm_forward's 1e-10. */
#define NORM_EPS 1e-5f
/* Protobuf refuses messages of 2 GiB and more; larger models need ONNX's external data. */
#define MAX_MODEL_BYTES ((size_t) G_MAXINT32 - ((size_t) 1 << 20))

/* Field numbers, from onnx.proto (onnx 1.12). */
enum
{
  MODEL_IR_VERSION = 1,
  MODEL_PRODUCER_NAME = 2,
  MODEL_PRODUCER_VERSION = 3,
  MODEL_GRAPH = 7,
  MODEL_OPSET_IMPORT = 8,
  MODEL_METADATA_PROPS = 14,
  OPSET_DOMAIN = 1,
  OPSET_VERSION = 2,
  GRAPH_NODE = 1,
  GRAPH_NAME = 2,
  GRAPH_INITIALIZER = 5,
  GRAPH_INPUT = 11,
  GRAPH_OUTPUT = 12,
  NODE_INPUT = 1,
  NODE_OUTPUT = 2,
  NODE_NAME = 3,
  NODE_OP_TYPE = 4,
  NODE_ATTRIBUTE = 5,
  ATTRIBUTE_NAME = 1,
  ATTRIBUTE_F = 2,
  ATTRIBUTE_I = 3,
  ATTRIBUTE_INTS = 8,
  ATTRIBUTE_TYPE = 20,
  TENSOR_DIMS = 1,
  TENSOR_DATA_TYPE = 2,
  TENSOR_NAME = 8,
  TENSOR_RAW_DATA = 9,
  VALUE_INFO_NAME = 1,
  VALUE_INFO_TYPE = 2,
  TYPE_TENSOR_TYPE = 1,
  TYPE_TENSOR_ELEM_TYPE = 1,
  TYPE_TENSOR_SHAPE = 2,
  SHAPE_DIM = 1,
  DIMENSION_VALUE = 1,
  DIMENSION_PARAM = 2,
  ENTRY_KEY = 1,
  ENTRY_VALUE = 2,
};

/* AttributeProto.AttributeType and TensorProto.DataType. */
enum
{
  ATTRIBUTE_TYPE_FLOAT = 1,
  ATTRIBUTE_TYPE_INT = 2,
  ATTRIBUTE_TYPE_INTS = 7,
  DATA_TYPE_FLOAT = 1,
};

typedef struct
{
  GByteArray *nodes;   /* GraphProto.node fields */
  GByteArray *inits;   /* GraphProto.initializer fields */
  GPtrArray *names;    /* value names, owned */
  float eps;           /* the network's batch-norm ε */
  size_t weight_bytes; /* of every initializer, also those left out once too large */
} Graph;

static const char *
own (Graph *g, char *name)
{
  g_ptr_array_add (g->names, name);
  return name;
}

/* ---------------------------------------------------------------------------- graph pieces */

static void
add_initializer (Graph *g, const char *name, const gint64 *dims, int ndim, const float *data)
{
  g_autoptr (GByteArray) t = g_byte_array_new ();
  size_t n = 1;
  for (int i = 0; i < ndim; i++)
    n *= (size_t) dims[i];
  /* Past what a model can hold, only count (the caller reports it). */
  g->weight_bytes += n * sizeof (float);
  if (g->weight_bytes > MAX_MODEL_BYTES)
    return;
  for (int i = 0; i < ndim; i++)
    cari_pb_int (t, TENSOR_DIMS, dims[i]);
  cari_pb_int (t, TENSOR_DATA_TYPE, DATA_TYPE_FLOAT);
  cari_pb_string (t, TENSOR_NAME, name);
  cari_pb_bytes (t, TENSOR_RAW_DATA, data, n * sizeof (float));
  cari_pb_message (g->inits, GRAPH_INITIALIZER, t);
}

static void
attr_ints (GByteArray *attrs, const char *name, const gint64 *v, int n)
{
  g_autoptr (GByteArray) a = g_byte_array_new ();
  cari_pb_string (a, ATTRIBUTE_NAME, name);
  for (int i = 0; i < n; i++)
    cari_pb_int (a, ATTRIBUTE_INTS, v[i]);
  cari_pb_int (a, ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INTS);
  cari_pb_message (attrs, NODE_ATTRIBUTE, a);
}

static void
attr_int (GByteArray *attrs, const char *name, gint64 v)
{
  g_autoptr (GByteArray) a = g_byte_array_new ();
  cari_pb_string (a, ATTRIBUTE_NAME, name);
  cari_pb_int (a, ATTRIBUTE_I, v);
  cari_pb_int (a, ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INT);
  cari_pb_message (attrs, NODE_ATTRIBUTE, a);
}

static void
attr_float (GByteArray *attrs, const char *name, float v)
{
  g_autoptr (GByteArray) a = g_byte_array_new ();
  cari_pb_string (a, ATTRIBUTE_NAME, name);
  cari_pb_float (a, ATTRIBUTE_F, v);
  cari_pb_int (a, ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_FLOAT);
  cari_pb_message (attrs, NODE_ATTRIBUTE, a);
}

/* A node named after its output; attrs: NodeProto.attribute fields, or NULL. */
static const char *
add_node (Graph *g, const char *op, const char *const *inputs, int n_inputs, const char *output,
          const GByteArray *attrs)
{
  g_autoptr (GByteArray) node = g_byte_array_new ();
  for (int i = 0; i < n_inputs; i++)
    cari_pb_string (node, NODE_INPUT, inputs[i]);
  cari_pb_string (node, NODE_OUTPUT, output);
  cari_pb_string (node, NODE_NAME, output);
  cari_pb_string (node, NODE_OP_TYPE, op);
  if (attrs != NULL)
    g_byte_array_append (node, attrs->data, attrs->len);
  cari_pb_message (g->nodes, GRAPH_NODE, node);
  return output;
}

static const char *
add_unary (Graph *g, const char *op, const char *input, const char *output)
{
  return add_node (g, op, &input, 1, output, NULL);
}

/* kernel_shape, strides and pads of a convolution or pooling window. The engine's SAME padding
 * puts the odd pixel bottom/right; VALID pads nothing and drops what the last window leaves. */
static void
window_attrs (GByteArray *attrs, const CariConv2dShape *s)
{
  int pad_bottom = MAX ((s->out_h - 1) * s->sh + s->kh - s->in_h - s->pad_top, 0);
  int pad_right = MAX ((s->out_w - 1) * s->sw + s->kw - s->in_w - s->pad_left, 0);
  const gint64 kernel[] = { s->kh, s->kw }, strides[] = { s->sh, s->sw };
  const gint64 pads[] = { s->pad_top, s->pad_left, pad_bottom, pad_right };
  attr_ints (attrs, "kernel_shape", kernel, 2);
  attr_ints (attrs, "strides", strides, 2);
  attr_ints (attrs, "pads", pads, 4);
}

/* ---------------------------------------------------------------------------- the network */

/* A conv unit at `path` over `input`: Conv with the folded weight and bias, then Relu for a
 * BN_RELU unit. A LINEAR unit's weight and bias are multiplied by `scale` (the residual's). */
static const char *
add_unit (Graph *g, const CariConvUnit *u, const char *path, const char *input, float scale)
{
  const CariConv2dShape *s = &u->shape;
  const size_t per_out = (size_t) s->in_c * s->kh * s->kw;
  g_autofree float *w = g_new (float, (size_t) s->out_c * per_out);
  g_autofree float *b = g_new (float, s->out_c);

  for (int c = 0; c < s->out_c; c++)
    {
      float k, shift;
      if (u->kind == CARI_UNIT_LINEAR)
        {
          k = scale;
          shift = scale * u->bias[c];
        }
      else
        {
          /* As cari_batchnorm_forward_infer: y = z·k + shift, γ = 1. */
          k = 1.0f / sqrtf (u->running_var[c] + g->eps);
          shift = u->beta[c] - u->running_mean[c] * k;
        }
      for (size_t i = 0; i < per_out; i++)
        w[c * per_out + i] = u->weight[c * per_out + i] * k;
      b[c] = shift;
    }

  const char *wname = own (g, g_strdup_printf ("%s/weight", path));
  const char *bname = own (g, g_strdup_printf ("%s/bias", path));
  const gint64 wdims[] = { s->out_c, s->in_c, s->kh, s->kw }, bdims[] = { s->out_c };
  add_initializer (g, wname, wdims, 4, w);
  add_initializer (g, bname, bdims, 1, b);

  g_autoptr (GByteArray) attrs = g_byte_array_new ();
  window_attrs (attrs, s);
  const char *inputs[] = { input, wname, bname };
  if (u->kind == CARI_UNIT_LINEAR)
    return add_node (g, "Conv", inputs, 3, own (g, g_strdup (path)), attrs);
  const char *z = add_node (g, "Conv", inputs, 3, own (g, g_strdup_printf ("%s/conv", path)),
                            attrs);
  return add_unary (g, "Relu", z, own (g, g_strdup (path)));
}

/* A block at `scope` (e.g. "trunk/block35_1") as cari_block_forward computes it. */
static const char *
add_block (Graph *g, const CariBlock *blk, const char *scope, const char *input)
{
  const char *outs[4] = { NULL };

  for (int i = 0; i < blk->n_branches; i++)
    {
      const CariBranch *br = &blk->branches[i];
      if (br->is_pool)
        {
          g_autoptr (GByteArray) attrs = g_byte_array_new ();
          window_attrs (attrs, &br->pool);
          char *name = blk->n_branches == 1 ? g_strdup (scope)
                                            : g_strdup_printf ("%s/b%d_pool", scope, i);
          outs[i] = add_node (g, "MaxPool", &input, 1, own (g, name), attrs);
          continue;
        }
      const char *x = input;
      for (int k = 0; k < br->n_units; k++)
        {
          /* Unit names as the engine's parameters: "conv" alone, "b<branch>_<unit>" in a
           * multi-branch block (block.c). */
          g_autofree char *path = blk->n_branches == 1
                                    ? g_strdup_printf ("%s/conv", scope)
                                    : g_strdup_printf ("%s/b%d_%d", scope, i, k);
          x = add_unit (g, &br->units[k], path, x, 1.0f);
        }
      outs[i] = x;
    }

  const char *mixed = outs[0];
  if (blk->n_branches > 1)
    {
      g_autoptr (GByteArray) attrs = g_byte_array_new ();
      attr_int (attrs, "axis", 1);
      const char *name = own (g, blk->residual ? g_strdup_printf ("%s/concat", scope)
                                                : g_strdup (scope));
      mixed = add_node (g, "Concat", outs, blk->n_branches, name, attrs);
    }
  if (!blk->residual)
    return mixed;

  /* out = relu(x + s·up(mixed)), with s inside up's weight and bias. */
  g_autofree char *up_path = g_strdup_printf ("%s/up", scope);
  const char *up = add_unit (g, &blk->up, up_path, mixed, blk->scale);
  const char *sum_in[] = { input, up };
  const char *sum = add_node (g, "Add", sum_in, 2, own (g, g_strdup_printf ("%s/sum", scope)),
                              NULL);
  return add_unary (g, "Relu", sum, own (g, g_strdup (scope)));
}

/* The branch's blocks, 1×1 conv unit, global average pool, and the embedding's dense layer and
 * batch norm as one Gemm: emb = pooled · W'ᵀ + b' with W'_e = k_e · W_e, b'_e = β_e − μ_e · k_e. */
static const char *
add_head (Graph *g, const CariHead *h, int E, const char *input)
{
  const char *task = cari_task_names[h->task];
  const char *x = input;

  for (int i = 0; i < h->n_blocks; i++)
    {
      g_autofree char *scope = g_strdup_printf ("%s/%s", task, h->blocks[i].name);
      x = add_block (g, &h->blocks[i], scope, x);
    }
  g_autofree char *conv_path = g_strdup_printf ("%s/conv", task);
  x = add_unit (g, &h->conv, conv_path, x, 1.0f);
  x = add_unary (g, "GlobalAveragePool", x, own (g, g_strdup_printf ("%s/pool", task)));
  {
    g_autoptr (GByteArray) attrs = g_byte_array_new ();
    attr_int (attrs, "axis", 1);
    x = add_node (g, "Flatten", &x, 1, own (g, g_strdup_printf ("%s/pool/flat", task)), attrs);
  }

  g_autofree float *w = g_new (float, (size_t) E * h->hc);
  g_autofree float *b = g_new (float, E);
  for (int e = 0; e < E; e++)
    {
      float k = 1.0f / sqrtf (h->emb_rv[e] + g->eps);
      for (int c = 0; c < h->hc; c++)
        w[(size_t) e * h->hc + c] = h->emb_w[(size_t) e * h->hc + c] * k;
      b[e] = h->emb_beta[e] - h->emb_rm[e] * k;
    }
  const char *wname = own (g, g_strdup_printf ("%s/embedding/weight", task));
  const char *bname = own (g, g_strdup_printf ("%s/embedding/bias", task));
  const gint64 wdims[] = { E, h->hc }, bdims[] = { E };
  add_initializer (g, wname, wdims, 2, w);
  add_initializer (g, bname, bdims, 1, b);
  g_autoptr (GByteArray) attrs = g_byte_array_new ();
  attr_int (attrs, "transB", 1);
  attr_float (attrs, "alpha", 1.0f);
  attr_float (attrs, "beta", 1.0f);
  const char *gemm_in[] = { x, wname, bname };
  const char *emb = add_node (g, "Gemm", gemm_in, 3,
                              own (g, g_strdup_printf ("%s/embedding", task)), attrs);

  /* x / max(‖x‖, ε): Clip with no upper bound is the max; Expand spells out the broadcast
   * (see the top of the file). */
  const char *eps = own (g, g_strdup_printf ("%s/norm/eps", task));
  const float eps_value = NORM_EPS;
  add_initializer (g, eps, NULL, 0, &eps_value);
  g_autoptr (GByteArray) reduce = g_byte_array_new ();
  const gint64 axes[] = { 1 };
  attr_ints (reduce, "axes", axes, 1);
  attr_int (reduce, "keepdims", 1);
  const char *norm = add_node (g, "ReduceL2", &emb, 1, own (g, g_strdup_printf ("%s/norm", task)),
                               reduce);
  const char *clip_in[] = { norm, eps, "" };
  const char *floored = add_node (g, "Clip", clip_in, 3,
                                  own (g, g_strdup_printf ("%s/norm/floored", task)), NULL);
  const char *shape = add_unary (g, "Shape", emb,
                                 own (g, g_strdup_printf ("%s/embedding/shape", task)));
  const char *expand_in[] = { floored, shape };
  const char *wide = add_node (g, "Expand", expand_in, 2,
                               own (g, g_strdup_printf ("%s/norm/expanded", task)), NULL);
  const char *div_in[] = { emb, wide };
  return add_node (g, "Div", div_in, 2, "embedding", NULL);
}

/* A graph input or output: float32 of the given dimensions, dim_param "N" where dims is < 0. */
static void
add_value_info (GByteArray *graph, guint field, const char *name, const gint64 *dims, int ndim)
{
  g_autoptr (GByteArray) shape = g_byte_array_new ();
  for (int i = 0; i < ndim; i++)
    {
      g_autoptr (GByteArray) dim = g_byte_array_new ();
      if (dims[i] < 0)
        cari_pb_string (dim, DIMENSION_PARAM, "N");
      else
        cari_pb_int (dim, DIMENSION_VALUE, dims[i]);
      cari_pb_message (shape, SHAPE_DIM, dim);
    }
  g_autoptr (GByteArray) tensor = g_byte_array_new ();
  cari_pb_int (tensor, TYPE_TENSOR_ELEM_TYPE, DATA_TYPE_FLOAT);
  cari_pb_message (tensor, TYPE_TENSOR_SHAPE, shape);
  g_autoptr (GByteArray) type = g_byte_array_new ();
  cari_pb_message (type, TYPE_TENSOR_TYPE, tensor);
  g_autoptr (GByteArray) info = g_byte_array_new ();
  cari_pb_string (info, VALUE_INFO_NAME, name);
  cari_pb_message (info, VALUE_INFO_TYPE, type);
  cari_pb_message (graph, field, info);
}

/* The metadata comes in pairs of UTF-8 strings with distinct keys. */
static gboolean
check_metadata (const char *const *metadata, GError **error)
{
  for (size_t i = 0; metadata != NULL && metadata[i] != NULL; i += 2)
    {
      if (!g_utf8_validate (metadata[i], -1, NULL))
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("ONNX metadata key %zu is not valid UTF-8"), i / 2);
          return FALSE;
        }
      if (metadata[i + 1] == NULL || !g_utf8_validate (metadata[i + 1], -1, NULL))
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       metadata[i + 1] == NULL ? _("ONNX metadata key “%s” has no value")
                                               : _("The value of ONNX metadata key “%s” is not "
                                                   "valid UTF-8"),
                       metadata[i]);
          return FALSE;
        }
      for (size_t j = 0; j < i; j += 2)
        if (strcmp (metadata[j], metadata[i]) == 0)
          {
            g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                         _("ONNX metadata key “%s” is given twice"), metadata[i]);
            return FALSE;
          }
    }
  return TRUE;
}

guint8 *
cari_onnx_serialize (CariNet *net, CariTask branch, const char *const *metadata, size_t *len,
                     GError **error)
{
  const CariNetConfig *cfg = cari_net_get_config (net);

  *len = 0;
  if (!cari_net_has_task (net, branch))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("The network has no “%s” branch"), cari_task_to_string (branch));
      return NULL;
    }
  if (!check_metadata (metadata, error))
    return NULL;

  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GByteArray) nodes = g_byte_array_new ();
  g_autoptr (GByteArray) inits = g_byte_array_new ();
  Graph g = { nodes, inits, names, cfg->bn_eps, 0 };

  const char *x = "input";
  for (int i = 0; i < net->n_trunk; i++)
    {
      g_autofree char *scope = g_strdup_printf ("trunk/%s", net->trunk[i].name);
      x = add_block (&g, &net->trunk[i], scope, x);
    }
  add_head (&g, &net->heads[branch], cfg->embedding_size, x);

  if (g.weight_bytes > MAX_MODEL_BYTES || (size_t) nodes->len + inits->len > MAX_MODEL_BYTES)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("The ONNX model of the “%s” branch needs %.0f MiB of weights; a model file "
                     "holds less than 2 GiB"),
                   cari_task_to_string (branch), (double) g.weight_bytes / 1048576.0);
      return NULL;
    }

  g_autoptr (GByteArray) graph = g_byte_array_sized_new (nodes->len + inits->len + 4096);
  g_byte_array_append (graph, nodes->data, nodes->len);
  g_autofree char *graph_name = g_strdup_printf ("carilab-%s", cari_task_to_string (branch));
  cari_pb_string (graph, GRAPH_NAME, graph_name);
  g_byte_array_append (graph, inits->data, inits->len);
  g_clear_pointer (&nodes, g_byte_array_unref);
  g_clear_pointer (&inits, g_byte_array_unref);
  const gint64 in_dims[] = { -1, 3, cfg->input_size, cfg->input_size };
  const gint64 out_dims[] = { -1, cfg->embedding_size };
  add_value_info (graph, GRAPH_INPUT, "input", in_dims, 4);
  add_value_info (graph, GRAPH_OUTPUT, "embedding", out_dims, 2);

  GByteArray *model = g_byte_array_sized_new (graph->len + 4096);
  cari_pb_int (model, MODEL_IR_VERSION, IR_VERSION);
  cari_pb_string (model, MODEL_PRODUCER_NAME, "CariLab");
  cari_pb_string (model, MODEL_PRODUCER_VERSION, CARI_VERSION);
  cari_pb_message (model, MODEL_GRAPH, graph);
  g_autoptr (GByteArray) opset = g_byte_array_new ();
  cari_pb_string (opset, OPSET_DOMAIN, "");
  cari_pb_int (opset, OPSET_VERSION, OPSET);
  cari_pb_message (model, MODEL_OPSET_IMPORT, opset);
  for (size_t i = 0; metadata != NULL && metadata[i] != NULL; i += 2)
    {
      g_autoptr (GByteArray) entry = g_byte_array_new ();
      cari_pb_string (entry, ENTRY_KEY, metadata[i]);
      cari_pb_string (entry, ENTRY_VALUE, metadata[i + 1]);
      cari_pb_message (model, MODEL_METADATA_PROPS, entry);
    }
  *len = model->len;
  return g_byte_array_free (model, FALSE);
}

gboolean
cari_onnx_export (CariNet *net, CariTask branch, const char *const *metadata, const char *path,
                  GError **error)
{
  size_t len;
  g_autofree guint8 *model = cari_onnx_serialize (net, branch, metadata, &len, error);
  if (model == NULL)
    return FALSE;
  CariFileChunk chunk = { model, len };
  return cari_atomic_file_write (path, &chunk, 1, error);
}
