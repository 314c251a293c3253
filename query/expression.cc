#include "query/expression.h"

// GCC 12 reports a false -Wmaybe-uninitialized inside <regex> at -O1 (the
// sanitizer configs); the warning is about libstdc++'s code, not ours.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <regex>
#include <unordered_map>

namespace ruzu {
namespace query {

// ------------------------------------------------------------------ context

Status ExecContext::MemoryLimitError() const {
  return OutOfMemory("the statement needs more than " + std::to_string(memory_limit_ >> 20) +
                     " MiB of memory for the rows it keeps (DatabaseOptions::query_memory_bytes)");
}

uint64_t ApproximateBytes(const Value& v) {
  uint64_t bytes = sizeof(Value);
  if (v.is_null()) return bytes;
  switch (v.type()) {
    case LogicalType::kString:
      if (v.string_value().size() > 15) bytes += v.string_value().size();  // beyond the inline buffer
      break;
    case LogicalType::kList: bytes += ApproximateBytes(v.list_items()); break;
    case LogicalType::kRecursiveRel: bytes += ApproximateBytes(v.path_nodes()) + ApproximateBytes(v.path_rels()); break;
    case LogicalType::kNode:
      for (const auto& [name, value] : v.node_value().properties) bytes += name.size() + ApproximateBytes(value);
      break;
    case LogicalType::kRel:
      bytes += sizeof(RelValue);
      for (const auto& [name, value] : v.rel_value().properties) bytes += name.size() + ApproximateBytes(value);
      break;
    default: break;
  }
  return bytes;
}

uint64_t ApproximateBytes(const std::vector<Value>& row) {
  uint64_t bytes = sizeof(row);
  for (const Value& v : row) bytes += ApproximateBytes(v);
  return bytes;
}

uint64_t ApproximateBytes(const DataChunk& chunk, size_t r) {
  uint64_t bytes = sizeof(std::vector<Value>);
  for (const auto& column : chunk.columns) bytes += ApproximateBytes(column[r]);
  return bytes;
}

Status ExecContext::CheckInterrupted() const {
  if (interrupted_ != nullptr && interrupted_->load()) return Interrupted();
  return Status::OK();
}

const std::shared_ptr<const std::vector<Value>>* ExecContext::PropertyCache::Find(TableId table,
                                                                                uint64_t key) const {
  if (entries_.empty()) return nullptr;
  const Entry& e = entries_[Slot(table, key)];
  if (e.values == nullptr || e.table != table || e.key != key) return nullptr;
  return &e.values;
}

void ExecContext::PropertyCache::Put(TableId table, uint64_t key, std::shared_ptr<const std::vector<Value>> values) {
  if (entries_.empty()) entries_.resize(size_t{1} << bits_);
  // Many distinct keys (a scan, a large join): grow to the full size once.
  if (++puts_ > 4 * entries_.size() && bits_ < kMaxBits) {
    std::vector<Entry> old = std::move(entries_);
    bits_ = kMaxBits;
    entries_ = std::vector<Entry>(size_t{1} << bits_);
    for (Entry& e : old) {
      if (e.values != nullptr) entries_[Slot(e.table, e.key)] = std::move(e);
    }
  }
  Entry& e = entries_[Slot(table, key)];
  e.table = table;
  e.key = key;
  e.values = std::move(values);
}

void ExecContext::PropertyCache::Forget(TableId table, uint64_t key) {
  if (entries_.empty()) return;
  Entry& e = entries_[Slot(table, key)];
  if (e.table == table && e.key == key) e.values = nullptr;
}

void ExecContext::PropertyCache::Clear() {
  for (Entry& e : entries_) e.values = nullptr;
}

Result<std::shared_ptr<const std::vector<Value>>> ExecContext::NodeProperties(TableId table,
                                                                               uint64_t offset) {
  if (scan_values_ != nullptr && scan_table_ == table && scan_offset_ == offset) {
    return std::make_shared<const std::vector<Value>>(*scan_values_);
  }
  if (const auto* cached = node_cache_.Find(table, offset)) return *cached;
  const TableSchema* schema = catalog_->GetTable(table);
  if (schema == nullptr) return InternalError("unknown table id " + std::to_string(table));
  ASSIGN_OR_RETURN(std::vector<Value> values, txn_->GetNode(schema->name, offset));
  auto shared = std::make_shared<const std::vector<Value>>(std::move(values));
  node_cache_.Put(table, offset, shared);
  return shared;
}

Result<std::shared_ptr<const std::vector<Value>>> ExecContext::RelProperties(TableId table,
                                                                              uint64_t rel_id) {
  if (const auto* cached = rel_cache_.Find(table, rel_id)) return *cached;
  const TableSchema* schema = catalog_->GetTable(table);
  if (schema == nullptr) return InternalError("unknown table id " + std::to_string(table));
  ASSIGN_OR_RETURN(std::vector<Value> values, txn_->GetRelProperties(schema->name, rel_id));
  auto shared = std::make_shared<const std::vector<Value>>(std::move(values));
  rel_cache_.Put(table, rel_id, shared);
  return shared;
}

Result<const std::vector<Value>*> ExecContext::NodeValues(TableId table, uint64_t offset) {
  if (scan_values_ != nullptr && scan_table_ == table && scan_offset_ == offset) return scan_values_;
  if (const auto* cached = node_cache_.Find(table, offset)) return cached->get();
  ASSIGN_OR_RETURN(std::shared_ptr<const std::vector<Value>> values, NodeProperties(table, offset));
  return values.get();  // the cache holds it
}

Result<Value> ExecContext::NodeProperty(TableId table, uint64_t offset, uint32_t property) {
  const std::vector<Value>* values = nullptr;
  if (scan_values_ != nullptr && scan_table_ == table && scan_offset_ == offset) {
    values = scan_values_;
  } else if (const auto* cached = node_cache_.Find(table, offset)) {
    values = cached->get();
  }
  if (values != nullptr) return property < values->size() ? (*values)[property] : Value();
  const TableSchema* schema = catalog_->GetTable(table);
  if (schema == nullptr) return InternalError("unknown table id " + std::to_string(table));
  return txn_->GetNodeProperty(schema->name, offset, property);
}

Result<const std::vector<Value>*> ExecContext::RelValues(TableId table, uint64_t rel_id) {
  if (const auto* cached = rel_cache_.Find(table, rel_id)) return cached->get();
  ASSIGN_OR_RETURN(std::shared_ptr<const std::vector<Value>> values, RelProperties(table, rel_id));
  return values.get();  // the cache holds it
}

void ExecContext::CacheNode(TableId table, uint64_t offset,
                            std::shared_ptr<const std::vector<Value>> values) {
  node_cache_.Put(table, offset, std::move(values));
}

void ExecContext::ClearCache() {
  node_cache_.Clear();
  rel_cache_.Clear();
}

void ExecContext::ForgetNode(TableId table, uint64_t offset) { node_cache_.Forget(table, offset); }

void ExecContext::ForgetRel(TableId table, uint64_t rel_id) { rel_cache_.Forget(table, rel_id); }

Result<Value> ExecContext::MakeNode(const Value& id) {
  if (id.is_null()) return Value::Null(LogicalType::kNode);
  const TableSchema* schema = catalog_->GetTable(id.id_table());
  if (schema == nullptr) return InternalError("unknown table id");
  ASSIGN_OR_RETURN(auto values, NodeProperties(id.id_table(), id.id_offset()));
  NodeValue n;
  n.table = id.id_table();
  n.offset = id.id_offset();
  n.label = schema->name;
  for (size_t i = 0; i < schema->properties.size() && i < values->size(); i++) {
    n.properties.emplace_back(schema->properties[i].name, (*values)[i]);
  }
  return Value::Node(std::move(n));
}

Result<Value> ExecContext::MakeRel(const Value& rel) {
  if (rel.is_null()) return Value::Null(LogicalType::kRel);
  RelValue r = rel.rel_value();
  const TableSchema* schema = catalog_->GetTable(r.table);
  if (schema == nullptr) return InternalError("unknown table id");
  ASSIGN_OR_RETURN(auto values, RelProperties(r.table, r.id));
  r.properties.clear();
  for (size_t i = 0; i < schema->properties.size() && i < values->size(); i++) {
    r.properties.emplace_back(schema->properties[i].name, (*values)[i]);
  }
  return Value::Rel(std::move(r));
}

Result<Value> ExecContext::MakePath(const Value& path) {
  if (path.is_null()) return Value::Null(LogicalType::kRecursiveRel);
  std::vector<Value> nodes, rels;
  nodes.reserve(path.path_nodes().size());
  rels.reserve(path.path_rels().size());
  for (const Value& n : path.path_nodes()) {
    if (n.type() == LogicalType::kNode) {
      nodes.push_back(n);
    } else {
      ASSIGN_OR_RETURN(Value node, MakeNode(n));
      nodes.push_back(std::move(node));
    }
  }
  for (const Value& r : path.path_rels()) {
    ASSIGN_OR_RETURN(Value rel, MakeRel(r));
    rels.push_back(std::move(rel));
  }
  return Value::RecursiveRel(std::move(nodes), std::move(rels));
}

// ---------------------------------------------------------------- chunks

void DataChunk::AppendRowFrom(const DataChunk& from, size_t r) {
  EnsureWidth(from.columns.size());
  for (size_t c = 0; c < columns.size(); c++) {
    columns[c].push_back(c < from.columns.size() ? from.columns[c][r] : Value());
  }
  num_rows++;
}

void DataChunk::AppendCopiesFrom(const DataChunk& from, size_t r, size_t count, const std::vector<int>* slots) {
  EnsureWidth(from.columns.size());
  if (slots != nullptr) {
    for (auto& column : columns) column.resize(column.size() + count);
    for (int c : *slots) {
      if (static_cast<size_t>(c) >= from.columns.size()) continue;
      std::fill(columns[c].end() - count, columns[c].end(), from.columns[c][r]);
    }
    num_rows += count;
    return;
  }
  for (size_t c = 0; c < columns.size(); c++) {
    if (c < from.columns.size()) {
      columns[c].insert(columns[c].end(), count, from.columns[c][r]);
    } else {
      columns[c].resize(columns[c].size() + count);
    }
  }
  num_rows += count;
}

void DataChunk::KeepRows(const std::vector<bool>& keep) {
  size_t kept = 0;
  for (size_t r = 0; r < num_rows; r++) {
    if (!keep[r]) continue;
    if (kept != r) {
      for (auto& column : columns) column[kept] = std::move(column[r]);
    }
    kept++;
  }
  for (auto& column : columns) column.resize(kept);
  num_rows = kept;
}

void DataChunk::AppendRow(const Row& row) {
  EnsureWidth(row.size());
  for (size_t c = 0; c < columns.size(); c++) columns[c].push_back(c < row.size() ? row[c] : Value());
  num_rows++;
}

void DataChunk::SetLast(size_t slot, Value v) {
  EnsureWidth(slot + 1);
  columns[slot][num_rows - 1] = std::move(v);
}

Row DataChunk::GetRow(size_t r) const {
  Row row;
  row.reserve(columns.size());
  for (const auto& c : columns) row.push_back(c[r]);
  return row;
}

// ------------------------------------------------------------ bound exprs

std::unique_ptr<BoundExpression> BoundExpression::Clone() const {
  auto c = std::make_unique<BoundExpression>();
  c->kind = kind;
  c->type = type;
  c->position = position;
  c->constant = constant;
  c->name = name;
  c->slot = slot;
  c->unary_op = unary_op;
  c->binary_op = binary_op;
  c->negated = negated;
  c->distinct = distinct;
  c->star = star;
  c->has_case_operand = has_case_operand;
  c->has_else = has_else;
  c->property_index = property_index;
  c->property_of_rel = property_of_rel;
  for (const auto& ch : children) c->children.push_back(ch->Clone());
  return c;
}

std::string BoundExpression::ToString() const {
  auto join = [&](const char* sep) {
    std::string out;
    for (size_t i = 0; i < children.size(); i++) {
      if (i > 0) out += sep;
      out += children[i]->ToString();
    }
    return out;
  };
  switch (kind) {
    case BoundKind::kConstant:
      if (constant.is_null()) return "NULL";
      if (constant.type() == LogicalType::kString) return QuoteString(constant.string_value());
      return constant.ToString();
    case BoundKind::kParameter: return "$" + name;
    case BoundKind::kSlot: return name.empty() ? "#" + std::to_string(slot) : name;
    case BoundKind::kProperty: return children[0]->ToString() + "." + name;
    case BoundKind::kNodeValue:
    case BoundKind::kRelValue:
    case BoundKind::kPathValue: return children[0]->ToString();
    case BoundKind::kFunction:
    case BoundKind::kAggregate:
      if (star) return name + "(*)";
      return name + "(" + (distinct ? "DISTINCT " : "") + join(", ") + ")";
    case BoundKind::kUnary:
      return std::string(UnaryOperatorName(unary_op)) + (unary_op == UnaryOperator::kNot ? " " : "") +
             children[0]->ToString();
    case BoundKind::kBinary:
      return "(" + children[0]->ToString() + " " + BinaryOperatorName(binary_op) + " " +
             children[1]->ToString() + ")";
    case BoundKind::kRegexConstant: return "(" + children[0]->ToString() + " =~ " + QuoteString(name) + ")";
    case BoundKind::kIsNull: return children[0]->ToString() + (negated ? " IS NOT NULL" : " IS NULL");
    case BoundKind::kList: return "[" + join(", ") + "]";
    case BoundKind::kIndex: return children[0]->ToString() + "[" + children[1]->ToString() + "]";
    case BoundKind::kCase: return "CASE ... END";
  }
  return "?";
}

// ------------------------------------------------------------------ helpers

bool IsIntegerType(LogicalType t) {
  return t == LogicalType::kInt64 || t == LogicalType::kInt32 || t == LogicalType::kInt16 ||
         t == LogicalType::kInt8;
}
bool IsNumericType(LogicalType t) {
  return IsIntegerType(t) || t == LogicalType::kDouble || t == LogicalType::kFloat;
}

namespace {

bool IsDoubleType(LogicalType t) { return t == LogicalType::kDouble || t == LogicalType::kFloat; }

double AsDouble(const Value& v) {
  return IsDoubleType(v.type()) ? v.double_value() : static_cast<double>(v.int_value());
}

Status RuntimeError(const std::string& message) { return InvalidArgument("Runtime error: " + message); }

int Sign(double d) { return d < 0 ? -1 : (d > 0 ? 1 : 0); }

// Rank of a type family for ordering values of different families.
int Family(LogicalType t) {
  if (IsNumericType(t)) return 0;
  switch (t) {
    case LogicalType::kBool: return 1;
    case LogicalType::kString: return 2;
    case LogicalType::kDate: return 3;
    case LogicalType::kTimestamp: return 4;
    case LogicalType::kInternalId: return 5;
    case LogicalType::kNode: return 6;
    case LogicalType::kRel: return 7;
    case LogicalType::kList: return 8;
    case LogicalType::kRecursiveRel: return 9;
    default: return 10;
  }
}

Result<Value> CheckedInt(bool overflow, int64_t v, const char* op) {
  if (overflow) return RuntimeError(std::string("integer overflow in ") + op);
  return Value::Int64(v);
}

// Number of UTF-8 code points.
int64_t Utf8Length(const std::string& s) {
  int64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Byte offset of code point `cp` (clamped to the end).
size_t Utf8Offset(const std::string& s, int64_t cp) {
  size_t i = 0;
  int64_t seen = 0;
  while (i < s.size()) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (seen == cp) return i;
      seen++;
    }
    i++;
  }
  return s.size();
}

std::string AsciiLower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string AsciiUpper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

Result<const std::regex*> CompileRegex(const std::string& pattern) {
  thread_local std::unordered_map<std::string, std::unique_ptr<std::regex>> cache;
  auto it = cache.find(pattern);
  if (it != cache.end()) return it->second.get();
  if (cache.size() > 256) cache.clear();
  try {
    auto re = std::make_unique<std::regex>(pattern, std::regex::ECMAScript);
    const std::regex* p = re.get();
    cache.emplace(pattern, std::move(re));
    return p;
  } catch (const std::regex_error& e) {
    return RuntimeError("invalid regular expression '" + pattern + "'");
  }
}

Result<Value> RegexMatch(const Value& s, const std::string& pattern) {
  if (s.is_null()) return Value::Null(LogicalType::kBool);
  ASSIGN_OR_RETURN(const std::regex* re, CompileRegex(pattern));
  try {
    return Value::Bool(std::regex_match(s.string_value(), *re));
  } catch (const std::regex_error& e) {
    return RuntimeError("regular expression '" + pattern + "' is too complex");
  }
}

Result<Value> Arithmetic(BinaryOperator op, const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) {
    bool dbl = IsDoubleType(a.type()) || IsDoubleType(b.type()) || op == BinaryOperator::kPower;
    if (a.type() == LogicalType::kString || b.type() == LogicalType::kString) {
      return Value::Null(LogicalType::kString);
    }
    return Value::Null(dbl ? LogicalType::kDouble : LogicalType::kInt64);
  }
  if (op == BinaryOperator::kAdd && a.type() == LogicalType::kString && b.type() == LogicalType::kString) {
    return Value::String(a.string_value() + b.string_value());
  }
  if (!IsNumericType(a.type()) || !IsNumericType(b.type())) {
    return RuntimeError(std::string("cannot apply ") + BinaryOperatorName(op) + " to " +
                        LogicalTypeName(a.type()) + " and " + LogicalTypeName(b.type()));
  }
  if (op == BinaryOperator::kPower) return Value::Double(std::pow(AsDouble(a), AsDouble(b)));
  if (IsIntegerType(a.type()) && IsIntegerType(b.type())) {
    int64_t x = a.int_value(), y = b.int_value(), r = 0;
    switch (op) {
      case BinaryOperator::kAdd: {
        bool overflow = __builtin_add_overflow(x, y, &r);
        return CheckedInt(overflow, r, "+");
      }
      case BinaryOperator::kSubtract: {
        bool overflow = __builtin_sub_overflow(x, y, &r);
        return CheckedInt(overflow, r, "-");
      }
      case BinaryOperator::kMultiply: {
        bool overflow = __builtin_mul_overflow(x, y, &r);
        return CheckedInt(overflow, r, "*");
      }
      case BinaryOperator::kDivide:
        if (y == 0) return RuntimeError("division by zero");
        if (x == std::numeric_limits<int64_t>::min() && y == -1) return RuntimeError("integer overflow in /");
        return Value::Int64(x / y);
      case BinaryOperator::kModulo:
        if (y == 0) return RuntimeError("division by zero");
        if (y == -1) return Value::Int64(0);
        return Value::Int64(x % y);
      default: break;
    }
    return InternalError("bad arithmetic operator");
  }
  double x = AsDouble(a), y = AsDouble(b);
  switch (op) {
    case BinaryOperator::kAdd: return Value::Double(x + y);
    case BinaryOperator::kSubtract: return Value::Double(x - y);
    case BinaryOperator::kMultiply: return Value::Double(x * y);
    case BinaryOperator::kDivide:
      if (y == 0) return RuntimeError("division by zero");
      return Value::Double(x / y);
    case BinaryOperator::kModulo:
      if (y == 0) return RuntimeError("division by zero");
      return Value::Double(std::fmod(x, y));
    default: break;
  }
  return InternalError("bad arithmetic operator");
}

// Three-valued comparison: nullopt when either side is NULL or the types are
// not comparable.
std::optional<int> Compare3(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  if (Family(a.type()) != Family(b.type())) return std::nullopt;
  return CompareValues(a, b);
}

Result<Value> ToInt64(const Value& v) {
  if (v.is_null()) return Value::Null(LogicalType::kInt64);
  if (IsIntegerType(v.type())) return Value::Int64(v.int_value());
  if (IsDoubleType(v.type())) {
    double d = std::nearbyint(v.double_value());
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) {
      return RuntimeError("cannot cast " + v.ToString() + " to INT64: out of range");
    }
    return Value::Int64(static_cast<int64_t>(d));
  }
  if (v.type() == LogicalType::kBool) return Value::Int64(v.bool_value() ? 1 : 0);
  if (v.type() == LogicalType::kString) {
    const std::string& s = v.string_value();
    size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    std::string t = b == std::string::npos ? "" : s.substr(b, e - b + 1);
    errno = 0;
    char* end = nullptr;
    long long r = t.empty() ? 0 : std::strtoll(t.c_str(), &end, 10);
    if (t.empty() || end != t.c_str() + t.size() || errno == ERANGE) {
      return RuntimeError("cannot cast '" + s + "' to INT64");
    }
    return Value::Int64(r);
  }
  return RuntimeError(std::string("cannot cast ") + LogicalTypeName(v.type()) + " to INT64");
}

