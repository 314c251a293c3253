// ruzu: command-line tool for a ruzu database file. Until the Cypher shell
// lands it creates, inspects, verifies and dumps databases.
//
//   ruzu DB_PATH            open (create if missing) and print statistics
//   ruzu DB_PATH --demo     also add a small example graph if it is empty
//   ruzu DB_PATH --verify   full integrity check; exit 1 on problems
//   ruzu DB_PATH --dump     canonical text dump of every table
//   --read-only             open without the writer lock; never modifies files
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "db/database.h"

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: ruzu DB_PATH [--stats] [--verify] [--dump] [--demo] [--read-only]\n"
               "  --stats      tables, row and edge counts, pages, checkpoint epoch (default)\n"
               "  --verify     check checksums, page ownership, key index and CSR twins\n"
               "  --dump       print every table in a canonical sorted form\n"
               "  --demo       add a small example graph when the database has no tables\n"
               "  --read-only  open without taking the writer lock\n");
  return 2;
}

ruzu::Status AddDemo(ruzu::Database* db) {
  using ruzu::LogicalType;
  using ruzu::Value;
  if (!db->CatalogSnapshot().Tables().empty()) return ruzu::Status::OK();
  ASSIGN_OR_RETURN(auto txn, db->Begin(ruzu::TransactionMode::kReadWrite));
  ASSIGN_OR_RETURN(auto person, txn->CreateNodeTable("Person",
                                                     {{"id", LogicalType::kInt64},
                                                      {"name", LogicalType::kString},
                                                      {"born", LogicalType::kDate}},
                                                     "id"));
  (void)person;
  ASSIGN_OR_RETURN(auto city, txn->CreateNodeTable("City", {{"name", LogicalType::kString}}, "name"));
  (void)city;
  ASSIGN_OR_RETURN(auto knows, txn->CreateRelTable("Knows", "Person", "Person", {{"since", LogicalType::kInt64}}));
  (void)knows;
  ASSIGN_OR_RETURN(auto lives, txn->CreateRelTable("LivesIn", "Person", "City", {}));
  (void)lives;
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

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  bool stats = false, verify = false, dump = false, demo = false;
  ruzu::DatabaseOptions options;
  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    if (arg == "--stats") {
      stats = true;
    } else if (arg == "--verify") {
      verify = true;
    } else if (arg == "--dump") {
      dump = true;
    } else if (arg == "--demo") {
      demo = true;
    } else if (arg == "--read-only") {
      options.read_only = true;
    } else if (arg == "-h" || arg == "--help") {
      Usage();
      return 0;
    } else if (!arg.empty() && arg[0] == '-') {
      std::fprintf(stderr, "ruzu: unknown option %s\n", arg.c_str());
      return Usage();
    } else if (path.empty()) {
      path = arg;
    } else {
      return Usage();
    }
  }
  if (path.empty()) return Usage();
  if (!verify && !dump) stats = true;

  auto db = ruzu::Database::Open(path, options);
  if (!db.ok()) {
    std::fprintf(stderr, "ruzu: %s\n", db.status().ToString().c_str());
    return 1;
  }
  if (demo) {
    ruzu::Status s = AddDemo(db->get());
    if (!s.ok()) {
      std::fprintf(stderr, "ruzu: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  int rc = 0;
  if (stats) {
    ruzu::DatabaseStats st = (*db)->Stats();
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
  if (verify) {
    auto problems = (*db)->Verify();
    if (!problems.ok()) {
      std::fprintf(stderr, "ruzu: verify: %s\n", problems.status().ToString().c_str());
      rc = 1;
    } else if (problems->empty()) {
      std::printf("verify: OK\n");
    } else {
      for (const auto& p : *problems) std::printf("verify: %s\n", p.c_str());
      std::printf("verify: %zu problem(s)\n", problems->size());
      rc = 1;
    }
  }
  if (dump) {
    auto text = (*db)->Dump();
    if (!text.ok()) {
      std::fprintf(stderr, "ruzu: dump: %s\n", text.status().ToString().c_str());
      rc = 1;
    } else {
      std::fputs(text->c_str(), stdout);
    }
  }
  ruzu::Status s = (*db)->Close();
  if (!s.ok()) {
    std::fprintf(stderr, "ruzu: %s\n", s.ToString().c_str());
    rc = 1;
  }
  return rc;
}
