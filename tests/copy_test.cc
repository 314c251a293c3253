// COPY FROM / COPY TO end to end through Connection: imports that survive
// reopen (also without a checkpoint on close and after SIGKILL), equal the
// same graph inserted through the API, append to tables that have data,
// leave everything as it was on any error, skip bad rows with IGNORE_ERRORS
// and round-trip through COPY TO.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "common/test_util.h"
#include "db/connection.h"
#include "db/database.h"

namespace ruzu {
namespace {

constexpr const char* kSchema =
    "CREATE NODE TABLE Person(id INT64, name STRING, age INT64, birthday DATE, score DOUBLE, PRIMARY KEY(id));"
    "CREATE NODE TABLE City(name STRING, PRIMARY KEY(name));"
    "CREATE REL TABLE Knows(FROM Person TO Person, since INT64);"
    "CREATE REL TABLE LivesIn(FROM Person TO City)";

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A deterministic graph as CSV text and as the rows it holds.
struct Graph {
  std::string persons, cities, knows, lives;
  std::vector<std::vector<Value>> person_rows;
  std::vector<std::tuple<int64_t, int64_t, int64_t>> knows_rows;  // from, to, since
  std::vector<std::pair<int64_t, std::string>> lives_rows;
};

Graph MakeGraph(int64_t first_id, int64_t persons, int64_t knows, uint64_t seed) {
  Graph g;
  uint64_t x = seed;
  auto next = [&]() {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (int c = 0; c < 50; c++) g.cities += "City" + std::to_string(c) + "\n";
  for (int64_t i = first_id; i < first_id + persons; i++) {
    std::string name = "p" + std::to_string(i);
    if (i % 7 == 0) name = "O'Hara, \"Jr\" " + std::to_string(i);  // needs quoting
    int64_t age = 18 + static_cast<int64_t>(next() % 60);
    int32_t day = static_cast<int32_t>(next() % 20000);
    double score = static_cast<double>(next() % 100000) / 7.0;
    std::string quoted = "\"";
    for (char ch : name) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    quoted += "\"";
    bool null_age = i % 11 == 0;
    g.persons += std::to_string(i) + "," + quoted + "," + (null_age ? "" : std::to_string(age)) + "," +
                 FormatDate(day) + "," + FormatDouble(score) + "\n";
    g.person_rows.push_back({Value::Int64(i), Value::String(name),
                             null_age ? Value::Null(LogicalType::kInt64) : Value::Int64(age), Value::Date(day),
                             Value::Double(score)});
    std::string city = "City" + std::to_string(next() % 50);
    g.lives += std::to_string(i) + "," + city + "\n";
    g.lives_rows.emplace_back(i, city);
  }
  for (int64_t k = 0; k < knows; k++) {
    int64_t from = first_id + static_cast<int64_t>(next() % persons);
    int64_t to = first_id + static_cast<int64_t>(next() % persons);
    int64_t since = 1990 + static_cast<int64_t>(next() % 30);
    g.knows += std::to_string(from) + "," + std::to_string(to) + "," + std::to_string(since) + "\n";
    g.knows_rows.emplace_back(from, to, since);
  }
  return g;
}

class CopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    path_ = dir_ + "/copy.ruzu";
    Open();
    Run(kSchema);
  }

  void Open(DatabaseOptions options = DatabaseOptions()) {
    conn_.reset();
    db_.reset();
    auto db = Database::Open(path_, options);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    conn_ = std::make_unique<Connection>(db_.get());
  }

