/* comm.c — the collective helpers every group shares, and the local group (ranks as threads). */
#include "core/comm.h"

#include "core/error.h"
#include "core/i18n.h"

#include <sched.h>
#include <string.h>

static double
now (void)
{
  return (double) g_get_monotonic_time () * 1e-6;
}

size_t
cari_comm_type_size (CariCommType type)
{
  return type == CARI_COMM_DOUBLE ? sizeof (double)
         : type == CARI_COMM_FLOAT ? sizeof (float)
                                   : sizeof (int);
}

void
cari_comm_allreduce_sum (CariComm *comm, void *buf, size_t count, CariCommType type)
{
  if (comm == NULL || comm->size == 1 || count == 0)
    return;
  double t0 = now ();
  comm->klass->allreduce_sum (comm, buf, count, type);
  comm->seconds += now () - t0;
}

void
cari_comm_broadcast (CariComm *comm, void *buf, size_t bytes, int root)
{
  if (comm == NULL || comm->size == 1 || bytes == 0)
    return;
  double t0 = now ();
  comm->klass->broadcast (comm, buf, bytes, root);
  comm->seconds += now () - t0;
}

void
cari_comm_barrier (CariComm *comm)
{
  if (comm == NULL || comm->size == 1)
    return;
  double t0 = now ();
  comm->klass->barrier (comm);
  comm->seconds += now () - t0;
}

void
cari_comm_free (CariComm *comm)
{
  if (comm != NULL)
    comm->klass->free (comm);
}

double
cari_comm_take_seconds (CariComm *comm)
{
  if (comm == NULL)
    return 0.0;
  double s = comm->seconds;
  comm->seconds = 0.0;
  return s;
}

void
cari_comm_broadcast_bytes (CariComm *comm, GBytes **bytes, int root)
{
  if (comm == NULL || comm->size == 1)
    return;
  /* The length first (G_MAXUINT64 for none), then the bytes. */
  guint64 len = G_MAXUINT64;
  if (comm->rank == root && *bytes != NULL)
    len = g_bytes_get_size (*bytes);
  cari_comm_broadcast (comm, &len, sizeof len, root);
  if (comm->rank == root)
    {
      if (len != G_MAXUINT64 && len > 0)
        cari_comm_broadcast (comm, (void *) g_bytes_get_data (*bytes, NULL), len, root);
      return;
    }
  g_clear_pointer (bytes, g_bytes_unref);
  if (len == G_MAXUINT64)
    return;
  void *data = g_malloc (MAX (len, 1));
  cari_comm_broadcast (comm, data, len, root);
  *bytes = g_bytes_new_take (data, len);
}

/* A failure outranks a cancellation, which outranks going on. */
static int
precedence (const GError *error)
{
  if (error == NULL)
    return 0;
  return g_error_matches (error, CARI_ERROR, CARI_ERROR_CANCELLED) ? 1 : 2;
}

gboolean
cari_comm_agree (CariComm *comm, GError **error)
{
  const GError *mine = error != NULL ? *error : NULL;
  if (comm == NULL || comm->size == 1)
    return mine == NULL;

  g_autofree int *levels = g_new0 (int, comm->size);
  levels[comm->rank] = precedence (mine);
  cari_comm_allreduce_sum (comm, levels, comm->size, CARI_COMM_INT);
  int root = -1;
  for (int r = 0; r < comm->size; r++)
    if (levels[r] > 0 && (root < 0 || levels[r] > levels[root]))
      root = r;
  if (root < 0)
    return TRUE;

  /* The chosen rank's error: its domain by name, its code, its message. */
  g_autoptr (GBytes) text = NULL;
  gint32 code = 0;
  if (comm->rank == root)
    {
      const char *domain = g_quark_to_string (mine->domain);
      g_autoptr (GString) joined = g_string_new (domain);
      g_string_append_len (joined, "", 1);
      g_string_append_len (joined, mine->message, (gssize) strlen (mine->message) + 1);
      text = g_bytes_new (joined->str, joined->len);
      code = mine->code;
    }
  cari_comm_broadcast (comm, &code, sizeof code, root);
  cari_comm_broadcast_bytes (comm, &text, root);
  size_t len;
  const char *data = g_bytes_get_data (text, &len);
  const char *domain = data;
  const char *message = data + strlen (data) + 1;
  GError *agreed = comm->hide_ranks
                     ? g_error_new_literal (g_quark_from_string (domain), code, message)
                     : g_error_new (g_quark_from_string (domain), code, _("Rank %d: %s"), root,
                                    message);
  if (error != NULL)
    {
      g_clear_error (error);
      *error = agreed;
    }
  else
    g_error_free (agreed);
  return FALSE;
}

void
cari_comm_share (int total, int rank, int size, int *begin, int *end)
{
  int base = total / size, extra = total % size;
  *begin = rank * base + MIN (rank, extra);
  *end = *begin + base + (rank < extra ? 1 : 0);
}

/* ---------------------------------------------------------------------------- local group */

