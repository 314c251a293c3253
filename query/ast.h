// Abstract syntax tree of the Cypher subset accepted by query/parser.h.
//
// Ownership is by std::unique_ptr / value; the tree is immutable after
// parsing by convention. Every node records the SourcePosition of its first
// token (1-based line and column), so later layers (binder, planner) can
// report "unknown variable x at line 2, column 7" with
// MakeSyntaxError-style context.
//
// Expressions are one tagged struct (Expression) whose operands all live in
// `children`, so generic walks need no per-kind code. Clauses and statements
// are small class hierarchies tagged by a kind enum; use As<T>() to downcast.
//
// ToString() prints any node as Cypher that parses back to the same tree
// (and therefore prints the same again): keywords upper case, minimal
// parentheses, identifiers back-quoted only where needed.
#ifndef RUZU_QUERY_AST_H_
#define RUZU_QUERY_AST_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "query/lexer.h"

namespace ruzu {
namespace query {

// ---------------------------------------------------------------- expressions

enum class ExpressionKind {
  kLiteral,       // literal (see LiteralKind)
  kParameter,     // $name; name holds "name"
  kVariable,      // n; name holds "n"
  kProperty,      // children[0].name; name holds the property key
  kFunctionCall,  // name(children...); `distinct` for f(DISTINCT x); `star` for count(*)
  kUnary,         // unary_op children[0]
  kBinary,        // children[0] binary_op children[1]
  kIsNull,        // children[0] IS [NOT] NULL; `negated` for IS NOT NULL
  kList,          // [children...]
  kMap,           // {map_keys[i]: children[i], ...}
  kIndex,         // children[0][children[1]]
  kCase,          // CASE [operand] WHEN w THEN t ... [ELSE e] END; layout below
};

enum class LiteralKind { kNull, kBool, kInteger, kDouble, kString };

enum class UnaryOperator { kNot, kNegate, kPlus };

enum class BinaryOperator {
  kOr,
  kXor,
  kAnd,
  kEqual,         // =
  kNotEqual,      // <>
  kLess,          // <
  kLessEqual,     // <=
  kGreater,       // >
  kGreaterEqual,  // >=
  kIn,            // IN
  kStartsWith,    // STARTS WITH
  kEndsWith,      // ENDS WITH
  kContains,      // CONTAINS
  kRegexMatch,    // =~
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kModulo,
  kPower,  // ^
};

// The Cypher spelling: "AND", "<>", "STARTS WITH", "^", ...
const char* BinaryOperatorName(BinaryOperator op);
// "NOT", "-", "+".
const char* UnaryOperatorName(UnaryOperator op);

struct Expression {
  explicit Expression(ExpressionKind k, SourcePosition pos) : kind(k), position(pos) {}

  ExpressionKind kind;
  SourcePosition position;

  // kLiteral. A minus sign directly before a number literal is folded into
  // it, so -9223372036854775808 is an INT64 literal.
  LiteralKind literal_kind = LiteralKind::kNull;
  bool bool_value = false;
  int64_t int_value = 0;
  double double_value = 0;
  std::string string_value;

  // kParameter, kVariable: the name; kProperty: the key; kFunctionCall: the
  // function name as written.
  std::string name;

  UnaryOperator unary_op = UnaryOperator::kNot;     // kUnary
  BinaryOperator binary_op = BinaryOperator::kAnd;  // kBinary
  bool negated = false;   // kIsNull: IS NOT NULL
  bool distinct = false;  // kFunctionCall: f(DISTINCT ...)
  bool star = false;      // kFunctionCall: count(*) (then children is empty)

  // Operands; see ExpressionKind. For kCase the layout is
  //   [operand if has_case_operand] when_1 then_1 ... when_n then_n [else if has_else]
  std::vector<std::unique_ptr<Expression>> children;
  std::vector<std::string> map_keys;  // kMap, parallel to children
  std::vector<SourcePosition> map_key_positions;  // kMap, parallel to map_keys
  bool has_case_operand = false;      // kCase
  bool has_else = false;              // kCase

  // Height of this subtree (1 for a leaf); maintained by the parser, which
  // bounds it (kMaxExpressionHeight) so recursive walks cannot overflow.
  int height = 1;

