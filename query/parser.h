// Cypher parser: text -> AST (query/ast.h). Hand-written recursive descent
// over the pull lexer of query/lexer.h. No catalog access: names are checked
// later by the binder.
//
// Grammar (EBNF-ish; keywords case-insensitive, [] optional, {} repeated):
//
//   script      = [statement] { ';' [statement] }           (empty ones skipped)
//   statement   = [EXPLAIN | PROFILE] (query | ddl | transaction)
//   ddl         = CREATE NODE TABLE [IF NOT EXISTS] name
//                   '(' column [PRIMARY KEY] {',' column [PRIMARY KEY]}
//                       [',' PRIMARY KEY '(' name ')'] ')'
//               | CREATE REL TABLE [IF NOT EXISTS] name '(' FROM name TO name {',' column} ')'
//               | DROP TABLE [IF EXISTS] name
//               | ALTER TABLE name ( ADD [IF NOT EXISTS] column | DROP [IF EXISTS] name
//                                  | RENAME TO name | RENAME name TO name )
//   column      = name type [DEFAULT expr]   type = INT64|INT32|INT16|INT8|DOUBLE|FLOAT|BOOL
//                                            |STRING|DATE|TIMESTAMP|SERIAL (+ aliases such as INT)
//   transaction = BEGIN TRANSACTION [READ ONLY] | COMMIT | ROLLBACK | CHECKPOINT
//   query       = single_query { UNION [ALL] single_query }
//   single_query= clause { clause }       (RETURN only last; ends in RETURN or an
//                                          updating clause, or is a lone CALL)
//   clause      = [OPTIONAL] MATCH pattern {',' pattern} [WHERE expr]
//               | UNWIND expr AS var
//               | WITH body [WHERE expr]      | RETURN body
//               | CREATE pattern {',' pattern}
//               | MERGE pattern { ON (CREATE | MATCH) SET set_item {',' set_item} }
//               | SET set_item {',' set_item} | [DETACH] DELETE expr {',' expr}
//               | CALL name '(' [expr {',' expr}] ')' [YIELD name [AS var] {',' ...}]
//   body        = [DISTINCT] ('*' {',' item} | item {',' item})
//                 [ORDER BY expr [ASC|DESC] {',' ...}] [SKIP expr] [LIMIT expr]
//   item        = expr [AS var]                set_item = var '.' name '=' expr
//   pattern     = [var '='] node { rel node }
//   node        = '(' [var] {(':' | '|') name} [map] ')'
//   rel         = ('-' | '<-') ['[' [var] [':' name {'|' [':'] name}]
//                  ['*' [SHORTEST | ALL SHORTEST] [int] ['..' [int]]
//                       ['(' var ',' var '|' WHERE expr ')']] [map] ']'] ('-' | '->')
//   expr        = precedence, loosest first:
//                 OR < XOR < AND < NOT < comparison (= <> < <= > >=)
//                 < IS [NOT] NULL, IN, STARTS WITH, ENDS WITH, CONTAINS, =~
//                 < + - < * / % < ^ < unary - + < postfix (.name, [expr]) < atom
//                 (binary operators are left-associative)
//   atom        = int | float | string | TRUE | FALSE | NULL | $param | var
//               | name '(' [DISTINCT] [expr {',' expr}] ')' | count '(' '*' ')'
//               | CASE [expr] WHEN expr THEN expr {...} [ELSE expr] END
//               | '[' [expr {',' expr}] ']' | '{' [name ':' expr {',' ...}] '}' | '(' expr ')'
//
// Not supported (yet): COPY (a kUnsupported error), list comprehensions,
// pattern predicates/EXISTS, list slicing x[a..b], label predicates n:L in
// expressions, SET n += map / SET n:Label / REMOVE, FOREACH, CALL { subquery },
// multiple FROM/TO pairs and multiplicities in REL tables.
#ifndef RUZU_QUERY_PARSER_H_
#define RUZU_QUERY_PARSER_H_

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "query/ast.h"

namespace ruzu {
namespace query {

// Hostile-input limits.
// Longest accepted query text in bytes.
constexpr size_t kMaxQueryLength = 1 << 20;  // 1 MiB
// Deepest nesting of parentheses, list/map literals, CASE, function calls
// and chains of prefix operators (NOT, unary -).
constexpr int kMaxNestingDepth = 256;
// Highest expression tree (this also bounds long operator chains such as
// a + a + ... + a), so recursive walks of the AST stay shallow.
constexpr int kMaxExpressionHeight = 1000;

using StatementList = std::vector<std::unique_ptr<Statement>>;

// Parses `text` (one or more statements separated by ';'; empty statements
// are skipped, so "" and ";;" give an empty list).
//
// Errors (never crashes or aborts on any input):
//  * syntax errors, lexical errors (bad characters, NUL bytes, invalid
//    UTF-8, unterminated strings/comments, bad escapes), integer literals
//    beyond INT64, nesting beyond the limits above: kInvalidArgument with a
//    message of three lines (the format of MakeSyntaxError in lexer.h):
//        Parser error at line 2, column 14: expected ')' but found ','
//        <source line 2>
//                     ^
//  * text longer than kMaxQueryLength: kInvalidArgument without position;
//  * COPY (syntax of a later version): kUnsupported, positioned the same way.
Result<StatementList> ParseCypher(std::string_view text);

// Parses a single expression (all of `text`), for tests and tools.
Result<ExpressionPtr> ParseCypherExpression(std::string_view text);

}  // namespace query
}  // namespace ruzu

#endif  // RUZU_QUERY_PARSER_H_
