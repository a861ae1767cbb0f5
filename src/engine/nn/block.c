/* block.c — conv units and Inception blocks: planning, forward, backward. */
#include "nn/block.h"

#include "core/error.h"
#include "core/i18n.h"
#include "core/parallel.h"
#include "nn/batchnorm.h"
#include "nn/combine.h"
#include "nn/conv.h"
#include "nn/net.h"
#include "nn/pool.h"
#include "nn/winograd.h"

#include <math.h>
#include <string.h>

int
cari_scale_channels (int channels, float width)
{
  return MAX (1, (int) lrintf ((float) channels * width));
}

float *
cari_build_param (CariBuild *build, const char *name, size_t size, float **grad, int fan_in,
                  int fan_out, gboolean module)
{
  CariArena *pa = module ? &build->module_params : &build->params;
  CariArena *ga = module ? &build->module_grads : &build->grads;
  float *p = cari_arena_floats (pa, size);
  float *g = cari_arena_floats (ga, size);

  if (grad != NULL)
    *grad = g;
  if (!build->real)
    return NULL;

  if (fan_in > 0 && fan_out > 0)
    {
      /* Xavier/Glorot uniform, as the authors' pretraining. */
      float limit = sqrtf (6.0f / (float) (fan_in + fan_out));
      for (size_t i = 0; i < size; i++)
        p[i] = (2.0f * cari_rng_uniform (&build->init_rng) - 1.0f) * limit;
    }

  char *full = g_strdup_printf ("%s/%s", build->scope, name);
  CariParamInfo info = { full, p, g, size, module, FALSE, 1, { (gint64) size } };
  g_ptr_array_add (build->names, full);
  g_array_append_val (build->infos, info);
  return p;
}

void
cari_build_param_shape (CariBuild *build, int ndim, const int *dims)
{
  if (!build->real)
    return;
  CariParamInfo *info = &g_array_index (build->infos, CariParamInfo, build->infos->len - 1);
  size_t n = 1;
  g_assert (ndim >= 1 && ndim <= (int) G_N_ELEMENTS (info->shape));
  info->ndim = ndim;
  for (int i = 0; i < ndim; i++)
    {
      info->shape[i] = dims[i];
      n *= (size_t) dims[i];
    }
  g_assert (n == info->size);
}

float *
cari_build_buffer (CariBuild *build, const char *name, size_t size, float value)
{
  float *b = cari_arena_floats (&build->buffers, size);
  if (b == NULL)
    return NULL;
  for (size_t i = 0; i < size; i++)
    b[i] = value;
  char *full = g_strdup_printf ("%s/%s", build->scope, name);
  CariParamInfo info = { full, b, NULL, size, FALSE, TRUE, 1, { (gint64) size } };
  g_ptr_array_add (build->names, full);
  g_array_append_val (build->infos, info);
  return b;
}

static size_t
unit_out_floats (const CariConvUnit *u, int n)
{
  return (size_t) n * u->shape.out_c * u->shape.out_h * u->shape.out_w;
}

static void
note_workspace (CariBuild *build, const CariConv2dShape *s, int max_n)
{
  /* Enough for one image, and for the whole batch where that stays under the cap: the small
   * late layers then run as one wide gemm. */
  const size_t cap = CARI_CONV_GROUP_FLOATS;
  size_t want = MAX (cari_conv2d_workspace_floats (s, 1),
                     MIN (cari_conv2d_workspace_floats (s, max_n), cap));
  /* Winograd's transformed filters (and their gradient) do not grow with the group, and are
   * large where the channels are many and the images small: there the cap is on what the
   * images add, or the group would shrink to one image and each of its α² gemms to a sliver. */
  if (cari_winograd_eligible (s))
    for (int tile = CARI_WINOGRAD_TILE_SMALL; tile <= CARI_WINOGRAD_TILE_LARGE; tile += 2)
      want = MAX (want, MIN (cari_winograd_workspace_floats (s, tile, max_n),
                             cari_winograd_workspace_floats (s, tile, 0) + cap));
  build->workspace_floats = MAX (build->workspace_floats, want);
}

