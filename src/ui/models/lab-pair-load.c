/* lab-pair-load.c — reading an evaluation's pairs, data set and comparable evaluations.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "lab-config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "lab-pair-load.h"

static void
dataset_clear (LabDataset *dataset)
{
  cari_dataset_index_free (dataset->index);
}

LabDataset *
lab_dataset_new (gint64 id, CariDatasetIndex *index)
{
  LabDataset *dataset = g_atomic_rc_box_new0 (LabDataset);
  dataset->id = id;
  dataset->index = index;
  return dataset;
}

LabDataset *
lab_dataset_ref (LabDataset *dataset)
{
  return g_atomic_rc_box_acquire (dataset);
}

void
lab_dataset_unref (LabDataset *dataset)
{
  g_atomic_rc_box_release_full (dataset, (GDestroyNotify) dataset_clear);
}

static const CariIndexImage *
image_of (const LabDataset *dataset, int image)
{
  if (dataset == NULL || dataset->index == NULL || image < 0
      || image >= (int) dataset->index->images->len)
    return NULL;
  return &g_array_index (dataset->index->images, CariIndexImage, image);
}

char *
lab_dataset_image_path (const LabDataset *dataset, int image)
{
  const CariIndexImage *img = image_of (dataset, image);
  return img != NULL ? g_build_filename (dataset->index->root, img->path, NULL) : NULL;
}

const char *
lab_dataset_image_name (const LabDataset *dataset, int image)
{
  const CariIndexImage *img = image_of (dataset, image);
  if (img == NULL || img->identity < 0 || img->identity >= (int) dataset->index->identities->len)
    return NULL;
  return g_ptr_array_index (dataset->index->identities, img->identity);
}

gboolean
lab_dataset_image_is_caricature (const LabDataset *dataset, int image)
{
  const CariIndexImage *img = image_of (dataset, image);
  return img == NULL || img->modality != CARI_MODALITY_PHOTO;
}

void
lab_pair_load_free (LabPairLoad *load)
{
  if (load == NULL)
    return;
  g_clear_pointer (&load->info, cari_eval_info_free);
  g_clear_pointer (&load->set, cari_pair_set_unref);
  g_clear_pointer (&load->dataset, lab_dataset_unref);
  g_clear_pointer (&load->comparable, g_ptr_array_unref);
  g_clear_pointer (&load->labels, g_ptr_array_unref);
  g_free (load);
}

LabPairLoad *
lab_pair_load (CariStore *store, gint64 evaluation, LabDataset *known, GError **error)
{
  g_autoptr (LabPairLoad) load = g_new0 (LabPairLoad, 1);
  load->info = cari_store_get_evaluation (store, evaluation, error);
  if (load->info == NULL)
    return NULL;
  g_autoptr (CariEvalResult) result = cari_store_load_evaluation (store, evaluation, error);
  if (result == NULL)
    return NULL;
  double selection = result->threshold;
  const CariEvalMetric *m = cari_eval_result_get (result, "threshold");
  if (isnan (selection) && m != NULL)
    selection = m->value;
  load->set = cari_pair_set_new ((const CariPairScore *) (void *) result->pairs->data,
                                (int) result->pairs->len, selection);
  if (known != NULL && known->id == load->info->dataset)
    load->dataset = lab_dataset_ref (known);
  else if (load->info->dataset > 0)
    {
      CariDatasetIndex *index = cari_store_load_dataset (store, load->info->dataset, error);
      if (index == NULL)
        return NULL;
      load->dataset = lab_dataset_new (load->info->dataset, index);
    }

  load->comparable = g_ptr_array_new_with_free_func ((GDestroyNotify) cari_eval_info_free);
  load->labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) all = cari_store_list_evaluations (store, 0, error);
  if (all == NULL)
    return NULL;
  g_autoptr (GHashTable) runs = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                       (GDestroyNotify) cari_run_info_free);
  for (guint i = 0; i < all->len; i++)
    {
      CariEvalInfo *e = g_ptr_array_index (all, i);
      if (e->id == evaluation || e->fold != load->info->fold || e->dataset != load->info->dataset
          || g_strcmp0 (e->protocol, load->info->protocol) != 0)
        continue;
      CariRunInfo *run = e->run > 0 ? g_hash_table_lookup (runs, &e->run) : NULL;
      if (run == NULL && e->run > 0)
        {
          run = cari_store_get_run (store, e->run, NULL);
          if (run != NULL)
            g_hash_table_insert (runs, &run->id, run);
        }
      char *label;
      if (run == NULL)
        label = g_strdup_printf (_("Score file, evaluation %lld"), (long long) e->id);
      else
        /* TRANSLATORS: a run's name, its checkpoint step and the evaluation's number */
        label = g_strdup_printf (_("%s, step %lld (evaluation %lld)"), run->name,
                                 (long long) e->step, (long long) e->id);
      g_ptr_array_add (load->labels, label);
      g_ptr_array_add (load->comparable, g_ptr_array_steal_index (all, i));
      i--; /* the next evaluation moved into this slot */
    }
  return g_steal_pointer (&load);
}
