// ruzu: the Cypher shell for a ruzu database.
//
//   ruzu [DB_PATH] [options]
//
// Opens DB_PATH (created if missing; without a path, a temporary database
// that is deleted at exit) and runs Cypher statements: from -c TEXT, else
// from standard input when it is not a terminal, else interactively (line
// editing, history in ~/.ruzu_history). Maintenance flags (--stats, --verify,
// --dump) print and exit unless -c is also given. Exit status: 0 when every
// statement succeeded, 1 when one failed (or --verify found problems), 2 on
// bad usage, 130 when a script was interrupted (143: terminated).
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "db/database.h"
#include "tools/shell/database_executor.h"
#include "tools/shell/line_reader.h"
#include "tools/shell/shell.h"

namespace {

constexpr char kUsage[] =
    "usage: ruzu [DB_PATH] [options]\n"
    "Runs Cypher statements on the database at DB_PATH (created if missing; without\n"
    "DB_PATH a temporary database, deleted at exit): from -c, from standard input\n"
    "when it is not a terminal, or interactively (:help lists the shell commands).\n"
    "  -c, --command TEXT  run the statements in TEXT (separated by ';') and exit\n"
    "  --mode MODE         output: box (default), csv, tsv, json, markdown, list\n"
    "  --timer, --no-timer print elapsed times (default: on when interactive)\n"
    "  --bail              stop at the first failing statement\n"
    "  --read-only         open without taking the writer lock; never modifies files\n"
    "  --demo              add a small example graph when the database has no tables\n"
    "maintenance (print, then exit unless -c is given):\n"
    "  --stats             tables, row and edge counts, pages, checkpoint epoch\n"
    "  --verify            check checksums, page ownership, key index and CSR twins\n"
    "  --dump              print every table in a canonical sorted form\n";

int Usage() {
  std::fputs(kUsage, stderr);
  return 2;
}

ruzu::Status AddDemo(ruzu::Database* db) {
  using ruzu::LogicalType;
  using ruzu::Value;
  if (!db->CatalogSnapshot().Tables().empty()) return ruzu::Status::OK();
  ASSIGN_OR_RETURN(auto txn, db->Begin(ruzu::TransactionMode::kReadWrite));
  RETURN_IF_ERROR(txn->CreateNodeTable("Person",
                                       {{"id", LogicalType::kInt64},
                                        {"name", LogicalType::kString},
                                        {"born", LogicalType::kDate}},
                                       "id")
                      .status());
  RETURN_IF_ERROR(txn->CreateNodeTable("City", {{"name", LogicalType::kString}}, "name").status());
  RETURN_IF_ERROR(txn->CreateRelTable("Knows", "Person", "Person", {{"since", LogicalType::kInt64}}).status());
  RETURN_IF_ERROR(txn->CreateRelTable("LivesIn", "Person", "City", {}).status());
  const char* names[] = {"Alice", "Bob", "Carol", "Dan"};
  for (int i = 0; i < 4; i++) {
    RETURN_IF_ERROR(txn->InsertNode("Person", {Value::Int64(i + 1), Value::String(names[i]),
                                               Value::Date(10000 + 400 * i)})
                        .status());
  }
  for (const char* c : {"Zurich", "Lisbon"}) RETURN_IF_ERROR(txn->InsertNode("City", {Value::String(c)}).status());
  int edges[][3] = {{1, 2, 2015}, {2, 3, 2018}, {3, 1, 2020}, {4, 1, 2021}};
  for (auto& e : edges) {
    RETURN_IF_ERROR(txn->InsertRel("Knows", Value::Int64(e[0]), Value::Int64(e[1]), {Value::Int64(e[2])}).status());
  }
  for (int i = 1; i <= 4; i++) {
    RETURN_IF_ERROR(
        txn->InsertRel("LivesIn", Value::Int64(i), Value::String(i % 2 ? "Zurich" : "Lisbon"), {}).status());
  }
  return txn->Commit();
}

void PrintStats(ruzu::Database* db, const std::string& path) {
  ruzu::DatabaseStats st = db->Stats();
  std::printf("database   %s\n", path.c_str());
  std::printf("epoch      %llu\n", static_cast<unsigned long long>(st.epoch));
  std::printf("pages      %llu (%llu free), manifest %llu bytes, WAL %llu bytes\n",
              static_cast<unsigned long long>(st.file_pages), static_cast<unsigned long long>(st.free_pages),
              static_cast<unsigned long long>(st.manifest_bytes), static_cast<unsigned long long>(st.wal_bytes));
  std::printf("tables     %zu\n", st.tables.size());
  for (const auto& t : st.tables) {
    std::printf("  %-5s %-24s %llu %s\n", t.is_rel ? "REL" : "NODE", t.name.c_str(),
                static_cast<unsigned long long>(t.rows), t.is_rel ? "relationships" : "nodes");
  }
}

// Returns false when problems were found or the check failed.
bool RunVerify(ruzu::Database* db) {
  auto problems = db->Verify();
  if (!problems.ok()) {
    std::fprintf(stderr, "ruzu: verify: %s\n", problems.status().ToString().c_str());
    return false;
  }
  if (problems->empty()) {
    std::printf("verify: OK\n");
    return true;
  }
  for (const auto& p : *problems) std::printf("verify: %s\n", p.c_str());
  std::printf("verify: %zu problem(s)\n", problems->size());
  return false;
}

bool RunDump(ruzu::Database* db) {
  auto text = db->Dump();
  if (!text.ok()) {
    std::fprintf(stderr, "ruzu: dump: %s\n", text.status().ToString().c_str());
    return false;
  }
  std::fputs(text->c_str(), stdout);
  return true;
}

// A directory deleted (with its contents) when this goes out of scope.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/ruzu-XXXXXX";
    if (::mkdtemp(templ.data()) != nullptr) path_ = templ;
  }
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // Empty when the directory could not be created.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Set by SIGINT (and SIGTERM, SIGHUP); the running statement is interrupted
// through g_executor.
volatile std::sig_atomic_t g_interrupted = 0;
// Set by SIGTERM and SIGHUP: leave the shell, closing the database (and
// deleting a temporary one).
volatile std::sig_atomic_t g_terminate = 0;
std::atomic<ruzu::shell::Executor*> g_executor{nullptr};
static_assert(std::atomic<ruzu::shell::Executor*>::is_always_lock_free, "used from a signal handler");

