// Bulk import (COPY FROM): appends many rows to one table by writing whole
// node groups straight to free pages, without going through the in-memory
// delta or the WAL. Nothing a reader sees changes until the db layer commits
// the result with a checkpoint of its own (the staged table becomes part of
// the next manifest); if it never does, the written pages stay free.
//
// A loader starts from a table with no delta (checkpointed), allocates from
// the FreeSpaceMap it is given and lists the base pages the result no longer
// uses in `freed` (free once the new manifest is durable). Not thread-safe.
#ifndef RUZU_STORAGE_BULK_LOADER_H_
#define RUZU_STORAGE_BULK_LOADER_H_

#include <cstdint>
#include <memory>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/types.h"
#include "storage/buffer_pool.h"
#include "storage/file_system.h"
#include "storage/free_space_map.h"
#include "storage/format/manifest_generated.h"
#include "storage/table_data.h"

namespace ruzu {

// What a load produced, in manifest terms but independent of any
// FlatBufferBuilder: the manifest builder turns it into the table's entry.
struct StagedColumnStore {
  uint64_t num_rows = 0;
  uint32_t num_columns = 0;
  PageExtent directory{kInvalidPageId, 0};
};
struct StagedCsrDirection {
  uint64_t num_groups = 0;
  PageExtent directory{kInvalidPageId, 0};
  uint64_t num_edges = 0;
};
struct StagedNodeTable {
  StagedColumnStore columns;
  PageExtent pk_index{kInvalidPageId, 0};
  uint64_t pk_entries = 0;
  PageExtent deleted{kInvalidPageId, 0};
  uint64_t deleted_count = 0;
};
struct StagedRelTable {
  StagedCsrDirection forward, backward;
  StagedColumnStore properties;
  uint64_t next_rel_id = 0;
};

// One column of a rewritten column store: an existing column (its chunks
// are kept) or a new one holding `fill` in every row.
struct ColumnSource {
  int from = -1;  // index of the existing column, or -1 for a new one
  LogicalType type = LogicalType::kInt64;
  Value fill;     // for a new column: of `type`, or NULL
};

// Schema change (ALTER TABLE ADD/DROP): a new directory for the checkpointed
// `store` with the given columns. Kept columns keep their pages; dropped
// columns' chunks and the old directory go to `freed`. REQUIRES: !store.dirty().
Result<StagedColumnStore> RewriteColumns(const ColumnStore& store, const std::vector<ColumnSource>& columns,
                                         FreeSpaceMap* space, BufferPool* pool, std::vector<PageExtent>* freed);

// Appends rows to a ColumnStore group by group.
class ColumnStoreLoader {
 public:
  // REQUIRES: !store.dirty(). The store must outlive the loader.
  ColumnStoreLoader(const ColumnStore* store, FreeSpaceMap* space, BufferPool* pool, std::vector<PageExtent>* freed);
  // Reads the base's directory and its last, partly filled group (which is
  // rewritten with the new rows).
  Status Start();

  uint64_t num_rows() const { return rows_; }
  // Appends rows [begin, begin + count) of `columns` (one vector per
  // column, values of the column's type or NULL), moving the values out.
  Status Append(std::vector<std::vector<Value>>* columns, size_t begin, size_t count);
  // Writes the last partial group and the directory.
  Result<StagedColumnStore> Finish();

 private:
  Status FlushGroup();

  const ColumnStore* store_;
  FreeSpaceMap* space_;
  BufferPool* pool_;
  std::vector<PageExtent>* freed_;
  std::vector<format::ChunkMeta> directory_;  // full groups, (group, column) order
  std::vector<std::vector<Value>> buffer_;    // the current partial group, per column
  uint64_t rows_ = 0;
};

// Appends nodes to a node table and merges their keys into its index.
class NodeTableLoader {
 public:
  NodeTableLoader(const NodeTableData* table, FreeSpaceMap* space, BufferPool* pool, std::vector<PageExtent>* freed);
  Status Start();

  // Rows of the table after the load so far (old rows included).
  uint64_t num_rows() const { return columns_.num_rows(); }
  // REQUIRES: the batch's keys are not NULL and new (the caller checks
  // them with a NodeKeyMap, to report them with their position).
  Status Append(std::vector<std::vector<Value>>* columns, size_t begin, size_t count);
  Result<StagedNodeTable> Finish();

  // The table's checkpointed state with its columns rewritten (see
  // RewriteColumns); the index and deleted rows stay.
  static Result<StagedNodeTable> Rewrite(const NodeTableData& table, const std::vector<ColumnSource>& columns,
                                         FreeSpaceMap* space, BufferPool* pool, std::vector<PageExtent>* freed);

