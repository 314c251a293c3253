#include "query/ast.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ruzu {
namespace query {
namespace {

// Binding strength used to decide where parentheses are needed; mirrors the
// parser's precedence climbing (see parser.h).
enum Precedence {
  kPrecOr = 1,
  kPrecXor = 2,
  kPrecAnd = 3,
  kPrecNot = 4,
  kPrecComparison = 5,
  kPrecPredicate = 6,  // IN, STARTS WITH, ENDS WITH, CONTAINS, =~, IS NULL
  kPrecAdditive = 7,
  kPrecMultiplicative = 8,
  kPrecPower = 9,
  kPrecUnary = 10,
  kPrecPostfix = 11,
  kPrecAtom = 12,
};

int BinaryPrecedence(BinaryOperator op) {
  switch (op) {
    case BinaryOperator::kOr: return kPrecOr;
    case BinaryOperator::kXor: return kPrecXor;
    case BinaryOperator::kAnd: return kPrecAnd;
    case BinaryOperator::kEqual:
    case BinaryOperator::kNotEqual:
    case BinaryOperator::kLess:
    case BinaryOperator::kLessEqual:
    case BinaryOperator::kGreater:
    case BinaryOperator::kGreaterEqual: return kPrecComparison;
    case BinaryOperator::kIn:
    case BinaryOperator::kStartsWith:
    case BinaryOperator::kEndsWith:
    case BinaryOperator::kContains:
    case BinaryOperator::kRegexMatch: return kPrecPredicate;
    case BinaryOperator::kAdd:
    case BinaryOperator::kSubtract: return kPrecAdditive;
    case BinaryOperator::kMultiply:
    case BinaryOperator::kDivide:
    case BinaryOperator::kModulo: return kPrecMultiplicative;
    case BinaryOperator::kPower: return kPrecPower;
  }
  return kPrecAtom;
}

int PrecedenceOf(const Expression& e) {
  switch (e.kind) {
    case ExpressionKind::kBinary: return BinaryPrecedence(e.binary_op);
    case ExpressionKind::kUnary: return e.unary_op == UnaryOperator::kNot ? kPrecNot : kPrecUnary;
    case ExpressionKind::kIsNull: return kPrecPredicate;
    case ExpressionKind::kProperty:
    case ExpressionKind::kIndex: return kPrecPostfix;
    case ExpressionKind::kLiteral:
      if (e.literal_kind == LiteralKind::kInteger && e.int_value < 0) return kPrecUnary;
      if (e.literal_kind == LiteralKind::kDouble && std::signbit(e.double_value)) return kPrecUnary;
      return kPrecAtom;
    default: return kPrecAtom;
  }
}

void Print(const Expression& e, std::string* out);

// Prints `e`, parenthesized when it binds less tightly than `min_precedence`.
void PrintOperand(const Expression& e, int min_precedence, std::string* out) {
  if (PrecedenceOf(e) < min_precedence) {
    out->push_back('(');
    Print(e, out);
    out->push_back(')');
  } else {
    Print(e, out);
  }
}

bool IsBareIdentifier(const std::string& name) {
  if (name.empty()) return false;
  unsigned char first = static_cast<unsigned char>(name[0]);
  if (!IsIdentifierStart(first)) return false;
  for (char c : name) {
    if (!IsIdentifierPart(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string BackQuote(const std::string& name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  out += '`';
  return out;
}

std::string FunctionName(const std::string& name) {
  static const char* const kAtomKeywords[] = {"NOT", "CASE", "TRUE", "FALSE", "NULL"};
  if (!IsBareIdentifier(name)) return BackQuote(name);
  for (const char* k : kAtomKeywords) {
    if (EqualsIgnoreCase(name, k)) return BackQuote(name);
  }
  return name;
}

std::string FormatDouble(double v) {
  // Shortest text that reads back as exactly `v` (fixed or scientific,
  // whichever is shorter).
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof(buf), v);
  std::string s(buf, result.ptr);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // keep it a float literal
  return s;
}

void PrintList(const std::vector<ExpressionPtr>& items, std::string* out) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out->append(", ");
    Print(*items[i], out);
  }
}

void Print(const Expression& e, std::string* out) {
  switch (e.kind) {
    case ExpressionKind::kLiteral:
      switch (e.literal_kind) {
        case LiteralKind::kNull: out->append("NULL"); return;
        case LiteralKind::kBool: out->append(e.bool_value ? "TRUE" : "FALSE"); return;
        case LiteralKind::kInteger: out->append(std::to_string(e.int_value)); return;
        case LiteralKind::kDouble: out->append(FormatDouble(e.double_value)); return;
        case LiteralKind::kString: out->append(QuoteString(e.string_value)); return;
      }
      return;
    case ExpressionKind::kParameter:
      out->append("$");
      out->append(e.name);
      return;
    case ExpressionKind::kVariable:
      out->append(QuoteVariable(e.name));
      return;
    case ExpressionKind::kProperty:
      PrintOperand(*e.children[0], kPrecPostfix, out);
      out->append(".");
      out->append(QuoteSchemaName(e.name));
      return;
    case ExpressionKind::kFunctionCall:
      out->append(FunctionName(e.name));
      out->append("(");
      if (e.star) {
        out->append("*");
      } else {
        if (e.distinct) out->append("DISTINCT ");
        PrintList(e.children, out);
      }
      out->append(")");
      return;
    case ExpressionKind::kUnary:
      if (e.unary_op == UnaryOperator::kNot) {
        out->append("NOT ");
        PrintOperand(*e.children[0], kPrecNot, out);
      } else {
        out->append(UnaryOperatorName(e.unary_op));
        std::string operand;
        PrintOperand(*e.children[0], kPrecUnary, &operand);
        // "-<digits>" would parse back as one literal: keep the negation.
        const Expression& child = *e.children[0];
        if (e.unary_op == UnaryOperator::kNegate && child.kind == ExpressionKind::kLiteral &&
            (child.literal_kind == LiteralKind::kInteger || child.literal_kind == LiteralKind::kDouble) &&
            !operand.empty() && operand[0] != '-') {
          operand = "(" + operand + ")";
        }
        if (!operand.empty() && (operand[0] == '-' || operand[0] == '+')) out->push_back(' ');
        out->append(operand);
      }
      return;
    case ExpressionKind::kBinary: {
      int p = BinaryPrecedence(e.binary_op);
      PrintOperand(*e.children[0], p, out);
      out->append(" ");
      out->append(BinaryOperatorName(e.binary_op));
      out->append(" ");
      PrintOperand(*e.children[1], p + 1, out);
      return;
    }
    case ExpressionKind::kIsNull:
      PrintOperand(*e.children[0], kPrecPredicate, out);
      out->append(e.negated ? " IS NOT NULL" : " IS NULL");
      return;
    case ExpressionKind::kList:
      out->append("[");
      PrintList(e.children, out);
      out->append("]");
      return;
    case ExpressionKind::kMap:
      out->append("{");
      for (size_t i = 0; i < e.children.size(); ++i) {
        if (i > 0) out->append(", ");
        out->append(QuoteSchemaName(e.map_keys[i]));
        out->append(": ");
        Print(*e.children[i], out);
      }
      out->append("}");
      return;
    case ExpressionKind::kIndex:
      PrintOperand(*e.children[0], kPrecPostfix, out);
      out->append("[");
      Print(*e.children[1], out);
      out->append("]");
      return;
    case ExpressionKind::kCase:
      out->append("CASE");
      if (e.case_operand() != nullptr) {
        out->append(" ");
        Print(*e.case_operand(), out);
      }
      for (size_t i = 0; i < e.case_alternative_count(); ++i) {
        out->append(" WHEN ");
        Print(e.case_when(i), out);
        out->append(" THEN ");
        Print(e.case_then(i), out);
      }
      if (e.case_else() != nullptr) {
        out->append(" ELSE ");
        Print(*e.case_else(), out);
      }
      out->append(" END");
      return;
  }
}

void PrintProperties(const PropertyMap& properties, std::string* out) {
  out->append("{");
  for (size_t i = 0; i < properties.size(); ++i) {
    if (i > 0) out->append(", ");
    out->append(QuoteSchemaName(properties[i].first));
    out->append(": ");
    Print(*properties[i].second, out);
  }
  out->append("}");
}

std::string RelToString(const RelPattern& rel) {
  std::string detail;
  if (!rel.variable.empty()) detail += QuoteVariable(rel.variable);
  for (size_t i = 0; i < rel.types.size(); ++i) {
    detail += i == 0 ? ":" : "|";
    detail += QuoteSchemaName(rel.types[i]);
  }
  if (rel.variable_length) {
    detail += "*";
    if (rel.semantics == PathSemantics::kShortest) detail += " SHORTEST";
    if (rel.semantics == PathSemantics::kAllShortest) detail += " ALL SHORTEST";
    std::string range;
    if (rel.min_hops && rel.max_hops && *rel.min_hops == *rel.max_hops) {
      range = std::to_string(*rel.min_hops);
    } else if (rel.min_hops || rel.max_hops) {
      if (rel.min_hops) range += std::to_string(*rel.min_hops);
      range += "..";
      if (rel.max_hops) range += std::to_string(*rel.max_hops);
    }
    if (!range.empty()) {
      if (rel.semantics != PathSemantics::kWalk) detail += " ";
      detail += range;
    }
    if (rel.filter_where) {
      detail += " (" + QuoteVariable(rel.filter_rel_variable) + ", " +
                QuoteVariable(rel.filter_node_variable) + " | WHERE ";
      Print(*rel.filter_where, &detail);
      detail += ")";
    }
  }
  if (!rel.properties.empty()) {
    if (!detail.empty()) detail += " ";
    PrintProperties(rel.properties, &detail);
  }
  std::string out = rel.direction == RelDirection::kLeft ? "<-" : "-";
  if (!detail.empty()) out += "[" + detail + "]";
  out += rel.direction == RelDirection::kRight ? "->" : "-";
  return out;
}

void PrintPatterns(const std::vector<PathPattern>& patterns, std::string* out) {
  for (size_t i = 0; i < patterns.size(); ++i) {
    if (i > 0) out->append(", ");
    out->append(ToString(patterns[i]));
  }
}

void PrintSetItems(const std::vector<SetItem>& items, std::string* out) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out->append(", ");
    Print(*items[i].property, out);
    out->append(items[i].kind == SetItemKind::kAddProperties ? " += " : " = ");
    Print(*items[i].value, out);
  }
}

void PrintBody(const ProjectionBody& body, std::string* out) {
  if (body.distinct) out->append("DISTINCT ");
  bool first = true;
  if (body.star) {
    out->append("*");
    first = false;
  }
  for (const ProjectionItem& item : body.items) {
    if (!first) out->append(", ");
    first = false;
    Print(*item.expression, out);
    if (!item.alias.empty()) {
      out->append(" AS ");
      out->append(QuoteVariable(item.alias));
    }
  }
  if (!body.order_by.empty()) {
    out->append(" ORDER BY ");
    for (size_t i = 0; i < body.order_by.size(); ++i) {
      if (i > 0) out->append(", ");
      Print(*body.order_by[i].expression, out);
      if (body.order_by[i].descending) out->append(" DESC");
    }
  }
  if (body.skip) {
    out->append(" SKIP ");
    Print(*body.skip, out);
  }
  if (body.limit) {
    out->append(" LIMIT ");
    Print(*body.limit, out);
  }
}

void PrintColumn(const ColumnDefinition& column, std::string* out) {
  out->append(QuoteSchemaName(column.name));
  out->append(" ");
  out->append(column.type_name);
  if (column.default_value) {
    out->append(" DEFAULT ");
    Print(*column.default_value, out);
  }
}

}  // namespace

