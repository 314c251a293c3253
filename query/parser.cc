#include "query/parser.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <string>
#include <utility>

#include "common/types.h"

namespace ruzu {
namespace query {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

const char* ClauseName(ClauseKind kind) {
  switch (kind) {
    case ClauseKind::kMatch: return "MATCH";
    case ClauseKind::kUnwind: return "UNWIND";
    case ClauseKind::kWith: return "WITH";
    case ClauseKind::kReturn: return "RETURN";
    case ClauseKind::kCreate: return "CREATE";
    case ClauseKind::kMerge: return "MERGE";
    case ClauseKind::kSet: return "SET";
    case ClauseKind::kRemove: return "REMOVE";
    case ClauseKind::kDelete: return "DELETE";
    case ClauseKind::kCall: return "CALL";
  }
  return "?";
}

bool IsUpdating(ClauseKind kind) {
  return kind == ClauseKind::kCreate || kind == ClauseKind::kMerge || kind == ClauseKind::kSet ||
         kind == ClauseKind::kRemove || kind == ClauseKind::kDelete;
}

// Increments a depth counter for the lifetime of the scope.
class NestingScope {
 public:
  explicit NestingScope(int* depth) : depth_(depth) { ++*depth_; }
  ~NestingScope() { --*depth_; }
  NestingScope(const NestingScope&) = delete;
  NestingScope& operator=(const NestingScope&) = delete;

 private:
  int* depth_;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), lexer_(text) {}

  Result<StatementList> ParseScript();
  Result<ExpressionPtr> ParseStandaloneExpression();

 private:
  // ---- tokens
  const Token& Peek(size_t ahead = 0) {
    while (lookahead_.size() <= ahead) lookahead_.push_back(lexer_.Next());
    return lookahead_[ahead];
  }
  Token Take() {
    Peek();
    Token t = std::move(lookahead_.front());
    lookahead_.pop_front();
    if (t.kind != TokenKind::kEnd && t.kind != TokenKind::kError) {
      prev_end_ = t.position.offset + t.text.size();
    }
    return t;
  }
  bool PeekIs(TokenKind kind, size_t ahead = 0) { return Peek(ahead).kind == kind; }
  bool PeekKeyword(const char* keyword, size_t ahead = 0) {
    const Token& t = Peek(ahead);
    return t.kind == TokenKind::kIdentifier && EqualsIgnoreCase(t.text, keyword);
  }
  bool Accept(TokenKind kind) {
    if (!PeekIs(kind)) return false;
    Take();
    return true;
  }
  bool AcceptKeyword(const char* keyword) {
    if (!PeekKeyword(keyword)) return false;
    Take();
    return true;
  }
  Status Expect(TokenKind kind) {
    if (Accept(kind)) return Status::OK();
    return Expected(TokenKindName(kind));
  }
  Status ExpectKeyword(const char* keyword) {
    if (AcceptKeyword(keyword)) return Status::OK();
    return Expected(keyword);
  }
  // Whether the next token can name a variable.
  bool PeekVariable(size_t ahead = 0) {
    const Token& t = Peek(ahead);
    return t.kind == TokenKind::kQuotedIdentifier ||
           (t.kind == TokenKind::kIdentifier && !IsReservedWord(t.text));
  }

  // ---- errors
  std::string Describe(const Token& t) {
    switch (t.kind) {
      case TokenKind::kEnd: return "end of input";
      case TokenKind::kString: return "string literal " + Truncate(t.text);
      default: return "'" + Truncate(t.text) + "'";
    }
  }
  static std::string Truncate(std::string_view s) {
    constexpr size_t kMax = 40;
    if (s.size() <= kMax) return std::string(s);
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return std::string(s.substr(0, cut)) + "...";
  }
  Status ErrorAt(const SourcePosition& position, const std::string& message) {
    return MakeSyntaxError(text_, position, message);
  }
  // "expected <what> but found <next token>" at the next token (or the
  // lexer's own error when the next token could not be lexed).
  Status Expected(const std::string& what) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kError) return lexer_.error();
    return ErrorAt(t.position, "expected " + what + " but found " + Describe(t));
  }

  // ---- names
  Result<std::string> ParseVariableName(const std::string& what);
  Result<std::string> ParseSchemaName(const std::string& what);
  Result<std::string> ParseTypeName();

  // ---- statements
  Result<std::unique_ptr<Statement>> ParseStatement(bool allow_explain);
  Result<std::unique_ptr<Statement>> ParseQuery();
  Status ParseSingleQuery(SingleQuery* part);
  Result<std::unique_ptr<Statement>> ParseCreateNodeTable();
  Result<std::unique_ptr<Statement>> ParseCreateRelTable();
  Result<std::unique_ptr<Statement>> ParseDropTable();
  Result<std::unique_ptr<Statement>> ParseAlterTable();
  Result<std::unique_ptr<Statement>> ParseBegin();
  Result<std::unique_ptr<Statement>> ParseCopy();
  Result<std::string> ParseStringLiteral(const std::string& what);
  Result<bool> ParseIfNotExists();
  Status ParseColumn(ColumnDefinition* column);

  // ---- clauses
  Result<std::unique_ptr<Clause>> ParseMatch();
  Result<std::unique_ptr<Clause>> ParseUnwind();
  Result<std::unique_ptr<Clause>> ParseWith();
  Result<std::unique_ptr<Clause>> ParseReturn();
  Result<std::unique_ptr<Clause>> ParseCreate();
  Result<std::unique_ptr<Clause>> ParseMerge();
  Result<std::unique_ptr<Clause>> ParseSet();
  Result<std::unique_ptr<Clause>> ParseRemove();
  // The error for `SET n:Label` / `REMOVE n:Label` at the ':' (`verb` is SET or REMOVE).
  Status LabelUpdateError(const char* verb);
  Result<std::unique_ptr<Clause>> ParseDelete();
  Result<std::unique_ptr<Clause>> ParseCall();
  Status ParseProjectionBody(ProjectionBody* body);
  Status ParseSetItems(std::vector<SetItem>* items);

  // ---- patterns
  Status ParsePathPattern(PathPattern* path);
  Status ParseNodePattern(NodePattern* node);
  Status ParseRelPattern(RelPattern* rel);
  Status ParsePropertyMap(PropertyMap* map);
  Result<int64_t> ParseHopCount();

  // ---- expressions
  Result<ExpressionPtr> ParseExpression();
  // `operand (keyword operand)*`, left-associative: OR, XOR and AND.
  Result<ExpressionPtr> ParseKeywordChain(const char* keyword, BinaryOperator op,
                                          Result<ExpressionPtr> (Parser::*operand)());
  Result<ExpressionPtr> ParseOr();
  Result<ExpressionPtr> ParseXor();
  Result<ExpressionPtr> ParseAnd();
  Result<ExpressionPtr> ParseNot();
  Result<ExpressionPtr> ParseComparison();
  Result<ExpressionPtr> ParsePredicate();
  Result<ExpressionPtr> ParseAdditive();
  Result<ExpressionPtr> ParseMultiplicative();
  Result<ExpressionPtr> ParsePower();
  Result<ExpressionPtr> ParseUnary();
  Result<ExpressionPtr> ParsePostfix();
  Result<ExpressionPtr> ParseAtom();
  Result<ExpressionPtr> ParseFunctionCall();
  Result<ExpressionPtr> ParseCase();
  Result<ExpressionPtr> ParseIntegerLiteral(const Token& digits, bool negative,
                                            const SourcePosition& position);
  Result<ExpressionPtr> ParseFloatLiteral(const Token& number, bool negative,
                                          const SourcePosition& position);
  // Sets e->height from its children; errors when over kMaxExpressionHeight.
  Result<ExpressionPtr> Finish(ExpressionPtr e);
  Result<ExpressionPtr> MakeBinary(BinaryOperator op, ExpressionPtr left, ExpressionPtr right);
  Status EnterNesting(const SourcePosition& position) {
    if (depth_ > kMaxNestingDepth) {
      return ErrorAt(position, "expression is nested too deeply (more than " +
                                   std::to_string(kMaxNestingDepth) + " levels)");
    }
    return Status::OK();
  }

  std::string_view text_;
  Lexer lexer_;
  std::deque<Token> lookahead_;
  size_t prev_end_ = 0;
  int depth_ = 0;
  bool in_copy_ = false;  // parsing the query of COPY (query) TO
};

