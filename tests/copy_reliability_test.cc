// COPY FROM under faults, on the fault-injecting in-memory file system (the
// database and the CSV files it reads both live there):
//
//  - power loss before every mutating file operation of a COPY of 3000 nodes
//    followed by a COPY of 4000 relationships into a database with committed
//    data (checkpointed, plus inserts, updates and deletions in the WAL): the
//    reopened database is exactly the state before or after each COPY, never
//    in between, and an acknowledged COPY is always there;
//  - an I/O error, a short write or a full disk at every write, and a failed
//    fsync at every sync and directory sync, of both COPYs: the COPY fails
//    and the database (in the same process and after reopen, a power cut
//    too) is the state before it, or (only for a fault after the commit
//    point) the COPY succeeds; Verify is clean, and the COPY then succeeds
//    (after a reopen when a failed fsync poisoned the database);
//  - Connection::Interrupt() from another thread: "Interrupted", nothing
//    changed;
//  - concurrency: snapshots keep the old state while and after a COPY runs, a
//    second writer and Close()/Checkpoint() are refused at once, not blocked;
//  - a read-only database refuses COPY FROM and its files stay untouched.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "common/test_util.h"
#include "common/types.h"
#include "db/connection.h"
#include "db/database.h"
#include "storage/file_system.h"
#include "storage/testing/fault_injection_file_system.h"

namespace ruzu {
namespace {

constexpr const char* kPath = "graph.ruzu";
constexpr const char* kSchema =
    "CREATE NODE TABLE Person(id INT64, name STRING, age INT64, score DOUBLE, PRIMARY KEY(id));"
    "CREATE NODE TABLE City(name STRING, PRIMARY KEY(name));"
    "CREATE REL TABLE Knows(FROM Person TO Person, since INT64)";

// The COPYs the fault tests run, in order, on the base database.
constexpr const char* kCopyPersons = "COPY Person FROM 'new_persons.csv'";
constexpr const char* kCopyKnows = "COPY Knows FROM 'new_knows.csv'";
constexpr int64_t kBasePersons = 2000;  // ids 0..1999, checkpointed by COPY
constexpr int64_t kWalPersons = 50;     // ids 100000.., in the WAL
constexpr int64_t kNewPersons = 3000;   // ids 2000..4999: the table grows past one node group (4096)
constexpr int64_t kNewKnows = 4000;     // between old, WAL and new persons
constexpr int64_t kDeletedPerson = 7;   // detach-deleted in the WAL

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

uint64_t NextRandom(uint64_t* x) {
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  return *x;
}

// Persons first..first+count-1: id, name (some need quoting), age (some
// empty: NULL), score.
std::string PersonsCsv(int64_t first, int64_t count, uint64_t seed) {
  std::string out;
  uint64_t x = seed;
  for (int64_t id = first; id < first + count; id++) {
    std::string name =
        id % 7 == 0 ? "\"O'Hara, \"\"Jr\"\" " + std::to_string(id) + "\"" : "p" + std::to_string(id);
    const uint64_t r = NextRandom(&x);
    std::string age = id % 11 == 0 ? "" : std::to_string(18 + r % 60);
    out += std::to_string(id) + "," + name + "," + age + "," +
           FormatDouble(static_cast<double>(r % 100000) / 8) + "\n";
  }
  return out;
}

// `count` relationships between random persons of `ids`.
std::string KnowsCsv(const std::vector<int64_t>& ids, int64_t count, uint64_t seed) {
  std::string out;
  uint64_t x = seed;
  for (int64_t k = 0; k < count; k++) {
    const int64_t from = ids[NextRandom(&x) % ids.size()];
    const int64_t to = ids[NextRandom(&x) % ids.size()];
    out += std::to_string(from) + "," + std::to_string(to) + "," +
           std::to_string(1990 + NextRandom(&x) % 30) + "\n";
  }
  return out;
}

std::vector<int64_t> LivePersonIds(int64_t persons) {
  std::vector<int64_t> ids;
  for (int64_t id = 0; id < persons; id++) {
    if (id != kDeletedPerson) ids.push_back(id);
  }
  for (int64_t i = 0; i < kWalPersons; i++) ids.push_back(100000 + i);
  return ids;
}

// Every file of the (flat) in-memory file system.
using Image = std::map<std::string, std::string>;

Image Capture(FaultInjectionFileSystem* fs) {
  Image image;
  Result<std::vector<std::string>> names = fs->List(".");
  EXPECT_TRUE(names.ok()) << names.status().ToString();
  if (!names.ok()) return image;
  for (const std::string& name : *names) {
    Result<std::string> data = fs->ReadFileContents(name);
    EXPECT_TRUE(data.ok()) << data.status().ToString();
    if (data.ok()) image[name] = *data;
  }
  return image;
}

void Restore(const Image& image, FaultInjectionFileSystem* fs) {
  for (const auto& [name, data] : image) ASSERT_OK(fs->WriteFileContents(name, data, /*durable=*/true));
}

std::string Problems(Database* db) {
  Result<std::vector<std::string>> problems = db->Verify();
  if (!problems.ok()) return "Verify failed: " + problems.status().ToString();
  std::string out;
  for (const std::string& p : *problems) out += p + "\n";
  return out;
}

std::string DumpOf(Database* db) {
  Result<std::string> dump = db->Dump();
  EXPECT_TRUE(dump.ok()) << dump.status().ToString();
  return dump.ok() ? *dump : "<Dump failed: " + dump.status().ToString() + ">";
}

// Whether two dumps are equal; otherwise says where they first differ
// (dumps are too long to print whole).
::testing::AssertionResult SameDump(const std::string& actual, const std::string& expected) {
  if (actual == expected) return ::testing::AssertionSuccess();
  size_t at = 0;
  while (at < actual.size() && at < expected.size() && actual[at] == expected[at]) at++;
  const size_t line_start = actual.rfind('\n', at == 0 ? 0 : at - 1);
  const size_t from = line_start == std::string::npos ? 0 : line_start + 1;
  auto line = [&](const std::string& text) {
    if (from >= text.size()) return std::string("<end>");
    return text.substr(from, text.find('\n', from) - from);
  };
  return ::testing::AssertionFailure()
         << "dumps differ (" << actual.size() << " vs " << expected.size() << " bytes) first at line '"
         << line(actual) << "', expected '" << line(expected) << "'";
}

DatabaseOptions OptionsFor(FileSystem* fs) {
  DatabaseOptions options;
  options.file_system = fs;
  return options;
}

// Inserts, updates and deletes committed to the WAL of the base database
// (after its checkpointed COPYs). Without `versions`, inserts only.
Status WriteWalTransaction(Database* db, bool versions) {
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> txn, db->Begin(TransactionMode::kReadWrite));
  for (int64_t i = 0; i < kWalPersons; i++) {
    const int64_t id = 100000 + i;
    RETURN_IF_ERROR(txn->InsertNode("Person", {Value::Int64(id), Value::String("wal" + std::to_string(id)),
                                               Value::Int64(i), Value::Double(0.5 * static_cast<double>(i))})
                        .status());
    RETURN_IF_ERROR(
        txn->InsertRel("Knows", Value::Int64(id), Value::Int64(i * 3 + 1), {Value::Int64(2000 + i)})
            .status());
    RETURN_IF_ERROR(
        txn->InsertRel("Knows", Value::Int64(i * 5 + 2), Value::Int64(id), {Value::Int64(2100 + i)})
            .status());
  }
  RETURN_IF_ERROR(txn->InsertNode("City", {Value::String("Walhalla")}).status());
  if (versions) {
    ASSIGN_OR_RETURN(std::optional<uint64_t> five, txn->LookupNode("Person", Value::Int64(5)));
    if (!five) return NotFound("Person 5");
    RETURN_IF_ERROR(txn->SetNodeProperty("Person", *five, "age", Value::Int64(99)));
    RETURN_IF_ERROR(txn->SetNodeProperty("Person", *five, "name", Value::String("renamed")));
    for (int64_t id : {int64_t{10}, int64_t{11}}) {
      ASSIGN_OR_RETURN(std::optional<uint64_t> from, txn->LookupNode("Person", Value::Int64(id)));
      if (!from) return NotFound("Person " + std::to_string(id));
      ASSIGN_OR_RETURN(std::vector<Edge> edges, txn->Neighbours("Knows", *from, /*forward=*/true));
      if (edges.empty()) return NotFound("edges of Person " + std::to_string(id));
      if (id == 10) {
        RETURN_IF_ERROR(txn->SetRelProperty("Knows", *from, edges[0].rel_id, "since", Value::Int64(1)));
      } else {
        RETURN_IF_ERROR(txn->DeleteRel("Knows", *from, edges[0].rel_id));
      }
    }
    ASSIGN_OR_RETURN(std::optional<uint64_t> victim, txn->LookupNode("Person", Value::Int64(kDeletedPerson)));
    if (!victim) return NotFound("Person 7");
    RETURN_IF_ERROR(txn->DeleteNode("Person", *victim, /*detach=*/true));
  }
  return txn->Commit();
}

// The base database and the CSV files, as durable files: 2000 persons,
// 10 cities and 3000 relationships imported (checkpointed), then one
// transaction left in the WAL.
Image MakeBase(bool versions) {
  FaultInjectionFileSystem fs;
  Image none;
  EXPECT_OK(fs.WriteFileContents("base_persons.csv", PersonsCsv(0, kBasePersons, 1), true));
  std::string cities;
  for (int c = 0; c < 10; c++) cities += "City" + std::to_string(c) + "\n";
  EXPECT_OK(fs.WriteFileContents("cities.csv", cities, true));
  std::vector<int64_t> base_ids;
  for (int64_t id = 0; id < kBasePersons; id++) base_ids.push_back(id);
  EXPECT_OK(fs.WriteFileContents("base_knows.csv", KnowsCsv(base_ids, 3000, 2), true));
  EXPECT_OK(fs.WriteFileContents("new_persons.csv", PersonsCsv(kBasePersons, kNewPersons, 3), true));
  EXPECT_OK(fs.WriteFileContents("new_knows.csv",
                                 KnowsCsv(LivePersonIds(kBasePersons + kNewPersons), kNewKnows, 4), true));
  DatabaseOptions options = OptionsFor(&fs);
  options.checkpoint_on_close = false;
  Result<std::unique_ptr<Database>> db = Database::Open(kPath, options);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return none;
  {
    Connection conn(db->get());
    for (const char* q : {kSchema, "COPY Person FROM 'base_persons.csv'", "COPY City FROM 'cities.csv'",
                          "COPY Knows FROM 'base_knows.csv'"}) {
      auto r = conn.Query(q);
      EXPECT_TRUE(r.ok()) << q << ": " << r.status().ToString();
      if (!r.ok()) return none;
    }
  }
  EXPECT_OK(WriteWalTransaction(db->get(), versions));
  EXPECT_GT((*db)->Stats().wal_bytes, 4096u) << "the base has nothing in its WAL";
  EXPECT_OK((*db)->Close());
  fs.SimulateCrash();  // keep only what is durable
  return Capture(&fs);
}

const Image& BaseWithVersions() {
  static const Image* image = new Image(MakeBase(/*versions=*/true));
  return *image;
}

// Runs `cypher` on a fresh connection; returns its status.
Status Exec(Database* db, const std::string& cypher) {
  Connection conn(db);
  return conn.Query(cypher).status();
}

// --- A file system whose power can be cut at the n-th mutating operation ----

// Forwards to a FaultInjectionFileSystem. Once armed, it counts the steps
// that change files (WriteAt, Sync, Truncate, Open with create, Rename,
// Remove, SyncDir) and, just before step `crash_at`, simulates a power cut on
// the file system below: that step and everything after it fails, so the
// "dead process" (the Database still running its error paths) can no longer
// touch the files the next boot sees.
class PowerCutFileSystem : public FileSystem {
 public:
  explicit PowerCutFileSystem(FaultInjectionFileSystem* base) : base_(base) {}

