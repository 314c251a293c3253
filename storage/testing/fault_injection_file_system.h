// FaultInjectionFileSystem: an in-memory FileSystem for tests that models what
// survives a power cut and fails chosen operations on demand, in the spirit of
// LevelDB's fault_injection_test and SQLite's test6.c.
//
// Durability model. Every file has a volatile image (what reads see) and a
// durable image (what survives SimulateCrash). File::Sync() copies the
// volatile image to the durable one. Directory entries (creations, removals,
// renames, new directories) live in a volatile namespace and reach the durable
// namespace only when SyncDir() is called on their directory. SimulateCrash()
// throws away everything volatile: files fall back to their durable images,
// unsynced entries vanish, removed ones come back, renames revert.
//
// Paths are plain strings, normalised ("a//b/./c/" is "a/b/c"; ".." is
// rejected). "." and "/" always exist; other directories must be made with
// CreateDir, whose parent must exist, as with mkdir(2).
//
// Error codes mirror PosixFileSystem so code under test sees the same Status
// here as in production. Thread-safe: one mutex guards all state.
#ifndef RUZU_STORAGE_TESTING_FAULT_INJECTION_FILE_SYSTEM_H_
#define RUZU_STORAGE_TESTING_FAULT_INJECTION_FILE_SYSTEM_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/file_system.h"

namespace ruzu {

namespace fault_injection_internal {
struct State;
}  // namespace fault_injection_internal

// What an armed write fault does to the write it hits.
enum class FaultKind {
  kIOError,     // Nothing is written; returns kIOError (EIO).
  kDiskFull,    // Nothing is written; returns kDiskFull (ENOSPC).
  kShortWrite,  // The first n/2 bytes are written; returns kIOError.
};

struct FaultOptions {
  // Once the rule fires, every later matching operation fails too (a dead
  // disk rather than a transient glitch).
  bool persistent = false;
  // When not empty, the rule sees only files whose normalised path ends with
  // this suffix (e.g. ".wal"); other files neither count nor fail.
  std::string path_suffix;
};

struct CrashOptions {
  // Drives every random choice, so one seed always gives the same images
  // for the same history of operations.
  uint64_t seed = 0;
  // false: all unsynced data is lost. true: each unsynced write, in order, is
  // independently applied, dropped, or applied for a prefix of its 512-byte
  // sectors, possibly followed by one torn sector whose bytes (of this write
  // only) are garbage; each unsynced truncate is applied or dropped. Models a
  // page cache that wrote back some dirty pages before the power went out.
  bool keep_random_unsynced = false;
};

class FaultInjectionFileSystem : public FileSystem {
 public:
  FaultInjectionFileSystem();
  ~FaultInjectionFileSystem() override;

  FaultInjectionFileSystem(const FaultInjectionFileSystem&) = delete;
  FaultInjectionFileSystem& operator=(const FaultInjectionFileSystem&) = delete;

  // --- FileSystem ---------------------------------------------------------
  // Files returned by Open may outlive this object (they share its state).
  // Open with create adds an unsynced entry; its parent must exist.
  Result<std::unique_ptr<File>> Open(const std::string& path, const OpenOptions& options) override;
  // kind and volatile size; device is always 1 and inode is unique per file
  // or directory for the life of this object (stable across renames).
  Result<FileInfo> Stat(const std::string& path) override;
  // Removes a file entry (not a directory: kInvalidArgument). Open Files keep
  // working on the unlinked data, as on POSIX.
  Status Remove(const std::string& path) override;
  // Files only (a directory source is kUnsupported); replaces `to` if it is a
  // file. A move between directories needs SyncDir on both to be durable.
  Status Rename(const std::string& from, const std::string& to) override;
  // Makes the current entries of `dir` durable (including removals).
  Status SyncDir(const std::string& dir) override;
  // OK when `dir` already is a directory; kAlreadyExists when it is a file.
  Status CreateDir(const std::string& dir) override;
  Result<std::vector<std::string>> List(const std::string& dir) override;