// ------------------------------------------------------------------- names

Result<std::string> Parser::ParseVariableName(const std::string& what) {
  const Token& t = Peek();
  if (t.kind == TokenKind::kQuotedIdentifier) return Take().value;
  if (t.kind == TokenKind::kIdentifier) {
    if (IsReservedWord(t.text)) {
      return ErrorAt(t.position, "expected " + what + " but found reserved word '" +
                                     std::string(t.text) + "' (write `" + std::string(t.text) +
                                     "` to use it as a name)");
    }
    return std::string(Take().text);
  }
  return Expected(what);
}

Result<std::string> Parser::ParseSchemaName(const std::string& what) {
  const Token& t = Peek();
  if (t.kind == TokenKind::kQuotedIdentifier) return Take().value;
  if (t.kind == TokenKind::kIdentifier) return std::string(Take().text);
  return Expected(what);
}

Result<std::string> Parser::ParseTypeName() {
  const Token& t = Peek();
  if (t.kind != TokenKind::kIdentifier) return Expected("a type name");
  std::string upper = Upper(t.text);
  if (upper == "SERIAL") {
    Take();
    return upper;
  }
  std::optional<LogicalType> type = ParseLogicalType(t.text);
  if (!type) {
    return ErrorAt(t.position, "unknown type '" + std::string(t.text) +
                                   "'; expected one of INT64, INT32, INT16, INT8, DOUBLE, FLOAT, "
                                   "BOOL, STRING, DATE, TIMESTAMP, SERIAL");
  }
  Take();
  return std::string(LogicalTypeName(*type));
}

// -------------------------------------------------------------- statements

Result<StatementList> Parser::ParseScript() {
  if (text_.size() > kMaxQueryLength) {
    return InvalidArgument("Parser error: query text is " + std::to_string(text_.size()) +
                           " bytes long; the limit is " + std::to_string(kMaxQueryLength) +
                           " bytes");
  }
  StatementList statements;
  while (true) {
    while (Accept(TokenKind::kSemicolon)) {
    }
    if (PeekIs(TokenKind::kEnd)) break;
    ASSIGN_OR_RETURN(auto statement, ParseStatement(/*allow_explain=*/true));
    statements.push_back(std::move(statement));
    if (PeekIs(TokenKind::kSemicolon)) continue;
    if (PeekIs(TokenKind::kEnd)) break;
    return Expected("';' or end of input");
  }
  return statements;
}

Result<ExpressionPtr> Parser::ParseStandaloneExpression() {
  if (text_.size() > kMaxQueryLength) {
    return InvalidArgument("Parser error: expression text is too long");
  }
  ASSIGN_OR_RETURN(auto e, ParseExpression());
  if (!PeekIs(TokenKind::kEnd)) return Expected("end of input");
  return e;
}

Result<std::unique_ptr<Statement>> Parser::ParseStatement(bool allow_explain) {
  const Token& t = Peek();
  SourcePosition position = t.position;
  if (t.kind == TokenKind::kError) return lexer_.error();
  if (PeekKeyword("EXPLAIN") || PeekKeyword("PROFILE")) {
    if (!allow_explain) {
      return ErrorAt(position, "EXPLAIN and PROFILE cannot be nested");
    }
    auto explain = std::make_unique<ExplainStatement>(position);
    explain->mode = PeekKeyword("EXPLAIN") ? ExplainMode::kExplain : ExplainMode::kProfile;
    Take();
    if (PeekIs(TokenKind::kEnd) || PeekIs(TokenKind::kSemicolon)) {
      return Expected(std::string("a statement after ") +
                      (explain->mode == ExplainMode::kExplain ? "EXPLAIN" : "PROFILE"));
    }
    ASSIGN_OR_RETURN(explain->statement, ParseStatement(/*allow_explain=*/false));
    return std::unique_ptr<Statement>(std::move(explain));
  }
  if (PeekKeyword("CREATE") && (PeekKeyword("NODE", 1) || PeekKeyword("REL", 1)) &&
      !PeekIs(TokenKind::kEq, 2)) {
    return PeekKeyword("NODE", 1) ? ParseCreateNodeTable() : ParseCreateRelTable();
  }
  if (PeekKeyword("DROP")) return ParseDropTable();
  if (PeekKeyword("ALTER")) return ParseAlterTable();
  if (PeekKeyword("BEGIN")) return ParseBegin();
  if (PeekKeyword("COMMIT") || PeekKeyword("ROLLBACK") || PeekKeyword("CHECKPOINT")) {
    StatementKind kind = PeekKeyword("COMMIT")     ? StatementKind::kCommit
                         : PeekKeyword("ROLLBACK") ? StatementKind::kRollback
                                                   : StatementKind::kCheckpoint;
    Take();
    return std::unique_ptr<Statement>(std::make_unique<SimpleStatement>(kind, position));
  }
  if (PeekKeyword("COPY")) return ParseCopy();
  static const char* const kClauseKeywords[] = {"MATCH", "OPTIONAL", "UNWIND", "WITH",
                                                "RETURN", "CREATE", "MERGE", "SET",
                                                "DELETE", "DETACH", "CALL"};
  for (const char* keyword : kClauseKeywords) {
    if (PeekKeyword(keyword)) return ParseQuery();
  }
  return Expected(
      "a statement (MATCH, RETURN, CREATE, MERGE, CREATE NODE TABLE, BEGIN TRANSACTION, ...)");
}

Result<std::unique_ptr<Statement>> Parser::ParseQuery() {
  auto query = std::make_unique<QueryStatement>(Peek().position);
  while (true) {
    SingleQuery part;
    RETURN_IF_ERROR(ParseSingleQuery(&part));
    bool in_union = !query->parts.empty();
    ClauseKind last = part.clauses.back()->kind;
    query->parts.push_back(std::move(part));
    if (PeekKeyword("UNION")) {
      if (last != ClauseKind::kReturn) {
        return ErrorAt(Peek().position, std::string("UNION must follow a RETURN clause, not ") +
                                            ClauseName(last));
      }
      Take();
      query->union_all.push_back(AcceptKeyword("ALL"));
      continue;
    }
    if (in_union && last != ClauseKind::kReturn) {
      return Expected(std::string("RETURN after ") + ClauseName(last) + " in a UNION query");
    }
    break;
  }
  return std::unique_ptr<Statement>(std::move(query));
}