  // crash_at == 0: only count (and describe) the steps.
  void Arm(uint64_t crash_at, const CrashOptions& crash) {
    std::lock_guard<std::mutex> lock(mu_);
    armed_ = true;
    crash_at_ = crash_at;
    crash_ = crash;
  }
  // Cuts the power now (as if the process were killed and the machine lost
  // power right here).
  void CutPower() {
    std::lock_guard<std::mutex> lock(mu_);
    CutPowerLocked();
  }
  bool dead() const { return dead_; }
  uint64_t steps() const {
    std::lock_guard<std::mutex> lock(mu_);
    return steps_;
  }
  std::vector<std::string> descriptions() const {
    std::lock_guard<std::mutex> lock(mu_);
    return descriptions_;
  }

  // Counts one step; fails it (and cuts the power) when it is the chosen one.
  Status Step(const std::string& what) {
    std::lock_guard<std::mutex> lock(mu_);
    if (dead_) return IOError(what + ": the power is off");
    if (!armed_) return Status::OK();
    ++steps_;
    if (crash_at_ == 0) descriptions_.push_back(what);
    if (steps_ == crash_at_) {
      CutPowerLocked();
      return IOError(what + ": the power failed");
    }
    return Status::OK();
  }
  Status Alive(const std::string& what) const {
    return dead_ ? IOError(what + ": the power is off") : Status::OK();
  }

  Result<std::unique_ptr<File>> Open(const std::string& path, const OpenOptions& options) override;
  Result<FileInfo> Stat(const std::string& path) override {
    RETURN_IF_ERROR(Alive("stat " + path));
    return base_->Stat(path);
  }
  Status Remove(const std::string& path) override {
    RETURN_IF_ERROR(Step("remove " + path));
    return base_->Remove(path);
  }
  Status Rename(const std::string& from, const std::string& to) override {
    RETURN_IF_ERROR(Step("rename " + from + " " + to));
    return base_->Rename(from, to);
  }
  Status SyncDir(const std::string& dir) override {
    RETURN_IF_ERROR(Step("syncdir " + dir));
    return base_->SyncDir(dir);
  }
  Status CreateDir(const std::string& dir) override {
    RETURN_IF_ERROR(Step("mkdir " + dir));
    return base_->CreateDir(dir);
  }
  Result<std::vector<std::string>> List(const std::string& dir) override {
    RETURN_IF_ERROR(Alive("list " + dir));
    return base_->List(dir);
  }

