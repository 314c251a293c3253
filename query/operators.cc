#include "query/operators.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

namespace ruzu {
namespace query {

namespace {

Status RuntimeError(const std::string& message) { return InvalidArgument("Runtime error: " + message); }

// Pulls the next non-empty batch of `op` into `chunk`; false at the end.
Result<bool> Pull(Operator* op, DataChunk* chunk, ExecContext* ctx) {
  while (true) {
    ASSIGN_OR_RETURN(bool more, op->Next(chunk, ctx));
    if (!more) return false;
    if (chunk->num_rows > 0) return true;
  }
}

const std::string& TableName(ExecContext* ctx, TableId id) {
  static const std::string kUnknown = "?";
  const TableSchema* s = ctx->catalog().GetTable(id);
  return s == nullptr ? kUnknown : s->name;
}

void PlanLines(const Operator& op, bool profile, int depth, std::string* out) {
  out->append(std::string(depth * 2, ' '));
  out->append(op.Describe());
  if (profile) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " [rows=%llu, time=%.3fms]", static_cast<unsigned long long>(op.rows_out()),
                  op.elapsed_ms());
    out->append(buf);
  }
  out->append("\n");
  for (const auto& c : op.children()) PlanLines(*c, profile, depth + 1, out);
}

}  // namespace

std::string PlanToString(const Operator& root, bool profile) {
  std::string out;
  PlanLines(root, profile, 0, &out);
  return out;
}

Result<bool> Operator::Next(DataChunk* out, ExecContext* ctx) {
  RETURN_IF_ERROR(ctx->CheckInterrupted());
  out->Clear();
  auto start = std::chrono::steady_clock::now();
  Result<bool> r = DoNext(out, ctx);
  elapsed_ns_ += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
  if (r.ok()) rows_out_ += out->num_rows;
  return r;
}

void Operator::Reset() {
  for (auto& c : children_) c->Reset();
}

// ---------------------------------------------------------------- sources

Result<bool> SingleRow::DoNext(DataChunk* out, ExecContext* ctx) {
  if (done_) return false;
  done_ = true;
  out->num_rows = 1;
  return true;
}

Result<bool> Argument::DoNext(DataChunk* out, ExecContext* ctx) {
  if (done_) return false;
  done_ = true;
  out->AppendRow(row_);
  return true;
}

Result<bool> ValuesScan::DoNext(DataChunk* out, ExecContext* ctx) {
  if (next_ >= rows_.size()) return false;
  while (next_ < rows_.size() && out->num_rows < kChunkCapacity) out->AppendRow(rows_[next_++]);
  return true;
}

// ---------------------------------------------------------------- NodeScan

NodeScan::NodeScan(OperatorPtr input, int slot, std::string variable, std::vector<TableId> tables,
                   BoundExpressionPtr filter)
    : slot_(slot), variable_(std::move(variable)), tables_(std::move(tables)), filter_(std::move(filter)) {
  children_.push_back(std::move(input));
}

std::string NodeScan::Describe() const {
  std::string out = "NodeScan " + variable_ + " tables=[";
  for (size_t i = 0; i < tables_.size(); i++) out += (i ? "," : "") + std::to_string(tables_[i]);
  out += "]";
  if (filter_) out += " filter=" + filter_->ToString();
  return out;
}

void NodeScan::Reset() {
  Operator::Reset();
  input_.Clear();
  input_row_ = 0;
  node_pos_ = 0;
  input_done_ = false;
}

Status NodeScan::Materialize(ExecContext* ctx) {
  materialized_ = true;
  for (TableId table : tables_) {
    const TableSchema* schema = ctx->catalog().GetTable(table);
    if (schema == nullptr) return InternalError("unknown table id");
    DataChunk probe;
    probe.num_rows = 1;
    probe.EnsureWidth(slot_ + 1);
    Status error;
    RETURN_IF_ERROR(ctx->txn()->ScanNodes(schema->name, [&](uint64_t offset, const std::vector<Value>& values) {
      auto shared = std::make_shared<const std::vector<Value>>(values);
      Value id = Value::InternalId(table, offset);
      if (filter_) {
        ctx->CacheNode(table, offset, shared);
        probe.columns[slot_][0] = id;
        Result<bool> keep = EvaluatePredicate(*filter_, probe, 0, ctx);
        if (!keep.ok()) {
          error = keep.status();
          return false;
        }
        if (!*keep) return true;
      }
      nodes_.emplace_back(id, std::move(shared));
      return true;
    }));
    RETURN_IF_ERROR(error);
  }
  return Status::OK();
}

Result<bool> NodeScan::DoNext(DataChunk* out, ExecContext* ctx) {
  if (!materialized_) RETURN_IF_ERROR(Materialize(ctx));
  while (out->num_rows < kChunkCapacity) {
    if (input_row_ >= input_.num_rows) {
      if (input_done_) break;
      ASSIGN_OR_RETURN(bool more, Pull(child(), &input_, ctx));
      input_row_ = 0;
      node_pos_ = 0;
      if (!more) {
        input_done_ = true;
        break;
      }
    }
    while (node_pos_ < nodes_.size() && out->num_rows < kChunkCapacity) {
      const auto& [id, values] = nodes_[node_pos_++];
      ctx->CacheNode(id.id_table(), id.id_offset(), values);
      out->AppendRowFrom(input_, input_row_);
      out->SetLast(slot_, id);
    }
    if (node_pos_ >= nodes_.size()) {
      input_row_++;
      node_pos_ = 0;
    }
  }
  return out->num_rows > 0 || !input_done_;
}

// ------------------------------------------------------------- IndexLookup

IndexLookup::IndexLookup(OperatorPtr input, int slot, std::string variable, TableId table,
                         BoundExpressionPtr key, BoundExpressionPtr filter)
    : slot_(slot), variable_(std::move(variable)), table_(table), key_(std::move(key)), filter_(std::move(filter)) {
  children_.push_back(std::move(input));
}