const char* BinaryOperatorName(BinaryOperator op) {
  switch (op) {
    case BinaryOperator::kOr: return "OR";
    case BinaryOperator::kXor: return "XOR";
    case BinaryOperator::kAnd: return "AND";
    case BinaryOperator::kEqual: return "=";
    case BinaryOperator::kNotEqual: return "<>";
    case BinaryOperator::kLess: return "<";
    case BinaryOperator::kLessEqual: return "<=";
    case BinaryOperator::kGreater: return ">";
    case BinaryOperator::kGreaterEqual: return ">=";
    case BinaryOperator::kIn: return "IN";
    case BinaryOperator::kStartsWith: return "STARTS WITH";
    case BinaryOperator::kEndsWith: return "ENDS WITH";
    case BinaryOperator::kContains: return "CONTAINS";
    case BinaryOperator::kRegexMatch: return "=~";
    case BinaryOperator::kAdd: return "+";
    case BinaryOperator::kSubtract: return "-";
    case BinaryOperator::kMultiply: return "*";
    case BinaryOperator::kDivide: return "/";
    case BinaryOperator::kModulo: return "%";
    case BinaryOperator::kPower: return "^";
  }
  return "?";
}

const char* UnaryOperatorName(UnaryOperator op) {
  switch (op) {
    case UnaryOperator::kNot: return "NOT";
    case UnaryOperator::kNegate: return "-";
    case UnaryOperator::kPlus: return "+";
  }
  return "?";
}

