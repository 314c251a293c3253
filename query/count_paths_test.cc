// The factorized count (CountPaths) against the row-by-row plan
// (PlanOptions::factorize_counts = false) on random graphs: self loops,
// multi-edges, several node and relationship tables, deleted nodes, NULL
// properties, both directions, label-less nodes and filters.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "common/status.h"
#include "common/types.h"
#include "query/expression.h"
#include "query/graph.h"
#include "query/operators.h"
#include "query/parser.h"
#include "query/planner.h"

namespace ruzu {
namespace query {
namespace {

// A graph in memory, read-only once built.
class MemoryGraph : public GraphStore {
 public:
  explicit MemoryGraph(Catalog* catalog) : catalog_(catalog) {}

  uint64_t AddNode(TableId table, std::vector<Value> values) {
    nodes_[table].push_back(NodeRow{std::move(values), false});
    return nodes_[table].size() - 1;
  }
  void AddRel(TableId table, uint64_t src, uint64_t dst, std::vector<Value> properties) {
    RelTable& t = rels_[table];
    const uint64_t id = t.rels.size();
    t.rels.push_back(RelRow{src, dst, std::move(properties)});
    if (t.out.size() <= src) t.out.resize(src + 1);
    if (t.in.size() <= dst) t.in.resize(dst + 1);
    t.out[src].push_back(GraphEdge{dst, id});
    t.in[dst].push_back(GraphEdge{src, id});
  }
  // Only for nodes without relationships (as DELETE requires).
  void MarkDeleted(TableId table, uint64_t offset) { nodes_[table][offset].deleted = true; }

  bool read_only() const override { return true; }
  Result<TableId> CreateNodeTable(const std::string&, std::vector<PropertyDef>, const std::string&) override {
    return Unsupported("read-only");
  }
  Result<TableId> CreateRelTable(const std::string&, const std::string&, const std::string&,
                                 std::vector<PropertyDef>) override {
    return Unsupported("read-only");
  }
  Result<uint64_t> InsertNode(const std::string&, std::vector<Value>) override { return Unsupported("read-only"); }
  Result<uint64_t> InsertRel(const std::string&, const Value&, const Value&, std::vector<Value>) override {
    return Unsupported("read-only");
  }
  Status SetNodeProperty(const std::string&, uint64_t, const std::string&, Value) override {
    return Unsupported("read-only");
  }
  Status SetRelProperty(const std::string&, uint64_t, uint64_t, const std::string&, Value) override {
    return Unsupported("read-only");
  }
  Status DeleteRel(const std::string&, uint64_t, uint64_t) override { return Unsupported("read-only"); }
  Status DeleteNode(const std::string&, uint64_t, bool) override { return Unsupported("read-only"); }

  Result<std::optional<uint64_t>> LookupNode(const std::string& table, const Value& key) override {
    const TableSchema* s = catalog_->FindTable(table);
    const std::vector<NodeRow>& rows = nodes_[s->id];
    for (uint64_t i = 0; i < rows.size(); i++) {
      if (!rows[i].deleted && rows[i].values[s->primary_key] == key) return std::optional<uint64_t>(i);
    }
    return std::optional<uint64_t>();
  }
  Result<uint64_t> CountNodes(const std::string& table) override {
    uint64_t n = 0;
    for (const NodeRow& r : nodes_[catalog_->FindTable(table)->id]) n += !r.deleted;
    return n;
  }
  Result<uint64_t> CountRels(const std::string& rel_table) override {
    return rels_[catalog_->FindTable(rel_table)->id].rels.size();
  }
  Result<std::vector<Value>> GetNode(const std::string& table, uint64_t offset) override {
    const std::vector<NodeRow>& rows = nodes_[catalog_->FindTable(table)->id];
    if (offset >= rows.size() || rows[offset].deleted) return NotFound("no node at " + std::to_string(offset));
    return rows[offset].values;
  }
  Status ScanNodeRange(const std::string& table, NodeRange* range, uint64_t max_rows,
                       const NodeVisitor& visit) override {
    const std::vector<NodeRow>& rows = nodes_[catalog_->FindTable(table)->id];
    range->end = std::min<uint64_t>(range->end, rows.size());
    const uint64_t stop = std::min(range->end, range->begin + max_rows);
    while (range->begin < stop) {
      const uint64_t i = range->begin++;
      if (!rows[i].deleted && !visit(i, rows[i].values)) break;
    }
    return Status::OK();
  }
  Result<std::vector<GraphEdge>> Neighbours(const std::string& rel_table, uint64_t offset, bool forward) override {
    const RelTable& t = rels_[catalog_->FindTable(rel_table)->id];
    const auto& lists = forward ? t.out : t.in;
    if (offset >= lists.size()) return std::vector<GraphEdge>();
    return lists[offset];
  }
  Result<std::vector<Value>> GetRelProperties(const std::string& rel_table, uint64_t rel_id) override {
    return rels_[catalog_->FindTable(rel_table)->id].rels[rel_id].properties;
  }

