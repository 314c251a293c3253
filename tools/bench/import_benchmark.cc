// import_benchmark: bulk import with COPY FROM, end to end, in a fresh process.
//
// The social graph of tools/bench/social_graph.h (N persons, 10 N Knows
// edges, seed 1) is written once per size as CSV by //tools:generate_graph
// (run as a child process, so the files are byte for byte what users import)
// into a temporary directory under RUZU_BENCH_DIR. Each iteration then
// starts this binary again (fork + exec, hidden --import_child mode) on a
// fresh database; the child
//
//   opens the database, creates the two tables,
//   COPY Person FROM '.../persons.csv'
//   COPY Knows FROM '.../knows.csv'
//   closes the database and exits,
//
// reporting when each step ended (CLOCK_MONOTONIC) through a pipe. The
// parent times from fork until wait4 returns, so process start-up, Close and
// process exit all count, and takes the child's own peak RSS from wait4's
// rusage (RUSAGE_CHILDREN would be the maximum over every child so far).
// Counters, per size and variant:
//
//   nodes_per_s    persons / (fork .. end of COPY Person): start-up, open and
//                  DDL are charged to the nodes
//   edges_per_s    knows / (end of COPY Person .. child reaped): Close and
//                  process exit are charged to the edges
//   peak_rss_MiB   the child's ru_maxrss
//   db_MB          database file + WAL after the child exited, in 1e6 bytes
//   exec_ms (fork .. the child's main), open_ddl_ms, copy_person_s,
//   copy_knows_s, close_exit_ms (Close, exit, wait4): the phases, which add up
//   to the iteration time
//
// The iteration time (manual time) is the child's wall time. Variants:
// BM_CopyImport/parallel (COPY's default) and BM_CopyImport/serial
// (PARALLEL=false). After the first run of each variant and size, another
// child (untimed, --verify_child) runs Database::Verify and Cypher queries
// whose answers the generator predicts: counts, sums over every person's
// properties, and the edges of sampled persons in both directions. A failing
// COPY or a wrong answer stops that benchmark with the message and the binary
// then exits with status 1. A summary against the targets (KuzuDB
// 0.11.3 on this machine, 1M persons / 10M Knows) goes to stderr at the end.
//
//   bazel run -c opt //tools/bench:import_benchmark                 # 1M persons / 10M knows
//   bazel run -c opt //tools/bench:import_benchmark -- --quick      # 20K / 200K, CI
//   flags: --bench_dir=DIR, --persons=N (one size instead of the default),
//   --generator=PATH (generate_graph binary), plus Google Benchmark's own
//   (--benchmark_repetitions=3 for several runs per variant).
#include <benchmark/benchmark.h>
#include <dirent.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <sstream>
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
constexpr uint64_t kFullPersons = 1000000;
constexpr uint64_t kQuickPersons = 20000;
// Persons whose edges the verification checks one by one.
constexpr uint64_t kSampledPersons = 16;

// The reference: KuzuDB 0.11.3 on this machine, 1M persons / 10M Knows.
constexpr double kKuzuNodesPerSecond = 1.6e6;
constexpr double kKuzuEdgesPerSecond = 1.1e6;
constexpr double kKuzuPeakRssMiB = 800;
constexpr double kKuzuDbMB = 227;

constexpr char kImportChildFlag[] = "--import_child";
constexpr char kVerifyChildFlag[] = "--verify_child";

Flags g_flags;
uint64_t g_persons_flag = 0;  // --persons, 0 when absent
std::string g_generator_flag;
// Every benchmark failure, for the exit status and a summary at the end.
std::vector<std::string> g_failures;
std::string g_running;  // "BM_CopyImport/parallel/persons:20000", for failure messages

// ------------------------------------------------------------ the children

// "COPY Person FROM 'DIR/persons.csv'", with (PARALLEL=false) for serial.
std::string CopyStatement(const std::string& table, const std::string& file, bool parallel) {
  return "COPY " + table + " FROM '" + file + "'" + (parallel ? "" : " (PARALLEL=false)");
}

// The row count in COPY's "N tuples have been copied to the T table.".
Result<uint64_t> CopiedRows(const Result<std::unique_ptr<QueryResult>>& result) {
  if (!result.ok()) return result.status();
  const QueryResult& rows = **result;
  if (rows.num_rows() != 1 || rows.num_columns() != 1)
    return InternalError("unexpected COPY result:\n" + rows.ToString());
  const std::string text = rows.Get(0, 0).ToString();
  return static_cast<uint64_t>(std::strtoull(text.c_str(), nullptr, 10));
}

