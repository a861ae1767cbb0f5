/* cpu.h — which instruction set the engine's own hot loops run with.
 *
 * The loops the engine writes itself (Winograd's transforms, im2col and col2im; BLAS has its
 * own dispatch, OPENBLAS_CORETYPE) are compiled once per instruction set from one body and the
 * variant in use is picked at each call from a table indexed by cari_cpu_isa (). That is read
 * once from the environment variable CARI_ISA (avx512, avx2 or baseline; unset, empty or
 * another value means the best the processor has), and never goes above what the processor
 * and the system support, so that CARI_ISA=avx2 on an AVX-512 machine really runs the AVX2
 * code, and a benchmark can compare the paths on one build. cari_cpu_set_isa overrides it
 * (tests).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CARI_ISA_BASELINE, /* the build's target: SSE2 on x86-64 */
  CARI_ISA_AVX2,     /* AVX2 + FMA (Haswell on) */
  CARI_ISA_AVX512,   /* AVX-512 F, VL, BW and DQ (Skylake-X, Zen 4 on) */
  CARI_ISA_N,
} CariIsa;

/* The instruction set in use. */
CariIsa      cari_cpu_isa (void);
/* The best one this processor and system support. */
CariIsa      cari_cpu_isa_best (void);
gboolean     cari_cpu_isa_supported (CariIsa isa);
/* Uses `isa` from now on, or the best supported below it; returns the one in use. */
CariIsa      cari_cpu_set_isa (CariIsa isa);
/* CARI_ISA's values; NULL or empty is the best. FALSE for a name that is none of them. */
gboolean     cari_cpu_isa_parse (const char *name, CariIsa *isa);
const char  *cari_cpu_isa_name (CariIsa isa);

/* Attributes for the variants of a hot loop. FMA is allowed but the build does not contract
 * a·b + c on its own (ISO C mode), so the variants differ only in vector width and rounding
 * stays that of the body as written. */
#if defined(__x86_64__) && defined(__GNUC__)
#define CARI_ISA_X86 1
#define CARI_TARGET_AVX2 __attribute__ ((target ("avx2,fma")))
#if defined(__clang__)
#define CARI_TARGET_AVX512                                                                     \
  __attribute__ ((target ("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma"),                     \
                  min_vector_width (512)))
#else
#define CARI_TARGET_AVX512                                                                     \
  __attribute__ ((target ("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma,"                       \
                          "prefer-vector-width=512")))
#endif
#else
#define CARI_ISA_X86 0
#define CARI_TARGET_AVX2
#define CARI_TARGET_AVX512
#endif

/* Defines `static const type name##_isa[CARI_ISA_N]`: the always-inline function `body`,
 * called with `args`, compiled once per instruction set as functions of `params`
 * (parenthesised lists). Call through name##_isa[cari_cpu_isa ()]. */
#if CARI_ISA_X86
#define CARI_ISA_VARIANTS(type, name, body, params, args)                                      \
  static void name##_baseline params { body args; }                                            \
  CARI_TARGET_AVX2 static void name##_avx2 params { body args; }                               \
  CARI_TARGET_AVX512 static void name##_avx512 params { body args; }                           \
  static const type name##_isa[CARI_ISA_N] = { name##_baseline, name##_avx2, name##_avx512 }
#else
#define CARI_ISA_VARIANTS(type, name, body, params, args)                                      \
  static void name##_baseline params { body args; }                                            \
  static const type name##_isa[CARI_ISA_N] = { name##_baseline, name##_baseline,              \
                                               name##_baseline }
#endif

G_END_DECLS
