/* safetensors-read.c — the safetensors reader: every bound checked before it is trusted, the
 * header's JSON parsed with json-glib once what json-glib gets wrong has been refused. */
#include "interop/safetensors-private.h"

#include "core/bytes.h"
#include "core/error.h"
#include "core/i18n.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* The header holds the root object, a tensor's object and its arrays: deeper nesting is never
 * valid, and json-glib's parser recurses once per level, so a header of a million '[' would
 * overflow the stack before any other check could refuse it. */
#define MAX_JSON_DEPTH 16

static void
set_damaged (GError **error, const char *name, const char *what)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT, _("Safetensors file “%s” is damaged: %s"),
               name, what);
}

static G_GNUC_PRINTF (3, 4) void
set_damaged_printf (GError **error, const char *name, const char *fmt, ...)
{
  g_autofree char *what = NULL;
  va_list ap;
  va_start (ap, fmt);
  what = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  set_damaged (error, name, what);
}

/* Whether JSON allows `c` outside strings and whitespace: punctuation, the characters of numbers
 * and the letters of true, false and null. (A switch, not strchr: headers of 100 MiB are read.) */
static gboolean
json_token_byte (guint8 c)
{
  switch (c)
    {
    case '{': case '}': case '[': case ']': case ',': case ':': case '"':
    case '-': case '+': case '.': case 'e': case 'E':
    case 't': case 'r': case 'u': case 'f': case 'a': case 'l': case 's': case 'n':
      return TRUE;
    default:
      return g_ascii_isdigit (c);
    }
}

/* Whether the byte at `i` continues a number rather than starts one: it follows a digit, a
 * point, or an exponent's letter or sign. */
static gboolean
inside_number (const guint8 *h, size_t i)
{
  if (i == 0)
    return FALSE;
  guint8 p = h[i - 1];
  if (g_ascii_isdigit (p) || p == '.' || p == 'e' || p == 'E' || p == '+')
    return TRUE;
  return p == '-' && i >= 2 && (h[i - 2] == 'e' || h[i - 2] == 'E');
}

/* What json-glib would accept but JSON does not, and what would break json-glib or this
 * reader, found in one pass over the header's bytes: a header that does not start with '{' (it
 * can only be an object); anything after the object closes (json-glib reads "{} {}" as "{}");
 * nesting deeper than MAX_JSON_DEPTH; comments, single quotes, hexadecimal and binary numbers
 * (any byte outside a string that no JSON token holds); integers with leading zeros, which
 * json-glib reads as octal ("010" is 8); control characters in a string; and \u0000 in a
 * string, where json-glib would silently cut the string, making one of two names that differ
 * after it. */
static const char *
check_json_text (const guint8 *h, size_t n)
{
  gboolean in_string = FALSE, started = FALSE, ended = FALSE;
  int depth = 0;
  for (size_t i = 0; i < n; i++)
    {
      guint8 c = h[i];
      if (in_string)
        {
          if (c == '"')
            in_string = FALSE;
          else if (c < 0x20)
            return N_("its header is not valid JSON");
          else if (c == '\\' && i + 1 < n)
            {
              if (h[i + 1] == 'u' && n - i >= 6 && memcmp (h + i + 2, "0000", 4) == 0)
                return N_("a string in its header holds a NUL character (\\u0000)");
              i++;
            }
          continue;
        }
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        continue;
      if (!json_token_byte (c))
        return N_("its header is not valid JSON");
      if (c == '0' && i + 1 < n && g_ascii_isdigit (h[i + 1]) && !inside_number (h, i))
        return N_("its header is not valid JSON");
      if (ended)
        return N_("its header is not valid JSON");
      if (!started && c != '{')
        return N_("its header is not a JSON object");
      started = TRUE;
      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > MAX_JSON_DEPTH)
            return N_("its header nests deeper than a safetensors header can");
        }
      else if ((c == '}' || c == ']') && --depth == 0)
        ended = TRUE;
    }
  return started ? NULL : N_("its header is not a JSON object");
}

/* Duplicate keys, which json-glib keeps the last of without a word: each object being parsed
 * has the set of its keys so far, on a stack. The first key seen twice is kept, with the key
 * of the object that holds it when that is known. */
typedef struct
{
  GPtrArray *levels; /* GHashTable * of keys, owned; the innermost object last */
  char *twice;       /* the first key seen twice, or NULL */
  guint twice_depth; /* its object's depth, the root being 1 */
  char *parent;      /* the key of the object that holds `twice`, when it has one */
} KeyScan;

static void
on_object_start (JsonParser *parser, gpointer user_data)
{
  KeyScan *scan = user_data;
  g_ptr_array_add (scan->levels, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL));
}

