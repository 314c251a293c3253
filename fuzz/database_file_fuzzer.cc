// Fuzz target: opening damaged database files (db/database.h).
//
// Input: one flags byte, then patches of 5 bytes each (at most kMaxPatches):
//   flags: bit 0   re-seal: after patching, recompute every page checksum,
//                  the manifest CRCs in both header slots and the WAL's
//                  header and record CRCs, so the damage reaches the code
//                  behind the checksums (the engine has no checksum bypass);
//          bit 1   open read-only;
//          bits 2-3 which sample database (fuzz/sample_db.h; kTwoGroups
//                  only with bit 7 set, else kCheckpointAndWal);
//          bit 4   after the reads, write a node, checkpoint, close, reopen;
//          bit 5   checkpoint_on_close;
//          bit 6   remove the WAL file;
//          bit 7   see bits 2-3.
//   patch: [op][offset u24 little-endian][value]
//          op bit 0: the WAL (1) or the data file (0);
//          op bits 1-2: 0 set the byte at offset (mod size) to value,
//                       1 XOR it with value,
//                       2 write the u64 kInteresting[value % n] there,
//                       3 truncate the file to offset (mod size + 1).
//
// The patched files are written to a fresh in-memory file system, then:
// Database::Open, Verify, Dump (not of kTwoGroups), queries through Connection over every table
// of the catalog, and (bit 4) a write, checkpoint and reopen.
//
// Oracle: no crash, hang or sanitizer report; every error is typed (not
// kInternal); a read-only open changes no file; and when a database that
// opened, verified clean and dumped takes a write, checkpoint and close
// without error, it reopens and verifies clean.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/checksum.h"
#include "common/status.h"
#include "db/connection.h"
#include "db/database.h"
#include "fuzz/fuzz_targets.h"
#include "fuzz/fuzz_util.h"
#include "fuzz/sample_db.h"
#include "query/ast.h"
#include "storage/page_file.h"
#include "storage/testing/fault_injection_file_system.h"
#include "wal/wal_format.h"

