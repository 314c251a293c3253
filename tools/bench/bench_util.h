// Helpers shared by the ruzu benchmarks (tools/bench): command-line flags,
// deterministic graph generation through the public C++ API, a cache of
// generated databases, and process memory readings.
#ifndef RUZU_TOOLS_BENCH_BENCH_UTIL_H_
#define RUZU_TOOLS_BENCH_BENCH_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "db/database.h"

namespace ruzu {
namespace bench {

// Flags understood by every benchmark binary, removed from argv before
// Google Benchmark sees it:
//   --quick            (or env RUZU_BENCH_QUICK=1) small sizes, tiny min time
//   --bench_dir=DIR    (or env RUZU_BENCH_DIR) cache of generated databases,
//                      default /tmp/ruzu_bench
//   --rebuild          regenerate cached databases even when present
//   --max_rels=N       (open_benchmark) skip sizes above N relationships
struct Flags {
  bool quick = false;
  bool rebuild = false;
  uint64_t max_rels = ~uint64_t{0};
  std::string dir = "/tmp/ruzu_bench";
  // Hidden flags (one child-process mode per binary), "" when absent.
  std::string child_mode;   // e.g. --rss_child
  std::string child_arg;    // its value
};
// Parses the flags above and `child_flag` ("--rss_child") and removes them.
Flags ParseFlags(int* argc, char** argv, const std::string& child_flag = "");

// Minimum time per benchmark in quick mode (seconds).
constexpr double kQuickMinTime = 0.01;

// ---------------------------------------------------------------- the graph
//
// One node table Person(id INT64 PRIMARY KEY, name STRING) with `nodes` rows
// (id = row number, name = "person_<id>"), and one relationship table
// Knows(Person -> Person, weight INT64) with `rels` relationships whose ends
// are drawn from a fixed-seed hash of the relationship number (uniform over
// the nodes, so the degree is Poisson-distributed around rels / nodes).
// With `string_keys`, also Account(handle STRING PRIMARY KEY, person INT64)
// with `nodes` rows (handle = AccountHandle(i)).
struct GraphSpec {
  uint64_t nodes = 0;
  uint64_t rels = 0;
  bool string_keys = false;
  uint64_t seed = 0x5eedba5eULL;

  // The node count the open benchmark uses for `rels` relationships.
  static uint64_t NodesFor(uint64_t rels) { return rels / 10 > 100 ? rels / 10 : 100; }
  std::string Describe() const;
};

uint64_t SplitMix64(uint64_t x);
// Endpoints (node ids) of relationship number `i`.
void RelEnds(const GraphSpec& spec, uint64_t i, uint64_t* src, uint64_t* dst);
std::string PersonName(uint64_t id);
std::string AccountHandle(uint64_t id);

// Throughput of a load, for reports.
struct LoadStats {
  double node_seconds = 0;
  double rel_seconds = 0;
  uint64_t nodes = 0;
  uint64_t rels = 0;
  uint64_t commits = 0;
};

// Creates the tables of `spec` in one transaction.
Status CreateSchema(Database* db, const GraphSpec& spec);
// Inserts nodes [begin, end) of Person (and Account when string_keys), `batch`
// per transaction.
Status LoadNodes(Database* db, const GraphSpec& spec, uint64_t begin, uint64_t end, uint64_t batch,
                 LoadStats* stats);
// Inserts relationships [begin, end), `batch` per transaction. `progress`:
// print a line to stderr every this many relationships (0: never).
Status LoadRels(Database* db, const GraphSpec& spec, uint64_t begin, uint64_t end, uint64_t batch,
                LoadStats* stats, uint64_t progress = 0);
// Creates a database at `path` (removing what was there) holding `spec`,
// loaded `batch` per transaction, and closes it (checkpoint).
Status BuildGraph(const std::string& path, const GraphSpec& spec, uint64_t batch, LoadStats* stats,
                  bool verbose);

// Makes sure `path` holds a complete database of `spec`: reuses it when its
// marker file (path + ".complete") says so, else (or with `rebuild`) builds it.
// Returns whether it was built now.
Result<bool> EnsureCachedGraph(const std::string& path, const GraphSpec& spec, uint64_t batch, bool rebuild);

// ------------------------------------------------------------------ files

// Creates `dir` and its parents.
Status MakeDirs(const std::string& dir);
// Removes the database file, its WAL and its marker (missing files are fine).
void RemoveDatabase(const std::string& path);
// Size in bytes, 0 when missing.
uint64_t FileSize(const std::string& path);
// "1.5 MiB"
std::string HumanBytes(double bytes);

// ------------------------------------------------------------- processes

// A field of /proc/self/status in KiB ("VmHWM", "VmRSS"); -1 when unknown.
long ProcStatusKb(const char* field);
// The running executable (/proc/self/exe resolved).
std::string SelfExe();
// Runs `args` (args[0] is the program) and returns its standard output.
// Errors when it cannot start or exits non-zero.
Result<std::string> RunChild(const std::vector<std::string>& args);

double NowSeconds();

}  // namespace bench
}  // namespace ruzu

#endif  // RUZU_TOOLS_BENCH_BENCH_UTIL_H_
