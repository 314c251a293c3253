#include "storage/testing/fault_injection_file_system.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <utility>

namespace ruzu {
namespace fault_injection_internal {
namespace {

constexpr uint64_t kDevice = 1;
constexpr uint64_t kRootInode = 1;  // "/"
constexpr uint64_t kCwdInode = 2;   // "."
constexpr uint64_t kSectorSize = 512;

bool IsImplicitDir(const std::string& path) { return path == "." || path == "/"; }

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The last component of a normalised path.
std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// One path per file, so "./a", "a" and "a/" name the same entry.
Result<std::string> Normalize(const std::string& path) {
  if (path.empty()) return InvalidArgument("empty path");
  std::string out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string part = path.substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    // Resolving ".." needs symlink-aware rules; tests have no use for it.
    if (part == "..") return InvalidArgument("'" + path + "': '..' is not supported");
    if (!out.empty()) out += '/';
    out += part;
  }
  if (path[0] == '/') return "/" + out;
  return out.empty() ? std::string(".") : out;
}

// Deterministic on every platform, unlike the std distributions.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

}  // namespace

// An unsynced change, kept so a random crash can persist part of it.
struct PendingOp {
  enum class Type { kWrite, kTruncate };
  Type type;
  uint64_t offset;   // kWrite: where; kTruncate: the new size
  std::string data;  // kWrite only
};

// An inode: shared by every name and open File that refers to it.
struct Node {
  uint64_t inode = 0;
  bool is_dir = false;
  std::string data;                // volatile image: what reads see
  std::string durable;             // what survives a crash
  std::vector<PendingOp> pending;  // changes since the last good Sync
};

// Normalised path -> inode. std::map keeps crash replay in a fixed order.
using Namespace = std::map<std::string, std::shared_ptr<Node>>;

struct Rule {
  bool armed = false;
  uint64_t n = 0;
  uint64_t seen = 0;  // matching operations since armed
  bool triggered = false;
  FaultOptions options;
  FaultKind kind = FaultKind::kIOError;  // write rules only

  void Arm(uint64_t nth, const FaultOptions& opts, FaultKind k = FaultKind::kIOError) {
    *this = Rule();
    armed = nth > 0;
    n = nth;
    options = opts;
    kind = k;
  }

  // Counts one operation on `path`; true when it must fail.
  bool Hit(const std::string& path) {
    if (!armed || !EndsWith(path, options.path_suffix)) return false;
    ++seen;
    if (seen == n) {
      triggered = true;
      return true;
    }
    return triggered && options.persistent;
  }
};

struct State {
  std::mutex mu;
  Namespace live;     // what the running process sees
  Namespace durable;  // what a crash leaves
  uint64_t next_inode = 3;
  // Bumped by each crash; Files opened in an older epoch are dead.
  uint64_t epoch = 0;
  // flock holders per inode, keyed by File.
  std::map<uint64_t, std::map<const File*, File::LockMode>> locks;

  Rule write_rule, sync_rule, sync_dir_rule, read_fail_rule, read_corrupt_rule;
  bool disk_full = false;
  uint64_t writes = 0, syncs = 0, sync_dirs = 0, reads = 0, faults = 0;

  bool record = false;
  std::vector<std::string> trace;

  void Trace(std::string op) {
    if (record) trace.push_back(std::move(op));
  }

  // Whether `path` is a directory in `ns`.
  static bool IsDir(const Namespace& ns, const std::string& path) {
    if (IsImplicitDir(path)) return true;
    auto it = ns.find(path);
    return it != ns.end() && it->second->is_dir;
  }

  // Whether a new entry may be made at `path`, with the errors mkdir/open give.
  Status CheckParent(const std::string& path, const std::string& what, const std::string& shown) const {
    std::string parent = DirName(path);
    if (IsImplicitDir(parent)) return Status::OK();
    auto it = live.find(parent);
    if (it == live.end()) return NotFound(what + " '" + shown + "': No such file or directory");
    if (!it->second->is_dir) return IOError(what + " '" + shown + "': Not a directory");
    return Status::OK();
  }

