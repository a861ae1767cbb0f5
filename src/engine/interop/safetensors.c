/* safetensors.c — safetensors files of float32 tensors: the file object and atomic writing, the
 * header's JSON made with json-glib, the file written by interop/atomic-file.c. The reader is
 * safetensors-read.c. */
#include "interop/safetensors-private.h"

#include "core/bytes.h"
#include "core/error.h"
#include "core/i18n.h"
#include "interop/atomic-file.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* The tensors go out as the host holds them: the engine runs on little-endian hosts only. */
G_STATIC_ASSERT (G_BYTE_ORDER == G_LITTLE_ENDIAN);

void
cari_safetensors_entry_free (gpointer entry)
{
  CariSafetensorsEntry *e = entry;
  g_free (e->name);
  g_free (e->data);
  g_free (e);
}

CariSafetensors *
cari_safetensors_new (void)
{
  CariSafetensors *st = g_new0 (CariSafetensors, 1);
  st->entries = g_ptr_array_new_with_free_func (cari_safetensors_entry_free);
  st->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  st->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return st;
}

void
cari_safetensors_free (CariSafetensors *st)
{
  if (st == NULL)
    return;
  g_hash_table_unref (st->by_name);
  g_ptr_array_unref (st->entries);
  g_hash_table_unref (st->metadata);
  g_free (st);
}

gboolean
cari_safetensors_shape_size (int ndim, const gint64 *shape, size_t *n)
{
  const guint64 max = MIN ((guint64) G_MAXSIZE, (guint64) G_MAXINT64) / sizeof (float);
  guint64 nonzero = 1;
  gboolean empty = FALSE;
  for (int i = 0; i < ndim; i++)
    {
      if (shape[i] < 0)
        return FALSE;
      if (shape[i] == 0)
        {
          empty = TRUE;
          continue;
        }
      if ((guint64) shape[i] > max / nonzero)
        return FALSE;
      nonzero *= (guint64) shape[i];
    }
  *n = empty ? 0 : (size_t) nonzero;
  return TRUE;
}

CariSafetensorsEntry *
cari_safetensors_entry_new (const char *name, int ndim, const gint64 *shape, size_t n)
{
  CariSafetensorsEntry *e = g_new0 (CariSafetensorsEntry, 1);
  e->name = g_strdup (name);
  e->data = g_try_malloc_n (MAX (n, 1), sizeof (float));
  if (e->data == NULL)
    {
      cari_safetensors_entry_free (e);
      return NULL;
    }
  e->t.name = e->name;
  e->t.ndim = ndim;
  if (ndim > 0)
    memcpy (e->t.shape, shape, sizeof (gint64) * (size_t) ndim);
  e->t.n = n;
  e->t.data = e->data;
  return e;
}

void
cari_safetensors_add (CariSafetensors *st, const char *name, int ndim, const gint64 *shape,
                      const float *data)
{
  size_t n;
  g_return_if_fail (st != NULL && name != NULL);
  g_return_if_fail (ndim >= 0 && ndim <= CARI_SAFETENSORS_MAX_DIMS);
  g_return_if_fail (ndim == 0 || shape != NULL);
  g_return_if_fail (cari_safetensors_shape_size (ndim, shape, &n));
  g_return_if_fail (n == 0 || data != NULL);

  CariSafetensorsEntry *e = cari_safetensors_entry_new (name, ndim, shape, n);
  g_return_if_fail (e != NULL);
  if (n > 0)
    memcpy (e->data, data, n * sizeof (float));

  CariSafetensorsEntry *old = g_hash_table_lookup (st->by_name, name);
  guint i = st->entries->len;
  if (old != NULL)
    {
      gboolean found = g_ptr_array_find (st->entries, old, &i);
      g_assert (found);
      g_hash_table_remove (st->by_name, name);
      /* The new tensor takes the old one's place in the file. */
      g_ptr_array_index (st->entries, i) = e;
      cari_safetensors_entry_free (old);
    }
  else
    g_ptr_array_add (st->entries, e);
  g_hash_table_insert (st->by_name, e->name, e);
}

void
cari_safetensors_set_metadata (CariSafetensors *st, const char *key, const char *value)
{
  g_return_if_fail (st != NULL && key != NULL);
  if (value == NULL)
    g_hash_table_remove (st->metadata, key);
  else
    g_hash_table_insert (st->metadata, g_strdup (key), g_strdup (value));
}

guint
cari_safetensors_n_tensors (const CariSafetensors *st)
{
  return st->entries->len;
}

const CariNamedTensor *
cari_safetensors_tensor (const CariSafetensors *st, guint i)
{
  g_return_val_if_fail (i < st->entries->len, NULL);
  return &((CariSafetensorsEntry *) g_ptr_array_index (st->entries, i))->t;
}

const CariNamedTensor *
cari_safetensors_lookup (const CariSafetensors *st, const char *name)
{
  CariSafetensorsEntry *e = g_hash_table_lookup (st->by_name, name);
  return e != NULL ? &e->t : NULL;
}

