// Creates a tiny graph with ruzu, reopens it and reads it back.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "db/database.h"

int main() {
  char dir[] = "/tmp/ruzu_consumer_XXXXXX";
  if (mkdtemp(dir) == nullptr) return 1;
  const std::string path = std::string(dir) + "/hello.ruzu";
  using ruzu::LogicalType;
  using ruzu::Value;
  {
    auto db = ruzu::Database::Open(path);
    if (!db.ok()) return std::fprintf(stderr, "%s\n", db.status().ToString().c_str()), 1;
    auto txn = (*db)->Begin(ruzu::TransactionMode::kReadWrite);
    if (!txn.ok()) return 1;
    ruzu::Status s = (*txn)->CreateNodeTable("City", {{"name", LogicalType::kString}}, "name").status();
    if (s.ok()) s = (*txn)->CreateRelTable("Road", "City", "City", {{"km", LogicalType::kInt64}}).status();
    if (s.ok()) s = (*txn)->InsertNode("City", {Value::String("Bern")}).status();
    if (s.ok()) s = (*txn)->InsertNode("City", {Value::String("Basel")}).status();
    if (s.ok()) s = (*txn)->InsertRel("Road", Value::String("Bern"), Value::String("Basel"), {Value::Int64(95)}).status();
    if (s.ok()) s = (*txn)->Commit();
    if (!s.ok()) return std::fprintf(stderr, "%s\n", s.ToString().c_str()), 1;
  }
  auto db = ruzu::Database::Open(path);
  if (!db.ok()) return 1;
  auto txn = (*db)->Begin(ruzu::TransactionMode::kReadOnly);
  auto basel = (*txn)->LookupNode("City", Value::String("Basel"));
  if (!basel.ok() || !basel->has_value()) return 1;
  auto in = (*txn)->Neighbours("Road", **basel, /*forward=*/false);
  if (!in.ok() || in->size() != 1) return 1;
  auto km = (*txn)->GetRelProperties("Road", (*in)[0].rel_id);
  std::printf("roads into Basel: %zu, %s km\n", in->size(), (*km)[0].ToString().c_str());
  return 0;
}
