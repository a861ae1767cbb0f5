/* store-schema.c — the run store's schema, one SQL script per version. docs/store.md describes
 * every table and column; keep the two in step. */
#include "store/store-schema.h"

#include "store/store.h"

/* Times are REAL unix seconds; booleans are INTEGER 0/1; ids are INTEGER PRIMARY KEY (stable
 * across VACUUM). Run-owned rows go with their run (ON DELETE CASCADE). Every foreign key that a
 * delete follows has an index, so a cascade never scans a table. */
static const char schema_v1[] =
  "CREATE TABLE datasets (\n"
  "  id          INTEGER PRIMARY KEY,\n"
  "  name        TEXT NOT NULL UNIQUE,\n"
  "  kind        TEXT NOT NULL,\n"
  "  root        TEXT NOT NULL,\n"
  "  fingerprint TEXT,\n"
  "  created_at  REAL NOT NULL\n"
  ");\n"
  "CREATE TABLE images (\n"
  "  id         INTEGER PRIMARY KEY,\n"
  "  dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,\n"
  "  identity   TEXT NOT NULL,\n"
  "  modality   TEXT NOT NULL CHECK (modality IN ('caricature', 'photo')),\n"
  "  path       TEXT NOT NULL,\n"
  "  landmarks  BLOB,\n"
  "  UNIQUE (dataset_id, path)\n"
  ");\n"
  "CREATE INDEX images_by_identity ON images (dataset_id, identity, modality);\n"
  "CREATE TABLE protocol_pairs (\n"
  "  dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,\n"
  "  protocol   TEXT NOT NULL,\n"
  "  fold       INTEGER NOT NULL,\n"
  "  role       TEXT NOT NULL,\n"
  "  a_image    INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,\n"
  "  b_image    INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,\n"
  "  same       INTEGER NOT NULL CHECK (same IN (0, 1))\n"
  ");\n"
  "CREATE INDEX protocol_pairs_by_view ON protocol_pairs (dataset_id, protocol, fold, role);\n"
  "CREATE INDEX protocol_pairs_by_a ON protocol_pairs (a_image);\n"
  "CREATE INDEX protocol_pairs_by_b ON protocol_pairs (b_image);\n"
  "CREATE TABLE protocol_images (\n"
  "  dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,\n"
  "  protocol   TEXT NOT NULL,\n"
  "  fold       INTEGER NOT NULL,\n"
  "  role       TEXT NOT NULL,\n"
  "  image_id   INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,\n"
  "  PRIMARY KEY (dataset_id, protocol, fold, role, image_id)\n"
  ") WITHOUT ROWID;\n"
  "CREATE INDEX protocol_images_by_image ON protocol_images (image_id);\n"
  "CREATE TABLE protocol_subjects (\n"
  "  dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,\n"
  "  protocol   TEXT NOT NULL,\n"
  "  fold       INTEGER NOT NULL,\n"
  "  role       TEXT NOT NULL,\n"
  "  identity   TEXT NOT NULL,\n"
  "  PRIMARY KEY (dataset_id, protocol, fold, role, identity)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE runs (\n"
  "  id          INTEGER PRIMARY KEY,\n"
  "  name        TEXT NOT NULL UNIQUE,\n"
  "  dataset_id  INTEGER REFERENCES datasets (id) ON DELETE SET NULL,\n"
  "  config      TEXT NOT NULL,\n"
  "  seed        INTEGER NOT NULL,\n"
  "  status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'finished',\n"
  "                'failed', 'diverged', 'cancelled', 'interrupted')),\n"
  "  heartbeat   REAL,\n"
  "  created_at  REAL NOT NULL,\n"
  "  started_at  REAL,\n"
  "  finished_at REAL,\n"
  "  parent_run  INTEGER REFERENCES runs (id) ON DELETE SET NULL,\n"
  "  message     TEXT\n"
  ");\n"
  "CREATE INDEX runs_by_dataset ON runs (dataset_id);\n"
  "CREATE INDEX runs_by_parent ON runs (parent_run);\n"
  /* AUTOINCREMENT: a rowid is never reused after delete_metrics_after, so a reader polling
   * "rows after rowid R" never misses a row written after a resume. */
  "CREATE TABLE metrics (\n"
  "  id        INTEGER PRIMARY KEY AUTOINCREMENT,\n"
  "  run_id    INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,\n"
  "  step      INTEGER NOT NULL,\n"
  "  wall_time REAL NOT NULL,\n"
  "  key       TEXT NOT NULL,\n"
  "  value     REAL\n"
  ");\n"
  "CREATE INDEX metrics_by_run ON metrics (run_id, id);\n"
  "CREATE INDEX metrics_by_step ON metrics (run_id, step);\n"
  "CREATE INDEX metrics_by_key ON metrics (run_id, key, id);\n"
  "CREATE TABLE checkpoints (\n"
  "  id         INTEGER PRIMARY KEY,\n"
  "  run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,\n"
  "  step       INTEGER NOT NULL,\n"
  "  path       TEXT NOT NULL,\n"
  "  checksum   TEXT,\n"
  "  created_at REAL NOT NULL,\n"
  "  UNIQUE (run_id, step)\n"
  ");\n"
  "CREATE TABLE evaluations (\n"
  "  id         INTEGER PRIMARY KEY,\n"
  "  run_id     INTEGER REFERENCES runs (id) ON DELETE CASCADE,\n"
  "  step       INTEGER,\n"
  "  protocol   TEXT NOT NULL,\n"
  "  fold       INTEGER,\n"
  "  created_at REAL NOT NULL\n"
  ");\n"
  "CREATE INDEX evaluations_by_run ON evaluations (run_id, step);\n"
  "CREATE TABLE eval_metrics (\n"
  "  evaluation_id INTEGER NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,\n"
  "  name          TEXT NOT NULL,\n"
  "  value         REAL,\n"
  "  std           REAL,\n"
  "  PRIMARY KEY (evaluation_id, name)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE eval_scores (\n"
  "  evaluation_id INTEGER NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,\n"
  "  a_image       INTEGER,\n"
  "  b_image       INTEGER,\n"
  "  score         REAL NOT NULL,\n"
  "  same          INTEGER NOT NULL CHECK (same IN (0, 1))\n"
  ");\n"
  "CREATE INDEX eval_scores_by_evaluation ON eval_scores (evaluation_id, score);\n"
  "CREATE TABLE layouts (\n"
  "  evaluation_id INTEGER NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,\n"
  "  view          TEXT NOT NULL CHECK (view IN ('V2V', 'V2C', 'C2C', 'C2V')),\n"
  "  image_id      INTEGER NOT NULL,\n"
  "  x             REAL NOT NULL,\n"
  "  y             REAL NOT NULL,\n"
  "  PRIMARY KEY (evaluation_id, view, image_id)\n"
  ") WITHOUT ROWID;\n";