Status ImportChild(const std::string& db_path, const std::string& csv_dir, bool parallel) {
  std::printf("started %.9f\n", NowSeconds());
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(db_path));
  auto conn = std::make_unique<Connection>(db.get());
  RETURN_IF_ERROR(conn->Query(kSocialGraphSchema).status());
  std::printf("schema_done %.9f\n", NowSeconds());
  ASSIGN_OR_RETURN(uint64_t persons,
                   CopiedRows(conn->Query(CopyStatement("Person", csv_dir + "/persons.csv", parallel))));
  std::printf("person_done %.9f\npersons %llu\n", NowSeconds(), static_cast<unsigned long long>(persons));
  ASSIGN_OR_RETURN(uint64_t knows,
                   CopiedRows(conn->Query(CopyStatement("Knows", csv_dir + "/knows.csv", parallel))));
  std::printf("knows_done %.9f\nknows %llu\n", NowSeconds(), static_cast<unsigned long long>(knows));
  conn.reset();
  RETURN_IF_ERROR(db->Close());
  std::printf("closed %.9f\n", NowSeconds());
  return Status::OK();
}

// Runs Database::Verify, then each query, printing "problem <text>" per
// problem and "row <values, tab-separated>" per result row.
Status VerifyChild(const std::string& db_path, const std::vector<std::string>& queries) {
  DatabaseOptions options;
  options.read_only = true;
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(db_path, options));
  ASSIGN_OR_RETURN(std::vector<std::string> problems, db->Verify());
  for (const std::string& problem : problems) std::printf("problem %s\n", problem.c_str());
  Connection conn(db.get());
  for (const std::string& query : queries) {
    auto result = conn.Query(query);
    if (!result.ok()) return result.status().WithContext(query);
    for (size_t r = 0; r < (*result)->num_rows(); r++) {
      std::string line;
      for (const Value& value : (*result)->Row(r)) line += (line.empty() ? "" : "\t") + value.ToString();
      std::printf("row %s\n", line.c_str());
    }
  }
  return db->Close();
}

// Runs a child mode when argv asks for one; returns the exit status, or -1.
int MaybeRunChild(int argc, char** argv) {
  if (argc < 2) return -1;
  Status status;
  if (std::strcmp(argv[1], kImportChildFlag) == 0 && argc == 5) {
    status = ImportChild(argv[2], argv[3], std::strcmp(argv[4], "parallel") == 0);
  } else if (std::strcmp(argv[1], kVerifyChildFlag) == 0 && argc >= 3) {
    status = VerifyChild(argv[2], std::vector<std::string>(argv + 3, argv + argc));
  } else {
    return -1;
  }
  if (!status.ok()) std::printf("error %s\n", status.ToString().c_str());
  return status.ok() ? 0 : 1;
}

// ------------------------------------------------------------------ parent

// A finished child: what it printed and how it ended.
struct ChildRun {
  double start = 0;  // just before fork
  double end = 0;    // wait4 returned
  std::string output;
  int status = 0;
  struct rusage usage = {};

  // The value of "key value" lines.
  std::map<std::string, std::string> Fields() const {
    std::map<std::string, std::string> fields;
    std::istringstream in(output);
    std::string line;
    while (std::getline(in, line)) {
      const size_t space = line.find(' ');
      if (space != std::string::npos) fields[line.substr(0, space)] = line.substr(space + 1);
    }
    return fields;
  }
};

