// Helpers shared by WalWriter and WalReader: fixed-width little-endian
// access, the file header and record frames. Internal to //wal.
#ifndef RUZU_WAL_WAL_INTERNAL_H_
#define RUZU_WAL_WAL_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "wal/wal_format.h"

namespace ruzu {
namespace wal_internal {

inline uint32_t LoadU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v |= static_cast<uint32_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}
inline uint64_t LoadU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}
inline void StoreU32(char* p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = static_cast<char>(v >> (8 * i));
}
inline void StoreU64(char* p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = static_cast<char>(v >> (8 * i));
}

// The fields of the file header.
struct WalHeader {
  uint32_t format_version = kWalFormatVersion;
  uint64_t database_id = 0;
  uint64_t salt = 0;
  uint64_t first_lsn = kWalFirstLsn;
};

// The kWalHeaderSize bytes of `header`, checksum included.
std::string EncodeHeader(const WalHeader& header);

enum class HeaderCheck {
  kOk,
  kNotAWal,      // wrong magic
  kBadChecksum,  // checksum mismatch or nonzero reserved bytes
};
// Parses kWalHeaderSize bytes at `data`. The format version is returned, not
// checked.
HeaderCheck DecodeHeader(const char* data, WalHeader* header);

// Appends a frame to `out` with zero salt, LSN and checksum; SealFrame fills
// them in later.
void AppendFrame(std::string* out, uint64_t txn_id, uint8_t type, std::string_view payload);
// Sets the salt and LSN of the frame at `frame` and computes its checksum.
// Returns the frame's size.
uint64_t SealFrame(char* frame, uint64_t salt, uint64_t lsn);

// The checksum of a frame: `head` is its kWalRecordHeaderSize bytes.
uint32_t FrameCrc(const char* head, std::string_view payload);

}  // namespace wal_internal
}  // namespace ruzu

#endif  // RUZU_WAL_WAL_INTERNAL_H_
