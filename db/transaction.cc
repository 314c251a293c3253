// Transaction: reads against a snapshot (read-only) or the live state (the
// one writer), writes logged to the WAL and applied in place, made visible by
// advancing the committed watermarks at commit.
#include <algorithm>

#include "common/logging.h"
#include "db/database.h"
#include "db/database_impl.h"
#include "storage/column_chunk.h"
#include "wal/record_codec.h"

namespace ruzu {

Result<std::unique_ptr<Transaction>> Database::Begin(TransactionMode mode) {
  Impl* db = impl_.get();
  if (db->closed_) return InvalidArgument("database '" + db->path_ + "' is closed");
  auto t = std::make_unique<Transaction::Impl>();
  t->db = db;
  t->write = mode == TransactionMode::kReadWrite;
  if (t->write) {
    RETURN_IF_ERROR(db->CheckWritable());
    bool expected = false;
    if (!db->writer_active_.compare_exchange_strong(expected, true)) {
      return TransactionError("another write transaction is in progress (one writer at a time)");
    }
  }
  {
    std::unique_lock lock(db->mutex_);
    t->marks = db->committed_;
    if (t->write) {
      t->txn_id = db->next_txn_id_++;
    } else {
      t->visible = db->commit_seq_;
      db->open_readers_++;
    }
  }
  db->open_transactions_++;
  return std::unique_ptr<Transaction>(new Transaction(std::move(t)));
}

Transaction::Transaction(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Transaction::~Transaction() {
  if (impl_->active) Rollback();
}

bool Transaction::read_only() const { return !impl_->write; }
bool Transaction::active() const { return impl_->active; }

void Transaction::Impl::End() {
  active = false;
  if (write) db->writer_active_ = false;
  if (!write) db->open_readers_--;
  db->open_transactions_--;
}

Result<const TableSchema*> Transaction::Impl::FindTable(const std::string& name, TableKind kind) const {
  const TableSchema* t = db->catalog_.FindTable(name);
  if (t == nullptr || (!write && !marks.count(t->id))) return NotFound("table '" + name + "' does not exist");
  if (t->kind != kind) {
    return InvalidArgument("'" + t->name + "' is a " + (t->is_node() ? "node" : "relationship") +
                           " table, not a " + (kind == TableKind::kNode ? "node" : "relationship") + " table");
  }
  return t;
}

Status Transaction::Impl::CheckActive() const {
  return active ? Status::OK() : TransactionError("transaction is no longer active");
}

Status Transaction::Impl::CheckNode(const TableSchema& schema, uint64_t offset) const {
  if (offset < Mark(schema)) {
    Result<bool> deleted = db->nodes_.at(schema.id)->IsDeleted(db->pool_.get(), offset, visible);
    if (!deleted.ok()) return deleted.status();
    if (!*deleted) return Status::OK();
  }
  return NotFound("table '" + schema.name + "' has no node at offset " + std::to_string(offset));
}

uint64_t Transaction::Impl::Mark(const TableSchema& schema) const {
  return write ? db->LiveMark(schema) : marks.at(schema.id);
}

Status Transaction::Commit() {
  Impl* t = impl_.get();
  RETURN_IF_ERROR(t->CheckActive());
  Database::Impl* db = t->db;
  if (!t->write || !t->wrote) {
    if (t->write) db->wal_->Discard(t->txn_id);
    t->End();
    return Status::OK();
  }
  Status s = db->poisoned_;
  if (s.ok()) {
    db->KillPoint("commit.before_wal");
    s = db->wal_->Commit(t->txn_id);
  }
  if (!s.ok()) {
    if (db->wal_->poisoned()) db->poisoned_ = s;
    Rollback();
    return s.WithContext("commit failed; the transaction was rolled back");
  }
  db->KillPoint("commit.after_wal_sync");
  {
    std::unique_lock lock(db->mutex_);
    db->CommitVersions(++db->commit_seq_);
    db->committed_ = db->LiveMarks();
  }
  // Still the writer: checkpoint now if the WAL has grown past its limit.
  if (db->wal_->size_bytes() > db->options_.checkpoint_wal_bytes) {
    Status c = db->CheckpointLocked();
    // Deferred while snapshots need replaced values; the next commit retries.
    if (!c.ok() && c.code() != StatusCode::kTransactionError) {
      LOG(WARNING) << "automatic " << c.ToString() << " (the commit itself is durable)";
    }
  }
  t->End();
  return Status::OK();
}

void Transaction::Rollback() {
  Impl* t = impl_.get();
  if (!t->active) return;
  if (t->write) {
    std::unique_lock lock(t->db->mutex_);
    t->db->RollbackVersions();
    t->db->RollbackTo(t->marks);
    if (t->db->wal_) t->db->wal_->Discard(t->txn_id);
  }
  t->End();
}

Result<Savepoint> Transaction::CreateSavepoint() {
  Impl* t = impl_.get();
  RETURN_IF_ERROR(t->CheckActive());
  Savepoint savepoint;
  if (!t->write) return savepoint;
  auto state = std::make_shared<Savepoint::Impl>();
  {
    std::shared_lock lock(t->db->mutex_);
    state->tables = t->db->TableSavepoints();
  }
  state->wal_bytes = t->db->wal_->BufferedSize(t->txn_id);
  state->wrote = t->wrote;
  // Forget the savepoints whose handles are gone: one per statement adds up.
  t->savepoints.erase(std::remove_if(t->savepoints.begin(), t->savepoints.end(),
                                     [](const auto& held) { return held.expired(); }),
                      t->savepoints.end());
  t->savepoints.push_back(state);
  savepoint.impl_ = std::move(state);
  return savepoint;
}

Status Transaction::RollbackToSavepoint(const Savepoint& savepoint) {
  Impl* t = impl_.get();
  RETURN_IF_ERROR(t->CheckActive());
  if (!t->write) return Status::OK();
  auto found = t->savepoints.end();
  if (savepoint.impl_ != nullptr) {
    found = std::find_if(t->savepoints.begin(), t->savepoints.end(),
                         [&](const auto& held) { return held.lock() == savepoint.impl_; });
  }
  if (found == t->savepoints.end()) {
    return InvalidArgument(
        "not a savepoint of this transaction, or one discarded by rolling back to an earlier savepoint");
  }
  // Later savepoints describe changes that no longer exist.
  t->savepoints.erase(found + 1, t->savepoints.end());
  const Savepoint::Impl& state = *savepoint.impl_;
  std::unique_lock lock(t->db->mutex_);
  t->db->RollbackToSavepoints(state.tables);
  t->db->wal_->TruncateBuffered(t->txn_id, state.wal_bytes);
  t->wrote = state.wrote;
  return Status::OK();
}

namespace {

bool HasPropertyOptions(const TableSchema& s) {
  for (const auto& p : s.properties) {
    if (p.serial || !p.default_value.is_null()) return true;
  }
  return false;
}

void EncodeSchema(const TableSchema& s, WalEncoder* e) {
  e->PutU8(static_cast<uint8_t>(s.kind));
  e->PutU32(s.id);
  e->PutString(s.name);
  e->PutU32(s.primary_key);
  e->PutU32(s.from_table);
  e->PutU32(s.to_table);
  e->PutVarint64(s.properties.size());
  const bool options = HasPropertyOptions(s);
  for (const auto& p : s.properties) {
    e->PutString(p.name);
    e->PutU8(static_cast<uint8_t>(p.type));
    if (!options) continue;
    e->PutU8((p.serial ? 1 : 0) | (p.default_value.is_null() ? 0 : 2));
    if (!p.default_value.is_null()) e->PutValue(p.default_value);
  }
}

void EncodeValues(const std::vector<Value>& values, WalEncoder* e) {
  e->PutVarint64(values.size());
  for (const Value& v : values) e->PutValue(v);
}

// Converts `values` to the table's property types, or names what is wrong.
Status CoerceRow(const TableSchema& schema, std::vector<Value>* values) {
  const char* what = schema.is_node() ? "node table" : "relationship table";
  if (values->size() != schema.properties.size()) {
    return InvalidArgument(std::string(what) + " '" + schema.name + "' has " +
                           std::to_string(schema.properties.size()) + " properties; got " +
                           std::to_string(values->size()) + " values");
  }
  for (size_t i = 0; i < values->size(); i++) {
    const PropertyDef& p = schema.properties[i];
    Result<Value> v = (*values)[i].CastTo(p.type);
    if (!v.ok()) {
      return InvalidArgument("property '" + p.name + "' of '" + schema.name + "' is " + LogicalTypeName(p.type) +
                             "; got " + LogicalTypeName((*values)[i].type()) + " value '" +
                             (*values)[i].ToString() + "'");
    }
    (*values)[i] = std::move(*v);
  }
  return Status::OK();
}

}  // namespace

// Validates a new table on a scratch copy of the catalog (so a rejected
// definition leaves nothing behind), then logs and applies it.
Result<TableId> Transaction::Impl::CreateTable(const std::function<Result<TableId>(Catalog*)>& create) {
  RETURN_IF_ERROR(CheckActive());
  if (!write) return ReadOnlyError("cannot create a table in a read-only transaction");
  std::unique_lock lock(db->mutex_);
  Catalog scratch = db->catalog_;
  ASSIGN_OR_RETURN(TableId id, create(&scratch));
  TableSchema schema = *scratch.GetTable(id);
  WalEncoder e;
  EncodeSchema(schema, &e);
  RETURN_IF_ERROR(db->ApplyCreateTable(schema));
  db->wal_->Add(txn_id, HasPropertyOptions(schema) ? kWalCreateTableWithOptions : kWalCreateTable, e.data());
  wrote = true;
  return id;
}

Result<TableId> Transaction::CreateNodeTable(const std::string& name, std::vector<PropertyDef> properties,
                                             const std::string& primary_key) {
  return impl_->CreateTable([&](Catalog* catalog) {
    return catalog->CreateNodeTable(name, std::move(properties), primary_key);
  });
}

Result<TableId> Transaction::CreateRelTable(const std::string& name, const std::string& from_table,
                                            const std::string& to_table, std::vector<PropertyDef> properties) {
  return impl_->CreateTable([&](Catalog* catalog) {
    return catalog->CreateRelTable(name, from_table, to_table, std::move(properties));
  });
}

Result<uint64_t> Transaction::InsertNode(const std::string& table, std::vector<Value> values) {
  Impl* t = impl_.get();
  RETURN_IF_ERROR(t->CheckActive());
  if (!t->write) return ReadOnlyError("cannot insert in a read-only transaction");
  Database::Impl* db = t->db;
  std::unique_lock lock(db->mutex_);
  ASSIGN_OR_RETURN(const TableSchema* schema, t->FindTable(table, TableKind::kNode));
  RETURN_IF_ERROR(CoerceRow(*schema, &values));
  NodeTableData* data = db->nodes_.at(schema->id).get();
  const PropertyDef& key_def = schema->properties[schema->primary_key];
  if (key_def.serial) {
    // The key is the offset: unique without a lookup.
    if (!values[schema->primary_key].is_null()) {
      return InvalidArgument("SERIAL property '" + key_def.name + "' of '" + schema->name +
                             "' is assigned automatically and cannot be set");
    }
    values[schema->primary_key] = Value::Int64(static_cast<int64_t>(data->num_rows()));
  }
  const Value& key = values[schema->primary_key];
  if (key.is_null()) {
    return InvalidArgument("primary key '" + schema->properties[schema->primary_key].name + "' of '" +
                           schema->name + "' cannot be NULL");
  }
  ASSIGN_OR_RETURN(std::optional<uint64_t> existing, data->Lookup(db->pool_.get(), key));
  if (existing) {
    return AlreadyExists("duplicate primary key " + key.ToString() + " in table '" + schema->name + "'");
  }
  const uint64_t offset = data->num_rows();
  WalEncoder e;
  e.PutU32(schema->id);
  e.PutU64(offset);
  EncodeValues(values, &e);
  RETURN_IF_ERROR(db->ApplyInsertNode(schema->id, offset, std::move(values)));
  db->wal_->Add(t->txn_id, kWalInsertNode, e.data());
  t->wrote = true;
  return offset;
}

Result<uint64_t> Transaction::InsertRel(const std::string& rel_table, const Value& from_key,
                                        const Value& to_key, std::vector<Value> properties) {
  Impl* t = impl_.get();
  RETURN_IF_ERROR(t->CheckActive());
  if (!t->write) return ReadOnlyError("cannot insert in a read-only transaction");
  Database::Impl* db = t->db;
  std::unique_lock lock(db->mutex_);
  ASSIGN_OR_RETURN(const TableSchema* schema, t->FindTable(rel_table, TableKind::kRel));
  RETURN_IF_ERROR(CoerceRow(*schema, &properties));
  uint64_t ends[2];
  const Value* keys[2] = {&from_key, &to_key};
  const TableId tables[2] = {schema->from_table, schema->to_table};
  for (int i = 0; i < 2; i++) {
    const TableSchema* node_schema = db->catalog_.GetTable(tables[i]);
    const PropertyDef& pk = node_schema->properties[node_schema->primary_key];
    Result<Value> key = keys[i]->CastTo(pk.type);
    if (!key.ok() || key->is_null()) {
      return InvalidArgument(std::string(i == 0 ? "FROM" : "TO") + " key of '" + schema->name + "' must be a " +
                             LogicalTypeName(pk.type) + " (primary key of '" + node_schema->name + "'); got " +
                             (keys[i]->is_null() ? std::string("NULL") : "'" + keys[i]->ToString() + "'"));
    }
    ASSIGN_OR_RETURN(std::optional<uint64_t> offset, db->nodes_.at(tables[i])->Lookup(db->pool_.get(), *key));
    if (!offset) {
      return NotFound("no node with primary key " + key->ToString() + " in table '" + node_schema->name + "' (" +
                      (i == 0 ? "FROM" : "TO") + " end of '" + schema->name + "')");
    }
    ends[i] = *offset;
  }
  RelTableData* data = db->rels_.at(schema->id).get();
  const uint64_t rel_id = data->next_rel_id();
  WalEncoder e;
  e.PutU32(schema->id);
  e.PutU64(rel_id);
  e.PutU64(ends[0]);
  e.PutU64(ends[1]);
  EncodeValues(properties, &e);
  RETURN_IF_ERROR(db->ApplyInsertRel(schema->id, rel_id, ends[0], ends[1], std::move(properties)));
  db->wal_->Add(t->txn_id, kWalInsertRel, e.data());
  t->wrote = true;
  return rel_id;
}

Result<std::optional<uint64_t>> Transaction::LookupNode(const std::string& table, const Value& key) {
  Impl* t = impl_.get();
  RETURN_IF_ERROR(t->CheckActive());
  std::shared_lock lock(t->db->mutex_);
  ASSIGN_OR_RETURN(const TableSchema* schema, t->FindTable(table, TableKind::kNode));
  const PropertyDef& pk = schema->properties[schema->primary_key];
  Result<Value> typed = key.CastTo(pk.type);
  if (!typed.ok()) {
    return InvalidArgument("primary key '" + pk.name + "' of '" + schema->name + "' is " +
                           LogicalTypeName(pk.type) + "; got " + LogicalTypeName(key.type()));
  }
  return t->db->nodes_.at(schema->id)->Lookup(t->db->pool_.get(), *typed, t->Mark(*schema), t->visible);
}

Result<uint64_t> Transaction::CountNodes(const std::string& table) {
  Impl* t = impl_.get();
  RETURN_IF_ERROR(t->CheckActive());
  std::shared_lock lock(t->db->mutex_);
  ASSIGN_OR_RETURN(const TableSchema* schema, t->FindTable(table, TableKind::kNode));
  const uint64_t rows = t->Mark(*schema);
  ASSIGN_OR_RETURN(uint64_t deleted, t->db->nodes_.at(schema->id)->DeletedCount(t->db->pool_.get(), rows, t->visible));
  return rows - deleted;
}

Result<uint64_t> Transaction::CountRels(const std::string& rel_table) {
  Impl* t = impl_.get();
  RETURN_IF_ERROR(t->CheckActive());
  std::shared_lock lock(t->db->mutex_);
  ASSIGN_OR_RETURN(const TableSchema* schema, t->FindTable(rel_table, TableKind::kRel));
  return t->db->rels_.at(schema->id)->CountVisible(t->Mark(*schema), t->visible);
}

Result<std::vector<Value>> Transaction::GetNode(const std::string& table, uint64_t offset) {
  Impl* t = impl_.get();
  RETURN_IF_ERROR(t->CheckActive());
  std::shared_lock lock(t->db->mutex_);
  ASSIGN_OR_RETURN(const TableSchema* schema, t->FindTable(table, TableKind::kNode));
  RETURN_IF_ERROR(t->CheckNode(*schema, offset));
  const ColumnStore& columns = t->db->nodes_.at(schema->id)->columns();
  std::vector<Value> row;
  for (uint32_t c = 0; c < schema->properties.size(); c++) {
    ASSIGN_OR_RETURN(Value v, columns.Get(t->db->pool_.get(), offset, c, t->visible));
    row.push_back(std::move(v));
  }
  return row;
}

Result<Value> Transaction::GetNodeProperty(const std::string& table, uint64_t offset, uint32_t property) {
  Impl* t = impl_.get();
  RETURN_IF_ERROR(t->CheckActive());
  std::shared_lock lock(t->db->mutex_);
  ASSIGN_OR_RETURN(const TableSchema* schema, t->FindTable(table, TableKind::kNode));
  RETURN_IF_ERROR(t->CheckNode(*schema, offset));
  if (property >= schema->properties.size()) {
    return InvalidArgument("table " + table + " has no property number " + std::to_string(property));
  }
  return t->db->nodes_.at(schema->id)->columns().Get(t->db->pool_.get(), offset, property, t->visible);
}

namespace {

// One batch of Transaction::ScanNodeRange. REQUIRES: mutex_ held (shared).
Status ScanRangeLocked(const Transaction::Impl& t, const TableSchema& schema, uint64_t* begin, uint64_t* end,
                       uint64_t max_rows, const std::function<bool(uint64_t, const std::vector<Value>&)>& visit) {
  const NodeTableData* data = t.db->nodes_.at(schema.id).get();
  const ColumnStore& columns = data->columns();
  *end = std::min(*end, t.Mark(schema));
  if (*begin >= *end) return Status::OK();
  const uint64_t count = std::min(*end - *begin, max_rows);
  const size_t ncols = schema.properties.size();
  std::vector<std::vector<Value>> batch(ncols);
  for (uint32_t c = 0; c < ncols; c++) {
    RETURN_IF_ERROR(columns.Scan(t.db->pool_.get(), c, *begin, count, &batch[c], t.visible));
  }
  std::vector<Value> row(ncols);
  const uint64_t first = *begin;
  for (uint64_t i = 0; i < count; i++) {
    ASSIGN_OR_RETURN(bool deleted, data->IsDeleted(t.db->pool_.get(), first + i, t.visible));
    *begin = first + i + 1;
    if (deleted) continue;
    for (size_t c = 0; c < ncols; c++) row[c] = std::move(batch[c][i]);
    if (!visit(first + i, row)) return Status::OK();
  }
  return Status::OK();
}

}  // namespace

Status Transaction::ScanNodes(const std::string& table,
                              const std::function<bool(uint64_t, const std::vector<Value>&)>& visit) {
  Impl* t = impl_.get();
  RETURN_IF_ERROR(t->CheckActive());
  std::shared_lock lock(t->db->mutex_);
  ASSIGN_OR_RETURN(const TableSchema* schema, t->FindTable(table, TableKind::kNode));
  uint64_t begin = 0, end = UINT64_MAX;
  bool stopped = false;
  auto wrapped = [&](uint64_t offset, const std::vector<Value>& values) {
    stopped = !visit(offset, values);
    return !stopped;
  };
  while (!stopped && begin < end) {
    RETURN_IF_ERROR(ScanRangeLocked(*t, *schema, &begin, &end, kNodeGroupSize, wrapped));
  }
  return Status::OK();
}

Status Transaction::ScanNodeRange(const std::string& table, uint64_t* begin, uint64_t* end, uint64_t max_rows,
                                  const std::function<bool(uint64_t, const std::vector<Value>&)>& visit) {
  Impl* t = impl_.get();
  RETURN_IF_ERROR(t->CheckActive());
  std::shared_lock lock(t->db->mutex_);
  ASSIGN_OR_RETURN(const TableSchema* schema, t->FindTable(table, TableKind::kNode));
  return ScanRangeLocked(*t, *schema, begin, end, max_rows, visit);
}

Result<std::vector<Edge>> Transaction::Neighbours(const std::string& rel_table, uint64_t offset, bool forward) {
  Impl* t = impl_.get();
  RETURN_IF_ERROR(t->CheckActive());
  std::shared_lock lock(t->db->mutex_);
  ASSIGN_OR_RETURN(const TableSchema* schema, t->FindTable(rel_table, TableKind::kRel));
  const TableSchema* bound = t->db->catalog_.GetTable(forward ? schema->from_table : schema->to_table);
  RETURN_IF_ERROR(t->CheckNode(*bound, offset));
  std::vector<CsrEdge> edges;
  RETURN_IF_ERROR(t->db->rels_.at(schema->id)->Neighbours(
      t->db->pool_.get(), forward ? Direction::kForward : Direction::kBackward, offset, &edges, t->visible));
  const uint64_t visible = t->Mark(*schema);
  std::vector<Edge> out;
  out.reserve(edges.size());
  for (const CsrEdge& e : edges) {
    if (e.rel_id < visible) out.push_back(Edge{e.neighbour, e.rel_id});
  }
  return out;
}

Result<std::vector<Value>> Transaction::GetRelProperties(const std::string& rel_table, uint64_t rel_id) {
  Impl* t = impl_.get();
  RETURN_IF_ERROR(t->CheckActive());
  std::shared_lock lock(t->db->mutex_);
  ASSIGN_OR_RETURN(const TableSchema* schema, t->FindTable(rel_table, TableKind::kRel));
  if (rel_id >= t->Mark(*schema)) {
    return NotFound("table '" + schema->name + "' has no relationship with id " + std::to_string(rel_id));
  }
  const RelTableData* data = t->db->rels_.at(schema->id).get();
  if (data->IsDeleted(rel_id, t->visible)) {
    return NotFound("relationship " + std::to_string(rel_id) + " of '" + schema->name + "' was deleted");
  }
  const ColumnStore& columns = data->properties();
  std::vector<Value> row;
  for (uint32_t c = 0; c < schema->properties.size(); c++) {
    ASSIGN_OR_RETURN(Value v, columns.Get(t->db->pool_.get(), rel_id, c, t->visible));
    row.push_back(std::move(v));
  }
  return row;
}

Status Transaction::SetNodeProperty(const std::string& table, uint64_t offset, const std::string& property,
                                    Value value) {
  Impl* t = impl_.get();
  RETURN_IF_ERROR(t->CheckWritable());
  Database::Impl* db = t->db;
  std::unique_lock lock(db->mutex_);
  ASSIGN_OR_RETURN(const TableSchema* schema, t->FindTable(table, TableKind::kNode));
  RETURN_IF_ERROR(t->CheckNode(*schema, offset));
  ASSIGN_OR_RETURN(uint32_t index, t->PropertyIndex(*schema, property, &value));
  if (index == schema->primary_key) {
    return InvalidArgument("cannot change primary key '" + schema->properties[index].name + "' of '" +
                           schema->name + "'");
  }
  return t->SetPropertyLocked(*schema, offset, index, std::move(value));
}

Status Transaction::SetRelProperty(const std::string& rel_table, uint64_t src_offset, uint64_t rel_id,
                                   const std::string& property, Value value) {
  Impl* t = impl_.get();
  RETURN_IF_ERROR(t->CheckWritable());
  Database::Impl* db = t->db;
  std::unique_lock lock(db->mutex_);
  ASSIGN_OR_RETURN(const TableSchema* schema, t->FindTable(rel_table, TableKind::kRel));
  RETURN_IF_ERROR(t->FindRel(*schema, src_offset, rel_id).status());
  ASSIGN_OR_RETURN(uint32_t index, t->PropertyIndex(*schema, property, &value));
  return t->SetPropertyLocked(*schema, rel_id, index, std::move(value));
}

Status Transaction::DeleteRel(const std::string& rel_table, uint64_t src_offset, uint64_t rel_id) {
  Impl* t = impl_.get();
  RETURN_IF_ERROR(t->CheckWritable());
  std::unique_lock lock(t->db->mutex_);
  ASSIGN_OR_RETURN(const TableSchema* schema, t->FindTable(rel_table, TableKind::kRel));
  return t->DeleteRelLocked(*schema, src_offset, rel_id);
}

Status Transaction::DeleteNode(const std::string& table, uint64_t offset, bool detach) {
  Impl* t = impl_.get();
  RETURN_IF_ERROR(t->CheckWritable());
  Database::Impl* db = t->db;
  std::unique_lock lock(db->mutex_);
  ASSIGN_OR_RETURN(const TableSchema* schema, t->FindTable(table, TableKind::kNode));
  RETURN_IF_ERROR(t->CheckNode(*schema, offset));
  // Every relationship touching the node, in every relationship table.
  struct Attached {
    const TableSchema* rel;
    uint64_t src, rel_id;
  };
  std::vector<Attached> attached;
  for (const TableSchema* rel : db->catalog_.Tables()) {
    if (!rel->is_rel()) continue;
    for (bool forward : {true, false}) {
      if ((forward ? rel->from_table : rel->to_table) != schema->id) continue;
      std::vector<CsrEdge> edges;
      RETURN_IF_ERROR(db->rels_.at(rel->id)->Neighbours(
          db->pool_.get(), forward ? Direction::kForward : Direction::kBackward, offset, &edges));
      for (const CsrEdge& e : edges) {
        // A self-loop appears in both directions; delete it once.
        bool seen = false;
        for (const Attached& a : attached) seen |= a.rel == rel && a.rel_id == e.rel_id;
        if (!seen) attached.push_back(Attached{rel, forward ? offset : e.neighbour, e.rel_id});
      }
    }
  }
  if (!attached.empty() && !detach) {
    ASSIGN_OR_RETURN(Value key, db->nodes_.at(schema->id)->columns().Get(db->pool_.get(), offset, schema->primary_key));
    return InvalidArgument("node " + key.ToString() + " of '" + schema->name + "' still has " +
                           std::to_string(attached.size()) + " relationship(s); delete them first or use DETACH DELETE");
  }
  for (const Attached& a : attached) RETURN_IF_ERROR(t->DeleteRelLocked(*a.rel, a.src, a.rel_id));
  WalEncoder e;
  e.PutU32(schema->id);
  e.PutU64(offset);
  RETURN_IF_ERROR(db->ApplyDeleteNode(schema->id, offset));
  db->wal_->Add(t->txn_id, kWalDeleteNode, e.data());
  t->wrote = true;
  return Status::OK();
}

Status Transaction::Impl::CheckWritable() const {
  RETURN_IF_ERROR(CheckActive());
  if (!write) return ReadOnlyError("cannot change data in a read-only transaction");
  return Status::OK();
}

Result<uint32_t> Transaction::Impl::PropertyIndex(const TableSchema& schema, const std::string& property,
                                                  Value* value) const {
  std::optional<uint32_t> index = schema.FindProperty(property);
  if (!index) return NotFound("table '" + schema.name + "' has no property '" + property + "'");
  const PropertyDef& p = schema.properties[*index];
  Result<Value> typed = value->CastTo(p.type);
  if (!typed.ok()) {
    return InvalidArgument("property '" + p.name + "' of '" + schema.name + "' is " + LogicalTypeName(p.type) +
                           "; got " + LogicalTypeName(value->type()) + " value '" + value->ToString() + "'");
  }
  *value = std::move(typed).value();
  return *index;
}

Result<uint64_t> Transaction::Impl::FindRel(const TableSchema& schema, uint64_t src_offset, uint64_t rel_id) const {
  const TableSchema* from = db->catalog_.GetTable(schema.from_table);
  RETURN_IF_ERROR(CheckNode(*from, src_offset));
  std::vector<CsrEdge> edges;
  RETURN_IF_ERROR(db->rels_.at(schema.id)->Neighbours(db->pool_.get(), Direction::kForward, src_offset, &edges, visible));
  for (const CsrEdge& e : edges) {
    if (e.rel_id == rel_id && rel_id < Mark(schema)) return e.neighbour;
  }
  return NotFound("table '" + schema.name + "' has no relationship " + std::to_string(rel_id) +
                  " from node offset " + std::to_string(src_offset));
}

Status Transaction::Impl::SetPropertyLocked(const TableSchema& schema, uint64_t row, uint32_t index,
                                           Value value) {
  WalEncoder e;
  e.PutU32(schema.id);
  e.PutU64(row);
  e.PutU32(index);
  e.PutValue(value);
  RETURN_IF_ERROR(db->ApplySetProperty(schema.id, row, index, std::move(value)));
  db->wal_->Add(txn_id, schema.is_node() ? kWalSetNodeProperty : kWalSetRelProperty, e.data());
  wrote = true;
  return Status::OK();
}

Status Transaction::Impl::DeleteRelLocked(const TableSchema& schema, uint64_t src_offset, uint64_t rel_id) {
  ASSIGN_OR_RETURN(uint64_t dst, FindRel(schema, src_offset, rel_id));
  WalEncoder e;
  e.PutU32(schema.id);
  e.PutU64(rel_id);
  e.PutU64(src_offset);
  e.PutU64(dst);
  RETURN_IF_ERROR(db->ApplyDeleteRel(schema.id, rel_id, src_offset, dst));
  db->wal_->Add(txn_id, kWalDeleteRel, e.data());
  wrote = true;
  return Status::OK();
}

}  // namespace ruzu