  // The file `path` names, with the errors ReadFileContents and friends give.
  Result<std::shared_ptr<Node>> LiveFile(const std::string& path) const {
    if (IsImplicitDir(path)) return InvalidArgument("'" + path + "' is a directory, not a file");
    auto it = live.find(path);
    if (it == live.end()) return NotFound("'" + path + "': No such file or directory");
    if (it->second->is_dir) return InvalidArgument("'" + path + "' is a directory, not a file");
    return it->second;
  }

  std::shared_ptr<Node> NewNode(bool is_dir) {
    auto node = std::make_shared<Node>();
    node->inode = next_inode++;
    node->is_dir = is_dir;
    return node;
  }
};

namespace {

void ApplyWrite(std::string* image, uint64_t offset, const char* data, size_t n) {
  if (n == 0) return;
  if (image->size() < offset + n) image->resize(offset + n, '\0');
  std::memcpy(&(*image)[offset], data, n);
}

// The image after a power cut that persisted a random part of `pending`.
std::string ReplayRandomly(std::string image, const std::vector<PendingOp>& pending, SplitMix64* rng) {
  for (const PendingOp& op : pending) {
    if (op.type == PendingOp::Type::kTruncate) {
      if (rng->Next() % 2 == 0) image.resize(op.offset, '\0');
      continue;
    }
    uint64_t choice = rng->Next() % 3;
    if (choice == 0) {
      ApplyWrite(&image, op.offset, op.data.data(), op.data.size());
      continue;
    }
    if (choice == 1) continue;  // dropped
    // Sectors are the unit a disk writes atomically (at best): a prefix of the
    // ones this write touches reached the platter, then maybe one torn sector.
    uint64_t begin = op.offset;
    uint64_t end = op.offset + op.data.size();
    uint64_t first = begin / kSectorSize;
    uint64_t sectors = (end - 1) / kSectorSize - first + 1;
    uint64_t kept = rng->Next() % sectors;  // never all: that is choice 0
    uint64_t torn_begin = std::max(begin, (first + kept) * kSectorSize);
    ApplyWrite(&image, begin, op.data.data(), static_cast<size_t>(torn_begin - begin));
    if (rng->Next() % 2 == 0) {
      uint64_t torn_end = std::min(end, (first + kept + 1) * kSectorSize);
      std::string garbage(static_cast<size_t>(torn_end - torn_begin), '\0');
      for (char& c : garbage) c = static_cast<char>(rng->Next() & 0xff);
      ApplyWrite(&image, torn_begin, garbage.data(), garbage.size());
    }
  }
  return image;
}

// Whether every ancestor directory of `path` is in `ns`.
bool ParentsExist(const Namespace& ns, const std::string& path) {
  for (std::string dir = DirName(path); !IsImplicitDir(dir); dir = DirName(dir)) {
    if (!State::IsDir(ns, dir)) return false;
  }
  return true;
}

class FaultFile final : public File {
 public:
  FaultFile(std::string path, std::string norm, std::shared_ptr<State> state, std::shared_ptr<Node> node,
            bool read_only)
      : File(std::move(path)),
        norm_(std::move(norm)),
        state_(std::move(state)),
        node_(std::move(node)),
        read_only_(read_only),
        epoch_(state_->epoch) {}

  ~FaultFile() override {
    std::lock_guard<std::mutex> lock(state_->mu);
    // After a crash the lock table belongs to the next "boot".
    if (state_->epoch == epoch_) ReleaseLock();
  }

  Status ReadAt(uint64_t offset, size_t n, char* out, size_t* bytes_read) override {
    *bytes_read = 0;
    std::lock_guard<std::mutex> lock(state_->mu);
    RETURN_IF_ERROR(CheckAlive());
    ++state_->reads;
    // Both rules see every read, so each one's count is "reads since armed".
    bool fail = state_->read_fail_rule.Hit(norm_);
    bool corrupt = state_->read_corrupt_rule.Hit(norm_);
    if (fail) {
      ++state_->faults;
      return IOError("read '" + path() + "': injected I/O error");
    }
    const std::string& data = node_->data;
    size_t done = 0;
    if (offset < data.size()) done = static_cast<size_t>(std::min<uint64_t>(n, data.size() - offset));
    if (done > 0) std::memcpy(out, data.data() + offset, done);
    if (corrupt && done > 0) {
      out[done / 2] ^= 0x10;
      ++state_->faults;
    }
    *bytes_read = done;
    return Status::OK();
  }

