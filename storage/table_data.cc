#include "storage/table_data.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "common/logging.h"
#include "storage/column_chunk.h"

namespace ruzu {
namespace {

uint64_t GroupCount(uint64_t rows) { return (rows + kNodeGroupSize - 1) / kNodeGroupSize; }

}  // namespace

// ---------------------------------------------------------------- ColumnStore

Status ColumnStore::SetBase(const format::ColumnStore* base) {
  base_ = base;
  base_rows_ = 0;
  appended_rows_ = 0;
  appended_.assign(types_.size(), {});
  if (base == nullptr) return Status::OK();
  base_rows_ = base->num_rows();
  uint64_t groups = base->groups() == nullptr ? 0 : base->groups()->size();
  if (groups != GroupCount(base_rows_)) {
    return Corruption("column store with " + std::to_string(base_rows_) + " rows has " +
                      std::to_string(groups) + " groups");
  }
  // Chunks are validated when first read, so opening stays independent of
  // the number of groups.
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

namespace {
// The chunk of `column` in base group `group`, validated.
Result<const format::ChunkMeta*> BaseChunk(const format::ColumnStore* base, uint64_t group,
                                           uint32_t column, LogicalType type) {
  const format::ColumnGroup* g = base->groups()->Get(static_cast<flatbuffers::uoffset_t>(group));
  if (g == nullptr || g->chunks() == nullptr || column >= g->chunks()->size()) {
    return Corruption("column group " + std::to_string(group) + " lacks column " + std::to_string(column));
  }
  const format::ChunkMeta* chunk = g->chunks()->Get(column);
  RETURN_IF_ERROR(ValidateChunk(*chunk, type));
  uint64_t expected = std::min<uint64_t>(kNodeGroupSize, base->num_rows() - group * kNodeGroupSize);
  if (chunk->num_values() != expected) {
    return Corruption("column chunk at page " + std::to_string(chunk->first_page()) + " has " +
                      std::to_string(chunk->num_values()) + " values, expected " + std::to_string(expected));
  }
  return chunk;
}
}  // namespace

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
    ASSIGN_OR_RETURN(const format::ChunkMeta* chunk, BaseChunk(base_, group, column, type));
    RETURN_IF_ERROR(ReadChunk(pool, *chunk, type, in_group, n, out));
    row += n;
  }
  for (; row < end; row++) out->push_back(appended_[column][row - base_rows_]);
  return Status::OK();
}

Result<flatbuffers::Offset<format::ColumnStore>> ColumnStore::Checkpoint(CheckpointContext* ctx) const {
  auto* b = ctx->builder;
  const uint64_t total = num_rows();
  const uint64_t base_groups = GroupCount(base_rows_);
  // Only the last base group (if partly filled) and new groups change.
  const uint64_t first_changed = dirty() ? base_rows_ / kNodeGroupSize : base_groups;
  std::vector<flatbuffers::Offset<format::ColumnGroup>> groups;
  for (uint64_t g = 0; g < GroupCount(total); g++) {
    std::vector<format::ChunkMeta> chunks;
    if (g < first_changed) {
      for (uint32_t c = 0; c < types_.size(); c++) {
        ASSIGN_OR_RETURN(const format::ChunkMeta* chunk, BaseChunk(base_, g, c, types_[c]));
        chunks.push_back(*chunk);
      }
    } else {
      uint64_t begin = g * kNodeGroupSize;
      uint64_t count = std::min(kNodeGroupSize, total - begin);
      for (uint32_t c = 0; c < types_.size(); c++) {
        if (g < base_groups) {
          ASSIGN_OR_RETURN(const format::ChunkMeta* old, BaseChunk(base_, g, c, types_[c]));
          ctx->freed.push_back(ChunkExtent(*old));
        }
        std::vector<Value> values;
        RETURN_IF_ERROR(Scan(ctx->pool, c, begin, count, &values));
        ASSIGN_OR_RETURN(format::ChunkMeta meta, WriteChunk(values, types_[c], ctx->space, ctx->pool));
        chunks.push_back(meta);
      }
    }
    groups.push_back(format::CreateColumnGroup(*b, b->CreateVectorOfStructs(chunks)));
  }
  return format::CreateColumnStore(*b, total, b->CreateVector(groups));
}

void ColumnStore::CollectExtents(std::vector<PageExtent>* out) const {
  if (base_ == nullptr || base_->groups() == nullptr) return;
  for (const format::ColumnGroup* g : *base_->groups()) {
    if (g->chunks() == nullptr) continue;
    for (const format::ChunkMeta* chunk : *g->chunks()) {
      if (chunk->page_count() > 0) out->push_back(ChunkExtent(*chunk));
    }
  }
}

// -------------------------------------------------------------- NodeTableData

NodeTableData::NodeTableData(std::vector<LogicalType> types, uint32_t primary_key)
    : columns_(std::move(types)), primary_key_(primary_key) {}

