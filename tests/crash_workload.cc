#include "tests/crash_workload.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace ruzu {
namespace crash {
namespace {

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

Status CreateSchema(Transaction* txn) {
  RETURN_IF_ERROR(
      txn->CreateNodeTable("Txn", {{"id", LogicalType::kInt64}, {"k", LogicalType::kInt64}}, "id").status());
  RETURN_IF_ERROR(txn->CreateNodeTable("Person",
                                       {{"id", LogicalType::kInt64},
                                        {"txn", LogicalType::kInt64},
                                        {"name", LogicalType::kString}},
                                       "id")
                      .status());
  RETURN_IF_ERROR(txn->CreateRelTable("Wrote", "Txn", "Person", {{"txn", LogicalType::kInt64}}).status());
  RETURN_IF_ERROR(txn->CreateRelTable("Knows", "Person", "Person",
                                      {{"txn", LogicalType::kInt64}, {"seq", LogicalType::kInt64}})
                      .status());
  return Status::OK();
}

std::string RowText(const std::vector<Value>& row) {
  std::string out = "{";
  for (size_t i = 0; i < row.size(); i++) {
    if (i > 0) out += ", ";
    out += row[i].is_null() ? "NULL" : row[i].ToString();
  }
  return out + "}";
}

// Checks one workload transaction; appends problems to *problems.
class Checker {
 public:
  Checker(Transaction* txn, uint64_t seed, int64_t scale, std::vector<std::string>* problems)
      : txn_(txn), seed_(seed), scale_(scale), problems_(problems) {}

  void Problem(const std::string& p) { problems_->push_back(p); }

  std::optional<uint64_t> Lookup(const std::string& table, int64_t key) {
    Result<std::optional<uint64_t>> r = txn_->LookupNode(table, Value::Int64(key));
    if (!r.ok()) {
      Problem("LookupNode(" + table + ", " + std::to_string(key) + "): " + r.status().ToString());
      return std::nullopt;
    }
    return *r;
  }