std::string IndexLookup::Describe() const {
  std::string out = "IndexLookup " + variable_ + " table=" + std::to_string(table_) + " key=" + key_->ToString();
  if (filter_) out += " filter=" + filter_->ToString();
  return out;
}

Result<bool> IndexLookup::DoNext(DataChunk* out, ExecContext* ctx) {
  DataChunk input;
  ASSIGN_OR_RETURN(bool more, Pull(child(), &input, ctx));
  if (!more) return false;
  const std::string& table = TableName(ctx, table_);
  const TableSchema* schema = ctx->catalog().GetTable(table_);
  for (size_t r = 0; r < input.num_rows; r++) {
    ASSIGN_OR_RETURN(Value key, Evaluate(*key_, input, r, ctx));
    if (key.is_null()) continue;
    // A key of another type (or out of range) matches nothing.
    LogicalType pk_type = schema->properties[schema->primary_key].type;
    if (key.type() != pk_type) {
      Result<Value> cast = key.CastTo(pk_type);
      if (!cast.ok()) continue;
      key = *cast;
    }
    ASSIGN_OR_RETURN(std::optional<uint64_t> offset, ctx->txn()->LookupNode(table, key));
    if (!offset) continue;
    out->AppendRowFrom(input, r);
    out->SetLast(slot_, Value::InternalId(table_, *offset));
    if (filter_) {
      ASSIGN_OR_RETURN(bool keep, EvaluatePredicate(*filter_, *out, out->num_rows - 1, ctx));
      if (!keep) {
        for (auto& c : out->columns) c.pop_back();
        out->num_rows--;
      }
    }
  }
  return true;
}

// ------------------------------------------------------------------ Extend

Extend::Extend(OperatorPtr input, std::string description, int from_slot, int rel_slot, int to_slot,
               bool to_bound, std::vector<ExtendStep> steps, BoundExpressionPtr rel_filter,
               BoundExpressionPtr node_filter)
    : description_(std::move(description)),
      from_slot_(from_slot),
      rel_slot_(rel_slot),
      to_slot_(to_slot),
      to_bound_(to_bound),
      steps_(std::move(steps)),
      rel_filter_(std::move(rel_filter)),
      node_filter_(std::move(node_filter)) {
  children_.push_back(std::move(input));
}

void Extend::Reset() {
  Operator::Reset();
  input_.Clear();
  input_row_ = 0;
  input_done_ = false;
  pending_rels_.clear();
  pending_nodes_.clear();
  pending_pos_ = 0;
  have_current_ = false;
}

Result<bool> Extend::DoNext(DataChunk* out, ExecContext* ctx) {
  while (out->num_rows < kChunkCapacity) {
    if (pending_pos_ < pending_rels_.size()) {
      out->AppendRowFrom(input_, input_row_);
      out->SetLast(rel_slot_, pending_rels_[pending_pos_]);
      if (!to_bound_) out->SetLast(to_slot_, pending_nodes_[pending_pos_]);
      pending_pos_++;
      bool keep = true;
      if (rel_filter_) {
        ASSIGN_OR_RETURN(keep, EvaluatePredicate(*rel_filter_, *out, out->num_rows - 1, ctx));
      }
      if (keep && node_filter_) {
        ASSIGN_OR_RETURN(keep, EvaluatePredicate(*node_filter_, *out, out->num_rows - 1, ctx));
      }
      if (!keep) {
        for (auto& c : out->columns) c.pop_back();
        out->num_rows--;
      }
      continue;
    }
    // Move to the next input row.
    if (have_current_) {
      input_row_++;
      have_current_ = false;
    }
    pending_rels_.clear();
    pending_nodes_.clear();
    pending_pos_ = 0;
    if (input_row_ >= input_.num_rows) {
      if (input_done_) break;
      ASSIGN_OR_RETURN(bool more, Pull(child(), &input_, ctx));
      input_row_ = 0;
      if (!more) {
        input_done_ = true;
        break;
      }
    }
    have_current_ = true;
    const Value from = static_cast<size_t>(from_slot_) < input_.columns.size()
                           ? input_.columns[from_slot_][input_row_]
                           : Value();
    if (from.is_null()) continue;  // a NULL start (after OPTIONAL MATCH) has no edges
    Value target;
    if (to_bound_) {
      if (static_cast<size_t>(to_slot_) < input_.columns.size()) target = input_.columns[to_slot_][input_row_];
      if (target.is_null()) continue;
    }
    for (const ExtendStep& step : steps_) {
      if (from.id_table() != step.from_table) continue;
      const std::string& rel_name = TableName(ctx, step.rel_table);
      ASSIGN_OR_RETURN(std::vector<GraphEdge> edges, ctx->txn()->Neighbours(rel_name, from.id_offset(), step.forward));
      for (const GraphEdge& e : edges) {
        if (to_bound_ && (target.id_table() != step.to_table || target.id_offset() != e.neighbour)) continue;
        RelValue rel;
        rel.table = step.rel_table;
        rel.id = e.rel_id;
        rel.label = rel_name;
        if (step.forward) {
          rel.src_table = step.from_table;
          rel.src_offset = from.id_offset();
          rel.dst_table = step.to_table;
          rel.dst_offset = e.neighbour;
        } else {
          rel.src_table = step.to_table;
          rel.src_offset = e.neighbour;
          rel.dst_table = step.from_table;
          rel.dst_offset = from.id_offset();
        }
        pending_rels_.push_back(Value::Rel(std::move(rel)));
        pending_nodes_.push_back(Value::InternalId(step.to_table, e.neighbour));
      }
    }
  }
  return out->num_rows > 0 || !input_done_;
}

// --------------------------------------------------------- VarLengthExtend

VarLengthExtend::VarLengthExtend(OperatorPtr input, std::string description, int from_slot, int rel_slot,
                                 int to_slot, bool to_bound, std::vector<ExtendStep> steps,
                                 std::vector<TableId> to_tables, int64_t min_hops, int64_t max_hops,
                                 BoundExpressionPtr edge_filter)
    : description_(std::move(description)),
      from_slot_(from_slot),
      rel_slot_(rel_slot),
      to_slot_(to_slot),
      to_bound_(to_bound),
      steps_(std::move(steps)),
      to_tables_(std::move(to_tables)),
      min_hops_(min_hops),
      max_hops_(max_hops),
      edge_filter_(std::move(edge_filter)) {
  children_.push_back(std::move(input));
}

