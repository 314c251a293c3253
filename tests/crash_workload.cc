#include "tests/crash_workload.h"

#include <algorithm>
#include <iterator>
#include <list>
#include <mutex>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace ruzu {
namespace crash {
namespace {

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The random choices of one transaction: a function of (seed, t) only.
class Rng {
 public:
  Rng(uint64_t seed, int64_t t) : state_(Mix(seed ^ Mix(static_cast<uint64_t>(t) * 3 + 4))) {}
  uint64_t Next() {
    state_ = Mix(state_);
    return state_;
  }
  int64_t Below(int64_t n) { return static_cast<int64_t>(Next() % static_cast<uint64_t>(n)); }

 private:
  uint64_t state_;
};

std::string Pad(uint64_t seed, int64_t t, int64_t key, uint64_t salt, int max, char c) {
  const uint64_t h = Mix(seed ^ Mix(static_cast<uint64_t>(key) * 7 + salt) ^ Mix(static_cast<uint64_t>(t) + 11));
  return std::string(h % static_cast<uint64_t>(max), c);
}

// The name SET on Person `key` by transaction t (phase A).
std::string RenamedName(uint64_t seed, int64_t t, int64_t key) {
  return "renamed-" + std::to_string(t) + "-" + std::to_string(key) + Pad(seed, t, key, 1, 90, '+');
}

// The name of deleted key `key` inserted again by transaction t (phase D).
std::string RebornName(uint64_t seed, int64_t t, int64_t key) {
  return "reborn-" + std::to_string(t) + "-" + std::to_string(key) + Pad(seed, t, key, 2, 30, '*');
}

// A Knows edge is identified by its (txn, seq) properties, encoded like a
// Person key: it always leaves the Person created with that key in that
// transaction (re-inserted keys get no Knows edges).
int64_t KnowsTxn(int64_t id) { return id / 10000; }
int64_t KnowsSeq(int64_t id) { return id % 10000; }
std::string KnowsName(int64_t id) {
  return "Knows{txn: " + std::to_string(KnowsTxn(id)) + ", seq: " + std::to_string(KnowsSeq(id)) + "}";
}

// A Wrote edge is identified by (its marker's txn, its target's key).
using WroteId = std::pair<int64_t, int64_t>;
std::string WroteName(const WroteId& id) {
  return "Wrote Txn " + std::to_string(id.first) + " -> Person " + std::to_string(id.second);
}

Value Touched(const std::optional<int64_t>& v) { return v ? Value::Int64(*v) : Value::Null(LogicalType::kInt64); }

std::string RowText(const std::vector<Value>& row) {
  std::string out = "{";
  for (size_t i = 0; i < row.size(); i++) {
    if (i > 0) out += ", ";
    out += row[i].is_null() ? "NULL" : row[i].ToString();
  }
  return out + "}";
}

Status CreateSchema(Transaction* txn) {
  RETURN_IF_ERROR(
      txn->CreateNodeTable("Txn", {{"id", LogicalType::kInt64}, {"k", LogicalType::kInt64}}, "id").status());
  RETURN_IF_ERROR(txn->CreateNodeTable("Person",
                                       {{"id", LogicalType::kInt64},
                                        {"txn", LogicalType::kInt64},
                                        {"name", LogicalType::kString},
                                        {"touched", LogicalType::kInt64}},
                                       "id")
                      .status());
  RETURN_IF_ERROR(txn->CreateRelTable("Wrote", "Txn", "Person",
                                      {{"txn", LogicalType::kInt64}, {"touched", LogicalType::kInt64}})
                      .status());
  RETURN_IF_ERROR(txn->CreateRelTable(
                         "Knows", "Person", "Person",
                         {{"txn", LogicalType::kInt64}, {"seq", LogicalType::kInt64}, {"touched", LogicalType::kInt64}})
                      .status());
  return Status::OK();
}

// Uniform picks from a set that changes: a vector with swap-remove, so the
// picks are a deterministic function of the history of adds and removes.
template <typename K>
class Sampler {
 public:
  void Add(const K& k) {
    pos_[k] = items_.size();
    items_.push_back(k);
  }
  void Remove(const K& k) {
    auto it = pos_.find(k);
    if (it == pos_.end()) return;
    const size_t i = it->second;
    pos_.erase(it);
    if (i + 1 != items_.size()) {
      items_[i] = items_.back();
      pos_[items_[i]] = i;
    }
    items_.pop_back();
  }
  bool empty() const { return items_.empty(); }
  K Pick(Rng* rng) const { return items_[static_cast<size_t>(rng->Below(static_cast<int64_t>(items_.size())))]; }

 private:
  std::vector<K> items_;
  std::map<K, size_t> pos_;
};

// One write of a workload transaction, in logical terms (keys, not offsets).
struct Op {
  enum Kind {
    kSchema,
    kInsertMarker,  // a: txn, values: the row
    kInsertPerson,  // a: key, values: the row
    kInsertWrote,   // a: txn, b: target key, values: properties
    kInsertKnows,   // a: Knows id (= source key), b: target key, values: properties
    kSetPerson,     // a: key, property, values[0]
    kSetKnows,      // a: Knows id, property, values[0]
    kSetWrote,      // a: txn, b: target key, property, values[0]
    kDeleteKnows,   // a: Knows id
    kDeleteWrote,   // a: txn, b: target key
    kDeletePerson,  // a: key (DETACH DELETE)
  };
  Kind kind = kSchema;
  int64_t a = 0;
  int64_t b = 0;
  std::string property;
  std::vector<Value> values;

