// WalWriter: makes transactions durable by appending them to the write-ahead
// log. The format is described in wal/wal_format.h.
//
// Usage:
//   ASSIGN_OR_RETURN(auto wal, WalWriter::Create(fs, path, db_id, salt));
//   wal->Add(txn, kMyInsertType, payload);
//   RETURN_IF_ERROR(wal->Commit(txn));  // durable once OK
//
// Records are buffered in memory per transaction until Commit, which writes
// them and a commit record with one WriteAt and then syncs. Every call does
// I/O through the FileSystem it was given. Not thread-safe: the caller
// serialises all calls (the database has one writer).
#ifndef RUZU_WAL_WAL_WRITER_H_
#define RUZU_WAL_WAL_WRITER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"
#include "storage/file_system.h"
#include "wal/wal_format.h"

namespace ruzu {

class WalWriter {
 public:
  // Called at named points of Commit and Reset (see set_kill_point).
  using KillPoint = std::function<void(const char* point)>;

  // Size of the file header; a log of this size holds no records.
  static constexpr uint64_t kHeaderSize = kWalHeaderSize;

  // Creates the log at `path`, replacing any file there, with a header only:
  // the header is written to "<path>.tmp", synced, renamed over `path`, and
  // the directory synced, so a crash leaves either the old file or the new
  // one. The first record will carry LSN `first_lsn` (>= 1).
  static Result<std::unique_ptr<WalWriter>> Create(FileSystem* fs, const std::string& path,
                                                   uint64_t database_id, uint64_t salt,
                                                   uint64_t first_lsn = kWalFirstLsn);

  // Continues the log at `path` after recovery: `end_offset` and `next_lsn`
  // are WalContents::valid_end and ::next_lsn from WalReader::Read. Checks
  // that the header names `database_id` and `salt`, cuts the file at
  // `end_offset` (dropping a torn tail) and syncs if it was longer.
  // kInvalidArgument when the arguments do not fit the file (e.g. valid_end
  // was 0: the log needs Create instead), kCorruption for a bad header.
  static Result<std::unique_ptr<WalWriter>> OpenForAppend(FileSystem* fs, const std::string& path,
                                                          uint64_t database_id, uint64_t salt,
                                                          uint64_t end_offset, uint64_t next_lsn);

  WalWriter(const WalWriter&) = delete;
  WalWriter& operator=(const WalWriter&) = delete;
  ~WalWriter();

  // Buffers a record of transaction `txn_id` in memory (no I/O, cannot
  // fail). A record the log cannot hold (`type` below
  // WalRecordType::kFirstUser, which the WAL reserves, or a payload over
  // kWalMaxPayloadSize) is not buffered; instead Commit(txn_id) fails with
  // kInvalidArgument and writes nothing. On a poisoned writer Add does
  // nothing (Commit reports the poison).
  void Add(uint64_t txn_id, uint8_t type, std::string_view payload);

  // Appends the buffered records of `txn_id` plus a kCommit record with one
  // WriteAt, then File::Sync(). Returns OK only once the sync succeeded;
  // records get consecutive LSNs here. A transaction with no buffered records
  // writes nothing and returns OK. Either way its buffer is gone afterwards.
  // kInvalidArgument (nothing written) when an Add of it was rejected.
  //
  // On a write error the file is cut back to its previous end (and synced)
  // and the write's error is returned; the writer stays usable. On a sync
  // error, or when that clean-up fails, the writer is poisoned: this and
  // every later Commit/Reset returns kIOError "WAL is unusable after a failed
  // sync; reopen the database (<cause>)" and Add buffers nothing. fsync is
  // never retried.
  Status Commit(uint64_t txn_id);

  // Drops the buffered records of `txn_id` (rollback). No I/O.
  void Discard(uint64_t txn_id);

  // Savepoints inside a transaction: BufferedSize is the size of the records
  // of `txn_id` buffered so far (0 when none), and TruncateBuffered drops the
  // records buffered after it returned `size`. No I/O. A rejected Add is not
  // undone: its records are already gone and Commit still fails.
  size_t BufferedSize(uint64_t txn_id) const;
  void TruncateBuffered(uint64_t txn_id, size_t size);

  // After a checkpoint: replaces the log with an empty one under `new_salt`
  // (same procedure as Create); LSNs continue from next_lsn(). Buffered
  // records of open transactions are kept. A failure before the new file is
  // in place leaves the old log in use; a failure after it (directory sync,
  // reopening) poisons the writer.
  Status Reset(uint64_t new_salt);

  // End of the synced log: where the next commit batch goes.
  uint64_t size_bytes() const { return size_bytes_; }
  // The LSN the next record will carry.
  uint64_t next_lsn() const { return next_lsn_; }
  uint64_t salt() const { return salt_; }
  uint64_t database_id() const { return database_id_; }
  const std::string& path() const { return path_; }
  bool poisoned() const { return !poison_.ok(); }
  // Whether `txn_id` has buffered records (or a rejected Add).
  bool HasPending(uint64_t txn_id) const { return pending_.count(txn_id) != 0; }

  // Test hook for crash tests: `kill_point` (may be empty) is called with
  // "wal.before_write", "wal.after_write" (written, not synced),
  // "wal.after_sync" in Commit; "wal.reset.before_rename" (new log synced
  // under the temporary name) and "wal.reset.after_rename" (before the
  // directory sync) in Reset.
  void set_kill_point(KillPoint kill_point) { kill_point_ = std::move(kill_point); }

 private:
  WalWriter(FileSystem* fs, std::string path, std::unique_ptr<File> file, uint64_t database_id,
            uint64_t salt, uint64_t size_bytes, uint64_t next_lsn);

  // Writes a header-only log to "<path>.tmp", syncs it and renames it over
  // `path`; the caller syncs the directory.
  static Status WriteFreshLog(FileSystem* fs, const std::string& path, uint64_t database_id, uint64_t salt,
                              uint64_t first_lsn, const KillPoint& kill_point);

  void Poison(const std::string& what, const Status& cause);
  void Kill(const char* point) const {
    if (kill_point_) kill_point_(point);
  }

  FileSystem* fs_;
  std::string path_;
  std::unique_ptr<File> file_;
  uint64_t database_id_;
  uint64_t salt_;
  uint64_t size_bytes_;
  uint64_t next_lsn_;
  // OK until poisoned; then the error every call returns.
  Status poison_;
  // An open transaction: its records as frames (salt, LSN and checksum are
  // filled in by Commit), or why one of them was rejected.
  struct Pending {
    std::string frames;
    Status error;
  };
  std::unordered_map<uint64_t, Pending> pending_;
  KillPoint kill_point_;
};

}  // namespace ruzu

#endif  // RUZU_WAL_WAL_WRITER_H_
