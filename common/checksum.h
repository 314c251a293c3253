// CRC-32C (Castagnoli), the checksum of every page, manifest and WAL record.
// CRC-32C detects all single-bit errors and all bursts up to 32 bits; it uses
// the SSE4.2 instruction when the CPU has it.
#ifndef RUZU_COMMON_CHECKSUM_H_
#define RUZU_COMMON_CHECKSUM_H_

#include <cstddef>
#include <cstdint>

namespace ruzu {

// Extends `crc` (0 to start) over `n` bytes at `data`.
uint32_t Crc32c(const void* data, size_t n, uint32_t crc = 0);

}  // namespace ruzu

#endif  // RUZU_COMMON_CHECKSUM_H_
