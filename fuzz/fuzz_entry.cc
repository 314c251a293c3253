// libFuzzer's entry point for one target; the BUILD file compiles this file
// once per target with RUZU_FUZZ_ENTRY set to that target's function.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_targets.h"

#ifndef RUZU_FUZZ_ENTRY
#error "RUZU_FUZZ_ENTRY must name a function of fuzz/fuzz_targets.h"
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return ruzu::fuzz::RUZU_FUZZ_ENTRY(data, size);
}
