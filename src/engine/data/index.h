/* index.h — a dataset's index in memory: its identities, images (with landmarks) and protocols,
 * as an importer (data/webcari.h, data/cavi.h, data/folder.h) builds it from a folder and the run
 * store keeps it (cari_store_import_dataset, cari_store_load_dataset).
 *
 * Protocols use the canonical names of docs/ARCHITECTURE.md: "webcari.restricted",
 * "webcari.unrestricted", "webcari.c2p", "webcari.p2c" and "cavi.pairs". Folds are 1..10 for the
 * ten-fold views and 0 for the development view (WebCaricature's View1, DevTrain/DevTest).
 *
 * Problems an importer can work around (a zero-byte image, a protocol line naming an unknown
 * image, a landmark file with a bad number) are skipped and recorded in `warnings`, each with its
 * file and line; problems it cannot work around are a GError.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One image. */
typedef struct
{
  int identity;     /* index into CariDatasetIndex.identities */
  guint8 modality;  /* CariModality (data/source.h) */
  char *path;       /* relative to the index's root, '/' separators */
  int n_landmarks;  /* 0 when none */
  float *landmarks; /* [n_landmarks, 2]: x y in the original image's pixels, or NULL */
} CariIndexImage;

/* One verification pair of a protocol fold. */
typedef struct
{
  char *protocol;
  int fold;
  guint8 role; /* CariRole: 0 train, 1 validation, 2 test */
  int a, b;    /* image indices (the caricature first where the protocol says so) */
  gboolean same;
} CariIndexPair;

/* One image of a protocol fold's image list. Galleries and probes have role test (2) and `set`
 * "gallery" or "probe"; other lists have `set` "train" (role train), "validation" or "test". */
typedef struct
{
  char *protocol;
  int fold;
  guint8 role;
  char *set;
  int image;
} CariIndexProtocolImage;

/* One subject of a protocol fold's subject list (WebCaricature's unrestricted view, FR_Train). */
typedef struct
{
  char *protocol;
  int fold;
  guint8 role;
  int identity;
} CariIndexSubject;

/* Something the importer skipped or found odd. `line` is 0 when it concerns a whole file. */
typedef struct
{
  char *file;
  int line;
  char *message;
} CariIndexWarning;

typedef struct
{
  char *name;
  char *kind; /* "webcari", "cavi" or "folder" */
  char *root; /* the folder image paths are relative to */
  char *fingerprint; /* SHA-256 hex of the files (see CariFingerprint); NULL when unknown */
  GPtrArray *identities;     /* of char *: names as the dataset spells them */
  GArray *images;            /* of CariIndexImage */
  GArray *pairs;             /* of CariIndexPair */
  GArray *protocol_images;   /* of CariIndexProtocolImage */
  GArray *subjects;          /* of CariIndexSubject */
  GArray *warnings;          /* of CariIndexWarning */
  guint skipped_images;      /* images the import dropped because they cannot be decoded */
  guint dropped_rows;        /* protocol rows dropped with them */
} CariDatasetIndex;

/* An import's progress: the fraction done and what it is doing; FALSE cancels. */
typedef gboolean (*CariImportProgress) (double fraction, const char *what, gpointer user_data);

CariDatasetIndex *cari_dataset_index_new (const char *name, const char *kind, const char *root);
/* NULL-safe. */
void cari_dataset_index_free (CariDatasetIndex *index);
/* The index of the identity `name`, added at the end when new. */
int  cari_dataset_index_add_identity (CariDatasetIndex *index, const char *name);
/* Records a warning about `file` (line 0: the whole file). */
void cari_dataset_index_warn (CariDatasetIndex *index, const char *file, int line,
                              const char *format, ...) G_GNUC_PRINTF (4, 5);

/* Appending rows; strings are copied, `landmarks` ([n, 2] floats) too. Return the new row's
 * index. */
int  cari_dataset_index_add_image (CariDatasetIndex *index, int identity, guint8 modality,
                                   const char *path, const float *landmarks, int n_landmarks);
void cari_dataset_index_add_pair (CariDatasetIndex *index, const char *protocol, int fold,
                                  guint8 role, int a, int b, gboolean same);
void cari_dataset_index_add_protocol_image (CariDatasetIndex *index, const char *protocol,
                                            int fold, guint8 role, const char *set, int image);
void cari_dataset_index_add_subject (CariDatasetIndex *index, const char *protocol, int fold,
                                     guint8 role, int identity);

/* A row of any of the protocol lists (pairs, image lists, subject lists), for what reads them
 * alike: its protocol, fold and role, the images it names and a subject's identity. */
typedef struct
{
  const char *protocol; /* borrowed from the index */
  int fold;
  guint8 role;          /* CariRole */
  int n_images;         /* 2 for a pair, 1 for an image-list entry, 0 for a subject */
  int images[2];
  int identity;         /* a subject's; −1 for the others */
} CariProtocolRow;

/* The protocol rows: the pairs, then the image-list entries, then the subjects. */
guint cari_dataset_index_n_protocol_rows (const CariDatasetIndex *index);
void  cari_dataset_index_get_protocol_row (const CariDatasetIndex *index, guint i,
                                           CariProtocolRow *row);

