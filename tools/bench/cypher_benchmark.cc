// cypher_benchmark: Cypher queries through Connection::Query / Execute on the
// social graph of tools/bench/social_graph.h.
//
// For each size (persons 10K and 100K, average degree 10, so 100K and 1M Knows
// edges; quick mode: 10K only) the graph is loaded fresh through the C++ API
// into RUZU_BENCH_DIR/cypher/social_<persons>.ruzu, 10K rows per transaction,
// then checkpointed. The benchmarks run in registration order, each for every
// size (the /<persons> suffix):
//
//   BM_LoadGraph          the load: nodes/s, rels/s, checkpoint time
//   BM_FilterScanCount    MATCH (p:Person) WHERE p.age > 50 RETURN count(*)
//   BM_OneHopCount        MATCH (a:Person)-[:Knows]->(b:Person) RETURN count(*)
//   BM_TwoHopCount        MATCH (a:Person)-[:Knows]->(:Person)-[:Knows]->(c:Person) RETURN count(*)
//   BM_SameNameCount      MATCH (a:Person), (b:Person) WHERE a.name = b.name AND a.id < b.id
//                         RETURN count(*) (a value join)
//   BM_LookupNeighbours   MATCH (a:Person {id: $k})-[:Knows]->(b) RETURN b.name, prepared
//                         once and executed with random existing keys
//   BM_LookupNeighboursUnprepared  the same through Query with the key in the text
//                         (parse and bind on every call)
//   BM_ShortestPath       MATCH p = (a:Person {id: $a})-[:Knows* SHORTEST 1..10]->(b:Person {id: $b})
//                         RETURN length(p), prepared once, random pairs of keys
//   BM_GroupByAge         MATCH (p:Person) RETURN p.age, count(*) ORDER BY p.age
//   BM_TopScores          MATCH (p:Person) RETURN p.name, p.score ORDER BY p.score DESC LIMIT 10
//   BM_CreatePerson       single-row CREATE (:Person {...}) through Query, each its
//                         own auto-committed transaction (WAL fsync per row)
//   BM_CreatePersonPrepared  the same, prepared once and executed with parameters
//
// The time column is per query. items_per_second counts the rows the query
// works through: persons scanned, edges or 2-hop paths counted, queries
// (lookups), rows created. Every query's answer is checked once against what
// the generator produced, and every timed execution must succeed: a wrong
// answer or an error stops that benchmark with the message, and the binary
// then exits with status 1. The CREATE benchmarks change the graph, so they
// run last.
//
//   bazel run -c opt //tools/bench:cypher_benchmark
//   bazel run -c opt //tools/bench:cypher_benchmark -- --quick
//   flags: --bench_dir=DIR, --profile (print each read query's PROFILE once per
//   size, on stderr), plus Google Benchmark's own.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "db/connection.h"
#include "db/database.h"
#include "tools/bench/bench_util.h"
#include "tools/bench/social_graph.h"