Status VarLengthExtend::Walk(const DataChunk& input, size_t row, const Value& node, int64_t depth, DataChunk* out,
                             ExecContext* ctx) {
  RETURN_IF_ERROR(ctx->CheckInterrupted());
  if (depth >= min_hops_ &&
      std::find(to_tables_.begin(), to_tables_.end(), node.id_table()) != to_tables_.end()) {
    bool keep = true;
    if (to_bound_) {
      const Value& target = input.columns[to_slot_][row];
      keep = !target.is_null() && target.id_table() == node.id_table() && target.id_offset() == node.id_offset();
    }
    if (keep) {
      out->AppendRowFrom(input, row);
      out->SetLast(to_slot_, node);
      if (out->num_rows > 64 * kChunkCapacity) return OutOfMemory("variable-length pattern produced too many rows");
    }
  }
  if (depth >= max_hops_) return Status::OK();
  DataChunk probe;
  probe.num_rows = 1;
  probe.EnsureWidth(rel_slot_ + 1);
  for (const ExtendStep& step : steps_) {
    if (node.id_table() != step.from_table) continue;
    const TableSchema* schema = ctx->catalog().GetTable(step.rel_table);
    ASSIGN_OR_RETURN(std::vector<GraphEdge> edges, ctx->txn()->Neighbours(schema->name, node.id_offset(), step.forward));
    for (const GraphEdge& e : edges) {
      if (edge_filter_) {
        RelValue rel;
        rel.table = step.rel_table;
        rel.id = e.rel_id;
        rel.label = schema->name;
        probe.columns[rel_slot_][0] = Value::Rel(std::move(rel));
        ASSIGN_OR_RETURN(bool pass, EvaluatePredicate(*edge_filter_, probe, 0, ctx));
        if (!pass) continue;
      }
      RETURN_IF_ERROR(Walk(input, row, Value::InternalId(step.to_table, e.neighbour), depth + 1, out, ctx));
    }
  }
  return Status::OK();
}

Result<bool> VarLengthExtend::DoNext(DataChunk* out, ExecContext* ctx) {
  DataChunk input;
  ASSIGN_OR_RETURN(bool more, Pull(child(), &input, ctx));
  if (!more) return false;
  for (size_t r = 0; r < input.num_rows; r++) {
    if (static_cast<size_t>(from_slot_) >= input.columns.size()) continue;
    const Value& from = input.columns[from_slot_][r];
    if (from.is_null()) continue;
    RETURN_IF_ERROR(Walk(input, r, from, 0, out, ctx));
  }
  return true;
}

// ------------------------------------------------------------------ Filter

Filter::Filter(OperatorPtr input, BoundExpressionPtr predicate) : predicate_(std::move(predicate)) {
  children_.push_back(std::move(input));
}

Result<bool> Filter::DoNext(DataChunk* out, ExecContext* ctx) {
  DataChunk input;
  ASSIGN_OR_RETURN(bool more, Pull(child(), &input, ctx));
  if (!more) return false;
  for (size_t r = 0; r < input.num_rows; r++) {
    ASSIGN_OR_RETURN(bool keep, EvaluatePredicate(*predicate_, input, r, ctx));
    if (keep) out->AppendRowFrom(input, r);
  }
  return true;
}

// -------------------------------------------------------------- Projection

Projection::Projection(OperatorPtr input, std::vector<BoundExpressionPtr> expressions)
    : expressions_(std::move(expressions)) {
  children_.push_back(std::move(input));
}

std::string Projection::Describe() const {
  std::string out = "Projection ";
  for (size_t i = 0; i < expressions_.size(); i++) out += (i ? ", " : "") + expressions_[i]->ToString();
  return out;
}

Result<bool> Projection::DoNext(DataChunk* out, ExecContext* ctx) {
  DataChunk input;
  ASSIGN_OR_RETURN(bool more, Pull(child(), &input, ctx));
  if (!more) return false;
  out->EnsureWidth(expressions_.size());
  for (size_t r = 0; r < input.num_rows; r++) {
    for (size_t i = 0; i < expressions_.size(); i++) {
      ASSIGN_OR_RETURN(Value v, Evaluate(*expressions_[i], input, r, ctx));
      out->columns[i].push_back(std::move(v));
    }
    out->num_rows++;
  }
  return true;
}

// ----------------------------------------------------------- HashAggregate

HashAggregate::HashAggregate(OperatorPtr input, std::vector<BoundExpressionPtr> keys,
                             std::vector<AggregateSpec> aggregates)
    : keys_(std::move(keys)), aggregates_(std::move(aggregates)) {
  children_.push_back(std::move(input));
}

std::string HashAggregate::Describe() const {
  std::string out = "HashAggregate keys=[";
  for (size_t i = 0; i < keys_.size(); i++) out += (i ? ", " : "") + keys_[i]->ToString();
  out += "] aggregates=[";
  for (size_t i = 0; i < aggregates_.size(); i++) {
    const AggregateSpec& a = aggregates_[i];
    out += (i ? ", " : "") + a.function + "(" + (a.distinct ? "DISTINCT " : "") +
           (a.argument ? a.argument->ToString() : "*") + ")";
  }
  return out + "]";
}

void HashAggregate::Reset() {
  Operator::Reset();
  consumed_ = false;
  output_.clear();
  next_ = 0;
}