/* v2: the threshold-selection fold of every stored pair score (so 10-fold accuracy can be
 * recomputed from the store alone) and the options an evaluation ran with. */
static const char schema_v2[] =
  "ALTER TABLE eval_scores ADD COLUMN fold INTEGER;\n"
  "ALTER TABLE evaluations ADD COLUMN options TEXT;\n"
  "CREATE INDEX evaluations_by_protocol ON evaluations (protocol, fold);\n";

/* v3: when the last integrity check passed (one row), so that opening checks the file again
 * only after a stop that came later (store.c, docs/store.md "Integrity"). */
static const char schema_v3[] =
  "CREATE TABLE store_checks (\n"
  "  id         INTEGER PRIMARY KEY CHECK (id = 1),\n"
  "  checked_at REAL NOT NULL\n"
  ");\n";

/* v4: who executes a run ("host:pid", so that a second trainer can tell a live one from a
 * killed one), and whether an evaluation's rows are all written (a long evaluation is written
 * in chunks, and readers see it only once it is complete). */
static const char schema_v4[] =
  "ALTER TABLE runs ADD COLUMN owner TEXT;\n"
  "ALTER TABLE evaluations ADD COLUMN complete INTEGER NOT NULL DEFAULT 1;\n";

/* v5: experiments — a named grid of runs (strategies × seeds × weights sharing one pretraining),
 * its definition, and each run's place in it: the cell it belongs to, its seed, and the order the
 * experiment executes it in. A run deleted leaves its experiment (its place goes with it). */
