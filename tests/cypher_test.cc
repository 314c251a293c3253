// End-to-end Cypher tests through Connection.
//
// Most cases live in tests/cypher/*.test, run by a small declarative runner
// (in the spirit of DuckDB's sqllogictest). Each file gets a fresh database
// and one connection. Records are separated by blank lines:
//
//   # a comment
//   statement ok
//   CREATE NODE TABLE Person(name STRING, age INT64, PRIMARY KEY(name))
//
//   statement error
//   MATCH (n:Nope) RETURN n
//   ----
//   Binder error at line 1, column 8: table Nope does not exist
//
//   query ordered            (or `unordered`; add `header` to check names)
//   MATCH (p:Person) RETURN p.name, p.age ORDER BY p.age
//   ----
//   Alice|30
//   Bob|
//
//   query box                (compares QueryResult::ToString() exactly)
//
//   restart                  (closes and reopens the database)
//
// The statement text runs until `----` (or the blank line for `statement
// ok`). Expected rows are `|`-separated Value::ToString() texts (NULL is
// empty); an `error` record's expected text is a prefix of the message.
// The remaining tests here cover what a file cannot: prepared statements,
// several connections, and a byte-for-byte comparison across a restart.
#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "db/connection.h"
#include "db/database.h"
#include "common/test_util.h"

