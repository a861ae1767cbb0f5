/* lab-pair-window.h — one pair of the error gallery at full size: both images large, the
 * identities, the files, the score against the threshold and the verdict (and a compared run's).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "lab-pair-load.h"

G_BEGIN_DECLS

typedef struct
{
  int index;                              /* the pair's position in the evaluation */
  const char *caricature_path, *photo_path; /* absolute; NULL when unknown */
  const char *caricature_name, *photo_name; /* NULL when unknown */
  float score;
  gboolean same;
  double threshold;
  const char *origin;                     /* where the threshold comes from */
  const char *other_label;                /* the compared run, NULL when none */
  double other_score;                     /* NaN when that run has no such pair */
  double other_threshold;
} LabPairDetails;

#define LAB_TYPE_PAIR_WINDOW (lab_pair_window_get_type ())
G_DECLARE_FINAL_TYPE (LabPairWindow, lab_pair_window, LAB, PAIR_WINDOW, AdwWindow)

/* A modal window over `parent` (may be NULL); the images decode in the background. */
GtkWidget *lab_pair_window_new (GtkWindow *parent, const LabPairDetails *details);
/* The images shown so far (0, 1 or 2), for tests. */
int        lab_pair_window_get_n_images (LabPairWindow *self);

G_END_DECLS