  std::string Describe() const {
    const std::string v = values.empty() ? "" : RowText(values);
    switch (kind) {
      case kSchema: return "create the tables";
      case kInsertMarker: return "insert Txn " + v;
      case kInsertPerson: return "insert Person " + v;
      case kInsertWrote: return "insert " + WroteName({a, b}) + " " + v;
      case kInsertKnows: return "insert Knows Person " + std::to_string(a) + " -> Person " + std::to_string(b) + " " + v;
      case kSetPerson: return "SET Person " + std::to_string(a) + "." + property + " = " + v;
      case kSetKnows: return "SET " + KnowsName(a) + "." + property + " = " + v;
      case kSetWrote: return "SET " + WroteName({a, b}) + "." + property + " = " + v;
      case kDeleteKnows: return "delete " + KnowsName(a);
      case kDeleteWrote: return "delete " + WroteName({a, b});
      case kDeletePerson: return "DETACH DELETE Person " + std::to_string(a);
    }
    return "?";
  }
};

struct PersonRow {
  int64_t txn = 0;  // the transaction that (last) inserted the key
  std::string name;
  std::optional<int64_t> touched;
  int64_t renamed_by = -1;
};

struct KnowsRow {
  int64_t src = 0, dst = 0;  // Person keys
  std::optional<int64_t> touched;
};

struct WroteRow {
  std::optional<int64_t> touched;
};

// Why an entity is gone: the transaction and how.
struct Gone {
  int64_t txn = 0;
  std::string how;
  std::string Describe() const { return "transaction " + std::to_string(txn) + " deleted it (" + how + ")"; }
};

}  // namespace

// The expected state after transactions 0..txns()-1, and the generator of
// the next transaction.
class WorkloadModel {
 public:
  WorkloadModel(uint64_t seed, int64_t scale) : seed_(seed), scale_(scale) {}

  int64_t txns() const { return static_cast<int64_t>(markers.size()); }

  uint64_t seed() const { return seed_; }
  int64_t scale() const { return scale_; }

  // Applies transaction txns(); appends its writes, in order, to *ops when
  // ops is not null.
  void ApplyNext(std::vector<Op>* ops) {
    t_ = txns();
    // Creates grow with the scale; changes to earlier entities only up to
    // 64x (enough to touch every node group of the largest test databases).
    const int64_t s = std::min<int64_t>(scale_, 64);
    out_ = ops;
    per_txn.emplace_back();
    st_ = &per_txn.back();
    markers.push_back(WorkloadK(seed_, t_, scale_));
    Rng rng(seed_, t_);
    if (t_ == 0) Emit(Op{Op::kSchema, 0, 0, "", {}});

    // A. SETs on nodes and relationships of earlier transactions.
    for (int64_t n = (1 + rng.Below(2)) * s; n > 0 && !live_persons_.empty(); n--) {
      const int64_t key = live_persons_.Pick(&rng);
      SetPerson(key, "touched");
      if (rng.Below(3) == 0) SetPerson(key, "name");
    }
    for (int64_t n = rng.Below(3) * s; n > 0 && !live_knows_.empty(); n--) SetKnows(live_knows_.Pick(&rng));
    for (int64_t n = rng.Below(2) * s; n > 0 && !live_wrote_.empty(); n--) SetWrote(live_wrote_.Pick(&rng));

    // B. Deletes of earlier relationships.
    for (int64_t n = rng.Below(3) * s; n > 0 && !live_knows_.empty(); n--) {
      DeleteKnows(live_knows_.Pick(&rng), "DeleteRel");
    }
    if (rng.Below(4) == 0) {
      for (int64_t n = s; n > 0 && !live_wrote_.empty(); n--) DeleteWrote(live_wrote_.Pick(&rng), "DeleteRel");
    }

    // C. DETACH DELETE of earlier nodes; some keys come back in D.
    std::vector<int64_t> reborn;
    if (rng.Below(4) != 0) {
      for (int64_t n = (s + 9) / 10; n > 0 && !live_persons_.empty(); n--) {
        const int64_t key = live_persons_.Pick(&rng);
        DeletePerson(key);
        if (rng.Below(2) == 0) reborn.push_back(key);
      }
    }

    // D. Creates.
    const int64_t k = markers.back();
    Emit(Op{Op::kInsertMarker, t_, 0, "", {Value::Int64(t_), Value::Int64(k)}});
    st_->nodes_created++;
    for (int64_t i = 0; i < k; i++) InsertPerson(PersonKey(t_, i), PersonName(seed_, t_, i));
    for (int64_t key : reborn) {
      InsertPerson(key, RebornName(seed_, t_, key));
      st_->reinserts++;
    }
    for (int64_t i = 0; i < k; i++) InsertWrote(PersonKey(t_, i));
    for (int64_t key : reborn) InsertWrote(key);
    for (int64_t i = 0; i < k; i++) InsertKnows(PersonKey(t_, i), live_persons_.Pick(&rng));

    // E. Changes to what this transaction created itself.
    if (rng.Below(2) == 0) SetPerson(PersonKey(t_, rng.Below(k)), "touched");
    if (rng.Below(2) == 0) SetKnows(PersonKey(t_, rng.Below(k)));
    if (rng.Below(3) == 0) DeleteKnows(PersonKey(t_, rng.Below(k)), "DeleteRel of an edge inserted by the same transaction");
    if (k > 1 && rng.Below(6) == 0) DeletePerson(PersonKey(t_, k - 1));
    out_ = nullptr;
    st_ = nullptr;
  }

  // The state.
  std::vector<int64_t> markers;  // k of marker t
  std::map<int64_t, PersonRow> persons;
  std::map<int64_t, KnowsRow> knows;
  std::map<WroteId, WroteRow> wrote;
  std::map<int64_t, Gone> persons_gone;  // keys deleted and not inserted again
  std::map<int64_t, Gone> knows_gone;
  std::map<WroteId, Gone> wrote_gone;
  std::vector<TxnOps> per_txn;

