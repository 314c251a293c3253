// In-memory view of table data: the checkpointed base, read in place from
// the manifest through the buffer pool, plus the committed changes since the
// last checkpoint (the delta). A checkpoint writes the changed groups to new
// pages (copy-on-write) and the new manifest points at them; SetBase() then
// installs it and clears the delta.
//
// Thread-safety: const methods may run concurrently; mutators need exclusive
// access (the db layer's commit lock).
#ifndef RUZU_STORAGE_TABLE_DATA_H_
#define RUZU_STORAGE_TABLE_DATA_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "common/types.h"
#include "storage/buffer_pool.h"
#include "storage/csr.h"
#include "storage/free_space_map.h"
#include "storage/format/manifest_generated.h"
#include "storage/pk_index.h"

namespace ruzu {

// What a checkpoint of one table produced: new pages are in use, `freed`
// lists pages the old manifest used that the new one does not.
struct CheckpointContext {
  flatbuffers::FlatBufferBuilder* builder = nullptr;
  FreeSpaceMap* space = nullptr;
  BufferPool* pool = nullptr;
  std::vector<PageExtent> freed;
};

// Versioned changes (updates, deletions) carry the sequence number of the
// commit that made them. A reader whose snapshot is s sees versions with
// seq <= s. The open write transaction's changes carry kPendingVersion and are
// seen only with kSeeAll (the writer's own view, and checkpoints).
constexpr uint64_t kPendingVersion = ~uint64_t{0};
constexpr uint64_t kSeeAll = ~uint64_t{0};

// A point inside the open write transaction that a table can roll back to
// (a savepoint): its rows (node rows, or relationship ids, which are the rows
// of its properties) and how many pending updates and deletions it had.
struct TableSavepoint {
  uint64_t rows = 0;
  size_t pending_versions = 0;
  size_t pending_deletes = 0;
};

// Rows in groups of kNodeGroupSize, one chunk per column per group.
class ColumnStore {
 public:
  friend class ColumnStoreLoader;
  friend Result<struct StagedColumnStore> RewriteColumns(const ColumnStore& store,
                                                         const std::vector<struct ColumnSource>& columns,
                                                         FreeSpaceMap* space, BufferPool* pool,
                                                         std::vector<PageExtent>* freed);
  explicit ColumnStore(std::vector<LogicalType> types) : types_(std::move(types)) {}

  // Installs the checkpointed state (nullptr: empty) and drops the delta.
  // Validates the metadata: a corrupt manifest is an error, not a crash.
  Status SetBase(const format::ColumnStore* base);

  uint64_t num_rows() const { return base_rows_ + appended_rows_; }
  const std::vector<LogicalType>& types() const { return types_; }
  // REQUIRES: one value per column, each of the column's type or NULL.
  void Append(std::vector<Value> row);

  Result<Value> Get(BufferPool* pool, uint64_t row, uint32_t column, uint64_t visible = kSeeAll) const;
  // Appends rows [begin, begin + count) of `column` to `out`, as a reader
  // with snapshot `visible` sees them.
  Status Scan(BufferPool* pool, uint32_t column, uint64_t begin, uint64_t count, std::vector<Value>* out,
              uint64_t visible = kSeeAll) const;

  // Sets a value as a pending version (REQUIRES: row < num_rows(), the value
  // of the column's type or NULL). The value it replaces stays readable for
  // older snapshots.
  Status Update(BufferPool* pool, uint64_t row, uint32_t column, Value value);
  // Pending versions become versions of commit `seq`, or are dropped.
  void CommitVersions(uint64_t seq);
  void RollbackVersions();
  bool has_versions() const { return versioned_cells_ > 0; }
  // Pending versions so far, and dropping those added after the first
  // `count` (rollback to a savepoint).
  size_t pending_versions() const { return pending_.size(); }
  void RollbackVersionsTo(size_t count);

  // Drops appended rows at and after `rows` (rollback).
  // REQUIRES: rows >= the checkpointed row count.
  void Truncate(uint64_t rows);