  std::unique_ptr<QueryResult> Run(const std::string& cypher) {
    auto r = conn_->Query(cypher);
    EXPECT_TRUE(r.ok()) << cypher << "\n" << r.status().ToString();
    return r.ok() ? std::move(r).value() : nullptr;
  }
  std::string Error(const std::string& cypher) {
    auto r = conn_->Query(cypher);
    EXPECT_FALSE(r.ok()) << cypher;
    return r.ok() ? "" : r.status().message();
  }
  int64_t Count(const std::string& cypher) {
    auto r = Run(cypher);
    return r && r->num_rows() == 1 ? r->Get(0, 0).int_value() : -1;
  }
  std::string File(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    WriteFile(path, text);
    return path;
  }
  void ImportGraph(const Graph& g) {
    Run("COPY Person FROM '" + File("persons.csv", g.persons) + "'");
    Run("COPY City FROM '" + File("cities.csv", g.cities) + "'");
    Run("COPY Knows FROM '" + File("knows.csv", g.knows) + "'");
    Run("COPY LivesIn FROM '" + File("lives.csv", g.lives) + "'");
  }
  void ExpectHealthy() {
    auto problems = db_->Verify();
    ASSERT_TRUE(problems.ok()) << problems.status().ToString();
    for (const std::string& p : *problems) ADD_FAILURE() << p;
  }
  // The same graph built through the Transaction API in another database.
  std::string DumpOfApiBuilt(const std::vector<const Graph*>& graphs) {
    std::string path = dir_ + "/api.ruzu";
    auto db = Database::Open(path, DatabaseOptions());
    EXPECT_TRUE(db.ok());
    {
      Connection conn(db->get());
      EXPECT_TRUE(conn.Query(kSchema).ok());
    }
    auto txn = (*db)->Begin(TransactionMode::kReadWrite);
    EXPECT_TRUE(txn.ok());
    for (int c = 0; c < 50; c++) {
      EXPECT_TRUE((*txn)->InsertNode("City", {Value::String("City" + std::to_string(c))}).ok());
    }
    for (const Graph* g : graphs) {
      for (const auto& row : g->person_rows) EXPECT_TRUE((*txn)->InsertNode("Person", row).ok());
    }
    for (const Graph* g : graphs) {
      for (const auto& [from, to, since] : g->knows_rows) {
        EXPECT_TRUE((*txn)->InsertRel("Knows", Value::Int64(from), Value::Int64(to), {Value::Int64(since)}).ok());
      }
      for (const auto& [person, city] : g->lives_rows) {
        EXPECT_TRUE((*txn)->InsertRel("LivesIn", Value::Int64(person), Value::String(city), {}).ok());
      }
    }
    EXPECT_TRUE((*txn)->Commit().ok());
    auto dump = (*db)->Dump();
    EXPECT_TRUE(dump.ok());
    return dump.ok() ? *dump : "";
  }

  std::string dir_, path_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Connection> conn_;
};

TEST_F(CopyTest, ImportedGraphEqualsApiBuiltAndSurvivesReopen) {
  Graph g = MakeGraph(0, 3000, 10000, 42);
  auto r = Run("COPY Person FROM '" + File("persons.csv", g.persons) + "'");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->column_names(), std::vector<std::string>{"result"});
  EXPECT_EQ(r->Get(0, 0).string_value(), "3000 tuples have been copied to the Person table.");
  Run("COPY City FROM '" + File("cities.csv", g.cities) + "'");
  Run("COPY Knows FROM '" + File("knows.csv", g.knows) + "'");
  Run("COPY LivesIn FROM '" + File("lives.csv", g.lives) + "'");
  const std::string expected = DumpOfApiBuilt({&g});
  EXPECT_EQ(*db_->Dump(), expected);
  ExpectHealthy();
  std::map<int64_t, int64_t> out_degree, in_degree;
  int64_t since_sum = 0;
  for (const auto& [from, to, since] : g.knows_rows) {
    out_degree[from]++;
    in_degree[to]++;
    since_sum += since;
  }
  auto check = [&]() {
    EXPECT_EQ(Count("MATCH (p:Person) RETURN count(*)"), 3000);
    EXPECT_EQ(Count("MATCH ()-[k:Knows]->() RETURN count(*)"), 10000);
    EXPECT_EQ(Count("MATCH ()-[k:Knows]->() RETURN sum(k.since)"), since_sum);
    EXPECT_EQ(Count("MATCH (:Person)-[:LivesIn]->(c:City) RETURN count(*)"), 3000);
    for (int64_t id : {0, 1, 17, 1234, 2999}) {
      EXPECT_EQ(Count("MATCH (a:Person {id: " + std::to_string(id) + "})-[:Knows]->(b) RETURN count(*)"),
                out_degree[id]);
      EXPECT_EQ(Count("MATCH (a:Person {id: " + std::to_string(id) + "})<-[:Knows]-(b) RETURN count(*)"),
                in_degree[id]);
    }
  };
  check();
  // COPY commits by a checkpoint of its own: no checkpoint on close needed.
  DatabaseOptions no_checkpoint;
  no_checkpoint.checkpoint_on_close = false;
  Open(no_checkpoint);
  check();
  EXPECT_EQ(*db_->Dump(), expected);
  ExpectHealthy();
}

