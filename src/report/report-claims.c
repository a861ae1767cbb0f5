/* report-claims.c — the report's last page: each of the paper's claims the experiment can test,
 * with its verdict, the interval that decides it (in the claim's scale), the seeds that agree,
 * its p-value and its Holm-adjusted p-value. */
#include "report-private.h"

#include <glib/gi18n.h>
#include <math.h>

#define CLAIM_SIZE 8.5

static char *
number (double value, int decimals)
{
  return isfinite (value) ? g_strdup_printf ("%.*f", decimals, value) : g_strdup ("–");
}

/* One row: the cells' texts at the columns' x, the claim's text wrapped in the first column. */
static void
claim_row (ReportDoc *doc, const char *const *cells, const double *x, int n, gboolean bold)
{
  double height = 0;
  for (int c = 0; c < n; c++)
    {
      double h, width = (c + 1 < n ? x[c + 1] : REPORT_PAGE_WIDTH - REPORT_MARGIN) - x[c] - 8;
      pango_layout_set_width (doc->text.layout, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (doc->text.layout, PANGO_WRAP_WORD_CHAR);
      cari_plot_text_set (&doc->text, cells[c], CLAIM_SIZE, bold, NULL, &h);
      height = MAX (height, h);
    }
  report_doc_need (doc, height + 6);
  for (int c = 0; c < n; c++)
    {
      double width = (c + 1 < n ? x[c + 1] : REPORT_PAGE_WIDTH - REPORT_MARGIN) - x[c] - 8;
      pango_layout_set_width (doc->text.layout, (int) (width * PANGO_SCALE));
      cari_plot_text_set (&doc->text, cells[c], CLAIM_SIZE, bold, NULL, NULL);
      cari_plot_text_show (&doc->text, x[c], doc->y);
    }
  pango_layout_set_width (doc->text.layout, -1);
  doc->y += height + 3;
  cari_plot_set_source (doc->cr, &doc->style.foreground, 0.3);
  cairo_set_line_width (doc->cr, 0.5);
  cairo_move_to (doc->cr, REPORT_MARGIN, doc->y);
  cairo_line_to (doc->cr, REPORT_PAGE_WIDTH - REPORT_MARGIN, doc->y);
  cairo_stroke (doc->cr);
  cari_plot_set_source (doc->cr, &doc->style.foreground, 1);
  doc->y += 3;
}

void
report_claims (ReportDoc *doc, const CariExperimentSummary *summary)
{
  report_doc_page (doc, _("The paper's claims"));
  g_autoptr (GPtrArray) claims = cari_experiment_summary_claims (summary);
  if (claims == NULL || claims->len == 0)
    {
      report_doc_missing (doc, _("This experiment's preset tests none of the paper's claims."));
      return;
    }
  const CariExperimentDef *def = cari_experiment_summary_get_def (summary);
  g_autofree char *intro = g_strdup_printf (
    _("A claim holds when the 95 %% interval of its paired per-seed difference excludes 0 in the "
      "claimed direction, does not hold when it excludes 0 the other way or lies within ±%g of "
      "0, and is inconclusive otherwise. The primary comparison stands alone; the secondary ones "
      "are decided on Holm-adjusted p-values."),
    def->margin);
  report_doc_paragraph (doc, intro, 0, FALSE, 0);
  doc->y += 4;

  const double x[] = { REPORT_MARGIN, REPORT_MARGIN + 300, REPORT_MARGIN + 390,
                       REPORT_MARGIN + 560, REPORT_MARGIN + 640, REPORT_MARGIN + 700 };
  const char *header[] = { _("Claim"), _("Verdict"),
                           /* xgettext:no-c-format */
                           _("Difference [95 % interval]"), _("Seeds agreeing"), _("p"),
                           _("Holm p") };
  claim_row (doc, header, x, G_N_ELEMENTS (x), TRUE);
  for (guint i = 0; i < claims->len; i++)
    {
      const CariClaim *claim = g_ptr_array_index (claims, i);
      const CariInterval *d = &claim->pair.diff;
      int decimals = claim->scale > 1 ? 2 : 3;
      g_autofree char *mean = number (d->mean * claim->scale, decimals);
      g_autofree char *low = number (d->low * claim->scale, decimals);
      g_autofree char *high = number (d->high * claim->scale, decimals);
      /* TRANSLATORS: a mean difference and its interval, "3.20 [0.40, 6.00]" */
      g_autofree char *interval = g_strdup_printf (_("%s [%s, %s]"), mean, low, high);
      g_autofree char *agree = g_strdup_printf (_("%d of %d"), claim->pair.agree, d->n);
      g_autofree char *p = number (claim->pair.p_value, 4);
      g_autofree char *holm = claim->primary ? g_strdup (_("(primary)"))
                                             : number (claim->p_adjusted, 4);
      const char *cells[] = { claim->text, cari_claim_verdict_to_string (claim->verdict), interval,
                              agree, p, holm };
      claim_row (doc, cells, x, G_N_ELEMENTS (x), claim->primary);
    }
  report_doc_missing (doc, _("Differences of accuracies are in percentage points, of weights as "
                             "they are."));
}
