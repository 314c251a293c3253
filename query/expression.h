// Bound expressions (the binder's output) and their evaluation.
//
// A bound expression refers to columns of the row it is evaluated on by slot
// number; properties of nodes and relationships are read through the
// ExecContext (which caches what it fetched from the transaction). Every
// evaluation error (division by zero, overflow, bad cast) is a Status.
#ifndef RUZU_QUERY_EXPRESSION_H_
#define RUZU_QUERY_EXPRESSION_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/status.h"
#include "common/types.h"
#include "query/ast.h"
#include "query/graph.h"

namespace ruzu {
namespace query {

// Everything an executing statement needs besides its input rows.
class ExecContext {
 public:
  ExecContext(GraphStore* txn, const Catalog* catalog, const std::map<std::string, Value>* params,
              const std::atomic<bool>* interrupted)
      : txn_(txn), catalog_(catalog), params_(params), interrupted_(interrupted) {}

  GraphStore* txn() const { return txn_; }

  // The statement's memory budget: operators that keep rows charge their
  // approximate size (never released before the statement ends, so the
  // count is an upper bound); beyond the limit it fails with kOutOfMemory.
  void set_memory_limit(uint64_t bytes) { memory_limit_ = bytes; }
  Status ChargeMemory(uint64_t bytes) {
    memory_used_ += bytes;
    return memory_limit_ != 0 && memory_used_ > memory_limit_ ? MemoryLimitError() : Status::OK();
  }
  // Returns what an operator charged for rows it has let go of.
  void ReleaseMemory(uint64_t bytes) { memory_used_ -= std::min(bytes, memory_used_); }
  uint64_t memory_used() const { return memory_used_; }
  const Catalog& catalog() const { return *catalog_; }
  const std::map<std::string, Value>* params() const { return params_; }
  Status CheckInterrupted() const;

  // The property values of a node / relationship (cached; the cache is
  // direct-mapped, so a miss just reads again).
  Result<std::shared_ptr<const std::vector<Value>>> NodeProperties(TableId table, uint64_t offset);
  Result<std::shared_ptr<const std::vector<Value>>> RelProperties(TableId table, uint64_t rel_id);
  // The same, as a pointer that stays valid until the next call on this
  // context (for reading one property without sharing the vector).
  Result<const std::vector<Value>*> NodeValues(TableId table, uint64_t offset);
  // Property `property` of a node: from the cache or the scan when they
  // have the node, else read alone (a lookup reading one or two properties
  // of each neighbour should not read all of them).
  Result<Value> NodeProperty(TableId table, uint64_t offset, uint32_t property);
  Result<const std::vector<Value>*> RelValues(TableId table, uint64_t rel_id);
  // Puts a node's values into the cache (scans have them at hand).
  void CacheNode(TableId table, uint64_t offset, std::shared_ptr<const std::vector<Value>> values);
  // Lets reads of one node see `values` (owned by the caller) without
  // caching them, until ClearScanNode: a scan evaluating its filter.
  void SetScanNode(TableId table, uint64_t offset, const std::vector<Value>* values) {
    scan_table_ = table;
    scan_offset_ = offset;
    scan_values_ = values;
  }
  void ClearScanNode() { scan_values_ = nullptr; }
  // Forgets everything cached (after writes).
  void ClearCache();
  // Forgets one node's / relationship's cached values (after writing it).
  void ForgetNode(TableId table, uint64_t offset);
  void ForgetRel(TableId table, uint64_t rel_id);

  // A whole node / relationship value with all properties.
  Result<Value> MakeNode(const Value& id);
  Result<Value> MakeRel(const Value& rel);
  // A path with whole nodes and relationships.
  Result<Value> MakePath(const Value& path);

 private:
  // A direct-mapped cache of property values by (table, key). It starts
  // empty and small, so a statement that reads a few nodes does not pay for
  // a big table, and grows once many keys have passed through it.
  class PropertyCache {
   public:
    // The cached values, or null.
    const std::shared_ptr<const std::vector<Value>>* Find(TableId table, uint64_t key) const;
    void Put(TableId table, uint64_t key, std::shared_ptr<const std::vector<Value>> values);
    void Forget(TableId table, uint64_t key);
    void Clear();

   private:
    struct Entry {
      TableId table = 0;
      uint64_t key = 0;
      std::shared_ptr<const std::vector<Value>> values;  // null: empty
    };
    static constexpr int kInitialBits = 6;
    static constexpr int kMaxBits = 13;
    size_t Slot(TableId table, uint64_t key) const {
      return (key * 0x9E3779B97F4A7C15ull + table * 0x632BE59BD9B4E019ull) >> (64 - bits_);
    }

    std::vector<Entry> entries_;  // 1 << bits_ of them once used
    int bits_ = kInitialBits;
    uint64_t puts_ = 0;
  };

  Status MemoryLimitError() const;

