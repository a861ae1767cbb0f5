/* comm.h — what data-parallel training and distributed experiments need of a group of processes
 * (ranks): sums over every rank, a broadcast, a barrier, and an agreement on whether to go on.
 *
 * The engine knows no transport. The CLI implements a group over MPI (src/cli/cli-mpi.c); the
 * engine's own local group runs its ranks as threads of one process (cari_comm_local_group_new),
 * which is how the tests check that N ranks compute what one process does. libmpi stays out of
 * the engine library, hence out of the workbench.
 *
 * Every call is collective: each rank of the group makes the same calls in the same order, with
 * the same counts. Sums are identical on every rank (bit for bit), so ranks that apply the same
 * update to the same parameters stay identical.
 */
#pragma once

#include <glib.h>
#include <stddef.h>

G_BEGIN_DECLS

typedef enum
{
  CARI_COMM_FLOAT,
  CARI_COMM_DOUBLE,
  CARI_COMM_INT,
} CariCommType;

typedef struct _CariComm CariComm;

typedef struct
{
  /* buf[count] of `type` ← its sum over the ranks, on every rank. */
  void (*allreduce_sum) (CariComm *comm, void *buf, size_t count, CariCommType type);
  /* buf[bytes] ← root's. */
  void (*broadcast) (CariComm *comm, void *buf, size_t bytes, int root);
  void (*barrier) (CariComm *comm);
  void (*free) (CariComm *comm);
} CariCommClass;

struct _CariComm
{
  const CariCommClass *klass;
  int rank, size;
  /* Seconds spent in this group's calls since the last cari_comm_take_seconds (communication,
   * and waiting for the slowest rank). */
  double seconds;
  /* TRUE for ranks the user does not see (a trainer's replicas in one process): an agreed error
   * keeps its message, without "Rank N: ". */
  gboolean hide_ranks;
};

static inline int
cari_comm_rank (const CariComm *comm)
{
  return comm != NULL ? comm->rank : 0;
}

static inline int
cari_comm_size (const CariComm *comm)
{
  return comm != NULL ? comm->size : 1;
}

/* Bytes of one value of `type`. */
size_t cari_comm_type_size (CariCommType type);
void cari_comm_allreduce_sum (CariComm *comm, void *buf, size_t count, CariCommType type);
void cari_comm_broadcast (CariComm *comm, void *buf, size_t bytes, int root);
void cari_comm_barrier (CariComm *comm);
void cari_comm_free (CariComm *comm);
/* The seconds counted since the last call, reset to 0. */
double cari_comm_take_seconds (CariComm *comm);

/* Root's bytes on every rank: *bytes is read on root and set on the others (NULL stands for no
 * bytes, and arrives as NULL). */
void cari_comm_broadcast_bytes (CariComm *comm, GBytes **bytes, int root);

/* Whether every rank may go on. Each rank passes its own `error` (NULL: it may go on); the
 * result is TRUE when none has one. Otherwise every rank receives in *error the error of the
 * lowest rank with the highest code precedence (a failure outranks a cancellation), its message
 * naming that rank when the group has more than one ("Rank 1: …", unless comm->hide_ranks). A
 * rank's own error is replaced. */
gboolean cari_comm_agree (CariComm *comm, GError **error);

/* Ranks [begin, end) of `total` items that `rank` of `size` takes: contiguous, in order, sizes
 * differing by at most one, the first ranks taking the extra ones. */
void cari_comm_share (int total, int rank, int size, int *begin, int *end);

/* n ranks of one process, each to be driven by its own thread: comms[i] is rank i. Each must be
 * freed (the group goes with the last). */
void cari_comm_local_group_new (int n, CariComm **comms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariComm, cari_comm_free)

G_END_DECLS