 private:
  void Emit(Op op) {
    if (out_ != nullptr) out_->push_back(std::move(op));
  }

  void InsertPerson(int64_t key, std::string name) {
    PersonRow row;
    row.txn = t_;
    row.name = std::move(name);
    Emit(Op{Op::kInsertPerson, key, 0, "",
                       {Value::Int64(key), Value::Int64(t_), Value::String(row.name), Touched(std::nullopt)}});
    persons[key] = std::move(row);
    persons_gone.erase(key);
    live_persons_.Add(key);
    st_->nodes_created++;
  }

  void InsertWrote(int64_t dst) {
    const WroteId id{t_, dst};
    Emit(Op{Op::kInsertWrote, t_, dst, "", {Value::Int64(t_), Touched(std::nullopt)}});
    wrote[id] = WroteRow{};
    wrote_into_[dst] = id;
    live_wrote_.Add(id);
    st_->rels_created++;
  }

  void InsertKnows(int64_t src, int64_t dst) {
    Emit(Op{Op::kInsertKnows, src, dst, "",
                       {Value::Int64(KnowsTxn(src)), Value::Int64(KnowsSeq(src)), Touched(std::nullopt)}});
    knows[src] = KnowsRow{src, dst, std::nullopt};
    knows_at_[src].insert(src);
    knows_at_[dst].insert(src);
    live_knows_.Add(src);
    st_->rels_created++;
  }

  void SetPerson(int64_t key, const std::string& property) {
    PersonRow& row = persons.at(key);
    Value v;
    if (property == "touched") {
      row.touched = t_;
      v = Value::Int64(t_);
    } else {
      row.name = RenamedName(seed_, t_, key);
      row.renamed_by = t_;
      v = Value::String(row.name);
    }
    Emit(Op{Op::kSetPerson, key, 0, property, {v}});
    st_->node_sets++;
  }

  void SetKnows(int64_t id) {
    knows.at(id).touched = t_;
    Emit(Op{Op::kSetKnows, id, 0, "touched", {Value::Int64(t_)}});
    st_->rel_sets++;
  }

  void SetWrote(const WroteId& id) {
    wrote.at(id).touched = t_;
    Emit(Op{Op::kSetWrote, id.first, id.second, "touched", {Value::Int64(t_)}});
    st_->rel_sets++;
  }

  // explicit_how: a DeleteRel call (emitted and counted); otherwise the
  // edge goes with a DETACH DELETE.
  void DeleteKnows(int64_t id, const std::string& how, bool explicit_delete = true) {
    const KnowsRow row = knows.at(id);
    if (explicit_delete) {
      Emit(Op{Op::kDeleteKnows, id, 0, "", {}});
      st_->rel_deletes++;
    } else {
      st_->detached_rels++;
    }
    knows_at_[row.src].erase(id);
    knows_at_[row.dst].erase(id);
    knows.erase(id);
    live_knows_.Remove(id);
    knows_gone[id] = Gone{t_, how};
  }

  void DeleteWrote(WroteId id, const std::string& how, bool explicit_delete = true) {
    if (explicit_delete) {
      Emit(Op{Op::kDeleteWrote, id.first, id.second, "", {}});
      st_->rel_deletes++;
    } else {
      st_->detached_rels++;
    }
    wrote_into_.erase(id.second);
    wrote.erase(id);
    live_wrote_.Remove(id);
    wrote_gone[id] = Gone{t_, how};
  }

  void DeletePerson(int64_t key) {
    Emit(Op{Op::kDeletePerson, key, 0, "", {}});
    st_->node_deletes++;
    const std::string how = "DETACH DELETE of Person " + std::to_string(key);
    const std::set<int64_t> attached = knows_at_[key];
    for (int64_t id : attached) DeleteKnows(id, how, false);
    knows_at_.erase(key);
    auto w = wrote_into_.find(key);
    if (w != wrote_into_.end()) {
      const WroteId id = w->second;  // DeleteWrote erases the entry
      DeleteWrote(id, how, false);
    }
    persons.erase(key);
    live_persons_.Remove(key);
    persons_gone[key] = Gone{t_, "DETACH DELETE"};
  }

  uint64_t seed_;
  int64_t scale_;
  std::map<int64_t, std::set<int64_t>> knows_at_;  // Person key -> Knows ids with an end there
  std::map<int64_t, WroteId> wrote_into_;          // Person key -> its incoming Wrote edge
  Sampler<int64_t> live_persons_;
  Sampler<int64_t> live_knows_;
  Sampler<WroteId> live_wrote_;
  // The transaction being applied.
  int64_t t_ = 0;
  TxnOps* st_ = nullptr;
  std::vector<Op>* out_ = nullptr;
};

namespace {

// Runs a transaction's writes through the API, resolving keys to offsets and
// relationship ids with lookups inside the same transaction.
class Executor {
 public:
  Executor(Transaction* txn, int64_t t) : txn_(txn), t_(t) {}

  Status Run(const std::vector<Op>& ops) {
    for (const Op& op : ops) {
      Status s = RunOne(op);
      if (!s.ok()) return s.WithContext("workload transaction " + std::to_string(t_) + ": " + op.Describe());
    }
    return Status::OK();
  }

 private:
  Result<uint64_t> Node(const std::string& table, int64_t key) {
    ASSIGN_OR_RETURN(std::optional<uint64_t> offset, txn_->LookupNode(table, Value::Int64(key)));
    if (!offset) return NotFound(table + " " + std::to_string(key) + " is not in the database, but the model has it");
    return *offset;
  }

