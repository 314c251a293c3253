// Crash tests with real processes: tools/crash_worker runs a deterministic
// workload (tests/crash_workload.h: every transaction creates nodes and
// relationships, SETs properties of earlier ones, deletes relationships,
// DETACH DELETEs nodes and re-inserts deleted keys) and is SIGKILLed, either
// at a random moment or at the N-th hit of a named kill point (commit, WAL,
// checkpoint, creation, recovery). After every kill the test reopens the
// database and checks the oracle, which compares the whole database with the
// workload's model of transactions 0..n-1:
//
//   * the open succeeds (read-only and read-write see the same state, and a
//     read-only open modifies no file);
//   * every acknowledged transaction (ACK t) is present exactly: its creates,
//     its SETs and its deletions;
//   * the one in-doubt transaction (PENDING t without ACK t) is present
//     entirely or not at all (creates, SETs and deletes together), and
//     nothing after it exists;
//   * Verify() reports no problem, and a reopen gives a byte-identical Dump();
//   * one more transaction commits and survives close/reopen.
//
// SnapshotsStayFixedWhileTheWriterUpdatesAndDeletes (no kills) checks that
// read-only snapshots never change while another thread commits updates and
// deletions, and that checkpoints wait for them.
//
// RUZU_CRASH_SECONDS sets the time budget (default 40 s for the whole
// binary); the kill-point sweep always runs in full, random kills fill the
// rest. RUZU_CRASH_SEED fixes the random choices (kill timing stays random).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "db/database.h"
#include "tests/crash_workload.h"
#include "common/test_util.h"

namespace ruzu {
namespace {

using Clock = std::chrono::steady_clock;

// Totals over the whole binary, printed by CrashSummary at the end.
struct Totals {
  int iterations = 0;
  int kills = 0;
  int64_t acked_verified = 0;
  int in_doubt_present = 0;
  int in_doubt_absent = 0;
  int64_t lost = 0;
  crash::TxnOps acked_ops;  // what the acknowledged, verified transactions did
  int64_t entities_checked = 0;  // nodes and relationships compared with the model, all checks
  int snapshot_checks = 0;       // SnapshotsStayFixed...: reader views compared with the model
};
Totals g_totals;
const Clock::time_point g_start = Clock::now();

double BudgetSeconds() {
  const char* env = std::getenv("RUZU_CRASH_SECONDS");
  if (env != nullptr && *env != '\0') return std::atof(env);
  return 40.0;
}

uint64_t TestSeed() {
  const char* env = std::getenv("RUZU_CRASH_SEED");
  if (env != nullptr && *env != '\0') return std::strtoull(env, nullptr, 10);
  return static_cast<uint64_t>(std::random_device()()) << 16 ^
         static_cast<uint64_t>(Clock::now().time_since_epoch().count());
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string WorkerPath() {
  if (FileExists("tools/crash_worker")) return "tools/crash_worker";
  const char* srcdir = std::getenv("TEST_SRCDIR");
  if (srcdir != nullptr) {
    std::string p = std::string(srcdir) + "/ruzu/tools/crash_worker";
    if (FileExists(p)) return p;
  }
  return "";
}

struct WorkerRun {
  std::vector<std::string> args;
  bool killed = false;  // died of SIGKILL
  int exit_code = -1;   // when it exited normally
  std::string output;   // complete stdout lines
  std::string stderr_text;

  std::string Describe() const {
    std::string out = "crash_worker";
    for (const auto& a : args) out += " " + a;
    out += killed ? " [killed]" : " [exit " + std::to_string(exit_code) + "]";
    if (!stderr_text.empty()) out += "\nstderr: " + stderr_text;
    return out;
  }
};

// Runs the worker; when kill_after_us >= 0, SIGKILLs it after that long.
WorkerRun RunWorker(const std::string& worker, const std::string& stderr_path, std::vector<std::string> args,
                    int64_t kill_after_us = -1) {
  WorkerRun run;
  run.args = args;
  int fds[2];
  if (::pipe(fds) != 0) {
    ADD_FAILURE() << "pipe failed";
    return run;
  }
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(worker.c_str()));
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const Clock::time_point begin = Clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[1]);
    int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (err >= 0) ::dup2(err, STDERR_FILENO);
    ::execv(worker.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  if (pid < 0) {
    ::close(fds[0]);
    ADD_FAILURE() << "fork failed";
    return run;
  }
  std::string raw;
  char buf[4096];
  bool eof = false;
  auto read_some = [&](int timeout_ms) {
    struct pollfd p = {fds[0], POLLIN, 0};
    int r = ::poll(&p, 1, timeout_ms);
    if (r <= 0) return;
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n > 0) {
      raw.append(buf, static_cast<size_t>(n));
    } else if (n == 0) {
      eof = true;
    }
  };
  if (kill_after_us >= 0) {
    const Clock::time_point deadline = begin + std::chrono::microseconds(kill_after_us);
    while (!eof) {
      auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now()).count();
      if (left <= 0) break;
      read_some(static_cast<int>((left + 999) / 1000));
    }
    ::kill(pid, SIGKILL);  // harmless when it already exited (not yet reaped)
  }
  while (!eof) read_some(-1);
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  const size_t complete = raw.rfind('\n');
  run.output = complete == std::string::npos ? "" : raw.substr(0, complete + 1);
  run.stderr_text = ReadFile(stderr_path);
  return run;
}