gboolean
cari_unit_plan (CariConvUnit *u, CariUnitKind kind, const char *name, int in_c, int in_h,
                int in_w, const CariUnitSpec *spec, int max_n, CariBuild *build, GError **error)
{
  char pname[64];
  int oc = spec->out_c;
  g_autoptr (GError) local = NULL;

  memset (u, 0, sizeof *u);
  u->kind = kind;
  u->max_n = max_n;
  u->y_id = -1;
  if (!cari_conv2d_shape_init (&u->shape, in_c, in_h, in_w, oc, spec->kh, spec->kw, spec->stride,
                               spec->stride, spec->pad, &local))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Layer %s/%s cannot be built: %s"), build->scope, name, local->message);
      return FALSE;
    }
  u->tick = build->tick + 1;
  build->tick += 2;

  int k = spec->kh * spec->kw;
  g_snprintf (pname, sizeof pname, "%s/weight", name);
  u->weight = cari_build_param (build, pname, (size_t) oc * in_c * k, &u->dweight, in_c * k,
                                oc * k, FALSE);
  cari_build_param_shape (build, 4, (const int[]) { oc, in_c, spec->kh, spec->kw });
  if (kind == CARI_UNIT_LINEAR)
    {
      g_snprintf (pname, sizeof pname, "%s/bias", name);
      u->bias = cari_build_param (build, pname, oc, &u->dbias, 0, 0, FALSE);
    }
  else
    {
      g_snprintf (pname, sizeof pname, "%s/beta", name);
      u->beta = cari_build_param (build, pname, oc, &u->dbeta, 0, 0, FALSE);
      g_snprintf (pname, sizeof pname, "%s/running_mean", name);
      u->running_mean = cari_build_buffer (build, pname, oc, 0.0f);
      g_snprintf (pname, sizeof pname, "%s/running_var", name);
      u->running_var = cari_build_buffer (build, pname, oc, 1.0f);
      u->save_mean = cari_arena_floats (&build->acts, oc);
      u->save_invstd = cari_arena_floats (&build->acts, oc);
      u->scale = cari_arena_floats (&build->acts, oc);
      u->shift = cari_arena_floats (&build->acts, oc);
      u->z = cari_arena_floats (&build->acts, unit_out_floats (u, max_n));
    }
  note_workspace (build, &u->shape, max_n);
  return TRUE;
}

void
cari_unit_plan_output (CariConvUnit *u, int last, CariBuild *build)
{
  /* Written by the batch norm, or by the conv itself when there is none. */
  const int first = u->kind == CARI_UNIT_LINEAR ? u->tick : u->tick + 1;
  u->y = cari_liveness_floats (&build->live, unit_out_floats (u, u->max_n), first,
                               MAX (last, first), &u->y_id);
  u->y_image_floats = 0;
}

/* An output the backward reads as it is (a single-branch residual block's mixed value). */
static void
unit_keep_output (CariConvUnit *u, CariBuild *build)
{
  u->y = cari_arena_floats (&build->acts, unit_out_floats (u, u->max_n));
  u->y_image_floats = 0;
  u->y_id = -1;
}

void
cari_unit_forward (CariConvUnit *u, const float *input, int n, const CariPass *pass)
{
  const CariConv2dShape *s = &u->shape;

  if (u->kind == CARI_UNIT_LINEAR)
    {
      g_assert (u->y_image_floats == 0);
      cari_conv2d_forward (u->y, input, u->weight, u->bias, n, s, pass->workspace,
                           pass->workspace_floats);
      return;
    }
  cari_conv2d_forward (u->z, input, u->weight, NULL, n, s, pass->workspace,
                       pass->workspace_floats);
  CariBatchNormState st = { NULL, u->beta, u->running_mean, u->running_var, u->save_mean,
                            u->save_invstd, u->scale, u->shift, pass->comm };
  cari_batchnorm_forward (&st, u->y, u->y_image_floats, u->z, n, s->out_c, s->out_h * s->out_w,
                          pass->training, pass->bn_decay, pass->bn_eps, TRUE);
}

