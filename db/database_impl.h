// Internals of Database and Transaction (not part of the public API).
#ifndef RUZU_DB_DATABASE_IMPL_H_
#define RUZU_DB_DATABASE_IMPL_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "db/database.h"
#include "storage/buffer_pool.h"
#include "storage/bulk_loader.h"
#include "storage/file_system.h"
#include "storage/free_space_map.h"
#include "storage/page_file.h"
#include "storage/table_data.h"
#include "wal/wal_writer.h"

namespace ruzu {

// WAL record types of the db layer (the WAL reserves types below 16).
enum DbRecordType : uint8_t {
  kWalCreateTable = 16,
  kWalInsertNode = 17,
  kWalInsertRel = 18,
  kWalSetNodeProperty = 19,
  kWalSetRelProperty = 20,
  kWalDeleteNode = 21,
  kWalDeleteRel = 22,
  // kWalCreateTable plus, per property, u8 flags (1: SERIAL, 2: a default
  // follows) and the default value. Written only when a property uses them,
  // so older WALs read as before.
  kWalCreateTableWithOptions = 23,
};

// Per committed table: node rows, or the next relationship id. Relationship
// ids are dense and never reused, so ids below the mark are exactly the
// relationships a snapshot sees.
using Watermarks = std::map<TableId, uint64_t>;

// Where COPY FROM stages relationships beyond its memory budget.
inline std::string CopySpillPath(const std::string& path) { return path + ".copy-spill"; }

// A bulk import or schema change ready to commit: one table's new state,
// written to pages that are free in the current manifest.
struct StagedImport {
  static constexpr TableId kNoTable = ~TableId{0};
  TableId table = kNoTable;  // whose manifest entry comes from `node` / `rel`
  std::optional<StagedNodeTable> node;
  std::optional<StagedRelTable> rel;
  // The free space after the import's allocations, and the base pages its
  // table no longer uses.
  std::optional<FreeSpaceMap> space;
  std::vector<PageExtent> freed;
  // Schema changes: applied to the catalog and table objects under the
  // exclusive lock just before the manifest is built, undone if the
  // checkpoint fails.
  std::function<Status()> apply;
  std::function<void()> undo;
};

// DROP TABLE and ALTER TABLE. They run like COPY: with the writer role, no
// read-only transaction open and the WAL folded in first, and commit by a
// checkpoint whose manifest has the new schema (nothing goes through the WAL).
struct SchemaChange {
  enum class Kind { kDropTable, kAddProperty, kDropProperty, kRenameTable, kRenameProperty };
  Kind kind = Kind::kDropTable;
  std::string table;
  std::string property;  // kAddProperty (the new one), kDropProperty, kRenameProperty
  std::string new_name;  // kRenameTable, kRenameProperty
  LogicalType type = LogicalType::kInt64;  // kAddProperty
  Value fill;  // kAddProperty: the value of existing rows (NULL unless DEFAULT)
};

class Database::Impl {
 public:
  Impl(std::string path, DatabaseOptions options);
  ~Impl();

  Status Open();
  Status Close();
  // REQUIRES: the caller holds the writer role (writer_active) or is Open().
  // With `staged`, the new manifest also commits that bulk import.
  Status CheckpointLocked(const StagedImport* staged = nullptr);
  // The free space of the current manifest (read on first use).
  // REQUIRES: the writer role.
  Result<FreeSpaceMap> CurrentFreeSpace();
  // REQUIRES: the writer role (an open write transaction that wrote nothing).
  Status ChangeSchema(const SchemaChange& change);

  // Applying changes; the same code serves live transactions and WAL replay.
  // REQUIRES: mutex held exclusively.
  Status ApplyCreateTable(TableSchema schema);
  Status ApplyInsertNode(TableId table, uint64_t offset, std::vector<Value> values);
  Status ApplyInsertRel(TableId table, uint64_t rel_id, uint64_t src, uint64_t dst,
                        std::vector<Value> values);
  Status ApplySetProperty(TableId table, uint64_t row, uint32_t property, Value value);
  Status ApplyDeleteNode(TableId table, uint64_t offset);
  Status ApplyDeleteRel(TableId table, uint64_t rel_id, uint64_t src, uint64_t dst);
  Status ApplyRecord(uint8_t type, const std::string& payload);
  // Makes the pending versioned changes (updates, deletions) part of commit
  // number `seq`, or drops them. REQUIRES: mutex held exclusively.
  void CommitVersions(uint64_t seq);
  void RollbackVersions();
  bool HasVersions() const;
  // The writer's savepoint of every table, and rolling back to such a map:
  // tables missing from it were created later and are dropped.
  // REQUIRES: mutex held (exclusively to roll back).
  std::map<TableId, TableSavepoint> TableSavepoints() const;
  void RollbackToSavepoints(const std::map<TableId, TableSavepoint>& tables);
  // Live row count / next relationship id of a table.
  uint64_t LiveMark(const TableSchema& schema) const;
  Watermarks LiveMarks() const;
  // Drops everything not in `committed` (rollback).
  void RollbackTo(const Watermarks& committed);

