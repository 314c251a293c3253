// Binder/planner unit tests: statements parsed and planned against a
// catalog built in the test, checking plan shapes (PlanToString), result
// column names and types, and binder error messages, without running the
// plans.
#include "query/planner.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.h"
#include "common/status.h"
#include "common/types.h"
#include "query/graph.h"
#include "query/operators.h"
#include "query/parser.h"

namespace ruzu {
namespace query {
namespace {

// A store that only answers CountNodes (the planner's cardinality estimate);
// the plans are never run.
class CountOnlyGraph : public GraphStore {
 public:
  void SetCount(const std::string& table, uint64_t rows) { counts_[table] = rows; }

  bool read_only() const override { return true; }
  Result<TableId> CreateNodeTable(const std::string&, std::vector<PropertyDef>, const std::string&) override {
    return Unsupported("not used");
  }
  Result<TableId> CreateRelTable(const std::string&, const std::string&, const std::string&,
                                 std::vector<PropertyDef>) override {
    return Unsupported("not used");
  }
  Result<uint64_t> InsertNode(const std::string&, std::vector<Value>) override {
    return Unsupported("not used");
  }
  Result<uint64_t> InsertRel(const std::string&, const Value&, const Value&, std::vector<Value>) override {
    return Unsupported("not used");
  }
  Status SetNodeProperty(const std::string&, uint64_t, const std::string&, Value) override {
    return Unsupported("not used");
  }
  Status SetRelProperty(const std::string&, uint64_t, uint64_t, const std::string&, Value) override {
    return Unsupported("not used");
  }
  Status DeleteRel(const std::string&, uint64_t, uint64_t) override { return Unsupported("not used"); }
  Status DeleteNode(const std::string&, uint64_t, bool) override { return Unsupported("not used"); }
  Result<std::optional<uint64_t>> LookupNode(const std::string&, const Value&) override {
    return Unsupported("not used");
  }
  Result<uint64_t> CountNodes(const std::string& table) override {
    auto it = counts_.find(table);
    return it == counts_.end() ? 0 : it->second;
  }
  Result<uint64_t> CountRels(const std::string&) override { return Unsupported("not used"); }
  Result<std::vector<Value>> GetNode(const std::string&, uint64_t) override {
    return Unsupported("not used");
  }
  Status ScanNodeRange(const std::string&, NodeRange*, uint64_t, const NodeVisitor&) override {
    return Unsupported("not used");
  }
  Result<std::vector<GraphEdge>> Neighbours(const std::string&, uint64_t, bool) override {
    return Unsupported("not used");
  }
  Result<std::vector<Value>> GetRelProperties(const std::string&, uint64_t) override {
    return Unsupported("not used");
  }

 private:
  std::map<std::string, uint64_t> counts_;
};

class PlannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(catalog_
                    .CreateNodeTable("Person",
                                     {{"id", LogicalType::kInt64},
                                      {"name", LogicalType::kString},
                                      {"age", LogicalType::kInt32},
                                      {"score", LogicalType::kDouble}},
                                     "id")
                    .ok());
    ASSERT_TRUE(
        catalog_.CreateNodeTable("City", {{"id", LogicalType::kInt64}, {"name", LogicalType::kString}}, "id")
            .ok());
    ASSERT_TRUE(catalog_.CreateRelTable("Knows", "Person", "Person", {{"since", LogicalType::kInt64}}).ok());
    ASSERT_TRUE(catalog_.CreateRelTable("LivesIn", "Person", "City", {}).ok());
    // Many persons, few cities: a scan should start at City.
    store_.SetCount("Person", 1000);
    store_.SetCount("City", 10);
  }

  // Parses and plans `text` (one statement): the planned query, or the
  // parser's or binder's error.
  Result<PlannedQuery> PlanResult(const std::string& text, const std::map<std::string, Value>& params = {},
                                  const PlanOptions& options = PlanOptions()) {
    ASSIGN_OR_RETURN(StatementList parsed, ParseCypher(text));
    if (parsed.size() != 1 || parsed[0]->kind != StatementKind::kQuery) {
      return InvalidArgument("expected one query statement: " + text);
    }
    statements_.push_back(std::move(parsed[0]));  // outlives the plan
    bool wrote = false;
    return PlanQuery(statements_.back()->As<QueryStatement>(), text, catalog_, params, &store_, &wrote,
                     options);
  }

  // The plan of `text` as EXPLAIN prints it ("ERROR: ..." when binding fails).
  std::string Plan(const std::string& text, const std::map<std::string, Value>& params = {},
                   const PlanOptions& options = PlanOptions()) {
    Result<PlannedQuery> planned = PlanResult(text, params, options);
    if (!planned.ok()) return "ERROR: " + planned.status().message();
    return PlanToString(*planned->root, false);
  }

  // The result columns of `text` as "name: TYPE" lines.
  std::string Columns(const std::string& text, const std::map<std::string, Value>& params = {}) {
    Result<PlannedQuery> planned = PlanResult(text, params);
    if (!planned.ok()) return "ERROR: " + planned.status().message();
    std::string out;
    EXPECT_EQ(planned->column_names.size(), planned->column_types.size());
    for (size_t i = 0; i < planned->column_names.size(); i++) {
      out += planned->column_names[i] + ": " + LogicalTypeName(planned->column_types[i]) + "\n";
    }
    return out;
  }

  // The one statement of `text`, parsed (for StatementWrites / CollectParameters).
  const Statement& ParseOne(const std::string& text) {
    Result<StatementList> parsed = ParseCypher(text);
    EXPECT_TRUE(parsed.ok()) << parsed.status().message();
    EXPECT_EQ(parsed.ok() ? parsed->size() : 0, 1u) << text;
    if (!parsed.ok() || parsed->empty()) {
      static const QueryStatement kEmpty{SourcePosition{}};
      return kEmpty;
    }
    statements_.push_back(std::move((*parsed)[0]));
    return *statements_.back();
  }

  // The error binding `text` gives ("OK" when it binds).
  std::string PlanError(const std::string& text, const std::map<std::string, Value>& params = {}) {
    Result<PlannedQuery> planned = PlanResult(text, params);
    if (planned.ok()) return "OK";
    return planned.status().message();
  }