TEST_F(CopyTest, AppendsToTablesWithDataAndPendingWal) {
  Graph first = MakeGraph(0, 5000, 6000, 1);  // 5000 rows: the second group is partly filled
  ImportGraph(first);
  // Committed but not checkpointed: COPY folds the WAL in first.
  Run("CREATE (:Person {id: 100000, name: 'api', age: 1})");
  Run("MATCH (a:Person {id: 100000}), (b:Person {id: 3}) CREATE (a)-[:Knows {since: 1}]->(b)");
  Graph second = MakeGraph(5000, 3000, 9000, 2);
  // Edges between old and new nodes too.
  second.knows += "3,6000,2001\n6001,4,2002\n";
  second.knows_rows.emplace_back(3, 6000, 2001);
  second.knows_rows.emplace_back(6001, 4, 2002);
  Run("COPY Person FROM '" + File("persons2.csv", second.persons) + "'");
  Run("COPY Knows FROM '" + File("knows2.csv", second.knows) + "'");
  Run("COPY LivesIn FROM '" + File("lives2.csv", second.lives) + "'");
  EXPECT_EQ(Count("MATCH (p:Person) RETURN count(*)"), 8001);
  EXPECT_EQ(Count("MATCH ()-[k:Knows]->() RETURN count(*)"), 15003);
  EXPECT_EQ(Count("MATCH (a:Person {id: 3})-[k:Knows]->(b:Person {id: 6000}) RETURN k.since"), 2001);
  EXPECT_EQ(Count("MATCH (a:Person {id: 100000})-[k:Knows]->(b) RETURN b.id"), 3);
  ExpectHealthy();
  Open();
  EXPECT_EQ(Count("MATCH (p:Person) RETURN count(*)"), 8001);
  EXPECT_EQ(Count("MATCH (:Person)-[:LivesIn]->(:City) RETURN count(*)"), 8000);
  EXPECT_EQ(Count("MATCH (a:Person {id: 6001})-[:Knows]->(b:Person {id: 4}) RETURN count(*)"), 1);
  ExpectHealthy();
}

// Relationships beyond half the buffer pool are staged in a spill file and
// the CSR is built in several passes: the result is the same database.
TEST_F(CopyTest, SmallBufferPoolSpillsEdgesAndGivesTheSameDatabase) {
  Graph g = MakeGraph(0, 20000, 300000, 21);
  ImportGraph(g);
  const std::string expected = *db_->Dump();
  path_ = dir_ + "/small.ruzu";
  DatabaseOptions small;
  small.buffer_pool_bytes = size_t{1} << 20;  // 512 KiB of staged edges: 64K of 300K
  Open(small);
  Run(kSchema);
  ImportGraph(g);
  EXPECT_EQ(*db_->Dump(), expected);
  ExpectHealthy();
  EXPECT_FALSE(std::ifstream(path_ + ".copy-spill").good()) << "spill file left behind";
  Open(small);
  EXPECT_EQ(Count("MATCH (a:Person)-[:Knows]->(b:Person) WHERE a.id < 100 RETURN count(*)"),
            Count("MATCH (a:Person)<-[:Knows]-(b:Person) WHERE b.id < 100 RETURN count(*)"));
  EXPECT_EQ(*db_->Dump(), expected);
}