 private:
  void CutPowerLocked() {
    if (dead_) return;
    base_->SimulateCrash(crash_);
    dead_ = true;
  }

  FaultInjectionFileSystem* const base_;
  mutable std::mutex mu_;
  std::atomic<bool> dead_{false};
  bool armed_ = false;
  uint64_t crash_at_ = 0;
  CrashOptions crash_;
  uint64_t steps_ = 0;
  std::vector<std::string> descriptions_;
};

class PowerCutFile : public File {
 public:
  PowerCutFile(PowerCutFileSystem* fs, std::unique_ptr<File> base)
      : File(base->path()), fs_(fs), base_(std::move(base)) {}

  Status ReadAt(uint64_t offset, size_t n, char* out, size_t* bytes_read) override {
    *bytes_read = 0;
    RETURN_IF_ERROR(fs_->Alive("read " + path()));
    return base_->ReadAt(offset, n, out, bytes_read);
  }
  Status WriteAt(uint64_t offset, const char* data, size_t n) override {
    RETURN_IF_ERROR(fs_->Step("write " + path() + " " + std::to_string(offset) + " " + std::to_string(n)));
    return base_->WriteAt(offset, data, n);
  }
  Status Sync() override {
    RETURN_IF_ERROR(fs_->Step("sync " + path()));
    return base_->Sync();
  }
  Status Truncate(uint64_t size) override {
    RETURN_IF_ERROR(fs_->Step("truncate " + path() + " " + std::to_string(size)));
    return base_->Truncate(size);
  }
  Result<uint64_t> Size() override {
    RETURN_IF_ERROR(fs_->Alive("size " + path()));
    return base_->Size();
  }
  Status Lock(LockMode mode) override {
    RETURN_IF_ERROR(fs_->Alive("lock " + path()));
    return base_->Lock(mode);
  }

 private:
  PowerCutFileSystem* const fs_;
  const std::unique_ptr<File> base_;
};

Result<std::unique_ptr<File>> PowerCutFileSystem::Open(const std::string& path, const OpenOptions& options) {
  if (options.create && !options.read_only) {
    RETURN_IF_ERROR(Step("open-create " + path));
  } else {
    RETURN_IF_ERROR(Alive("open " + path));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<File> file, base_->Open(path, options));
  return std::unique_ptr<File>(new PowerCutFile(this, std::move(file)));
}

// --- The reference run ----------------------------------------------------------

// The states around the two COPYs, and the file operations each makes.
struct Reference {
  std::string before, mid, after;  // dumps: base, after the persons, after the relationships
  uint64_t persons_steps = 0, total_steps = 0;
  std::vector<std::string> steps;  // descriptions, in order
  // Fault-injecting file system counters per COPY (without the power-cut layer).
  uint64_t writes[2] = {0, 0}, syncs[2] = {0, 0}, sync_dirs[2] = {0, 0};
  std::vector<std::string> ops[2];  // the operation trace of each COPY
};

const Reference& GetReference() {
  static const Reference* reference = [] {
    auto* ref = new Reference;
    {
      FaultInjectionFileSystem fs;
      Restore(BaseWithVersions(), &fs);
      PowerCutFileSystem cut(&fs);
      Result<std::unique_ptr<Database>> db = Database::Open(kPath, OptionsFor(&cut));
      EXPECT_TRUE(db.ok()) << db.status().ToString();
      if (!db.ok()) return ref;
      ref->before = DumpOf(db->get());
      cut.Arm(0, CrashOptions());
      EXPECT_OK(Exec(db->get(), kCopyPersons));
      ref->persons_steps = cut.steps();
      ref->mid = DumpOf(db->get());
      EXPECT_OK(Exec(db->get(), kCopyKnows));
      ref->total_steps = cut.steps();
      ref->after = DumpOf(db->get());
      ref->steps = cut.descriptions();
      EXPECT_EQ(Problems(db->get()), "");
      EXPECT_OK((*db)->Close());
    }
    // The same COPYs counted by the file system below, with its trace.
    FaultInjectionFileSystem fs;
    Restore(BaseWithVersions(), &fs);
    Result<std::unique_ptr<Database>> db = Database::Open(kPath, OptionsFor(&fs));
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (!db.ok()) return ref;
    int i = 0;
    for (const char* copy : {kCopyPersons, kCopyKnows}) {
      fs.ResetCounters();
      fs.ClearOps();
      fs.SetRecordOps(true);
      EXPECT_OK(Exec(db->get(), copy));
      fs.SetRecordOps(false);
      ref->writes[i] = fs.write_count();
      ref->syncs[i] = fs.sync_count();
      ref->sync_dirs[i] = fs.sync_dir_count();
      ref->ops[i] = fs.ops();
      i++;
    }
    EXPECT_TRUE(SameDump(DumpOf(db->get()), ref->after));
    EXPECT_OK((*db)->Close());
    return ref;
  }();
  return *reference;
}

// Which of the reference states `dump` is.
std::string StateName(const Reference& ref, const std::string& dump) {
  if (dump == ref.before) return "before";
  if (dump == ref.mid) return "mid";
  if (dump == ref.after) return "after";
  return "none";
}

class CopyReliabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const Reference& ref = GetReference();
    ASSERT_FALSE(ref.before.empty());
    ASSERT_NE(ref.before, ref.mid);
    ASSERT_NE(ref.mid, ref.after);
    ASSERT_GT(ref.persons_steps, 10u);
    ASSERT_GT(ref.total_steps, ref.persons_steps + 10);
  }
};

TEST_F(CopyReliabilityTest, ReferenceRunImportsEverything) {
  const Reference& ref = GetReference();
  FaultInjectionFileSystem fs;
  Restore(BaseWithVersions(), &fs);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(kPath, OptionsFor(&fs)));
  EXPECT_TRUE(SameDump(DumpOf(db.get()), ref.before));
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> read, db->Begin(TransactionMode::kReadOnly));
    EXPECT_EQ(*read->CountNodes("Person"), static_cast<uint64_t>(kBasePersons + kWalPersons - 1));
    EXPECT_EQ(*read->CountNodes("City"), 11u);
  }
  ASSERT_OK(Exec(db.get(), kCopyPersons));
  ASSERT_OK(Exec(db.get(), kCopyKnows));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> read, db->Begin(TransactionMode::kReadOnly));
  EXPECT_EQ(*read->CountNodes("Person"), static_cast<uint64_t>(kBasePersons + kWalPersons - 1 + kNewPersons));
  ASSERT_OK_AND_ASSIGN(uint64_t knows, read->CountRels("Knows"));
  EXPECT_GE(knows, static_cast<uint64_t>(3000 + kNewKnows));
  read.reset();
  EXPECT_TRUE(SameDump(DumpOf(db.get()), ref.after));
  EXPECT_EQ(Problems(db.get()), "");
  std::printf(
      "reference: COPY persons %llu steps, COPY knows %llu steps; writes %llu+%llu, syncs %llu+%llu, "
      "directory syncs %llu+%llu\n",
      static_cast<unsigned long long>(ref.persons_steps),
      static_cast<unsigned long long>(ref.total_steps - ref.persons_steps),
      static_cast<unsigned long long>(ref.writes[0]), static_cast<unsigned long long>(ref.writes[1]),
      static_cast<unsigned long long>(ref.syncs[0]), static_cast<unsigned long long>(ref.syncs[1]),
      static_cast<unsigned long long>(ref.sync_dirs[0]), static_cast<unsigned long long>(ref.sync_dirs[1]));
}

