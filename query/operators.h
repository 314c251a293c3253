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
#include <functional>
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
  std::string Describe() const override;
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

// How a variable-length relationship matches.
enum class PathMode {
  kWalk,         // every walk of min..max hops
  kShortest,     // one shortest path to each reachable end
  kAllShortest,  // every shortest path to each reachable end
};

// What VarLengthExtend needs besides its input.
struct VarLengthSpec {
  int from_slot = -1;
  int to_slot = -1;
  bool to_bound = false;  // keep only paths ending at the node in `to_slot`
  // The RECURSIVE_REL of each path (its intermediate nodes and its
  // relationships), or -1 when nothing reads it; in pattern order, which is
  // against the walk when `reverse_path`.
  int path_slot = -1;
  bool reverse_path = false;
  // A hop may follow any step whose from_table is the current node's table.
  std::vector<ExtendStep> steps;
  std::vector<TableId> to_tables;  // allowed tables of the path's end
  int64_t min_hops = 1;
  int64_t max_hops = 1;
  PathMode mode = PathMode::kWalk;
  // `edge_filter` reads the candidate edge in `edge_slot`; `node_filter`
  // reads an intermediate node in `node_slot` (a node failing it may end a
  // path but not lead further). Both may also read the input row.
  int edge_slot = -1;
  int node_slot = -1;
  BoundExpressionPtr edge_filter;
  BoundExpressionPtr node_filter;
};

// Variable-length extend (`-[:R*min..max]->`, `* SHORTEST`, `* ALL SHORTEST`):
// for each input row, the paths from the node in `from_slot`, one output row
// per path, binding `to_slot` (and `path_slot`). Walks are enumerated depth
// first and shortest paths breadth first; both resume where they stopped
// when the output chunk is full, so no input row's paths are held at once
// (shortest paths hold one start node's search).
class VarLengthExtend : public Operator {
 public:
  VarLengthExtend(OperatorPtr input, std::string description, VarLengthSpec spec);
  std::string Describe() const override { return description_; }
  void Reset() override;

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  struct Hop {
    const ExtendStep* step;
    GraphEdge edge;
  };
  // A node on the current walk and the hops leaving it still to follow.
  struct Frame {
    Value node;
    std::vector<Hop> hops;
    size_t next = 0;
  };
  // A node a breadth-first search reached, with the hops that reach it on
  // shortest paths (only the first for kShortest).
  struct Reached {
    Value node;
    int64_t level = 0;
    std::vector<std::pair<size_t, Hop>> parents;  // (index in reached, hop)
    uint64_t paths = 0;                           // number of shortest paths
  };
  struct IdHash {
    size_t operator()(const std::pair<uint32_t, uint64_t>& id) const {
      return std::hash<uint64_t>()(id.second * 0x9E3779B97F4A7C15ull + id.first);
    }
  };
  // One direction of a breadth-first search, level by level.
  struct Search {
    std::vector<Reached> reached;
    std::unordered_map<std::pair<uint32_t, uint64_t>, size_t, IdHash> index;
    std::vector<size_t> frontier;
    int64_t depth = 0;
    void Start(const Value& node);
    // Index in `reached`, or -1.
    int64_t Find(const Value& node) const;
  };
  // Hops from the root of a search to one of its nodes: (node the hop
  // leaves, hop), root first.
  using Chain = std::vector<std::pair<size_t, const Hop*>>;
  // Rows ready to emit for the current input row (shortest paths).
  struct Found {
    Value node;
    Value path;           // null unless path_slot >= 0
    uint64_t copies = 1;  // rows to emit (paths counted, not listed)
  };

  // Starts on input row `input_row_`; false when it has no start node.
  Result<bool> StartRow(ExecContext* ctx);
  // Charges memory held for the current row's search and paths; LetGo
  // returns it all.
  Status Hold(ExecContext* ctx, uint64_t bytes);
  void LetGo();
  Status LoadHops(const Value& node, const std::vector<ExtendStep>& steps, std::vector<Hop>* hops,
                  ExecContext* ctx);
  Result<bool> MayPassThrough(const Value& node, ExecContext* ctx);
  bool IsEnd(const Value& node) const;
  Value HopRel(const Hop& hop, uint64_t from_offset, ExecContext* ctx) const;
  Value MakePath(std::vector<Value> nodes, std::vector<Value> rels) const;
  void Emit(const Value& end, Value path, DataChunk* out) const;
  // Continues the depth-first walk until `out` is full or the row is done.
  Status ContinueWalk(DataChunk* out, ExecContext* ctx);
  // Expands the next level of `search` along `steps`; `added` gets the
  // nodes reached for the first time.
  Status ExpandLevel(Search* search, const std::vector<ExtendStep>& steps, std::vector<size_t>* added,
                     ExecContext* ctx);
  // The shortest paths of the current row into found_: from the start to
  // every end (one search), or, when the end is bound, between the two (a
  // search from each side until they meet).
  Status SearchShortest(ExecContext* ctx);
  Status SearchShortestPair(const Value& end, ExecContext* ctx);
  Status ListChains(const Search& search, size_t at, std::vector<Chain>* out, ExecContext* ctx);
  // The RECURSIVE_REL of `prefix` (a chain of the search from the start)
  // followed, when given, by `suffix` reversed (a chain of the search from
  // the end that meets the prefix's last node).
  Value ChainPath(const Search& from_start, const Chain& prefix, const Search* from_end, const Chain* suffix,
                  ExecContext* ctx) const;