bool IsReservedWord(std::string_view word) {
  static const char* const kReserved[] = {
      "MATCH", "OPTIONAL", "WHERE", "RETURN", "WITH", "UNWIND", "CREATE", "MERGE",
      "SET", "REMOVE", "DELETE", "DETACH", "ORDER", "BY", "SKIP", "LIMIT", "UNION", "ALL",
      "AND", "OR", "XOR", "NOT", "IS", "NULL", "TRUE", "FALSE", "IN", "STARTS",
      "ENDS", "CONTAINS", "CASE", "WHEN", "THEN", "ELSE", "END", "AS", "DISTINCT",
      "ASC", "DESC", "ASCENDING", "DESCENDING", "ON", "CALL", "YIELD"};
  for (const char* r : kReserved) {
    if (EqualsIgnoreCase(word, r)) return true;
  }
  return false;
}

std::string QuoteVariable(const std::string& name) {
  if (IsBareIdentifier(name) && !IsReservedWord(name)) return name;
  return BackQuote(name);
}

std::string QuoteSchemaName(const std::string& name) {
  if (IsBareIdentifier(name)) return name;
  return BackQuote(name);
}

std::string QuoteString(const std::string& text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out = "'";
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\'': out += "\\'"; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += "'";
  return out;
}

ExpressionPtr Clone(const Expression& e) {
  auto copy = std::make_unique<Expression>(e.kind, e.position);
  copy->literal_kind = e.literal_kind;
  copy->bool_value = e.bool_value;
  copy->int_value = e.int_value;
  copy->double_value = e.double_value;
  copy->string_value = e.string_value;
  copy->name = e.name;
  copy->unary_op = e.unary_op;
  copy->binary_op = e.binary_op;
  copy->negated = e.negated;
  copy->distinct = e.distinct;
  copy->star = e.star;
  for (const ExpressionPtr& c : e.children) copy->children.push_back(Clone(*c));
  copy->map_keys = e.map_keys;
  copy->map_key_positions = e.map_key_positions;
  copy->has_case_operand = e.has_case_operand;
  copy->has_else = e.has_else;
  copy->height = e.height;
  return copy;
}