// --- 1. Power loss at every step of a COPY ----------------------------------------
//
// Plans: every step k = 1..N+1 of the two COPYs (N file-changing operations
// in all, 170 when this was written; k = N+1 is "right after the second COPY
// returned"), with unsynced data lost, and three times more with unsynced
// writes randomly kept, dropped or torn at 512-byte sectors (seeds derived
// from k): 4 * (N + 1) plans. After the power cut: open succeeds, Verify is
// clean, the database is exactly the state before, between or after the
// COPYs as the oracle allows (a returned COPY is always there), a second
// reopen gives the same dump, and one more commit survives another power cut.
// One instance per crash mode (0: unsynced data lost; 1..3: unsynced writes
// randomly kept), so that test shards can run them in parallel.
class CopyPowerLossTest : public CopyReliabilityTest, public ::testing::WithParamInterface<uint64_t> {};

TEST_P(CopyPowerLossTest, PowerLossAtEveryStepIsBeforeOrAfter) {
  const Reference& ref = GetReference();
  const uint64_t n = ref.total_steps;
  std::map<std::string, int> outcomes;
  int plans = 0;
  const uint64_t mode = GetParam();
  const bool random_unsynced = mode > 0;
  for (uint64_t k = 1; k <= n + 1; k++) {
    CrashOptions crash;
    crash.keep_random_unsynced = random_unsynced;
    crash.seed = k * 4 + mode;
    const std::string where =
        k <= n ? "step " + std::to_string(k) + " of " + std::to_string(n) + " (" + ref.steps[k - 1] + ")"
               : "after both COPYs returned";
    SCOPED_TRACE("power cut before " + where + (random_unsynced ? ", unsynced random" : ", unsynced lost"));
    FaultInjectionFileSystem fs;
    ASSERT_NO_FATAL_FAILURE(Restore(BaseWithVersions(), &fs));
    bool persons_acked = false, knows_acked = false;
    {
      PowerCutFileSystem cut(&fs);
      ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(kPath, OptionsFor(&cut)));
      cut.Arm(k, crash);
      Status s = Exec(db.get(), kCopyPersons);
      persons_acked = s.ok();
      if (!cut.dead()) {
        ASSERT_OK(s);
        s = Exec(db.get(), kCopyKnows);
        knows_acked = s.ok();
        if (!cut.dead()) ASSERT_OK(s);
      }
      if (k == n + 1) {
        ASSERT_FALSE(cut.dead()) << "the COPYs made more steps than in the reference run";
        cut.CutPower();
      }
      ASSERT_TRUE(cut.dead()) << "the plan never reached its step";
      // The dead process's Database goes away; its Close cannot write.
    }
    plans++;
    std::string state;
    {
      ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(kPath, OptionsFor(&fs)));
      ASSERT_EQ(Problems(db.get()), "");
      const std::string dump = DumpOf(db.get());
      state = StateName(ref, dump);
      std::set<std::string> allowed;
      if (knows_acked) {
        allowed = {"after"};
      } else if (persons_acked) {
        allowed = {"mid", "after"};
      } else {
        allowed = {"before", "mid"};
      }
      ASSERT_TRUE(allowed.count(state))
          << "state after the power cut: " << state << (state == "none" ? " (a half-done import)" : "")
          << "; persons COPY returned " << (persons_acked ? "OK" : "no") << ", knows COPY returned "
          << (knows_acked ? "OK" : "no");
      ASSERT_OK(db->Close());
      ASSERT_OK_AND_ASSIGN(db, Database::Open(kPath, OptionsFor(&fs)));
      ASSERT_TRUE(SameDump(DumpOf(db.get()), dump)) << "the dump changed across close/reopen";
      // The database takes another write, which survives a power cut.
      ASSERT_OK(Exec(db.get(), "CREATE (:City {name: 'After the storm'})"));
      fs.SimulateCrash(crash);
    }
    outcomes[state]++;
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(kPath, OptionsFor(&fs)));
    ASSERT_EQ(Problems(db.get()), "");
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> read, db->Begin(TransactionMode::kReadOnly));
    ASSERT_OK_AND_ASSIGN(std::optional<uint64_t> city,
                         read->LookupNode("City", Value::String("After the storm")));
    ASSERT_TRUE(city.has_value()) << "a commit after recovery was lost";
  }
  std::printf(
      "copy power loss, crash mode %llu (%s): %d plans (%llu steps + 1): %d before, %d mid, %d after\n",
      static_cast<unsigned long long>(GetParam()), GetParam() == 0 ? "unsynced lost" : "unsynced random",
      plans, static_cast<unsigned long long>(n), outcomes["before"], outcomes["mid"], outcomes["after"]);
  EXPECT_EQ(plans, static_cast<int>(n + 1));
  EXPECT_GT(outcomes["before"], 0);
  EXPECT_GT(outcomes["mid"], 0);
  EXPECT_GT(outcomes["after"], 0);
}

std::string CrashModeName(const ::testing::TestParamInfo<uint64_t>& info) {
  return info.param == 0 ? std::string("UnsyncedLost") : "UnsyncedRandom" + std::to_string(info.param);
}

INSTANTIATE_TEST_SUITE_P(CrashModes, CopyPowerLossTest, ::testing::Values(0, 1, 2, 3), CrashModeName);

// --- 2. I/O errors, short writes, full disks and failed fsyncs -------------------

enum class Fault { kWriteIOError, kWriteShort, kWriteDiskFull, kWriteDiskFullPersistent, kSync, kSyncDir };

const char* FaultName(Fault f) {
  switch (f) {
    case Fault::kWriteIOError:
      return "EIO on write";
    case Fault::kWriteShort:
      return "short write";
    case Fault::kWriteDiskFull:
      return "ENOSPC on write";
    case Fault::kWriteDiskFullPersistent:
      return "ENOSPC from this write on";
    case Fault::kSync:
      return "failed fsync";
    case Fault::kSyncDir:
      return "failed directory fsync";
  }
  return "?";
}

void PrintTo(Fault f, std::ostream* os) { *os << FaultName(f); }

bool IsWriteFault(Fault f) { return f != Fault::kSync && f != Fault::kSyncDir; }

// The n-th write of `ops` (a trace), or "".
std::string NthOp(const std::vector<std::string>& ops, const std::string& kind, uint64_t n) {
  uint64_t seen = 0;
  for (const std::string& op : ops) {
    if (op.rfind(kind + " ", 0) == 0 && ++seen == n) return op;
  }
  return "";
}

// A write to a data page of the database file (not a header slot, not the
// WAL): failing it must never poison the database.
bool IsDataPageWrite(const std::string& op) {
  const std::string prefix = std::string("write ") + kPath + " ";
  if (op.rfind(prefix, 0) != 0) return false;
  return std::stoull(op.substr(prefix.size())) >= 2 * 4096;
}

// An operation of the WAL reset that ends a checkpoint (after its commit
// point, the durable header switch): write/sync/rename of the fresh log, the
// directory sync.
bool IsWalResetOp(const std::string& op) { return Contains(op, ".wal") || op.rfind("syncdir ", 0) == 0; }

