/* npy.c — NumPy's .npy arrays: a strict reader of the header's dict literal and of the data, and
 * a writer of float32 arrays.
 *
 * The header is a Python literal, but only the three keys NumPy writes, each once, in any order,
 * with string, boolean and tuple-of-integers values, are read: a small parser over the exact
 * bytes rather than anything that evaluates Python. Every length is checked before it is used,
 * and the data must be exactly what the shape and type ask for (no trailing bytes).
 */
#include "interop/npy.h"

#include "core/error.h"
#include "core/i18n.h"
#include "interop/atomic-file.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>

/* Floats and integers are copied as the host stores them. */
G_STATIC_ASSERT (G_BYTE_ORDER == G_LITTLE_ENDIAN);

#define MAGIC "\x93NUMPY"
#define MAGIC_LEN 6
/* Header strings are short ('<f4'); longer ones are refused before they reach a message. */
#define MAX_STRING 32

typedef enum
{
  NPY_F4,
  NPY_F8,
  NPY_I4,
  NPY_I8,
} NpyType;

typedef struct
{
  NpyType type;
  char descr[MAX_STRING + 1];
  int ndim;
  gint64 shape[CARI_NPY_MAX_DIMS];
  size_t n;
  const guint8 *data; /* n values of the type's size */
} NpyView;

void
cari_array_free (CariArray *a)
{
  if (a == NULL)
    return;
  g_free (a->data);
  g_free (a);
}

/* ---------------------------------------------------------------------------- header */

typedef struct
{
  const char *name;              /* the file, for messages */
  const guint8 *start, *p, *end; /* the header text */
} Cursor;

static gboolean
corrupt (GError **error, const char *name, const char *why)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT, _("Array “%s”: %s"), name, why);
  return FALSE;
}

/* A syntax error at the cursor: what was expected, and where in the header. */
static gboolean
syntax (Cursor *c, GError **error, const char *expected)
{
  g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
               _("Array “%s”: header byte %zu: expected %s"), c->name, (size_t) (c->p - c->start),
               expected);
  return FALSE;
}