Status HashAggregate::Update(State* s, const AggregateSpec& spec, const Value& v) {
  if (spec.argument && v.is_null()) return Status::OK();
  if (spec.distinct) {
    if (!s->seen) s->seen = std::make_unique<std::unordered_set<Row, RowHash, RowEqual>>();
    if (!s->seen->insert(Row{v}).second) return Status::OK();
  }
  const std::string& f = spec.function;
  s->count++;
  if (f == "count") return Status::OK();
  if (f == "collect") {
    s->items.push_back(v);
    return Status::OK();
  }
  if (f == "sum" || f == "avg") {
    if (!IsNumericType(v.type())) {
      return RuntimeError(f + " of a " + std::string(LogicalTypeName(v.type())) + " value");
    }
    if (IsIntegerType(v.type()) && f == "sum" && IsIntegerType(spec.type)) {
      int64_t acc = s->has_value ? s->value.int_value() : 0, r;
      if (__builtin_add_overflow(acc, v.int_value(), &r)) return RuntimeError("integer overflow in sum");
      s->value = Value::Int64(r);
    } else {
      s->dsum += IsIntegerType(v.type()) ? static_cast<double>(v.int_value()) : v.double_value();
    }
    s->has_value = true;
    return Status::OK();
  }
  // min / max
  if (!s->has_value) {
    s->value = v;
    s->has_value = true;
  } else {
    int c = CompareValues(v, s->value);
    if ((f == "min" && c < 0) || (f == "max" && c > 0)) s->value = v;
  }
  return Status::OK();
}

Value HashAggregate::Finish(const State& s, const AggregateSpec& spec) const {
  const std::string& f = spec.function;
  if (f == "count") return Value::Int64(s.count);
  if (f == "collect") return Value::List(s.items);
  if (!s.has_value) return Value::Null(spec.type);
  if (f == "sum") return IsIntegerType(spec.type) ? s.value : Value::Double(s.dsum);
  if (f == "avg") return Value::Double(s.dsum / static_cast<double>(s.count));
  return s.value;
}

Status HashAggregate::Consume(ExecContext* ctx) {
  consumed_ = true;
  std::unordered_map<Row, size_t, RowHash, RowEqual> groups;
  std::vector<Row> keys;
  std::vector<std::vector<State>> states;
  DataChunk input;
  while (true) {
    ASSIGN_OR_RETURN(bool more, Pull(child(), &input, ctx));
    if (!more) break;
    for (size_t r = 0; r < input.num_rows; r++) {
      Row key;
      for (const auto& k : keys_) {
        ASSIGN_OR_RETURN(Value v, Evaluate(*k, input, r, ctx));
        key.push_back(std::move(v));
      }
      auto [it, inserted] = groups.emplace(key, keys.size());
      if (inserted) {
        keys.push_back(key);
        states.emplace_back(aggregates_.size());
      }
      std::vector<State>& st = states[it->second];
      for (size_t a = 0; a < aggregates_.size(); a++) {
        Value v;
        if (aggregates_[a].argument) {
          ASSIGN_OR_RETURN(v, Evaluate(*aggregates_[a].argument, input, r, ctx));
        }
        RETURN_IF_ERROR(Update(&st[a], aggregates_[a], v));
      }
    }
  }
  if (keys_.empty() && keys.empty()) {
    keys.emplace_back();
    states.emplace_back(aggregates_.size());
  }
  for (size_t g = 0; g < keys.size(); g++) {
    Row row = keys[g];
    for (size_t a = 0; a < aggregates_.size(); a++) row.push_back(Finish(states[g][a], aggregates_[a]));
    output_.push_back(std::move(row));
  }
  return Status::OK();
}

Result<bool> HashAggregate::DoNext(DataChunk* out, ExecContext* ctx) {
  if (!consumed_) RETURN_IF_ERROR(Consume(ctx));
  if (next_ >= output_.size()) return false;
  out->EnsureWidth(keys_.size() + aggregates_.size());
  while (next_ < output_.size() && out->num_rows < kChunkCapacity) out->AppendRow(output_[next_++]);
  return true;
}

// ---------------------------------------------------------------- Distinct

Distinct::Distinct(OperatorPtr input) { children_.push_back(std::move(input)); }

void Distinct::Reset() {
  Operator::Reset();
  seen_.clear();
}

Result<bool> Distinct::DoNext(DataChunk* out, ExecContext* ctx) {
  DataChunk input;
  ASSIGN_OR_RETURN(bool more, Pull(child(), &input, ctx));
  if (!more) return false;
  out->EnsureWidth(input.columns.size());
  for (size_t r = 0; r < input.num_rows; r++) {
    if (seen_.insert(input.GetRow(r)).second) out->AppendRowFrom(input, r);
  }
  return true;
}

// ----------------------------------------------------------------- OrderBy

OrderBy::OrderBy(OperatorPtr input, std::vector<SortKey> keys, std::string description, int64_t limit)
    : keys_(std::move(keys)), description_(std::move(description)), limit_(limit) {
  children_.push_back(std::move(input));
}

std::string OrderBy::Describe() const {
  return (limit_ >= 0 ? "TopK " + std::to_string(limit_) + " " : std::string("OrderBy ")) + description_;
}

void OrderBy::Reset() {
  Operator::Reset();
  sorted_ = false;
  rows_.clear();
  next_ = 0;
}

Result<bool> OrderBy::DoNext(DataChunk* out, ExecContext* ctx) {
  if (!sorted_) {
    sorted_ = true;
    auto less = [&](const Row& a, const Row& b) {
      for (const SortKey& k : keys_) {
        const Value& x = a[k.slot];
        const Value& y = b[k.slot];
        if (x.is_null() || y.is_null()) {
          if (x.is_null() == y.is_null()) continue;
          return y.is_null();  // NULLs last in either direction
        }
        int c = CompareValues(x, y);
        if (c != 0) return k.descending ? c > 0 : c < 0;
      }
      return false;
    };
    DataChunk input;
    while (true) {
      ASSIGN_OR_RETURN(bool more, Pull(child(), &input, ctx));
      if (!more) break;
      for (size_t r = 0; r < input.num_rows; r++) {
        rows_.push_back(input.GetRow(r));
        // Top-k: keep at most 2*limit rows between compactions.
        if (limit_ >= 0 && rows_.size() >= static_cast<size_t>(2 * limit_ + kChunkCapacity)) {
          std::stable_sort(rows_.begin(), rows_.end(), less);
          rows_.resize(limit_);
        }
      }
    }
    std::stable_sort(rows_.begin(), rows_.end(), less);
    if (limit_ >= 0 && rows_.size() > static_cast<size_t>(limit_)) rows_.resize(limit_);
  }
  if (next_ >= rows_.size()) return false;
  while (next_ < rows_.size() && out->num_rows < kChunkCapacity) out->AppendRow(rows_[next_++]);
  return true;
}