Status Parser::ParseSingleQuery(SingleQuery* part) {
  part->position = Peek().position;
  bool after_update = false;
  while (true) {
    const Token& t = Peek();
    SourcePosition position = t.position;
    bool reading = PeekKeyword("MATCH") || PeekKeyword("OPTIONAL") || PeekKeyword("UNWIND") ||
                   PeekKeyword("CALL");
    if (reading && after_update) {
      return ErrorAt(position, Upper(t.text) +
                                   " cannot follow an updating clause directly; put WITH between them");
    }
    Result<std::unique_ptr<Clause>> clause{std::unique_ptr<Clause>()};
    if (PeekKeyword("MATCH") || PeekKeyword("OPTIONAL")) {
      clause = ParseMatch();
    } else if (PeekKeyword("UNWIND")) {
      clause = ParseUnwind();
    } else if (PeekKeyword("CALL")) {
      clause = ParseCall();
    } else if (PeekKeyword("WITH")) {
      clause = ParseWith();
      after_update = false;
    } else if (PeekKeyword("RETURN")) {
      clause = ParseReturn();
    } else if (PeekKeyword("CREATE")) {
      clause = ParseCreate();
      after_update = true;
    } else if (PeekKeyword("MERGE")) {
      clause = ParseMerge();
      after_update = true;
    } else if (PeekKeyword("SET")) {
      clause = ParseSet();
      after_update = true;
    } else if (PeekKeyword("REMOVE")) {
      clause = ParseRemove();
      after_update = true;
    } else if (PeekKeyword("DELETE") || PeekKeyword("DETACH")) {
      clause = ParseDelete();
      after_update = true;
    } else {
      break;
    }
    if (!clause.ok()) return clause.status();
    part->clauses.push_back(std::move(clause).value());
    if (part->clauses.back()->kind == ClauseKind::kReturn) break;
  }
  if (part->clauses.empty()) {
    return Expected("a clause (MATCH, UNWIND, WITH, RETURN, CREATE, MERGE, SET, REMOVE, DELETE, CALL)");
  }
  // A query ends the statement, or the parentheses of COPY (query) TO.
  bool at_boundary = PeekIs(TokenKind::kEnd) || PeekIs(TokenKind::kSemicolon) || PeekKeyword("UNION") ||
                     (in_copy_ && PeekIs(TokenKind::kRParen));
  ClauseKind last = part->clauses.back()->kind;
  if (last == ClauseKind::kReturn) {
    if (!at_boundary) return Expected("UNION, ';' or end of input");
    return Status::OK();
  }
  bool lone_call = last == ClauseKind::kCall && part->clauses.size() == 1;
  if (IsUpdating(last) || lone_call) {
    if (!at_boundary) return Expected("a clause, ';' or end of input");
    return Status::OK();
  }
  return Expected(std::string("RETURN or another clause after ") + ClauseName(last));
}

Result<bool> Parser::ParseIfNotExists() {
  if (!AcceptKeyword("IF")) return false;
  RETURN_IF_ERROR(ExpectKeyword("NOT"));
  RETURN_IF_ERROR(ExpectKeyword("EXISTS"));
  return true;
}

Status Parser::ParseColumn(ColumnDefinition* column) {
  column->position = Peek().position;
  ASSIGN_OR_RETURN(column->name, ParseSchemaName("a column name"));
  ASSIGN_OR_RETURN(column->type_name, ParseTypeName());
  if (AcceptKeyword("DEFAULT")) {
    ASSIGN_OR_RETURN(column->default_value, ParseExpression());
  }
  return Status::OK();
}

Result<std::unique_ptr<Statement>> Parser::ParseCreateNodeTable() {
  auto statement = std::make_unique<CreateNodeTableStatement>(Take().position);  // CREATE
  Take();                                                                          // NODE
  RETURN_IF_ERROR(ExpectKeyword("TABLE"));
  ASSIGN_OR_RETURN(statement->if_not_exists, ParseIfNotExists());
  ASSIGN_OR_RETURN(statement->table_name, ParseSchemaName("a table name"));
  RETURN_IF_ERROR(Expect(TokenKind::kLParen));
  SourcePosition key_position;
  bool has_key = false;
  auto set_key = [&](std::string name, const SourcePosition& at) -> Status {
    if (has_key) {
      return ErrorAt(at, "node table '" + statement->table_name + "' has more than one primary key");
    }
    has_key = true;
    key_position = at;
    statement->primary_key = std::move(name);
    return Status::OK();
  };
  do {
    if (PeekKeyword("PRIMARY") && PeekKeyword("KEY", 1)) {
      Take();  // PRIMARY
      Take();  // KEY
      RETURN_IF_ERROR(Expect(TokenKind::kLParen));
      SourcePosition name_at = Peek().position;
      ASSIGN_OR_RETURN(std::string name, ParseSchemaName("a column name"));
      RETURN_IF_ERROR(Expect(TokenKind::kRParen));
      RETURN_IF_ERROR(set_key(std::move(name), name_at));
      continue;
    }
    ColumnDefinition column;
    RETURN_IF_ERROR(ParseColumn(&column));
    for (const ColumnDefinition& other : statement->columns) {
      if (EqualsIgnoreCase(other.name, column.name)) {
        return ErrorAt(column.position, "duplicate column '" + column.name + "' in table '" +
                                            statement->table_name + "'");
      }
    }
    if (PeekKeyword("PRIMARY")) {
      Take();
      RETURN_IF_ERROR(ExpectKeyword("KEY"));
      RETURN_IF_ERROR(set_key(column.name, column.position));
    }
    statement->columns.push_back(std::move(column));
  } while (Accept(TokenKind::kComma));
  if (!PeekIs(TokenKind::kRParen)) return Expected("',' or ')'");
  if (!has_key) {
    return ErrorAt(Peek().position, "node table '" + statement->table_name +
                                        "' needs a primary key: add PRIMARY KEY (column)");
  }
  Take();
  bool found = false;
  for (const ColumnDefinition& column : statement->columns) {
    if (EqualsIgnoreCase(column.name, statement->primary_key)) {
      statement->primary_key = column.name;
      found = true;
    }
  }
  if (!found) {
    return ErrorAt(key_position, "primary key '" + statement->primary_key +
                                     "' is not a column of table '" + statement->table_name + "'");
  }
  return std::unique_ptr<Statement>(std::move(statement));
}

Result<std::unique_ptr<Statement>> Parser::ParseCreateRelTable() {
  auto statement = std::make_unique<CreateRelTableStatement>(Take().position);  // CREATE
  Take();                                                                         // REL
  RETURN_IF_ERROR(ExpectKeyword("TABLE"));
  ASSIGN_OR_RETURN(statement->if_not_exists, ParseIfNotExists());
  ASSIGN_OR_RETURN(statement->table_name, ParseSchemaName("a table name"));
  RETURN_IF_ERROR(Expect(TokenKind::kLParen));
  RETURN_IF_ERROR(ExpectKeyword("FROM"));
  ASSIGN_OR_RETURN(statement->from_table, ParseSchemaName("a node table name"));
  RETURN_IF_ERROR(ExpectKeyword("TO"));
  ASSIGN_OR_RETURN(statement->to_table, ParseSchemaName("a node table name"));
  while (Accept(TokenKind::kComma)) {
    ColumnDefinition column;
    RETURN_IF_ERROR(ParseColumn(&column));
    for (const ColumnDefinition& other : statement->columns) {
      if (EqualsIgnoreCase(other.name, column.name)) {
        return ErrorAt(column.position, "duplicate column '" + column.name + "' in table '" +
                                            statement->table_name + "'");
      }
    }
    if (column.type_name == "SERIAL") {
      return ErrorAt(column.position, "SERIAL columns are only allowed in node tables");
    }
    statement->columns.push_back(std::move(column));
  }
  if (!Accept(TokenKind::kRParen)) return Expected("',' or ')'");
  return std::unique_ptr<Statement>(std::move(statement));
}

Result<std::unique_ptr<Statement>> Parser::ParseDropTable() {
  auto statement = std::make_unique<DropTableStatement>(Take().position);
  RETURN_IF_ERROR(ExpectKeyword("TABLE"));
  if (AcceptKeyword("IF")) {
    RETURN_IF_ERROR(ExpectKeyword("EXISTS"));
    statement->if_exists = true;
  }
  ASSIGN_OR_RETURN(statement->table_name, ParseSchemaName("a table name"));
  return std::unique_ptr<Statement>(std::move(statement));
}

