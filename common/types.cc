#include "common/types.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

namespace ruzu {

const char* LogicalTypeName(LogicalType type) {
  switch (type) {
    case LogicalType::kInt64: return "INT64";
    case LogicalType::kInt32: return "INT32";
    case LogicalType::kInt16: return "INT16";
    case LogicalType::kInt8: return "INT8";
    case LogicalType::kDouble: return "DOUBLE";
    case LogicalType::kFloat: return "FLOAT";
    case LogicalType::kBool: return "BOOL";
    case LogicalType::kString: return "STRING";
    case LogicalType::kDate: return "DATE";
    case LogicalType::kTimestamp: return "TIMESTAMP";
    case LogicalType::kInternalId: return "INTERNAL_ID";
    case LogicalType::kNode: return "NODE";
    case LogicalType::kRel: return "REL";
    case LogicalType::kList: return "LIST";
    case LogicalType::kRecursiveRel: return "RECURSIVE_REL";
    case LogicalType::kAny: return "ANY";
  }
  return "UNKNOWN";
}

bool IsValidLogicalType(uint8_t raw) { return raw >= 1 && raw <= 10; }

std::optional<LogicalType> ParseLogicalType(std::string_view name) {
  std::string upper;
  for (char c : name) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (upper == "INT64" || upper == "INT" || upper == "INTEGER" || upper == "BIGINT") return LogicalType::kInt64;
  if (upper == "INT32") return LogicalType::kInt32;
  if (upper == "INT16" || upper == "SMALLINT") return LogicalType::kInt16;
  if (upper == "INT8" || upper == "TINYINT") return LogicalType::kInt8;
  if (upper == "DOUBLE" || upper == "FLOAT8") return LogicalType::kDouble;
  if (upper == "FLOAT" || upper == "FLOAT4" || upper == "REAL") return LogicalType::kFloat;
  if (upper == "BOOL" || upper == "BOOLEAN") return LogicalType::kBool;
  if (upper == "STRING" || upper == "VARCHAR" || upper == "TEXT") return LogicalType::kString;
  if (upper == "DATE") return LogicalType::kDate;
  if (upper == "TIMESTAMP") return LogicalType::kTimestamp;
  return std::nullopt;
}

uint32_t FixedWidth(LogicalType type) {
  switch (type) {
    case LogicalType::kInt64: case LogicalType::kDouble: case LogicalType::kTimestamp: return 8;
    case LogicalType::kInt32: case LogicalType::kFloat: case LogicalType::kDate: return 4;
    case LogicalType::kInt16: return 2;
    case LogicalType::kInt8: case LogicalType::kBool: return 1;
    default: return 0;
  }
}

struct Value::Composite {
  std::vector<Value> items;  // a LIST's items; a RECURSIVE_REL's nodes
  std::vector<Value> rels;   // a RECURSIVE_REL's relationships
  NodeValue node;
  RelValue rel;
};

Value Value::InternalId(uint32_t table, uint64_t offset) {
  Value v(LogicalType::kInternalId, static_cast<int64_t>(offset));
  v.table_ = table;
  return v;
}

Value Value::List(std::vector<Value> items) {
  Value v(LogicalType::kList, 0);
  auto c = std::make_shared<Composite>();
  c->items = std::move(items);
  v.composite_ = std::move(c);
  return v;
}

Value Value::Node(NodeValue node) {
  Value v(LogicalType::kNode, 0);
  auto c = std::make_shared<Composite>();
  c->node = std::move(node);
  v.composite_ = std::move(c);
  return v;
}

Value Value::Rel(RelValue rel) {
  Value v(LogicalType::kRel, 0);
  auto c = std::make_shared<Composite>();
  c->rel = std::move(rel);
  v.composite_ = std::move(c);
  return v;
}

Value Value::RecursiveRel(std::vector<Value> nodes, std::vector<Value> rels) {
  Value v(LogicalType::kRecursiveRel, 0);
  auto c = std::make_shared<Composite>();
  c->items = std::move(nodes);
  c->rels = std::move(rels);
  v.composite_ = std::move(c);
  return v;
}

const std::vector<Value>& Value::list_items() const { return composite_->items; }
const std::vector<Value>& Value::path_nodes() const { return composite_->items; }
const std::vector<Value>& Value::path_rels() const { return composite_->rels; }
const NodeValue& Value::node_value() const { return composite_->node; }
const RelValue& Value::rel_value() const { return composite_->rel; }

Value Value::Null(LogicalType type) {
  Value v;
  v.type_ = type;
  v.is_null_ = true;
  return v;
}

Value Value::Double(double d) {
  Value v(LogicalType::kDouble, 0);
  v.double_ = d;
  return v;
}

Value Value::Float(float f) {
  Value v(LogicalType::kFloat, 0);
  v.double_ = static_cast<double>(f);
  return v;
}

Value Value::String(std::string s) {
  Value v(LogicalType::kString, 0);
  v.string_ = std::move(s);
  return v;
}

namespace {
bool IsInteger(LogicalType t) {
  return t == LogicalType::kInt64 || t == LogicalType::kInt32 || t == LogicalType::kInt16 ||
         t == LogicalType::kInt8;
}
bool InRange(int64_t v, LogicalType t) {
  switch (t) {
    case LogicalType::kInt64: return true;
    case LogicalType::kInt32: return v >= INT32_MIN && v <= INT32_MAX;
    case LogicalType::kInt16: return v >= INT16_MIN && v <= INT16_MAX;
    case LogicalType::kInt8: return v >= INT8_MIN && v <= INT8_MAX;
    default: return false;
  }
}
}  // namespace

Result<Value> Value::CastTo(LogicalType target) const {
  if (type_ == target) return *this;
  if (is_null_) return Null(target);
  auto mismatch = [&]() {
    return InvalidArgument(std::string("cannot convert ") + LogicalTypeName(type_) + " value " +
                           ToString() + " to " + LogicalTypeName(target));
  };
  if (IsInteger(type_) && IsInteger(target)) {
    if (!InRange(int_, target)) return mismatch();
    Value v = *this;
    v.type_ = target;
    return v;
  }
  if (IsInteger(type_) && target == LogicalType::kDouble) return Double(static_cast<double>(int_));
  if (IsInteger(type_) && target == LogicalType::kFloat) return Float(static_cast<float>(int_));
  if (type_ == LogicalType::kFloat && target == LogicalType::kDouble) return Double(double_);
  if (type_ == LogicalType::kDouble && target == LogicalType::kFloat) {
    if (std::isfinite(double_) && std::fabs(double_) > std::numeric_limits<float>::max()) return mismatch();
    return Float(static_cast<float>(double_));
  }
  return mismatch();
}

namespace {
std::string ListToString(const std::vector<Value>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); i++) {
    if (i > 0) out += ",";
    out += items[i].ToString();
  }
  return out + "]";
}
}  // namespace

