/* parallel.h — data-parallel loops for the kernels outside BLAS (batch norm, im2col, pooling).
 *
 * A GThreadPool sized like OpenBLAS's (cari_blas_set_threads sets both) runs the parts of a
 * range; the caller runs one part itself and returns when all are done. A call made from inside
 * a part runs there whole, on that one thread.
 */
#pragma once

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

/* Processes [begin, end) of the range. */
typedef void (*CariRangeFn) (gpointer data, size_t begin, size_t end);

/* Split [0, n) into at most one part per thread, each of at least `grain` items. */
void cari_parallel_for (size_t n, size_t grain, CariRangeFn fn, gpointer data);
void cari_parallel_set_threads (int n_threads);
/* Lowers the calling thread's scheduling priority to `nice` (0 … 19), and that of the pool
 * workers while they run its loops (on Linux, where a thread has its own nice value). The
 * workbench's trainer thread calls it so that drawing stays smooth while training uses every
 * core. */
void cari_parallel_set_nice (int nice);
int  cari_parallel_get_threads (void);
/* Calls fn (data, i, i + 1) for every i in [0, n) at the same time, each on a thread of its own
 * (i = 0 on the caller's), and returns when all are done. Each runs as a part does: the loops it
 * starts run whole on its thread, single-threaded. For parts that wait on each other, such as the
 * ranks of a local group (core/comm.h); n ≤ 64. */
void cari_parallel_together (int n, CariRangeFn fn, gpointer data);
/* Whether the calling thread is running a part of a loop (where a loop it starts runs inline). */
gboolean cari_parallel_in_part (void);

G_END_DECLS
