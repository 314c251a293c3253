#include "wal/wal_writer.h"

#include <cstring>

#include "common/checksum.h"
#include "wal/record_codec.h"

namespace ruzu {
namespace {
uint64_t RoundUp8(uint64_t n) { return (n + 7) & ~uint64_t{7}; }
}  // namespace

WalWriter::WalWriter(std::unique_ptr<File> file, uint64_t database_id, uint64_t salt)
    : file_(std::move(file)), database_id_(database_id), salt_(salt) {}

Status WalWriter::WriteHeader() {
  WalEncoder e;
  std::string header(kWalMagic, sizeof kWalMagic);
  e.PutU32(kWalFormatVersion);
  e.PutU32(0);
  e.PutU64(database_id_);
  e.PutU64(salt_);
  e.PutU64(next_lsn_);
  header += e.data();
  WalEncoder crc;
  crc.PutU32(Crc32c(header.data(), header.size()));
  crc.PutU32(0);
  header += crc.data();
  return file_->WriteAt(0, header.data(), header.size());
}

Result<std::unique_ptr<WalWriter>> WalWriter::Create(FileSystem* fs, const std::string& path,
                                                     uint64_t database_id, uint64_t salt) {
  OpenOptions options;
  options.create = true;
  ASSIGN_OR_RETURN(std::unique_ptr<File> file, fs->Open(path, options));
  std::unique_ptr<WalWriter> w(new WalWriter(std::move(file), database_id, salt));
  RETURN_IF_ERROR(w->file_->Truncate(0));
  RETURN_IF_ERROR(w->WriteHeader());
  RETURN_IF_ERROR(w->file_->Sync());
  RETURN_IF_ERROR(fs->SyncDir(DirName(path)));
  w->end_ = kHeaderSize;
  return w;
}

Result<std::unique_ptr<WalWriter>> WalWriter::OpenForAppend(FileSystem* fs, const std::string& path,
                                                            uint64_t database_id, uint64_t salt,
                                                            uint64_t end_offset, uint64_t next_lsn) {
  ASSIGN_OR_RETURN(std::unique_ptr<File> file, fs->Open(path, OpenOptions()));
  std::unique_ptr<WalWriter> w(new WalWriter(std::move(file), database_id, salt));
  ASSIGN_OR_RETURN(uint64_t size, w->file_->Size());
  if (size != end_offset) {
    RETURN_IF_ERROR(w->file_->Truncate(end_offset));
    RETURN_IF_ERROR(w->file_->Sync());
  }
  w->end_ = end_offset;
  w->next_lsn_ = next_lsn;
  return w;
}

Status WalWriter::CheckUsable() const {
  if (poisoned_.ok()) return Status::OK();
  return IOError("WAL '" + file_->path() + "' is unusable after a failed sync; reopen the database (" +
                 poisoned_.message() + ")");
}

void WalWriter::Add(uint64_t txn_id, uint8_t type, std::string_view payload) {
  pending_[txn_id].emplace_back(type, std::string(payload));
}

void WalWriter::Discard(uint64_t txn_id) { pending_.erase(txn_id); }

void WalWriter::Frame(std::string* out, uint64_t txn_id, uint8_t type, std::string_view payload) {
  WalEncoder e;
  e.PutU64(salt_);
  e.PutU64(next_lsn_++);
  e.PutU64(txn_id);
  e.PutU8(type);
  for (int i = 0; i < 7; i++) e.PutU8(0);
  uint32_t crc = Crc32c(e.data().data(), e.data().size());
  crc = Crc32c(payload.data(), payload.size(), crc);
  WalEncoder head;
  head.PutU32(static_cast<uint32_t>(payload.size()));
  head.PutU32(crc);
  out->append(head.data());
  out->append(e.data());
  out->append(payload.data(), payload.size());
  out->resize(RoundUp8(out->size()), '\0');
}

Status WalWriter::Commit(uint64_t txn_id) {
  auto records = std::move(pending_[txn_id]);
  pending_.erase(txn_id);
  RETURN_IF_ERROR(CheckUsable());
  const uint64_t first_lsn = next_lsn_;
  std::string batch;
  for (const auto& [type, payload] : records) {
    if (payload.size() > kWalMaxPayloadSize) {
      next_lsn_ = first_lsn;
      return InvalidArgument("a WAL record of " + std::to_string(payload.size()) + " bytes exceeds the limit of " +
                             std::to_string(kWalMaxPayloadSize));
    }
    Frame(&batch, txn_id, type, payload);
  }
  Frame(&batch, txn_id, WalRecordType::kCommit, {});
  Kill("wal.before_write");
  Status s = file_->WriteAt(end_, batch.data(), batch.size());
  if (!s.ok()) {
    // Never leave half a transaction mid-log: later commits go after it.
    next_lsn_ = first_lsn;
    Status cut = file_->Truncate(end_);
    if (!cut.ok()) poisoned_ = cut;
    return s;
  }
  Kill("wal.after_write");
  s = file_->Sync();
  if (!s.ok()) {
    poisoned_ = s;
    return s;
  }
  end_ += batch.size();
  Kill("wal.after_sync");
  return Status::OK();
}

Status WalWriter::Reset(uint64_t new_salt) {
  RETURN_IF_ERROR(CheckUsable());
  salt_ = new_salt;
  Status s = WriteHeader();
  if (s.ok()) s = file_->Truncate(kHeaderSize);
  if (s.ok()) s = file_->Sync();
  if (!s.ok()) {
    poisoned_ = s;
    return s;
  }
  end_ = kHeaderSize;
  return Status::OK();
}

}  // namespace ruzu