void
cari_unit_output (const CariConvUnit *u, float *y, int n)
{
  const CariConv2dShape *s = &u->shape;
  g_assert (u->kind == CARI_UNIT_BN_RELU);
  cari_batchnorm_apply (y, 0, u->z, u->scale, u->shift, n, s->out_c, s->out_h * s->out_w, TRUE);
}

void
cari_unit_backward (CariConvUnit *u, const float *input, float *dy, float *dx, int n,
                    const CariPass *pass)
{
  const CariConv2dShape *s = &u->shape;

  if (u->kind == CARI_UNIT_LINEAR)
    {
      cari_conv2d_backward (dx, u->dweight, u->dbias, dy, input, u->weight, n, s,
                            pass->workspace, pass->workspace_floats);
      return;
    }
  /* dy becomes ∂L/∂z in place (the ReLU's mask from z), then the convolution's backward. */
  cari_batchnorm_relu_backward_inplace (dy, NULL, u->dbeta, u->z, NULL, u->save_mean,
                                        u->save_invstd, u->scale, u->shift, n, s->out_c,
                                        s->out_h * s->out_w, pass->comm);
  cari_conv2d_backward (dx, u->dweight, NULL, dy, input, u->weight, n, s, pass->workspace,
                        pass->workspace_floats);
}

/* ------------------------------------------------------------------------------ blocks */

/* Whether the backward needs the input again (a conv reads it for ∂L/∂weight; a max pool has
 * its winners, the residual sum its output) and must recompute it. */
static gboolean
input_recomputed (const CariBlock *b)
{
  if (b->input_unit == NULL)
    return FALSE;
  for (int i = 0; i < b->n_branches; i++)
    if (!b->branches[i].is_pool)
      return TRUE;
  return FALSE;
}

/* Bytes of the backward's scratch of a block at max_n rows, in the order cari_block_backward
 * takes them: the recomputed input, ∂L/∂(mixed) of a residual, ∂L/∂(branch output) of each
 * branch, then per branch (one at a time) the ∂L/∂input of every unit but the first, with the
 * recomputed input of the unit being run. */
static size_t
block_scratch_bytes (const CariBlock *b)
{
  const int max_n = b->max_n;
  const size_t HW = (size_t) b->out_h * b->out_w;
  size_t need = 0, branch_max = 0;

  if (input_recomputed (b))
    need += cari_arena_floats_bytes ((size_t) max_n * b->in_c * b->in_h * b->in_w);
  if (b->residual)
    need += cari_arena_floats_bytes ((size_t) max_n * b->up.shape.in_c * HW);
  for (int i = 0; i < b->n_branches; i++)
    {
      const CariBranch *br = &b->branches[i];
      size_t branch = 0;
      if (b->n_branches > 1)
        need += cari_arena_floats_bytes ((size_t) max_n * br->out_c * HW);
      /* Walking back, each unit's ∂input stays until the branch is done, and beside them the
       * input of the unit being run is recomputed: all of them plus the largest one. */
      size_t largest = 0;
      for (int k = 1; k < br->n_units; k++)
        {
          size_t bytes = cari_arena_floats_bytes (unit_out_floats (&br->units[k - 1], max_n));
          branch += bytes;
          largest = MAX (largest, bytes);
        }
      branch += largest;
      branch_max = MAX (branch_max, branch);
    }
  return need + branch_max;
}