 private:
  const NodeTableData* table_;
  ColumnStoreLoader columns_;
  FreeSpaceMap* space_;
  BufferPool* pool_;
  std::vector<PageExtent>* freed_;
  std::vector<PkEntry> entries_;  // old and new index entries
};

// The keys of a node table's live rows in memory, for one lookup per key
// during a bulk import (the index on disk costs a page pin each). Integer
// keys that fill most of their range (ids 0..n-1, 1..n, ...) live in an
// array indexed by key, others in a hash map. Built from a node table with
// no delta.
class NodeKeyMap {
 public:
  NodeKeyMap(const NodeTableData* table, BufferPool* pool);
  ~NodeKeyMap();
  Status Build();
  // The offset of the node with this (non-NULL) key, if any.
  std::optional<uint64_t> Find(const Value& key) const;
  // Adds a key; false (and no change) if it is present already.
  bool Insert(const Value& key, uint64_t offset);

 private:
  struct Map;
  // Whether an array from `low` to `high` (inclusive) would be dense enough
  // for `keys` keys.
  static bool DenseEnough(int64_t low, int64_t high, uint64_t keys);
  // Makes the array cover `key`, or moves every key to the hash map when
  // that would leave it too sparse.
  void CoverKey(int64_t key);
  void MoveToHash();

  const NodeTableData* table_;
  BufferPool* pool_;
  std::unique_ptr<Map> map_;
};

// Where a relationship load keeps the edges it has not placed yet.
struct EdgeStaging {
  // Bytes of staged edges (8 per edge) kept in memory; beyond that they are
  // appended to `spill_path` through `fs`, and building the CSR takes as many
  // passes over that file as the budget requires. Building also uses about
  // this much memory for sorting.
  size_t memory_bytes = size_t{128} << 20;
  FileSystem* fs = nullptr;  // required when the budget can be exceeded
  std::string spill_path;
};

// Appends relationships: properties by relationship id, and both CSR
// directions, built at Finish by counting sort per bound node, one range of
// CSR groups at a time.
class RelTableLoader {
 public:
  // `src_rows`/`dst_rows`: rows of the node tables at either end.
  RelTableLoader(const RelTableData* table, uint64_t src_rows, uint64_t dst_rows, FreeSpaceMap* space,
                 BufferPool* pool, std::vector<PageExtent>* freed, EdgeStaging staging = EdgeStaging());
  ~RelTableLoader();
  // Errors if the ends have 2^32 rows or more (edges are staged compactly).
  Status Start();

  uint64_t num_loaded() const { return spilled_ + src_.size(); }
  // Bytes written to the spill file so far.
  uint64_t spilled_bytes() const { return spilled_ * 8; }
  // Appends relationships src[i] -> dst[i] with properties row i of
  // `properties` for i in [begin, begin + count). REQUIRES: offsets below
  // the row counts given at construction.
  Status Append(const std::vector<uint64_t>& src, const std::vector<uint64_t>& dst,
                std::vector<std::vector<Value>>* properties, size_t begin, size_t count);
  Result<StagedRelTable> Finish();

  // The table's checkpointed state with its property columns rewritten;
  // both CSR directions stay.
  static Result<StagedRelTable> Rewrite(const RelTableData& table, const std::vector<ColumnSource>& columns,
                                        FreeSpaceMap* space, BufferPool* pool, std::vector<PageExtent>* freed);

 private:
  Result<StagedCsrDirection> BuildDirection(int direction);
  // Moves the staged edges in memory to the spill file.
  Status Spill();
  // Calls visit(edge index, src, dst) for every loaded edge in id order.
  Status ForEachEdge(const std::function<void(uint32_t, uint32_t, uint32_t)>& visit) const;

  const RelTableData* table_;
  uint64_t bound_rows_[2];
  ColumnStoreLoader properties_;
  FreeSpaceMap* space_;
  BufferPool* pool_;
  std::vector<PageExtent>* freed_;
  uint64_t first_rel_id_ = 0;
  EdgeStaging staging_;
  std::unique_ptr<File> spill_;
  uint64_t spilled_ = 0;             // edges [0, spilled_) are in the spill file, as (src, dst) pairs
  std::vector<uint32_t> src_, dst_;  // the following edges, in id order
};

}  // namespace ruzu

#endif  // RUZU_STORAGE_BULK_LOADER_H_