// --------------------------------------------------------------- SkipLimit

SkipLimit::SkipLimit(OperatorPtr input, int64_t skip, int64_t limit) : skip_(skip), limit_(limit) {
  children_.push_back(std::move(input));
}

std::string SkipLimit::Describe() const {
  std::string out;
  if (skip_ > 0) out += "Skip " + std::to_string(skip_);
  if (limit_ >= 0) out += std::string(out.empty() ? "" : " ") + "Limit " + std::to_string(limit_);
  return out;
}

Result<bool> SkipLimit::DoNext(DataChunk* out, ExecContext* ctx) {
  if (limit_ >= 0 && seen_ >= skip_ + limit_) return false;
  DataChunk input;
  ASSIGN_OR_RETURN(bool more, Pull(child(), &input, ctx));
  if (!more) return false;
  out->EnsureWidth(input.columns.size());
  for (size_t r = 0; r < input.num_rows; r++) {
    int64_t index = seen_++;
    if (index < skip_) continue;
    if (limit_ >= 0 && index >= skip_ + limit_) break;
    out->AppendRowFrom(input, r);
  }
  return true;
}

// ------------------------------------------------------------------ Unwind

Unwind::Unwind(OperatorPtr input, BoundExpressionPtr expression, int slot)
    : expression_(std::move(expression)), slot_(slot) {
  children_.push_back(std::move(input));
}

Result<bool> Unwind::DoNext(DataChunk* out, ExecContext* ctx) {
  DataChunk input;
  ASSIGN_OR_RETURN(bool more, Pull(child(), &input, ctx));
  if (!more) return false;
  for (size_t r = 0; r < input.num_rows; r++) {
    ASSIGN_OR_RETURN(Value list, Evaluate(*expression_, input, r, ctx));
    if (list.is_null()) continue;
    if (list.type() != LogicalType::kList) {
      out->AppendRowFrom(input, r);
      out->SetLast(slot_, list);
      continue;
    }
    for (const Value& item : list.list_items()) {
      out->AppendRowFrom(input, r);
      out->SetLast(slot_, item);
    }
  }
  return true;
}

// ---------------------------------------------------------------- Optional

Optional::Optional(OperatorPtr input, OperatorPtr inner, Argument* argument, std::vector<int> new_slots)
    : argument_(argument), new_slots_(std::move(new_slots)) {
  children_.push_back(std::move(input));
  children_.push_back(std::move(inner));
}

void Optional::Reset() {
  Operator::Reset();
  input_.Clear();
  input_row_ = 0;
  input_done_ = false;
}

Result<bool> Optional::DoNext(DataChunk* out, ExecContext* ctx) {
  while (out->num_rows < kChunkCapacity) {
    if (input_row_ >= input_.num_rows) {
      if (input_done_) break;
      ASSIGN_OR_RETURN(bool more, Pull(child(0), &input_, ctx));
      input_row_ = 0;
      if (!more) {
        input_done_ = true;
        break;
      }
    }
    argument_->Set(input_.GetRow(input_row_));
    child(1)->Reset();
    argument_->Set(input_.GetRow(input_row_));
    bool any = false;
    DataChunk inner;
    while (true) {
      ASSIGN_OR_RETURN(bool more, Pull(child(1), &inner, ctx));
      if (!more) break;
      any = true;
      for (size_t r = 0; r < inner.num_rows; r++) out->AppendRowFrom(inner, r);
    }
    if (!any) {
      out->AppendRowFrom(input_, input_row_);
      for (int s : new_slots_) out->SetLast(s, Value::Null(LogicalType::kAny));
    }
    input_row_++;
  }
  return out->num_rows > 0 || !input_done_;
}

// ---------------------------------------------------------------- UnionAll

UnionAll::UnionAll(std::vector<OperatorPtr> inputs) { children_ = std::move(inputs); }

void UnionAll::Reset() {
  Operator::Reset();
  current_ = 0;
}


namespace {
// One row's property values for a new node or relationship of `schema`,
// converted to the property types (a missing expression means NULL).
Result<std::vector<Value>> EvaluateProperties(const TableSchema& schema,
                                              const std::vector<BoundExpressionPtr>& exprs,
                                              const DataChunk& input, size_t r, ExecContext* ctx) {
  std::vector<Value> values;
  for (size_t p = 0; p < schema.properties.size(); p++) {
    const PropertyDef& def = schema.properties[p];
    Value v = Value::Null(def.type);
    if (exprs[p]) {
      ASSIGN_OR_RETURN(v, Evaluate(*exprs[p], input, r, ctx));
    }
    Result<Value> cast = v.CastTo(def.type);
    if (!cast.ok()) {
      return InvalidArgument("Type mismatch: property " + schema.name + "." + def.name + " is " +
                             LogicalTypeName(def.type) + ", got " + LogicalTypeName(v.type()) +
                             (v.is_null() ? "" : " value " + v.ToString()));
    }
    values.push_back(std::move(*cast));
  }
  return values;
}
}  // namespace

Result<bool> UnionAll::DoNext(DataChunk* out, ExecContext* ctx) {
  while (current_ < children_.size()) {
    ASSIGN_OR_RETURN(bool more, Pull(child(current_), out, ctx));
    if (more) return true;
    current_++;
  }
  return false;
}

// ------------------------------------------------------------------ Create

Create::Create(OperatorPtr input, std::vector<NodeCreateSpec> nodes, std::vector<RelCreateSpec> rels, bool* wrote)
    : nodes_(std::move(nodes)), rels_(std::move(rels)), wrote_(wrote) {
  children_.push_back(std::move(input));
}