Result<Value> ToDouble(const Value& v) {
  if (v.is_null()) return Value::Null(LogicalType::kDouble);
  if (IsNumericType(v.type())) return Value::Double(AsDouble(v));
  if (v.type() == LogicalType::kString) {
    const std::string& s = v.string_value();
    char* end = nullptr;
    double d = s.empty() ? 0 : std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size()) return RuntimeError("cannot cast '" + s + "' to DOUBLE");
    return Value::Double(d);
  }
  return RuntimeError(std::string("cannot cast ") + LogicalTypeName(v.type()) + " to DOUBLE");
}

Result<Value> CallFunction(const BoundExpression& e, const std::vector<Value>& args, ExecContext* ctx) {
  const std::string& f = e.name;
  auto null_of = [&]() { return Value::Null(e.type); };
  if (f == "coalesce") {
    for (const Value& v : args) {
      if (!v.is_null()) return v;
    }
    return null_of();
  }
  for (const Value& v : args) {
    if (v.is_null()) return null_of();
  }
  if (f == "lower") return Value::String(AsciiLower(args[0].string_value()));
  if (f == "upper") return Value::String(AsciiUpper(args[0].string_value()));
  if (f == "trim") {
    const std::string& s = args[0].string_value();
    size_t b = s.find_first_not_of(' ');
    if (b == std::string::npos) return Value::String("");
    size_t end = s.find_last_not_of(' ');
    return Value::String(s.substr(b, end - b + 1));
  }
  if (f == "ltrim" || f == "rtrim") {
    const std::string& s = args[0].string_value();
    if (f == "ltrim") {
      size_t b = s.find_first_not_of(' ');
      return Value::String(b == std::string::npos ? "" : s.substr(b));
    }
    size_t end = s.find_last_not_of(' ');
    return Value::String(end == std::string::npos ? "" : s.substr(0, end + 1));
  }
  if (f == "length" && args[0].type() == LogicalType::kRecursiveRel) {
    return Value::Int64(static_cast<int64_t>(args[0].path_rels().size()));
  }
  if (f == "nodes" || f == "rels") {
    ASSIGN_OR_RETURN(Value whole, ctx->MakePath(args[0]));
    return Value::List(f == "nodes" ? whole.path_nodes() : whole.path_rels());
  }
  if (f == "is_trail" || f == "is_acyclic") {
    std::set<std::pair<uint32_t, uint64_t>> seen;
    if (f == "is_trail") {
      for (const Value& rel : args[0].path_rels()) {
        if (!seen.emplace(rel.rel_value().table, rel.rel_value().id).second) return Value::Bool(false);
      }
    } else {
      for (const Value& n : args[0].path_nodes()) {
        auto id = n.type() == LogicalType::kNode ? std::make_pair(n.node_value().table, n.node_value().offset)
                                                 : std::make_pair(n.id_table(), n.id_offset());
        if (!seen.insert(id).second) return Value::Bool(false);
      }
    }
    return Value::Bool(true);
  }
  if (f == "properties") {
    std::vector<Value> out;
    const std::string& name = args[1].string_value();
    for (const Value& item : args[0].list_items()) {
      Value found = Value::Null(LogicalType::kAny);
      const std::vector<std::pair<std::string, Value>>* props = nullptr;
      if (item.is_null()) {
      } else if (item.type() == LogicalType::kNode) {
        props = &item.node_value().properties;
      } else if (item.type() == LogicalType::kRel) {
        props = &item.rel_value().properties;
      } else {
        return RuntimeError(std::string("properties expects a list of nodes or relationships, not of ") +
                            LogicalTypeName(item.type()));
      }
      if (props != nullptr) {
        for (const auto& [k, v] : *props) {
          if (k == name) found = v;
        }
      }
      out.push_back(std::move(found));
    }
    return Value::List(std::move(out));
  }
  if (f == "size" || f == "length") {
    if (args[0].type() == LogicalType::kList) return Value::Int64(args[0].list_items().size());
    return Value::Int64(Utf8Length(args[0].string_value()));
  }
  if (f == "substring" || f == "substr") {
    const std::string& s = args[0].string_value();
    int64_t start = args[1].int_value();  // 1-based
    int64_t len = args.size() > 2 ? args[2].int_value() : std::numeric_limits<int64_t>::max() / 2;
    if (len < 0) return RuntimeError("substring length must not be negative");
    int64_t first = std::max<int64_t>(start, 1) - 1;
    int64_t last = start - 1 + std::min<int64_t>(len, std::numeric_limits<int64_t>::max() / 4);
    if (start < 1) last = std::min(last, start - 1 + len);
    if (last <= first) return Value::String("");
    size_t b = Utf8Offset(s, first), en = Utf8Offset(s, last);
    return Value::String(s.substr(b, en - b));
  }
  if (f == "concat") {
    std::string out;
    for (const Value& v : args) out += v.ToString();
    return Value::String(out);
  }
  if (f == "starts_with" || f == "ends_with" || f == "contains") {
    const std::string& a = args[0].string_value();
    const std::string& b = args[1].string_value();
    if (f == "starts_with") return Value::Bool(a.compare(0, b.size(), b) == 0 && a.size() >= b.size());
    if (f == "ends_with") return Value::Bool(a.size() >= b.size() && a.compare(a.size() - b.size(), b.size(), b) == 0);
    return Value::Bool(a.find(b) != std::string::npos);
  }
  if (f == "abs") {
    if (IsIntegerType(args[0].type())) {
      if (args[0].int_value() == std::numeric_limits<int64_t>::min()) return RuntimeError("integer overflow in abs");
      return Value::Int64(std::llabs(args[0].int_value()));
    }
    return Value::Double(std::fabs(AsDouble(args[0])));
  }
  if (f == "floor" || f == "ceil" || f == "round") {
    if (IsIntegerType(args[0].type())) return Value::Int64(args[0].int_value());
    double d = AsDouble(args[0]);
    if (f == "floor") return Value::Double(std::floor(d));
    if (f == "ceil") return Value::Double(std::ceil(d));
    if (args.size() > 1) {
      double scale = std::pow(10.0, static_cast<double>(args[1].int_value()));
      return Value::Double(std::round(d * scale) / scale);
    }
    return Value::Double(std::round(d));
  }
  if (f == "sqrt") {
    double d = AsDouble(args[0]);
    if (d < 0) return RuntimeError("sqrt of a negative number");
    return Value::Double(std::sqrt(d));
  }
  if (f == "to_int64") return ToInt64(args[0]);
  if (f == "to_double") return ToDouble(args[0]);
  if (f == "to_string") return Value::String(args[0].ToString());
  if (f == "date") {
    if (args[0].type() == LogicalType::kDate) return args[0];
    auto d = ParseDate(args[0].string_value());
    if (!d.ok()) return RuntimeError("cannot cast '" + args[0].string_value() + "' to DATE");
    return Value::Date(*d);
  }
  if (f == "timestamp") {
    if (args[0].type() == LogicalType::kTimestamp) return args[0];
    auto t = ParseTimestamp(args[0].string_value());
    if (!t.ok()) return RuntimeError("cannot cast '" + args[0].string_value() + "' to TIMESTAMP");
    return Value::Timestamp(*t);
  }
  if (f == "id") {
    if (args[0].type() == LogicalType::kRel) {
      return Value::InternalId(args[0].rel_value().table, args[0].rel_value().id);
    }
    return args[0];
  }
  if (f == "label") {
    TableId t = args[0].type() == LogicalType::kRel ? args[0].rel_value().table : args[0].id_table();
    const TableSchema* schema = ctx->catalog().GetTable(t);
    return Value::String(schema == nullptr ? "" : schema->name);
  }
  return InternalError("unknown function " + f);
}

}  // namespace