/* An importer's last step: every image decoded once (in parallel on the engine's pool, reduced
 * as far as the decoders go, by content, within the default CariImageLimits); each that cannot be
 * is dropped with a warning naming it and why, and so are the protocol rows naming it (the other
 * rows renumbered), counted in `skipped_images` and `dropped_rows`. `progress` (may be NULL) is
 * called between chunks. CARI_ERROR_CANCELLED when it cancels; CARI_ERROR_CORRUPT, naming the
 * root and the first image's problem, when no image can be decoded. */
gboolean cari_dataset_index_check_images (CariDatasetIndex *index, CariImportProgress progress,
                                          gpointer user_data, GError **error);

/* --- helpers shared by the importers ---------------------------------------------------------- */

/* A dataset's fingerprint: a SHA-256 over the sorted relative paths of its files with their sizes,
 * and over the contents of the text files the importer read (protocols, landmarks, lists). Cheap:
 * no image is read. The same files give the same digest whatever order they were added in. */
typedef struct _CariFingerprint CariFingerprint;

CariFingerprint *cari_fingerprint_new (void);
void  cari_fingerprint_add_file (CariFingerprint *fp, const char *relpath, gint64 size);
void  cari_fingerprint_add_contents (CariFingerprint *fp, const char *relpath, const char *data,
                                     gsize length);
/* The hex digest; frees `fp`. */
char *cari_fingerprint_finish (CariFingerprint *fp);
/* Frees `fp` (may be NULL) without a digest: an import that failed. */
void  cari_fingerprint_free (CariFingerprint *fp);
/* The end of an import: `*index` with the digest of `*fp` when `ok`, else NULL (both freed).
 * Takes both either way. */
CariDatasetIndex *cari_dataset_index_finish (CariDatasetIndex **index, CariFingerprint **fp,
                                             gboolean ok);

/* The file a data set's writer (cari_syncari_generate) keeps in its folder while writing it. */
#define CARI_INDEX_INCOMPLETE_MARKER ".carilab-incomplete"

/* An importer's `root`, canonical (newly allocated); NULL, with `error` set to `message` (a
 * format, `root` its argument), when it is not a folder; INVALID_ARGUMENT when it holds the
 * incomplete marker. */
char *cari_index_canonical_root (const char *root, GError **error, const char *message, ...)
  G_GNUC_PRINTF (3, 4);

/* The entries of `dir` as a table from their case-folded name to their name on disk (an entry
 * whose folded name is taken by another keeps the first in byte order). NULL, with `error` set,
 * when `dir` cannot be read. */
GHashTable *cari_index_list_dir (const char *dir, GError **error);
/* The names of the entries of `dir` (newly allocated), sorted in byte order, without the
 * ignored ones (cari_index_is_ignored_name) when `skip_ignored`. NULL, with `error` set, when
 * `dir` cannot be read. */
GPtrArray  *cari_index_read_dir (const char *dir, gboolean skip_ignored, GError **error);
/* The names on disk of a table from cari_index_list_dir (borrowed from it), sorted, without the
 * ignored ones when `skip_ignored`. */
GPtrArray  *cari_index_table_names (GHashTable *table, gboolean skip_ignored);
/* The entry of `dir` whose name equals `name` ignoring case (the exact name first); newly
 * allocated, NULL when there is none. */
char *cari_index_find_entry (const char *dir, const char *name);

/* Reads a text file into lines: CR LF and CR end lines too, a byte-order mark is dropped, and
 * text that is not UTF-8 is read as Latin-1. `contents` and `length` (may be NULL) receive the
 * raw bytes (for the fingerprint). */
GPtrArray *cari_index_read_lines (const char *path, char **contents, gsize *length,
                                  GError **error);

/* A path from a protocol file, with '\' read as '/', "./" and doubled separators removed; NULL
 * when it is absolute (/x, \x, C:\x) or has a ".." component, i.e. could leave the root. */
char *cari_index_clean_path (const char *path);

/* TRUE for the file names importers take as images (.jpg, .jpeg, .png, .bmp, .ppm, .pgm, .tif,
 * .tiff, .webp, any case). */
gboolean cari_index_is_image_name (const char *name);
/* Hidden files and the litter of file managers (Thumbs.db, desktop.ini). */
gboolean cari_index_is_ignored_name (const char *name);
/* Orders an array of strings (for g_ptr_array_sort and qsort). */
int      cari_index_compare_strings (gconstpointer a, gconstpointer b);

/* Parses "x y" lines of landmarks (floats, scientific notation allowed, spaces or tabs between
 * them, blank lines ignored). FALSE, with the offending line in *bad_line (0: wrong count), when a
 * line is not two finite numbers or there are not `expected` points (expected ≤ 0: any number
 * > 0). */
gboolean cari_index_parse_landmarks (GPtrArray *lines, int expected, float **points, int *n,
                                     int *bad_line);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariDatasetIndex, cari_dataset_index_free)

G_END_DECLS