// fork + exec of `args`, reading its standard output until it exits; wait4
// gives the rusage of this child alone. Errors when it cannot start or
// exits non-zero.
Result<ChildRun> RunChildWithUsage(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int fds[2];
  if (::pipe(fds) != 0) return IOError(std::string("pipe: ") + std::strerror(errno));
  ChildRun run;
  run.start = NowSeconds();
  const pid_t pid = ::fork();
  if (pid < 0) return IOError(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  ::close(fds[1]);
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    run.output.append(buffer, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  while (::wait4(pid, &run.status, 0, &run.usage) < 0 && errno == EINTR) {
  }
  run.end = NowSeconds();
  if (!WIFEXITED(run.status) || WEXITSTATUS(run.status) != 0) {
    // The child's "error <status>" line says why; the rest is progress.
    const auto fields = run.Fields();
    auto error = fields.find("error");
    return InternalError(args[1] + " child failed (wait status " + std::to_string(run.status) +
                         "): " + (error != fields.end() ? error->second : run.output));
  }
  return run;
}

// The generate_graph binary: --generator, else this binary's runfiles
// (bazel run, bazel-bin), else next to it in bazel-bin.
std::string GeneratorPath() {
  if (!g_generator_flag.empty()) return g_generator_flag;
  const std::string exe = SelfExe();
  const std::string runfiles = exe + ".runfiles/ruzu/tools/generate_graph";
  if (::access(runfiles.c_str(), X_OK) == 0) return runfiles;
  return exe.substr(0, exe.rfind('/')) + "/../generate_graph";
}

// What the generator says the imported graph holds, as the verification
// queries and the rows they must return.
struct Expectation {
  std::vector<std::string> queries;
  std::vector<std::string> rows;  // one per query, "row v1\tv2..."
};

std::string ExpectedRow(const std::vector<Value>& values) {
  std::string line = "row ";
  for (size_t i = 0; i < values.size(); i++) line += (i > 0 ? "\t" : "") + values[i].ToString();
  return line;
}

Expectation MakeExpectation(const SocialGraph& graph) {
  Expectation expectation;
  int64_t id_sum = 0, age_sum = 0, name_bytes = 0, score_units = 0;
  int32_t min_birthday = INT32_MAX, max_birthday = INT32_MIN;
  PersonRow person;
  for (uint64_t i = 0; i < graph.persons(); i++) {
    graph.Person(i, &person);
    id_sum += person.id;
    age_sum += person.age;
    name_bytes += static_cast<int64_t>(person.name.size());
    score_units += static_cast<int64_t>(person.score * 1e4 + 0.5);
    min_birthday = std::min(min_birthday, person.birthday);
    max_birthday = std::max(max_birthday, person.birthday);
  }
  expectation.queries.push_back(
      "MATCH (p:Person) RETURN count(*), sum(p.id), sum(p.age), sum(size(p.name)), min(p.birthday), "
      "max(p.birthday), sum(to_int64(round(p.score * 10000.0)))");
  expectation.rows.push_back(
      ExpectedRow({Value::Int64(static_cast<int64_t>(graph.persons())), Value::Int64(id_sum),
                   Value::Int64(age_sum), Value::Int64(name_bytes), Value::Date(min_birthday),
                   Value::Date(max_birthday), Value::Int64(score_units)}));
  expectation.queries.push_back("MATCH ()-[k:Knows]->() RETURN count(*)");
  expectation.rows.push_back(ExpectedRow({Value::Int64(static_cast<int64_t>(graph.knows()))}));

  // Sampled persons' edges each way: count, sum of the other end's id, sum of since.
  struct Sums {
    int64_t count = 0, ids = 0, since = 0;
  };
  std::map<int64_t, std::pair<Sums, Sums>> sampled;  // id -> (out, in)
  for (uint64_t i = 0; i < kSampledPersons && i < graph.persons(); i++) {
    sampled[static_cast<int64_t>(SocialGraph::Mix(i) % graph.persons())];
  }
  graph.ForEachKnows(0, graph.knows(), [&](const KnowsRow& k) {
    if (auto it = sampled.find(k.from); it != sampled.end()) {
      it->second.first.count++;
      it->second.first.ids += k.to;
      it->second.first.since += k.since;
    }
    if (auto it = sampled.find(k.to); it != sampled.end()) {
      it->second.second.count++;
      it->second.second.ids += k.from;
      it->second.second.since += k.since;
    }
  });
  for (const auto& [id, sums] : sampled) {
    for (const bool out : {true, false}) {
      const Sums& s = out ? sums.first : sums.second;
      // sum() over no rows is NULL; count the edges only then.
      const std::string pattern = "MATCH (a:Person {id: " + std::to_string(id) + "})" +
                                  (out ? "-[k:Knows]->" : "<-[k:Knows]-") + "(b:Person) RETURN count(*)";
      if (s.count == 0) {
        expectation.queries.push_back(pattern);
        expectation.rows.push_back(ExpectedRow({Value::Int64(0)}));
      } else {
        expectation.queries.push_back(pattern + ", sum(b.id), sum(k.since)");
        expectation.rows.push_back(
            ExpectedRow({Value::Int64(s.count), Value::Int64(s.ids), Value::Int64(s.since)}));
      }
    }
  }
  return expectation;
}

// One size's input files and expected contents, made on first use.
struct Dataset {
  SocialGraph graph{SocialGraphSpec{}};
  std::string csv_dir;
  uint64_t csv_bytes = 0;
  Expectation expectation;
};

std::string g_work_dir;  // the temporary directory, "" until made
std::map<uint64_t, std::unique_ptr<Dataset>> g_datasets;

Status MakeWorkDir() {
  if (!g_work_dir.empty()) return Status::OK();
  RETURN_IF_ERROR(MakeDirs(g_flags.dir));
  std::string pattern = g_flags.dir + "/import.XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr)
    return IOError("mkdtemp " + pattern + ": " + std::strerror(errno));
  g_work_dir = pattern;
  return Status::OK();
}

// Removes every file in `dir` (no subdirectories expected), then `dir`.
void RemoveFlatDir(const std::string& dir) {
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const struct dirent* entry = ::readdir(d)) {
      const std::string name = entry->d_name;
      if (name != "." && name != "..") ::unlink((dir + "/" + name).c_str());
    }
    ::closedir(d);
  }
  ::rmdir(dir.c_str());
}

