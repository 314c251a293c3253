// Physical operators of the executor.
//
// Operators form a tree and are pulled: Next() fills a DataChunk (column
// vectors of up to kChunkCapacity rows) and returns false when exhausted.
// Every row of a query part has the same slot layout (decided by the
// planner); an operator that binds a variable writes its slot and copies the
// others. Operators count the rows they produce and the time spent (for
// PROFILE).
#ifndef RUZU_QUERY_OPERATORS_H_
#define RUZU_QUERY_OPERATORS_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "catalog/catalog.h"
#include "common/status.h"
#include "common/types.h"
#include "query/expression.h"

namespace ruzu {
namespace query {

class Operator {
 public:
  virtual ~Operator() = default;

  // Clears `out` and fills it with the next batch; false when done (then
  // `out` is empty).
  Result<bool> Next(DataChunk* out, ExecContext* ctx);
  // Starts over (for operators re-run per input row by Optional).
  virtual void Reset();

  // One line for EXPLAIN ("Filter (p.age > 30)").
  virtual std::string Describe() const = 0;
  // What PROFILE adds after rows and time (", scanned=N"), if anything.
  virtual std::string ProfileDetails() const { return ""; }
  const std::vector<std::unique_ptr<Operator>>& children() const { return children_; }

  uint64_t rows_out() const { return rows_out_; }
  double elapsed_ms() const { return elapsed_ns_ / 1e6; }

  // Detaches `target` from the subtree below this operator and returns it
  // (null when it is not there), for the planner's rewrites.
  std::unique_ptr<Operator> ReleaseDescendant(const Operator* target);

  // Column pruning (see PruneColumns): given the slots that the operators
  // above read from this one's rows (nullopt: all of them), the slots it
  // needs from its input rows; nullopt (the default) means all. An operator
  // may stop filling slots nobody reads.
  virtual std::optional<std::set<int>> NeedFromInput(const std::optional<std::set<int>>& needed_above) {
    return std::nullopt;
  }

 protected:
  virtual Result<bool> DoNext(DataChunk* out, ExecContext* ctx) = 0;
  Operator* child(size_t i = 0) const { return children_[i].get(); }

  std::vector<std::unique_ptr<Operator>> children_;

 private:
  uint64_t rows_out_ = 0;
  int64_t elapsed_ns_ = 0;
};

using OperatorPtr = std::unique_ptr<Operator>;

// EXPLAIN text: one operator per line, children indented; with `profile`,
// rows and time per operator.
std::string PlanToString(const Operator& root, bool profile);

// Tells every operator of the plan which slots are read above it, so that
// Extend copies only those of its input rows.
void PruneColumns(Operator* root);

// Emits one empty row.
class SingleRow : public Operator {
 public:
  std::string Describe() const override { return "SingleRow"; }
  void Reset() override { done_ = false; }

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  bool done_ = false;
};

// Emits the one row it was given (the input row of an Optional's inner plan).
class Argument : public Operator {
 public:
  std::string Describe() const override { return "Argument"; }
  void Reset() override { done_ = false; }
  void Set(Row row) { row_ = std::move(row); done_ = false; }

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  Row row_;
  bool done_ = true;
};

// Fixed rows (CALL table functions).
class ValuesScan : public Operator {
 public:
  ValuesScan(std::string description, std::vector<Row> rows)
      : description_(std::move(description)), rows_(std::move(rows)) {}
  std::string Describe() const override { return description_; }
  void Reset() override { next_ = 0; }

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  std::string description_;
  std::vector<Row> rows_;
  size_t next_ = 0;
};

// For each input row, every node of `tables` passing `filter` (which reads
// only this node) bound to `slot`. Nodes are read kChunkCapacity offsets at a
// time and emitted before the next read, so a LIMIT above stops the scan
// early and memory does not grow with the table. When a whole pass finds at
// most kMaxCachedNodes nodes they are kept and replayed for later input rows
// (and after Reset: nothing writes while a statement's scans run, as every
// write operator consumes all its input before writing).
class NodeScan : public Operator {
 public:
  static constexpr size_t kMaxCachedNodes = 4 * kChunkCapacity;

