#include "query/planner.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <set>

namespace ruzu {
namespace query {

Status BinderError(std::string_view text, const SourcePosition& position, const std::string& message,
                   StatusCode code) {
  Status s = MakeSyntaxError(text, position, message, code);
  std::string m = s.message();
  const std::string kPrefix = "Parser error";
  if (m.compare(0, kPrefix.size(), kPrefix) == 0) m = "Binder error" + m.substr(kPrefix.size());
  return Status(code, m);
}

namespace {

// A property's DEFAULT as CALL table_info shows it: a literal (`1`, `'unknown'`,
// `2024-01-31`), empty when there is none.
std::string DefaultExpressionText(const Value& value) {
  if (value.is_null()) return "";
  if (value.type() != LogicalType::kString) return value.ToString();
  std::string quoted = "'";
  for (char ch : value.string_value()) {
    if (ch == '\\' || ch == '\'') quoted += '\\';
    quoted += ch;
  }
  return quoted + "'";
}

// Whether an expression of type `t` may stand where `want` is expected: it
// is of that type or an untyped NULL.
bool IsOrAny(LogicalType t, LogicalType want) { return t == want || t == LogicalType::kAny; }

// ----------------------------------------------------------- AST helpers

void WalkExpression(const Expression& e, const std::function<void(const Expression&)>& f) {
  f(e);
  for (const auto& c : e.children) WalkExpression(*c, f);
}

bool ContainsAggregate(const Expression& e) {
  bool found = false;
  WalkExpression(e, [&](const Expression& x) {
    if (x.kind == ExpressionKind::kFunctionCall && IsAggregateFunction(ToLowerAscii(x.name))) found = true;
  });
  return found;
}

std::set<std::string> ReferencedVariables(const Expression& e) {
  std::set<std::string> out;
  WalkExpression(e, [&](const Expression& x) {
    if (x.kind == ExpressionKind::kVariable) out.insert(x.name);
  });
  return out;
}

void CollectParams(const Expression* e, std::set<std::string>* out) {
  if (e == nullptr) return;
  WalkExpression(*e, [&](const Expression& x) {
    if (x.kind == ExpressionKind::kParameter) out->insert(x.name);
  });
}

void CollectPatternParams(const PathPattern& p, std::set<std::string>* out) {
  for (const auto& n : p.nodes) {
    for (const auto& kv : n.properties) CollectParams(kv.second.get(), out);
  }
  for (const auto& r : p.rels) {
    for (const auto& kv : r.properties) CollectParams(kv.second.get(), out);
    CollectParams(r.filter_where.get(), out);
  }
}

void CollectBodyParams(const ProjectionBody& b, std::set<std::string>* out) {
  for (const auto& i : b.items) CollectParams(i.expression.get(), out);
  for (const auto& i : b.order_by) CollectParams(i.expression.get(), out);
  CollectParams(b.skip.get(), out);
  CollectParams(b.limit.get(), out);
}

void CollectStatementParams(const Statement& s, std::set<std::string>* out) {
  if (s.kind == StatementKind::kExplain) {
    CollectStatementParams(*s.As<ExplainStatement>().statement, out);
    return;
  }
  if (s.kind != StatementKind::kQuery) return;
  for (const SingleQuery& q : s.As<QueryStatement>().parts) {
    for (const auto& c : q.clauses) {
      switch (c->kind) {
        case ClauseKind::kMatch: {
          const auto& m = c->As<MatchClause>();
          for (const auto& p : m.patterns) CollectPatternParams(p, out);
          CollectParams(m.where.get(), out);
          break;
        }
        case ClauseKind::kUnwind: CollectParams(c->As<UnwindClause>().expression.get(), out); break;
        case ClauseKind::kWith:
          CollectBodyParams(c->As<WithClause>().body, out);
          CollectParams(c->As<WithClause>().where.get(), out);
          break;
        case ClauseKind::kReturn: CollectBodyParams(c->As<ReturnClause>().body, out); break;
        case ClauseKind::kCreate:
          for (const auto& p : c->As<CreateClause>().patterns) CollectPatternParams(p, out);
          break;
        case ClauseKind::kMerge: {
          const auto& m = c->As<MergeClause>();
          CollectPatternParams(m.pattern, out);
          for (const auto& i : m.on_create) CollectParams(i.value.get(), out);
          for (const auto& i : m.on_match) CollectParams(i.value.get(), out);
          break;
        }
        case ClauseKind::kSet:
          for (const auto& i : c->As<SetClause>().items) CollectParams(i.value.get(), out);
          break;
        case ClauseKind::kRemove: break;
        case ClauseKind::kDelete:
          for (const auto& e : c->As<DeleteClause>().expressions) CollectParams(e.get(), out);
          break;
        case ClauseKind::kCall: CollectParams(c->As<CallClause>().call.get(), out); break;
      }
    }
  }
}

BoundExpressionPtr MakeConstant(Value v, LogicalType type) {
  auto e = std::make_unique<BoundExpression>();
  e->kind = BoundKind::kConstant;
  e->constant = std::move(v);
  e->type = type;
  return e;
}

BoundExpressionPtr MakeSlot(int slot, LogicalType type, std::string name) {
  auto e = std::make_unique<BoundExpression>();
  e->kind = BoundKind::kSlot;
  e->slot = slot;
  e->type = type;
  e->name = std::move(name);
  return e;
}

BoundExpressionPtr MakeAnd(BoundExpressionPtr a, BoundExpressionPtr b) {
  if (!a) return b;
  if (!b) return a;
  auto e = std::make_unique<BoundExpression>();
  e->kind = BoundKind::kBinary;
  e->binary_op = BinaryOperator::kAnd;
  e->type = LogicalType::kBool;
  e->children.push_back(std::move(a));
  e->children.push_back(std::move(b));
  return e;
}

// The operands of a chain of ANDs, left to right.
std::vector<const Expression*> AndParts(const Expression* e) {
  std::vector<const Expression*> stack{e}, parts;
  while (!stack.empty()) {
    const Expression* x = stack.back();
    stack.pop_back();
    if (x->kind == ExpressionKind::kBinary && x->binary_op == BinaryOperator::kAnd) {
      stack.push_back(x->children[1].get());
      stack.push_back(x->children[0].get());
    } else {
      parts.push_back(x);
    }
  }
  return parts;
}

// Whole nodes, relationships and paths are wrappers around an id or a bare
// relationship/path slot; these strip the wrapper.
bool IsWholeValue(BoundKind kind) {
  return kind == BoundKind::kNodeValue || kind == BoundKind::kRelValue || kind == BoundKind::kPathValue;
}
const BoundExpression& Unwrapped(const BoundExpression& e) {
  if (IsWholeValue(e.kind)) return *e.children[0];
  return e;
}
BoundExpressionPtr Unwrap(BoundExpressionPtr e) {
  if (IsWholeValue(e->kind)) return std::move(e->children[0]);
  return e;
}
// A whole-value wrapper of `kind` around `e`.
BoundExpressionPtr Wrap(BoundKind kind, LogicalType type, BoundExpressionPtr e) {
  auto w = std::make_unique<BoundExpression>();
  w->kind = kind;
  w->type = type;
  w->position = e->position;
  w->name = e->name;
  w->children.push_back(std::move(e));
  return w;
}

bool Castable(LogicalType from, LogicalType to) {
  if (from == to || from == LogicalType::kAny) return true;
  if (IsIntegerType(from) && IsNumericType(to)) return true;
  if ((from == LogicalType::kDouble || from == LogicalType::kFloat) &&
      (to == LogicalType::kDouble || to == LogicalType::kFloat)) {
    return true;
  }
  return false;
}

// ---------------------------------------------------------------- scopes

enum class VarKind { kNode, kRel, kPath, kValue };

// Upper bound of `*min..max` (and the default when max is omitted), as KuzuDB.
constexpr int64_t kMaxVarLengthHops = 30;

struct Variable {
  VarKind kind = VarKind::kValue;
  int slot = 0;
  LogicalType type = LogicalType::kAny;
  std::vector<TableId> tables;  // node / rel candidates
  bool anonymous = false;
};

struct Scope {
  std::map<std::string, Variable> vars;
  std::vector<std::string> order;  // names in binding order (for RETURN *)
  int next_slot = 0;

  const Variable* Find(const std::string& name) const {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : &it->second;
  }
  Variable* Add(const std::string& name, Variable v) {
    v.slot = next_slot++;
    order.push_back(name);
    return &(vars[name] = std::move(v));
  }
};

// A node, relationship or path variable added to `scope`: its slot.
int AddGraphVariable(Scope* scope, const std::string& name, VarKind kind, std::vector<TableId> tables,
                     bool anonymous) {
  Variable v;
  v.kind = kind;
  v.type = kind == VarKind::kNode ? LogicalType::kNode
           : kind == VarKind::kRel ? LogicalType::kRel
                                   : LogicalType::kRecursiveRel;
  v.tables = std::move(tables);
  v.anonymous = anonymous;
  return scope->Add(name, v)->slot;
}

// Aggregates found while binding a projection item.
struct AggregateCollector {
  std::vector<AggregateSpec> specs;
  std::vector<std::string> texts;  // for reuse of identical aggregates
  int first_slot = 0;
};

// A predicate waiting until the variables it reads are bound.
struct Conjunct {
  BoundExpressionPtr expr;
  std::set<std::string> vars;
};

// A node of a MATCH pattern while it is planned.
struct PNode {
  std::string name;
  SourcePosition pos;
  bool bound_before = false;
  bool bound = false;
  std::vector<TableId> tables;
  bool labelled = false;
};

// A relationship of a MATCH pattern while it is planned.
struct PRel {
  std::string name;
  const RelPattern* pattern;
  int left, right;  // indexes into nodes (pattern order)
  std::vector<TableId> tables;
  bool planned = false;
};

// A named path (`p = (a)-[r]->(b)`): its parts in pattern order, as
// (is_node, index into the pattern's nodes or relationships).
struct NamedPath {
  std::string name;
  std::vector<std::pair<bool, int>> parts;
  int slot = -1;
  bool built = false;
};

// The state of planning one MATCH's patterns (Planner::PlanPatterns and
// the steps it calls).
struct PatternState {
  std::set<std::string> outer_names;  // bound before this MATCH
  std::vector<PNode> nodes;
  std::vector<PRel> rels;
  std::map<std::string, int> node_index;
  std::vector<std::pair<int, const NodePattern*>> node_maps;  // inline maps by node
  std::vector<NamedPath> named_paths;
  std::vector<int> node_slots, rel_slots;
  std::vector<Conjunct> conjuncts;  // predicates not placed yet
  std::vector<VarLengthSpec> var_specs;  // per relationship (variable-length ones)
  std::set<std::string> bound;  // names bound so far

  bool InNamedPath(bool is_node, int index) const {
    for (const NamedPath& np : named_paths) {
      for (const auto& part : np.parts) {
        if (part == std::make_pair(is_node, index)) return true;
      }
    }
    return false;
  }
  bool Ready(const Conjunct& c) const {
    for (const std::string& v : c.vars) {
      if (!bound.count(v)) return false;
    }
    return true;
  }
  bool ReadyExcept(const Conjunct& c, const std::string& name) const {
    for (const std::string& v : c.vars) {
      if (v != name && !bound.count(v)) return false;
    }
    return true;
  }
  // Drops the conjuncts whose expression was taken.
  void DropTaken() {
    conjuncts.erase(std::remove_if(conjuncts.begin(), conjuncts.end(), [](const Conjunct& c) { return !c.expr; }),
                    conjuncts.end());
  }
  // Removes and ANDs the conjuncts that became ready.
  BoundExpressionPtr TakeReady() {
    BoundExpressionPtr out;
    for (Conjunct& c : conjuncts) {
      if (c.expr && Ready(c)) out = MakeAnd(std::move(out), std::move(c.expr));
    }
    DropTaken();
    return out;
  }
  void BindNode(int i) {
    nodes[i].bound = true;
    bound.insert(nodes[i].name);
  }
};

// The value side of `node.key = value` when `e` has that form for the node
// in `slot`. The value is a constant or parameter, or, unless
// `constant_only`, any expression not reading the node (evaluated per input
// row: `UNWIND $keys AS k MATCH (p:Person {id: k})`).
const BoundExpression* PrimaryKeyValue(const BoundExpression& e, int slot, const std::string& key,
                                       bool constant_only = false) {
  if (e.kind != BoundKind::kBinary || e.binary_op != BinaryOperator::kEqual) return nullptr;
  for (int side = 0; side < 2; side++) {
    const BoundExpression& p = *e.children[side];
    const BoundExpression& other = *e.children[1 - side];
    if (p.kind != BoundKind::kProperty || ToLowerAscii(p.name) != ToLowerAscii(key)) continue;
    const BoundExpression& owner = Unwrapped(*p.children[0]);
    if (owner.kind != BoundKind::kSlot || owner.slot != slot) continue;
    if (other.kind != BoundKind::kConstant && other.kind != BoundKind::kParameter) {
      if (constant_only) continue;
      std::set<int> reads;
      CollectSlots(other, &reads);
      if (reads.count(slot)) continue;
    }
    return &other;
  }
  return nullptr;
}

// A MATCH pattern that CountPaths can count: paths of nodes joined by
// single hops, each predicate on one node or one relationship.
struct SketchNode {
  std::string name;
  int slot = 0;
  std::vector<TableId> tables;
  std::vector<BoundExpressionPtr> filters;
  // A primary-key equality among `filters` (its index) and its value.
  int key_filter = -1;
  BoundExpressionPtr key;
};
struct SketchHop {
  int rel_slot = 0;
  // [0]: from nodes[k] to nodes[k + 1]; [1]: back.
  std::vector<ExtendStep> steps[2];
  std::string text[2];
  std::vector<BoundExpressionPtr> filters;
};
struct SketchPath {
  std::vector<SketchNode> nodes;
  std::vector<SketchHop> hops;  // hops[k] joins nodes[k] and nodes[k + 1]
};

// The chain of `path` from node `from` to node `to` (either way), started at
// its primary-key lookup when `use_key`. `to_filter` false leaves out the
// last node's predicates (another arm applies them).
CountPaths::Chain MakeChain(const SketchPath& path, int from, int to, bool use_key, bool to_filter) {
  CountPaths::Chain chain;
  const int step = to >= from ? 1 : -1;
  for (int k = from;; k += step) {
    const SketchNode& sn = path.nodes[k];
    CountPaths::PathNode node;
    node.name = sn.name;
    node.slot = sn.slot;
    node.tables = sn.tables;
    if (k == from || k != to || to_filter) {
      for (size_t f = 0; f < sn.filters.size(); f++) {
        if (use_key && k == from && static_cast<int>(f) == sn.key_filter) continue;
        node.filter = MakeAnd(std::move(node.filter), sn.filters[f]->Clone());
      }
    }
    chain.nodes.push_back(std::move(node));
    if (k == to) break;
    const SketchHop& sh = path.hops[step > 0 ? k : k - 1];
    const int way = step > 0 ? 0 : 1;
    CountPaths::Hop hop;
    hop.text = sh.text[way];
    hop.rel_slot = sh.rel_slot;
    hop.steps = sh.steps[way];
    for (const auto& f : sh.filters) hop.rel_filter = MakeAnd(std::move(hop.rel_filter), f->Clone());
    chain.hops.push_back(std::move(hop));
  }
  if (use_key) chain.key = path.nodes[from].key->Clone();
  return chain;
}

class Planner {
 public:
  Planner(std::string_view text, const Catalog& catalog, const std::map<std::string, Value>& params,
          GraphStore* store, bool* wrote, const PlanOptions& options)
      : text_(text), catalog_(catalog), params_(params), store_(store), wrote_(wrote), options_(options) {}

  Result<PlannedQuery> Plan(const QueryStatement& q);

 private:
  Status Error(const SourcePosition& pos, const std::string& message,
               StatusCode code = StatusCode::kInvalidArgument) const {
    return BinderError(text_, pos, message, code);
  }