Result<std::unique_ptr<Statement>> Parser::ParseAlterTable() {
  auto statement = std::make_unique<AlterTableStatement>(Take().position);
  RETURN_IF_ERROR(ExpectKeyword("TABLE"));
  ASSIGN_OR_RETURN(statement->table_name, ParseSchemaName("a table name"));
  if (AcceptKeyword("ADD")) {
    statement->action = AlterAction::kAddProperty;
    ASSIGN_OR_RETURN(statement->if_exists, ParseIfNotExists());
    RETURN_IF_ERROR(ParseColumn(&statement->column));
    if (statement->column.type_name == "SERIAL") {
      return ErrorAt(statement->column.position, "cannot add a SERIAL column to an existing table");
    }
  } else if (AcceptKeyword("DROP")) {
    statement->action = AlterAction::kDropProperty;
    if (AcceptKeyword("IF")) {
      RETURN_IF_ERROR(ExpectKeyword("EXISTS"));
      statement->if_exists = true;
    }
    ASSIGN_OR_RETURN(statement->property_name, ParseSchemaName("a property name"));
  } else if (AcceptKeyword("RENAME")) {
    if (AcceptKeyword("TO")) {
      statement->action = AlterAction::kRenameTable;
    } else {
      statement->action = AlterAction::kRenameProperty;
      ASSIGN_OR_RETURN(statement->property_name, ParseSchemaName("TO or a property name"));
      RETURN_IF_ERROR(ExpectKeyword("TO"));
    }
    ASSIGN_OR_RETURN(statement->new_name, ParseSchemaName("a new name"));
  } else {
    return Expected("ADD, DROP or RENAME");
  }
  return std::unique_ptr<Statement>(std::move(statement));
}

Result<std::unique_ptr<Statement>> Parser::ParseBegin() {
  auto statement = std::make_unique<BeginTransactionStatement>(Take().position);
  RETURN_IF_ERROR(ExpectKeyword("TRANSACTION"));
  if (AcceptKeyword("READ")) {
    RETURN_IF_ERROR(ExpectKeyword("ONLY"));
    statement->read_only = true;
  }
  return std::unique_ptr<Statement>(std::move(statement));
}

Result<std::string> Parser::ParseStringLiteral(const std::string& what) {
  if (!PeekIs(TokenKind::kString)) return Expected(what);
  return Take().value;
}

Result<std::unique_ptr<Statement>> Parser::ParseCopy() {
  auto statement = std::make_unique<CopyStatement>(Take().position);
  if (Accept(TokenKind::kLParen)) {
    if (!PeekKeyword("MATCH") && !PeekKeyword("OPTIONAL") && !PeekKeyword("UNWIND") && !PeekKeyword("WITH") &&
        !PeekKeyword("RETURN") && !PeekKeyword("CALL")) {
      return Expected("a query (MATCH ... RETURN ...)");
    }
    in_copy_ = true;
    Result<std::unique_ptr<Statement>> query = ParseQuery();
    in_copy_ = false;
    ASSIGN_OR_RETURN(statement->query, std::move(query));
    RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    RETURN_IF_ERROR(ExpectKeyword("TO"));
    statement->to = true;
  } else {
    ASSIGN_OR_RETURN(statement->table_name, ParseSchemaName("a table name or '(' and a query"));
    if (AcceptKeyword("TO")) {
      statement->to = true;
    } else if (!AcceptKeyword("FROM")) {
      return Expected("FROM or TO");
    }
  }
  if (!statement->to && Accept(TokenKind::kLBracket)) {
    do {
      ASSIGN_OR_RETURN(std::string file, ParseStringLiteral("a file name in quotes"));
      statement->files.push_back(std::move(file));
    } while (Accept(TokenKind::kComma));
    RETURN_IF_ERROR(Expect(TokenKind::kRBracket));
  } else {
    ASSIGN_OR_RETURN(std::string file, ParseStringLiteral("a file name in quotes"));
    statement->files.push_back(std::move(file));
  }
  if (Accept(TokenKind::kLParen)) {
    do {
      CopyOption option;
      option.position = Peek().position;
      ASSIGN_OR_RETURN(option.name, ParseSchemaName("an option name"));
      RETURN_IF_ERROR(Expect(TokenKind::kEq));
      ASSIGN_OR_RETURN(option.value, ParseUnary());
      if (option.value->kind != ExpressionKind::kLiteral) {
        return ErrorAt(option.value->position, "the value of option " + option.name + " must be a literal");
      }
      statement->options.push_back(std::move(option));
    } while (Accept(TokenKind::kComma));
    RETURN_IF_ERROR(Expect(TokenKind::kRParen));
  }
  return std::unique_ptr<Statement>(std::move(statement));
}

// ----------------------------------------------------------------- clauses

Result<std::unique_ptr<Clause>> Parser::ParseMatch() {
  auto clause = std::make_unique<MatchClause>(Peek().position);
  if (AcceptKeyword("OPTIONAL")) {
    clause->optional = true;
    RETURN_IF_ERROR(ExpectKeyword("MATCH"));
  } else {
    Take();  // MATCH
  }
  do {
    clause->patterns.emplace_back();
    RETURN_IF_ERROR(ParsePathPattern(&clause->patterns.back()));
  } while (Accept(TokenKind::kComma));
  if (AcceptKeyword("WHERE")) {
    ASSIGN_OR_RETURN(clause->where, ParseExpression());
  }
  return std::unique_ptr<Clause>(std::move(clause));
}

Result<std::unique_ptr<Clause>> Parser::ParseUnwind() {
  auto clause = std::make_unique<UnwindClause>(Take().position);
  ASSIGN_OR_RETURN(clause->expression, ParseExpression());
  RETURN_IF_ERROR(ExpectKeyword("AS"));
  ASSIGN_OR_RETURN(clause->alias, ParseVariableName("a variable name"));
  return std::unique_ptr<Clause>(std::move(clause));
}

Status Parser::ParseProjectionBody(ProjectionBody* body) {
  body->distinct = AcceptKeyword("DISTINCT");
  bool need_item = true;
  if (Accept(TokenKind::kStar)) {
    body->star = true;
    need_item = Accept(TokenKind::kComma);
  }
  if (need_item) {
    do {
      ProjectionItem item;
      item.position = Peek().position;
      if (PeekIs(TokenKind::kEnd) || PeekIs(TokenKind::kSemicolon)) {
        return Expected(body->star || !body->items.empty() ? "an expression"
                                                           : "an expression or '*'");
      }
      size_t start = Peek().position.offset;
      ASSIGN_OR_RETURN(item.expression, ParseExpression());
      item.text = std::string(text_.substr(start, prev_end_ - start));
      if (AcceptKeyword("AS")) {
        ASSIGN_OR_RETURN(item.alias, ParseVariableName("an alias name"));
      }
      body->items.push_back(std::move(item));
    } while (Accept(TokenKind::kComma));
  }
  if (AcceptKeyword("ORDER")) {
    RETURN_IF_ERROR(ExpectKeyword("BY"));
    do {
      SortItem item;
      item.position = Peek().position;
      ASSIGN_OR_RETURN(item.expression, ParseExpression());
      if (AcceptKeyword("DESC") || AcceptKeyword("DESCENDING")) {
        item.descending = true;
      } else if (!AcceptKeyword("ASC")) {
        AcceptKeyword("ASCENDING");
      }
      body->order_by.push_back(std::move(item));
    } while (Accept(TokenKind::kComma));
  }
  if (AcceptKeyword("SKIP")) {
    ASSIGN_OR_RETURN(body->skip, ParseExpression());
  }
  if (AcceptKeyword("LIMIT")) {
    ASSIGN_OR_RETURN(body->limit, ParseExpression());
  }
  return Status::OK();
}

