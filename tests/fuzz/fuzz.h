/* fuzz.h — the libFuzzer entry point every target defines. Built with clang's -fsanitize=fuzzer
 * for fuzzing; built with replay.c instead, by any compiler, to replay the seed corpus as an
 * ordinary test. */
#pragma once

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