struct FaultFigures {
  int cases = 0, poisoned = 0, committed = 0, in_doubt_after = 0;
  std::vector<std::string> bugs;
};

// One fault at the n-th operation of COPY `which` (0: persons, 1: knows after
// the persons). The COPY must fail and leave the state before it, or (only
// for a fault after its commit point) succeed with the state after it.
void RunFaultCase(const Reference& ref, int which, Fault fault, uint64_t n, FaultFigures* figures) {
  const std::string pre = which == 0 ? "before" : "mid";
  const std::string post = which == 0 ? "mid" : "after";
  const char* copy = which == 0 ? kCopyPersons : kCopyKnows;
  const std::string kind = fault == Fault::kSync ? "sync" : fault == Fault::kSyncDir ? "syncdir" : "write";
  const std::string op = NthOp(ref.ops[which], kind, n);
  const std::string what = std::string(FaultName(fault)) + " at " + kind + " no. " + std::to_string(n) +
                           " (" + op + ") of " + copy;
  SCOPED_TRACE(what);
  FaultInjectionFileSystem fs;
  ASSERT_NO_FATAL_FAILURE(Restore(BaseWithVersions(), &fs));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(kPath, OptionsFor(&fs)));
  if (which == 1) ASSERT_OK(Exec(db.get(), kCopyPersons));
  ASSERT_EQ(StateName(ref, DumpOf(db.get())), pre);
  fs.ResetCounters();
  switch (fault) {
    case Fault::kWriteIOError:
      fs.FailNthWrite(n, FaultKind::kIOError);
      break;
    case Fault::kWriteShort:
      fs.FailNthWrite(n, FaultKind::kShortWrite);
      break;
    case Fault::kWriteDiskFull:
      fs.FailNthWrite(n, FaultKind::kDiskFull);
      break;
    case Fault::kWriteDiskFullPersistent:
      fs.FailNthWrite(n, FaultKind::kDiskFull, FaultOptions{true, ""});
      break;
    case Fault::kSync:
      fs.FailNthSync(n);
      break;
    case Fault::kSyncDir:
      fs.FailNthSyncDir(n);
      break;
  }
  const Status s = Exec(db.get(), copy);
  const uint64_t injected = fs.faults_injected();
  fs.ClearFaults();
  figures->cases++;
  ASSERT_GT(injected, 0u) << "the fault never fired";
  if (!s.ok()) {
    if (fault == Fault::kWriteDiskFull || fault == Fault::kWriteDiskFullPersistent) {
      EXPECT_EQ(s.code(), StatusCode::kDiskFull) << s.ToString();
    } else {
      EXPECT_EQ(s.code(), StatusCode::kIOError) << s.ToString();
    }
  }
  // Same process: exactly as before (or, for a COPY that reported success,
  // after), and healthy.
  const std::string state = StateName(ref, DumpOf(db.get()));
  if (s.ok()) {
    figures->committed++;
    EXPECT_TRUE(IsWalResetOp(op))
        << "COPY returned OK although a write or sync before its commit point failed";
    EXPECT_EQ(state, post) << "COPY returned OK";
  } else if (state != pre) {
    figures->bugs.push_back(what + ": COPY failed (" + s.ToString() + ") but the database is in state " +
                            state);
  }
  EXPECT_EQ(Problems(db.get()), "");
  Result<std::unique_ptr<Transaction>> writer = db->Begin(TransactionMode::kReadWrite);
  if (writer.ok()) {
    writer->reset();
    // Not poisoned: the COPY (if it failed) now works, and lasts.
    if (state == pre) ASSERT_OK(Exec(db.get(), copy));
    if (which == 0) ASSERT_OK(Exec(db.get(), kCopyKnows));
    EXPECT_EQ(StateName(ref, DumpOf(db.get())), "after");
    ASSERT_OK(db->Close());
    db.reset();
    fs.SimulateCrash();
    ASSERT_OK_AND_ASSIGN(db, Database::Open(kPath, OptionsFor(&fs)));
    EXPECT_EQ(StateName(ref, DumpOf(db.get())), "after");
    EXPECT_EQ(Problems(db.get()), "");
    ASSERT_OK(db->Close());
    return;
  }
  figures->poisoned++;
  EXPECT_TRUE(Contains(writer.status().message(), "reopen")) << writer.status().ToString();
  EXPECT_FALSE(IsDataPageWrite(op)) << "a failed write of a data page poisoned the database: "
                                    << writer.status().ToString();
  EXPECT_FALSE(db->Checkpoint().ok()) << "a poisoned database checkpointed";
  // Reopen, as is and after a power cut: a failed fsync may leave the COPY in
  // doubt (the kernel may still write the pages), a failed write must not.
  for (bool crash : {false, true}) {
    SCOPED_TRACE(crash ? "reopen after a power cut" : "reopen");
    db.reset();
    if (crash) fs.SimulateCrash();
    ASSERT_OK_AND_ASSIGN(db, Database::Open(kPath, OptionsFor(&fs)));
    EXPECT_EQ(Problems(db.get()), "");
    const std::string reopened = StateName(ref, DumpOf(db.get()));
    if (reopened == post && state == pre && !IsWriteFault(fault)) {
      figures->in_doubt_after++;
    } else {
      EXPECT_EQ(reopened, state) << "after reopen; the process that ran the COPY saw " << state;
    }
    if (reopened != pre && reopened != post) return;
    if (!crash) continue;
    // And it takes the COPY (again, if it is not there).
    if (reopened == pre) ASSERT_OK(Exec(db.get(), copy));
    if (which == 0) ASSERT_OK(Exec(db.get(), kCopyKnows));
    EXPECT_EQ(StateName(ref, DumpOf(db.get())), "after");
    EXPECT_EQ(Problems(db.get()), "");
    ASSERT_OK(db->Close());
  }
}

// One instance per COPY and fault kind, so that test shards can run them in
// parallel.
class CopyFaultTest : public CopyReliabilityTest,
                      public ::testing::WithParamInterface<std::tuple<int, Fault>> {};

TEST_P(CopyFaultTest, FaultAtEveryWriteOrSyncLeavesTheStateBeforeOrAfter) {
  const Reference& ref = GetReference();
  const auto [which, fault] = GetParam();
  FaultFigures figures;
  const uint64_t count = IsWriteFault(fault)     ? ref.writes[which]
                         : fault == Fault::kSync ? ref.syncs[which]
                                                 : ref.sync_dirs[which];
  ASSERT_GT(count, 0u);
  for (uint64_t n = 1; n <= count; n++) ASSERT_NO_FATAL_FAILURE(RunFaultCase(ref, which, fault, n, &figures));
  std::printf(
      "copy faults, %s during %s: %d fault points; %d poisoned the database, %d COPYs reported success, "
      "%d reopens found a failed COPY present (in doubt after a failed fsync)\n",
      FaultName(fault), which == 0 ? kCopyPersons : kCopyKnows, figures.cases, figures.poisoned,
      figures.committed, figures.in_doubt_after);
  EXPECT_EQ(figures.cases, static_cast<int>(count));
  EXPECT_TRUE(figures.bugs.empty()) << figures.bugs.size() << " failed COPYs left their import visible:\n"
                                    << ::testing::PrintToString(figures.bugs);
}