  void CheckTxn(int64_t t) {
    const std::string where = "txn " + std::to_string(t) + ": ";
    const int64_t k = WorkloadK(seed_, t, scale_);
    std::optional<uint64_t> marker = Lookup("Txn", t);
    if (!marker) return Problem(where + "marker Txn{id: " + std::to_string(t) + "} is missing");
    Result<std::vector<Value>> row = txn_->GetNode("Txn", *marker);
    if (!row.ok()) return Problem(where + "GetNode(Txn): " + row.status().ToString());
    if (*row != std::vector<Value>{Value::Int64(t), Value::Int64(k)}) {
      Problem(where + "marker is " + RowText(*row) + ", expected k = " + std::to_string(k));
    }
    std::vector<uint64_t> people(k);
    for (int64_t i = 0; i < k; i++) {
      const int64_t key = PersonKey(t, i);
      std::optional<uint64_t> off = Lookup("Person", key);
      if (!off) return Problem(where + "Person " + std::to_string(key) + " is missing");
      people[i] = *off;
      Result<std::vector<Value>> p = txn_->GetNode("Person", *off);
      if (!p.ok()) return Problem(where + "GetNode(Person): " + p.status().ToString());
      const std::vector<Value> want{Value::Int64(key), Value::Int64(t), Value::String(PersonName(seed_, t, i))};
      if (*p != want) Problem(where + "Person " + std::to_string(key) + " is " + RowText(*p));
    }
    // Wrote: K edges out of the marker, one into each of its Person nodes.
    Result<std::vector<Edge>> out = txn_->Neighbours("Wrote", *marker, /*forward=*/true);
    if (!out.ok()) return Problem(where + "Neighbours(Wrote, forward): " + out.status().ToString());
    std::multiset<uint64_t> got, want(people.begin(), people.end());
    std::map<uint64_t, uint64_t> rel_of;  // person offset -> Wrote rel id
    for (const Edge& e : *out) {
      got.insert(e.neighbour);
      rel_of[e.neighbour] = e.rel_id;
      Result<std::vector<Value>> props = txn_->GetRelProperties("Wrote", e.rel_id);
      if (!props.ok()) {
        Problem(where + "GetRelProperties(Wrote): " + props.status().ToString());
      } else if (*props != std::vector<Value>{Value::Int64(t)}) {
        Problem(where + "Wrote " + std::to_string(e.rel_id) + " has properties " + RowText(*props));
      }
    }
    if (got != want) {
      Problem(where + "marker has " + std::to_string(out->size()) + " Wrote edges, expected " + std::to_string(k) +
              " to its own Person nodes");
    }
    for (int64_t i = 0; i < k; i++) {
      Result<std::vector<Edge>> in = txn_->Neighbours("Wrote", people[i], /*forward=*/false);
      if (!in.ok()) return Problem(where + "Neighbours(Wrote, backward): " + in.status().ToString());
      if (in->size() != 1 || (*in)[0].neighbour != *marker || (*in)[0].rel_id != rel_of[people[i]]) {
        Problem(where + "Person " + std::to_string(PersonKey(t, i)) + " has " + std::to_string(in->size()) +
                " incoming Wrote edges; expected exactly the one from its marker");
      }
    }
    // Knows: one edge out of each Person node, seen from both ends.
    for (int64_t i = 0; i < k; i++) {
      const int64_t target_key = KnowsTarget(seed_, t, i, scale_);
      std::optional<uint64_t> target = Lookup("Person", target_key);
      if (!target) return Problem(where + "Knows target Person " + std::to_string(target_key) + " is missing");
      Result<std::vector<Edge>> fwd = txn_->Neighbours("Knows", people[i], /*forward=*/true);
      if (!fwd.ok()) return Problem(where + "Neighbours(Knows, forward): " + fwd.status().ToString());
      if (fwd->size() != 1 || (*fwd)[0].neighbour != *target) {
        Problem(where + "Person " + std::to_string(PersonKey(t, i)) + " has " + std::to_string(fwd->size()) +
                " outgoing Knows edges; expected one to Person " + std::to_string(target_key));
        continue;
      }
      const uint64_t rel = (*fwd)[0].rel_id;
      Result<std::vector<Value>> props = txn_->GetRelProperties("Knows", rel);
      if (!props.ok()) {
        Problem(where + "GetRelProperties(Knows): " + props.status().ToString());
      } else if (*props != std::vector<Value>{Value::Int64(t), Value::Int64(i)}) {
        Problem(where + "Knows " + std::to_string(rel) + " has properties " + RowText(*props));
      }
      Result<std::vector<Edge>> back = txn_->Neighbours("Knows", *target, /*forward=*/false);
      if (!back.ok()) return Problem(where + "Neighbours(Knows, backward): " + back.status().ToString());
      const bool found = std::any_of(back->begin(), back->end(), [&](const Edge& e) {
        return e.rel_id == rel && e.neighbour == people[i];
      });
      if (!found) {
        Problem(where + "Knows " + std::to_string(rel) + " is missing from the backward list of Person " +
                std::to_string(target_key));
      }
    }
  }