 private:
  struct NodeRow {
    std::vector<Value> values;
    bool deleted;
  };
  struct RelRow {
    uint64_t src, dst;
    std::vector<Value> properties;
  };
  struct RelTable {
    std::vector<RelRow> rels;
    std::vector<std::vector<GraphEdge>> out, in;
  };
  Catalog* catalog_;
  std::map<TableId, std::vector<NodeRow>> nodes_;
  std::map<TableId, RelTable> rels_;
};

class CountPathsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    person_ = *catalog_.CreateNodeTable(
        "Person", {{"id", LogicalType::kInt64}, {"age", LogicalType::kInt64}, {"name", LogicalType::kString}}, "id");
    city_ = *catalog_.CreateNodeTable("City", {{"id", LogicalType::kInt64}, {"pop", LogicalType::kInt64}}, "id");
    knows_ = *catalog_.CreateRelTable("Knows", "Person", "Person", {{"since", LogicalType::kInt64}});
    lives_in_ = *catalog_.CreateRelTable("LivesIn", "Person", "City", {{"w", LogicalType::kInt64}});
    near_ = *catalog_.CreateRelTable("Near", "City", "City", {});
  }

  // A random graph: `persons` and `cities` nodes (some deleted), about
  // `degree` edges per node, self loops and repeated pairs included.
  void Build(std::mt19937_64* rng, uint64_t persons, uint64_t cities, double degree) {
    graph_ = std::make_unique<MemoryGraph>(&catalog_);
    auto pick = [&](uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(*rng); };
    auto chance = [&](double p) { return std::bernoulli_distribution(p)(*rng); };
    for (uint64_t i = 0; i < persons; i++) {
      Value age = chance(0.2) ? Value::Null(LogicalType::kInt64) : Value::Int64(static_cast<int64_t>(pick(60)));
      graph_->AddNode(person_, {Value::Int64(static_cast<int64_t>(i)), age, Value::String("n" + std::to_string(i))});
    }
    for (uint64_t i = 0; i < cities; i++) {
      graph_->AddNode(city_, {Value::Int64(static_cast<int64_t>(i)), Value::Int64(static_cast<int64_t>(pick(100)))});
    }
    // Deleted nodes have no edges; the others may.
    std::vector<bool> person_gone(persons), city_gone(cities);
    for (uint64_t i = 0; i < persons; i++) person_gone[i] = chance(0.1);
    for (uint64_t i = 0; i < cities; i++) city_gone[i] = chance(0.1);
    auto live = [&](const std::vector<bool>& gone, uint64_t n) -> std::optional<uint64_t> {
      for (int attempt = 0; attempt < 8; attempt++) {
        uint64_t i = pick(n);
        if (!gone[i]) return i;
      }
      return std::nullopt;
    };
    auto add_edges = [&](TableId rel, const std::vector<bool>& from_gone, uint64_t from_n,
                         const std::vector<bool>& to_gone, uint64_t to_n, uint64_t count, bool with_property) {
      if (from_n == 0 || to_n == 0) return;
      for (uint64_t e = 0; e < count; e++) {
        auto a = live(from_gone, from_n), b = live(to_gone, to_n);
        if (!a || !b) continue;
        std::vector<Value> props;
        if (with_property) props.push_back(Value::Int64(1990 + static_cast<int64_t>(pick(30))));
        graph_->AddRel(rel, *a, *b, props);
        // A repeated pair now and then.
        if (chance(0.1)) graph_->AddRel(rel, *a, *b, props);
      }
    };
    add_edges(knows_, person_gone, persons, person_gone, persons, static_cast<uint64_t>(degree * persons), true);
    add_edges(lives_in_, person_gone, persons, city_gone, cities, persons / 2, true);
    add_edges(near_, city_gone, cities, city_gone, cities, static_cast<uint64_t>(degree * cities), false);
    for (uint64_t i = 0; i < persons; i++) {
      if (person_gone[i]) graph_->MarkDeleted(person_, i);
    }
    for (uint64_t i = 0; i < cities; i++) {
      if (city_gone[i]) graph_->MarkDeleted(city_, i);
    }
  }