TEST_F(CopyTest, AnErrorLeavesEverythingAsItWas) {
  Graph g = MakeGraph(0, 100, 300, 3);
  ImportGraph(g);
  const std::string before = *db_->Dump();
  // A bad row at the very end of each file: nothing of the file is imported.
  EXPECT_EQ(Error("COPY Person FROM '" + File("bad.csv", "1000,a,1,2000-01-01,1\n1001,b,x,2000-01-01,1\n") + "'"),
            dir_ + "/bad.csv:2:3: cannot convert \"x\" to INT64 for column 'age'");
  EXPECT_EQ(Error("COPY Person FROM '" + File("dup.csv", "1000,a,1,2000-01-01,1\n5,b,2,2000-01-01,1\n") + "'"),
            dir_ + "/dup.csv:2:1: duplicate primary key 5 in table Person");
  EXPECT_EQ(Error("COPY Person FROM '" + File("dup2.csv", "1000,a,1,2000-01-01,1\n1000,b,2,2000-01-01,1\n") + "'"),
            dir_ + "/dup2.csv:2:1: duplicate primary key 1000 in table Person");
  EXPECT_EQ(Error("COPY Person FROM '" + File("null.csv", "1000,a,1,2000-01-01,1\n,b,2,2000-01-01,1\n") + "'"),
            dir_ + "/null.csv:2:1: the primary key id of table Person is NULL");
  EXPECT_EQ(Error("COPY Knows FROM '" + File("missing.csv", "1,2,2000\n3,77777,2001\n") + "'"),
            dir_ + "/missing.csv:2:2: no Person node has primary key 77777");
  EXPECT_EQ(Error("COPY LivesIn FROM '" + File("missing2.csv", "1,City1\n55555,City2\n") + "'"),
            dir_ + "/missing2.csv:2:1: no Person node has primary key 55555");
  EXPECT_EQ(Error("COPY Knows FROM '" + File("short.csv", "1,2,2000\n3,4\n") + "'"),
            dir_ + "/short.csv:2: expected 3 fields, found 2");
  EXPECT_EQ(*db_->Dump(), before);
  ExpectHealthy();
  std::string e = Error("COPY Nope FROM 'x.csv'");
  EXPECT_NE(e.find("table Nope does not exist"), std::string::npos) << e;
  e = Error("COPY Person FROM '" + dir_ + "/none.csv'");
  EXPECT_NE(e.find("none.csv"), std::string::npos) << e;
  e = Error("COPY Person FROM 'x.csv' (COLOR='red')");
  EXPECT_NE(e.find("COLOR"), std::string::npos) << e;
  Run("BEGIN TRANSACTION");
  EXPECT_EQ(Error("COPY Person FROM '" + File("ok.csv", "2000,z,1,2000-01-01,1\n") + "'"),
            "COPY FROM runs in a transaction of its own; COMMIT or ROLLBACK the open transaction first");
  Run("ROLLBACK");
  Open();
  EXPECT_EQ(*db_->Dump(), before);
  // The database still takes a good import.
  Run("COPY Person FROM '" + File("ok.csv", "2000,z,1,2000-01-01,1\n") + "'");
  EXPECT_EQ(Count("MATCH (p:Person) RETURN count(*)"), 101);
}