Result<std::unique_ptr<Clause>> Parser::ParseWith() {
  auto clause = std::make_unique<WithClause>(Take().position);
  RETURN_IF_ERROR(ParseProjectionBody(&clause->body));
  if (AcceptKeyword("WHERE")) {
    ASSIGN_OR_RETURN(clause->where, ParseExpression());
  }
  return std::unique_ptr<Clause>(std::move(clause));
}

Result<std::unique_ptr<Clause>> Parser::ParseReturn() {
  auto clause = std::make_unique<ReturnClause>(Take().position);
  RETURN_IF_ERROR(ParseProjectionBody(&clause->body));
  return std::unique_ptr<Clause>(std::move(clause));
}

Result<std::unique_ptr<Clause>> Parser::ParseCreate() {
  auto clause = std::make_unique<CreateClause>(Take().position);
  do {
    clause->patterns.emplace_back();
    RETURN_IF_ERROR(ParsePathPattern(&clause->patterns.back()));
  } while (Accept(TokenKind::kComma));
  return std::unique_ptr<Clause>(std::move(clause));
}

Status Parser::LabelUpdateError(const char* verb) {
  const bool set = std::string_view(verb) == "SET";
  return ErrorAt(Peek().position,
                 std::string(verb) + (set ? " cannot add a label" : " cannot remove a label") +
                     ": labels are tables in ruzu, and a node's table is fixed when it is created");
}

Status Parser::ParseSetItems(std::vector<SetItem>* items) {
  do {
    SetItem item;
    item.position = Peek().position;
    ASSIGN_OR_RETURN(std::string variable, ParseVariableName("a variable name"));
    auto base = std::make_unique<Expression>(ExpressionKind::kVariable, item.position);
    base->name = std::move(variable);
    if (PeekIs(TokenKind::kColon)) return LabelUpdateError("SET");
    if (PeekIs(TokenKind::kEq) || PeekIs(TokenKind::kPlusEq)) {
      // n = {map} / n += {map}
      item.kind = Take().kind == TokenKind::kEq ? SetItemKind::kAllProperties : SetItemKind::kAddProperties;
      if (PeekIs(TokenKind::kParameter)) {
        return ErrorAt(Peek().position,
                       "a map parameter is not supported yet here; write a map literal "
                       "{key: value, ...}");
      }
      if (!PeekIs(TokenKind::kLBrace)) {
        return Expected(std::string("a map literal {key: value, ...} after ") +
                        (item.kind == SetItemKind::kAllProperties ? "'='" : "'+='"));
      }
      item.property = std::move(base);
      ASSIGN_OR_RETURN(item.value, ParseExpression());
      if (item.value->kind != ExpressionKind::kMap) {
        return ErrorAt(item.value->position,
                       "expected a map literal {key: value, ...} alone, not an expression");
      }
      items->push_back(std::move(item));
      continue;
    }
    if (!PeekIs(TokenKind::kDot)) {
      return Expected("'.' and a property name, '=', '+=' or ':'");
    }
    Take();
    auto property = std::make_unique<Expression>(ExpressionKind::kProperty, item.position);
    ASSIGN_OR_RETURN(property->name, ParseSchemaName("a property name"));
    property->children.push_back(std::move(base));
    property->height = 2;
    item.property = std::move(property);
    RETURN_IF_ERROR(Expect(TokenKind::kEq));
    ASSIGN_OR_RETURN(item.value, ParseExpression());
    items->push_back(std::move(item));
  } while (Accept(TokenKind::kComma));
  return Status::OK();
}

Result<std::unique_ptr<Clause>> Parser::ParseMerge() {
  auto clause = std::make_unique<MergeClause>(Take().position);
  RETURN_IF_ERROR(ParsePathPattern(&clause->pattern));
  while (AcceptKeyword("ON")) {
    if (AcceptKeyword("CREATE")) {
      RETURN_IF_ERROR(ExpectKeyword("SET"));
      RETURN_IF_ERROR(ParseSetItems(&clause->on_create));
    } else if (AcceptKeyword("MATCH")) {
      RETURN_IF_ERROR(ExpectKeyword("SET"));
      RETURN_IF_ERROR(ParseSetItems(&clause->on_match));
    } else {
      return Expected("CREATE or MATCH after ON");
    }
  }
  return std::unique_ptr<Clause>(std::move(clause));
}

Result<std::unique_ptr<Clause>> Parser::ParseSet() {
  auto clause = std::make_unique<SetClause>(Take().position);
  RETURN_IF_ERROR(ParseSetItems(&clause->items));
  return std::unique_ptr<Clause>(std::move(clause));
}

Result<std::unique_ptr<Clause>> Parser::ParseRemove() {
  auto clause = std::make_unique<RemoveClause>(Take().position);
  do {
    SourcePosition position = Peek().position;
    ASSIGN_OR_RETURN(std::string variable, ParseVariableName("a variable name"));
    if (PeekIs(TokenKind::kColon)) return LabelUpdateError("REMOVE");
    if (!PeekIs(TokenKind::kDot)) return Expected("'.' and a property name");
    Take();
    auto base = std::make_unique<Expression>(ExpressionKind::kVariable, position);
    base->name = std::move(variable);
    auto property = std::make_unique<Expression>(ExpressionKind::kProperty, position);
    ASSIGN_OR_RETURN(property->name, ParseSchemaName("a property name"));
    property->children.push_back(std::move(base));
    property->height = 2;
    clause->properties.push_back(std::move(property));
  } while (Accept(TokenKind::kComma));
  return std::unique_ptr<Clause>(std::move(clause));
}

Result<std::unique_ptr<Clause>> Parser::ParseDelete() {
  auto clause = std::make_unique<DeleteClause>(Peek().position);
  if (AcceptKeyword("DETACH")) {
    clause->detach = true;
    RETURN_IF_ERROR(ExpectKeyword("DELETE"));
  } else {
    Take();  // DELETE
  }
  do {
    ASSIGN_OR_RETURN(auto e, ParseExpression());
    clause->expressions.push_back(std::move(e));
  } while (Accept(TokenKind::kComma));
  return std::unique_ptr<Clause>(std::move(clause));
}

Result<std::unique_ptr<Clause>> Parser::ParseCall() {
  auto clause = std::make_unique<CallClause>(Take().position);
  if (!(PeekIs(TokenKind::kIdentifier) || PeekIs(TokenKind::kQuotedIdentifier)) ||
      !PeekIs(TokenKind::kLParen, 1)) {
    if (PeekIs(TokenKind::kIdentifier) || PeekIs(TokenKind::kQuotedIdentifier)) {
      Take();
      return Expected("'(' (CALL needs a function call such as show_tables())");
    }
    return Expected("a function name");
  }
  ASSIGN_OR_RETURN(clause->call, ParseFunctionCall());
  if (AcceptKeyword("YIELD")) {
    do {
      YieldItem item;
      item.position = Peek().position;
      ASSIGN_OR_RETURN(item.name, ParseVariableName("a column name"));
      if (AcceptKeyword("AS")) {
        ASSIGN_OR_RETURN(item.alias, ParseVariableName("an alias name"));
      }
      clause->yield.push_back(std::move(item));
    } while (Accept(TokenKind::kComma));
  }
  return std::unique_ptr<Clause>(std::move(clause));
}

// ---------------------------------------------------------------- patterns

