/* cli-mpi.c — the group of core/comm.h over MPI_COMM_WORLD (when built with Open MPI). */
#include "cli-mpi.h"

#include "cli.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef CARI_HAVE_MPI
#include <mpi.h>
#endif

static const char *
env_first (const char *const *names)
{
  for (int i = 0; names[i] != NULL; i++)
    {
      const char *v = g_getenv (names[i]);
      if (v != NULL && *v != '\0')
        return v;
    }
  return NULL;
}

static const char *const local_size_vars[] = { "OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS",
                                               "SLURM_NTASKS_PER_NODE", NULL };

#ifdef CARI_HAVE_MPI

/* Whether a launcher started this process. */
static gboolean
launched (void)
{
  static const char *const rank_vars[] = { "OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK",
                                           NULL };
  return env_first (rank_vars) != NULL;
}

/* Ranks other than 0 keep errors and criticals only. */
static void
quiet_log (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    g_log_default_handler (domain, level, message, data);
}

typedef struct
{
  CariComm base;
} MpiComm;

/* Counts past INT_MAX go in parts; a part is also what MPI pipelines well. */
#define PART (1u << 24)

static MPI_Datatype
mpi_type (CariCommType type)
{
  return type == CARI_COMM_FLOAT ? MPI_FLOAT : type == CARI_COMM_DOUBLE ? MPI_DOUBLE : MPI_INT;
}

static void
mpi_allreduce_sum (CariComm *comm, void *buf, size_t count, CariCommType type)
{
  for (size_t done = 0; done < count; done += PART)
    MPI_Allreduce (MPI_IN_PLACE, (char *) buf + done * cari_comm_type_size (type),
                   (int) MIN (count - done, (size_t) PART), mpi_type (type), MPI_SUM,
                   MPI_COMM_WORLD);
}

static void
mpi_broadcast (CariComm *comm, void *buf, size_t bytes, int root)
{
  for (size_t done = 0; done < bytes; done += PART)
    MPI_Bcast ((char *) buf + done, (int) MIN (bytes - done, (size_t) PART), MPI_BYTE, root,
               MPI_COMM_WORLD);
}

static void
mpi_barrier (CariComm *comm)
{
  MPI_Barrier (MPI_COMM_WORLD);
}

static void
mpi_free (CariComm *comm)
{
  /* The group is the process's one; MPI_Finalize (cli_mpi_finish) ends it. */
}

static const CariCommClass mpi_class = { mpi_allreduce_sum, mpi_broadcast, mpi_barrier,
                                         mpi_free };
static MpiComm the_comm;
static gboolean started;

gboolean
cli_mpi_start (CariComm **comm, GError **error)
{
  *comm = NULL;
  if (!launched ())
    return TRUE;
  if (!started)
    {
      int provided = 0, rank = 0, size = 1;
      /* Only the thread that calls cari_trainer_step talks to MPI, one call at a time. */
      MPI_Init_thread (NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
      MPI_Comm_rank (MPI_COMM_WORLD, &rank);
      MPI_Comm_size (MPI_COMM_WORLD, &size);
      the_comm.base.klass = &mpi_class;
      the_comm.base.rank = rank;
      the_comm.base.size = size;
      started = TRUE;
      if (rank > 0)
        g_log_set_default_handler (quiet_log, NULL);
    }
  *comm = &the_comm.base;
  return TRUE;
}

int
cli_mpi_finish (int status)
{
  if (started)
    MPI_Finalize ();
  started = FALSE;
  return status;
}


#else /* without MPI */

static const char *const size_vars[] = { "OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE", NULL };

gboolean
cli_mpi_start (CariComm **comm, GError **error)
{
  *comm = NULL;
  const char *size = env_first (size_vars);
  if (size != NULL && atoi (size) > 1)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("A launcher started %s ranks of a carilab-cli built without MPI; rebuild "
                     "with Open MPI (meson setup -Dmpi=enabled) or start one process"),
                   size);
      return FALSE;
    }
  return TRUE;
}

int
cli_mpi_finish (int status)
{
  return status;
}


#endif

gboolean
cli_mpi_start_ranks (const char *prog, int threads, CariComm **comm)
{
  g_autoptr (GError) error = NULL;
  if (!cli_mpi_start (comm, &error))
    {
      cli_report (prog, error, CLI_EXIT_FAILURE);
      return FALSE;
    }
  if (*comm != NULL || threads > 0)
    cli_mpi_set_threads (*comm, threads);
  return TRUE;
}

void
cli_mpi_set_threads (CariComm *comm, int threads)
{
  if (threads <= 0 && comm != NULL && comm->size > 1)
    {
      const char *local = env_first (local_size_vars);
      int ranks_here = local != NULL ? MAX (atoi (local), 1) : comm->size;
      threads = MAX ((int) g_get_num_processors () / ranks_here, 1);
    }
  cari_blas_set_threads (threads);
}