  // kCase accessors.
  const Expression* case_operand() const { return has_case_operand ? children[0].get() : nullptr; }
  size_t case_alternative_count() const {
    return (children.size() - (has_case_operand ? 1 : 0) - (has_else ? 1 : 0)) / 2;
  }
  const Expression& case_when(size_t i) const { return *children[(has_case_operand ? 1 : 0) + 2 * i]; }
  const Expression& case_then(size_t i) const { return *children[(has_case_operand ? 2 : 1) + 2 * i]; }
  const Expression* case_else() const { return has_else ? children.back().get() : nullptr; }
};

using ExpressionPtr = std::unique_ptr<Expression>;
// Property map of a pattern: {key: expression, ...} in source order.
using PropertyMap = std::vector<std::pair<std::string, ExpressionPtr>>;

// ------------------------------------------------------------------- patterns

// (variable:Label1:Label2 {k: v})  — all parts optional.
struct NodePattern {
  SourcePosition position;
  std::string variable;             // empty when anonymous
  std::vector<std::string> labels;  // `:A:B` or `:A|B`: any of the labels
  PropertyMap properties;
};

enum class RelDirection {
  kRight,  // -[...]->
  kLeft,   // <-[...]-
  kBoth,   // -[...]-  (either direction)
};

enum class PathSemantics {
  kWalk,         // plain (variable-length) pattern
  kShortest,     // * SHORTEST
  kAllShortest,  // * ALL SHORTEST
};

// -[variable:Type1|Type2 *min..max {k: v}]->
struct RelPattern {
  SourcePosition position;
  std::string variable;            // empty when anonymous
  std::vector<std::string> types;  // any of these relationship tables
  PropertyMap properties;
  RelDirection direction = RelDirection::kRight;
  // Variable length: `*` present. min_hops/max_hops unset when omitted
  // (`*` alone, `*..3`, `*2..`); `*2` sets both to 2.
  bool variable_length = false;
  PathSemantics semantics = PathSemantics::kWalk;
  std::optional<int64_t> min_hops;
  std::optional<int64_t> max_hops;
  // KuzuDB's recursive filter: `*1..3 (r, n | WHERE r.x > 1)`; filter_where
  // is null when absent.
  std::string filter_rel_variable;
  std::string filter_node_variable;
  ExpressionPtr filter_where;
};

// [path_variable =] (node) (-[rel]- (node))*   nodes.size() == rels.size() + 1.
struct PathPattern {
  SourcePosition position;
  std::string path_variable;  // empty when not named
  std::vector<NodePattern> nodes;
  std::vector<RelPattern> rels;
};

// -------------------------------------------------------------------- clauses

enum class ClauseKind { kMatch, kUnwind, kWith, kReturn, kCreate, kMerge, kSet, kRemove, kDelete, kCall };

struct Clause {
  Clause(ClauseKind k, SourcePosition pos) : kind(k), position(pos) {}
  virtual ~Clause() = default;
  template <typename T>
  const T& As() const { return static_cast<const T&>(*this); }
  template <typename T>
  T& As() { return static_cast<T&>(*this); }