namespace {
int CompareLists(const std::vector<Value>& x, const std::vector<Value>& y) {
  for (size_t i = 0; i < x.size() && i < y.size(); i++) {
    int c = CompareValues(x[i], y[i]);
    if (c != 0) return c;
  }
  return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
}
}  // namespace

int CompareValues(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() == b.is_null() ? 0 : (a.is_null() ? 1 : -1);
  int fa = Family(a.type()), fb = Family(b.type());
  if (fa != fb) return fa < fb ? -1 : 1;
  switch (fa) {
    case 0:
      if (IsIntegerType(a.type()) && IsIntegerType(b.type())) {
        return a.int_value() < b.int_value() ? -1 : (a.int_value() > b.int_value() ? 1 : 0);
      }
      return Sign(AsDouble(a) - AsDouble(b));
    case 1:
    case 3:
    case 4: return a.int_value() < b.int_value() ? -1 : (a.int_value() > b.int_value() ? 1 : 0);
    case 2: {
      int c = a.string_value().compare(b.string_value());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case 5:
      if (a.id_table() != b.id_table()) return a.id_table() < b.id_table() ? -1 : 1;
      return a.id_offset() < b.id_offset() ? -1 : (a.id_offset() > b.id_offset() ? 1 : 0);
    case 6: {
      const NodeValue &x = a.node_value(), &y = b.node_value();
      if (x.table != y.table) return x.table < y.table ? -1 : 1;
      return x.offset < y.offset ? -1 : (x.offset > y.offset ? 1 : 0);
    }
    case 7: {
      const RelValue &x = a.rel_value(), &y = b.rel_value();
      if (x.table != y.table) return x.table < y.table ? -1 : 1;
      return x.id < y.id ? -1 : (x.id > y.id ? 1 : 0);
    }
    case 8: return CompareLists(a.list_items(), b.list_items());
    case 9: {
      // Paths: by relationships (they determine the path), then nodes.
      int c = CompareLists(a.path_rels(), b.path_rels());
      return c != 0 ? c : CompareLists(a.path_nodes(), b.path_nodes());
    }
    default: return 0;
  }
}

bool ValuesEqual(const Value& a, const Value& b) { return CompareValues(a, b) == 0; }

size_t HashValue(const Value& v) {
  if (v.is_null()) return 0x12345;
  switch (Family(v.type())) {
    case 0:
      if (IsIntegerType(v.type())) return std::hash<double>()(static_cast<double>(v.int_value()));
      return std::hash<double>()(v.double_value());
    case 2: return std::hash<std::string>()(v.string_value());
    case 5: return std::hash<uint64_t>()(v.id_offset() * 31 + v.id_table());
    case 6: return std::hash<uint64_t>()(v.node_value().offset * 31 + v.node_value().table);
    case 7: return std::hash<uint64_t>()(v.rel_value().id * 31 + v.rel_value().table);
    case 8: {
      size_t h = 7;
      for (const Value& i : v.list_items()) h = h * 1000003 + HashValue(i);
      return h;
    }
    case 9: {
      size_t h = 11;
      for (const Value& i : v.path_rels()) h = h * 1000003 + HashValue(i);
      for (const Value& i : v.path_nodes()) h = h * 1000003 + HashValue(i);
      return h;
    }
    default: return std::hash<int64_t>()(v.int_value()) + static_cast<size_t>(v.type());
  }
}

size_t RowHash::operator()(const Row& r) const {
  size_t h = 17;
  for (const Value& v : r) h = h * 1000003 + HashValue(v);
  return h;
}

bool RowEqual::operator()(const Row& a, const Row& b) const {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++) {
    if (!ValuesEqual(a[i], b[i])) return false;
  }
  return true;
}

