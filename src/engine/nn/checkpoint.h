/* checkpoint.h — versioned, checksummed checkpoints made of tagged sections.
 *
 * A checkpoint is a header and a list of sections, each a four-character tag, a length, a CRC-32
 * and a payload. Readers skip tags they do not know, so later versions add state (sampler
 * position, center tables, …) without a new format. Files are written atomically (temporary
 * file, fsync, rename, fsync of the folder). See docs/checkpoints.md.
 */
#pragma once

#include "core/rng.h"
#include "nn/net.h"
#include "nn/optimizer.h"

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Version 2 covers every byte of the file by a checksum; version 1 files are still read. */
#define CARI_CHECKPOINT_VERSION 2

typedef struct _CariCheckpoint CariCheckpoint;

CariCheckpoint *cari_checkpoint_new (void);
void            cari_checkpoint_free (CariCheckpoint *ck);

/* Add a section (the payload is copied). A tag is four printable ASCII characters. */
void     cari_checkpoint_add (CariCheckpoint *ck, const char *tag, const void *data, size_t len);
/* The payload of a section, or NULL when absent. */
const void *cari_checkpoint_get (const CariCheckpoint *ck, const char *tag, size_t *len);
guint    cari_checkpoint_n_sections (const CariCheckpoint *ck);

gboolean cari_checkpoint_write (const CariCheckpoint *ck, const char *path, GError **error);
/* Validates the magic, the version, every length and every checksum before returning. */
CariCheckpoint *cari_checkpoint_read (const char *path, GError **error);
/* The bytes cari_checkpoint_write would write, and a checkpoint back from such bytes (checked as
 * a file is; `name` stands for the file in messages), e.g. to hand a trainer's state to the
 * other ranks of a data-parallel run. */
GBytes         *cari_checkpoint_to_bytes (const CariCheckpoint *ck);
CariCheckpoint *cari_checkpoint_from_bytes (GBytes *bytes, const char *name, GError **error);

/* What a checkpoint's header says, read without the rest of the file. */
typedef struct
{
  guint32 version;
  guint32 n_sections;
  guint64 size;     /* the file's length, as the header records it */
  guint32 checksum; /* the header's CRC-32; from version 2 on it covers every section header,
                     * each with its payload's CRC, so it stands for the whole file */
} CariCheckpointInfo;

/* Reads and checks the header of `path` (magic, checksum, version) into *info. */
gboolean cari_checkpoint_read_info (const char *path, CariCheckpointInfo *info, GError **error);

/* Removes the temporary files ("*.ckpt.tmp-XXXXXX") a killed writer left in `dir`; the caller
 * makes sure no writer of its own is at work there. The number removed. */
guint    cari_checkpoint_remove_temporaries (const char *dir);

/* --- the whole training state -------------------------------------------------------------- */

/* Sections ARCH (the network's architecture), PARM, MPAR, BUFS (parameters, module parameters,
 * batch-norm statistics), RNG (the network's dropout generator). */
void     cari_checkpoint_add_net (CariCheckpoint *ck, CariNet *net);
/* Checks every section against the network first and changes nothing unless all fit; a network
 * of another architecture gives CARI_ERROR_MISMATCH naming the first differing parameter. */
gboolean cari_checkpoint_restore_net (const CariCheckpoint *ck, CariNet *net, GError **error);

/* An optimiser's kind, settings, step count and state under `tag` (e.g. "OPTN", "OPTW"). */
void     cari_checkpoint_add_optimizer (CariCheckpoint *ck, const char *tag,
                                        CariOptimizer *opt);
gboolean cari_checkpoint_restore_optimizer (const CariCheckpoint *ck, const char *tag,
                                            CariOptimizer *opt, GError **error);

void     cari_checkpoint_add_u64 (CariCheckpoint *ck, const char *tag, uint64_t value);
gboolean cari_checkpoint_get_u64 (const CariCheckpoint *ck, const char *tag, uint64_t *value,
                                  GError **error);
void     cari_checkpoint_add_string (CariCheckpoint *ck, const char *tag, const char *text);
/* A newly allocated copy of a text section, or NULL with an error. */
char    *cari_checkpoint_get_string (const CariCheckpoint *ck, const char *tag, GError **error);
void     cari_checkpoint_add_rng (CariCheckpoint *ck, const char *tag, const CariRng *rng);
gboolean cari_checkpoint_get_rng (const CariCheckpoint *ck, const char *tag, CariRng *rng,
                                  GError **error);

/* The path the checkpoint was read from (for messages); NULL for a new one. */
const char *cari_checkpoint_get_path (const CariCheckpoint *ck);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CariCheckpoint, cari_checkpoint_free)

G_END_DECLS
