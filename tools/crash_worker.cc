// crash_worker: the process that tests/crash_test.cc kills. It opens a
// database, runs a deterministic workload and reports every transaction on
// stdout, so the test can tell what must have survived the kill:
//
//   PENDING t   printed right before Commit() of transaction t
//   ACK t       printed after Commit() of transaction t returned OK
//
// Workload: tests/crash_workload.h (shared with the test's oracle, so the
// two cannot drift apart): transaction t creates a marker Txn{id: t, k: K},
// K Person nodes and K Wrote and K Knows edges, SETs `touched = t` (and some
// names) on earlier nodes and relationships, deletes earlier relationships,
// DETACH DELETEs earlier nodes and inserts some of their keys again, and
// changes some of its own new entities: all of it one transaction.
// A run continues after the last transaction present in the database (the
// number of Txn markers), so several runs can share a database.
//
// Flags:
//   --db PATH               database file (created if missing)
//   --seed N                workload seed (must stay the same for one database)
//   --scale N               multiplies K, 1..1666 (must stay the same too)
//   --txns N                transactions to commit in this run (0: only open)
//   --kill-at POINT:N       raise(SIGKILL) at the N-th hit of kill point POINT
//   --checkpoint-every N    Database::Checkpoint() after every N commits
//   --checkpoint-wal-bytes N  DatabaseOptions::checkpoint_wal_bytes
//   --no-close              leave with _exit(0) without Close() (no checkpoint)
//
// Exit codes: 0 done, 2 usage, 3 open failed, 4 a transaction or checkpoint
// failed, 5 close failed. Killed runs die of SIGKILL.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "db/database.h"
#include "tests/crash_workload.h"

namespace {

using ruzu::Status;

// --- Process plumbing. ---

// Writes one whole line to stdout with write(2): nothing stays buffered in
// the process when it is killed.
void Report(const char* what, int64_t t) {
  char line[64];
  int n = std::snprintf(line, sizeof line, "%s %lld\n", what, static_cast<long long>(t));
  const char* p = line;
  while (n > 0) {
    ssize_t w = ::write(STDOUT_FILENO, p, static_cast<size_t>(n));
    if (w < 0) {
      if (errno == EINTR) continue;
      std::_Exit(6);
    }
    p += w;
    n -= static_cast<int>(w);
  }
}

std::string g_kill_point;
int64_t g_kill_hit = 0;
int64_t g_hits = 0;

void KillPointHook(const char* point) {
  if (g_kill_point.empty() || g_kill_point != point) return;
  if (++g_hits == g_kill_hit) {
    ::raise(SIGKILL);
    ::pause();  // not reached
  }
}

int Usage(const char* why) {
  std::fprintf(stderr,
               "crash_worker: %s\n"
               "usage: crash_worker --db PATH [--seed N] [--scale N] [--txns N] [--kill-at POINT:N]\n"
               "                    [--checkpoint-every N] [--checkpoint-wal-bytes N] [--no-close]\n",
               why);
  return 2;
}

bool ParseU64(const std::string& text, uint64_t* out) {
  if (text.empty() || text[0] < '0' || text[0] > '9') return false;
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return false;
  *out = v;
  return true;
}

bool ParseInt(const std::string& text, int64_t* out) {
  uint64_t v = 0;
  if (!ParseU64(text, &v) || v > static_cast<uint64_t>(INT64_MAX)) return false;
  *out = static_cast<int64_t>(v);
  return true;
}

int Fail(int code, const std::string& what, const Status& s) {
  std::fprintf(stderr, "crash_worker: %s: %s\n", what.c_str(), s.ToString().c_str());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  uint64_t seed = 1;
  int64_t scale = 1;
  int64_t txns = 10, checkpoint_every = 0, checkpoint_wal_bytes = -1;
  bool no_close = false;
  for (int i = 1; i < argc; i++) {
    const std::string arg = argv[i];
    auto value = [&](int64_t* out) {
      if (i + 1 >= argc) return false;
      return ParseInt(argv[++i], out);
    };
    if (arg == "--db") {
      if (i + 1 >= argc) return Usage("--db needs a path");
      path = argv[++i];
    } else if (arg == "--seed") {
      if (i + 1 >= argc || !ParseU64(argv[++i], &seed)) return Usage("bad --seed");
    } else if (arg == "--scale") {
      if (!value(&scale) || scale < 1 || scale > 1666) return Usage("bad --scale (1..1666)");
    } else if (arg == "--txns") {
      if (!value(&txns)) return Usage("bad --txns");
    } else if (arg == "--checkpoint-every") {
      if (!value(&checkpoint_every)) return Usage("bad --checkpoint-every");
    } else if (arg == "--checkpoint-wal-bytes") {
      if (!value(&checkpoint_wal_bytes)) return Usage("bad --checkpoint-wal-bytes");
    } else if (arg == "--kill-at") {
      if (i + 1 >= argc) return Usage("--kill-at needs POINT:N");
      const std::string spec = argv[++i];
      const size_t colon = spec.rfind(':');
      if (colon == std::string::npos || colon == 0 || !ParseInt(spec.substr(colon + 1), &g_kill_hit) ||
          g_kill_hit < 1) {
        return Usage("bad --kill-at (want POINT:N, N >= 1)");
      }
      g_kill_point = spec.substr(0, colon);
    } else if (arg == "--no-close") {
      no_close = true;
    } else {
      return Usage(("unknown argument " + arg).c_str());
    }
  }
  if (path.empty()) return Usage("--db is required");

  ruzu::DatabaseOptions options;
  options.kill_point = KillPointHook;
  if (checkpoint_wal_bytes >= 0) options.checkpoint_wal_bytes = static_cast<uint64_t>(checkpoint_wal_bytes);
  auto opened = ruzu::Database::Open(path, options);
  if (!opened.ok()) return Fail(3, "open '" + path + "'", opened.status());
  std::unique_ptr<ruzu::Database> db = std::move(opened).value();

  // Continue after the last transaction present.
  int64_t next = 0;
  if (db->CatalogSnapshot().FindTable("Txn") != nullptr) {
    auto reader = db->Begin(ruzu::TransactionMode::kReadOnly);
    if (!reader.ok()) return Fail(4, "begin read", reader.status());
    auto count = (*reader)->CountNodes("Txn");
    if (!count.ok()) return Fail(4, "count Txn", count.status());
    next = static_cast<int64_t>(*count);
  }

  ruzu::crash::WorkloadWriter writer(seed, scale, next);
  for (int64_t n = 0; n < txns; n++) {
    const int64_t t = next + n;
    auto txn = db->Begin(ruzu::TransactionMode::kReadWrite);
    if (!txn.ok()) return Fail(4, "begin txn " + std::to_string(t), txn.status());
    Status s = writer.Write(txn->get());
    if (!s.ok()) return Fail(4, "write txn " + std::to_string(t), s);
    Report("PENDING", t);
    s = (*txn)->Commit();
    if (!s.ok()) return Fail(4, "commit txn " + std::to_string(t), s);
    Report("ACK", t);
    if (checkpoint_every > 0 && (n + 1) % checkpoint_every == 0) {
      s = db->Checkpoint();
      if (!s.ok()) return Fail(4, "checkpoint after txn " + std::to_string(t), s);
    }
  }

  if (no_close) ::_exit(0);
  Status s = db->Close();
  if (!s.ok()) return Fail(5, "close", s);
  return 0;
}