  // (source offset, relationship id) of Knows edge `id`.
  Result<std::pair<uint64_t, uint64_t>> FindKnows(int64_t id) {
    ASSIGN_OR_RETURN(uint64_t src, Node("Person", id));
    ASSIGN_OR_RETURN(std::vector<Edge> out, txn_->Neighbours("Knows", src, /*forward=*/true));
    for (const Edge& e : out) {
      ASSIGN_OR_RETURN(std::vector<Value> props, txn_->GetRelProperties("Knows", e.rel_id));
      if (props.size() == 3 && props[0] == Value::Int64(KnowsTxn(id)) && props[1] == Value::Int64(KnowsSeq(id))) {
        return std::make_pair(src, e.rel_id);
      }
    }
    return NotFound(KnowsName(id) + " is not among the " + std::to_string(out.size()) +
                    " outgoing Knows edges of Person " + std::to_string(id) + ", but the model has it");
  }

  Result<std::pair<uint64_t, uint64_t>> FindWrote(const WroteId& id) {
    ASSIGN_OR_RETURN(uint64_t src, Node("Txn", id.first));
    ASSIGN_OR_RETURN(uint64_t dst, Node("Person", id.second));
    ASSIGN_OR_RETURN(std::vector<Edge> out, txn_->Neighbours("Wrote", src, /*forward=*/true));
    for (const Edge& e : out) {
      if (e.neighbour == dst) return std::make_pair(src, e.rel_id);
    }
    return NotFound(WroteName(id) + " is not among the " + std::to_string(out.size()) +
                    " outgoing Wrote edges of its marker, but the model has it");
  }

  Status RunOne(const Op& op) {
    switch (op.kind) {
      case Op::kSchema:
        return CreateSchema(txn_);
      case Op::kInsertMarker:
        return txn_->InsertNode("Txn", op.values).status();
      case Op::kInsertPerson:
        return txn_->InsertNode("Person", op.values).status();
      case Op::kInsertWrote:
        return txn_->InsertRel("Wrote", Value::Int64(op.a), Value::Int64(op.b), op.values).status();
      case Op::kInsertKnows:
        return txn_->InsertRel("Knows", Value::Int64(op.a), Value::Int64(op.b), op.values).status();
      case Op::kSetPerson: {
        ASSIGN_OR_RETURN(uint64_t offset, Node("Person", op.a));
        return txn_->SetNodeProperty("Person", offset, op.property, op.values[0]);
      }
      case Op::kSetKnows: {
        ASSIGN_OR_RETURN(auto rel, FindKnows(op.a));
        return txn_->SetRelProperty("Knows", rel.first, rel.second, op.property, op.values[0]);
      }
      case Op::kSetWrote: {
        ASSIGN_OR_RETURN(auto rel, FindWrote({op.a, op.b}));
        return txn_->SetRelProperty("Wrote", rel.first, rel.second, op.property, op.values[0]);
      }
      case Op::kDeleteKnows: {
        ASSIGN_OR_RETURN(auto rel, FindKnows(op.a));
        return txn_->DeleteRel("Knows", rel.first, rel.second);
      }
      case Op::kDeleteWrote: {
        ASSIGN_OR_RETURN(auto rel, FindWrote({op.a, op.b}));
        return txn_->DeleteRel("Wrote", rel.first, rel.second);
      }
      case Op::kDeletePerson: {
        ASSIGN_OR_RETURN(uint64_t offset, Node("Person", op.a));
        return txn_->DeleteNode("Person", offset, /*detach=*/true);
      }
    }
    return InternalError("unknown workload op");
  }

  Transaction* txn_;
  int64_t t_;
};

// Models are rebuilt by every check and every writer; keep the last few
// (read-only, shared) and build new ones forward from the nearest.
std::shared_ptr<const WorkloadModel> ModelAt(uint64_t seed, int64_t scale, int64_t n) {
  static std::mutex mu;
  static std::list<std::shared_ptr<const WorkloadModel>> cache;  // most recent first
  std::shared_ptr<const WorkloadModel> base;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (auto it = cache.begin(); it != cache.end(); ++it) {
      const WorkloadModel& m = **it;
      if (m.seed() != seed || m.scale() != scale || m.txns() > n) continue;
      if (m.txns() == n) {
        base = *it;
        cache.erase(it);
        cache.push_front(base);
        return base;
      }
      if (base == nullptr || m.txns() > base->txns()) base = *it;
    }
  }
  auto model = base != nullptr ? std::make_shared<WorkloadModel>(*base) : std::make_shared<WorkloadModel>(seed, scale);
  while (model->txns() < n) model->ApplyNext(nullptr);
  std::lock_guard<std::mutex> lock(mu);
  cache.push_front(model);
  if (cache.size() > 6) cache.pop_back();
  return model;
}

// What the first absent transaction would change: to point at partial
// transactions in problem messages.
struct NextTxn {
  int64_t t = 0;
  std::set<int64_t> persons;  // created, SET or deleted
  std::set<int64_t> knows;
  std::set<WroteId> wrote;

  std::string Hint(bool touched) const {
    return touched ? " (transaction " + std::to_string(t) +
                         ", which is not present, changes it: a partially applied transaction?)"
                   : "";
  }
};

NextTxn DescribeNext(const WorkloadModel& model) {
  WorkloadModel after = model;
  NextTxn next;
  next.t = model.txns();
  std::vector<Op> ops;
  after.ApplyNext(&ops);
  for (const Op& op : ops) {
    switch (op.kind) {
      case Op::kInsertPerson:
      case Op::kSetPerson:
      case Op::kDeletePerson:
        next.persons.insert(op.a);
        break;
      case Op::kInsertKnows:
      case Op::kSetKnows:
      case Op::kDeleteKnows:
        next.knows.insert(op.a);
        break;
      case Op::kInsertWrote:
      case Op::kSetWrote:
      case Op::kDeleteWrote:
        next.wrote.insert({op.a, op.b});
        break;
      default:
        break;
    }
  }
  // Edges a DETACH DELETE of the next transaction takes along.
  for (const auto& [id, row] : model.knows) {
    if (next.persons.count(row.src) || next.persons.count(row.dst)) next.knows.insert(id);
  }
  for (const auto& [id, row] : model.wrote) {
    if (next.persons.count(id.second)) next.wrote.insert(id);
  }
  return next;
}

// Compares the database, as one transaction sees it, with the model.
class StateChecker {
 public:
  StateChecker(Transaction* txn, const WorkloadModel& model, const NextTxn& next, WorkloadCheck* check)
      : txn_(txn), model_(model), next_(next), check_(check) {}