  Status WriteAt(uint64_t offset, const char* data, size_t n) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    RETURN_IF_ERROR(CheckAlive());
    // EBADF in POSIX; PosixFileSystem reports it as kIOError.
    if (read_only_) return IOError("write '" + path() + "': file is open read-only");
    ++state_->writes;
    std::string op = "write " + norm_ + " " + std::to_string(offset) + " " + std::to_string(n);
    if (state_->write_rule.Hit(norm_)) {
      ++state_->faults;
      state_->Trace(op + " FAILED");
      switch (state_->write_rule.kind) {
        case FaultKind::kIOError:
          return IOError("write '" + path() + "': injected I/O error");
        case FaultKind::kDiskFull:
          return DiskFull("write '" + path() + "': injected: No space left on device");
        case FaultKind::kShortWrite:
          Apply(offset, data, n / 2);
          return IOError("write '" + path() + "': injected short write");
      }
      return InternalError("unknown FaultKind");
    }
    if (state_->disk_full && offset + n > node_->data.size()) {
      ++state_->faults;
      state_->Trace(op + " FAILED");
      return DiskFull("write '" + path() + "': No space left on device (disk full set)");
    }
    Apply(offset, data, n);
    state_->Trace(std::move(op));
    return Status::OK();
  }

  Status Sync() override {
    std::lock_guard<std::mutex> lock(state_->mu);
    RETURN_IF_ERROR(CheckAlive());
    ++state_->syncs;
    if (state_->sync_rule.Hit(norm_)) {
      ++state_->faults;
      state_->Trace("sync " + norm_ + " FAILED");
      return IOError("sync '" + path() + "': injected I/O error");
    }
    node_->durable = node_->data;
    node_->pending.clear();
    state_->Trace("sync " + norm_);
    return Status::OK();
  }

  Status Truncate(uint64_t size) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    RETURN_IF_ERROR(CheckAlive());
    if (read_only_) return IOError("truncate '" + path() + "': file is open read-only");
    node_->data.resize(size, '\0');
    node_->pending.push_back(PendingOp{PendingOp::Type::kTruncate, size, std::string()});
    state_->Trace("truncate " + norm_ + " " + std::to_string(size));
    return Status::OK();
  }

  Result<uint64_t> Size() override {
    std::lock_guard<std::mutex> lock(state_->mu);
    RETURN_IF_ERROR(CheckAlive());
    return static_cast<uint64_t>(node_->data.size());
  }

  Status Lock(LockMode mode) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    RETURN_IF_ERROR(CheckAlive());
    auto& holders = state_->locks[node_->inode];
    for (const auto& holder : holders) {
      if (holder.first == this) continue;  // flock converts our own lock
      if (mode == LockMode::kExclusive || holder.second == LockMode::kExclusive) {
        return DatabaseLocked("'" + path() + "' is locked by another " +
                              (mode == LockMode::kExclusive ? "user" : "writer") +
                              " (only one writer may open a database at a time)");
      }
    }
    holders[this] = mode;
    return Status::OK();
  }

 private:
  Status CheckAlive() const {
    if (state_->epoch != epoch_) return IOError("'" + path() + "': file system crashed");
    return Status::OK();
  }

  // REQUIRES: state_->mu held.
  void Apply(uint64_t offset, const char* data, size_t n) {
    if (n == 0) return;
    ApplyWrite(&node_->data, offset, data, n);
    node_->pending.push_back(PendingOp{PendingOp::Type::kWrite, offset, std::string(data, n)});
  }

  void ReleaseLock() {
    auto it = state_->locks.find(node_->inode);
    if (it == state_->locks.end()) return;
    it->second.erase(this);
    if (it->second.empty()) state_->locks.erase(it);
  }

  const std::string norm_;  // the normalised path, for rules and the trace
  const std::shared_ptr<State> state_;
  const std::shared_ptr<Node> node_;
  const bool read_only_;
  const uint64_t epoch_;
};

}  // namespace
}  // namespace fault_injection_internal

