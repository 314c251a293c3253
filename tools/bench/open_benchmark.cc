// open_benchmark: how the cost of Database::Open grows with the database.
//
// Databases with 0, 1K, 10K, 100K, 1M and 10M relationships (one node table
// Person(id INT64 key, name STRING) with max(rels / 10, 100) nodes, one
// relationship table Knows(weight INT64)) are generated once through the C++
// API, 100K rows per transaction, closed (checkpointed) and cached in
// RUZU_BENCH_DIR (default /tmp/ruzu_bench). Then, per size:
//
//   BM_OpenClose/<rels>          Database::Open + Close in this process, with
//                                checkpoint_on_close = false (Close does no I/O).
//   BM_OpenCloseReadOnly/<rels>  the same with read_only = true.
//   BM_OpenFreshProcess/<rels>   one Open in a fresh child process (fork+exec of
//                                this binary with --rss_child=PATH); the time is
//                                that first Open (manual time) and the counters
//                                are the child's memory growth caused by it:
//                                  peak_rss_kB  VmHWM after Open - VmHWM before
//                                  anon_rss_kB  RssAnon after Open - before
//                                  rss_kB       VmRSS after Open - before
//
// Targets (from the issue): open at 10M rels within 2x of 1K and under 2 ms;
// memory at open independent of the size. A summary of both is printed to
// stderr after the run.
//
//   bazel run -c opt //tools/bench:open_benchmark
//   bazel run -c opt //tools/bench:open_benchmark -- --quick   (sizes <= 10K, seconds)
//   flags: --bench_dir=DIR --rebuild --max_rels=N, plus Google Benchmark's own.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "db/database.h"
#include "tools/bench/bench_util.h"