// One database the test keeps killing workers on.
struct TestDb {
  std::string dir;
  std::string path;
  uint64_t seed = 0;
  int64_t scale = 1;  // K multiplier (big transactions cross node groups)
  // Transactions 0..lo-1 must be present; up to hi-1 may be (in doubt).
  int64_t lo = 0;
  int64_t hi = 0;
  // Transactions 0..counted-1 are in g_totals.acked_ops already.
  int64_t counted = 0;
};

class CrashTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    seed_ = TestSeed();
    std::printf("crash: RUZU_CRASH_SEED=%llu\n", static_cast<unsigned long long>(seed_));
  }

  void SetUp() override {
    worker_ = WorkerPath();
    ASSERT_FALSE(worker_.empty()) << "tools/crash_worker not found in the runfiles";
    rng_.seed(seed_ + std::hash<std::string>()(::testing::UnitTest::GetInstance()->current_test_info()->name()));
  }

  TestDb FreshDb(int64_t scale = 1) {
    TestDb db;
    db.scale = scale;
    db.dir = MakeTempDir();
    db.path = db.dir + "/graph.ruzu";
    db.seed = rng_();
    return db;
  }

  WorkerRun Run(const TestDb& db, std::vector<std::string> args, int64_t kill_after_us = -1) {
    std::vector<std::string> all = {"--db", db.path, "--seed", std::to_string(db.seed), "--scale",
                                    std::to_string(db.scale)};
    all.insert(all.end(), args.begin(), args.end());
    WorkerRun run = RunWorker(worker_, db.dir + "/worker.stderr", all, kill_after_us);
    if (run.killed) g_totals.kills++;
    return run;
  }

  // Folds a worker's PENDING/ACK lines into db->lo/hi. Returns false (with a
  // test failure) when the run did something other than die of SIGKILL or
  // exit cleanly, or reported transactions out of order.
  bool Account(TestDb* db, const WorkerRun& run, bool must_be_killed) {
    if (!run.killed && run.exit_code != 0) {
      ADD_FAILURE() << "worker failed: " << run.Describe();
      return false;
    }
    if (must_be_killed && !run.killed) {
      ADD_FAILURE() << "the kill point was never reached: " << run.Describe();
      return false;
    }
    std::istringstream in(run.output);
    std::string word;
    int64_t t;
    bool unacknowledged = false;  // this run left a PENDING without ACK
    while (in >> word >> t) {
      unacknowledged = word == "PENDING";
      if (word == "PENDING") {
        if (db->hi != db->lo || t != db->lo) {
          ADD_FAILURE() << "worker started transaction " << t << " but the database holds " << db->lo << ".."
                        << db->hi << ": " << run.Describe();
          return false;
        }
        db->hi = t + 1;
      } else if (word == "ACK") {
        if (t != db->lo || db->hi != t + 1) {
          ADD_FAILURE() << "unexpected ACK " << t << ": " << run.Describe();
          return false;
        }
        db->lo = t + 1;
        g_totals.acked_verified++;  // checked by the Recover() that follows
      } else {
        ADD_FAILURE() << "unexpected output '" << word << "': " << run.Describe();
        return false;
      }
    }
    if (!run.killed && unacknowledged) {
      ADD_FAILURE() << "clean exit with transaction " << db->lo << " unacknowledged: " << run.Describe();
      return false;
    }
    return true;
  }

  std::string WalPath(const TestDb& db) { return db.path + ".wal"; }

  // Reopens after a crash and checks the oracle (see the file comment).
  // Leaves db->lo == db->hi == transactions present (one more than found).
  void Recover(TestDb* db, const std::string& context) {
    SCOPED_TRACE(context);
    g_totals.iterations++;
    const int64_t lo = db->lo, hi = db->hi;
    std::string dump;
    int64_t present = -1;
    // 1. Read-only: recovery in memory, no file modified.
    if (FileExists(db->path)) {
      const std::string file_before = ReadFile(db->path);
      const bool had_wal = FileExists(WalPath(*db));
      const std::string wal_before = ReadFile(WalPath(*db));
      DatabaseOptions ro;
      ro.read_only = true;
      ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> r, Database::Open(db->path, ro));
      crash::WorkloadCheck check = crash::CheckWorkload(r.get(), db->seed, lo, hi, db->scale);
      if (check.present < lo) g_totals.lost += lo - check.present;
      ASSERT_TRUE(check.problems.empty()) << "read-only open:\n" << check.Summary();
      present = check.present;
      ASSERT_OK_AND_ASSIGN(dump, r->Dump());
      ASSERT_OK(r->Close());
      EXPECT_EQ(ReadFile(db->path), file_before) << "a read-only open modified the database file";
      EXPECT_EQ(FileExists(WalPath(*db)), had_wal) << "a read-only open created or removed the WAL";
      EXPECT_EQ(ReadFile(WalPath(*db)), wal_before) << "a read-only open modified the WAL";
    } else {
      ASSERT_EQ(lo, 0) << "the database file is gone but transactions were acknowledged";
    }
    // 2. Read-write: the same state; verify; close with a checkpoint.
    {
      ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> w, Database::Open(db->path));
      crash::WorkloadCheck check = crash::CheckWorkload(w.get(), db->seed, lo, hi, db->scale);
      if (present < 0 && check.present < lo) g_totals.lost += lo - check.present;
      ASSERT_TRUE(check.problems.empty()) << "read-write open:\n" << check.Summary();
      g_totals.entities_checked += check.nodes_checked + check.rels_checked;
      // The acknowledged transactions' creates, SETs and deletes were all
      // found exactly as the model has them.
      for (int64_t t = db->counted; t < lo && t < static_cast<int64_t>(check.per_txn.size()); t++) {
        g_totals.acked_ops += check.per_txn[static_cast<size_t>(t)];
      }
      db->counted = std::max(db->counted, lo);
      if (present >= 0) {
        EXPECT_EQ(check.present, present) << "read-only and read-write opens disagree";
      }
      present = check.present;
      ASSERT_OK_AND_ASSIGN(std::vector<std::string> problems, w->Verify());
      EXPECT_TRUE(problems.empty()) << "Verify: " << ::testing::PrintToString(problems);
      ASSERT_OK_AND_ASSIGN(std::string d, w->Dump());
      if (!dump.empty()) {
        EXPECT_EQ(d, dump) << "read-only and read-write dumps differ";
      }
      dump = d;
      ASSERT_OK(w->Close());
    }
    if (present == hi && hi > lo) g_totals.in_doubt_present++;
    if (present == lo && hi > lo) g_totals.in_doubt_absent++;
    // 3. Reopen: byte-identical dump, then one more transaction.
    {
      ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> w, Database::Open(db->path));
      ASSERT_OK_AND_ASSIGN(std::string d, w->Dump());
      ASSERT_EQ(d, dump) << "the dump changed across close/reopen";
      ASSERT_OK_AND_ASSIGN(std::vector<std::string> problems, w->Verify());
      EXPECT_TRUE(problems.empty()) << "Verify after reopen: " << ::testing::PrintToString(problems);
      ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> txn, w->Begin(TransactionMode::kReadWrite));
      ASSERT_OK(crash::WriteWorkloadTxn(txn.get(), db->seed, present, db->scale));
      ASSERT_OK(txn->Commit());
      ASSERT_OK(w->Close());
    }
    // 4. And it is there after another reopen.
    {
      ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> w, Database::Open(db->path));
      crash::WorkloadCheck check = crash::CheckWorkload(w.get(), db->seed, present + 1, present + 1, db->scale);
      ASSERT_TRUE(check.problems.empty()) << "after the extra transaction:\n" << check.Summary();
      ASSERT_OK(w->Close());
    }
    db->lo = db->hi = present + 1;
    // The extra transaction was not acknowledged by a worker: not counted.
    db->counted = std::max(db->counted, present + 1);
  }

  static uint64_t seed_;
  std::string worker_;
  std::mt19937_64 rng_;
};

