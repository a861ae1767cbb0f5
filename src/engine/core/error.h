/* error.h — the engine's GError domain and status codes.
 *
 * Every fallible engine function takes a GError ** and sets an error in the CARI_ERROR domain
 * whose message names the file, line, key or parameter at fault. Messages are user-visible and
 * therefore translated (gettext domain "carilab").
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CARI_ERROR (cari_error_quark ())

typedef enum
{
  CARI_ERROR_INVALID_ARGUMENT, /* a parameter out of range or inconsistent with another */
  CARI_ERROR_NO_MEMORY,        /* an allocation the caller asked for could not be made */
  CARI_ERROR_IO,               /* reading or writing a file failed */
  CARI_ERROR_CORRUPT,          /* a file is damaged: bad checksum, truncated, bad field */
  CARI_ERROR_VERSION,          /* a file of a format version this build cannot read */
  CARI_ERROR_MISMATCH,         /* a file that does not fit what it is loaded into */
  CARI_ERROR_CANCELLED,        /* the host asked to stop */
  CARI_ERROR_DIVERGED,         /* a loss or weight became NaN or infinite */
  CARI_ERROR_LOCKED,           /* a database stayed locked by another connection */
  CARI_ERROR_READ_ONLY,        /* a database or file can only be read */
  CARI_ERROR_FULL,             /* a database or disk is full */
  CARI_ERROR_NOT_FOUND,        /* a run, dataset or key that does not exist */
  CARI_ERROR_BUSY,             /* a run another live process is executing */
} CariErrorCode;

GQuark       cari_error_quark (void);
const char  *cari_error_code_to_string (CariErrorCode code);

G_END_DECLS
