/* config.h — a run's configuration: one GKeyFile text describes a run completely.
 *
 * The CLI (`--config FILE`, `--set group.key=value`), the GUI's New-run page and the store's
 * runs.config all use this text; every key and default is documented in docs/config.md. Unknown
 * groups or keys are errors (a typo must not silently train something else).
 */
#pragma once

#include "nn/net.h"
#include "nn/optimizer.h"

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CARI_STRATEGY_PROPOSED, /* the paper: module trained by L4, w detached for Θ */
  CARI_STRATEGY_NAIVE,    /* Yin & Liu: module trained by Σ w_i·L_i with the network */
  CARI_STRATEGY_STATIC,   /* user-given weights */
  CARI_STRATEGY_SINGLE,   /* one task only */
  CARI_STRATEGY_UNIFORM,  /* 1/T each */
  CARI_N_STRATEGIES,
} CariStrategyKind;

/* "proposed", "naive", "static", "single", "uniform", in the order of CariStrategyKind: the names
 * `strategy.name` takes. */
extern const char *const cari_strategy_names[CARI_N_STRATEGIES];

/* "unknown" for a value out of range. */
const char *cari_strategy_to_string (CariStrategyKind kind);
/* INVALID_ARGUMENT naming `name` when it is no strategy. */
gboolean    cari_strategy_from_string (const char *name, CariStrategyKind *kind, GError **error);

#define CARI_MAX_LR_STEPS 16

typedef struct
{
  /* [run] */
  char    *name;
  guint64  seed;
  /* [model] (n_identities, batch capacity and the module come from elsewhere) */
  char    *preset;
  CariNetConfig net;
  /* [tasks] */
  guint    tasks;
  /* [strategy] */
  CariStrategyKind strategy;
  double   r;              /* logit normalisation scale of the module; 0 = off */
  gboolean r_authors;      /* r is "authors": ½ for naive, 2 for the others */
  gboolean module_xavier;  /* the module starts Xavier-initialised, not at uniform weights */
  double   epsilon;        /* ε of L4 */
  double   weights[CARI_N_TASKS]; /* static: one per task in tasks.tasks, summing to 1 */
  int      n_weights;
  CariTask single_task;
  gboolean detach;         /* proposed: w is a constant for Θ (paper); false = authors' code */
  /* [loss] */
  double   center_weight;  /* λ of the verif center loss; 0 = off */
  double   center_rate;    /* α_c of the center update */
  /* [optim] */
  CariOptimizerConfig optim;
  double   lr;
  double   module_lr;      /* < 0: "auto", the rate of Θ (see cari_run_config_module_lr) */
  double   clip_norm;      /* 0 = off */
  int      lr_steps[CARI_MAX_LR_STEPS];
  int      n_lr_steps;
  double   lr_factor;
  char    *lr_schedule_file;  /* where lr_schedule was read from, for the record */
  char    *lr_schedule;       /* "STEP:RATE;…": the schedule's content, NULL when none */
  /* [batch] */
  int      caricatures;
  int      photos;
  gboolean balanced;
  gboolean sync_batchnorm; /* data-parallel: batch norm over every rank's share of the batch */
  int      replicas;       /* replicas of the network in one process, 0: "auto" (see
                            * cari_run_config_replicas) */
  /* [data] */
  char    *dataset;
  char    *protocol;
  int      fold;
  double   validation_fraction;
  gboolean landmark_crop;  /* the authors' landmark face crop before resizing */
  int      max_bad_images; /* distinct images that may fail to load before the run stops */
  /* [schedule] */
  int      steps;
  int      eval_every;
  int      checkpoint_every;
  int      flush_every;
  double   flush_seconds;
  double   locked_wait;    /* seconds a run goes on without being able to write before failing */
  /* [init] */
  char    *init_from;            /* a checkpoint file to start from */
  gboolean branches_from_visual; /* then copy `visual` into `verif` and `cari` (§5.2) */
  gboolean init_partial;         /* init.from a safetensors file: load the tensors that fit */
} CariRunConfig;

/* Parse a configuration text (empty or NULL: every default). Errors name the group.key. */
CariRunConfig *cari_run_config_new (const char *text, GError **error);
/* Apply "group.key=value" and validate again; on error the configuration is unchanged. */
gboolean       cari_run_config_set (CariRunConfig *cfg, const char *assignment, GError **error);
/* Apply several assignments (NULL-terminated) and validate them together, so that e.g. tasks and
 * strategy can change at once in any order; on error the configuration is unchanged and, when
 * `failed` is not NULL, it receives the index of the assignment at fault (the last one of the
 * key a check names), or −1 when the fault is in none of them. */
gboolean       cari_run_config_set_all (CariRunConfig *cfg, const char *const *assignments,
                                        int *failed, GError **error);
/* The canonical text: every key, with its value. Parsing it gives the same configuration. */
char          *cari_run_config_to_text (const CariRunConfig *cfg);
/* The text a key takes when it is not given ("2" for strategy.r, "auto" for optim.module_lr);
 * NULL for a key the model preset sets, or an unknown key. */
const char    *cari_run_config_key_default (const char *group, const char *key);
/* A deep copy, field by field. */
CariRunConfig *cari_run_config_copy (const CariRunConfig *cfg);
void           cari_run_config_free (CariRunConfig *cfg);

/* The network configuration for a dataset of n_identities classes. */
void cari_run_config_net (const CariRunConfig *cfg, int n_identities, CariNetConfig *net);
/* The weight module's base learning rate: optim.module_lr, or optim.lr when it is "auto". The
 * schedule scales it like the rate of Θ. */
double   cari_run_config_module_lr (const CariRunConfig *cfg);
/* How many replicas a trainer of this configuration runs in one process with `threads` threads:
 * batch.replicas, or for "auto" one per thread on a network small enough that its layers split
 * poorly over threads (input of at most 128 pixels and width at most 0.5: the demo's), at most
 * the batch's caricatures and photos, else 1. */
int      cari_run_config_replicas (const CariRunConfig *cfg, int threads);
/* The same rule for a network and a batch outside a run (requested ≤ 0: "auto"); 1 … 64. */
int      cari_replicas_choose (int requested, const CariNetConfig *net, int caricatures,
                               int photos, int threads);
/* Whether the strategy needs the dynamic-weight module. */
gboolean cari_run_config_uses_module (const CariRunConfig *cfg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariRunConfig, cari_run_config_free)

G_END_DECLS