typedef struct
{
  int n;
  gint refs;
  GMutex mutex;
  GCond cond;
  gint generation; /* barriers passed (wraps), atomic */
  gint arrived;    /* ranks at the barrier in progress, atomic */
  const void **slots; /* [n]: what each rank posted for the call in progress */
} LocalGroup;

typedef struct
{
  CariComm base;
  LocalGroup *group;
} LocalComm;

/* How long a rank spins on the barrier before it sleeps: the ranks of a trainer's replicas meet
 * hundreds of times a step (batch norm's sums), a few microseconds apart when each has a core,
 * and a condition variable's wake-up costs tens of microseconds. It spins yielding: with more
 * runnable threads than cores (two test programs at once, a build beside the workbench), a rank
 * spinning on the core its peer needs stalled both — a test of 300-step runs took 39 s instead
 * of 16 beside a build, with a pause instruction in the loop; 25 s with the yield. */
#define SPIN_MICROSECONDS 200

static void
local_barrier (CariComm *comm)
{
  LocalGroup *g = ((LocalComm *) comm)->group;
  guint gen = (guint) g_atomic_int_get (&g->generation);
  if (g_atomic_int_add (&g->arrived, 1) == g->n - 1)
    {
      /* The last to arrive: reset the count before the others can leave (and arrive again). */
      g_atomic_int_set (&g->arrived, 0);
      g_mutex_lock (&g->mutex);
      g_atomic_int_inc (&g->generation);
      g_cond_broadcast (&g->cond);
      g_mutex_unlock (&g->mutex);
      return;
    }
  gint64 until = 0;
  for (int i = 1;; i++)
    {
      if ((guint) g_atomic_int_get (&g->generation) != gen)
        return;
      if (i % 64 == 0)
        {
          gint64 now_us = g_get_monotonic_time ();
          if (until == 0)
            until = now_us + SPIN_MICROSECONDS;
          else if (now_us > until)
            break;
        }
      /* Give the core away at once to a thread waiting for it (another rank, when there are
       * more ranks or other work than cores); on an otherwise idle core this returns at once. */
      sched_yield ();
    }
  g_mutex_lock (&g->mutex);
  while ((guint) g_atomic_int_get (&g->generation) == gen)
    g_cond_wait (&g->cond, &g->mutex);
  g_mutex_unlock (&g->mutex);
}

static void
local_allreduce_sum (CariComm *comm, void *buf, size_t count, CariCommType type)
{
  LocalGroup *g = ((LocalComm *) comm)->group;
  const size_t begin = count * (size_t) comm->rank / (size_t) g->n;
  const size_t end = count * (size_t) (comm->rank + 1) / (size_t) g->n;

  g->slots[comm->rank] = buf;
  local_barrier (comm);
  /* Each rank sums its slice of the buffers, adding in rank order, and writes the sum into
   * every rank's buffer: the same sums everywhere, the work shared, no copy. The slices do not
   * overlap, so no rank reads what another writes. */
#define SUM_SLICE(T)                                                                              \
  for (size_t i = begin; i < end; i++)                                                            \
    {                                                                                             \
      T acc = 0;                                                                                  \
      for (int r = 0; r < g->n; r++)                                                              \
        acc += ((const T *) g->slots[r])[i];                                                      \
      for (int r = 0; r < g->n; r++)                                                              \
        ((T *) g->slots[r])[i] = acc;                                                             \
    }
  if (type == CARI_COMM_FLOAT)
    SUM_SLICE (float)
  else if (type == CARI_COMM_DOUBLE)
    SUM_SLICE (double)
  else
    SUM_SLICE (int)
#undef SUM_SLICE
  local_barrier (comm); /* every slice is in every buffer */
}

static void
local_broadcast (CariComm *comm, void *buf, size_t bytes, int root)
{
  LocalGroup *g = ((LocalComm *) comm)->group;
  g->slots[comm->rank] = buf;
  local_barrier (comm);
  if (comm->rank != root)
    memcpy (buf, g->slots[root], bytes);
  local_barrier (comm);
}

static void
local_free (CariComm *comm)
{
  LocalGroup *g = ((LocalComm *) comm)->group;
  if (g_atomic_int_dec_and_test (&g->refs))
    {
      g_mutex_clear (&g->mutex);
      g_cond_clear (&g->cond);
      g_free (g->slots);
      g_free (g);
    }
  g_free (comm);
}

static const CariCommClass local_class = {
  local_allreduce_sum,
  local_broadcast,
  local_barrier,
  local_free,
};

void
cari_comm_local_group_new (int n, CariComm **comms)
{
  LocalGroup *g = g_new0 (LocalGroup, 1);
  g_return_if_fail (n >= 1);
  g->n = n;
  g->refs = n;
  g_mutex_init (&g->mutex);
  g_cond_init (&g->cond);
  g->slots = g_new0 (const void *, n);
  for (int r = 0; r < n; r++)
    {
      LocalComm *c = g_new0 (LocalComm, 1);
      c->base.klass = &local_class;
      c->base.rank = r;
      c->base.size = n;
      c->group = g;
      comms[r] = &c->base;
    }
}
