#include "query/operators.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

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

// Every row `op` produces (for operators that must see all input first:
// MERGE reads what earlier rows of the same statement created).
Result<std::vector<Row>> PullAllRows(Operator* op, ExecContext* ctx) {
  DataChunk input;
  std::vector<Row> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool more, Pull(op, &input, ctx));
    if (!more) return rows;
    for (size_t r = 0; r < input.num_rows; r++) {
      rows.push_back(input.GetRow(r));
      RETURN_IF_ERROR(ctx->ChargeMemory(ApproximateBytes(rows.back())));
    }
  }
}

const std::string& TableName(ExecContext* ctx, TableId id) {
  static const std::string kUnknown = "?";
  const TableSchema* s = ctx->catalog().GetTable(id);
  return s == nullptr ? kUnknown : s->name;
}

// The relationship `edge` found by following `step` from the node at
// `from_offset`, with its ends in storage (FROM -> TO) order.
Value StepRel(const ExtendStep& step, const GraphEdge& edge, uint64_t from_offset, ExecContext* ctx) {
  RelValue rel;
  rel.table = step.rel_table;
  rel.id = edge.rel_id;
  rel.label = TableName(ctx, step.rel_table);
  rel.src_table = step.forward ? step.from_table : step.to_table;
  rel.src_offset = step.forward ? from_offset : edge.neighbour;
  rel.dst_table = step.forward ? step.to_table : step.from_table;
  rel.dst_offset = step.forward ? edge.neighbour : from_offset;
  return Value::Rel(std::move(rel));
}

// The node of `table` whose primary key equals `key`. A NULL key, or one of
// another type that does not convert exactly, matches nothing.
Result<std::optional<uint64_t>> LookupByKey(ExecContext* ctx, TableId table, Value key) {
  if (key.is_null()) return std::optional<uint64_t>();
  const TableSchema* schema = ctx->catalog().GetTable(table);
  if (schema == nullptr) return InternalError("unknown table id " + std::to_string(table));
  LogicalType pk_type = schema->properties[schema->primary_key].type;
  if ((key.type() == LogicalType::kDouble || key.type() == LogicalType::kFloat) && IsIntegerType(pk_type)) {
    // `p.id = 2.0` holds for the key 2, as the comparison would.
    const double d = key.double_value();
    if (!(d >= -9.2e18 && d <= 9.2e18) || d != std::trunc(d)) return std::optional<uint64_t>();
    key = Value::Int64(static_cast<int64_t>(d));
  }
  if (key.type() != pk_type) {
    Result<Value> cast = key.CastTo(pk_type);
    if (!cast.ok()) return std::optional<uint64_t>();
    key = std::move(*cast);
  }
  return ctx->txn()->LookupNode(schema->name, key);
}

void PlanLines(const Operator& op, bool profile, int depth, std::string* out) {
  out->append(std::string(depth * 2, ' '));
  out->append(op.Describe());
  if (profile) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " [rows=%llu, time=%.3fms", static_cast<unsigned long long>(op.rows_out()),
                  op.elapsed_ms());
    out->append(buf);
    out->append(op.ProfileDetails() + "]");
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

namespace {

void Prune(Operator* op, const std::optional<std::set<int>>& needed) {
  const std::optional<std::set<int>> below = op->NeedFromInput(needed);
  for (const auto& c : op->children()) Prune(c.get(), below);
}

void AddReads(const BoundExpressionPtr& e, std::set<int>* slots) {
  if (e) CollectSlots(*e, slots);
}

}  // namespace

void PruneColumns(Operator* root) { Prune(root, std::nullopt); }

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

std::unique_ptr<Operator> Operator::ReleaseDescendant(const Operator* target) {
  for (auto& c : children_) {
    if (c.get() == target) return std::move(c);
    if (auto found = c->ReleaseDescendant(target)) return found;
  }
  return nullptr;
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
  input_done_ = false;
  in_pass_ = false;
}

std::optional<std::set<int>> NodeScan::NeedFromInput(const std::optional<std::set<int>>& needed_above) {
  if (!needed_above) return std::nullopt;
  std::set<int> needed = *needed_above;
  AddReads(filter_, &needed);
  needed.erase(slot_);
  return needed;
}

void NodeScan::StartPass() {
  in_pass_ = true;
  node_pos_ = 0;
  if (complete_) return;
  nodes_.clear();
  table_index_ = 0;
  range_ = NodeRange();
}

Status NodeScan::ReadBatch(ExecContext* ctx) {
  RETURN_IF_ERROR(ctx->CheckInterrupted());
  if (!caching_) {
    nodes_.clear();
    node_pos_ = 0;
  }
  const TableId table = tables_[table_index_];
  const TableSchema* schema = ctx->catalog().GetTable(table);
  if (schema == nullptr) return InternalError("unknown table id " + std::to_string(table));
  DataChunk probe;
  probe.num_rows = 1;
  probe.EnsureWidth(slot_ + 1);
  Status error;
  const uint64_t begin = range_.begin;
  RETURN_IF_ERROR(ctx->txn()->ScanNodeRange(
      schema->name, &range_, kChunkCapacity, [&](uint64_t offset, const std::vector<Value>& values) {
        if (filter_) {
          // The filter reads `values` in place; only nodes that pass are kept.
          ctx->SetScanNode(table, offset, &values);
          probe.columns[slot_][0] = Value::InternalId(table, offset);
          Result<bool> keep = EvaluatePredicate(*filter_, probe, 0, ctx);
          ctx->ClearScanNode();
          if (!keep.ok()) {
            error = keep.status();
            return false;
          }
          if (!*keep) return true;
        }
        nodes_.push_back(ScannedNode{table, offset, std::make_shared<const std::vector<Value>>(values)});
        return true;
      }));
  RETURN_IF_ERROR(error);
  scanned_ += range_.begin - begin;
  if (range_.begin >= range_.end) {
    table_index_++;
    range_ = NodeRange();
  }
  if (nodes_.size() > kMaxCachedNodes) caching_ = false;
  return Status::OK();
}