  NodeScan(OperatorPtr input, int slot, std::string variable, std::vector<TableId> tables,
           BoundExpressionPtr filter);
  std::string Describe() const override;
  // The node offsets read, over all passes.
  std::string ProfileDetails() const override { return ", scanned=" + std::to_string(scanned_); }
  void Reset() override;

  std::optional<std::set<int>> NeedFromInput(const std::optional<std::set<int>>& needed_above) override;

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  struct ScannedNode {
    TableId table = 0;
    uint64_t offset = 0;
    std::shared_ptr<const std::vector<Value>> values;
  };
  // Starts the scan for the current input row.
  void StartPass();
  // Reads the next batch of the pass into nodes_. REQUIRES: all of nodes_
  // emitted.
  Status ReadBatch(ExecContext* ctx);

  int slot_;
  std::string variable_;
  std::vector<TableId> tables_;
  BoundExpressionPtr filter_;
  DataChunk input_;
  size_t input_row_ = 0;
  bool input_done_ = false;
  bool in_pass_ = false;  // scanning for input row input_row_
  // Where the pass reads next: tables_[table_index_] at range_.
  size_t table_index_ = 0;
  NodeRange range_;
  // Nodes read, emitted up to node_pos_. While caching_, every node of the
  // pass so far; complete_: all of them, replayed by later passes.
  std::vector<ScannedNode> nodes_;
  size_t node_pos_ = 0;
  bool caching_ = true;
  bool complete_ = false;
  uint64_t scanned_ = 0;
};

// For each input row, the node of `table` whose primary key equals `key`.
class IndexLookup : public Operator {
 public:
  IndexLookup(OperatorPtr input, int slot, std::string variable, TableId table, BoundExpressionPtr key,
              BoundExpressionPtr filter);
  std::string Describe() const override;

  std::optional<std::set<int>> NeedFromInput(const std::optional<std::set<int>>& needed_above) override;

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  int slot_;
  std::string variable_;
  TableId table_;
  BoundExpressionPtr key_;
  BoundExpressionPtr filter_;
};

// One aggregate: function name (count/sum/avg/min/max/collect), argument
// (null for count(*)), DISTINCT.
struct AggregateSpec {
  std::string function;
  BoundExpressionPtr argument;
  bool distinct = false;
  LogicalType type = LogicalType::kAny;
};

// One way to follow a relationship table from a bound node.
struct ExtendStep {
  TableId rel_table = 0;
  bool forward = true;      // storage direction: from FROM to TO
  TableId from_table = 0;   // table of the bound node
  TableId to_table = 0;     // table of the other end
};

// For each input row, the relationships of the node in `from_slot` (along
// `steps`) whose far end is in an allowed table: binds `rel_slot` (unless it
// is -1: an anonymous relationship nothing reads) and `to_slot`, or, when
// `to_bound`, keeps only edges reaching the node already in `to_slot`.
// `rel_filter` / `node_filter` read the new bindings.
class Extend : public Operator {
 public:
  Extend(OperatorPtr input, std::string description, int from_slot, int rel_slot, int to_slot,
         bool to_bound, std::vector<ExtendStep> steps, BoundExpressionPtr rel_filter,
         BoundExpressionPtr node_filter);
  std::string Describe() const override { return description_; }
  void Reset() override;

  std::optional<std::set<int>> NeedFromInput(const std::optional<std::set<int>>& needed_above) override;

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  struct PendingEdge {
    const ExtendStep* step;
    GraphEdge edge;
  };
  // Drops the rows from `first` on that fail the filters.
  Status FilterFrom(size_t first, DataChunk* out, ExecContext* ctx);

