/* compare.h — the orders qsort and bsearch take, defined once. */
#pragma once

/* Ascending ints. */
static inline int
cari_compare_int (const void *a, const void *b)
{
  int x = *(const int *) a, y = *(const int *) b;
  return (x > y) - (x < y);
}

/* Ascending doubles (NaN compares equal to everything: leave NaN out first). */
static inline int
cari_compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}
