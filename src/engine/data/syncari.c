/* syncari.c — the SynCari generator: configurations, files in WebCaricature's layout, the
 * protocols, and the contact sheet (the faces are drawn in syncari-face.c). */
#include "data/syncari-private.h"

#include "core/error.h"
#include "core/i18n.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "data/image.h"
#include "data/index.h"

#include <cairo.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------------------- files */

static gboolean
write_jpeg (const char *path, const guint8 *rgb, int S, int quality, GError **error)
{
  g_autoptr (CariImage) img = cari_image_new (S, S);
  const size_t plane = (size_t) S * S;
  for (size_t i = 0; i < plane; i++)
    for (int c = 0; c < 3; c++)
      img->pixels[c * plane + i] = rgb[i * 3 + c] / 255.0f;
  return cari_image_save_jpeg (img, path, quality, error);
}

static gboolean
write_text (const char *path, const char *text, GError **error)
{
  g_autoptr (GError) local = NULL;
  if (!g_file_set_contents (path, text, -1, &local))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot write “%s”: %s"), path,
                   local->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_dir (const char *path, GError **error)
{
  if (g_mkdir_with_parents (path, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot create the folder “%s”: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

char *
cari_syncari_identity_name (int identity)
{
  return g_strdup_printf ("Person %03d", identity + 1);
}

void
cari_syncari_config_init (CariSynCariConfig *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->identities = 200;
  cfg->photos_per_identity = 10;
  cfg->caricatures_per_identity = 10;
  cfg->size = 128;
  cfg->pretrain_identities = 200;
  cfg->pretrain_photos = 10;
  cfg->pairs_per_fold = 1000;
  cfg->seed = 1;
}

void
cari_syncari_config_init_tiny (CariSynCariConfig *cfg)
{
  cari_syncari_config_init (cfg);
  cfg->identities = 20;
  cfg->photos_per_identity = 3;
  cfg->caricatures_per_identity = 3;
  cfg->size = 64;
  cfg->pretrain_identities = 3;
  cfg->pretrain_photos = 2;
  cfg->pairs_per_fold = 6;
}

/* ---------------------------------------------------------------------------- generation */

typedef struct
{
  const CariSynCariConfig *cfg;
  const char *root, *pretrain_root;
  GMutex mutex;
  GError *error;      /* the first one */
  gint done, total;
  gboolean cancelled;
  CariSynCariProgress progress;
  gpointer user_data;
} Job;

static gboolean
job_failed (Job *job)
{
  gboolean failed;
  g_mutex_lock (&job->mutex);
  failed = job->error != NULL || job->cancelled;
  g_mutex_unlock (&job->mutex);
  return failed;
}

static void
job_set_error (Job *job, GError *error)
{
  g_mutex_lock (&job->mutex);
  if (job->error == NULL)
    job->error = error;
  else
    g_error_free (error);
  g_mutex_unlock (&job->mutex);
}

/* One identity of the main set: its images, landmark files and file lists. */
static gboolean
write_identity (Job *job, int index, GError **error)
{
  const CariSynCariConfig *cfg = job->cfg;
  g_autofree char *name = cari_syncari_identity_name (index);
  g_autofree char *img_dir = g_build_filename (job->root, "OriginalImages", name, NULL);
  g_autofree char *pts_dir = g_build_filename (job->root, "FacialPoints", name, NULL);
  g_autofree char *lst_dir = g_build_filename (job->root, "Filenames", name, NULL);
  g_autoptr (GString) list_c = g_string_new (NULL), list_p = g_string_new (NULL);
  CariSynIdentity id;

  if (!make_dir (img_dir, error) || !make_dir (pts_dir, error) || !make_dir (lst_dir, error))
    return FALSE;
  cari_syncari_identity_sample (&id, cfg->seed, index);
  for (int modality = 0; modality < 2; modality++)
    {
      gboolean photo = modality == 1;
      int n = photo ? cfg->photos_per_identity : cfg->caricatures_per_identity;
      for (int j = 0; j < n; j++)
        {
          CariSynRendered r;
          char file[32];
          g_snprintf (file, sizeof file, "%c%05d", photo ? 'P' : 'C', j + 1);
          cari_syncari_render (&id, photo, cfg->seed, index, j, cfg->size, &r);
          g_autofree char *jpg = g_strdup_printf ("%s/%s.jpg", img_dir, file);
          CariRng q;
          cari_rng_seed (&q, cfg->seed + (guint64) index * 31 + (guint64) j);
          int quality = photo ? 55 + (int) cari_rng_below (&q, 41) : 92;
          gboolean ok = write_jpeg (jpg, r.rgb, cfg->size, quality, error);
          g_free (r.rgb);
          if (!ok)
            return FALSE;
          GString *pts = g_string_new (NULL);
          for (int p = 0; p < 17; p++)
            g_string_append_printf (pts, "%.4f %.4f\n", r.points[p][0], r.points[p][1]);
          g_autofree char *txt = g_strdup_printf ("%s/%s.txt", pts_dir, file);
          ok = write_text (txt, pts->str, error);
          g_string_free (pts, TRUE);
          if (!ok)
            return FALSE;
          g_string_append_printf (photo ? list_p : list_c, "%s.jpg\n", file);
        }
    }
  g_autofree char *fc = g_build_filename (lst_dir, "file_c.txt", NULL);
  g_autofree char *fp = g_build_filename (lst_dir, "file_p.txt", NULL);
  return write_text (fc, list_c->str, error) && write_text (fp, list_p->str, error);
}

static gboolean
write_pretrain_identity (Job *job, int index, GError **error)
{
  const CariSynCariConfig *cfg = job->cfg;
  /* Identities of their own: seeds far from the main set's. */
  int global = 1000000 + index;
  g_autofree char *name = g_strdup_printf ("Pretrain %04d", index + 1);
  g_autofree char *dir = g_build_filename (job->pretrain_root, name, "photo", NULL);
  CariSynIdentity id;
  if (!make_dir (dir, error))
    return FALSE;
  cari_syncari_identity_sample (&id, cfg->seed, global);
  for (int j = 0; j < cfg->pretrain_photos; j++)
    {
      CariSynRendered r;
      cari_syncari_render (&id, TRUE, cfg->seed, global, j, cfg->size, &r);
      g_autofree char *jpg = g_strdup_printf ("%s/%05d.jpg", dir, j + 1);
      gboolean ok = write_jpeg (jpg, r.rgb, cfg->size, 85, error);
      g_free (r.rgb);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static void
generate_range (gpointer data, size_t begin, size_t end)
{
  Job *job = data;
  const int main_ids = job->cfg->identities;
  for (size_t i = begin; i < end; i++)
    {
      GError *error = NULL;
      if (job_failed (job))
        return;
      gboolean ok = (int) i < main_ids ? write_identity (job, (int) i, &error)
                                       : write_pretrain_identity (job, (int) i - main_ids, &error);
      if (!ok)
        {
          job_set_error (job, error);
          return;
        }
      int done = g_atomic_int_add (&job->done, 1) + 1;
      /* Progress from the first worker's thread only would skew; any thread may report, under
       * the mutex so the callback never runs twice at once. */
      if (job->progress != NULL)
        {
          g_mutex_lock (&job->mutex);
          if (!job->progress ((double) done / job->total, job->user_data))
            job->cancelled = TRUE;
          g_mutex_unlock (&job->mutex);
        }
    }
}

/* ---------------------------------------------------------------------------- protocols */

/* Matched and mismatched pairs among `ids` (n of them), caricature first. Matched pairs are
 * drawn without repetition (as many as exist, at most `count`); the count line says how many. */
static void
append_pairs (GString *out, const CariSynCariConfig *cfg, const int *ids, int n, int count,
              CariRng *rng)
{
  const int nc = cfg->caricatures_per_identity, np = cfg->photos_per_identity;
  const int all = n * nc * np;
  g_autofree int *combos = g_new (int, all);
  for (int i = 0; i < all; i++)
    combos[i] = i;
  cari_rng_shuffle (rng, combos, all);
  count = MIN (count, all);
  g_string_append_printf (out, "%d\n", count);
  for (int i = 0; i < count; i++)
    {
      int c = combos[i], a = ids[c / (nc * np)];
      g_autofree char *name = cari_syncari_identity_name (a);
      g_string_append_printf (out, "%s\tC%05d\tP%05d\n", name, 1 + c / np % nc, 1 + c % np);
    }
  for (int i = 0; i < count; i++)
    {
      int a = ids[cari_rng_below (rng, (uint32_t) n)], b;
      do
        b = ids[cari_rng_below (rng, (uint32_t) n)];
      while (b == a);
      g_autofree char *na = cari_syncari_identity_name (a);
      g_autofree char *nb = cari_syncari_identity_name (b);
      g_string_append_printf (out, "%s\tC%05d\t%s\tP%05d\n", na,
                              1 + (int) cari_rng_below (rng, cfg->caricatures_per_identity), nb,
                              1 + (int) cari_rng_below (rng, cfg->photos_per_identity));
    }
}

static void
append_subjects (GString *out, const CariSynCariConfig *cfg, const int *ids, int n)
{
  g_string_append_printf (out, "%d\n", n);
  for (int i = 0; i < n; i++)
    {
      g_autofree char *name = cari_syncari_identity_name (ids[i]);
      g_string_append_printf (out, "%s\t%d\t%d\n", name, cfg->caricatures_per_identity,
                              cfg->photos_per_identity);
    }
}

/* Gallery (one image per subject of the gallery modality) or probe (all images of the probe
 * modality) lines: a header line, then Name<TAB>index<TAB>ImageId. */
static void
append_id_list (GString *out, const CariSynCariConfig *cfg, const int *ids, int n, char modality,
                gboolean gallery, CariRng *rng)
{
  int per = modality == 'C' ? cfg->caricatures_per_identity : cfg->photos_per_identity;
  int count = gallery ? n : n * per, line = 0;
  g_string_append_printf (out, "%d\n", count);
  for (int i = 0; i < n; i++)
    {
      g_autofree char *name = cari_syncari_identity_name (ids[i]);
      if (gallery)
        g_string_append_printf (out, "%s\t%d\t%c%05d\n", name, ++line, modality,
                                1 + (int) cari_rng_below (rng, (uint32_t) per));
      else
        for (int j = 0; j < per; j++)
          g_string_append_printf (out, "%s\t%d\t%c%05d\n", name, ++line, modality, j + 1);
    }
}

static gboolean
write_protocols (const CariSynCariConfig *cfg, const char *root, GError **error)
{
  const int K = cfg->identities;
  g_autofree int *order = g_new (int, K);
  CariRng rng;
  cari_rng_seed (&rng, cfg->seed ^ 0x70726f746fULL);
  for (int i = 0; i < K; i++)
    order[i] = i;
  cari_rng_shuffle (&rng, order, K);
  /* Fold f (0-based) holds identities order[f], order[f + 10], … */
  g_autofree int *fold_ids = g_new (int, K);
  int fold_start[11] = { 0 };
  for (int f = 0, n = 0; f < 10; f++)
    {
      fold_start[f] = n;
      for (int i = f; i < K; i += 10)
        fold_ids[n++] = order[i];
      fold_start[f + 1] = n;
    }
  g_autofree char *ver = g_build_filename (root, "EvaluationProtocols", "FaceVerification", NULL);
  g_autofree char *res = g_build_filename (ver, "Restricted", NULL);
  g_autofree char *unr = g_build_filename (ver, "UnRestricted", NULL);
  g_autofree char *ide = g_build_filename (root, "EvaluationProtocols", "FaceIdentification",
                                           NULL);
  g_autofree char *c2p = g_build_filename (ide, "C2P", NULL);
  g_autofree char *p2c = g_build_filename (ide, "P2C", NULL);
  if (!make_dir (res, error) || !make_dir (unr, error) || !make_dir (c2p, error)
      || !make_dir (p2c, error))
    return FALSE;

  /* Restricted: View1 (development: folds 1–5 to train, 6–10 to test), View2 (10 folds). */
  int half = fold_start[5];
  g_autoptr (GString) dev_train = g_string_new (NULL), dev_test = g_string_new (NULL);
  append_pairs (dev_train, cfg, fold_ids, half, cfg->pairs_per_fold / 2, &rng);
  append_pairs (dev_test, cfg, fold_ids + half, K - half, cfg->pairs_per_fold / 2, &rng);
  g_autoptr (GString) view2 = g_string_new (NULL);
  for (int f = 0; f < 10; f++)
    append_pairs (view2, cfg, fold_ids + fold_start[f], fold_start[f + 1] - fold_start[f],
                  cfg->pairs_per_fold, &rng);
  /* Unrestricted: subject lists. */
  g_autoptr (GString) u_train = g_string_new (NULL), u_test = g_string_new (NULL);
  append_subjects (u_train, cfg, fold_ids, half);
  append_subjects (u_test, cfg, fold_ids + half, K - half);
  g_autoptr (GString) u_view2 = g_string_new (NULL);
  for (int f = 0; f < 10; f++)
    append_subjects (u_view2, cfg, fold_ids + fold_start[f], fold_start[f + 1] - fold_start[f]);

  struct
  {
    const char *dir, *file;
    GString *text;
  } files[] = {
    { res, "RestrictedView1_DevTrain.txt", dev_train }, { res, "RestrictedView1_DevTest.txt", dev_test },
    { res, "RestrictedView2.txt", view2 },
    { unr, "UnRestrictedView1_DevTrain.txt", u_train }, { unr, "UnRestrictedView1_DevTest.txt", u_test },
    { unr, "UnRestrictedView2.txt", u_view2 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (files[i].dir, files[i].file, NULL);
      if (!write_text (path, files[i].text->str, error))
        return FALSE;
    }

  /* Identification: for fold k, the training subjects are the other folds', the gallery and
   * probes are fold k's subjects ("dev" uses fold 1's split). */
  for (int k = 0; k <= 10; k++)
    {
      int f = k == 0 ? 0 : k - 1;
      g_autofree char *suffix = k == 0 ? g_strdup ("_dev") : g_strdup_printf ("%d", k);
      g_autofree int *train = g_new (int, K);
      int n_train = 0;
      for (int i = 0; i < K; i++)
        if (i < fold_start[f] || i >= fold_start[f + 1])
          train[n_train++] = fold_ids[i];
      const int *test = fold_ids + fold_start[f];
      int n_test = fold_start[f + 1] - fold_start[f];
      g_autoptr (GString) tr = g_string_new (NULL);
      append_subjects (tr, cfg, train, n_train);
      /* The count line is not part of FR_Train files: drop it. */
      g_string_erase (tr, 0, (gssize) (strchr (tr->str, '\n') - tr->str + 1));
      g_autoptr (GString) g1 = g_string_new (NULL), p1 = g_string_new (NULL);
      g_autoptr (GString) g2 = g_string_new (NULL), p2 = g_string_new (NULL);
      append_id_list (g1, cfg, test, n_test, 'P', TRUE, &rng);
      append_id_list (p1, cfg, test, n_test, 'C', FALSE, &rng);
      append_id_list (g2, cfg, test, n_test, 'C', TRUE, &rng);
      append_id_list (p2, cfg, test, n_test, 'P', FALSE, &rng);
      g_autofree char *ftr = g_strdup_printf ("%s/FR_Train%s.txt", ide, suffix);
      g_autofree char *fg1 = g_strdup_printf ("%s/FR_Gallery_C2P%s.txt", c2p, suffix);
      g_autofree char *fp1 = g_strdup_printf ("%s/FR_Probe_C2P%s.txt", c2p, suffix);
      g_autofree char *fg2 = g_strdup_printf ("%s/FR_Gallery_P2C%s.txt", p2c, suffix);
      g_autofree char *fp2 = g_strdup_printf ("%s/FR_Probe_P2C%s.txt", p2c, suffix);
      if (!write_text (ftr, tr->str, error) || !write_text (fg1, g1->str, error)
          || !write_text (fp1, p1->str, error) || !write_text (fg2, g2->str, error)
          || !write_text (fp2, p2->str, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
cari_syncari_generate (const CariSynCariConfig *cfg, const char *root, const char *pretrain_root,
                       CariSynCariProgress progress, gpointer user_data, GError **error)
{
  if (cfg->identities < 20 || cfg->photos_per_identity < 1 || cfg->caricatures_per_identity < 1
      || cfg->size < 32 || cfg->size > 1024 || cfg->pairs_per_fold < 1
      || cfg->pretrain_identities < 0 || cfg->pretrain_photos < 0)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("SynCari needs at least 20 identities (two per fold), an image of each "
                     "modality per identity, a size from 32 to 1024 pixels and at least one pair "
                     "per fold"));
      return FALSE;
    }
  /* A marker in each folder until the whole set is written: a kill leaves it, and importers
   * refuse the folder (cari_index_canonical_root). */
  g_autofree char *marker = g_build_filename (root, CARI_INDEX_INCOMPLETE_MARKER, NULL);
  g_autofree char *pre_marker
    = pretrain_root != NULL && cfg->pretrain_identities > 0
        ? g_build_filename (pretrain_root, CARI_INDEX_INCOMPLETE_MARKER, NULL)
        : NULL;
  if (!make_dir (root, error) || !g_file_set_contents (marker, "", 0, error)
      || (pre_marker != NULL
          && (!make_dir (pretrain_root, error)
              || !g_file_set_contents (pre_marker, "", 0, error)))
      || !write_protocols (cfg, root, error))
    return FALSE;

  Job job = { cfg, root, pretrain_root };
  int pre = pretrain_root != NULL ? cfg->pretrain_identities : 0;
  g_mutex_init (&job.mutex);
  job.total = cfg->identities + pre;
  job.progress = progress;
  job.user_data = user_data;
  cari_parallel_for ((size_t) job.total, 1, generate_range, &job);
  g_mutex_clear (&job.mutex);
  if (job.error != NULL)
    {
      g_propagate_error (error, job.error);
      return FALSE;
    }
  if (job.cancelled)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_CANCELLED, _("Generating SynCari was cancelled"));
      return FALSE;
    }
  /* The pretraining set first: the main set's marker is what launchers look at. */
  if ((pre_marker != NULL && g_unlink (pre_marker) != 0) || g_unlink (marker) != 0)
    {
      int saved = errno;
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot remove “%s”: %s"),
                   pre_marker != NULL && g_file_test (pre_marker, G_FILE_TEST_EXISTS) ? pre_marker
                                                                                      : marker,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
cari_syncari_contact_sheet (const CariSynCariConfig *cfg, int identities, int per_modality,
                            const char *png_path, GError **error)
{
  const int S = cfg->size, cols = 2 * per_modality, gap = 4;
  cairo_surface_t *sheet = cairo_image_surface_create (CAIRO_FORMAT_RGB24, cols * (S + gap) + gap,
                                                       identities * (S + gap) + gap);
  cairo_t *cr = cairo_create (sheet);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  for (int i = 0; i < identities; i++)
    {
      CariSynIdentity id;
      cari_syncari_identity_sample (&id, cfg->seed, i);
      for (int c = 0; c < cols; c++)
        {
          gboolean photo = c < per_modality;
          CariSynRendered r;
          cari_syncari_render (&id, photo, cfg->seed, i, photo ? c : c - per_modality, S, &r);
          cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, S, S);
          cairo_surface_flush (img);
          guint8 *data = cairo_image_surface_get_data (img);
          int stride = cairo_image_surface_get_stride (img);
          for (int y = 0; y < S; y++)
            for (int x = 0; x < S; x++)
              {
                const guint8 *p = r.rgb + ((size_t) y * S + x) * 3;
                ((guint32 *) (void *) (data + (size_t) y * stride))[x]
                  = ((guint32) p[0] << 16) | ((guint32) p[1] << 8) | p[2];
              }
          cairo_surface_mark_dirty (img);
          cairo_set_source_surface (cr, img, gap + c * (S + gap), gap + i * (S + gap));
          cairo_paint (cr);

          cairo_surface_destroy (img);
          g_free (r.rgb);
        }
    }
  cairo_destroy (cr);
  cairo_status_t st = cairo_surface_write_to_png (sheet, png_path);
  cairo_surface_destroy (sheet);
  if (st != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot write “%s”: %s"), png_path,
                   cairo_status_to_string (st));
      return FALSE;
    }
  return TRUE;
}
