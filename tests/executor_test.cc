// The executor over big tables: node scans stream (a LIMIT stops them early,
// writes in the same statement neither loop nor skip), snapshots hold across
// a scan's batches, and Connection::Interrupt() stops long statements.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "common/test_util.h"
#include "db/connection.h"
#include "db/database.h"

namespace ruzu {
namespace {

constexpr int64_t kBigTable = 10000;  // several scan batches (kChunkCapacity = 2048)

class ExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(db_, Database::Open(MakeTempDir() + "/e.ruzu"));
    conn_ = std::make_unique<Connection>(db_.get());
  }

  // Node table `name`(id INT64 key, v INT64) with ids 0..n-1 and v = id % 10.
  void MakeTable(const std::string& name, int64_t n) {
    ASSERT_OK_AND_ASSIGN(auto w, db_->Begin(TransactionMode::kReadWrite));
    ASSERT_OK(w->CreateNodeTable(name, {{"id", LogicalType::kInt64}, {"v", LogicalType::kInt64}}, "id").status());
    for (int64_t i = 0; i < n; i++) ASSERT_OK(w->InsertNode(name, {Value::Int64(i), Value::Int64(i % 10)}).status());
    ASSERT_OK(w->Commit());
  }

  // The rows of `query` as "a|b" lines; errors fail the test.
  std::vector<std::string> Rows(const std::string& query) {
    std::vector<std::string> out;
    Result<std::unique_ptr<QueryResult>> r = conn_->Query(query);
    EXPECT_TRUE(r.ok()) << query << ": " << r.status().ToString();
    if (!r.ok()) return out;
    for (size_t i = 0; i < (*r)->num_rows(); i++) {
      std::string line;
      for (size_t c = 0; c < (*r)->num_columns(); c++) line += (c ? "|" : "") + (*r)->Get(i, c).ToString();
      out.push_back(line);
    }
    return out;
  }
  std::string One(const std::string& query) {
    std::vector<std::string> rows = Rows(query);
    EXPECT_EQ(rows.size(), 1u) << query;
    return rows.empty() ? "" : rows[0];
  }
  void Run(const std::string& query) { ASSERT_OK(conn_->Query(query).status()); }

  // The node offsets the PROFILE of `query` says scan `variable` read.
  int64_t Scanned(const std::string& query, const std::string& variable) {
    const std::string profile = One("PROFILE " + query);
    const size_t line = profile.find("NodeScan " + variable + " ");
    EXPECT_NE(line, std::string::npos) << profile;
    if (line == std::string::npos) return -1;
    const size_t at = profile.find("scanned=", line);
    EXPECT_NE(at, std::string::npos) << profile;
    if (at == std::string::npos) return -1;
    return std::stoll(profile.substr(at + 8));
  }

