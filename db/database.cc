// Database: open/create, recovery, checkpoint, close. See database.h.
#include "db/database.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>

#include "common/checksum.h"
#include "common/logging.h"
#include "db/database_impl.h"
#include "storage/format/manifest_generated.h"
#include "storage/page_io.h"
#include "wal/record_codec.h"
#include "wal/wal_reader.h"

namespace ruzu {
namespace {

std::string WalPath(const std::string& path) { return path + ".wal"; }

uint64_t RandomId() {
  std::random_device rd;
  uint64_t id = (uint64_t{rd()} << 32) ^ rd() ^
                static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  return id == 0 ? 1 : id;
}

// Copies `size` bytes into a fresh buffer aligned for FlatBuffers.
std::unique_ptr<uint8_t[]> CopyAligned(const uint8_t* data, size_t size) {
  std::unique_ptr<uint8_t[]> buffer(new uint8_t[std::max<size_t>(size, 1)]);
  std::memcpy(buffer.get(), data, size);
  return buffer;
}

std::vector<flatbuffers::Offset<format::Property>> BuildProperties(flatbuffers::FlatBufferBuilder* b,
                                                                    const TableSchema& schema) {
  std::vector<flatbuffers::Offset<format::Property>> props;
  for (const auto& p : schema.properties) {
    flatbuffers::Offset<flatbuffers::Vector<uint8_t>> default_value = 0;
    if (!p.default_value.is_null()) {
      WalEncoder e;
      e.PutValue(p.default_value);
      default_value = b->CreateVector(reinterpret_cast<const uint8_t*>(e.data().data()), e.data().size());
    }
    props.push_back(format::CreateProperty(*b, b->CreateString(p.name), static_cast<uint8_t>(p.type), p.serial,
                                           default_value));
  }
  return props;
}

Result<std::vector<PropertyDef>> ReadProperties(
    const flatbuffers::Vector<flatbuffers::Offset<format::Property>>* props) {
  std::vector<PropertyDef> out;
  if (props == nullptr) return out;
  for (const format::Property* p : *props) {
    if (p->name() == nullptr || !IsValidLogicalType(p->type())) {
      return Corruption("manifest has a property without a name or with unknown type " +
                        std::to_string(p->type()));
    }
    PropertyDef def{p->name()->str(), static_cast<LogicalType>(p->type())};
    def.serial = p->serial();
    if (p->default_value() != nullptr) {
      WalDecoder d(std::string_view(reinterpret_cast<const char*>(p->default_value()->data()),
                                    p->default_value()->size()));
      if (!d.GetValue(&def.default_value)) return Corruption("manifest has a damaged default of " + def.name);
    }
    out.push_back(std::move(def));
  }
  return out;
}

}  // namespace

// ------------------------------------------------------------------ Database

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Database::~Database() {
  if (impl_ && !impl_->closed_) {
    Status s = impl_->Close();
    if (!s.ok()) LOG(ERROR) << "closing '" << impl_->path_ << "': " << s.ToString();
  }
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, DatabaseOptions options) {
  auto impl = std::make_unique<Impl>(path, std::move(options));
  Status s = impl->Open();
  if (!s.ok()) {
    impl->closed_ = true;  // nothing to checkpoint; files close with impl
    return s;
  }
  return std::unique_ptr<Database>(new Database(std::move(impl)));
}

Status Database::Close() {
  if (impl_->closed_) return InvalidArgument("database '" + impl_->path_ + "' is already closed");
  return impl_->Close();
}

Status Database::Checkpoint() {
  if (impl_->closed_) return InvalidArgument("database is closed");
  RETURN_IF_ERROR(impl_->CheckWritable());
  bool expected = false;
  if (!impl_->writer_active_.compare_exchange_strong(expected, true)) {
    return TransactionError("cannot checkpoint while a write transaction is open");
  }
  Status s = impl_->CheckpointLocked();
  impl_->writer_active_ = false;
  return s;
}

Catalog Database::CatalogSnapshot() const {
  std::shared_lock lock(impl_->mutex_);
  Catalog out = impl_->catalog_;
  for (const TableSchema* t : impl_->catalog_.Tables()) {
    if (!impl_->committed_.count(t->id)) out.RemoveTable(t->id);
  }
  return out;
}

DatabaseStats Database::Stats() const { return impl_->Stats(); }
Result<std::vector<std::string>> Database::Verify() { return impl_->Verify(); }
Result<std::string> Database::Dump() { return impl_->Dump(); }
const std::string& Database::path() const { return impl_->path_; }
const DatabaseOptions& Database::options() const { return impl_->options_; }

// ------------------------------------------------------------ Database::Impl

Database::Impl::Impl(std::string path, DatabaseOptions options)
    : path_(std::move(path)), options_(std::move(options)) {
  fs_ = options_.file_system != nullptr ? options_.file_system : FileSystem::Default();
}

Database::Impl::~Impl() = default;

Status Database::Impl::CheckWritable() const {
  if (options_.read_only) return ReadOnlyError("database '" + path_ + "' is open read-only");
  if (!poisoned_.ok()) {
    return Status(poisoned_.code(), "database '" + path_ + "' refuses writes after an I/O failure (" +
                                        poisoned_.message() + "); reopen it");
  }
  return Status::OK();
}

Status Database::Impl::Open() {
  Result<FileInfo> info = fs_->Stat(path_);
  if (!info.ok()) {
    if (info.status().code() != StatusCode::kNotFound) return info.status();
    if (options_.read_only || !options_.create_if_missing) {
      return NotFound("database '" + path_ + "' does not exist");
    }
    RETURN_IF_ERROR(CreateNew());
  } else if (info->kind == FileKind::kDirectory) {
    return InvalidArgument("'" + path_ + "' is a directory, not a database file");
  } else if (info->kind != FileKind::kRegular) {
    return InvalidArgument("'" + path_ + "' is not a regular file");
  }

  OpenOptions open_options;
  open_options.read_only = options_.read_only;
  ASSIGN_OR_RETURN(std::unique_ptr<File> file, fs_->Open(path_, open_options));
  RETURN_IF_ERROR(file->Lock(options_.read_only ? File::LockMode::kShared : File::LockMode::kExclusive));
  pager_ = std::make_unique<PageFile>(std::move(file));
  ASSIGN_OR_RETURN(header_, pager_->ReadHeader(&header_slot_, &header_slot_damaged_));
  pager_->set_database_id(header_.database_id);
  ASSIGN_OR_RETURN(uint64_t pages, pager_->PageCount());
  if (pages < header_.page_count) {
    return Corruption("'" + path_ + "' is truncated: its header names " + std::to_string(header_.page_count) +
                      " pages but the file has " + std::to_string(pages));
  }
  pool_ = std::make_unique<BufferPool>(pager_.get(), options_.buffer_pool_bytes);
  RETURN_IF_ERROR(LoadManifest());
  RETURN_IF_ERROR(InstallInitialManifest());
  if (!options_.read_only) {
    // A COPY killed midway leaves its spill file; nothing refers to it.
    Status removed = fs_->Remove(CopySpillPath(path_));
    if (!removed.ok() && removed.code() != StatusCode::kNotFound) {
      LOG(WARNING) << "could not remove " << CopySpillPath(path_) << ": " << removed.ToString();
    }
  }
  return Recover();
}

// A new database is written to NAME.creating, synced and renamed into place,
// so a crash during creation never leaves a half-made NAME behind.
Status Database::Impl::CreateNew() {
  if (fs_->Stat(WalPath(path_)).ok()) {
    return InvalidArgument("found '" + WalPath(path_) + "' but no database file '" + path_ +
                           "'; refusing to create a new database beside an orphaned WAL (move it away)");
  }
  const std::string temp = path_ + ".creating";
  if (fs_->Stat(temp).ok()) RETURN_IF_ERROR(fs_->Remove(temp));
  OpenOptions create;
  create.create = true;
  create.exclusive = true;
  ASSIGN_OR_RETURN(std::unique_ptr<File> file, fs_->Open(temp, create));
  PageFile pager(std::move(file));
  DatabaseHeader header;
  header.database_id = RandomId();
  header.epoch = 1;
  header.wal_salt = RandomId();
  pager.set_database_id(header.database_id);

  flatbuffers::FlatBufferBuilder b;
  format::ManifestBuilder mb(b);
  mb.add_format_version(kFormatVersion);
  mb.add_epoch(header.epoch);
  b.Finish(mb.Finish());
  std::string payload(reinterpret_cast<const char*>(b.GetBufferPointer()), b.GetSize());
  payload.resize(ByteSectionPages(payload.size()) * kPagePayloadSize, '\0');
  const uint64_t manifest_pages = payload.size() / kPagePayloadSize;
  for (uint64_t i = 0; i < manifest_pages; i++) {
    RETURN_IF_ERROR(pager.WritePage(kFirstDataPage + i, payload.data() + i * kPagePayloadSize));
  }
  header.manifest_first_page = kFirstDataPage;
  header.manifest_page_count = manifest_pages;
  header.manifest_bytes = b.GetSize();
  header.manifest_crc = Crc32c(b.GetBufferPointer(), b.GetSize());
  header.page_count = kFirstDataPage + manifest_pages;
  DatabaseHeader older = header;
  older.epoch = 0;
  RETURN_IF_ERROR(pager.WriteHeader(0, header));
  RETURN_IF_ERROR(pager.WriteHeader(1, older));
  KillPoint("create.before_sync");
  RETURN_IF_ERROR(pager.Sync());
  KillPoint("create.before_rename");
  RETURN_IF_ERROR(fs_->Rename(temp, path_));
  RETURN_IF_ERROR(fs_->SyncDir(DirName(path_)));
  KillPoint("create.after_rename");
  return Status::OK();
}

Status Database::Impl::LoadManifest() {
  const DatabaseHeader& h = header_;
  if (h.manifest_page_count == 0 || h.manifest_first_page < kFirstDataPage ||
      h.manifest_first_page > h.page_count || h.manifest_page_count > h.page_count - h.manifest_first_page ||
      h.manifest_bytes == 0 || h.manifest_bytes > h.manifest_page_count * kPagePayloadSize) {
    return Corruption("header of '" + path_ + "' names an invalid manifest (pages " +
                      std::to_string(h.manifest_first_page) + "+" + std::to_string(h.manifest_page_count) +
                      ", " + std::to_string(h.manifest_bytes) + " bytes)");
  }
  std::unique_ptr<uint8_t[]> buffer(new uint8_t[h.manifest_bytes]);
  std::vector<char> page(kPageSize);
  for (uint64_t i = 0; i * kPagePayloadSize < h.manifest_bytes; i++) {
    RETURN_IF_ERROR(pager_->ReadPage(h.manifest_first_page + i, page.data()));
    uint64_t n = std::min<uint64_t>(kPagePayloadSize, h.manifest_bytes - i * kPagePayloadSize);
    std::memcpy(buffer.get() + i * kPagePayloadSize, page.data(), n);
  }
  if (Crc32c(buffer.get(), h.manifest_bytes) != h.manifest_crc) {
    return Corruption("manifest of '" + path_ + "' (page " + std::to_string(h.manifest_first_page) +
                      ") does not match its checksum");
  }
  flatbuffers::Verifier verifier(buffer.get(), h.manifest_bytes);
  if (!format::VerifyManifestBuffer(verifier)) {
    return Corruption("manifest of '" + path_ + "' is malformed");
  }
  const format::Manifest* m = format::GetManifest(buffer.get());
  // A manifest is written in its header's format version (this build reads
  // every version up to its own).
  if (m->format_version() != h.format_version || m->epoch() != h.epoch) {
    return Corruption("manifest of '" + path_ + "' does not belong to its header (version " +
                      std::to_string(m->format_version()) + ", epoch " + std::to_string(m->epoch()) + ")");
  }
  manifest_buffer_ = std::move(buffer);
  manifest_size_ = h.manifest_bytes;
  return Status::OK();
}

Status Database::Impl::InstallInitialManifest() {
  const format::Manifest* m = format::GetManifest(manifest_buffer_.get());
  auto corrupt = [&](const Status& s) { return Corruption("manifest of '" + path_ + "': " + s.message()); };
  if (m->node_tables() != nullptr) {
    for (const format::NodeTable* t : *m->node_tables()) {
      TableSchema schema;
      schema.kind = TableKind::kNode;
      schema.id = t->table_id();
      schema.name = t->name() ? t->name()->str() : "";
      ASSIGN_OR_RETURN(schema.properties, ReadProperties(t->properties()));
      schema.primary_key = t->primary_key();
      Status s = catalog_.AddTable(schema);
      if (!s.ok()) return corrupt(s);
      auto data = std::make_unique<NodeTableData>(schema.PropertyTypes(), schema.primary_key);
      s = data->SetBase(t);
      if (!s.ok()) return corrupt(s);
      committed_[schema.id] = data->num_rows();
      nodes_[schema.id] = std::move(data);
    }
  }
  if (m->rel_tables() != nullptr) {
    for (const format::RelTable* t : *m->rel_tables()) {
      TableSchema schema;
      schema.kind = TableKind::kRel;
      schema.id = t->table_id();
      schema.name = t->name() ? t->name()->str() : "";
      ASSIGN_OR_RETURN(schema.properties, ReadProperties(t->properties()));
      schema.from_table = t->from_table();
      schema.to_table = t->to_table();
      Status s = catalog_.AddTable(schema);
      if (!s.ok()) return corrupt(s);
      auto data = std::make_unique<RelTableData>(schema.PropertyTypes());
      s = data->SetBase(t);
      if (!s.ok()) return corrupt(s);
      committed_[schema.id] = data->next_rel_id();
      rels_[schema.id] = std::move(data);
    }
  }
  if (m->next_table_id() < catalog_.next_table_id()) {
    return Corruption("manifest of '" + path_ + "': next table id is below a used id");
  }
  catalog_.set_next_table_id(m->next_table_id());
  return Status::OK();
}

Status Database::Impl::Recover() {
  const std::string wal_path = WalPath(path_);
  Result<WalContents> contents = WalReader::Read(fs_, wal_path, header_.database_id, header_.wal_salt);
  KillPoint("recovery.after_scan");
  bool fresh_wal = false;
  if (!contents.ok()) {
    if (contents.status().code() != StatusCode::kNotFound) return contents.status();
    fresh_wal = true;  // a crash after creating the database file, before its WAL
  } else if (contents->stale && header_slot_damaged_) {
    // The surviving header slot is older than the WAL: the newer slot was
    // damaged. Recreating the WAL would silently drop committed transactions.
    return Corruption("'" + path_ + "': a header slot is damaged and the WAL '" + wal_path +
                      "' belongs to another checkpoint than the intact slot; refusing to open so that no "
                      "committed transaction is lost");
  } else if (contents->stale || contents->valid_end == 0) {
    fresh_wal = true;  // records predate the last checkpoint, or creation was cut short
  } else {
    std::unique_lock lock(mutex_);
    uint64_t replayed = 0;
    for (const WalTransaction& txn : contents->committed) {
      for (const WalRecord& record : txn.records) {
        Status s = ApplyRecord(record.type, record.payload);
        if (!s.ok()) {
          return Corruption("WAL '" + wal_path + "': record " + std::to_string(record.lsn) +
                            " cannot be replayed: " + s.message());
        }
        replayed++;
      }
      next_txn_id_ = std::max(next_txn_id_, txn.txn_id + 1);
      CommitVersions(++commit_seq_);
      committed_ = LiveMarks();
    }
    VLOG(1) << "replayed " << contents->committed.size() << " transactions (" << replayed
            << " records) from " << wal_path << (contents->had_torn_tail ? ", torn tail dropped" : "");
    KillPoint("recovery.after_replay");
  }
  if (options_.read_only) return Status::OK();  // read-only opens never modify files
  if (fresh_wal) {
    if (contents.ok() && contents->stale) {
      // The header that makes this WAL stale may not be durable: after a
      // checkpoint's failed header fsync, reopening reads it back from the
      // page cache while the other slot on disk still needs this WAL. Make it
      // durable before the WAL is replaced.
      RETURN_IF_ERROR(pager_->WriteHeader(header_slot_, header_));
      RETURN_IF_ERROR(pager_->Sync());
    }
    // Keep LSNs increasing over the database's life when the old log is known.
    const uint64_t first_lsn = contents.ok() ? contents->next_lsn : 1;
    ASSIGN_OR_RETURN(wal_, WalWriter::Create(fs_, wal_path, header_.database_id, header_.wal_salt, first_lsn));
  } else {
    ASSIGN_OR_RETURN(wal_, WalWriter::OpenForAppend(fs_, wal_path, header_.database_id, header_.wal_salt,
                                                    contents->valid_end, contents->next_lsn));
  }
  wal_->set_kill_point(options_.kill_point);
  KillPoint("recovery.done");
  return Status::OK();
}

uint64_t Database::Impl::LiveMark(const TableSchema& schema) const {
  if (schema.is_node()) return nodes_.at(schema.id)->num_rows();
  return rels_.at(schema.id)->next_rel_id();
}

Watermarks Database::Impl::LiveMarks() const {
  Watermarks marks;
  for (const TableSchema* t : catalog_.Tables()) marks[t->id] = LiveMark(*t);
  return marks;
}

void Database::Impl::RollbackTo(const Watermarks& committed) {
  for (const TableSchema* t : catalog_.Tables()) {
    auto it = committed.find(t->id);
    if (it == committed.end()) continue;
    if (t->is_node()) {
      nodes_[t->id]->Truncate(it->second);
    } else {
      rels_[t->id]->Truncate(it->second);
    }
  }
  // Tables created by the rolled-back transaction: relationship tables
  // first, they refer to node tables.
  std::vector<const TableSchema*> created;
  for (const TableSchema* t : catalog_.Tables()) {
    if (!committed.count(t->id)) created.push_back(t);
  }
  std::stable_partition(created.begin(), created.end(), [](const TableSchema* t) { return t->is_rel(); });
  for (const TableSchema* t : created) {
    TableId id = t->id;
    nodes_.erase(id);
    rels_.erase(id);
    catalog_.RemoveTable(id);
  }
}

Status Database::Impl::ApplyCreateTable(TableSchema schema) {
  RETURN_IF_ERROR(catalog_.AddTable(schema));
  if (schema.is_node()) {
    auto data = std::make_unique<NodeTableData>(schema.PropertyTypes(), schema.primary_key);
    RETURN_IF_ERROR(data->SetBase(nullptr));
    nodes_[schema.id] = std::move(data);
  } else {
    auto data = std::make_unique<RelTableData>(schema.PropertyTypes());
    RETURN_IF_ERROR(data->SetBase(nullptr));
    rels_[schema.id] = std::move(data);
  }
  return Status::OK();
}

namespace {
Status CheckRow(const TableSchema& schema, const std::vector<Value>& values) {
  if (values.size() != schema.properties.size()) {
    return Corruption("row for '" + schema.name + "' has " + std::to_string(values.size()) + " values");
  }
  for (size_t i = 0; i < values.size(); i++) {
    if (!values[i].is_null() && values[i].type() != schema.properties[i].type) {
      return Corruption("value of '" + schema.properties[i].name + "' has the wrong type");
    }
  }
  return Status::OK();
}
}  // namespace

Status Database::Impl::ApplyInsertNode(TableId table, uint64_t offset, std::vector<Value> values) {
  const TableSchema* schema = catalog_.GetTable(table);
  if (schema == nullptr || !schema->is_node()) return Corruption("no node table with id " + std::to_string(table));
  RETURN_IF_ERROR(CheckRow(*schema, values));
  NodeTableData* data = nodes_.at(table).get();
  if (offset != data->num_rows()) {
    return Corruption("node offset " + std::to_string(offset) + " of '" + schema->name + "' is not the next (" +
                      std::to_string(data->num_rows()) + ")");
  }
  if (values[schema->primary_key].is_null()) return Corruption("NULL primary key");
  data->Append(std::move(values));
  return Status::OK();
}

Status Database::Impl::ApplyInsertRel(TableId table, uint64_t rel_id, uint64_t src, uint64_t dst,
                                      std::vector<Value> values) {
  const TableSchema* schema = catalog_.GetTable(table);
  if (schema == nullptr || !schema->is_rel()) {
    return Corruption("no relationship table with id " + std::to_string(table));
  }
  RETURN_IF_ERROR(CheckRow(*schema, values));
  RelTableData* data = rels_.at(table).get();
  if (rel_id != data->next_rel_id()) {
    return Corruption("relationship id " + std::to_string(rel_id) + " of '" + schema->name +
                      "' is not the next (" + std::to_string(data->next_rel_id()) + ")");
  }
  if (src >= nodes_.at(schema->from_table)->num_rows() || dst >= nodes_.at(schema->to_table)->num_rows()) {
    return Corruption("relationship " + std::to_string(rel_id) + " of '" + schema->name +
                      "' refers to a node that does not exist");
  }
  data->Insert(src, dst, rel_id, std::move(values));
  return Status::OK();
}

Status Database::Impl::ApplySetProperty(TableId table, uint64_t row, uint32_t property, Value value) {
  const TableSchema* schema = catalog_.GetTable(table);
  if (schema == nullptr) return Corruption("no table with id " + std::to_string(table));
  if (property >= schema->properties.size() ||
      (!value.is_null() && value.type() != schema->properties[property].type)) {
    return Corruption("bad property " + std::to_string(property) + " of '" + schema->name + "'");
  }
  if (schema->is_node()) {
    NodeTableData* data = nodes_.at(table).get();
    if (row >= data->num_rows() || property == schema->primary_key) {
      return Corruption("cannot update row " + std::to_string(row) + " of '" + schema->name + "'");
    }
    return data->mutable_columns().Update(pool_.get(), row, property, std::move(value));
  }
  RelTableData* data = rels_.at(table).get();
  if (row >= data->next_rel_id()) return Corruption("no relationship " + std::to_string(row) + " in '" + schema->name + "'");
  return data->mutable_properties().Update(pool_.get(), row, property, std::move(value));
}

Status Database::Impl::ApplyDeleteNode(TableId table, uint64_t offset) {
  const TableSchema* schema = catalog_.GetTable(table);
  if (schema == nullptr || !schema->is_node()) return Corruption("no node table with id " + std::to_string(table));
  NodeTableData* data = nodes_.at(table).get();
  if (offset >= data->num_rows()) return Corruption("no row " + std::to_string(offset) + " in '" + schema->name + "'");
  ASSIGN_OR_RETURN(bool deleted, data->IsDeleted(pool_.get(), offset, kSeeAll));
  if (deleted) return Corruption("row " + std::to_string(offset) + " of '" + schema->name + "' deleted twice");
  return data->Delete(pool_.get(), offset);
}

Status Database::Impl::ApplyDeleteRel(TableId table, uint64_t rel_id, uint64_t src, uint64_t dst) {
  const TableSchema* schema = catalog_.GetTable(table);
  if (schema == nullptr || !schema->is_rel()) {
    return Corruption("no relationship table with id " + std::to_string(table));
  }
  RelTableData* data = rels_.at(table).get();
  if (src >= nodes_.at(schema->from_table)->num_rows()) return Corruption("relationship source out of range");
  std::vector<CsrEdge> edges;
  RETURN_IF_ERROR(data->Neighbours(pool_.get(), Direction::kForward, src, &edges));
  for (const CsrEdge& e : edges) {
    if (e.rel_id == rel_id) {
      if (e.neighbour != dst) break;
      data->Delete(rel_id, src, dst);
      return Status::OK();
    }
  }
  return Corruption("relationship " + std::to_string(rel_id) + " of '" + schema->name + "' not found at its source");
}

void Database::Impl::CommitVersions(uint64_t seq) {
  for (auto& [id, data] : nodes_) data->CommitVersions(seq);
  for (auto& [id, data] : rels_) data->CommitVersions(seq);
}

void Database::Impl::RollbackVersions() {
  for (auto& [id, data] : nodes_) data->RollbackVersions();
  for (auto& [id, data] : rels_) data->RollbackVersions();
}

std::map<TableId, TableSavepoint> Database::Impl::TableSavepoints() const {
  std::map<TableId, TableSavepoint> tables;
  for (const auto& [id, data] : nodes_) tables[id] = data->CreateSavepoint();
  for (const auto& [id, data] : rels_) tables[id] = data->CreateSavepoint();
  return tables;
}

void Database::Impl::RollbackToSavepoints(const std::map<TableId, TableSavepoint>& tables) {
  Watermarks marks;
  for (const auto& [id, savepoint] : tables) {
    auto node = nodes_.find(id);
    if (node != nodes_.end()) {
      node->second->RollbackToSavepoint(savepoint);
    } else {
      rels_.at(id)->RollbackToSavepoint(savepoint);
    }
    marks[id] = savepoint.rows;
  }
  RollbackTo(marks);  // drops the tables created after the savepoint
}

bool Database::Impl::HasVersions() const {
  for (const auto& [id, data] : nodes_) {
    if (data->has_versions()) return true;
  }
  for (const auto& [id, data] : rels_) {
    if (data->has_versions()) return true;
  }
  return false;
}

Status Database::Impl::ApplyRecord(uint8_t type, const std::string& payload) {
  WalDecoder d(payload);
  auto truncated = [&]() { return Corruption("record of type " + std::to_string(type) + " is truncated"); };
  auto read_values = [&](std::vector<Value>* values) -> bool {
    uint64_t n;
    if (!d.GetVarint64(&n) || n > payload.size()) return false;
    for (uint64_t i = 0; i < n; i++) {
      Value v;
      if (!d.GetValue(&v)) return false;
      values->push_back(std::move(v));
    }
    return true;
  };
  switch (type) {
    case kWalCreateTable:
    case kWalCreateTableWithOptions: {
      TableSchema s;
      uint8_t kind;
      uint32_t id, pk, from, to;
      uint64_t n;
      if (!d.GetU8(&kind) || !d.GetU32(&id) || !d.GetString(&s.name) || !d.GetU32(&pk) || !d.GetU32(&from) ||
          !d.GetU32(&to) || !d.GetVarint64(&n) || n > payload.size()) {
        return truncated();
      }
      if (kind != static_cast<uint8_t>(TableKind::kNode) && kind != static_cast<uint8_t>(TableKind::kRel)) {
        return Corruption("unknown table kind " + std::to_string(kind));
      }
      s.kind = static_cast<TableKind>(kind);
      s.id = id;
      s.primary_key = pk;
      s.from_table = from;
      s.to_table = to;
      for (uint64_t i = 0; i < n; i++) {
        PropertyDef p;
        uint8_t t;
        if (!d.GetString(&p.name) || !d.GetU8(&t)) return truncated();
        if (!IsValidLogicalType(t)) return Corruption("unknown type " + std::to_string(t));
        p.type = static_cast<LogicalType>(t);
        if (type == kWalCreateTableWithOptions) {
          uint8_t flags;
          if (!d.GetU8(&flags)) return truncated();
          p.serial = flags & 1;
          if ((flags & 2) && !d.GetValue(&p.default_value)) return truncated();
        }
        s.properties.push_back(std::move(p));
      }
      return ApplyCreateTable(std::move(s));
    }
    case kWalInsertNode: {
      uint32_t table;
      uint64_t offset;
      std::vector<Value> values;
      if (!d.GetU32(&table) || !d.GetU64(&offset) || !read_values(&values)) return truncated();
      return ApplyInsertNode(table, offset, std::move(values));
    }
    case kWalInsertRel: {
      uint32_t table;
      uint64_t rel_id, src, dst;
      std::vector<Value> values;
      if (!d.GetU32(&table) || !d.GetU64(&rel_id) || !d.GetU64(&src) || !d.GetU64(&dst) ||
          !read_values(&values)) {
        return truncated();
      }
      return ApplyInsertRel(table, rel_id, src, dst, std::move(values));
    }
    case kWalSetNodeProperty:
    case kWalSetRelProperty: {
      uint32_t table, property;
      uint64_t row;
      Value value;
      if (!d.GetU32(&table) || !d.GetU64(&row) || !d.GetU32(&property) || !d.GetValue(&value)) return truncated();
      const TableSchema* schema = catalog_.GetTable(table);
      if (schema == nullptr || schema->is_node() != (type == kWalSetNodeProperty)) {
        return Corruption("property update names table id " + std::to_string(table) + " of the wrong kind");
      }
      return ApplySetProperty(table, row, property, std::move(value));
    }
    case kWalDeleteNode: {
      uint32_t table;
      uint64_t offset;
      if (!d.GetU32(&table) || !d.GetU64(&offset)) return truncated();
      return ApplyDeleteNode(table, offset);
    }
    case kWalDeleteRel: {
      uint32_t table;
      uint64_t rel_id, src, dst;
      if (!d.GetU32(&table) || !d.GetU64(&rel_id) || !d.GetU64(&src) || !d.GetU64(&dst)) return truncated();
      return ApplyDeleteRel(table, rel_id, src, dst);
    }
    default:
      return Corruption("unknown record type " + std::to_string(type));
  }
}

// Builds the manifest for the current state, writing changed table data to
// new pages. Returns the manifest bytes and the extent reserved for them.
Result<std::unique_ptr<uint8_t[]>> Database::Impl::BuildManifest(size_t* size, PageExtent* extent,
                                                                  FreeSpaceMap* after, const StagedImport* staged) {
  const format::Manifest* old = format::GetManifest(manifest_buffer_.get());
  flatbuffers::FlatBufferBuilder b(std::max<size_t>(manifest_size_ + 1024, 4096));
  CheckpointContext ctx;
  ctx.builder = &b;
  ctx.space = &*free_space_;
  ctx.pool = pool_.get();
  std::vector<flatbuffers::Offset<format::NodeTable>> node_tables;
  std::vector<flatbuffers::Offset<format::RelTable>> rel_tables;
  for (const TableSchema* t : catalog_.Tables()) {
    auto name = b.CreateString(t->name);
    auto props = b.CreateVector(BuildProperties(&b, *t));
    if (staged != nullptr && staged->table == t->id) {
      if (t->is_node()) {
        const StagedNodeTable& n = *staged->node;
        format::Extent dir(n.columns.directory.first, n.columns.directory.count);
        auto columns = format::CreateColumnStore(b, n.columns.num_rows, n.columns.num_columns, &dir);
        format::Extent pk(n.pk_index.first, n.pk_index.count);
        format::Extent deleted(n.deleted.first, n.deleted.count);
        node_tables.push_back(format::CreateNodeTable(b, t->id, name, props, t->primary_key, columns, &pk,
                                                      n.pk_entries, &deleted, n.deleted_count));
      } else {
        const StagedRelTable& r = *staged->rel;
        auto direction = [&](const StagedCsrDirection& d) {
          format::Extent dir(d.directory.first, d.directory.count);
          return format::CreateCsrDirection(b, d.num_groups, &dir, d.num_edges);
        };
        auto forward = direction(r.forward);
        auto backward = direction(r.backward);
        format::Extent dir(r.properties.directory.first, r.properties.directory.count);
        auto columns = format::CreateColumnStore(b, r.properties.num_rows, r.properties.num_columns, &dir);
        rel_tables.push_back(format::CreateRelTable(b, t->id, name, t->from_table, t->to_table, props, forward,
                                                    backward, columns, r.next_rel_id));
      }
      continue;
    }
    if (t->is_node()) {
      ASSIGN_OR_RETURN(NodeTableData::Checkpointed c, nodes_.at(t->id)->Checkpoint(&ctx));
      format::Extent pk(c.pk_index.first, c.pk_index.count);
      format::Extent deleted(c.deleted.first, c.deleted.count);
      node_tables.push_back(format::CreateNodeTable(b, t->id, name, props, t->primary_key, c.columns, &pk,
                                                    c.pk_entries, &deleted, c.deleted_count));
    } else {
      const RelTableData* data = rels_.at(t->id).get();
      ASSIGN_OR_RETURN(RelTableData::Checkpointed c,
                       data->Checkpoint(&ctx, nodes_.at(t->from_table)->num_rows(),
                                        nodes_.at(t->to_table)->num_rows()));
      rel_tables.push_back(format::CreateRelTable(b, t->id, name, t->from_table, t->to_table, props, c.forward,
                                                  c.backward, c.properties, data->next_rel_id()));
    }
  }
  if (staged != nullptr) ctx.freed.insert(ctx.freed.end(), staged->freed.begin(), staged->freed.end());
  auto node_vec = b.CreateVector(node_tables);
  auto rel_vec = b.CreateVector(rel_tables);
  // The old manifest and free list are free once the new header is durable.
  ctx.freed.push_back(PageExtent{header_.manifest_first_page, header_.manifest_page_count});
  if (old->free_list() != nullptr && old->free_list()->page_count() > 0) {
    ctx.freed.push_back(PageExtent{old->free_list()->first_page(), old->free_list()->page_count()});
  }
  // Reserve pages for the free list and the manifest before computing the
  // list: allocating never adds extents and each freed extent adds at most
  // one, which bounds the list's size.
  const uint64_t max_entries = free_space_->Extents().size() + ctx.freed.size() + 1;
  const PageExtent list_extent = free_space_->Allocate(FixedSectionPages(max_entries, sizeof(format::Extent)));
  *extent = free_space_->Allocate(ByteSectionPages(b.GetSize() + 512));
  *after = *free_space_;
  for (const PageExtent& e : ctx.freed) after->Free(e);
  std::vector<format::Extent> free_list;
  for (const PageExtent& e : after->Extents()) free_list.emplace_back(e.first, e.count);
  CHECK_LE(free_list.size(), max_entries);
  BlobBuilder list_blob;
  list_blob.AddFixed(free_list.data(), free_list.size(), sizeof(format::Extent));
  RETURN_IF_ERROR(list_blob.WriteTo(list_extent, pool_.get()));
  format::Extent list_location(list_extent.first, list_extent.count);
  format::ManifestBuilder mb(b);
  mb.add_format_version(kFormatVersion);
  mb.add_epoch(header_.epoch + 1);
  mb.add_next_table_id(catalog_.next_table_id());
  mb.add_node_tables(node_vec);
  mb.add_rel_tables(rel_vec);
  mb.add_free_list(&list_location);
  mb.add_free_extent_count(free_list.size());
  mb.add_page_count(free_space_->page_count());
  b.Finish(mb.Finish());
  CHECK_LE(ByteSectionPages(b.GetSize()), extent->count) << "manifest size bound was wrong";
  *size = b.GetSize();
  return CopyAligned(b.GetBufferPointer(), b.GetSize());
}

Status Database::Impl::LoadFreeSpaceLocked() {
  if (free_space_) return Status::OK();
  ASSIGN_OR_RETURN(std::vector<PageExtent> extents, ReadFreeList());
  Status valid = FreeSpaceMap::Validate(extents, header_.page_count);
  if (!valid.ok()) return valid.WithContext("manifest of '" + path_ + "'");
  free_space_.emplace(std::move(extents), header_.page_count);
  return Status::OK();
}

Result<FreeSpaceMap> Database::Impl::CurrentFreeSpace() {
  std::unique_lock lock(mutex_);
  RETURN_IF_ERROR(LoadFreeSpaceLocked());
  return *free_space_;
}

Status Database::Impl::CheckpointLocked(const StagedImport* staged) {
  std::unique_lock lock(mutex_);
  // A checkpoint folds updates and deletions into the file and forgets the
  // values they replaced, which open read-only snapshots may still need.
  // Inserts are safe: snapshots hide them by row and id marks.
  if (open_readers_ > 0 && HasVersions()) {
    return TransactionError("cannot checkpoint while " + std::to_string(open_readers_.load()) +
                            " read-only transaction(s) are open and updates or deletions are pending");
  }
  RETURN_IF_ERROR(LoadFreeSpaceLocked());
  const FreeSpaceMap before = *free_space_;
  if (staged != nullptr) {
    if (staged->apply) RETURN_IF_ERROR(staged->apply());
    // The import allocated its pages from a copy of this map.
    free_space_ = *staged->space;
  }
  auto fail = [&](const Status& s) {
    free_space_ = before;  // pages written so far are unreferenced garbage
    if (staged != nullptr && staged->undo) staged->undo();
    return s.WithContext("checkpoint of '" + path_ + "' failed");
  };
  KillPoint("checkpoint.start");
  size_t size = 0;
  PageExtent extent;
  FreeSpaceMap after;
  Result<std::unique_ptr<uint8_t[]>> manifest = BuildManifest(&size, &extent, &after, staged);
  if (!manifest.ok()) return fail(manifest.status());
  KillPoint("checkpoint.after_data");
  BlobBuilder blob;
  blob.AddBytes(manifest->get(), size);
  Status s = blob.WriteTo(extent, pool_.get());
  if (!s.ok()) return fail(s);
  KillPoint("checkpoint.after_manifest");
  s = pager_->Sync();
  if (!s.ok()) {
    poisoned_ = s;
    return fail(s);
  }
  KillPoint("checkpoint.after_data_sync");
  DatabaseHeader next = header_;
  next.format_version = kFormatVersion;  // the new manifest's data is written in this version
  next.epoch = header_.epoch + 1;
  next.manifest_first_page = extent.first;
  next.manifest_page_count = extent.count;
  next.manifest_bytes = size;
  next.manifest_crc = Crc32c(manifest->get(), size);
  next.wal_salt = RandomId();
  next.page_count = free_space_->page_count();
  const int slot = 1 - header_slot_;
  s = pager_->WriteHeader(slot, next);
  if (s.ok()) {
    KillPoint("checkpoint.after_header_write");
    s = pager_->Sync();
  }
  if (!s.ok()) {
    // The new header may or may not be durable; both it and the old one
    // describe the same committed data, but nothing more may be written.
    poisoned_ = s;
    return fail(s);
  }
  KillPoint("checkpoint.after_header_sync");
  // The new state is durable. Install it in memory.
  header_ = next;
  header_slot_ = slot;
  manifest_buffer_ = std::move(*manifest);
  manifest_size_ = size;
  const format::Manifest* m = format::GetManifest(manifest_buffer_.get());
  free_space_ = std::move(after);
  size_t node_index = 0, rel_index = 0;
  for (const TableSchema* t : catalog_.Tables()) {
    Status installed = t->is_node() ? nodes_.at(t->id)->SetBase(m->node_tables()->Get(node_index++))
                                    : rels_.at(t->id)->SetBase(m->rel_tables()->Get(rel_index++));
    CHECK(installed.ok()) << "freshly written manifest rejected: " << installed.ToString();
  }
  committed_ = LiveMarks();
  // Old WAL records now carry a stale salt; resetting only reclaims space.
  s = wal_->Reset(next.wal_salt);
  KillPoint("checkpoint.after_wal_reset");
  if (!s.ok()) {
    poisoned_ = s;
    return s.WithContext("checkpoint of '" + path_ + "' completed but the WAL could not be reset");
  }
  VLOG(1) << "checkpoint " << next.epoch << " of " << path_ << ": manifest " << size << " bytes, "
          << next.page_count << " pages";
  return Status::OK();
}

Status Database::Impl::Close() {
  if (closed_) return Status::OK();
  if (open_transactions_ > 0) {
    return TransactionError("cannot close '" + path_ + "' while " + std::to_string(open_transactions_.load()) +
                            " transaction(s) are open");
  }
  Status s;
  if (!options_.read_only && poisoned_.ok() && options_.checkpoint_on_close && wal_ != nullptr) {
    bool dirty = wal_->size_bytes() > WalWriter::kHeaderSize;
    if (dirty) {
      writer_active_ = true;
      s = CheckpointLocked();
      writer_active_ = false;
    }
  }
  closed_ = true;
  wal_.reset();
  pool_.reset();
  pager_.reset();  // closes the file and releases the lock
  return s;
}

Result<std::vector<PageExtent>> Database::Impl::ReadFreeList() const {
  const format::Manifest* m = format::GetManifest(manifest_buffer_.get());
  std::vector<PageExtent> out;
  const uint64_t count = m->free_extent_count();
  if (count == 0) return out;
  const format::Extent* where = m->free_list();
  if (where == nullptr || where->first_page() < kFirstDataPage || count > header_.page_count ||
      FixedSectionPages(count, sizeof(format::Extent)) > where->page_count()) {
    return Corruption("manifest of '" + path_ + "': free list does not fit its pages");
  }
  std::vector<format::Extent> raw(count);
  RETURN_IF_ERROR(ReadFixedRange(pool_.get(), where->first_page(), sizeof(format::Extent), 0, count, raw.data()));
  for (const format::Extent& e : raw) out.push_back(PageExtent{e.first_page(), e.page_count()});
  return out;
}

DatabaseStats Database::Impl::Stats() const {
  std::shared_lock lock(mutex_);
  DatabaseStats stats;
  for (const TableSchema* t : catalog_.Tables()) {
    auto it = committed_.find(t->id);
    if (it == committed_.end()) continue;
    TableStats ts;
    ts.name = t->name;
    ts.is_rel = t->is_rel();
    if (t->is_rel()) {
      ts.rows = rels_.at(t->id)->CountVisible(it->second, commit_seq_);
    } else {
      Result<uint64_t> deleted = nodes_.at(t->id)->DeletedCount(pool_.get(), it->second, commit_seq_);
      ts.rows = it->second - (deleted.ok() ? *deleted : 0);
    }
    stats.tables.push_back(ts);
  }
  stats.epoch = header_.epoch;
  stats.file_pages = header_.page_count;
  if (free_space_) {
    stats.free_pages = free_space_->free_page_count();
  } else if (Result<std::vector<PageExtent>> free_list = ReadFreeList(); free_list.ok()) {
    for (const PageExtent& e : *free_list) stats.free_pages += e.count;
  }
  stats.manifest_bytes = manifest_size_;
  stats.wal_bytes = wal_ ? wal_->size_bytes() : 0;
  stats.buffer_pool_bytes = pool_ ? pool_->capacity_bytes() : 0;
  return stats;
}

}  // namespace ruzu