  bool dirty() const { return appended_rows_ > 0 || has_versions(); }
  Result<flatbuffers::Offset<format::ColumnStore>> Checkpoint(CheckpointContext* ctx) const;
  // Every page the base uses (for verification).
  Status CollectExtents(BufferPool* pool, std::vector<PageExtent>* out) const;

 private:
  // The chunk of `column` in checkpointed group `group`, validated.
  Result<format::ChunkMeta> BaseChunk(BufferPool* pool, uint64_t group, uint32_t column) const;

  std::vector<LogicalType> types_;
  uint64_t base_rows_ = 0;
  PageExtent directory_;  // ChunkMeta per (group, column)
  uint64_t appended_rows_ = 0;
  std::vector<std::vector<Value>> appended_;  // per column
  struct Version {
    uint64_t seq;
    Value value;
  };
  // Per column: row -> versions, oldest first; the first is the value before
  // the first update (seq 0), so every snapshot finds one.
  std::vector<std::unordered_map<uint64_t, std::vector<Version>>> versions_;
  std::vector<std::pair<uint64_t, uint32_t>> pending_;  // (row, column) per pending version
  uint64_t versioned_cells_ = 0;
};

// A node table: columns, the primary-key index and deleted rows. Offsets
// are stable: a deleted row keeps its offset (and is skipped) for good.
class NodeTableData {
 public:
  friend class NodeTableLoader;
  friend class NodeKeyMap;
  NodeTableData(std::vector<LogicalType> types, uint32_t primary_key);

  Status SetBase(const format::NodeTable* base);
  const ColumnStore& columns() const { return columns_; }
  ColumnStore& mutable_columns() { return columns_; }
  uint64_t num_rows() const { return columns_.num_rows(); }
  uint32_t primary_key() const { return primary_key_; }

  // The offset of the row below `row_limit`, not deleted for `visible`,
  // whose key equals `key`, if any.
  Result<std::optional<uint64_t>> Lookup(BufferPool* pool, const Value& key, uint64_t row_limit = ~uint64_t{0},
                                         uint64_t visible = kSeeAll) const;
  // REQUIRES: the key is not NULL and not present (checked by the caller).
  void Append(std::vector<Value> row);
  // Drops rows at and after `rows` and their keys (rollback).
  void Truncate(uint64_t rows);

  // Marks a row deleted (pending). REQUIRES: not deleted for kSeeAll.
  Status Delete(BufferPool* pool, uint64_t row);
  Result<bool> IsDeleted(BufferPool* pool, uint64_t row, uint64_t visible) const;
  // Rows below `row_limit` deleted as `visible` sees it.
  Result<uint64_t> DeletedCount(BufferPool* pool, uint64_t row_limit, uint64_t visible) const;
  void CommitVersions(uint64_t seq);
  void RollbackVersions();
  bool has_versions() const { return columns_.has_versions() || !deleted_.empty(); }
  // The table's point in the write transaction now, and dropping the rows,
  // updates and deletions that came after such a point.
  TableSavepoint CreateSavepoint() const;
  void RollbackToSavepoint(const TableSavepoint& savepoint);

  bool dirty() const { return columns_.dirty() || !deleted_.empty(); }
  struct Checkpointed {
    flatbuffers::Offset<format::ColumnStore> columns;
    PageExtent pk_index;
    uint64_t pk_entries = 0;
    PageExtent deleted;
    uint64_t deleted_count = 0;
  };
  Result<Checkpointed> Checkpoint(CheckpointContext* ctx) const;
  Status CollectExtents(BufferPool* pool, std::vector<PageExtent>* out) const;
  // Checks that the index maps every live key to its row and nothing else.
  Status VerifyIndex(BufferPool* pool, std::vector<std::string>* problems) const;

 private:
  static std::string DeltaKey(const Value& key);
  // Rows deleted at the last checkpoint, loaded on first use.
  Result<const std::vector<uint64_t>*> BaseDeleted(BufferPool* pool) const;