PropertyMap Clone(const PropertyMap& properties) {
  PropertyMap copy;
  for (const auto& [key, value] : properties) copy.emplace_back(key, Clone(*value));
  return copy;
}

PathPattern Clone(const PathPattern& path) {
  PathPattern copy;
  copy.position = path.position;
  copy.path_variable = path.path_variable;
  for (const NodePattern& n : path.nodes) {
    NodePattern node;
    node.position = n.position;
    node.variable = n.variable;
    node.labels = n.labels;
    node.properties = Clone(n.properties);
    copy.nodes.push_back(std::move(node));
  }
  for (const RelPattern& r : path.rels) {
    RelPattern rel;
    rel.position = r.position;
    rel.variable = r.variable;
    rel.types = r.types;
    rel.properties = Clone(r.properties);
    rel.direction = r.direction;
    rel.variable_length = r.variable_length;
    rel.semantics = r.semantics;
    rel.min_hops = r.min_hops;
    rel.max_hops = r.max_hops;
    rel.filter_rel_variable = r.filter_rel_variable;
    rel.filter_node_variable = r.filter_node_variable;
    if (r.filter_where) rel.filter_where = Clone(*r.filter_where);
    copy.rels.push_back(std::move(rel));
  }
  return copy;
}

std::string ToString(const Expression& expression) {
  std::string out;
  Print(expression, &out);
  return out;
}