using fault_injection_internal::FaultFile;
using fault_injection_internal::Namespace;
using fault_injection_internal::Node;
using fault_injection_internal::Normalize;
using fault_injection_internal::State;

FaultInjectionFileSystem::FaultInjectionFileSystem() : state_(std::make_shared<State>()) {}

FaultInjectionFileSystem::~FaultInjectionFileSystem() = default;

Result<std::unique_ptr<File>> FaultInjectionFileSystem::Open(const std::string& path,
                                                             const OpenOptions& options) {
  ASSIGN_OR_RETURN(std::string p, Normalize(path));
  std::lock_guard<std::mutex> lock(state_->mu);
  const bool create = options.create && !options.read_only;  // as O_CREAT in PosixFileSystem
  std::shared_ptr<Node> node;
  auto it = state_->live.find(p);
  if (it != state_->live.end() || fault_injection_internal::IsImplicitDir(p)) {
    if (create && options.exclusive) return AlreadyExists("open '" + path + "': File exists");
    if (it == state_->live.end() || it->second->is_dir) {
      return InvalidArgument("'" + path + "' is a directory, not a file");
    }
    node = it->second;
  } else {
    if (!create) return NotFound("open '" + path + "': No such file or directory");
    RETURN_IF_ERROR(state_->CheckParent(p, "open", path));
    node = state_->NewNode(/*is_dir=*/false);
    state_->live[p] = node;
    state_->Trace("create " + p);
  }
  return std::unique_ptr<File>(new FaultFile(path, p, state_, std::move(node), options.read_only));
}

Result<FileInfo> FaultInjectionFileSystem::Stat(const std::string& path) {
  ASSIGN_OR_RETURN(std::string p, Normalize(path));
  std::lock_guard<std::mutex> lock(state_->mu);
  FileInfo info;
  info.device = fault_injection_internal::kDevice;
  if (fault_injection_internal::IsImplicitDir(p)) {
    info.kind = FileKind::kDirectory;
    info.inode = p == "/" ? fault_injection_internal::kRootInode : fault_injection_internal::kCwdInode;
    return info;
  }
  auto it = state_->live.find(p);
  if (it == state_->live.end()) return NotFound("stat '" + path + "': No such file or directory");
  const Node& node = *it->second;
  info.kind = node.is_dir ? FileKind::kDirectory : FileKind::kRegular;
  info.size = node.data.size();
  info.inode = node.inode;
  return info;
}

Status FaultInjectionFileSystem::Remove(const std::string& path) {
  ASSIGN_OR_RETURN(std::string p, Normalize(path));
  std::lock_guard<std::mutex> lock(state_->mu);
  auto it = state_->live.find(p);
  if (it == state_->live.end() && !fault_injection_internal::IsImplicitDir(p)) {
    return NotFound("remove '" + path + "': No such file or directory");
  }
  // unlink(2) gives EISDIR, which PosixFileSystem maps to kInvalidArgument.
  if (it == state_->live.end() || it->second->is_dir) {
    return InvalidArgument("'" + path + "' is a directory, not a file");
  }
  state_->live.erase(it);
  state_->Trace("remove " + p);
  return Status::OK();
}

Status FaultInjectionFileSystem::Rename(const std::string& from, const std::string& to) {
  ASSIGN_OR_RETURN(std::string f, Normalize(from));
  ASSIGN_OR_RETURN(std::string t, Normalize(to));
  std::lock_guard<std::mutex> lock(state_->mu);
  if (State::IsDir(state_->live, f)) {
    return Unsupported("rename '" + from + "': renaming directories is not supported by this file system");
  }
  auto src = state_->live.find(f);
  if (src == state_->live.end()) return NotFound("rename '" + from + "': No such file or directory");
  if (State::IsDir(state_->live, t)) return InvalidArgument("'" + to + "' is a directory, not a file");
  RETURN_IF_ERROR(state_->CheckParent(t, "rename", from));
  if (f == t) return Status::OK();
  std::shared_ptr<Node> node = src->second;
  state_->live.erase(src);
  state_->live[t] = std::move(node);
  state_->Trace("rename " + f + " " + t);
  return Status::OK();
}