  ColumnStore columns_;
  uint32_t primary_key_;
  PkIndex pk_index_;
  // Key -> rows inserted since the checkpoint (several when a key was
  // deleted and inserted again).
  std::unordered_map<std::string, std::vector<uint64_t>> delta_keys_;
  PageExtent base_deleted_extent_{kInvalidPageId, 0};
  uint64_t base_deleted_count_ = 0;
  mutable std::mutex base_deleted_mu_;
  mutable std::unique_ptr<std::vector<uint64_t>> base_deleted_;  // sorted
  std::unordered_map<uint64_t, uint64_t> deleted_;  // row -> seq, since the checkpoint
  std::vector<uint64_t> pending_deletes_;
};

enum class Direction : uint8_t { kForward = 0, kBackward = 1 };

// A relationship table: forward CSR (by source), backward CSR (by
// destination) and properties stored once, indexed by relationship id.
class RelTableData {
 public:
  friend class RelTableLoader;
  explicit RelTableData(std::vector<LogicalType> types);

  Status SetBase(const format::RelTable* base);
  uint64_t next_rel_id() const { return next_rel_id_; }
  uint64_t num_edges() const { return num_edges_; }  // including pending changes
  const ColumnStore& properties() const { return properties_; }

  // REQUIRES: rel_id == next_rel_id(); `row` as for ColumnStore::Append.
  void Insert(uint64_t src, uint64_t dst, uint64_t rel_id, std::vector<Value> row);
  // Drops relationships with ids at and after `next_rel_id` (rollback).
  void Truncate(uint64_t next_rel_id);
  ColumnStore& mutable_properties() { return properties_; }

  // Appends the edges of `node` in `direction` that `visible` sees to `out`:
  // checkpointed edges first, then newer ones in insertion order.
  Status Neighbours(BufferPool* pool, Direction direction, uint64_t node, std::vector<CsrEdge>* out,
                    uint64_t visible = kSeeAll) const;

  // Marks a relationship deleted (pending). REQUIRES: it exists, with these
  // ends, and is not deleted for kSeeAll.
  void Delete(uint64_t rel_id, uint64_t src, uint64_t dst);
  bool IsDeleted(uint64_t rel_id, uint64_t visible) const;
  // Live relationships for a reader whose mark is `next_rel_id`.
  uint64_t CountVisible(uint64_t next_rel_id, uint64_t visible) const;
  void CommitVersions(uint64_t seq);
  void RollbackVersions();
  bool has_versions() const { return properties_.has_versions() || !deleted_.empty(); }
  // The table's point in the write transaction now, and dropping the
  // relationships, updates and deletions that came after such a point.
  TableSavepoint CreateSavepoint() const;
  void RollbackToSavepoint(const TableSavepoint& savepoint);

  bool dirty() const { return properties_.dirty() || !deleted_.empty(); }
  struct Checkpointed {
    flatbuffers::Offset<format::CsrDirection> forward, backward;
    flatbuffers::Offset<format::ColumnStore> properties;
  };
  // `src_rows`/`dst_rows`: rows of the node tables at either end.
  Result<Checkpointed> Checkpoint(CheckpointContext* ctx, uint64_t src_rows, uint64_t dst_rows) const;
  Status CollectExtents(BufferPool* pool, std::vector<PageExtent>* out) const;

 private:
  struct DirectionData {
    uint64_t num_groups = 0;  // checkpointed CSR groups
    uint64_t base_edges = 0;  // edges in them
    PageExtent directory;     // CsrGroupMeta per group
    std::unordered_map<uint64_t, std::vector<CsrEdge>> delta;
  };
  Result<format::CsrGroupMeta> GroupMeta(BufferPool* pool, const DirectionData& d, uint64_t group) const;
  Result<flatbuffers::Offset<format::CsrDirection>> CheckpointDirection(
      CheckpointContext* ctx, const DirectionData& d, uint64_t bound_rows) const;

  struct Tombstone {
    uint64_t seq;
    uint64_t src, dst;
  };

  ColumnStore properties_;
  DirectionData directions_[2];
  uint64_t next_rel_id_ = 0;
  uint64_t base_next_rel_id_ = 0;
  uint64_t num_edges_ = 0;  // live, including the writer's pending changes
  std::unordered_map<uint64_t, Tombstone> deleted_;  // since the checkpoint
  std::vector<uint64_t> pending_deletes_;
};

}  // namespace ruzu

#endif  // RUZU_STORAGE_TABLE_DATA_H_