static void
skip_space (Cursor *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

static gboolean
take (Cursor *c, char ch)
{
  skip_space (c);
  if (c->p < c->end && *c->p == (guint8) ch)
    {
      c->p++;
      return TRUE;
    }
  return FALSE;
}

/* A quoted Python string of printable ASCII without escapes, into out (MAX_STRING + 1). */
static gboolean
parse_string (Cursor *c, char *out, GError **error)
{
  skip_space (c);
  if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
    return syntax (c, error, _("a quoted string"));
  guint8 quote = *c->p++;
  size_t len = 0;
  while (c->p < c->end && *c->p != quote)
    {
      if (*c->p < 0x20 || *c->p > 0x7e || *c->p == '\\')
        return syntax (c, error, _("a plain ASCII character in a string"));
      if (len == MAX_STRING)
        return syntax (c, error, _("a string of at most 32 characters"));
      out[len++] = (char) *c->p++;
    }
  if (c->p >= c->end)
    return syntax (c, error, _("the string's closing quote"));
  c->p++;
  out[len] = '\0';
  return TRUE;
}

static gboolean
take_word (Cursor *c, const char *word)
{
  size_t len = strlen (word);
  if ((size_t) (c->end - c->p) < len || memcmp (c->p, word, len) != 0)
    return FALSE;
  /* "Truex" is a name, not True. */
  if ((size_t) (c->end - c->p) > len && (g_ascii_isalnum (c->p[len]) || c->p[len] == '_'))
    return FALSE;
  c->p += len;
  return TRUE;
}

static gboolean
parse_bool (Cursor *c, gboolean *value, GError **error)
{
  skip_space (c);
  if (take_word (c, "True"))
    *value = TRUE;
  else if (take_word (c, "False"))
    *value = FALSE;
  else
    return syntax (c, error, _("True or False for “fortran_order”"));
  return TRUE;
}

/* A dimension: a decimal integer (Python 2's "3L" too), no sign, no leading zero. */
static gboolean
parse_dimension (Cursor *c, gint64 *value, GError **error)
{
  gint64 v = 0;
  skip_space (c);
  if (c->p < c->end && *c->p == '-')
    return syntax (c, error, _("a dimension of zero or more, not a negative one"));
  if (c->p >= c->end || !g_ascii_isdigit (*c->p))
    return syntax (c, error, _("a dimension (a whole number)"));
  if (*c->p == '0' && c->p + 1 < c->end && g_ascii_isdigit (c->p[1]))
    return syntax (c, error, _("a dimension without leading zeros"));
  while (c->p < c->end && g_ascii_isdigit (*c->p))
    {
      int d = *c->p - '0';
      if (v > (G_MAXINT64 - d) / 10)
        return syntax (c, error, _("a dimension below 2⁶³"));
      v = v * 10 + d;
      c->p++;
    }
  if (c->p < c->end && *c->p == 'L')
    c->p++;
  *value = v;
  return TRUE;
}

/* (), (3,), (3, 4), (3, 4,): a tuple; (3) is an integer and not a shape. */
static gboolean
parse_shape (Cursor *c, NpyView *v, GError **error)
{
  gboolean comma = FALSE;

  v->ndim = 0;
  if (!take (c, '('))
    return syntax (c, error, _("a tuple such as (64, 128) for “shape”"));
  if (take (c, ')'))
    return TRUE;
  for (;;)
    {
      if (v->ndim == CARI_NPY_MAX_DIMS)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                       _("Array “%s”: field “shape” has more than %d dimensions"), c->name,
                       CARI_NPY_MAX_DIMS);
          return FALSE;
        }
      if (!parse_dimension (c, &v->shape[v->ndim++], error))
        return FALSE;
      if (take (c, ','))
        {
          comma = TRUE;
          if (take (c, ')'))
            return TRUE;
          continue;
        }
      if (take (c, ')'))
        {
          if (v->ndim == 1 && !comma)
            return syntax (c, error, _("a comma in a one-dimensional shape, as in (3,)"));
          return TRUE;
        }
      return syntax (c, error, _("“,” or “)” in “shape”"));
    }
}

enum
{
  KEY_DESCR = 1 << 0,
  KEY_FORTRAN = 1 << 1,
  KEY_SHAPE = 1 << 2,
};

static gboolean
parse_dict (Cursor *c, NpyView *v, gboolean *fortran, GError **error)
{
  guint seen = 0;

  if (!take (c, '{'))
    return syntax (c, error, _("“{” opening the header's dictionary"));
  for (;;)
    {
      char key[MAX_STRING + 1];
      guint bit;

      if (take (c, '}'))
        break;
      if (!parse_string (c, key, error))
        return FALSE;
      if (strcmp (key, "descr") == 0)
        bit = KEY_DESCR;
      else if (strcmp (key, "fortran_order") == 0)
        bit = KEY_FORTRAN;
      else if (strcmp (key, "shape") == 0)
        bit = KEY_SHAPE;
      else
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                       _("Array “%s”: unknown header field “%s” (expected descr, fortran_order "
                         "and shape)"),
                       c->name, key);
          return FALSE;
        }
      if (seen & bit)
        {
          g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                       _("Array “%s”: header field “%s” appears twice"), c->name, key);
          return FALSE;
        }
      seen |= bit;
      if (!take (c, ':'))
        return syntax (c, error, _("“:” after a key"));
      if (bit == KEY_DESCR)
        {
          skip_space (c);
          if (c->p < c->end && (*c->p == '[' || *c->p == '{'))
            {
              g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                           _("Array “%s”: field “descr” is a structured type; only plain float "
                             "or integer arrays are read"),
                           c->name);
              return FALSE;
            }
          if (!parse_string (c, v->descr, error))
            return FALSE;
        }
      else if (bit == KEY_FORTRAN)
        {
          if (!parse_bool (c, fortran, error))
            return FALSE;
        }
      else if (!parse_shape (c, v, error))
        return FALSE;
      if (take (c, ','))
        continue;
      if (take (c, '}'))
        break;
      return syntax (c, error, _("“,” or “}” after a value"));
    }
  skip_space (c);
  if (c->p != c->end)
    return syntax (c, error, _("only spaces and a newline after the dictionary"));

  static const struct
  {
    guint bit;
    const char *key;
  } required[] = { { KEY_DESCR, "descr" }, { KEY_FORTRAN, "fortran_order" },
                   { KEY_SHAPE, "shape" } };
  for (size_t i = 0; i < G_N_ELEMENTS (required); i++)
    if (!(seen & required[i].bit))
      {
        g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                     _("Array “%s”: the header has no “%s” field"), c->name, required[i].key);
        return FALSE;
      }
  return TRUE;
}

