// Fuzz target: Cypher through Connection::Query (db/connection.h) on a small
// fixed database.
//
// Every input starts from the same image (fuzz/sample_db.h, checkpoint plus
// WAL) on a fresh in-memory file system that also holds two small CSV files
// for COPY FROM (people.csv, cities.csv). The input is the query text (at
// most kMaxQuery bytes); a watchdog thread calls Connection::Interrupt() after
// kBudget, so long statements stop (libFuzzer's -timeout catches those that
// do not).
//
// Oracle: no crash, hang or sanitizer report; errors are typed (kInternal
// only as "Interrupted" after the watchdog fired); afterwards Verify finds no
// problem, Close succeeds, and the database reopens and verifies clean.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "common/status.h"
#include "db/connection.h"
#include "db/database.h"
#include "fuzz/fuzz_targets.h"
#include "fuzz/fuzz_util.h"
#include "fuzz/sample_db.h"
#include "storage/testing/fault_injection_file_system.h"

namespace ruzu::fuzz {
namespace {

constexpr size_t kMaxQuery = 4096;
constexpr auto kBudget = std::chrono::milliseconds(300);

// Interrupts the armed connection when its deadline passes.
class Watchdog {
 public:
  Watchdog() : thread_([this] { Loop(); }) { thread_.detach(); }

  void Arm(Connection* conn) {
    std::lock_guard<std::mutex> lock(mu_);
    conn_ = conn;
    deadline_ = std::chrono::steady_clock::now() + kBudget;
    fired_ = false;
    cv_.notify_all();
  }
  // Returns whether it interrupted the connection since Arm.
  bool Disarm() {
    std::lock_guard<std::mutex> lock(mu_);
    conn_ = nullptr;
    cv_.notify_all();
    return fired_;
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return conn_ != nullptr; });
      if (!cv_.wait_until(lock, deadline_, [this] { return conn_ == nullptr; })) {
        conn_->Interrupt();
        fired_ = true;
        conn_ = nullptr;
      }
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  Connection* conn_ = nullptr;
  std::chrono::steady_clock::time_point deadline_;
  bool fired_ = false;
  std::thread thread_;
};

Watchdog& GetWatchdog() {
  static Watchdog* watchdog = new Watchdog();
  return *watchdog;
}

void CheckStatus(const Status& s, bool interrupted, const std::string& what) {
  if (s.ok() || IsTypedError(s.code())) return;
  if (interrupted && s.message().find("Interrupted") != std::string::npos) return;
  Fail(__FILE__, __LINE__, what + " returned an untyped error: " + s.ToString());
}

void CheckHealthy(Database* db, const std::string& when, std::string_view text) {
  auto problems = db->Verify();
  RUZU_FUZZ_CHECK(problems.ok(), "Verify " + when + " failed: " + problems.status().ToString() +
                                     "\n  query: " + std::string(text));
  std::string list;
  for (const std::string& p : *problems) list += "\n    " + p;
  RUZU_FUZZ_CHECK(problems->empty(),
                  "Verify " + when + " found problems:" + list + "\n  query: " + std::string(text));
}

}  // namespace

int QueryOneInput(const uint8_t* data, size_t size) {
  if (size > kMaxQuery) return 0;
  QuietLogging();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const DbImage& image = GetSampleDb(SampleDb::kCheckpointAndWal);

  FaultInjectionFileSystem fs;
  RUZU_FUZZ_CHECK(fs.WriteFileContents("db", image.data, true).ok(), "writing db");
  RUZU_FUZZ_CHECK(fs.WriteFileContents("db.wal", image.wal, true).ok(), "writing db.wal");
  RUZU_FUZZ_CHECK(fs.WriteFileContents("people.csv",
                                       "q1,41,1,2,3,0.5,1.5,true,2000-01-01,2000-01-01 10:00:00\n"
                                       "q2,,,,,,,,,\n",
                                       true)
                      .ok(),
                  "writing people.csv");
  RUZU_FUZZ_CHECK(
      fs.WriteFileContents("cities.csv", "id,name,population,country\n7,Bern,140000,CH\n", true).ok(),
      "writing cities.csv");

  DatabaseOptions options;
  options.file_system = &fs;
  options.buffer_pool_bytes = size_t{4} << 20;
  options.checkpoint_on_close = true;
  {
    auto db = Database::Open("db", options);
    RUZU_FUZZ_CHECK(db.ok(), "opening the sample database: " + db.status().ToString());
    {
      Connection conn(db->get());
      GetWatchdog().Arm(&conn);
      auto result = conn.Query(text);
      const bool interrupted = GetWatchdog().Disarm();
      CheckStatus(result.status(), interrupted, "Query");
      if (result.ok()) {
        for (const QueryResult* r = result->get(); r != nullptr; r = r->next()) (void)r->ToString();
      }
    }  // the connection rolls back an open explicit transaction
    CheckHealthy(db->get(), "after the query", text);
    Status s = (*db)->Close();
    RUZU_FUZZ_CHECK(s.ok(), "Close after the query: " + s.ToString() + "\n  query: " + std::string(text));
  }
  options.checkpoint_on_close = false;
  auto db = Database::Open("db", options);
  RUZU_FUZZ_CHECK(db.ok(),
                  "reopening after the query: " + db.status().ToString() + "\n  query: " + std::string(text));
  CheckHealthy(db->get(), "after reopening", text);
  return 0;
}

}  // namespace ruzu::fuzz
