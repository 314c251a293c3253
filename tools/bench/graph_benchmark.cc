// graph_benchmark: reads and writes on a loaded graph through the C++ API.
//
// A graph of 100K Person nodes (INT64 key), 100K Account nodes (STRING key)
// and 1M Knows relationships (quick mode: 10K nodes / 100K relationships) is
// loaded fresh on each run into RUZU_BENCH_DIR/graph/graph.ruzu, 10K rows per
// transaction. The benchmarks run in registration order:
//
//   BM_LoadGraph                  the load itself: nodes/s, rels/s (batches of 10K)
//   BM_*/live                     on the instance that did the load (recent commits
//                                 still in the WAL and the in-memory delta; buffer
//                                 pool warm)
//   BM_Restart                    Close (checkpoint) + Open; the time is both, and
//                                 counters split it and give the first (cold
//                                 buffer pool) 1000 neighbour scans
//   BM_*/reopened                 the same reads after the restart: everything read
//                                 from the checkpointed file through the buffer pool
//
//   BM_NeighboursForward/Backward all edges of a random node (Transaction::Neighbours);
//                                 items/s = edges/s
//   BM_LookupInt64 / BM_LookupString  LookupNode by primary key, random existing keys
//   BM_InsertNodes                one read-write transaction of 10K InsertNode + Commit
//                                 per iteration (fresh database); items/s = nodes/s
//   BM_InsertRels                 the same with 10K InsertRel between existing nodes
//   BM_CommitLatency              Begin + one InsertNode + Commit (WAL fsync) per
//                                 iteration; counters mean/p50/p90/p99/max in microseconds
//   BM_CheckpointSmallDelta/N     on the reopened graph: commit N random
//                                 relationships (untimed), then Checkpoint() (timed);
//                                 counter: bytes the checkpoint wrote
//
//   bazel run -c opt //tools/bench:graph_benchmark
//   bazel run -c opt //tools/bench:graph_benchmark -- --quick
//   flags: --bench_dir=DIR, plus Google Benchmark's own.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "db/database.h"
#include "tools/bench/bench_util.h"