const char *
cari_safetensors_get_metadata (const CariSafetensors *st, const char *key)
{
  return g_hash_table_lookup (st->metadata, key);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

char **
cari_safetensors_metadata_keys (const CariSafetensors *st)
{
  guint n;
  char **keys = (char **) g_hash_table_get_keys_as_array (st->metadata, &n);
  qsort (keys, n, sizeof (char *), compare_strings);
  for (guint i = 0; i < n; i++)
    keys[i] = g_strdup (keys[i]);
  return keys;
}

char *
cari_safetensors_shown_name (const char *name)
{
  if (g_utf8_strlen (name, CARI_SAFETENSORS_SHOWN_CHARS * 4 + 4) <= CARI_SAFETENSORS_SHOWN_CHARS)
    return g_strdup (name);
  g_autofree char *start = g_utf8_substring (name, 0, CARI_SAFETENSORS_SHOWN_CHARS);
  return g_strconcat (start, "…", NULL);
}

/* ---------------------------------------------------------------------------- writing */

/* The file's first bytes: the header's length, then its JSON padded with spaces to a multiple
 * of 8 bytes. *data_len: the bytes of the tensors that follow. */
static guint8 *
build_header (const CariSafetensors *st, size_t *head_len, size_t *data_len, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new_immutable ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_auto (GStrv) keys = cari_safetensors_metadata_keys (st);
  g_autofree char *json = NULL;
  gsize json_len;
  guint64 offset = 0;

  json_builder_begin_object (b);
  if (keys[0] != NULL)
    {
      json_builder_set_member_name (b, "__metadata__");
      json_builder_begin_object (b);
      for (guint i = 0; keys[i] != NULL; i++)
        {
          const char *value = g_hash_table_lookup (st->metadata, keys[i]);
          if (!g_utf8_validate (keys[i], -1, NULL))
            {
              g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                           _("A safetensors metadata key is not valid UTF-8"));
              return NULL;
            }
          if (!g_utf8_validate (value, -1, NULL))
            {
              g_autofree char *key = cari_safetensors_shown_name (keys[i]);
              g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                           _("The safetensors metadata value of “%s” is not valid UTF-8"), key);
              return NULL;
            }
          json_builder_set_member_name (b, keys[i]);
          json_builder_add_string_value (b, value);
        }
      json_builder_end_object (b);
    }
  for (guint i = 0; i < st->entries->len; i++)
    {
      const CariSafetensorsEntry *e = g_ptr_array_index (st->entries, i);
      if (!g_utf8_validate (e->name, -1, NULL))
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("The name of a safetensors tensor is not valid UTF-8"));
          return NULL;
        }
      if (e->name[0] == '\0' || strcmp (e->name, "__metadata__") == 0)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                       _("A safetensors tensor cannot be called “%s”"), e->name);
          return NULL;
        }
      json_builder_set_member_name (b, e->name);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "dtype");
      json_builder_add_string_value (b, "F32");
      json_builder_set_member_name (b, "shape");
      json_builder_begin_array (b);
      for (int d = 0; d < e->t.ndim; d++)
        json_builder_add_int_value (b, e->t.shape[d]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "data_offsets");
      json_builder_begin_array (b);
      json_builder_add_int_value (b, (gint64) offset);
      /* Each tensor's bytes fit a gint64 (cari_safetensors_shape_size); their sum might not. */
      if (e->t.n * sizeof (float) > (guint64) G_MAXINT64 - offset)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_NO_MEMORY,
                       _("The tensors are too large for one safetensors file"));
          return NULL;
        }
      offset += e->t.n * sizeof (float);
      json_builder_add_int_value (b, (gint64) offset);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json = json_generator_to_data (gen, &json_len);

  size_t padded = (json_len + 7) & ~(size_t) 7;
  if (offset > G_MAXSIZE - 8 - padded)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NO_MEMORY,
                   _("The tensors are too large for one safetensors file"));
      return NULL;
    }
  guint8 *head = g_malloc (8 + padded);
  cari_put_u64_le (head, padded);
  memcpy (head + 8, json, json_len);
  memset (head + 8 + json_len, ' ', padded - json_len);
  *head_len = 8 + padded;
  *data_len = (size_t) offset;
  return head;
}

guint8 *
cari_safetensors_serialize (const CariSafetensors *st, size_t *len, GError **error)
{
  size_t head_len, data_len;
  g_autofree guint8 *head = build_header (st, &head_len, &data_len, error);
  if (head == NULL)
    return NULL;
  guint8 *out = g_try_malloc (head_len + data_len);
  if (out == NULL)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NO_MEMORY,
                   _("Not enough memory for a safetensors file of %zu bytes"),
                   head_len + data_len);
      return NULL;
    }
  memcpy (out, head, head_len);
  guint8 *p = out + head_len;
  for (guint i = 0; i < st->entries->len; i++)
    {
      const CariSafetensorsEntry *e = g_ptr_array_index (st->entries, i);
      memcpy (p, e->data, e->t.n * sizeof (float));
      p += e->t.n * sizeof (float);
    }
  *len = head_len + data_len;
  return out;
}

gboolean
cari_safetensors_write (const CariSafetensors *st, const char *path, GError **error)
{
  size_t head_len, data_len;
  g_autofree guint8 *head = build_header (st, &head_len, &data_len, error);
  if (head == NULL)
    return FALSE;
  g_autofree CariFileChunk *chunks = g_new (CariFileChunk, st->entries->len + 1);
  chunks[0] = (CariFileChunk) { head, head_len };
  for (guint i = 0; i < st->entries->len; i++)
    {
      const CariSafetensorsEntry *e = g_ptr_array_index (st->entries, i);
      chunks[i + 1] = (CariFileChunk) { e->data, e->t.n * sizeof (float) };
    }
  return cari_atomic_file_write (path, chunks, st->entries->len + 1, error);
}
