// Connection: parses Cypher, manages the connection's explicit transaction
// and runs statements through the query engine (query/engine.h).
#include "db/connection.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "db/copy.h"
#include "db/database_impl.h"
#include "query/csv.h"
#include "query/engine.h"
#include "query/graph.h"
#include "query/parser.h"
#include "query/planner.h"

namespace ruzu {

namespace {

// DatabaseOptions::query_memory_bytes as the engine takes it (0: no limit).
uint64_t QueryMemoryLimit(const DatabaseOptions& options) {
  if (options.query_memory_bytes == UINT64_MAX) return 0;
  if (options.query_memory_bytes != 0) return options.query_memory_bytes;
  const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return 0;
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size) / 2;
}

// Adapts a Transaction to the query layer's storage interface.
class TransactionStore : public query::GraphStore {
 public:
  TransactionStore(Transaction* txn, const std::vector<query::CopyWarning>* warnings)
      : txn_(txn), warnings_(warnings) {}

  std::vector<query::CopyWarning> CopyWarnings() const override { return *warnings_; }

  bool read_only() const override { return txn_->read_only(); }
  Result<TableId> CreateNodeTable(const std::string& name, std::vector<PropertyDef> properties,
                                  const std::string& primary_key) override {
    return txn_->CreateNodeTable(name, std::move(properties), primary_key);
  }
  Result<TableId> CreateRelTable(const std::string& name, const std::string& from_table, const std::string& to_table,
                                 std::vector<PropertyDef> properties) override {
    return txn_->CreateRelTable(name, from_table, to_table, std::move(properties));
  }
  Result<uint64_t> InsertNode(const std::string& table, std::vector<Value> values) override {
    return txn_->InsertNode(table, std::move(values));
  }
  Result<uint64_t> InsertRel(const std::string& rel_table, const Value& from_key, const Value& to_key,
                             std::vector<Value> properties) override {
    return txn_->InsertRel(rel_table, from_key, to_key, std::move(properties));
  }
  Status SetNodeProperty(const std::string& table, uint64_t offset, const std::string& property,
                         Value value) override {
    return txn_->SetNodeProperty(table, offset, property, std::move(value));
  }
  Status SetRelProperty(const std::string& rel_table, uint64_t src_offset, uint64_t rel_id,
                        const std::string& property, Value value) override {
    return txn_->SetRelProperty(rel_table, src_offset, rel_id, property, std::move(value));
  }
  Status DeleteRel(const std::string& rel_table, uint64_t src_offset, uint64_t rel_id) override {
    return txn_->DeleteRel(rel_table, src_offset, rel_id);
  }
  Status DeleteNode(const std::string& table, uint64_t offset, bool detach) override {
    return txn_->DeleteNode(table, offset, detach);
  }
  Result<std::optional<uint64_t>> LookupNode(const std::string& table, const Value& key) override {
    return txn_->LookupNode(table, key);
  }
  Result<uint64_t> CountNodes(const std::string& table) override { return txn_->CountNodes(table); }
  Result<uint64_t> CountRels(const std::string& rel_table) override { return txn_->CountRels(rel_table); }
  Result<std::vector<Value>> GetNode(const std::string& table, uint64_t offset) override {
    return txn_->GetNode(table, offset);
  }
  Result<Value> GetNodeProperty(const std::string& table, uint64_t offset, uint32_t property) override {
    return txn_->GetNodeProperty(table, offset, property);
  }
  Status ScanNodeRange(const std::string& table, query::NodeRange* range, uint64_t max_rows,
                       const query::NodeVisitor& visit) override {
    return txn_->ScanNodeRange(table, &range->begin, &range->end, max_rows, visit);
  }
  Result<std::vector<query::GraphEdge>> Neighbours(const std::string& rel_table, uint64_t offset,
                                                   bool forward) override {
    ASSIGN_OR_RETURN(std::vector<Edge> edges, txn_->Neighbours(rel_table, offset, forward));
    std::vector<query::GraphEdge> out;
    out.reserve(edges.size());
    for (const Edge& e : edges) out.push_back(query::GraphEdge{e.neighbour, e.rel_id});
    return out;
  }
  Status NeighboursInto(const std::string& rel_table, uint64_t offset, bool forward,
                        std::vector<query::GraphEdge>* edges) override {
    ASSIGN_OR_RETURN(std::vector<Edge> found, txn_->Neighbours(rel_table, offset, forward));
    edges->clear();
    for (const Edge& e : found) edges->push_back(query::GraphEdge{e.neighbour, e.rel_id});
    return Status::OK();
  }
  Result<std::vector<Value>> GetRelProperties(const std::string& rel_table, uint64_t rel_id) override {
    return txn_->GetRelProperties(rel_table, rel_id);
  }