  // The rows of `text` ("ERROR: ..." on failure), and the plan in *plan.
  std::string Run(const std::string& text, bool factorize, std::string* plan = nullptr,
                  const std::map<std::string, Value>& params = {}, bool prune = true) {
    Result<StatementList> statements = ParseCypher(text);
    if (!statements.ok()) return "ERROR: " + statements.status().message();
    const Statement& statement = *(*statements)[0];
    PlanOptions options;
    options.factorize_counts = factorize;
    options.prune_columns = prune;
    bool wrote = false;
    Result<PlannedQuery> planned =
        PlanQuery(statement.As<QueryStatement>(), text, catalog_, params, graph_.get(), &wrote, options);
    if (!planned.ok()) return "ERROR: " + planned.status().message();
    if (plan != nullptr) *plan = PlanToString(*planned->root, false);
    ExecContext ctx(graph_.get(), &catalog_, &params, nullptr);
    std::string out;
    DataChunk chunk;
    while (true) {
      Result<bool> more = planned->root->Next(&chunk, &ctx);
      if (!more.ok()) return "ERROR: " + more.status().message();
      if (!*more) break;
      for (size_t r = 0; r < chunk.num_rows; r++) {
        for (size_t c = 0; c < planned->column_names.size(); c++) {
          out += (c ? "|" : "") + chunk.columns[c][r].ToString();
        }
        out += "\n";
      }
    }
    return out;
  }

  // Runs `text` both ways; expects equal rows and (when `factorized`) a
  // CountPaths plan.
  void ExpectSameCount(const std::string& text, bool factorized, const std::map<std::string, Value>& params = {}) {
    std::string plan;
    std::string fast = Run(text, true, &plan, params);
    std::string slow = Run(text, false, nullptr, params);
    EXPECT_EQ(fast, slow) << text << "\n" << plan;
    EXPECT_EQ(plan.find("CountPaths") != std::string::npos, factorized) << text << "\n" << plan;
    if (factorized) {
      EXPECT_EQ(fast.rfind("ERROR", 0), std::string::npos) << text << "\n" << fast;
    }
  }

