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

// Rows in groups of kNodeGroupSize, one chunk per column per group.
class ColumnStore {
 public:
  explicit ColumnStore(std::vector<LogicalType> types) : types_(std::move(types)) {}

  // Installs the checkpointed state (nullptr: empty) and drops the delta.
  // Validates the metadata: a corrupt manifest is an error, not a crash.
  Status SetBase(const format::ColumnStore* base);

  uint64_t num_rows() const { return base_rows_ + appended_rows_; }
  const std::vector<LogicalType>& types() const { return types_; }
  // REQUIRES: one value per column, each of the column's type or NULL.
  void Append(std::vector<Value> row);

  Result<Value> Get(BufferPool* pool, uint64_t row, uint32_t column) const;
  // Appends rows [begin, begin + count) of `column` to `out`.
  Status Scan(BufferPool* pool, uint32_t column, uint64_t begin, uint64_t count,
              std::vector<Value>* out) const;

  // Drops appended rows at and after `rows` (rollback).
  // REQUIRES: rows >= the checkpointed row count.
  void Truncate(uint64_t rows);

  bool dirty() const { return appended_rows_ > 0; }
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
};

// A node table: columns plus the primary-key index.
class NodeTableData {
 public:
  NodeTableData(std::vector<LogicalType> types, uint32_t primary_key);

  Status SetBase(const format::NodeTable* base);
  const ColumnStore& columns() const { return columns_; }
  uint64_t num_rows() const { return columns_.num_rows(); }
  uint32_t primary_key() const { return primary_key_; }

  // The offset of the node whose key equals `key`, if any.
  Result<std::optional<uint64_t>> Lookup(BufferPool* pool, const Value& key) const;
  // REQUIRES: the key is not NULL and not present (checked by the caller).
  void Append(std::vector<Value> row);
  // Drops rows at and after `rows` and their keys (rollback).
  void Truncate(uint64_t rows);

  bool dirty() const { return columns_.dirty(); }
  struct Checkpointed {
    flatbuffers::Offset<format::ColumnStore> columns;
    PageExtent pk_index;
    uint64_t pk_entries = 0;
  };
  Result<Checkpointed> Checkpoint(CheckpointContext* ctx) const;
  Status CollectExtents(BufferPool* pool, std::vector<PageExtent>* out) const;
  // Checks that the index maps every key to its row and nothing else.
  Status VerifyIndex(BufferPool* pool, std::vector<std::string>* problems) const;

 private:
  static std::string DeltaKey(const Value& key);

  ColumnStore columns_;
  uint32_t primary_key_;
  PkIndex pk_index_;
  std::unordered_map<std::string, uint64_t> delta_keys_;
};

enum class Direction : uint8_t { kForward = 0, kBackward = 1 };

// A relationship table: forward CSR (by source), backward CSR (by
// destination) and properties stored once, indexed by relationship id.
class RelTableData {
 public:
  explicit RelTableData(std::vector<LogicalType> types);

  Status SetBase(const format::RelTable* base);
  uint64_t next_rel_id() const { return next_rel_id_; }
  uint64_t num_edges() const { return num_edges_; }
  const ColumnStore& properties() const { return properties_; }

  // REQUIRES: rel_id == next_rel_id(); `row` as for ColumnStore::Append.
  void Insert(uint64_t src, uint64_t dst, uint64_t rel_id, std::vector<Value> row);
  // Drops relationships with ids at and after `next_rel_id` (rollback).
  void Truncate(uint64_t next_rel_id);

  // Appends the edges of `node` in `direction` to `out`: checkpointed edges
  // first, then newer ones in insertion order.
  Status Neighbours(BufferPool* pool, Direction direction, uint64_t node, std::vector<CsrEdge>* out) const;

  bool dirty() const { return properties_.dirty(); }
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

  ColumnStore properties_;
  DirectionData directions_[2];
  uint64_t next_rel_id_ = 0;
  uint64_t num_edges_ = 0;
};

}  // namespace ruzu

#endif  // RUZU_STORAGE_TABLE_DATA_H_