TEST_F(CopyTest, IgnoreErrorsSkipsAndCountsBadRows) {
  Run("COPY Person FROM '" + File("p.csv", "1,a,1,2000-01-01,1\n2,b,2,2000-01-01,1\n") + "'");
  auto r = Run("COPY Person FROM '" +
               File("mixed.csv",
                    "3,c,3,2000-01-01,1\n1,dup,1,2000-01-01,1\n4,d,x,2000-01-01,1\n5,e,5,2000-01-01\n"
                    "6,f,6,2000-01-01,1\n6,g,6,2000-01-01,1\n,h,7,2000-01-01,1\n") +
               "' (IGNORE_ERRORS=true)");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->Get(0, 0).string_value(),
            "2 tuples have been copied to the Person table. 5 rows were skipped; CALL show_warnings() RETURN * "
            "lists them.");
  EXPECT_EQ(Count("MATCH (p:Person) RETURN count(*)"), 4);
  auto w = Run("CALL show_warnings() RETURN message, line_number ORDER BY line_number");
  ASSERT_NE(w, nullptr);
  ASSERT_EQ(w->num_rows(), 5u);
  const std::string f = dir_ + "/mixed.csv";
  EXPECT_EQ(w->Get(0, 0).string_value(), f + ":2:1: duplicate primary key 1 in table Person");
  EXPECT_EQ(w->Get(1, 0).string_value(), f + ":3:3: cannot convert \"x\" to INT64 for column 'age'");
  EXPECT_EQ(w->Get(2, 0).string_value(), f + ":4: expected 5 fields, found 4");
  EXPECT_EQ(w->Get(3, 0).string_value(), f + ":6:1: duplicate primary key 6 in table Person");
  EXPECT_EQ(w->Get(4, 0).string_value(), f + ":7:1: the primary key id of table Person is NULL");
  EXPECT_EQ(w->Get(4, 1).int_value(), 7);
  Run("COPY Knows FROM '" + File("k.csv", "1,2,1\n1,9,2\n9,2,3\n3,6,4\n") + "' (IGNORE_ERRORS=true)");
  EXPECT_EQ(Count("MATCH ()-[k:Knows]->() RETURN count(*)"), 2);
  EXPECT_EQ(Count("CALL show_warnings() RETURN count(*)"), 2);
  ExpectHealthy();
}

TEST_F(CopyTest, OptionsHeaderDelimiterSkipAndSeveralFiles) {
  Run("COPY City FROM '" + File("c1.csv", "name\nBern\nZug\n") + "' (HEADER=true)");
  Run("COPY City FROM '" + File("c2.csv", "junk\nmore junk\nBasel\n") + "' (SKIP=2)");
  Run("COPY Person FROM ['" + File("part-1.csv", "id|name|age|birthday|score\n1|a|1|2000-01-01|1.5\n") + "', '" +
      File("part-2.csv", "id|name|age|birthday|score\n2|b||2000-01-02|\n") + "'] (HEADER=true, DELIM='|')");
  File("k-a.csv", "1,Bern\n");
  File("k-b.csv", "2,Zug\n2,Basel\n");
  Run("COPY LivesIn FROM '" + dir_ + "/k-*.csv'");
  auto r = Run("MATCH (p:Person)-[:LivesIn]->(c:City) RETURN p.id, c.name, p.age, p.score ORDER BY p.id, c.name");
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->num_rows(), 3u);
  EXPECT_EQ(r->Get(0, 1).string_value(), "Bern");
  EXPECT_EQ(r->Get(0, 3), Value::Double(1.5));
  EXPECT_EQ(r->Get(1, 1).string_value(), "Basel");
  EXPECT_TRUE(r->Get(1, 2).is_null());
  EXPECT_TRUE(r->Get(1, 3).is_null());
  EXPECT_EQ(r->Get(2, 1).string_value(), "Zug");
  EXPECT_EQ(Count("MATCH (c:City) RETURN count(*)"), 3);
}

TEST_F(CopyTest, QuoteEscapeAndSerialParse) {
  Run("COPY Person FROM '" +
      File("q.csv", "1;'a;b';1;2000-01-01;1\n2;'it\\'s';2;2000-01-02;2\n3;'two\nlines';3;2000-01-03;3\n") +
      "' (DELIM=';', QUOTE='\\'', ESCAPE='\\\\', PARALLEL=false)");
  auto r = Run("MATCH (p:Person) RETURN p.id, p.name ORDER BY p.id");
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->num_rows(), 3u);
  EXPECT_EQ(r->Get(0, 1).string_value(), "a;b");
  EXPECT_EQ(r->Get(1, 1).string_value(), "it's");
  EXPECT_EQ(r->Get(2, 1).string_value(), "two\nlines");
  // Errors name the line where the record starts, also after a quoted newline.
  EXPECT_EQ(Error("COPY Person FROM '" + File("q2.csv", "4,\"x\ny\",4,2000-01-01,1\n5,z,zz,2000-01-01,1\n") + "'"),
            dir_ + "/q2.csv:3:3: cannot convert \"zz\" to INT64 for column 'age'");
}