gboolean
cari_block_plan (CariBlock *b, const CariBlockSpec *spec, float width, int in_c, int in_h,
                 int in_w, int max_n, CariBuild *build, GError **error)
{
  char saved_scope[sizeof build->scope];
  const int first_tick = build->tick + 1;
  const int input_id = build->chain_id;
  int input_read = first_tick; /* the last tick that reads the input */

  memset (b, 0, sizeof *b);
  g_strlcpy (b->name, spec->name, sizeof b->name);
  b->n_branches = spec->n_branches;
  b->in_c = in_c;
  b->in_h = in_h;
  b->in_w = in_w;
  b->max_n = max_n;
  b->input_unit = build->chain_unit;
  g_strlcpy (saved_scope, build->scope, sizeof saved_scope);
  g_strlcat (build->scope, "/", sizeof build->scope);
  g_strlcat (build->scope, spec->name, sizeof build->scope);

  b->out_c = 0;
  for (int i = 0; i < spec->n_branches; i++)
    {
      const CariBranchSpec *bs = &spec->branches[i];
      CariBranch *br = &b->branches[i];
      int c = in_c, h = in_h, w = in_w;

      if (bs->n_units == 0)
        {
          br->is_pool = TRUE;
          if (!cari_pool2d_shape_init (&br->pool, c, h, w, 3, 3, 2, 2, CARI_PADDING_VALID,
                                       error))
            goto fail;
          size_t n_out = (size_t) max_n * c * br->pool.out_h * br->pool.out_w;
          input_read = ++build->tick;
          if (spec->n_branches == 1)
            br->pool_out = cari_arena_floats (&build->acts, n_out);
          br->argmax = cari_arena_ints (&build->ints, n_out);
          br->out_c = c;
          h = br->pool.out_h;
          w = br->pool.out_w;
        }
      else
        {
          br->n_units = bs->n_units;
          for (int k = 0; k < bs->n_units; k++)
            {
              char uname[32];
              CariUnitSpec us = bs->units[k];
              CariConvUnit *u = &br->units[k];
              us.out_c = cari_scale_channels (us.out_c, width);
              if (spec->n_branches == 1)
                g_strlcpy (uname, "conv", sizeof uname);
              else
                g_snprintf (uname, sizeof uname, "b%d_%d", i, k);
              if (!cari_unit_plan (u, CARI_UNIT_BN_RELU, uname, c, h, w, &us, max_n, build,
                                   error))
                goto fail;
              /* The previous unit's output lives until this conv has read it. */
              if (k == 0)
                input_read = u->tick;
              else
                cari_liveness_extend (&build->live, br->units[k - 1].y_id, u->tick);
              /* The last unit of a branch writes into the concat (carved below); a lone
               * residual branch's output is what the projection's backward reads. */
              if (k + 1 < bs->n_units || spec->n_branches == 1)
                {
                  if (k + 1 == bs->n_units && spec->residual_scale > 0.0f)
                    unit_keep_output (u, build);
                  else
                    cari_unit_plan_output (u, u->tick + 1, build);
                }
              c = us.out_c;
              h = u->shape.out_h;
              w = u->shape.out_w;
            }
          br->out_c = c;
        }
      if (i == 0)
        {
          b->out_h = h;
          b->out_w = w;
        }
      else if (h != b->out_h || w != b->out_w)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("Block %s: branch %d gives %d×%d where branch 0 gives %d×%d"),
                       build->scope, i, h, w, b->out_h, b->out_w);
          goto fail;
        }
      b->out_c += br->out_c;
    }

  const int HW = b->out_h * b->out_w;
  size_t out_floats = (size_t) max_n * b->out_c * HW;
  if (b->n_branches > 1)
    {
      /* Kept: the projection's input, or the next block's. Each branch writes its slice. */
      b->concat = cari_arena_floats (&build->acts, out_floats);
      int offset = 0;
      for (int i = 0; i < b->n_branches; i++)
        {
          CariBranch *br = &b->branches[i];
          if (!br->is_pool)
            {
              CariConvUnit *last = &br->units[br->n_units - 1];
              last->y = b->concat != NULL ? b->concat + (size_t) offset * HW : NULL;
              last->y_image_floats = (size_t) b->out_c * HW;
            }
          offset += br->out_c;
        }
    }

  if (spec->residual_scale > 0.0f)
    {
      CariUnitSpec up = { in_c, 1, 1, 1, CARI_PADDING_SAME };
      b->residual = TRUE;
      b->scale = spec->residual_scale;
      if (!cari_unit_plan (&b->up, CARI_UNIT_LINEAR, "up", b->out_c, b->out_h, b->out_w, &up,
                           max_n, build, error))
        goto fail;
      /* The projection's output only feeds the residual sum, which takes the next tick. */
      input_read = ++build->tick; /* the residual sum */
      cari_unit_plan_output (&b->up, input_read, build);
      b->out_c = in_c;
      b->out = cari_arena_floats (&build->acts, (size_t) max_n * in_c * in_h * in_w);
    }
  else if (b->n_branches > 1)
    b->out = b->concat;
  else
    b->out = b->branches[0].is_pool ? b->branches[0].pool_out
                                    : b->branches[0].units[b->branches[0].n_units - 1].y;

  /* The input is read by the first layer of every branch (and the residual sum). */
  const int last_tick = build->tick;
  if (input_id >= 0)
    cari_liveness_extend (&build->live, input_id, input_read);

  /* The backward: its scratch, and ∂L/∂input, which the previous block's backward reads. */
  b->scratch_bytes = block_scratch_bytes (b);
  b->scratch = cari_liveness_floats (&build->live, b->scratch_bytes / sizeof (float),
                                     CARI_TICK_MIRROR - last_tick,
                                     CARI_TICK_MIRROR - first_tick, NULL);
  if (build->chain_tick >= 0)
    b->grad_input = cari_liveness_floats (&build->live, (size_t) max_n * in_c * in_h * in_w,
                                          CARI_TICK_MIRROR - last_tick,
                                          CARI_TICK_MIRROR - build->chain_tick, NULL);

  /* What the next block reads. */
  build->chain_tick = first_tick;
  build->chain_id = -1;
  build->chain_unit = NULL;
  if (!b->residual && b->n_branches == 1 && !b->branches[0].is_pool)
    {
      const CariConvUnit *last = &b->branches[0].units[b->branches[0].n_units - 1];
      build->chain_id = last->y_id;
      build->chain_unit = last;
    }
  g_strlcpy (build->scope, saved_scope, sizeof build->scope);
  return TRUE;

