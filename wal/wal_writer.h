// WalWriter: appends committed transactions to the WAL. See wal_format.h.
#ifndef RUZU_WAL_WAL_WRITER_H_
#define RUZU_WAL_WAL_WRITER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "storage/file_system.h"
#include "wal/wal_format.h"

namespace ruzu {

class WalWriter {
 public:
  static constexpr uint64_t kHeaderSize = kWalHeaderSize;

  // Creates (or overwrites) the WAL with an empty log; syncs it and its
  // directory.
  static Result<std::unique_ptr<WalWriter>> Create(FileSystem* fs, const std::string& path,
                                                   uint64_t database_id, uint64_t salt);
  // Continues a log that recovery read up to `end_offset`: cuts anything
  // after it (a torn tail) and syncs.
  static Result<std::unique_ptr<WalWriter>> OpenForAppend(FileSystem* fs, const std::string& path,
                                                          uint64_t database_id, uint64_t salt,
                                                          uint64_t end_offset, uint64_t next_lsn);

  // Buffers a record of transaction `txn_id` in memory.
  void Add(uint64_t txn_id, uint8_t type, std::string_view payload);
  // Writes the transaction's records and a commit record with one write,
  // then syncs. OK means durable. On a write error the file is cut back to
  // its previous end; on a sync error the writer is poisoned: every later
  // call fails (fsync is never retried). Either way the records are dropped.
  Status Commit(uint64_t txn_id);
  // Drops the buffered records of `txn_id` (rollback).
  void Discard(uint64_t txn_id);
  // Starts an empty log under `new_salt` after a checkpoint.
  Status Reset(uint64_t new_salt);

  uint64_t size_bytes() const { return end_; }
  uint64_t next_lsn() const { return next_lsn_; }
  uint64_t salt() const { return salt_; }
  bool poisoned() const { return !poisoned_.ok(); }
  // Test hook called at "wal.before_write", "wal.after_write", "wal.after_sync".
  void set_kill_point(std::function<void(const char*)> hook) { kill_point_ = std::move(hook); }

 private:
  WalWriter(std::unique_ptr<File> file, uint64_t database_id, uint64_t salt);
  Status WriteHeader();
  void Frame(std::string* out, uint64_t txn_id, uint8_t type, std::string_view payload);
  Status CheckUsable() const;
  void Kill(const char* point) const {
    if (kill_point_) kill_point_(point);
  }

  std::unique_ptr<File> file_;
  uint64_t database_id_;
  uint64_t salt_;
  uint64_t end_ = 0;
  uint64_t next_lsn_ = 1;
  Status poisoned_;
  // Buffered (type, payload) records per open transaction.
  std::map<uint64_t, std::vector<std::pair<uint8_t, std::string>>> pending_;
  std::function<void(const char*)> kill_point_;
};

}  // namespace ruzu

#endif  // RUZU_WAL_WAL_WRITER_H_
