/* error.c — the CARI_ERROR domain. */
#include "core/error.h"

#include <stdatomic.h>

/* Not G_DEFINE_QUARK: its plain static is written by whichever thread first sets an error, and
 * two pool threads failing at once (two bad images in an import's check) raced on it. Both
 * would store the same value, but the race is real: an atomic makes it well defined. */
GQuark
cari_error_quark (void)
{
  static _Atomic GQuark quark;
  GQuark q = atomic_load_explicit (&quark, memory_order_acquire);
  if (q == 0)
    {
      q = g_quark_from_static_string ("cari-error-quark");
      atomic_store_explicit (&quark, q, memory_order_release);
    }
  return q;
}

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