namespace ruzu {
namespace bench {
namespace {

constexpr uint64_t kLoadBatch = 100000;

Flags g_flags;

std::string DbPath(uint64_t rels) { return g_flags.dir + "/open_" + std::to_string(rels) + ".ruzu"; }

// Last measured values per size, for the summary.
struct Measured {
  double open_seconds = -1;       // in-process Open + Close, mean
  double fresh_open_seconds = -1; // first Open in a fresh process, mean
  long peak_rss_kb = -1;
  long anon_rss_kb = -1;
  uint64_t file_bytes = 0;
  uint64_t manifest_bytes = 0;
  uint64_t free_bytes = 0;
};
std::map<uint64_t, Measured> g_measured;

void SetMinTime(benchmark::internal::Benchmark* b) {
  if (g_flags.quick) b->MinTime(kQuickMinTime);
}

void BM_OpenClose(benchmark::State& state, uint64_t rels, bool read_only) {
  const std::string path = DbPath(rels);
  DatabaseOptions options;
  options.checkpoint_on_close = false;
  options.read_only = read_only;
  {
    // Untimed: what the database looks like.
    auto db = Database::Open(path, options);
    if (!db.ok()) {
      state.SkipWithError(db.status().ToString().c_str());
      return;
    }
    DatabaseStats stats = (*db)->Stats();
    state.counters["manifest_bytes"] = static_cast<double>(stats.manifest_bytes);
    state.counters["file_MiB"] = static_cast<double>(FileSize(path)) / (1 << 20);
    state.counters["free_MiB"] = static_cast<double>(stats.free_pages) * 4096 / (1 << 20);
    g_measured[rels].manifest_bytes = stats.manifest_bytes;
    g_measured[rels].file_bytes = FileSize(path);
    g_measured[rels].free_bytes = stats.free_pages * 4096;
    Status s = (*db)->Close();
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
  }
  double start = NowSeconds();
  for (auto _ : state) {
    auto db = Database::Open(path, options);
    if (!db.ok()) {
      state.SkipWithError(db.status().ToString().c_str());
      return;
    }
    Status s = (*db)->Close();
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
  }
  double per = (NowSeconds() - start) / static_cast<double>(state.iterations());
  if (!read_only) g_measured[rels].open_seconds = per;
  state.counters["rels"] = static_cast<double>(rels);
}

// Child process: one Open of argv path, printing memory before and after.
int RssChild(const std::string& path) {
  DatabaseOptions options;
  options.checkpoint_on_close = false;
  long hwm0 = ProcStatusKb("VmHWM"), rss0 = ProcStatusKb("VmRSS"), anon0 = ProcStatusKb("RssAnon");
  double start = NowSeconds();
  auto db = Database::Open(path, options);
  double open_seconds = NowSeconds() - start;
  long hwm1 = ProcStatusKb("VmHWM"), rss1 = ProcStatusKb("VmRSS"), anon1 = ProcStatusKb("RssAnon");
  if (!db.ok()) {
    std::printf("error %s\n", db.status().ToString().c_str());
    return 1;
  }
  Status s = (*db)->Close();
  if (!s.ok()) {
    std::printf("error %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("open_seconds %.9f hwm_before %ld hwm_after %ld rss_before %ld rss_after %ld anon_before %ld anon_after %ld\n",
              open_seconds, hwm0, hwm1, rss0, rss1, anon0, anon1);
  return 0;
}

void BM_OpenFreshProcess(benchmark::State& state, uint64_t rels) {
  const std::string exe = SelfExe();
  const std::string path = DbPath(rels);
  long max_peak = 0, max_anon = 0, max_rss = 0, baseline = 0;
  double total_open = 0;
  for (auto _ : state) {
    Result<std::string> out = RunChild({exe, "--rss_child=" + path});
    if (!out.ok()) {
      state.SkipWithError(out.status().ToString().c_str());
      return;
    }
    std::istringstream in(*out);
    std::map<std::string, double> v;
    std::string key;
    double value;
    while (in >> key >> value) v[key] = value;
    if (!v.count("open_seconds")) {
      state.SkipWithError(("unexpected child output: " + *out).c_str());
      return;
    }
    state.SetIterationTime(v["open_seconds"]);
    total_open += v["open_seconds"];
    max_peak = std::max(max_peak, static_cast<long>(v["hwm_after"] - v["hwm_before"]));
    max_anon = std::max(max_anon, static_cast<long>(v["anon_after"] - v["anon_before"]));
    max_rss = std::max(max_rss, static_cast<long>(v["rss_after"] - v["rss_before"]));
    baseline = static_cast<long>(v["hwm_before"]);
  }
  state.counters["peak_rss_kB"] = static_cast<double>(max_peak);
  state.counters["anon_rss_kB"] = static_cast<double>(max_anon);
  state.counters["rss_kB"] = static_cast<double>(max_rss);
  state.counters["baseline_hwm_kB"] = static_cast<double>(baseline);
  Measured& m = g_measured[rels];
  m.fresh_open_seconds = total_open / static_cast<double>(state.iterations());
  m.peak_rss_kb = max_peak;
  m.anon_rss_kb = max_anon;
}

std::string Us(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f us", seconds * 1e6);
  return buf;
}

void PrintSummary(const std::vector<uint64_t>& sizes) {
  std::fprintf(stderr, "\nopen_benchmark summary (%s mode, cache %s)\n", g_flags.quick ? "quick" : "full",
               g_flags.dir.c_str());
  std::fprintf(stderr, "%10s %12s %12s %12s %12s %12s %12s %12s\n", "rels", "file", "free", "manifest", "open+close",
               "fresh open", "peak RSS +", "anon RSS +");
  for (uint64_t rels : sizes) {
    const Measured& m = g_measured[rels];
    std::fprintf(stderr, "%10llu %12s %12s %12s %12s %12s %9ld kB %9ld kB\n", static_cast<unsigned long long>(rels),
                 HumanBytes(static_cast<double>(m.file_bytes)).c_str(),
                 HumanBytes(static_cast<double>(m.free_bytes)).c_str(),
                 HumanBytes(static_cast<double>(m.manifest_bytes)).c_str(),
                 m.open_seconds < 0 ? "-" : Us(m.open_seconds).c_str(),
                 m.fresh_open_seconds < 0 ? "-" : Us(m.fresh_open_seconds).c_str(), m.peak_rss_kb, m.anon_rss_kb);
  }
  auto find = [&](uint64_t rels) -> const Measured* {
    auto it = g_measured.find(rels);
    return it == g_measured.end() || it->second.open_seconds < 0 ? nullptr : &it->second;
  };
  const Measured* small = find(1000);
  const Measured* large = nullptr;
  uint64_t large_rels = 0;
  for (uint64_t rels : sizes) {
    if (find(rels) != nullptr) {
      large = find(rels);
      large_rels = rels;
    }
  }
  if (large_rels < 10000000) {
    std::fprintf(stderr, "(the issue's targets are about 10M relationships; this run stopped at %llu)\n",
                 static_cast<unsigned long long>(large_rels));
  }
  if (small != nullptr && large != nullptr && large_rels > 1000) {
    double ratio = large->open_seconds / small->open_seconds;
    std::fprintf(stderr, "target: open(%llu rels) within 2x of open(1K): %.2fx -> %s\n",
                 static_cast<unsigned long long>(large_rels), ratio, ratio <= 2.0 ? "MET" : "NOT MET");
    std::fprintf(stderr, "target: open(%llu rels) under 2 ms: %s -> %s\n", static_cast<unsigned long long>(large_rels),
                 Us(large->open_seconds).c_str(), large->open_seconds < 2e-3 ? "MET" : "NOT MET");
  }
  long lo = -1, hi = -1, anon_lo = -1, anon_hi = -1;
  for (uint64_t rels : sizes) {
    const Measured& m = g_measured[rels];
    if (m.peak_rss_kb < 0) continue;
    lo = lo < 0 ? m.peak_rss_kb : std::min(lo, m.peak_rss_kb);
    hi = std::max(hi, m.peak_rss_kb);
    anon_lo = anon_lo < 0 ? m.anon_rss_kb : std::min(anon_lo, m.anon_rss_kb);
    anon_hi = std::max(anon_hi, m.anon_rss_kb);
  }
  if (lo >= 0) {
    std::fprintf(stderr,
                 "target: RSS at open independent of size: peak RSS +%ld..%ld kB, anonymous RSS +%ld..%ld kB "
                 "across sizes (peak includes ~330 kB of code pages faulted in by the first open)\n",
                 lo, hi, anon_lo, anon_hi);
  }
}

}  // namespace
}  // namespace bench
}  // namespace ruzu

int main(int argc, char** argv) {
  using namespace ruzu::bench;
  g_flags = ParseFlags(&argc, argv, "--rss_child");
  if (g_flags.child_mode == "--rss_child") return RssChild(g_flags.child_arg);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  std::vector<uint64_t> sizes;
  for (uint64_t rels : {0ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL}) {
    if (g_flags.quick && rels > 10000) continue;
    if (rels > g_flags.max_rels) continue;
    sizes.push_back(rels);
  }
  ruzu::Status s = MakeDirs(g_flags.dir);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  for (uint64_t rels : sizes) {
    GraphSpec spec;
    spec.rels = rels;
    spec.nodes = GraphSpec::NodesFor(rels);
    ruzu::Result<bool> built = EnsureCachedGraph(DbPath(rels), spec, kLoadBatch, g_flags.rebuild);
    if (!built.ok()) {
      std::fprintf(stderr, "building %s: %s\n", DbPath(rels).c_str(), built.status().ToString().c_str());
      return 1;
    }
  }
  benchmark::AddCustomContext("ruzu_bench_dir", g_flags.dir);
  benchmark::AddCustomContext("ruzu_bench_mode", g_flags.quick ? "quick" : "full");

  for (uint64_t rels : sizes) {
    std::string n = std::to_string(rels);
    SetMinTime(benchmark::RegisterBenchmark(("BM_OpenClose/" + n).c_str(), BM_OpenClose, rels, false)
                   ->UseRealTime()
                   ->Unit(benchmark::kMicrosecond));
  }
  for (uint64_t rels : sizes) {
    std::string n = std::to_string(rels);
    SetMinTime(benchmark::RegisterBenchmark(("BM_OpenCloseReadOnly/" + n).c_str(), BM_OpenClose, rels, true)
                   ->UseRealTime()
                   ->Unit(benchmark::kMicrosecond));
  }
  for (uint64_t rels : sizes) {
    std::string n = std::to_string(rels);
    benchmark::RegisterBenchmark(("BM_OpenFreshProcess/" + n).c_str(), BM_OpenFreshProcess, rels)
        ->UseManualTime()
        ->Iterations(g_flags.quick ? 2 : 10)
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  PrintSummary(sizes);
  return 0;
}