  Result<PlannedQuery> PlanSingle(const SingleQuery& q);
  Status PlanMatch(const MatchClause& m, OperatorPtr* plan, Scope* scope);
  Status PlanPatterns(const std::vector<const PathPattern*>& patterns, const Expression* where,
                      OperatorPtr* plan, Scope* scope);
  // The steps of PlanPatterns, in order.
  Result<int> AddPatternNode(PatternState* s, const NodePattern& np, const Scope& scope);
  Status CollectPatterns(PatternState* s, const std::vector<const PathPattern*>& patterns, const Scope& scope);
  // Narrows label-less nodes and untyped relationships to the tables that fit.
  Status NarrowPatternTables(PatternState* s);
  void EnterPatternScope(PatternState* s, Scope* scope);
  // `var`'s inline property map as equality conjuncts bound in `base`.
  Status AddPropertyMap(const std::string& var, const PropertyMap& map, const SourcePosition& pos, const Scope& base,
                        std::vector<Conjunct>* into);
  // A variable-length relationship's inline map and `(r, n | WHERE ...)`.
  Status BindHopFilters(PatternState* s, size_t rel, Scope* scope);
  Status BindPatternPredicates(PatternState* s, const Expression* where, Scope* scope);
  // After each planned step: builds the named paths whose parts are all
  // bound, then filters by the predicates that became ready.
  void FinishPatternStep(PatternState* s, OperatorPtr* plan);
  // Whether node `i` can be found by a primary-key lookup.
  bool HasKeyLookup(const PatternState& s, int i) const;
  void PlanVarLengthExtend(PatternState* s, size_t rel, int from, OperatorPtr* plan);
  void PlanExtend(PatternState* s, size_t rel, int from, OperatorPtr* plan);
  // Starts a connected part at a primary-key lookup; false when none fits.
  bool PlanKeyLookup(PatternState* s, OperatorPtr* plan);
  // Starts a connected part at a scan (or a hash join); false when every
  // node is bound.
  bool PlanScan(PatternState* s, OperatorPtr* plan);
  // The steps that follow `r` from its end `from` to the other end.
  std::vector<ExtendStep> ExtendSteps(const std::vector<PNode>& nodes, const PRel& r, int from) const;
  // The pattern as paths for CountPaths when its rows can be counted
  // without producing them: every connected part is a path of single hops
  // (no cycle, no variable-length relationship, no node bound before) and
  // every predicate still to place reads exactly one of its variables.
  std::optional<std::vector<SketchPath>> CountablePaths(const std::vector<PNode>& nodes,
                                                        const std::vector<PRel>& rels,
                                                        const std::vector<Conjunct>& conjuncts,
                                                        const std::vector<int>& node_slots,
                                                        const std::vector<int>& rel_slots) const;
  // The chains CountPaths counts for `paths`; with `focus_slot` >= 0, the
  // arms that end at that node. Nullopt when the focus node cannot be
  // reached that way (it lies between a primary-key lookup and an end).
  struct CountChains {
    std::vector<CountPaths::Chain> chains, arms;
  };
  std::optional<CountChains> PlanCountChains(const std::vector<SketchPath>& paths, int focus_slot) const;
  // Replaces `*plan` (the operators of the last MATCH) by CountPaths when
  // there are no `keys` and every aggregate is count(*) / count(v) of a
  // pattern variable or an aggregate CountPaths can weight, all reading the
  // same pattern node; then moves `aggregates` into it.
  bool FactorizeCount(const std::vector<BoundExpressionPtr>& keys, std::vector<AggregateSpec>* aggregates,
                      OperatorPtr* plan);
  Status PlanCreate(const CreateClause& c, OperatorPtr* plan, Scope* scope);
  // The nodes and relationships CREATE `patterns` makes, adding their variables to `scope`.
  Status BindCreate(const std::vector<PathPattern>& patterns, Scope* scope,
                    std::vector<NodeCreateSpec>* node_specs, std::vector<RelCreateSpec>* rel_specs);
  Result<std::vector<SetItemSpec>> BindSetItems(const std::vector<SetItem>& items, const Scope& scope);
  // REMOVE n.p, ...: items that set each property to NULL.
  Result<std::vector<SetItemSpec>> BindRemoveItems(const RemoveClause& c, const Scope& scope);
  // The node or relationship variable that `owner` (the n of SET n.p / n = {...} / REMOVE n.p) names.
  Result<const Variable*> BindSetOwner(const Expression& owner, const Scope& scope, const char* clause);
  // The item writing `value` (null: NULL) to property `key` of `owner`, bound to `var`; `verb` ("change",
  // "remove") words the primary-key error.
  Result<SetItemSpec> BindSetProperty(const Expression& owner, const Variable& var, const std::string& key,
                                      const SourcePosition& key_position, const Expression* value,
                                      const Scope& scope, const char* verb);
  Status PlanDelete(const DeleteClause& c, OperatorPtr* plan, Scope* scope);
  Status PlanMerge(const MergeClause& c, OperatorPtr* plan, Scope* scope);
  // MERGE (a)-[r:Type {...}]->(b) with a and b bound earlier.
  Status PlanMergeRel(const MergeClause& c, OperatorPtr* plan, Scope* scope);
  // MERGE of any other pattern with relationships (new and bound nodes mixed, chains).
  Status PlanMergePattern(const MergeClause& c, OperatorPtr* plan, Scope* scope);
  // A positioned error when property `index` of `schema` is SERIAL (assigned on insert, never written).
  Status CheckNotSerial(const TableSchema& schema, uint32_t index, const SourcePosition& position);
  // `key: value` of a pattern's property map written to `schema`: the
  // property's index and the bound value, of a type that converts to it.
  Result<std::pair<uint32_t, BoundExpressionPtr>> BindPropertyValue(const TableSchema& schema, const std::string& key,
                                                                    const Expression& value, const Scope& scope);
  // WITH / RETURN. For RETURN fills names/types.
  Status PlanProjection(const ProjectionBody& body, const Expression* where, bool is_return,
                        const SourcePosition& pos, OperatorPtr* plan, Scope* scope, PlannedQuery* out);
  Status PlanCall(const CallClause& c, OperatorPtr* plan, Scope* scope);
  Result<int64_t> ConstantInt(const Expression& e, const char* what);

  Result<BoundExpressionPtr> Bind(const Expression& e, const Scope& scope, AggregateCollector* aggs);
  Result<BoundExpressionPtr> BindFunction(const Expression& e, const Scope& scope, AggregateCollector* aggs);
  Result<BoundExpressionPtr> BindProperty(const Expression& e, const Scope& scope, AggregateCollector* aggs);

  Result<std::vector<TableId>> ResolveTables(const std::vector<std::string>& names, TableKind kind,
                                             const SourcePosition& pos) const;
  std::string TableName(TableId id) const {
    const TableSchema* s = catalog_.GetTable(id);
    return s == nullptr ? "?" : s->name;
  }