namespace ruzu::fuzz {
namespace {

constexpr size_t kMaxPatches = 64;

// Values written by patch kind 2: sizes, counts and ids at their edges.
// clang-format off
constexpr uint64_t kInteresting[] = {
    0, 1, 2, 3, 7, 0x7F, 0x80, 0xFF, 0x100, 4088, 4095, 4096, 4097, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000,
    0xFFFFFFFF, uint64_t{1} << 32, uint64_t{1} << 40, uint64_t{1} << 62, ~uint64_t{0} >> 1, uint64_t{1} << 63,
    ~uint64_t{0} - 1, ~uint64_t{0}};
// clang-format on

uint64_t Load64(const std::string& s, size_t at) {
  uint64_t v = 0;
  std::memcpy(&v, s.data() + at, sizeof(v));
  return v;
}

void Store32(std::string* s, size_t at, uint32_t v) { std::memcpy(s->data() + at, &v, sizeof(v)); }

void ApplyPatch(std::string* file, uint8_t kind, uint32_t offset, uint8_t value) {
  if (kind == 3) {
    file->resize(offset % (file->size() + 1));
    return;
  }
  if (file->empty()) return;
  const size_t at = offset % file->size();
  switch (kind) {
    case 0:
      (*file)[at] = static_cast<char>(value);
      break;
    case 1:
      (*file)[at] = static_cast<char>((*file)[at] ^ value);
      break;
    case 2: {
      const uint64_t v = kInteresting[value % (sizeof(kInteresting) / sizeof(kInteresting[0]))];
      const size_t n = std::min<size_t>(8, file->size() - at);
      std::memcpy(file->data() + at, &v, n);
      break;
    }
  }
}

// Recomputes the checksums of docs/FILE_FORMAT.md over the patched bytes.
void ResealDataFile(std::string* file) {
  const size_t pages = file->size() / kPageSize;
  if (pages == 0) return;
  // The manifest CRC in each header slot, over the pages that slot names.
  for (size_t slot = 0; slot < 2 && slot < pages; slot++) {
    const size_t base = slot * kPageSize;
    const uint64_t first = Load64(*file, base + 28);
    const uint64_t bytes = Load64(*file, base + 44);
    if (first >= pages || bytes > (pages - first) * uint64_t{kPagePayloadSize}) continue;
    uint32_t crc = 0;
    for (uint64_t done = 0, page = first; done < bytes; page++) {
      const uint64_t n = std::min<uint64_t>(kPagePayloadSize, bytes - done);
      crc = Crc32c(file->data() + page * kPageSize, n, crc);
      done += n;
    }
    Store32(file, base + 52, crc);
  }
  const uint64_t database_id = Load64(*file, 12);
  for (size_t page = 0; page < pages; page++) {
    char* p = file->data() + page * kPageSize;
    const uint64_t id = page < kFirstDataPage ? 0 : database_id;
    const uint32_t crc = PageFile::PageChecksum(page, id, p);
    std::memcpy(p + kPagePayloadSize, &crc, sizeof(crc));
    std::memset(p + kPagePayloadSize + 4, 0, 4);
  }
}

void ResealWal(std::string* wal) {
  if (wal->size() < kWalHeaderSize) return;
  Store32(wal, kWalHeaderCrcOffset, Crc32c(wal->data(), kWalHeaderCrcOffset));
  uint64_t at = kWalHeaderSize;
  while (at + kWalRecordHeaderSize <= wal->size()) {
    uint32_t length = 0;
    std::memcpy(&length, wal->data() + at, sizeof(length));
    const uint64_t frame = WalFrameSize(length);
    if (length > kWalMaxPayloadSize || frame > wal->size() - at) break;
    uint32_t crc = Crc32c(wal->data() + at + 8, kWalRecordHeaderSize - 8);
    crc = Crc32c(wal->data() + at + kWalRecordHeaderSize, length, crc);
    Store32(wal, at + 4, crc);
    at += frame;
  }
}

void CheckStatus(const Status& s, const std::string& what) {
  RUZU_FUZZ_CHECK(s.ok() || IsTypedError(s.code()), what + " returned an untyped error: " + s.ToString());
}

// A literal matching the sample databases' keys, of the key's type.
std::string KeyLiteral(const TableSchema& t) {
  if (t.primary_key >= t.properties.size()) return "1";
  return t.properties[t.primary_key].type == LogicalType::kString ? "'p3'" : "2";
}

// Queries over whatever tables the (possibly damaged) catalog has; fewer for
// a big database (scans cost ~100 ms there under ASan). Returns false if any
// failed.
bool RunQueries(Database* db, bool big) {
  bool all_ok = true;
  const Catalog catalog = db->CatalogSnapshot();
  std::vector<std::string> queries = {"CALL show_tables() RETURN *"};
  size_t tables = 0;
  for (const TableSchema* t : catalog.Tables()) {
    if (++tables > 8) break;
    const std::string name = query::QuoteSchemaName(t->name);
    queries.push_back("CALL table_info('" + t->name + "') RETURN *");
    if (t->is_node()) {
      queries.push_back("MATCH (n:" + name + ") RETURN n LIMIT 100");
      queries.push_back("MATCH (n:" + name + ") RETURN count(*)");
      if (t->primary_key < t->properties.size()) {
        const std::string key = query::QuoteSchemaName(t->properties[t->primary_key].name);
        queries.push_back("MATCH (n:" + name + " {" + key + ": " + KeyLiteral(*t) + "}) RETURN n");
      }
      if (!big && !t->properties.empty()) {
        // Every column, sorted by all of them.
        std::string columns, order;
        for (const PropertyDef& p : t->properties) {
          const std::string prop = "n." + query::QuoteSchemaName(p.name);
          columns += (columns.empty() ? "" : ", ") + prop;
          order += (order.empty() ? "" : ", ") + prop + " DESC";
        }
        queries.push_back("MATCH (n:" + name + ") RETURN " + columns + " ORDER BY " + order + " LIMIT 3");
      }
    } else {
      queries.push_back("MATCH (a)<-[r:" + name + "]-(b) RETURN count(*)");
      if (big) continue;
      queries.push_back("MATCH (a)-[r:" + name + "]->(b) RETURN a, r, b LIMIT 100");
      queries.push_back("MATCH (a)-[:" + name + "*1..2]->(b) RETURN count(*)");
    }
  }
  Connection conn(db);
  for (const std::string& q : queries) {
    auto r = conn.Query(q);
    CheckStatus(r.status(), q);
    all_ok = all_ok && r.ok();
  }
  return all_ok;
}

struct Outcome {
  bool opened = false;
  bool healthy = false;  // opened, Verify found nothing, Dump and queries worked
};

Outcome OpenAndRead(FaultInjectionFileSystem* fs, const DatabaseOptions& options, bool big,
                    std::unique_ptr<Database>* db_out) {
  Outcome out;
  auto db = Database::Open("db", options);
  if (!db.ok()) {
    CheckStatus(db.status(), "Database::Open");
    return out;
  }
  out.opened = true;
  auto problems = (*db)->Verify();
  CheckStatus(problems.status(), "Verify");
  Result<std::string> dump("");
  if (!big) {
    dump = (*db)->Dump();
    CheckStatus(dump.status(), "Dump");
  }
  (void)(*db)->Stats();
  const bool queries_ok = RunQueries(db->get(), big);
  out.healthy = problems.ok() && problems->empty() && dump.ok() && queries_ok;
  *db_out = std::move(*db);
  return out;
}

}  // namespace

int DatabaseFileOneInput(const uint8_t* data, size_t size) {
  QuietLogging();
  ByteReader in(data, size);
  const uint8_t flags = in.U8();
  const bool reseal = (flags & 1) != 0;
  const bool read_only = (flags & 2) != 0;
  // The big database costs ~20x more per run than the others: only one
  // input in eight uses it.
  auto which = static_cast<SampleDb>((flags >> 2) & 3);
  if (which == SampleDb::kTwoGroups && (flags & 128) == 0) which = SampleDb::kCheckpointAndWal;
  const bool big = which == SampleDb::kTwoGroups;
  const bool write = (flags & 16) != 0 && !read_only;
  const bool remove_wal = (flags & 64) != 0;

  const DbImage& sample = GetSampleDb(which);
  std::string file = sample.data;
  std::string wal = sample.wal;
  for (size_t i = 0; i < kMaxPatches && in.remaining() >= 5; i++) {
    const uint8_t op = in.U8();
    const uint32_t offset = in.U24();
    const uint8_t value = in.U8();
    ApplyPatch((op & 1) != 0 ? &wal : &file, (op >> 1) & 3, offset, value);
  }
  if (reseal) {
    ResealDataFile(&file);
    ResealWal(&wal);
  }

  FaultInjectionFileSystem fs;
  Status s = fs.WriteFileContents("db", file, /*durable=*/true);
  RUZU_FUZZ_CHECK(s.ok(), s.ToString());
  if (!remove_wal) {
    s = fs.WriteFileContents("db.wal", wal, /*durable=*/true);
    RUZU_FUZZ_CHECK(s.ok(), s.ToString());
  }

  DatabaseOptions options;
  options.file_system = &fs;
  options.read_only = read_only;
  options.create_if_missing = false;
  options.checkpoint_on_close = (flags & 32) != 0;
  options.buffer_pool_bytes = size_t{2} << 20;

  std::unique_ptr<Database> db;
  Outcome first = OpenAndRead(&fs, options, big, &db);
  if (db != nullptr) {
    bool wrote = false;
    if (write) {
      Connection conn(db.get());
      auto r = conn.Query("CREATE (:Person {name: 'fuzz', age: 1})");
      CheckStatus(r.status(), "CREATE");
      Status c = db->Checkpoint();
      CheckStatus(c, "Checkpoint");
      wrote = r.ok() && c.ok();
    }
    Status c = db->Close();
    CheckStatus(c, "Close");
    db.reset();
    if (write) {
      options.checkpoint_on_close = false;
      std::unique_ptr<Database> again;
      Outcome second = OpenAndRead(&fs, options, big, &again);
      if (first.healthy && wrote && c.ok()) {
        RUZU_FUZZ_CHECK(second.healthy,
                        "a healthy database took a write and a checkpoint, then did not reopen "
                        "healthy (opened: " +
                            std::to_string(second.opened) + ")");
      }
    }
  }

  if (read_only) {
    auto file_after = fs.ReadFileContents("db");
    RUZU_FUZZ_CHECK(file_after.ok() && *file_after == file, "a read-only open changed the data file");
    auto wal_after = fs.ReadFileContents("db.wal");
    if (remove_wal) {
      RUZU_FUZZ_CHECK(!wal_after.ok(), "a read-only open created the WAL");
    } else {
      RUZU_FUZZ_CHECK(wal_after.ok() && *wal_after == wal, "a read-only open changed the WAL");
    }
  }
  return 0;
}

}  // namespace ruzu::fuzz