std::string Create::Describe() const {
  return "Create nodes=" + std::to_string(nodes_.size()) + " rels=" + std::to_string(rels_.size());
}

Status Create::Run(ExecContext* ctx) {
  struct PendingNode {
    size_t row;
    size_t spec;
    std::vector<Value> values;
  };
  struct PendingRel {
    size_t row;
    size_t spec;
    std::vector<Value> values;
  };
  std::vector<PendingNode> nodes;
  std::vector<PendingRel> rels;
  std::map<TableId, std::set<Row, bool (*)(const Row&, const Row&)>> keys;
  auto key_less = +[](const Row& a, const Row& b) { return CompareValues(a[0], b[0]) < 0; };
  const Catalog& catalog = ctx->catalog();

  // Phase 1: evaluate and check everything.
  DataChunk input;
  while (true) {
    ASSIGN_OR_RETURN(bool more, Pull(child(), &input, ctx));
    if (!more) break;
    for (size_t r = 0; r < input.num_rows; r++) {
      size_t row_index = output_.size();
      output_.push_back(input.GetRow(r));
      for (size_t s = 0; s < nodes_.size(); s++) {
        const NodeCreateSpec& spec = nodes_[s];
        const TableSchema* schema = catalog.GetTable(spec.table);
        ASSIGN_OR_RETURN(std::vector<Value> values, EvaluateProperties(*schema, spec.values, input, r, ctx));
        const Value& key = values[schema->primary_key];
        if (key.is_null()) {
          return InvalidArgument("primary key " + schema->name + "." +
                                 schema->properties[schema->primary_key].name + " cannot be NULL");
        }
        auto& seen = keys.try_emplace(spec.table, key_less).first->second;
        ASSIGN_OR_RETURN(std::optional<uint64_t> existing, ctx->txn()->LookupNode(schema->name, key));
        if (existing || !seen.insert(Row{key}).second) {
          return AlreadyExists("duplicate primary key " + key.ToString() + " in table " + schema->name);
        }
        nodes.push_back(PendingNode{row_index, s, std::move(values)});
      }
      for (size_t s = 0; s < rels_.size(); s++) {
        const RelCreateSpec& spec = rels_[s];
        const TableSchema* schema = catalog.GetTable(spec.table);
        ASSIGN_OR_RETURN(std::vector<Value> values, EvaluateProperties(*schema, spec.values, input, r, ctx));
        rels.push_back(PendingRel{row_index, s, std::move(values)});
      }
    }
  }
  // Endpoints of relationships that are existing nodes must be of the right
  // tables and bound (not NULL from an OPTIONAL MATCH).
  std::set<int> created_slots;
  for (const auto& n : nodes_) created_slots.insert(n.slot);
  for (const PendingRel& pr : rels) {
    const RelCreateSpec& spec = rels_[pr.spec];
    const TableSchema* schema = catalog.GetTable(spec.table);
    const Row& row = output_[pr.row];
    for (int end = 0; end < 2; end++) {
      int slot = end == 0 ? spec.from_slot : spec.to_slot;
      if (created_slots.count(slot)) continue;
      const Value& id = static_cast<size_t>(slot) < row.size() ? row[slot] : Value();
      if (id.is_null()) return InvalidArgument("cannot create a " + schema->name + " relationship to a NULL node");
      TableId want = end == 0 ? schema->from_table : schema->to_table;
      if (id.id_table() != want) {
        return InvalidArgument("relationship table " + schema->name + " connects " +
                               catalog.GetTable(schema->from_table)->name + " to " +
                               catalog.GetTable(schema->to_table)->name + "; the " +
                               (end == 0 ? "FROM" : "TO") + " node is a " + catalog.GetTable(id.id_table())->name);
      }
    }
  }

  // Phase 2: write.
  if (!nodes.empty() || !rels.empty()) *wrote_ = true;
  for (PendingNode& pn : nodes) {
    const NodeCreateSpec& spec = nodes_[pn.spec];
    const TableSchema* schema = catalog.GetTable(spec.table);
    ASSIGN_OR_RETURN(uint64_t offset, ctx->txn()->InsertNode(schema->name, pn.values));
    Row& row = output_[pn.row];
    if (row.size() <= static_cast<size_t>(spec.slot)) row.resize(spec.slot + 1);
    row[spec.slot] = Value::InternalId(spec.table, offset);
    ctx->CacheNode(spec.table, offset, std::make_shared<const std::vector<Value>>(std::move(pn.values)));
  }
  for (PendingRel& pr : rels) {
    const RelCreateSpec& spec = rels_[pr.spec];
    const TableSchema* schema = catalog.GetTable(spec.table);
    Row& row = output_[pr.row];
    Value ends[2];
    Value keys_of[2];
    for (int end = 0; end < 2; end++) {
      int slot = end == 0 ? spec.from_slot : spec.to_slot;
      ends[end] = row[slot];
      const TableSchema* node_schema = catalog.GetTable(ends[end].id_table());
      ASSIGN_OR_RETURN(auto values, ctx->NodeProperties(ends[end].id_table(), ends[end].id_offset()));
      keys_of[end] = (*values)[node_schema->primary_key];
    }
    ASSIGN_OR_RETURN(uint64_t rel_id, ctx->txn()->InsertRel(schema->name, keys_of[0], keys_of[1], pr.values));
    RelValue rel;
    rel.table = spec.table;
    rel.id = rel_id;
    rel.label = schema->name;
    rel.src_table = ends[0].id_table();
    rel.src_offset = ends[0].id_offset();
    rel.dst_table = ends[1].id_table();
    rel.dst_offset = ends[1].id_offset();
    if (row.size() <= static_cast<size_t>(spec.slot)) row.resize(spec.slot + 1);
    row[spec.slot] = Value::Rel(std::move(rel));
  }
  return Status::OK();
}