 private:
  Transaction* txn_;
  const std::vector<query::CopyWarning>* warnings_;
};

// The value of a COPY option (a literal, as the parser guarantees).
Value LiteralValue(const query::Expression& e) {
  switch (e.literal_kind) {
    case query::LiteralKind::kBool: return Value::Bool(e.bool_value);
    case query::LiteralKind::kInteger: return Value::Int64(e.int_value);
    case query::LiteralKind::kDouble: return Value::Double(e.double_value);
    case query::LiteralKind::kString: return Value::String(e.string_value);
    case query::LiteralKind::kNull: break;
  }
  return Value::Null(LogicalType::kString);
}

Result<query::CsvOptions> CopyOptions(const query::CopyStatement& copy, std::string_view text) {
  std::vector<std::pair<std::string, Value>> options;
  for (const query::CopyOption& o : copy.options) options.emplace_back(o.name, LiteralValue(*o.value));
  Result<query::CsvOptions> csv = query::CsvOptionsFrom(options);
  if (!csv.ok()) return query::BinderError(text, copy.position, csv.status().message(), csv.status().code());
  return csv;
}

// A statement's result as one STRING column "result" (as KuzuDB reports COPY).
std::unique_ptr<QueryResult> MessageResult(const std::string& message) {
  auto r = std::make_unique<QueryResult>(std::vector<std::string>{"result"},
                                         std::vector<LogicalType>{LogicalType::kString});
  r->AddRow({Value::String(message)});
  return r;
}

// Display width of UTF-8 text (code points).
size_t DisplayWidth(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) {
      out.push_back(s.substr(start));
      break;
    }
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  if (out.size() > 1 && out.back().empty()) out.pop_back();
  return out;
}

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; i++) out += s;
  return out;
}

class PreparedStatementImpl : public PreparedStatement {
 public:
  std::vector<std::string> parameter_names() const override { return names_; }

  std::string text_;
  std::unique_ptr<query::Statement> statement_;
  std::vector<std::string> names_;
};

}  // namespace

// --------------------------------------------------------------- QueryResult

QueryResult::QueryResult(std::vector<std::string> names, std::vector<LogicalType> types)
    : names_(std::move(names)), types_(std::move(types)) {}