void CollectSlots(const BoundExpression& e, std::set<int>* out) {
  if (e.kind == BoundKind::kSlot) out->insert(e.slot);
  for (const auto& c : e.children) CollectSlots(*c, out);
}

Result<bool> EvaluatePredicate(const BoundExpression& e, const DataChunk& row, size_t r, ExecContext* ctx) {
  ASSIGN_OR_RETURN(Value v, Evaluate(e, row, r, ctx));
  return !v.is_null() && v.type() == LogicalType::kBool && v.bool_value();
}

Result<Value> Evaluate(const BoundExpression& e, const DataChunk& row, size_t r, ExecContext* ctx) {
  switch (e.kind) {
    case BoundKind::kConstant: return e.constant;
    case BoundKind::kParameter: {
      if (ctx->params() != nullptr) {
        auto it = ctx->params()->find(e.name);
        if (it != ctx->params()->end()) return it->second;
      }
      return InvalidArgument("Runtime error: parameter $" + e.name + " has no value");
    }
    case BoundKind::kSlot:
      if (e.slot < 0 || static_cast<size_t>(e.slot) >= row.columns.size()) return Value::Null(e.type);
      return row.columns[e.slot][r];
    case BoundKind::kProperty: {
      // The owner is usually a slot: read it in place.
      const BoundExpression& owner_expr = *e.children[0];
      Value computed;
      const Value* owner = &computed;
      if (owner_expr.kind == BoundKind::kSlot) {
        if (owner_expr.slot < 0 || static_cast<size_t>(owner_expr.slot) >= row.columns.size()) {
          return Value::Null(e.type);
        }
        owner = &row.columns[owner_expr.slot][r];
      } else {
        ASSIGN_OR_RETURN(computed, Evaluate(owner_expr, row, r, ctx));
      }
      if (owner->is_null()) return Value::Null(e.type);
      if (owner->type() == LogicalType::kRel) {
        const TableId table = owner->rel_value().table;
        auto it = e.property_index.find(table);
        if (it == e.property_index.end()) return Value::Null(e.type);
        ASSIGN_OR_RETURN(const std::vector<Value>* values, ctx->RelValues(table, owner->rel_value().id));
        return it->second < values->size() ? (*values)[it->second] : Value::Null(e.type);
      }
      if (owner->type() == LogicalType::kNode) {
        const NodeValue& n = owner->node_value();
        for (const auto& [k, v] : n.properties) {
          if (ToLowerAscii(k) == ToLowerAscii(e.name)) return v;
        }
        return Value::Null(e.type);
      }
      if (owner->type() != LogicalType::kInternalId) {
        return RuntimeError(std::string("cannot read property ") + e.name + " of a " +
                            LogicalTypeName(owner->type()));
      }
      const TableId table = owner->id_table();
      auto it = e.property_index.find(table);
      if (it == e.property_index.end()) return Value::Null(e.type);
      ASSIGN_OR_RETURN(Value v, ctx->NodeProperty(table, owner->id_offset(), it->second));
      return v.is_null() ? Value::Null(e.type) : v;
    }
    case BoundKind::kNodeValue: {
      ASSIGN_OR_RETURN(Value id, Evaluate(*e.children[0], row, r, ctx));
      return ctx->MakeNode(id);
    }
    case BoundKind::kRelValue: {
      ASSIGN_OR_RETURN(Value rel, Evaluate(*e.children[0], row, r, ctx));
      return ctx->MakeRel(rel);
    }
    case BoundKind::kPathValue: {
      ASSIGN_OR_RETURN(Value path, Evaluate(*e.children[0], row, r, ctx));
      return ctx->MakePath(path);
    }
    case BoundKind::kAggregate: return InternalError("aggregate evaluated outside an aggregation");
    case BoundKind::kFunction: {
      std::vector<Value> args;
      args.reserve(e.children.size());
      for (const auto& c : e.children) {
        ASSIGN_OR_RETURN(Value v, Evaluate(*c, row, r, ctx));
        args.push_back(std::move(v));
      }
      return CallFunction(e, args, ctx);
    }
    case BoundKind::kUnary: {
      ASSIGN_OR_RETURN(Value v, Evaluate(*e.children[0], row, r, ctx));
      if (v.is_null()) return Value::Null(e.type);
      switch (e.unary_op) {
        case UnaryOperator::kNot: return Value::Bool(!v.bool_value());
        case UnaryOperator::kPlus: return v;
        case UnaryOperator::kNegate:
          if (IsIntegerType(v.type())) {
            if (v.int_value() == std::numeric_limits<int64_t>::min()) return RuntimeError("integer overflow in -");
            return Value::Int64(-v.int_value());
          }
          return Value::Double(-v.double_value());
      }
      return InternalError("bad unary operator");
    }
    case BoundKind::kRegexConstant: {
      ASSIGN_OR_RETURN(Value v, Evaluate(*e.children[0], row, r, ctx));
      return RegexMatch(v, e.name);
    }
    case BoundKind::kBinary: {
      BinaryOperator op = e.binary_op;
      if (op == BinaryOperator::kAnd || op == BinaryOperator::kOr) {
        ASSIGN_OR_RETURN(Value a, Evaluate(*e.children[0], row, r, ctx));
        bool is_and = op == BinaryOperator::kAnd;
        if (!a.is_null() && a.bool_value() != is_and) return Value::Bool(!is_and);
        ASSIGN_OR_RETURN(Value b, Evaluate(*e.children[1], row, r, ctx));
        if (!b.is_null() && b.bool_value() != is_and) return Value::Bool(!is_and);
        if (a.is_null() || b.is_null()) return Value::Null(LogicalType::kBool);
        return Value::Bool(is_and);
      }
      ASSIGN_OR_RETURN(Value a, Evaluate(*e.children[0], row, r, ctx));
      ASSIGN_OR_RETURN(Value b, Evaluate(*e.children[1], row, r, ctx));
      switch (op) {
        case BinaryOperator::kXor:
          if (a.is_null() || b.is_null()) return Value::Null(LogicalType::kBool);
          return Value::Bool(a.bool_value() != b.bool_value());
        case BinaryOperator::kEqual:
        case BinaryOperator::kNotEqual:
        case BinaryOperator::kLess:
        case BinaryOperator::kLessEqual:
        case BinaryOperator::kGreater:
        case BinaryOperator::kGreaterEqual: {
          if (a.is_null() || b.is_null()) return Value::Null(LogicalType::kBool);
          if (Family(a.type()) != Family(b.type())) {
            if (op == BinaryOperator::kEqual) return Value::Bool(false);
            if (op == BinaryOperator::kNotEqual) return Value::Bool(true);
            return Value::Null(LogicalType::kBool);
          }
          int c = CompareValues(a, b);
          switch (op) {
            case BinaryOperator::kEqual: return Value::Bool(c == 0);
            case BinaryOperator::kNotEqual: return Value::Bool(c != 0);
            case BinaryOperator::kLess: return Value::Bool(c < 0);
            case BinaryOperator::kLessEqual: return Value::Bool(c <= 0);
            case BinaryOperator::kGreater: return Value::Bool(c > 0);
            default: return Value::Bool(c >= 0);
          }
        }
        case BinaryOperator::kIn: {
          if (a.is_null() || b.is_null()) return Value::Null(LogicalType::kBool);
          bool saw_null = false;
          for (const Value& item : b.list_items()) {
            auto c = Compare3(a, item);
            if (!c.has_value()) {
              saw_null |= item.is_null();
              continue;
            }
            if (*c == 0) return Value::Bool(true);
          }
          return saw_null ? Value::Null(LogicalType::kBool) : Value::Bool(false);
        }
        case BinaryOperator::kStartsWith:
        case BinaryOperator::kEndsWith:
        case BinaryOperator::kContains: {
          if (a.is_null() || b.is_null()) return Value::Null(LogicalType::kBool);
          const std::string& x = a.string_value();
          const std::string& y = b.string_value();
          if (op == BinaryOperator::kContains) return Value::Bool(x.find(y) != std::string::npos);
          if (x.size() < y.size()) return Value::Bool(false);
          if (op == BinaryOperator::kStartsWith) return Value::Bool(x.compare(0, y.size(), y) == 0);
          return Value::Bool(x.compare(x.size() - y.size(), y.size(), y) == 0);
        }
        case BinaryOperator::kRegexMatch:
          if (a.is_null() || b.is_null()) return Value::Null(LogicalType::kBool);
          return RegexMatch(a, b.string_value());
        default: return Arithmetic(op, a, b);
      }
    }
    case BoundKind::kIsNull: {
      ASSIGN_OR_RETURN(Value v, Evaluate(*e.children[0], row, r, ctx));
      return Value::Bool(v.is_null() != e.negated);
    }
    case BoundKind::kList: {
      std::vector<Value> items;
      for (const auto& c : e.children) {
        ASSIGN_OR_RETURN(Value v, Evaluate(*c, row, r, ctx));
        items.push_back(std::move(v));
      }
      return Value::List(std::move(items));
    }
    case BoundKind::kIndex: {
      ASSIGN_OR_RETURN(Value list, Evaluate(*e.children[0], row, r, ctx));
      ASSIGN_OR_RETURN(Value index, Evaluate(*e.children[1], row, r, ctx));
      if (list.is_null() || index.is_null()) return Value::Null(e.type);
      int64_t i = index.int_value();  // 1-based, as KuzuDB
      const auto& items = list.list_items();
      if (i < 1 || static_cast<uint64_t>(i) > items.size()) return Value::Null(e.type);
      return items[i - 1];
    }
    case BoundKind::kCase: {
      size_t first = e.has_case_operand ? 1 : 0;
      size_t n = (e.children.size() - first - (e.has_else ? 1 : 0)) / 2;
      Value operand;
      if (e.has_case_operand) {
        ASSIGN_OR_RETURN(operand, Evaluate(*e.children[0], row, r, ctx));
      }
      for (size_t i = 0; i < n; i++) {
        ASSIGN_OR_RETURN(Value w, Evaluate(*e.children[first + 2 * i], row, r, ctx));
        bool hit;
        if (e.has_case_operand) {
          auto c = Compare3(operand, w);
          hit = c.has_value() && *c == 0;
        } else {
          hit = !w.is_null() && w.type() == LogicalType::kBool && w.bool_value();
        }
        if (hit) return Evaluate(*e.children[first + 2 * i + 1], row, r, ctx);
      }
      if (e.has_else) return Evaluate(*e.children.back(), row, r, ctx);
      return Value::Null(e.type);
    }
  }
  return InternalError("bad expression kind");
}