  std::string description_;
  int from_slot_, rel_slot_, to_slot_;
  bool to_bound_;
  std::vector<ExtendStep> steps_;
  BoundExpressionPtr rel_filter_, node_filter_;
  DataChunk input_;
  size_t input_row_ = 0;
  bool input_done_ = false;
  // The edges of the current input row (from the node at `from_offset_`)
  // still to emit; buffers reused from row to row.
  uint64_t from_offset_ = 0;
  std::vector<PendingEdge> pending_;
  size_t pending_pos_ = 0;
  bool have_current_ = false;
  std::vector<GraphEdge> edges_;
  std::vector<bool> keep_;
  // The input slots copied into output rows (nullopt: all); see NeedFromInput.
  std::optional<std::vector<int>> copied_;
};

// Aggregates over the rows of a MATCH without producing them (the planner's
// factorized count). The pattern is one or more chains of nodes joined by
// single-hop relationships; a chain is counted by carrying, hop by hop, the
// number of partial paths that end at each node, so a node reached by many
// paths is expanded once. Node and relationship filters read one variable
// each and are evaluated once per node (per edge for relationships).
//
// Every input row has the same matches. `chains` count as wholes: the number
// of rows is the number of input rows times the product of their counts.
// Aggregates with an argument read one pattern node, the focus (in
// `focus_slot`): every one of `focus_arms` ends there, and the rows through
// a focus node are the product of its counts in every arm times that number.
// count(*) needs no arms. Output: one row, one column per aggregate, equal to
// what HashAggregate computes from the rows (integer sums exactly; overflow
// is an error only when the total overflows).
class CountPaths : public Operator {
 public:
  struct PathNode {
    std::string name;
    int slot = 0;  // where `filter` reads the node
    std::vector<TableId> tables;
    BoundExpressionPtr filter;  // may be null
  };
  // From nodes[i] to nodes[i + 1].
  struct Hop {
    std::string text;  // "-[k]->" as seen from nodes[i], for EXPLAIN
    int rel_slot = 0;
    std::vector<ExtendStep> steps;
    BoundExpressionPtr rel_filter;  // may be null
  };
  // Counting starts at nodes[0]: every node of its tables that passes its
  // filter, or, with `key`, the node of its one table with that primary key.
  struct Chain {
    std::vector<PathNode> nodes;
    std::vector<Hop> hops;
    BoundExpressionPtr key;
  };

  // `aggregates` without an argument are count(*); the others are
  // count/sum/avg of integers/min/max of an expression of the focus node.
  CountPaths(OperatorPtr input, std::vector<Chain> chains, std::vector<Chain> focus_arms, int focus_slot,
             std::vector<AggregateSpec> aggregates);
  ~CountPaths() override;
  std::string Describe() const override;
  void Reset() override;

  std::optional<std::set<int>> NeedFromInput(const std::optional<std::set<int>>&) override {
    return std::set<int>();  // only the number of input rows
  }

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  class PathWeights;
  // The partial paths of `chain` that end at each node of its last pattern
  // node. With `total`, when the last node has no filter, only their number,
  // in *total (the last hop then just adds up edges).
  Status Propagate(const Chain& chain, ExecContext* ctx, PathWeights* layer, std::optional<uint64_t>* total);
  Result<uint64_t> CountChain(const Chain& chain, ExecContext* ctx);
  // The aggregates over the focus nodes, each of `multiplier` times its paths.
  Result<std::vector<Value>> AggregateFocus(uint64_t multiplier, ExecContext* ctx);