  Catalog catalog_;
  CountOnlyGraph store_;
  std::vector<std::unique_ptr<Statement>> statements_;
};

// The binder's error for a one-line query: the message, the line and a
// caret under column `column` (1-based).
std::string BinderMessage(const std::string& text, int column, const std::string& message) {
  return "Binder error at line 1, column " + std::to_string(column) + ": " + message + "\n" + text + "\n" +
         std::string(column - 1, ' ') + "^";
}

// ------------------------------------------------------------ plan shapes

// `key = literal`, `= $param`, `literal = key` and an inline map on the
// primary key all become an IndexLookup instead of a scan.
TEST_F(PlannerTest, PrimaryKeyEqualityIsIndexLookup) {
  const std::string kLookup5 =
      "Projection p.name\n"
      "  IndexLookup p table=0 key=5\n"
      "    SingleRow\n";
  EXPECT_EQ(Plan("MATCH (p:Person) WHERE p.id = 5 RETURN p.name"), kLookup5);
  EXPECT_EQ(Plan("MATCH (p:Person) WHERE 5 = p.id RETURN p.name"), kLookup5);
  EXPECT_EQ(Plan("MATCH (p:Person {id: 5}) RETURN p.name"), kLookup5);
  EXPECT_EQ(Plan("MATCH (p:Person) WHERE p.id = $p RETURN p.name", {{"p", Value::Int64(5)}}),
            "Projection p.name\n"
            "  IndexLookup p table=0 key=$p\n"
            "    SingleRow\n");
  // Without a value (Prepare) the parameter still drives the lookup.
  EXPECT_EQ(Plan("MATCH (p:Person) WHERE p.id = $p RETURN p.name"),
            "Projection p.name\n"
            "  IndexLookup p table=0 key=$p\n"
            "    SingleRow\n");
  // The other conjuncts on the node filter the looked-up node.
  EXPECT_EQ(Plan("MATCH (c:City) WHERE c.name > 'a' AND c.id = 2 RETURN c"),
            "Projection c\n"
            "  IndexLookup c table=1 key=2 filter=(c.name > 'a')\n"
            "    SingleRow\n");
  // A non-key property is no lookup.
  EXPECT_EQ(Plan("MATCH (p:Person) WHERE p.age = 5 RETURN p.name"),
            "Projection p.name\n"
            "  NodeScan p tables=[0] filter=(p.age = 5)\n"
            "    SingleRow\n");
}

// A key given by variables bound earlier is looked up per input row
// (batch lookups: UNWIND a list of keys, then MATCH each).
TEST_F(PlannerTest, KeyFromBoundVariablesIsIndexLookup) {
  EXPECT_EQ(Plan("UNWIND [1, 2] AS k MATCH (p:Person {id: k}) RETURN p.name"),
            "Projection p.name\n"
            "  IndexLookup p table=0 key=k\n"
            "    Unwind [1, 2]\n"
            "      SingleRow\n");
  EXPECT_EQ(Plan("MATCH (a:Person {id: 1}) MATCH (p:Person) WHERE p.id = a.age + 1 RETURN p.name"),
            "Projection p.name\n"
            "  IndexLookup p table=0 key=(a.age + 1)\n"
            "    IndexLookup a table=0 key=1\n"
            "      SingleRow\n");
  // Within one MATCH the key's variable is bound first.
  EXPECT_EQ(Plan("MATCH (c:City), (p:Person) WHERE p.id = c.id RETURN p.name"),
            "Projection p.name\n"
            "  IndexLookup p table=0 key=c.id\n"
            "    NodeScan c tables=[1]\n"
            "      SingleRow\n");
  // A value reading the node itself is no lookup.
  EXPECT_EQ(Plan("MATCH (p:Person) WHERE p.id = p.age RETURN p.name"),
            "Projection p.name\n"
            "  NodeScan p tables=[0] filter=(p.id = p.age)\n"
            "    SingleRow\n");
}

// An equality between a node about to be scanned and rows already bound
// joins by hash instead of scanning once per row; the rest filters after.
TEST_F(PlannerTest, ValueEqualityJoinsByHash) {
  EXPECT_EQ(Plan("MATCH (a:Person), (b:Person) WHERE a.name = b.name AND a.id < b.id AND b.age > 3 RETURN b.id"),
            "Projection b.id\n"
            "  Filter (a.id < b.id)\n"
            "    HashJoin a.name = b.name\n"
            "      NodeScan b tables=[0] filter=(b.age > 3)\n"
            "        SingleRow\n"
            "      NodeScan a tables=[0]\n"
            "        SingleRow\n");
  EXPECT_EQ(Plan("UNWIND ['x', 'y'] AS s MATCH (p:Person) WHERE lower(p.name) = s RETURN p.id"),
            "Projection p.id\n"
            "  HashJoin lower(p.name) = s\n"
            "    Unwind ['x', 'y']\n"
            "      SingleRow\n"
            "    NodeScan p tables=[0]\n"
            "      SingleRow\n");
  // After a write the scan stays per row, so it sees what earlier rows wrote.
  EXPECT_EQ(Plan("UNWIND [1] AS x CREATE (:City {id: 9}) WITH x MATCH (c:City) WHERE c.id = x + 1 RETURN c.id"),
            "Projection c.id\n"
            "  IndexLookup c table=1 key=(x + 1)\n"
            "    Projection x\n"
            "      Create nodes=1 rels=0\n"
            "        Unwind [1]\n"
            "          SingleRow\n");
  EXPECT_EQ(Plan("UNWIND [1] AS x CREATE (:City {id: 9}) WITH x MATCH (c:City) WHERE c.name = to_string(x) RETURN c.id"),
            "Projection c.id\n"
            "  Filter (c.name = to_string(x))\n"
            "    NodeScan c tables=[1]\n"
            "      Projection x\n"
            "        Create nodes=1 rels=0\n"
            "          Unwind [1]\n"
            "            SingleRow\n");
  // Without rows bound before, the first scan is a plain scan.
  EXPECT_EQ(Plan("MATCH (p:Person) WHERE p.name = 'x' RETURN p.id"),
            "Projection p.id\n"
            "  NodeScan p tables=[0] filter=(p.name = 'x')\n"
            "    SingleRow\n");
}

// A predicate that reads only the scanned node runs inside the scan.
TEST_F(PlannerTest, SingleNodePredicatesArePushedIntoTheScan) {
  EXPECT_EQ(Plan("MATCH (p:Person) WHERE p.age > 30 AND p.name = 'x' RETURN p.name"),
            "Projection p.name\n"
            "  NodeScan p tables=[0] filter=((p.age > 30) AND (p.name = 'x'))\n"
            "    SingleRow\n");
  EXPECT_EQ(Plan("MATCH (p:Person) WHERE p.name = $s RETURN p", {{"s", Value::String("x")}}),
            "Projection p\n"
            "  NodeScan p tables=[0] filter=(p.name = $s)\n"
            "    SingleRow\n");
}

// A predicate over two variables runs once both are bound: after the second
// scan of a cross product, not inside either scan.
TEST_F(PlannerTest, TwoVariablePredicateIsFilteredOnceBothAreBound) {
  // (An equality would join by hash, see ValueEqualityJoinsByHash.)
  EXPECT_EQ(Plan("MATCH (a:Person), (c:City) WHERE a.name < c.name AND c.id > 3 RETURN a.id"),
            "Projection a.id\n"
            "  Filter (a.name < c.name)\n"
            "    NodeScan a tables=[0]\n"
            "      NodeScan c tables=[1] filter=(c.id > 3)\n"
            "        SingleRow\n");
}

// EXPLAIN shows every predicate a plan evaluates: one over both ends of a
// relationship runs in the Extend that binds the second end.
TEST_F(PlannerTest, ExtendShowsItsFilter) {
  EXPECT_EQ(Plan("MATCH (a:Person)-[k:Knows]->(b:Person) WHERE a.age < b.age RETURN a.name, b.name"),
            "Projection a.name, b.name\n"
            "  Extend (a)-[k]->(b) filter=(a.age < b.age)\n"
            "    NodeScan a tables=[0]\n"
            "      SingleRow\n");
}

// Between tables of the same size, a pattern starts at the end its
// predicates narrow (each divides the expected rows by 4).
TEST_F(PlannerTest, ScanStartsAtTheFilteredEnd) {
  EXPECT_EQ(Plan("MATCH (a:Person)-[:Knows]->(b:Person) WHERE b.age > 70 RETURN a.name"),
            "Projection a.name\n"
            "  Extend (b)<-[_anon0]-(a)\n"
            "    NodeScan b tables=[0] filter=(b.age > 70)\n"
            "      SingleRow\n");
  EXPECT_EQ(Plan("MATCH (a:Person)-[:Knows]->(b:Person) RETURN a.name"),
            "Projection a.name\n"
            "  Extend (a)-[_anon0]->(b)\n"
            "    NodeScan a tables=[0]\n"
            "      SingleRow\n");
}

// Without a key lookup the pattern starts at the label with fewer nodes
// (GraphStore::CountNodes); the other end is reached by Extend.
TEST_F(PlannerTest, ScanStartsAtTheSmallerTable) {
  const std::string kQuery = "MATCH (a:Person)-[:LivesIn]->(c:City) RETURN a.name, c.name";
  EXPECT_EQ(Plan(kQuery),
            "Projection a.name, c.name\n"
            "  Extend (c)<-[_anon0]-(a)\n"
            "    NodeScan c tables=[1]\n"
            "      SingleRow\n");
  store_.SetCount("City", 5000);
  EXPECT_EQ(Plan(kQuery),
            "Projection a.name, c.name\n"
            "  Extend (a)-[_anon0]->(c)\n"
            "    NodeScan a tables=[0]\n"
            "      SingleRow\n");
}

// Label-less ends are narrowed to the tables the relationship connects, so
// (b) here is a City and the scan starts there.
TEST_F(PlannerTest, UnlabelledNodesAreNarrowedByTheRelationship) {
  EXPECT_EQ(Plan("MATCH (a)-[:LivesIn]->(b) RETURN a, b"),
            "Projection a, b\n"
            "  Extend (b)<-[_anon0]-(a)\n"
            "    NodeScan b tables=[1]\n"
            "      SingleRow\n");
}

// Extend prints the direction of the hop as walked from the bound node.
TEST_F(PlannerTest, ExtendDirection) {
  EXPECT_EQ(Plan("MATCH (a:Person)-[:Knows]->(b:Person) RETURN a.name"),
            "Projection a.name\n"
            "  Extend (a)-[_anon0]->(b)\n"
            "    NodeScan a tables=[0]\n"
            "      SingleRow\n");
  EXPECT_EQ(Plan("MATCH (a:Person)<-[:Knows]-(b:Person) RETURN a.name"),
            "Projection a.name\n"
            "  Extend (a)<-[_anon0]-(b)\n"
            "    NodeScan a tables=[0]\n"
            "      SingleRow\n");
  EXPECT_EQ(Plan("MATCH (a:Person)-[:Knows]-(b:Person) RETURN a.name"),
            "Projection a.name\n"
            "  Extend (a)-[_anon0]-(b)\n"
            "    NodeScan a tables=[0]\n"
            "      SingleRow\n");
  // Walked backwards from a looked-up right end.
  EXPECT_EQ(Plan("MATCH (a:Person)-[:Knows]->(b:Person) WHERE b.id = 3 RETURN a.name"),
            "Projection a.name\n"
            "  Extend (b)<-[_anon0]-(a)\n"
            "    IndexLookup b table=0 key=3\n"
            "      SingleRow\n");
  EXPECT_EQ(Plan("MATCH (a:Person)<-[:Knows]-(b:Person {id: 3}) RETURN a.name"),
            "Projection a.name\n"
            "  Extend (b)-[_anon0]->(a)\n"
            "    IndexLookup b table=0 key=3\n"
            "      SingleRow\n");
}

// A pattern whose node was bound by an earlier MATCH or WITH starts there,
// not at a new scan (even of a smaller table).
TEST_F(PlannerTest, PatternContinuesFromABoundNode) {
  EXPECT_EQ(Plan("MATCH (a:Person {id: 1}) MATCH (a)-[:Knows]->(b:Person) RETURN b.name"),
            "Projection b.name\n"
            "  Extend (a)-[_anon0]->(b)\n"
            "    IndexLookup a table=0 key=1\n"
            "      SingleRow\n");
  EXPECT_EQ(Plan("MATCH (a:Person) WITH a WHERE a.age > 3 MATCH (a)-[:LivesIn]->(c:City) RETURN c.name"),
            "Projection c.name\n"
            "  Extend (a)-[_anon0]->(c)\n"
            "    Filter (a.age > 3)\n"
            "      Projection a\n"
            "        NodeScan a tables=[0]\n"
            "          SingleRow\n");
}

// count(*) over a chain is counted per node (CountPaths); with
// factorize_counts off it is the row-by-row plan.
TEST_F(PlannerTest, CountOverAChainIsCountPaths) {
  const std::string kQuery = "MATCH (a:Person)-[:Knows]->(b:Person)-[:Knows]->(c:Person) RETURN count(*)";
  EXPECT_EQ(Plan(kQuery),
            "Projection count(*)\n"
            "  CountPaths (a)-[_anon0]->(b)-[_anon1]->(c) start=NodeScan a\n"
            "    SingleRow\n");
  PlanOptions rows;
  rows.factorize_counts = false;
  EXPECT_EQ(Plan(kQuery, {}, rows),
            "Projection count(*)\n"
            "  HashAggregate keys=[] aggregates=[count(*)]\n"
            "    Extend (b)-[_anon1]->(c)\n"
            "      Extend (a)-[_anon0]->(b)\n"
            "        NodeScan a tables=[0]\n"
            "          SingleRow\n");
  // Also through a WITH; a grouping key keeps the row-by-row plan.
  EXPECT_EQ(Plan("MATCH (a:Person)-[:Knows]->(b:Person) WITH count(*) AS n RETURN n"),
            "Projection n\n"
            "  Projection count(*)\n"
            "    CountPaths (a)-[_anon0]->(b) start=NodeScan a\n"
            "      SingleRow\n");
  EXPECT_EQ(Plan("MATCH (a:Person)-[:Knows]->(b:Person) RETURN a.name, count(*)"),
            "Projection a.name, count(*)\n"
            "  HashAggregate keys=[a.name] aggregates=[count(*)]\n"
            "    Extend (a)-[_anon0]->(b)\n"
            "      NodeScan a tables=[0]\n"
            "        SingleRow\n");
}

// OPTIONAL MATCH: the optional part is planned on an Argument leaf under
// Optional, its input being the plan so far.
TEST_F(PlannerTest, OptionalMatch) {
  EXPECT_EQ(Plan("MATCH (a:Person) OPTIONAL MATCH (a)-[:LivesIn]->(c:City) RETURN a.name, c.name"),
            "Projection a.name, c.name\n"
            "  Optional\n"
            "    NodeScan a tables=[0]\n"
            "      SingleRow\n"
            "    Extend (a)-[_anon0]->(c)\n"
            "      Argument\n");
}

// ORDER BY with LIMIT keeps only the top rows (TopK of skip + limit), then
// SkipLimit; a sort key that is not returned is a hidden column trimmed
// by a last Projection.
TEST_F(PlannerTest, OrderByAndLimit) {
  EXPECT_EQ(Plan("MATCH (p:Person) RETURN p.name ORDER BY p.age DESC LIMIT 3"),
            "Projection p.name\n"
            "  Limit 3\n"
            "    TopK 3 p.age DESC\n"
            "      Projection p.name, p.age\n"
            "        NodeScan p tables=[0]\n"
            "          SingleRow\n");
  EXPECT_EQ(Plan("MATCH (p:Person) RETURN p.name AS n ORDER BY n SKIP 2 LIMIT 3"),
            "Skip 2 Limit 3\n"
            "  TopK 5 n\n"
            "    Projection p.name\n"
            "      NodeScan p tables=[0]\n"
            "        SingleRow\n");
  EXPECT_EQ(Plan("MATCH (p:Person) RETURN p.name ORDER BY p.name"),
            "OrderBy p.name\n"
            "  Projection p.name\n"
            "    NodeScan p tables=[0]\n"
            "      SingleRow\n");
  EXPECT_EQ(Plan("MATCH (p:Person) RETURN p.name SKIP 1"),
            "Skip 1\n"
            "  Projection p.name\n"
            "    NodeScan p tables=[0]\n"
            "      SingleRow\n");
}

// Variable-length relationships: VarLengthExtend from the bound end; when
// only the far end has a key it is looked up and walked from.
TEST_F(PlannerTest, VariableLength) {
  EXPECT_EQ(Plan("MATCH (a:Person)-[:Knows*1..3]->(b:Person) RETURN b.name"),
            "Projection b.name\n"
            "  VarLengthExtend (a)-[*1..3]->(b)\n"
            "    NodeScan a tables=[0]\n"
            "      SingleRow\n");
  EXPECT_EQ(Plan("MATCH (a:Person {id: 1})-[e:Knows*2..3]->(b:Person) RETURN b.name"),
            "Projection b.name\n"
            "  VarLengthExtend (a)-[e*2..3]->(b)\n"
            "    IndexLookup a table=0 key=1\n"
            "      SingleRow\n");
  EXPECT_EQ(Plan("MATCH (a:Person)-[:Knows*1..3]->(b:Person {id: 2}) RETURN a.name"),
            "Projection a.name\n"
            "  VarLengthExtend (b)<-[*1..3]-(a)\n"
            "    IndexLookup b table=0 key=2\n"
            "      SingleRow\n");
}

// EXPLAIN tells `->` from `<-` for variable-length relationships as it does
// for Extend.
TEST_F(PlannerTest, VarLengthExtendShowsItsDirection) {
  EXPECT_EQ(Plan("MATCH (a:Person)-[:Knows*2..3]->(b:Person) RETURN a.name"),
            "Projection a.name\n"
            "  VarLengthExtend (a)-[*2..3]->(b)\n"
            "    NodeScan a tables=[0]\n"
            "      SingleRow\n");
  EXPECT_EQ(Plan("MATCH (a:Person)<-[:Knows*2..3]-(b:Person) RETURN a.name"),
            "Projection a.name\n"
            "  VarLengthExtend (a)<-[*2..3]-(b)\n"
            "    NodeScan a tables=[0]\n"
            "      SingleRow\n");
}

// * SHORTEST with keys on both ends: both are looked up first, so the
// search runs between two known nodes (to_bound) and can stop where they
// meet.
TEST_F(PlannerTest, ShortestPathLooksUpBothEnds) {
  EXPECT_EQ(Plan("MATCH (a:Person)-[e:Knows* SHORTEST 1..5]->(b:Person) WHERE a.id = 1 AND b.id = 2 "
                 "RETURN length(e)"),
            "Projection length(e)\n"
            "  VarLengthExtend (a)-[e* SHORTEST 1..5]->(b)\n"
            "    IndexLookup b table=0 key=2\n"
            "      IndexLookup a table=0 key=1\n"
            "        SingleRow\n");
  EXPECT_EQ(Plan("MATCH (a:Person)-[e:Knows* ALL SHORTEST 1..5]-(b:Person) WHERE a.id = 1 RETURN length(e)"),
            "Projection length(e)\n"
            "  VarLengthExtend (a)-[e* ALL SHORTEST 1..5]-(b)\n"
            "    IndexLookup a table=0 key=1\n"
            "      SingleRow\n");
}

// A named path is built (BuildPath) once all its parts are bound.
TEST_F(PlannerTest, NamedPath) {
  EXPECT_EQ(Plan("MATCH p = (a:Person)-[:Knows]->(b:Person) RETURN p"),
            "Projection p\n"
            "  BuildPath p\n"
            "    Extend (a)-[_anon0]->(b)\n"
            "      NodeScan a tables=[0]\n"
            "        SingleRow\n");
  EXPECT_EQ(Plan("MATCH p = (a:Person {id: 1})-[:Knows*1..2]->(b:Person) RETURN p"),
            "Projection p\n"
            "  BuildPath p\n"
            "    VarLengthExtend (a)-[*1..2]->(b)\n"
            "      IndexLookup a table=0 key=1\n"
            "        SingleRow\n");
}

// UNION ALL concatenates; UNION also removes duplicates.
TEST_F(PlannerTest, Union) {
  EXPECT_EQ(Plan("MATCH (p:Person) RETURN p.name AS n UNION ALL MATCH (c:City) RETURN c.name AS n"),
            "UnionAll\n"
            "  Projection p.name\n"
            "    NodeScan p tables=[0]\n"
            "      SingleRow\n"
            "  Projection c.name\n"
            "    NodeScan c tables=[1]\n"
            "      SingleRow\n");
  EXPECT_EQ(Plan("MATCH (p:Person) RETURN p.name AS n UNION MATCH (c:City) RETURN c.name AS n"),
            "Distinct\n"
            "  UnionAll\n"
            "    Projection p.name\n"
            "      NodeScan p tables=[0]\n"
            "        SingleRow\n"
            "    Projection c.name\n"
            "      NodeScan c tables=[1]\n"
            "        SingleRow\n");
}

TEST_F(PlannerTest, Unwind) {
  EXPECT_EQ(Plan("UNWIND [1, 2, 3] AS x RETURN x + 1"),
            "Projection (x + 1)\n"
            "  Unwind [1, 2, 3]\n"
            "    SingleRow\n");
  EXPECT_EQ(Plan("MATCH (p:Person) WITH p.name AS n UNWIND [1, 2] AS x RETURN *"),
            "Projection n, x\n"
            "  Unwind [1, 2]\n"
            "    Projection p.name\n"
            "      NodeScan p tables=[0]\n"
            "        SingleRow\n");
}

// WITH with an aggregate groups by the other items; its WHERE filters the
// groups.
TEST_F(PlannerTest, WithAggregation) {
  EXPECT_EQ(Plan("MATCH (p:Person)-[:LivesIn]->(c:City) WITH c, count(p) AS n WHERE n > 2 RETURN c.name, n"),
            "Projection c.name, n\n"
            "  Filter (n > 2)\n"
            "    Projection c, count(p)\n"
            "      HashAggregate keys=[c] aggregates=[count(p)]\n"
            "        Extend (c)<-[_anon0]-(p)\n"
            "          NodeScan c tables=[1]\n"
            "            SingleRow\n");
  EXPECT_EQ(Plan("MATCH (p:Person) WITH p.age AS age, count(*) AS n RETURN age, n"),
            "Projection age, n\n"
            "  Projection age, count(*)\n"
            "    HashAggregate keys=[p.age] aggregates=[count(*)]\n"
            "      NodeScan p tables=[0]\n"
            "        SingleRow\n");
}

// CountPaths needs acyclic chains of single hops and predicates on one
// variable each; otherwise the rows are produced and aggregated.
TEST_F(PlannerTest, CountPathsOnlyWhereRowsNeedNotBeProduced) {
  // A chain over two tables starts at the smaller one, as a scan would.
  EXPECT_EQ(Plan("MATCH (a:Person)-[:Knows]->(b:Person)-[:LivesIn]->(c:City) RETURN count(*)"),
            "Projection count(*)\n"
            "  CountPaths (c)<-[_anon1]-(b)<-[_anon0]-(a) start=NodeScan c\n"
            "    SingleRow\n");
  // Aggregates of one node's values are weighted per node.
  EXPECT_EQ(Plan("MATCH (a:Person)-[:Knows]->(b:Person) RETURN max(b.age)"),
            "Projection max(b.age)\n"
            "  CountPaths through b: (a)-[_anon0]->(b) start=NodeScan a aggregates=[max(b.age)]\n"
            "    SingleRow\n");
  const std::string kRows =
      "  HashAggregate keys=[] aggregates=[count(*)]\n"
      "    Extend (b)-[_anon1]->(a)\n"
      "      Extend (a)-[_anon0]->(b)\n"
      "        NodeScan a tables=[0]\n"
      "          SingleRow\n";
  // A cycle.
  EXPECT_EQ(Plan("MATCH (a:Person)-[:Knows]->(b:Person)-[:Knows]->(a) RETURN count(*)"),
            "Projection count(*)\n" + kRows);
  // A predicate over two variables.
  EXPECT_EQ(Plan("MATCH (a:Person)-[:Knows]->(b:Person) WHERE a.age < b.age RETURN count(*)"),
            "Projection count(*)\n"
            "  HashAggregate keys=[] aggregates=[count(*)]\n"
            "    Extend (a)-[_anon0]->(b) filter=(a.age < b.age)\n"
            "      NodeScan a tables=[0]\n"
            "        SingleRow\n");
  // Aggregates reading two different nodes.
  EXPECT_EQ(Plan("MATCH (a:Person)-[:Knows]->(b:Person) RETURN max(b.age), min(a.age)"),
            "Projection max(b.age), min(a.age)\n"
            "  HashAggregate keys=[] aggregates=[max(b.age), min(a.age)]\n"
            "    Extend (a)-[_anon0]->(b)\n"
            "      NodeScan a tables=[0]\n"
            "        SingleRow\n");
  // The rows of an OPTIONAL MATCH are not the pattern's alone.
  EXPECT_EQ(Plan("MATCH (a:Person) WHERE a.id = 1 OPTIONAL MATCH (a)-[:LivesIn]->(c:City) RETURN count(c)"),
            "Projection count(c)\n"
            "  HashAggregate keys=[] aggregates=[count(c)]\n"
            "    Optional\n"
            "      IndexLookup a table=0 key=1\n"
            "        SingleRow\n"
            "      Extend (a)-[_anon0]->(c)\n"
            "        Argument\n");
}

// A variable-length relationship's `(r, n | WHERE ...)` splits into a
// filter on each edge and one on each node passed.
TEST_F(PlannerTest, VariableLengthFilters) {
  EXPECT_EQ(Plan("MATCH (a:Person)-[e:Knows*1..2 (r, n | WHERE r.since > 2000 AND n.age > 3)]->(b:Person) "
                 "RETURN b"),
            "Projection b\n"
            "  VarLengthExtend (a)-[e*1..2]->(b) edge_filter=(r.since > 2000) node_filter=(n.age > 3)\n"
            "    NodeScan a tables=[0]\n"
            "      SingleRow\n");
  std::string q = "MATCH (a:Person)-[e:Knows*1..2 (r, n | WHERE r.since > n.age)]->(b:Person) RETURN b";
  EXPECT_EQ(PlanError(q),
            BinderMessage(
                q, 46, "a condition of a variable-length relationship's filter may read r or n, not both"));
  q = "MATCH (a:Person)-[e:Knows*1..2 (r, n | WHERE b.age > 1)]->(b:Person) RETURN b";
  EXPECT_EQ(PlanError(q),
            BinderMessage(q, 46, "variable b is not in scope of the variable-length relationship's filter"));
  q = "MATCH (a:Person)-[e:Knows*1..40]->(b:Person) RETURN b";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 17, "variable-length upper bound must be at most 30"));
  q = "MATCH (a:Person)-[e:Knows*1..2]->(b:Person) RETURN e.since";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 52, "cannot read property since of a RECURSIVE_REL value"));
}