std::string ToString(const NodePattern& node) {
  std::string out = "(";
  if (!node.variable.empty()) out += QuoteVariable(node.variable);
  for (const std::string& label : node.labels) out += ":" + QuoteSchemaName(label);
  if (!node.properties.empty()) {
    if (out.size() > 1) out += " ";
    PrintProperties(node.properties, &out);
  }
  out += ")";
  return out;
}

std::string ToString(const PathPattern& path) {
  std::string out;
  if (!path.path_variable.empty()) out += QuoteVariable(path.path_variable) + " = ";
  for (size_t i = 0; i < path.nodes.size(); ++i) {
    if (i > 0) out += RelToString(path.rels[i - 1]);
    out += ToString(path.nodes[i]);
  }
  return out;
}

std::string ToString(const Clause& clause) {
  std::string out;
  switch (clause.kind) {
    case ClauseKind::kMatch: {
      const auto& m = clause.As<MatchClause>();
      out += m.optional ? "OPTIONAL MATCH " : "MATCH ";
      PrintPatterns(m.patterns, &out);
      if (m.where) {
        out += " WHERE ";
        Print(*m.where, &out);
      }
      break;
    }
    case ClauseKind::kUnwind: {
      const auto& u = clause.As<UnwindClause>();
      out += "UNWIND ";
      Print(*u.expression, &out);
      out += " AS " + QuoteVariable(u.alias);
      break;
    }
    case ClauseKind::kWith: {
      const auto& w = clause.As<WithClause>();
      out += "WITH ";
      PrintBody(w.body, &out);
      if (w.where) {
        out += " WHERE ";
        Print(*w.where, &out);
      }
      break;
    }
    case ClauseKind::kReturn:
      out += "RETURN ";
      PrintBody(clause.As<ReturnClause>().body, &out);
      break;
    case ClauseKind::kCreate:
      out += "CREATE ";
      PrintPatterns(clause.As<CreateClause>().patterns, &out);
      break;
    case ClauseKind::kMerge: {
      const auto& m = clause.As<MergeClause>();
      out += "MERGE " + ToString(m.pattern);
      if (!m.on_create.empty()) {
        out += " ON CREATE SET ";
        PrintSetItems(m.on_create, &out);
      }
      if (!m.on_match.empty()) {
        out += " ON MATCH SET ";
        PrintSetItems(m.on_match, &out);
      }
      break;
    }
    case ClauseKind::kSet:
      out += "SET ";
      PrintSetItems(clause.As<SetClause>().items, &out);
      break;
    case ClauseKind::kRemove:
      out += "REMOVE ";
      PrintList(clause.As<RemoveClause>().properties, &out);
      break;
    case ClauseKind::kDelete: {
      const auto& d = clause.As<DeleteClause>();
      out += d.detach ? "DETACH DELETE " : "DELETE ";
      PrintList(d.expressions, &out);
      break;
    }
    case ClauseKind::kCall: {
      const auto& c = clause.As<CallClause>();
      out += "CALL ";
      Print(*c.call, &out);
      for (size_t i = 0; i < c.yield.size(); ++i) {
        out += i == 0 ? " YIELD " : ", ";
        out += QuoteVariable(c.yield[i].name);
        if (!c.yield[i].alias.empty()) out += " AS " + QuoteVariable(c.yield[i].alias);
      }
      break;
    }
  }
  return out;
}

