// PageFile: the database file as an array of 4 KiB pages, each ending in a
// checksum trailer, plus the two header slots (pages 0 and 1).
//
// Page layout (docs/FILE_FORMAT.md):
//   bytes [0, 4088)    payload
//   bytes [4088, 4092) CRC-32C over (page number u64 LE, database id u64 LE, payload)
//   bytes [4092, 4096) zero (reserved)
// Mixing in the page number catches misdirected writes; mixing in the database
// id catches pages from another database. Header pages use database id 0 in
// their checksum (the id is only known after the header has been read).
#ifndef RUZU_STORAGE_PAGE_FILE_H_
#define RUZU_STORAGE_PAGE_FILE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "storage/file_system.h"

namespace ruzu {

using PageId = uint64_t;
constexpr PageId kInvalidPageId = ~uint64_t{0};
constexpr uint32_t kPageSize = 4096;
constexpr uint32_t kPagePayloadSize = 4088;
constexpr uint32_t kFormatVersion = 2;  // 2: packed column chunks, CSR widths 1..8
// Pages 0 and 1 are the header slots; data starts at page 2.
constexpr PageId kFirstDataPage = 2;

// The contents of one header slot. All integers little-endian on disk.
struct DatabaseHeader {
  uint32_t format_version = kFormatVersion;
  uint64_t database_id = 0;       // random, chosen at creation
  uint64_t epoch = 0;             // checkpoint number; the higher valid slot wins
  PageId manifest_first_page = kInvalidPageId;  // manifest: consecutive pages
  uint64_t manifest_page_count = 0;
  uint64_t manifest_bytes = 0;    // payload bytes of the manifest blob
  uint32_t manifest_crc = 0;      // CRC-32C of the manifest blob bytes
  uint64_t wal_salt = 0;          // WAL records with another salt are stale
  uint64_t page_count = 0;        // pages in the file at this checkpoint
};

class PageFile {
 public:
  // Wraps an open file. `database_id` is mixed into data-page checksums; set
  // it with set_database_id() once the header is known.
  explicit PageFile(std::unique_ptr<File> file, uint64_t database_id = 0);

  // Reads page `id` into `out` (kPageSize bytes) and verifies its checksum.
  // Errors: kCorruption "page N: checksum mismatch" (names the page and file),
  // kCorruption "page N: beyond end of file (file has M pages)" for a short file.
  Status ReadPage(PageId id, char* out);
  // Writes `payload` (kPagePayloadSize bytes) as page `id` with its trailer.
  Status WritePage(PageId id, const char* payload);
  Status Sync();
  Result<uint64_t> PageCount();  // file size / kPageSize, rounded down
  Status TruncatePages(uint64_t page_count);

  // Header slots. ReadHeader picks the valid slot with the higher epoch and
  // reports which slot it was. Errors: kNotADatabase when neither slot has the
  // magic (empty file, another format), kCorruption when slots have the magic
  // but none is intact, kUnsupported for a newer format version.
  // `damaged_slot_out` tells whether a slot holds bytes but is not a valid
  // header (bit rot or a torn write), so the caller can refuse to trust a
  // fallback to the older slot when other evidence (the WAL) disagrees.
  Result<DatabaseHeader> ReadHeader(int* slot_out = nullptr, bool* damaged_slot_out = nullptr);
  // Writes `header` into slot 0 or 1 (no sync).
  Status WriteHeader(int slot, const DatabaseHeader& header);

  uint64_t database_id() const { return database_id_; }
  void set_database_id(uint64_t id) { database_id_ = id; }
  File* file() { return file_.get(); }

  // Checksum as stored in the trailer; exposed for tools and tests.
  static uint32_t PageChecksum(PageId id, uint64_t database_id, const char* payload);

 private:
  std::unique_ptr<File> file_;
  uint64_t database_id_;
};

}  // namespace ruzu

#endif  // RUZU_STORAGE_PAGE_FILE_H_