// A query that ends in an updating clause returns no columns: its rows are
// drained under an always-false Filter. PlannedQuery::writes marks plans
// with updating clauses.
TEST_F(PlannerTest, UpdatingQueries) {
  Result<PlannedQuery> planned = PlanResult("MATCH (p:Person) DELETE p");
  ASSERT_TRUE(planned.ok()) << planned.status().message();
  EXPECT_EQ(PlanToString(*planned->root, false),
            "Filter False\n"
            "  Projection \n"
            "    Delete p\n"
            "      NodeScan p tables=[0]\n"
            "        SingleRow\n");
  EXPECT_TRUE(planned->column_names.empty());
  EXPECT_TRUE(planned->writes);
  EXPECT_EQ(Plan("MATCH (a:Person {id: 1}), (b:Person {id: 2}) CREATE (a)-[:Knows {since: 2000}]->(b)"),
            "Filter False\n"
            "  Projection \n"
            "    Create nodes=0 rels=1\n"
            "      IndexLookup b table=0 key=2\n"
            "        IndexLookup a table=0 key=1\n"
            "          SingleRow\n");
  // SET n = {map} sets every other non-key property to NULL.
  EXPECT_EQ(Plan("MATCH (p:Person) SET p = {age: 3}"),
            "Filter False\n"
            "  Projection \n"
            "    Set p.age = 3, p.name = NULL, p.score = NULL\n"
            "      NodeScan p tables=[0]\n"
            "        SingleRow\n");
  EXPECT_EQ(Columns("MATCH (p:Person) SET p.age = 3 RETURN p.age"), "p.age: INT32\n");
  Result<PlannedQuery> read = PlanResult("MATCH (p:Person) RETURN p.age");
  ASSERT_TRUE(read.ok());
  EXPECT_FALSE(read->writes);
  Result<PlannedQuery> merge = PlanResult("MERGE (c:City {id: 1}) ON CREATE SET c.name = 'x' RETURN c");
  ASSERT_TRUE(merge.ok()) << merge.status().message();
  EXPECT_TRUE(merge->writes);
}