  void Run() {
    if (!CheckMarkers()) return;
    if (!CheckPersons()) return;
    CheckKnows();
    CheckWrote();
  }

 private:
  static constexpr size_t kMaxProblems = 60;

  bool Full() const { return check_->problems.size() >= kMaxProblems; }
  void Problem(const std::string& p) {
    if (!Full()) check_->problems.push_back(p);
  }
  bool Failed(const Status& s, const std::string& what) {
    if (s.ok()) return false;
    Problem(what + ": " + s.ToString());
    return true;
  }

  bool CheckMarkers() {
    const int64_t n = model_.txns();
    std::map<int64_t, int> seen;
    Status s = txn_->ScanNodes("Txn", [&](uint64_t offset, const std::vector<Value>& row) {
      if (row.size() != 2 || row[0].is_null()) {
        Problem("marker at offset " + std::to_string(offset) + " is " + RowText(row));
        return !Full();
      }
      const int64_t t = row[0].int_value();
      marker_offset_[t] = offset;
      marker_at_[offset] = t;
      if (seen[t]++ > 0) Problem("marker Txn{id: " + std::to_string(t) + "} is there twice");
      if (t < 0 || t >= n) {
        Problem("marker Txn{id: " + std::to_string(t) + "} exists beyond the " + std::to_string(n) +
                " transactions counted");
      } else if (row[1] != Value::Int64(model_.markers[static_cast<size_t>(t)])) {
        Problem("marker is " + RowText(row) + ", expected k = " + std::to_string(model_.markers[static_cast<size_t>(t)]));
      }
      return !Full();
    });
    if (Failed(s, "ScanNodes(Txn)")) return false;
    for (int64_t t = 0; t < n; t++) {
      if (!marker_offset_.count(t)) Problem("marker Txn{id: " + std::to_string(t) + "} is missing");
    }
    check_->nodes_checked += static_cast<int64_t>(marker_offset_.size());
    return true;
  }

  std::string Expected(const PersonRow& row, size_t column, int64_t key) const {
    switch (column) {
      case 1:
        return "txn " + std::to_string(row.txn);
      case 2:
        return row.renamed_by >= 0 ? "name SET by transaction " + std::to_string(row.renamed_by)
                                   : "name given at insert by transaction " + std::to_string(row.txn);
      case 3:
        return row.touched ? "touched = " + std::to_string(*row.touched) + " (SET by transaction " +
                                 std::to_string(*row.touched) + ")"
                           : "touched NULL (never SET)";
    }
    return "key " + std::to_string(key);
  }

  bool CheckPersons() {
    std::map<int64_t, std::vector<Value>> rows;
    uint64_t end = 0;  // one past the highest offset seen
    Status s = txn_->ScanNodes("Person", [&](uint64_t offset, const std::vector<Value>& row) {
      end = std::max(end, offset + 1);
      if (row.size() != 4 || row[0].is_null()) {
        Problem("Person at offset " + std::to_string(offset) + " is " + RowText(row));
        return !Full();
      }
      const int64_t key = row[0].int_value();
      if (person_offset_.count(key)) {
        Problem("Person " + std::to_string(key) + " is there twice (offsets " +
                std::to_string(person_offset_[key]) + " and " + std::to_string(offset) + ")");
      }
      person_offset_[key] = offset;
      person_at_[offset] = key;
      rows[key] = row;
      return !Full();
    });
    if (Failed(s, "ScanNodes(Person)")) return false;
    for (const auto& [key, row] : rows) {
      const bool hint = next_.persons.count(key) > 0;
      auto it = model_.persons.find(key);
      if (it == model_.persons.end()) {
        auto gone = model_.persons_gone.find(key);
        if (gone != model_.persons_gone.end()) {
          Problem("Person " + std::to_string(key) + " " + RowText(row) + " exists, but " + gone->second.Describe() +
                  next_.Hint(hint));
        } else {
          Problem("Person " + std::to_string(key) + " " + RowText(row) + " exists, but transactions 0.." +
                  std::to_string(model_.txns() - 1) + " never created it" + next_.Hint(hint));
        }
        continue;
      }
      const PersonRow& want = it->second;
      const std::vector<Value> expected{Value::Int64(key), Value::Int64(want.txn), Value::String(want.name),
                                        Touched(want.touched)};
      for (size_t c = 1; c < expected.size(); c++) {
        if (row[c] != expected[c]) {
          Problem("Person " + std::to_string(key) + " is " + RowText(row) + "; expected " + RowText(expected) +
                  " (" + Expected(want, c, key) + ")" + next_.Hint(hint));
          break;
        }
      }
    }
    for (const auto& [key, want] : model_.persons) {
      if (!rows.count(key)) {
        Problem("Person " + std::to_string(key) + " (inserted by transaction " + std::to_string(want.txn) +
                ") is missing" + next_.Hint(next_.persons.count(key) > 0));
      }
    }
    check_->nodes_checked += static_cast<int64_t>(rows.size());
    Result<uint64_t> count = txn_->CountNodes("Person");
    if (!Failed(count.status(), "CountNodes(Person)") && *count != rows.size()) {
      Problem("CountNodes(Person) is " + std::to_string(*count) + " but a scan finds " + std::to_string(rows.size()));
    }
    // Point reads and the key index agree with the scan.
    for (const auto& [key, offset] : person_offset_) {
      if (Full()) return false;
      Result<std::optional<uint64_t>> found = txn_->LookupNode("Person", Value::Int64(key));
      if (Failed(found.status(), "LookupNode(Person, " + std::to_string(key) + ")")) continue;
      if (*found != std::optional<uint64_t>(offset)) {
        Problem("LookupNode(Person, " + std::to_string(key) + ") gives " +
                (found->has_value() ? "offset " + std::to_string(**found) : std::string("nothing")) +
                " but the scan finds it at offset " + std::to_string(offset));
      }
      Result<std::vector<Value>> row = txn_->GetNode("Person", offset);
      if (Failed(row.status(), "GetNode(Person, " + std::to_string(offset) + ")")) continue;
      if (*row != rows[key]) {
        Problem("GetNode(Person, " + std::to_string(offset) + ") is " + RowText(*row) + " but the scan reads " +
                RowText(rows[key]));
      }
    }
    // Deleted keys are not found; deleted offsets are not readable.
    for (const auto& [key, gone] : model_.persons_gone) {
      if (Full()) return false;
      if (rows.count(key)) continue;  // reported above
      Result<std::optional<uint64_t>> found = txn_->LookupNode("Person", Value::Int64(key));
      if (Failed(found.status(), "LookupNode(Person, " + std::to_string(key) + ")")) continue;
      if (found->has_value()) {
        Problem("LookupNode(Person, " + std::to_string(key) + ") finds offset " + std::to_string(**found) +
                " although " + gone.Describe() + " and no scan shows it");
      }
    }
    for (uint64_t offset = 0; offset < end && !Full(); offset++) {
      if (person_at_.count(offset)) continue;
      Result<std::vector<Value>> row = txn_->GetNode("Person", offset);
      if (row.ok()) {
        Problem("GetNode(Person, " + std::to_string(offset) + ") returns " + RowText(*row) +
                ", but the scan skips that offset (a deleted node)");
      } else if (row.status().code() != StatusCode::kNotFound) {
        Problem("GetNode(Person, " + std::to_string(offset) + ") of a deleted node: " + row.status().ToString());
      }
    }
    return true;
  }

