/* lab-pair-item.c — one scored pair of the error-pair gallery.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <math.h>

#include "lab-pair-item.h"
#include "lab-property.h"

struct _LabPairItem
{
  GObject parent_instance;

  int index;
  CariPairScore pair;
  gboolean caricature_first;
  char *caricature_name; /* owned GRefString, interned; NULL when unknown */
  char *photo_name;      /* owned GRefString, interned; NULL when unknown */
  CariVerdict verdict;
  double margin, hardness;
  double order_key; /* the hardness when the gallery last sorted */
  CariDiffClass diff;
  double other_score;
  CariVerdict other_verdict;
};

G_DEFINE_FINAL_TYPE (LabPairItem, lab_pair_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_INDEX,
  PROP_CARICATURE,
  PROP_PHOTO,
  PROP_CARICATURE_NAME,
  PROP_PHOTO_NAME,
  PROP_SCORE,
  PROP_SAME,
  PROP_VERDICT,
  PROP_DIFF,
  PROP_OTHER_SCORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

LabPairItem *
lab_pair_item_new (int index, const CariPairScore *pair, gboolean caricature_first,
                   const char *caricature_name, const char *photo_name)
{
  LabPairItem *self = g_object_new (LAB_TYPE_PAIR_ITEM, NULL);
  self->index = index;
  self->pair = *pair;
  self->caricature_first = caricature_first;
  self->caricature_name = caricature_name ? g_ref_string_new_intern (caricature_name) : NULL;
  self->photo_name = photo_name ? g_ref_string_new_intern (photo_name) : NULL;
  self->verdict = cari_verdict_of (pair->score, pair->same, 0.0);
  self->margin = pair->score;
  self->hardness = cari_pair_hardness (pair->score, pair->same, 0.0);
  self->order_key = self->hardness;
  return self;
}

int
lab_pair_item_get_index (LabPairItem *self)
{
  g_return_val_if_fail (LAB_IS_PAIR_ITEM (self), -1);
  return self->index;
}

int
lab_pair_item_get_image_a (LabPairItem *self)
{
  g_return_val_if_fail (LAB_IS_PAIR_ITEM (self), -1);
  return self->pair.a;
}

int
lab_pair_item_get_image_b (LabPairItem *self)
{
  g_return_val_if_fail (LAB_IS_PAIR_ITEM (self), -1);
  return self->pair.b;
}

int
lab_pair_item_get_caricature (LabPairItem *self)
{
  g_return_val_if_fail (LAB_IS_PAIR_ITEM (self), -1);
  return self->caricature_first ? self->pair.a : self->pair.b;
}

int
lab_pair_item_get_photo (LabPairItem *self)
{
  g_return_val_if_fail (LAB_IS_PAIR_ITEM (self), -1);
  return self->caricature_first ? self->pair.b : self->pair.a;
}

const char *
lab_pair_item_get_caricature_name (LabPairItem *self)
{
  g_return_val_if_fail (LAB_IS_PAIR_ITEM (self), NULL);
  return self->caricature_name;
}

const char *
lab_pair_item_get_photo_name (LabPairItem *self)
{
  g_return_val_if_fail (LAB_IS_PAIR_ITEM (self), NULL);
  return self->photo_name;
}

float
lab_pair_item_get_score (LabPairItem *self)
{
  g_return_val_if_fail (LAB_IS_PAIR_ITEM (self), NAN);
  return self->pair.score;
}

gboolean
lab_pair_item_get_same (LabPairItem *self)
{
  g_return_val_if_fail (LAB_IS_PAIR_ITEM (self), FALSE);
  return self->pair.same != 0;
}

gboolean
lab_pair_item_set_threshold (LabPairItem *self, double threshold)
{
  g_return_val_if_fail (LAB_IS_PAIR_ITEM (self), FALSE);
  CariVerdict verdict = cari_verdict_of (self->pair.score, self->pair.same, threshold);
  double margin = (double) self->pair.score - threshold;
  self->hardness = cari_pair_hardness (self->pair.score, self->pair.same, threshold);
  gboolean changed = verdict != self->verdict;
  if (changed)
    {
      self->verdict = verdict;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERDICT]);
    }
  self->margin = margin;
  return changed;
}

CariVerdict
lab_pair_item_get_verdict (LabPairItem *self)
{
  g_return_val_if_fail (LAB_IS_PAIR_ITEM (self), CARI_VERDICT_TP);
  return self->verdict;
}

double
lab_pair_item_get_margin (LabPairItem *self)
{
  g_return_val_if_fail (LAB_IS_PAIR_ITEM (self), NAN);
  return self->margin;
}

double
lab_pair_item_get_hardness (LabPairItem *self)
{
  g_return_val_if_fail (LAB_IS_PAIR_ITEM (self), NAN);
  return self->hardness;
}