  // Runs `query`, calling Interrupt() from another thread every 20 ms from
  // 200 ms on until it returns; its status, and how long after the first
  // Interrupt() it returned (printed for the record, not checked: timing).
  Status RunInterrupted(const std::string& query, double* latency_ms) {
    std::atomic<bool> done{false};
    std::chrono::steady_clock::time_point first_interrupt{};
    std::thread interrupter([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      first_interrupt = std::chrono::steady_clock::now();
      while (!done) {
        conn_->Interrupt();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
    const auto start = std::chrono::steady_clock::now();
    Status s = conn_->Query(query).status();
    const auto end = std::chrono::steady_clock::now();
    done = true;
    interrupter.join();
    *latency_ms = std::chrono::duration<double, std::milli>(end - first_interrupt).count();
    std::printf("%s\n  returned %.1f ms after the first Interrupt() (%.1f ms in all): %s\n", query.c_str(),
                *latency_ms, std::chrono::duration<double, std::milli>(end - start).count(), s.ToString().c_str());
    return s;
  }

  void ExpectHealthy() {
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> problems, db_->Verify());
    EXPECT_TRUE(problems.empty()) << problems[0];
  }

  std::unique_ptr<Database> db_;
  std::unique_ptr<Connection> conn_;
};

// --- streaming scans ----------------------------------------------------------

TEST_F(ExecutorTest, LimitStopsTheScanAfterOneBatch) {
  MakeTable("T", kBigTable);
  EXPECT_EQ(Rows("MATCH (n:T) RETURN n.id LIMIT 5"), (std::vector<std::string>{"0", "1", "2", "3", "4"}));
  EXPECT_LE(Scanned("MATCH (n:T) RETURN n.id LIMIT 5", "n"), 2048);
  EXPECT_LE(Scanned("MATCH (n:T) WHERE n.v = 3 RETURN n.id LIMIT 5", "n"), 2048);
  EXPECT_LE(Scanned("MATCH (n:T) WHERE n.v = 3 RETURN n.id SKIP 100 LIMIT 5", "n"), 2048);
  // A cross product stops both scans.
  EXPECT_LE(Scanned("MATCH (a:T), (b:T) RETURN a.id, b.id LIMIT 3", "a"), 2048);
  EXPECT_LE(Scanned("MATCH (a:T), (b:T) RETURN a.id, b.id LIMIT 3", "b"), 2048);
  // Under OPTIONAL MATCH too.
  EXPECT_EQ(Rows("MATCH (a:T) WHERE a.id < 2 OPTIONAL MATCH (b:T) RETURN a.id, b.id LIMIT 3"),
            (std::vector<std::string>{"0|0", "0|1", "0|2"}));
  EXPECT_LE(Scanned("MATCH (a:T) WHERE a.id < 2 OPTIONAL MATCH (b:T) RETURN a.id, b.id LIMIT 3", "b"), 2048);
  // Without a LIMIT the scan reads every node, once.
  EXPECT_EQ(Scanned("MATCH (n:T) RETURN n.id", "n"), kBigTable);
  EXPECT_EQ(Scanned("MATCH (n:T) WHERE n.v = 3 RETURN n.id", "n"), kBigTable);
}

TEST_F(ExecutorTest, ScanReturnsEveryNodeOnceInOrder) {
  MakeTable("T", kBigTable);
  // Deleted nodes inside and at the edges of batches.
  Run("MATCH (n:T) WHERE n.id % 997 = 0 OR n.id = 2047 OR n.id = 2048 OR n.id = 9999 DELETE n");
  std::vector<std::string> expected;
  for (int64_t i = 0; i < kBigTable; i++) {
    if (i % 997 != 0 && i != 2047 && i != 2048 && i != 9999) expected.push_back(std::to_string(i));
  }
  EXPECT_EQ(Rows("MATCH (n:T) RETURN n.id"), expected);
  EXPECT_EQ(One("MATCH (n:T) WHERE n.v = 3 RETURN count(*), sum(n.id)"),
            One("MATCH (n:T) WITH n WHERE n.v = 3 RETURN count(*), sum(n.id)"));
}

TEST_F(ExecutorTest, RepeatedScansReplaySmallTablesAndRereadBigOnes) {
  MakeTable("S", 3);
  MakeTable("T", kBigTable);
  // A small table is read once and replayed for every input row; a big one
  // is read again per input row rather than held in memory.
  EXPECT_EQ(Scanned("UNWIND [1, 2, 3] AS x MATCH (n:S) RETURN x, n.id", "n"), 3);
  EXPECT_EQ(Scanned("UNWIND [1, 2, 3] AS x MATCH (n:T) RETURN x, n.id", "n"), 3 * kBigTable);
  // Either way every input row sees every node, in order.
  std::vector<std::string> rows = Rows("MATCH (a:S), (b:T) RETURN a.id, b.id");
  ASSERT_EQ(rows.size(), static_cast<size_t>(3 * kBigTable));
  for (size_t i = 0; i < rows.size(); i++) {
    ASSERT_EQ(rows[i], std::to_string(i / kBigTable) + "|" + std::to_string(i % kBigTable)) << i;
  }
  EXPECT_EQ(Rows("MATCH (a:S), (b:T) RETURN a.id, count(*), sum(b.id) ORDER BY a.id"),
            (std::vector<std::string>{"0|10000|49995000", "1|10000|49995000", "2|10000|49995000"}));
  EXPECT_EQ(Rows("MATCH (a:S) OPTIONAL MATCH (b:T) WHERE b.id > 9997 RETURN a.id, b.id"),
            (std::vector<std::string>{"0|9998", "0|9999", "1|9998", "1|9999", "2|9998", "2|9999"}));
}

TEST_F(ExecutorTest, OrderByManyRowsIsAStableSort) {
  MakeTable("T", kBigTable);
  // Ties keep the input (offset) order: sorted in runs, merged pairwise.
  std::vector<std::string> expected;
  for (int64_t v = 9; v >= 0; v--) {
    for (int64_t id = v; id < kBigTable; id += 10) expected.push_back(std::to_string(v) + "|" + std::to_string(id));
  }
  EXPECT_EQ(Rows("MATCH (n:T) RETURN n.v, n.id ORDER BY n.v DESC"), expected);
  std::vector<std::string> bottom;
  for (int64_t v = 0; v < 5; v++) {
    for (int64_t id = v; id < kBigTable; id += 10) bottom.push_back(std::to_string(v) + "|" + std::to_string(id));
  }
  EXPECT_EQ(Rows("MATCH (n:T) RETURN n.v, n.id ORDER BY n.v LIMIT 5000"), bottom);
  EXPECT_EQ(Rows("MATCH (n:T) RETURN n.v, n.id ORDER BY n.v, n.id DESC SKIP 9999"),
            (std::vector<std::string>{"9|9"}));
}

// --- writes in the statement that scans ------------------------------------------

TEST_F(ExecutorTest, CreateWhileScanningSeesEachNodeOnce) {
  MakeTable("T", 3000);
  Run("MATCH (n:T) CREATE (:T {id: n.id + 100000, v: n.v})");
  EXPECT_EQ(One("MATCH (n:T) RETURN count(*), min(n.id), max(n.id)"), "6000|0|102999");
  Run("MATCH (n:T) CREATE (:T {id: n.id + 1000000, v: n.v})");
  EXPECT_EQ(One("MATCH (n:T) RETURN count(*), min(n.id), max(n.id)"), "12000|0|1102999");
  // Inside an explicit transaction (the writer reads its own changes).
  Run("BEGIN TRANSACTION");
  Run("MATCH (n:T) CREATE (:T {id: n.id + 10000000, v: n.v})");
  EXPECT_EQ(One("MATCH (n:T) RETURN count(*)"), "24000");
  Run("ROLLBACK");
  EXPECT_EQ(One("MATCH (n:T) RETURN count(*)"), "12000");
  ExpectHealthy();
}

TEST_F(ExecutorTest, DeleteAndSetWhileScanning) {
  MakeTable("T", 3000);
  Run("MATCH (n:T) SET n.v = n.id * 2");
  EXPECT_EQ(One("MATCH (n:T) WHERE n.v = n.id * 2 RETURN count(*)"), "3000");
  Run("MATCH (n:T) WHERE n.id % 3 = 0 DELETE n");
  EXPECT_EQ(One("MATCH (n:T) RETURN count(*), sum(n.id)"), "2000|3000000");
  EXPECT_EQ(One("MATCH (n:T) WITH n, n.id AS id DELETE n RETURN count(*), sum(id)"), "2000|3000000");
  EXPECT_EQ(One("MATCH (n:T) RETURN count(*)"), "0");
  ExpectHealthy();
}

TEST_F(ExecutorTest, LaterClauseSeesEarlierWrites) {
  MakeTable("T", 3);
  // The second scan runs after CREATE wrote (it used to read the table
  // before pulling its input, seeing 3 nodes).
  EXPECT_EQ(Rows("MATCH (a:T) CREATE (:T {id: a.id + 100}) WITH a MATCH (n:T) RETURN a.id, count(*) ORDER BY a.id"),
            (std::vector<std::string>{"0|6", "1|6", "2|6"}));
}

// A scan read a batch at a time sees its transaction's snapshot throughout:
// a reader misses what commits in between; the writer's scan does not reach
// the nodes it creates after starting.
TEST_F(ExecutorTest, SnapshotHoldsAcrossBatches) {
  MakeTable("T", kBigTable);
  auto scan_rest = [](Transaction* t, uint64_t* begin, uint64_t* end, int64_t* count, int64_t* sum) -> Status {
    while (*begin < *end) {
      RETURN_IF_ERROR(t->ScanNodeRange("T", begin, end, 2048, [&](uint64_t, const std::vector<Value>& values) {
        ++*count;
        *sum += values[0].int_value() + values[1].int_value();
        return true;
      }));
    }
    return Status::OK();
  };
  ASSERT_OK_AND_ASSIGN(auto reader, db_->Begin(TransactionMode::kReadOnly));
  uint64_t begin = 0, end = UINT64_MAX;
  int64_t count = 0, sum = 0;
  ASSERT_OK(reader->ScanNodeRange("T", &begin, &end, 1000, [&](uint64_t, const std::vector<Value>& values) {
    ++count;
    sum += values[0].int_value() + values[1].int_value();
    return true;
  }));
  EXPECT_EQ(begin, 1000u);
  EXPECT_EQ(end, static_cast<uint64_t>(kBigTable));
  // Another connection changes read and unread nodes and commits.
  Run("MATCH (n:T) WHERE n.id % 2 = 0 SET n.v = 1000000");
  Run("MATCH (n:T) WHERE n.id % 5 = 0 DELETE n");
  Run("MATCH (n:T) WHERE n.id < 3000 CREATE (:T {id: n.id + 100000, v: 0})");
  ASSERT_OK(scan_rest(reader.get(), &begin, &end, &count, &sum));
  EXPECT_EQ(count, kBigTable);
  EXPECT_EQ(sum, kBigTable * (kBigTable - 1) / 2 + 45 * (kBigTable / 10));
  reader.reset();

  // The writer: nodes it creates after the scan started are not reached;
  // one it deletes before the scan gets there is skipped.
  ASSERT_OK_AND_ASSIGN(auto w, db_->Begin(TransactionMode::kReadWrite));
  ASSERT_OK_AND_ASSIGN(uint64_t live, w->CountNodes("T"));
  begin = 0;
  end = UINT64_MAX;
  count = sum = 0;
  ASSERT_OK(w->ScanNodeRange("T", &begin, &end, 10, [&](uint64_t, const std::vector<Value>&) {
    ++count;
    return true;
  }));
  for (int64_t i = 0; i < 100; i++) ASSERT_OK(w->InsertNode("T", {Value::Int64(-1 - i), Value::Int64(0)}).status());
  ASSERT_OK_AND_ASSIGN(std::optional<uint64_t> last, w->LookupNode("T", Value::Int64(kBigTable - 1)));
  ASSERT_TRUE(last.has_value());
  ASSERT_OK(w->DeleteNode("T", *last, false));
  ASSERT_OK(scan_rest(w.get(), &begin, &end, &count, &sum));
  EXPECT_EQ(static_cast<uint64_t>(count), live - 1);
  w->Rollback();
}

// --- interrupts -------------------------------------------------------------------

TEST_F(ExecutorTest, InterruptStopsACrossProduct) {
  MakeTable("T", 1000);
  double latency_ms = 0;
  // 10^9 rows through a filter no scan can take: many minutes if not stopped.
  Status s = RunInterrupted("MATCH (a:T), (b:T), (c:T) WHERE a.v + b.v + c.v = -1 RETURN count(*)", &latency_ms);
  EXPECT_EQ(s.code(), StatusCode::kInterrupted) << s.ToString();
  EXPECT_LT(latency_ms, 20000);  // a watchdog bound, not a timing requirement
  EXPECT_EQ(One("MATCH (n:T) RETURN count(*)"), "1000");
  ExpectHealthy();
}

TEST_F(ExecutorTest, InterruptStopsAVariableLengthCount) {
  constexpr int64_t kNodes = 3000;
  MakeTable("G", kNodes);
  {
    ASSERT_OK_AND_ASSIGN(auto w, db_->Begin(TransactionMode::kReadWrite));
    ASSERT_OK(w->CreateRelTable("E", "G", "G", {}).status());
    for (int64_t i = 0; i < kNodes; i++) {
      for (int64_t k = 1; k <= 10; k++) {
        ASSERT_OK(w->InsertRel("E", Value::Int64(i), Value::Int64((i * 7 + k * 13) % kNodes), {}).status());
      }
    }
    ASSERT_OK(w->Commit());
  }
  double latency_ms = 0;
  // 3000 * (10 + ... + 10^5) walks.
  Status s = RunInterrupted("MATCH (a:G)-[:E*1..5]->(b:G) RETURN count(*)", &latency_ms);
  EXPECT_EQ(s.code(), StatusCode::kInterrupted) << s.ToString();
  EXPECT_LT(latency_ms, 20000);
  EXPECT_EQ(One("MATCH (a:G)-[:E]->(b:G) RETURN count(*)"), "30000");
  // One start node's walks stream too (more than the 64 * 2048 rows the
  // operator used to hold at once).
  EXPECT_EQ(One("MATCH (a:G {id: 0})-[:E*1..6]->(b:G) RETURN count(*)"), "1111110");
  EXPECT_EQ(Rows("MATCH (a:G {id: 0})-[:E*3..6]->(b:G) RETURN b.id LIMIT 2").size(), 2u);
  ExpectHealthy();
}

TEST_F(ExecutorTest, InterruptedCreateWritesNothing) {
  MakeTable("T", 1500);
  Run("CREATE NODE TABLE U(id INT64, PRIMARY KEY(id))");
  double latency_ms = 0;
  // 2.25 million new nodes.
  Status s = RunInterrupted("MATCH (a:T), (b:T) CREATE (:U {id: a.id * 100000 + b.id})", &latency_ms);
  EXPECT_EQ(s.code(), StatusCode::kInterrupted) << s.ToString();
  EXPECT_LT(latency_ms, 20000);
  EXPECT_EQ(One("MATCH (u:U) RETURN count(*)"), "0");
  Run("CREATE (:U {id: 1})");
  EXPECT_EQ(One("MATCH (u:U) RETURN count(*)"), "1");
  ExpectHealthy();
}

}  // namespace
}  // namespace ruzu