  std::string description_;
  VarLengthSpec spec_;
  DataChunk input_;
  size_t input_row_ = 0;
  bool input_done_ = false;
  bool row_active_ = false;
  DataChunk probe_;  // the current input row, plus the filters' slots
  uint64_t work_ = 0;  // hops followed, for interrupt checks
  std::vector<ExtendStep> reverse_steps_;  // the steps walked from the other end
  std::vector<Frame> stack_;
  std::vector<Found> found_;
  size_t found_pos_ = 0;
  uint64_t copies_done_ = 0;
  uint64_t held_bytes_ = 0;
  ExecContext* held_ctx_ = nullptr;
};

// Binds `slot` to the RECURSIVE_REL of a named path: `parts` are the
// pattern's node slots and relationship slots in order (a slot holding a
// RECURSIVE_REL contributes its nodes and relationships).
class BuildPath : public Operator {
 public:
  struct Part {
    int slot = -1;
    bool is_node = false;
  };
  BuildPath(OperatorPtr input, std::string variable, int slot, std::vector<Part> parts);
  std::string Describe() const override { return "BuildPath " + variable_; }

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  std::string variable_;
  int slot_;
  std::vector<Part> parts_;
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
  Status Update(State* s, const AggregateSpec& spec, const Value& v, ExecContext* ctx);
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

// An equality join of the input rows with a node scan: runs `build` (a
// NodeScan binding `slot`) once into a hash table keyed by `build_key`,
// then emits each input row once per scanned node whose key equals the
// row's `probe_key`, with `slot` bound to it. NULL keys match nothing;
// numbers compare by value (as `=` does). Replaces a scan per input row.
class HashJoin : public Operator {
 public:
  HashJoin(OperatorPtr probe, OperatorPtr build, int slot, BoundExpressionPtr build_key,
           BoundExpressionPtr probe_key);
  std::string Describe() const override;
  void Reset() override;

 protected:
  Result<bool> DoNext(DataChunk* out, ExecContext* ctx) override;

 private:
  struct KeyHash {
    size_t operator()(const Value& v) const { return HashValue(v); }
  };
  struct KeyEqual {
    bool operator()(const Value& a, const Value& b) const { return ValuesEqual(a, b); }
  };
  Status Build(ExecContext* ctx);

  int slot_;
  BoundExpressionPtr build_key_, probe_key_;
  bool built_ = false;
  std::unordered_map<Value, std::vector<Value>, KeyHash, KeyEqual> table_;
  uint64_t charged_ = 0;  // memory charged for table_, returned by Reset
  ExecContext* charged_ctx_ = nullptr;
  DataChunk input_;
  size_t input_row_ = 0;
  const std::vector<Value>* matches_ = nullptr;  // of the current input row
  size_t match_pos_ = 0;
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
  // Starts over (MergePattern runs its create plan once per row).
  void Reset() override;

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
  // 0: an item of its own. Consecutive items with the same non-zero group
  // come from one map (SET n = {...} / n += {...}): all their values are
  // evaluated before any of them is written.
  int group = 0;
};

// Applies `items` in order to row `r` of `chunk` (each item, or group of
// items from one map, sees the writes of the previous ones). Sets *wrote
// before the first write.
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

// MERGE of a pattern with relationships whose nodes are new or bound
// earlier (any mix, chains included). Per input row, in order (so later
// rows see what earlier ones created): runs `match` (a MATCH of the
// pattern whose leaf is `match_argument`) on the row; every row it yields
// binds all the pattern's variables and gets `on_match`. When it yields
// none, each of `null_checks` (a pattern property value and the error when
// it is NULL) is evaluated, then `create` (a Create whose leaf is
// `create_argument`) creates every node and relationship of the pattern not
// bound before; its row gets `on_create`. Consumes all input first.
class MergePattern : public WriteOperator {
 public:
  MergePattern(OperatorPtr input, OperatorPtr match, Argument* match_argument, OperatorPtr create,
               Argument* create_argument, std::vector<std::pair<BoundExpressionPtr, std::string>> null_checks,
               std::vector<SetItemSpec> on_create, std::vector<SetItemSpec> on_match, bool* wrote);
  std::string Describe() const override;

 protected:
  Status Run(ExecContext* ctx) override;

 private:
  Argument* match_argument_;
  Argument* create_argument_;
  std::vector<std::pair<BoundExpressionPtr, std::string>> null_checks_;
  std::vector<SetItemSpec> on_create_, on_match_;
  bool* wrote_;
};

}  // namespace query
}  // namespace ruzu

#endif  // RUZU_QUERY_OPERATORS_H_