void RemoveWorkDir() {
  if (g_work_dir.empty()) return;
  for (const auto& [persons, dataset] : g_datasets) RemoveFlatDir(dataset->csv_dir);
  RemoveFlatDir(g_work_dir);
}

Result<Dataset*> GetDataset(uint64_t persons) {
  std::unique_ptr<Dataset>& slot = g_datasets[persons];
  if (slot != nullptr) return slot.get();
  auto dataset = std::make_unique<Dataset>();
  const SocialGraphSpec spec{persons, kDegree, kSeed};
  RETURN_IF_ERROR(spec.Validate());
  dataset->graph = SocialGraph(spec);
  RETURN_IF_ERROR(MakeWorkDir());
  dataset->csv_dir = g_work_dir + "/csv_" + std::to_string(persons);
  Result<std::string> generated = RunChild({GeneratorPath(), "--persons=" + std::to_string(persons),
                                            "--degree=" + std::to_string(kDegree),
                                            "--seed=" + std::to_string(kSeed), "--out=" + dataset->csv_dir});
  if (!generated.ok()) return generated.status().WithContext("generating the CSV files");
  dataset->csv_bytes =
      FileSize(dataset->csv_dir + "/persons.csv") + FileSize(dataset->csv_dir + "/knows.csv");
  dataset->expectation = MakeExpectation(dataset->graph);
  slot = std::move(dataset);
  return slot.get();
}

// The database `child` imported holds what the generator made.
Status VerifyImport(const Dataset& dataset, const std::string& db_path) {
  std::vector<std::string> args = {SelfExe(), kVerifyChildFlag, db_path};
  args.insert(args.end(), dataset.expectation.queries.begin(), dataset.expectation.queries.end());
  ASSIGN_OR_RETURN(ChildRun run, RunChildWithUsage(args));
  std::vector<std::string> rows;
  std::istringstream in(run.output);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("problem ", 0) == 0) return InternalError("Database::Verify: " + line.substr(8));
    if (line.rfind("row ", 0) == 0) rows.push_back(line);
  }
  for (size_t i = 0; i < dataset.expectation.queries.size(); i++) {
    const std::string got = i < rows.size() ? rows[i] : "(no row)";
    if (got != dataset.expectation.rows[i]) {
      return InternalError("wrong answer to " + dataset.expectation.queries[i] + ": got '" + got +
                           "', the generator made '" + dataset.expectation.rows[i] + "'");
    }
  }
  if (rows.size() != dataset.expectation.queries.size()) {
    return InternalError("expected " + std::to_string(dataset.expectation.queries.size()) + " rows, got " +
                         std::to_string(rows.size()));
  }
  return Status::OK();
}

// The last figures per (variant, persons), for the summary.
struct Measured {
  double nodes_per_s = 0;
  double edges_per_s = 0;
  double peak_rss_mib = 0;
  double db_mb = 0;
  double seconds = 0;
};
std::map<std::pair<std::string, uint64_t>, Measured> g_measured;
std::set<std::pair<std::string, uint64_t>> g_verified;

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