static void
on_object_member (JsonParser *parser, JsonObject *object, const char *key, gpointer user_data)
{
  KeyScan *scan = user_data;
  guint depth = scan->levels->len;
  if (depth == 0)
    return;
  GHashTable *keys = g_ptr_array_index (scan->levels, depth - 1);
  if (scan->twice == NULL && !g_hash_table_add (keys, g_strdup (key)))
    {
      scan->twice = g_strdup (key);
      scan->twice_depth = depth;
    }
  else if (scan->twice != NULL && scan->parent == NULL && scan->twice_depth == depth + 1)
    scan->parent = g_strdup (key);
}

static void
on_object_end (JsonParser *parser, JsonObject *object, gpointer user_data)
{
  KeyScan *scan = user_data;
  if (scan->levels->len > 0)
    g_ptr_array_set_size (scan->levels, scan->levels->len - 1);
}

static gboolean
check_keys (const KeyScan *scan, const char *name, GError **error)
{
  if (scan->twice == NULL)
    return TRUE;
  g_autofree char *key = cari_safetensors_shown_name (scan->twice);
  g_autofree char *parent =
    scan->parent != NULL ? cari_safetensors_shown_name (scan->parent) : NULL;
  if (scan->twice_depth == 1)
    set_damaged_printf (error, name, _("tensor “%s” appears twice in its header"), key);
  else if (scan->twice_depth == 2 && g_strcmp0 (scan->parent, "__metadata__") == 0)
    set_damaged_printf (error, name, _("metadata key “%s” appears twice"), key);
  else if (scan->twice_depth == 2 && parent != NULL)
    set_damaged_printf (error, name, _("tensor “%s” has two “%s” fields"), parent, key);
  else
    set_damaged_printf (error, name, _("key “%s” appears twice in one of its objects"), key);
  return FALSE;
}

/* A JSON integer's value; FALSE for anything else (a float, a string, null, …). */
static gboolean
json_int (JsonNode *node, gint64 *value)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static gboolean
read_metadata (CariSafetensors *st, JsonNode *node, const char *name, GError **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_damaged (error, name, _("its __metadata__ is not a JSON object"));
      return FALSE;
    }
  JsonObject *object = json_node_get_object (node);
  g_autoptr (GList) keys = json_object_get_members (object);
  for (GList *k = keys; k != NULL; k = k->next)
    {
      JsonNode *value = json_object_get_member (object, k->data);
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        {
          g_autofree char *key = cari_safetensors_shown_name (k->data);
          set_damaged_printf (error, name, _("the value of metadata key “%s” is not a string"),
                              key);
          return FALSE;
        }
      g_hash_table_insert (st->metadata, g_strdup (k->data),
                           g_strdup (json_node_get_string (value)));
    }
  return TRUE;
}

/* The dtypes of the format CariLab does not read, refused by name rather than as damage. */
static gboolean
known_dtype (const char *dtype)
{
  static const char *const known[] = {
    "BOOL", "U8",  "I8",  "U16", "I16",     "U32",     "I32",     "U64",     "I64",     "F16",
    "BF16", "F64", "C64", "F4",  "F6_E2M3", "F6_E3M2", "F8_E4M3", "F8_E5M2", "F8_E8M0",
  };
  for (size_t i = 0; i < G_N_ELEMENTS (known); i++)
    if (strcmp (dtype, known[i]) == 0)
      return TRUE;
  return FALSE;
}