  std::vector<Chain> chains_;
  std::vector<Chain> focus_arms_;
  int focus_slot_;
  std::vector<AggregateSpec> aggregates_;
  bool done_ = false;
};

// Variable-length extend (`-[:R*min..max]->`): every walk of min..max hops
// from the node in `from_slot` along `steps` (a hop may follow any step whose
// from_table is the current node's table) whose edges all pass
// `edge_filter` (evaluated with the edge in `rel_slot`); binds `to_slot` to
// the walk's end (or, when `to_bound`, keeps walks ending at it), one row per
// walk. The end must be in `to_tables`. Walks are enumerated depth first on
// an explicit stack kept between calls, so the billions of walks a dense
// graph can have are emitted a chunk at a time.
class VarLengthExtend : public Operator {
 public:
  VarLengthExtend(OperatorPtr input, std::string description, int from_slot, int rel_slot, int to_slot,
                  bool to_bound, std::vector<ExtendStep> steps, std::vector<TableId> to_tables, int64_t min_hops,
                  int64_t max_hops, BoundExpressionPtr edge_filter);
  std::string Describe() const override { return description_; }
  void Reset() override;

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  // A node of the current walk, and the edges of steps_ being followed from it.
  struct Frame {
    Value node;
    int64_t depth = 0;
    size_t next_step = 0;  // the step whose edges are loaded next
    const ExtendStep* step = nullptr;  // whose edges `edges` holds
    std::vector<GraphEdge> edges;
    size_t edge_pos = 0;
  };
  // Extends the walk to `node` (emitting it when a walk may end there).
  void Enter(const Value& node, int64_t depth, DataChunk* out);

  std::string description_;
  int from_slot_, rel_slot_, to_slot_;
  bool to_bound_;
  std::vector<ExtendStep> steps_;
  std::vector<TableId> to_tables_;
  int64_t min_hops_, max_hops_;
  BoundExpressionPtr edge_filter_;
  DataChunk input_;
  size_t input_row_ = 0;  // the next input row to start from
  size_t current_row_ = 0;  // the input row the walk started from
  bool input_done_ = false;
  // The walk is frames_[0, live_); frames beyond keep their buffers.
  std::vector<Frame> frames_;
  size_t live_ = 0;
  uint64_t moves_ = 0;  // for periodic interrupt checks
};

class Filter : public Operator {
 public:
  Filter(OperatorPtr input, BoundExpressionPtr predicate);
  std::string Describe() const override { return "Filter " + predicate_->ToString(); }

  std::optional<std::set<int>> NeedFromInput(const std::optional<std::set<int>>& needed_above) override;

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  BoundExpressionPtr predicate_;
};

// Output columns = `expressions` evaluated on each input row.
class Projection : public Operator {
 public:
  Projection(OperatorPtr input, std::vector<BoundExpressionPtr> expressions);
  std::string Describe() const override;

  std::optional<std::set<int>> NeedFromInput(const std::optional<std::set<int>>& needed_above) override;

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  std::vector<BoundExpressionPtr> expressions_;
};

// Groups by `keys`; output columns = keys then aggregates.
class HashAggregate : public Operator {
 public:
  HashAggregate(OperatorPtr input, std::vector<BoundExpressionPtr> keys, std::vector<AggregateSpec> aggregates);
  std::string Describe() const override;
  void Reset() override;

  std::optional<std::set<int>> NeedFromInput(const std::optional<std::set<int>>& needed_above) override;

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  struct State {
    int64_t count = 0;
    Value value;  // sum/min/max accumulator
    double dsum = 0;
    bool has_value = false;
    std::vector<Value> items;  // collect
    std::unique_ptr<std::unordered_set<Row, RowHash, RowEqual>> seen;  // DISTINCT
  };
  Status Consume(ExecContext* ctx);
  Status Update(State* s, const AggregateSpec& spec, const Value& v);
  Value Finish(const State& s, const AggregateSpec& spec) const;