// A number the import child reported.
Result<double> NumberField(const std::map<std::string, std::string>& fields, const std::string& key) {
  auto it = fields.find(key);
  if (it == fields.end()) return InternalError("the import child did not report '" + key + "'");
  return std::strtod(it->second.c_str(), nullptr);
}

void BM_CopyImport(benchmark::State& state, bool parallel) {
  const std::string variant = parallel ? "parallel" : "serial";
  const uint64_t persons = static_cast<uint64_t>(state.range(0));
  auto dataset_or = GetDataset(persons);
  BENCH_CHECK(dataset_or.status());
  const Dataset& dataset = **dataset_or;
  const std::string db_path = g_work_dir + "/import.ruzu";

  double total_seconds = 0, node_seconds = 0, edge_seconds = 0;
  double start_exec = 0, open_ddl = 0, copy_person = 0, copy_knows = 0, close_exit = 0;
  long peak_rss_kib = 0;
  uint64_t db_bytes = 0;
  for (auto _ : state) {
    RemoveDatabase(db_path);
    // Dirty pages from the generator or the previous run would otherwise be
    // written back during this run's fsyncs.
    ::sync();
    auto run_or = RunChildWithUsage({SelfExe(), kImportChildFlag, db_path, dataset.csv_dir, variant});
    BENCH_CHECK(run_or.status());
    const ChildRun& run = *run_or;
    const auto fields = run.Fields();
    auto started = NumberField(fields, "started"), schema_done = NumberField(fields, "schema_done"),
         person_done = NumberField(fields, "person_done"), knows_done = NumberField(fields, "knows_done"),
         copied_persons = NumberField(fields, "persons"), copied_knows = NumberField(fields, "knows");
    for (const auto* field :
         {&started, &schema_done, &person_done, &knows_done, &copied_persons, &copied_knows}) {
      BENCH_CHECK(field->status());
    }
    if (*copied_persons != static_cast<double>(dataset.graph.persons()) ||
        *copied_knows != static_cast<double>(dataset.graph.knows())) {
      BENCH_CHECK(InternalError("COPY reported " + fields.at("persons") + " persons and " +
                                fields.at("knows") + " knows, the files hold " +
                                std::to_string(dataset.graph.persons()) + " and " +
                                std::to_string(dataset.graph.knows())));
    }
    state.SetIterationTime(run.end - run.start);
    total_seconds += run.end - run.start;
    node_seconds += *person_done - run.start;
    edge_seconds += run.end - *person_done;
    start_exec += *started - run.start;
    open_ddl += *schema_done - *started;
    copy_person += *person_done - *schema_done;
    copy_knows += *knows_done - *person_done;
    close_exit += run.end - *knows_done;
    peak_rss_kib = std::max(peak_rss_kib, run.usage.ru_maxrss);
    db_bytes = FileSize(db_path) + FileSize(db_path + ".wal");

    const auto key = std::make_pair(variant, persons);
    if (g_verified.insert(key).second) {
      // Untimed: the iteration time is the manual time set above.
      BENCH_CHECK(VerifyImport(dataset, db_path).WithContext("verifying the imported database"));
    }
  }
  RemoveDatabase(db_path);
  const double n = static_cast<double>(state.iterations());
  Measured& m = g_measured[{variant, persons}];
  m.nodes_per_s = static_cast<double>(dataset.graph.persons()) * n / node_seconds;
  m.edges_per_s = static_cast<double>(dataset.graph.knows()) * n / edge_seconds;
  m.peak_rss_mib = static_cast<double>(peak_rss_kib) / 1024;
  m.db_mb = static_cast<double>(db_bytes) / 1e6;
  m.seconds = total_seconds / n;
  state.counters["nodes_per_s"] = m.nodes_per_s;
  state.counters["edges_per_s"] = m.edges_per_s;
  state.counters["peak_rss_MiB"] = m.peak_rss_mib;
  state.counters["db_MB"] = m.db_mb;
  state.counters["exec_ms"] = start_exec / n * 1e3;
  state.counters["open_ddl_ms"] = open_ddl / n * 1e3;
  state.counters["copy_person_s"] = copy_person / n;
  state.counters["copy_knows_s"] = copy_knows / n;
  state.counters["close_exit_ms"] = close_exit / n * 1e3;
  state.counters["csv_MB"] = static_cast<double>(dataset.csv_bytes) / 1e6;
}