// CALL's columns become variables; a lone CALL returns them all.
TEST_F(PlannerTest, CallColumns) {
  EXPECT_EQ(Columns("CALL table_info('Person') RETURN *"),
            "property id: INT64\n"
            "name: STRING\n"
            "type: STRING\n"
            "default expression: STRING\n"
            "primary key: BOOL\n");
  EXPECT_EQ(Columns("CALL show_tables()"),
            "id: INT64\n"
            "name: STRING\n"
            "type: STRING\n"
            "comment: STRING\n");
  std::string q = "CALL table_info('Nope') RETURN *";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 17, "table Nope does not exist"));
  q = "CALL show_tables() YIELD nope RETURN nope";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 26, "table function show_tables has no column nope"));
}

// --------------------------------------------------- result columns/types

// Columns are named by their alias, else by the expression's text as
// KuzuDB prints it (no outer parentheses, `true` as written).
TEST_F(PlannerTest, ColumnNamesAndTypes) {
  EXPECT_EQ(Columns("MATCH (p:Person) RETURN p.name AS name, p.age + 1 AS next, p, p.score * 2"),
            "name: STRING\n"
            "next: INT64\n"
            "p: NODE\n"
            "p.score * 2: DOUBLE\n");
  EXPECT_EQ(Columns("MATCH (a:Person)-[k:Knows]->(b:Person) RETURN a, k, b.age"),
            "a: NODE\n"
            "k: REL\n"
            "b.age: INT32\n");
  EXPECT_EQ(Columns("MATCH p = (a:Person)-[k:Knows*1..2]->(b:Person) RETURN k, p, nodes(p), length(k)"),
            "k: RECURSIVE_REL\n"
            "p: RECURSIVE_REL\n"
            "nodes(p): LIST\n"
            "length(k): INT64\n");
  EXPECT_EQ(Columns("MATCH (p:Person) RETURN lower(p.name), size(p.name), label(p)"),
            "lower(p.name): STRING\n"
            "size(p.name): INT64\n"
            "label(p): STRING\n");
  EXPECT_EQ(Columns("MATCH (p:Person) WITH p RETURN *"), "p: NODE\n");
}

