#include "wal/wal_writer.h"

#include <utility>
#include <vector>

#include "common/logging.h"
#include "wal/wal_internal.h"

namespace ruzu {

using wal_internal::AppendFrame;
using wal_internal::EncodeHeader;
using wal_internal::HeaderCheck;
using wal_internal::SealFrame;
using wal_internal::WalHeader;

WalWriter::WalWriter(FileSystem* fs, std::string path, std::unique_ptr<File> file, uint64_t database_id,
                     uint64_t salt, uint64_t size_bytes, uint64_t next_lsn)
    : fs_(fs),
      path_(std::move(path)),
      file_(std::move(file)),
      database_id_(database_id),
      salt_(salt),
      size_bytes_(size_bytes),
      next_lsn_(next_lsn) {}

WalWriter::~WalWriter() = default;

Status WalWriter::WriteFreshLog(FileSystem* fs, const std::string& path, uint64_t database_id, uint64_t salt,
                                uint64_t first_lsn, const KillPoint& kill_point) {
  const std::string tmp = path + ".tmp";
  WalHeader header;
  header.database_id = database_id;
  header.salt = salt;
  header.first_lsn = first_lsn;
  const std::string bytes = EncodeHeader(header);
  Status s;
  {
    OpenOptions options;
    options.create = true;
    ASSIGN_OR_RETURN(std::unique_ptr<File> file, fs->Open(tmp, options));
    s = file->Truncate(0);
    if (s.ok()) s = file->WriteAt(0, bytes.data(), bytes.size());
    if (s.ok()) s = file->Sync();
  }
  if (s.ok() && kill_point) kill_point("wal.reset.before_rename");
  if (s.ok()) s = fs->Rename(tmp, path);
  if (!s.ok()) {
    (void)fs->Remove(tmp);  // best effort; a leftover is overwritten next time
    return s;
  }
  if (kill_point) kill_point("wal.reset.after_rename");
  return Status::OK();
}

Result<std::unique_ptr<WalWriter>> WalWriter::Create(FileSystem* fs, const std::string& path,
                                                     uint64_t database_id, uint64_t salt, uint64_t first_lsn) {
  if (first_lsn == 0) return InvalidArgument("WAL '" + path + "': the first LSN must be at least 1");
  RETURN_IF_ERROR(WriteFreshLog(fs, path, database_id, salt, first_lsn, nullptr));
  RETURN_IF_ERROR(fs->SyncDir(DirName(path)));
  ASSIGN_OR_RETURN(std::unique_ptr<File> file, fs->Open(path, OpenOptions()));
  return std::unique_ptr<WalWriter>(
      new WalWriter(fs, path, std::move(file), database_id, salt, kWalHeaderSize, first_lsn));
}

Result<std::unique_ptr<WalWriter>> WalWriter::OpenForAppend(FileSystem* fs, const std::string& path,
                                                            uint64_t database_id, uint64_t salt,
                                                            uint64_t end_offset, uint64_t next_lsn) {
  ASSIGN_OR_RETURN(std::unique_ptr<File> file, fs->Open(path, OpenOptions()));
  ASSIGN_OR_RETURN(uint64_t size, file->Size());
  if (end_offset < kWalHeaderSize || end_offset > size || end_offset % kWalAlignment != 0) {
    return InvalidArgument("WAL '" + path + "': cannot append at offset " + std::to_string(end_offset) +
                           " of a " + std::to_string(size) + "-byte log");
  }
  char raw[kWalHeaderSize];
  size_t got = 0;
  RETURN_IF_ERROR(file->ReadAt(0, sizeof raw, raw, &got));
  WalHeader header;
  if (got != sizeof raw || wal_internal::DecodeHeader(raw, &header) != HeaderCheck::kOk ||
      header.format_version != kWalFormatVersion) {
    return Corruption("WAL '" + path + "': bad header");
  }
  if (header.database_id != database_id || header.salt != salt) {
    return InvalidArgument("WAL '" + path + "' has database id " + std::to_string(header.database_id) +
                           " and salt " + std::to_string(header.salt) + ", expected " +
                           std::to_string(database_id) + " and " + std::to_string(salt));
  }
  if (next_lsn == 0 || (end_offset == kWalHeaderSize && next_lsn != header.first_lsn)) {
    return InvalidArgument("WAL '" + path + "': next LSN " + std::to_string(next_lsn) +
                           " does not continue the log");
  }
  if (size > end_offset) {
    RETURN_IF_ERROR(file->Truncate(end_offset));
    RETURN_IF_ERROR(file->Sync());
  }
  return std::unique_ptr<WalWriter>(
      new WalWriter(fs, path, std::move(file), database_id, salt, end_offset, next_lsn));
}

void WalWriter::Poison(const std::string& what, const Status& cause) {
  poison_ = IOError("WAL is unusable after " + what + "; reopen the database (" + cause.ToString() + ")");
  LOG(ERROR) << "WAL '" << path_ << "': " << poison_.message();
}

void WalWriter::Add(uint64_t txn_id, uint8_t type, std::string_view payload) {
  if (!poison_.ok()) return;
  Pending& txn = pending_[txn_id];
  if (!txn.error.ok()) return;
  if (type < WalRecordType::kFirstUser) {
    txn.error = InvalidArgument("WAL record type " + std::to_string(type) + " is reserved for the WAL");
  } else if (payload.size() > kWalMaxPayloadSize) {
    txn.error = InvalidArgument("a WAL record of " + std::to_string(payload.size()) +
                                " bytes exceeds the limit of " + std::to_string(kWalMaxPayloadSize));
  }
  if (!txn.error.ok()) {
    txn.frames.clear();
    txn.frames.shrink_to_fit();
    return;
  }
  AppendFrame(&txn.frames, txn_id, type, payload);
}

void WalWriter::Discard(uint64_t txn_id) { pending_.erase(txn_id); }

size_t WalWriter::BufferedSize(uint64_t txn_id) const {
  auto it = pending_.find(txn_id);
  return it == pending_.end() ? 0 : it->second.frames.size();
}

void WalWriter::TruncateBuffered(uint64_t txn_id, size_t size) {
  auto it = pending_.find(txn_id);
  if (it == pending_.end() || !it->second.error.ok()) return;
  if (size == 0) {
    pending_.erase(it);  // nothing left: HasPending is false again
  } else if (size < it->second.frames.size()) {
    it->second.frames.resize(size);
  }
}

Status WalWriter::Commit(uint64_t txn_id) {
  if (!poison_.ok()) return poison_;
  auto it = pending_.find(txn_id);
  if (it == pending_.end()) return Status::OK();  // nothing to make durable
  std::string batch = std::move(it->second.frames);
  const Status error = std::move(it->second.error);
  pending_.erase(it);
  if (!error.ok()) return error.WithContext("transaction " + std::to_string(txn_id) + " not committed");
  AppendFrame(&batch, txn_id, WalRecordType::kCommit, {});

  uint64_t lsn = next_lsn_;
  for (size_t off = 0; off < batch.size();) off += SealFrame(&batch[off], salt_, lsn++);

  Kill("wal.before_write");
  Status s = file_->WriteAt(size_bytes_, batch.data(), batch.size());
  if (!s.ok()) {
    // Take back whatever part of the batch reached the file, durably, so the
    // next batch (which reuses these LSNs) never sits before stale frames.
    Status undo = file_->Truncate(size_bytes_);
    if (!undo.ok()) {
      Poison("a failed write could not be undone", undo);
    } else if (!(undo = file_->Sync()).ok()) {
      Poison("a failed sync", undo);
    }
    return s;
  }
  Kill("wal.after_write");
  s = file_->Sync();
  if (!s.ok()) {
    Poison("a failed sync", s);
    return poison_;
  }
  size_bytes_ += batch.size();
  next_lsn_ = lsn;
  Kill("wal.after_sync");
  return Status::OK();
}

Status WalWriter::Reset(uint64_t new_salt) {
  if (!poison_.ok()) return poison_;
  RETURN_IF_ERROR(WriteFreshLog(fs_, path_, database_id_, new_salt, next_lsn_, kill_point_));
  // The new log is in place under `path_`: from here on there is no way back
  // to the old one, whose handle we drop.
  file_.reset();
  Status s = fs_->SyncDir(DirName(path_));
  if (!s.ok()) {
    Poison("a failed sync", s);
    return poison_;
  }
  auto file = fs_->Open(path_, OpenOptions());
  if (!file.ok()) {
    Poison("the reset log could not be reopened", file.status());
    return poison_;
  }
  file_ = std::move(file).value();
  salt_ = new_salt;
  size_bytes_ = kWalHeaderSize;
  return Status::OK();
}

}  // namespace ruzu