/* One tensor's entry, checked against the data's `data_len` bytes, without its data yet. */
static CariSafetensorsEntry *
read_entry (const char *tensor, JsonNode *node, guint64 data_len, const char *name,
            GError **error)
{
  g_autofree char *t = cari_safetensors_shown_name (tensor);
  JsonObject *object;
  JsonNode *member;
  JsonArray *array;
  gint64 shape[CARI_SAFETENSORS_MAX_DIMS] = { 0 };
  gint64 begin, end;
  const char *dtype;
  guint ndim;
  size_t n;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_damaged_printf (error, name, _("tensor “%s” is not described by a JSON object"), t);
      return NULL;
    }
  object = json_node_get_object (node);

  member = json_object_get_member (object, "dtype");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member)
      || json_node_get_value_type (member) != G_TYPE_STRING)
    {
      set_damaged_printf (error, name, _("tensor “%s” has no dtype"), t);
      return NULL;
    }
  dtype = json_node_get_string (member);
  if (strcmp (dtype, "F32") != 0)
    {
      g_autofree char *d = cari_safetensors_shown_name (dtype);
      if (known_dtype (dtype))
        g_set_error (error, CARI_ERROR, CARI_ERROR_VERSION,
                     _("Tensor “%s” in “%s” is %s; only F32 tensors can be read"), t, name, d);
      else
        set_damaged_printf (error, name, _("tensor “%s” has the unknown dtype “%s”"), t, d);
      return NULL;
    }

  member = json_object_get_member (object, "shape");
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    {
      set_damaged_printf (error, name, _("tensor “%s” has no shape"), t);
      return NULL;
    }
  array = json_node_get_array (member);
  ndim = json_array_get_length (array);
  if (ndim > CARI_SAFETENSORS_MAX_DIMS)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_VERSION,
                   _("Tensor “%s” in “%s” has %u dimensions; at most %d can be read"), t, name,
                   ndim, CARI_SAFETENSORS_MAX_DIMS);
      return NULL;
    }
  for (guint d = 0; d < ndim; d++)
    if (!json_int (json_array_get_element (array, d), &shape[d]) || shape[d] < 0)
      {
        set_damaged_printf (error, name,
                            _("dimension %u of tensor “%s” is not a non-negative integer"), d + 1,
                            t);
        return NULL;
      }
  if (!cari_safetensors_shape_size ((int) ndim, shape, &n))
    {
      set_damaged_printf (error, name, _("tensor “%s” has a shape too large to hold"), t);
      return NULL;
    }

  member = json_object_get_member (object, "data_offsets");
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member)
      || json_array_get_length (json_node_get_array (member)) != 2
      || !json_int (json_array_get_element (json_node_get_array (member), 0), &begin)
      || !json_int (json_array_get_element (json_node_get_array (member), 1), &end)
      || begin < 0 || end < 0)
    {
      set_damaged_printf (error, name,
                          _("tensor “%s” has no data_offsets pair of non-negative integers"), t);
      return NULL;
    }
  if (begin > end)
    {
      set_damaged_printf (error, name,
                          _("tensor “%s” ends (at byte %llu) before it begins (at byte %llu)"),
                          t, (unsigned long long) end, (unsigned long long) begin);
      return NULL;
    }
  if ((guint64) end > data_len)
    {
      set_damaged_printf (error, name,
                          _("tensor “%s” ends at byte %llu, past the end of the data (%llu "
                            "bytes; truncated?)"),
                          t, (unsigned long long) end, (unsigned long long) data_len);
      return NULL;
    }
  if ((guint64) (end - begin) != (guint64) n * sizeof (float))
    {
      set_damaged_printf (error, name,
                          _("tensor “%s” has %llu bytes for its %zu values, which take %llu"),
                          t, (unsigned long long) (end - begin), n,
                          (unsigned long long) n * sizeof (float));
      return NULL;
    }

  CariSafetensorsEntry *e = cari_safetensors_entry_new (tensor, (int) ndim, shape, n);
  if (e == NULL)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_NO_MEMORY,
                   _("Not enough memory for tensor “%s” of “%s”"), t, name);
      return NULL;
    }
  e->begin = (guint64) begin;
  e->end = (guint64) end;
  return e;
}

static int
compare_ranges (gconstpointer pa, gconstpointer pb)
{
  const CariSafetensorsEntry *a = *(CariSafetensorsEntry *const *) pa;
  const CariSafetensorsEntry *b = *(CariSafetensorsEntry *const *) pb;
  if (a->begin != b->begin)
    return a->begin < b->begin ? -1 : 1;
  if (a->end != b->end)
    return a->end < b->end ? -1 : 1;
  return a->order < b->order ? -1 : a->order > b->order;
}

/* The tensors, in offset order, cover the data from its first byte to its last, each starting
 * where the one before ends: no overlap, no hole. */
static gboolean
check_coverage (GPtrArray *entries, guint64 data_len, const char *name, GError **error)
{
  guint64 pos = 0;
  const CariSafetensorsEntry *prev = NULL;
  for (guint i = 0; i < entries->len; i++)
    {
      const CariSafetensorsEntry *e = g_ptr_array_index (entries, i);
      if (e->begin != pos)
        {
          g_autofree char *t = cari_safetensors_shown_name (e->name);
          if (e->begin < pos)
            {
              g_autofree char *p = cari_safetensors_shown_name (prev->name);
              set_damaged_printf (error, name, _("tensors “%s” and “%s” overlap"), p, t);
            }
          else
            set_damaged_printf (error, name,
                                _("no tensor holds bytes %llu to %llu of the data, before "
                                  "tensor “%s”"),
                                (unsigned long long) pos, (unsigned long long) e->begin - 1, t);
          return FALSE;
        }
      pos = e->end;
      prev = e;
    }
  if (pos != data_len)
    {
      g_autofree char *what =
        g_strdup_printf (_("no tensor holds the end of its data, from byte %llu on (of %llu)"),
                         (unsigned long long) pos, (unsigned long long) data_len);
      set_damaged (error, name, what);
      return FALSE;
    }
  return TRUE;
}

