/* webcari-private.h — what the image scan (webcari.c) and the protocol files
 * (webcari-protocols.c) share while importing WebCaricature. */
#pragma once

#include "data/webcari.h"

G_BEGIN_DECLS

/* Landmarks per image, and the folds of a verification view. */
#define N_LANDMARKS 17
#define N_FOLDS 10

/* An import in progress. */
typedef struct
{
  CariDatasetIndex *index;
  CariFingerprint *fp;
  char *root;
  GHashTable *identity_exact; /* name -> index + 1 */
  GHashTable *identity_loose; /* folded, whitespace-collapsed name -> index + 1 */
  GHashTable *images;         /* "<identity>\t<ID>" -> image index + 1 */
  GHashTable *seen;           /* keys of protocol rows already added */
} CariWebcariImport;

/* The path relative to the root, for the fingerprint. */
const char *cari_webcari_rel_of (CariWebcariImport *imp, const char *path);
/* The index of an identity folder by its name (exact, else folded), or −1. */
int         cari_webcari_lookup_identity (CariWebcariImport *imp, const char *name);
/* The index of an image of an identity by its ID ("C00001"), or −1. */
int         cari_webcari_lookup_image (CariWebcariImport *imp, int identity, const char *id);
/* Protocol rows, each added once. */
void        cari_webcari_add_subject (CariWebcariImport *imp, const char *protocol, int fold,
                                      guint8 role, int identity);
void        cari_webcari_add_protocol_image (CariWebcariImport *imp, const char *protocol,
                                             int fold, const char *set, int image);

/* webcari-protocols.c: the verification and identification protocol files. */
gboolean cari_webcari_import_protocols (CariWebcariImport *imp, GError **error);

G_END_DECLS