// Literal types; NULL has no type of its own (ANY).
TEST_F(PlannerTest, LiteralColumnTypes) {
  EXPECT_EQ(Columns("RETURN NULL, 1, 1.5, 'x', true, [1, 2], NULL AS n"),
            "NULL: ANY\n"
            "1: INT64\n"
            "1.5: DOUBLE\n"
            "'x': STRING\n"
            "true: BOOL\n"
            "[1, 2]: LIST\n"
            "n: ANY\n");
  // UNWIND of a list of one type gives that type, of mixed types ANY.
  EXPECT_EQ(Columns("UNWIND [1, 2] AS x RETURN x"), "x: INT64\n");
  EXPECT_EQ(Columns("UNWIND [1, 'a'] AS x RETURN x"), "x: ANY\n");
}

// Integer arithmetic widens to INT64 (an INT32 property + 1 is INT64); with
// a DOUBLE, or for ^, it is DOUBLE.
TEST_F(PlannerTest, IntegerWidening) {
  EXPECT_EQ(Columns("MATCH (p:Person) RETURN p.age, p.age + 1, p.age * 2, -p.age, p.age / 2, p.age + 1.5, "
                    "p.age ^ 2"),
            "p.age: INT32\n"
            "p.age + 1: INT64\n"
            "p.age * 2: INT64\n"
            "-p.age: INT64\n"
            "p.age / 2: INT64\n"
            "p.age + 1.5: DOUBLE\n"
            "p.age ^ 2: DOUBLE\n");
  // Comparisons across numeric types are allowed.
  EXPECT_EQ(Columns("MATCH (p:Person) RETURN p.age < 1.5, p.id = p.age"),
            "p.age < 1.5: BOOL\n"
            "p.id = p.age: BOOL\n");
}