  // --- Crash simulation ----------------------------------------------------
  // Power cut and reboot: see CrashOptions and the file comment. Every File
  // opened before returns kIOError "file system crashed" from then on, and
  // all locks are dropped. Fault rules and counters are left as they are.
  void SimulateCrash(const CrashOptions& options = CrashOptions());

  // --- Fault rules ---------------------------------------------------------
  // Each rule counts matching operations from 1 since it was armed and fails
  // the n-th (n == 0 disarms). Arming a rule again replaces it. Test helpers
  // below are never counted nor failed.

  // File::WriteAt fails as `kind` says.
  void FailNthWrite(uint64_t n, FaultKind kind, const FaultOptions& options = FaultOptions());
  // File::Sync returns kIOError and makes nothing durable; the unsynced
  // writes stay pending, so a later successful Sync still persists them.
  void FailNthSync(uint64_t n, const FaultOptions& options = FaultOptions());
  // SyncDir returns kIOError and makes no entry durable. The suffix filter
  // applies to the directory path.
  void FailNthSyncDir(uint64_t n, const FaultOptions& options = FaultOptions());
  // File::ReadAt returns kIOError with *bytes_read == 0.
  void FailNthRead(uint64_t n, const FaultOptions& options = FaultOptions());
  // File::ReadAt succeeds but one bit of the returned bytes is flipped (none
  // when the read returns no bytes). The stored file is untouched.
  void CorruptNthRead(uint64_t n, const FaultOptions& options = FaultOptions());
  // While set, a WriteAt that would extend its file writes nothing and
  // returns kDiskFull; writes inside the current size still succeed.
  void SetDiskFull(bool full);
  // Disarms every rule and SetDiskFull. Counters are kept.
  void ClearFaults();

  // Operations seen since construction or ResetCounters(), whether or not
  // they failed; calls on crashed Files and writes through read-only Files
  // are not counted. File::Truncate is not a write.
  uint64_t write_count() const;
  uint64_t sync_count() const;  // File::Sync only
  uint64_t sync_dir_count() const;
  uint64_t read_count() const;
  // Faults actually injected, all rules and disk-full together.
  uint64_t faults_injected() const;
  void ResetCounters();

  // --- Test helpers (bypass fault rules and counters) ----------------------
  // The volatile contents of a file.
  Result<std::string> ReadFileContents(const std::string& path);
  // Creates or replaces a file's contents. durable: both images and the
  // directory entry become durable (the directory's own entry in its parent
  // does not). Otherwise it is an unsynced rewrite, lost at a crash.
  Status WriteFileContents(const std::string& path, const std::string& data, bool durable);
  // XORs the byte at `offset` (< volatile size) with `xor_mask` in both images
  // (in the durable one only if it is that long). Unsynced writes covering the
  // byte are left alone and may overwrite it at a random crash.
  Status CorruptByte(const std::string& path, uint64_t offset, uint8_t xor_mask);
  // Sets the size of both images (zero-filled when growing).
  Status TruncateFile(const std::string& path, uint64_t size);

  // --- Operation trace -------------------------------------------------------
  // While recording, mutating operations append one line each, in order:
  // "create P", "mkdir P", "write P OFFSET LEN", "truncate P SIZE", "sync P",
  // "syncdir D", "remove P", "rename FROM TO", "crash". An injected failure
  // appends " FAILED". P is the normalised path the File was opened with.
  // Reads and the test helpers are not recorded.
  void SetRecordOps(bool record);
  std::vector<std::string> ops() const;
  void ClearOps();

 private:
  std::shared_ptr<fault_injection_internal::State> state_;
};

}  // namespace ruzu

#endif  // RUZU_STORAGE_TESTING_FAULT_INJECTION_FILE_SYSTEM_H_