std::string QueryResult::ToString() const {
  size_t n = names_.size();
  if (n == 0) return "";
  std::vector<size_t> width(n, 0);
  std::vector<std::vector<std::vector<std::string>>> cells(rows_.size(), std::vector<std::vector<std::string>>(n));
  for (size_t c = 0; c < n; c++) {
    width[c] = std::max(DisplayWidth(names_[c]), DisplayWidth(LogicalTypeName(types_[c])));
  }
  for (size_t r = 0; r < rows_.size(); r++) {
    for (size_t c = 0; c < n; c++) {
      cells[r][c] = SplitLines(c < rows_[r].size() ? rows_[r][c].ToString() : "");
      for (const std::string& line : cells[r][c]) width[c] = std::max(width[c], DisplayWidth(line));
    }
  }
  auto border = [&](const char* left, const char* mid, const char* right) {
    std::string out = left;
    for (size_t c = 0; c < n; c++) {
      out += Repeat("─", width[c] + 2);
      out += c + 1 < n ? mid : right;
    }
    return out + "\n";
  };
  auto line = [&](const std::vector<std::string>& texts) {
    std::string out = "│";
    for (size_t c = 0; c < n; c++) {
      out += " " + texts[c] + std::string(width[c] - DisplayWidth(texts[c]), ' ') + " │";
    }
    return out + "\n";
  };
  std::string out = border("┌", "┬", "┐");
  out += line(names_);
  std::vector<std::string> type_names;
  for (LogicalType t : types_) type_names.push_back(LogicalTypeName(t));
  out += line(type_names);
  out += border("├", "┼", "┤");
  for (size_t r = 0; r < rows_.size(); r++) {
    size_t height = 1;
    for (size_t c = 0; c < n; c++) height = std::max(height, cells[r][c].size());
    for (size_t h = 0; h < height; h++) {
      std::vector<std::string> texts(n);
      for (size_t c = 0; c < n; c++) texts[c] = h < cells[r][c].size() ? cells[r][c][h] : "";
      out += line(texts);
    }
  }
  out += border("└", "┴", "┘");
  return out;
}

// ---------------------------------------------------------------- Connection

class Connection::Impl {
 public:
  explicit Impl(Database* db) : db_(db) {}

  Result<std::unique_ptr<QueryResult>> Run(const query::Statement& statement, std::string_view text,
                                           const std::map<std::string, Value>& parameters,
                                           const std::atomic<bool>* interrupted, double compile_ms);
  Result<std::unique_ptr<QueryResult>> CopyFrom(const query::CopyStatement& copy, std::string_view text,
                                                const std::atomic<bool>* interrupted);
  Result<std::unique_ptr<QueryResult>> ChangeSchema(const query::Statement& statement, std::string_view text);
  Result<std::unique_ptr<QueryResult>> CopyTo(const query::CopyStatement& copy, std::string_view text,
                                              const std::map<std::string, Value>& parameters,
                                              const std::atomic<bool>* interrupted);

  Database* db_;
  std::vector<query::CopyWarning> warnings_;  // of the last COPY FROM
  std::function<void(const QueryProgress&)> progress_;
  std::unique_ptr<Transaction> txn_;  // the explicit transaction, if any
  Catalog txn_catalog_;               // the catalog as txn_ sees it
};

