/* syncari-private.h — what the SynCari faces (syncari-face.c) give the generator (syncari.c). */
#pragma once

#include "data/syncari.h"

#include <glib.h>

G_BEGIN_DECLS

/* The face parameters of an identity. */
enum
{
  P_HEAD_W, P_HEAD_H, P_JAW, P_CHIN, P_EYE_Y, P_EYE_DX, P_EYE_W, P_EYE_H, P_BROW_Y, P_BROW_TILT,
  P_BROW_THICK, P_NOSE_LEN, P_NOSE_W, P_MOUTH_Y, P_MOUTH_W, P_LIP, P_EAR, P_HAIR_VOL,
  P_HAIRLINE, N_PARAMS
};

typedef struct
{
  double z[N_PARAMS]; /* deviation from the mean face, in standard deviations */
  int hair_style;     /* 0 short, 1 long, 2 receding, 3 curly */
  double hair[3], skin[3], iris[3];
  gboolean glasses, beard;
} CariSynIdentity;

/* Identity `index` of the set seeded by `seed`: its face parameters, hair, skin, eyes,
 * glasses and beard. */
void cari_syncari_identity_sample (CariSynIdentity *id, guint64 seed, int index);

/* One image: its pixels and its 17 landmarks. */
typedef struct
{
  int size;
  guint8 *rgb;          /* [size, size, 3] */
  double points[17][2]; /* pixels */
} CariSynRendered;

/* Draws image `j` of identity `id` (a photo when `photo`, else a caricature in one of the
 * styles) at S × S into r (r->rgb newly allocated). */
void cari_syncari_render (const CariSynIdentity *id, gboolean photo, guint64 seed, int index,
                          int j, int S, CariSynRendered *r);

G_END_DECLS