  ClauseKind kind;
  SourcePosition position;
};

// [OPTIONAL] MATCH pattern, ... [WHERE expr]
struct MatchClause : Clause {
  explicit MatchClause(SourcePosition pos) : Clause(ClauseKind::kMatch, pos) {}
  bool optional = false;
  std::vector<PathPattern> patterns;
  ExpressionPtr where;  // null when absent
};

// UNWIND expression AS alias
struct UnwindClause : Clause {
  explicit UnwindClause(SourcePosition pos) : Clause(ClauseKind::kUnwind, pos) {}
  ExpressionPtr expression;
  std::string alias;
};

// expression [AS alias]
struct ProjectionItem {
  SourcePosition position;
  ExpressionPtr expression;
  std::string alias;  // empty when no AS
  // The expression's source text exactly as written (for column names).
  std::string text;
};

// expression [ASC|DESC]
struct SortItem {
  SourcePosition position;
  ExpressionPtr expression;
  bool descending = false;
};

// The shared part of WITH and RETURN.
struct ProjectionBody {
  bool distinct = false;
  bool star = false;  // `*` (possibly followed by more items)
  std::vector<ProjectionItem> items;
  std::vector<SortItem> order_by;  // empty when no ORDER BY
  ExpressionPtr skip;              // null when absent
  ExpressionPtr limit;             // null when absent
};

// WITH body [WHERE expr]
struct WithClause : Clause {
  explicit WithClause(SourcePosition pos) : Clause(ClauseKind::kWith, pos) {}
  ProjectionBody body;
  ExpressionPtr where;  // null when absent
};

// RETURN body
struct ReturnClause : Clause {
  explicit ReturnClause(SourcePosition pos) : Clause(ClauseKind::kReturn, pos) {}
  ProjectionBody body;
};

// CREATE pattern, ...
struct CreateClause : Clause {
  explicit CreateClause(SourcePosition pos) : Clause(ClauseKind::kCreate, pos) {}
  std::vector<PathPattern> patterns;
};

enum class SetItemKind {
  kProperty,       // n.p = value
  kAllProperties,  // n = {map}: the map's properties; every other one (but the primary key) becomes NULL
  kAddProperties,  // n += {map}: the map's properties, the others unchanged
};

// One item of SET (and of MERGE's ON CREATE / ON MATCH SET).
struct SetItem {
  SourcePosition position;
  SetItemKind kind = SetItemKind::kProperty;
  // kProperty: a kProperty expression (n.p); the map forms: the kVariable n.
  ExpressionPtr property;
  // kProperty: any expression; the map forms: a kMap literal (the parser guarantees it).
  ExpressionPtr value;
};

// MERGE pattern [ON CREATE SET items] [ON MATCH SET items] (either order, repeatable)
struct MergeClause : Clause {
  explicit MergeClause(SourcePosition pos) : Clause(ClauseKind::kMerge, pos) {}
  PathPattern pattern;
  std::vector<SetItem> on_create;
  std::vector<SetItem> on_match;
};

// SET item, ...
struct SetClause : Clause {
  explicit SetClause(SourcePosition pos) : Clause(ClauseKind::kSet, pos) {}
  std::vector<SetItem> items;
};

// REMOVE n.p, ...: each property becomes NULL. Every item is a kProperty expression.
struct RemoveClause : Clause {
  explicit RemoveClause(SourcePosition pos) : Clause(ClauseKind::kRemove, pos) {}
  std::vector<ExpressionPtr> properties;
};

// [DETACH] DELETE expression, ...
struct DeleteClause : Clause {
  explicit DeleteClause(SourcePosition pos) : Clause(ClauseKind::kDelete, pos) {}
  bool detach = false;
  std::vector<ExpressionPtr> expressions;
};

// name [AS alias] in YIELD.
struct YieldItem {
  SourcePosition position;
  std::string name;
  std::string alias;  // empty when no AS
};

// CALL f(args) [YIELD item, ...]
struct CallClause : Clause {
  explicit CallClause(SourcePosition pos) : Clause(ClauseKind::kCall, pos) {}
  ExpressionPtr call;  // kFunctionCall
  std::vector<YieldItem> yield;
};

// ----------------------------------------------------------------- statements

enum class StatementKind {
  kQuery,
  kCreateNodeTable,
  kCreateRelTable,
  kDropTable,
  kAlterTable,
  kBeginTransaction,
  kCommit,
  kRollback,
  kCheckpoint,
  kExplain,  // EXPLAIN or PROFILE
  kCopy,     // COPY ... FROM / COPY ... TO
};

struct Statement {
  Statement(StatementKind k, SourcePosition pos) : kind(k), position(pos) {}
  virtual ~Statement() = default;
  template <typename T>
  const T& As() const { return static_cast<const T&>(*this); }
  template <typename T>
  T& As() { return static_cast<T&>(*this); }