  std::string_view text_;
  const Catalog& catalog_;
  const std::map<std::string, Value>& params_;
  GraphStore* store_;
  bool* wrote_;
  const PlanOptions options_;
  int anon_counter_ = 0;
  int set_groups_ = 0;  // SetItemSpec::group of the last SET map
  bool writes_ = false;
  // The last non-optional MATCH, while its count could still be factorized.
  struct CountablePattern {
    const Operator* input = nullptr;   // what the pattern's operators were stacked on
    const Operator* output = nullptr;  // the topmost of them
    std::vector<SketchPath> paths;
    std::set<int> node_slots, rel_slots;  // of the pattern's variables
  };
  std::optional<CountablePattern> countable_;
  // Whether the clause after the one being planned aggregates.
  bool next_aggregates_ = false;
};

// -------------------------------------------------------------- binding

Result<std::vector<TableId>> Planner::ResolveTables(const std::vector<std::string>& names, TableKind kind,
                                                    const SourcePosition& pos) const {
  std::vector<TableId> out;
  if (names.empty()) {
    for (const TableSchema* t : catalog_.Tables()) {
      if (t->kind == kind) out.push_back(t->id);
    }
    return out;
  }
  for (const std::string& n : names) {
    const TableSchema* t = catalog_.FindTable(n);
    if (t == nullptr) return Error(pos, "table " + n + " does not exist", StatusCode::kNotFound);
    if (t->kind != kind) {
      return Error(pos, t->name + " is a " + (t->is_node() ? "node" : "relationship") + " table, expected a " +
                            (kind == TableKind::kNode ? "node" : "relationship") + " table");
    }
    if (std::find(out.begin(), out.end(), t->id) == out.end()) out.push_back(t->id);
  }
  return out;
}

Result<BoundExpressionPtr> Planner::BindProperty(const Expression& e, const Scope& scope,
                                                 AggregateCollector* aggs) {
  ASSIGN_OR_RETURN(BoundExpressionPtr owner, Bind(*e.children[0], scope, aggs));
  owner = Unwrap(std::move(owner));
  auto out = std::make_unique<BoundExpression>();
  out->kind = BoundKind::kProperty;
  out->position = e.position;
  out->name = e.name;
  if (owner->type == LogicalType::kInternalId || owner->type == LogicalType::kRel) {
    // Candidate tables of the variable.
    std::vector<TableId> tables;
    std::string var_name = owner->name;
    if (owner->kind == BoundKind::kSlot) {
      const Variable* v = scope.Find(owner->name);
      if (v != nullptr) tables = v->tables;
    }
    if (tables.empty()) {
      for (const TableSchema* t : catalog_.Tables()) {
        if (t->is_rel() == (owner->type == LogicalType::kRel)) tables.push_back(t->id);
      }
    }
    LogicalType type = LogicalType::kAny;
    bool first = true;
    for (TableId t : tables) {
      const TableSchema* schema = catalog_.GetTable(t);
      if (schema == nullptr) continue;
      auto idx = schema->FindProperty(e.name);
      if (!idx) continue;
      out->property_index[t] = *idx;
      LogicalType pt = schema->properties[*idx].type;
      if (first) type = pt;
      else if (type != pt) type = LogicalType::kAny;
      first = false;
    }
    if (out->property_index.empty()) {
      return Error(e.position, "cannot find property " + e.name + " for " +
                                   (var_name.empty() ? ToString(*e.children[0]) : var_name),
                   StatusCode::kNotFound);
    }
    out->type = type;
    out->property_of_rel = owner->type == LogicalType::kRel;
  } else if (owner->type == LogicalType::kNode || owner->type == LogicalType::kAny) {
    out->type = LogicalType::kAny;
  } else {
    return Error(e.position, std::string("cannot read property ") + e.name + " of a " +
                                 LogicalTypeName(owner->type) + " value");
  }
  out->children.push_back(std::move(owner));
  return out;
}

Result<BoundExpressionPtr> Planner::BindFunction(const Expression& e, const Scope& scope, AggregateCollector* aggs) {
  std::string name = ToLowerAscii(e.name);
  if (IsAggregateFunction(name)) {
    if (aggs == nullptr) {
      return Error(e.position, "aggregate function " + name + " is not allowed here");
    }
    AggregateSpec spec;
    spec.function = name;
    spec.distinct = e.distinct;
    if (e.star) {
      if (name != "count") return Error(e.position, name + "(*) is not a function; only count(*)");
      spec.type = LogicalType::kInt64;
    } else {
      if (e.children.size() != 1) {
        return Error(e.position, "aggregate function " + name + " takes 1 argument, not " +
                                     std::to_string(e.children.size()));
      }
      if (ContainsAggregate(*e.children[0])) {
        return Error(e.children[0]->position, "aggregate functions cannot be nested");
      }
      ASSIGN_OR_RETURN(spec.argument, Bind(*e.children[0], scope, nullptr));
      LogicalType t = spec.argument->type;
      if (name == "count") {
        spec.type = LogicalType::kInt64;
        // count(n) counts node ids, not whole nodes.
        spec.argument = Unwrap(std::move(spec.argument));
      } else if (name == "sum") {
        if (t != LogicalType::kAny && !IsNumericType(t)) {
          return Error(e.position, std::string("sum expects a number, not ") + LogicalTypeName(t));
        }
        spec.type = IsIntegerType(t) ? LogicalType::kInt64 : LogicalType::kDouble;
      } else if (name == "avg") {
        if (t != LogicalType::kAny && !IsNumericType(t)) {
          return Error(e.position, std::string("avg expects a number, not ") + LogicalTypeName(t));
        }
        spec.type = LogicalType::kDouble;
      } else if (name == "collect") {
        spec.type = LogicalType::kList;
      } else {
        spec.type = t;
      }
    }
    std::string key = ToString(e);
    int index = -1;
    for (size_t i = 0; i < aggs->texts.size(); i++) {
      if (aggs->texts[i] == key) index = static_cast<int>(i);
    }
    LogicalType type = spec.type;
    if (index < 0) {
      index = static_cast<int>(aggs->specs.size());
      aggs->specs.push_back(std::move(spec));
      aggs->texts.push_back(key);
    }
    return MakeSlot(aggs->first_slot + index, type, key);
  }
  auto out = std::make_unique<BoundExpression>();
  out->kind = BoundKind::kFunction;
  out->position = e.position;
  out->name = name;
  if (e.star) return Error(e.position, "function " + name + " does not take *");
  std::vector<LogicalType> types;
  for (const auto& c : e.children) {
    ASSIGN_OR_RETURN(BoundExpressionPtr arg, Bind(*c, scope, aggs));
    // These read ids (and, for paths, ids and bare relationships) only.
    if (name == "id" || name == "label" || ((name == "length" || name == "nodes" || name == "rels" ||
                                             name == "is_trail" || name == "is_acyclic") &&
                                            arg->kind == BoundKind::kPathValue)) {
      arg = Unwrap(std::move(arg));
    }
    types.push_back(arg->type);
    out->children.push_back(std::move(arg));
  }
  Result<LogicalType> type = ScalarFunctionType(name, types);
  if (!type.ok()) return Error(e.position, type.status().message(), type.status().code());
  out->type = *type;
  if (name == "label" || name == "id") {
    // label()/id() of a node: the slot holds the INTERNAL_ID.
  }
  return out;
}

Result<BoundExpressionPtr> Planner::Bind(const Expression& e, const Scope& scope, AggregateCollector* aggs) {
  switch (e.kind) {
    case ExpressionKind::kLiteral: {
      BoundExpressionPtr out;
      switch (e.literal_kind) {
        case LiteralKind::kNull: out = MakeConstant(Value::Null(LogicalType::kAny), LogicalType::kAny); break;
        case LiteralKind::kBool: out = MakeConstant(Value::Bool(e.bool_value), LogicalType::kBool); break;
        case LiteralKind::kInteger: out = MakeConstant(Value::Int64(e.int_value), LogicalType::kInt64); break;
        case LiteralKind::kDouble: out = MakeConstant(Value::Double(e.double_value), LogicalType::kDouble); break;
        case LiteralKind::kString: out = MakeConstant(Value::String(e.string_value), LogicalType::kString); break;
      }
      out->position = e.position;
      return out;
    }
    case ExpressionKind::kParameter: {
      auto out = std::make_unique<BoundExpression>();
      out->kind = BoundKind::kParameter;
      out->name = e.name;
      out->position = e.position;
      auto it = params_.find(e.name);
      out->type = it == params_.end() || it->second.is_null() ? LogicalType::kAny : it->second.type();
      return out;
    }
    case ExpressionKind::kVariable: {
      const Variable* v = scope.Find(e.name);
      if (v == nullptr || v->anonymous) {
        return Error(e.position, "variable " + e.name + " is not in scope", StatusCode::kNotFound);
      }
      if (v->kind == VarKind::kNode) {
        auto out = std::make_unique<BoundExpression>();
        out->kind = BoundKind::kNodeValue;
        out->type = LogicalType::kNode;
        out->position = e.position;
        out->name = e.name;
        out->children.push_back(MakeSlot(v->slot, LogicalType::kInternalId, e.name));
        return out;
      }
      if (v->kind == VarKind::kRel) {
        auto out = std::make_unique<BoundExpression>();
        out->kind = BoundKind::kRelValue;
        out->type = LogicalType::kRel;
        out->position = e.position;
        out->name = e.name;
        out->children.push_back(MakeSlot(v->slot, LogicalType::kRel, e.name));
        return out;
      }
      if (v->kind == VarKind::kPath) {
        auto slot = MakeSlot(v->slot, LogicalType::kRecursiveRel, e.name);
        slot->position = e.position;
        return Wrap(BoundKind::kPathValue, LogicalType::kRecursiveRel, std::move(slot));
      }
      auto out = MakeSlot(v->slot, v->type, e.name);
      out->position = e.position;
      return out;
    }
    case ExpressionKind::kProperty: return BindProperty(e, scope, aggs);
    case ExpressionKind::kFunctionCall: return BindFunction(e, scope, aggs);
    case ExpressionKind::kUnary: {
      ASSIGN_OR_RETURN(BoundExpressionPtr c, Bind(*e.children[0], scope, aggs));
      auto out = std::make_unique<BoundExpression>();
      out->kind = BoundKind::kUnary;
      out->unary_op = e.unary_op;
      out->position = e.position;
      if (e.unary_op == UnaryOperator::kNot) {
        if (!IsOrAny(c->type, LogicalType::kBool)) {
          return Error(e.position, std::string("NOT expects a BOOL, not ") + LogicalTypeName(c->type));
        }
        out->type = LogicalType::kBool;
      } else {
        if (!IsNumericType(c->type) && c->type != LogicalType::kAny) {
          return Error(e.position, std::string("unary ") + UnaryOperatorName(e.unary_op) + " expects a number, not " +
                                       LogicalTypeName(c->type));
        }
        out->type = IsIntegerType(c->type) ? LogicalType::kInt64 : c->type;
        if (c->type == LogicalType::kFloat) out->type = LogicalType::kDouble;
      }
      out->children.push_back(std::move(c));
      return out;
    }
    case ExpressionKind::kBinary: {
      ASSIGN_OR_RETURN(BoundExpressionPtr a, Bind(*e.children[0], scope, aggs));
      ASSIGN_OR_RETURN(BoundExpressionPtr b, Bind(*e.children[1], scope, aggs));
      BinaryOperator op = e.binary_op;
      auto out = std::make_unique<BoundExpression>();
      out->kind = BoundKind::kBinary;
      out->binary_op = op;
      out->position = e.position;
      LogicalType ta = a->type, tb = b->type;
      bool any = ta == LogicalType::kAny || tb == LogicalType::kAny;
      auto mismatch = [&]() {
        return Error(e.position, std::string("type mismatch: cannot apply ") + BinaryOperatorName(op) + " to " +
                                     LogicalTypeName(ta) + " and " + LogicalTypeName(tb));
      };
      switch (op) {
        case BinaryOperator::kAnd:
        case BinaryOperator::kOr:
        case BinaryOperator::kXor:
          if (!IsOrAny(ta, LogicalType::kBool) ||
              !IsOrAny(tb, LogicalType::kBool)) {
            return mismatch();
          }
          out->type = LogicalType::kBool;
          break;
        case BinaryOperator::kEqual:
        case BinaryOperator::kNotEqual:
        case BinaryOperator::kLess:
        case BinaryOperator::kLessEqual:
        case BinaryOperator::kGreater:
        case BinaryOperator::kGreaterEqual: {
          a = Unwrap(std::move(a));
          b = Unwrap(std::move(b));
          ta = a->type;
          tb = b->type;
          any = ta == LogicalType::kAny || tb == LogicalType::kAny;
          bool ok = any || ta == tb || (IsNumericType(ta) && IsNumericType(tb));
          if (!ok) return mismatch();
          out->type = LogicalType::kBool;
          break;
        }
        case BinaryOperator::kIn:
          if (!any && tb != LogicalType::kList) return mismatch();
          out->type = LogicalType::kBool;
          break;
        case BinaryOperator::kStartsWith:
        case BinaryOperator::kEndsWith:
        case BinaryOperator::kContains:
        case BinaryOperator::kRegexMatch:
          if (!IsOrAny(ta, LogicalType::kString) ||
              !IsOrAny(tb, LogicalType::kString)) {
            return mismatch();
          }
          out->type = LogicalType::kBool;
          break;
        default:
          if (op == BinaryOperator::kAdd && (ta == LogicalType::kString || tb == LogicalType::kString)) {
            if (!IsOrAny(ta, LogicalType::kString) ||
                !IsOrAny(tb, LogicalType::kString)) {
              return mismatch();
            }
            out->type = LogicalType::kString;
            break;
          }
          if ((!IsNumericType(ta) && ta != LogicalType::kAny) || (!IsNumericType(tb) && tb != LogicalType::kAny)) {
            return mismatch();
          }
          if (op == BinaryOperator::kPower) {
            out->type = LogicalType::kDouble;
          } else if (IsIntegerType(ta) && IsIntegerType(tb)) {
            out->type = LogicalType::kInt64;
          } else if (any) {
            out->type = LogicalType::kAny;
          } else {
            out->type = LogicalType::kDouble;
          }
      }
      out->children.push_back(std::move(a));
      out->children.push_back(std::move(b));
      return out;
    }
    case ExpressionKind::kIsNull: {
      ASSIGN_OR_RETURN(BoundExpressionPtr c, Bind(*e.children[0], scope, aggs));
      auto out = std::make_unique<BoundExpression>();
      out->kind = BoundKind::kIsNull;
      out->negated = e.negated;
      out->type = LogicalType::kBool;
      out->position = e.position;
      out->children.push_back(Unwrap(std::move(c)));
      return out;
    }
    case ExpressionKind::kList: {
      auto out = std::make_unique<BoundExpression>();
      out->kind = BoundKind::kList;
      out->type = LogicalType::kList;
      out->position = e.position;
      for (const auto& c : e.children) {
        ASSIGN_OR_RETURN(BoundExpressionPtr b, Bind(*c, scope, aggs));
        out->children.push_back(std::move(b));
      }
      return out;
    }
    case ExpressionKind::kMap: return Error(e.position, "map values are not supported yet", StatusCode::kUnsupported);
    case ExpressionKind::kIndex: {
      ASSIGN_OR_RETURN(BoundExpressionPtr a, Bind(*e.children[0], scope, aggs));
      ASSIGN_OR_RETURN(BoundExpressionPtr b, Bind(*e.children[1], scope, aggs));
      if (!IsOrAny(a->type, LogicalType::kList)) {
        return Error(e.position, std::string("cannot index a ") + LogicalTypeName(a->type));
      }
      if (!IsIntegerType(b->type) && b->type != LogicalType::kAny) {
        return Error(e.position, "list index must be an integer");
      }
      auto out = std::make_unique<BoundExpression>();
      out->kind = BoundKind::kIndex;
      out->type = LogicalType::kAny;
      out->position = e.position;
      out->children.push_back(std::move(a));
      out->children.push_back(std::move(b));
      return out;
    }
    case ExpressionKind::kCase: {
      auto out = std::make_unique<BoundExpression>();
      out->kind = BoundKind::kCase;
      out->position = e.position;
      out->has_case_operand = e.has_case_operand;
      out->has_else = e.has_else;
      out->type = LogicalType::kAny;
      size_t first = e.has_case_operand ? 1 : 0;
      for (size_t i = 0; i < e.children.size(); i++) {
        ASSIGN_OR_RETURN(BoundExpressionPtr c, Bind(*e.children[i], scope, aggs));
        bool is_result = (i >= first && (i - first) % 2 == 1) || (e.has_else && i + 1 == e.children.size());
        if (is_result && c->type != LogicalType::kAny) {
          if (out->type == LogicalType::kAny) {
            out->type = c->type;
          } else if (out->type != c->type) {
            if (IsNumericType(out->type) && IsNumericType(c->type)) {
              out->type = LogicalType::kDouble;
            } else {
              return Error(e.children[i]->position, std::string("CASE results have different types: ") +
                                                        LogicalTypeName(out->type) + " and " +
                                                        LogicalTypeName(c->type));
            }
          }
        }
        out->children.push_back(std::move(c));
      }
      return out;
    }
  }
  return Error(e.position, "unsupported expression");
}

Result<int64_t> Planner::ConstantInt(const Expression& e, const char* what) {
  Scope empty;
  ASSIGN_OR_RETURN(BoundExpressionPtr b, Bind(e, empty, nullptr));
  ExecContext ctx(nullptr, &catalog_, &params_, nullptr);
  DataChunk chunk;
  chunk.num_rows = 1;
  Result<Value> v = Evaluate(*b, chunk, 0, &ctx);
  if (!v.ok() || v->is_null() || !IsIntegerType(v->type())) {
    if (b->type == LogicalType::kAny && !v.ok()) return int64_t{-2};  // parameter without a value (Prepare)
    return Error(e.position, std::string(what) + " expects a non-negative integer");
  }
  if (v->int_value() < 0) return Error(e.position, std::string(what) + " expects a non-negative integer");
  return v->int_value();
}

// ------------------------------------------------------------- patterns

Status Planner::PlanMatch(const MatchClause& m, OperatorPtr* plan, Scope* scope) {
  std::vector<const PathPattern*> patterns;
  for (const auto& p : m.patterns) patterns.push_back(&p);
  if (!m.optional) return PlanPatterns(patterns, m.where.get(), plan, scope);
  auto argument = std::make_unique<Argument>();
  Argument* arg = argument.get();
  OperatorPtr inner = std::move(argument);
  Scope before = *scope;
  RETURN_IF_ERROR(PlanPatterns(patterns, m.where.get(), &inner, scope));
  countable_.reset();  // its rows are not the MATCH's alone
  std::vector<int> new_slots;
  for (const auto& [name, v] : scope->vars) {
    if (!before.Find(name)) new_slots.push_back(v.slot);
  }
  *plan = std::make_unique<Optional>(std::move(*plan), std::move(inner), arg, std::move(new_slots));
  return Status::OK();
}

Status Planner::PlanPatterns(const std::vector<const PathPattern*>& patterns, const Expression* where,
                             OperatorPtr* plan, Scope* scope) {
  PatternState s;
  for (const auto& [name, v] : scope->vars) {
    if (!v.anonymous) s.outer_names.insert(name);
  }
  RETURN_IF_ERROR(CollectPatterns(&s, patterns, *scope));
  RETURN_IF_ERROR(NarrowPatternTables(&s));
  EnterPatternScope(&s, scope);
  RETURN_IF_ERROR(BindPatternPredicates(&s, where, scope));
  if (auto pre = s.TakeReady()) *plan = std::make_unique<Filter>(std::move(*plan), std::move(pre));
  // Decided before the conjuncts are placed (which consumes them).
  std::optional<CountablePattern> countable;
  if (options_.factorize_counts && next_aggregates_ && s.named_paths.empty()) {
    if (auto paths = CountablePaths(s.nodes, s.rels, s.conjuncts, s.node_slots, s.rel_slots)) {
      countable.emplace(CountablePattern{});
      countable->input = plan->get();
      countable->paths = std::move(*paths);
      countable->node_slots.insert(s.node_slots.begin(), s.node_slots.end());
      countable->rel_slots.insert(s.rel_slots.begin(), s.rel_slots.end());
    }
  }

  // Start points and extends, one connected part at a time.
  FinishPatternStep(&s, plan);  // paths of nodes bound before
  while (true) {
    // Extend along any relationship with a bound end.
    bool progressed = false;
    for (size_t ri = 0; ri < s.rels.size(); ri++) {
      const PRel& r = s.rels[ri];
      if (r.planned) continue;
      const bool lb = s.nodes[r.left].bound, rb = s.nodes[r.right].bound;
      if (!lb && !rb) continue;
      const int from = lb ? r.left : r.right;
      const int to = lb ? r.right : r.left;
      if (r.pattern->variable_length) {
        if (!s.nodes[to].bound && HasKeyLookup(s, to)) continue;  // look the far end up first: a search can stop there
        PlanVarLengthExtend(&s, ri, from, plan);
      } else {
        PlanExtend(&s, ri, from, plan);
      }
      progressed = true;
    }
    if (progressed) continue;
    if (PlanKeyLookup(&s, plan)) continue;
    if (!PlanScan(&s, plan)) break;
  }
  FinishPatternStep(&s, plan);
  if (!s.conjuncts.empty()) return Error(s.conjuncts[0].expr->position, "predicate reads an unbound variable");
  if (countable) {
    countable->output = plan->get();
    countable_ = std::move(countable);
  }
  return Status::OK();
}

Result<int> Planner::AddPatternNode(PatternState* s, const NodePattern& np, const Scope& scope) {
  std::string name = np.variable.empty() ? "_anon" + std::to_string(anon_counter_++) : np.variable;
  std::vector<TableId> tables;
  if (!np.labels.empty()) {
    ASSIGN_OR_RETURN(tables, ResolveTables(np.labels, TableKind::kNode, np.position));
  }
  auto it = s->node_index.find(name);
  if (it != s->node_index.end()) {
    PNode& n = s->nodes[it->second];
    if (!tables.empty()) {
      if (n.labelled) {
        std::vector<TableId> both;
        for (TableId t : n.tables) {
          if (std::find(tables.begin(), tables.end(), t) != tables.end()) both.push_back(t);
        }
        n.tables = both;
      } else {
        n.tables = tables;
        n.labelled = true;
      }
    }
    s->node_maps.emplace_back(it->second, &np);
    return it->second;
  }
  PNode n;
  n.name = name;
  n.pos = np.position;
  const Variable* v = scope.Find(name);
  if (v != nullptr) {
    if (v->kind != VarKind::kNode) {
      return Error(np.position, "variable " + name + " is already bound and is not a node");
    }
    n.bound_before = n.bound = true;
    n.tables = v->tables;
    n.labelled = true;
  } else {
    n.labelled = !np.labels.empty();
    if (n.labelled) {
      n.tables = tables;
    } else {
      ASSIGN_OR_RETURN(n.tables, ResolveTables({}, TableKind::kNode, np.position));
    }
  }
  s->nodes.push_back(std::move(n));
  const int index = static_cast<int>(s->nodes.size()) - 1;
  s->node_index[name] = index;
  s->node_maps.emplace_back(index, &np);
  return index;
}

Status Planner::CollectPatterns(PatternState* s, const std::vector<const PathPattern*>& patterns,
                                const Scope& scope) {
  for (const PathPattern* p : patterns) {
    NamedPath named;
    if (!p->path_variable.empty()) {
      named.name = p->path_variable;
      if (scope.Find(named.name) != nullptr) {
        return Error(p->position, "variable " + named.name + " is already bound", StatusCode::kUnsupported);
      }
      for (const NamedPath& other : s->named_paths) {
        if (other.name == named.name) return Error(p->position, "path variable " + named.name + " is used twice");
      }
    }
    ASSIGN_OR_RETURN(int prev, AddPatternNode(s, p->nodes[0], scope));
    named.parts.emplace_back(true, prev);
    for (size_t i = 0; i < p->rels.size(); i++) {
      ASSIGN_OR_RETURN(int next, AddPatternNode(s, p->nodes[i + 1], scope));
      const RelPattern& rp = p->rels[i];
      if (rp.variable_length) {
        const bool shortest = rp.semantics != PathSemantics::kWalk;
        if (shortest && rp.min_hops.value_or(1) != 1) {
          return Error(rp.position, "the lower bound of a shortest path must be 1");
        }
        int64_t lo = rp.min_hops.value_or(1), hi = rp.max_hops.value_or(kMaxVarLengthHops);
        if (lo > hi) return Error(rp.position, "variable-length lower bound is above the upper bound");
        if (hi > kMaxVarLengthHops) {
          return Error(rp.position, "variable-length upper bound must be at most " + std::to_string(kMaxVarLengthHops));
        }
      }
      PRel r;
      r.name = rp.variable.empty() ? "_anon" + std::to_string(anon_counter_++) : rp.variable;
      if (scope.Find(r.name) != nullptr) {
        return Error(rp.position, "variable " + r.name + " is already bound", StatusCode::kUnsupported);
      }
      for (const PRel& other : s->rels) {
        if (other.name == r.name) return Error(rp.position, "relationship variable " + r.name + " is used twice");
      }
      if (s->node_index.count(r.name)) return Error(rp.position, "variable " + r.name + " is already a node");
      r.pattern = &rp;
      r.left = prev;
      r.right = next;
      ASSIGN_OR_RETURN(r.tables, ResolveTables(rp.types, TableKind::kRel, rp.position));
      s->rels.push_back(std::move(r));
      named.parts.emplace_back(false, static_cast<int>(s->rels.size()) - 1);
      named.parts.emplace_back(true, next);
      prev = next;
    }
    if (!named.name.empty()) {
      for (const auto& [is_node, index] : named.parts) {
        const std::string& part = is_node ? s->nodes[index].name : s->rels[index].name;
        if (part == named.name) return Error(p->position, "variable " + named.name + " is already bound");
      }
      s->named_paths.push_back(std::move(named));
    }
  }
  return Status::OK();
}

Status Planner::NarrowPatternTables(PatternState* s) {
  auto contains = [](const std::vector<TableId>& v, TableId t) { return std::find(v.begin(), v.end(), t) != v.end(); };
  auto fits = [&](const PRel& r, const TableSchema& schema) {
    const auto& l = s->nodes[r.left].tables;
    const auto& rt = s->nodes[r.right].tables;
    bool fwd = contains(l, schema.from_table) && contains(rt, schema.to_table);
    bool bwd = contains(l, schema.to_table) && contains(rt, schema.from_table);
    switch (r.pattern->direction) {
      case RelDirection::kRight: return fwd;
      case RelDirection::kLeft: return bwd;
      case RelDirection::kBoth: return fwd || bwd;
    }
    return false;
  };
  for (int round = 0; round < 3; round++) {
    for (PRel& r : s->rels) {
      if (r.pattern->variable_length) continue;  // walks may pass through other tables
      std::vector<TableId> kept;
      for (TableId t : r.tables) {
        if (fits(r, *catalog_.GetTable(t))) kept.push_back(t);
      }
      if (kept.empty() && !r.pattern->types.empty()) {
        const TableSchema* schema = catalog_.GetTable(r.tables[0]);
        const PNode& left = s->nodes[r.left];
        const PNode& right = s->nodes[r.right];
        std::string l = left.labelled && left.tables.size() == 1 ? TableName(left.tables[0]) : "?";
        std::string rt = right.labelled && right.tables.size() == 1 ? TableName(right.tables[0]) : "?";
        return Error(r.pattern->position, "relationship table " + schema->name + " connects " +
                                              TableName(schema->from_table) + " to " + TableName(schema->to_table) +
                                              ", not " + l + " and " + rt);
      }
      r.tables = kept;
      // Narrow unlabelled ends.
      for (int side = 0; side < 2; side++) {
        PNode& n = s->nodes[side == 0 ? r.left : r.right];
        if (n.labelled) continue;
        std::vector<TableId> ok;
        for (TableId nt : n.tables) {
          bool any = false;
          for (TableId t : r.tables) {
            const TableSchema* schema = catalog_.GetTable(t);
            bool left_side = side == 0;
            bool as_from = left_side ? r.pattern->direction != RelDirection::kLeft
                                     : r.pattern->direction == RelDirection::kLeft;
            if (r.pattern->direction == RelDirection::kBoth) {
              any |= schema->from_table == nt || schema->to_table == nt;
            } else {
              any |= (as_from ? schema->from_table : schema->to_table) == nt;
            }
          }
          if (any) ok.push_back(nt);
        }
        n.tables = ok;
      }
    }
  }
  return Status::OK();
}

void Planner::EnterPatternScope(PatternState* s, Scope* scope) {
  s->node_slots.resize(s->nodes.size());
  for (size_t i = 0; i < s->nodes.size(); i++) {
    PNode& n = s->nodes[i];
    if (n.bound_before) {
      s->node_slots[i] = scope->Find(n.name)->slot;
      continue;
    }
    s->node_slots[i] = AddGraphVariable(scope, n.name, VarKind::kNode, n.tables, n.name.rfind("_anon", 0) == 0);
  }
  s->rel_slots.resize(s->rels.size());
  for (size_t i = 0; i < s->rels.size(); i++) {
    const PRel& r = s->rels[i];
    const VarKind kind = r.pattern->variable_length ? VarKind::kPath : VarKind::kRel;
    s->rel_slots[i] = AddGraphVariable(scope, r.name, kind, r.tables, r.name.rfind("_anon", 0) == 0);
  }
  for (NamedPath& np : s->named_paths) np.slot = AddGraphVariable(scope, np.name, VarKind::kPath, {}, false);
}

Status Planner::AddPropertyMap(const std::string& var, const PropertyMap& map, const SourcePosition& pos,
                               const Scope& base, std::vector<Conjunct>* into) {
  for (const auto& [key, value] : map) {
    auto prop = std::make_unique<Expression>(ExpressionKind::kProperty, value->position);
    prop->name = key;
    prop->children.push_back(std::make_unique<Expression>(ExpressionKind::kVariable, pos));
    prop->children[0]->name = var;
    Scope bind_scope = base;
    bind_scope.vars[var].anonymous = false;
    ASSIGN_OR_RETURN(BoundExpressionPtr lhs, Bind(*prop, bind_scope, nullptr));
    ASSIGN_OR_RETURN(BoundExpressionPtr rhs, Bind(*value, base, nullptr));
    if (lhs->type != LogicalType::kAny && rhs->type != LogicalType::kAny && lhs->type != rhs->type &&
        !(IsNumericType(lhs->type) && IsNumericType(rhs->type))) {
      return Error(value->position, "type mismatch: property " + key + " is " + LogicalTypeName(lhs->type) +
                                        ", not " + LogicalTypeName(rhs->type));
    }
    auto eq = std::make_unique<BoundExpression>();
    eq->kind = BoundKind::kBinary;
    eq->binary_op = BinaryOperator::kEqual;
    eq->type = LogicalType::kBool;
    eq->position = value->position;
    eq->children.push_back(std::move(lhs));
    eq->children.push_back(std::move(rhs));
    Conjunct c;
    c.expr = std::move(eq);
    c.vars = ReferencedVariables(*value);
    c.vars.insert(var);
    into->push_back(std::move(c));
  }
  return Status::OK();
}

Status Planner::BindHopFilters(PatternState* s, size_t rel, Scope* scope) {
  const RelPattern& rp = *s->rels[rel].pattern;
  if (rp.properties.empty() && !rp.filter_where) return Status::OK();
  // The edge and node under test live in slots of their own; the filters
  // may also read variables bound before this MATCH.
  VarLengthSpec& spec = s->var_specs[rel];
  const std::string edge_var = "_anon" + std::to_string(anon_counter_++);
  const std::string node_var = "_anon" + std::to_string(anon_counter_++);
  spec.edge_slot = AddGraphVariable(scope, edge_var, VarKind::kRel, s->rels[rel].tables, true);
  std::vector<TableId> node_tables;
  for (const TableSchema* t : catalog_.Tables()) {
    if (!t->is_rel()) node_tables.push_back(t->id);
  }
  spec.node_slot = AddGraphVariable(scope, node_var, VarKind::kNode, std::move(node_tables), true);
  Scope filter_scope;
  for (const std::string& name : s->outer_names) filter_scope.vars[name] = *scope->Find(name);
  filter_scope.vars[edge_var] = *scope->Find(edge_var);
  std::vector<Conjunct> hop_conjuncts;
  RETURN_IF_ERROR(AddPropertyMap(edge_var, rp.properties, rp.position, filter_scope, &hop_conjuncts));
  for (Conjunct& c : hop_conjuncts) spec.edge_filter = MakeAnd(std::move(spec.edge_filter), std::move(c.expr));
  if (!rp.filter_where) return Status::OK();
  filter_scope.vars[rp.filter_rel_variable] = *scope->Find(edge_var);
  filter_scope.vars[rp.filter_rel_variable].anonymous = false;
  filter_scope.vars[rp.filter_node_variable] = *scope->Find(node_var);
  filter_scope.vars[rp.filter_node_variable].anonymous = false;
  for (const Expression* e : AndParts(rp.filter_where.get())) {
    if (ContainsAggregate(*e)) return Error(e->position, "aggregate functions are not allowed in WHERE");
    const std::set<std::string> vars = ReferencedVariables(*e);
    const bool reads_rel = vars.count(rp.filter_rel_variable) > 0;
    const bool reads_node = vars.count(rp.filter_node_variable) > 0;
    if (reads_rel && reads_node) {
      return Error(e->position, "a condition of a variable-length relationship's filter may read " +
                                    rp.filter_rel_variable + " or " + rp.filter_node_variable + ", not both",
                   StatusCode::kUnsupported);
    }
    for (const std::string& v : vars) {
      if (v != rp.filter_rel_variable && v != rp.filter_node_variable && !s->outer_names.count(v)) {
        return Error(e->position, "variable " + v + " is not in scope of the variable-length relationship's filter",
                     StatusCode::kNotFound);
      }
    }
    ASSIGN_OR_RETURN(BoundExpressionPtr b, Bind(*e, filter_scope, nullptr));
    if (!IsOrAny(b->type, LogicalType::kBool)) {
      return Error(e->position, std::string("WHERE expects a BOOL expression, not ") + LogicalTypeName(b->type));
    }
    if (reads_node) {
      spec.node_filter = MakeAnd(std::move(spec.node_filter), std::move(b));
    } else {
      spec.edge_filter = MakeAnd(std::move(spec.edge_filter), std::move(b));
    }
  }
  return Status::OK();
}

Status Planner::BindPatternPredicates(PatternState* s, const Expression* where, Scope* scope) {
  for (const auto& [index, np] : s->node_maps) {
    RETURN_IF_ERROR(AddPropertyMap(s->nodes[index].name, np->properties, np->position, *scope, &s->conjuncts));
  }
  s->var_specs.resize(s->rels.size());
  for (size_t i = 0; i < s->rels.size(); i++) {
    const RelPattern& rp = *s->rels[i].pattern;
    if (rp.variable_length) {
      RETURN_IF_ERROR(BindHopFilters(s, i, scope));
    } else {
      RETURN_IF_ERROR(AddPropertyMap(s->rels[i].name, rp.properties, rp.position, *scope, &s->conjuncts));
    }
  }
  if (where != nullptr) {
    for (const Expression* e : AndParts(where)) {
      if (ContainsAggregate(*e)) return Error(e->position, "aggregate functions are not allowed in WHERE");
      ASSIGN_OR_RETURN(BoundExpressionPtr b, Bind(*e, *scope, nullptr));
      if (!IsOrAny(b->type, LogicalType::kBool)) {
        return Error(e->position, std::string("WHERE expects a BOOL expression, not ") + LogicalTypeName(b->type));
      }
      Conjunct c;
      c.expr = std::move(b);
      c.vars = ReferencedVariables(*e);
      s->conjuncts.push_back(std::move(c));
    }
  }
  // Which names count as bound: everything in scope before, plus what the
  // plan binds as it goes.
  for (const auto& [name, v] : scope->vars) {
    bool is_new = s->node_index.count(name) > 0 && !s->nodes[s->node_index.at(name)].bound_before;
    for (const PRel& r : s->rels) is_new |= r.name == name;
    for (const NamedPath& np : s->named_paths) is_new |= np.name == name;
    if (!is_new) s->bound.insert(name);
  }
  return Status::OK();
}

void Planner::FinishPatternStep(PatternState* s, OperatorPtr* plan) {
  for (NamedPath& np : s->named_paths) {
    if (np.built) continue;
    bool ready = true;
    for (const auto& [is_node, index] : np.parts) {
      ready &= s->bound.count(is_node ? s->nodes[index].name : s->rels[index].name) > 0;
    }
    if (!ready) continue;
    std::vector<BuildPath::Part> parts;
    for (const auto& [is_node, index] : np.parts) {
      parts.push_back(BuildPath::Part{is_node ? s->node_slots[index] : s->rel_slots[index], is_node});
    }
    *plan = std::make_unique<BuildPath>(std::move(*plan), np.name, np.slot, std::move(parts));
    np.built = true;
    s->bound.insert(np.name);
  }
  if (auto f = s->TakeReady()) *plan = std::make_unique<Filter>(std::move(*plan), std::move(f));
}

bool Planner::HasKeyLookup(const PatternState& s, int i) const {
  if (s.nodes[i].tables.size() != 1) return false;
  const TableSchema* schema = catalog_.GetTable(s.nodes[i].tables[0]);
  const std::string& pk = schema->properties[schema->primary_key].name;
  for (const Conjunct& c : s.conjuncts) {
    if (c.expr && s.ReadyExcept(c, s.nodes[i].name) && PrimaryKeyValue(*c.expr, s.node_slots[i], pk) != nullptr) {
      return true;
    }
  }
  return false;
}

void Planner::PlanVarLengthExtend(PatternState* s, size_t rel, int from, OperatorPtr* plan) {
  PRel& r = s->rels[rel];
  const int to = from == r.left ? r.right : r.left;
  const RelDirection d = r.pattern->direction;
  const bool from_is_left = from == r.left;
  VarLengthSpec& spec = s->var_specs[rel];
  // Steps for every hop: any table of the pattern, in the wanted direction.
  for (TableId t : r.tables) {
    const TableSchema* schema = catalog_.GetTable(t);
    if (d == RelDirection::kBoth || (d == RelDirection::kRight) == from_is_left) {
      spec.steps.push_back(ExtendStep{t, true, schema->from_table, schema->to_table});
    }
    if (d == RelDirection::kBoth || (d == RelDirection::kLeft) == from_is_left) {
      spec.steps.push_back(ExtendStep{t, false, schema->to_table, schema->from_table});
    }
  }
  const bool to_bound = s->nodes[to].bound;
  r.planned = true;
  s->bound.insert(r.name);
  if (!to_bound) s->BindNode(to);
  spec.from_slot = s->node_slots[from];
  spec.to_slot = s->node_slots[to];
  spec.to_bound = to_bound;
  const bool anonymous = r.name.rfind("_anon", 0) == 0;
  if (!anonymous || s->InNamedPath(false, static_cast<int>(rel))) spec.path_slot = s->rel_slots[rel];
  spec.reverse_path = !from_is_left;
  spec.to_tables = s->nodes[to].tables;
  spec.min_hops = r.pattern->min_hops.value_or(1);
  spec.max_hops = r.pattern->max_hops.value_or(kMaxVarLengthHops);
  spec.mode = r.pattern->semantics == PathSemantics::kShortest      ? PathMode::kShortest
              : r.pattern->semantics == PathSemantics::kAllShortest ? PathMode::kAllShortest
                                                                    : PathMode::kWalk;
  const std::string kind = spec.mode == PathMode::kShortest      ? " SHORTEST "
                           : spec.mode == PathMode::kAllShortest ? " ALL SHORTEST "
                                                                 : "";
  // Arrows as seen from the node the walk starts at.
  const bool outgoing = d == RelDirection::kRight ? from_is_left : !from_is_left;
  const char* left_arrow = d != RelDirection::kBoth && !outgoing ? "<-[" : "-[";
  const char* right_arrow = d != RelDirection::kBoth && outgoing ? "]->(" : "]-(";
  std::string desc = "VarLengthExtend (" + s->nodes[from].name + ")" + left_arrow + (anonymous ? "" : r.name) + "*" +
                     kind + std::to_string(spec.min_hops) + ".." + std::to_string(spec.max_hops) + right_arrow +
                     s->nodes[to].name + ")";
  if (spec.edge_filter) desc += " edge_filter=" + spec.edge_filter->ToString();
  if (spec.node_filter) desc += " node_filter=" + spec.node_filter->ToString();
  *plan = std::make_unique<VarLengthExtend>(std::move(*plan), desc, std::move(spec));
  FinishPatternStep(s, plan);
}

void Planner::PlanExtend(PatternState* s, size_t rel, int from, OperatorPtr* plan) {
  PRel& r = s->rels[rel];
  const int to = from == r.left ? r.right : r.left;
  const RelDirection d = r.pattern->direction;
  std::vector<ExtendStep> steps = ExtendSteps(s->nodes, r, from);
  const bool to_bound = s->nodes[to].bound;
  r.planned = true;
  s->bound.insert(r.name);
  if (!to_bound) s->BindNode(to);
  const std::string& f = s->nodes[from].name;
  const std::string& t = s->nodes[to].name;
  std::string desc = "Extend (" + f + ")" + (d == RelDirection::kLeft && from == r.left ? "<-" : "-") + "[" + r.name +
                     "]" + (d == RelDirection::kRight && from == r.left ? "->" : "-") + "(" + t + ")";
  if (d == RelDirection::kRight && from != r.left) desc = "Extend (" + f + ")<-[" + r.name + "]-(" + t + ")";
  if (d == RelDirection::kLeft && from != r.left) desc = "Extend (" + f + ")-[" + r.name + "]->(" + t + ")";
  // An anonymous relationship without predicates is never read: leave
  // its slot empty rather than build a value per edge.
  bool rel_read = r.name.rfind("_anon", 0) != 0 || s->InNamedPath(false, static_cast<int>(rel));
  for (const Conjunct& c : s->conjuncts) rel_read |= c.expr && c.vars.count(r.name) > 0;
  BoundExpressionPtr filter = s->TakeReady();
  *plan = std::make_unique<Extend>(std::move(*plan), desc, s->node_slots[from], rel_read ? s->rel_slots[rel] : -1,
                                   s->node_slots[to], to_bound, std::move(steps), std::move(filter), nullptr);
  FinishPatternStep(s, plan);
}

bool Planner::PlanKeyLookup(PatternState* s, OperatorPtr* plan) {
  for (size_t i = 0; i < s->nodes.size(); i++) {
    if (s->nodes[i].bound || s->nodes[i].tables.size() != 1) continue;
    const TableSchema* schema = catalog_.GetTable(s->nodes[i].tables[0]);
    const std::string& pk = schema->properties[schema->primary_key].name;
    for (Conjunct& c : s->conjuncts) {
      if (!s->ReadyExcept(c, s->nodes[i].name)) continue;
      const BoundExpression* value = PrimaryKeyValue(*c.expr, s->node_slots[i], pk);
      if (value == nullptr) continue;
      BoundExpressionPtr key = value->Clone();
      c.expr.reset();
      s->DropTaken();
      s->BindNode(static_cast<int>(i));
      BoundExpressionPtr filter = s->TakeReady();
      *plan = std::make_unique<IndexLookup>(std::move(*plan), s->node_slots[i], s->nodes[i].name,
                                            s->nodes[i].tables[0], std::move(key), std::move(filter));
      FinishPatternStep(s, plan);
      return true;
    }
  }
  return false;
}

bool Planner::PlanScan(PatternState* s, OperatorPtr* plan) {
  // The unbound node with the fewest expected rows: its tables' size,
  // divided by 4 for each predicate that reads only it (a rough
  // selectivity, enough to start a pattern at its filtered end).
  int start = -1;
  double best_rows = 0;
  for (size_t i = 0; i < s->nodes.size(); i++) {
    if (s->nodes[i].bound) continue;
    double rows = 0;
    for (TableId t : s->nodes[i].tables) {
      if (store_ != nullptr) {
        Result<uint64_t> n = store_->CountNodes(TableName(t));
        rows += n.ok() ? static_cast<double>(*n) : 0;
      }
    }
    for (const Conjunct& c : s->conjuncts) {
      if (c.expr && c.vars.size() == 1 && c.vars.count(s->nodes[i].name)) rows /= 4;
    }
    if (start < 0 || rows < best_rows) {
      start = static_cast<int>(i);
      best_rows = rows;
    }
  }
  if (start < 0) return false;
  // A scan below rows already bound would run once per row: when an
  // equality links the node to them, join by hash instead. (Not after a
  // write: the hash table is built once, before the rows' writes.)
  const std::string& start_name = s->nodes[start].name;
  const int start_slot = s->node_slots[start];
  bool rows_bound = !s->outer_names.empty();
  for (const PNode& n : s->nodes) rows_bound |= n.bound;
  BoundExpressionPtr build_key, probe_key;
  if (rows_bound && !writes_) {
    for (Conjunct& c : s->conjuncts) {
      if (!c.expr || !c.vars.count(start_name) || !s->ReadyExcept(c, start_name)) continue;
      const BoundExpression& e = *c.expr;
      if (e.kind != BoundKind::kBinary || e.binary_op != BinaryOperator::kEqual) continue;
      std::set<int> reads[2];
      for (int side = 0; side < 2; side++) CollectSlots(*e.children[side], &reads[side]);
      const std::set<int> only_start{start_slot};
      for (int side = 0; side < 2 && !build_key; side++) {
        if (reads[side] != only_start || reads[1 - side].count(start_slot)) continue;
        build_key = e.children[side]->Clone();
        probe_key = e.children[1 - side]->Clone();
      }
      if (build_key) {
        c.expr.reset();
        break;
      }
    }
  }
  // Predicates on the scanned node alone go into the scan.
  s->BindNode(start);
  BoundExpressionPtr pushed;
  for (Conjunct& c : s->conjuncts) {
    if (!c.expr || !s->Ready(c)) continue;
    bool only_this = true;
    for (const std::string& v : c.vars) only_this &= v == start_name;
    if (only_this) pushed = MakeAnd(std::move(pushed), std::move(c.expr));
  }
  s->DropTaken();
  const std::vector<TableId>& tables = s->nodes[start].tables;
  if (build_key) {
    auto build = std::make_unique<NodeScan>(std::make_unique<SingleRow>(), start_slot, start_name, tables,
                                            std::move(pushed));
    *plan = std::make_unique<HashJoin>(std::move(*plan), std::move(build), start_slot, std::move(build_key),
                                       std::move(probe_key));
  } else {
    *plan = std::make_unique<NodeScan>(std::move(*plan), start_slot, start_name, tables, std::move(pushed));
  }
  FinishPatternStep(s, plan);
  return true;
}

std::vector<ExtendStep> Planner::ExtendSteps(const std::vector<PNode>& nodes, const PRel& r, int from) const {
  auto contains = [](const std::vector<TableId>& v, TableId t) { return std::find(v.begin(), v.end(), t) != v.end(); };
  const int to = from == r.left ? r.right : r.left;
  // Direction relative to the storage FROM->TO, seen from `from`.
  const RelDirection d = r.pattern->direction;
  const bool from_is_left = from == r.left;
  const bool want_fwd = d == RelDirection::kBoth || (d == RelDirection::kRight) == from_is_left;
  const bool want_bwd = d == RelDirection::kBoth || (d == RelDirection::kLeft) == from_is_left;
  std::vector<ExtendStep> steps;
  for (TableId t : r.tables) {
    const TableSchema* s = catalog_.GetTable(t);
    if (want_fwd && contains(nodes[from].tables, s->from_table) && contains(nodes[to].tables, s->to_table)) {
      steps.push_back(ExtendStep{t, true, s->from_table, s->to_table});
    }
    if (want_bwd && contains(nodes[from].tables, s->to_table) && contains(nodes[to].tables, s->from_table)) {
      steps.push_back(ExtendStep{t, false, s->to_table, s->from_table});
    }
  }
  return steps;
}

std::optional<std::vector<SketchPath>> Planner::CountablePaths(const std::vector<PNode>& nodes,
                                                               const std::vector<PRel>& rels,
                                                               const std::vector<Conjunct>& conjuncts,
                                                               const std::vector<int>& node_slots,
                                                               const std::vector<int>& rel_slots) const {
  const size_t n = nodes.size();
  std::map<std::string, int> node_of, rel_of;
  for (size_t i = 0; i < n; i++) {
    if (nodes[i].bound_before) return std::nullopt;
    node_of[nodes[i].name] = static_cast<int>(i);
  }
  // The relationships at each node; a path visits each node once.
  std::vector<std::vector<int>> incident(n);
  for (size_t ri = 0; ri < rels.size(); ri++) {
    const PRel& r = rels[ri];
    if (r.pattern->variable_length || r.left == r.right) return std::nullopt;
    rel_of[r.name] = static_cast<int>(ri);
    incident[r.left].push_back(static_cast<int>(ri));
    incident[r.right].push_back(static_cast<int>(ri));
  }
  for (const auto& at : incident) {
    if (at.size() > 2) return std::nullopt;
  }
  // Each predicate filters one node or one relationship.
  std::vector<std::vector<const Conjunct*>> node_conjuncts(n), rel_conjuncts(rels.size());
  for (const Conjunct& c : conjuncts) {
    if (!c.expr) continue;
    if (c.vars.size() != 1) return std::nullopt;
    const std::string& var = *c.vars.begin();
    if (node_of.count(var)) {
      node_conjuncts[node_of[var]].push_back(&c);
    } else if (rel_of.count(var)) {
      rel_conjuncts[rel_of[var]].push_back(&c);
    } else {
      return std::nullopt;
    }
  }

  std::vector<SketchPath> paths;
  std::vector<bool> seen(n, false);
  for (size_t first = 0; first < n; first++) {
    if (seen[first]) continue;
    // The connected part of `first`: a tree (no cycle) without branches.
    std::vector<int> part{static_cast<int>(first)};
    seen[first] = true;
    size_t part_rels = 0;
    for (size_t k = 0; k < part.size(); k++) {
      part_rels += incident[part[k]].size();
      for (int ri : incident[part[k]]) {
        for (int end : {rels[ri].left, rels[ri].right}) {
          if (!seen[end]) {
            seen[end] = true;
            part.push_back(end);
          }
        }
      }
    }
    if (part_rels / 2 != part.size() - 1) return std::nullopt;
    // Walk it from one end.
    int end = part[0];
    for (int i : part) {
      if (incident[i].size() < 2) {
        end = i;
        break;
      }
    }
    std::vector<int> order{end};
    std::vector<int> order_rels;
    while (true) {
      int next_rel = -1;
      for (int ri : incident[order.back()]) {
        if (order_rels.empty() || ri != order_rels.back()) next_rel = ri;
      }
      if (next_rel < 0) break;
      const PRel& r = rels[next_rel];
      order.push_back(r.left == order.back() ? r.right : r.left);
      order_rels.push_back(next_rel);
    }

    SketchPath path;
    for (int i : order) {
      SketchNode sn;
      sn.name = nodes[i].name;
      sn.slot = node_slots[i];
      sn.tables = nodes[i].tables;
      for (const Conjunct* c : node_conjuncts[i]) sn.filters.push_back(c->expr->Clone());
      // A primary-key equality, as the row-by-row plan would use it.
      if (nodes[i].tables.size() == 1) {
        const TableSchema* s = catalog_.GetTable(nodes[i].tables[0]);
        const std::string& pk = s->properties[s->primary_key].name;
        for (size_t f = 0; f < sn.filters.size() && sn.key_filter < 0; f++) {
          if (const BoundExpression* value = PrimaryKeyValue(*sn.filters[f], sn.slot, pk, /*constant_only=*/true)) {
            sn.key_filter = static_cast<int>(f);
            sn.key = value->Clone();
          }
        }
      }
      path.nodes.push_back(std::move(sn));
    }
    for (size_t k = 0; k < order_rels.size(); k++) {
      const PRel& r = rels[order_rels[k]];
      SketchHop hop;
      hop.rel_slot = rel_slots[order_rels[k]];
      for (int way = 0; way < 2; way++) {
        const int from = way == 0 ? order[k] : order[k + 1];
        hop.steps[way] = ExtendSteps(nodes, r, from);
        const bool from_is_left = from == r.left;
        const RelDirection d = r.pattern->direction;
        const bool outgoing = d == RelDirection::kRight ? from_is_left : !from_is_left;
        if (d == RelDirection::kBoth) {
          hop.text[way] = "-[" + r.name + "]-";
        } else {
          hop.text[way] = outgoing ? "-[" + r.name + "]->" : "<-[" + r.name + "]-";
        }
      }
      for (const Conjunct* c : rel_conjuncts[order_rels[k]]) hop.filters.push_back(c->expr->Clone());
      path.hops.push_back(std::move(hop));
    }
    paths.push_back(std::move(path));
  }
  return paths;
}

std::optional<Planner::CountChains> Planner::PlanCountChains(const std::vector<SketchPath>& paths,
                                                             int focus_slot) const {
  auto estimated_rows = [&](const SketchNode& n) {
    uint64_t rows = 0;
    for (TableId t : n.tables) {
      if (store_ == nullptr) break;
      Result<uint64_t> count = store_->CountNodes(TableName(t));
      rows += count.ok() ? *count : 0;
    }
    return rows;
  };
  CountChains out;
  for (const SketchPath& path : paths) {
    const int last = static_cast<int>(path.nodes.size()) - 1;
    int keyed = -1, focus = -1;
    for (int k = 0; k <= last; k++) {
      if (keyed < 0 && path.nodes[k].key) keyed = k;
      if (path.nodes[k].slot == focus_slot) focus = k;
    }
    if (focus < 0) {
      // Only the number of paths matters. Start at a primary-key lookup
      // (splitting the path there: that one node's paths on either side
      // multiply), else at the end with fewer rows (a filtered one on a tie).
      if (keyed >= 0) {
        out.chains.push_back(MakeChain(path, keyed, last, true, true));
        if (keyed > 0) out.chains.push_back(MakeChain(path, keyed, 0, true, true));
        continue;
      }
      const SketchNode& head = path.nodes[0];
      const SketchNode& tail = path.nodes[last];
      const uint64_t head_rows = estimated_rows(head), tail_rows = estimated_rows(tail);
      const bool from_tail =
          tail_rows < head_rows || (tail_rows == head_rows && head.filters.empty() && !tail.filters.empty());
      out.chains.push_back(from_tail ? MakeChain(path, last, 0, false, true) : MakeChain(path, 0, last, false, true));
      continue;
    }
    // The paths through each focus node: arms from where counting starts.
    if (keyed == focus) {
      out.arms.push_back(MakeChain(path, focus, focus, true, true));
      if (focus < last) out.chains.push_back(MakeChain(path, focus, last, true, true));
      if (focus > 0) out.chains.push_back(MakeChain(path, focus, 0, true, true));
    } else if (keyed >= 0) {
      if (focus != 0 && focus != last) return std::nullopt;
      out.arms.push_back(MakeChain(path, keyed, focus, true, true));
      const int other_end = focus == 0 ? last : 0;
      if (keyed != other_end) out.chains.push_back(MakeChain(path, keyed, other_end, true, true));
    } else if (focus == last) {
      out.arms.push_back(MakeChain(path, 0, last, false, true));
    } else if (focus == 0) {
      out.arms.push_back(MakeChain(path, last, 0, false, true));
    } else {
      out.arms.push_back(MakeChain(path, 0, focus, false, true));
      out.arms.push_back(MakeChain(path, last, focus, false, false));
    }
  }
  return out;
}

bool Planner::FactorizeCount(const std::vector<BoundExpressionPtr>& keys, std::vector<AggregateSpec>* aggregates,
                             OperatorPtr* plan) {
  std::optional<CountablePattern> pattern = std::move(countable_);
  countable_.reset();
  if (!pattern || pattern->output != plan->get() || !keys.empty()) return false;
  // count(*) and count(v) of a pattern variable (never NULL in a MATCH)
  // count paths; the others read one node, the focus, once per node.
  int focus_slot = -1;
  std::vector<bool> plain(aggregates->size());
  for (size_t i = 0; i < aggregates->size(); i++) {
    const AggregateSpec& a = (*aggregates)[i];
    if (a.function == "count" && !a.distinct &&
        (!a.argument || (a.argument->kind == BoundKind::kSlot && (pattern->node_slots.count(a.argument->slot) ||
                                                                  pattern->rel_slots.count(a.argument->slot))))) {
      plain[i] = true;
      continue;
    }
    if (!a.argument) return false;
    std::set<int> read;
    CollectSlots(*a.argument, &read);
    if (read.size() != 1 || !pattern->node_slots.count(*read.begin())) return false;
    if (focus_slot >= 0 && focus_slot != *read.begin()) return false;
    focus_slot = *read.begin();
    // Integer sums are exact in any order; double sums and collect are not.
    const bool integer = IsIntegerType(a.argument->type);
    const bool weighable = a.function == "count" || a.function == "min" || a.function == "max" ||
                           ((a.function == "sum" || a.function == "avg") && integer && !a.distinct);
    if (!weighable) return false;
  }
  std::optional<CountChains> chains = PlanCountChains(pattern->paths, focus_slot);
  if (!chains) return false;
  OperatorPtr input = (*plan)->ReleaseDescendant(pattern->input);
  if (!input) return false;
  for (size_t i = 0; i < aggregates->size(); i++) {
    if (plain[i]) (*aggregates)[i].argument.reset();
  }
  *plan = std::make_unique<CountPaths>(std::move(input), std::move(chains->chains), std::move(chains->arms),
                                       focus_slot, std::move(*aggregates));
  return true;
}

// ---------------------------------------------------------------- CREATE

Result<std::pair<uint32_t, BoundExpressionPtr>> Planner::BindPropertyValue(const TableSchema& schema,
                                                                           const std::string& key,
                                                                           const Expression& value, const Scope& scope) {
  auto idx = schema.FindProperty(key);
  if (!idx) {
    return Error(value.position, "cannot find property " + key + " in table " + schema.name, StatusCode::kNotFound);
  }
  ASSIGN_OR_RETURN(BoundExpressionPtr b, Bind(value, scope, nullptr));
  LogicalType want = schema.properties[*idx].type;
  if (!Castable(b->type, want)) {
    return Error(value.position, "type mismatch: property " + schema.name + "." + schema.properties[*idx].name +
                                     " is " + LogicalTypeName(want) + ", not " + LogicalTypeName(b->type));
  }
  return std::make_pair(*idx, std::move(b));
}

Status Planner::CheckNotSerial(const TableSchema& schema, uint32_t index, const SourcePosition& position) {
  const PropertyDef& def = schema.properties[index];
  if (!def.serial) return Status::OK();
  return Error(position, "SERIAL property " + def.name + " of " + schema.name +
                             " is assigned automatically and cannot be set");
}

Status Planner::PlanCreate(const CreateClause& c, OperatorPtr* plan, Scope* scope) {
  writes_ = true;
  std::vector<NodeCreateSpec> node_specs;
  std::vector<RelCreateSpec> rel_specs;
  RETURN_IF_ERROR(BindCreate(c.patterns, scope, &node_specs, &rel_specs));
  *plan = std::make_unique<Create>(std::move(*plan), std::move(node_specs), std::move(rel_specs), wrote_);
  return Status::OK();
}

Status Planner::BindCreate(const std::vector<PathPattern>& patterns, Scope* scope,
                           std::vector<NodeCreateSpec>* node_specs, std::vector<RelCreateSpec>* rel_specs) {
  // Variables created by this clause: name -> table.
  std::map<std::string, TableId> created;
  auto node_for = [&](const NodePattern& np) -> Result<std::pair<int, std::vector<TableId>>> {
    if (!np.variable.empty()) {
      const Variable* v = scope->Find(np.variable);
      if (v != nullptr) {
        if (v->kind != VarKind::kNode) return Error(np.position, "variable " + np.variable + " is not a node");
        if (!np.properties.empty() || !np.labels.empty()) {
          if (!created.count(np.variable)) {
            return Error(np.position, "variable " + np.variable + " is already bound; CREATE cannot add labels or "
                                      "properties to it");
          }
        }
        return std::make_pair(v->slot, v->tables);
      }
    }
    if (np.labels.size() != 1) {
      return Error(np.position, "CREATE of a node needs exactly one label (its node table)");
    }
    ASSIGN_OR_RETURN(std::vector<TableId> tables, ResolveTables(np.labels, TableKind::kNode, np.position));
    const TableSchema* schema = catalog_.GetTable(tables[0]);
    NodeCreateSpec spec;
    spec.table = tables[0];
    spec.values.resize(schema->properties.size());
    for (const auto& [key, value] : np.properties) {
      ASSIGN_OR_RETURN(auto bound, BindPropertyValue(*schema, key, *value, *scope));
      RETURN_IF_ERROR(CheckNotSerial(*schema, bound.first, value->position));
      spec.values[bound.first] = std::move(bound.second);
    }
    if (!spec.values[schema->primary_key] && !schema->properties[schema->primary_key].serial) {
      return Error(np.position, "CREATE of a " + schema->name + " node needs its primary key " +
                                    schema->properties[schema->primary_key].name);
    }
    std::string name = np.variable.empty() ? "_anon" + std::to_string(anon_counter_++) : np.variable;
    spec.slot = AddGraphVariable(scope, name, VarKind::kNode, tables, np.variable.empty());
    spec.variable = name;
    created[name] = tables[0];
    int slot = spec.slot;
    node_specs->push_back(std::move(spec));
    return std::make_pair(slot, tables);
  };
  for (const PathPattern& p : patterns) {
    if (!p.path_variable.empty()) return Error(p.position, "named paths are not supported yet", StatusCode::kUnsupported);
    ASSIGN_OR_RETURN(auto prev, node_for(p.nodes[0]));
    for (size_t i = 0; i < p.rels.size(); i++) {
      ASSIGN_OR_RETURN(auto next, node_for(p.nodes[i + 1]));
      const RelPattern& rp = p.rels[i];
      if (rp.types.size() != 1) {
        return Error(rp.position, "CREATE of a relationship needs exactly one type (its relationship table)");
      }
      if (rp.direction == RelDirection::kBoth) {
        return Error(rp.position, "CREATE of a relationship needs a direction (-> or <-)");
      }
      if (rp.variable_length) return Error(rp.position, "CREATE cannot use a variable-length relationship");
      ASSIGN_OR_RETURN(std::vector<TableId> tables, ResolveTables(rp.types, TableKind::kRel, rp.position));
      const TableSchema* schema = catalog_.GetTable(tables[0]);
      auto from = rp.direction == RelDirection::kRight ? prev : next;
      auto to = rp.direction == RelDirection::kRight ? next : prev;
      auto check_end = [&](const std::vector<TableId>& ts, TableId want, const char* end) -> Status {
        if (std::find(ts.begin(), ts.end(), want) == ts.end()) {
          return Error(rp.position, "relationship table " + schema->name + " connects " +
                                        TableName(schema->from_table) + " to " + TableName(schema->to_table) +
                                        "; the " + end + " node is " +
                                        (ts.size() == 1 ? "a " + TableName(ts[0]) : std::string("of another table")));
        }
        return Status::OK();
      };
      RETURN_IF_ERROR(check_end(from.second, schema->from_table, "FROM"));
      RETURN_IF_ERROR(check_end(to.second, schema->to_table, "TO"));
      RelCreateSpec spec;
      spec.table = tables[0];
      spec.from_slot = from.first;
      spec.to_slot = to.first;
      spec.values.resize(schema->properties.size());
      for (const auto& [key, value] : rp.properties) {
        ASSIGN_OR_RETURN(auto bound, BindPropertyValue(*schema, key, *value, *scope));
        spec.values[bound.first] = std::move(bound.second);
      }
      std::string name = rp.variable.empty() ? "_anon" + std::to_string(anon_counter_++) : rp.variable;
      if (!rp.variable.empty() && scope->Find(name)) return Error(rp.position, "variable " + name + " is already bound");
      spec.slot = AddGraphVariable(scope, name, VarKind::kRel, tables, rp.variable.empty());
      rel_specs->push_back(std::move(spec));
      prev = next;
    }
  }
  return Status::OK();
}

// ------------------------------------------------------------ SET / DELETE

Result<const Variable*> Planner::BindSetOwner(const Expression& owner, const Scope& scope,
                                              const char* clause) {
  ASSIGN_OR_RETURN(BoundExpressionPtr bound, Bind(owner, scope, nullptr));
  bound = Unwrap(std::move(bound));
  const Variable* var = bound->kind == BoundKind::kSlot ? scope.Find(bound->name) : nullptr;
  if (var == nullptr || (var->kind != VarKind::kNode && var->kind != VarKind::kRel)) {
    return Error(owner.position,
                 std::string(clause) + " needs a node or relationship variable, not " + ToString(owner));
  }
  return var;
}

Result<SetItemSpec> Planner::BindSetProperty(const Expression& owner, const Variable& var,
                                             const std::string& key, const SourcePosition& key_position,
                                             const Expression* value, const Scope& scope, const char* verb) {
  SetItemSpec spec;
  spec.slot = var.slot;
  spec.property = ToString(owner) + "." + QuoteSchemaName(key);
  BoundExpressionPtr bound;
  if (value != nullptr) {
    ASSIGN_OR_RETURN(bound, Bind(*value, scope, nullptr));
    bound = Unwrap(std::move(bound));
  } else {
    bound = MakeConstant(Value::Null(LogicalType::kAny), LogicalType::kAny);
  }
  for (TableId t : var.tables) {
    const TableSchema* schema = catalog_.GetTable(t);
    if (schema == nullptr) continue;
    auto idx = schema->FindProperty(key);
    if (!idx) continue;
    const PropertyDef& def = schema->properties[*idx];
    if (schema->is_node() && *idx == schema->primary_key) {
      return Error(key_position, std::string("cannot ") + verb + " primary key '" + def.name + "' of '" +
                                     schema->name + "'");
    }
    if (value != nullptr && !Castable(bound->type, def.type)) {
      return Error(value->position, "type mismatch: property " + schema->name + "." + def.name + " is " +
                                        LogicalTypeName(def.type) + ", not " + LogicalTypeName(bound->type));
    }
    spec.index[t] = *idx;
  }
  if (spec.index.empty()) {
    return Error(key_position, "cannot find property " + key + " for " + ToString(owner),
                 StatusCode::kNotFound);
  }
  spec.value = std::move(bound);
  return spec;
}

Result<std::vector<SetItemSpec>> Planner::BindSetItems(const std::vector<SetItem>& items, const Scope& scope) {
  writes_ = true;
  std::vector<SetItemSpec> out;
  for (const SetItem& item : items) {
    if (item.kind == SetItemKind::kProperty) {
      const Expression& prop = *item.property;
      ASSIGN_OR_RETURN(const Variable* var, BindSetOwner(*prop.children[0], scope, "SET"));
      ASSIGN_OR_RETURN(SetItemSpec spec, BindSetProperty(*prop.children[0], *var, prop.name, prop.position,
                                                         item.value.get(), scope, "change"));
      out.push_back(std::move(spec));
      continue;
    }
    // n = {map} / n += {map}: the map's entries, evaluated together.
    const Expression& owner = *item.property;
    const Expression& map = *item.value;
    ASSIGN_OR_RETURN(const Variable* var, BindSetOwner(owner, scope, "SET"));
    const int group = ++set_groups_;
    std::map<TableId, std::set<uint32_t>> listed;  // per table, the properties the map sets
    for (size_t i = 0; i < map.map_keys.size(); i++) {
      const SourcePosition& key_position =
          i < map.map_key_positions.size() ? map.map_key_positions[i] : map.children[i]->position;
      ASSIGN_OR_RETURN(SetItemSpec spec, BindSetProperty(owner, *var, map.map_keys[i], key_position,
                                                         map.children[i].get(), scope, "change"));
      for (const auto& [t, idx] : spec.index) {
        if (!listed[t].insert(idx).second) {
          return Error(key_position, "property " + map.map_keys[i] + " appears more than once in the map");
        }
      }
      spec.group = group;
      out.push_back(std::move(spec));
    }
    if (item.kind != SetItemKind::kAllProperties) continue;
    // Every other property but the primary key becomes NULL, in schema order.
    std::vector<SetItemSpec> cleared;
    std::map<std::string, size_t> by_name;
    for (TableId t : var->tables) {
      const TableSchema* schema = catalog_.GetTable(t);
      if (schema == nullptr) continue;
      for (uint32_t idx = 0; idx < schema->properties.size(); idx++) {
        if ((schema->is_node() && idx == schema->primary_key) || listed[t].count(idx)) continue;
        const std::string& name = schema->properties[idx].name;
        auto [it, added] = by_name.emplace(name, cleared.size());
        if (added) {
          SetItemSpec spec;
          spec.slot = var->slot;
          spec.property = ToString(owner) + "." + QuoteSchemaName(name);
          spec.value = MakeConstant(Value::Null(LogicalType::kAny), LogicalType::kAny);
          spec.group = group;
          cleared.push_back(std::move(spec));
        }
        cleared[it->second].index[t] = idx;
      }
    }
    for (SetItemSpec& spec : cleared) out.push_back(std::move(spec));
  }
  return out;
}

Result<std::vector<SetItemSpec>> Planner::BindRemoveItems(const RemoveClause& c, const Scope& scope) {
  writes_ = true;
  std::vector<SetItemSpec> out;
  for (const ExpressionPtr& prop : c.properties) {
    ASSIGN_OR_RETURN(const Variable* var, BindSetOwner(*prop->children[0], scope, "REMOVE"));
    ASSIGN_OR_RETURN(SetItemSpec spec, BindSetProperty(*prop->children[0], *var, prop->name, prop->position,
                                                       nullptr, scope, "remove"));
    out.push_back(std::move(spec));
  }
  return out;
}

Status Planner::PlanDelete(const DeleteClause& c, OperatorPtr* plan, Scope* scope) {
  writes_ = true;
  std::vector<BoundExpressionPtr> exprs;
  for (const auto& e : c.expressions) {
    ASSIGN_OR_RETURN(BoundExpressionPtr b, Bind(*e, *scope, nullptr));
    b = Unwrap(std::move(b));
    if (b->type != LogicalType::kInternalId && b->type != LogicalType::kRel && b->type != LogicalType::kNode &&
        b->type != LogicalType::kAny) {
      return Error(e->position, std::string("DELETE needs a node or relationship, not a ") +
                                    LogicalTypeName(b->type) + " value");
    }
    exprs.push_back(std::move(b));
  }
  *plan = std::make_unique<Delete>(std::move(*plan), std::move(exprs), c.detach, wrote_);
  return Status::OK();
}

Status Planner::PlanMerge(const MergeClause& c, OperatorPtr* plan, Scope* scope) {
  writes_ = true;
  const PathPattern& p = c.pattern;
  if (!p.path_variable.empty()) {
    return Error(p.position, "MERGE of a named path is not supported yet", StatusCode::kUnsupported);
  }
  if (!p.rels.empty()) {
    // One relationship between nodes bound earlier, as plain variables:
    // MergeRel; anything else: MergePattern.
    auto plain_bound = [&](const NodePattern& np) {
      return !np.variable.empty() && scope->Find(np.variable) != nullptr && np.labels.empty() &&
             np.properties.empty();
    };
    if (p.rels.size() == 1 && plain_bound(p.nodes[0]) && plain_bound(p.nodes[1])) {
      return PlanMergeRel(c, plan, scope);
    }
    return PlanMergePattern(c, plan, scope);
  }
  const NodePattern& np = p.nodes[0];
  if (!np.variable.empty() && scope->Find(np.variable)) {
    return Error(np.position, "variable " + np.variable + " is already bound");
  }
  if (np.labels.size() != 1) return Error(np.position, "MERGE of a node needs exactly one label (its node table)");
  ASSIGN_OR_RETURN(std::vector<TableId> tables, ResolveTables(np.labels, TableKind::kNode, np.position));
  const TableSchema* schema = catalog_.GetTable(tables[0]);
  std::vector<std::pair<uint32_t, BoundExpressionPtr>> props;
  bool has_key = false;
  for (const auto& [key, value] : np.properties) {
    ASSIGN_OR_RETURN(auto bound, BindPropertyValue(*schema, key, *value, *scope));
    RETURN_IF_ERROR(CheckNotSerial(*schema, bound.first, value->position));
    has_key |= bound.first == schema->primary_key;
    props.push_back(std::move(bound));
  }
  if (!has_key && !schema->properties[schema->primary_key].serial) {
    return Error(np.position, "MERGE of a " + schema->name + " node needs its primary key " +
                                  schema->properties[schema->primary_key].name);
  }
  std::string name = np.variable.empty() ? "_anon" + std::to_string(anon_counter_++) : np.variable;
  int slot = AddGraphVariable(scope, name, VarKind::kNode, tables, np.variable.empty());
  ASSIGN_OR_RETURN(std::vector<SetItemSpec> on_create, BindSetItems(c.on_create, *scope));
  ASSIGN_OR_RETURN(std::vector<SetItemSpec> on_match, BindSetItems(c.on_match, *scope));
  *plan = std::make_unique<Merge>(std::move(*plan), slot, tables[0], std::move(props), std::move(on_create),
                                  std::move(on_match), wrote_);
  return Status::OK();
}

Status Planner::PlanMergeRel(const MergeClause& c, OperatorPtr* plan, Scope* scope) {
  const PathPattern& p = c.pattern;
  int end_slots[2];
  for (int end = 0; end < 2; end++) {
    const NodePattern& np = p.nodes[end];
    const Variable* v = scope->Find(np.variable);  // PlanMerge checked that it is bound
    if (v->kind != VarKind::kNode) return Error(np.position, "variable " + np.variable + " is not a node");
    end_slots[end] = v->slot;
  }
  const RelPattern& rp = p.rels[0];
  if (rp.types.size() != 1) {
    return Error(rp.position, "MERGE of a relationship needs exactly one type (its relationship table)");
  }
  if (rp.variable_length) return Error(rp.position, "MERGE cannot use a variable-length relationship");
  if (!rp.variable.empty() && scope->Find(rp.variable)) {
    return Error(rp.position, "variable " + rp.variable + " is already bound");
  }
  ASSIGN_OR_RETURN(std::vector<TableId> tables, ResolveTables(rp.types, TableKind::kRel, rp.position));
  const TableSchema* schema = catalog_.GetTable(tables[0]);
  std::vector<std::pair<uint32_t, BoundExpressionPtr>> props;
  for (const auto& [key, value] : rp.properties) {
    ASSIGN_OR_RETURN(auto bound, BindPropertyValue(*schema, key, *value, *scope));
    props.push_back(std::move(bound));
  }
  std::string name = rp.variable.empty() ? "_anon" + std::to_string(anon_counter_++) : rp.variable;
  int slot = AddGraphVariable(scope, name, VarKind::kRel, tables, rp.variable.empty());
  ASSIGN_OR_RETURN(std::vector<SetItemSpec> on_create, BindSetItems(c.on_create, *scope));
  ASSIGN_OR_RETURN(std::vector<SetItemSpec> on_match, BindSetItems(c.on_match, *scope));
  *plan = std::make_unique<MergeRel>(std::move(*plan), slot, tables[0], end_slots[0], end_slots[1], rp.direction,
                                     std::move(props), std::move(on_create), std::move(on_match), wrote_);
  return Status::OK();
}

Status Planner::PlanMergePattern(const MergeClause& c, OperatorPtr* plan, Scope* scope) {
  const PathPattern& p = c.pattern;
  const Scope before = *scope;
  // The pattern with every element named (anonymous ones "_anon<n>", which
  // PlanPatterns keeps hidden), planned once as a MATCH and once as a CREATE.
  PathPattern named;
  named.position = p.position;
  std::set<std::string> new_nodes, new_rels;
  std::vector<std::pair<BoundExpressionPtr, std::string>> null_checks;
  // Checks a new element's property map; its values may read only variables bound before the MERGE.
  auto check_values = [&](const PropertyMap& map, const TableSchema& schema, const char* what) -> Status {
    for (const auto& [key, value] : map) {
      ASSIGN_OR_RETURN(auto bound, BindPropertyValue(schema, key, *value, before));
      if (schema.is_node()) RETURN_IF_ERROR(CheckNotSerial(schema, bound.first, value->position));
      null_checks.emplace_back(std::move(bound.second), std::string("MERGE cannot match or create a ") +
                                                            what + " with a NULL property (" + schema.name +
                                                            "." + schema.properties[bound.first].name + ")");
    }
    return Status::OK();
  };
  for (const NodePattern& np : p.nodes) {
    NodePattern node;
    node.position = np.position;
    const Variable* v = np.variable.empty() ? nullptr : before.Find(np.variable);
    if (v != nullptr || new_nodes.count(np.variable) || new_rels.count(np.variable)) {
      if (new_rels.count(np.variable) || (v != nullptr && v->kind != VarKind::kNode)) {
        return Error(np.position, "variable " + np.variable + " is not a node");
      }
      if (!np.labels.empty() || !np.properties.empty()) {
        return Error(np.position, "variable " + np.variable +
                                      " is already bound; MERGE cannot add labels or "
                                      "properties to it");
      }
      node.variable = np.variable;
      named.nodes.push_back(std::move(node));
      continue;
    }
    if (np.labels.size() != 1)
      return Error(np.position, "MERGE of a node needs exactly one label (its node table)");
    ASSIGN_OR_RETURN(std::vector<TableId> tables, ResolveTables(np.labels, TableKind::kNode, np.position));
    const TableSchema* schema = catalog_.GetTable(tables[0]);
    RETURN_IF_ERROR(check_values(np.properties, *schema, "node"));
    bool has_key = schema->properties[schema->primary_key].serial;
    for (const auto& [key, value] : np.properties)
      has_key |= schema->FindProperty(key) == schema->primary_key;
    if (!has_key) {
      return Error(np.position, "MERGE of a " + schema->name + " node needs its primary key " +
                                    schema->properties[schema->primary_key].name);
    }
    node.variable = np.variable.empty() ? "_anon" + std::to_string(anon_counter_++) : np.variable;
    node.labels = np.labels;
    node.properties = Clone(np.properties);
    new_nodes.insert(node.variable);
    named.nodes.push_back(std::move(node));
  }
  for (const RelPattern& rp : p.rels) {
    if (rp.types.size() != 1) {
      return Error(rp.position, "MERGE of a relationship needs exactly one type (its relationship table)");
    }
    if (rp.variable_length) return Error(rp.position, "MERGE cannot use a variable-length relationship");
    if (!rp.variable.empty() &&
        (before.Find(rp.variable) || new_nodes.count(rp.variable) || new_rels.count(rp.variable))) {
      return Error(rp.position, "variable " + rp.variable + " is already bound");
    }
    ASSIGN_OR_RETURN(std::vector<TableId> tables, ResolveTables(rp.types, TableKind::kRel, rp.position));
    RETURN_IF_ERROR(check_values(rp.properties, *catalog_.GetTable(tables[0]), "relationship"));
    RelPattern rel;
    rel.position = rp.position;
    rel.variable = rp.variable.empty() ? "_anon" + std::to_string(anon_counter_++) : rp.variable;
    rel.types = rp.types;
    rel.properties = Clone(rp.properties);
    rel.direction = rp.direction;
    new_rels.insert(rel.variable);
    named.rels.push_back(std::move(rel));
  }

  // The create plan: CREATE of the pattern (an undirected relationship goes
  // left to right), planned on a copy of the scope.
  PathPattern to_create = Clone(named);
  for (RelPattern& rel : to_create.rels) {
    if (rel.direction == RelDirection::kBoth) rel.direction = RelDirection::kRight;
  }
  std::vector<PathPattern> create_patterns;
  create_patterns.push_back(std::move(to_create));
  Scope create_scope = before;
  std::vector<NodeCreateSpec> node_specs;
  std::vector<RelCreateSpec> rel_specs;
  RETURN_IF_ERROR(BindCreate(create_patterns, &create_scope, &node_specs, &rel_specs));

  // The match plan, on the real scope; its rows are not a MATCH's to count.
  auto match_argument = std::make_unique<Argument>();
  Argument* match_leaf = match_argument.get();
  OperatorPtr match = std::move(match_argument);
  const bool next_aggregates = next_aggregates_;
  next_aggregates_ = false;
  Status planned = PlanPatterns({&named}, nullptr, &match, scope);
  next_aggregates_ = next_aggregates;
  RETURN_IF_ERROR(planned);
  countable_.reset();

  // The created elements go to the slots the match plan gave their variables.
  std::map<int, int> slot_of;
  for (const auto& [name, v] : create_scope.vars) {
    if (before.Find(name)) continue;
    const Variable* m = scope->Find(name);
    if (m == nullptr) return Error(p.position, "MERGE lost variable " + name, StatusCode::kInternal);
    slot_of[v.slot] = m->slot;
  }
  auto remap = [&](int* slot) {
    auto it = slot_of.find(*slot);
    if (it != slot_of.end()) *slot = it->second;
  };
  for (NodeCreateSpec& spec : node_specs) remap(&spec.slot);
  for (RelCreateSpec& spec : rel_specs) {
    remap(&spec.slot);
    remap(&spec.from_slot);
    remap(&spec.to_slot);
  }
  auto create_argument = std::make_unique<Argument>();
  Argument* create_leaf = create_argument.get();
  OperatorPtr create = std::make_unique<Create>(std::move(create_argument), std::move(node_specs),
                                                std::move(rel_specs), wrote_);

  ASSIGN_OR_RETURN(std::vector<SetItemSpec> on_create, BindSetItems(c.on_create, *scope));
  ASSIGN_OR_RETURN(std::vector<SetItemSpec> on_match, BindSetItems(c.on_match, *scope));
  *plan = std::make_unique<MergePattern>(std::move(*plan), std::move(match), match_leaf, std::move(create),
                                         create_leaf, std::move(null_checks), std::move(on_create),
                                         std::move(on_match), wrote_);
  return Status::OK();
}

// ----------------------------------------------------------- projection

Status Planner::PlanProjection(const ProjectionBody& body, const Expression* where, bool is_return,
                               const SourcePosition& pos, OperatorPtr* plan, Scope* scope, PlannedQuery* out) {
  struct Item {
    const Expression* expr = nullptr;  // null for a `*` variable
    std::string star_name;
    std::string name;   // column name
    std::string alias;  // name in the next scope
    bool aggregate = false;
  };
  std::vector<Item> items;
  if (body.star) {
    for (const std::string& n : scope->order) {
      const Variable* v = scope->Find(n);
      if (v == nullptr || v->anonymous) continue;
      bool dup = false;
      for (const Item& i : items) dup |= i.star_name == n;
      if (dup) continue;
      Item i;
      i.star_name = n;
      i.name = n;
      i.alias = n;
      items.push_back(i);
    }
    if (items.empty() && body.items.empty()) {
      return Error(pos, "RETURN * needs at least one variable in scope");
    }
  }
  for (const ProjectionItem& pi : body.items) {
    Item i;
    i.expr = pi.expression.get();
    i.name = pi.alias.empty() ? pi.text : pi.alias;
    if (!pi.alias.empty()) {
      i.alias = pi.alias;
    } else if (pi.expression->kind == ExpressionKind::kVariable) {
      i.alias = pi.expression->name;
    } else if (!is_return) {
      return Error(pi.position, "expression in WITH must be aliased (use AS)");
    } else {
      i.alias = pi.text;
    }
    i.aggregate = ContainsAggregate(*pi.expression);
    items.push_back(i);
  }
  for (size_t a = 0; a < items.size(); a++) {
    for (size_t b = a + 1; b < items.size(); b++) {
      if (items[a].alias == items[b].alias) {
        return Error(pos, "multiple result columns with the same name " + items[a].alias);
      }
    }
  }
  bool aggregating = false;
  for (const Item& i : items) aggregating |= i.aggregate;

  // What the next scope knows about each item (node/rel variables passed on).
  std::vector<Variable> next_vars(items.size());
  std::vector<BoundExpressionPtr> exprs;  // projection on the input rows
  auto bind_item = [&](const Item& i, const Scope& s, AggregateCollector* aggs, Variable* info) -> Result<BoundExpressionPtr> {
    BoundExpressionPtr b;
    if (i.expr == nullptr) {
      Expression var(ExpressionKind::kVariable, pos);
      var.name = i.star_name;
      ASSIGN_OR_RETURN(b, Bind(var, s, aggs));
    } else {
      ASSIGN_OR_RETURN(b, Bind(*i.expr, s, aggs));
    }
    info->type = b->type;
    if (IsWholeValue(b->kind)) {
      const Variable* v = s.Find(b->name);
      if (v != nullptr) {
        info->kind = v->kind;
        info->tables = v->tables;
      }
      if (!is_return) b = Unwrap(std::move(b));  // pass ids along; RETURN builds whole values
    }
    return b;
  };

  std::vector<LogicalType> types(items.size());
  if (aggregating) {
    AggregateCollector aggs;
    std::vector<BoundExpressionPtr> keys;
    std::vector<int> key_of_item(items.size(), -1);
    for (size_t i = 0; i < items.size(); i++) {
      if (items[i].aggregate) continue;
      ASSIGN_OR_RETURN(BoundExpressionPtr k, bind_item(items[i], *scope, nullptr, &next_vars[i]));
      types[i] = k->type;
      // Group by node ids, not whole values.
      key_of_item[i] = static_cast<int>(keys.size());
      keys.push_back(Unwrap(std::move(k)));
    }
    aggs.first_slot = static_cast<int>(keys.size());
    std::vector<BoundExpressionPtr> post(items.size());
    for (size_t i = 0; i < items.size(); i++) {
      if (!items[i].aggregate) continue;
      // Bind against the input scope; aggregates become slots of the
      // aggregate's output. Non-aggregated parts must be grouping keys.
      std::set<std::string> vars_outside;
      std::function<void(const Expression&)> walk = [&](const Expression& x) {
        if (x.kind == ExpressionKind::kFunctionCall && IsAggregateFunction(ToLowerAscii(x.name))) return;
        if (x.kind == ExpressionKind::kVariable) vars_outside.insert(x.name);
        for (const auto& c : x.children) walk(*c);
      };
      walk(*items[i].expr);
      if (!vars_outside.empty()) {
        return Error(items[i].expr->position, "expression " + items[i].name +
                                                  " mixes aggregates with non-aggregated variable " +
                                                  *vars_outside.begin() + "; group by it in a WITH first",
                     StatusCode::kUnsupported);
      }
      ASSIGN_OR_RETURN(post[i], bind_item(items[i], *scope, &aggs, &next_vars[i]));
      types[i] = post[i]->type;
    }
    int nkeys = static_cast<int>(keys.size());
    if (!FactorizeCount(keys, &aggs.specs, plan)) {
      *plan = std::make_unique<HashAggregate>(std::move(*plan), std::move(keys), std::move(aggs.specs));
    }
    for (size_t i = 0; i < items.size(); i++) {
      if (items[i].aggregate) {
        exprs.push_back(std::move(post[i]));
      } else {
        BoundExpressionPtr s = MakeSlot(key_of_item[i], types[i] == LogicalType::kNode ? LogicalType::kInternalId : types[i],
                                        items[i].alias);
        if (types[i] == LogicalType::kNode && is_return) {
          auto w = std::make_unique<BoundExpression>();
          w->kind = BoundKind::kNodeValue;
          w->type = LogicalType::kNode;
          w->children.push_back(std::move(s));
          s = std::move(w);
        } else if (types[i] == LogicalType::kRel && is_return) {
          auto w = std::make_unique<BoundExpression>();
          w->kind = BoundKind::kRelValue;
          w->type = LogicalType::kRel;
          w->children.push_back(std::move(s));
          s = std::move(w);
        } else if (types[i] == LogicalType::kRecursiveRel && is_return) {
          s = Wrap(BoundKind::kPathValue, LogicalType::kRecursiveRel, std::move(s));
        }
        exprs.push_back(std::move(s));
      }
    }
    (void)nkeys;
  } else {
    for (size_t i = 0; i < items.size(); i++) {
      ASSIGN_OR_RETURN(BoundExpressionPtr b, bind_item(items[i], *scope, nullptr, &next_vars[i]));
      types[i] = b->type;
      exprs.push_back(std::move(b));
    }
  }

  // ORDER BY keys: an item (by alias or same text), else (without
  // aggregation / DISTINCT) an extra hidden column.
  std::vector<SortKey> sort_keys;
  std::string sort_desc;
  size_t visible = exprs.size();
  Scope post_scope;
  for (size_t i = 0; i < items.size(); i++) {
    Variable v = next_vars[i];
    if (v.kind == VarKind::kValue) v.type = types[i];
    post_scope.vars[items[i].alias] = v;
    post_scope.vars[items[i].alias].slot = static_cast<int>(i);
    post_scope.order.push_back(items[i].alias);
  }
  post_scope.next_slot = static_cast<int>(items.size());
  for (const SortItem& si : body.order_by) {
    int slot = -1;
    std::string text = ToString(*si.expression);
    for (size_t i = 0; i < items.size() && slot < 0; i++) {
      if (si.expression->kind == ExpressionKind::kVariable && si.expression->name == items[i].alias) slot = static_cast<int>(i);
      if (items[i].expr != nullptr && ToString(*items[i].expr) == text) slot = static_cast<int>(i);
    }
    if (slot < 0) {
      // An expression over the projected names?
      std::set<std::string> vars = ReferencedVariables(*si.expression);
      bool over_items = !vars.empty();
      for (const std::string& v : vars) over_items &= post_scope.Find(v) != nullptr;
      if (aggregating || body.distinct || over_items) {
        if (!over_items && !vars.empty()) {
          return Error(si.position, "ORDER BY after aggregation or DISTINCT can only use returned columns",
                       StatusCode::kInvalidArgument);
        }
        // Bound later on the projected rows.
        slot = -2;
      } else {
        ASSIGN_OR_RETURN(BoundExpressionPtr b, Bind(*si.expression, *scope, nullptr));
        slot = static_cast<int>(exprs.size());
        exprs.push_back(Unwrap(std::move(b)));
      }
    }
    if (slot == -2) {
      ASSIGN_OR_RETURN(BoundExpressionPtr b, Bind(*si.expression, post_scope, nullptr));
      slot = static_cast<int>(exprs.size());
      // Evaluated after the projection: added by a second projection below.
      sort_keys.push_back(SortKey{-(slot + 1000), si.descending});
      exprs.push_back(nullptr);
      (void)b;
    } else {
      sort_keys.push_back(SortKey{slot, si.descending});
    }
    sort_desc += (sort_desc.empty() ? "" : ", ") + text + (si.descending ? " DESC" : "");
  }
  // Post-projection sort expressions (over projected columns).
  std::vector<std::pair<int, BoundExpressionPtr>> late;
  {
    size_t k = 0;
    for (const SortItem& si : body.order_by) {
      SortKey& key = sort_keys[k++];
      if (key.slot <= -1000) {
        int slot = -key.slot - 1000;
        ASSIGN_OR_RETURN(BoundExpressionPtr b, Bind(*si.expression, post_scope, nullptr));
        late.emplace_back(slot, Unwrap(std::move(b)));
        key.slot = slot;
      }
    }
  }
  const size_t total = exprs.size();
  std::vector<BoundExpressionPtr> first;
  for (auto& e : exprs) first.push_back(e ? std::move(e) : MakeConstant(Value::Null(LogicalType::kAny), LogicalType::kAny));
  *plan = std::make_unique<Projection>(std::move(*plan), std::move(first));
  if (!late.empty()) {
    std::vector<BoundExpressionPtr> second;
    for (size_t i = 0; i < total; i++) second.push_back(MakeSlot(static_cast<int>(i), LogicalType::kAny, ""));
    for (auto& [slot, e] : late) second[slot] = std::move(e);
    *plan = std::make_unique<Projection>(std::move(*plan), std::move(second));
  }
  if (body.distinct) {
    if (total > visible) {
      return Error(body.order_by[0].position, "ORDER BY after DISTINCT can only use returned columns");
    }
    *plan = std::make_unique<Distinct>(std::move(*plan));
  }
  int64_t skip = 0, limit = -1;
  if (body.skip) {
    ASSIGN_OR_RETURN(skip, ConstantInt(*body.skip, "SKIP"));
    if (skip < 0) skip = 0;
  }
  if (body.limit) {
    ASSIGN_OR_RETURN(limit, ConstantInt(*body.limit, "LIMIT"));
    if (limit < -1) limit = -1;
  }
  if (!sort_keys.empty()) {
    *plan = std::make_unique<OrderBy>(std::move(*plan), std::move(sort_keys), sort_desc,
                                      limit >= 0 ? skip + limit : -1);
  }
  if (skip > 0 || limit >= 0) *plan = std::make_unique<SkipLimit>(std::move(*plan), skip, limit);
  if (total > visible) {
    std::vector<BoundExpressionPtr> trim;
    for (size_t i = 0; i < visible; i++) trim.push_back(MakeSlot(static_cast<int>(i), types[i], items[i].alias));
    *plan = std::make_unique<Projection>(std::move(*plan), std::move(trim));
  }
  *scope = std::move(post_scope);
  if (where != nullptr) {
    ASSIGN_OR_RETURN(BoundExpressionPtr w, Bind(*where, *scope, nullptr));
    if (!IsOrAny(w->type, LogicalType::kBool)) {
      return Error(where->position, "WHERE expects a BOOL expression");
    }
    *plan = std::make_unique<Filter>(std::move(*plan), std::move(w));
  }
  if (is_return) {
    for (size_t i = 0; i < items.size(); i++) {
      out->column_names.push_back(items[i].name);
      out->column_types.push_back(types[i]);
    }
  }
  return Status::OK();
}

// ------------------------------------------------------------------ CALL

Status Planner::PlanCall(const CallClause& c, OperatorPtr* plan, Scope* scope) {
  const Expression& call = *c.call;
  std::string name = ToLowerAscii(call.name);
  std::vector<std::string> names;
  std::vector<LogicalType> types;
  std::vector<Row> rows;
  if (name == "show_tables") {
    if (!call.children.empty()) return Error(call.position, "show_tables() takes no arguments");
    names = {"id", "name", "type", "comment"};
    types = {LogicalType::kInt64, LogicalType::kString, LogicalType::kString, LogicalType::kString};
    for (const TableSchema* t : catalog_.Tables()) {
      rows.push_back({Value::Int64(t->id), Value::String(t->name), Value::String(t->is_node() ? "NODE" : "REL"),
                      Value::String("")});
    }
  } else if (name == "show_warnings") {
    if (!call.children.empty()) return Error(call.position, "show_warnings() takes no arguments");
    names = {"message", "file_path", "line_number"};
    types = {LogicalType::kString, LogicalType::kString, LogicalType::kInt64};
    if (store_ != nullptr) {
      for (const CopyWarning& w : store_->CopyWarnings()) {
        rows.push_back({Value::String(w.message), Value::String(w.file), Value::Int64(static_cast<int64_t>(w.line))});
      }
    }
  } else if (name == "table_info") {
    if (call.children.size() != 1 || call.children[0]->kind != ExpressionKind::kLiteral ||
        call.children[0]->literal_kind != LiteralKind::kString) {
      return Error(call.position, "table_info() takes one table name as a string literal");
    }
    const TableSchema* t = catalog_.FindTable(call.children[0]->string_value);
    if (t == nullptr) {
      return Error(call.children[0]->position, "table " + call.children[0]->string_value + " does not exist",
                   StatusCode::kNotFound);
    }
    names = {"property id", "name", "type", "default expression", "primary key"};
    types = {LogicalType::kInt64, LogicalType::kString, LogicalType::kString, LogicalType::kString,
             LogicalType::kBool};
    if (t->is_rel()) {
      names.pop_back();
      types.pop_back();
    }
    for (size_t i = 0; i < t->properties.size(); i++) {
      const PropertyDef& def = t->properties[i];
      Row r{Value::Int64(static_cast<int64_t>(i)), Value::String(def.name),
            Value::String(def.serial ? "SERIAL" : LogicalTypeName(def.type)),
            Value::String(DefaultExpressionText(def.default_value))};
      if (t->is_node()) r.push_back(Value::Bool(i == t->primary_key));
      rows.push_back(std::move(r));
    }
  } else {
    return Error(call.position, "table function " + call.name + " does not exist", StatusCode::kNotFound);
  }
  // Columns become variables (optionally renamed by YIELD).
  int base = scope->next_slot;
  std::vector<Row> shifted;
  for (Row& r : rows) {
    Row s(base);
    s.insert(s.end(), r.begin(), r.end());
    shifted.push_back(std::move(s));
  }
  std::vector<std::string> bind_names = names;
  if (!c.yield.empty()) {
    std::vector<std::string> chosen;
    for (const YieldItem& y : c.yield) {
      auto it = std::find(names.begin(), names.end(), y.name);
      if (it == names.end()) return Error(y.position, "table function " + name + " has no column " + y.name);
    }
    (void)chosen;
  }
  for (size_t i = 0; i < names.size(); i++) {
    std::string var = names[i];
    for (const YieldItem& y : c.yield) {
      if (y.name == names[i] && !y.alias.empty()) var = y.alias;
    }
    Variable v;
    v.kind = VarKind::kValue;
    v.type = types[i];
    scope->Add(var, v);
  }
  (void)plan;
  *plan = std::make_unique<ValuesScan>("Call " + name, std::move(shifted));
  return Status::OK();
}

// ----------------------------------------------------------------- query

Result<PlannedQuery> Planner::PlanSingle(const SingleQuery& q) {
  PlannedQuery out;
  OperatorPtr plan = std::make_unique<SingleRow>();
  Scope scope;
  bool returned = false;
  for (size_t c = 0; c < q.clauses.size(); c++) {
    const auto& clause = q.clauses[c];
    // Only a WITH or RETURN right after the MATCH may count it factorized;
    // the MATCH prepares for that only when that clause aggregates.
    if (clause->kind != ClauseKind::kWith && clause->kind != ClauseKind::kReturn) countable_.reset();
    next_aggregates_ = false;
    if (c + 1 < q.clauses.size()) {
      const Clause& next = *q.clauses[c + 1];
      const ProjectionBody* body = next.kind == ClauseKind::kWith     ? &next.As<WithClause>().body
                                   : next.kind == ClauseKind::kReturn ? &next.As<ReturnClause>().body
                                                                      : nullptr;
      if (body != nullptr) {
        for (const ProjectionItem& item : body->items) next_aggregates_ |= ContainsAggregate(*item.expression);
      }
    }
    switch (clause->kind) {
      case ClauseKind::kMatch: RETURN_IF_ERROR(PlanMatch(clause->As<MatchClause>(), &plan, &scope)); break;
      case ClauseKind::kUnwind: {
        const auto& u = clause->As<UnwindClause>();
        ASSIGN_OR_RETURN(BoundExpressionPtr e, Bind(*u.expression, scope, nullptr));
        if (scope.Find(u.alias)) return Error(u.position, "variable " + u.alias + " is already bound");
        Variable v;
        v.kind = VarKind::kValue;
        v.type = LogicalType::kAny;
        if (e->kind == BoundKind::kList && !e->children.empty()) {
          v.type = e->children[0]->type;
          for (const auto& c : e->children) {
            if (c->type != v.type) v.type = LogicalType::kAny;
          }
        }
        int slot = scope.Add(u.alias, v)->slot;
        plan = std::make_unique<Unwind>(std::move(plan), std::move(e), slot);
        break;
      }
      case ClauseKind::kWith: {
        const auto& w = clause->As<WithClause>();
        RETURN_IF_ERROR(PlanProjection(w.body, w.where.get(), false, w.position, &plan, &scope, &out));
        break;
      }
      case ClauseKind::kReturn: {
        const auto& r = clause->As<ReturnClause>();
        RETURN_IF_ERROR(PlanProjection(r.body, nullptr, true, r.position, &plan, &scope, &out));
        returned = true;
        break;
      }
      case ClauseKind::kCreate: RETURN_IF_ERROR(PlanCreate(clause->As<CreateClause>(), &plan, &scope)); break;
      case ClauseKind::kCall: {
        RETURN_IF_ERROR(PlanCall(clause->As<CallClause>(), &plan, &scope));
        if (q.clauses.size() == 1) {
          // A lone CALL returns all its columns.
          ProjectionBody body;
          body.star = true;
          RETURN_IF_ERROR(PlanProjection(body, nullptr, true, clause->position, &plan, &scope, &out));
          returned = true;
        }
        break;
      }
      case ClauseKind::kSet: {
        ASSIGN_OR_RETURN(std::vector<SetItemSpec> items, BindSetItems(clause->As<SetClause>().items, scope));
        plan = std::make_unique<SetProperties>(std::move(plan), std::move(items), wrote_);
        break;
      }
      case ClauseKind::kRemove: {
        ASSIGN_OR_RETURN(std::vector<SetItemSpec> items, BindRemoveItems(clause->As<RemoveClause>(), scope));
        plan = std::make_unique<SetProperties>(std::move(plan), std::move(items), wrote_);
        break;
      }
      case ClauseKind::kDelete: RETURN_IF_ERROR(PlanDelete(clause->As<DeleteClause>(), &plan, &scope)); break;
      case ClauseKind::kMerge: RETURN_IF_ERROR(PlanMerge(clause->As<MergeClause>(), &plan, &scope)); break;
    }
  }
  if (!returned) {
    // An updating query without RETURN: run it, return no columns.
    auto drain = std::make_unique<Projection>(std::move(plan), std::vector<BoundExpressionPtr>());
    auto none = MakeConstant(Value::Bool(false), LogicalType::kBool);
    plan = std::make_unique<Filter>(std::move(drain), std::move(none));
  }
  out.root = std::move(plan);
  out.writes = writes_;
  return out;
}

Result<PlannedQuery> Planner::Plan(const QueryStatement& q) {
  ASSIGN_OR_RETURN(PlannedQuery first, PlanSingle(q.parts[0]));
  if (q.parts.size() == 1) {
    if (options_.prune_columns) PruneColumns(first.root.get());
    return first;
  }
  OperatorPtr root = std::move(first.root);
  for (size_t i = 1; i < q.parts.size(); i++) {
    ASSIGN_OR_RETURN(PlannedQuery next, PlanSingle(q.parts[i]));
    if (next.column_names.size() != first.column_names.size()) {
      return Error(q.parts[i].position, "UNION parts return different numbers of columns (" +
                                            std::to_string(first.column_names.size()) + " and " +
                                            std::to_string(next.column_names.size()) + ")");
    }
    for (size_t c = 0; c < next.column_names.size(); c++) {
      if (next.column_names[c] != first.column_names[c]) {
        return Error(q.parts[i].position, "UNION parts return different column names (" + first.column_names[c] +
                                              " and " + next.column_names[c] + ")");
      }
      // As KuzuDB: the same type in every part (an untyped NULL fits any).
      LogicalType& have = first.column_types[c];
      const LogicalType got = next.column_types[c];
      if (have == LogicalType::kAny) {
        have = got;
      } else if (got != LogicalType::kAny && got != have) {
        return Error(q.parts[i].position, std::string("UNION parts return different column types (") +
                                              LogicalTypeName(have) + " and " + LogicalTypeName(got) + ")");
      }
    }
    std::vector<OperatorPtr> inputs;
    inputs.push_back(std::move(root));
    inputs.push_back(std::move(next.root));
    root = std::make_unique<UnionAll>(std::move(inputs));
    if (!q.union_all[i - 1]) root = std::make_unique<Distinct>(std::move(root));
    first.writes |= next.writes;
  }
  first.root = std::move(root);
  if (options_.prune_columns) PruneColumns(first.root.get());
  return first;
}

bool QueryWrites(const QueryStatement& q) {
  for (const SingleQuery& s : q.parts) {
    for (const auto& c : s.clauses) {
      if (c->kind == ClauseKind::kCreate || c->kind == ClauseKind::kMerge || c->kind == ClauseKind::kSet ||
          c->kind == ClauseKind::kRemove || c->kind == ClauseKind::kDelete) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

Result<PlannedQuery> PlanQuery(const QueryStatement& statement, std::string_view text, const Catalog& catalog,
                               const std::map<std::string, Value>& parameters, GraphStore* store, bool* wrote,
                               const PlanOptions& options) {
  Planner planner(text, catalog, parameters, store, wrote, options);
  return planner.Plan(statement);
}

bool StatementWrites(const Statement& s) {
  switch (s.kind) {
    case StatementKind::kQuery: return QueryWrites(s.As<QueryStatement>());
    case StatementKind::kCreateNodeTable:
    case StatementKind::kCreateRelTable:
    case StatementKind::kDropTable:
    case StatementKind::kAlterTable: return true;
    case StatementKind::kCopy: return !s.As<CopyStatement>().to;
    case StatementKind::kExplain: {
      const auto& e = s.As<ExplainStatement>();
      return e.mode == ExplainMode::kProfile && StatementWrites(*e.statement);
    }
    default: return false;
  }
}

std::vector<std::string> CollectParameters(const Statement& statement) {
  std::set<std::string> names;
  CollectStatementParams(statement, &names);
  return std::vector<std::string>(names.begin(), names.end());
}

}  // namespace query
}  // namespace ruzu
