#include "fuzz/fuzz_util.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/logging.h"

namespace ruzu::fuzz {

void Fail(const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "\n==ruzu fuzz== oracle failed at %s:%d: %s\n", file, line, what.c_str());
  std::fflush(stderr);
  std::abort();
}

bool IsTypedError(StatusCode code) { return code != StatusCode::kOk && code != StatusCode::kInternal; }

bool SameValue(const Value& a, const Value& b) {
  if (a.type() != b.type() || a.is_null() != b.is_null()) return false;
  if (a.is_null()) return true;
  switch (a.type()) {
    case LogicalType::kDouble:
    case LogicalType::kFloat: {
      double x = a.double_value(), y = b.double_value();
      return std::memcmp(&x, &y, sizeof(x)) == 0 || (x != x && y != y);
    }
    case LogicalType::kString:
      return a.string_value() == b.string_value();
    case LogicalType::kList: {
      const auto& l = a.list_items();
      const auto& r = b.list_items();
      if (l.size() != r.size()) return false;
      for (size_t i = 0; i < l.size(); i++) {
        if (!SameValue(l[i], r[i])) return false;
      }
      return true;
    }
    case LogicalType::kRecursiveRel:
      return SameValue(Value::List(a.path_nodes()), Value::List(b.path_nodes())) &&
             SameValue(Value::List(a.path_rels()), Value::List(b.path_rels()));
    case LogicalType::kNode:
    case LogicalType::kRel:
      return a == b;
    default:
      return a.int_value() == b.int_value() && a.id_table() == b.id_table();
  }
}

std::string Describe(const Value& v) {
  std::string out = LogicalTypeName(v.type());
  out += v.is_null() ? " NULL" : " '" + v.ToString() + "'";
  return out;
}

void QuietLogging() { FLAGS_minloglevel = google::GLOG_FATAL; }

}  // namespace ruzu::fuzz
