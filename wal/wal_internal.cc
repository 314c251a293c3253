#include "wal/wal_internal.h"

#include <cstring>

#include "common/checksum.h"

namespace ruzu {
namespace wal_internal {

std::string EncodeHeader(const WalHeader& header) {
  std::string out(kWalHeaderSize, '\0');
  std::memcpy(&out[0], kWalMagic, sizeof kWalMagic);
  StoreU32(&out[8], header.format_version);
  StoreU32(&out[12], 0);
  StoreU64(&out[16], header.database_id);
  StoreU64(&out[24], header.salt);
  StoreU64(&out[32], header.first_lsn);
  StoreU32(&out[kWalHeaderCrcOffset], Crc32c(out.data(), kWalHeaderCrcOffset));
  StoreU32(&out[44], 0);
  return out;
}

HeaderCheck DecodeHeader(const char* data, WalHeader* header) {
  if (std::memcmp(data, kWalMagic, sizeof kWalMagic) != 0) return HeaderCheck::kNotAWal;
  if (LoadU32(data + kWalHeaderCrcOffset) != Crc32c(data, kWalHeaderCrcOffset)) return HeaderCheck::kBadChecksum;
  if (LoadU32(data + 12) != 0 || LoadU32(data + 44) != 0) return HeaderCheck::kBadChecksum;
  header->format_version = LoadU32(data + 8);
  header->database_id = LoadU64(data + 16);
  header->salt = LoadU64(data + 24);
  header->first_lsn = LoadU64(data + 32);
  return HeaderCheck::kOk;
}

void AppendFrame(std::string* out, uint64_t txn_id, uint8_t type, std::string_view payload) {
  const size_t start = out->size();
  out->resize(start + WalFrameSize(payload.size()), '\0');
  char* f = &(*out)[start];
  StoreU32(f, static_cast<uint32_t>(payload.size()));
  StoreU64(f + 24, txn_id);
  f[32] = static_cast<char>(type);
  if (!payload.empty()) std::memcpy(f + kWalRecordHeaderSize, payload.data(), payload.size());
}

uint32_t FrameCrc(const char* head, std::string_view payload) {
  uint32_t crc = Crc32c(head + 8, kWalRecordHeaderSize - 8);
  return Crc32c(payload.data(), payload.size(), crc);
}

uint64_t SealFrame(char* frame, uint64_t salt, uint64_t lsn) {
  const uint32_t length = LoadU32(frame);
  StoreU64(frame + 8, salt);
  StoreU64(frame + 16, lsn);
  StoreU32(frame + 4, FrameCrc(frame, std::string_view(frame + kWalRecordHeaderSize, length)));
  return WalFrameSize(length);
}

}  // namespace wal_internal
}  // namespace ruzu