  std::vector<BoundExpressionPtr> keys_;
  std::vector<AggregateSpec> aggregates_;
  bool consumed_ = false;
  std::vector<Row> output_;
  size_t next_ = 0;
};

// Drops duplicate rows (all columns).
class Distinct : public Operator {
 public:
  explicit Distinct(OperatorPtr input);
  std::string Describe() const override { return "Distinct"; }
  void Reset() override;

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  std::unordered_set<Row, RowHash, RowEqual> seen_;
};

struct SortKey {
  int slot = 0;
  bool descending = false;
};

// Sorts by slots (NULLs last in either direction); keeps only the first
// `limit` rows when limit >= 0 (top-k).
class OrderBy : public Operator {
 public:
  OrderBy(OperatorPtr input, std::vector<SortKey> keys, std::string description, int64_t limit);
  std::string Describe() const override;
  void Reset() override;

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  std::vector<SortKey> keys_;
  std::string description_;
  int64_t limit_;
  bool sorted_ = false;
  std::vector<Row> rows_;
  size_t next_ = 0;
};

// SKIP `skip` then at most `limit` rows (-1: no limit).
class SkipLimit : public Operator {
 public:
  SkipLimit(OperatorPtr input, int64_t skip, int64_t limit);
  std::string Describe() const override;
  void Reset() override { seen_ = 0; }

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  int64_t skip_, limit_;
  int64_t seen_ = 0;
};

// Each item of the list `expression` in `slot`, one row per item.
class Unwind : public Operator {
 public:
  Unwind(OperatorPtr input, BoundExpressionPtr expression, int slot);
  std::string Describe() const override { return "Unwind " + expression_->ToString(); }

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  BoundExpressionPtr expression_;
  int slot_;
};

// OPTIONAL MATCH: for each input row, runs `inner` (whose leaf is
// `argument`) and emits its rows, or the input row with `new_slots` NULL.
// The inner rows stream: a LIMIT above stops the inner plan too.
class Optional : public Operator {
 public:
  Optional(OperatorPtr input, OperatorPtr inner, Argument* argument, std::vector<int> new_slots);
  std::string Describe() const override { return "Optional"; }
  void Reset() override;

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  Argument* argument_;
  std::vector<int> new_slots_;
  DataChunk input_;
  size_t input_row_ = 0;
  bool input_done_ = false;
  // The inner plan runs for input_row_ and is pulled a chunk per turn (its
  // rows for one input row may be many); `any_inner_`: it produced a row.
  bool inner_running_ = false;
  bool any_inner_ = false;
  DataChunk inner_;
};

// Rows of every child in turn (they have the same columns).
class UnionAll : public Operator {
 public:
  explicit UnionAll(std::vector<OperatorPtr> inputs);
  std::string Describe() const override { return "UnionAll"; }
  void Reset() override;

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  size_t current_ = 0;
};

// CREATE of nodes and relationships, once per input row. Consumes all input
// first and checks every new row (types, primary keys, endpoints) before
// writing anything, so a failing CREATE writes nothing.
struct NodeCreateSpec {
  int slot = 0;
  std::string variable;
  TableId table = 0;
  // Value expression per property (null: NULL).
  std::vector<BoundExpressionPtr> values;
};
struct RelCreateSpec {
  int slot = 0;
  TableId table = 0;
  int from_slot = 0, to_slot = 0;
  std::vector<BoundExpressionPtr> values;
};
class Create : public Operator {
 public:
  Create(OperatorPtr input, std::vector<NodeCreateSpec> nodes, std::vector<RelCreateSpec> rels,
         bool* wrote);
  std::string Describe() const override;

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  Status Run(ExecContext* ctx);