Result<bool> Create::DoNext(DataChunk* out, ExecContext* ctx) {
  if (!done_) {
    done_ = true;
    RETURN_IF_ERROR(Run(ctx));
  }
  if (next_ >= output_.size()) return false;
  while (next_ < output_.size() && out->num_rows < kChunkCapacity) out->AppendRow(output_[next_++]);
  return true;
}

// -------------------------------------------------------------------- SET

void WriteOperator::Reset() {
  Operator::Reset();
  done_ = false;
  rows_.Clear();
  next_ = 0;
}

Result<bool> WriteOperator::DoNext(DataChunk* out, ExecContext* ctx) {
  if (!done_) {
    done_ = true;
    RETURN_IF_ERROR(Run(ctx));
  }
  if (next_ >= rows_.num_rows) return false;
  while (next_ < rows_.num_rows && out->num_rows < kChunkCapacity) out->AppendRowFrom(rows_, next_++);
  return true;
}


Status ApplySetItems(const std::vector<SetItemSpec>& items, const DataChunk& chunk, size_t r, ExecContext* ctx,
                     bool* wrote) {
  const Catalog& catalog = ctx->catalog();
  for (const SetItemSpec& item : items) {
    const Value owner =
        static_cast<size_t>(item.slot) < chunk.columns.size() ? chunk.columns[item.slot][r] : Value();
    if (owner.is_null()) continue;  // e.g. an unmatched OPTIONAL MATCH variable
    bool is_rel = owner.type() == LogicalType::kRel;
    TableId table = is_rel ? owner.rel_value().table : owner.id_table();
    auto it = item.index.find(table);
    if (it == item.index.end()) continue;
    const TableSchema* schema = catalog.GetTable(table);
    if (schema == nullptr) return InternalError("unknown table id " + std::to_string(table));
    const PropertyDef& def = schema->properties[it->second];
    ASSIGN_OR_RETURN(Value v, Evaluate(*item.value, chunk, r, ctx));
    Result<Value> cast = v.CastTo(def.type);
    if (!cast.ok()) {
      return InvalidArgument("Type mismatch: property " + schema->name + "." + def.name + " is " +
                             LogicalTypeName(def.type) + ", got " + LogicalTypeName(v.type()) +
                             (v.is_null() ? "" : " value " + v.ToString()));
    }
    *wrote = true;
    if (is_rel) {
      const RelValue& rel = owner.rel_value();
      RETURN_IF_ERROR(ctx->txn()->SetRelProperty(schema->name, rel.src_offset, rel.id, def.name, std::move(*cast)));
      ctx->ForgetRel(table, rel.id);
    } else {
      RETURN_IF_ERROR(ctx->txn()->SetNodeProperty(schema->name, owner.id_offset(), def.name, std::move(*cast)));
      ctx->ForgetNode(table, owner.id_offset());
    }
  }
  return Status::OK();
}

SetProperties::SetProperties(OperatorPtr input, std::vector<SetItemSpec> items, bool* wrote)
    : items_(std::move(items)), wrote_(wrote) {
  children_.push_back(std::move(input));
}

std::string SetProperties::Describe() const {
  std::string out = "Set";
  for (size_t i = 0; i < items_.size(); i++) {
    out += (i == 0 ? " " : ", ") + items_[i].property + " = " + items_[i].value->ToString();
  }
  return out;
}

Status SetProperties::Run(ExecContext* ctx) {
  DataChunk input;
  while (true) {
    ASSIGN_OR_RETURN(bool more, Pull(child(), &input, ctx));
    if (!more) break;
    for (size_t r = 0; r < input.num_rows; r++) rows_.AppendRowFrom(input, r);
  }
  for (size_t r = 0; r < rows_.num_rows; r++) {
    RETURN_IF_ERROR(ctx->CheckInterrupted());
    RETURN_IF_ERROR(ApplySetItems(items_, rows_, r, ctx, wrote_));
  }
  return Status::OK();
}

// ----------------------------------------------------------------- DELETE

Delete::Delete(OperatorPtr input, std::vector<BoundExpressionPtr> expressions, bool detach, bool* wrote)
    : expressions_(std::move(expressions)), detach_(detach), wrote_(wrote) {
  children_.push_back(std::move(input));
}

std::string Delete::Describe() const {
  std::string out = detach_ ? "DetachDelete" : "Delete";
  for (size_t i = 0; i < expressions_.size(); i++) out += (i == 0 ? " " : ", ") + expressions_[i]->ToString();
  return out;
}

Status Delete::Run(ExecContext* ctx) {
  DataChunk input;
  while (true) {
    ASSIGN_OR_RETURN(bool more, Pull(child(), &input, ctx));
    if (!more) break;
    for (size_t r = 0; r < input.num_rows; r++) rows_.AppendRowFrom(input, r);
  }
  // Distinct targets, in first-seen order.
  std::vector<Value> nodes, rels;
  std::set<std::pair<TableId, uint64_t>> seen_nodes, seen_rels;
  for (size_t r = 0; r < rows_.num_rows; r++) {
    for (const auto& e : expressions_) {
      ASSIGN_OR_RETURN(Value v, Evaluate(*e, rows_, r, ctx));
      if (v.is_null()) continue;
      if (v.type() == LogicalType::kRel) {
        if (seen_rels.insert({v.rel_value().table, v.rel_value().id}).second) rels.push_back(std::move(v));
      } else if (v.type() == LogicalType::kInternalId) {
        if (seen_nodes.insert({v.id_table(), v.id_offset()}).second) nodes.push_back(std::move(v));
      } else if (v.type() == LogicalType::kNode) {
        const NodeValue& n = v.node_value();
        if (seen_nodes.insert({n.table, n.offset}).second) nodes.push_back(Value::InternalId(n.table, n.offset));
      } else {
        return InvalidArgument(std::string("DELETE expects a node or a relationship, got ") +
                               LogicalTypeName(v.type()));
      }
    }
  }
  const Catalog& catalog = ctx->catalog();
  if (!detach_ && rels.empty()) {
    // Fail before writing anything when a node still has relationships (the
    // storage layer's error names the node and the count).
    for (const Value& n : nodes) {
      for (const TableSchema* t : catalog.Tables()) {
        if (!t->is_rel()) continue;
        for (bool forward : {true, false}) {
          if ((forward ? t->from_table : t->to_table) != n.id_table()) continue;
          ASSIGN_OR_RETURN(std::vector<GraphEdge> edges, ctx->txn()->Neighbours(t->name, n.id_offset(), forward));
          if (edges.empty()) continue;
          Status s = ctx->txn()->DeleteNode(TableName(ctx, n.id_table()), n.id_offset(), false);
          if (!s.ok()) return s;
          *wrote_ = true;
          return InternalError("a node with relationships was deleted without DETACH");
        }
      }
    }
  }
  for (const Value& v : rels) {
    RETURN_IF_ERROR(ctx->CheckInterrupted());
    const RelValue& rel = v.rel_value();
    *wrote_ = true;
    RETURN_IF_ERROR(ctx->txn()->DeleteRel(TableName(ctx, rel.table), rel.src_offset, rel.id));
    ctx->ForgetRel(rel.table, rel.id);
  }
  for (const Value& n : nodes) {
    RETURN_IF_ERROR(ctx->CheckInterrupted());
    *wrote_ = true;
    RETURN_IF_ERROR(ctx->txn()->DeleteNode(TableName(ctx, n.id_table()), n.id_offset(), detach_));
    ctx->ForgetNode(n.id_table(), n.id_offset());
  }
  if (detach_ && !nodes.empty()) ctx->ClearCache();  // their relationships went too
  return Status::OK();
}