uint64_t CrashTest::seed_ = 0;

const char* const kCommitPoints[] = {"commit.before_wal", "commit.after_wal_sync", "wal.before_write",
                                     "wal.after_write", "wal.after_sync"};
const char* const kCheckpointPoints[] = {"checkpoint.start",
                                         "checkpoint.after_data",
                                         "checkpoint.after_manifest",
                                         "checkpoint.after_data_sync",
                                         "checkpoint.after_header_write",
                                         "checkpoint.after_header_sync",
                                         "checkpoint.after_wal_reset"};
const char* const kCreatePoints[] = {"create.before_sync", "create.before_rename", "create.after_rename"};
const char* const kRecoveryPoints[] = {"recovery.after_scan", "recovery.after_replay", "recovery.done"};

std::string KillAt(const std::string& point, int n) { return point + ":" + std::to_string(n); }

// Every kill point, several hit counts each; every kill must happen.
TEST_F(CrashTest, KillAtEveryKillPoint) {
  // Creation: a fresh database each time.
  for (const char* point : kCreatePoints) {
    TestDb db = FreshDb();
    WorkerRun run = Run(db, {"--txns", "3", "--kill-at", KillAt(point, 1)});
    ASSERT_TRUE(Account(&db, run, /*must_be_killed=*/true));
    ASSERT_NO_FATAL_FAILURE(Recover(&db, run.Describe()));
    // Then a commit kill on what the recovery made of it.
    run = Run(db, {"--txns", "2", "--kill-at", KillAt("commit.after_wal_sync", 1)});
    ASSERT_TRUE(Account(&db, run, true));
    ASSERT_NO_FATAL_FAILURE(Recover(&db, run.Describe()));
  }

  TestDb db = FreshDb();
  // Commit and WAL points: the N-th commit of a run, with and without
  // checkpoints between commits.
  for (const char* point : kCommitPoints) {
    for (int n : {1, 2, 5}) {
      const std::string every = n == 2 ? "2" : "0";
      WorkerRun run = Run(db, {"--txns", "6", "--checkpoint-every", every, "--kill-at", KillAt(point, n)});
      ASSERT_TRUE(Account(&db, run, true));
      ASSERT_NO_FATAL_FAILURE(Recover(&db, run.Describe()));
    }
  }
  // Checkpoint points: explicit checkpoints (every 2 commits), the one in
  // Close(), and automatic ones after a commit (tiny WAL limit).
  for (const char* point : kCheckpointPoints) {
    for (int n : {1, 2, 3}) {
      WorkerRun run = Run(db, {"--txns", "6", "--checkpoint-every", "2", "--kill-at", KillAt(point, n)});
      ASSERT_TRUE(Account(&db, run, true));
      ASSERT_NO_FATAL_FAILURE(Recover(&db, run.Describe()));
    }
    WorkerRun run = Run(db, {"--txns", "2", "--kill-at", KillAt(point, 1)});  // in Close()
    ASSERT_TRUE(Account(&db, run, true));
    ASSERT_NO_FATAL_FAILURE(Recover(&db, run.Describe()));
    run = Run(db, {"--txns", "4", "--checkpoint-wal-bytes", "1", "--kill-at", KillAt(point, 3)});
    ASSERT_TRUE(Account(&db, run, true));
    ASSERT_NO_FATAL_FAILURE(Recover(&db, run.Describe()));
  }
  // Checkpoints of a database past the first node group (4096 rows): big
  // transactions, a checkpoint after each commit.
  TestDb big = FreshDb(/*scale=*/40);
  WorkerRun fill = Run(big, {"--txns", "45"});
  ASSERT_TRUE(Account(&big, fill, false));
  int64_t rows = 0;
  for (int64_t t = 0; t < big.lo; t++) rows += crash::WorkloadK(big.seed, t, big.scale);
  ASSERT_GT(rows, 4096) << "the big database does not reach a second node group";
  for (const char* point : kCheckpointPoints) {
    WorkerRun run = Run(big, {"--txns", "3", "--checkpoint-every", "1", "--kill-at", KillAt(point, 2)});
    ASSERT_TRUE(Account(&big, run, true));
    ASSERT_NO_FATAL_FAILURE(Recover(&big, run.Describe()));
  }

  // Recovery points: a run leaves committed transactions in the WAL (no
  // close, so no checkpoint), then the verifier itself is killed while it
  // replays them, then a second kill during recovery after a torn commit.
  for (const char* point : kRecoveryPoints) {
    WorkerRun prep = Run(db, {"--txns", "3", "--no-close"});
    ASSERT_TRUE(Account(&db, prep, false));
    WorkerRun run = Run(db, {"--txns", "0", "--kill-at", KillAt(point, 1)});
    ASSERT_TRUE(Account(&db, run, true));
    // A crash mid-commit leaves a torn WAL tail; kill the recovery of that too.
    prep = Run(db, {"--txns", "3", "--kill-at", KillAt("wal.after_write", 2)});
    ASSERT_TRUE(Account(&db, prep, true));
    run = Run(db, {"--txns", "0", "--kill-at", KillAt(point, 1)});
    ASSERT_TRUE(Account(&db, run, true));
    ASSERT_NO_FATAL_FAILURE(Recover(&db, std::string("recovery killed at ") + point));
  }
}

