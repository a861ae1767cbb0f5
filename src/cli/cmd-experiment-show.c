/* cmd-experiment-show.c — an experiment's results as `experiment show` (and `run`, `resume` once
 * done) print them: how far it is, its tables over seeds, and the paper's claims with the
 * interval and the verdict that decide each, as text, CSV or LaTeX. */
#include "cli.h"

#include "launch/experiment.h"

#include <cari.h>
#include <glib/gi18n.h>
#include <math.h>

/* "+2.30", or "–" when unknown. */
static char *
format_value (double v, int decimals, gboolean sign)
{
  if (!isfinite (v))
    return g_strdup ("–");
  return g_strdup_printf (sign ? "%+.*f" : "%.*f", decimals, v);
}

static void
print_claim_text (const CariClaim *c)
{
  const CariInterval *d = &c->pair.diff;
  const char *unit = c->scale == 100.0 ? _(" points") : "";
  g_autofree char *mean = format_value (d->mean * c->scale, 2, TRUE);
  g_autofree char *low = format_value (d->low * c->scale, 2, TRUE);
  g_autofree char *high = format_value (d->high * c->scale, 2, TRUE);
  g_autofree char *p = format_value (c->pair.p_value, 4, FALSE);
  g_autofree char *p_adj = format_value (c->p_adjusted, 4, FALSE);
  printf ("%s %s: %s\n", c->primary ? "*" : "-", c->id, c->text);
  /* TRANSLATORS: a claim's evidence: the mean difference over seeds with its unit, its 95 %
   * interval, the seeds agreeing with the claimed sign of N, the p-values and the verdict */
  printf (_("    %s%s [95 %% interval %s, %s], %d of %d seeds agree, p %s, Holm-adjusted p %s: "
            "%s\n"),
          mean, unit, low, high, c->pair.agree, d->n, p, p_adj,
          cari_claim_verdict_to_string (c->verdict));
}

/* The claims as a table, for CSV and LaTeX: a row per claim, labelled with its id and verdict. */
static CariTable *
claims_table (GPtrArray *claims)
{
  const CariColumn columns[] = {
    { N_("Mean difference"), 1, 2 },
    /* xgettext:no-c-format */
    { N_("95 % low"), 1, 2 },
    /* xgettext:no-c-format */
    { N_("95 % high"), 1, 2 },
    { N_("Seeds agreeing"), 1, 0 },
    { N_("Seeds"), 1, 0 },
    { N_("p"), 1, 4 },
    { N_("Holm-adjusted p"), 1, 4 },
  };
  CariColumn translated[G_N_ELEMENTS (columns)];
  for (size_t i = 0; i < G_N_ELEMENTS (columns); i++)
    translated[i] = (CariColumn) { _(columns[i].name), columns[i].scale, columns[i].decimals };
  /* xgettext:no-c-format */
  CariTable *t = cari_table_new (_("Claims: mean difference over seeds, with its 95 % interval"),
                                 translated, G_N_ELEMENTS (translated));
  for (guint i = 0; i < claims->len; i++)
    {
      const CariClaim *c = g_ptr_array_index (claims, i);
      const CariInterval *d = &c->pair.diff;
      double values[] = { d->mean * c->scale, d->low * c->scale, d->high * c->scale,
                          c->pair.agree, d->n, c->pair.p_value, c->p_adjusted };
      CariCell cells[G_N_ELEMENTS (values)];
      for (size_t k = 0; k < G_N_ELEMENTS (values); k++)
        cells[k] = (CariCell) { values[k], -1.0, isfinite (values[k]), 1, FALSE };
      g_autofree char *label = g_strdup_printf ("%s (%s)", c->id,
                                                cari_claim_verdict_to_string (c->verdict));
      cari_table_add_row (t, label, cells);
    }
  cari_table_add_note (t, _("Differences of accuracies are in percentage points; the "
                            "secondary claims' p-values are Holm-adjusted together."));
  return t;
}

int
cli_print_experiment (CariStore *store, gint64 experiment, CariTableFormat format,
                      const char *prog)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CariExperimentSummary) s = cari_experiment_summarize (store, experiment, &error);
  if (s == NULL)
    return cli_report (prog, error, CLI_EXIT_FAILURE);
  const CariExperimentDef *def = cari_experiment_summary_get_def (s);
  g_autofree char *done = g_strdup_printf (
    _("Experiment “%s” (preset %s): %d of the grid's %d runs finished and evaluated. The seed is "
      "the unit "
      "of replication; the shared pretraining (run %lld) and the protocol fold (%s fold %d) are "
      "held fixed."),
    cari_experiment_summary_get_name (s), def->preset, cari_experiment_summary_get_n_done (s),
    cari_experiment_summary_get_n_runs (s), (long long) cari_experiment_summary_get_pretrain_run (s),
    def->protocol, def->fold);
  /* CSV stays tables only; the rest says it in its own way. */
  if (format == CARI_TABLE_TEXT)
    printf ("%s\n", done);
  else if (format == CARI_TABLE_LATEX)
    printf ("%% %s\n", done);
  else
    fprintf (stderr, "%s\n", done);

  g_autoptr (GPtrArray) tables = cari_experiment_summary_tables (s);
  g_autoptr (GPtrArray) claims = cari_experiment_summary_claims (s);
  if (format != CARI_TABLE_TEXT && claims->len > 0)
    g_ptr_array_add (tables, claims_table (claims));
  for (guint i = 0; i < tables->len; i++)
    {
      g_autofree char *text = cari_table_format (g_ptr_array_index (tables, i), format);
      printf ("%s%s", i > 0 || format != CARI_TABLE_CSV ? "\n" : "", text);
    }
  if (format == CARI_TABLE_TEXT && claims->len > 0)
    {
      printf ("\n%s\n", _("Claims (* primary; the others are secondary, Holm-adjusted "
                          "together):"));
      for (guint i = 0; i < claims->len; i++)
        print_claim_text (g_ptr_array_index (claims, i));
    }
  return CLI_EXIT_OK;
}