namespace ruzu {
namespace bench {
namespace {

constexpr uint64_t kDegree = 10;
constexpr uint64_t kSeed = 1;
constexpr uint64_t kBatch = 10000;
// The literals in the queries below.
constexpr int64_t kAgeThreshold = 50;
constexpr size_t kTopScores = 10;

constexpr char kFilterScanCountQuery[] = "MATCH (p:Person) WHERE p.age > 50 RETURN count(*)";
constexpr char kOneHopCountQuery[] = "MATCH (a:Person)-[:Knows]->(b:Person) RETURN count(*)";
constexpr char kTwoHopCountQuery[] =
    "MATCH (a:Person)-[:Knows]->(:Person)-[:Knows]->(c:Person) RETURN count(*)";
constexpr char kSameNameCountQuery[] =
    "MATCH (a:Person), (b:Person) WHERE a.name = b.name AND a.id < b.id RETURN count(*)";
constexpr char kLookupNeighboursQuery[] = "MATCH (a:Person {id: $k})-[:Knows]->(b) RETURN b.name";
constexpr char kShortestPathQuery[] =
    "MATCH p = (a:Person {id: $a})-[:Knows* SHORTEST 1..10]->(b:Person {id: $b}) RETURN length(p)";
constexpr char kGroupByAgeQuery[] = "MATCH (p:Person) RETURN p.age, count(*) ORDER BY p.age";
constexpr char kTopScoresQuery[] = "MATCH (p:Person) RETURN p.name, p.score ORDER BY p.score DESC LIMIT 10";
constexpr char kCreatePersonPreparedQuery[] =
    "CREATE (:Person {id: $id, name: $name, age: $age, birthday: $birthday, score: $score})";

Flags g_flags;
bool g_profile = false;
// Every benchmark failure, for the exit status and a summary at the end.
std::vector<std::string> g_failures;
// "BM_OneHopCount/persons:10000", for failure messages (State has no name in
// Google Benchmark 1.7).
std::string g_running;

// What the generator says each query must return.
struct Expected {
  uint64_t older_than_threshold = 0;
  uint64_t two_hop_paths = 0;
  std::vector<uint32_t> out_degree;
  std::map<int64_t, uint64_t> persons_by_age;
  // The top kTopScores (score, name) pairs plus any person tied with the last.
  std::multiset<std::pair<double, std::string>> top_scores;
};

struct Graph {
  SocialGraph generator{SocialGraphSpec{}};
  std::string path;
  std::unique_ptr<Database> db;
  std::unique_ptr<Connection> conn;
  Expected expected;
  double node_seconds = 0;
  double rel_seconds = 0;
  double checkpoint_seconds = 0;
  // Persons the CREATE benchmarks added (ids persons() .. persons() + created - 1).
  uint64_t created = 0;
};
std::map<uint64_t, std::unique_ptr<Graph>> g_graphs;

std::string WorkDir() { return g_flags.dir + "/cypher"; }

// Random existing person ids, fixed seed.
std::vector<int64_t> RandomIds(uint64_t persons) {
  std::mt19937_64 rng(42);
  std::vector<int64_t> ids(1 << 12);
  for (int64_t& id : ids) id = static_cast<int64_t>(rng() % persons);
  return ids;
}

Status LoadPersons(Graph* g) {
  double start = NowSeconds();
  PersonRow person;
  std::vector<std::pair<double, std::string>> scores;
  scores.reserve(g->generator.persons());
  for (uint64_t first = 0; first < g->generator.persons(); first += kBatch) {
    uint64_t last = std::min(g->generator.persons(), first + kBatch);
    ASSIGN_OR_RETURN(auto txn, g->db->Begin(TransactionMode::kReadWrite));
    for (uint64_t i = first; i < last; i++) {
      g->generator.Person(i, &person);
      RETURN_IF_ERROR(txn->InsertNode("Person", {Value::Int64(person.id), Value::String(person.name),
                                                 Value::Int64(person.age), Value::Date(person.birthday),
                                                 Value::Double(person.score)})
                          .status());
      g->expected.older_than_threshold += person.age > kAgeThreshold;
      g->expected.persons_by_age[person.age]++;
      scores.emplace_back(person.score, person.name);
    }
    RETURN_IF_ERROR(txn->Commit());
  }
  g->node_seconds = NowSeconds() - start;
  std::sort(scores.begin(), scores.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  if (scores.size() >= kTopScores) {
    const double lowest = scores[kTopScores - 1].first;
    for (size_t i = 0; i < scores.size() && scores[i].first >= lowest; i++)
      g->expected.top_scores.insert(scores[i]);
  }
  return Status::OK();
}

Status LoadKnows(Graph* g) {
  double start = NowSeconds();
  std::vector<uint32_t> in_degree(g->generator.persons());
  g->expected.out_degree.assign(g->generator.persons(), 0);
  for (uint64_t first = 0; first < g->generator.knows(); first += kBatch) {
    uint64_t last = std::min(g->generator.knows(), first + kBatch);
    ASSIGN_OR_RETURN(auto txn, g->db->Begin(TransactionMode::kReadWrite));
    Status status;
    g->generator.ForEachKnows(first, last, [&](const KnowsRow& k) {
      if (!status.ok()) return;
      status =
          txn->InsertRel("Knows", Value::Int64(k.from), Value::Int64(k.to), {Value::Int64(k.since)}).status();
      g->expected.out_degree[static_cast<size_t>(k.from)]++;
      in_degree[static_cast<size_t>(k.to)]++;
    });
    RETURN_IF_ERROR(status);
    RETURN_IF_ERROR(txn->Commit());
  }
  g->rel_seconds = NowSeconds() - start;
  // Paths a->b->c: every edge into b pairs with every edge out of b. (The two
  // edges are never the same one: there are no self loops.)
  for (size_t b = 0; b < in_degree.size(); b++) {
    g->expected.two_hop_paths += uint64_t{in_degree[b]} * g->expected.out_degree[b];
  }
  return Status::OK();
}

Status LoadGraph(uint64_t persons, Graph* g) {
  g->generator = SocialGraph(SocialGraphSpec{persons, kDegree, kSeed});
  RETURN_IF_ERROR(MakeDirs(WorkDir()));
  g->path = WorkDir() + "/social_" + std::to_string(persons) + ".ruzu";
  RemoveDatabase(g->path);
  ASSIGN_OR_RETURN(g->db, Database::Open(g->path));
  g->conn = std::make_unique<Connection>(g->db.get());
  RETURN_IF_ERROR(g->conn->Query(kSocialGraphSchema).status());
  RETURN_IF_ERROR(LoadPersons(g));
  RETURN_IF_ERROR(LoadKnows(g));
  double start = NowSeconds();
  RETURN_IF_ERROR(g->db->Checkpoint());
  g->checkpoint_seconds = NowSeconds() - start;
  return Status::OK();
}

// The graph of `persons` persons, loaded on first use.
Result<Graph*> GetGraph(uint64_t persons) {
  std::unique_ptr<Graph>& slot = g_graphs[persons];
  if (slot == nullptr) {
    auto g = std::make_unique<Graph>();
    Status loaded = LoadGraph(persons, g.get());
    if (!loaded.ok()) return loaded.WithContext("loading the " + std::to_string(persons) + "-person graph");
    slot = std::move(g);
  }
  return slot.get();
}

// A graph the read benchmarks can check against the generator.
Result<Graph*> GetUnchangedGraph(uint64_t persons) {
  ASSIGN_OR_RETURN(Graph * g, GetGraph(persons));
  if (g->created > 0) {
    return InvalidArgument(
        "the read benchmarks must run before the CREATE benchmarks (check --benchmark_filter)");
  }
  return g;
}

// Prints PROFILE of `cypher` once per graph when --profile is given.
void MaybeProfile(Graph* g, const std::string& cypher) {
  static std::set<std::pair<Graph*, std::string>> printed;
  if (!g_profile || !printed.insert({g, cypher}).second) return;
  auto profile = g->conn->Query("PROFILE " + cypher);
  std::fprintf(stderr, "PROFILE %s  (%llu persons)\n%s\n", cypher.c_str(),
               static_cast<unsigned long long>(g->generator.persons()),
               profile.ok() ? (*profile)->ToString().c_str() : profile.status().ToString().c_str());
}

// Stops the benchmark with `status` (recorded for the exit status).
void Fail(benchmark::State& state, const Status& status) {
  g_failures.push_back(g_running + ": " + status.ToString());
  state.SkipWithError(g_failures.back().c_str());
}

#define BENCH_CHECK(expr)       \
  do {                          \
    ::ruzu::Status _s = (expr); \
    if (!_s.ok()) {             \
      Fail(state, _s);          \
      return;                   \
    }                           \
  } while (0)

// The single INT64 of a count(*) result.
Result<uint64_t> SingleCount(const QueryResult& result) {
  if (result.num_rows() != 1 || result.num_columns() != 1 || result.Get(0, 0).is_null() ||
      result.Get(0, 0).type() != LogicalType::kInt64) {
    return InternalError("expected one INT64, got " + std::to_string(result.num_rows()) + " rows:\n" +
                         result.ToString());
  }
  return static_cast<uint64_t>(result.Get(0, 0).int_value());
}

// Runs a `RETURN count(*)` query: checks its answer once against
// `expected_count`, then times it. items_per_second counts `work_per_query`.
void BenchCount(benchmark::State& state, const std::string& cypher,
                const std::function<uint64_t(const Graph&)>& expected_count,
                const std::function<uint64_t(const Graph&)>& work_per_query) {
  auto graph = GetUnchangedGraph(static_cast<uint64_t>(state.range(0)));
  BENCH_CHECK(graph.status());
  Graph* g = *graph;
  const uint64_t expected = expected_count(*g);
  {
    auto first = g->conn->Query(cypher);
    BENCH_CHECK(first.status());
    auto count = SingleCount(**first);
    BENCH_CHECK(count.status());
    if (*count != expected) {
      BENCH_CHECK(InternalError("wrong answer: " + std::to_string(*count) + ", the generator made " +
                                std::to_string(expected)));
    }
  }
  MaybeProfile(g, cypher);
  for (auto _ : state) {
    auto result = g->conn->Query(cypher);
    BENCH_CHECK(result.status());
    benchmark::DoNotOptimize(result->get());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * work_per_query(*g)));
  state.counters["count"] = static_cast<double>(expected);
}

void BM_LoadGraph(benchmark::State& state) {
  auto graph = GetGraph(static_cast<uint64_t>(state.range(0)));
  BENCH_CHECK(graph.status());
  Graph* g = *graph;
  for (auto _ : state) state.SetIterationTime(g->node_seconds + g->rel_seconds + g->checkpoint_seconds);
  state.counters["persons"] = static_cast<double>(g->generator.persons());
  state.counters["knows"] = static_cast<double>(g->generator.knows());
  state.counters["nodes_per_s"] = static_cast<double>(g->generator.persons()) / g->node_seconds;
  state.counters["rels_per_s"] = static_cast<double>(g->generator.knows()) / g->rel_seconds;
  state.counters["checkpoint_ms"] = g->checkpoint_seconds * 1e3;
  state.counters["file_MiB"] = static_cast<double>(FileSize(g->path)) / (1 << 20);
}

void BM_FilterScanCount(benchmark::State& state) {
  BenchCount(
      state, kFilterScanCountQuery, [](const Graph& g) { return g.expected.older_than_threshold; },
      [](const Graph& g) { return g.generator.persons(); });
}

void BM_OneHopCount(benchmark::State& state) {
  BenchCount(
      state, kOneHopCountQuery, [](const Graph& g) { return g.generator.knows(); },
      [](const Graph& g) { return g.generator.knows(); });
}

void BM_TwoHopCount(benchmark::State& state) {
  BenchCount(
      state, kTwoHopCountQuery, [](const Graph& g) { return g.expected.two_hop_paths; },
      [](const Graph& g) { return g.expected.two_hop_paths; });
}

// Pairs of persons with the same name (the generator draws names from
// 64 x 64 first and last names).
uint64_t SameNamePairs(const Graph& g) {
  std::map<std::string, uint64_t> per_name;
  PersonRow row;
  for (uint64_t i = 0; i < g.generator.persons(); i++) {
    g.generator.Person(i, &row);
    per_name[row.name]++;
  }
  uint64_t pairs = 0;
  for (const auto& [name, n] : per_name) pairs += n * (n - 1) / 2;
  return pairs;
}

void BM_SameNameCount(benchmark::State& state) {
  BenchCount(
      state, kSameNameCountQuery, SameNamePairs, [](const Graph& g) { return g.generator.persons(); });
}

// Names of the persons that `id` knows, sorted: a scan over every edge, so
// only for the few keys checked once.
std::vector<std::string> ExpectedNeighbourNames(const Graph& g, int64_t id) {
  std::vector<std::string> names;
  PersonRow person;
  g.generator.ForEachKnows(0, g.generator.knows(), [&](const KnowsRow& k) {
    if (k.from != id) return;
    g.generator.Person(static_cast<uint64_t>(k.to), &person);
    names.push_back(person.name);
  });
  std::sort(names.begin(), names.end());
  return names;
}

Status CheckNeighbourNames(const Graph& g, int64_t id, const QueryResult& result) {
  std::vector<std::string> got;
  for (size_t r = 0; r < result.num_rows(); r++) got.push_back(result.Get(r, 0).ToString());
  std::sort(got.begin(), got.end());
  if (got != ExpectedNeighbourNames(g, id)) {
    return InternalError("wrong neighbours of person " + std::to_string(id) + ":\n" + result.ToString());
  }
  return Status::OK();
}

// Every timed lookup must return one row per edge of the key.
Status CheckNeighbourCount(const Graph& g, int64_t id, const QueryResult& result) {
  if (result.num_rows() != g.expected.out_degree[static_cast<size_t>(id)]) {
    return InternalError("person " + std::to_string(id) + " has " +
                         std::to_string(g.expected.out_degree[static_cast<size_t>(id)]) +
                         " neighbours, the query returned " + std::to_string(result.num_rows()));
  }
  return Status::OK();
}

std::string LookupNeighboursText(int64_t id) {
  std::string text = kLookupNeighboursQuery;
  return text.replace(text.find("$k"), 2, std::to_string(id));
}

void BM_LookupNeighbours(benchmark::State& state, bool prepared) {
  auto graph = GetUnchangedGraph(static_cast<uint64_t>(state.range(0)));
  BENCH_CHECK(graph.status());
  Graph* g = *graph;
  const std::vector<int64_t> ids = RandomIds(g->generator.persons());
  auto statement = g->conn->Prepare(kLookupNeighboursQuery);
  BENCH_CHECK(statement.status());
  auto run = [&](int64_t id) {
    return prepared ? g->conn->Execute(statement->get(), {{"k", Value::Int64(id)}})
                    : g->conn->Query(LookupNeighboursText(id));
  };
  for (size_t i = 0; i < 4; i++) {
    auto first = run(ids[i]);
    BENCH_CHECK(first.status());
    BENCH_CHECK(CheckNeighbourNames(*g, ids[i], **first));
  }
  MaybeProfile(g, LookupNeighboursText(ids[0]));
  size_t i = 0;
  uint64_t rows = 0;
  for (auto _ : state) {
    const int64_t id = ids[i++ & (ids.size() - 1)];
    auto result = run(id);
    BENCH_CHECK(result.status());
    BENCH_CHECK(CheckNeighbourCount(*g, id, **result));
    rows += (*result)->num_rows();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["rows_per_query"] = static_cast<double>(rows) / static_cast<double>(state.iterations());
}

Status CheckGroupByAge(const Graph& g, const QueryResult& result) {
  const auto& expected = g.expected.persons_by_age;
  bool same = result.num_rows() == expected.size() && result.num_columns() == 2;
  auto it = expected.begin();
  for (size_t r = 0; same && r < result.num_rows(); r++, ++it) {
    same = result.Get(r, 0) == Value::Int64(it->first) &&
           result.Get(r, 1) == Value::Int64(static_cast<int64_t>(it->second));
  }
  if (!same) return InternalError("wrong persons per age:\n" + result.ToString());
  return Status::OK();
}

Status CheckTopScores(const Graph& g, const QueryResult& result) {
  auto candidates = g.expected.top_scores;
  bool same = result.num_rows() == kTopScores && result.num_columns() == 2;
  for (size_t r = 0; same && r < result.num_rows(); r++) {
    const Value& name = result.Get(r, 0);
    const Value& score = result.Get(r, 1);
    same = !name.is_null() && name.type() == LogicalType::kString && !score.is_null() &&
           score.type() == LogicalType::kDouble &&
           (r == 0 || result.Get(r - 1, 1).double_value() >= score.double_value());
    auto found = same ? candidates.find({score.double_value(), name.string_value()}) : candidates.end();
    same = found != candidates.end();
    if (same) candidates.erase(found);
  }
  if (!same) return InternalError("wrong top scores:\n" + result.ToString());
  return Status::OK();
}

void BenchRows(benchmark::State& state, const std::string& cypher,
               const std::function<Status(const Graph&, const QueryResult&)>& check) {
  auto graph = GetUnchangedGraph(static_cast<uint64_t>(state.range(0)));
  BENCH_CHECK(graph.status());
  Graph* g = *graph;
  {
    auto first = g->conn->Query(cypher);
    BENCH_CHECK(first.status());
    BENCH_CHECK(check(*g, **first));
  }
  MaybeProfile(g, cypher);
  for (auto _ : state) {
    auto result = g->conn->Query(cypher);
    BENCH_CHECK(result.status());
    benchmark::DoNotOptimize(result->get());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * g->generator.persons()));
}

// Hop distances from `from` along Knows (-1: unreachable), by breadth-first
// search over the generator's edges: the answer key for BM_ShortestPath.
std::vector<int64_t> Distances(const Graph& g, int64_t from) {
  const uint64_t n = g.generator.persons();
  std::vector<std::vector<int64_t>> out(n);
  g.generator.ForEachKnows(0, g.generator.knows(), [&](const KnowsRow& k) { out[k.from].push_back(k.to); });
  std::vector<int64_t> dist(n, -1);
  std::vector<int64_t> frontier{from};
  dist[from] = 0;
  for (int64_t level = 1; !frontier.empty(); level++) {
    std::vector<int64_t> next;
    for (int64_t u : frontier) {
      for (int64_t v : out[u]) {
        if (dist[v] < 0) {
          dist[v] = level;
          next.push_back(v);
        }
      }
    }
    frontier.swap(next);
  }
  return dist;
}

void BM_ShortestPath(benchmark::State& state) {
  auto graph = GetUnchangedGraph(static_cast<uint64_t>(state.range(0)));
  BENCH_CHECK(graph.status());
  Graph* g = *graph;
  const std::vector<int64_t> ids = RandomIds(g->generator.persons());
  auto statement = g->conn->Prepare(kShortestPathQuery);
  BENCH_CHECK(statement.status());
  auto run = [&](size_t i) {
    const int64_t a = ids[i & (ids.size() - 1)], b = ids[(i + 1) & (ids.size() - 1)];
    return g->conn->Execute(statement->get(), {{"a", Value::Int64(a)}, {"b", Value::Int64(b)}});
  };
  for (size_t i = 0; i < 4; i++) {
    auto first = run(i);
    BENCH_CHECK(first.status());
    const int64_t want = Distances(*g, ids[i])[static_cast<size_t>(ids[i + 1])];
    const QueryResult& r = **first;
    const bool same = want < 0 || want > 10 ? r.num_rows() == 0
                                            : r.num_rows() == 1 && r.Get(0, 0) == Value::Int64(want);
    if (!same) {
      BENCH_CHECK(InternalError("wrong shortest path from " + std::to_string(ids[i]) + " to " +
                                std::to_string(ids[i + 1]) + " (want " + std::to_string(want) + "):\n" +
                                r.ToString()));
    }
  }
  size_t i = 0;
  int64_t hops = 0, found = 0;
  for (auto _ : state) {
    auto result = run(i++);
    BENCH_CHECK(result.status());
    if ((*result)->num_rows() == 1) {
      hops += (*result)->Get(0, 0).int_value();
      found++;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["mean_hops"] = found == 0 ? 0.0 : static_cast<double>(hops) / static_cast<double>(found);
}

void BM_GroupByAge(benchmark::State& state) { BenchRows(state, kGroupByAgeQuery, CheckGroupByAge); }
void BM_TopScores(benchmark::State& state) { BenchRows(state, kTopScoresQuery, CheckTopScores); }

// "CREATE (:Person {id: 5, name: 'Ana Abe', ...})" for generator person `id`.
std::string CreatePersonText(const PersonRow& p) {
  return "CREATE (:Person {id: " + std::to_string(p.id) + ", name: '" + p.name +
         "', age: " + std::to_string(p.age) + ", birthday: date('" + FormatDate(p.birthday) +
         "'), score: " + FormatDouble(p.score) + "})";
}

// One auto-committed single-row CREATE per iteration, with the generator's
// persons beyond the loaded ones; checks the table's count at the end.
void BM_CreatePerson(benchmark::State& state, bool prepared) {
  auto graph = GetGraph(static_cast<uint64_t>(state.range(0)));
  BENCH_CHECK(graph.status());
  Graph* g = *graph;
  auto statement = g->conn->Prepare(kCreatePersonPreparedQuery);
  BENCH_CHECK(statement.status());
  PersonRow person;
  std::string text;
  for (auto _ : state) {
    state.PauseTiming();
    g->generator.Person(g->generator.persons() + g->created, &person);
    if (!prepared) text = CreatePersonText(person);
    state.ResumeTiming();
    auto result = prepared ? g->conn->Execute(statement->get(), {{"id", Value::Int64(person.id)},
                                                                 {"name", Value::String(person.name)},
                                                                 {"age", Value::Int64(person.age)},
                                                                 {"birthday", Value::Date(person.birthday)},
                                                                 {"score", Value::Double(person.score)}})
                           : g->conn->Query(text);
    BENCH_CHECK(result.status());
    g->created++;
  }
  auto count = g->conn->Query("MATCH (p:Person) RETURN count(*)");
  BENCH_CHECK(count.status());
  auto persons = SingleCount(**count);
  BENCH_CHECK(persons.status());
  if (*persons != g->generator.persons() + g->created) {
    BENCH_CHECK(InternalError("after creating " + std::to_string(g->created) + " persons the table has " +
                              std::to_string(*persons)));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

}  // namespace
}  // namespace bench
}  // namespace ruzu

int main(int argc, char** argv) {
  using namespace ruzu::bench;
  using benchmark::RegisterBenchmark;
  g_flags = ParseFlags(&argc, argv);
  int kept = 1;
  for (int i = 1; i < argc; i++) {
    if (std::strcmp(argv[i], "--profile") == 0) {
      g_profile = true;
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  argv[argc] = nullptr;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const std::vector<int64_t> sizes =
      g_flags.quick ? std::vector<int64_t>{10000} : std::vector<int64_t>{10000, 100000};
  benchmark::AddCustomContext("ruzu_bench_dir", g_flags.dir);
  benchmark::AddCustomContext("ruzu_bench_mode", g_flags.quick ? "quick" : "full");
  benchmark::AddCustomContext("graph",
                              "social graph (tools/bench/social_graph.h), persons = the /N suffix, degree " +
                                  std::to_string(kDegree) + ", seed " + std::to_string(kSeed));

  // Registers `run` for every size; it records its name for failure messages.
  auto add = [&](const std::string& name, std::function<void(benchmark::State&)> run,
                 benchmark::TimeUnit unit, bool once = false) {
    auto* b = RegisterBenchmark(name.c_str(), [name, run](benchmark::State& state) {
      g_running = name + "/persons:" + std::to_string(state.range(0));
      run(state);
    });
    for (int64_t size : sizes) b->Arg(size);
    b->ArgName("persons")->Unit(unit);
    if (once) {
      b->Iterations(1);
    } else if (g_flags.quick) {
      b->MinTime(kQuickMinTime);
    }
    return b;
  };
  add("BM_LoadGraph", BM_LoadGraph, benchmark::kMillisecond, /*once=*/true)->UseManualTime();
  add("BM_FilterScanCount", BM_FilterScanCount, benchmark::kMillisecond);
  add("BM_OneHopCount", BM_OneHopCount, benchmark::kMillisecond);
  add("BM_TwoHopCount", BM_TwoHopCount, benchmark::kMillisecond);
  add("BM_SameNameCount", BM_SameNameCount, benchmark::kMillisecond);
  auto with = [](void (*fn)(benchmark::State&, bool), bool flag) {
    return [fn, flag](benchmark::State& state) { fn(state, flag); };
  };
  add("BM_LookupNeighbours", with(BM_LookupNeighbours, true), benchmark::kMicrosecond);
  add("BM_LookupNeighboursUnprepared", with(BM_LookupNeighbours, false), benchmark::kMicrosecond);
  add("BM_ShortestPath", BM_ShortestPath, benchmark::kMicrosecond);
  add("BM_GroupByAge", BM_GroupByAge, benchmark::kMillisecond);
  add("BM_TopScores", BM_TopScores, benchmark::kMillisecond);
  add("BM_CreatePerson", with(BM_CreatePerson, false), benchmark::kMicrosecond)->UseRealTime();
  add("BM_CreatePersonPrepared", with(BM_CreatePerson, true), benchmark::kMicrosecond)->UseRealTime();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  for (auto& [persons, graph] : g_graphs) {
    graph->conn.reset();
    ruzu::Status s = graph->db->Close();
    if (!s.ok()) std::fprintf(stderr, "closing %s: %s\n", graph->path.c_str(), s.ToString().c_str());
  }
  for (const std::string& failure : g_failures) std::fprintf(stderr, "FAILED %s\n", failure.c_str());
  return g_failures.empty() ? 0 : 1;
}