namespace ruzu {
namespace bench {
namespace {

constexpr uint64_t kBatch = 10000;

Flags g_flags;

enum class Phase { kNone, kLive, kReopened };

struct Graph {
  GraphSpec spec;
  std::string path;
  std::unique_ptr<Database> db;
  Phase phase = Phase::kNone;
  LoadStats load;
  double load_seconds = 0;
  double close_seconds = 0;
  double open_seconds = 0;
  double first_scans_seconds = 0;
  uint64_t first_scans_edges = 0;
};
Graph g_graph;

std::string WorkDir() { return g_flags.dir + "/graph"; }

// Random node ids (Person offsets == ids), fixed seed.
const std::vector<uint64_t>& RandomIds() {
  static std::vector<uint64_t> ids = [] {
    std::mt19937_64 rng(42);
    std::vector<uint64_t> v(1 << 16);
    for (uint64_t& id : v) id = rng() % g_graph.spec.nodes;
    return v;
  }();
  return ids;
}

Status FirstScans(Database* db, uint64_t n, uint64_t* edges) {
  ASSIGN_OR_RETURN(auto txn, db->Begin(TransactionMode::kReadOnly));
  const auto& ids = RandomIds();
  for (uint64_t i = 0; i < n; i++) {
    ASSIGN_OR_RETURN(std::vector<Edge> e, txn->Neighbours("Knows", ids[i % ids.size()], true));
    *edges += e.size();
  }
  return txn->Commit();
}

// Brings the shared graph to `want`: loads it on first use; kReopened
// closes and reopens it. Going back to kLive is not possible.
Status EnsurePhase(Phase want) {
  Graph& g = g_graph;
  if (g.phase == Phase::kNone) {
    RETURN_IF_ERROR(MakeDirs(WorkDir()));
    g.path = WorkDir() + "/graph.ruzu";
    RemoveDatabase(g.path);
    ASSIGN_OR_RETURN(g.db, Database::Open(g.path));
    double start = NowSeconds();
    RETURN_IF_ERROR(CreateSchema(g.db.get(), g.spec));
    RETURN_IF_ERROR(LoadNodes(g.db.get(), g.spec, 0, g.spec.nodes, kBatch, &g.load));
    RETURN_IF_ERROR(LoadRels(g.db.get(), g.spec, 0, g.spec.rels, kBatch, &g.load));
    g.load_seconds = NowSeconds() - start;
    g.phase = Phase::kLive;
  }
  if (want == Phase::kReopened && g.phase == Phase::kLive) {
    double start = NowSeconds();
    RETURN_IF_ERROR(g.db->Close());
    g.db.reset();
    double mid = NowSeconds();
    ASSIGN_OR_RETURN(g.db, Database::Open(g.path));
    double end = NowSeconds();
    g.close_seconds = mid - start;
    g.open_seconds = end - mid;
    RETURN_IF_ERROR(FirstScans(g.db.get(), 1000, &g.first_scans_edges));
    g.first_scans_seconds = NowSeconds() - end;
    g.phase = Phase::kReopened;
  }
  if (want == Phase::kLive && g.phase != Phase::kLive) {
    return InvalidArgument("the live-instance benchmarks must run before BM_Restart (check --benchmark_filter)");
  }
  return Status::OK();
}

#define BENCH_CHECK(expr)                                 \
  do {                                                    \
    ::ruzu::Status _s = (expr);                           \
    if (!_s.ok()) {                                       \
      state.SkipWithError(_s.ToString().c_str());         \
      return;                                             \
    }                                                     \
  } while (0)

void BM_LoadGraph(benchmark::State& state) {
  BENCH_CHECK(EnsurePhase(Phase::kLive));
  for (auto _ : state) state.SetIterationTime(g_graph.load_seconds);
  const LoadStats& l = g_graph.load;
  state.counters["nodes"] = static_cast<double>(l.nodes);
  state.counters["rels"] = static_cast<double>(l.rels);
  state.counters["nodes_per_s"] = l.nodes / l.node_seconds;
  state.counters["rels_per_s"] = l.rels / l.rel_seconds;
  state.counters["commits"] = static_cast<double>(l.commits);
}

void BM_Neighbours(benchmark::State& state, Phase phase, bool forward) {
  BENCH_CHECK(EnsurePhase(phase));
  auto txn = g_graph.db->Begin(TransactionMode::kReadOnly);
  BENCH_CHECK(txn.status());
  const auto& ids = RandomIds();
  size_t i = 0;
  uint64_t edges = 0;
  for (auto _ : state) {
    auto e = (*txn)->Neighbours("Knows", ids[i++ & (ids.size() - 1)], forward);
    if (!e.ok()) {
      state.SkipWithError(e.status().ToString().c_str());
      return;
    }
    edges += e->size();
    benchmark::DoNotOptimize(e->data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(edges));
  state.counters["edges_per_call"] = static_cast<double>(edges) / static_cast<double>(state.iterations());
}

void BM_Lookup(benchmark::State& state, Phase phase, bool string_key) {
  BENCH_CHECK(EnsurePhase(phase));
  auto txn = g_graph.db->Begin(TransactionMode::kReadOnly);
  BENCH_CHECK(txn.status());
  const auto& ids = RandomIds();
  std::vector<Value> keys;
  keys.reserve(ids.size());
  for (uint64_t id : ids) {
    keys.push_back(string_key ? Value::String(AccountHandle(id)) : Value::Int64(static_cast<int64_t>(id)));
  }
  const char* table = string_key ? "Account" : "Person";
  size_t i = 0;
  for (auto _ : state) {
    size_t k = i++ & (keys.size() - 1);
    auto found = (*txn)->LookupNode(table, keys[k]);
    if (!found.ok() || !found->has_value()) {
      state.SkipWithError(found.ok() ? "key not found" : found.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(**found);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_Restart(benchmark::State& state) {
  BENCH_CHECK(EnsurePhase(Phase::kReopened));
  for (auto _ : state) state.SetIterationTime(g_graph.close_seconds + g_graph.open_seconds);
  state.counters["close_checkpoint_ms"] = g_graph.close_seconds * 1e3;
  state.counters["open_ms"] = g_graph.open_seconds * 1e3;
  state.counters["first_1000_scans_ms"] = g_graph.first_scans_seconds * 1e3;
  state.counters["file_MiB"] = static_cast<double>(FileSize(g_graph.path)) / (1 << 20);
}

// A fresh database for the write benchmarks; `nodes` Person nodes preloaded.
Result<std::unique_ptr<Database>> FreshDatabase(const std::string& name, uint64_t nodes) {
  RETURN_IF_ERROR(MakeDirs(WorkDir()));
  const std::string path = WorkDir() + "/" + name + ".ruzu";
  RemoveDatabase(path);
  ASSIGN_OR_RETURN(auto db, Database::Open(path));
  GraphSpec spec;
  spec.nodes = nodes;
  RETURN_IF_ERROR(CreateSchema(db.get(), spec));
  RETURN_IF_ERROR(LoadNodes(db.get(), spec, 0, nodes, kBatch, nullptr));
  return db;
}

void BM_InsertNodes(benchmark::State& state) {
  auto db = FreshDatabase("insert_nodes", 0);
  BENCH_CHECK(db.status());
  uint64_t next = 0;
  for (auto _ : state) {
    auto txn = (*db)->Begin(TransactionMode::kReadWrite);
    BENCH_CHECK(txn.status());
    for (uint64_t i = 0; i < kBatch; i++, next++) {
      BENCH_CHECK((*txn)->InsertNode("Person", {Value::Int64(static_cast<int64_t>(next)), Value::String(PersonName(next))})
                      .status());
    }
    BENCH_CHECK((*txn)->Commit());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  state.counters["rows_at_end"] = static_cast<double>(next);
  BENCH_CHECK((*db)->Close());  // after the loop: not timed
}

void BM_InsertRels(benchmark::State& state) {
  GraphSpec spec = g_graph.spec;
  auto db = FreshDatabase("insert_rels", spec.nodes);
  BENCH_CHECK(db.status());
  uint64_t next = 0;
  for (auto _ : state) {
    auto txn = (*db)->Begin(TransactionMode::kReadWrite);
    BENCH_CHECK(txn.status());
    for (uint64_t i = 0; i < kBatch; i++, next++) {
      uint64_t src, dst;
      RelEnds(spec, next, &src, &dst);
      BENCH_CHECK((*txn)->InsertRel("Knows", Value::Int64(static_cast<int64_t>(src)),
                                    Value::Int64(static_cast<int64_t>(dst)), {Value::Int64(1)})
                      .status());
    }
    BENCH_CHECK((*txn)->Commit());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  state.counters["rels_at_end"] = static_cast<double>(next);
  state.counters["nodes"] = static_cast<double>(spec.nodes);
  BENCH_CHECK((*db)->Close());  // after the loop: not timed
}

void BM_CommitLatency(benchmark::State& state) {
  auto db = FreshDatabase("commit_latency", 0);
  BENCH_CHECK(db.status());
  // Flush what earlier benchmarks left dirty, so their writeback does not
  // land in these fsyncs (untimed).
  ::sync();
  std::vector<double> latencies;
  uint64_t next = 0;
  for (auto _ : state) {
    double start = NowSeconds();
    auto txn = (*db)->Begin(TransactionMode::kReadWrite);
    BENCH_CHECK(txn.status());
    BENCH_CHECK((*txn)->InsertNode("Person", {Value::Int64(static_cast<int64_t>(next)), Value::String(PersonName(next))})
                    .status());
    next++;
    BENCH_CHECK((*txn)->Commit());
    latencies.push_back(NowSeconds() - start);
  }
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) { return latencies[static_cast<size_t>(p * (latencies.size() - 1))] * 1e6; };
  double sum = 0;
  for (double l : latencies) sum += l;
  state.counters["mean_us"] = sum / static_cast<double>(latencies.size()) * 1e6;
  state.counters["p50_us"] = pct(0.50);
  state.counters["p90_us"] = pct(0.90);
  state.counters["p99_us"] = pct(0.99);
  state.counters["max_us"] = latencies.back() * 1e6;
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  BENCH_CHECK((*db)->Close());  // after the loop: not timed
}

// Bytes this process has passed to write(2)-like calls so far (/proc/self/io wchar).
double WrittenBytes() {
  FILE* f = std::fopen("/proc/self/io", "r");
  if (f == nullptr) return 0;
  char key[64];
  unsigned long long value = 0, wchar = 0;
  while (std::fscanf(f, "%63s %llu", key, &value) == 2) {
    if (std::string(key) == "wchar:") wchar = value;
  }
  std::fclose(f);
  return static_cast<double>(wchar);
}

// On the reopened graph: commit `rels` more random relationships (untimed),
// then Checkpoint() (timed). Shows how much a checkpoint rewrites for a
// small delta. Runs last: it changes the shared graph.
void BM_CheckpointSmallDelta(benchmark::State& state, uint64_t rels) {
  BENCH_CHECK(EnsurePhase(Phase::kReopened));
  static uint64_t next = 0;
  if (next == 0) next = g_graph.spec.rels;
  double written = 0;
  for (auto _ : state) {
    state.PauseTiming();
    {
      auto txn = g_graph.db->Begin(TransactionMode::kReadWrite);
      BENCH_CHECK(txn.status());
      for (uint64_t i = 0; i < rels; i++, next++) {
        uint64_t src, dst;
        RelEnds(g_graph.spec, next, &src, &dst);
        BENCH_CHECK((*txn)->InsertRel("Knows", Value::Int64(static_cast<int64_t>(src)),
                                      Value::Int64(static_cast<int64_t>(dst)), {Value::Int64(1)})
                        .status());
      }
      BENCH_CHECK((*txn)->Commit());
    }
    state.ResumeTiming();
    double before = WrittenBytes();
    BENCH_CHECK(g_graph.db->Checkpoint());
    written += WrittenBytes() - before;
  }
  state.counters["written_MiB_per_checkpoint"] = written / static_cast<double>(state.iterations()) / (1 << 20);
  state.counters["new_rels"] = static_cast<double>(rels);
  state.counters["file_MiB"] = static_cast<double>(FileSize(g_graph.path)) / (1 << 20);
}

void Quick(benchmark::internal::Benchmark* b) {
  if (g_flags.quick) b->MinTime(kQuickMinTime);
}

}  // namespace
}  // namespace bench
}  // namespace ruzu

int main(int argc, char** argv) {
  using namespace ruzu::bench;
  using benchmark::RegisterBenchmark;
  g_flags = ParseFlags(&argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  g_graph.spec.nodes = g_flags.quick ? 10000 : 100000;
  g_graph.spec.rels = g_flags.quick ? 100000 : 1000000;
  g_graph.spec.string_keys = true;
  benchmark::AddCustomContext("ruzu_bench_dir", g_flags.dir);
  benchmark::AddCustomContext("ruzu_bench_mode", g_flags.quick ? "quick" : "full");
  benchmark::AddCustomContext("graph", std::to_string(g_graph.spec.nodes) + " Person + " +
                                           std::to_string(g_graph.spec.nodes) + " Account nodes, " +
                                           std::to_string(g_graph.spec.rels) + " Knows rels");

  RegisterBenchmark("BM_LoadGraph", BM_LoadGraph)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
  for (Phase phase : {Phase::kLive, Phase::kReopened}) {
    const std::string suffix = phase == Phase::kLive ? "/live" : "/reopened";
    if (phase == Phase::kReopened) {
      RegisterBenchmark("BM_Restart", BM_Restart)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);
    }
    Quick(RegisterBenchmark(("BM_NeighboursForward" + suffix).c_str(), BM_Neighbours, phase, true)
              ->Unit(benchmark::kMicrosecond));
    Quick(RegisterBenchmark(("BM_NeighboursBackward" + suffix).c_str(), BM_Neighbours, phase, false)
              ->Unit(benchmark::kMicrosecond));
    Quick(RegisterBenchmark(("BM_LookupInt64" + suffix).c_str(), BM_Lookup, phase, false)
              ->Unit(benchmark::kMicrosecond));
    Quick(RegisterBenchmark(("BM_LookupString" + suffix).c_str(), BM_Lookup, phase, true)
              ->Unit(benchmark::kMicrosecond));
  }
  Quick(RegisterBenchmark("BM_InsertNodes", BM_InsertNodes)->UseRealTime()->Unit(benchmark::kMillisecond));
  Quick(RegisterBenchmark("BM_InsertRels", BM_InsertRels)->UseRealTime()->Unit(benchmark::kMillisecond));
  Quick(RegisterBenchmark("BM_CommitLatency", BM_CommitLatency)->UseRealTime()->Unit(benchmark::kMicrosecond));
  for (uint64_t rels : {1, 1000}) {
    RegisterBenchmark(("BM_CheckpointSmallDelta/" + std::to_string(rels)).c_str(), BM_CheckpointSmallDelta, rels)
        ->Iterations(g_flags.quick ? 2 : 5)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (g_graph.db) {
    ruzu::Status s = g_graph.db->Close();
    if (!s.ok()) std::fprintf(stderr, "closing the graph: %s\n", s.ToString().c_str());
  }
  return 0;
}