Result<std::unique_ptr<QueryResult>> Connection::Impl::Run(const query::Statement& statement, std::string_view text,
                                                           const std::map<std::string, Value>& parameters,
                                                           const std::atomic<bool>* interrupted, double compile_ms) {
  using query::StatementKind;
  auto start = std::chrono::steady_clock::now();
  auto empty = [&]() {
    auto r = std::make_unique<QueryResult>(std::vector<std::string>{}, std::vector<LogicalType>{});
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    r->set_times(compile_ms, ms);
    return r;
  };
  switch (statement.kind) {
    case StatementKind::kBeginTransaction: {
      if (txn_) return TransactionError("a transaction is already active on this connection");
      bool read_only = statement.As<query::BeginTransactionStatement>().read_only;
      ASSIGN_OR_RETURN(txn_, db_->Begin(read_only ? TransactionMode::kReadOnly : TransactionMode::kReadWrite));
      txn_catalog_ = db_->CatalogSnapshot();
      return empty();
    }
    case StatementKind::kCommit: {
      if (!txn_) return TransactionError("COMMIT without an active transaction");
      std::unique_ptr<Transaction> txn = std::move(txn_);
      RETURN_IF_ERROR(txn->Commit());
      return empty();
    }
    case StatementKind::kRollback: {
      if (!txn_) return TransactionError("ROLLBACK without an active transaction");
      txn_->Rollback();
      txn_.reset();
      return empty();
    }
    case StatementKind::kCheckpoint: {
      if (txn_) return TransactionError("CHECKPOINT cannot run inside a transaction");
      RETURN_IF_ERROR(db_->Checkpoint());
      return empty();
    }
    case StatementKind::kDropTable:
    case StatementKind::kAlterTable: {
      ASSIGN_OR_RETURN(std::unique_ptr<QueryResult> r, ChangeSchema(statement, text));
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      r->set_times(compile_ms, ms);
      return r;
    }
    case StatementKind::kCopy: {
      const auto& copy = statement.As<query::CopyStatement>();
      Result<std::unique_ptr<QueryResult>> r =
          copy.to ? CopyTo(copy, text, parameters, interrupted) : CopyFrom(copy, text, interrupted);
      if (r.ok()) {
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        (*r)->set_times(compile_ms, ms);
      }
      return r;
    }
    default: break;
  }
  bool writes = query::StatementWrites(statement);
  std::unique_ptr<Transaction> auto_txn;
  Transaction* txn = txn_.get();
  Catalog auto_catalog;
  Catalog* catalog = &txn_catalog_;
  if (txn != nullptr) {
    if (writes && txn->read_only()) {
      return ReadOnlyError("cannot write in a read-only transaction");
    }
  } else {
    ASSIGN_OR_RETURN(auto_txn, db_->Begin(writes ? TransactionMode::kReadWrite : TransactionMode::kReadOnly));
    txn = auto_txn.get();
    auto_catalog = db_->CatalogSnapshot();
    catalog = &auto_catalog;
  }
  // Inside an explicit transaction a failing statement undoes only itself.
  Savepoint savepoint;
  Catalog catalog_before;
  if (!auto_txn && writes) {
    ASSIGN_OR_RETURN(savepoint, txn->CreateSavepoint());
    catalog_before = txn_catalog_;
  }
  TransactionStore store(txn, &warnings_);
  query::StatementContext ctx;
  ctx.text = text;
  ctx.store = &store;
  ctx.catalog = catalog;
  ctx.parameters = &parameters;
  ctx.interrupted = interrupted;
  ctx.memory_limit = QueryMemoryLimit(db_->options());
  Result<query::ResultTable> table = query::ExecuteStatement(statement, &ctx);
  if (!table.ok()) {
    if (auto_txn) {
      auto_txn->Rollback();
    } else if (ctx.wrote) {
      Status undone = txn_->RollbackToSavepoint(savepoint);
      txn_catalog_ = std::move(catalog_before);
      if (!undone.ok()) {
        // Cannot happen with a savepoint of this transaction; stay safe anyway.
        txn_->Rollback();
        txn_.reset();
        return Status(table.status().code(), table.status().message() +
                                                 "\n(the transaction was rolled back: " + undone.message() + ")");
      }
    }
    return table.status();
  }
  if (auto_txn) RETURN_IF_ERROR(auto_txn->Commit());
  std::vector<LogicalType> types = table->column_types;
  for (size_t c = 0; c < types.size(); c++) {
    if (types[c] != LogicalType::kAny) continue;
    for (const auto& row : table->rows) {
      if (!row[c].is_null()) {
        types[c] = row[c].type();
        break;
      }
    }
  }
  auto result = std::make_unique<QueryResult>(table->column_names, types);
  for (auto& row : table->rows) result->AddRow(std::move(row));
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  result->set_times(compile_ms, ms);
  return result;
}