extern "C" void OnSignal(int signo) {
  if (signo != SIGINT) g_terminate = 1;
  g_interrupted = 1;
  ruzu::shell::Executor* executor = g_executor.load();
  if (executor != nullptr) executor->Interrupt();
}

void InstallSignalHandlers() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a Ctrl-C ends a blocking read at the prompt
  for (int signo : {SIGINT, SIGTERM, SIGHUP}) sigaction(signo, &sa, nullptr);
}

void RestoreSignalHandlers() {
  for (int signo : {SIGINT, SIGTERM, SIGHUP}) signal(signo, SIG_DFL);
}

struct Flags {
  std::string path;
  std::string command;
  bool has_command = false;
  bool stats = false, verify = false, dump = false, demo = false, bail = false;
  int timer = -1;  // -1: default
  ruzu::shell::OutputMode mode = ruzu::shell::OutputMode::kBox;
  ruzu::DatabaseOptions options;
};

// Returns -1 when the flags are fine, else the exit status.
int ParseFlags(int argc, char** argv, Flags* f) {
  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    std::string value;
    bool has_value = false;
    if (arg.rfind("--", 0) == 0 && arg.find('=') != std::string::npos) {
      value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
      has_value = true;
    }
    auto take_value = [&]() -> bool {
      if (has_value) return true;
      if (i + 1 >= argc) {
        std::fprintf(stderr, "ruzu: %s needs a value\n", arg.c_str());
        return false;
      }
      value = argv[++i];
      return true;
    };
    if (arg == "-c" || arg == "--command") {
      if (!take_value()) return Usage();
      if (f->has_command) f->command += ";\n";
      f->command += value;
      f->has_command = true;
    } else if (arg == "--mode" || arg == "-m") {
      if (!take_value()) return Usage();
      auto mode = ruzu::shell::ParseOutputMode(value);
      if (!mode.has_value()) {
        std::fprintf(stderr, "ruzu: unknown mode '%s' (%s)\n", value.c_str(), ruzu::shell::OutputModeNames());
        return 2;
      }
      f->mode = *mode;
    } else if (has_value) {
      std::fprintf(stderr, "ruzu: %s takes no value\n", arg.c_str());
      return Usage();
    } else if (arg == "--stats") {
      f->stats = true;
    } else if (arg == "--verify") {
      f->verify = true;
    } else if (arg == "--dump") {
      f->dump = true;
    } else if (arg == "--demo") {
      f->demo = true;
    } else if (arg == "--bail") {
      f->bail = true;
    } else if (arg == "--timer") {
      f->timer = 1;
    } else if (arg == "--no-timer") {
      f->timer = 0;
    } else if (arg == "--read-only") {
      f->options.read_only = true;
    } else if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (!arg.empty() && arg[0] == '-') {
      std::fprintf(stderr, "ruzu: unknown option %s\n", arg.c_str());
      return Usage();
    } else if (f->path.empty()) {
      f->path = arg;
    } else {
      return Usage();
    }
  }
  return -1;
}