fail:
  g_strlcpy (build->scope, saved_scope, sizeof build->scope);
  return FALSE;
}

typedef struct
{
  float *out, *dout, *dinput;
  const float *x, *up;
  float scale;
} ResidualArgs;

/* out = relu(x + s·up) */
static void
residual_relu_range (gpointer data, size_t i0, size_t i1)
{
  const ResidualArgs *a = data;
  for (size_t i = i0; i < i1; i++)
    a->out[i] = MAX (a->x[i] + a->scale * a->up[i], 0.0f);
}

/* g = dout·[out > 0]; dinput += g; dout = s·g (for the projection) */
static void
residual_relu_backward_range (gpointer data, size_t i0, size_t i1)
{
  const ResidualArgs *a = data;
  for (size_t i = i0; i < i1; i++)
    {
      float g = a->out[i] > 0.0f ? a->dout[i] : 0.0f;
      if (a->dinput != NULL)
        a->dinput[i] += g;
      a->dout[i] = g * a->scale;
    }
}

/* Channels of the branches together (the block's output has the input's when residual). */
static int
concat_channels (const CariBlock *b)
{
  return b->residual ? b->up.shape.in_c : b->out_c;
}

/* The branches' output together: the concat, or a lone branch's. */
static const float *
mixed_output (const CariBlock *b)
{
  const CariBranch *br = &b->branches[0];
  if (b->n_branches > 1)
    return b->concat;
  return br->is_pool ? br->pool_out : br->units[br->n_units - 1].y;
}

void
cari_block_forward (CariBlock *b, const float *input, int n, const CariPass *pass)
{
  b->input = input;
  for (int i = 0; i < b->n_branches; i++)
    {
      CariBranch *br = &b->branches[i];
      if (br->is_pool)
        {
          /* A pool beside other branches writes straight into its slice of the concat. */
          size_t offset = 0;
          for (int j = 0; j < i; j++)
            offset += (size_t) b->branches[j].out_c * b->out_h * b->out_w;
          if (b->n_branches > 1)
            cari_maxpool_forward_into (b->concat + offset,
                                       (size_t) concat_channels (b) * b->out_h * b->out_w,
                                       br->argmax, input, n, &br->pool);
          else
            cari_maxpool_forward (br->pool_out, br->argmax, input, n, &br->pool);
        }
      else
        {
          const float *x = input;
          for (int k = 0; k < br->n_units; k++)
            {
              cari_unit_forward (&br->units[k], x, n, pass);
              x = br->units[k].y;
            }
        }
    }

  if (b->residual)
    {
      const float *mixed = mixed_output (b);
      size_t count = (size_t) n * b->in_c * b->in_h * b->in_w;
      cari_unit_forward (&b->up, mixed, n, pass);
      ResidualArgs a = { .out = b->out, .x = input, .up = b->up.y, .scale = b->scale };
      cari_parallel_for (count, 65536, residual_relu_range, &a);
    }
}