Result<std::unique_ptr<QueryResult>> Connection::Impl::CopyFrom(const query::CopyStatement& copy,
                                                                std::string_view text,
                                                                const std::atomic<bool>* interrupted) {
  if (txn_) {
    return TransactionError(
        "COPY FROM runs in a transaction of its own; COMMIT or ROLLBACK the open transaction first");
  }
  ASSIGN_OR_RETURN(query::CsvOptions csv, CopyOptions(copy, text));
  // The write transaction holds the writer role; the import itself commits
  // by a checkpoint, so the transaction writes nothing and just ends.
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> txn, db_->Begin(TransactionMode::kReadWrite));
  const Catalog catalog = db_->CatalogSnapshot();
  const TableSchema* schema = catalog.FindTable(copy.table_name);
  if (schema == nullptr) {
    return query::BinderError(text, copy.position, "table " + copy.table_name + " does not exist",
                              StatusCode::kNotFound);
  }
  std::vector<LogicalType> types;
  std::vector<std::string> names;
  if (schema->is_rel()) {
    for (TableId end : {schema->from_table, schema->to_table}) {
      const TableSchema* node = catalog.GetTable(end);
      types.push_back(node->properties[node->primary_key].type);
    }
    names = {"from", "to"};
  }
  for (const PropertyDef& p : schema->properties) {
    if (p.serial) continue;  // assigned by the import, not read from the file
    types.push_back(p.type);
    names.push_back(p.name);
  }
  Database::Impl* db = db_->impl_.get();
  ASSIGN_OR_RETURN(std::vector<std::string> files, query::ExpandCsvPaths(db->fs_, copy.files));
  ASSIGN_OR_RETURN(std::unique_ptr<query::CsvReader> reader,
                   query::CsvReader::Open(db->fs_, files, csv, types, names));
  CopyFromOptions options;
  options.ignore_errors = csv.ignore_errors;
  options.interrupted = interrupted;
  const auto start = std::chrono::steady_clock::now();
  if (progress_) {
    options.progress = [&](uint64_t rows) {
      QueryProgress p;
      p.bytes_done = reader->bytes_done();
      p.bytes_total = reader->total_bytes();
      p.rows = rows;
      p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      progress_(p);
    };
  }
  Result<CopyFromSummary> summary = CopyFromCsv(db, *schema, reader.get(), files, options);
  // Nothing was written through the transaction: ending it changes nothing.
  Status ended = txn->Commit();
  RETURN_IF_ERROR(summary.status());
  RETURN_IF_ERROR(ended);
  warnings_.clear();
  for (const query::CsvSkippedRow& w : summary->warnings) {
    warnings_.push_back(query::CopyWarning{w.reason, w.file, w.line});
  }
  std::string message = std::to_string(summary->rows_imported) + " tuples have been copied to the " + schema->name +
                        " table.";
  if (summary->rows_skipped > 0) {
    message += " " + std::to_string(summary->rows_skipped) +
               " rows were skipped; CALL show_warnings() RETURN * lists them.";
  }
  return MessageResult(message);
}

Result<std::unique_ptr<QueryResult>> Connection::Impl::CopyTo(const query::CopyStatement& copy, std::string_view text,
                                                              const std::map<std::string, Value>& parameters,
                                                              const std::atomic<bool>* interrupted) {
  ASSIGN_OR_RETURN(query::CsvOptions csv, CopyOptions(copy, text));
  Result<std::unique_ptr<QueryResult>> rows = InvalidArgument("nothing to export");
  if (copy.query) {
    rows = Run(*copy.query, text, parameters, interrupted, 0);
  } else {
    // A table exports as COPY FROM reads it back: node properties in schema
    // order; for relationships the FROM and TO keys first.
    Catalog catalog = txn_ ? txn_catalog_ : db_->CatalogSnapshot();
    const TableSchema* schema = catalog.FindTable(copy.table_name);
    if (schema == nullptr) {
      return query::BinderError(text, copy.position, "table " + copy.table_name + " does not exist",
                                StatusCode::kNotFound);
    }
    std::string match, items;
    if (schema->is_node()) {
      match = "MATCH (n:" + query::QuoteSchemaName(schema->name) + ")";
    } else {
      const TableSchema* from = catalog.GetTable(schema->from_table);
      const TableSchema* to = catalog.GetTable(schema->to_table);
      match = "MATCH (a:" + query::QuoteSchemaName(from->name) + ")-[n:" + query::QuoteSchemaName(schema->name) +
              "]->(b:" + query::QuoteSchemaName(to->name) + ")";
      items = "a." + query::QuoteSchemaName(from->properties[from->primary_key].name) + " AS `from`, b." +
              query::QuoteSchemaName(to->properties[to->primary_key].name) + " AS `to`";
    }
    for (const PropertyDef& p : schema->properties) {
      items += (items.empty() ? "" : ", ") + std::string("n.") + query::QuoteSchemaName(p.name) + " AS " +
               query::QuoteVariable(p.name);
    }
    const std::string export_text = match + " RETURN " + items;
    ASSIGN_OR_RETURN(query::StatementList statements, query::ParseCypher(export_text));
    rows = Run(*statements[0], export_text, parameters, interrupted, 0);
  }
  RETURN_IF_ERROR(rows.status());
  Database::Impl* db = db_->impl_.get();
  ASSIGN_OR_RETURN(std::unique_ptr<query::CsvWriter> writer, query::CsvWriter::Create(db->fs_, copy.files[0], csv));
  RETURN_IF_ERROR(writer->WriteHeader((*rows)->column_names()));
  for (size_t r = 0; r < (*rows)->num_rows(); r++) RETURN_IF_ERROR(writer->WriteRow((*rows)->Row(r)));
  RETURN_IF_ERROR(writer->Finish());
  return MessageResult(std::to_string((*rows)->num_rows()) + " tuples have been exported to " + copy.files[0] + ".");
}

