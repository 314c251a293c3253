#include "storage/bulk_loader.h"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <iterator>

#include "common/logging.h"
#include "storage/column_chunk.h"
#include "storage/csr.h"
#include "storage/page_io.h"
#include "storage/pk_index.h"

namespace ruzu {
namespace {

uint64_t GroupCount(uint64_t rows) { return (rows + kNodeGroupSize - 1) / kNodeGroupSize; }

template <typename Meta>
Result<PageExtent> WriteMetas(const std::vector<Meta>& items, FreeSpaceMap* space, BufferPool* pool) {
  BlobBuilder blob;
  blob.AddFixed(items.data(), items.size(), sizeof(Meta));
  return blob.Write(space, pool);
}

}  // namespace

// ---------------------------------------------------------- ColumnStoreLoader

ColumnStoreLoader::ColumnStoreLoader(const ColumnStore* store, FreeSpaceMap* space, BufferPool* pool,
                                     std::vector<PageExtent>* freed)
    : store_(store), space_(space), pool_(pool), freed_(freed) {}

Status ColumnStoreLoader::Start() {
  if (store_->dirty()) return InternalError("bulk load into a column store with changes not yet checkpointed");
  const uint64_t ncols = store_->types_.size();
  const uint64_t base_rows = store_->base_rows_;
  const uint64_t groups = GroupCount(base_rows);
  directory_.resize(groups * ncols);
  if (!directory_.empty()) {
    RETURN_IF_ERROR(ReadFixedRange(pool_, store_->directory_.first, sizeof(format::ChunkMeta), 0, directory_.size(),
                                   directory_.data()));
    freed_->push_back(store_->directory_);
  }
  buffer_.assign(ncols, {});
  rows_ = base_rows;
  if (base_rows % kNodeGroupSize != 0) {
    // The last group is rewritten with the new rows appended.
    const uint64_t last = groups - 1;
    for (uint32_t c = 0; c < ncols; c++) {
      ASSIGN_OR_RETURN(format::ChunkMeta old, store_->BaseChunk(pool_, last, c));
      RETURN_IF_ERROR(store_->Scan(pool_, c, last * kNodeGroupSize, base_rows - last * kNodeGroupSize, &buffer_[c]));
      if (old.page_count() > 0) freed_->push_back(ChunkExtent(old));
    }
    directory_.resize(last * ncols);
  }
  return Status::OK();
}

Status ColumnStoreLoader::Append(std::vector<std::vector<Value>>* columns, size_t begin, size_t count) {
  CHECK_EQ(columns->size(), buffer_.size());
  if (buffer_.empty()) {  // no columns (a relationship table without properties) only counts rows
    rows_ += count;
    return Status::OK();
  }
  while (count > 0) {
    if (buffer_[0].empty() && count >= kNodeGroupSize) {
      // A whole group in the batch: write it from there.
      for (size_t c = 0; c < buffer_.size(); c++) {
        ASSIGN_OR_RETURN(format::ChunkMeta meta, WriteChunk((*columns)[c].data() + begin, kNodeGroupSize,
                                                            store_->types_[c], space_, pool_));
        directory_.push_back(meta);
      }
      begin += kNodeGroupSize;
      count -= kNodeGroupSize;
      rows_ += kNodeGroupSize;
      continue;
    }
    const size_t take = std::min<size_t>(count, kNodeGroupSize - buffer_[0].size());
    for (size_t c = 0; c < buffer_.size(); c++) {
      auto first = (*columns)[c].begin() + begin;
      buffer_[c].insert(buffer_[c].end(), std::make_move_iterator(first), std::make_move_iterator(first + take));
    }
    begin += take;
    count -= take;
    rows_ += take;
    if (buffer_[0].size() == kNodeGroupSize) RETURN_IF_ERROR(FlushGroup());
  }
  return Status::OK();
}

Status ColumnStoreLoader::FlushGroup() {
  for (size_t c = 0; c < buffer_.size(); c++) {
    ASSIGN_OR_RETURN(format::ChunkMeta meta, WriteChunk(buffer_[c], store_->types_[c], space_, pool_));
    directory_.push_back(meta);
    buffer_[c].clear();
  }
  return Status::OK();
}

Result<StagedColumnStore> ColumnStoreLoader::Finish() {
  if (!buffer_.empty() && !buffer_[0].empty()) RETURN_IF_ERROR(FlushGroup());
  StagedColumnStore out;
  out.num_rows = rows_;
  out.num_columns = static_cast<uint32_t>(buffer_.size());
  ASSIGN_OR_RETURN(out.directory, WriteMetas(directory_, space_, pool_));
  return out;
}

Result<StagedColumnStore> RewriteColumns(const ColumnStore& store, const std::vector<ColumnSource>& columns,
                                         FreeSpaceMap* space, BufferPool* pool, std::vector<PageExtent>* freed) {
  if (store.dirty()) return InternalError("schema change of a column store with changes not yet checkpointed");
  const uint64_t old_columns = store.types_.size();
  const uint64_t rows = store.base_rows_;
  const uint64_t groups = GroupCount(rows);
  std::vector<format::ChunkMeta> old(groups * old_columns);
  if (!old.empty()) {
    RETURN_IF_ERROR(
        ReadFixedRange(pool, store.directory_.first, sizeof(format::ChunkMeta), 0, old.size(), old.data()));
  }
  if (store.directory_.count > 0) freed->push_back(store.directory_);
  std::vector<bool> kept(old_columns, false);
  for (const ColumnSource& c : columns) {
    if (c.from >= 0) {
      CHECK_LT(static_cast<uint64_t>(c.from), old_columns);
      kept[c.from] = true;
    }
  }
  std::vector<format::ChunkMeta> directory;
  directory.reserve(groups * columns.size());
  std::vector<Value> filled;
  for (uint64_t g = 0; g < groups; g++) {
    const uint64_t count = std::min(kNodeGroupSize, rows - g * kNodeGroupSize);
    for (const ColumnSource& c : columns) {
      if (c.from >= 0) {
        directory.push_back(old[g * old_columns + c.from]);
        continue;
      }
      filled.assign(count, c.fill);
      ASSIGN_OR_RETURN(format::ChunkMeta meta, WriteChunk(filled, c.type, space, pool));
      directory.push_back(meta);
    }
    for (uint64_t c = 0; c < old_columns; c++) {
      const format::ChunkMeta& meta = old[g * old_columns + c];
      if (!kept[c] && meta.page_count() > 0) freed->push_back(ChunkExtent(meta));
    }
  }
  StagedColumnStore out;
  out.num_rows = rows;
  out.num_columns = static_cast<uint32_t>(columns.size());
  ASSIGN_OR_RETURN(out.directory, WriteMetas(directory, space, pool));
  return out;
}

// ------------------------------------------------------------ NodeTableLoader

NodeTableLoader::NodeTableLoader(const NodeTableData* table, FreeSpaceMap* space, BufferPool* pool,
                                 std::vector<PageExtent>* freed)
    : table_(table), columns_(&table->columns(), space, pool, freed), space_(space), pool_(pool), freed_(freed) {}

Status NodeTableLoader::Start() {
  if (table_->dirty()) return InternalError("bulk load into a node table with changes not yet checkpointed");
  RETURN_IF_ERROR(columns_.Start());
  return table_->pk_index_.ReadAll(pool_, &entries_);
}

Status NodeTableLoader::Append(std::vector<std::vector<Value>>* columns, size_t begin, size_t count) {
  const std::vector<Value>& keys = (*columns)[table_->primary_key()];
  uint64_t row = columns_.num_rows();
  for (size_t i = begin; i < begin + count; i++) {
    CHECK(!keys[i].is_null()) << "NULL keys are rejected by the caller";
    entries_.push_back(PkEntry{PkKeyCode(keys[i]), row++});
  }
  return columns_.Append(columns, begin, count);
}

Result<StagedNodeTable> NodeTableLoader::Finish() {
  // Keys often arrive ascending (ids 1..n): then there is nothing to sort.
  if (!std::is_sorted(entries_.begin(), entries_.end())) std::sort(entries_.begin(), entries_.end());
  StagedNodeTable out;
  ASSIGN_OR_RETURN(out.columns, columns_.Finish());
  ASSIGN_OR_RETURN(out.pk_index, WritePkIndex(entries_, space_, pool_));
  if (table_->pk_index_.extent().count > 0) freed_->push_back(table_->pk_index_.extent());
  out.pk_entries = entries_.size();
  out.deleted = table_->base_deleted_extent_;
  out.deleted_count = table_->base_deleted_count_;
  return out;
}

Result<StagedNodeTable> NodeTableLoader::Rewrite(const NodeTableData& table, const std::vector<ColumnSource>& columns,
                                                 FreeSpaceMap* space, BufferPool* pool,
                                                 std::vector<PageExtent>* freed) {
  if (table.dirty()) return InternalError("schema change of a node table with changes not yet checkpointed");
  StagedNodeTable out;
  ASSIGN_OR_RETURN(out.columns, RewriteColumns(table.columns(), columns, space, pool, freed));
  out.pk_index = table.pk_index_.extent();
  out.pk_entries = table.pk_index_.entries();
  out.deleted = table.base_deleted_extent_;
  out.deleted_count = table.base_deleted_count_;
  return out;
}

// ----------------------------------------------------------------- NodeKeyMap

struct NodeKeyMap::Map {
  bool dense = true;                // integer keys in `slots`
  int64_t low = 0;                  // the key of slots[0]
  std::vector<uint32_t> slots;      // offset + 1 per key; 0: absent
  uint64_t keys = 0;
  absl::flat_hash_map<int64_t, uint64_t> by_int;
  absl::flat_hash_map<std::string, uint64_t> by_string;
};

namespace {
// Array slots hold offset + 1 in 32 bits.
constexpr uint64_t kMaxDenseOffset = (uint64_t{1} << 32) - 2;
}  // namespace

NodeKeyMap::NodeKeyMap(const NodeTableData* table, BufferPool* pool) : table_(table), pool_(pool) {}
NodeKeyMap::~NodeKeyMap() = default;

bool NodeKeyMap::DenseEnough(int64_t low, int64_t high, uint64_t keys) {
  const __int128 range = static_cast<__int128>(high) - low + 1;
  return range <= static_cast<__int128>(4 * keys + 4096) && range <= (__int128{1} << 32);
}

void NodeKeyMap::CoverKey(int64_t key) {
  Map& m = *map_;
  if (!m.dense) return;
  if (m.slots.empty()) {
    m.low = key;
    m.slots.assign(1, 0);
    return;
  }
  const int64_t high = m.low + static_cast<int64_t>(m.slots.size()) - 1;
  if (key >= m.low && key <= high) return;
  const int64_t new_low = std::min(key, m.low), new_high = std::max(key, high);
  if (DenseEnough(new_low, new_high, m.keys + 1)) {
    if (new_low < m.low) m.slots.insert(m.slots.begin(), static_cast<size_t>(m.low - new_low), 0);
    m.low = new_low;
    // Grow geometrically so ascending keys cost amortized O(1).
    const size_t size = static_cast<size_t>(new_high - new_low + 1);
    if (size > m.slots.capacity()) m.slots.reserve(std::max(size, m.slots.capacity() * 2));
    if (size > m.slots.size()) m.slots.resize(size, 0);
    return;
  }
  MoveToHash();
}

void NodeKeyMap::MoveToHash() {
  Map& m = *map_;
  m.by_int.reserve(m.keys * 2);
  for (size_t i = 0; i < m.slots.size(); i++) {
    if (m.slots[i] != 0) m.by_int.emplace(m.low + static_cast<int64_t>(i), m.slots[i] - 1);
  }
  m.dense = false;
  m.slots = std::vector<uint32_t>();
}

Status NodeKeyMap::Build() {
  if (table_->dirty()) return InternalError("key map over a node table with changes not yet checkpointed");
  map_ = std::make_unique<Map>();
  std::vector<PkEntry> entries;
  RETURN_IF_ERROR(table_->pk_index_.ReadAll(pool_, &entries));
  const uint32_t key_column = table_->primary_key();
  if (table_->columns().types()[key_column] != LogicalType::kString) {
    for (const PkEntry& e : entries) Insert(Value::Int64(static_cast<int64_t>(e.code)), e.offset);
    return Status::OK();
  }
  // String codes are hashes: read the keys themselves, in row order, of the
  // rows the index lists (the live ones).
  map_->dense = false;
  std::vector<bool> live(table_->num_rows(), false);
  for (const PkEntry& e : entries) {
    if (e.offset >= live.size()) return Corruption("primary-key index lists row " + std::to_string(e.offset));
    live[e.offset] = true;
  }
  map_->by_string.reserve(entries.size());
  std::vector<Value> keys;
  for (uint64_t begin = 0; begin < live.size(); begin += kNodeGroupSize) {
    keys.clear();
    const uint64_t count = std::min<uint64_t>(kNodeGroupSize, live.size() - begin);
    RETURN_IF_ERROR(table_->columns().Scan(pool_, key_column, begin, count, &keys));
    for (uint64_t i = 0; i < count; i++) {
      if (live[begin + i]) map_->by_string.emplace(keys[i].string_value(), begin + i);
    }
  }
  return Status::OK();
}

std::optional<uint64_t> NodeKeyMap::Find(const Value& key) const {
  CHECK(map_ != nullptr) << "Build() first";
  const Map& m = *map_;
  if (key.type() == LogicalType::kString) {
    auto it = m.by_string.find(key.string_value());
    if (it == m.by_string.end()) return std::nullopt;
    return it->second;
  }
  if (m.dense) {
    const uint64_t index = static_cast<uint64_t>(key.int_value()) - static_cast<uint64_t>(m.low);
    if (index >= m.slots.size() || m.slots[index] == 0) return std::nullopt;
    return m.slots[index] - 1;
  }
  auto it = m.by_int.find(key.int_value());
  if (it == m.by_int.end()) return std::nullopt;
  return it->second;
}

bool NodeKeyMap::Insert(const Value& key, uint64_t offset) {
  CHECK(map_ != nullptr) << "Build() first";
  Map& m = *map_;
  if (key.type() == LogicalType::kString) return m.by_string.emplace(key.string_value(), offset).second;
  const int64_t k = key.int_value();
  if (m.dense && offset > kMaxDenseOffset) MoveToHash();
  CoverKey(k);
  if (m.dense) {
    uint32_t& slot = m.slots[static_cast<size_t>(k - m.low)];
    if (slot != 0) return false;
    slot = static_cast<uint32_t>(offset + 1);
    m.keys++;
    return true;
  }
  if (!m.by_int.emplace(k, offset).second) return false;
  m.keys++;
  return true;
}

// ------------------------------------------------------------- RelTableLoader

RelTableLoader::RelTableLoader(const RelTableData* table, uint64_t src_rows, uint64_t dst_rows, FreeSpaceMap* space,
                               BufferPool* pool, std::vector<PageExtent>* freed, EdgeStaging staging)
    : table_(table),
      bound_rows_{src_rows, dst_rows},
      properties_(&table->properties(), space, pool, freed),
      space_(space),
      pool_(pool),
      freed_(freed),
      staging_(std::move(staging)) {}

RelTableLoader::~RelTableLoader() {
  if (spill_ != nullptr) {
    spill_.reset();
    Status removed = staging_.fs->Remove(staging_.spill_path);
    if (!removed.ok()) LOG(WARNING) << "could not remove " << staging_.spill_path << ": " << removed.ToString();
  }
}

Status RelTableLoader::Spill() {
  if (spill_ == nullptr) {
    if (staging_.fs == nullptr) return InternalError("edge staging exceeded its memory budget without a spill file");
    OpenOptions options;
    options.create = true;
    ASSIGN_OR_RETURN(spill_, staging_.fs->Open(staging_.spill_path, options));
    RETURN_IF_ERROR(spill_->Truncate(0));
  }
  std::vector<uint32_t> pairs(2 * src_.size());
  for (size_t i = 0; i < src_.size(); i++) {
    pairs[2 * i] = src_[i];
    pairs[2 * i + 1] = dst_[i];
  }
  RETURN_IF_ERROR(spill_->WriteAt(spilled_ * 8, reinterpret_cast<const char*>(pairs.data()), pairs.size() * 4));
  spilled_ += src_.size();
  src_.clear();
  dst_.clear();
  return Status::OK();
}

Status RelTableLoader::ForEachEdge(const std::function<void(uint32_t, uint32_t, uint32_t)>& visit) const {
  constexpr uint64_t kChunk = uint64_t{1} << 20;  // edges per read
  std::vector<uint32_t> pairs;
  for (uint64_t begin = 0; begin < spilled_; begin += kChunk) {
    const uint64_t n = std::min(kChunk, spilled_ - begin);
    pairs.resize(2 * n);
    size_t read = 0;
    RETURN_IF_ERROR(spill_->ReadAt(begin * 8, n * 8, reinterpret_cast<char*>(pairs.data()), &read));
    if (read != n * 8) return IOError("short read from " + staging_.spill_path);
    for (uint64_t i = 0; i < n; i++) visit(static_cast<uint32_t>(begin + i), pairs[2 * i], pairs[2 * i + 1]);
  }
  for (size_t i = 0; i < src_.size(); i++) visit(static_cast<uint32_t>(spilled_ + i), src_[i], dst_[i]);
  return Status::OK();
}

Status RelTableLoader::Start() {
  if (table_->dirty()) {
    return InternalError("bulk load into a relationship table with changes not yet checkpointed");
  }
  constexpr uint64_t kMaxRows = uint64_t{1} << 32;
  if (bound_rows_[0] >= kMaxRows || bound_rows_[1] >= kMaxRows) {
    return Unsupported("bulk import of relationships between tables of 2^32 nodes or more is not supported");
  }
  first_rel_id_ = table_->next_rel_id();
  return properties_.Start();
}

Status RelTableLoader::Append(const std::vector<uint64_t>& src, const std::vector<uint64_t>& dst,
                              std::vector<std::vector<Value>>* properties, size_t begin, size_t count) {
  if (num_loaded() + count >= (uint64_t{1} << 32)) {
    return Unsupported("a single bulk import of 2^32 relationships or more is not supported");
  }
  for (size_t i = begin; i < begin + count; i++) {
    CHECK_LT(src[i], bound_rows_[0]);
    CHECK_LT(dst[i], bound_rows_[1]);
    src_.push_back(static_cast<uint32_t>(src[i]));
    dst_.push_back(static_cast<uint32_t>(dst[i]));
  }
  if (src_.size() * 8 > staging_.memory_bytes) RETURN_IF_ERROR(Spill());
  return properties_.Append(properties, begin, count);
}

Result<StagedCsrDirection> RelTableLoader::BuildDirection(int direction) {
  const RelTableData::DirectionData& d = table_->directions_[direction];
  const uint64_t rows = bound_rows_[direction];
  const uint64_t groups = GroupCount(rows);
  const bool forward = direction == 0;
  // New edges per CSR group.
  std::vector<uint64_t> group_start(groups + 1, 0);
  RETURN_IF_ERROR(ForEachEdge([&](uint32_t, uint32_t src, uint32_t dst) {
    group_start[(forward ? src : dst) / kNodeGroupSize + 1]++;
  }));
  for (uint64_t g = 0; g < groups; g++) group_start[g + 1] += group_start[g];
  std::vector<format::CsrGroupMeta> metas(d.num_groups);
  if (!metas.empty()) {
    RETURN_IF_ERROR(
        ReadFixedRange(pool_, d.directory.first, sizeof(format::CsrGroupMeta), 0, metas.size(), metas.data()));
    freed_->push_back(d.directory);
  }
  metas.resize(std::max<uint64_t>(metas.size(), groups));
  uint64_t total_edges = d.base_edges;
  // Ranges of consecutive groups whose new edges (10 bytes each while
  // sorted) fit the memory budget; one pass over the edges per range.
  const uint64_t range_edges = std::max<uint64_t>(staging_.memory_bytes / 10, 1);
  std::vector<uint16_t> part_local;
  std::vector<uint32_t> part_other, part_id, local_start(kNodeGroupSize + 1), local_order, next;
  CsrGroupData before, after;
  for (uint64_t g0 = 0; g0 < groups;) {
    uint64_t g1 = g0 + 1;
    while (g1 < groups && group_start[g1 + 1] - group_start[g0] <= range_edges) g1++;
    const uint64_t base = group_start[g0];
    const uint64_t range_size = group_start[g1] - base;
    // Partition the range's edges by group (stable: a node's new edges keep
    // their id order), so sorting within a group stays in cache.
    part_local.resize(range_size);
    part_other.resize(range_size);
    part_id.resize(range_size);
    {
      std::vector<uint64_t> fill(group_start.begin() + g0, group_start.begin() + g1);
      const uint32_t first_node = static_cast<uint32_t>(g0 * kNodeGroupSize);
      const uint64_t range_nodes = (g1 - g0) * kNodeGroupSize;
      RETURN_IF_ERROR(ForEachEdge([&](uint32_t e, uint32_t src, uint32_t dst) {
        const uint32_t bound = forward ? src : dst;
        if (bound - first_node >= range_nodes) return;  // outside the range (unsigned wrap included)
        const uint64_t p = fill[bound / kNodeGroupSize - g0]++ - base;
        part_local[p] = static_cast<uint16_t>(bound % kNodeGroupSize);
        part_other[p] = forward ? dst : src;
        part_id[p] = e;
      }));
    }
    for (uint64_t g = g0; g < g1; g++) {
      const uint64_t begin = group_start[g] - base, end = group_start[g + 1] - base;
      if (begin == end) continue;  // no new edges: the group stays as it is
      std::fill(local_start.begin(), local_start.end(), 0);
      for (uint64_t p = begin; p < end; p++) local_start[part_local[p] + 1]++;
      for (uint64_t i = 0; i < kNodeGroupSize; i++) local_start[i + 1] += local_start[i];
      local_order.resize(end - begin);
      next.assign(local_start.begin(), local_start.end() - 1);
      for (uint64_t p = begin; p < end; p++) local_order[next[part_local[p]]++] = static_cast<uint32_t>(p - begin);
      before = CsrGroupData();
      if (g < d.num_groups && metas[g].page_count() > 0) {
        RETURN_IF_ERROR(ValidateCsrGroup(metas[g]));
        RETURN_IF_ERROR(ReadCsrGroup(pool_, metas[g], &before));
        freed_->push_back(CsrExtent(metas[g]));
      }
      const uint64_t first = g * kNodeGroupSize;
      const uint64_t num_nodes = std::min(kNodeGroupSize, rows - first);
      const uint64_t group_nodes = std::max<uint64_t>(num_nodes, before.num_nodes());
      after = CsrGroupData();
      after.edges.reserve(before.edges.size() + (end - begin));
      after.offsets.reserve(group_nodes + 1);
      for (uint64_t local = 0; local < group_nodes; local++) {
        if (local < before.num_nodes()) {
          after.edges.insert(after.edges.end(), before.edges.begin() + before.offsets[local],
                             before.edges.begin() + before.offsets[local + 1]);
        }
        if (local < num_nodes) {
          for (uint32_t i = local_start[local]; i < local_start[local + 1]; i++) {
            const uint64_t p = begin + local_order[i];
            after.edges.push_back(CsrEdge{part_other[p], first_rel_id_ + part_id[p]});
          }
        }
        after.offsets.push_back(after.edges.size());
      }
      total_edges += after.edges.size() - before.edges.size();
      ASSIGN_OR_RETURN(metas[g], WriteCsrGroup(after, space_, pool_));
    }
    g0 = g1;
  }
  StagedCsrDirection out;
  out.num_groups = metas.size();
  out.num_edges = total_edges;
  ASSIGN_OR_RETURN(out.directory, WriteMetas(metas, space_, pool_));
  return out;
}

Result<StagedRelTable> RelTableLoader::Rewrite(const RelTableData& table, const std::vector<ColumnSource>& columns,
                                               FreeSpaceMap* space, BufferPool* pool,
                                               std::vector<PageExtent>* freed) {
  if (table.dirty()) return InternalError("schema change of a relationship table with changes not yet checkpointed");
  StagedRelTable out;
  StagedCsrDirection* directions[2] = {&out.forward, &out.backward};
  for (int i = 0; i < 2; i++) {
    const RelTableData::DirectionData& d = table.directions_[i];
    directions[i]->num_groups = d.num_groups;
    directions[i]->directory = d.directory;
    directions[i]->num_edges = d.base_edges;
  }
  ASSIGN_OR_RETURN(out.properties, RewriteColumns(table.properties(), columns, space, pool, freed));
  out.next_rel_id = table.next_rel_id();
  return out;
}

Result<StagedRelTable> RelTableLoader::Finish() {
  StagedRelTable out;
  ASSIGN_OR_RETURN(out.forward, BuildDirection(0));
  ASSIGN_OR_RETURN(out.backward, BuildDirection(1));
  ASSIGN_OR_RETURN(out.properties, properties_.Finish());
  out.next_rel_id = first_rel_id_ + num_loaded();
  return out;
}

}  // namespace ruzu