// Snapshots under concurrency (no kills): a reader thread holds one
// read-only transaction while the writer commits workload transactions that
// SET, delete and DETACH DELETE, and checks again and again that its view is
// exactly the model of the transactions committed when it began. A second
// thread keeps starting fresh snapshots: each must be exactly some committed
// prefix (between the commits acknowledged before it began and those begun
// by then) and stay so. While the old snapshot is open, Checkpoint() is
// refused with kTransactionError (updates are pending) and automatic
// checkpoints wait; after it ends they work, and the state survives reopen.
TEST_F(CrashTest, SnapshotsStayFixedWhileTheWriterUpdatesAndDeletes) {
  const std::string path = MakeTempDir() + "/snapshot.ruzu";
  const uint64_t seed = rng_();
  SCOPED_TRACE("workload seed " + std::to_string(seed));
  DatabaseOptions options;
  options.checkpoint_wal_bytes = 1;  // an automatic checkpoint after every commit, when allowed
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(path, options));
  crash::WorkloadWriter writer(seed, /*scale=*/1, /*next=*/0);
  auto commit = [&]() -> Status {
    ASSIGN_OR_RETURN(std::unique_ptr<Transaction> txn, db->Begin(TransactionMode::kReadWrite));
    RETURN_IF_ERROR(writer.Write(txn.get()));
    return txn->Commit();
  };
  for (int i = 0; i < 6; i++) ASSERT_OK(commit());
  const int64_t n0 = writer.next();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> held, db->Begin(TransactionMode::kReadOnly));
  {
    crash::WorkloadCheck first = crash::CheckWorkloadIn(held.get(), seed, n0, n0);
    ASSERT_TRUE(first.problems.empty()) << "the new snapshot:\n" << first.Summary();
  }

  std::atomic<bool> stop{false};
  std::atomic<int64_t> acked{n0};    // Commit() returned OK for 0..acked-1
  std::atomic<int64_t> started{n0};  // Commit() may have begun for 0..started-1
  std::mutex mu;
  std::vector<std::string> failures;
  auto fail = [&](const std::string& what) {
    std::lock_guard<std::mutex> lock(mu);
    failures.push_back(what);
  };
  int held_rounds = 0, fresh_rounds = 0;
  std::thread holder([&] {
    // Goes on for two rounds after the writer is done.
    for (int after = 0; after < 2; held_rounds++) {
      if (stop.load()) after++;
      crash::WorkloadCheck c = crash::CheckWorkloadIn(held.get(), seed, n0, n0);
      if (!c.problems.empty()) {
        return fail("the snapshot held since transaction " + std::to_string(n0 - 1) + " changed (round " +
                    std::to_string(held_rounds) + ", " + std::to_string(acked.load()) + " committed):\n" +
                    c.Summary());
      }
    }
  });
  std::thread fresh([&] {
    while (!stop.load()) {
      const int64_t lo = acked.load();
      Result<std::unique_ptr<Transaction>> r = db->Begin(TransactionMode::kReadOnly);
      const int64_t hi = started.load();
      if (!r.ok()) return fail("Begin(read-only): " + r.status().ToString());
      crash::WorkloadCheck c = crash::CheckWorkloadIn(r->get(), seed, lo, hi);
      if (!c.problems.empty()) {
        return fail("a snapshot begun with " + std::to_string(lo) + ".." + std::to_string(hi) +
                    " transactions committed:\n" + c.Summary());
      }
      std::this_thread::sleep_for(std::chrono::microseconds(300));
      crash::WorkloadCheck again = crash::CheckWorkloadIn(r->get(), seed, c.present, c.present);
      if (!again.problems.empty()) {
        return fail("a snapshot of " + std::to_string(c.present) + " transactions changed while open:\n" +
                    again.Summary());
      }
      fresh_rounds++;
    }
  });
  std::string writer_error;
  for (int i = 0; i < 12 && writer_error.empty(); i++) {
    started.store(writer.next() + 1);
    Status s = commit();
    if (!s.ok()) {
      writer_error = "commit of transaction " + std::to_string(writer.next() - 1) + ": " + s.ToString();
      break;
    }
    acked.store(writer.next());
    s = db->Checkpoint();
    if (s.code() != StatusCode::kTransactionError) {
      writer_error = "Checkpoint() with an old snapshot open and updates pending returned " + s.ToString() +
                     " (expected kTransactionError)";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  stop.store(true);
  holder.join();
  fresh.join();
  ASSERT_TRUE(writer_error.empty()) << writer_error;
  ASSERT_TRUE(failures.empty()) << ::testing::PrintToString(failures);
  EXPECT_GE(held_rounds, 3);
  g_totals.snapshot_checks += held_rounds + fresh_rounds;
  const int64_t n = writer.next();
  crash::WorkloadCheck now = crash::CheckWorkload(db.get(), seed, n, n);
  ASSERT_TRUE(now.problems.empty()) << "the latest state:\n" << now.Summary();
  EXPECT_GT(now.total.sets(), 0);
  EXPECT_GT(now.total.deletes(), 0);
  EXPECT_GT(db->Stats().wal_bytes, 0u) << "a checkpoint ran while the old snapshot was open";

  // The snapshot ends: checkpoints work again, the next commit checkpoints
  // automatically, and everything survives reopen.
  held.reset();
  ASSERT_OK(db->Checkpoint());
  ASSERT_OK(commit());
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> problems, db->Verify());
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems);
  ASSERT_OK_AND_ASSIGN(std::string dump, db->Dump());
  ASSERT_OK(db->Close());
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, Database::Open(path));
  crash::WorkloadCheck reopened = crash::CheckWorkload(db.get(), seed, n + 1, n + 1);
  ASSERT_TRUE(reopened.problems.empty()) << "after reopen:\n" << reopened.Summary();
  ASSERT_OK_AND_ASSIGN(std::string again, db->Dump());
  EXPECT_EQ(again, dump);
  ASSERT_OK(db->Close());
  std::printf("snapshots: held snapshot checked %d times and %d fresh snapshots twice each while %lld "
              "transactions committed (%lld SETs, %lld deletes)\n",
              held_rounds, fresh_rounds, static_cast<long long>(n - n0), static_cast<long long>(now.total.sets()),
              static_cast<long long>(now.total.deletes()));
}