void
cari_block_backward (CariBlock *b, float *dout, float *dinput, int n, const CariPass *pass)
{
  const int HW = b->out_h * b->out_w;
  float *dmixed = dout; /* ∂L/∂(concat of the branches) */
  float *dbranch[4] = { NULL };
  int channels[4];
  CariArena scratch = { (char *) b->scratch, b->scratch_bytes, 0 };
  const float *input = b->input;

  /* An input that was another unit's transient output: again from that unit's z. */
  if (input_recomputed (b))
    {
      float *x = cari_arena_floats (&scratch, (size_t) n * b->in_c * b->in_h * b->in_w);
      cari_unit_output (b->input_unit, x, n);
      input = x;
    }

  if (b->residual)
    {
      size_t count = (size_t) n * b->in_c * b->in_h * b->in_w;
      /* out = relu(x + s·up): mask, pass to x, then scale for the projection. */
      ResidualArgs a = { .out = b->out, .dout = dout, .dinput = dinput, .scale = b->scale };
      cari_parallel_for (count, 65536, residual_relu_backward_range, &a);
      size_t mixed_floats = (size_t) n * b->up.shape.in_c * HW;
      dmixed = cari_arena_floats (&scratch, mixed_floats);
      memset (dmixed, 0, mixed_floats * sizeof (float));
      const float *mixed = mixed_output (b);
      cari_unit_backward (&b->up, mixed, dout, dmixed, n, pass);
    }

  for (int i = 0; i < b->n_branches; i++)
    {
      CariBranch *br = &b->branches[i];
      channels[i] = br->out_c;
      if (b->n_branches == 1)
        dbranch[i] = dmixed;
      else
        {
          size_t count = (size_t) n * br->out_c * HW;
          dbranch[i] = cari_arena_floats (&scratch, count);
          memset (dbranch[i], 0, count * sizeof (float));
        }
    }
  if (b->n_branches > 1)
    cari_concat_backward (dbranch, dmixed, channels, b->n_branches, n, HW);

  for (int i = 0; i < b->n_branches; i++)
    {
      CariBranch *br = &b->branches[i];
      if (br->is_pool)
        {
          if (dinput != NULL)
            cari_maxpool_backward (dinput, dbranch[i], br->argmax, n, &br->pool);
          continue;
        }
      const size_t branch_mark = scratch.used;
      float *dy = dbranch[i];
      for (int k = br->n_units - 1; k >= 0; k--)
        {
          CariConvUnit *u = &br->units[k];
          float *dx = dinput;
          const float *x = input;
          size_t mark = 0;
          if (k > 0)
            {
              size_t count = unit_out_floats (&br->units[k - 1], n);
              dx = cari_arena_floats (&scratch, count);
              memset (dx, 0, count * sizeof (float));
              /* The previous unit's output, needed for ∂L/∂weight only while this unit runs. */
              mark = scratch.used;
              float *y = cari_arena_floats (&scratch, count);
              cari_unit_output (&br->units[k - 1], y, n);
              x = y;
            }
          cari_unit_backward (u, x, dy, dx, n, pass);
          if (k > 0)
            scratch.used = mark;
          dy = dx;
        }
      scratch.used = branch_mark;
    }
}

double
cari_block_macs (const CariBlock *b)
{
  double macs = 0.0;
  for (int i = 0; i < b->n_branches; i++)
    for (int k = 0; k < b->branches[i].n_units; k++)
      macs += cari_conv2d_flops (&b->branches[i].units[k].shape);
  if (b->residual)
    macs += cari_conv2d_flops (&b->up.shape);
  return macs;
}