bool IsAggregateFunction(const std::string& f) {
  return f == "count" || f == "sum" || f == "avg" || f == "min" || f == "max" || f == "collect";
}

Result<LogicalType> ScalarFunctionType(const std::string& f, const std::vector<LogicalType>& args) {
  auto arity = [&](size_t lo, size_t hi) -> Status {
    if (args.size() < lo || args.size() > hi) {
      return InvalidArgument("function " + f + " takes " +
                             (lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi)) +
                             " argument" + (hi == 1 ? "" : "s") + ", not " + std::to_string(args.size()));
    }
    return Status::OK();
  };
  auto want = [&](size_t i, bool ok, const char* what) -> Status {
    if (i < args.size() && args[i] != LogicalType::kAny && !ok) {
      return InvalidArgument("function " + f + " expects " + what + " as argument " + std::to_string(i + 1) +
                             ", not " + LogicalTypeName(args[i]));
    }
    return Status::OK();
  };
  auto is_str = [&](size_t i) { return args[i] == LogicalType::kString; };
  auto is_num = [&](size_t i) { return IsNumericType(args[i]); };
  auto is_int = [&](size_t i) { return IsIntegerType(args[i]); };
  if (f == "lower" || f == "upper" || f == "trim" || f == "ltrim" || f == "rtrim") {
    RETURN_IF_ERROR(arity(1, 1));
    RETURN_IF_ERROR(want(0, is_str(0), "STRING"));
    return LogicalType::kString;
  }
  if (f == "size" || f == "length") {
    RETURN_IF_ERROR(arity(1, 1));
    if (f == "length" && args[0] == LogicalType::kRecursiveRel) return LogicalType::kInt64;
    RETURN_IF_ERROR(want(0, is_str(0) || args[0] == LogicalType::kList, "STRING or LIST"));
    return LogicalType::kInt64;
  }
  if (f == "nodes" || f == "rels" || f == "is_trail" || f == "is_acyclic") {
    RETURN_IF_ERROR(arity(1, 1));
    RETURN_IF_ERROR(want(0, args[0] == LogicalType::kRecursiveRel, "a path (RECURSIVE_REL)"));
    return f[0] == 'i' ? LogicalType::kBool : LogicalType::kList;
  }
  if (f == "properties") {
    RETURN_IF_ERROR(arity(2, 2));
    RETURN_IF_ERROR(want(0, args[0] == LogicalType::kList, "a LIST of nodes or relationships"));
    RETURN_IF_ERROR(want(1, is_str(1), "STRING"));
    return LogicalType::kList;
  }
  if (f == "substring" || f == "substr") {
    RETURN_IF_ERROR(arity(2, 3));
    RETURN_IF_ERROR(want(0, is_str(0), "STRING"));
    RETURN_IF_ERROR(want(1, is_int(1), "an integer"));
    RETURN_IF_ERROR(want(2, args.size() < 3 || is_int(2), "an integer"));
    return LogicalType::kString;
  }
  if (f == "concat") {
    if (args.empty()) return InvalidArgument("function concat takes at least 1 argument");
    return LogicalType::kString;
  }
  if (f == "starts_with" || f == "ends_with" || f == "contains") {
    RETURN_IF_ERROR(arity(2, 2));
    RETURN_IF_ERROR(want(0, is_str(0), "STRING"));
    RETURN_IF_ERROR(want(1, is_str(1), "STRING"));
    return LogicalType::kBool;
  }
  if (f == "abs" || f == "floor" || f == "ceil" || f == "round") {
    RETURN_IF_ERROR(arity(1, f == "round" ? 2 : 1));
    RETURN_IF_ERROR(want(0, is_num(0), "a number"));
    if (args.size() > 1) RETURN_IF_ERROR(want(1, is_int(1), "an integer"));
    return is_int(0) ? LogicalType::kInt64 : LogicalType::kDouble;
  }
  if (f == "sqrt") {
    RETURN_IF_ERROR(arity(1, 1));
    RETURN_IF_ERROR(want(0, is_num(0), "a number"));
    return LogicalType::kDouble;
  }
  if (f == "to_int64") {
    RETURN_IF_ERROR(arity(1, 1));
    RETURN_IF_ERROR(want(0, is_num(0) || is_str(0) || args[0] == LogicalType::kBool, "a number or STRING"));
    return LogicalType::kInt64;
  }
  if (f == "to_double") {
    RETURN_IF_ERROR(arity(1, 1));
    RETURN_IF_ERROR(want(0, is_num(0) || is_str(0), "a number or STRING"));
    return LogicalType::kDouble;
  }
  if (f == "to_string") {
    RETURN_IF_ERROR(arity(1, 1));
    return LogicalType::kString;
  }
  if (f == "date") {
    RETURN_IF_ERROR(arity(1, 1));
    RETURN_IF_ERROR(want(0, is_str(0) || args[0] == LogicalType::kDate, "STRING"));
    return LogicalType::kDate;
  }
  if (f == "timestamp") {
    RETURN_IF_ERROR(arity(1, 1));
    RETURN_IF_ERROR(want(0, is_str(0) || args[0] == LogicalType::kTimestamp, "STRING"));
    return LogicalType::kTimestamp;
  }
  if (f == "id") {
    RETURN_IF_ERROR(arity(1, 1));
    RETURN_IF_ERROR(want(0, args[0] == LogicalType::kInternalId || args[0] == LogicalType::kRel ||
                                args[0] == LogicalType::kNode,
                         "a node or relationship"));
    return LogicalType::kInternalId;
  }
  if (f == "label") {
    RETURN_IF_ERROR(arity(1, 1));
    RETURN_IF_ERROR(want(0, args[0] == LogicalType::kInternalId || args[0] == LogicalType::kRel,
                         "a node or relationship"));
    return LogicalType::kString;
  }
  if (f == "coalesce") {
    if (args.empty()) return InvalidArgument("function coalesce takes at least 1 argument");
    for (LogicalType t : args) {
      if (t != LogicalType::kAny) return t;
    }
    return LogicalType::kAny;
  }
  return NotFound("function " + f + " does not exist");
}

}  // namespace query
}  // namespace ruzu
