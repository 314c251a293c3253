#include "tools/bench/bench_util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ruzu {
namespace bench {

// ------------------------------------------------------------------ flags

Flags ParseFlags(int* argc, char** argv, const std::string& child_flag) {
  Flags flags;
  if (const char* q = std::getenv("RUZU_BENCH_QUICK"); q != nullptr && *q != '\0' && std::strcmp(q, "0") != 0) {
    flags.quick = true;
  }
  if (const char* d = std::getenv("RUZU_BENCH_DIR"); d != nullptr && *d != '\0') flags.dir = d;
  int out = 1;
  for (int i = 1; i < *argc; i++) {
    std::string arg = argv[i];
    auto value_of = [&](const std::string& name, std::string* value) {
      if (arg.rfind(name + "=", 0) == 0) {
        *value = arg.substr(name.size() + 1);
        return true;
      }
      return false;
    };
    std::string v;
    if (arg == "--quick") {
      flags.quick = true;
    } else if (arg == "--rebuild") {
      flags.rebuild = true;
    } else if (value_of("--bench_dir", &v)) {
      flags.dir = v;
    } else if (value_of("--max_rels", &v)) {
      flags.max_rels = std::strtoull(v.c_str(), nullptr, 10);
    } else if (!child_flag.empty() && value_of(child_flag, &v)) {
      flags.child_mode = child_flag;
      flags.child_arg = v;
    } else {
      argv[out++] = argv[i];
    }
  }
  *argc = out;
  argv[out] = nullptr;
  while (flags.dir.size() > 1 && flags.dir.back() == '/') flags.dir.pop_back();
  return flags;
}

// ------------------------------------------------------------------ graph

std::string GraphSpec::Describe() const {
  return "ruzu-bench-graph v1 nodes=" + std::to_string(nodes) + " rels=" + std::to_string(rels) +
         " string_keys=" + (string_keys ? "1" : "0") + " seed=" + std::to_string(seed);
}

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

void RelEnds(const GraphSpec& spec, uint64_t i, uint64_t* src, uint64_t* dst) {
  uint64_t h = SplitMix64(spec.seed ^ (2 * i));
  uint64_t g = SplitMix64(spec.seed ^ (2 * i + 1));
  *src = h % spec.nodes;
  *dst = g % spec.nodes;
}

std::string PersonName(uint64_t id) { return "person_" + std::to_string(id); }
std::string AccountHandle(uint64_t id) { return "acct-" + std::to_string(SplitMix64(id) % 1000000007ULL) + "-" + std::to_string(id); }

Status CreateSchema(Database* db, const GraphSpec& spec) {
  ASSIGN_OR_RETURN(auto txn, db->Begin(TransactionMode::kReadWrite));
  RETURN_IF_ERROR(txn->CreateNodeTable("Person", {{"id", LogicalType::kInt64}, {"name", LogicalType::kString}}, "id")
                      .status());
  RETURN_IF_ERROR(txn->CreateRelTable("Knows", "Person", "Person", {{"weight", LogicalType::kInt64}}).status());
  if (spec.string_keys) {
    RETURN_IF_ERROR(
        txn->CreateNodeTable("Account", {{"handle", LogicalType::kString}, {"person", LogicalType::kInt64}}, "handle")
            .status());
  }
  return txn->Commit();
}

Status LoadNodes(Database* db, const GraphSpec& spec, uint64_t begin, uint64_t end, uint64_t batch,
                 LoadStats* stats) {
  double start = NowSeconds();
  for (uint64_t first = begin; first < end; first += batch) {
    uint64_t last = std::min(end, first + batch);
    ASSIGN_OR_RETURN(auto txn, db->Begin(TransactionMode::kReadWrite));
    for (uint64_t id = first; id < last; id++) {
      RETURN_IF_ERROR(
          txn->InsertNode("Person", {Value::Int64(static_cast<int64_t>(id)), Value::String(PersonName(id))}).status());
      if (spec.string_keys) {
        RETURN_IF_ERROR(
            txn->InsertNode("Account", {Value::String(AccountHandle(id)), Value::Int64(static_cast<int64_t>(id))})
                .status());
      }
    }
    RETURN_IF_ERROR(txn->Commit());
    if (stats) stats->commits++;
  }
  if (stats) {
    stats->node_seconds += NowSeconds() - start;
    stats->nodes += (end - begin) * (spec.string_keys ? 2 : 1);
  }
  return Status::OK();
}

Status LoadRels(Database* db, const GraphSpec& spec, uint64_t begin, uint64_t end, uint64_t batch,
                LoadStats* stats, uint64_t progress) {
  double start = NowSeconds();
  uint64_t next_report = progress ? begin + progress : ~uint64_t{0};
  for (uint64_t first = begin; first < end; first += batch) {
    uint64_t last = std::min(end, first + batch);
    ASSIGN_OR_RETURN(auto txn, db->Begin(TransactionMode::kReadWrite));
    for (uint64_t i = first; i < last; i++) {
      uint64_t src, dst;
      RelEnds(spec, i, &src, &dst);
      RETURN_IF_ERROR(txn->InsertRel("Knows", Value::Int64(static_cast<int64_t>(src)),
                                     Value::Int64(static_cast<int64_t>(dst)),
                                     {Value::Int64(static_cast<int64_t>(i))})
                          .status());
    }
    RETURN_IF_ERROR(txn->Commit());
    if (stats) stats->commits++;
    if (last >= next_report) {
      double t = NowSeconds() - start;
      std::fprintf(stderr, "  %llu / %llu relationships, %.1f s, %.0f rels/s, VmRSS %ld MiB\n",
                   static_cast<unsigned long long>(last), static_cast<unsigned long long>(end), t,
                   (last - begin) / t, ProcStatusKb("VmRSS") / 1024);
      next_report = last + progress;
    }
  }
  if (stats) {
    stats->rel_seconds += NowSeconds() - start;
    stats->rels += end - begin;
  }
  return Status::OK();
}

Status BuildGraph(const std::string& path, const GraphSpec& spec, uint64_t batch, LoadStats* stats,
                  bool verbose) {
  RemoveDatabase(path);
  ASSIGN_OR_RETURN(auto db, Database::Open(path));
  RETURN_IF_ERROR(CreateSchema(db.get(), spec));
  LoadStats local;
  if (stats == nullptr) stats = &local;
  RETURN_IF_ERROR(LoadNodes(db.get(), spec, 0, spec.nodes, batch, stats));
  uint64_t progress = verbose && spec.rels >= 1000000 ? spec.rels / 10 : 0;
  RETURN_IF_ERROR(LoadRels(db.get(), spec, 0, spec.rels, batch, stats, progress));
  double close_start = NowSeconds();
  RETURN_IF_ERROR(db->Close());
  double close_seconds = NowSeconds() - close_start;
  if (verbose) {
    std::fprintf(stderr,
                 "built %s: %llu nodes in %.2f s (%.0f nodes/s), %llu rels in %.2f s (%.0f rels/s), "
                 "final close+checkpoint %.2f s, file %s, peak RSS %ld MiB\n",
                 path.c_str(), static_cast<unsigned long long>(stats->nodes), stats->node_seconds,
                 stats->nodes / std::max(stats->node_seconds, 1e-9), static_cast<unsigned long long>(stats->rels),
                 stats->rel_seconds, stats->rels / std::max(stats->rel_seconds, 1e-9), close_seconds,
                 HumanBytes(static_cast<double>(FileSize(path))).c_str(), ProcStatusKb("VmHWM") / 1024);
  }
  return Status::OK();
}

Result<bool> EnsureCachedGraph(const std::string& path, const GraphSpec& spec, uint64_t batch, bool rebuild) {
  const std::string marker = path + ".complete";
  if (!rebuild) {
    std::ifstream in(marker);
    std::string line;
    if (in && std::getline(in, line) && line == spec.Describe() && FileSize(path) > 0) return false;
  }
  std::fprintf(stderr, "building %s (%s) ...\n", path.c_str(), spec.Describe().c_str());
  RETURN_IF_ERROR(BuildGraph(path, spec, batch, nullptr, /*verbose=*/true));
  std::ofstream out(marker, std::ios::trunc);
  out << spec.Describe() << "\n";
  out.close();
  if (!out) return IOError("cannot write " + marker);
  return true;
}

// ------------------------------------------------------------------ files

Status MakeDirs(const std::string& dir) {
  std::string partial;
  std::stringstream ss(dir);
  std::string part;
  if (!dir.empty() && dir[0] == '/') partial = "/";
  while (std::getline(ss, part, '/')) {
    if (part.empty()) continue;
    partial += part + "/";
    if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
      return IOError("mkdir " + partial + ": " + std::strerror(errno));
    }
  }
  return Status::OK();
}

void RemoveDatabase(const std::string& path) {
  for (const std::string& p : {path, path + ".wal", path + ".complete", path + ".creating"}) ::unlink(p.c_str());
}

uint64_t FileSize(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<uint64_t>(st.st_size);
}

std::string HumanBytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    u++;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

// -------------------------------------------------------------- processes

long ProcStatusKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return std::strtol(line.c_str() + prefix.size(), nullptr, 10);
  }
  return -1;
}

std::string SelfExe() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  buf[n] = '\0';
  return buf;
}

Result<std::string> RunChild(const std::vector<std::string>& args) {
  int fds[2];
  if (::pipe(fds) != 0) return IOError(std::string("pipe: ") + std::strerror(errno));
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return IOError(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return InternalError("child " + args[0] + " failed (status " + std::to_string(status) + "): " + out);
  }
  return out;
}

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace bench
}  // namespace ruzu