  // Edges of one relationship table seen from both ends: forward lists give
  // (src, dst, id); the backward lists must hold the same triples.
  using Triple = std::tuple<uint64_t, uint64_t, uint64_t>;  // src offset, dst offset, rel id

  void CompareDirections(const std::string& table, const std::multiset<Triple>& forward,
                         const std::multiset<Triple>& backward) {
    if (forward == backward) return;
    std::vector<Triple> only_fwd, only_bwd;
    std::set_difference(forward.begin(), forward.end(), backward.begin(), backward.end(), std::back_inserter(only_fwd));
    std::set_difference(backward.begin(), backward.end(), forward.begin(), forward.end(), std::back_inserter(only_bwd));
    auto text = [](const std::vector<Triple>& v) {
      std::string out;
      for (size_t i = 0; i < v.size() && i < 5; i++) {
        out += " rel " + std::to_string(std::get<2>(v[i])) + " (" + std::to_string(std::get<0>(v[i])) + " -> " +
               std::to_string(std::get<1>(v[i])) + ")";
      }
      return out;
    };
    Problem(table + ": forward and backward lists disagree: " + std::to_string(only_fwd.size()) +
            " edges only forward" + text(only_fwd) + "; " + std::to_string(only_bwd.size()) + " only backward" +
            text(only_bwd));
  }

  void CheckCount(const std::string& table, size_t found) {
    Result<uint64_t> count = txn_->CountRels(table);
    if (!Failed(count.status(), "CountRels(" + table + ")") && *count != found) {
      Problem("CountRels(" + table + ") is " + std::to_string(*count) + " but the forward lists hold " +
              std::to_string(found));
    }
  }

  std::string PersonText(uint64_t offset) const {
    auto it = person_at_.find(offset);
    return it == person_at_.end() ? "offset " + std::to_string(offset) + " (no live Person)"
                                  : "Person " + std::to_string(it->second);
  }