std::string FaultTestName(const ::testing::TestParamInfo<std::tuple<int, Fault>>& info) {
  static const char* const kNames[] = {"WriteEIO",         "ShortWrite", "WriteENOSPC",
                                       "ENOSPCFromThenOn", "Fsync",      "DirFsync"};
  return std::string(std::get<0>(info.param) == 0 ? "NodeCopy_" : "RelCopy_") +
         kNames[static_cast<int>(std::get<1>(info.param))];
}

INSTANTIATE_TEST_SUITE_P(
    AllFaults, CopyFaultTest,
    ::testing::Combine(::testing::Values(0, 1),
                       ::testing::Values(Fault::kWriteIOError, Fault::kWriteShort, Fault::kWriteDiskFull,
                                         Fault::kWriteDiskFullPersistent, Fault::kSync, Fault::kSyncDir)),
    FaultTestName);

// What the sweep above found, on its own: the COPY's commit checkpoint made
// its new header durable (the import is committed), then resetting the WAL
// failed. The COPY must then not report an error ("could not commit") while
// its import is visible and durable: an error means nothing changed.
TEST_F(CopyReliabilityTest, FailureAfterTheCommitPointIsNotReportedAsAFailedCopy) {
  const Reference& ref = GetReference();
  for (Fault fault : {Fault::kWriteIOError, Fault::kSync, Fault::kSyncDir}) {
    SCOPED_TRACE(std::string(FaultName(fault)) +
                 " while resetting the WAL after the COPY's commit checkpoint");
    FaultInjectionFileSystem fs;
    ASSERT_NO_FATAL_FAILURE(Restore(BaseWithVersions(), &fs));
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(kPath, OptionsFor(&fs)));
    // The WAL is empty after this COPY, so the next one starts without a
    // checkpoint and its only WAL reset is the one after its commit.
    ASSERT_OK(Exec(db.get(), kCopyPersons));
    if (fault == Fault::kWriteIOError)
      fs.FailNthWrite(1, FaultKind::kIOError, FaultOptions{false, ".wal.tmp"});
    if (fault == Fault::kSync) fs.FailNthSync(1, FaultOptions{false, ".wal.tmp"});
    if (fault == Fault::kSyncDir) fs.FailNthSyncDir(1);
    const Status s = Exec(db.get(), kCopyKnows);
    fs.ClearFaults();
    ASSERT_EQ(fs.faults_injected(), 1u);
    const std::string state = StateName(ref, DumpOf(db.get()));
    if (s.ok()) {
      EXPECT_EQ(state, "after");
    } else {
      EXPECT_EQ(state, "mid") << "COPY failed with '" << s.ToString() << "' but its import is visible";
    }
    db.reset();
    fs.SimulateCrash();
    ASSERT_OK_AND_ASSIGN(db, Database::Open(kPath, OptionsFor(&fs)));
    EXPECT_EQ(StateName(ref, DumpOf(db.get())), s.ok() ? "after" : "mid")
        << "after a power cut, for a COPY that returned " << s.ToString();
    EXPECT_EQ(Problems(db.get()), "");
  }
}

// What the sweep above found, on its own: the fsync of the new header in the
// checkpoint a COPY starts with (to fold the WAL in) fails. The database is
// poisoned and the COPY fails, as it should. The user reopens, as the error
// says; that open reads the new header (still in the page cache, never made
// durable) and so takes the WAL for stale and replaces it, durably. Then the
// power fails: the file falls back to the old header, whose committed WAL
// transactions are gone.
TEST_F(CopyReliabilityTest, ReopenAfterAFailedCheckpointFsyncThenPowerLossLosesNothing) {
  const Reference& ref = GetReference();
  FaultInjectionFileSystem fs;
  ASSERT_NO_FATAL_FAILURE(Restore(BaseWithVersions(), &fs));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(kPath, OptionsFor(&fs)));
  fs.ResetCounters();
  fs.FailNthSync(2);  // the first checkpoint's header sync (the first one syncs its data pages)
  fs.SetRecordOps(true);
  const Status s = Exec(db.get(), kCopyPersons);
  fs.ClearFaults();
  ASSERT_EQ(fs.faults_injected(), 1u);
  EXPECT_EQ(s.code(), StatusCode::kIOError) << s.ToString();
  EXPECT_EQ(StateName(ref, DumpOf(db.get())), "before");
  db.reset();
  // Reopen as the error says; nothing is written here.
  ASSERT_OK_AND_ASSIGN(db, Database::Open(kPath, OptionsFor(&fs)));
  EXPECT_EQ(StateName(ref, DumpOf(db.get())), "before");
  ASSERT_OK(db->Close());
  db.reset();
  fs.SimulateCrash();
  ASSERT_OK_AND_ASSIGN(db, Database::Open(kPath, OptionsFor(&fs)));
  const std::string state = StateName(ref, DumpOf(db.get()));
  std::string trace;
  for (const std::string& op : fs.ops()) trace += op.rfind("write graph.ruzu ", 0) == 0 ? "" : op + "\n";
  EXPECT_EQ(state, "before")
      << "committed transactions of the WAL were lost; file operations other than data "
         "page writes:\n"
      << trace;
  EXPECT_EQ(Problems(db.get()), "");
}

// A disk that is full for the whole COPY: Disk full, nothing changed, not
// poisoned; once there is room the same COPY works.
TEST_F(CopyReliabilityTest, DiskFullForTheWholeCopy) {
  const Reference& ref = GetReference();
  for (int which : {0, 1}) {
    SCOPED_TRACE(which == 0 ? kCopyPersons : kCopyKnows);
    FaultInjectionFileSystem fs;
    ASSERT_NO_FATAL_FAILURE(Restore(BaseWithVersions(), &fs));
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(kPath, OptionsFor(&fs)));
    if (which == 1) ASSERT_OK(Exec(db.get(), kCopyPersons));
    const std::string pre = DumpOf(db.get());
    fs.SetDiskFull(true);
    Status s = Exec(db.get(), which == 0 ? kCopyPersons : kCopyKnows);
    fs.SetDiskFull(false);
    EXPECT_EQ(s.code(), StatusCode::kDiskFull) << s.ToString();
    EXPECT_TRUE(Contains(s.message(), "No space left")) << s.ToString();
    EXPECT_TRUE(SameDump(DumpOf(db.get()), pre));
    EXPECT_EQ(Problems(db.get()), "");
    if (which == 0) ASSERT_OK(Exec(db.get(), kCopyPersons));
    ASSERT_OK(Exec(db.get(), kCopyKnows));
    EXPECT_TRUE(SameDump(DumpOf(db.get()), ref.after));
    ASSERT_OK(db->Close());
    fs.SimulateCrash();
    ASSERT_OK_AND_ASSIGN(db, Database::Open(kPath, OptionsFor(&fs)));
    EXPECT_TRUE(SameDump(DumpOf(db.get()), ref.after));
  }
}

// --- 3. Interrupt ---------------------------------------------------------------

