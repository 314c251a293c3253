// Logical types and values. Every type can hold NULL.
#ifndef RUZU_COMMON_TYPES_H_
#define RUZU_COMMON_TYPES_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace ruzu {

// Stored in the manifest and the WAL: never renumber.
enum class LogicalType : uint8_t {
  kInt64 = 1,
  kInt32 = 2,
  kInt16 = 3,
  kInt8 = 4,
  kDouble = 5,
  kFloat = 6,
  kBool = 7,
  kString = 8,
  kDate = 9,       // days since 1970-01-01, stored as int32
  kTimestamp = 10,  // microseconds since 1970-01-01 00:00:00 UTC, stored as int64
  // Query-time only, never stored in a column, the manifest or the WAL:
  kInternalId = 11,  // (table id, offset) of a node or relationship
  kNode = 12,
  kRel = 13,
  kList = 14,
  kAny = 15,  // the type of an untyped NULL literal or an empty list's elements
  // A path (KuzuDB's RECURSIVE_REL): a named path or the variable of a
  // variable-length relationship; its nodes and relationships in order.
  kRecursiveRel = 16,
};

// "INT64", "STRING", ...
const char* LogicalTypeName(LogicalType type);
// Parses a type name case-insensitively ("int64", "INT", "String", "DATE").
std::optional<LogicalType> ParseLogicalType(std::string_view name);
// Whether `raw` (a byte read from disk or the WAL) names a storable
// LogicalType (INT64 .. TIMESTAMP); query-time types are not storable.
bool IsValidLogicalType(uint8_t raw);
// Bytes per value in a column; 0 for variable-width (STRING).
uint32_t FixedWidth(LogicalType type);

class Value;

// A node as a query returns it.
struct NodeValue {
  uint32_t table = 0;
  uint64_t offset = 0;
  std::string label;
  std::vector<std::pair<std::string, Value>> properties;
};

// A relationship as a query returns it.
struct RelValue {
  uint32_t table = 0;
  uint64_t id = 0;
  uint32_t src_table = 0;
  uint64_t src_offset = 0;
  uint32_t dst_table = 0;
  uint64_t dst_offset = 0;
  std::string label;
  std::vector<std::pair<std::string, Value>> properties;
};

// A typed value or NULL. Integers, DATE and TIMESTAMP share the int64 slot,
// DOUBLE and FLOAT the double slot; lists, nodes and relationships live in
// a shared immutable composite (cheap to copy).
class Value {
 public:
  Value() = default;  // NULL of INT64
  static Value Null(LogicalType type);
  static Value Int64(int64_t v) { return Value(LogicalType::kInt64, v); }
  static Value Int32(int32_t v) { return Value(LogicalType::kInt32, v); }
  static Value Int16(int16_t v) { return Value(LogicalType::kInt16, v); }
  static Value Int8(int8_t v) { return Value(LogicalType::kInt8, v); }
  static Value Double(double v);
  static Value Float(float v);
  static Value Bool(bool v) { return Value(LogicalType::kBool, v ? 1 : 0); }
  static Value String(std::string v);
  static Value Date(int32_t days) { return Value(LogicalType::kDate, days); }
  static Value Timestamp(int64_t micros) { return Value(LogicalType::kTimestamp, micros); }
  static Value InternalId(uint32_t table, uint64_t offset);
  static Value List(std::vector<Value> items);
  static Value Node(NodeValue node);
  static Value Rel(RelValue rel);
  // `nodes` are NODE (or, inside the executor, INTERNAL_ID) values,
  // `rels` REL values, in path order.
  static Value RecursiveRel(std::vector<Value> nodes, std::vector<Value> rels);

  LogicalType type() const { return type_; }
  bool is_null() const { return is_null_; }

  // REQUIRES: !is_null() and the matching type family.
  int64_t int_value() const { return int_; }
  double double_value() const { return double_; }
  bool bool_value() const { return int_ != 0; }
  const std::string& string_value() const { return string_; }
  // INTERNAL_ID parts.
  uint32_t id_table() const { return table_; }
  uint64_t id_offset() const { return static_cast<uint64_t>(int_); }
  // REQUIRES: the matching type and !is_null().
  const std::vector<Value>& list_items() const;
  const NodeValue& node_value() const;
  const RelValue& rel_value() const;
  const std::vector<Value>& path_nodes() const;
  const std::vector<Value>& path_rels() const;

  // Converts to `target` where the conversion is exact (INT8 -> INT64,
  // INT64 3 -> INT8, INT -> DOUBLE, FLOAT <-> DOUBLE); otherwise an error
  // naming both types. NULL converts to NULL of `target`.
  Result<Value> CastTo(LogicalType target) const;

  // The printed form, as KuzuDB prints it: DATE 2024-01-31, TIMESTAMP
  // 2024-01-31 12:00:00[.micros], BOOL True/False, NULL as "".
  std::string ToString() const;

  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

 private:
  Value(LogicalType type, int64_t v) : type_(type), is_null_(false), int_(v) {}

  struct Composite;

  LogicalType type_ = LogicalType::kInt64;
  bool is_null_ = true;
  uint32_t table_ = 0;
  int64_t int_ = 0;
  double double_ = 0;
  std::string string_;
  std::shared_ptr<const Composite> composite_;
};

// Calendar helpers. Parse functions return an error naming the text.
Result<int32_t> ParseDate(std::string_view text);         // YYYY-MM-DD
Result<int64_t> ParseTimestamp(std::string_view text);    // YYYY-MM-DD[ T]hh:mm:ss[.ffffff][Z]
std::string FormatDate(int32_t days);
std::string FormatTimestamp(int64_t micros);
// Shortest decimal that reads back as the same double ("0.1", "1e+100").
std::string FormatDouble(double v);

}  // namespace ruzu

#endif  // RUZU_COMMON_TYPES_H_