Status Parser::ParsePathPattern(PathPattern* path) {
  path->position = Peek().position;
  if (PeekVariable() && PeekIs(TokenKind::kEq, 1)) {
    ASSIGN_OR_RETURN(path->path_variable, ParseVariableName("a path variable"));
    Take();  // '='
  }
  path->nodes.emplace_back();
  RETURN_IF_ERROR(ParseNodePattern(&path->nodes.back()));
  while (PeekIs(TokenKind::kMinus) || (PeekIs(TokenKind::kLt) && PeekIs(TokenKind::kMinus, 1))) {
    path->rels.emplace_back();
    RETURN_IF_ERROR(ParseRelPattern(&path->rels.back()));
    path->nodes.emplace_back();
    RETURN_IF_ERROR(ParseNodePattern(&path->nodes.back()));
  }
  return Status::OK();
}

Status Parser::ParseNodePattern(NodePattern* node) {
  node->position = Peek().position;
  if (!Accept(TokenKind::kLParen)) return Expected("'(' to start a node pattern");
  if (PeekVariable()) {
    ASSIGN_OR_RETURN(node->variable, ParseVariableName("a variable name"));
  } else if (PeekIs(TokenKind::kIdentifier) && !PeekIs(TokenKind::kLParen, 1)) {
    return ParseVariableName("a variable name").status();  // reserved word: explain
  }
  while (PeekIs(TokenKind::kColon) || (!node->labels.empty() && PeekIs(TokenKind::kPipe))) {
    bool pipe = Take().kind == TokenKind::kPipe;
    if (pipe) Accept(TokenKind::kColon);
    ASSIGN_OR_RETURN(std::string label, ParseSchemaName("a label name"));
    node->labels.push_back(std::move(label));
  }
  if (PeekIs(TokenKind::kLBrace)) {
    RETURN_IF_ERROR(ParsePropertyMap(&node->properties));
    if (!Accept(TokenKind::kRParen)) return Expected("')'");
    return Status::OK();
  }
  if (!Accept(TokenKind::kRParen)) {
    if (node->labels.empty() && node->variable.empty()) return Expected("a variable, ':', '{' or ')'");
    return Expected("':', '{' or ')'");
  }
  return Status::OK();
}

Result<int64_t> Parser::ParseHopCount() {
  const Token& t = Peek();
  SourcePosition position = t.position;
  Token token = Take();
  int64_t value = 0;
  for (char c : token.text) {
    if (value > (INT64_MAX - (c - '0')) / 10) {
      return ErrorAt(position, "hop count " + Truncate(token.text) + " is out of range");
    }
    value = value * 10 + (c - '0');
  }
  return value;
}

Status Parser::ParseRelPattern(RelPattern* rel) {
  rel->position = Peek().position;
  bool left = Accept(TokenKind::kLt);
  if (!Accept(TokenKind::kMinus)) return Expected("'-'");
  if (Accept(TokenKind::kLBracket)) {
    if (PeekVariable()) {
      ASSIGN_OR_RETURN(rel->variable, ParseVariableName("a variable name"));
    } else if (PeekIs(TokenKind::kIdentifier)) {
      return ParseVariableName("a variable name").status();
    }
    if (Accept(TokenKind::kColon)) {
      do {
        Accept(TokenKind::kColon);
        ASSIGN_OR_RETURN(std::string type, ParseSchemaName("a relationship table name"));
        rel->types.push_back(std::move(type));
      } while (Accept(TokenKind::kPipe));
    }
    if (PeekIs(TokenKind::kStar)) {
      SourcePosition star = Take().position;
      rel->variable_length = true;
      if (PeekKeyword("ALL") && PeekKeyword("SHORTEST", 1)) {
        Take();
        Take();
        rel->semantics = PathSemantics::kAllShortest;
      } else if (AcceptKeyword("SHORTEST")) {
        rel->semantics = PathSemantics::kShortest;
      }
      if (PeekIs(TokenKind::kInteger)) {
        ASSIGN_OR_RETURN(int64_t low, ParseHopCount());
        rel->min_hops = low;
        if (Accept(TokenKind::kDotDot)) {
          if (PeekIs(TokenKind::kInteger)) {
            ASSIGN_OR_RETURN(int64_t high, ParseHopCount());
            rel->max_hops = high;
          }
        } else {
          rel->max_hops = low;
        }
      } else if (Accept(TokenKind::kDotDot)) {
        if (PeekIs(TokenKind::kInteger)) {
          ASSIGN_OR_RETURN(int64_t high, ParseHopCount());
          rel->max_hops = high;
        }
      }
      if (rel->min_hops && rel->max_hops && *rel->min_hops > *rel->max_hops) {
        return ErrorAt(star, "invalid hop range: lower bound " + std::to_string(*rel->min_hops) +
                                 " is greater than upper bound " + std::to_string(*rel->max_hops));
      }
      if (PeekIs(TokenKind::kLParen)) {
        Take();
        ASSIGN_OR_RETURN(rel->filter_rel_variable, ParseVariableName("a relationship variable"));
        RETURN_IF_ERROR(Expect(TokenKind::kComma));
        ASSIGN_OR_RETURN(rel->filter_node_variable, ParseVariableName("a node variable"));
        RETURN_IF_ERROR(Expect(TokenKind::kPipe));
        RETURN_IF_ERROR(ExpectKeyword("WHERE"));
        ASSIGN_OR_RETURN(rel->filter_where, ParseExpression());
        RETURN_IF_ERROR(Expect(TokenKind::kRParen));
      }
    }
    if (PeekIs(TokenKind::kLBrace)) RETURN_IF_ERROR(ParsePropertyMap(&rel->properties));
    if (!Accept(TokenKind::kRBracket)) {
      if (!rel->properties.empty()) return Expected("']'");
      if (rel->variable_length) return Expected("'{' or ']'");
      if (!rel->types.empty()) return Expected("'|', '*', '{' or ']'");
      return Expected("':', '*', '{' or ']'");
    }
  }
  if (!Accept(TokenKind::kMinus)) return Expected("'-'");
  bool right = Accept(TokenKind::kGt);
  if (left && right) {
    return ErrorAt(rel->position,
                   "a relationship pattern cannot point both ways; use -[...]- for either direction");
  }
  rel->direction = left ? RelDirection::kLeft : right ? RelDirection::kRight : RelDirection::kBoth;
  return Status::OK();
}

Status Parser::ParsePropertyMap(PropertyMap* map) {
  Take();  // '{'
  if (Accept(TokenKind::kRBrace)) return Status::OK();
  do {
    ASSIGN_OR_RETURN(std::string key, ParseSchemaName("a property name"));
    RETURN_IF_ERROR(Expect(TokenKind::kColon));
    ASSIGN_OR_RETURN(auto value, ParseExpression());
    map->emplace_back(std::move(key), std::move(value));
  } while (Accept(TokenKind::kComma));
  if (!Accept(TokenKind::kRBrace)) return Expected("',' or '}'");
  return Status::OK();
}

// ------------------------------------------------------------- expressions

Result<ExpressionPtr> Parser::Finish(ExpressionPtr e) {
  int height = 0;
  for (const ExpressionPtr& child : e->children) height = std::max(height, child->height);
  e->height = height + 1;
  if (e->height > kMaxExpressionHeight) {
    return ErrorAt(e->position, "expression is too complex (more than " +
                                    std::to_string(kMaxExpressionHeight) + " levels of operators)");
  }
  return e;
}

Result<ExpressionPtr> Parser::MakeBinary(BinaryOperator op, ExpressionPtr left, ExpressionPtr right) {
  auto e = std::make_unique<Expression>(ExpressionKind::kBinary, left->position);
  e->binary_op = op;
  e->children.push_back(std::move(left));
  e->children.push_back(std::move(right));
  return Finish(std::move(e));
}

Result<ExpressionPtr> Parser::ParseExpression() {
  NestingScope scope(&depth_);
  RETURN_IF_ERROR(EnterNesting(Peek().position));
  return ParseOr();
}

