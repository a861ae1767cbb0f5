/* error.c — the CARI_ERROR domain. */
#include "core/error.h"

G_DEFINE_QUARK (cari-error-quark, cari_error)

const char *
cari_error_code_to_string (CariErrorCode code)
{
  switch (code)
    {
    case CARI_ERROR_INVALID_ARGUMENT: return "invalid-argument";
    case CARI_ERROR_NO_MEMORY: return "no-memory";
    case CARI_ERROR_IO: return "io";
    case CARI_ERROR_CORRUPT: return "corrupt";
    case CARI_ERROR_VERSION: return "version";
    case CARI_ERROR_MISMATCH: return "mismatch";
    case CARI_ERROR_CANCELLED: return "cancelled";
    case CARI_ERROR_DIVERGED: return "diverged";
    case CARI_ERROR_LOCKED: return "locked";
    case CARI_ERROR_READ_ONLY: return "read-only";
    case CARI_ERROR_FULL: return "full";
    case CARI_ERROR_NOT_FOUND: return "not-found";
    case CARI_ERROR_BUSY: return "busy";
    default: return "unknown";
    }
}
