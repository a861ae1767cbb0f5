/* config-private.h — the key table's types, shared by config.c (parsing, validation, the
 * canonical text) and config-special.c (the keys parsed by hand: lists and names). */
#pragma once

#include "train/config.h"

#include <stddef.h>

typedef enum
{
  K_INT,
  K_U64,
  K_DOUBLE,
  K_FLOAT,
  K_BOOL,
  K_STRING,
  K_SPECIAL, /* parsed by hand: lists and names */
} KeyType;

typedef struct
{
  const char *group;
  const char *key;
  KeyType type;
  size_t offset;   /* into CariRunConfig */
  const char *def; /* NULL: the model preset's value */
  double min, max;
} KeySpec;

gboolean cari_config_bad_value (GError **error, const KeySpec *k, const char *value,
                                const char *why);
/* A number within the key's [min, max]; whole for K_INT and K_U64. */
gboolean cari_config_parse_number (const KeySpec *k, const char *value, double *out,
                                   GError **error);
/* A K_SPECIAL key's value into `cfg`; errors name the key. */
gboolean cari_config_parse_special (CariRunConfig *cfg, const KeySpec *k, const char *value,
                                    GError **error);
/* A K_SPECIAL key's value as the canonical text writes it; newly allocated. */
char    *cari_config_format_special (const CariRunConfig *cfg, const KeySpec *k);
