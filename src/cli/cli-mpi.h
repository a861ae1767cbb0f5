/* cli-mpi.h — carilab-cli's ranks when a launcher (mpirun, srun) starts it: the group of
 * core/comm.h over MPI_COMM_WORLD. Only the CLI links libmpi; the engine and the workbench do
 * not. */
#pragma once

#include <cari.h>

G_BEGIN_DECLS

/* The job's group when a launcher started this process (Open MPI's or PMIx's environment) with
 * MPI built in, after MPI_Init (once; later calls return the same group); NULL in a plain start.
 * Fails when a launcher started several ranks of a build without MPI. Ranks other than 0 log
 * nothing but errors from here on. */
gboolean  cli_mpi_start (CariComm **comm, GError **error);
/* cli_mpi_start, then cli_mpi_set_threads (when there is a group or `threads` > 0), for a
 * command's start; FALSE after printing "PROG: why". */
gboolean  cli_mpi_start_ranks (const char *prog, int threads, CariComm **comm);
/* BLAS threads for each rank: `threads` when given (> 0), else the cores divided between the
 * ranks this node runs. */
void      cli_mpi_set_threads (CariComm *comm, int threads);
/* Ends the job's MPI when it was started (MPI_Finalize; the group goes with it) and returns
 * `status`, for `return cli_mpi_finish (status);` at the end of a command. */
int       cli_mpi_finish (int status);

G_END_DECLS
