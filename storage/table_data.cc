#include "storage/table_data.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "common/logging.h"
#include "storage/column_chunk.h"
#include "storage/page_io.h"

namespace ruzu {
namespace {

uint64_t GroupCount(uint64_t rows) { return (rows + kNodeGroupSize - 1) / kNodeGroupSize; }

}  // namespace

// ---------------------------------------------------------------- ColumnStore

static_assert(sizeof(format::ChunkMeta) == 24, "ChunkMeta is stored raw in directories");
static_assert(sizeof(format::CsrGroupMeta) == 24, "CsrGroupMeta is stored raw in directories");

namespace {

PageExtent ToExtent(const format::Extent* e) {
  return e == nullptr ? PageExtent{kInvalidPageId, 0} : PageExtent{e->first_page(), e->page_count()};
}

// Whether a directory of `items` 24-byte entries fits `extent`.
bool DirectoryFits(PageExtent extent, uint64_t items) {
  return items == 0 || (extent.first >= kFirstDataPage && FixedSectionPages(items, 24) <= extent.count);
}

// Writes `items` as a directory blob; frees `old` (if any) into ctx->freed.
template <typename Meta>
Result<PageExtent> WriteDirectory(CheckpointContext* ctx, const std::vector<Meta>& items, PageExtent old) {
  if (old.count > 0) ctx->freed.push_back(old);
  BlobBuilder blob;
  blob.AddFixed(items.data(), items.size(), sizeof(Meta));
  return blob.Write(ctx->space, ctx->pool);
}

}  // namespace

Status ColumnStore::SetBase(const format::ColumnStore* base) {
  base_rows_ = 0;
  directory_ = PageExtent{kInvalidPageId, 0};
  appended_rows_ = 0;
  appended_.assign(types_.size(), {});
  if (base == nullptr) return Status::OK();
  base_rows_ = base->num_rows();
  directory_ = ToExtent(base->directory());
  if (base_rows_ > 0 && base->num_columns() != types_.size()) {
    return Corruption("column store has " + std::to_string(base->num_columns()) + " columns, expected " +
                      std::to_string(types_.size()));
  }
  if (base_rows_ > (uint64_t{1} << 48) || !DirectoryFits(directory_, GroupCount(base_rows_) * types_.size())) {
    return Corruption("column store with " + std::to_string(base_rows_) + " rows has a directory of " +
                      std::to_string(directory_.count) + " pages");
  }
  // Chunks are read and validated when first used, so opening stays
  // independent of the number of groups.
  return Status::OK();
}

void ColumnStore::Append(std::vector<Value> row) {
  CHECK_EQ(row.size(), types_.size());
  for (size_t c = 0; c < row.size(); c++) appended_[c].push_back(std::move(row[c]));
  appended_rows_++;
}

void ColumnStore::Truncate(uint64_t rows) {
  CHECK_GE(rows, base_rows_);
  if (rows >= num_rows()) return;
  for (auto& column : appended_) column.resize(rows - base_rows_);
  appended_rows_ = rows - base_rows_;
}

Result<format::ChunkMeta> ColumnStore::BaseChunk(BufferPool* pool, uint64_t group, uint32_t column) const {
  format::ChunkMeta chunk;
  RETURN_IF_ERROR(ReadFixedItem(pool, directory_.first, sizeof chunk, group * types_.size() + column, &chunk));
  RETURN_IF_ERROR(ValidateChunk(chunk, types_[column]));
  uint64_t expected = std::min<uint64_t>(kNodeGroupSize, base_rows_ - group * kNodeGroupSize);
  if (chunk.num_values() != expected) {
    return Corruption("column chunk at page " + std::to_string(chunk.first_page()) + " has " +
                      std::to_string(chunk.num_values()) + " values, expected " + std::to_string(expected));
  }
  return chunk;
}

Result<Value> ColumnStore::Get(BufferPool* pool, uint64_t row, uint32_t column) const {
  std::vector<Value> out;
  RETURN_IF_ERROR(Scan(pool, column, row, 1, &out));
  return std::move(out[0]);
}

Status ColumnStore::Scan(BufferPool* pool, uint32_t column, uint64_t begin, uint64_t count,
                         std::vector<Value>* out) const {
  CHECK_LT(column, types_.size());
  CHECK_LE(begin + count, num_rows());
  const LogicalType type = types_[column];
  uint64_t row = begin, end = begin + count;
  while (row < end && row < base_rows_) {
    uint64_t group = row / kNodeGroupSize;
    uint64_t in_group = row % kNodeGroupSize;
    uint64_t n = std::min(kNodeGroupSize - in_group, std::min(end, base_rows_) - row);
    ASSIGN_OR_RETURN(format::ChunkMeta chunk, BaseChunk(pool, group, column));
    RETURN_IF_ERROR(ReadChunk(pool, chunk, type, in_group, n, out));
    row += n;
  }
  for (; row < end; row++) out->push_back(appended_[column][row - base_rows_]);
  return Status::OK();
}

Result<flatbuffers::Offset<format::ColumnStore>> ColumnStore::Checkpoint(CheckpointContext* ctx) const {
  auto* b = ctx->builder;
  const uint32_t ncols = static_cast<uint32_t>(types_.size());
  if (!dirty()) {
    format::Extent dir(directory_.first, directory_.count);
    return format::CreateColumnStore(*b, base_rows_, ncols, &dir);
  }
  const uint64_t total = num_rows();
  const uint64_t base_groups = GroupCount(base_rows_);
  // Only the last checkpointed group (if partly filled) and new groups change.
  const uint64_t first_changed = base_rows_ / kNodeGroupSize;
  std::vector<format::ChunkMeta> chunks(first_changed * ncols);
  RETURN_IF_ERROR(ReadFixedRange(ctx->pool, directory_.first, sizeof(format::ChunkMeta), 0, chunks.size(),
                                 chunks.data()));
  for (uint64_t g = first_changed; g < GroupCount(total); g++) {
    uint64_t begin = g * kNodeGroupSize;
    uint64_t count = std::min(kNodeGroupSize, total - begin);
    for (uint32_t c = 0; c < ncols; c++) {
      if (g < base_groups) {
        ASSIGN_OR_RETURN(format::ChunkMeta old, BaseChunk(ctx->pool, g, c));
        if (old.page_count() > 0) ctx->freed.push_back(ChunkExtent(old));
      }
      std::vector<Value> values;
      RETURN_IF_ERROR(Scan(ctx->pool, c, begin, count, &values));
      ASSIGN_OR_RETURN(format::ChunkMeta meta, WriteChunk(values, types_[c], ctx->space, ctx->pool));
      chunks.push_back(meta);
    }
  }
  ASSIGN_OR_RETURN(PageExtent dir_extent, WriteDirectory(ctx, chunks, directory_));
  format::Extent dir(dir_extent.first, dir_extent.count);
  return format::CreateColumnStore(*b, total, ncols, &dir);
}

Status ColumnStore::CollectExtents(BufferPool* pool, std::vector<PageExtent>* out) const {
  if (directory_.count > 0) out->push_back(directory_);
  for (uint64_t g = 0; g < GroupCount(base_rows_); g++) {
    for (uint32_t c = 0; c < types_.size(); c++) {
      ASSIGN_OR_RETURN(format::ChunkMeta chunk, BaseChunk(pool, g, c));
      if (chunk.page_count() > 0) out->push_back(ChunkExtent(chunk));
    }
  }
  return Status::OK();
}

// -------------------------------------------------------------- NodeTableData

NodeTableData::NodeTableData(std::vector<LogicalType> types, uint32_t primary_key)
    : columns_(std::move(types)), primary_key_(primary_key) {}

Status NodeTableData::SetBase(const format::NodeTable* base) {
  delta_keys_.clear();
  pk_index_ = PkIndex();
  RETURN_IF_ERROR(columns_.SetBase(base == nullptr ? nullptr : base->columns()));
  if (base == nullptr) return Status::OK();
  pk_index_ = PkIndex(ToExtent(base->pk_index()), base->pk_index_entries());
  if (pk_index_.entries() != columns_.num_rows() || !pk_index_.Fits()) {
    return Corruption("node table '" + (base->name() ? base->name()->str() : std::string("?")) +
                      "': primary-key index metadata does not match its rows");
  }
  return Status::OK();
}

std::string NodeTableData::DeltaKey(const Value& key) {
  if (key.type() == LogicalType::kString) return key.string_value();
  int64_t v = key.int_value();
  return std::string(reinterpret_cast<const char*>(&v), sizeof v);
}

Result<std::optional<uint64_t>> NodeTableData::Lookup(BufferPool* pool, const Value& key) const {
  if (key.is_null()) return std::optional<uint64_t>();
  auto it = delta_keys_.find(DeltaKey(key));
  if (it != delta_keys_.end()) return std::optional<uint64_t>(it->second);
  std::vector<uint64_t> candidates;
  RETURN_IF_ERROR(pk_index_.Lookup(pool, PkKeyCode(key), &candidates));
  for (uint64_t offset : candidates) {
    if (offset >= columns_.num_rows()) {
      return Corruption("primary-key index points at row " + std::to_string(offset) + " past the table's end");
    }
    if (key.type() != LogicalType::kString) return std::optional<uint64_t>(offset);
    ASSIGN_OR_RETURN(Value stored, columns_.Get(pool, offset, primary_key_));
    if (stored == key) return std::optional<uint64_t>(offset);
  }
  return std::optional<uint64_t>();
}

void NodeTableData::Append(std::vector<Value> row) {
  delta_keys_[DeltaKey(row[primary_key_])] = columns_.num_rows();
  columns_.Append(std::move(row));
}

void NodeTableData::Truncate(uint64_t rows) {
  for (auto it = delta_keys_.begin(); it != delta_keys_.end();) {
    it = it->second >= rows ? delta_keys_.erase(it) : std::next(it);
  }
  columns_.Truncate(rows);
}

Result<NodeTableData::Checkpointed> NodeTableData::Checkpoint(CheckpointContext* ctx) const {
  Checkpointed out;
  ASSIGN_OR_RETURN(out.columns, columns_.Checkpoint(ctx));
  out.pk_index = pk_index_.extent();
  out.pk_entries = pk_index_.entries();
  if (!dirty()) return out;
  // The index is one sorted run: merge the new keys into it.
  std::vector<PkEntry> entries;
  RETURN_IF_ERROR(pk_index_.ReadAll(ctx->pool, &entries));
  const LogicalType key_type = columns_.types()[primary_key_];
  for (const auto& [key, offset] : delta_keys_) {
    uint64_t code;
    if (key_type == LogicalType::kString) {
      code = PkKeyCode(Value::String(key));
    } else {
      int64_t v;
      std::memcpy(&v, key.data(), sizeof v);
      code = static_cast<uint64_t>(v);
    }
    entries.push_back(PkEntry{code, offset});
  }
  std::sort(entries.begin(), entries.end());
  ASSIGN_OR_RETURN(out.pk_index, WritePkIndex(entries, ctx->space, ctx->pool));
  out.pk_entries = entries.size();
  if (pk_index_.extent().count > 0) ctx->freed.push_back(pk_index_.extent());
  return out;
}

Status NodeTableData::CollectExtents(BufferPool* pool, std::vector<PageExtent>* out) const {
  RETURN_IF_ERROR(columns_.CollectExtents(pool, out));
  if (pk_index_.extent().count > 0) out->push_back(pk_index_.extent());
  return Status::OK();
}

Status NodeTableData::VerifyIndex(BufferPool* pool, std::vector<std::string>* problems) const {
  std::vector<Value> keys;
  RETURN_IF_ERROR(columns_.Scan(pool, primary_key_, 0, columns_.num_rows(), &keys));
  for (uint64_t row = 0; row < keys.size(); row++) {
    if (keys[row].is_null()) {
      problems->push_back("row " + std::to_string(row) + " has a NULL primary key");
      continue;
    }
    ASSIGN_OR_RETURN(std::optional<uint64_t> found, Lookup(pool, keys[row]));
    if (!found || *found != row) {
      problems->push_back("primary key " + keys[row].ToString() + " of row " + std::to_string(row) +
                          (found ? " maps to row " + std::to_string(*found) : " is missing from the index"));
    }
  }
  return Status::OK();
}

// --------------------------------------------------------------- RelTableData

RelTableData::RelTableData(std::vector<LogicalType> types) : properties_(std::move(types)) {}

Status RelTableData::SetBase(const format::RelTable* base) {
  for (auto& d : directions_) d = DirectionData();
  next_rel_id_ = 0;
  num_edges_ = 0;
  RETURN_IF_ERROR(properties_.SetBase(base == nullptr ? nullptr : base->columns()));
  if (base == nullptr) return Status::OK();
  const std::string name = base->name() ? base->name()->str() : std::string("?");
  uint64_t edges[2] = {0, 0};
  const format::CsrDirection* dirs[2] = {base->forward(), base->backward()};
  for (int i = 0; i < 2; i++) {
    if (dirs[i] == nullptr) continue;
    directions_[i].num_groups = dirs[i]->num_groups();
    directions_[i].directory = ToExtent(dirs[i]->directory());
    edges[i] = dirs[i]->num_edges();
    directions_[i].base_edges = edges[i];
    if (directions_[i].num_groups > (uint64_t{1} << 40) ||
        !DirectoryFits(directions_[i].directory, directions_[i].num_groups)) {
      return Corruption("relationship table '" + name + "': CSR directory does not fit its pages");
    }
  }
  next_rel_id_ = base->next_rel_id();
  num_edges_ = edges[0];
  if (edges[1] != edges[0] || properties_.num_rows() != next_rel_id_ || num_edges_ > next_rel_id_) {
    return Corruption("relationship table '" + name + "': edge counts disagree (forward " +
                      std::to_string(edges[0]) + ", backward " + std::to_string(edges[1]) + ", next id " +
                      std::to_string(next_rel_id_) + ")");
  }
  return Status::OK();
}

Result<format::CsrGroupMeta> RelTableData::GroupMeta(BufferPool* pool, const DirectionData& d,
                                                     uint64_t group) const {
  format::CsrGroupMeta meta;
  RETURN_IF_ERROR(ReadFixedItem(pool, d.directory.first, sizeof meta, group, &meta));
  RETURN_IF_ERROR(ValidateCsrGroup(meta));
  return meta;
}

void RelTableData::Insert(uint64_t src, uint64_t dst, uint64_t rel_id, std::vector<Value> row) {
  CHECK_EQ(rel_id, next_rel_id_);
  directions_[0].delta[src].push_back(CsrEdge{dst, rel_id});
  directions_[1].delta[dst].push_back(CsrEdge{src, rel_id});
  properties_.Append(std::move(row));
  next_rel_id_++;
  num_edges_++;
}

void RelTableData::Truncate(uint64_t next_rel_id) {
  if (next_rel_id >= next_rel_id_) return;
  uint64_t removed = 0;
  for (int dir = 0; dir < 2; dir++) {
    auto& delta = directions_[dir].delta;
    for (auto it = delta.begin(); it != delta.end();) {
      auto& edges = it->second;
      size_t before = edges.size();
      edges.erase(std::remove_if(edges.begin(), edges.end(),
                                 [&](const CsrEdge& e) { return e.rel_id >= next_rel_id; }),
                  edges.end());
      if (dir == 0) removed += before - edges.size();
      it = edges.empty() ? delta.erase(it) : std::next(it);
    }
  }
  properties_.Truncate(next_rel_id);
  num_edges_ -= removed;
  next_rel_id_ = next_rel_id;
}

Status RelTableData::Neighbours(BufferPool* pool, Direction direction, uint64_t node,
                                std::vector<CsrEdge>* out) const {
  const DirectionData& d = directions_[static_cast<int>(direction)];
  uint64_t group = node / kNodeGroupSize;
  if (group < d.num_groups) {
    ASSIGN_OR_RETURN(format::CsrGroupMeta meta, GroupMeta(pool, d, group));
    if (meta.page_count() > 0) RETURN_IF_ERROR(ReadCsrNode(pool, meta, node % kNodeGroupSize, out));
  }
  auto it = d.delta.find(node);
  if (it != d.delta.end()) out->insert(out->end(), it->second.begin(), it->second.end());
  return Status::OK();
}

Result<flatbuffers::Offset<format::CsrDirection>> RelTableData::CheckpointDirection(
    CheckpointContext* ctx, const DirectionData& d, uint64_t bound_rows) const {
  auto* b = ctx->builder;
  if (d.delta.empty()) {
    format::Extent dir(d.directory.first, d.directory.count);
    return format::CreateCsrDirection(*b, d.num_groups, &dir, d.base_edges);
  }
  std::vector<format::CsrGroupMeta> metas(d.num_groups);
  RETURN_IF_ERROR(ReadFixedRange(ctx->pool, d.directory.first, sizeof(format::CsrGroupMeta), 0, metas.size(),
                                 metas.data()));
  std::set<uint64_t> touched;
  uint64_t max_node = 0;
  for (const auto& [node, edges] : d.delta) {
    touched.insert(node / kNodeGroupSize);
    max_node = std::max(max_node, node);
  }
  metas.resize(std::max<uint64_t>(d.num_groups, *touched.rbegin() + 1));
  uint64_t total_edges = d.base_edges;
  for (uint64_t g : touched) {
    CsrGroupData before;
    if (g < d.num_groups && metas[g].page_count() > 0) {
      RETURN_IF_ERROR(ReadCsrGroup(ctx->pool, metas[g], &before));
      ctx->freed.push_back(CsrExtent(metas[g]));
    }
    total_edges -= before.edges.size();
    uint64_t first = g * kNodeGroupSize;
    uint64_t num_nodes = std::min(kNodeGroupSize, std::max(bound_rows, max_node + 1) - first);
    num_nodes = std::max(num_nodes, before.num_nodes());
    CsrGroupData after;
    after.offsets.reserve(num_nodes + 1);
    for (uint64_t local = 0; local < num_nodes; local++) {
      if (local < before.num_nodes()) {
        after.edges.insert(after.edges.end(), before.edges.begin() + before.offsets[local],
                           before.edges.begin() + before.offsets[local + 1]);
      }
      auto it = d.delta.find(first + local);
      if (it != d.delta.end()) after.edges.insert(after.edges.end(), it->second.begin(), it->second.end());
      after.offsets.push_back(after.edges.size());
    }
    ASSIGN_OR_RETURN(metas[g], WriteCsrGroup(after, ctx->space, ctx->pool));
    total_edges += after.edges.size();
  }
  ASSIGN_OR_RETURN(PageExtent dir_extent, WriteDirectory(ctx, metas, d.directory));
  format::Extent dir(dir_extent.first, dir_extent.count);
  return format::CreateCsrDirection(*b, metas.size(), &dir, total_edges);
}

Result<RelTableData::Checkpointed> RelTableData::Checkpoint(CheckpointContext* ctx, uint64_t src_rows,
                                                            uint64_t dst_rows) const {
  Checkpointed out;
  ASSIGN_OR_RETURN(out.forward, CheckpointDirection(ctx, directions_[0], src_rows));
  ASSIGN_OR_RETURN(out.backward, CheckpointDirection(ctx, directions_[1], dst_rows));
  ASSIGN_OR_RETURN(out.properties, properties_.Checkpoint(ctx));
  return out;
}

Status RelTableData::CollectExtents(BufferPool* pool, std::vector<PageExtent>* out) const {
  RETURN_IF_ERROR(properties_.CollectExtents(pool, out));
  for (const auto& d : directions_) {
    if (d.num_groups == 0) continue;
    out->push_back(d.directory);
    for (uint64_t g = 0; g < d.num_groups; g++) {
      ASSIGN_OR_RETURN(format::CsrGroupMeta meta, GroupMeta(pool, d, g));
      if (meta.page_count() > 0) out->push_back(CsrExtent(meta));
    }
  }
  return Status::OK();
}

}  // namespace ruzu