// Aggregates: count INT64, sum of integers INT64, avg DOUBLE, collect LIST,
// min/max the argument's type; grouping keys keep their type.
TEST_F(PlannerTest, AggregateColumnTypes) {
  EXPECT_EQ(
      Columns("MATCH (p:Person) RETURN p.age, count(*) AS c, collect(p.name), sum(p.age), sum(p.score), "
              "avg(p.age), min(p.name)"),
      "p.age: INT32\n"
      "c: INT64\n"
      "collect(p.name): LIST\n"
      "sum(p.age): INT64\n"
      "sum(p.score): DOUBLE\n"
      "avg(p.age): DOUBLE\n"
      "min(p.name): STRING\n");
  EXPECT_EQ(Columns("MATCH (p:Person) RETURN count(DISTINCT p.name)"), "count(DISTINCT p.name): INT64\n");
}

// Parameters take the type of their value; without one they bind as ANY
// (for Prepare), and so does arithmetic on them.
TEST_F(PlannerTest, ParameterTypes) {
  EXPECT_EQ(Columns("RETURN $p, $s, $q", {{"p", Value::Int64(1)}, {"s", Value::String("x")}}),
            "$p: INT64\n"
            "$s: STRING\n"
            "$q: ANY\n");
  EXPECT_EQ(Columns("RETURN $q + 1"), "$q + 1: ANY\n");
  EXPECT_EQ(PlanError("MATCH (p:Person) WHERE p.id = $x AND p.name = $x RETURN p.name LIMIT $n"), "OK");
}

// UNION's columns are those of its first part.
TEST_F(PlannerTest, UnionColumns) {
  EXPECT_EQ(Columns("MATCH (p:Person) RETURN p.name AS n UNION MATCH (c:City) RETURN c.name AS n"),
            "n: STRING\n");
}

// ---------------------------------------------------------- binder errors

