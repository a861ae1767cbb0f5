/* cari.h — the public header of libcari, CariLab's engine.
 *
 * C11 + GLib (no GObject, no GTK). Tensors are NCHW float32; kernels are free functions with
 * explicit shapes; backward functions accumulate into gradients (+=) that callers zero explicitly.
 */
#pragma once

#include "core/arena.h"
#include "core/comm.h"
#include "core/cpu.h"
#include "core/error.h"
#include "core/gemm.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "core/task.h"
#include "core/tensor.h"
#include "nn/activation.h"
#include "nn/batchnorm.h"
#include "nn/checkpoint.h"
#include "nn/combine.h"
#include "nn/conv.h"
#include "nn/dense.h"
#include "nn/dropout.h"
#include "nn/infer.h"
#include "nn/net.h"
#include "nn/optimizer.h"
#include "nn/pool.h"
#include "nn/softmax.h"
#include "store/store.h"
#include "data/cavi.h"
#include "data/folder.h"
#include "data/image.h"
#include "data/index.h"
#include "data/loader.h"
#include "data/source.h"
#include "data/syncari.h"
#include "data/webcari.h"
#include "eval/evaluate.h"
#include "eval/identification.h"
#include "eval/pair-set.h"
#include "eval/stats.h"
#include "eval/table.h"
#include "eval/tsne.h"
#include "eval/verification.h"
#include "eval/views.h"
#include "interop/npy.h"
#include "interop/onnx.h"
#include "interop/safetensors.h"
#include "interop/weights.h"
#include "train/config.h"
#include "launch/experiment.h"
#include "launch/launch.h"
#include "train/losses.h"
#include "train/sampler.h"
#include "train/schedule.h"
#include "train/strategy.h"
#include "launch/run.h"
#include "train/trainer.h"

G_BEGIN_DECLS

/* The engine's version, e.g. "0.1.0". */
const char *cari_version (void);
/* Bind the engine's message catalogue; hosts call this once before using the engine. */
void        cari_init (void);
/* The data folder of the installed tree the program runs from: <prefix>/share beside the
 * executable's <prefix>/bin, wherever the tree was installed or moved (a DESTDIR, a relocated
 * prefix); NULL when it runs from the build tree. Newly allocated. */
char       *cari_installed_datadir (void);
/* The message catalogues: <installed data>/locale, else the configured LOCALEDIR. */
const char *cari_locale_dir (void);

G_END_DECLS