Result<std::unique_ptr<QueryResult>> Connection::Impl::ChangeSchema(const query::Statement& statement,
                                                                    std::string_view text) {
  using Kind = SchemaChange::Kind;
  auto positioned = [&](const Status& s) {
    return s.ok() ? s : query::BinderError(text, statement.position, s.message(), s.code());
  };
  if (txn_) {
    return positioned(TransactionError(
        "DROP and ALTER TABLE run in a transaction of their own; COMMIT or ROLLBACK the open transaction first"));
  }
  const Catalog catalog = db_->CatalogSnapshot();
  SchemaChange change;
  std::string message;
  if (statement.kind == query::StatementKind::kDropTable) {
    const auto& drop = statement.As<query::DropTableStatement>();
    const TableSchema* t = catalog.FindTable(drop.table_name);
    if (t == nullptr && drop.if_exists) return MessageResult("Table " + drop.table_name + " does not exist.");
    change.kind = Kind::kDropTable;
    change.table = drop.table_name;
    message = "Table " + (t ? t->name : drop.table_name) + " has been dropped.";
  } else {
    const auto& alter = statement.As<query::AlterTableStatement>();
    const TableSchema* t = catalog.FindTable(alter.table_name);
    if (t == nullptr) {
      return positioned(NotFound("table " + alter.table_name + " does not exist"));
    }
    change.table = t->name;
    switch (alter.action) {
      case query::AlterAction::kAddProperty: {
        change.kind = Kind::kAddProperty;
        change.property = alter.column.name;
        if (alter.if_exists && t->FindProperty(change.property)) {
          return MessageResult("Property " + change.property + " already exists.");
        }
        std::optional<LogicalType> type = ParseLogicalType(alter.column.type_name);
        if (!type) return positioned(InvalidArgument("unknown type " + alter.column.type_name));
        change.type = *type;
        change.fill = Value::Null(*type);
        if (alter.column.default_value) {
          const query::Expression& e = *alter.column.default_value;
          if (e.kind != query::ExpressionKind::kLiteral) {
            return query::BinderError(text, e.position, "DEFAULT must be a literal value");
          }
          Result<Value> fill = LiteralValue(e).CastTo(*type);
          if (!fill.ok()) return query::BinderError(text, e.position, fill.status().message());
          change.fill = *fill;
        }
        message = "Property " + change.property + " has been added to table " + t->name + ".";
        break;
      }
      case query::AlterAction::kDropProperty:
        change.kind = Kind::kDropProperty;
        change.property = alter.property_name;
        if (alter.if_exists && !t->FindProperty(change.property)) {
          return MessageResult("Property " + change.property + " does not exist.");
        }
        message = "Property " + change.property + " has been dropped from table " + t->name + ".";
        break;
      case query::AlterAction::kRenameTable:
        change.kind = Kind::kRenameTable;
        change.new_name = alter.new_name;
        message = "Table " + t->name + " has been renamed to " + alter.new_name + ".";
        break;
      case query::AlterAction::kRenameProperty:
        change.kind = Kind::kRenameProperty;
        change.property = alter.property_name;
        change.new_name = alter.new_name;
        message = "Property " + alter.property_name + " has been renamed to " + alter.new_name + ".";
        break;
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Transaction> txn, db_->Begin(TransactionMode::kReadWrite));
  Status changed = db_->impl_->ChangeSchema(change);
  // Nothing was written through the transaction: ending it changes nothing.
  Status ended = txn->Commit();
  RETURN_IF_ERROR(positioned(changed));
  RETURN_IF_ERROR(ended);
  return MessageResult(message);
}

Connection::Connection(Database* db) : impl_(std::make_unique<Impl>(db)) {}

void Connection::SetProgressCallback(std::function<void(const QueryProgress&)> callback) {
  impl_->progress_ = std::move(callback);
}

Connection::~Connection() {
  if (impl_->txn_) impl_->txn_->Rollback();
}

bool Connection::in_transaction() const { return impl_->txn_ != nullptr; }

Result<std::unique_ptr<QueryResult>> Connection::Query(std::string_view cypher) {
  interrupted_ = false;
  auto start = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(query::StatementList statements, query::ParseCypher(cypher));
  double parse_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (statements.empty()) {
    return std::make_unique<QueryResult>(std::vector<std::string>{}, std::vector<LogicalType>{});
  }
  static const std::map<std::string, Value> kNoParameters;
  std::unique_ptr<QueryResult> first;
  QueryResult* last = nullptr;
  for (const auto& statement : statements) {
    std::vector<std::string> params = query::CollectParameters(*statement);
    if (!params.empty()) {
      return InvalidArgument("statement uses parameter $" + params[0] + "; use Prepare and Execute to pass values");
    }
    ASSIGN_OR_RETURN(std::unique_ptr<QueryResult> r, impl_->Run(*statement, cypher, kNoParameters, &interrupted_, parse_ms));
    parse_ms = 0;
    QueryResult* raw = r.get();
    if (last == nullptr) {
      first = std::move(r);
    } else {
      last->set_next(std::move(r));
    }
    last = raw;
  }
  return first;
}

Result<std::unique_ptr<PreparedStatement>> Connection::Prepare(std::string_view cypher) {
  auto prepared = std::make_unique<PreparedStatementImpl>();
  prepared->text_ = std::string(cypher);
  ASSIGN_OR_RETURN(query::StatementList statements, query::ParseCypher(prepared->text_));
  if (statements.size() != 1) return InvalidArgument("Prepare takes exactly one statement");
  prepared->statement_ = std::move(statements[0]);
  prepared->names_ = query::CollectParameters(*prepared->statement_);
  Catalog catalog = impl_->txn_ ? impl_->txn_catalog_ : impl_->db_->CatalogSnapshot();
  RETURN_IF_ERROR(query::CheckStatement(*prepared->statement_, prepared->text_, catalog));
  return std::unique_ptr<PreparedStatement>(std::move(prepared));
}

Result<std::unique_ptr<QueryResult>> Connection::Execute(PreparedStatement* statement,
                                                         const std::map<std::string, Value>& parameters) {
  interrupted_ = false;
  auto* prepared = dynamic_cast<PreparedStatementImpl*>(statement);
  if (prepared == nullptr) return InvalidArgument("not a statement prepared by this library");
  for (const std::string& name : prepared->names_) {
    if (!parameters.count(name)) return InvalidArgument("parameter $" + name + " has no value");
  }
  return impl_->Run(*prepared->statement_, prepared->text_, parameters, &interrupted_, 0);
}

}  // namespace ruzu
