// FileSystem: the only way ruzu touches files, so tests can inject faults and
// simulate crashes (see docs/RELIABILITY.md). Modelled on leveldb::Env and
// rocksdb::FileSystem. Implementations: PosixFileSystem (production) and, for
// tests, storage/testing/fault_injection_file_system.h (in memory, with a
// durable/volatile model, fault rules and crash simulation).
//
// Every method returns a Status; none throws. Errors name the path.
#ifndef RUZU_STORAGE_FILE_SYSTEM_H_
#define RUZU_STORAGE_FILE_SYSTEM_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace ruzu {

// An open file. Positional I/O only; safe to call ReadAt from several threads
// at once. Writes are not thread-safe against each other.
class File {
 public:
  virtual ~File() = default;

  // Reads up to `n` bytes at `offset` into `out`; sets *bytes_read. Fewer
  // bytes than asked means end of file (not an error).
  virtual Status ReadAt(uint64_t offset, size_t n, char* out, size_t* bytes_read) = 0;
  // Writes all `n` bytes at `offset` (loops over short writes and EINTR),
  // extending the file if needed. ENOSPC maps to StatusCode::kDiskFull.
  virtual Status WriteAt(uint64_t offset, const char* data, size_t n) = 0;
  // Makes everything written so far durable (fdatasync).
  virtual Status Sync() = 0;
  virtual Status Truncate(uint64_t size) = 0;
  virtual Result<uint64_t> Size() = 0;
  // Takes an advisory lock without blocking: exclusive for a writer, shared
  // for read-only opens. Held until the File is destroyed. Returns
  // kDatabaseLocked when another holder conflicts.
  enum class LockMode { kShared, kExclusive };
  virtual Status Lock(LockMode mode) = 0;

  const std::string& path() const { return path_; }

 protected:
  explicit File(std::string path) : path_(std::move(path)) {}

 private:
  std::string path_;
};

struct OpenOptions {
  bool read_only = false;
  // Create the file when it does not exist. With `exclusive`, fail with
  // kAlreadyExists when it does.
  bool create = false;
  bool exclusive = false;
};

enum class FileKind { kRegular, kDirectory, kOther };

struct FileInfo {
  FileKind kind = FileKind::kRegular;
  uint64_t size = 0;
  // Identity of the underlying file (st_dev, st_ino): the same file reached
  // through a symlink, hard link or relative path has the same identity.
  uint64_t device = 0;
  uint64_t inode = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // The process-wide POSIX file system.
  static FileSystem* Default();

  // Opens `path`; kNotFound when it does not exist (and !create).
  virtual Result<std::unique_ptr<File>> Open(const std::string& path, const OpenOptions& options) = 0;
  // kNotFound when `path` does not exist.
  virtual Result<FileInfo> Stat(const std::string& path) = 0;
  virtual Status Remove(const std::string& path) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // Makes creations, renames and removals in directory `dir` durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  virtual Status CreateDir(const std::string& dir) = 0;
  // Names (not paths) of the entries of `dir`, sorted.
  virtual Result<std::vector<std::string>> List(const std::string& dir) = 0;
};

// The directory part of `path` ("." when it has none).
std::string DirName(const std::string& path);

}  // namespace ruzu

#endif  // RUZU_STORAGE_FILE_SYSTEM_H_