  void CheckKnows() {
    struct Found {
      int64_t src, dst;
      Value touched;
    };
    std::map<int64_t, Found> found;
    std::multiset<Triple> forward, backward;
    for (const auto& [offset, key] : person_at_) {
      if (Full()) return;
      Result<std::vector<Edge>> out = txn_->Neighbours("Knows", offset, /*forward=*/true);
      if (Failed(out.status(), "Neighbours(Knows, Person " + std::to_string(key) + ", forward)")) continue;
      for (const Edge& e : *out) {
        forward.insert({offset, e.neighbour, e.rel_id});
        Result<std::vector<Value>> props = txn_->GetRelProperties("Knows", e.rel_id);
        if (Failed(props.status(), "GetRelProperties(Knows, " + std::to_string(e.rel_id) + ")")) continue;
        if (props->size() != 3 || (*props)[0].is_null() || (*props)[1].is_null()) {
          Problem("Knows rel " + std::to_string(e.rel_id) + " has properties " + RowText(*props));
          continue;
        }
        auto dst = person_at_.find(e.neighbour);
        if (dst == person_at_.end()) {
          Problem("Knows rel " + std::to_string(e.rel_id) + " " + RowText(*props) + " from Person " +
                  std::to_string(key) + " points at " + PersonText(e.neighbour));
          continue;
        }
        const int64_t id = PersonKey((*props)[0].int_value(), (*props)[1].int_value());
        if (found.count(id)) {
          Problem(KnowsName(id) + " is there twice (rel " + std::to_string(e.rel_id) + ")");
          continue;
        }
        found[id] = Found{key, dst->second, (*props)[2]};
      }
      Result<std::vector<Edge>> in = txn_->Neighbours("Knows", offset, /*forward=*/false);
      if (Failed(in.status(), "Neighbours(Knows, Person " + std::to_string(key) + ", backward)")) continue;
      for (const Edge& e : *in) backward.insert({e.neighbour, offset, e.rel_id});
    }
    CompareDirections("Knows", forward, backward);
    CheckCount("Knows", forward.size());
    for (const auto& [id, got] : found) {
      const bool hint = next_.knows.count(id) > 0;
      const std::string what = KnowsName(id) + " Person " + std::to_string(got.src) + " -> Person " +
                               std::to_string(got.dst);
      auto it = model_.knows.find(id);
      if (it == model_.knows.end()) {
        auto gone = model_.knows_gone.find(id);
        Problem(what + " exists, but " +
                (gone != model_.knows_gone.end() ? gone->second.Describe()
                                                 : "transactions 0.." + std::to_string(model_.txns() - 1) +
                                                       " never created it") +
                next_.Hint(hint));
        continue;
      }
      const KnowsRow& want = it->second;
      if (got.src != want.src || got.dst != want.dst) {
        Problem(what + ": expected Person " + std::to_string(want.src) + " -> Person " + std::to_string(want.dst) +
                next_.Hint(hint));
      } else if (got.touched != Touched(want.touched)) {
        Problem(what + " has touched = " + (got.touched.is_null() ? "NULL" : got.touched.ToString()) +
                "; expected " +
                (want.touched ? std::to_string(*want.touched) + " (SET by transaction " +
                                    std::to_string(*want.touched) + ")"
                              : std::string("NULL (never SET)")) +
                next_.Hint(hint));
      }
    }
    for (const auto& [id, want] : model_.knows) {
      if (!found.count(id)) {
        Problem(KnowsName(id) + " Person " + std::to_string(want.src) + " -> Person " + std::to_string(want.dst) +
                " is missing" + next_.Hint(next_.knows.count(id) > 0));
      }
    }
    check_->rels_checked += static_cast<int64_t>(found.size());
  }

  void CheckWrote() {
    std::map<WroteId, Value> found;  // -> touched
    std::multiset<Triple> forward, backward;
    for (const auto& [offset, t] : marker_at_) {
      if (Full()) return;
      Result<std::vector<Edge>> out = txn_->Neighbours("Wrote", offset, /*forward=*/true);
      if (Failed(out.status(), "Neighbours(Wrote, Txn " + std::to_string(t) + ", forward)")) continue;
      for (const Edge& e : *out) {
        forward.insert({offset, e.neighbour, e.rel_id});
        Result<std::vector<Value>> props = txn_->GetRelProperties("Wrote", e.rel_id);
        if (Failed(props.status(), "GetRelProperties(Wrote, " + std::to_string(e.rel_id) + ")")) continue;
        if (props->size() != 2 || (*props)[0] != Value::Int64(t)) {
          Problem("Wrote rel " + std::to_string(e.rel_id) + " from marker " + std::to_string(t) +
                  " has properties " + RowText(*props));
          continue;
        }
        auto dst = person_at_.find(e.neighbour);
        if (dst == person_at_.end()) {
          Problem("Wrote rel " + std::to_string(e.rel_id) + " from marker " + std::to_string(t) + " points at " +
                  PersonText(e.neighbour));
          continue;
        }
        const WroteId id{t, dst->second};
        if (found.count(id)) {
          Problem(WroteName(id) + " is there twice (rel " + std::to_string(e.rel_id) + ")");
          continue;
        }
        found[id] = (*props)[1];
      }
    }
    for (const auto& [offset, key] : person_at_) {
      if (Full()) return;
      Result<std::vector<Edge>> in = txn_->Neighbours("Wrote", offset, /*forward=*/false);
      if (Failed(in.status(), "Neighbours(Wrote, Person " + std::to_string(key) + ", backward)")) continue;
      for (const Edge& e : *in) backward.insert({e.neighbour, offset, e.rel_id});
    }
    CompareDirections("Wrote", forward, backward);
    CheckCount("Wrote", forward.size());
    for (const auto& [id, touched] : found) {
      const bool hint = next_.wrote.count(id) > 0;
      auto it = model_.wrote.find(id);
      if (it == model_.wrote.end()) {
        auto gone = model_.wrote_gone.find(id);
        Problem(WroteName(id) + " exists, but " +
                (gone != model_.wrote_gone.end() ? gone->second.Describe()
                                                 : "transactions 0.." + std::to_string(model_.txns() - 1) +
                                                       " never created it") +
                next_.Hint(hint));
      } else if (touched != Touched(it->second.touched)) {
        Problem(WroteName(id) + " has touched = " + (touched.is_null() ? "NULL" : touched.ToString()) +
                "; expected " +
                (it->second.touched ? std::to_string(*it->second.touched) + " (SET by transaction " +
                                          std::to_string(*it->second.touched) + ")"
                                    : std::string("NULL (never SET)")) +
                next_.Hint(hint));
      }
    }
    for (const auto& [id, want] : model_.wrote) {
      if (!found.count(id)) Problem(WroteName(id) + " is missing" + next_.Hint(next_.wrote.count(id) > 0));
    }
    check_->rels_checked += static_cast<int64_t>(found.size());
  }

