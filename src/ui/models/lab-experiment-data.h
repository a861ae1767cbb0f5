/* lab-experiment-data.h — what the Experiments page reads of the store, as plain data, and the
 * gateway jobs that read it: the experiments with their counts (poll lane), one experiment's
 * places (poll lane), and its results — the summary's tables and claims, Fig. 5's sweep and the
 * task weights over steps of each multi-task cell, mean over seeds with a 95 % interval (load
 * lane).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "cari.h"

G_BEGIN_DECLS

/* One line of a figure over seeds: at each x, the mean and its 95 % Student-t interval (NaN
 * where fewer than two seeds have a value). */
typedef struct
{
  int n;
  double *x;
  double *mean;
  double *low;
  double *high;
} LabSeedLine;

/* One multi-task cell's task weights over steps (Fig. 6 / Fig. 7). */
typedef struct
{
  char *cell;                      /* "fig6/proposed" */
  char *title;                     /* "Fig. 6 — proposed (2 seeds)" */
  LabSeedLine tasks[CARI_N_TASKS]; /* n 0 for a task the cell does not train */
} LabExperimentWeights;

typedef struct
{
  gint64 experiment;
  char *name;
  char *preset;
  int n_runs;
  int n_done;        /* finished and evaluated */
  GPtrArray *tables; /* of CariTable * */
  GPtrArray *claims; /* of CariClaim * */
  LabSeedLine fig5;  /* caricature identification accuracy (%) against the caricature weight;
                      * n 0 without Fig. 5's cells */
  GPtrArray *weights;/* of LabExperimentWeights * */
} LabExperimentResults;

void lab_experiment_results_free (LabExperimentResults *results);

/* Poll lane, no data: the store's experiments (a GPtrArray of CariExperimentInfo *). */
void lab_experiment_list_job (GTask *task, CariStore *store, gpointer data,
                              GCancellable *cancellable);
/* Poll lane, data a gint64 *: the experiment's places (a GArray of CariExperimentRun). */
void lab_experiment_runs_job (GTask *task, CariStore *store, gpointer data,
                              GCancellable *cancellable);
/* Load lane, data a gint64 *: its results (LabExperimentResults *). */
void lab_experiment_results_job (GTask *task, CariStore *store, gpointer data,
                                 GCancellable *cancellable);

/* The preset of an experiment's stored definition, or NULL when it does not read. */
char *lab_experiment_preset_of (const char *definition);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LabExperimentResults, lab_experiment_results_free)

G_END_DECLS