  uint64_t memory_limit_ = 0;
  uint64_t memory_used_ = 0;
  GraphStore* txn_;
  const Catalog* catalog_;
  const std::map<std::string, Value>* params_;
  const std::atomic<bool>* interrupted_;
  PropertyCache node_cache_;
  PropertyCache rel_cache_;
  const std::vector<Value>* scan_values_ = nullptr;  // see SetScanNode
  TableId scan_table_ = 0;
  uint64_t scan_offset_ = 0;
};

enum class BoundKind {
  kConstant,
  kParameter,   // name
  kSlot,        // the row's column `slot`
  kProperty,    // property `name` of the node/relationship in children[0]
  kNodeValue,   // the whole node whose id is children[0]
  kRelValue,    // the whole relationship in children[0]
  kPathValue,   // the whole path (RECURSIVE_REL) in children[0]
  kFunction,    // function `name` (lower-case) of children
  kAggregate,   // only inside the binder; replaced by a kSlot before execution
  kUnary,
  kBinary,
  kIsNull,  // negated for IS NOT NULL
  kList,
  kIndex,  // children[0][children[1]]
  kCase,   // layout as in Expression (has_case_operand/has_else)
  kRegexConstant,  // children[0] =~ precompiled pattern (internal)
};

struct BoundExpression {
  BoundKind kind = BoundKind::kConstant;
  LogicalType type = LogicalType::kAny;
  SourcePosition position;
  Value constant;
  std::string name;
  int slot = -1;
  UnaryOperator unary_op = UnaryOperator::kNot;
  BinaryOperator binary_op = BinaryOperator::kAnd;
  bool negated = false;
  bool distinct = false;  // aggregates
  bool star = false;      // count(*)
  bool has_case_operand = false;
  bool has_else = false;
  std::vector<std::unique_ptr<BoundExpression>> children;
  // kProperty: the property's index per table id (tables lacking it: absent).
  std::map<TableId, uint32_t> property_index;
  bool property_of_rel = false;

  std::unique_ptr<BoundExpression> Clone() const;
  // A short text for EXPLAIN.
  std::string ToString() const;
};

using BoundExpressionPtr = std::unique_ptr<BoundExpression>;

// One materialized row: a value per slot.
using Row = std::vector<Value>;

// A batch of up to kChunkCapacity rows as column vectors (one per slot;
// slots a row does not bind yet are absent or NULL).
constexpr size_t kChunkCapacity = 2048;
struct DataChunk {
  std::vector<std::vector<Value>> columns;
  size_t num_rows = 0;

  void Clear() {
    columns.clear();
    num_rows = 0;
  }
  // Makes sure `width` columns exist (new ones NULL for existing rows).
  void EnsureWidth(size_t width) {
    if (columns.size() < width) columns.resize(width, std::vector<Value>(num_rows));
  }
  // Appends row `r` of `from` (its first `from.columns.size()` slots).
  void AppendRowFrom(const DataChunk& from, size_t r);
  // Appends `count` copies of row `r` of `from` (another chunk); with
  // `slots`, only those columns (the others NULL).
  void AppendCopiesFrom(const DataChunk& from, size_t r, size_t count, const std::vector<int>* slots = nullptr);
  // Keeps the rows whose `keep` is true, in order.
  void KeepRows(const std::vector<bool>& keep);
  // Appends a materialized row.
  void AppendRow(const Row& row);
  // Sets slot `slot` of the last row.
  void SetLast(size_t slot, Value v);
  Row GetRow(size_t r) const;
};

// Approximate heap bytes of a value / row (for ExecContext::ChargeMemory).
uint64_t ApproximateBytes(const Value& v);
uint64_t ApproximateBytes(const std::vector<Value>& row);
// The same for row `r` of `chunk`, without copying it out.
uint64_t ApproximateBytes(const DataChunk& chunk, size_t r);

// The slots `e` reads.
void CollectSlots(const BoundExpression& e, std::set<int>* out);

// Evaluates `e` on row `row` of `chunk`.
Result<Value> Evaluate(const BoundExpression& e, const DataChunk& chunk, size_t row, ExecContext* ctx);
// Evaluates a predicate: true only for a non-NULL TRUE.
Result<bool> EvaluatePredicate(const BoundExpression& e, const DataChunk& chunk, size_t row,
                               ExecContext* ctx);

// Total order used by ORDER BY, DISTINCT and grouping: numbers compare by
// value across integer/double types; NULL sorts after everything.
int CompareValues(const Value& a, const Value& b);
// Equality consistent with CompareValues == 0, and a matching hash.
bool ValuesEqual(const Value& a, const Value& b);
size_t HashValue(const Value& v);
struct RowHash {
  size_t operator()(const Row& r) const;
};
struct RowEqual {
  bool operator()(const Row& a, const Row& b) const;
};

bool IsIntegerType(LogicalType t);
bool IsNumericType(LogicalType t);

// Result type and validity of a built-in scalar function; unknown names and
// wrong argument counts/types are errors (message without position).
Result<LogicalType> ScalarFunctionType(const std::string& lower_name,
                                       const std::vector<LogicalType>& args);
bool IsAggregateFunction(const std::string& lower_name);

}  // namespace query
}  // namespace ruzu

#endif  // RUZU_QUERY_EXPRESSION_H_