  Transaction* txn_;
  const WorkloadModel& model_;
  const NextTxn& next_;
  WorkloadCheck* check_;
  std::map<int64_t, uint64_t> marker_offset_;  // txn -> offset
  std::map<uint64_t, int64_t> marker_at_;      // offset -> txn
  std::map<int64_t, uint64_t> person_offset_;  // key -> offset
  std::map<uint64_t, int64_t> person_at_;      // offset -> key
};

}  // namespace

TxnOps& TxnOps::operator+=(const TxnOps& o) {
  nodes_created += o.nodes_created;
  rels_created += o.rels_created;
  node_sets += o.node_sets;
  rel_sets += o.rel_sets;
  rel_deletes += o.rel_deletes;
  node_deletes += o.node_deletes;
  detached_rels += o.detached_rels;
  reinserts += o.reinserts;
  return *this;
}

std::string TxnOps::ToString() const {
  return std::to_string(nodes_created) + " nodes and " + std::to_string(rels_created) + " relationships created, " +
         std::to_string(node_sets) + " node and " + std::to_string(rel_sets) + " relationship SETs, " +
         std::to_string(rel_deletes) + " relationship deletes, " + std::to_string(node_deletes) +
         " DETACH DELETEs (taking " + std::to_string(detached_rels) + " relationships), " +
         std::to_string(reinserts) + " deleted keys inserted again";
}

int64_t WorkloadK(uint64_t seed, int64_t t, int64_t scale) {
  return (1 + static_cast<int64_t>(Mix(seed ^ Mix(static_cast<uint64_t>(t) * 3 + 1)) % 6)) * scale;
}

int64_t PersonKey(int64_t t, int64_t i) { return t * 10000 + i; }

std::string PersonName(uint64_t seed, int64_t t, int64_t i) {
  const uint64_t h = Mix(seed ^ Mix(static_cast<uint64_t>(PersonKey(t, i)) * 3 + 2));
  return "person-" + std::to_string(t) + "-" + std::to_string(i) + std::string(h % 40, '.');
}

Status WriteWorkloadTxn(Transaction* txn, uint64_t seed, int64_t t, int64_t scale) {
  WorkloadWriter writer(seed, scale, t);
  return writer.Write(txn);
}

Result<std::vector<std::string>> WritePartialWorkloadTxn(Transaction* txn, uint64_t seed, int64_t t, int64_t scale,
                                                         size_t max_writes) {
  WorkloadModel model(*ModelAt(seed, scale, t));
  std::vector<Op> ops;
  model.ApplyNext(&ops);
  std::vector<std::string> all;
  for (const Op& op : ops) all.push_back(op.Describe());
  if (max_writes < ops.size()) ops.resize(max_writes);
  RETURN_IF_ERROR(Executor(txn, t).Run(ops));
  return all;
}

WorkloadWriter::WorkloadWriter(uint64_t seed, int64_t scale, int64_t next)
    : model_(std::make_unique<WorkloadModel>(*ModelAt(seed, scale, next))) {}

WorkloadWriter::~WorkloadWriter() = default;

int64_t WorkloadWriter::next() const { return model_->txns(); }

Status WorkloadWriter::Write(Transaction* txn) {
  const int64_t t = model_->txns();
  std::vector<Op> ops;
  model_->ApplyNext(&ops);
  return Executor(txn, t).Run(ops);
}

const TxnOps& WorkloadWriter::Ops(int64_t t) const { return model_->per_txn.at(static_cast<size_t>(t)); }

std::string WorkloadCheck::Summary() const {
  std::string out;
  for (size_t i = 0; i < problems.size() && i < 20; i++) out += "  " + problems[i] + "\n";
  if (problems.size() > 20) out += "  ... and " + std::to_string(problems.size() - 20) + " more\n";
  return out;
}

WorkloadCheck CheckWorkloadIn(Transaction* txn, uint64_t seed, int64_t min_present, int64_t max_present,
                              int64_t scale) {
  WorkloadCheck check;
  auto problem = [&](const std::string& p) { check.problems.push_back(p); };
  Result<uint64_t> markers = txn->CountNodes("Txn");
  if (!markers.ok()) {
    if (markers.status().code() == StatusCode::kNotFound) {
      // No tables (yet): transaction 0 is not there.
      check.present = 0;
      if (min_present > 0) {
        problem("no tables, but transactions 0.." + std::to_string(min_present - 1) + " were acknowledged");
      }
    } else {
      problem("CountNodes(Txn): " + markers.status().ToString());
    }
    return check;
  }
  const int64_t n = static_cast<int64_t>(*markers);
  check.present = n;
  if (n < min_present || n > max_present) {
    problem(std::to_string(n) + " transactions present; expected between " + std::to_string(min_present) +
            " and " + std::to_string(max_present) + (n < min_present ? " (acknowledged commits LOST)" : ""));
    // A few too many still gets a detailed report; far too many is garbage.
    if (n > max_present + 3) return check;
  }
  if (n == 0) {
    problem("the tables exist but transaction 0 (which created them) has no marker");
    return check;
  }
  std::shared_ptr<const WorkloadModel> model = ModelAt(seed, scale, n);
  check.per_txn = model->per_txn;
  for (const TxnOps& ops : model->per_txn) check.total += ops;
  const size_t before = check.problems.size();
  StateChecker(txn, *model, NextTxn{}, &check).Run();
  if (check.problems.size() > before) {
    // Again, with hints naming what the first absent transaction changes.
    WorkloadCheck again = check;
    again.problems.resize(before);
    again.nodes_checked = again.rels_checked = 0;
    StateChecker(txn, *model, DescribeNext(*model), &again).Run();
    return again;
  }
  return check;
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
  WorkloadCheck in = CheckWorkloadIn(begun->get(), seed, min_present, max_present, scale);
  in.problems.insert(in.problems.begin(), check.problems.begin(), check.problems.end());
  return in;
}

}  // namespace crash
}  // namespace ruzu