Result<bool> NodeScan::DoNext(DataChunk* out, ExecContext* ctx) {
  while (out->num_rows < kChunkCapacity) {
    if (!in_pass_) {
      if (input_row_ >= input_.num_rows) {
        if (input_done_) break;
        ASSIGN_OR_RETURN(bool more, Pull(child(), &input_, ctx));
        input_row_ = 0;
        if (!more) {
          input_done_ = true;
          break;
        }
      }
      StartPass();
    }
    if (node_pos_ < nodes_.size()) {
      while (node_pos_ < nodes_.size() && out->num_rows < kChunkCapacity) {
        const ScannedNode& n = nodes_[node_pos_++];
        ctx->CacheNode(n.table, n.offset, n.values);
        out->AppendRowFrom(input_, input_row_);
        out->SetLast(slot_, Value::InternalId(n.table, n.offset));
      }
      continue;
    }
    if (complete_ || table_index_ >= tables_.size()) {
      // The pass is over; a cached one serves the next input rows.
      complete_ = caching_;
      in_pass_ = false;
      input_row_++;
      continue;
    }
    // One batch read per call once there is output: with a selective
    // filter, filling the chunk could mean reading the whole table.
    if (out->num_rows > 0) break;
    RETURN_IF_ERROR(ReadBatch(ctx));
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

std::optional<std::set<int>> IndexLookup::NeedFromInput(const std::optional<std::set<int>>& needed_above) {
  if (!needed_above) return std::nullopt;
  std::set<int> needed = *needed_above;
  AddReads(filter_, &needed);
  needed.erase(slot_);
  AddReads(key_, &needed);
  return needed;
}

Result<bool> IndexLookup::DoNext(DataChunk* out, ExecContext* ctx) {
  DataChunk input;
  ASSIGN_OR_RETURN(bool more, Pull(child(), &input, ctx));
  if (!more) return false;
  for (size_t r = 0; r < input.num_rows; r++) {
    ASSIGN_OR_RETURN(Value key, Evaluate(*key_, input, r, ctx));
    ASSIGN_OR_RETURN(std::optional<uint64_t> offset, LookupByKey(ctx, table_, std::move(key)));
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

std::string Extend::Describe() const {
  std::string out = description_;
  if (rel_filter_) out += " filter=" + rel_filter_->ToString();
  if (node_filter_) out += " node_filter=" + node_filter_->ToString();
  return out;
}

void Extend::Reset() {
  Operator::Reset();
  input_.Clear();
  input_row_ = 0;
  input_done_ = false;
  pending_.clear();
  pending_pos_ = 0;
  have_current_ = false;
}

std::optional<std::set<int>> Extend::NeedFromInput(const std::optional<std::set<int>>& needed_above) {
  if (!needed_above) {
    copied_.reset();
    return std::nullopt;
  }
  // Output rows need what is read above them and by the filters, minus what
  // this operator binds itself.
  std::set<int> copy = *needed_above;
  AddReads(rel_filter_, &copy);
  AddReads(node_filter_, &copy);
  copy.erase(rel_slot_);
  if (!to_bound_) copy.erase(to_slot_);
  copied_ = std::vector<int>(copy.begin(), copy.end());
  copy.insert(from_slot_);
  if (to_bound_) copy.insert(to_slot_);
  return copy;
}

Status Extend::FilterFrom(size_t first, DataChunk* out, ExecContext* ctx) {
  keep_.assign(out->num_rows, true);
  bool any_dropped = false;
  for (size_t r = first; r < out->num_rows; r++) {
    bool keep = true;
    if (rel_filter_) {
      ASSIGN_OR_RETURN(keep, EvaluatePredicate(*rel_filter_, *out, r, ctx));
    }
    if (keep && node_filter_) {
      ASSIGN_OR_RETURN(keep, EvaluatePredicate(*node_filter_, *out, r, ctx));
    }
    keep_[r] = keep;
    any_dropped |= !keep;
  }
  if (any_dropped) out->KeepRows(keep_);
  return Status::OK();
}

Result<bool> Extend::DoNext(DataChunk* out, ExecContext* ctx) {
  while (out->num_rows < kChunkCapacity) {
    if (pending_pos_ < pending_.size()) {
      // A node of huge degree whose edges the filters drop keeps this loop
      // going without returning.
      RETURN_IF_ERROR(ctx->CheckInterrupted());
      // The input row once per edge, then each edge's bindings.
      const size_t first = out->num_rows;
      const size_t count = std::min(pending_.size() - pending_pos_, kChunkCapacity - first);
      out->AppendCopiesFrom(input_, input_row_, count, copied_ ? &*copied_ : nullptr);
      out->EnsureWidth(std::max(rel_slot_, to_slot_) + 1);
      for (size_t k = 0; k < count; k++) {
        const PendingEdge& p = pending_[pending_pos_ + k];
        const ExtendStep& step = *p.step;
        if (rel_slot_ >= 0) out->columns[rel_slot_][first + k] = StepRel(step, p.edge, from_offset_, ctx);
        if (!to_bound_) out->columns[to_slot_][first + k] = Value::InternalId(step.to_table, p.edge.neighbour);
      }
      pending_pos_ += count;
      if (rel_filter_ || node_filter_) RETURN_IF_ERROR(FilterFrom(first, out, ctx));
      continue;
    }
    // Move to the next input row.
    if (have_current_) {
      input_row_++;
      have_current_ = false;
    }
    pending_.clear();
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
    if (static_cast<size_t>(from_slot_) >= input_.columns.size()) continue;
    const Value& from = input_.columns[from_slot_][input_row_];
    if (from.is_null()) continue;  // a NULL start (after OPTIONAL MATCH) has no edges
    const Value* target = nullptr;
    if (to_bound_) {
      if (static_cast<size_t>(to_slot_) < input_.columns.size()) target = &input_.columns[to_slot_][input_row_];
      if (target == nullptr || target->is_null()) continue;
    }
    from_offset_ = from.id_offset();
    for (const ExtendStep& step : steps_) {
      if (from.id_table() != step.from_table) continue;
      if (target != nullptr && target->id_table() != step.to_table) continue;
      RETURN_IF_ERROR(ctx->txn()->NeighboursInto(TableName(ctx, step.rel_table), from_offset_, step.forward, &edges_));
      for (const GraphEdge& e : edges_) {
        if (target != nullptr && target->id_offset() != e.neighbour) continue;
        pending_.push_back(PendingEdge{&step, e});
      }
    }
  }
  return out->num_rows > 0 || !input_done_;
}

// -------------------------------------------------------------- CountPaths

// How many partial paths end at each node reached for one pattern node.
class CountPaths::PathWeights {
 public:
  // The weight of a node that fails the pattern node's filter.
  static constexpr uint64_t kRejected = ~uint64_t{0};
  // Counts are returned as INT64.
  static constexpr uint64_t kMaxCount = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

  struct Table {
    TableId table = 0;
    std::vector<uint64_t> offsets;  // nodes reached, in first-reached order
    std::vector<uint64_t> weights;  // parallel to offsets
    // offset -> position in `offsets`: a hash map while few nodes are
    // reached (a point query stays cheap), then a dense array of
    // position + 1 (0: not reached). Built on first use (a scan's start
    // layer is only walked).
    bool indexed = false;
    std::unordered_map<uint64_t, uint32_t> sparse;
    std::vector<uint32_t> dense;
    bool is_dense = false;
  };

  Table* ForTable(TableId table) {
    for (auto& t : tables_) {
      if (t->table == table) return t.get();
    }
    tables_.push_back(std::make_unique<Table>());
    tables_.back()->table = table;
    return tables_.back().get();
  }
  const std::vector<std::unique_ptr<Table>>& tables() const { return tables_; }

  // The weight of a node (0: not reached or rejected).
  uint64_t Find(TableId table, uint64_t offset) {
    for (auto& t : tables_) {
      if (t->table != table) continue;
      Index(t.get());
      uint64_t position;
      if (t->is_dense) {
        if (offset >= t->dense.size() || t->dense[offset] == 0) return 0;
        position = t->dense[offset] - 1;
      } else {
        auto it = t->sparse.find(offset);
        if (it == t->sparse.end()) return 0;
        position = it->second;
      }
      return t->weights[position] == kRejected ? 0 : t->weights[position];
    }
    return 0;
  }

  // The position of `offset` in `t`; a node not reached before is added
  // with weight 0 and *created set.
  static Result<size_t> Position(Table* t, uint64_t offset, bool* created) {
    Index(t);
    *created = false;
    if (t->is_dense) {
      if (offset < t->dense.size() && t->dense[offset] != 0) return t->dense[offset] - 1;
    } else {
      auto it = t->sparse.find(offset);
      if (it != t->sparse.end()) return it->second;
    }
    if (t->offsets.size() >= std::numeric_limits<uint32_t>::max()) {
      return OutOfMemory("too many nodes reached while counting paths");
    }
    size_t position = t->offsets.size();
    t->offsets.push_back(offset);
    t->weights.push_back(0);
    *created = true;
    if (t->is_dense) {
      if (offset >= t->dense.size()) t->dense.resize(std::max<uint64_t>(offset + 1, t->dense.size() * 3 / 2), 0);
      t->dense[offset] = static_cast<uint32_t>(position + 1);
    } else if (t->offsets.size() <= kSparseLimit) {
      t->sparse.emplace(offset, static_cast<uint32_t>(position));
    } else {
      MakeDense(t);
    }
    return position;
  }

 private:
  static constexpr size_t kSparseLimit = 4096;

  static void Index(Table* t) {
    if (t->indexed) return;
    t->indexed = true;
    if (t->offsets.size() > kSparseLimit) {
      MakeDense(t);
      return;
    }
    for (size_t i = 0; i < t->offsets.size(); i++) t->sparse.emplace(t->offsets[i], static_cast<uint32_t>(i));
  }
  static void MakeDense(Table* t) {
    uint64_t max_offset = *std::max_element(t->offsets.begin(), t->offsets.end());
    t->dense.assign(max_offset + 1, 0);
    for (size_t i = 0; i < t->offsets.size(); i++) t->dense[t->offsets[i]] = static_cast<uint32_t>(i + 1);
    t->sparse = {};
    t->is_dense = true;
  }

  std::vector<std::unique_ptr<Table>> tables_;  // pointers stay valid as tables are added
};

namespace {

Status CountOverflow() { return RuntimeError("integer overflow in count"); }

// a * b, or an error beyond INT64.
Result<uint64_t> MultiplyCounts(uint64_t a, uint64_t b) {
  uint64_t product;
  if (__builtin_mul_overflow(a, b, &product) || product > static_cast<uint64_t>(INT64_MAX)) return CountOverflow();
  return product;
}

std::string DescribeChains(const std::vector<CountPaths::Chain>& chains) {
  std::string out;
  for (const CountPaths::Chain& chain : chains) {
    out += out.empty() ? "" : "; ";
    out += "(" + chain.nodes[0].name + ")";
    std::string filters;
    auto add_filter = [&](const BoundExpressionPtr& f) {
      if (f) filters += (filters.empty() ? "" : " AND ") + f->ToString();
    };
    add_filter(chain.nodes[0].filter);
    for (size_t h = 0; h < chain.hops.size(); h++) {
      out += chain.hops[h].text + "(" + chain.nodes[h + 1].name + ")";
      add_filter(chain.hops[h].rel_filter);
      add_filter(chain.nodes[h + 1].filter);
    }
    out += chain.key ? " start=IndexLookup " + chain.nodes[0].name + " key=" + chain.key->ToString()
                     : " start=NodeScan " + chain.nodes[0].name;
    if (!filters.empty()) out += " filter=" + filters;
  }
  return out;
}

}  // namespace

CountPaths::CountPaths(OperatorPtr input, std::vector<Chain> chains, std::vector<Chain> focus_arms, int focus_slot,
                       std::vector<AggregateSpec> aggregates)
    : chains_(std::move(chains)),
      focus_arms_(std::move(focus_arms)),
      focus_slot_(focus_slot),
      aggregates_(std::move(aggregates)) {
  children_.push_back(std::move(input));
}

CountPaths::~CountPaths() = default;

std::string CountPaths::Describe() const {
  std::string out = "CountPaths";
  if (!chains_.empty()) out += " " + DescribeChains(chains_);
  if (!focus_arms_.empty()) {
    out += (chains_.empty() ? " " : "; ") + std::string("through ") + focus_arms_[0].nodes.back().name + ": " +
           DescribeChains(focus_arms_) + " aggregates=[";
    for (size_t i = 0; i < aggregates_.size(); i++) {
      const AggregateSpec& a = aggregates_[i];
      out += (i ? ", " : "") + a.function + "(" + (a.distinct ? "DISTINCT " : "") +
             (a.argument ? a.argument->ToString() : "*") + ")";
    }
    out += "]";
  }
  return out;
}

void CountPaths::Reset() {
  Operator::Reset();
  done_ = false;
}

Status CountPaths::Propagate(const Chain& chain, ExecContext* ctx, PathWeights* layer,
                             std::optional<uint64_t>* total) {
  // A one-row chunk in which a filter finds the node or relationship it reads.
  int width = 0;
  for (const PathNode& n : chain.nodes) width = std::max(width, n.slot + 1);
  for (const Hop& h : chain.hops) width = std::max(width, h.rel_slot + 1);
  DataChunk probe;
  probe.num_rows = 1;
  probe.EnsureWidth(width);
  auto passes = [&](const BoundExpression& filter, int slot, Value bound) -> Result<bool> {
    probe.columns[slot][0] = std::move(bound);
    return EvaluatePredicate(filter, probe, 0, ctx);
  };

  // The start: every path so far is one node long.
  const PathNode& first = chain.nodes[0];
  if (chain.key) {
    const TableId table = first.tables[0];
    ASSIGN_OR_RETURN(Value key, Evaluate(*chain.key, probe, 0, ctx));
    ASSIGN_OR_RETURN(std::optional<uint64_t> offset, LookupByKey(ctx, table, std::move(key)));
    if (!offset) return Status::OK();
    if (first.filter) {
      ASSIGN_OR_RETURN(bool keep, passes(*first.filter, first.slot, Value::InternalId(table, *offset)));
      if (!keep) return Status::OK();
    }
    PathWeights::Table* t = layer->ForTable(table);
    t->offsets.push_back(*offset);
    t->weights.push_back(1);
  } else {
    for (TableId table : first.tables) {
      PathWeights::Table* t = layer->ForTable(table);
      Status error;
      uint64_t visited = 0;
      RETURN_IF_ERROR(
          ctx->txn()->ScanNodes(TableName(ctx, table), [&](uint64_t offset, const std::vector<Value>& values) {
            if ((++visited & 1023) == 0) {
              error = ctx->CheckInterrupted();
              if (!error.ok()) return false;
            }
            if (first.filter) {
              ctx->SetScanNode(table, offset, &values);
              Result<bool> keep = passes(*first.filter, first.slot, Value::InternalId(table, offset));
              ctx->ClearScanNode();
              if (!keep.ok()) {
                error = keep.status();
                return false;
              }
              if (!*keep) return true;
            }
            t->offsets.push_back(offset);
            t->weights.push_back(1);
            return true;
          }));
      RETURN_IF_ERROR(error);
    }
  }

  // Each hop: the paths ending at a node are the sum, over the edges
  // reaching it, of the paths ending at the edge's other end.
  uint64_t expanded = 0;
  std::vector<GraphEdge> edges;
  for (size_t h = 0; h < chain.hops.size(); h++) {
    const Hop& hop = chain.hops[h];
    const PathNode& to = chain.nodes[h + 1];
    // The last hop of a count: which node each path reaches does not matter.
    const bool count_only = total != nullptr && h + 1 == chain.hops.size() && !to.filter;
    uint64_t paths_reached = 0;
    PathWeights next;
    for (const auto& from : layer->tables()) {
      for (const ExtendStep& step : hop.steps) {
        if (step.from_table != from->table) continue;
        const std::string& rel_name = TableName(ctx, step.rel_table);
        PathWeights::Table* reached = next.ForTable(step.to_table);
        for (size_t i = 0; i < from->offsets.size(); i++) {
          const uint64_t weight = from->weights[i];
          if (weight == PathWeights::kRejected) continue;
          if ((++expanded & 1023) == 0) RETURN_IF_ERROR(ctx->CheckInterrupted());
          const uint64_t offset = from->offsets[i];
          RETURN_IF_ERROR(ctx->txn()->NeighboursInto(rel_name, offset, step.forward, &edges));
          if (count_only && !hop.rel_filter) {
            ASSIGN_OR_RETURN(uint64_t paths, MultiplyCounts(weight, edges.size()));
            if (__builtin_add_overflow(paths_reached, paths, &paths_reached) ||
                paths_reached > PathWeights::kMaxCount) {
              return CountOverflow();
            }
            continue;
          }
          for (const GraphEdge& e : edges) {
            // A node may have millions of edges.
            if ((++expanded & 1023) == 0) RETURN_IF_ERROR(ctx->CheckInterrupted());
            if (hop.rel_filter) {
              RelValue rel;
              rel.table = step.rel_table;
              rel.id = e.rel_id;
              rel.label = rel_name;
              rel.src_table = step.forward ? step.from_table : step.to_table;
              rel.src_offset = step.forward ? offset : e.neighbour;
              rel.dst_table = step.forward ? step.to_table : step.from_table;
              rel.dst_offset = step.forward ? e.neighbour : offset;
              ASSIGN_OR_RETURN(bool keep, passes(*hop.rel_filter, hop.rel_slot, Value::Rel(std::move(rel))));
              if (!keep) continue;
            }
            if (count_only) {
              if (__builtin_add_overflow(paths_reached, weight, &paths_reached) ||
                  paths_reached > PathWeights::kMaxCount) {
                return CountOverflow();
              }
              continue;
            }
            bool created;
            ASSIGN_OR_RETURN(size_t position, PathWeights::Position(reached, e.neighbour, &created));
            if (created && to.filter) {
              ASSIGN_OR_RETURN(bool keep, passes(*to.filter, to.slot, Value::InternalId(step.to_table, e.neighbour)));
              if (!keep) {
                reached->weights[position] = PathWeights::kRejected;
                continue;
              }
            }
            uint64_t& paths = reached->weights[position];
            if (paths == PathWeights::kRejected) continue;
            if (__builtin_add_overflow(paths, weight, &paths) || paths > PathWeights::kMaxCount) {
              return CountOverflow();
            }
          }
        }
      }
    }
    if (count_only) {
      *total = paths_reached;
      return Status::OK();
    }
    *layer = std::move(next);
  }
  return Status::OK();
}

Result<uint64_t> CountPaths::CountChain(const Chain& chain, ExecContext* ctx) {
  PathWeights layer;
  std::optional<uint64_t> counted;
  RETURN_IF_ERROR(Propagate(chain, ctx, &layer, &counted));
  if (counted) return *counted;
  uint64_t total = 0;
  for (const auto& t : layer.tables()) {
    for (uint64_t weight : t->weights) {
      if (weight == PathWeights::kRejected) continue;
      if (__builtin_add_overflow(total, weight, &total) || total > PathWeights::kMaxCount) return CountOverflow();
    }
  }
  return total;
}

Result<std::vector<Value>> CountPaths::AggregateFocus(uint64_t multiplier, ExecContext* ctx) {
  struct State {
    uint64_t count = 0;  // rows with a non-NULL value (all rows for count(*))
    __int128 sum = 0;
    Value value;  // min / max
    bool has_value = false;
    std::unique_ptr<std::unordered_set<Row, RowHash, RowEqual>> seen;  // DISTINCT
  };
  std::vector<State> states(aggregates_.size());
  if (multiplier > 0) {
    std::vector<PathWeights> arms(focus_arms_.size());
    for (size_t a = 0; a < focus_arms_.size(); a++) {
      RETURN_IF_ERROR(Propagate(focus_arms_[a], ctx, &arms[a], nullptr));
    }
    DataChunk probe;
    probe.num_rows = 1;
    probe.EnsureWidth(focus_slot_ + 1);
    for (const auto& t : arms[0].tables()) {
      for (size_t i = 0; i < t->offsets.size(); i++) {
        if ((i & 1023) == 1023) RETURN_IF_ERROR(ctx->CheckInterrupted());
        if (t->weights[i] == PathWeights::kRejected) continue;
        ASSIGN_OR_RETURN(uint64_t rows, MultiplyCounts(t->weights[i], multiplier));
        for (size_t a = 1; a < arms.size() && rows > 0; a++) {
          ASSIGN_OR_RETURN(rows, MultiplyCounts(rows, arms[a].Find(t->table, t->offsets[i])));
        }
        if (rows == 0) continue;
        probe.columns[focus_slot_][0] = Value::InternalId(t->table, t->offsets[i]);
        for (size_t g = 0; g < aggregates_.size(); g++) {
          const AggregateSpec& spec = aggregates_[g];
          State& s = states[g];
          if (!spec.argument) {
            if (__builtin_add_overflow(s.count, rows, &s.count) || s.count > PathWeights::kMaxCount) {
              return CountOverflow();
            }
            continue;
          }
          ASSIGN_OR_RETURN(Value v, Evaluate(*spec.argument, probe, 0, ctx));
          if (v.is_null()) continue;
          if (spec.distinct) {
            if (!s.seen) s.seen = std::make_unique<std::unordered_set<Row, RowHash, RowEqual>>();
            if (!s.seen->insert(Row{v}).second) continue;
          }
          const std::string& f = spec.function;
          const uint64_t weight = spec.distinct ? 1 : rows;  // DISTINCT sees each value once
          if (__builtin_add_overflow(s.count, weight, &s.count) || s.count > PathWeights::kMaxCount) {
            return CountOverflow();
          }
          if (f == "sum" || f == "avg") {
            if (!IsIntegerType(v.type())) {
              return RuntimeError(f + " of a " + std::string(LogicalTypeName(v.type())) + " value");
            }
            __int128 term;
            if (__builtin_mul_overflow(static_cast<__int128>(v.int_value()), static_cast<__int128>(weight), &term) ||
                __builtin_add_overflow(s.sum, term, &s.sum)) {
              return RuntimeError("integer overflow in sum");
            }
            s.has_value = true;
          } else if (f == "min" || f == "max") {
            if (!s.has_value) {
              s.value = std::move(v);
              s.has_value = true;
            } else {
              int c = CompareValues(v, s.value);
              if ((f == "min" && c < 0) || (f == "max" && c > 0)) s.value = std::move(v);
            }
          }
        }
      }
    }
  }
  std::vector<Value> out;
  for (size_t g = 0; g < aggregates_.size(); g++) {
    const AggregateSpec& spec = aggregates_[g];
    const State& s = states[g];
    const std::string& f = spec.function;
    if (f == "count") {
      out.push_back(Value::Int64(static_cast<int64_t>(s.count)));
    } else if (!s.has_value) {
      out.push_back(Value::Null(spec.type));
    } else if (f == "sum") {
      if (s.sum > INT64_MAX || s.sum < INT64_MIN) return RuntimeError("integer overflow in sum");
      out.push_back(Value::Int64(static_cast<int64_t>(s.sum)));
    } else if (f == "avg") {
      out.push_back(Value::Double(static_cast<double>(s.sum) / static_cast<double>(s.count)));
    } else {
      out.push_back(s.value);
    }
  }
  return out;
}

Result<bool> CountPaths::DoNext(DataChunk* out, ExecContext* ctx) {
  if (done_) return false;
  done_ = true;
  // The pattern does not depend on the input row, so every input row has
  // the same matches; like the row-by-row plan, the pattern is not read when
  // there are no input rows or an earlier chain has no paths.
  uint64_t rows = 0;
  DataChunk input;
  while (true) {
    ASSIGN_OR_RETURN(bool more, Pull(child(), &input, ctx));
    if (!more) break;
    rows += input.num_rows;
  }
  for (size_t c = 0; c < chains_.size() && rows > 0; c++) {
    ASSIGN_OR_RETURN(uint64_t paths, CountChain(chains_[c], ctx));
    ASSIGN_OR_RETURN(rows, MultiplyCounts(rows, paths));
  }
  std::vector<Value> values;
  if (focus_arms_.empty()) {
    for (size_t i = 0; i < aggregates_.size(); i++) values.push_back(Value::Int64(static_cast<int64_t>(rows)));
  } else {
    ASSIGN_OR_RETURN(values, AggregateFocus(rows, ctx));
  }
  out->AppendRow(values);
  return true;
}

// --------------------------------------------------------- VarLengthExtend

VarLengthExtend::VarLengthExtend(OperatorPtr input, std::string description, VarLengthSpec spec)
    : description_(std::move(description)), spec_(std::move(spec)) {
  for (const ExtendStep& step : spec_.steps) {
    reverse_steps_.push_back(ExtendStep{step.rel_table, !step.forward, step.to_table, step.from_table});
  }
  children_.push_back(std::move(input));
}

void VarLengthExtend::Reset() {
  Operator::Reset();
  input_.Clear();
  input_row_ = 0;
  input_done_ = false;
  row_active_ = false;
  stack_.clear();
  found_.clear();
  found_pos_ = 0;
  copies_done_ = 0;
  LetGo();
}

bool VarLengthExtend::IsEnd(const Value& node) const {
  if (std::find(spec_.to_tables.begin(), spec_.to_tables.end(), node.id_table()) == spec_.to_tables.end()) {
    return false;
  }
  if (!spec_.to_bound) return true;
  const Value& target = input_.columns[spec_.to_slot][input_row_];
  return !target.is_null() && target.id_table() == node.id_table() && target.id_offset() == node.id_offset();
}

Value VarLengthExtend::HopRel(const Hop& hop, uint64_t from_offset, ExecContext* ctx) const {
  return StepRel(*hop.step, hop.edge, from_offset, ctx);
}

Value VarLengthExtend::MakePath(std::vector<Value> nodes, std::vector<Value> rels) const {
  if (spec_.reverse_path) {
    std::reverse(nodes.begin(), nodes.end());
    std::reverse(rels.begin(), rels.end());
  }
  return Value::RecursiveRel(std::move(nodes), std::move(rels));
}

void VarLengthExtend::Emit(const Value& end, Value path, DataChunk* out) const {
  out->AppendRowFrom(input_, input_row_);
  if (!spec_.to_bound) out->SetLast(spec_.to_slot, end);
  if (spec_.path_slot >= 0) out->SetLast(spec_.path_slot, std::move(path));
}

Status VarLengthExtend::LoadHops(const Value& node, const std::vector<ExtendStep>& steps, std::vector<Hop>* hops,
                                 ExecContext* ctx) {
  hops->clear();
  std::vector<GraphEdge> edges;
  for (const ExtendStep& step : steps) {
    if (node.id_table() != step.from_table) continue;
    RETURN_IF_ERROR(ctx->txn()->NeighboursInto(TableName(ctx, step.rel_table), node.id_offset(), step.forward, &edges));
    for (const GraphEdge& e : edges) {
      if ((++work_ & 1023) == 0) RETURN_IF_ERROR(ctx->CheckInterrupted());
      Hop hop{&step, e};
      if (spec_.edge_filter) {
        probe_.columns[spec_.edge_slot][0] = HopRel(hop, node.id_offset(), ctx);
        ASSIGN_OR_RETURN(bool pass, EvaluatePredicate(*spec_.edge_filter, probe_, 0, ctx));
        if (!pass) continue;
      }
      hops->push_back(hop);
    }
  }
  return Status::OK();
}

Result<bool> VarLengthExtend::MayPassThrough(const Value& node, ExecContext* ctx) {
  if (!spec_.node_filter) return true;
  probe_.columns[spec_.node_slot][0] = node;
  return EvaluatePredicate(*spec_.node_filter, probe_, 0, ctx);
}

Status VarLengthExtend::Hold(ExecContext* ctx, uint64_t bytes) {
  held_ctx_ = ctx;
  held_bytes_ += bytes;
  return ctx->ChargeMemory(bytes);
}

void VarLengthExtend::LetGo() {
  if (held_ctx_ != nullptr) held_ctx_->ReleaseMemory(held_bytes_);
  held_bytes_ = 0;
}

Result<bool> VarLengthExtend::StartRow(ExecContext* ctx) {
  LetGo();  // the previous row's search and paths are gone
  if (static_cast<size_t>(spec_.from_slot) >= input_.columns.size()) return false;
  const Value& from = input_.columns[spec_.from_slot][input_row_];
  if (from.is_null()) return false;
  probe_.Clear();
  probe_.AppendRowFrom(input_, input_row_);
  probe_.EnsureWidth(static_cast<size_t>(std::max(spec_.edge_slot, spec_.node_slot) + 1));
  if (spec_.mode != PathMode::kWalk) {
    RETURN_IF_ERROR(SearchShortest(ctx));
    return true;
  }
  stack_.clear();
  if (spec_.min_hops == 0 && IsEnd(from)) {
    // The empty walk: emitted by the caller's loop through found_.
    found_.push_back(Found{from, spec_.path_slot >= 0 ? MakePath({}, {}) : Value(), 1});
  }
  if (spec_.max_hops > 0) {
    Frame root;
    root.node = from;
    RETURN_IF_ERROR(LoadHops(from, spec_.steps, &root.hops, ctx));
    stack_.push_back(std::move(root));
  }
  return true;
}

Status VarLengthExtend::ContinueWalk(DataChunk* out, ExecContext* ctx) {
  while (!stack_.empty() && out->num_rows < kChunkCapacity) {
    Frame& top = stack_.back();
    if (top.next >= top.hops.size()) {
      stack_.pop_back();
      continue;
    }
    const Hop hop = top.hops[top.next++];
    if ((++work_ & 1023) == 0) RETURN_IF_ERROR(ctx->CheckInterrupted());
    Value node = Value::InternalId(hop.step->to_table, hop.edge.neighbour);
    const int64_t depth = static_cast<int64_t>(stack_.size());
    if (depth >= spec_.min_hops && IsEnd(node)) {
      Value path;
      if (spec_.path_slot >= 0) {
        std::vector<Value> nodes, rels;
        for (size_t i = 0; i < stack_.size(); i++) {
          if (i > 0) nodes.push_back(stack_[i].node);
          const Frame& f = stack_[i];
          rels.push_back(HopRel(f.hops[f.next - 1], f.node.id_offset(), ctx));
        }
        path = MakePath(std::move(nodes), std::move(rels));
      }
      Emit(node, std::move(path), out);
    }
    if (depth < spec_.max_hops) {
      ASSIGN_OR_RETURN(bool through, MayPassThrough(node, ctx));
      if (!through) continue;
      Frame next;
      next.node = std::move(node);
      RETURN_IF_ERROR(LoadHops(next.node, spec_.steps, &next.hops, ctx));
      stack_.push_back(std::move(next));
    }
  }
  return Status::OK();
}

void VarLengthExtend::Search::Start(const Value& node) {
  reached.clear();
  index.clear();
  reached.push_back(Reached{node, 0, {}, 1});
  index.emplace(std::make_pair(node.id_table(), node.id_offset()), 0);
  frontier.assign(1, 0);
  depth = 0;
}

int64_t VarLengthExtend::Search::Find(const Value& node) const {
  auto it = index.find(std::make_pair(node.id_table(), node.id_offset()));
  return it == index.end() ? -1 : static_cast<int64_t>(it->second);
}

Status VarLengthExtend::ExpandLevel(Search* search, const std::vector<ExtendStep>& steps, std::vector<size_t>* added,
                                    ExecContext* ctx) {
  const bool all = spec_.mode == PathMode::kAllShortest;
  const int64_t level = ++search->depth;
  std::vector<size_t> next;
  std::vector<Hop> hops;
  added->clear();
  for (size_t u : search->frontier) {
    if (level > 1) {  // the search's root is an end of the path, never filtered
      ASSIGN_OR_RETURN(bool through, MayPassThrough(search->reached[u].node, ctx));
      if (!through) continue;
    }
    RETURN_IF_ERROR(LoadHops(search->reached[u].node, steps, &hops, ctx));
    for (const Hop& hop : hops) {
      Value node = Value::InternalId(hop.step->to_table, hop.edge.neighbour);
      auto [it, inserted] = search->index.emplace(std::make_pair(node.id_table(), node.id_offset()),
                                                  search->reached.size());
      if (inserted) {
        const uint64_t paths = search->reached[u].paths;
        RETURN_IF_ERROR(Hold(ctx, sizeof(Reached) + 2 * sizeof(Value) + 32));  // node, parent, index entry
        search->reached.push_back(Reached{std::move(node), level, {{u, hop}}, paths});
        added->push_back(it->second);
      } else if (all && search->reached[it->second].level == level) {
        Reached& v = search->reached[it->second];
        v.parents.emplace_back(u, hop);
        if (__builtin_add_overflow(v.paths, search->reached[u].paths, &v.paths)) {
          return OutOfMemory("too many shortest paths to count");
        }
      }
    }
  }
  search->frontier = *added;
  return Status::OK();
}

Status VarLengthExtend::ListChains(const Search& search, size_t at, std::vector<Chain>* out, ExecContext* ctx) {
  // Depth first through the parents back to the root; `chain` is built end
  // first and reversed when complete.
  Chain chain;
  std::function<Status(size_t)> descend = [&](size_t node) -> Status {
    if ((++work_ & 1023) == 0) RETURN_IF_ERROR(ctx->CheckInterrupted());
    if (node == 0) {
      out->emplace_back(chain.rbegin(), chain.rend());
      return Status::OK();
    }
    for (const auto& [parent, hop] : search.reached[node].parents) {
      chain.emplace_back(parent, &hop);
      RETURN_IF_ERROR(descend(parent));
      chain.pop_back();
      if (spec_.mode == PathMode::kShortest) break;
    }
    return Status::OK();
  };
  return descend(at);
}

Value VarLengthExtend::ChainPath(const Search& from_start, const Chain& prefix, const Search* from_end,
                                 const Chain* suffix, ExecContext* ctx) const {
  std::vector<Value> nodes, rels;
  for (size_t i = 0; i < prefix.size(); i++) {
    const Value& left = from_start.reached[prefix[i].first].node;
    if (i > 0) nodes.push_back(left);
    rels.push_back(HopRel(*prefix[i].second, left.id_offset(), ctx));
  }
  if (suffix != nullptr && !suffix->empty()) {
    // The meeting node lies between the halves unless it is an end.
    if (!prefix.empty()) {
      const Hop* last = prefix.back().second;
      nodes.push_back(Value::InternalId(last->step->to_table, last->edge.neighbour));
    }
    for (size_t i = suffix->size(); i-- > 0;) {
      const Value& right = from_end->reached[(*suffix)[i].first].node;
      rels.push_back(HopRel(*(*suffix)[i].second, right.id_offset(), ctx));
      if (i > 0) nodes.push_back(right);
    }
  }
  return MakePath(std::move(nodes), std::move(rels));
}

Status VarLengthExtend::SearchShortest(ExecContext* ctx) {
  found_.clear();
  found_pos_ = 0;
  copies_done_ = 0;
  const Value& from = input_.columns[spec_.from_slot][input_row_];
  if (spec_.to_bound) {
    const Value& end = input_.columns[spec_.to_slot][input_row_];
    if (end.is_null() || !IsEnd(end)) return Status::OK();
    return SearchShortestPair(end, ctx);
  }
  Search search;
  search.Start(from);
  std::vector<size_t> added;
  while (search.depth < spec_.max_hops && !search.frontier.empty()) {
    RETURN_IF_ERROR(ExpandLevel(&search, spec_.steps, &added, ctx));
  }
  std::vector<Chain> chains;
  for (size_t i = 1; i < search.reached.size(); i++) {
    const Reached& r = search.reached[i];
    if (r.level < spec_.min_hops || !IsEnd(r.node)) continue;
    if (spec_.path_slot < 0) {
      found_.push_back(Found{r.node, Value(), spec_.mode == PathMode::kAllShortest ? r.paths : 1});
      continue;
    }
    chains.clear();
    RETURN_IF_ERROR(ListChains(search, i, &chains, ctx));
    for (const Chain& c : chains) {
      found_.push_back(Found{r.node, ChainPath(search, c, nullptr, nullptr, ctx), 1});
      RETURN_IF_ERROR(Hold(ctx, sizeof(Found) + ApproximateBytes(found_.back().path)));
    }
  }
  return Status::OK();
}

Status VarLengthExtend::SearchShortestPair(const Value& end, ExecContext* ctx) {
  const Value& from = input_.columns[spec_.from_slot][input_row_];
  if (from.id_table() == end.id_table() && from.id_offset() == end.id_offset()) return Status::OK();
  Search forward, backward;
  forward.Start(from);
  backward.Start(end);
  std::vector<size_t> added;
  std::vector<std::pair<size_t, size_t>> meetings;  // (in forward, in backward)
  while (meetings.empty() && forward.depth + backward.depth < spec_.max_hops && !forward.frontier.empty() &&
         !backward.frontier.empty()) {
    // Grow the smaller side by one level, then look for nodes both reached.
    const bool grow_forward = forward.frontier.size() <= backward.frontier.size();
    Search* grown = grow_forward ? &forward : &backward;
    const Search* other = grow_forward ? &backward : &forward;
    RETURN_IF_ERROR(ExpandLevel(grown, grow_forward ? spec_.steps : reverse_steps_, &added, ctx));
    int64_t best = INT64_MAX;
    for (size_t a : added) {
      const Value& node = grown->reached[a].node;
      const int64_t b = other->Find(node);
      if (b < 0) continue;
      const int64_t length = grown->reached[a].level + other->reached[b].level;
      if (length > best) continue;
      // A meeting node between the ends is passed through.
      if (other->reached[b].level > 0) {
        ASSIGN_OR_RETURN(bool through, MayPassThrough(node, ctx));
        if (!through) continue;
      }
      if (length < best) meetings.clear();
      best = length;
      meetings.emplace_back(grow_forward ? a : static_cast<size_t>(b), grow_forward ? static_cast<size_t>(b) : a);
    }
  }
  if (meetings.empty()) return Status::OK();
  if (spec_.mode == PathMode::kShortest) meetings.resize(1);
  if (spec_.path_slot < 0) {
    uint64_t paths = 0;  // through each meeting node: its paths from each side, combined
    for (const auto& [f, b] : meetings) {
      uint64_t n = 0;
      if (__builtin_mul_overflow(forward.reached[f].paths, backward.reached[b].paths, &n) ||
          __builtin_add_overflow(paths, n, &paths)) {
        return OutOfMemory("too many shortest paths to count");
      }
    }
    found_.push_back(Found{end, Value(), spec_.mode == PathMode::kShortest ? 1 : paths});
    return Status::OK();
  }
  std::vector<Chain> prefixes, suffixes;
  for (const auto& [f, b] : meetings) {
    prefixes.clear();
    suffixes.clear();
    RETURN_IF_ERROR(ListChains(forward, f, &prefixes, ctx));
    RETURN_IF_ERROR(ListChains(backward, b, &suffixes, ctx));
    for (const Chain& prefix : prefixes) {
      for (const Chain& suffix : suffixes) {
        found_.push_back(Found{end, ChainPath(forward, prefix, &backward, &suffix, ctx), 1});
        RETURN_IF_ERROR(Hold(ctx, sizeof(Found) + ApproximateBytes(found_.back().path)));
      }
    }
  }
  return Status::OK();
}

Result<bool> VarLengthExtend::DoNext(DataChunk* out, ExecContext* ctx) {
  while (out->num_rows < kChunkCapacity) {
    // Rows found but not yet emitted come first.
    if (found_pos_ < found_.size()) {
      const Found& f = found_[found_pos_];
      uint64_t n = std::min<uint64_t>(f.copies - copies_done_, kChunkCapacity - out->num_rows);
      for (uint64_t i = 0; i < n; i++) Emit(f.node, f.path, out);
      copies_done_ += n;
      if (copies_done_ == f.copies) {
        found_pos_++;
        copies_done_ = 0;
      }
      continue;
    }
    found_.clear();
    found_pos_ = 0;
    if (row_active_ && !stack_.empty()) {
      RETURN_IF_ERROR(ContinueWalk(out, ctx));
      continue;
    }
    if (row_active_) {
      row_active_ = false;
      input_row_++;
    }
    if (input_row_ >= input_.num_rows) {
      if (input_done_) break;
      ASSIGN_OR_RETURN(bool more, Pull(child(), &input_, ctx));
      input_row_ = 0;
      if (!more) {
        input_done_ = true;
        input_.Clear();
        break;
      }
    }
    ASSIGN_OR_RETURN(row_active_, StartRow(ctx));
    if (!row_active_) input_row_++;
  }
  return out->num_rows > 0 || !input_done_;
}

// ---------------------------------------------------------------- BuildPath

BuildPath::BuildPath(OperatorPtr input, std::string variable, int slot, std::vector<Part> parts)
    : variable_(std::move(variable)), slot_(slot), parts_(std::move(parts)) {
  children_.push_back(std::move(input));
}

Result<bool> BuildPath::DoNext(DataChunk* out, ExecContext* ctx) {
  ASSIGN_OR_RETURN(bool more, Pull(child(), out, ctx));
  if (!more) return false;
  out->EnsureWidth(slot_ + 1);
  for (size_t r = 0; r < out->num_rows; r++) {
    std::vector<Value> nodes, rels;
    bool null = false;
    for (const Part& part : parts_) {
      const Value& v = out->columns[part.slot][r];
      if (v.is_null()) {
        null = true;  // an OPTIONAL MATCH found nothing
        break;
      }
      if (part.is_node) {
        nodes.push_back(v);
      } else if (v.type() == LogicalType::kRecursiveRel) {
        nodes.insert(nodes.end(), v.path_nodes().begin(), v.path_nodes().end());
        rels.insert(rels.end(), v.path_rels().begin(), v.path_rels().end());
      } else {
        rels.push_back(v);
      }
    }
    out->columns[slot_][r] =
        null ? Value::Null(LogicalType::kRecursiveRel) : Value::RecursiveRel(std::move(nodes), std::move(rels));
  }
  return true;
}

// ------------------------------------------------------------------ Filter

Filter::Filter(OperatorPtr input, BoundExpressionPtr predicate) : predicate_(std::move(predicate)) {
  children_.push_back(std::move(input));
}

std::optional<std::set<int>> Filter::NeedFromInput(const std::optional<std::set<int>>& needed_above) {
  if (!needed_above) return std::nullopt;
  std::set<int> needed = *needed_above;
  AddReads(predicate_, &needed);
  return needed;
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

std::optional<std::set<int>> Projection::NeedFromInput(const std::optional<std::set<int>>&) {
  std::set<int> needed;
  for (const auto& e : expressions_) AddReads(e, &needed);
  return needed;
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

std::optional<std::set<int>> HashAggregate::NeedFromInput(const std::optional<std::set<int>>&) {
  std::set<int> needed;
  for (const auto& k : keys_) AddReads(k, &needed);
  for (const AggregateSpec& a : aggregates_) AddReads(a.argument, &needed);
  return needed;
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

Status HashAggregate::Update(State* s, const AggregateSpec& spec, const Value& v, ExecContext* ctx) {
  if (spec.argument && v.is_null()) return Status::OK();
  if (spec.distinct) {
    if (!s->seen) s->seen = std::make_unique<std::unordered_set<Row, RowHash, RowEqual>>();
    if (!s->seen->insert(Row{v}).second) return Status::OK();
    RETURN_IF_ERROR(ctx->ChargeMemory(ApproximateBytes(v)));
  }
  const std::string& f = spec.function;
  s->count++;
  if (f == "count") return Status::OK();
  if (f == "collect") {
    RETURN_IF_ERROR(ctx->ChargeMemory(ApproximateBytes(v)));
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
  // Without keys there is one group and count(*) just adds up batch sizes.
  if (keys_.empty()) {
    keys.emplace_back();
    states.emplace_back(aggregates_.size());
  }
  DataChunk input;
  Row key;
  while (true) {
    ASSIGN_OR_RETURN(bool more, Pull(child(), &input, ctx));
    if (!more) break;
    if (keys_.empty()) {
      std::vector<State>& st = states[0];
      for (size_t a = 0; a < aggregates_.size(); a++) {
        const AggregateSpec& spec = aggregates_[a];
        if (!spec.argument && !spec.distinct && spec.function == "count") {
          st[a].count += static_cast<int64_t>(input.num_rows);
          continue;
        }
        for (size_t r = 0; r < input.num_rows; r++) {
          // Chunks can be big (a variable-length pattern's).
          if ((r & 1023) == 1023) RETURN_IF_ERROR(ctx->CheckInterrupted());
          Value v;
          if (spec.argument) {
            ASSIGN_OR_RETURN(v, Evaluate(*spec.argument, input, r, ctx));
          }
          RETURN_IF_ERROR(Update(&st[a], spec, v, ctx));
        }
      }
      continue;
    }
    for (size_t r = 0; r < input.num_rows; r++) {
      if ((r & 1023) == 1023) RETURN_IF_ERROR(ctx->CheckInterrupted());
      key.clear();
      for (const auto& k : keys_) {
        ASSIGN_OR_RETURN(Value v, Evaluate(*k, input, r, ctx));
        key.push_back(std::move(v));
      }
      auto it = groups.find(key);
      if (it == groups.end()) {
        // The key is held twice (map and list) with a state per aggregate.
        RETURN_IF_ERROR(ctx->ChargeMemory(2 * ApproximateBytes(key) + aggregates_.size() * sizeof(State)));
        it = groups.emplace(key, keys.size()).first;
        keys.push_back(key);
        states.emplace_back(aggregates_.size());
      }
      std::vector<State>& st = states[it->second];
      for (size_t a = 0; a < aggregates_.size(); a++) {
        Value v;
        if (aggregates_[a].argument) {
          ASSIGN_OR_RETURN(v, Evaluate(*aggregates_[a].argument, input, r, ctx));
        }
        RETURN_IF_ERROR(Update(&st[a], aggregates_[a], v, ctx));
      }
    }
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
    if ((r & 1023) == 1023) RETURN_IF_ERROR(ctx->CheckInterrupted());
    Row row = input.GetRow(r);
    const uint64_t bytes = ApproximateBytes(row);
    if (seen_.insert(std::move(row)).second) {
      RETURN_IF_ERROR(ctx->ChargeMemory(bytes));
      out->AppendRowFrom(input, r);
    }
  }
  return true;
}

// ----------------------------------------------------------------- OrderBy

namespace {

// Merges the sorted rows [first, mid) and [mid, last) (stably) through
// `buf`, checking for an interrupt as it goes (an interrupted merge leaves
// moved-from rows behind).
template <typename Less>
Status MergeRuns(std::vector<Row>* rows, size_t first, size_t mid, size_t last, std::vector<Row>* buf,
                 const Less& less, ExecContext* ctx) {
  std::vector<Row>& r = *rows;
  buf->clear();
  size_t i = first, j = mid;
  while (i < mid && j < last) {
    if ((buf->size() & 4095) == 4095) RETURN_IF_ERROR(ctx->CheckInterrupted());
    buf->push_back(std::move(less(r[j], r[i]) ? r[j++] : r[i++]));
  }
  // What is left of the right run is in place; the left run's rest goes last.
  std::move_backward(r.begin() + i, r.begin() + mid, r.begin() + last);
  std::move(buf->begin(), buf->end(), r.begin() + first);
  return Status::OK();
}

// A stable sort that checks for an interrupt as it goes (sorting millions of
// rows takes seconds): runs sorted by std::stable_sort, then merged pairwise.
template <typename Less>
Status StableSortRows(std::vector<Row>* rows, const Less& less, ExecContext* ctx) {
  constexpr size_t kRun = size_t{1} << 12;
  const size_t n = rows->size();
  for (size_t b = 0; b < n; b += kRun) {
    RETURN_IF_ERROR(ctx->CheckInterrupted());
    std::stable_sort(rows->begin() + b, rows->begin() + std::min(n, b + kRun), less);
  }
  std::vector<Row> buf;
  for (size_t width = kRun; width < n; width *= 2) {
    for (size_t b = 0; b + width < n; b += 2 * width) {
      RETURN_IF_ERROR(MergeRuns(rows, b, b + width, std::min(n, b + 2 * width), &buf, less, ctx));
    }
  }
  return Status::OK();
}

}  // namespace

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
        RETURN_IF_ERROR(ctx->ChargeMemory(ApproximateBytes(rows_.back())));
        // Top-k: keep at most 2*limit rows between compactions.
        if (limit_ >= 0 && rows_.size() >= static_cast<size_t>(2 * limit_ + kChunkCapacity)) {
          RETURN_IF_ERROR(StableSortRows(&rows_, less, ctx));
          for (size_t i = limit_; i < rows_.size(); i++) ctx->ReleaseMemory(ApproximateBytes(rows_[i]));
          rows_.resize(limit_);
        }
      }
    }
    RETURN_IF_ERROR(StableSortRows(&rows_, less, ctx));
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
    const std::vector<Value>& items = list.list_items();
    for (size_t i = 0; i < items.size(); i++) {
      if ((i & 1023) == 1023) RETURN_IF_ERROR(ctx->CheckInterrupted());
      out->AppendRowFrom(input, r);
      out->SetLast(slot_, items[i]);
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
  inner_running_ = false;
}

Result<bool> Optional::DoNext(DataChunk* out, ExecContext* ctx) {
  while (out->num_rows < kChunkCapacity) {
    if (!inner_running_) {
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
      inner_running_ = true;
      any_inner_ = false;
    }
    ASSIGN_OR_RETURN(bool more, Pull(child(1), &inner_, ctx));
    if (more) {
      any_inner_ = true;
      for (size_t r = 0; r < inner_.num_rows; r++) out->AppendRowFrom(inner_, r);
      continue;
    }
    if (!any_inner_) {
      out->AppendRowFrom(input_, input_row_);
      for (int s : new_slots_) out->SetLast(s, Value::Null(LogicalType::kAny));
    }
    inner_running_ = false;
    input_row_++;
  }
  return out->num_rows > 0 || !input_done_;
}

// ---------------------------------------------------------------- HashJoin

HashJoin::HashJoin(OperatorPtr probe, OperatorPtr build, int slot, BoundExpressionPtr build_key,
                   BoundExpressionPtr probe_key)
    : slot_(slot), build_key_(std::move(build_key)), probe_key_(std::move(probe_key)) {
  children_.push_back(std::move(probe));
  children_.push_back(std::move(build));
}

std::string HashJoin::Describe() const {
  return "HashJoin " + build_key_->ToString() + " = " + probe_key_->ToString();
}

void HashJoin::Reset() {
  Operator::Reset();
  built_ = false;  // the statement may have written since
  table_.clear();
  if (charged_ctx_ != nullptr) charged_ctx_->ReleaseMemory(charged_);
  charged_ = 0;
  input_.Clear();
  input_row_ = 0;
  matches_ = nullptr;
  match_pos_ = 0;
}

Status HashJoin::Build(ExecContext* ctx) {
  built_ = true;
  DataChunk chunk;
  while (true) {
    ASSIGN_OR_RETURN(bool more, Pull(child(1), &chunk, ctx));
    if (!more) break;
    for (size_t r = 0; r < chunk.num_rows; r++) {
      if ((r & 1023) == 1023) RETURN_IF_ERROR(ctx->CheckInterrupted());
      ASSIGN_OR_RETURN(Value key, Evaluate(*build_key_, chunk, r, ctx));
      if (key.is_null()) continue;
      const uint64_t bytes = 2 * sizeof(Value) + ApproximateBytes(key);
      charged_ += bytes;
      charged_ctx_ = ctx;
      RETURN_IF_ERROR(ctx->ChargeMemory(bytes));
      table_[std::move(key)].push_back(chunk.columns[slot_][r]);
    }
  }
  return Status::OK();
}

Result<bool> HashJoin::DoNext(DataChunk* out, ExecContext* ctx) {
  if (!built_) RETURN_IF_ERROR(Build(ctx));
  while (out->num_rows < kChunkCapacity) {
    if (matches_ != nullptr && match_pos_ < matches_->size()) {
      const size_t n = std::min(matches_->size() - match_pos_, kChunkCapacity - out->num_rows);
      const size_t first = out->num_rows;
      out->AppendCopiesFrom(input_, input_row_, n);
      out->EnsureWidth(slot_ + 1);
      for (size_t i = 0; i < n; i++) out->columns[slot_][first + i] = (*matches_)[match_pos_ + i];
      match_pos_ += n;
      continue;
    }
    if (matches_ != nullptr) input_row_++;
    matches_ = nullptr;
    if (input_row_ >= input_.num_rows) {
      ASSIGN_OR_RETURN(bool more, Pull(child(0), &input_, ctx));
      input_row_ = 0;
      if (!more) {
        input_.Clear();
        return out->num_rows > 0;
      }
    }
    ASSIGN_OR_RETURN(Value key, Evaluate(*probe_key_, input_, input_row_, ctx));
    auto it = key.is_null() ? table_.end() : table_.find(key);
    if (it == table_.end()) {
      input_row_++;
      continue;
    }
    matches_ = &it->second;
    match_pos_ = 0;
  }
  return true;
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
    // A property not set takes its DEFAULT (NULL when it has none); an explicit NULL stays NULL.
    Value v = def.default_value.is_null() ? Value::Null(def.type) : def.default_value;
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
      RETURN_IF_ERROR(ctx->ChargeMemory(ApproximateBytes(output_.back())));
      for (size_t s = 0; s < nodes_.size(); s++) {
        const NodeCreateSpec& spec = nodes_[s];
        const TableSchema* schema = catalog.GetTable(spec.table);
        ASSIGN_OR_RETURN(std::vector<Value> values, EvaluateProperties(*schema, spec.values, input, r, ctx));
        if (schema->properties[schema->primary_key].serial) {
          // The binder refused a SERIAL key; InsertNode assigns it.
          nodes.push_back(PendingNode{row_index, s, std::move(values)});
          continue;
        }
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
  size_t written = 0;
  for (PendingNode& pn : nodes) {
    if ((++written & 1023) == 0) RETURN_IF_ERROR(ctx->CheckInterrupted());
    const NodeCreateSpec& spec = nodes_[pn.spec];
    const TableSchema* schema = catalog.GetTable(spec.table);
    ASSIGN_OR_RETURN(uint64_t offset, ctx->txn()->InsertNode(schema->name, pn.values));
    if (schema->properties[schema->primary_key].serial) {
      pn.values[schema->primary_key] = Value::Int64(static_cast<int64_t>(offset));
    }
    Row& row = output_[pn.row];
    if (row.size() <= static_cast<size_t>(spec.slot)) row.resize(spec.slot + 1);
    row[spec.slot] = Value::InternalId(spec.table, offset);
    ctx->CacheNode(spec.table, offset, std::make_shared<const std::vector<Value>>(std::move(pn.values)));
  }
  for (PendingRel& pr : rels) {
    if ((++written & 1023) == 0) RETURN_IF_ERROR(ctx->CheckInterrupted());
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

void Create::Reset() {
  Operator::Reset();
  done_ = false;
  output_.clear();
  next_ = 0;
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
  struct Write {
    Value owner;
    TableId table;
    const TableSchema* schema;
    const PropertyDef* def;
    Value value;
  };
  std::vector<Write> writes;
  for (size_t begin = 0; begin < items.size();) {
    size_t end = begin + 1;
    if (items[begin].group != 0) {
      while (end < items.size() && items[end].group == items[begin].group) end++;
    }
    // Evaluate the item or the whole map, then write.
    writes.clear();
    for (size_t i = begin; i < end; i++) {
      const SetItemSpec& item = items[i];
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
      writes.push_back(Write{owner, table, schema, &def, std::move(*cast)});
    }
    for (Write& w : writes) {
      *wrote = true;
      if (w.owner.type() == LogicalType::kRel) {
        const RelValue& rel = w.owner.rel_value();
        RETURN_IF_ERROR(ctx->txn()->SetRelProperty(w.schema->name, rel.src_offset, rel.id, w.def->name,
                                                   std::move(w.value)));
        ctx->ForgetRel(w.table, rel.id);
      } else {
        RETURN_IF_ERROR(ctx->txn()->SetNodeProperty(w.schema->name, w.owner.id_offset(), w.def->name,
                                                    std::move(w.value)));
        ctx->ForgetNode(w.table, w.owner.id_offset());
      }
    }
    begin = end;
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
    for (size_t r = 0; r < input.num_rows; r++) {
      RETURN_IF_ERROR(ctx->ChargeMemory(ApproximateBytes(input, r)));
      rows_.AppendRowFrom(input, r);
    }
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
    for (size_t r = 0; r < input.num_rows; r++) {
      RETURN_IF_ERROR(ctx->ChargeMemory(ApproximateBytes(input, r)));
      rows_.AppendRowFrom(input, r);
    }
  }
  // Distinct targets, in first-seen order.
  std::vector<Value> nodes, rels;
  std::set<std::pair<TableId, uint64_t>> seen_nodes, seen_rels;
  for (size_t r = 0; r < rows_.num_rows; r++) {
    if ((r & 1023) == 1023) RETURN_IF_ERROR(ctx->CheckInterrupted());
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
      RETURN_IF_ERROR(ctx->CheckInterrupted());
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

namespace {

using WantedValues = std::vector<std::pair<uint32_t, Value>>;

// The values a MERGE pattern asks for, converted to the property types;
// `what` ("node", "relationship") names the entity in errors.
Result<WantedValues> EvaluateWanted(const std::vector<std::pair<uint32_t, BoundExpressionPtr>>& props,
                                    const TableSchema& schema, const DataChunk& one, ExecContext* ctx,
                                    const char* what) {
  WantedValues want;
  for (const auto& [idx, expr] : props) {
    const PropertyDef& def = schema.properties[idx];
    ASSIGN_OR_RETURN(Value v, Evaluate(*expr, one, 0, ctx));
    if (v.is_null()) {
      return InvalidArgument(std::string("MERGE cannot match or create a ") + what + " with a NULL property (" +
                             schema.name + "." + def.name + ")");
    }
    Result<Value> cast = v.CastTo(def.type);
    if (!cast.ok()) {
      return InvalidArgument("Type mismatch: property " + schema.name + "." + def.name + " is " +
                             LogicalTypeName(def.type) + ", got " + LogicalTypeName(v.type()) + " value " +
                             v.ToString());
    }
    want.emplace_back(idx, std::move(*cast));
  }
  return want;
}

// Whether stored property `values` hold every wanted value (NULL matches nothing).
bool HasWanted(const std::vector<Value>& values, const WantedValues& want) {
  for (const auto& [idx, v] : want) {
    if (idx >= values.size() || values[idx].is_null() || !ValuesEqual(values[idx], v)) return false;
  }
  return true;
}

// The properties MERGE creates: the wanted values, defaults for the rest.
std::vector<Value> ValuesToCreate(const TableSchema& schema, const WantedValues& want) {
  std::vector<Value> values;
  for (const PropertyDef& def : schema.properties) {
    values.push_back(def.default_value.is_null() ? Value::Null(def.type) : def.default_value);
  }
  for (const auto& [idx, v] : want) values[idx] = v;
  return values;
}

// One output row per matched or created entity, with `items` (ON MATCH or
// ON CREATE SET) applied to it.
Status EmitMerged(const Row& in, int slot, std::vector<Value> entities, const std::vector<SetItemSpec>& items,
                  ExecContext* ctx, bool* wrote, DataChunk* out) {
  for (Value& entity : entities) {
    Row row = in;
    if (row.size() <= static_cast<size_t>(slot)) row.resize(slot + 1);
    row[slot] = std::move(entity);
    DataChunk bound;
    bound.AppendRow(row);
    RETURN_IF_ERROR(ApplySetItems(items, bound, 0, ctx, wrote));
    out->AppendRow(row);
  }
  return Status::OK();
}

}  // namespace

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
  ASSIGN_OR_RETURN(std::vector<Row> inputs, PullAllRows(child(), ctx));
  const TableSchema* schema = ctx->catalog().GetTable(table_);
  if (schema == nullptr) return InternalError("unknown table id " + std::to_string(table_));
  for (const Row& in : inputs) {
    RETURN_IF_ERROR(ctx->CheckInterrupted());
    DataChunk one;
    one.AppendRow(in);
    ASSIGN_OR_RETURN(WantedValues want, EvaluateWanted(props_, *schema, one, ctx, "node"));
    std::optional<Value> key;
    for (const auto& [idx, v] : want) {
      if (idx == schema->primary_key) key = v;
    }
    std::vector<uint64_t> found;
    if (key) {
      ASSIGN_OR_RETURN(std::optional<uint64_t> offset, ctx->txn()->LookupNode(schema->name, *key));
      if (offset) {
        ASSIGN_OR_RETURN(auto values, ctx->NodeProperties(table_, *offset));
        if (!HasWanted(*values, want)) {
          return AlreadyExists("duplicate primary key " + key->ToString() + " in table " + schema->name);
        }
        found.push_back(*offset);
      }
    } else {
      Status interrupted;
      uint64_t visited = 0;
      RETURN_IF_ERROR(ctx->txn()->ScanNodes(schema->name, [&](uint64_t offset, const std::vector<Value>& values) {
        if ((++visited & 1023) == 0) {
          interrupted = ctx->CheckInterrupted();
          if (!interrupted.ok()) return false;
        }
        if (HasWanted(values, want)) found.push_back(offset);
        return true;
      }));
      RETURN_IF_ERROR(interrupted);
    }
    const std::vector<SetItemSpec>* items = &on_match_;
    if (found.empty()) {
      if (!key && !schema->properties[schema->primary_key].serial) {
        return InvalidArgument("MERGE found no " + schema->name + " node and cannot create one without its primary key " +
                               schema->properties[schema->primary_key].name);
      }
      *wrote_ = true;
      ASSIGN_OR_RETURN(uint64_t offset, ctx->txn()->InsertNode(schema->name, ValuesToCreate(*schema, want)));
      ctx->ForgetNode(table_, offset);
      found.push_back(offset);
      items = &on_create_;
    }
    std::vector<Value> nodes;
    for (uint64_t offset : found) nodes.push_back(Value::InternalId(table_, offset));
    RETURN_IF_ERROR(EmitMerged(in, slot_, std::move(nodes), *items, ctx, wrote_, &rows_));
  }
  return Status::OK();
}

MergeRel::MergeRel(OperatorPtr input, int slot, TableId table, int left_slot, int right_slot,
                   RelDirection direction, std::vector<std::pair<uint32_t, BoundExpressionPtr>> props,
                   std::vector<SetItemSpec> on_create, std::vector<SetItemSpec> on_match, bool* wrote)
    : slot_(slot),
      table_(table),
      left_slot_(left_slot),
      right_slot_(right_slot),
      direction_(direction),
      props_(std::move(props)),
      on_create_(std::move(on_create)),
      on_match_(std::move(on_match)),
      wrote_(wrote) {
  children_.push_back(std::move(input));
}

std::string MergeRel::Describe() const {
  return "MergeRel on_create=" + std::to_string(on_create_.size()) + " on_match=" + std::to_string(on_match_.size());
}

Status MergeRel::Run(ExecContext* ctx) {
  ASSIGN_OR_RETURN(std::vector<Row> inputs, PullAllRows(child(), ctx));
  const Catalog& catalog = ctx->catalog();
  const TableSchema* schema = catalog.GetTable(table_);
  if (schema == nullptr) return InternalError("unknown table id " + std::to_string(table_));
  for (const Row& in : inputs) {
    RETURN_IF_ERROR(ctx->CheckInterrupted());
    DataChunk one;
    one.AppendRow(in);
    ASSIGN_OR_RETURN(WantedValues want, EvaluateWanted(props_, *schema, one, ctx, "relationship"));
    const Value left = static_cast<size_t>(left_slot_) < in.size() ? in[left_slot_] : Value();
    const Value right = static_cast<size_t>(right_slot_) < in.size() ? in[right_slot_] : Value();
    if (left.is_null() || right.is_null()) {
      return InvalidArgument("MERGE cannot match or create a " + schema->name + " relationship to a NULL node");
    }
    // The orientations (from, to) the pattern allows and the table fits.
    std::vector<std::pair<Value, Value>> orientations;
    auto fits = [&](const Value& from, const Value& to) {
      return from.id_table() == schema->from_table && to.id_table() == schema->to_table;
    };
    if (direction_ != RelDirection::kLeft && fits(left, right)) orientations.emplace_back(left, right);
    if (direction_ != RelDirection::kRight && fits(right, left) &&
        !(direction_ == RelDirection::kBoth && left == right)) {
      orientations.emplace_back(right, left);
    }
    if (orientations.empty()) {
      const Value& from = direction_ == RelDirection::kLeft ? right : left;
      const Value& to = direction_ == RelDirection::kLeft ? left : right;
      return InvalidArgument("relationship table " + schema->name + " connects " +
                             catalog.GetTable(schema->from_table)->name + " to " +
                             catalog.GetTable(schema->to_table)->name + "; the pattern goes from a " +
                             catalog.GetTable(from.id_table())->name + " to a " +
                             catalog.GetTable(to.id_table())->name);
    }
    auto rel_value = [&](const Value& from, const Value& to, uint64_t rel_id) {
      RelValue rel;
      rel.table = table_;
      rel.id = rel_id;
      rel.label = schema->name;
      rel.src_table = from.id_table();
      rel.src_offset = from.id_offset();
      rel.dst_table = to.id_table();
      rel.dst_offset = to.id_offset();
      return Value::Rel(std::move(rel));
    };
    std::vector<Value> found;
    for (const auto& [from, to] : orientations) {
      ASSIGN_OR_RETURN(std::vector<GraphEdge> edges, ctx->txn()->Neighbours(schema->name, from.id_offset(), true));
      for (const GraphEdge& edge : edges) {
        if (edge.neighbour != to.id_offset()) continue;
        ASSIGN_OR_RETURN(auto values, ctx->RelProperties(table_, edge.rel_id));
        if (HasWanted(*values, want)) found.push_back(rel_value(from, to, edge.rel_id));
      }
    }
    const std::vector<SetItemSpec>* items = &on_match_;
    if (found.empty()) {
      const auto& [from, to] = orientations[0];
      Value keys[2];
      for (int end = 0; end < 2; end++) {
        const Value& node = end == 0 ? from : to;
        ASSIGN_OR_RETURN(auto node_values, ctx->NodeProperties(node.id_table(), node.id_offset()));
        keys[end] = (*node_values)[catalog.GetTable(node.id_table())->primary_key];
      }
      *wrote_ = true;
      ASSIGN_OR_RETURN(uint64_t rel_id,
                       ctx->txn()->InsertRel(schema->name, keys[0], keys[1], ValuesToCreate(*schema, want)));
      found.push_back(rel_value(from, to, rel_id));
      items = &on_create_;
    }
    RETURN_IF_ERROR(EmitMerged(in, slot_, std::move(found), *items, ctx, wrote_, &rows_));
  }
  return Status::OK();
}

MergePattern::MergePattern(OperatorPtr input, OperatorPtr match, Argument* match_argument, OperatorPtr create,
                           Argument* create_argument,
                           std::vector<std::pair<BoundExpressionPtr, std::string>> null_checks,
                           std::vector<SetItemSpec> on_create, std::vector<SetItemSpec> on_match, bool* wrote)
    : match_argument_(match_argument),
      create_argument_(create_argument),
      null_checks_(std::move(null_checks)),
      on_create_(std::move(on_create)),
      on_match_(std::move(on_match)),
      wrote_(wrote) {
  children_.push_back(std::move(input));
  children_.push_back(std::move(match));
  children_.push_back(std::move(create));
}

std::string MergePattern::Describe() const {
  return "MergePattern on_create=" + std::to_string(on_create_.size()) +
         " on_match=" + std::to_string(on_match_.size());
}

Status MergePattern::Run(ExecContext* ctx) {
  ASSIGN_OR_RETURN(std::vector<Row> inputs, PullAllRows(child(0), ctx));
  for (const Row& in : inputs) {
    RETURN_IF_ERROR(ctx->CheckInterrupted());
    child(1)->Reset();
    match_argument_->Set(in);
    ASSIGN_OR_RETURN(std::vector<Row> found, PullAllRows(child(1), ctx));
    const std::vector<SetItemSpec>* items = &on_match_;
    if (found.empty()) {
      DataChunk one;
      one.AppendRow(in);
      for (const auto& [value, message] : null_checks_) {
        ASSIGN_OR_RETURN(Value v, Evaluate(*value, one, 0, ctx));
        if (v.is_null()) return InvalidArgument(message);
      }
      child(2)->Reset();
      create_argument_->Set(in);
      ASSIGN_OR_RETURN(found, PullAllRows(child(2), ctx));
      items = &on_create_;
    }
    for (const Row& row : found) {
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