void
lab_pair_item_set_diff (LabPairItem *self, CariDiffClass diff, double other_score,
                        CariVerdict other_verdict)
{
  g_return_if_fail (LAB_IS_PAIR_ITEM (self));
  self->other_verdict = other_verdict;
  lab_property_set_double (self, &self->other_score, other_score, properties[PROP_OTHER_SCORE]);
  if (diff != self->diff)
    {
      self->diff = diff;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIFF]);
    }
}

gboolean
lab_pair_item_matches (LabPairItem *self, const CariPairFilter *filter)
{
  return cari_pair_filter_accepts (filter, self->pair.a, self->pair.b, self->verdict, self->diff);
}

int
lab_pair_item_compare (LabPairItem *x, LabPairItem *y, CariPairOrder order)
{
  return cari_pair_compare (order, x->order_key, x->pair.score, x->index, y->order_key,
                           y->pair.score, y->index);
}

void
lab_pair_item_keep_order_key (LabPairItem *self)
{
  g_return_if_fail (LAB_IS_PAIR_ITEM (self));
  self->order_key = self->hardness;
}

double
lab_pair_item_get_order_key (LabPairItem *self)
{
  g_return_val_if_fail (LAB_IS_PAIR_ITEM (self), NAN);
  return self->order_key;
}

CariDiffClass
lab_pair_item_get_diff (LabPairItem *self)
{
  g_return_val_if_fail (LAB_IS_PAIR_ITEM (self), CARI_DIFF_UNMATCHED);
  return self->diff;
}

double
lab_pair_item_get_other_score (LabPairItem *self)
{
  g_return_val_if_fail (LAB_IS_PAIR_ITEM (self), NAN);
  return self->other_score;
}

CariVerdict
lab_pair_item_get_other_verdict (LabPairItem *self)
{
  g_return_val_if_fail (LAB_IS_PAIR_ITEM (self), CARI_VERDICT_TP);
  return self->other_verdict;
}

static void
lab_pair_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  LabPairItem *self = LAB_PAIR_ITEM (object);
  switch (prop_id)
    {
    case PROP_INDEX:
      g_value_set_int (value, self->index);
      break;
    case PROP_CARICATURE:
      g_value_set_int (value, lab_pair_item_get_caricature (self));
      break;
    case PROP_PHOTO:
      g_value_set_int (value, lab_pair_item_get_photo (self));
      break;
    case PROP_CARICATURE_NAME:
      g_value_set_string (value, self->caricature_name);
      break;
    case PROP_PHOTO_NAME:
      g_value_set_string (value, self->photo_name);
      break;
    case PROP_SCORE:
      g_value_set_double (value, self->pair.score);
      break;
    case PROP_SAME:
      g_value_set_boolean (value, self->pair.same != 0);
      break;
    case PROP_VERDICT:
      g_value_set_int (value, self->verdict);
      break;
    case PROP_DIFF:
      g_value_set_int (value, self->diff);
      break;
    case PROP_OTHER_SCORE:
      g_value_set_double (value, self->other_score);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lab_pair_item_finalize (GObject *object)
{
  LabPairItem *self = LAB_PAIR_ITEM (object);
  g_clear_pointer (&self->caricature_name, g_ref_string_release);
  g_clear_pointer (&self->photo_name, g_ref_string_release);
  G_OBJECT_CLASS (lab_pair_item_parent_class)->finalize (object);
}

static void
lab_pair_item_class_init (LabPairItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->get_property = lab_pair_item_get_property;
  object_class->finalize = lab_pair_item_finalize;

  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  properties[PROP_INDEX] = g_param_spec_int ("index", NULL, NULL, -1, G_MAXINT, -1, flags);
  properties[PROP_CARICATURE] = g_param_spec_int ("caricature", NULL, NULL, -1, G_MAXINT, -1,
                                                  flags);
  properties[PROP_PHOTO] = g_param_spec_int ("photo", NULL, NULL, -1, G_MAXINT, -1, flags);
  properties[PROP_CARICATURE_NAME] = g_param_spec_string ("caricature-name", NULL, NULL, NULL,
                                                          flags);
  properties[PROP_PHOTO_NAME] = g_param_spec_string ("photo-name", NULL, NULL, NULL, flags);
  properties[PROP_SCORE] = g_param_spec_double ("score", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE,
                                                0.0, flags);
  properties[PROP_SAME] = g_param_spec_boolean ("same", NULL, NULL, FALSE, flags);
  /* CariVerdict and CariDiffClass, as ints: the pair set's enums are plain C. */
  properties[PROP_VERDICT] = g_param_spec_int ("verdict", NULL, NULL, 0, CARI_N_VERDICTS - 1, 0,
                                               flags);
  properties[PROP_DIFF] = g_param_spec_int ("diff", NULL, NULL, 0, CARI_N_DIFF_CLASSES - 1, 0,
                                            flags);
  properties[PROP_OTHER_SCORE] = g_param_spec_double ("other-score", NULL, NULL, -G_MAXDOUBLE,
                                                      G_MAXDOUBLE, 0.0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lab_pair_item_init (LabPairItem *self)
{
  self->index = -1;
  self->diff = CARI_DIFF_UNMATCHED;
  self->other_score = NAN;
}