int RunInteractive(ruzu::shell::Shell* shell, bool temporary) {
  std::printf("ruzu shell: end Cypher statements with ';', :help for help, :quit or Ctrl-D to leave.\n");
  if (temporary) std::printf("Using a temporary database (deleted at exit); run `ruzu PATH` to keep data.\n");
  ruzu::shell::UseUtf8Locale();
  ruzu::shell::LineReader reader("ruzu", ruzu::shell::DefaultHistoryPath(), &g_interrupted);
  std::string line;
  while (!shell->done()) {
    std::cout.flush();
    const char* prompt = shell->NeedsMoreInput() ? "   ...> " : "ruzu> ";
    auto status = reader.Read(prompt, &line);
    if (g_terminate) break;
    if (status == ruzu::shell::LineReader::ReadStatus::kEof) {
      std::printf("\n");
      break;
    }
    if (status == ruzu::shell::LineReader::ReadStatus::kInterrupted) {
      shell->CancelInput();
      std::printf("^C\n");
      continue;
    }
    reader.AddHistory(line);
    shell->ProcessLine(line);
    if (g_terminate) break;
    g_interrupted = 0;  // a cancelled statement does not end the shell
  }
  return 0;
}

int RunScript(ruzu::shell::Shell* shell, const Flags& flags) {
  if (flags.has_command) {
    shell->RunScript(flags.command);
  } else {
    std::string line;
    while (!shell->done() && !g_interrupted && std::getline(std::cin, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      shell->ProcessLine(line);
    }
    if (!g_interrupted) shell->Finish();
  }
  if (g_interrupted) {
    std::fprintf(stderr, "ruzu: interrupted\n");
    return g_terminate ? 143 : 130;
  }
  return shell->exit_code();
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (int rc = ParseFlags(argc, argv, &flags); rc >= 0) return rc;

  std::unique_ptr<TempDir> temp_dir;
  std::string db_path = flags.path;
  if (db_path.empty()) {
    if (flags.options.read_only) {
      std::fprintf(stderr, "ruzu: --read-only needs DB_PATH\n");
      return 2;
    }
    temp_dir = std::make_unique<TempDir>();
    if (temp_dir->path().empty()) {
      std::fprintf(stderr, "ruzu: cannot create a temporary directory: %s\n", std::strerror(errno));
      return 1;
    }
    db_path = temp_dir->path() + "/db.ruzu";
  }

  auto db = ruzu::Database::Open(db_path, flags.options);
  if (!db.ok()) {
    std::fprintf(stderr, "ruzu: %s\n", db.status().ToString().c_str());
    return 1;
  }
  int rc = 0;
  if (flags.demo) {
    ruzu::Status s = AddDemo(db->get());
    if (!s.ok()) {
      std::fprintf(stderr, "ruzu: %s\n", s.ToString().c_str());
      rc = 1;
    }
  }
  const bool interactive = !flags.has_command && ::isatty(STDIN_FILENO);
  const bool maintenance = flags.stats || flags.verify || flags.dump;
  if (flags.stats) PrintStats(db->get(), flags.path.empty() ? "(temporary)" : flags.path);
  if (flags.verify && !RunVerify(db->get())) rc = 1;
  if (flags.dump && !RunDump(db->get())) rc = 1;
  std::fflush(stdout);

  if (rc == 0 && (flags.has_command || !maintenance)) {
    std::unique_ptr<ruzu::shell::Executor> executor = ruzu::shell::NewDatabaseExecutor(db->get());
    ruzu::shell::ShellOptions options;
    options.mode = flags.mode;
    options.interactive = interactive;
    options.timer = flags.timer >= 0 ? flags.timer == 1 : interactive;
    options.bail = flags.bail;
    if (!interactive) options.stop = &g_interrupted;
    ruzu::shell::Shell shell(executor.get(), options, &std::cout, &std::cerr);
    g_executor = executor.get();
    InstallSignalHandlers();
    rc = interactive ? RunInteractive(&shell, temp_dir != nullptr) : RunScript(&shell, flags);
    RestoreSignalHandlers();
    g_executor = nullptr;
    executor.reset();  // ends the connection (rolling back an open transaction)
  }

  ruzu::Status s = (*db)->Close();
  if (!s.ok()) {
    std::fprintf(stderr, "ruzu: %s\n", s.ToString().c_str());
    if (rc == 0) rc = 1;
  }
  return rc;
}