  Catalog catalog_;
  std::unique_ptr<MemoryGraph> graph_;
  TableId person_ = 0, city_ = 0, knows_ = 0, lives_in_ = 0, near_ = 0;
};

struct CountCase {
  const char* text;
  bool factorized;
};

const CountCase kCases[] = {
    {"MATCH (a:Person)-[:Knows]->(b)-[:Knows]->(c:Person) RETURN count(*)", true},
    {"MATCH (a:Person)-[:Knows]->(:Person)-[:Knows]->(c:Person) RETURN count(*)", true},
    {"MATCH (a)-[:Knows]->(b) RETURN count(*)", true},
    {"MATCH (a)-[]->(b) RETURN count(*), count(a), count(b)", true},
    {"MATCH (a)-[]-(b) RETURN count(*)", true},
    {"MATCH (a)-[]-(b)-[]-(c) RETURN count(*)", true},
    {"MATCH (a)<-[]-(b)-[]->(c) RETURN count(*)", true},
    {"MATCH (a)-[]->(b)-[]->(c)-[]->(d) RETURN count(*)", true},
    {"MATCH (a)<-[:Knows]-(b)-[:LivesIn]->(c) RETURN count(*), count(b)", true},
    {"MATCH (c:City)<-[:LivesIn]-(p)-[:Knows]-(q)-[:LivesIn]->(d:City) RETURN count(*)", true},
    {"MATCH (c:City)-[:Near]-(d)-[:Near]->(e) RETURN count(*)", true},
    {"MATCH (a:Person)-[k:Knows]-(b:Person)<-[:Knows]-(c) WHERE k.since > 2000 AND b.age > 30 RETURN count(*)",
     true},
    {"MATCH (a:Person)-[k:Knows]->(b) WHERE k.since % 3 = 0 RETURN count(k), count(*)", true},
    {"MATCH (a:Person)-[:Knows {since: 2001}]->(b) RETURN count(*)", true},
    {"MATCH (a)-[]->(b)-[]->(c) WHERE a.age IS NULL OR a.age < 30 RETURN count(*)", true},
    {"MATCH (a:Person)-[:Knows]->(b:Person) WHERE b.name STARTS WITH 'n1' AND a.age <> 7 RETURN count(*)", true},
    {"MATCH (a:Person {id: 3})-[:Knows]->(b)-[:Knows]->(c) RETURN count(*)", true},
    {"MATCH (a)-[:Knows]->(b:Person {id: 2})-[:Knows]->(c) RETURN count(*)", true},
    {"MATCH (a)-[:Knows]->(b:Person {id: 2})<-[:Knows]-(c)-[:LivesIn]->(d) RETURN count(*)", true},
    {"MATCH (a)-[:Knows]->(b:Person {id: 2.0})-[:Knows]->(c) RETURN count(*)", true},
    {"MATCH (a)-[:Knows]->(b:Person {id: 'x'})-[:Knows]->(c) RETURN count(*)", false},  // a binder error
    {"MATCH (a:Person)-[:Knows]->(b:Person)-[:Knows]->(c:Person {id: 4}) WHERE a.age > 10 RETURN count(*)", true},
    {"MATCH (a:Person)-[:Knows]->(b), (c:City) RETURN count(*)", true},
    {"MATCH (a:Person), (b:Person) WHERE a.age > 20 RETURN count(*)", true},
    {"MATCH (a:Person)-[:Knows]->(b), (b)-[:Knows]->(c) RETURN count(*)", true},
    {"MATCH (p:Person) WHERE p.age > 30 RETURN count(*)", true},
    {"MATCH (p) RETURN count(*)", true},
    {"UNWIND [1, 2, 3] AS x MATCH (a:Person)-[:Knows]->(b) RETURN count(*)", true},
    {"UNWIND [1, 2, 3] AS x MATCH (a:Person)-[:Knows]->(b) WHERE x > 1 RETURN count(*)", true},
    {"MATCH (a:Person)-[:Knows]->(b) WITH count(*) AS n RETURN n * 2", true},
    {"MATCH (a:Person)-[:Knows]->(b) RETURN count(*) AS n ORDER BY n", true},
    {"MATCH (a:Person) WHERE a.age > 100 RETURN count(*)", true},
    // Aggregates of one node's values, weighted by the paths through it.
    {"MATCH (a:Person)-[:Knows]->(b)-[:Knows]->(c:Person) RETURN sum(c.age), count(c.age), avg(c.age), "
     "min(c.name), max(c.age), count(DISTINCT c), count(DISTINCT c.age), count(*)",
     true},
    {"MATCH (a)-[:Knows]->(b:Person)-[:Knows]->(c) RETURN sum(b.age), min(b.age), max(b.name), count(*)", true},
    {"MATCH (a)-[:Knows]-(b:Person)<-[:Knows]-(c)-[:LivesIn]->(d) WHERE c.age > 20 RETURN sum(b.age), avg(b.age)",
     true},
    {"MATCH (a:Person)-[:Knows]->(b) RETURN count(DISTINCT b)", true},
    {"MATCH (a:Person)-[:Knows]->(b) RETURN count(b.age)", true},
    {"MATCH (a)-[]->(b) RETURN sum(b.age), count(b.age), count(DISTINCT b), count(*)", true},
    {"MATCH (a:Person {id: 3})-[:Knows]->(b) RETURN sum(a.age), count(*)", true},
    {"MATCH (a:Person {id: 3})-[:Knows]->(b)-[:Knows]->(c) RETURN sum(c.age), max(c.name), count(*)", true},
    {"MATCH (a)-[:Knows]->(b:Person {id: 2})-[:Knows]->(c) RETURN sum(c.age), min(c.age)", true},
    {"MATCH (a)-[:Knows]->(b:Person {id: 2})-[:Knows]->(c) RETURN sum(b.age), count(*)", true},
    {"MATCH (p:Person) WHERE p.age > 10 RETURN sum(p.age), avg(p.age), min(p.age), count(p.age)", true},
    {"MATCH (a:Person)-[:Knows]->(b), (c:City) RETURN sum(b.age), count(*)", true},
    {"MATCH (c:City), (a:Person)-[:Knows]->(b) RETURN sum(c.pop), max(c.pop), count(*)", true},
    {"UNWIND [1, 2] AS x MATCH (a:Person)-[:Knows]->(b) RETURN sum(b.age), count(DISTINCT b.age), avg(b.age)", true},
    {"MATCH (a:Person)-[:Knows]->(b:Person) WHERE b.age > 1000 RETURN avg(b.age), sum(b.age), min(b.age), "
     "count(b.age), count(*)",
     true},
    {"MATCH (a:Person)-[:Knows]->(b) RETURN sum(b.age + 1) * 2, max(b.age % 7)", true},
    // Not factorized: cycles, shared variables, other aggregates, grouping,
    // variable length, OPTIONAL MATCH, a predicate over two variables.
    {"MATCH (a:Person {id: 3})-[:Knows]->(b)-[:Knows]->(c) RETURN sum(b.age)", false},
    {"MATCH (a:Person)-[k:Knows]->(b) RETURN sum(k.since)", false},
    {"MATCH (a:Person)-[:Knows]->(b) RETURN sum(b.age * 1.5)", false},
    {"MATCH (a:Person)-[:Knows]->(b) RETURN sum(a.age), sum(b.age)", false},
    {"MATCH (a:Person)-[:Knows]->(b) RETURN collect(b.age)", false},
    {"MATCH (a:Person)-[:Knows]->(b) RETURN sum(DISTINCT b.age)", false},
    {"MATCH (a)-[:Knows]->(b)-[:Knows]->(a) RETURN count(*)", false},
    {"MATCH (a)-[:Knows]->(a) RETURN count(*)", false},
    {"MATCH (a:Person)-[:Knows]->(b)<-[:Knows]-(c), (b)-[:LivesIn]->(d) RETURN count(*)", false},
    {"MATCH (a:Person)-[:Knows]->(b) WHERE a.age < b.age RETURN count(*)", false},
    {"MATCH (a:Person)-[:Knows]->(b) RETURN a.age, count(*)", false},
    {"MATCH (a:Person)-[:Knows*1..2]->(b) RETURN count(*)", false},
    {"OPTIONAL MATCH (a:Person)-[:Knows]->(b) RETURN count(*)", false},
    {"MATCH (a:Person) MATCH (a)-[:Knows]->(b) RETURN count(*)", false},
    {"MATCH (a:Person)-[:Knows]->(b) WITH a, b RETURN count(*)", false},
};

TEST_F(CountPathsTest, SameCountsAsRowByRow) {
  std::mt19937_64 rng(20261124);
  int with_two_hop_paths = 0;
  for (int graph = 0; graph < 150; graph++) {
    std::uniform_int_distribution<uint64_t> persons(0, 14), cities(0, 5);
    std::uniform_real_distribution<double> degree(0.0, 3.0);
    Build(&rng, persons(rng), cities(rng), degree(rng));
    for (const CountCase& c : kCases) {
      SCOPED_TRACE("graph " + std::to_string(graph));
      ExpectSameCount(c.text, c.factorized);
    }
    with_two_hop_paths += Run(kCases[0].text, true) != "0\n";
  }
  // The graphs are not trivially empty.
  EXPECT_GT(with_two_hop_paths, 100);
}

TEST_F(CountPathsTest, Parameters) {
  std::mt19937_64 rng(7);
  Build(&rng, 12, 3, 2.5);
  for (int64_t k = -1; k < 14; k++) {
    std::map<std::string, Value> params{{"k", Value::Int64(k)}};
    ExpectSameCount("MATCH (a:Person {id: $k})-[:Knows]->(b)-[:Knows]->(c) RETURN count(*)", true, params);
    ExpectSameCount("MATCH (a)-[:Knows]->(b:Person)-[:Knows]->(c) WHERE b.id = $k RETURN count(*)", true, params);
    ExpectSameCount("MATCH (a:Person)-[:Knows]->(b) WHERE a.age > $k RETURN count(*)", true, params);
  }
  std::map<std::string, Value> null_key{{"k", Value::Null(LogicalType::kInt64)}};
  ExpectSameCount("MATCH (a:Person {id: $k})-[:Knows]->(b) RETURN count(*)", true, null_key);
}

// Row-producing plans give the same rows whether or not Extend copies only
// the columns read above it.
TEST_F(CountPathsTest, PrunedColumnsSameRows) {
  const char* kQueries[] = {
      "MATCH (a:Person)-[:Knows]->(b)-[:Knows]->(c) RETURN c.name",
      "MATCH (a:Person)-[k:Knows]->(b)-[:Knows]->(c) WHERE k.since > 2000 RETURN a.name, k.since, c.id",
      "MATCH (a)-[]-(b)-[]-(c) RETURN a, b, c",
      "MATCH (a:Person)-[:Knows]->(b)<-[:Knows]-(c) WHERE a.age < c.age RETURN b.name, count(*)",
      "MATCH (a:Person)-[:Knows]->(b)-[:Knows]->(a) RETURN a.id, b.id",
      "MATCH (a:Person)-[:Knows]->(b), (b)-[:LivesIn]->(c) RETURN DISTINCT c.id",
      "MATCH (a:Person {id: 2})-[:Knows]->(b)-[:Knows]->(c) RETURN b.id, c.id ORDER BY c.id DESC",
      "UNWIND [1, 2] AS x MATCH (a:Person)-[:Knows]->(b) WHERE b.age > x RETURN x, a.id",
      "MATCH (a:Person) OPTIONAL MATCH (a)-[:Knows]->(b)-[:Knows]->(c) RETURN a.id, c.id",
      "MATCH (a:Person)-[:Knows]->(b) WITH a, count(b) AS n MATCH (a)-[:LivesIn]->(c) RETURN a.id, n, c.id",
      "MATCH (a:Person)-[:Knows*1..2]->(b)-[:LivesIn]->(c) RETURN a.id, c.id",
      "MATCH (a:Person)-[:Knows]->(b) RETURN a.id AS x UNION MATCH (c:City)<-[:LivesIn]-(p) RETURN p.id AS x",
  };
  std::mt19937_64 rng(5);
  for (int graph = 0; graph < 40; graph++) {
    Build(&rng, 10, 3, 2.0);
    for (const char* q : kQueries) {
      std::string pruned = Run(q, true, nullptr, {}, true);
      std::string full = Run(q, true, nullptr, {}, false);
      // Same rows, in any order.
      std::vector<std::string> a, b;
      std::istringstream pa(pruned), pb(full);
      for (std::string line; std::getline(pa, line);) a.push_back(line);
      for (std::string line; std::getline(pb, line);) b.push_back(line);
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      EXPECT_EQ(a, b) << q;
      EXPECT_EQ(pruned.rfind("ERROR", 0), std::string::npos) << q << "\n" << pruned;
    }
  }
}

// Enough nodes that the per-node counts switch from a hash map to an array.
TEST_F(CountPathsTest, LargeGraph) {
  std::mt19937_64 rng(11);
  Build(&rng, 12000, 50, 3.0);
  ExpectSameCount("MATCH (a:Person)-[:Knows]->(b)-[:Knows]->(c:Person) RETURN count(*)", true);
  ExpectSameCount("MATCH (a)-[:Knows]-(b)-[:Knows]->(c) WHERE b.age > 20 RETURN count(*)", true);
  ExpectSameCount("MATCH (a:Person)-[:LivesIn]->(c)<-[:LivesIn]-(b) RETURN count(*)", true);
}

TEST_F(CountPathsTest, ExplainShowsTheCount) {
  std::mt19937_64 rng(3);
  Build(&rng, 5, 2, 1.0);
  std::string plan;
  // Both ends scan Person; counting starts at the filtered one.
  Run("MATCH (a:Person)-[:Knows]->(b)-[:Knows]->(c:Person) WHERE c.age > 3 RETURN count(*)", true, &plan);
  EXPECT_EQ(plan,
            "Projection count(*)\n"
            "  CountPaths (c)<-[_anon1]-(b)<-[_anon0]-(a) start=NodeScan c filter=(c.age > 3)\n"
            "    SingleRow\n");
  Run("MATCH (a)-[:Knows]->(b:Person {id: 2})<-[k:Knows]-(c) RETURN count(*)", true, &plan);
  EXPECT_EQ(plan,
            "Projection count(*)\n"
            "  CountPaths (b)<-[k]-(c) start=IndexLookup b key=2; (b)<-[_anon0]-(a) start=IndexLookup b key=2\n"
            "    SingleRow\n");
}

}  // namespace
}  // namespace query
}  // namespace ruzu