// Random kills for the rest of the budget: at a random moment, or at a
// random kill point, sometimes followed by a kill of the next recovery.
TEST_F(CrashTest, RandomKills) {
  const auto deadline = g_start + std::chrono::duration<double>(BudgetSeconds());
  TestDb db = FreshDb();
  int iterations = 0;
  std::vector<std::string> points;
  for (const char* p : kCommitPoints) points.push_back(p);
  for (const char* p : kCheckpointPoints) points.push_back(p);
  for (const char* p : kRecoveryPoints) points.push_back(p);
  auto pick = [&](uint64_t n) { return static_cast<int64_t>(rng_() % n); };
  while (iterations < 5 || Clock::now() < deadline) {
    iterations++;
    // Keep databases small so that the oracle stays fast; a fresh one also
    // exposes creation to random kills.
    if (db.lo * db.scale > (db.scale == 1 ? 120 : 2400) || pick(25) == 0) {
      db = FreshDb(/*scale=*/pick(5) == 0 ? 40 : 1);
    }
    std::vector<std::string> args;
    const int64_t every = std::vector<int64_t>{0, 1, 3, 7}[pick(4)];
    args.insert(args.end(), {"--checkpoint-every", std::to_string(every)});
    if (pick(4) == 0) args.insert(args.end(), {"--checkpoint-wal-bytes", std::to_string(1 << pick(17))});
    WorkerRun run;
    if (pick(10) < 7) {
      // At a random moment (U(0, T), T up to 250 ms).
      const int64_t max_us = std::vector<int64_t>{5000, 40000, 250000}[pick(3)];
      args.insert(args.end(), {"--txns", "1000000"});
      run = Run(db, args, pick(static_cast<uint64_t>(max_us)));
    } else {
      // At a random point; the run may end before reaching it.
      args.insert(args.end(), {"--txns", std::to_string(1 + pick(8)), "--kill-at",
                               KillAt(points[pick(points.size())], 1 + static_cast<int>(pick(6)))});
      if (pick(5) == 0) args.push_back("--no-close");
      run = Run(db, args);
    }
    ASSERT_TRUE(Account(&db, run, false));
    std::string context = run.Describe();
    if (pick(3) == 0 && FileExists(db.path)) {
      // Kill the recovery too (after_replay is reached only when the WAL
      // holds committed transactions).
      const char* point = kRecoveryPoints[pick(3)];
      WorkerRun again = Run(db, {"--txns", "0", "--kill-at", KillAt(point, 1)});
      const bool always_reached = std::string(point) != "recovery.after_replay";
      ASSERT_TRUE(Account(&db, again, always_reached));
      context += "\nthen " + again.Describe();
    }
    ASSERT_NO_FATAL_FAILURE(Recover(&db, context));
  }
}