// The full format: message with line and column, the source line, a caret.
TEST_F(PlannerTest, ErrorFormat) {
  EXPECT_EQ(PlanError("MATCH (p:Persn) RETURN p"),
            "Binder error at line 1, column 7: table Persn does not exist\n"
            "MATCH (p:Persn) RETURN p\n"
            "      ^");
  // On a later line only that line is shown.
  EXPECT_EQ(PlanError("MATCH (p:Person)\nRETURN p.nme"),
            "Binder error at line 2, column 8: cannot find property nme for p\n"
            "RETURN p.nme\n"
            "       ^");
  Result<PlannedQuery> unknown = PlanResult("MATCH (p:Persn) RETURN p");
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  Result<PlannedQuery> mismatch = PlanResult("RETURN 'a' + 1");
  EXPECT_EQ(mismatch.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PlannerTest, UnknownNames) {
  std::string q = "MATCH (p:Person)-[:Knowz]->(q) RETURN p";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 17, "table Knowz does not exist"));
  q = "MATCH (p:Knows) RETURN p";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 7, "Knows is a relationship table, expected a node table"));
  q = "MATCH (p:Person)-[:City]->(q) RETURN p";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 17, "City is a node table, expected a relationship table"));
  q = "MATCH (p:Person) RETURN p.nme";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 25, "cannot find property nme for p"));
  q = "MATCH (p:Person) RETURN q";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 25, "variable q is not in scope"));
  q = "MATCH (p:Person) RETURN foo(p.name)";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 25, "function foo does not exist"));
  q = "CALL nope()";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 6, "table function nope does not exist"));
  // A variable of a WITH's input is gone after it.
  q = "MATCH (p:Person) WITH p.name AS n RETURN p";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 42, "variable p is not in scope"));
}

TEST_F(PlannerTest, FunctionArguments) {
  std::string q = "MATCH (p:Person) RETURN lower(p.name, 1)";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 25, "function lower takes 1 argument, not 2"));
  q = "MATCH (p:Person) RETURN lower(p.age)";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 25, "function lower expects STRING as argument 1, not INT32"));
  q = "MATCH (p:Person) RETURN count(p.name, p.age)";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 25, "aggregate function count takes 1 argument, not 2"));
  q = "MATCH (p:Person) RETURN sum(p.name)";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 25, "sum expects a number, not STRING"));
  q = "MATCH (p:Person) RETURN avg(p.name)";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 25, "avg expects a number, not STRING"));
}

TEST_F(PlannerTest, TypeMismatches) {
  std::string q = "RETURN 'a' + 1";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 8, "type mismatch: cannot apply + to STRING and INT64"));
  q = "MATCH (p:Person) WHERE p.name = 1 RETURN p";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 24, "type mismatch: cannot apply = to STRING and INT64"));
  q = "MATCH (p:Person) WHERE p.name < p.age RETURN p";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 24, "type mismatch: cannot apply < to STRING and INT32"));
  q = "MATCH (p:Person {name: 1}) RETURN p";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 24, "type mismatch: property name is STRING, not INT64"));
  // A parameter's value gives it its type.
  q = "MATCH (p:Person) WHERE p.id = $s RETURN p";
  EXPECT_EQ(PlanError(q, {{"s", Value::String("x")}}),
            BinderMessage(q, 24, "type mismatch: cannot apply = to INT64 and STRING"));
  q = "MATCH (p:Person {id: $s}) RETURN p";
  EXPECT_EQ(PlanError(q, {{"s", Value::String("x")}}),
            BinderMessage(q, 22, "type mismatch: property id is INT64, not STRING"));
  q = "MATCH (p:Person) WHERE p.age RETURN p";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 24, "WHERE expects a BOOL expression, not INT32"));
  q = "MATCH (p:Person) RETURN NOT p.age";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 25, "NOT expects a BOOL, not INT32"));
  q = "MATCH (p:Person) RETURN -p.name";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 25, "unary - expects a number, not STRING"));
  q = "MATCH (p:Person) RETURN p.name.x";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 25, "cannot read property x of a STRING value"));
  q = "MATCH (p:Person) RETURN p.name[0]";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 25, "cannot index a STRING"));
  q = "MATCH (p:Person) RETURN CASE WHEN true THEN 1 ELSE 'a' END";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 52, "CASE results have different types: INT64 and STRING"));
}

// CREATE and SET check property values against the column types.
TEST_F(PlannerTest, WritesCheckPropertyTypes) {
  std::string q = "CREATE (:Person {id: 1, name: 2})";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 31, "type mismatch: property Person.name is STRING, not INT64"));
  q = "CREATE (:Person {id: 'x'})";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 22, "type mismatch: property Person.id is INT64, not STRING"));
  q = "CREATE (:Person {name: 'x'})";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 8, "CREATE of a Person node needs its primary key id"));
  q = "MATCH (p:Person) SET p.age = 'x'";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 30, "type mismatch: property Person.age is INT32, not STRING"));
  q = "MATCH (p:Person) SET p.nope = 1";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 22, "cannot find property nope for p"));
  q = "MATCH (p:Person) SET p.id = 3";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 22, "cannot change primary key 'id' of 'Person'"));
  q = "MATCH (p:Person) REMOVE p.id";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 25, "cannot remove primary key 'id' of 'Person'"));
  q = "MATCH (a:Person {id: 1}), (b:Person {id: 2}) CREATE (a)-[:Knows {since: 'x'}]->(b)";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 73, "type mismatch: property Knows.since is INT64, not STRING"));
  q = "MERGE (c:City)";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 7, "MERGE of a City node needs its primary key id"));
  q = "MATCH (p:Person) DELETE p.name";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 25, "DELETE needs a node or relationship, not a STRING value"));
  EXPECT_EQ(PlanError("CREATE (:Person {id: 1, name: 'x', age: 3})"), "OK");
}

TEST_F(PlannerTest, AggregatePlacement) {
  std::string q = "MATCH (p:Person) WHERE count(*) > 1 RETURN p";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 24, "aggregate functions are not allowed in WHERE"));
  q = "MATCH (p:Person) RETURN count(count(*))";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 31, "aggregate functions cannot be nested"));
  q = "MATCH (p:Person) RETURN sum(max(p.age))";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 29, "aggregate functions cannot be nested"));
  q = "MATCH (p:Person) RETURN p.name, p.age + count(*)";
  EXPECT_EQ(PlanError(q),
            BinderMessage(q, 33,
                          "expression p.age + count(*) mixes aggregates with non-aggregated variable p; "
                          "group by it in a WITH first"));
  q = "MATCH (p:Person) RETURN count(*) ORDER BY p.age";
  EXPECT_EQ(PlanError(q),
            BinderMessage(q, 43, "ORDER BY after aggregation or DISTINCT can only use returned columns"));
  q = "MATCH (p:Person) RETURN DISTINCT p.name ORDER BY p.age";
  EXPECT_EQ(PlanError(q),
            BinderMessage(q, 50, "ORDER BY after aggregation or DISTINCT can only use returned columns"));
}