std::string ToString(const Statement& statement) {
  std::string out;
  switch (statement.kind) {
    case StatementKind::kQuery: {
      const auto& q = statement.As<QueryStatement>();
      for (size_t i = 0; i < q.parts.size(); ++i) {
        if (i > 0) out += q.union_all[i - 1] ? " UNION ALL " : " UNION ";
        for (size_t j = 0; j < q.parts[i].clauses.size(); ++j) {
          if (j > 0) out += " ";
          out += ToString(*q.parts[i].clauses[j]);
        }
      }
      break;
    }
    case StatementKind::kCreateNodeTable: {
      const auto& c = statement.As<CreateNodeTableStatement>();
      out += "CREATE NODE TABLE ";
      if (c.if_not_exists) out += "IF NOT EXISTS ";
      out += QuoteSchemaName(c.table_name) + "(";
      for (const ColumnDefinition& column : c.columns) {
        PrintColumn(column, &out);
        out += ", ";
      }
      out += "PRIMARY KEY (" + QuoteSchemaName(c.primary_key) + "))";
      break;
    }
    case StatementKind::kCreateRelTable: {
      const auto& c = statement.As<CreateRelTableStatement>();
      out += "CREATE REL TABLE ";
      if (c.if_not_exists) out += "IF NOT EXISTS ";
      out += QuoteSchemaName(c.table_name) + "(FROM " + QuoteSchemaName(c.from_table) + " TO " +
             QuoteSchemaName(c.to_table);
      for (const ColumnDefinition& column : c.columns) {
        out += ", ";
        PrintColumn(column, &out);
      }
      out += ")";
      break;
    }
    case StatementKind::kDropTable: {
      const auto& d = statement.As<DropTableStatement>();
      out += "DROP TABLE ";
      if (d.if_exists) out += "IF EXISTS ";
      out += QuoteSchemaName(d.table_name);
      break;
    }
    case StatementKind::kAlterTable: {
      const auto& a = statement.As<AlterTableStatement>();
      out += "ALTER TABLE " + QuoteSchemaName(a.table_name) + " ";
      switch (a.action) {
        case AlterAction::kAddProperty:
          out += "ADD ";
          if (a.if_exists) out += "IF NOT EXISTS ";
          PrintColumn(a.column, &out);
          break;
        case AlterAction::kDropProperty:
          out += "DROP ";
          if (a.if_exists) out += "IF EXISTS ";
          out += QuoteSchemaName(a.property_name);
          break;
        case AlterAction::kRenameTable:
          out += "RENAME TO " + QuoteSchemaName(a.new_name);
          break;
        case AlterAction::kRenameProperty:
          out += "RENAME " + QuoteSchemaName(a.property_name) + " TO " + QuoteSchemaName(a.new_name);
          break;
      }
      break;
    }
    case StatementKind::kBeginTransaction:
      out += statement.As<BeginTransactionStatement>().read_only ? "BEGIN TRANSACTION READ ONLY"
                                                                 : "BEGIN TRANSACTION";
      break;
    case StatementKind::kCommit: out += "COMMIT"; break;
    case StatementKind::kRollback: out += "ROLLBACK"; break;
    case StatementKind::kCheckpoint: out += "CHECKPOINT"; break;
    case StatementKind::kExplain: {
      const auto& e = statement.As<ExplainStatement>();
      out += e.mode == ExplainMode::kExplain ? "EXPLAIN " : "PROFILE ";
      out += ToString(*e.statement);
      break;
    }
    case StatementKind::kCopy: {
      const auto& c = statement.As<CopyStatement>();
      out += "COPY ";
      out += c.query ? "(" + ToString(*c.query) + ")" : QuoteSchemaName(c.table_name);
      out += c.to ? " TO " : " FROM ";
      if (c.files.size() == 1) {
        out += QuoteString(c.files[0]);
      } else {
        out += "[";
        for (size_t i = 0; i < c.files.size(); ++i) out += (i > 0 ? ", " : "") + QuoteString(c.files[i]);
        out += "]";
      }
      if (!c.options.empty()) {
        out += " (";
        for (size_t i = 0; i < c.options.size(); ++i) {
          out += (i > 0 ? ", " : "") + QuoteSchemaName(c.options[i].name) + "=" + ToString(*c.options[i].value);
        }
        out += ")";
      }
      break;
    }
  }
  return out;
}

}  // namespace query
}  // namespace ruzu
