#include "storage/table_data.h"

#include <algorithm>
#include <cstring>
#include <iterator>
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
static_assert(sizeof(format::CsrGroupMeta) == 32, "CsrGroupMeta is stored raw in directories");

namespace {

PageExtent ToExtent(const format::Extent* e) {
  return e == nullptr ? PageExtent{kInvalidPageId, 0} : PageExtent{e->first_page(), e->page_count()};
}

// Whether a directory of `items` entries of `width` bytes fits `extent`.
bool DirectoryFits(PageExtent extent, uint64_t items, uint32_t width) {
  return items == 0 || (extent.first >= kFirstDataPage && FixedSectionPages(items, width) <= extent.count);
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
  versions_.assign(types_.size(), {});
  pending_.clear();
  versioned_cells_ = 0;
  if (base == nullptr) return Status::OK();
  base_rows_ = base->num_rows();
  directory_ = ToExtent(base->directory());
  if (base_rows_ > 0 && base->num_columns() != types_.size()) {
    return Corruption("column store has " + std::to_string(base->num_columns()) + " columns, expected " +
                      std::to_string(types_.size()));
  }
  if (base_rows_ > (uint64_t{1} << 48) || !DirectoryFits(directory_, GroupCount(base_rows_) * types_.size(), sizeof(format::ChunkMeta))) {
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

Status ColumnStore::Update(BufferPool* pool, uint64_t row, uint32_t column, Value value) {
  CHECK_LT(row, num_rows());
  CHECK_LT(column, types_.size());
  std::vector<Version>& chain = versions_[column][row];
  if (chain.empty()) {
    Result<Value> current = Get(pool, row, column);
    if (!current.ok()) {
      versions_[column].erase(row);
      return current.status();
    }
    chain.push_back(Version{0, std::move(current).value()});
    versioned_cells_++;
  }
  chain.push_back(Version{kPendingVersion, std::move(value)});
  pending_.emplace_back(row, column);
  return Status::OK();
}

void ColumnStore::CommitVersions(uint64_t seq) {
  for (const auto& [row, column] : pending_) {
    for (Version& v : versions_[column][row]) {
      if (v.seq == kPendingVersion) v.seq = seq;
    }
  }
  pending_.clear();
}

void ColumnStore::RollbackVersions() { RollbackVersionsTo(0); }

void ColumnStore::RollbackVersionsTo(size_t count) {
  // Newest first: each entry of pending_ appended one version to its chain.
  while (pending_.size() > count) {
    const auto [row, column] = pending_.back();
    pending_.pop_back();
    auto found = versions_[column].find(row);
    if (found == versions_[column].end()) continue;
    std::vector<Version>& chain = found->second;
    if (!chain.empty() && chain.back().seq == kPendingVersion) chain.pop_back();
    if (chain.size() <= 1) {  // only the value before the first update is left
      versions_[column].erase(found);
      versioned_cells_--;
    }
  }
}

void ColumnStore::Truncate(uint64_t rows) {
  CHECK_GE(rows, base_rows_);
  if (rows >= num_rows()) return;
  for (auto& column : versions_) {
    for (auto it = column.begin(); it != column.end();) {
      if (it->first >= rows) {
        it = column.erase(it);
        versioned_cells_--;
      } else {
        ++it;
      }
    }
  }
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

Result<Value> ColumnStore::Get(BufferPool* pool, uint64_t row, uint32_t column, uint64_t visible) const {
  std::vector<Value> out;
  RETURN_IF_ERROR(Scan(pool, column, row, 1, &out, visible));
  return std::move(out[0]);
}

Status ColumnStore::Scan(BufferPool* pool, uint32_t column, uint64_t begin, uint64_t count,
                         std::vector<Value>* out, uint64_t visible) const {
  CHECK_LT(column, types_.size());
  CHECK_LE(begin + count, num_rows());
  const size_t first_out = out->size();
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
  // Overlay the newest version each row has for this snapshot.
  const auto& versions = versions_[column];
  if (!versions.empty()) {
    auto apply = [&](uint64_t r, const std::vector<Version>& chain) {
      for (auto v = chain.rbegin(); v != chain.rend(); ++v) {
        if (v->seq <= visible) {
          (*out)[first_out + (r - begin)] = v->value;
          return;
        }
      }
    };
    if (versions.size() < count) {
      for (const auto& [r, chain] : versions) {
        if (r >= begin && r < end) apply(r, chain);
      }
    } else {
      for (uint64_t r = begin; r < end; r++) {
        auto it = versions.find(r);
        if (it != versions.end()) apply(r, it->second);
      }
    }
  }
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
  // The last checkpointed group (if partly filled) and new groups change in
  // every column; updated rows change their group in their column only.
  const uint64_t first_appended = appended_rows_ > 0 ? base_rows_ / kNodeGroupSize : base_groups;
  std::set<std::pair<uint64_t, uint32_t>> updated;  // (group, column)
  for (uint32_t c = 0; c < ncols; c++) {
    for (const auto& [row, chain] : versions_[c]) {
      if (row / kNodeGroupSize < first_appended) updated.emplace(row / kNodeGroupSize, c);
    }
  }
  std::vector<format::ChunkMeta> chunks(base_groups * ncols);
  RETURN_IF_ERROR(ReadFixedRange(ctx->pool, directory_.first, sizeof(format::ChunkMeta), 0, chunks.size(),
                                 chunks.data()));
  chunks.resize(GroupCount(total) * ncols);
  for (uint64_t g = 0; g < GroupCount(total); g++) {
    uint64_t begin = g * kNodeGroupSize;
    uint64_t count = std::min(kNodeGroupSize, total - begin);
    for (uint32_t c = 0; c < ncols; c++) {
      if (g < first_appended && !updated.count({g, c})) continue;
      if (g < base_groups) {
        ASSIGN_OR_RETURN(format::ChunkMeta old, BaseChunk(ctx->pool, g, c));
        if (old.page_count() > 0) ctx->freed.push_back(ChunkExtent(old));
      }
      std::vector<Value> values;
      RETURN_IF_ERROR(Scan(ctx->pool, c, begin, count, &values));
      ASSIGN_OR_RETURN(chunks[g * ncols + c], WriteChunk(values, types_[c], ctx->space, ctx->pool));
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
  deleted_.clear();
  pending_deletes_.clear();
  pk_index_ = PkIndex();
  base_deleted_extent_ = PageExtent{kInvalidPageId, 0};
  base_deleted_count_ = 0;
  {
    std::lock_guard lock(base_deleted_mu_);
    base_deleted_.reset();
  }
  RETURN_IF_ERROR(columns_.SetBase(base == nullptr ? nullptr : base->columns()));
  if (base == nullptr) return Status::OK();
  const std::string name = base->name() ? base->name()->str() : std::string("?");
  base_deleted_extent_ = ToExtent(base->deleted());
  base_deleted_count_ = base->deleted_count();
  if (base_deleted_count_ > columns_.num_rows() ||
      (base_deleted_count_ > 0 && (base_deleted_extent_.first < kFirstDataPage ||
                                   FixedSectionPages(base_deleted_count_, 8) > base_deleted_extent_.count))) {
    return Corruption("node table '" + name + "': deleted-row list does not fit its pages");
  }
  pk_index_ = PkIndex(ToExtent(base->pk_index()), base->pk_index_entries());
  if (pk_index_.entries() + base_deleted_count_ != columns_.num_rows() || !pk_index_.Fits()) {
    return Corruption("node table '" + name + "': primary-key index metadata does not match its rows (" +
                      std::to_string(pk_index_.entries()) + " keys, " + std::to_string(base_deleted_count_) +
                      " deleted, " + std::to_string(columns_.num_rows()) + " rows)");
  }
  return Status::OK();
}

Result<const std::vector<uint64_t>*> NodeTableData::BaseDeleted(BufferPool* pool) const {
  std::lock_guard lock(base_deleted_mu_);
  if (base_deleted_ == nullptr) {
    auto rows = std::make_unique<std::vector<uint64_t>>(base_deleted_count_);
    RETURN_IF_ERROR(ReadFixedRange(pool, base_deleted_extent_.first, 8, 0, rows->size(), rows->data()));
    for (size_t i = 0; i < rows->size(); i++) {
      if ((*rows)[i] >= columns_.num_rows() || (i > 0 && (*rows)[i] <= (*rows)[i - 1])) {
        return Corruption("deleted-row list at page " + std::to_string(base_deleted_extent_.first) +
                          " is out of order or out of range");
      }
    }
    base_deleted_ = std::move(rows);
  }
  return base_deleted_.get();
}

Result<bool> NodeTableData::IsDeleted(BufferPool* pool, uint64_t row, uint64_t visible) const {
  auto it = deleted_.find(row);
  if (it != deleted_.end() && it->second <= visible) return true;
  if (base_deleted_count_ == 0) return false;
  ASSIGN_OR_RETURN(const std::vector<uint64_t>* base, BaseDeleted(pool));
  return std::binary_search(base->begin(), base->end(), row);
}

Result<uint64_t> NodeTableData::DeletedCount(BufferPool* pool, uint64_t row_limit, uint64_t visible) const {
  uint64_t count = 0;
  if (base_deleted_count_ > 0) {
    ASSIGN_OR_RETURN(const std::vector<uint64_t>* base, BaseDeleted(pool));
    count += static_cast<uint64_t>(std::lower_bound(base->begin(), base->end(), row_limit) - base->begin());
  }
  for (const auto& [row, seq] : deleted_) {
    if (row < row_limit && seq <= visible) count++;
  }
  return count;
}

Status NodeTableData::Delete(BufferPool* pool, uint64_t row) {
  ASSIGN_OR_RETURN(bool already, IsDeleted(pool, row, kSeeAll));
  CHECK(!already) << "row " << row << " deleted twice";
  deleted_[row] = kPendingVersion;
  pending_deletes_.push_back(row);
  return Status::OK();
}

void NodeTableData::CommitVersions(uint64_t seq) {
  columns_.CommitVersions(seq);
  for (uint64_t row : pending_deletes_) deleted_[row] = seq;
  pending_deletes_.clear();
}

void NodeTableData::RollbackVersions() {
  columns_.RollbackVersions();
  for (uint64_t row : pending_deletes_) deleted_.erase(row);
  pending_deletes_.clear();
}

TableSavepoint NodeTableData::CreateSavepoint() const {
  return TableSavepoint{num_rows(), columns_.pending_versions(), pending_deletes_.size()};
}

void NodeTableData::RollbackToSavepoint(const TableSavepoint& savepoint) {
  columns_.RollbackVersionsTo(savepoint.pending_versions);
  while (pending_deletes_.size() > savepoint.pending_deletes) {
    deleted_.erase(pending_deletes_.back());
    pending_deletes_.pop_back();
  }
  // Rows appended later were changed only later: their versions are gone.
  Truncate(savepoint.rows);
}

std::string NodeTableData::DeltaKey(const Value& key) {
  if (key.type() == LogicalType::kString) return key.string_value();
  int64_t v = key.int_value();
  return std::string(reinterpret_cast<const char*>(&v), sizeof v);
}

Result<std::optional<uint64_t>> NodeTableData::Lookup(BufferPool* pool, const Value& key, uint64_t row_limit,
                                                      uint64_t visible) const {
  if (key.is_null()) return std::optional<uint64_t>();
  auto usable = [&](uint64_t row) -> Result<bool> {
    if (row >= row_limit) return false;
    ASSIGN_OR_RETURN(bool deleted, IsDeleted(pool, row, visible));
    return !deleted;
  };
  auto it = delta_keys_.find(DeltaKey(key));
  if (it != delta_keys_.end()) {
    for (auto row = it->second.rbegin(); row != it->second.rend(); ++row) {
      ASSIGN_OR_RETURN(bool ok, usable(*row));
      if (ok) return std::optional<uint64_t>(*row);
    }
  }
  std::vector<uint64_t> candidates;
  RETURN_IF_ERROR(pk_index_.Lookup(pool, PkKeyCode(key), &candidates));
  for (uint64_t offset : candidates) {
    if (offset >= columns_.num_rows()) {
      return Corruption("primary-key index points at row " + std::to_string(offset) + " past the table's end");
    }
    ASSIGN_OR_RETURN(bool ok, usable(offset));
    if (!ok) continue;
    if (key.type() != LogicalType::kString) return std::optional<uint64_t>(offset);
    ASSIGN_OR_RETURN(Value stored, columns_.Get(pool, offset, primary_key_));
    if (stored == key) return std::optional<uint64_t>(offset);
  }
  return std::optional<uint64_t>();
}

void NodeTableData::Append(std::vector<Value> row) {
  delta_keys_[DeltaKey(row[primary_key_])].push_back(columns_.num_rows());
  columns_.Append(std::move(row));
}

void NodeTableData::Truncate(uint64_t rows) {
  for (auto it = delta_keys_.begin(); it != delta_keys_.end();) {
    auto& offsets = it->second;
    offsets.erase(std::remove_if(offsets.begin(), offsets.end(), [&](uint64_t o) { return o >= rows; }),
                  offsets.end());
    it = offsets.empty() ? delta_keys_.erase(it) : std::next(it);
  }
  for (auto it = deleted_.begin(); it != deleted_.end();) {
    it = it->first >= rows ? deleted_.erase(it) : std::next(it);
  }
  columns_.Truncate(rows);
}

Result<NodeTableData::Checkpointed> NodeTableData::Checkpoint(CheckpointContext* ctx) const {
  Checkpointed out;
  ASSIGN_OR_RETURN(out.columns, columns_.Checkpoint(ctx));
  out.pk_index = pk_index_.extent();
  out.pk_entries = pk_index_.entries();
  out.deleted = base_deleted_extent_;
  out.deleted_count = base_deleted_count_;
  const bool rows_changed = columns_.num_rows() > pk_index_.entries() + base_deleted_count_;
  if (!rows_changed && deleted_.empty()) return out;
  // Deleted rows: the checkpointed ones plus those deleted since.
  std::vector<uint64_t> deleted;
  if (base_deleted_count_ > 0) {
    ASSIGN_OR_RETURN(const std::vector<uint64_t>* base, BaseDeleted(ctx->pool));
    deleted = *base;
  }
  for (const auto& [row, seq] : deleted_) deleted.push_back(row);
  std::sort(deleted.begin(), deleted.end());
  // The index is one sorted run of live keys: merge the new keys into it
  // and drop deleted rows.
  std::vector<PkEntry> entries;
  RETURN_IF_ERROR(pk_index_.ReadAll(ctx->pool, &entries));
  const LogicalType key_type = columns_.types()[primary_key_];
  for (const auto& [key, offsets] : delta_keys_) {
    uint64_t code;
    if (key_type == LogicalType::kString) {
      code = PkKeyCode(Value::String(key));
    } else {
      int64_t v;
      std::memcpy(&v, key.data(), sizeof v);
      code = static_cast<uint64_t>(v);
    }
    for (uint64_t offset : offsets) entries.push_back(PkEntry{code, offset});
  }
  entries.erase(std::remove_if(entries.begin(), entries.end(),
                               [&](const PkEntry& e) {
                                 return std::binary_search(deleted.begin(), deleted.end(), e.offset);
                               }),
                entries.end());
  std::sort(entries.begin(), entries.end());
  ASSIGN_OR_RETURN(out.pk_index, WritePkIndex(entries, ctx->space, ctx->pool));
  out.pk_entries = entries.size();
  if (pk_index_.extent().count > 0) ctx->freed.push_back(pk_index_.extent());
  if (!deleted_.empty()) {
    BlobBuilder blob;
    blob.AddFixed(deleted.data(), deleted.size(), 8);
    ASSIGN_OR_RETURN(out.deleted, blob.Write(ctx->space, ctx->pool));
    out.deleted_count = deleted.size();
    if (base_deleted_extent_.count > 0) ctx->freed.push_back(base_deleted_extent_);
  }
  return out;
}

Status NodeTableData::CollectExtents(BufferPool* pool, std::vector<PageExtent>* out) const {
  RETURN_IF_ERROR(columns_.CollectExtents(pool, out));
  if (pk_index_.extent().count > 0) out->push_back(pk_index_.extent());
  if (base_deleted_extent_.count > 0) out->push_back(base_deleted_extent_);
  return Status::OK();
}

Status NodeTableData::VerifyIndex(BufferPool* pool, std::vector<std::string>* problems) const {
  std::vector<Value> keys;
  RETURN_IF_ERROR(columns_.Scan(pool, primary_key_, 0, columns_.num_rows(), &keys));
  for (uint64_t row = 0; row < keys.size(); row++) {
    ASSIGN_OR_RETURN(bool deleted, IsDeleted(pool, row, kSeeAll));
    if (deleted) continue;
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
  base_next_rel_id_ = 0;
  num_edges_ = 0;
  deleted_.clear();
  pending_deletes_.clear();
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
        !DirectoryFits(directions_[i].directory, directions_[i].num_groups, sizeof(format::CsrGroupMeta))) {
      return Corruption("relationship table '" + name + "': CSR directory does not fit its pages");
    }
  }
  next_rel_id_ = base->next_rel_id();
  base_next_rel_id_ = next_rel_id_;
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
  for (auto it = deleted_.begin(); it != deleted_.end();) {
    it = it->first >= next_rel_id ? deleted_.erase(it) : std::next(it);
  }
}

Status RelTableData::Neighbours(BufferPool* pool, Direction direction, uint64_t node, std::vector<CsrEdge>* out,
                                uint64_t visible) const {
  const DirectionData& d = directions_[static_cast<int>(direction)];
  const size_t first_out = out->size();
  uint64_t group = node / kNodeGroupSize;
  if (group < d.num_groups) {
    ASSIGN_OR_RETURN(format::CsrGroupMeta meta, GroupMeta(pool, d, group));
    if (meta.page_count() > 0) RETURN_IF_ERROR(ReadCsrNode(pool, meta, node % kNodeGroupSize, out));
  }
  auto it = d.delta.find(node);
  if (it != d.delta.end()) out->insert(out->end(), it->second.begin(), it->second.end());
  if (!deleted_.empty()) {
    out->erase(std::remove_if(out->begin() + first_out, out->end(),
                              [&](const CsrEdge& e) { return IsDeleted(e.rel_id, visible); }),
               out->end());
  }
  return Status::OK();
}

void RelTableData::Delete(uint64_t rel_id, uint64_t src, uint64_t dst) {
  CHECK(!IsDeleted(rel_id, kSeeAll)) << "relationship " << rel_id << " deleted twice";
  deleted_[rel_id] = Tombstone{kPendingVersion, src, dst};
  pending_deletes_.push_back(rel_id);
  num_edges_--;
}

bool RelTableData::IsDeleted(uint64_t rel_id, uint64_t visible) const {
  auto it = deleted_.find(rel_id);
  return it != deleted_.end() && it->second.seq <= visible;
}

uint64_t RelTableData::CountVisible(uint64_t next_rel_id, uint64_t visible) const {
  uint64_t count = directions_[0].base_edges + (next_rel_id - base_next_rel_id_);
  for (const auto& [id, tomb] : deleted_) {
    if (id < next_rel_id && tomb.seq <= visible) count--;
  }
  return count;
}

void RelTableData::CommitVersions(uint64_t seq) {
  properties_.CommitVersions(seq);
  for (uint64_t id : pending_deletes_) deleted_[id].seq = seq;
  pending_deletes_.clear();
}

void RelTableData::RollbackVersions() {
  properties_.RollbackVersions();
  for (uint64_t id : pending_deletes_) {
    deleted_.erase(id);
    num_edges_++;
  }
  pending_deletes_.clear();
}

TableSavepoint RelTableData::CreateSavepoint() const {
  return TableSavepoint{next_rel_id_, properties_.pending_versions(), pending_deletes_.size()};
}

void RelTableData::RollbackToSavepoint(const TableSavepoint& savepoint) {
  properties_.RollbackVersionsTo(savepoint.pending_versions);
  while (pending_deletes_.size() > savepoint.pending_deletes) {
    deleted_.erase(pending_deletes_.back());
    pending_deletes_.pop_back();
    num_edges_++;
  }
  // Undeleted first, so that Truncate counts every later relationship once.
  Truncate(savepoint.rows);
}

Result<flatbuffers::Offset<format::CsrDirection>> RelTableData::CheckpointDirection(
    CheckpointContext* ctx, const DirectionData& d, uint64_t bound_rows) const {
  auto* b = ctx->builder;
  const bool forward = &d == &directions_[0];
  if (d.delta.empty() && deleted_.empty()) {
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
  // Groups holding a deleted relationship are rewritten without it.
  for (const auto& [id, tomb] : deleted_) {
    const uint64_t node = forward ? tomb.src : tomb.dst;
    touched.insert(node / kNodeGroupSize);
    max_node = std::max(max_node, node);
  }
  auto live = [&](const CsrEdge& e) { return !deleted_.count(e.rel_id); };
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
        std::copy_if(before.edges.begin() + before.offsets[local], before.edges.begin() + before.offsets[local + 1],
                     std::back_inserter(after.edges), live);
      }
      auto it = d.delta.find(first + local);
      if (it != d.delta.end()) std::copy_if(it->second.begin(), it->second.end(), std::back_inserter(after.edges), live);
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
