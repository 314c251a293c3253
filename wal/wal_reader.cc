#include "wal/wal_reader.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "wal/wal_internal.h"

namespace ruzu {
namespace {

using wal_internal::LoadU32;
using wal_internal::LoadU64;

// Reads a file of known size through a window buffer, so scanning many
// small records costs few system calls.
class BufferedFile {
 public:
  BufferedFile(File* file, uint64_t size) : file_(file), size_(size) {}

  uint64_t size() const { return size_; }

  // Points *out at the `n` bytes at `offset`, valid until the next call.
  // REQUIRES: offset + n <= size().
  Status Read(uint64_t offset, size_t n, const char** out) {
    if (offset >= window_offset_ && offset + n <= window_offset_ + window_.size()) {
      *out = window_.data() + (offset - window_offset_);
      return Status::OK();
    }
    std::string* buf = &window_;
    size_t len = n;
    if (n <= kWindowSize) {
      len = static_cast<size_t>(std::min<uint64_t>(kWindowSize, size_ - offset));
      window_offset_ = offset;
    } else {
      buf = &large_;  // a big record: read it alone, keep the window
    }
    buf->resize(len);
    size_t got = 0;
    Status s = file_->ReadAt(offset, len, buf->data(), &got);
    if (s.ok() && got != len) {
      s = IOError("WAL '" + file_->path() + "': short read at offset " + std::to_string(offset) +
                  " (the file shrank while being read)");
    }
    if (!s.ok()) {
      window_.clear();
      return s;
    }
    *out = buf->data();
    return Status::OK();
  }

 private:
  static constexpr size_t kWindowSize = 1 << 20;