  Status CheckWritable() const;
  // The free extents the current manifest lists (read from their blob).
  Result<std::vector<PageExtent>> ReadFreeList() const;
  void KillPoint(const char* point) const {
    if (options_.kill_point) options_.kill_point(point);
  }

  Result<std::vector<std::string>> Verify();
  Result<std::string> Dump();
  DatabaseStats Stats() const;

  // Configuration and files.
  std::string path_;
  DatabaseOptions options_;
  FileSystem* fs_ = nullptr;
  std::unique_ptr<PageFile> pager_;
  std::unique_ptr<BufferPool> pool_;
  std::unique_ptr<WalWriter> wal_;
  DatabaseHeader header_;
  int header_slot_ = 0;
  // Whether the other header slot was damaged when the database was opened.
  bool header_slot_damaged_ = false;

  // The current manifest, read in place. Table data points into it.
  std::unique_ptr<uint8_t[]> manifest_buffer_;
  size_t manifest_size_ = 0;
  // Decoded from the manifest at the first checkpoint, not at open.
  std::optional<FreeSpaceMap> free_space_;

  // Shared state. Readers hold mutex_ shared for each call; the writer holds
  // it exclusively while it changes data, commits or checkpoints.
  mutable std::shared_mutex mutex_;
  Catalog catalog_;
  std::map<TableId, std::unique_ptr<NodeTableData>> nodes_;
  std::map<TableId, std::unique_ptr<RelTableData>> rels_;
  Watermarks committed_;

  std::atomic<bool> writer_active_{false};
  std::atomic<int> open_transactions_{0};
  std::atomic<int> open_readers_{0};
  // Number of the last commit; read-only transactions see versions up to
  // the value when they began.
  uint64_t commit_seq_ = 0;
  uint64_t next_txn_id_ = 1;
  bool closed_ = false;
  // Sticky: after a failed fsync nothing more is written until reopen.
  Status poisoned_;

 private:
  Status CreateNew();
  Status LoadManifest();
  Status InstallInitialManifest();
  Status Recover();
  // Builds the next manifest, writing changed table data and the free list
  // to new pages. Returns its bytes, the pages reserved for it and the free
  // space it describes.
  Result<std::unique_ptr<uint8_t[]>> BuildManifest(size_t* size, PageExtent* extent, FreeSpaceMap* after,
                                                   const StagedImport* staged);
  Status LoadFreeSpaceLocked();
};

// What Transaction::RollbackToSavepoint restores: the tables that existed,
// each with its rows and pending changes, the transaction's buffered WAL
// records and whether it had written anything.
class Savepoint::Impl {
 public:
  std::map<TableId, TableSavepoint> tables;
  size_t wal_bytes = 0;
  bool wrote = false;
};

class Transaction::Impl {
 public:
  Database::Impl* db = nullptr;
  bool write = false;
  bool active = true;
  bool wrote = false;
  uint64_t txn_id = 0;
  // Readers: what they see. Writers: the committed state at begin (rollback target).
  Watermarks marks;
  // Versions visible to this transaction: the commit number at begin for
  // readers, kSeeAll for the writer (which sees its own pending changes).
  uint64_t visible = kSeeAll;
  // The writer's savepoints that can still be rolled back to, oldest first.
  std::vector<std::weak_ptr<const Savepoint::Impl>> savepoints;

  void End();
  // The schema of a visible table named `name`, of the wanted kind.
  Result<const TableSchema*> FindTable(const std::string& name, TableKind kind) const;
  uint64_t Mark(const TableSchema& schema) const;
  Status CheckActive() const;
  Status CheckWritable() const;
  // NotFound unless node `offset` exists and is not deleted for this transaction.
  Status CheckNode(const TableSchema& schema, uint64_t offset) const;
  // The index of `property`, converting `value` to its type (errors name both).
  Result<uint32_t> PropertyIndex(const TableSchema& schema, const std::string& property, Value* value) const;
  // The destination of relationship `rel_id` leaving `src_offset`, if visible.
  Result<uint64_t> FindRel(const TableSchema& schema, uint64_t src_offset, uint64_t rel_id) const;
  // Logs and applies a property update of node offset / relationship id
  // `row`. REQUIRES: the writer holds mutex_ exclusively; `value` is typed.
  Status SetPropertyLocked(const TableSchema& schema, uint64_t row, uint32_t index, Value value);
  // REQUIRES: the writer holds mutex_ exclusively.
  Status DeleteRelLocked(const TableSchema& schema, uint64_t src_offset, uint64_t rel_id);
  Result<TableId> CreateTable(const std::function<Result<TableId>(Catalog*)>& create);
};

}  // namespace ruzu

#endif  // RUZU_DB_DATABASE_IMPL_H_