Result<ExpressionPtr> Parser::ParseKeywordChain(const char* keyword, BinaryOperator op,
                                                Result<ExpressionPtr> (Parser::*operand)()) {
  ASSIGN_OR_RETURN(auto left, (this->*operand)());
  while (AcceptKeyword(keyword)) {
    ASSIGN_OR_RETURN(auto right, (this->*operand)());
    ASSIGN_OR_RETURN(left, MakeBinary(op, std::move(left), std::move(right)));
  }
  return left;
}

Result<ExpressionPtr> Parser::ParseOr() { return ParseKeywordChain("OR", BinaryOperator::kOr, &Parser::ParseXor); }

Result<ExpressionPtr> Parser::ParseXor() {
  return ParseKeywordChain("XOR", BinaryOperator::kXor, &Parser::ParseAnd);
}

Result<ExpressionPtr> Parser::ParseAnd() {
  return ParseKeywordChain("AND", BinaryOperator::kAnd, &Parser::ParseNot);
}

Result<ExpressionPtr> Parser::ParseNot() {
  if (!PeekKeyword("NOT")) return ParseComparison();
  SourcePosition position = Take().position;
  NestingScope scope(&depth_);
  RETURN_IF_ERROR(EnterNesting(position));
  ASSIGN_OR_RETURN(auto operand, ParseNot());
  auto e = std::make_unique<Expression>(ExpressionKind::kUnary, position);
  e->unary_op = UnaryOperator::kNot;
  e->children.push_back(std::move(operand));
  return Finish(std::move(e));
}

Result<ExpressionPtr> Parser::ParseComparison() {
  ASSIGN_OR_RETURN(auto left, ParsePredicate());
  while (true) {
    BinaryOperator op;
    switch (Peek().kind) {
      case TokenKind::kEq: op = BinaryOperator::kEqual; break;
      case TokenKind::kNe: op = BinaryOperator::kNotEqual; break;
      case TokenKind::kLt: op = BinaryOperator::kLess; break;
      case TokenKind::kLe: op = BinaryOperator::kLessEqual; break;
      case TokenKind::kGt: op = BinaryOperator::kGreater; break;
      case TokenKind::kGe: op = BinaryOperator::kGreaterEqual; break;
      default: return left;
    }
    Take();
    ASSIGN_OR_RETURN(auto right, ParsePredicate());
    ASSIGN_OR_RETURN(left, MakeBinary(op, std::move(left), std::move(right)));
  }
}

Result<ExpressionPtr> Parser::ParsePredicate() {
  ASSIGN_OR_RETURN(auto left, ParseAdditive());
  while (true) {
    BinaryOperator op;
    if (PeekKeyword("IS")) {
      Take();
      bool negated = AcceptKeyword("NOT");
      if (!AcceptKeyword("NULL")) return Expected(negated ? "NULL" : "NULL or NOT NULL");
      auto e = std::make_unique<Expression>(ExpressionKind::kIsNull, left->position);
      e->negated = negated;
      e->children.push_back(std::move(left));
      ASSIGN_OR_RETURN(left, Finish(std::move(e)));
      continue;
    }
    if (PeekKeyword("IN")) {
      Take();
      op = BinaryOperator::kIn;
    } else if (PeekKeyword("STARTS")) {
      Take();
      RETURN_IF_ERROR(ExpectKeyword("WITH"));
      op = BinaryOperator::kStartsWith;
    } else if (PeekKeyword("ENDS")) {
      Take();
      RETURN_IF_ERROR(ExpectKeyword("WITH"));
      op = BinaryOperator::kEndsWith;
    } else if (PeekKeyword("CONTAINS")) {
      Take();
      op = BinaryOperator::kContains;
    } else if (PeekIs(TokenKind::kRegexMatch)) {
      Take();
      op = BinaryOperator::kRegexMatch;
    } else {
      return left;
    }
    ASSIGN_OR_RETURN(auto right, ParseAdditive());
    ASSIGN_OR_RETURN(left, MakeBinary(op, std::move(left), std::move(right)));
  }
}

Result<ExpressionPtr> Parser::ParseAdditive() {
  ASSIGN_OR_RETURN(auto left, ParseMultiplicative());
  while (PeekIs(TokenKind::kPlus) || PeekIs(TokenKind::kMinus)) {
    BinaryOperator op = Take().kind == TokenKind::kPlus ? BinaryOperator::kAdd : BinaryOperator::kSubtract;
    ASSIGN_OR_RETURN(auto right, ParseMultiplicative());
    ASSIGN_OR_RETURN(left, MakeBinary(op, std::move(left), std::move(right)));
  }
  return left;
}

Result<ExpressionPtr> Parser::ParseMultiplicative() {
  ASSIGN_OR_RETURN(auto left, ParsePower());
  while (PeekIs(TokenKind::kStar) || PeekIs(TokenKind::kSlash) || PeekIs(TokenKind::kPercent)) {
    TokenKind kind = Take().kind;
    BinaryOperator op = kind == TokenKind::kStar    ? BinaryOperator::kMultiply
                        : kind == TokenKind::kSlash ? BinaryOperator::kDivide
                                                    : BinaryOperator::kModulo;
    ASSIGN_OR_RETURN(auto right, ParsePower());
    ASSIGN_OR_RETURN(left, MakeBinary(op, std::move(left), std::move(right)));
  }
  return left;
}

Result<ExpressionPtr> Parser::ParsePower() {
  ASSIGN_OR_RETURN(auto left, ParseUnary());
  while (Accept(TokenKind::kCaret)) {
    ASSIGN_OR_RETURN(auto right, ParseUnary());
    ASSIGN_OR_RETURN(left, MakeBinary(BinaryOperator::kPower, std::move(left), std::move(right)));
  }
  return left;
}

Result<ExpressionPtr> Parser::ParseUnary() {
  if (!PeekIs(TokenKind::kMinus) && !PeekIs(TokenKind::kPlus)) return ParsePostfix();
  Token sign = Take();
  NestingScope scope(&depth_);
  RETURN_IF_ERROR(EnterNesting(sign.position));
  bool minus = sign.kind == TokenKind::kMinus;
  // Fold "-<number>" into a literal (so INT64's minimum is expressible)
  // unless a postfix operator binds the number first.
  if (minus && (PeekIs(TokenKind::kInteger) || PeekIs(TokenKind::kFloat)) &&
      !PeekIs(TokenKind::kDot, 1) && !PeekIs(TokenKind::kLBracket, 1)) {
    Token number = Take();
    if (number.kind == TokenKind::kInteger) return ParseIntegerLiteral(number, true, sign.position);
    return ParseFloatLiteral(number, true, sign.position);
  }
  ASSIGN_OR_RETURN(auto operand, ParseUnary());
  auto e = std::make_unique<Expression>(ExpressionKind::kUnary, sign.position);
  e->unary_op = minus ? UnaryOperator::kNegate : UnaryOperator::kPlus;
  e->children.push_back(std::move(operand));
  return Finish(std::move(e));
}

Result<ExpressionPtr> Parser::ParsePostfix() {
  ASSIGN_OR_RETURN(auto base, ParseAtom());
  while (true) {
    if (PeekIs(TokenKind::kDot)) {
      Take();
      auto e = std::make_unique<Expression>(ExpressionKind::kProperty, base->position);
      ASSIGN_OR_RETURN(e->name, ParseSchemaName("a property name"));
      e->children.push_back(std::move(base));
      ASSIGN_OR_RETURN(base, Finish(std::move(e)));
    } else if (PeekIs(TokenKind::kLBracket)) {
      Take();  // '['
      auto e = std::make_unique<Expression>(ExpressionKind::kIndex, base->position);
      e->children.push_back(std::move(base));
      ASSIGN_OR_RETURN(auto index, ParseExpression());
      e->children.push_back(std::move(index));
      if (PeekIs(TokenKind::kDotDot)) {
        return ErrorAt(Peek().position, "list slicing x[a..b] is not supported yet");
      }
      if (!Accept(TokenKind::kRBracket)) return Expected("']'");
      ASSIGN_OR_RETURN(base, Finish(std::move(e)));
    } else {
      return base;
    }
  }
}