static const char schema_v5[] =
  "CREATE TABLE experiments (\n"
  "  id          INTEGER PRIMARY KEY,\n"
  "  name        TEXT NOT NULL UNIQUE,\n"
  "  definition  TEXT NOT NULL,\n"
  "  created_at  REAL NOT NULL\n"
  ");\n"
  "CREATE TABLE experiment_runs (\n"
  "  experiment_id INTEGER NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,\n"
  "  position      INTEGER NOT NULL,\n"
  "  run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,\n"
  "  cell          TEXT NOT NULL,\n"
  "  seed          INTEGER NOT NULL,\n"
  "  evaluated_step INTEGER,\n"
  "  PRIMARY KEY (experiment_id, position)\n"
  ") WITHOUT ROWID;\n"
  "CREATE INDEX experiment_runs_by_run ON experiment_runs (run_id);\n";

/* v6: a run can be "imported": weights brought in from a file (carilab-cli import-weights),
 * with one checkpoint and no training of its own, for other runs to start from. SQLite cannot
 * change a CHECK constraint in place, so the table is rebuilt the way its documentation gives
 * (a new table, the rows copied, the old one dropped, the new one renamed), with foreign keys
 * off for the step (see cari_store_schema_rebuilds) so that dropping it does not cascade into
 * the metrics, checkpoints and evaluations that reference it. */
static const char schema_v6[] =
  "CREATE TABLE runs_v6 (\n"
  "  id          INTEGER PRIMARY KEY,\n"
  "  name        TEXT NOT NULL UNIQUE,\n"
  "  dataset_id  INTEGER REFERENCES datasets (id) ON DELETE SET NULL,\n"
  "  config      TEXT NOT NULL,\n"
  "  seed        INTEGER NOT NULL,\n"
  "  status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'finished',\n"
  "                'failed', 'diverged', 'cancelled', 'interrupted', 'imported')),\n"
  "  heartbeat   REAL,\n"
  "  created_at  REAL NOT NULL,\n"
  "  started_at  REAL,\n"
  "  finished_at REAL,\n"
  "  parent_run  INTEGER REFERENCES runs (id) ON DELETE SET NULL,\n"
  "  message     TEXT,\n"
  "  owner       TEXT\n"
  ");\n"
  "INSERT INTO runs_v6 (id, name, dataset_id, config, seed, status, heartbeat, created_at,\n"
  "                     started_at, finished_at, parent_run, message, owner)\n"
  "  SELECT id, name, dataset_id, config, seed, status, heartbeat, created_at, started_at,\n"
  "         finished_at, parent_run, message, owner FROM runs;\n"
  "DROP TABLE runs;\n"
  "ALTER TABLE runs_v6 RENAME TO runs;\n"
  "CREATE INDEX runs_by_dataset ON runs (dataset_id);\n"
  "CREATE INDEX runs_by_parent ON runs (parent_run);\n";

/* migrations[i] takes user_version i to i + 1. Append; never edit a released step. */
static const char *const migrations[] = {
  schema_v1,
  schema_v2,
  schema_v3,
  schema_v4,
  schema_v5,
  schema_v6,
};

/* The steps that rebuild a table other tables reference: run with foreign keys off. */
static const gboolean rebuilds[] = {
  [5] = TRUE,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == CARI_STORE_SCHEMA_VERSION);

const char *
cari_store_schema_migration (int from)
{
  if (from < 0 || from >= (int) G_N_ELEMENTS (migrations))
    return NULL;
  return migrations[from];
}

gboolean
cari_store_schema_rebuilds (int from)
{
  return from >= 0 && from < (int) G_N_ELEMENTS (rebuilds) && rebuilds[from];
}