// ------------------------------------------------------------------ MERGE

Merge::Merge(OperatorPtr input, int slot, TableId table, std::vector<std::pair<uint32_t, BoundExpressionPtr>> props,
             std::vector<SetItemSpec> on_create, std::vector<SetItemSpec> on_match, bool* wrote)
    : slot_(slot),
      table_(table),
      props_(std::move(props)),
      on_create_(std::move(on_create)),
      on_match_(std::move(on_match)),
      wrote_(wrote) {
  children_.push_back(std::move(input));
}

std::string Merge::Describe() const {
  return "Merge on_create=" + std::to_string(on_create_.size()) + " on_match=" + std::to_string(on_match_.size());
}

Status Merge::Run(ExecContext* ctx) {
  DataChunk input;
  std::vector<Row> inputs;
  while (true) {
    ASSIGN_OR_RETURN(bool more, Pull(child(), &input, ctx));
    if (!more) break;
    for (size_t r = 0; r < input.num_rows; r++) inputs.push_back(input.GetRow(r));
  }
  const TableSchema* schema = ctx->catalog().GetTable(table_);
  if (schema == nullptr) return InternalError("unknown table id " + std::to_string(table_));
  for (const Row& in : inputs) {
    RETURN_IF_ERROR(ctx->CheckInterrupted());
    DataChunk one;
    one.AppendRow(in);
    // The wanted values, converted to the property types.
    std::vector<std::pair<uint32_t, Value>> want;
    std::optional<Value> key;
    for (const auto& [idx, expr] : props_) {
      const PropertyDef& def = schema->properties[idx];
      ASSIGN_OR_RETURN(Value v, Evaluate(*expr, one, 0, ctx));
      if (v.is_null()) {
        return InvalidArgument("MERGE cannot match or create a node with a NULL property (" + schema->name + "." +
                               def.name + ")");
      }
      Result<Value> cast = v.CastTo(def.type);
      if (!cast.ok()) {
        return InvalidArgument("Type mismatch: property " + schema->name + "." + def.name + " is " +
                               LogicalTypeName(def.type) + ", got " + LogicalTypeName(v.type()) + " value " +
                               v.ToString());
      }
      if (idx == schema->primary_key) key = *cast;
      want.emplace_back(idx, std::move(*cast));
    }
    auto matches = [&](const std::vector<Value>& values) {
      for (const auto& [idx, v] : want) {
        if (idx >= values.size() || values[idx].is_null() || !ValuesEqual(values[idx], v)) return false;
      }
      return true;
    };
    std::vector<uint64_t> found;
    if (key) {
      ASSIGN_OR_RETURN(std::optional<uint64_t> offset, ctx->txn()->LookupNode(schema->name, *key));
      if (offset) {
        ASSIGN_OR_RETURN(auto values, ctx->NodeProperties(table_, *offset));
        if (!matches(*values)) {
          return AlreadyExists("duplicate primary key " + key->ToString() + " in table " + schema->name);
        }
        found.push_back(*offset);
      }
    } else {
      RETURN_IF_ERROR(ctx->txn()->ScanNodes(schema->name, [&](uint64_t offset, const std::vector<Value>& values) {
        if (matches(values)) found.push_back(offset);
        return true;
      }));
    }
    const std::vector<SetItemSpec>* items = &on_match_;
    if (found.empty()) {
      if (!key) {
        return InvalidArgument("MERGE found no " + schema->name + " node and cannot create one without its primary key " +
                               schema->properties[schema->primary_key].name);
      }
      std::vector<Value> values;
      for (const PropertyDef& def : schema->properties) values.push_back(Value::Null(def.type));
      for (const auto& [idx, v] : want) values[idx] = v;
      *wrote_ = true;
      ASSIGN_OR_RETURN(uint64_t offset, ctx->txn()->InsertNode(schema->name, values));
      ctx->ForgetNode(table_, offset);
      found.push_back(offset);
      items = &on_create_;
    }
    for (uint64_t offset : found) {
      Row row = in;
      if (row.size() <= static_cast<size_t>(slot_)) row.resize(slot_ + 1);
      row[slot_] = Value::InternalId(table_, offset);
      DataChunk bound;
      bound.AppendRow(row);
      RETURN_IF_ERROR(ApplySetItems(*items, bound, 0, ctx, wrote_));
      rows_.AppendRow(row);
    }
  }
  return Status::OK();
}

}  // namespace query
}  // namespace ruzu