  std::vector<NodeCreateSpec> nodes_;
  std::vector<RelCreateSpec> rels_;
  bool* wrote_;
  bool done_ = false;
  std::vector<Row> output_;
  size_t next_ = 0;
};

// One SET item: property `property` of the node or relationship in `slot`
// becomes `value` (converted to the property's type; NULL allowed).
struct SetItemSpec {
  int slot = 0;
  std::string property;
  // The property's index per candidate table (tables lacking it: absent; a
  // row whose element is of such a table is left unchanged).
  std::map<TableId, uint32_t> index;
  BoundExpressionPtr value;
};

// Applies `items` in order to row `r` of `chunk` (each item sees the writes
// of the previous ones). Sets *wrote before the first write.
Status ApplySetItems(const std::vector<SetItemSpec>& items, const DataChunk& chunk, size_t r, ExecContext* ctx,
                     bool* wrote);

// Base of the updating operators: on the first Next() it runs Run(), which
// consumes the whole input, makes every write and leaves the rows to pass on
// in rows_; then it emits them. Reads after it therefore see all its writes.
class WriteOperator : public Operator {
 public:
  void Reset() override;

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) final;
  virtual Status Run(ExecContext* ctx) = 0;

  DataChunk rows_;

 private:
  bool done_ = false;
  size_t next_ = 0;
};

// SET: consumes all input, applies the items row by row, then emits the
// input rows (reads after it see the new values).
class SetProperties : public WriteOperator {
 public:
  SetProperties(OperatorPtr input, std::vector<SetItemSpec> items, bool* wrote);
  std::string Describe() const override;

 protected:
  Status Run(ExecContext* ctx) override;

 private:
  std::vector<SetItemSpec> items_;
  bool* wrote_;
};

// [DETACH] DELETE: consumes all input, deletes every distinct relationship
// then every distinct node that `expressions` evaluate to (NULL skipped),
// then emits the input rows.
class Delete : public WriteOperator {
 public:
  Delete(OperatorPtr input, std::vector<BoundExpressionPtr> expressions, bool detach, bool* wrote);
  std::string Describe() const override;

 protected:
  Status Run(ExecContext* ctx) override;

 private:
  std::vector<BoundExpressionPtr> expressions_;
  bool detach_;
  bool* wrote_;
};

// MERGE of one node pattern `(v:table {props})`: for each input row (in
// order, so later rows see nodes created for earlier ones), every node of
// `table` whose properties equal the evaluated `props` (found through the
// primary key when it is among them) is bound to `slot` and gets
// `on_match`; when none matches, a node with `props` (other properties
// NULL) is created, bound and gets `on_create`.
class Merge : public WriteOperator {
 public:
  Merge(OperatorPtr input, int slot, TableId table, std::vector<std::pair<uint32_t, BoundExpressionPtr>> props,
        std::vector<SetItemSpec> on_create, std::vector<SetItemSpec> on_match, bool* wrote);
  std::string Describe() const override;

 protected:
  Status Run(ExecContext* ctx) override;

 private:

  int slot_;
  TableId table_;
  std::vector<std::pair<uint32_t, BoundExpressionPtr>> props_;
  std::vector<SetItemSpec> on_create_, on_match_;
  bool* wrote_;
};

// MERGE (a)-[r:Type {props}]->(b) between nodes bound earlier: per input row,
// binds every `Type` edge from a to b (either way for an undirected pattern)
// whose given properties equal, else creates one (a to b when both
// orientations fit) with the other properties at their DEFAULT; then applies
// ON MATCH / ON CREATE items. Consumes all input first.
class MergeRel : public WriteOperator {
 public:
  MergeRel(OperatorPtr input, int slot, TableId table, int left_slot, int right_slot, RelDirection direction,
           std::vector<std::pair<uint32_t, BoundExpressionPtr>> props, std::vector<SetItemSpec> on_create,
           std::vector<SetItemSpec> on_match, bool* wrote);
  std::string Describe() const override;

 protected:
  Status Run(ExecContext* ctx) override;

 private:
  int slot_;
  TableId table_;
  // The pattern's nodes as written: (left)-[...]-(right).
  int left_slot_, right_slot_;
  RelDirection direction_;
  std::vector<std::pair<uint32_t, BoundExpressionPtr>> props_;
  std::vector<SetItemSpec> on_create_, on_match_;
  bool* wrote_;
};

}  // namespace query
}  // namespace ruzu

#endif  // RUZU_QUERY_OPERATORS_H_