Status FaultInjectionFileSystem::SyncDir(const std::string& dir) {
  ASSIGN_OR_RETURN(std::string d, Normalize(dir));
  std::lock_guard<std::mutex> lock(state_->mu);
  if (!fault_injection_internal::IsImplicitDir(d)) {
    auto it = state_->live.find(d);
    if (it == state_->live.end()) return NotFound("open directory '" + dir + "': No such file or directory");
    if (!it->second->is_dir) return IOError("open directory '" + dir + "': Not a directory");
  }
  ++state_->sync_dirs;
  if (state_->sync_dir_rule.Hit(d)) {
    ++state_->faults;
    state_->Trace("syncdir " + d + " FAILED");
    return IOError("sync directory '" + dir + "': injected I/O error");
  }
  for (auto it = state_->durable.begin(); it != state_->durable.end();) {
    if (DirName(it->first) == d && state_->live.count(it->first) == 0) {
      it = state_->durable.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& entry : state_->live) {
    if (DirName(entry.first) == d) state_->durable[entry.first] = entry.second;
  }
  state_->Trace("syncdir " + d);
  return Status::OK();
}

Status FaultInjectionFileSystem::CreateDir(const std::string& dir) {
  ASSIGN_OR_RETURN(std::string d, Normalize(dir));
  std::lock_guard<std::mutex> lock(state_->mu);
  if (State::IsDir(state_->live, d)) return Status::OK();
  if (state_->live.count(d) != 0) return AlreadyExists("create directory '" + dir + "': File exists");
  RETURN_IF_ERROR(state_->CheckParent(d, "create directory", dir));
  state_->live[d] = state_->NewNode(/*is_dir=*/true);
  state_->Trace("mkdir " + d);
  return Status::OK();
}

Result<std::vector<std::string>> FaultInjectionFileSystem::List(const std::string& dir) {
  ASSIGN_OR_RETURN(std::string d, Normalize(dir));
  std::lock_guard<std::mutex> lock(state_->mu);
  if (!State::IsDir(state_->live, d)) {
    if (state_->live.count(d) != 0) return IOError("list '" + dir + "': Not a directory");
    return NotFound("list '" + dir + "': No such file or directory");
  }
  std::vector<std::string> names;
  for (const auto& entry : state_->live) {
    if (entry.first != d && DirName(entry.first) == d) {
      names.push_back(fault_injection_internal::BaseName(entry.first));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

void FaultInjectionFileSystem::SimulateCrash(const CrashOptions& options) {
  std::lock_guard<std::mutex> lock(state_->mu);
  ++state_->epoch;
  state_->locks.clear();  // the process that held them is gone
  fault_injection_internal::SplitMix64 rng(options.seed);
  // Each inode once (two durable names may share one), in path order so a
  // seed always draws the same numbers for the same file.
  std::set<uint64_t> done;
  for (const auto& entry : state_->durable) {
    Node& node = *entry.second;
    if (node.is_dir || !done.insert(node.inode).second) continue;
    if (options.keep_random_unsynced) {
      node.durable = fault_injection_internal::ReplayRandomly(node.durable, node.pending, &rng);
    }
    node.data = node.durable;
    node.pending.clear();
  }
  // Entries in a directory whose own entry was never made durable are
  // orphans after the reboot (lost+found at best).
  Namespace survivors;
  for (const auto& entry : state_->durable) {
    if (fault_injection_internal::ParentsExist(state_->durable, entry.first)) survivors.insert(entry);
  }
  state_->durable = survivors;
  state_->live = std::move(survivors);
  state_->Trace("crash");
}

void FaultInjectionFileSystem::FailNthWrite(uint64_t n, FaultKind kind, const FaultOptions& options) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->write_rule.Arm(n, options, kind);
}

void FaultInjectionFileSystem::FailNthSync(uint64_t n, const FaultOptions& options) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->sync_rule.Arm(n, options);
}

void FaultInjectionFileSystem::FailNthSyncDir(uint64_t n, const FaultOptions& options) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->sync_dir_rule.Arm(n, options);
}

void FaultInjectionFileSystem::FailNthRead(uint64_t n, const FaultOptions& options) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->read_fail_rule.Arm(n, options);
}