std::string Value::ToString() const {
  if (is_null_) return "";
  switch (type_) {
    case LogicalType::kInt64: case LogicalType::kInt32: case LogicalType::kInt16: case LogicalType::kInt8:
      return std::to_string(int_);
    case LogicalType::kDouble: return FormatDouble(double_);
    case LogicalType::kFloat: {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, static_cast<float>(double_));
      return std::string(buf, r.ptr);
    }
    case LogicalType::kBool: return int_ ? "True" : "False";
    case LogicalType::kString: return string_;
    case LogicalType::kDate: return FormatDate(static_cast<int32_t>(int_));
    case LogicalType::kTimestamp: return FormatTimestamp(int_);
    case LogicalType::kInternalId: return std::to_string(table_) + ":" + std::to_string(int_);
    case LogicalType::kList: return ListToString(composite_->items);
    case LogicalType::kRecursiveRel:
      return "{_NODES: " + ListToString(composite_->items) + ", _RELS: " + ListToString(composite_->rels) + "}";
    case LogicalType::kNode: {
      const NodeValue& n = composite_->node;
      std::string out = "{_ID: " + std::to_string(n.table) + ":" + std::to_string(n.offset) + ", _LABEL: " + n.label;
      for (const auto& [name, value] : n.properties) out += ", " + name + ": " + value.ToString();
      return out + "}";
    }
    case LogicalType::kRel: {
      const RelValue& r = composite_->rel;
      std::string out = "(" + std::to_string(r.src_table) + ":" + std::to_string(r.src_offset) + ")-{_LABEL: " +
                        r.label + ", _ID: " + std::to_string(r.table) + ":" + std::to_string(r.id);
      for (const auto& [name, value] : r.properties) out += ", " + name + ": " + value.ToString();
      return out + "}->(" + std::to_string(r.dst_table) + ":" + std::to_string(r.dst_offset) + ")";
    }
    case LogicalType::kAny: return "";
  }
  return "";
}