static void
floats_from_le (float *dst, const guint8 *src, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      guint32 u = cari_get_u32_le (src + 4 * i);
      memcpy (dst + i, &u, 4);
    }
}

CariSafetensors *
cari_safetensors_parse (const guint8 *data, size_t len, const char *name, GError **error)
{
  g_autoptr (CariSafetensors) st = NULL;
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (GList) members = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  KeyScan scan = { 0 };
  gboolean parsed;
  guint64 head_len, data_len;
  const char *what;
  JsonNode *root;

  if (len < 8)
    {
      g_autofree char *w =
        g_strdup_printf (_("it is %zu bytes long, too short for the 8-byte length of its header"),
                         len);
      set_damaged (error, name, w);
      return NULL;
    }
  head_len = cari_get_u64_le (data);
  if (head_len > CARI_SAFETENSORS_MAX_HEADER)
    {
      g_autofree char *w =
        g_strdup_printf (_("its header would be %llu bytes long, more than the %llu allowed"),
                         (unsigned long long) head_len,
                         (unsigned long long) CARI_SAFETENSORS_MAX_HEADER);
      set_damaged (error, name, w);
      return NULL;
    }
  if (head_len > len - 8)
    {
      g_autofree char *w =
        g_strdup_printf (_("its header would be %llu bytes long, but only %zu bytes follow "
                           "(truncated?)"),
                         (unsigned long long) head_len, len - 8);
      set_damaged (error, name, w);
      return NULL;
    }
  data_len = len - 8 - head_len;
  const guint8 *head = data + 8;
  const guint8 *bytes = head + head_len;

  what = check_json_text (head, head_len);
  if (what != NULL)
    {
      set_damaged (error, name, _(what));
      return NULL;
    }
  parser = json_parser_new_immutable ();
  scan.levels = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  g_signal_connect (parser, "object-start", G_CALLBACK (on_object_start), &scan);
  g_signal_connect (parser, "object-member", G_CALLBACK (on_object_member), &scan);
  g_signal_connect (parser, "object-end", G_CALLBACK (on_object_end), &scan);
  parsed = json_parser_load_from_data (parser, (const char *) head, (gssize) head_len, &local);
  g_ptr_array_unref (scan.levels);
  if (!parsed)
    {
      g_autofree char *w = g_strdup_printf (_("its header is not valid JSON: %s"), local->message);
      set_damaged (error, name, w);
    }
  else if (!check_keys (&scan, name, error))
    parsed = FALSE;
  g_free (scan.twice);
  g_free (scan.parent);
  if (!parsed)
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_damaged (error, name, _("its header is not a JSON object"));
      return NULL;
    }

  st = cari_safetensors_new ();
  entries = g_ptr_array_new_with_free_func (cari_safetensors_entry_free);
  members = json_object_get_members (json_node_get_object (root));
  for (GList *m = members; m != NULL; m = m->next)
    {
      const char *key = m->data;
      JsonNode *node = json_object_get_member (json_node_get_object (root), key);
      if (strcmp (key, "__metadata__") == 0)
        {
          if (!read_metadata (st, node, name, error))
            return NULL;
          continue;
        }
      if (key[0] == '\0')
        {
          set_damaged (error, name, _("a tensor has an empty name"));
          return NULL;
        }
      CariSafetensorsEntry *e = read_entry (key, node, data_len, name, error);
      if (e == NULL)
        return NULL;
      e->order = entries->len;
      g_ptr_array_add (entries, e);
    }

  g_ptr_array_sort (entries, compare_ranges);
  if (!check_coverage (entries, data_len, name, error))
    return NULL;

  for (guint i = 0; i < entries->len; i++)
    {
      CariSafetensorsEntry *e = g_ptr_array_index (entries, i);
      floats_from_le (e->data, bytes + e->begin, e->t.n);
      g_ptr_array_add (st->entries, e);
      g_hash_table_insert (st->by_name, e->name, e);
    }
  /* The entries now belong to the file object. */
  g_ptr_array_set_free_func (entries, NULL);
  return g_steal_pointer (&st);
}

CariSafetensors *
cari_safetensors_read (const char *path, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GMappedFile) map = g_mapped_file_new (path, FALSE, &local);
  if (map == NULL)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot read safetensors file “%s”: %s"),
                   path, local->message);
      return NULL;
    }
  return cari_safetensors_parse ((const guint8 *) g_mapped_file_get_contents (map),
                                 g_mapped_file_get_length (map), path, error);
}