 private:
  Transaction* txn_;
  uint64_t seed_;
  int64_t scale_;
  std::vector<std::string>* problems_;
};

}  // namespace

int64_t WorkloadK(uint64_t seed, int64_t t, int64_t scale) {
  return (1 + static_cast<int64_t>(Mix(seed ^ Mix(static_cast<uint64_t>(t) * 3 + 1)) % 6)) * scale;
}

int64_t PersonKey(int64_t t, int64_t i) { return t * 10000 + i; }

std::string PersonName(uint64_t seed, int64_t t, int64_t i) {
  const uint64_t h = Mix(seed ^ Mix(static_cast<uint64_t>(PersonKey(t, i)) * 3 + 2));
  return "person-" + std::to_string(t) + "-" + std::to_string(i) + std::string(h % 40, '.');
}

int64_t KnowsTarget(uint64_t seed, int64_t t, int64_t i, int64_t scale) {
  const uint64_t h = Mix(seed ^ Mix(static_cast<uint64_t>(PersonKey(t, i)) * 3 + 3));
  const int64_t t2 = static_cast<int64_t>(h % static_cast<uint64_t>(t + 1));
  const int64_t j = static_cast<int64_t>((h >> 32) % static_cast<uint64_t>(WorkloadK(seed, t2, scale)));
  return PersonKey(t2, j);
}

Status WriteWorkloadTxn(Transaction* txn, uint64_t seed, int64_t t, int64_t scale) {
  if (t == 0) RETURN_IF_ERROR(CreateSchema(txn));
  const int64_t k = WorkloadK(seed, t, scale);
  RETURN_IF_ERROR(txn->InsertNode("Txn", {Value::Int64(t), Value::Int64(k)}).status());
  for (int64_t i = 0; i < k; i++) {
    RETURN_IF_ERROR(txn->InsertNode("Person", {Value::Int64(PersonKey(t, i)), Value::Int64(t),
                                               Value::String(PersonName(seed, t, i))})
                        .status());
  }
  for (int64_t i = 0; i < k; i++) {
    RETURN_IF_ERROR(
        txn->InsertRel("Wrote", Value::Int64(t), Value::Int64(PersonKey(t, i)), {Value::Int64(t)}).status());
  }
  for (int64_t i = 0; i < k; i++) {
    RETURN_IF_ERROR(txn->InsertRel("Knows", Value::Int64(PersonKey(t, i)), Value::Int64(KnowsTarget(seed, t, i, scale)),
                                   {Value::Int64(t), Value::Int64(i)})
                        .status());
  }
  return Status::OK();
}

std::string WorkloadCheck::Summary() const {
  std::string out;
  for (size_t i = 0; i < problems.size() && i < 20; i++) out += "  " + problems[i] + "\n";
  if (problems.size() > 20) out += "  ... and " + std::to_string(problems.size() - 20) + " more\n";
  return out;
}

WorkloadCheck CheckWorkload(Database* db, uint64_t seed, int64_t min_present, int64_t max_present,
                            int64_t scale) {
  WorkloadCheck check;
  auto problem = [&](const std::string& p) { check.problems.push_back(p); };
  const Catalog catalog = db->CatalogSnapshot();
  const char* kTables[] = {"Txn", "Person", "Wrote", "Knows"};
  int tables = 0;
  for (const char* name : kTables) tables += catalog.FindTable(name) != nullptr ? 1 : 0;
  if (catalog.Tables().size() != static_cast<size_t>(tables)) {
    problem("the catalog holds " + std::to_string(catalog.Tables().size()) + " tables, " +
            std::to_string(tables) + " of them from the workload");
  }
  if (tables == 0) {
    check.present = 0;
    if (min_present > 0) {
      problem("no tables, but transactions 0.." + std::to_string(min_present - 1) + " were acknowledged");
    }
    return check;
  }
  if (tables != 4) {
    problem("only " + std::to_string(tables) + " of the 4 tables of transaction 0 exist");
    return check;
  }
  Result<std::unique_ptr<Transaction>> begun = db->Begin(TransactionMode::kReadOnly);
  if (!begun.ok()) {
    problem("Begin(read-only): " + begun.status().ToString());
    return check;
  }
  Transaction* txn = begun->get();
  Result<uint64_t> markers = txn->CountNodes("Txn");
  if (!markers.ok()) {
    problem("CountNodes(Txn): " + markers.status().ToString());
    return check;
  }
  const int64_t n = static_cast<int64_t>(*markers);
  check.present = n;
  if (n < min_present || n > max_present) {
    problem(std::to_string(n) + " transactions present; expected between " + std::to_string(min_present) +
            " and " + std::to_string(max_present) + (n < min_present ? " (acknowledged commits LOST)" : ""));
  }
  if (n == 0) problem("the tables exist but transaction 0 (which created them) has no marker");
  uint64_t total = 0;
  for (int64_t t = 0; t < n; t++) total += static_cast<uint64_t>(WorkloadK(seed, t, scale));
  auto expect_count = [&](const std::string& table, bool rel) {
    Result<uint64_t> c = rel ? txn->CountRels(table) : txn->CountNodes(table);
    if (!c.ok()) return problem("count " + table + ": " + c.status().ToString());
    if (*c != total) {
      problem(table + " holds " + std::to_string(*c) + " rows; transactions 0.." + std::to_string(n - 1) +
              " make " + std::to_string(total) + " (a partial transaction?)");
    }
  };
  expect_count("Person", false);
  expect_count("Wrote", true);
  expect_count("Knows", true);
  Checker checker(txn, seed, scale, &check.problems);
  for (int64_t t = 0; t < n && check.problems.size() < 50; t++) checker.CheckTxn(t);
  // Nothing of the next transactions.
  for (int64_t t = n; t < n + 2; t++) {
    if (checker.Lookup("Txn", t)) problem("marker of transaction " + std::to_string(t) + " exists beyond the count");
    if (checker.Lookup("Person", PersonKey(t, 0))) {
      problem("Person " + std::to_string(PersonKey(t, 0)) + " of absent transaction " + std::to_string(t) +
              " exists (partial transaction)");
    }
  }
  return check;
}

}  // namespace crash
}  // namespace ruzu