void FaultInjectionFileSystem::CorruptNthRead(uint64_t n, const FaultOptions& options) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->read_corrupt_rule.Arm(n, options);
}

void FaultInjectionFileSystem::SetDiskFull(bool full) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->disk_full = full;
}

void FaultInjectionFileSystem::ClearFaults() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->write_rule = {};
  state_->sync_rule = {};
  state_->sync_dir_rule = {};
  state_->read_fail_rule = {};
  state_->read_corrupt_rule = {};
  state_->disk_full = false;
}

uint64_t FaultInjectionFileSystem::write_count() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->writes;
}

uint64_t FaultInjectionFileSystem::sync_count() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->syncs;
}

uint64_t FaultInjectionFileSystem::sync_dir_count() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->sync_dirs;
}

uint64_t FaultInjectionFileSystem::read_count() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->reads;
}

uint64_t FaultInjectionFileSystem::faults_injected() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->faults;
}

void FaultInjectionFileSystem::ResetCounters() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->writes = state_->syncs = state_->sync_dirs = state_->reads = state_->faults = 0;
}

Result<std::string> FaultInjectionFileSystem::ReadFileContents(const std::string& path) {
  ASSIGN_OR_RETURN(std::string p, Normalize(path));
  std::lock_guard<std::mutex> lock(state_->mu);
  ASSIGN_OR_RETURN(std::shared_ptr<Node> node, state_->LiveFile(p));
  return node->data;
}

Status FaultInjectionFileSystem::WriteFileContents(const std::string& path, const std::string& data,
                                                   bool durable) {
  using fault_injection_internal::PendingOp;
  ASSIGN_OR_RETURN(std::string p, Normalize(path));
  std::lock_guard<std::mutex> lock(state_->mu);
  std::shared_ptr<Node> node;
  if (state_->live.count(p) != 0 || fault_injection_internal::IsImplicitDir(p)) {
    ASSIGN_OR_RETURN(node, state_->LiveFile(p));
  } else {
    RETURN_IF_ERROR(state_->CheckParent(p, "open", path));
    node = state_->NewNode(/*is_dir=*/false);
    state_->live[p] = node;
  }
  node->data = data;
  if (durable) {
    node->durable = data;
    node->pending.clear();
    state_->durable[p] = node;
  } else {
    // As the program would: truncate, then write; a random crash may keep
    // either, both or neither.
    node->pending.push_back(PendingOp{PendingOp::Type::kTruncate, 0, std::string()});
    if (!data.empty()) node->pending.push_back(PendingOp{PendingOp::Type::kWrite, 0, data});
  }
  return Status::OK();
}

Status FaultInjectionFileSystem::CorruptByte(const std::string& path, uint64_t offset, uint8_t xor_mask) {
  ASSIGN_OR_RETURN(std::string p, Normalize(path));
  std::lock_guard<std::mutex> lock(state_->mu);
  ASSIGN_OR_RETURN(std::shared_ptr<Node> node, state_->LiveFile(p));
  if (offset >= node->data.size()) {
    return InvalidArgument("corrupt '" + path + "': offset " + std::to_string(offset) +
                           " is past the end (size " + std::to_string(node->data.size()) + ")");
  }
  node->data[offset] = static_cast<char>(node->data[offset] ^ xor_mask);
  if (offset < node->durable.size())
    node->durable[offset] = static_cast<char>(node->durable[offset] ^ xor_mask);
  return Status::OK();
}

Status FaultInjectionFileSystem::TruncateFile(const std::string& path, uint64_t size) {
  ASSIGN_OR_RETURN(std::string p, Normalize(path));
  std::lock_guard<std::mutex> lock(state_->mu);
  ASSIGN_OR_RETURN(std::shared_ptr<Node> node, state_->LiveFile(p));
  node->data.resize(size, '\0');
  node->durable.resize(size, '\0');
  return Status::OK();
}

void FaultInjectionFileSystem::SetRecordOps(bool record) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->record = record;
}

std::vector<std::string> FaultInjectionFileSystem::ops() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->trace;
}

void FaultInjectionFileSystem::ClearOps() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->trace.clear();
}

}  // namespace ruzu