static gboolean
parse_type (const char *name, NpyView *v, GError **error)
{
  static const struct
  {
    const char *descr;
    NpyType type;
  } known[] = { { "<f4", NPY_F4 }, { "<f8", NPY_F8 }, { "<i4", NPY_I4 }, { "<i8", NPY_I8 } };

  for (size_t i = 0; i < G_N_ELEMENTS (known); i++)
    if (strcmp (v->descr, known[i].descr) == 0)
      {
        v->type = known[i].type;
        return TRUE;
      }
  if (v->descr[0] == '>')
    g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                 _("Array “%s”: field “descr” is “%s”, big-endian data; save the array "
                   "little-endian (for instance with astype('<f4'))"),
                 name, v->descr);
  else if (strchr (v->descr, 'O') != NULL)
    g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                 _("Array “%s”: field “descr” is “%s”, an array of Python objects, which is "
                   "never read"),
                 name, v->descr);
  else
    g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                 _("Array “%s”: field “descr” is “%s”; the types read are <f4, <f8, <i4 and <i8"),
                 name, v->descr);
  return FALSE;
}

static size_t
item_size (NpyType type)
{
  return type == NPY_F4 || type == NPY_I4 ? 4 : 8;
}

/* "(64, 128)" for messages. */
static char *
shape_text (int ndim, const gint64 *shape)
{
  GString *s = g_string_new ("(");
  for (int i = 0; i < ndim; i++)
    g_string_append_printf (s, i > 0 ? ", %" G_GINT64_FORMAT : "%" G_GINT64_FORMAT, shape[i]);
  g_string_append (s, ndim == 1 ? ",)" : ")");
  return g_string_free (s, FALSE);
}

/* Check the file's framing and header, and that the data is exactly the shape's. */
static gboolean
parse_view (const guint8 *data, size_t len, const char *name, NpyView *v, GError **error)
{
  size_t prefix, header_len;
  gboolean fortran = FALSE;

  memset (v, 0, sizeof *v);
  if (len < MAGIC_LEN + 2 || memcmp (data, MAGIC, MAGIC_LEN) != 0)
    return corrupt (error, name,
                    _("not a .npy array (it does not start with NumPy's magic bytes)"));
  int major = data[6], minor = data[7];
  if (major == 1 && minor == 0)
    prefix = 10;
  else if ((major == 2 || major == 3) && minor == 0)
    prefix = 12;
  else
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_VERSION,
                   _("Array “%s”: format version %d.%d; versions 1.0, 2.0 and 3.0 are read"),
                   name, major, minor);
      return FALSE;
    }
  if (len < prefix)
    return corrupt (error, name, _("the file ends inside the header length"));
  header_len = prefix == 10 ? (size_t) data[8] | (size_t) data[9] << 8
                            : (size_t) data[8] | (size_t) data[9] << 8
                                | (size_t) data[10] << 16 | (size_t) data[11] << 24;
  if (header_len > len - prefix)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                   _("Array “%s”: the header of %zu bytes runs past the end of the file "
                     "(%zu bytes)"),
                   name, header_len, len);
      return FALSE;
    }

  Cursor c = { name, data + prefix, data + prefix, data + prefix + header_len };
  if (!parse_dict (&c, v, &fortran, error))
    return FALSE;
  if (!parse_type (name, v, error))
    return FALSE;
  if (fortran)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                   _("Array “%s”: field “fortran_order” is True; save the array in C order "
                     "(numpy.ascontiguousarray)"),
                   name);
      return FALSE;
    }

  size_t n = 1, bytes;
  gboolean fits = TRUE;
  for (int i = 0; i < v->ndim; i++)
    fits = fits && (guint64) v->shape[i] <= G_MAXSIZE
           && g_size_checked_mul (&n, n, (size_t) v->shape[i]);
  fits = fits && g_size_checked_mul (&bytes, n, item_size (v->type));
  size_t present = len - prefix - header_len;
  if (!fits || bytes != present)
    {
      g_autofree char *shape = shape_text (v->ndim, v->shape);
      if (!fits)
        g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                     _("Array “%s”: field “shape” %s is too large for memory"), name, shape);
      else
        g_set_error (error, CARI_ERROR, CARI_ERROR_CORRUPT,
                     _("Array “%s”: field “shape” %s of “%s” needs %zu bytes of data, the file "
                       "holds %zu"),
                     name, shape, v->descr, bytes, present);
      return FALSE;
    }
  v->n = n;
  v->data = data + prefix + header_len;
  return TRUE;
}