// Connection::Interrupt() from another thread while a big COPY is loading
// (the COPY's progress callback waits until the other thread has called it):
// "Interrupted", nothing changed, and the next COPY works.
TEST_F(CopyReliabilityTest, InterruptFromAnotherThreadChangesNothing) {
  const Reference& ref = GetReference();
  FaultInjectionFileSystem fs;
  ASSERT_NO_FATAL_FAILURE(Restore(BaseWithVersions(), &fs));
  constexpr int64_t kBig = 200000;
  ASSERT_OK(fs.WriteFileContents("big_persons.csv", PersonsCsv(10000000, kBig, 5), true));
  ASSERT_OK(fs.WriteFileContents("big_knows.csv", KnowsCsv(LivePersonIds(kBasePersons), kBig, 6), true));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(kPath, OptionsFor(&fs)));
  const std::string before = DumpOf(db.get());
  ASSERT_TRUE(SameDump(before, ref.before));
  for (const char* copy : {"COPY Person FROM 'big_persons.csv'", "COPY Knows FROM 'big_knows.csv'"}) {
    for (int at_batch : {1, 3}) {
      SCOPED_TRACE(std::string(copy) + ", interrupted at batch " + std::to_string(at_batch));
      Connection conn(db.get());
      std::mutex mu;
      std::condition_variable cv;
      bool asked = false, done = false;
      int batches = 0;
      conn.SetProgressCallback([&](const QueryProgress& p) {
        if (++batches != at_batch) return;
        ASSERT_LT(p.bytes_done, p.bytes_total)
            << "the file fits in too few batches to interrupt in the middle";
        std::unique_lock<std::mutex> lock(mu);
        asked = true;
        cv.notify_all();
        ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return done; }));
      });
      std::thread interrupter([&] {
        std::unique_lock<std::mutex> lock(mu);
        if (!cv.wait_for(lock, std::chrono::seconds(60), [&] { return asked; })) return;
        conn.Interrupt();
        done = true;
        cv.notify_all();
      });
      Result<std::unique_ptr<QueryResult>> r = conn.Query(copy);
      interrupter.join();
      ASSERT_TRUE(asked) << "the COPY finished before its progress callback ran " << at_batch << " times";
      ASSERT_FALSE(r.ok()) << "the interrupted COPY succeeded";
      EXPECT_EQ(r.status().message(), "Interrupted") << r.status().ToString();
      EXPECT_TRUE(SameDump(DumpOf(db.get()), before));
      EXPECT_EQ(Problems(db.get()), "");
      // The writer role was given back.
      ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> w, db->Begin(TransactionMode::kReadWrite));
      w->Rollback();
    }
  }
  ASSERT_OK(db->Close());
  fs.SimulateCrash();
  ASSERT_OK_AND_ASSIGN(db, Database::Open(kPath, OptionsFor(&fs)));
  EXPECT_TRUE(SameDump(DumpOf(db.get()), before));
  ASSERT_OK(Exec(db.get(), kCopyPersons));
  ASSERT_OK(Exec(db.get(), kCopyKnows));
  EXPECT_TRUE(SameDump(DumpOf(db.get()), ref.after));
  EXPECT_EQ(Problems(db.get()), "");
}

// --- 4. Concurrency ---------------------------------------------------------------

// Everything a read-only transaction sees: every node and every relationship
// with its properties.
Result<std::string> Digest(Transaction* txn) {
  std::string out;
  std::vector<uint64_t> persons;
  for (const char* table : {"City", "Person"}) {
    RETURN_IF_ERROR(txn->ScanNodes(table, [&](uint64_t offset, const std::vector<Value>& values) {
      out += std::string(table) + " " + std::to_string(offset);
      for (const Value& v : values) out += "|" + (v.is_null() ? std::string("NULL") : v.ToString());
      out += "\n";
      if (std::string(table) == "Person") persons.push_back(offset);
      return true;
    }));
  }
  for (uint64_t offset : persons) {
    for (bool forward : {true, false}) {
      ASSIGN_OR_RETURN(std::vector<Edge> edges, txn->Neighbours("Knows", offset, forward));
      std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.rel_id < b.rel_id; });
      for (const Edge& e : edges) {
        out += (forward ? "-> " : "<- ") + std::to_string(offset) + " " + std::to_string(e.neighbour) + " #" +
               std::to_string(e.rel_id);
        if (forward) {
          ASSIGN_OR_RETURN(std::vector<Value> props, txn->GetRelProperties("Knows", e.rel_id));
          for (const Value& v : props) out += "|" + v.ToString();
        }
        out += "\n";
      }
    }
  }
  ASSIGN_OR_RETURN(uint64_t rels, txn->CountRels("Knows"));
  return out + "Knows " + std::to_string(rels) + "\n";
}