void PrintSummary() {
  if (g_measured.empty()) return;
  std::fprintf(stderr,
               "\nimport_benchmark summary (%s mode; KuzuDB 0.11.3 figures are for 1M persons / 10M knows)\n",
               g_flags.quick ? "quick" : "full");
  std::fprintf(stderr, "%-9s %9s %12s %12s %10s %9s %9s\n", "variant", "persons", "nodes/s", "edges/s",
               "peak RSS", "db", "time");
  std::fprintf(stderr, "%-9s %9s %11.2fM %11.2fM %6.0f MiB %6.0f MB %9s\n", "KuzuDB", "1000000",
               kKuzuNodesPerSecond / 1e6, kKuzuEdgesPerSecond / 1e6, kKuzuPeakRssMiB, kKuzuDbMB, "");
  for (const auto& [key, m] : g_measured) {
    std::fprintf(stderr, "%-9s %9llu %11.2fM %11.2fM %6.0f MiB %6.1f MB %7.2f s\n", key.first.c_str(),
                 static_cast<unsigned long long>(key.second), m.nodes_per_s / 1e6, m.edges_per_s / 1e6,
                 m.peak_rss_mib, m.db_mb, m.seconds);
  }
  for (const auto& [key, m] : g_measured) {
    if (key.second != kFullPersons) continue;
    auto verdict = [](bool met) { return met ? "MET" : "NOT MET"; };
    std::fprintf(stderr,
                 "%s targets: nodes/s >= %.1fM: %s; edges/s >= %.1fM: %s; peak RSS <= %.0f MiB: %s; "
                 "db <= %.0f MB: %s\n",
                 key.first.c_str(), 2 * kKuzuNodesPerSecond / 1e6,
                 verdict(m.nodes_per_s >= 2 * kKuzuNodesPerSecond), 2 * kKuzuEdgesPerSecond / 1e6,
                 verdict(m.edges_per_s >= 2 * kKuzuEdgesPerSecond), kKuzuPeakRssMiB / 2,
                 verdict(m.peak_rss_mib <= kKuzuPeakRssMiB / 2), kKuzuDbMB, verdict(m.db_mb <= kKuzuDbMB));
  }
}

// Removes --persons=N and --generator=PATH from argv.
void ParseOwnFlags(int* argc, char** argv) {
  int kept = 1;
  for (int i = 1; i < *argc; i++) {
    const std::string arg = argv[i];
    if (arg.rfind("--persons=", 0) == 0) {
      g_persons_flag = std::strtoull(arg.c_str() + 10, nullptr, 10);
    } else if (arg.rfind("--generator=", 0) == 0) {
      g_generator_flag = arg.substr(12);
    } else {
      argv[kept++] = argv[i];
    }
  }
  *argc = kept;
  argv[kept] = nullptr;
}

}  // namespace
}  // namespace bench
}  // namespace ruzu

int main(int argc, char** argv) {
  using namespace ruzu::bench;
  if (int child_status = MaybeRunChild(argc, argv); child_status >= 0) return child_status;
  g_flags = ParseFlags(&argc, argv);
  ParseOwnFlags(&argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const int64_t persons = static_cast<int64_t>(g_persons_flag > 0 ? g_persons_flag
                                               : g_flags.quick    ? kQuickPersons
                                                                  : kFullPersons);
  benchmark::AddCustomContext("ruzu_bench_dir", g_flags.dir);
  benchmark::AddCustomContext("ruzu_bench_mode", g_flags.quick ? "quick" : "full");
  benchmark::AddCustomContext("graph",
                              "social graph (tools/bench/social_graph.h), persons = the /N suffix, degree " +
                                  std::to_string(kDegree) + ", seed " + std::to_string(kSeed));
  for (const bool parallel : {true, false}) {
    const std::string name = std::string("BM_CopyImport/") + (parallel ? "parallel" : "serial");
    benchmark::RegisterBenchmark(name.c_str(),
                                 [name, parallel](benchmark::State& state) {
                                   g_running = name + "/persons:" + std::to_string(state.range(0));
                                   BM_CopyImport(state, parallel);
                                 })
        ->Arg(persons)
        ->ArgName("persons")
        ->UseManualTime()
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  RemoveWorkDir();
  PrintSummary();
  for (const std::string& failure : g_failures) std::fprintf(stderr, "FAILED %s\n", failure.c_str());
  return g_failures.empty() ? 0 : 1;
}