  File* file_;
  uint64_t size_;
  std::string window_;  // the bytes at [window_offset_, window_offset_ + size)
  uint64_t window_offset_ = 0;
  std::string large_;
};

struct Frame {
  uint64_t lsn = 0;
  uint64_t txn_id = 0;
  uint8_t type = 0;
  uint64_t size = 0;  // bytes the frame occupies, padding included
  std::string_view payload;  // valid until the next read
};

// Checks the frame at `pos` against `salt` (everything but its LSN). Sets
// *valid; returns an error only when the file cannot be read.
Status CheckFrame(BufferedFile* in, uint64_t pos, uint64_t salt, Frame* frame, bool* valid) {
  *valid = false;
  if (in->size() - pos < kWalRecordHeaderSize) return Status::OK();
  const char* p;
  RETURN_IF_ERROR(in->Read(pos, kWalRecordHeaderSize, &p));
  const uint32_t length = LoadU32(p);
  if (length > kWalMaxPayloadSize) return Status::OK();
  const uint64_t size = WalFrameSize(length);
  if (size > in->size() - pos) return Status::OK();
  // Cheap tests first: the scan for later records calls this at every
  // aligned offset of a damaged region.
  if (LoadU64(p + 8) != salt) return Status::OK();
  const uint8_t type = static_cast<uint8_t>(p[32]);
  if (!IsValidWalRecordType(type) || (type == WalRecordType::kCommit && length != 0)) return Status::OK();
  for (int i = 33; i < 40; i++) {
    if (p[i] != 0) return Status::OK();
  }
  RETURN_IF_ERROR(in->Read(pos, size, &p));
  const std::string_view payload(p + kWalRecordHeaderSize, length);
  if (wal_internal::FrameCrc(p, payload) != LoadU32(p + 4)) return Status::OK();
  for (uint64_t i = kWalRecordHeaderSize + length; i < size; i++) {
    if (p[i] != 0) return Status::OK();
  }
  frame->lsn = LoadU64(p + 16);
  frame->txn_id = LoadU64(p + 24);
  frame->type = type;
  frame->size = size;
  frame->payload = payload;
  *valid = true;
  return Status::OK();
}

// Whether valid frames after the invalid one at `bad` prove that it was
// synced, i.e. that it is mid-log corruption rather than a torn tail (see
// wal_format.h). `last_lsn`, `last_was_commit` and `last_txn` describe the
// last valid record before `bad`.
Result<bool> LaterBatchExists(BufferedFile* in, uint64_t bad, uint64_t salt, uint64_t last_lsn,
                              bool last_was_commit, uint64_t last_txn) {
  std::optional<uint64_t> txn;
  if (!last_was_commit) txn = last_txn;
  bool seen_commit = false;
  Frame f;
  for (uint64_t pos = bad + kWalAlignment; pos + kWalRecordHeaderSize <= in->size();) {
    bool valid;
    RETURN_IF_ERROR(CheckFrame(in, pos, salt, &f, &valid));
    if (!valid) {
      pos += kWalAlignment;
      continue;
    }
    pos += f.size;
    if (f.lsn <= last_lsn) continue;  // an old copy, e.g. a duplicated record
    if (seen_commit) return true;     // a frame after a complete batch
    if (txn.has_value() && *txn != f.txn_id) return true;
    txn = f.txn_id;
    if (f.type == WalRecordType::kCommit) seen_commit = true;
  }
  return false;
}

bool AllZero(const char* p, size_t n) {
  return std::all_of(p, p + n, [](char c) { return c == 0; });
}

}  // namespace

Result<WalContents> WalReader::Read(FileSystem* fs, const std::string& path, uint64_t expected_database_id,
                                    uint64_t expected_salt) {
  OpenOptions options;
  options.read_only = true;
  ASSIGN_OR_RETURN(std::unique_ptr<File> file, fs->Open(path, options));
  ASSIGN_OR_RETURN(uint64_t file_size, file->Size());
  WalContents contents;
  // A crash while the log was first created leaves a short or zeroed header.
  if (file_size < kWalHeaderSize) return contents;
  BufferedFile in(file.get(), file_size);
  const char* raw;
  RETURN_IF_ERROR(in.Read(0, kWalHeaderSize, &raw));
  if (AllZero(raw, kWalHeaderSize)) {
    // Logs are created by renaming a complete file into place, so a zeroed
    // header over non-zero bytes is damage, not an interrupted creation:
    // refuse rather than discard what may be committed transactions.
    for (uint64_t pos = kWalHeaderSize; pos < file_size; pos += 64 << 10) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(64 << 10, file_size - pos));
      const char* chunk;
      RETURN_IF_ERROR(in.Read(pos, n, &chunk));
      if (!AllZero(chunk, n)) {
        return Corruption("WAL '" + path + "': its header is zeroed but the log holds data (offset " +
                          std::to_string(pos) + " onwards); refusing to discard it");
      }
    }
    return contents;
  }
  wal_internal::WalHeader header;
  switch (wal_internal::DecodeHeader(raw, &header)) {
    case wal_internal::HeaderCheck::kOk:
      break;
    case wal_internal::HeaderCheck::kNotAWal:
      return NotADatabase("'" + path + "' is not a ruzu WAL");
    case wal_internal::HeaderCheck::kBadChecksum:
      return Corruption("WAL '" + path + "': header checksum mismatch");
  }
  if (header.format_version != kWalFormatVersion) {
    return NotADatabase("WAL '" + path + "' has format version " + std::to_string(header.format_version) +
                        "; this build reads version " + std::to_string(kWalFormatVersion));
  }
  if (header.database_id != expected_database_id) {
    return Corruption("WAL '" + path + "' belongs to another database (id " + std::to_string(header.database_id) +
                      ", expected " + std::to_string(expected_database_id) + ")");
  }
  if (header.first_lsn == 0) return Corruption("WAL '" + path + "': header has first LSN 0");
  contents.valid_end = kWalHeaderSize;
  contents.next_lsn = header.first_lsn;
  if (header.salt != expected_salt) {
    contents.stale = true;
    return contents;
  }

  // Records of transactions whose commit has not been seen yet.
  std::unordered_map<uint64_t, std::vector<WalRecord>> open;
  uint64_t pos = kWalHeaderSize;
  uint64_t expected_lsn = header.first_lsn;
  bool last_was_commit = true;  // the log start is a batch boundary
  uint64_t last_txn = 0;
  Frame f;
  while (pos < file_size) {
    bool valid;
    RETURN_IF_ERROR(CheckFrame(&in, pos, header.salt, &f, &valid));
    if (!valid || f.lsn != expected_lsn) {
      ASSIGN_OR_RETURN(bool later, LaterBatchExists(&in, pos, header.salt, expected_lsn - 1, last_was_commit,
                                                    last_txn));
      if (later) {
        return Corruption("WAL '" + path + "': corrupted record at offset " + std::to_string(pos) +
                          " (valid records follow)");
      }
      break;  // a torn tail
    }
    if (f.type == WalRecordType::kCommit) {
      WalTransaction txn;
      txn.txn_id = f.txn_id;
      txn.commit_lsn = f.lsn;
      auto it = open.find(f.txn_id);
      if (it != open.end()) {
        txn.records = std::move(it->second);
        open.erase(it);
      }
      contents.committed.push_back(std::move(txn));
      contents.valid_end = pos + f.size;
      contents.next_lsn = f.lsn + 1;
    } else {
      open[f.txn_id].push_back(WalRecord{f.type, f.lsn, std::string(f.payload)});
    }
    last_was_commit = f.type == WalRecordType::kCommit;
    last_txn = f.txn_id;
    expected_lsn++;
    pos += f.size;
  }
  for (const auto& [txn_id, records] : open) contents.dropped_uncommitted += records.size();
  contents.had_torn_tail = contents.valid_end < file_size;
  return contents;
}

}  // namespace ruzu