TEST_F(CopyReliabilityTest, ReadersWritersAndCloseDuringCopy) {
  FaultInjectionFileSystem fs;
  ASSERT_NO_FATAL_FAILURE(Restore(BaseWithVersions(), &fs));
  constexpr int64_t kBig = 120000;
  ASSERT_OK(fs.WriteFileContents("big_persons.csv", PersonsCsv(10000000, kBig, 7), true));
  std::vector<int64_t> ids = LivePersonIds(kBasePersons);
  for (int64_t i = 0; i < kBig; i += 97) ids.push_back(10000000 + i);
  ASSERT_OK(fs.WriteFileContents("big_knows.csv", KnowsCsv(ids, kBig, 8), true));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(kPath, OptionsFor(&fs)));

  // The WAL holds updates and deletions: the COPY's first checkpoint would
  // drop old values an open snapshot still needs. The COPY must either wait
  // for nothing and fail cleanly, or succeed without the snapshot changing.
  {
    const std::string before = DumpOf(db.get());
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> reader, db->Begin(TransactionMode::kReadOnly));
    ASSERT_OK_AND_ASSIGN(std::string seen, Digest(reader.get()));
    Status s = Exec(db.get(), kCopyPersons);
    ASSERT_OK_AND_ASSIGN(std::string seen_after, Digest(reader.get()));
    EXPECT_EQ(seen_after, seen) << "a snapshot changed under a COPY";
    if (s.ok()) {
      std::printf("note: COPY with a snapshot open and updates pending succeeded\n");
    } else {
      EXPECT_EQ(s.code(), StatusCode::kTransactionError) << s.ToString();
      EXPECT_TRUE(Contains(s.message(), "read-only transaction")) << s.ToString();
      EXPECT_TRUE(SameDump(DumpOf(db.get()), before));
      reader.reset();
      ASSERT_OK(Exec(db.get(), kCopyPersons));  // once the snapshot is gone
    }
  }

  // Inserts only in the WAL now; then a big COPY with snapshots open.
  ASSERT_OK(db->Checkpoint());
  ASSERT_OK(Exec(db.get(), "CREATE (:City {name: 'Pending'})"));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> held, db->Begin(TransactionMode::kReadOnly));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> spinning, db->Begin(TransactionMode::kReadOnly));
  ASSERT_OK_AND_ASSIGN(const std::string old_digest, Digest(held.get()));
  ASSERT_OK_AND_ASSIGN(const uint64_t old_persons, held->CountNodes("Person"));
  ASSERT_OK_AND_ASSIGN(const uint64_t old_knows, held->CountRels("Knows"));

  // A thread reads through a snapshot the whole time (also while the COPY's
  // commit checkpoint holds the database exclusively).
  std::atomic<bool> stop{false};
  std::atomic<int64_t> spins{0}, spin_failures{0};
  std::string spin_error;
  std::thread spinner([&] {
    while (!stop) {
      Result<uint64_t> persons = spinning->CountNodes("Person");
      Result<uint64_t> knows = spinning->CountRels("Knows");
      Result<std::optional<uint64_t>> found = spinning->LookupNode("Person", Value::Int64(10000000));
      if (!persons.ok() || *persons != old_persons || !knows.ok() || *knows != old_knows || !found.ok() ||
          found->has_value()) {
        if (spin_failures++ == 0) {
          spin_error = "persons " + (persons.ok() ? std::to_string(*persons) : persons.status().ToString()) +
                       ", knows " + (knows.ok() ? std::to_string(*knows) : knows.status().ToString()) +
                       (found.ok() && found->has_value() ? ", sees a new key" : "");
        }
      }
      spins++;
    }
  });

  // At some progress callbacks the COPY waits while another thread checks
  // the snapshot, a second writer, Close() and Checkpoint(): each must
  // answer at once (a hang would time out here).
  Connection second(db.get());
  std::mutex mu;
  std::condition_variable cv;
  int requested = 0, answered = 0, checks = 0;
  std::vector<std::string> failures;
  bool quit = false;
  std::atomic<uint64_t> committed_persons{old_persons};
  auto check_during_copy = [&] {
    std::vector<std::string> f;
    Result<std::string> digest = Digest(held.get());
    if (!digest.ok() || *digest != old_digest) f.push_back("the held snapshot changed during the COPY");
    auto create = second.Query("CREATE (:City {name: 'Second writer'})");
    if (create.ok() || create.status().code() != StatusCode::kTransactionError ||
        !Contains(create.status().message(), "another write transaction")) {
      f.push_back("second writer: " + (create.ok() ? std::string("OK") : create.status().ToString()));
    }
    auto copy = second.Query("COPY City FROM 'cities.csv'");
    if (copy.ok() || copy.status().code() != StatusCode::kTransactionError) {
      f.push_back("second COPY: " + (copy.ok() ? std::string("OK") : copy.status().ToString()));
    }
    Status closed = db->Close();
    if (closed.code() != StatusCode::kTransactionError ||
        !Contains(closed.message(), "transaction(s) are open")) {
      f.push_back("Close() during COPY: " + closed.ToString());
    }
    Status checkpoint = db->Checkpoint();
    if (checkpoint.code() != StatusCode::kTransactionError) {
      f.push_back("Checkpoint() during COPY: " + checkpoint.ToString());
    }
    Result<std::unique_ptr<Transaction>> fresh = db->Begin(TransactionMode::kReadOnly);
    if (!fresh.ok()) {
      f.push_back("a new snapshot during COPY: " + fresh.status().ToString());
    } else {
      // It sees what was committed before the running COPY.
      Result<uint64_t> persons = (*fresh)->CountNodes("Person");
      Result<uint64_t> knows = (*fresh)->CountRels("Knows");
      if (!persons.ok() || *persons != committed_persons || !knows.ok() || *knows != old_knows) {
        f.push_back("a new snapshot during COPY sees " +
                    (persons.ok() ? std::to_string(*persons) : persons.status().ToString()) + " persons, " +
                    (knows.ok() ? std::to_string(*knows) : knows.status().ToString()) + " relationships");
      }
    }
    return f;
  };
  std::thread checker([&] {
    std::unique_lock<std::mutex> lock(mu);
    while (true) {
      cv.wait(lock, [&] { return quit || requested > answered; });
      if (quit) return;
      lock.unlock();
      std::vector<std::string> f = check_during_copy();
      lock.lock();
      failures.insert(failures.end(), f.begin(), f.end());
      answered++;
      checks++;
      cv.notify_all();
    }
  });
  Connection conn(db.get());
  int callbacks = 0;
  bool hung = false;
  conn.SetProgressCallback([&](const QueryProgress&) {
    if (callbacks++ % 2 != 0) return;
    std::unique_lock<std::mutex> lock(mu);
    requested++;
    cv.notify_all();
    if (!cv.wait_for(lock, std::chrono::seconds(60), [&] { return answered == requested; })) hung = true;
  });
  Status persons = conn.Query("COPY Person FROM 'big_persons.csv'").status();
  committed_persons = old_persons + kBig;
  Status knows = conn.Query("COPY Knows FROM 'big_knows.csv'").status();
  {
    std::lock_guard<std::mutex> lock(mu);
    quit = true;
    cv.notify_all();
  }
  checker.join();
  stop = true;
  spinner.join();
  ASSERT_OK(persons);
  ASSERT_OK(knows);
  EXPECT_FALSE(hung) << "a check during the COPY did not return";
  EXPECT_GE(checks, 2);
  EXPECT_TRUE(failures.empty()) << ::testing::PrintToString(failures);
  EXPECT_EQ(spin_failures.load(), 0) << spin_error;
  EXPECT_GT(spins.load(), 0);
  std::printf("concurrency: %d checks during the COPYs, %lld snapshot reads\n", checks,
              static_cast<long long>(spins.load()));

  // After the COPYs: the snapshots still see the old state, new ones the new.
  ASSERT_OK_AND_ASSIGN(std::string digest, Digest(held.get()));
  EXPECT_EQ(digest, old_digest);
  held.reset();
  spinning.reset();
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Transaction> fresh, db->Begin(TransactionMode::kReadOnly));
    EXPECT_EQ(*fresh->CountNodes("Person"), old_persons + kBig);
    EXPECT_EQ(*fresh->CountRels("Knows"), old_knows + kBig);
  }
  ASSERT_OK(Exec(db.get(), "CREATE (:City {name: 'Second writer'})"));
  EXPECT_EQ(Problems(db.get()), "");
  const std::string dump = DumpOf(db.get());
  ASSERT_OK(db->Close());
  fs.SimulateCrash();
  ASSERT_OK_AND_ASSIGN(db, Database::Open(kPath, OptionsFor(&fs)));
  EXPECT_TRUE(SameDump(DumpOf(db.get()), dump));
}

// --- 5. Read-only database --------------------------------------------------------

TEST_F(CopyReliabilityTest, ReadOnlyDatabaseRefusesCopy) {
  FaultInjectionFileSystem fs;
  ASSERT_NO_FATAL_FAILURE(Restore(BaseWithVersions(), &fs));
  const Image files = Capture(&fs);
  DatabaseOptions options = OptionsFor(&fs);
  options.read_only = true;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, Database::Open(kPath, options));
  const std::string before = DumpOf(db.get());
  EXPECT_TRUE(SameDump(before, GetReference().before));
  fs.ResetCounters();
  for (const char* copy : {kCopyPersons, kCopyKnows}) {
    Connection conn(db.get());
    auto r = conn.Query(copy);
    ASSERT_FALSE(r.ok()) << copy << " succeeded on a read-only database";
    EXPECT_EQ(r.status().code(), StatusCode::kReadOnly) << r.status().ToString();
    EXPECT_TRUE(Contains(r.status().message(), "read-only")) << r.status().ToString();
  }
  EXPECT_EQ(fs.write_count(), 0u);
  EXPECT_EQ(fs.sync_count(), 0u);
  EXPECT_TRUE(SameDump(DumpOf(db.get()), before));
  ASSERT_OK(db->Close());
  EXPECT_TRUE(Capture(&fs) == files) << "a read-only database changed its files";
}

}  // namespace
}  // namespace ruzu