static gpointer
alloc_values (size_t n, size_t size, const char *name, GError **error)
{
  gpointer p = g_try_malloc (MAX (n, 1) * size);
  if (p == NULL)
    g_set_error (error, CARI_ERROR, CARI_ERROR_NO_MEMORY,
                 _("Array “%s”: out of memory for %zu values"), name, n);
  return p;
}

/* ---------------------------------------------------------------------------- reading */

CariArray *
cari_npy_parse (const guint8 *data, size_t len, const char *name, GError **error)
{
  NpyView v;

  if (!parse_view (data, len, name, &v, error))
    return NULL;
  if (v.type != NPY_F4 && v.type != NPY_F8)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                   _("Array “%s”: field “descr” is “%s”, integers, where floating-point values "
                     "are expected"),
                   name, v.descr);
      return NULL;
    }
  g_autofree float *values = alloc_values (v.n, sizeof (float), name, error);
  if (values == NULL)
    return NULL;
  if (v.type == NPY_F4)
    memcpy (values, v.data, v.n * sizeof (float));
  else
    for (size_t i = 0; i < v.n; i++)
      {
        double d;
        memcpy (&d, v.data + i * 8, 8);
        /* NaN and infinities stay what they are, as in a float32 file; a finite value beyond
         * float32's range would silently become infinite. */
        if (isfinite (d) && fabs (d) > FLT_MAX)
          {
            g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                         _("Array “%s”: value %zu (%g) is outside the range of float32"), name, i,
                         d);
            return NULL;
          }
        values[i] = (float) d;
      }

  CariArray *a = g_new0 (CariArray, 1);
  a->ndim = v.ndim;
  memcpy (a->shape, v.shape, sizeof a->shape);
  a->n = v.n;
  a->data = g_steal_pointer (&values);
  return a;
}

gboolean
cari_npy_parse_ints (const guint8 *data, size_t len, const char *name, int **values, int *ndim,
                     gint64 *shape, size_t *n, GError **error)
{
  NpyView v;

  *values = NULL;
  if (!parse_view (data, len, name, &v, error))
    return FALSE;
  if (v.type != NPY_I4 && v.type != NPY_I8)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                   _("Array “%s”: field “descr” is “%s” where integers (<i4 or <i8) are "
                     "expected"),
                   name, v.descr);
      return FALSE;
    }
  g_autofree int *out = alloc_values (v.n, sizeof (int), name, error);
  if (out == NULL)
    return FALSE;
  if (v.type == NPY_I4)
    memcpy (out, v.data, v.n * sizeof (int));
  else
    for (size_t i = 0; i < v.n; i++)
      {
        gint64 x;
        memcpy (&x, v.data + i * 8, 8);
        if (x < INT_MIN || x > INT_MAX)
          {
            g_set_error (error, CARI_ERROR, CARI_ERROR_MISMATCH,
                         _("Array “%s”: value %zu (%lld) is outside the range of int"), name,
                         i, (long long) x);
            return FALSE;
          }
        out[i] = (int) x;
      }
  if (ndim != NULL)
    *ndim = v.ndim;
  if (shape != NULL)
    memcpy (shape, v.shape, sizeof v.shape);
  if (n != NULL)
    *n = v.n;
  *values = g_steal_pointer (&out);
  return TRUE;
}