Status NodeTableData::SetBase(const format::NodeTable* base) {
  delta_keys_.clear();
  pk_index_ = PageExtent{kInvalidPageId, 0};
  pk_entries_ = 0;
  RETURN_IF_ERROR(columns_.SetBase(base == nullptr ? nullptr : base->columns()));
  if (base == nullptr) return Status::OK();
  if (base->pk_index() != nullptr) {
    pk_index_ = PageExtent{base->pk_index()->first_page(), base->pk_index()->page_count()};
  }
  pk_entries_ = base->pk_index_entries();
  if (pk_entries_ != columns_.num_rows() || !PkIndexFits(pk_index_, pk_entries_)) {
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
  RETURN_IF_ERROR(PkIndexLookup(pool, pk_index_, pk_entries_, PkKeyCode(key), &candidates));
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
  out.pk_index = pk_index_;
  out.pk_entries = pk_entries_;
  if (!dirty()) return out;
  // The index is one sorted run: merge the new keys into it.
  std::vector<PkEntry> entries;
  RETURN_IF_ERROR(ReadPkIndex(ctx->pool, pk_index_, pk_entries_, &entries));
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
  if (pk_index_.count > 0) ctx->freed.push_back(pk_index_);
  return out;
}

void NodeTableData::CollectExtents(std::vector<PageExtent>* out) const {
  columns_.CollectExtents(out);
  if (pk_index_.count > 0) out->push_back(pk_index_);
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
  for (auto& d : directions_) {
    d.base = nullptr;
    d.delta.clear();
  }
  next_rel_id_ = 0;
  num_edges_ = 0;
  RETURN_IF_ERROR(properties_.SetBase(base == nullptr ? nullptr : base->columns()));
  if (base == nullptr) return Status::OK();
  directions_[0].base = base->forward();
  directions_[1].base = base->backward();
  next_rel_id_ = base->next_rel_id();
  num_edges_ = base->forward() ? base->forward()->num_edges() : 0;
  uint64_t backward_edges = base->backward() ? base->backward()->num_edges() : 0;
  if (backward_edges != num_edges_ || properties_.num_rows() != next_rel_id_ || num_edges_ > next_rel_id_) {
    return Corruption("relationship table '" + (base->name() ? base->name()->str() : std::string("?")) +
                      "': edge counts disagree (forward " + std::to_string(num_edges_) + ", backward " +
                      std::to_string(backward_edges) + ", next id " + std::to_string(next_rel_id_) + ")");
  }
  return Status::OK();
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

uint64_t RelTableData::base_group_count(Direction direction) const {
  const auto* base = directions_[static_cast<int>(direction)].base;
  return base == nullptr || base->groups() == nullptr ? 0 : base->groups()->size();
}

Status RelTableData::Neighbours(BufferPool* pool, Direction direction, uint64_t node,
                                std::vector<CsrEdge>* out) const {
  const DirectionData& d = directions_[static_cast<int>(direction)];
  uint64_t group = node / kNodeGroupSize;
  if (d.base != nullptr && d.base->groups() != nullptr && group < d.base->groups()->size()) {
    const format::CsrGroupMeta* meta = d.base->groups()->Get(static_cast<flatbuffers::uoffset_t>(group));
    if (meta->page_count() > 0) {
      RETURN_IF_ERROR(ReadCsrNode(pool, *meta, node % kNodeGroupSize, out));
    }
  }
  auto it = d.delta.find(node);
  if (it != d.delta.end()) out->insert(out->end(), it->second.begin(), it->second.end());
  return Status::OK();
}

Result<flatbuffers::Offset<format::CsrDirection>> RelTableData::CheckpointDirection(
    CheckpointContext* ctx, const DirectionData& d, uint64_t bound_rows) const {
  const uint64_t old_groups =
      d.base == nullptr || d.base->groups() == nullptr ? 0 : d.base->groups()->size();
  std::set<uint64_t> touched;
  uint64_t max_node = 0;
  for (const auto& [node, edges] : d.delta) {
    touched.insert(node / kNodeGroupSize);
    max_node = std::max(max_node, node);
  }
  uint64_t group_count = std::max(old_groups, touched.empty() ? 0 : *touched.rbegin() + 1);
  std::vector<format::CsrGroupMeta> metas;
  uint64_t total_edges = 0;
  for (uint64_t g = 0; g < group_count; g++) {
    const format::CsrGroupMeta* old =
        g < old_groups ? d.base->groups()->Get(static_cast<flatbuffers::uoffset_t>(g)) : nullptr;
    if (!touched.count(g)) {
      metas.push_back(old != nullptr ? *old : format::CsrGroupMeta());
      total_edges += old != nullptr ? old->num_edges() : 0;
      continue;
    }
    CsrGroupData before;
    if (old != nullptr && old->page_count() > 0) {
      RETURN_IF_ERROR(ReadCsrGroup(ctx->pool, *old, &before));
      ctx->freed.push_back(CsrExtent(*old));
    }
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
    ASSIGN_OR_RETURN(format::CsrGroupMeta meta, WriteCsrGroup(after, ctx->space, ctx->pool));
    metas.push_back(meta);
    total_edges += after.edges.size();
  }
  auto* b = ctx->builder;
  return format::CreateCsrDirection(*b, b->CreateVectorOfStructs(metas), total_edges);
}

Result<RelTableData::Checkpointed> RelTableData::Checkpoint(CheckpointContext* ctx, uint64_t src_rows,
                                                            uint64_t dst_rows) const {
  Checkpointed out;
  ASSIGN_OR_RETURN(out.forward, CheckpointDirection(ctx, directions_[0], src_rows));
  ASSIGN_OR_RETURN(out.backward, CheckpointDirection(ctx, directions_[1], dst_rows));
  ASSIGN_OR_RETURN(out.properties, properties_.Checkpoint(ctx));
  return out;
}

void RelTableData::CollectExtents(std::vector<PageExtent>* out) const {
  properties_.CollectExtents(out);
  for (const auto& d : directions_) {
    if (d.base == nullptr || d.base->groups() == nullptr) continue;
    for (const format::CsrGroupMeta* meta : *d.base->groups()) {
      if (meta->page_count() > 0) out->push_back(CsrExtent(*meta));
    }
  }
}

}  // namespace ruzu