TEST_F(PlannerTest, VariableRebinding) {
  std::string q = "MATCH (p:Person)-[p:Knows]->(q:Person) RETURN p";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 17, "variable p is already a node"));
  q = "MATCH (p:Person) MATCH (a)-[p:Knows]->(b) RETURN a";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 27, "variable p is already bound"));
  q = "MATCH (p:Person)-[k:Knows]->(q:Person) MATCH (k) RETURN k";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 46, "variable k is already bound and is not a node"));
  q = "MATCH (p:Person) MATCH p = (a:Person) RETURN a";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 24, "variable p is already bound"));
  q = "MATCH p = (a:Person)-[:Knows]->(b:Person), p = (c:Person) RETURN a";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 44, "path variable p is used twice"));
  q = "UNWIND [1] AS x UNWIND [2] AS x RETURN x";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 17, "variable x is already bound"));
  q = "MATCH (p:Person) WITH p.age AS a, p.name AS a RETURN a";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 18, "multiple result columns with the same name a"));
  q = "MATCH (p:Person) WITH p.age + 1 RETURN 1";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 23, "expression in WITH must be aliased (use AS)"));
}

// A relationship table only connects its FROM table to its TO table, in
// that direction.
TEST_F(PlannerTest, RelationshipEndpoints) {
  std::string q = "MATCH (p:Person)-[:LivesIn]->(q:Person) RETURN p";
  EXPECT_EQ(
      PlanError(q),
      BinderMessage(q, 17, "relationship table LivesIn connects Person to City, not Person and Person"));
  q = "MATCH (c:City)-[:LivesIn]->(p:Person) RETURN p";
  EXPECT_EQ(PlanError(q),
            BinderMessage(q, 15, "relationship table LivesIn connects Person to City, not City and Person"));
  EXPECT_EQ(PlanError("MATCH (c:City)<-[:LivesIn]-(p:Person) RETURN p"), "OK");
  q = "CREATE (a:Person {id: 1})-[:LivesIn]->(b:Person {id: 2})";
  EXPECT_EQ(
      PlanError(q),
      BinderMessage(q, 26, "relationship table LivesIn connects Person to City; the TO node is a Person"));
  q = "CREATE (a:Person {id: 1})-[:Knows]-(b:Person {id: 2})";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 26, "CREATE of a relationship needs a direction (-> or <-)"));
}

TEST_F(PlannerTest, ProjectionErrors) {
  std::string q = "RETURN *";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 1, "RETURN * needs at least one variable in scope"));
  // Anonymous variables do not count.
  q = "MATCH () RETURN *";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 10, "RETURN * needs at least one variable in scope"));
  q = "MATCH (p:Person) RETURN p LIMIT -1";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 33, "LIMIT expects a non-negative integer"));
  q = "MATCH (p:Person) RETURN p SKIP 'a'";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 32, "SKIP expects a non-negative integer"));
  q = "MATCH (p:Person) RETURN p.name AS n UNION MATCH (c:City) RETURN c.name AS n, c.id AS i";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 43, "UNION parts return different numbers of columns (1 and 2)"));
  q = "MATCH (p:Person) RETURN p.name UNION MATCH (c:City) RETURN c.name";
  EXPECT_EQ(PlanError(q),
            BinderMessage(q, 38, "UNION parts return different column names (p.name and c.name)"));
  q = "MATCH (a:Person)-[e:Knows* SHORTEST 2..3]->(b:Person) RETURN a";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 17, "the lower bound of a shortest path must be 1"));
}

// UNION parts must agree on column types, as KuzuDB requires; otherwise a
// column typed INT64 would hold STRINGs.
TEST_F(PlannerTest, UnionPartsMustAgreeOnTypes) {
  std::string q = "RETURN 1 AS n UNION RETURN 'a' AS n";
  EXPECT_EQ(PlanError(q),
            BinderMessage(q, 21, "UNION parts return different column types (INT64 and STRING)"));
}

// Duplicate result column names are refused in RETURN as in WITH (as
// KuzuDB does): a caller looking columns up by name could not tell them
// apart.
TEST_F(PlannerTest, ReturnColumnNamesMustBeUnique) {
  std::string q = "MATCH (p:Person) RETURN p.name AS n, p.age AS n";
  EXPECT_EQ(PlanError(q), BinderMessage(q, 18, "multiple result columns with the same name n"));
}

// ------------------------------------------------ StatementWrites / params

TEST_F(PlannerTest, StatementWrites) {
  EXPECT_FALSE(StatementWrites(ParseOne("MATCH (p:Person) RETURN p")));
  EXPECT_TRUE(StatementWrites(ParseOne("CREATE (:Person {id: 1})")));
  EXPECT_TRUE(StatementWrites(ParseOne("MATCH (p:Person) SET p.age = 1")));
  EXPECT_TRUE(StatementWrites(ParseOne("MATCH (p:Person) DETACH DELETE p")));
  EXPECT_TRUE(StatementWrites(ParseOne("MERGE (:City {id: 1})")));
  // A write in any UNION part.
  EXPECT_TRUE(StatementWrites(ParseOne("RETURN 1 AS x UNION CREATE (c:City {id: 2}) RETURN c.id AS x")));
  EXPECT_TRUE(StatementWrites(ParseOne("CREATE NODE TABLE T (id INT64 PRIMARY KEY)")));
  EXPECT_TRUE(StatementWrites(ParseOne("DROP TABLE City")));
  // EXPLAIN only plans; PROFILE runs the statement.
  EXPECT_FALSE(StatementWrites(ParseOne("EXPLAIN CREATE (:Person {id: 1})")));
  EXPECT_TRUE(StatementWrites(ParseOne("PROFILE CREATE (:Person {id: 1})")));
  EXPECT_FALSE(StatementWrites(ParseOne("PROFILE MATCH (p:Person) RETURN p")));
  EXPECT_FALSE(StatementWrites(ParseOne("CALL show_tables() RETURN *")));
}

TEST_F(PlannerTest, CollectParameters) {
  using Names = std::vector<std::string>;
  EXPECT_EQ(CollectParameters(ParseOne("MATCH (p:Person) RETURN p")), Names{});
  // Sorted, each once, from every clause kind.
  EXPECT_EQ(
      CollectParameters(ParseOne("MATCH (p:Person {id: $id})-[k:Knows {since: $y}]->(q) WHERE q.age > $age "
                                 "WITH p, q ORDER BY $o SKIP $s LIMIT $l UNWIND $list AS x "
                                 "RETURN p.name, $id, x")),
      (Names{"age", "id", "l", "list", "o", "s", "y"}));
  EXPECT_EQ(CollectParameters(
                ParseOne("MERGE (c:City {id: $c}) ON CREATE SET c.name = $n ON MATCH SET c.name = $m")),
            (Names{"c", "m", "n"}));
  EXPECT_EQ(CollectParameters(ParseOne("MATCH (p:Person) SET p.age = $a")), Names{"a"});
  EXPECT_EQ(CollectParameters(ParseOne("EXPLAIN MATCH (p:Person) WHERE p.id = $k RETURN p")), Names{"k"});
  // Of every UNION part.
  EXPECT_EQ(CollectParameters(ParseOne("RETURN $a AS x UNION RETURN $b AS x")), (Names{"a", "b"}));
}

}  // namespace
}  // namespace query
}  // namespace ruzu
