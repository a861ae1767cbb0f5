/* randomise.h — what the interop dump tools share. */
#pragma once

#include "nn/net.h"

#include <stdint.h>

/* Give every batch-norm running mean, β and bias a value in [−0.2, 0.2] and every running
 * variance one in [0.5, 1.5], drawn from `seed`: they start at 0 and 1, where a tensor loaded
 * into the wrong place, or folded wrongly, would go unnoticed. */
void interop_randomise_statistics (CariNet *net, uint64_t seed);