Result<ExpressionPtr> Parser::ParseIntegerLiteral(const Token& digits, bool negative,
                                                  const SourcePosition& position) {
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  uint64_t value = 0;
  for (char c : digits.text) {
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (value > (limit - d) / 10) {
      return ErrorAt(position, std::string("integer literal ") + (negative ? "-" : "") +
                                   Truncate(digits.text) + " is out of range for INT64");
    }
    value = value * 10 + d;
  }
  auto e = std::make_unique<Expression>(ExpressionKind::kLiteral, position);
  e->literal_kind = LiteralKind::kInteger;
  e->int_value = negative ? static_cast<int64_t>(0 - value) : static_cast<int64_t>(value);
  return e;
}

Result<ExpressionPtr> Parser::ParseFloatLiteral(const Token& number, bool negative,
                                                const SourcePosition& position) {
  std::string text(number.text);
  double value = std::strtod(text.c_str(), nullptr);
  if (std::isinf(value)) {
    return ErrorAt(position, "float literal " + Truncate(number.text) + " is out of range for DOUBLE");
  }
  auto e = std::make_unique<Expression>(ExpressionKind::kLiteral, position);
  e->literal_kind = LiteralKind::kDouble;
  e->double_value = negative ? -value : value;
  return e;
}

Result<ExpressionPtr> Parser::ParseFunctionCall() {
  Token name = Take();
  Take();  // '('  (nesting is counted by ParseExpression for each argument)
  auto e = std::make_unique<Expression>(ExpressionKind::kFunctionCall, name.position);
  e->name = name.kind == TokenKind::kQuotedIdentifier ? name.value : std::string(name.text);
  if (PeekIs(TokenKind::kStar)) {
    if (!EqualsIgnoreCase(e->name, "count")) {
      return ErrorAt(Peek().position, "'*' is only allowed as the argument of count(*)");
    }
    Take();
    e->star = true;
    if (!Accept(TokenKind::kRParen)) return Expected("')'");
    return Finish(std::move(e));
  }
  e->distinct = AcceptKeyword("DISTINCT");
  if (!e->distinct && Accept(TokenKind::kRParen)) return Finish(std::move(e));
  do {
    ASSIGN_OR_RETURN(auto arg, ParseExpression());
    e->children.push_back(std::move(arg));
  } while (Accept(TokenKind::kComma));
  if (!Accept(TokenKind::kRParen)) return Expected("',' or ')'");
  return Finish(std::move(e));
}

Result<ExpressionPtr> Parser::ParseCase() {
  SourcePosition position = Take().position;  // CASE
  auto e = std::make_unique<Expression>(ExpressionKind::kCase, position);
  if (!PeekKeyword("WHEN")) {
    ASSIGN_OR_RETURN(auto operand, ParseExpression());
    e->children.push_back(std::move(operand));
    e->has_case_operand = true;
    if (!PeekKeyword("WHEN")) return Expected("WHEN");
  }
  while (AcceptKeyword("WHEN")) {
    ASSIGN_OR_RETURN(auto when, ParseExpression());
    RETURN_IF_ERROR(ExpectKeyword("THEN"));
    ASSIGN_OR_RETURN(auto then, ParseExpression());
    e->children.push_back(std::move(when));
    e->children.push_back(std::move(then));
  }
  if (AcceptKeyword("ELSE")) {
    ASSIGN_OR_RETURN(auto otherwise, ParseExpression());
    e->children.push_back(std::move(otherwise));
    e->has_else = true;
  }
  if (!AcceptKeyword("END")) return Expected(e->has_else ? "END" : "WHEN, ELSE or END");
  return Finish(std::move(e));
}

Result<ExpressionPtr> Parser::ParseAtom() {
  const Token& t = Peek();
  SourcePosition position = t.position;
  switch (t.kind) {
    case TokenKind::kInteger: {
      Token number = Take();
      return ParseIntegerLiteral(number, false, position);
    }
    case TokenKind::kFloat: {
      Token number = Take();
      return ParseFloatLiteral(number, false, position);
    }
    case TokenKind::kString: {
      auto e = std::make_unique<Expression>(ExpressionKind::kLiteral, position);
      e->literal_kind = LiteralKind::kString;
      e->string_value = Take().value;
      return e;
    }
    case TokenKind::kParameter: {
      auto e = std::make_unique<Expression>(ExpressionKind::kParameter, position);
      e->name = Take().value;
      return e;
    }
    case TokenKind::kLParen: {
      Take();
      ASSIGN_OR_RETURN(auto inner, ParseExpression());
      if (!Accept(TokenKind::kRParen)) return Expected("')'");
      return inner;
    }
    case TokenKind::kLBracket: {
      Take();
      auto e = std::make_unique<Expression>(ExpressionKind::kList, position);
      if (!Accept(TokenKind::kRBracket)) {
        do {
          ASSIGN_OR_RETURN(auto item, ParseExpression());
          e->children.push_back(std::move(item));
        } while (Accept(TokenKind::kComma));
        if (!Accept(TokenKind::kRBracket)) return Expected("',' or ']'");
      }
      return Finish(std::move(e));
    }
    case TokenKind::kLBrace: {
      Take();
      auto e = std::make_unique<Expression>(ExpressionKind::kMap, position);
      if (!Accept(TokenKind::kRBrace)) {
        do {
          SourcePosition key_position = Peek().position;
          ASSIGN_OR_RETURN(std::string key, ParseSchemaName("a map key"));
          RETURN_IF_ERROR(Expect(TokenKind::kColon));
          ASSIGN_OR_RETURN(auto value, ParseExpression());
          e->map_keys.push_back(std::move(key));
          e->map_key_positions.push_back(key_position);
          e->children.push_back(std::move(value));
        } while (Accept(TokenKind::kComma));
        if (!Accept(TokenKind::kRBrace)) return Expected("',' or '}'");
      }
      return Finish(std::move(e));
    }
    case TokenKind::kQuotedIdentifier: {
      if (PeekIs(TokenKind::kLParen, 1)) return ParseFunctionCall();
      auto e = std::make_unique<Expression>(ExpressionKind::kVariable, position);
      e->name = Take().value;
      return e;
    }
    case TokenKind::kIdentifier: {
      if (PeekKeyword("TRUE") || PeekKeyword("FALSE") || PeekKeyword("NULL")) {
        auto e = std::make_unique<Expression>(ExpressionKind::kLiteral, position);
        if (PeekKeyword("NULL")) {
          e->literal_kind = LiteralKind::kNull;
        } else {
          e->literal_kind = LiteralKind::kBool;
          e->bool_value = PeekKeyword("TRUE");
        }
        Take();
        return e;
      }
      if (PeekKeyword("CASE")) return ParseCase();
      if (PeekIs(TokenKind::kLParen, 1) && !PeekKeyword("NOT")) return ParseFunctionCall();
      if (IsReservedWord(t.text)) return Expected("an expression");
      auto e = std::make_unique<Expression>(ExpressionKind::kVariable, position);
      e->name = std::string(Take().text);
      return e;
    }
    default:
      return Expected("an expression");
  }
}

}  // namespace

Result<StatementList> ParseCypher(std::string_view text) {
  Parser parser(text);
  return parser.ParseScript();
}

Result<ExpressionPtr> ParseCypherExpression(std::string_view text) {
  Parser parser(text);
  return parser.ParseStandaloneExpression();
}

}  // namespace query
}  // namespace ruzu