class CrashSummary : public ::testing::Environment {
 public:
  void TearDown() override {
    const crash::TxnOps& ops = g_totals.acked_ops;
    std::printf("crash: %d iterations, %lld acked txns verified, %lld lost (%d kills; in-doubt txns: %d present, %d absent; %.1f s)\n",
                g_totals.iterations, static_cast<long long>(g_totals.acked_verified),
                static_cast<long long>(g_totals.lost), g_totals.kills, g_totals.in_doubt_present,
                g_totals.in_doubt_absent, std::chrono::duration<double>(Clock::now() - g_start).count());
    std::printf("crash: the acked txns verified made %lld property SETs (%lld node, %lld relationship), %lld "
                "deletes (%lld DeleteRel, %lld DETACH DELETE taking %lld relationships), %lld re-inserted keys, "
                "%lld nodes and %lld relationships created; %lld entities compared with the model in all; "
                "%d snapshot views checked under concurrent writes\n",
                static_cast<long long>(ops.sets()), static_cast<long long>(ops.node_sets),
                static_cast<long long>(ops.rel_sets), static_cast<long long>(ops.deletes()),
                static_cast<long long>(ops.rel_deletes), static_cast<long long>(ops.node_deletes),
                static_cast<long long>(ops.detached_rels), static_cast<long long>(ops.reinserts),
                static_cast<long long>(ops.nodes_created), static_cast<long long>(ops.rels_created),
                static_cast<long long>(g_totals.entities_checked), g_totals.snapshot_checks);
    std::fflush(stdout);
  }
};

const auto* const kSummary = ::testing::AddGlobalTestEnvironment(new CrashSummary);

}  // namespace
}  // namespace ruzu