static GMappedFile *
map_file (const char *path, GError **error)
{
  g_autoptr (GError) local = NULL;
  GMappedFile *file = g_mapped_file_new (path, FALSE, &local);
  if (file == NULL)
    g_set_error (error, CARI_ERROR, CARI_ERROR_IO, _("Cannot read array “%s”: %s"), path,
                 local->message);
  return file;
}

CariArray *
cari_npy_read (const char *path, GError **error)
{
  g_autoptr (GMappedFile) file = map_file (path, error);
  if (file == NULL)
    return NULL;
  return cari_npy_parse ((const guint8 *) g_mapped_file_get_contents (file),
                         g_mapped_file_get_length (file), path, error);
}

gboolean
cari_npy_read_ints (const char *path, int **values, int *ndim, gint64 *shape, size_t *n,
                    GError **error)
{
  *values = NULL;
  g_autoptr (GMappedFile) file = map_file (path, error);
  if (file == NULL)
    return FALSE;
  return cari_npy_parse_ints ((const guint8 *) g_mapped_file_get_contents (file),
                              g_mapped_file_get_length (file), path, values, ndim, shape, n,
                              error);
}

/* ---------------------------------------------------------------------------- writing */

gboolean
cari_npy_write (const char *path, int ndim, const gint64 *shape, const float *data,
                GError **error)
{
  size_t n = 1, bytes;

  if (ndim < 0 || ndim > CARI_NPY_MAX_DIMS)
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Array “%s”: %d dimensions, where 0 to %d can be written"), path, ndim,
                   CARI_NPY_MAX_DIMS);
      return FALSE;
    }
  for (int i = 0; i < ndim; i++)
    if (shape[i] < 0 || (guint64) shape[i] > G_MAXSIZE
        || !g_size_checked_mul (&n, n, (size_t) shape[i]))
      {
        g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                     _("Array “%s”: dimension %d (%lld) cannot be written"), path, i,
                     (long long) shape[i]);
        return FALSE;
      }
  if (!g_size_checked_mul (&bytes, n, sizeof (float)))
    {
      g_set_error (error, CARI_ERROR, CARI_ERROR_INVALID_ARGUMENT,
                   _("Array “%s”: too many values to write"), path);
      return FALSE;
    }

  g_autofree char *dims = shape_text (ndim, shape);
  GString *header = g_string_new (MAGIC "\x01");
  g_string_append_c (header, '\0');
  g_string_append (header, "  "); /* the header length, below */
  g_string_append_printf (header, "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }",
                          dims);
  /* Spaces and a final newline up to a multiple of 64 bytes, as NumPy pads, so the data is
   * aligned when the file is mapped. */
  size_t total = (header->len + 1 + 63) / 64 * 64;
  while (header->len + 1 < total)
    g_string_append_c (header, ' ');
  g_string_append_c (header, '\n');
  size_t header_len = header->len - 10;
  g_assert (header_len <= G_MAXUINT16);
  header->str[8] = (char) (header_len & 0xff);
  header->str[9] = (char) (header_len >> 8);

  CariFileChunk chunks[] = { { header->str, header->len }, { data, bytes } };
  gboolean ok = cari_atomic_file_write (path, chunks, G_N_ELEMENTS (chunks), error);
  g_string_free (header, TRUE);
  return ok;
}
