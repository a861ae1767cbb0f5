/* cpu.c — the instruction set of the engine's hot loops: detection and the CARI_ISA switch. */
#include "core/cpu.h"

static const char *const names[CARI_ISA_N] = { "baseline", "avx2", "avx512" };

static gint isa_override = -1;

CariIsa
cari_cpu_isa_best (void)
{
#if CARI_ISA_X86
  /* libgcc's and compiler-rt's checks include the system's support (XGETBV) for the wider
   * registers, not only the processor's. */
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512vl")
      && __builtin_cpu_supports ("avx512bw") && __builtin_cpu_supports ("avx512dq"))
    return CARI_ISA_AVX512;
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return CARI_ISA_AVX2;
#endif
  return CARI_ISA_BASELINE;
}

gboolean
cari_cpu_isa_supported (CariIsa isa)
{
  return (guint) isa < CARI_ISA_N && isa <= cari_cpu_isa_best ();
}

gboolean
cari_cpu_isa_parse (const char *name, CariIsa *isa)
{
  if (name == NULL || *name == '\0')
    {
      *isa = cari_cpu_isa_best ();
      return TRUE;
    }
  for (int i = 0; i < CARI_ISA_N; i++)
    if (g_ascii_strcasecmp (name, names[i]) == 0)
      {
        *isa = (CariIsa) i;
        return TRUE;
      }
  return FALSE;
}

const char *
cari_cpu_isa_name (CariIsa isa)
{
  g_return_val_if_fail ((guint) isa < CARI_ISA_N, "?");
  return names[isa];
}

static CariIsa
isa_from_environment (void)
{
  CariIsa isa;
  if (!cari_cpu_isa_parse (g_getenv ("CARI_ISA"), &isa))
    isa = cari_cpu_isa_best ();
  return MIN (isa, cari_cpu_isa_best ());
}

CariIsa
cari_cpu_isa (void)
{
  static gsize from_environment = 0;
  if (g_once_init_enter (&from_environment))
    g_once_init_leave (&from_environment, (gsize) isa_from_environment () + 1);
  gint set = g_atomic_int_get (&isa_override);
  return set >= 0 ? (CariIsa) set : (CariIsa) (from_environment - 1);
}

CariIsa
cari_cpu_set_isa (CariIsa isa)
{
  g_return_val_if_fail ((guint) isa < CARI_ISA_N, cari_cpu_isa ());
  CariIsa use = MIN (isa, cari_cpu_isa_best ());
  g_atomic_int_set (&isa_override, (gint) use);
  return use;
}