bool Value::operator==(const Value& o) const {
  if (type_ != o.type_ || is_null_ != o.is_null_) return false;
  if (is_null_) return true;
  switch (type_) {
    case LogicalType::kDouble: case LogicalType::kFloat:
      return double_ == o.double_ || (std::isnan(double_) && std::isnan(o.double_));
    case LogicalType::kString: return string_ == o.string_;
    case LogicalType::kInternalId: return table_ == o.table_ && int_ == o.int_;
    case LogicalType::kList: return composite_->items == o.composite_->items;
    case LogicalType::kRecursiveRel:
      return composite_->items == o.composite_->items && composite_->rels == o.composite_->rels;
    case LogicalType::kNode:
      return composite_->node.table == o.composite_->node.table && composite_->node.offset == o.composite_->node.offset;
    case LogicalType::kRel:
      return composite_->rel.table == o.composite_->rel.table && composite_->rel.id == o.composite_->rel.id;
    default: return int_ == o.int_;
  }
}

std::string FormatDouble(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// Days from civil date, after Howard Hinnant's public-domain algorithm.
namespace {
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp + (mp < 10 ? 3 : -9);
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}
bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
unsigned DaysInMonth(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}
// Reads exactly `width` digits at text[*pos].
bool ReadDigits(std::string_view text, size_t* pos, int width, int64_t* out) {
  if (*pos + width > text.size()) return false;
  int64_t v = 0;
  for (int i = 0; i < width; i++) {
    char c = text[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += width;
  *out = v;
  return true;
}
bool ParseDatePrefix(std::string_view text, size_t* pos, int32_t* days) {
  int64_t y, m, d;
  if (!ReadDigits(text, pos, 4, &y) || *pos >= text.size() || text[(*pos)++] != '-') return false;
  if (!ReadDigits(text, pos, 2, &m) || *pos >= text.size() || text[(*pos)++] != '-') return false;
  if (!ReadDigits(text, pos, 2, &d)) return false;
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, static_cast<unsigned>(m))) return false;
  *days = static_cast<int32_t>(DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)));
  return true;
}
}  // namespace

Result<int32_t> ParseDate(std::string_view text) {
  size_t pos = 0;
  int32_t days;
  if (!ParseDatePrefix(text, &pos, &days) || pos != text.size()) {
    return InvalidArgument("invalid DATE '" + std::string(text) + "' (expected YYYY-MM-DD)");
  }
  return days;
}

Result<int64_t> ParseTimestamp(std::string_view text) {
  auto bad = [&]() {
    return InvalidArgument("invalid TIMESTAMP '" + std::string(text) +
                           "' (expected YYYY-MM-DD hh:mm:ss[.ffffff])");
  };
  size_t pos = 0;
  int32_t days;
  if (!ParseDatePrefix(text, &pos, &days)) return bad();
  int64_t h = 0, mi = 0, s = 0, micros = 0;
  if (pos < text.size()) {
    if (text[pos] != ' ' && text[pos] != 'T') return bad();
    pos++;
    if (!ReadDigits(text, &pos, 2, &h) || pos >= text.size() || text[pos++] != ':') return bad();
    if (!ReadDigits(text, &pos, 2, &mi)) return bad();
    if (pos < text.size() && text[pos] == ':') {
      pos++;
      if (!ReadDigits(text, &pos, 2, &s)) return bad();
      if (pos < text.size() && text[pos] == '.') {
        pos++;
        int digits = 0;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
          if (digits < 6) micros = micros * 10 + (text[pos] - '0');
          digits++;
          pos++;
        }
        if (digits == 0) return bad();
        for (int i = digits; i < 6; i++) micros *= 10;
      }
    }
    if (pos < text.size() && text[pos] == 'Z') pos++;
    if (pos != text.size() || h > 23 || mi > 59 || s > 59) return bad();
  }
  return ((static_cast<int64_t>(days) * 24 + h) * 60 + mi) * 60 * 1000000 + s * 1000000 + micros;
}

std::string FormatDate(int32_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

std::string FormatTimestamp(int64_t micros) {
  int64_t day_micros = 86400LL * 1000000;
  int64_t days = micros / day_micros;
  int64_t rem = micros % day_micros;
  if (rem < 0) {
    rem += day_micros;
    days--;
  }
  int64_t secs = rem / 1000000, frac = rem % 1000000;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s %02lld:%02lld:%02lld", FormatDate(static_cast<int32_t>(days)).c_str(),
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60));
  std::string out = buf;
  if (frac != 0) {
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
    out += buf;
  }
  return out;
}

}  // namespace ruzu