namespace ruzu {
namespace {

std::vector<std::string> TestFiles() {
  std::vector<std::string> out;
  const std::string dir = "tests/cypher";
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() > 5 && name.substr(name.size() - 5) == ".test") out.push_back(dir + "/" + name);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

std::string RowText(const QueryResult& r, size_t row) {
  std::string out;
  for (size_t c = 0; c < r.num_columns(); c++) {
    if (c > 0) out += "|";
    out += r.Get(row, c).ToString();
  }
  return out;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

class Runner {
 public:
  explicit Runner(std::string file) : file_(std::move(file)) {}

  void Run() {
    dir_ = MakeTempDir();
    path_ = dir_ + "/db.ruzu";
    Open();
    std::ifstream in(file_);
    ASSERT_TRUE(in.good()) << file_;
    std::string line;
    while (std::getline(in, line)) lines_.push_back(line);
    size_t i = 0;
    while (i < lines_.size()) {
      const std::string& head = lines_[i];
      if (head.empty() || head[0] == '#') {
        i++;
        continue;
      }
      size_t record_line = i + 1;
      if (head == "restart") {
        auto problems = db_->Verify();
        ASSERT_OK(problems.status());
        for (const std::string& p : *problems) ADD_FAILURE() << file_ << ":" << record_line << ": " << p;
        conn_.reset();
        ASSERT_OK(db_->Close());
        db_.reset();
        Open();
        i++;
        continue;
      }
      std::istringstream words(head);
      std::string kind, mode, extra;
      words >> kind >> mode >> extra;
      i++;
      std::vector<std::string> text;
      while (i < lines_.size() && lines_[i] != "----" && !lines_[i].empty()) text.push_back(lines_[i++]);
      std::vector<std::string> expected;
      if (i < lines_.size() && lines_[i] == "----") {
        i++;
        while (i < lines_.size() && !lines_[i].empty()) expected.push_back(lines_[i++]);
      }
      std::string query = Join(text);
      if (!query.empty()) query.pop_back();
      std::string where = file_ + ":" + std::to_string(record_line) + ": " + query;
      auto result = conn_->Query(query);
      if (kind == "statement" && mode == "ok") {
        EXPECT_TRUE(result.ok()) << where << "\n" << result.status().ToString();
      } else if (kind == "statement" && mode == "error") {
        if (result.ok()) {
          ADD_FAILURE() << where << "\nexpected an error, got\n" << (*result)->ToString();
          continue;
        }
        std::string want = Join(expected);
        if (!want.empty()) want.pop_back();
        const std::string& got = result.status().message();
        EXPECT_EQ(got.substr(0, want.size()), want) << where << "\nfull message:\n" << got;
      } else if (kind == "query") {
        if (!result.ok()) {
          ADD_FAILURE() << where << "\n" << result.status().ToString();
          continue;
        }
        const QueryResult& r = **result;
        if (mode == "box") {
          EXPECT_EQ(r.ToString(), Join(expected)) << where;
          continue;
        }
        std::vector<std::string> got;
        if (extra == "header") {
          std::string h;
          for (size_t c = 0; c < r.num_columns(); c++) h += (c ? "|" : "") + r.column_names()[c];
          got.push_back(h);
        }
        size_t skip = got.size();
        for (size_t row = 0; row < r.num_rows(); row++) got.push_back(RowText(r, row));
        if (mode == "unordered") {
          std::sort(got.begin() + skip, got.end());
          if (expected.size() > skip) std::sort(expected.begin() + skip, expected.end());
        } else {
          EXPECT_EQ(mode, "ordered") << where;
        }
        EXPECT_EQ(Join(got), Join(expected)) << where;
      } else {
        ADD_FAILURE() << file_ << ":" << record_line << ": unknown record '" << head << "'";
      }
    }
    conn_.reset();
    if (db_) EXPECT_OK(db_->Close());
  }

 private:
  void Open() {
    auto db = Database::Open(path_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    conn_ = std::make_unique<Connection>(db_.get());
  }

  std::string file_, dir_, path_;
  std::vector<std::string> lines_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Connection> conn_;
};

class CypherFileTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CypherFileTest, Run) { Runner(GetParam()).Run(); }

INSTANTIATE_TEST_SUITE_P(Files, CypherFileTest, ::testing::ValuesIn(TestFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(info.param.rfind('/') + 1);
                           name = name.substr(0, name.size() - 5);
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(CypherTest, FilesFound) { EXPECT_GE(TestFiles().size(), 5u); }

// ---------------------------------------------------------------- helpers

class CypherApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = MakeTempDir() + "/db.ruzu";
    Reopen();
  }
  void Reopen() {
    conn_.reset();
    if (db_) ASSERT_OK(db_->Close());
    db_.reset();
    auto db = Database::Open(path_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    conn_ = std::make_unique<Connection>(db_.get());
  }
  std::string Run(const std::string& q) {
    auto r = conn_->Query(q);
    if (!r.ok()) return "ERROR: " + r.status().message();
    std::string out;
    for (QueryResult* p = r->get(); p != nullptr; p = p->next()) out += p->ToString();
    return out;
  }
  void Exec(const std::string& q) {
    auto r = conn_->Query(q);
    ASSERT_TRUE(r.ok()) << q << "\n" << r.status().ToString();
  }

  std::string path_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Connection> conn_;
};

TEST_F(CypherApiTest, BoxOutput) {
  Exec("CREATE NODE TABLE Person(name STRING, age INT64, PRIMARY KEY(name));"
       "CREATE (:Person {name: 'Alice', age: 30})");
  EXPECT_EQ(Run("MATCH (p:Person) RETURN p.name, p.age"),
            "┌────────┬───────┐\n"
            "│ p.name │ p.age │\n"
            "│ STRING │ INT64 │\n"
            "├────────┼───────┤\n"
            "│ Alice  │ 30    │\n"
            "└────────┴───────┘\n");
}

TEST_F(CypherApiTest, SeveralStatementsChainResults) {
  auto r = conn_->Query("RETURN 1 AS a; RETURN 'x' AS b");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_NE((*r)->next(), nullptr);
  EXPECT_EQ((*r)->Get(0, 0).int_value(), 1);
  EXPECT_EQ((*r)->next()->Get(0, 0).string_value(), "x");
  EXPECT_EQ((*r)->next()->next(), nullptr);
}

TEST_F(CypherApiTest, ErrorStopsLaterStatements) {
  Exec("CREATE NODE TABLE T(id INT64, PRIMARY KEY(id))");
  auto r = conn_->Query("CREATE (:T {id: 1}); CREATE (:T {id: 1}); CREATE (:T {id: 2})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(Run("MATCH (t:T) RETURN count(*) AS c"),
            "┌───────┐\n│ c     │\n│ INT64 │\n├───────┤\n│ 1     │\n└───────┘\n");
}

TEST_F(CypherApiTest, PreparedStatements) {
  Exec("CREATE NODE TABLE Person(name STRING, age INT64, PRIMARY KEY(name))");
  auto insert = conn_->Prepare("CREATE (:Person {name: $name, age: $age})");
  ASSERT_TRUE(insert.ok()) << insert.status().ToString();
  EXPECT_EQ((*insert)->parameter_names(), (std::vector<std::string>{"age", "name"}));
  for (auto [name, age] : std::vector<std::pair<std::string, int64_t>>{{"Alice", 30}, {"Bob", 25}, {"Carol", 41}}) {
    auto r = conn_->Execute(insert->get(), {{"name", Value::String(name)}, {"age", Value::Int64(age)}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  auto missing = conn_->Execute(insert->get(), {{"name", Value::String("Dan")}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "parameter $age has no value");
  auto wrong = conn_->Execute(insert->get(), {{"name", Value::String("Dan")}, {"age", Value::String("old")}});
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("type mismatch"), std::string::npos) << wrong.status().message();

  auto query = conn_->Prepare("MATCH (p:Person) WHERE p.age > $min RETURN p.name ORDER BY p.name LIMIT $n");
  ASSERT_TRUE(query.ok()) << query.status().ToString();
  auto r = conn_->Execute(query->get(), {{"min", Value::Int64(26)}, {"n", Value::Int64(5)}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ((*r)->num_rows(), 2u);
  EXPECT_EQ((*r)->Get(0, 0).string_value(), "Alice");
  EXPECT_EQ((*r)->Get(1, 0).string_value(), "Carol");

  // Key lookup through a parameter.
  auto lookup = conn_->Prepare("MATCH (p:Person {name: $name}) RETURN p.age");
  ASSERT_TRUE(lookup.ok());
  r = conn_->Execute(lookup->get(), {{"name", Value::String("Bob")}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ((*r)->num_rows(), 1u);
  EXPECT_EQ((*r)->Get(0, 0).int_value(), 25);

  // Prepare reports binding errors at once; Query refuses parameters.
  auto bad = conn_->Prepare("MATCH (p:Persn) RETURN p");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().substr(0, 55), "Binder error at line 1, column 7: table Persn does not ");
  auto q = conn_->Query("RETURN $x");
  ASSERT_FALSE(q.ok());
}

// A prepared MERGE of a pattern runs again with new values; its ON CREATE /
// ON MATCH items and SET maps take parameters too.
TEST_F(CypherApiTest, PreparedWriteClauses) {
  Exec(
      "CREATE NODE TABLE P(id INT64, name STRING, age INT64, PRIMARY KEY(id));"
      "CREATE REL TABLE K(FROM P TO P, since INT64)");
  auto merge = conn_->Prepare(
      "MERGE (a:P {id: $a})-[k:K {since: $since}]->(b:P {id: $b}) "
      "ON CREATE SET a += {name: $name} ON MATCH SET k.since = $since + $bump RETURN a.name, k.since");
  ASSERT_TRUE(merge.ok()) << merge.status().ToString();
  EXPECT_EQ((*merge)->parameter_names(), (std::vector<std::string>{"a", "b", "bump", "name", "since"}));
  auto run = [&](int64_t a, int64_t b, int64_t since) -> std::string {
    auto r = conn_->Execute(merge->get(), {{"a", Value::Int64(a)},
                                           {"b", Value::Int64(b)},
                                           {"since", Value::Int64(since)},
                                           {"name", Value::String("n" + std::to_string(a))},
                                           {"bump", Value::Int64(100)}});
    if (!r.ok()) return "ERROR: " + r.status().message();
    std::string out;
    for (size_t row = 0; row < (*r)->num_rows(); row++) {
      out += (*r)->Get(row, 0).ToString() + "|" + (*r)->Get(row, 1).ToString() + "\n";
    }
    return out;
  };
  EXPECT_EQ(run(1, 2, 10), "n1|10\n");   // created
  EXPECT_EQ(run(1, 2, 10), "n1|110\n");  // matched
  EXPECT_EQ(run(3, 4, 5), "n3|5\n");
  EXPECT_EQ(run(1, 4, 5), "ERROR: duplicate primary key 1 in table P");
  EXPECT_EQ(Run("MATCH (a:P)-[k:K]->(b:P) RETURN a.id, k.since, b.id ORDER BY a.id"),
            "┌───────┬─────────┬───────┐\n"
            "│ a.id  │ k.since │ b.id  │\n"
            "│ INT64 │ INT64   │ INT64 │\n"
            "├───────┼─────────┼───────┤\n"
            "│ 1     │ 110     │ 2     │\n"
            "│ 3     │ 5       │ 4     │\n"
            "└───────┴─────────┴───────┘\n");

  auto set = conn_->Prepare("MATCH (p:P {id: $id}) SET p = {age: $age} RETURN p.name, p.age");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  auto r = conn_->Execute(set->get(), {{"id", Value::Int64(1)}, {"age", Value::Int64(7)}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ((*r)->num_rows(), 1u);
  EXPECT_TRUE((*r)->Get(0, 0).is_null());
  EXPECT_EQ((*r)->Get(0, 1).int_value(), 7);
  r = conn_->Execute(set->get(), {{"id", Value::Int64(1)}, {"age", Value::String("old")}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("type mismatch"), std::string::npos) << r.status().message();
}

TEST_F(CypherApiTest, ReadersDoNotSeeUncommittedWrites) {
  Exec("CREATE NODE TABLE T(id INT64, PRIMARY KEY(id)); CREATE (:T {id: 1})");
  Connection writer(db_.get());
  ASSERT_TRUE(writer.Query("BEGIN TRANSACTION").ok());
  ASSERT_TRUE(writer.Query("CREATE (:T {id: 2})").ok());
  EXPECT_TRUE(writer.in_transaction());
  auto inside = writer.Query("MATCH (t:T) RETURN count(*)");
  ASSERT_TRUE(inside.ok());
  EXPECT_EQ((*inside)->Get(0, 0).int_value(), 2);
  auto outside = conn_->Query("MATCH (t:T) RETURN count(*)");
  ASSERT_TRUE(outside.ok()) << outside.status().ToString();
  EXPECT_EQ((*outside)->Get(0, 0).int_value(), 1);
  // A second writer is refused while the first is open.
  auto second = conn_->Query("CREATE (:T {id: 3})");
  EXPECT_FALSE(second.ok());
  ASSERT_TRUE(writer.Query("COMMIT").ok());
  outside = conn_->Query("MATCH (t:T) RETURN count(*)");
  ASSERT_TRUE(outside.ok());
  EXPECT_EQ((*outside)->Get(0, 0).int_value(), 2);
}

TEST_F(CypherApiTest, RestartGivesIdenticalResults) {
  Exec("CREATE NODE TABLE Person(name STRING, age INT64, born DATE, PRIMARY KEY(name));"
       "CREATE NODE TABLE City(name STRING, PRIMARY KEY(name));"
       "CREATE REL TABLE Knows(FROM Person TO Person, since INT64);"
       "CREATE REL TABLE LivesIn(FROM Person TO City);"
       "CREATE (a:Person {name: 'Alice', age: 30, born: date('1994-03-01')}),"
       "       (b:Person {name: 'Bob', age: 25}), (c:Person {name: 'Carol', age: 41}),"
       "       (x:City {name: 'Oslo'}),"
       "       (a)-[:Knows {since: 2010}]->(b), (b)-[:Knows {since: 2015}]->(c), (a)-[:LivesIn]->(x)");
  const std::vector<std::string> queries = {
      "MATCH (p:Person) RETURN p ORDER BY p.name",
      "MATCH (a:Person)-[k:Knows]->(b:Person) RETURN a.name, k, b.name ORDER BY k.since",
      "MATCH (a:Person)-[:Knows]-(b) RETURN a.name, b.name ORDER BY a.name, b.name",
      "MATCH (p:Person) RETURN avg(p.age) AS a, sum(p.age) AS s, collect(p.name) AS names",
      "MATCH (p:Person)-[:LivesIn]->(c:City) RETURN p.name, c.name, id(c), label(p)",
      "CALL show_tables() RETURN *",
      "CALL table_info('Person') RETURN *",
  };
  std::vector<std::string> before;
  for (const auto& q : queries) before.push_back(Run(q));
  Reopen();
  for (size_t i = 0; i < queries.size(); i++) EXPECT_EQ(Run(queries[i]), before[i]) << queries[i];
  Exec("CHECKPOINT");
  Reopen();
  for (size_t i = 0; i < queries.size(); i++) EXPECT_EQ(Run(queries[i]), before[i]) << queries[i];
  EXPECT_EQ(before[0].find("ERROR"), std::string::npos) << before[0];
}

TEST_F(CypherApiTest, ExplainAndProfile) {
  Exec("CREATE NODE TABLE T(id INT64, v INT64, PRIMARY KEY(id)); CREATE (:T {id: 1, v: 5}), (:T {id: 2, v: 7})");
  auto r = conn_->Query("EXPLAIN MATCH (t:T) WHERE t.v > 5 RETURN t.id");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->column_names(), std::vector<std::string>{"physical plan"});
  EXPECT_EQ((*r)->Get(0, 0).string_value(),
            "Projection t.id\n"
            "  NodeScan t tables=[0] filter=(t.v > 5)\n"
            "    SingleRow\n");
  r = conn_->Query("PROFILE MATCH (t:T) WHERE t.v > 5 RETURN t.id");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::string& text = (*r)->Get(0, 0).string_value();
  EXPECT_NE(text.find("Projection t.id [rows=1, time="), std::string::npos) << text;
  EXPECT_NE(text.find("NodeScan t tables=[0] filter=(t.v > 5) [rows=1, time="), std::string::npos) << text;
  r = conn_->Query("EXPLAIN MATCH (t:T {id: 2}) RETURN t.v");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE((*r)->Get(0, 0).string_value().find("IndexLookup t table=0 key=2"), std::string::npos)
      << (*r)->Get(0, 0).string_value();
}

// A hub with 600 spokes both ways: walks of 4 hops from a spoke number
// 600 * 600, more than any buffer the operator used to hold per input row.
TEST_F(CypherApiTest, VariableLengthWalksStream) {
  Exec("CREATE NODE TABLE T(id INT64, PRIMARY KEY(id)); CREATE REL TABLE R(FROM T TO T)");
  const std::string dir = MakeTempDir();
  {
    std::ofstream nodes(dir + "/nodes.csv"), edges(dir + "/edges.csv");
    for (int i = 0; i <= 600; i++) nodes << i << "\n";
    for (int i = 1; i <= 600; i++) edges << "0," << i << "\n" << i << ",0\n";
  }
  Exec("COPY T FROM '" + dir + "/nodes.csv'; COPY R FROM '" + dir + "/edges.csv'");
  auto r = conn_->Query("MATCH (a:T {id: 1})-[:R*4..4]->(b) RETURN count(*), count(DISTINCT b)");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->Get(0, 0).int_value(), 360000);
  EXPECT_EQ((*r)->Get(0, 1).int_value(), 600);
  // Walks up to 30 hops are astronomically many; LIMIT stops the walk.
  r = conn_->Query("MATCH (a:T {id: 1})-[e:R*1..30]->(b) RETURN length(e) LIMIT 5");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ((*r)->num_rows(), 5u);
  EXPECT_EQ((*r)->column_types()[0], LogicalType::kInt64);
  // Shortest paths from a spoke: the hub at 1 hop, every other spoke at 2.
  r = conn_->Query("MATCH (a:T {id: 1})-[e:R* SHORTEST 1..30]->(b) RETURN length(e), count(*) ORDER BY length(e)");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ((*r)->num_rows(), 2u);
  EXPECT_EQ((*r)->Get(0, 1).int_value(), 1);
  EXPECT_EQ((*r)->Get(1, 0).int_value(), 2);
  EXPECT_EQ((*r)->Get(1, 1).int_value(), 599);
  r = conn_->Query("MATCH p = (a:T {id: 1})-[e:R* SHORTEST 1..30]->(b:T {id: 2}) RETURN p, e");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ((*r)->num_rows(), 1u);
  EXPECT_EQ((*r)->column_types()[0], LogicalType::kRecursiveRel);
  const Value p = (*r)->Get(0, 0);
  ASSERT_EQ(p.path_nodes().size(), 3u);
  EXPECT_EQ(p.path_nodes()[1].node_value().properties[0].second.int_value(), 0);
  ASSERT_EQ(p.path_rels().size(), 2u);
  EXPECT_EQ((*r)->Get(0, 1).path_nodes().size(), 1u);  // only the hub lies between
}

// A chain 0 -> 1 -> ... -> 99: shortest paths respect the upper bound.
TEST_F(CypherApiTest, ShortestPathUpperBound) {
  Exec("CREATE NODE TABLE T(id INT64, PRIMARY KEY(id)); CREATE REL TABLE R(FROM T TO T)");
  const std::string dir = MakeTempDir();
  {
    std::ofstream nodes(dir + "/nodes.csv"), edges(dir + "/edges.csv");
    for (int i = 0; i < 100; i++) nodes << i << "\n";
    for (int i = 0; i + 1 < 100; i++) edges << i << "," << i + 1 << "\n";
  }
  Exec("COPY T FROM '" + dir + "/nodes.csv'; COPY R FROM '" + dir + "/edges.csv'");
  auto r = conn_->Query("MATCH p = (a:T {id: 0})-[* SHORTEST 1..30]->(b:T {id: 25}) RETURN length(p)");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ((*r)->num_rows(), 1u);
  EXPECT_EQ((*r)->Get(0, 0).int_value(), 25);
  r = conn_->Query("MATCH p = (a:T {id: 0})-[* SHORTEST 1..30]->(b:T {id: 40}) RETURN length(p)");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->num_rows(), 0u);
  r = conn_->Query("MATCH (a:T {id: 99})<-[* ALL SHORTEST 1..30]-(b:T) RETURN count(*), min(b.id)");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->Get(0, 0).int_value(), 30);
  EXPECT_EQ((*r)->Get(0, 1).int_value(), 69);
}

// Shortest paths checked against walks: the shortest walks between two
// nodes are exactly their shortest paths. Compares, on a random graph, the
// search from both ends (both keys given), the search from one end (the
// other end filtered afterwards) and the walks, with and without a per-hop
// node filter, in both directions.
TEST_F(CypherApiTest, ShortestPathsAgreeWithWalks) {
  Exec("CREATE NODE TABLE T(id INT64, PRIMARY KEY(id)); CREATE REL TABLE R(FROM T TO T)");
  const std::string dir = MakeTempDir();
  std::mt19937 rng(7);
  const int kNodes = 60;
  {
    std::ofstream nodes(dir + "/nodes.csv"), edges(dir + "/edges.csv");
    for (int i = 0; i < kNodes; i++) nodes << i << "\n";
    for (int i = 0; i < 140; i++) edges << rng() % kNodes << "," << rng() % kNodes << "\n";
  }
  Exec("COPY T FROM '" + dir + "/nodes.csv'; COPY R FROM '" + dir + "/edges.csv'");
  auto rows = [&](const std::string& q) {
    auto r = conn_->Query(q);
    EXPECT_TRUE(r.ok()) << q << "\n" << r.status().ToString();
    std::string out;
    if (!r.ok()) return out;
    for (size_t i = 0; i < (*r)->num_rows(); i++) out += RowText(**r, i) + ";";
    return out;
  };
  int found = 0;
  for (int pair = 0; pair < 40; pair++) {
    const int x = static_cast<int>(rng() % kNodes), y = static_cast<int>(rng() % kNodes);
    if (x == y) continue;
    for (const std::string arrow : {"->", "-"}) {
      for (const std::string filter : {"", " (r, n | WHERE n.id % 3 <> 0)"}) {
        const std::string a = "(a:T {id: " + std::to_string(x) + "})";
        const std::string rel = "-[e:R* ALL SHORTEST 1..6" + filter + "]" + arrow;
        const std::string both = rows("MATCH " + a + rel + "(b:T {id: " + std::to_string(y) +
                                      "}) RETURN length(e), count(*), count(DISTINCT e)");
        const std::string one = rows("MATCH " + a + rel + "(b:T) WHERE b.id + 0 = " + std::to_string(y) +
                                     " RETURN length(e), count(*), count(DISTINCT e)");
        const std::string walks =
            rows("MATCH " + a + "-[e:R*1..6" + filter + "]" + arrow + "(b:T {id: " + std::to_string(y) +
                 "}) WITH length(e) AS l, count(*) AS c ORDER BY l LIMIT 1 RETURN l, c, c AS paths");
        EXPECT_EQ(both, walks) << x << arrow << y << filter;
        EXPECT_EQ(one, walks) << x << arrow << y << filter;
        const std::string single =
            rows("MATCH " + a + "-[e:R* SHORTEST 1..6" + filter + "]" + arrow + "(b:T {id: " + std::to_string(y) +
                 "}) RETURN length(e), count(*)");
        const std::string walk_length = walks.substr(0, walks.find('|'));
        EXPECT_EQ(single, walks.empty() ? "" : walk_length + "|1;") << x << arrow << y << filter;
        found += !walks.empty();
      }
    }
  }
  EXPECT_GT(found, 40);  // the graph is connected enough for the check to mean something
}

// DatabaseOptions::query_memory_bytes bounds what one statement keeps;
// beyond it the statement fails cleanly and the database stays usable.
TEST(QueryMemoryLimitTest, StatementsThatKeepTooMuchFailAlone) {
  const std::string dir = MakeTempDir();
  {
    std::ofstream t(dir + "/t.csv"), u(dir + "/u.csv");
    for (int i = 0; i < 100000; i++) t << i << "," << i % 1000 << ",name-number-" << i << "\n";
    for (int i = 0; i < 1000; i++) u << i << "," << i << "\n";
  }
  DatabaseOptions options;
  options.query_memory_bytes = 4 << 20;
  auto db = Database::Open(dir + "/db.ruzu", options);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  Connection conn(db->get());
  auto run = [&](const std::string& q) { return conn.Query(q); };
  ASSERT_TRUE(run("CREATE NODE TABLE T(id INT64, k INT64, name STRING, PRIMARY KEY(id));"
                  "CREATE NODE TABLE U(id INT64, k INT64, PRIMARY KEY(id));"
                  "COPY T FROM '" + dir + "/t.csv'; COPY U FROM '" + dir + "/u.csv'")
                  .ok());
  const std::string kTooMuch = "the statement needs more than 4 MiB of memory";
  for (const char* q : {"MATCH (n:T) RETURN n.name ORDER BY n.name",  // sorts every row
                        "MATCH (n:T) RETURN collect(n.name)",
                        "MATCH (n:T) RETURN DISTINCT n.name",
                        "MATCH (n:T) RETURN n.name",  // the result itself
                        "MATCH (a:U), (b:T) WHERE b.name = 'x' + to_string(a.id) RETURN count(*)"}) {  // hash table of T
    auto r = run(q);
    ASSERT_FALSE(r.ok()) << q;
    EXPECT_EQ(r.status().code(), StatusCode::kOutOfMemory) << q;
    EXPECT_NE(r.status().message().find(kTooMuch), std::string::npos) << r.status().ToString();
  }
  // What keeps little runs: counts, top-k, aggregates over few groups, and
  // a hash join rebuilt per outer row (OPTIONAL MATCH) releases each table.
  for (const char* q : {"MATCH (n:T) RETURN count(*)", "MATCH (n:T) RETURN n.id ORDER BY n.name DESC LIMIT 3",
                        "MATCH (n:T) RETURN n.k % 10 AS g, count(*) ORDER BY g",
                        "MATCH (a:T) WHERE a.id < 300 OPTIONAL MATCH (b:U) WHERE b.k = a.k RETURN count(b)"}) {
    auto r = run(q);
    EXPECT_TRUE(r.ok()) << q << "\n" << r.status().ToString();
  }
  // A failing statement inside a transaction undoes only itself.
  ASSERT_TRUE(run("BEGIN TRANSACTION").ok());
  ASSERT_TRUE(run("CREATE (:U {id: 5000, k: 1})").ok());
  EXPECT_FALSE(run("MATCH (n:T) RETURN n.name ORDER BY n.name").ok());
  ASSERT_TRUE(run("COMMIT").ok());
  auto r = run("MATCH (u:U {id: 5000}) RETURN u.k");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ((*r)->num_rows(), 1u);
}

TEST(QueryMemoryLimitTest, DefaultAllowsLargeSorts) {
  const std::string dir = MakeTempDir();
  auto db = Database::Open(dir + "/db.ruzu");
  ASSERT_TRUE(db.ok());
  Connection conn(db->get());
  auto r = conn.Query("UNWIND [3, 1, 2] AS x WITH x UNWIND [1, 2, 3, 4] AS y RETURN x * y AS z ORDER BY z LIMIT 2");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->Get(0, 0).int_value(), 1);
}

}  // namespace
}  // namespace ruzu