  StatementKind kind;
  SourcePosition position;
};

// A query without UNION: clauses in order. The parser guarantees it is
// non-empty, that RETURN (if any) is last, and that it ends with RETURN or
// an updating clause (or is a lone CALL).
struct SingleQuery {
  SourcePosition position;
  std::vector<std::unique_ptr<Clause>> clauses;
};

// part_0 UNION [ALL] part_1 ...; union_all[i] joins parts[i] and parts[i+1].
struct QueryStatement : Statement {
  explicit QueryStatement(SourcePosition pos) : Statement(StatementKind::kQuery, pos) {}
  std::vector<SingleQuery> parts;
  std::vector<bool> union_all;
};

// name TYPE [DEFAULT expr]. type_name is canonical: a LogicalTypeName()
// ("INT64", "STRING", ...) or "SERIAL".
struct ColumnDefinition {
  SourcePosition position;
  std::string name;
  std::string type_name;
  ExpressionPtr default_value;  // null when absent
};

// CREATE NODE TABLE [IF NOT EXISTS] T (col TYPE, ..., PRIMARY KEY (col))
struct CreateNodeTableStatement : Statement {
  explicit CreateNodeTableStatement(SourcePosition pos)
      : Statement(StatementKind::kCreateNodeTable, pos) {}
  std::string table_name;
  bool if_not_exists = false;
  std::vector<ColumnDefinition> columns;
  std::string primary_key;  // always one of the columns
};

// CREATE REL TABLE [IF NOT EXISTS] R (FROM A TO B [, col TYPE ...])
struct CreateRelTableStatement : Statement {
  explicit CreateRelTableStatement(SourcePosition pos)
      : Statement(StatementKind::kCreateRelTable, pos) {}
  std::string table_name;
  bool if_not_exists = false;
  std::string from_table;
  std::string to_table;
  std::vector<ColumnDefinition> columns;
};

// DROP TABLE [IF EXISTS] T
struct DropTableStatement : Statement {
  explicit DropTableStatement(SourcePosition pos) : Statement(StatementKind::kDropTable, pos) {}
  std::string table_name;
  bool if_exists = false;
};

enum class AlterAction {
  kAddProperty,     // ADD [IF NOT EXISTS] col TYPE [DEFAULT expr]
  kDropProperty,    // DROP [IF EXISTS] property_name
  kRenameTable,     // RENAME TO new_name
  kRenameProperty,  // RENAME property_name TO new_name
};

// ALTER TABLE T <action>
struct AlterTableStatement : Statement {
  explicit AlterTableStatement(SourcePosition pos) : Statement(StatementKind::kAlterTable, pos) {}
  std::string table_name;
  AlterAction action = AlterAction::kAddProperty;
  ColumnDefinition column;    // kAddProperty
  bool if_exists = false;     // kDropProperty: IF EXISTS; kAddProperty: IF NOT EXISTS
  std::string property_name;  // kDropProperty, kRenameProperty
  std::string new_name;       // kRenameTable, kRenameProperty
};

// BEGIN TRANSACTION [READ ONLY]
struct BeginTransactionStatement : Statement {
  explicit BeginTransactionStatement(SourcePosition pos)
      : Statement(StatementKind::kBeginTransaction, pos) {}
  bool read_only = false;
};

// COMMIT, ROLLBACK, CHECKPOINT: nothing but the kind.
struct SimpleStatement : Statement {
  SimpleStatement(StatementKind k, SourcePosition pos) : Statement(k, pos) {}
};

enum class ExplainMode { kExplain, kProfile };

// EXPLAIN statement / PROFILE statement (the inner one is never kExplain).
struct ExplainStatement : Statement {
  explicit ExplainStatement(SourcePosition pos) : Statement(StatementKind::kExplain, pos) {}
  ExplainMode mode = ExplainMode::kExplain;
  std::unique_ptr<Statement> statement;
};

// name = literal inside COPY's option list.
struct CopyOption {
  SourcePosition position;
  std::string name;
  ExpressionPtr value;  // a literal (the parser guarantees it)
};

// COPY T FROM 'file' | ['f1', 'f2', ...] [(options)]
// COPY T TO 'file' [(options)]
// COPY (query) TO 'file' [(options)]
struct CopyStatement : Statement {
  explicit CopyStatement(SourcePosition pos) : Statement(StatementKind::kCopy, pos) {}
  bool to = false;                   // COPY ... TO (export)
  std::string table_name;            // empty when exporting a query's result
  std::unique_ptr<Statement> query;  // COPY (query) TO; a kQuery statement
  std::vector<std::string> files;    // paths or glob patterns; exactly one for TO
  std::vector<CopyOption> options;
};

// ------------------------------------------------------------------- copies

// Deep copies (the tree is otherwise move-only).
ExpressionPtr Clone(const Expression& expression);
PropertyMap Clone(const PropertyMap& properties);
// A copy of `path`; a filter_where on a relationship is cloned too.
PathPattern Clone(const PathPattern& path);

// ------------------------------------------------------------------- printers

std::string ToString(const Expression& expression);
std::string ToString(const NodePattern& node);
std::string ToString(const PathPattern& path);
std::string ToString(const Clause& clause);
std::string ToString(const Statement& statement);

// `name` as a variable/alias: bare when it is a plain identifier that is not
// a reserved word, else back-quoted (`` doubles a backtick).
std::string QuoteVariable(const std::string& name);
// `name` as a label, property key, table or type name: keywords stay bare.
std::string QuoteSchemaName(const std::string& name);
// 'text' with the escapes the lexer understands.
std::string QuoteString(const std::string& text);
// Whether `word` (case-insensitive) is reserved: it cannot be a bare
// variable, alias or parameter-free name (MATCH, WHERE, AND, END, ...).
bool IsReservedWord(std::string_view word);

}  // namespace query
}  // namespace ruzu

#endif  // RUZU_QUERY_AST_H_