// SERIAL keys are assigned (by COPY, which reads no key column, and by
// inserts); SERIAL and DEFAULT survive WAL replay and checkpoints.
TEST_F(CopyTest, SerialKeysAndDefaultsPersist) {
  DatabaseOptions replay;
  replay.checkpoint_on_close = false;
  Open(replay);
  Run("CREATE NODE TABLE Item(id SERIAL, name STRING, qty INT64 DEFAULT 1, added DATE DEFAULT '2024-01-31', "
      "PRIMARY KEY(id))");
  Run("COPY Item FROM '" + File("items.csv", "a,5,2020-01-01\nb,,\n") + "'");
  {
    ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin(TransactionMode::kReadWrite));
    ASSERT_OK_AND_ASSIGN(uint64_t offset, txn->InsertNode("Item", {Value::Null(LogicalType::kInt64), Value::String("c"),
                                                                   Value::Int64(7), Value::Null(LogicalType::kDate)}));
    EXPECT_EQ(offset, 2u);
    auto explicit_key = txn->InsertNode("Item", {Value::Int64(9), Value::String("d"), Value::Int64(1),
                                                 Value::Null(LogicalType::kDate)});
    EXPECT_EQ(explicit_key.status().message(),
              "SERIAL property 'id' of 'Item' is assigned automatically and cannot be set");
    ASSERT_OK(txn->Commit());
  }
  Run("CREATE NODE TABLE Tag(name STRING, weight DOUBLE DEFAULT 0.5, PRIMARY KEY(name))");
  auto check = [&]() {
    auto r = Run("MATCH (i:Item) RETURN i.id, i.name, i.qty ORDER BY i.id");
    ASSERT_NE(r, nullptr);
    ASSERT_EQ(r->num_rows(), 3u);
    EXPECT_EQ(r->Get(0, 0), Value::Int64(0));
    EXPECT_EQ(r->Get(1, 1), Value::String("b"));
    EXPECT_TRUE(r->Get(1, 2).is_null());
    EXPECT_EQ(r->Get(2, 0), Value::Int64(2));
    Catalog catalog = db_->CatalogSnapshot();
    const TableSchema* item = catalog.FindTable("Item");
    ASSERT_NE(item, nullptr);
    EXPECT_TRUE(item->properties[0].serial);
    EXPECT_EQ(item->properties[2].default_value, Value::Int64(1));
    EXPECT_EQ(item->properties[3].default_value, Value::Date(*ParseDate("2024-01-31")));
    EXPECT_TRUE(item->properties[1].default_value.is_null());
    ASSERT_NE(catalog.FindTable("Tag"), nullptr);
    EXPECT_EQ(catalog.FindTable("Tag")->properties[1].default_value, Value::Double(0.5));
  };
  check();
  EXPECT_GT(db_->Stats().wal_bytes, 48u);  // more than the WAL header
  Open(replay);  // Tag's creation and the insert come back from the WAL
  check();
  Open();
  Run("CHECKPOINT");
  Open();  // from the manifest
  check();
  ExpectHealthy();
}

TEST_F(CopyTest, CopyToReadsBackIdentically) {
  Graph g = MakeGraph(0, 500, 2000, 9);
  ImportGraph(g);
  Run("CREATE (:Person {id: 9999, name: '', age: 3})");  // empty string vs NULL
  const std::string out = dir_ + "/out";
  Run("COPY Person TO '" + out + "-persons.csv' (HEADER=true)");
  Run("COPY City TO '" + out + "-cities.csv'");
  Run("COPY Knows TO '" + out + "-knows.csv'");
  Run("COPY LivesIn TO '" + out + "-lives.csv'");
  EXPECT_EQ(ReadFile(out + "-persons.csv").substr(0, 27), "id,name,age,birthday,score\n");
  auto exported = Run("COPY (MATCH (p:Person) WHERE p.id < 3 RETURN p.id, p.name ORDER BY p.id) TO '" + out +
                      "-q.csv' (DELIM='\\t')");
  ASSERT_NE(exported, nullptr);
  EXPECT_EQ(exported->Get(0, 0).string_value(), "3 tuples have been exported to " + out + "-q.csv.");
  EXPECT_EQ(ReadFile(out + "-q.csv"), "0\t\"O'Hara, \"\"Jr\"\" 0\"\n1\tp1\n2\tp2\n");
  const std::string before = *db_->Dump();
  path_ = dir_ + "/copy2.ruzu";
  Open();
  Run(kSchema);
  Run("COPY Person FROM '" + out + "-persons.csv' (HEADER=true)");
  Run("COPY City FROM '" + out + "-cities.csv'");
  Run("COPY Knows FROM '" + out + "-knows.csv'");
  Run("COPY LivesIn FROM '" + out + "-lives.csv'");
  EXPECT_EQ(*db_->Dump(), before);
}

