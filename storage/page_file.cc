#include "storage/page_file.h"

#include <algorithm>

#include <cstring>
#include <limits>
#include <utility>

#include "common/checksum.h"
#include "common/logging.h"

namespace ruzu {
namespace {

constexpr uint32_t kChecksumOffset = kPagePayloadSize;   // 4088
constexpr uint32_t kReservedOffset = kPagePayloadSize + 4;  // 4092
static_assert(kReservedOffset + 4 == kPageSize, "page trailer layout");

// Header slot payload layout (all little-endian, no padding):
//   [0, 8)    magic "RUZUGRPH"
//   [8, 12)   format_version u32
//   [12, 20)  database_id u64
//   [20, 28)  epoch u64
//   [28, 36)  manifest_first_page u64
//   [36, 44)  manifest_page_count u64
//   [44, 52)  manifest_bytes u64
//   [52, 56)  manifest_crc u32
//   [56, 64)  wal_salt u64
//   [64, 72)  page_count u64
//   [72, 76)  page size u32 (must be kPageSize)
//   rest zero
constexpr char kMagic[8] = {'R', 'U', 'Z', 'U', 'G', 'R', 'P', 'H'};
constexpr size_t kMagicSize = sizeof(kMagic);

void PutU32(char* p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
void PutU64(char* p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v |= static_cast<uint32_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

// Sequential little-endian writer/reader over a header payload.
class Encoder {
 public:
  explicit Encoder(char* p) : p_(p) {}
  void U32(uint32_t v) { PutU32(p_ + pos_, v); pos_ += 4; }
  void U64(uint64_t v) { PutU64(p_ + pos_, v); pos_ += 8; }
  size_t pos() const { return pos_; }
 private:
  char* p_;
  size_t pos_ = kMagicSize;
};

class Decoder {
 public:
  explicit Decoder(const char* p) : p_(p) {}
  uint32_t U32() { uint32_t v = GetU32(p_ + pos_); pos_ += 4; return v; }
  uint64_t U64() { uint64_t v = GetU64(p_ + pos_); pos_ += 8; return v; }
 private:
  const char* p_;
  size_t pos_ = kMagicSize;
};

void EncodeHeader(const DatabaseHeader& h, char* payload) {
  std::memset(payload, 0, kPagePayloadSize);
  std::memcpy(payload, kMagic, kMagicSize);
  Encoder e(payload);
  e.U32(h.format_version);
  e.U64(h.database_id);
  e.U64(h.epoch);
  e.U64(h.manifest_first_page);
  e.U64(h.manifest_page_count);
  e.U64(h.manifest_bytes);
  e.U32(h.manifest_crc);
  e.U64(h.wal_salt);
  e.U64(h.page_count);
  e.U32(kPageSize);
  CHECK_LE(e.pos(), kPagePayloadSize);
}

// Returns the decoded header and the page size recorded in the slot.
DatabaseHeader DecodeHeader(const char* payload, uint32_t* page_size) {
  Decoder d(payload);
  DatabaseHeader h;
  h.format_version = d.U32();
  h.database_id = d.U64();
  h.epoch = d.U64();
  h.manifest_first_page = d.U64();
  h.manifest_page_count = d.U64();
  h.manifest_bytes = d.U64();
  h.manifest_crc = d.U32();
  h.wal_salt = d.U64();
  h.page_count = d.U64();
  *page_size = d.U32();
  return h;
}

// True when the trailer of `page` (kPageSize bytes) matches its contents.
bool TrailerValid(PageId id, uint64_t database_id, const char* page) {
  uint32_t stored = GetU32(page + kChecksumOffset);
  if (stored != PageFile::PageChecksum(id, database_id, page)) return false;
  // The reserved bytes are part of the page too: a flipped bit there is damage.
  return GetU32(page + kReservedOffset) == 0;
}

}  // namespace

PageFile::PageFile(std::unique_ptr<File> file, uint64_t database_id)
    : file_(std::move(file)), database_id_(database_id) {
  CHECK(file_ != nullptr);
}

uint32_t PageFile::PageChecksum(PageId id, uint64_t database_id, const char* payload) {
  char prefix[16];
  PutU64(prefix, id);
  PutU64(prefix + 8, database_id);
  uint32_t crc = Crc32c(prefix, sizeof(prefix));
  return Crc32c(payload, kPagePayloadSize, crc);
}

Status PageFile::ReadPage(PageId id, char* out) {
  const std::string& path = file_->path();
  size_t n = 0;
  if (id <= std::numeric_limits<uint64_t>::max() / kPageSize - 1) {
    RETURN_IF_ERROR(file_->ReadAt(id * kPageSize, kPageSize, out, &n));
  }
  if (n < kPageSize) {
    ASSIGN_OR_RETURN(uint64_t pages, PageCount());
    return Corruption("page " + std::to_string(id) + ": beyond end of file '" + path +
                      "' (file has " + std::to_string(pages) + " pages)");
  }
  if (!TrailerValid(id, database_id_, out)) {
    return Corruption("page " + std::to_string(id) + ": checksum mismatch in '" + path + "'");
  }
  return Status::OK();
}

Status PageFile::WritePage(PageId id, const char* payload) {
  CHECK_LT(id, std::numeric_limits<uint64_t>::max() / kPageSize);
  char page[kPageSize];
  std::memcpy(page, payload, kPagePayloadSize);
  PutU32(page + kChecksumOffset, PageChecksum(id, database_id_, payload));
  PutU32(page + kReservedOffset, 0);
  return file_->WriteAt(id * kPageSize, page, kPageSize);
}

Status PageFile::Sync() { return file_->Sync(); }

Result<uint64_t> PageFile::PageCount() {
  ASSIGN_OR_RETURN(uint64_t size, file_->Size());
  return size / kPageSize;
}

Status PageFile::TruncatePages(uint64_t page_count) {
  CHECK_LE(page_count, std::numeric_limits<uint64_t>::max() / kPageSize);
  return file_->Truncate(page_count * kPageSize);
}

Result<DatabaseHeader> PageFile::ReadHeader(int* slot_out, bool* damaged_slot_out) {
  const std::string& path = file_->path();
  ASSIGN_OR_RETURN(uint64_t size, file_->Size());
  if (size == 0) return NotADatabase("'" + path + "' is not a ruzu database (file is empty)");
  if (size < kPageSize) return NotADatabase("'" + path + "' is not a ruzu database (no ruzu header)");

  bool any_magic = false;
  bool damaged = false;
  bool found = false;
  int best_slot = -1;
  DatabaseHeader best;
  for (int slot = 0; slot < 2; slot++) {
    if (static_cast<uint64_t>(slot + 1) * kPageSize > size) break;  // slot 1 never written
    char page[kPageSize];
    size_t n = 0;
    RETURN_IF_ERROR(file_->ReadAt(static_cast<uint64_t>(slot) * kPageSize, kPageSize, page, &n));
    if (n < kPageSize) break;  // file shrank under us; treat the slot as missing
    const bool all_zero = std::all_of(page, page + kPageSize, [](char c) { return c == 0; });
    if (std::memcmp(page, kMagic, kMagicSize) != 0) {
      damaged |= !all_zero;
      continue;
    }
    any_magic = true;
    if (!TrailerValid(static_cast<PageId>(slot), 0, page)) {
      LOG(WARNING) << "'" << path << "': header slot " << slot << " is corrupted (checksum mismatch)";
      damaged = true;
      continue;
    }
    uint32_t page_size = 0;
    DatabaseHeader h = DecodeHeader(page, &page_size);
    if (page_size != kPageSize || h.format_version == 0) {
      LOG(WARNING) << "'" << path << "': header slot " << slot << " is invalid (page size "
                   << page_size << ", format version " << h.format_version << ")";
      damaged = true;
      continue;
    }
    if (!found || h.epoch > best.epoch) {
      best = h;
      best_slot = slot;
      found = true;
    }
  }
  if (!any_magic) return NotADatabase("'" + path + "' is not a ruzu database");
  if (!found) return Corruption("'" + path + "': both header slots are corrupted");
  if (best.format_version > kFormatVersion) {
    return Unsupported("'" + path + "' has format version " + std::to_string(best.format_version) +
                       "; this build reads version " + std::to_string(kFormatVersion));
  }
  if (slot_out != nullptr) *slot_out = best_slot;
  if (damaged_slot_out != nullptr) *damaged_slot_out = damaged;
  return best;
}

Status PageFile::WriteHeader(int slot, const DatabaseHeader& header) {
  CHECK(slot == 0 || slot == 1) << slot;
  char page[kPageSize];
  EncodeHeader(header, page);
  PutU32(page + kChecksumOffset, PageChecksum(static_cast<PageId>(slot), 0, page));
  PutU32(page + kReservedOffset, 0);
  return file_->WriteAt(static_cast<uint64_t>(slot) * kPageSize, page, kPageSize);
}

}  // namespace ruzu