TEST_F(CopyTest, ReadersKeepTheirSnapshotAndProgressIsReported) {
  Run("COPY City FROM '" + File("c.csv", "Bern\n") + "'");
  ASSERT_OK_AND_ASSIGN(auto reader, db_->Begin(TransactionMode::kReadOnly));
  std::vector<QueryProgress> progress;
  conn_->SetProgressCallback([&](const QueryProgress& p) { progress.push_back(p); });
  Graph g = MakeGraph(0, 100000, 0, 5);
  Run("COPY Person FROM '" + File("persons.csv", g.persons) + "'");
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back().rows, 100000u);
  EXPECT_EQ(progress.back().bytes_total, g.persons.size());
  EXPECT_EQ(progress.back().bytes_done, g.persons.size());
  for (size_t i = 1; i < progress.size(); i++) EXPECT_GE(progress[i].rows, progress[i - 1].rows);
  EXPECT_EQ(*reader->CountNodes("Person"), 0u);
  EXPECT_EQ(*reader->CountNodes("City"), 1u);
  reader.reset();
  ASSERT_OK_AND_ASSIGN(auto fresh, db_->Begin(TransactionMode::kReadOnly));
  EXPECT_EQ(*fresh->CountNodes("Person"), 100000u);
}

// A SIGKILL during COPY leaves the database as before; right after COPY
// returns, the import is there.
TEST_F(CopyTest, KillDuringAndAfterCopy) {
  Graph g = MakeGraph(0, 20000, 50000, 11);
  Run("COPY Person FROM '" + File("persons.csv", g.persons) + "'");
  const std::string knows = File("knows.csv", g.knows);
  conn_.reset();
  db_.reset();
  for (const char* point : {"copy.start", "copy.before_commit", "checkpoint.after_data", "checkpoint.after_manifest",
                            "checkpoint.after_header_write", "copy.after_commit"}) {
    SCOPED_TRACE(point);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      DatabaseOptions options;
      bool copying = false;
      options.kill_point = [&](const char* p) {
        if (std::string(p) == "copy.start") copying = true;
        if (copying && std::string(p) == point) ::kill(::getpid(), SIGKILL);
      };
      auto db = Database::Open(path_, options);
      if (!db.ok()) ::_exit(2);
      Connection conn(db->get());
      auto r = conn.Query("COPY Knows FROM '" + knows + "'");
      ::_exit(r.ok() ? 0 : 3);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
    Open();
    const bool committed = std::string(point) == "copy.after_commit" ||
                           std::string(point) == "checkpoint.after_header_write";
    int64_t edges = Count("MATCH ()-[k:Knows]->() RETURN count(*)");
    if (committed) {
      EXPECT_EQ(edges, 50000);
    } else if (std::string(point) != "checkpoint.after_header_write") {
      EXPECT_EQ(edges, 0);
    }
    EXPECT_EQ(Count("MATCH (p:Person) RETURN count(*)"), 20000);
    ExpectHealthy();
    if (edges > 0) Run("MATCH ()-[k:Knows]->() DELETE k");
    Run("CHECKPOINT");
    conn_.reset();
    db_.reset();
  }
}

}  // namespace
}  // namespace ruzu
