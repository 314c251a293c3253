#include "query/parser.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace ruzu {
namespace query {
namespace {

// Fully parenthesized form of an expression, to assert tree shape.
std::string Sexp(const Expression& e) {
  auto kids = [&](size_t from) {
    std::string s;
    for (size_t i = from; i < e.children.size(); ++i) s += " " + Sexp(*e.children[i]);
    return s;
  };
  switch (e.kind) {
    case ExpressionKind::kLiteral:
    case ExpressionKind::kParameter:
    case ExpressionKind::kVariable:
      return ToString(e);
    case ExpressionKind::kProperty:
      return "(. " + Sexp(*e.children[0]) + " " + e.name + ")";
    case ExpressionKind::kFunctionCall:
      return "(call " + e.name + (e.distinct ? " DISTINCT" : "") + (e.star ? " *" : "") + kids(0) +
             ")";
    case ExpressionKind::kUnary:
      return std::string("(") + UnaryOperatorName(e.unary_op) + kids(0) + ")";
    case ExpressionKind::kBinary:
      return std::string("(") + BinaryOperatorName(e.binary_op) + kids(0) + ")";
    case ExpressionKind::kIsNull:
      return std::string(e.negated ? "(IS-NOT-NULL" : "(IS-NULL") + kids(0) + ")";
    case ExpressionKind::kList:
      return "(list" + kids(0) + ")";
    case ExpressionKind::kMap: {
      std::string s = "(map";
      for (size_t i = 0; i < e.children.size(); ++i) s += " " + e.map_keys[i] + ":" + Sexp(*e.children[i]);
      return s + ")";
    }
    case ExpressionKind::kIndex:
      return "(index" + kids(0) + ")";
    case ExpressionKind::kCase:
      return std::string("(case") + (e.has_case_operand ? " operand" : "") +
             (e.has_else ? " else" : "") + kids(0) + ")";
  }
  return "?";
}

std::string Shape(std::string_view text) {
  auto e = ParseCypherExpression(text);
  EXPECT_TRUE(e.ok()) << text << "\n" << e.status().ToString();
  return e.ok() ? Sexp(**e) : "<error>";
}

// Parses exactly one statement and prints it back.
std::string Canon(std::string_view text) {
  auto statements = ParseCypher(text);
  EXPECT_TRUE(statements.ok()) << text << "\n" << statements.status().ToString();
  if (!statements.ok()) return "<error>";
  EXPECT_EQ(statements->size(), 1u) << text;
  if (statements->size() != 1) return "<count>";
  return ToString(*(*statements)[0]);
}

template <typename T>
const T& Only(const StatementList& list) {
  return list.at(0)->As<T>();
}

std::string Err(std::string_view text) {
  auto statements = ParseCypher(text);
  EXPECT_FALSE(statements.ok()) << text;
  if (statements.ok()) return "<ok>";
  EXPECT_EQ(statements.status().code(), StatusCode::kInvalidArgument) << text;
  return statements.status().message();
}

// Only the first line of the error message.
std::string ErrLine(std::string_view text) {
  std::string m = Err(text);
  return m.substr(0, m.find('\n'));
}

// ------------------------------------------------------------- expressions

TEST(ParserExpressionTest, Precedence) {
  EXPECT_EQ(Shape("a OR b XOR c AND NOT d"), "(OR a (XOR b (AND c (NOT d))))");
  EXPECT_EQ(Shape("a AND b OR c"), "(OR (AND a b) c)");
  EXPECT_EQ(Shape("NOT a = b"), "(NOT (= a b))");
  EXPECT_EQ(Shape("NOT NOT a"), "(NOT (NOT a))");
  EXPECT_EQ(Shape("a = b AND c <> d"), "(AND (= a b) (<> c d))");
  EXPECT_EQ(Shape("a < b + 1"), "(< a (+ b 1))");
  EXPECT_EQ(Shape("1 + 2 * 3"), "(+ 1 (* 2 3))");
  EXPECT_EQ(Shape("1 - 2 - 3"), "(- (- 1 2) 3)");
  EXPECT_EQ(Shape("8 / 4 % 3 * 2"), "(* (% (/ 8 4) 3) 2)");
  EXPECT_EQ(Shape("2 * 3 ^ 2"), "(* 2 (^ 3 2))");
  EXPECT_EQ(Shape("2 ^ 3 ^ 2"), "(^ (^ 2 3) 2)");
  EXPECT_EQ(Shape("-x ^ 2"), "(^ (- x) 2)");
  EXPECT_EQ(Shape("-n.age"), "(- (. n age))");
  EXPECT_EQ(Shape("- - x"), "(- (- x))");
  EXPECT_EQ(Shape("+x"), "(+ x)");
  EXPECT_EQ(Shape("(1 + 2) * 3"), "(* (+ 1 2) 3)");
  EXPECT_EQ(Shape("a + b IS NULL"), "(IS-NULL (+ a b))");
  EXPECT_EQ(Shape("n.p IS NOT NULL AND m.q IS NULL"),
            "(AND (IS-NOT-NULL (. n p)) (IS-NULL (. m q)))");
  EXPECT_EQ(Shape("x IN [1, 2] = true"), "(= (IN x (list 1 2)) TRUE)");
  EXPECT_EQ(Shape("n.name STARTS WITH 'A' OR n.name ENDS WITH 'z'"),
            "(OR (STARTS WITH (. n name) 'A') (ENDS WITH (. n name) 'z'))");
  EXPECT_EQ(Shape("a CONTAINS b + c"), "(CONTAINS a (+ b c))");
  EXPECT_EQ(Shape("name =~ 'A.*'"), "(=~ name 'A.*')");
  EXPECT_EQ(Shape("a < b <= c"), "(<= (< a b) c)");
  EXPECT_EQ(Shape("a >= 1 AND a > 0"), "(AND (>= a 1) (> a 0))");
}

TEST(ParserExpressionTest, KeywordsAreCaseInsensitive) {
  EXPECT_EQ(Shape("a and b or not c"), "(OR (AND a b) (NOT c))");
  EXPECT_EQ(Shape("x is not null"), "(IS-NOT-NULL x)");
  EXPECT_EQ(Shape("true xor False"), "(XOR TRUE FALSE)");
  EXPECT_EQ(Shape("s starts with 'a'"), "(STARTS WITH s 'a')");
  EXPECT_EQ(Shape("Null"), "NULL");
}

TEST(ParserExpressionTest, Literals) {
  EXPECT_EQ(Shape("42"), "42");
  EXPECT_EQ(Shape("-42"), "-42");
  EXPECT_EQ(Shape("9223372036854775807"), "9223372036854775807");
  EXPECT_EQ(Shape("-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(Shape("1.5"), "1.5");
  EXPECT_EQ(Shape("1e10"), "1e+10");
  EXPECT_EQ(Shape("100.0"), "100.0");
  EXPECT_EQ(Shape("1.5e-7"), "1.5e-07");
  EXPECT_EQ(Shape(".25"), "0.25");
  EXPECT_EQ(Shape("0.1"), "0.1");
  EXPECT_EQ(Shape("1e300"), "1e+300");
  EXPECT_EQ(Shape("-0.0"), "-0.0");
  EXPECT_EQ(Shape("'it\\'s'"), "'it\\'s'");
  EXPECT_EQ(Shape("\"dq 'x'\""), "'dq \\'x\\''");
  EXPECT_EQ(Shape("'tab\\there\\nnew \\\\ \\u0041'"), "'tab\\there\\nnew \\\\ A'");
  EXPECT_EQ(Shape("TRUE"), "TRUE");
  EXPECT_EQ(Shape("false"), "FALSE");
  EXPECT_EQ(Shape("$param"), "$param");
  EXPECT_EQ(Shape("$1"), "$1");

  auto e = ParseCypherExpression("-9223372036854775808");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->literal_kind, LiteralKind::kInteger);
  EXPECT_EQ((*e)->int_value, INT64_MIN);
  e = ParseCypherExpression("1e10");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->literal_kind, LiteralKind::kDouble);
  EXPECT_EQ((*e)->double_value, 1e10);
  e = ParseCypherExpression("'\\u00e9'");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)->string_value, "\xC3\xA9");
}

TEST(ParserExpressionTest, CompoundExpressions) {
  EXPECT_EQ(Shape("n.address.city"), "(. (. n address) city)");
  EXPECT_EQ(Shape("list[0]"), "(index list 0)");
  EXPECT_EQ(Shape("m[1][2].x"), "(. (index (index m 1) 2) x)");
  EXPECT_EQ(Shape("[1, 'a', [2, 3], []]"), "(list 1 'a' (list 2 3) (list))");
  EXPECT_EQ(Shape("{name: 'A', age: 1 + 2, `odd key`: {}}"),
            "(map name:'A' age:(+ 1 2) odd key:(map))");
  EXPECT_EQ(Shape("count(*)"), "(call count *)");
  EXPECT_EQ(Shape("COUNT(*)"), "(call COUNT *)");
  EXPECT_EQ(Shape("count(DISTINCT n.x)"), "(call count DISTINCT (. n x))");
  EXPECT_EQ(Shape("lower(n.name)"), "(call lower (. n name))");
  EXPECT_EQ(Shape("substring('abc', 1, 2)"), "(call substring 'abc' 1 2)");
  EXPECT_EQ(Shape("f()"), "(call f)");
  EXPECT_EQ(Shape("contains(a, 'b')"), "(call contains a 'b')");
  EXPECT_EQ(Shape("CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END"), "(case else a 1 b 2 3)");
  EXPECT_EQ(Shape("CASE n.x WHEN 1 THEN 'one' END"), "(case operand (. n x) 1 'one')");
  EXPECT_EQ(Shape("`my var` + `a``b`"), "(+ `my var` `a``b`)");
  EXPECT_EQ(Shape("`my fn`(1)"), "(call my fn 1)");
  EXPECT_EQ(Shape("(-1)[0]"), "(index -1 0)");
  EXPECT_EQ(Shape("-1[0]"), "(- (index 1 0))");
}

TEST(ParserExpressionTest, PrinterUsesMinimalParentheses) {
  auto print = [](std::string_view text) {
    auto e = ParseCypherExpression(text);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? ToString(**e) : "<error>";
  };
  EXPECT_EQ(print("(a OR b) AND c"), "(a OR b) AND c");
  EXPECT_EQ(print("a OR (b AND c)"), "a OR b AND c");
  EXPECT_EQ(print("1 - (2 - 3)"), "1 - (2 - 3)");
  EXPECT_EQ(print("(1 - 2) - 3"), "1 - 2 - 3");
  EXPECT_EQ(print("-(a + b)"), "-(a + b)");
  EXPECT_EQ(print("- -1"), "- -1");
  EXPECT_EQ(print("2 ^ -1"), "2 ^ -1");
  EXPECT_EQ(print("(a = b) = c"), "a = b = c");
  EXPECT_EQ(print("a = (b = c)"), "a = (b = c)");
  EXPECT_EQ(print("NOT (a AND b)"), "NOT (a AND b)");
  EXPECT_EQ(print("(a + b).x"), "(a + b).x");
  EXPECT_EQ(print("(x IS NULL) IS NULL"), "x IS NULL IS NULL");
  EXPECT_EQ(print("`end`"), "`end`");
  EXPECT_EQ(print("n.`end`"), "n.end");
  EXPECT_EQ(print("`NOT`(1)"), "`NOT`(1)");
}

TEST(ParserExpressionTest, Positions) {
  auto e = ParseCypherExpression("a +\n  b.c * f(x)");
  ASSERT_TRUE(e.ok());
  const Expression& add = **e;
  EXPECT_EQ(add.position.line, 1u);
  EXPECT_EQ(add.position.column, 1u);
  const Expression& mul = *add.children[1];
  EXPECT_EQ(mul.position.line, 2u);
  EXPECT_EQ(mul.position.column, 3u);
  const Expression& call = *mul.children[1];
  EXPECT_EQ(call.position.line, 2u);
  EXPECT_EQ(call.position.column, 9u);
  EXPECT_EQ(call.children[0]->position.column, 11u);
}

// ------------------------------------------------------------------ queries

TEST(ParserQueryTest, MatchWhereReturn) {
  EXPECT_EQ(Canon("match (a:Person) where a.age > 30 return a.name"),
            "MATCH (a:Person) WHERE a.age > 30 RETURN a.name");
  auto r = ParseCypher("MATCH (a:Person {name: 'Alice'})-[k:Knows]->(b:Person) RETURN a, b, k.since AS s");
  ASSERT_TRUE(r.ok());
  const auto& query = Only<QueryStatement>(*r);
  ASSERT_EQ(query.parts.size(), 1u);
  ASSERT_EQ(query.parts[0].clauses.size(), 2u);
  const auto& match = query.parts[0].clauses[0]->As<MatchClause>();
  EXPECT_FALSE(match.optional);
  ASSERT_EQ(match.patterns.size(), 1u);
  const PathPattern& path = match.patterns[0];
  ASSERT_EQ(path.nodes.size(), 2u);
  ASSERT_EQ(path.rels.size(), 1u);
  EXPECT_EQ(path.nodes[0].variable, "a");
  EXPECT_EQ(path.nodes[0].labels, std::vector<std::string>{"Person"});
  ASSERT_EQ(path.nodes[0].properties.size(), 1u);
  EXPECT_EQ(path.nodes[0].properties[0].first, "name");
  EXPECT_EQ(path.rels[0].variable, "k");
  EXPECT_EQ(path.rels[0].types, std::vector<std::string>{"Knows"});
  EXPECT_EQ(path.rels[0].direction, RelDirection::kRight);
  EXPECT_FALSE(path.rels[0].variable_length);
  const auto& ret = query.parts[0].clauses[1]->As<ReturnClause>();
  ASSERT_EQ(ret.body.items.size(), 3u);
  EXPECT_EQ(ret.body.items[2].alias, "s");
  EXPECT_EQ(ret.body.items[2].text, "k.since");
  EXPECT_EQ(ret.position.line, 1u);
  EXPECT_EQ(ret.position.column, 56u);
}

TEST(ParserQueryTest, Patterns) {
  EXPECT_EQ(Canon("MATCH (a)<-[r:R]-(b) RETURN *"), "MATCH (a)<-[r:R]-(b) RETURN *");
  EXPECT_EQ(Canon("MATCH (a)-[r]-(b) RETURN *"), "MATCH (a)-[r]-(b) RETURN *");
  EXPECT_EQ(Canon("MATCH (a)-->(b)<--(c)--(d) RETURN *"), "MATCH (a)-->(b)<--(c)--(d) RETURN *");
  EXPECT_EQ(Canon("MATCH (a)-[]->(b) RETURN *"), "MATCH (a)-->(b) RETURN *");
  EXPECT_EQ(Canon("MATCH () RETURN 1"), "MATCH () RETURN 1");
  EXPECT_EQ(Canon("MATCH (:Person {age: 3}), (b) RETURN b"),
            "MATCH (:Person {age: 3}), (b) RETURN b");
  EXPECT_EQ(Canon("MATCH (n:A:B) RETURN n"), "MATCH (n:A:B) RETURN n");
  EXPECT_EQ(Canon("MATCH (n:A|B) RETURN n"), "MATCH (n:A:B) RETURN n");
  EXPECT_EQ(Canon("MATCH ({x: 1}) RETURN 1"), "MATCH ({x: 1}) RETURN 1");
  EXPECT_EQ(Canon("MATCH (a)-[:R|:S|T]->(b) RETURN a"), "MATCH (a)-[:R|S|T]->(b) RETURN a");
  EXPECT_EQ(Canon("MATCH (a)-[r {since: 2020}]->(b) RETURN a"),
            "MATCH (a)-[r {since: 2020}]->(b) RETURN a");
  EXPECT_EQ(Canon("MATCH p = (a)-[:R]->(b) RETURN p"), "MATCH p = (a)-[:R]->(b) RETURN p");
}

TEST(ParserQueryTest, VariableLength) {
  EXPECT_EQ(Canon("MATCH (a)-[*]->(b) RETURN b"), "MATCH (a)-[*]->(b) RETURN b");
  EXPECT_EQ(Canon("MATCH (a)-[:R*2]->(b) RETURN b"), "MATCH (a)-[:R*2]->(b) RETURN b");
  EXPECT_EQ(Canon("MATCH (a)-[r:R*1..3]->(b) RETURN b"), "MATCH (a)-[r:R*1..3]->(b) RETURN b");
  EXPECT_EQ(Canon("MATCH (a)-[*..3]-(b) RETURN b"), "MATCH (a)-[*..3]-(b) RETURN b");
  EXPECT_EQ(Canon("MATCH (a)-[*2..]->(b) RETURN b"), "MATCH (a)-[*2..]->(b) RETURN b");
  EXPECT_EQ(Canon("MATCH (a)-[*1 .. 3]->(b) RETURN b"), "MATCH (a)-[*1..3]->(b) RETURN b");
  EXPECT_EQ(Canon("MATCH p = (a)-[r:Knows* SHORTEST 1..5]->(b) RETURN p"),
            "MATCH p = (a)-[r:Knows* SHORTEST 1..5]->(b) RETURN p");
  EXPECT_EQ(Canon("MATCH (a)-[:K* ALL SHORTEST 1..5]->(b) RETURN b"),
            "MATCH (a)-[:K* ALL SHORTEST 1..5]->(b) RETURN b");
  EXPECT_EQ(Canon("MATCH (a)-[:K*1..3 (r, n | WHERE r.w > 1 AND n.x = 2)]->(b) RETURN b"),
            "MATCH (a)-[:K*1..3 (r, n | WHERE r.w > 1 AND n.x = 2)]->(b) RETURN b");
  auto r = ParseCypher("MATCH (a)-[r:R*..3]->(b) RETURN b");
  ASSERT_TRUE(r.ok());
  const RelPattern& rel =
      Only<QueryStatement>(*r).parts[0].clauses[0]->As<MatchClause>().patterns[0].rels[0];
  EXPECT_TRUE(rel.variable_length);
  EXPECT_FALSE(rel.min_hops.has_value());
  EXPECT_EQ(rel.max_hops, 3);
}

TEST(ParserQueryTest, OptionalMatchWithUnwind) {
  EXPECT_EQ(Canon("MATCH (a) OPTIONAL MATCH (a)-[:R]->(b) WHERE b.x = 1 RETURN a, b"),
            "MATCH (a) OPTIONAL MATCH (a)-[:R]->(b) WHERE b.x = 1 RETURN a, b");
  EXPECT_EQ(Canon("UNWIND [1, 2, 3] AS x RETURN x * 2 AS y"),
            "UNWIND [1, 2, 3] AS x RETURN x * 2 AS y");
  EXPECT_EQ(Canon("MATCH (a) WITH DISTINCT a.city AS c, count(*) AS n ORDER BY n DESC SKIP 1 "
                  "LIMIT 5 WHERE n > 2 RETURN c"),
            "MATCH (a) WITH DISTINCT a.city AS c, count(*) AS n ORDER BY n DESC SKIP 1 LIMIT 5 "
            "WHERE n > 2 RETURN c");
  EXPECT_EQ(Canon("WITH 1 AS x RETURN x"), "WITH 1 AS x RETURN x");
  EXPECT_EQ(Canon("MATCH (a) WITH * RETURN a"), "MATCH (a) WITH * RETURN a");
}

TEST(ParserQueryTest, ReturnForms) {
  EXPECT_EQ(Canon("MATCH (n) RETURN DISTINCT n.x ORDER BY n.x ASC, n.y DESCENDING SKIP 2 LIMIT 10"),
            "MATCH (n) RETURN DISTINCT n.x ORDER BY n.x, n.y DESC SKIP 2 LIMIT 10");
  EXPECT_EQ(Canon("MATCH (n) RETURN *, n.x AS x"), "MATCH (n) RETURN *, n.x AS x");
  EXPECT_EQ(Canon("RETURN 1 + 1"), "RETURN 1 + 1");
  EXPECT_EQ(Canon("MATCH (n) RETURN n LIMIT $lim"), "MATCH (n) RETURN n LIMIT $lim");
  auto r = ParseCypher("MATCH (n) RETURN n.name  +  'x', count(DISTINCT n) ORDER BY n.name DESC");
  ASSERT_TRUE(r.ok());
  const auto& body = Only<QueryStatement>(*r).parts[0].clauses[1]->As<ReturnClause>().body;
  EXPECT_EQ(body.items[0].text, "n.name  +  'x'");
  EXPECT_EQ(body.items[1].text, "count(DISTINCT n)");
  ASSERT_EQ(body.order_by.size(), 1u);
  EXPECT_TRUE(body.order_by[0].descending);
}

TEST(ParserQueryTest, UpdatingClauses) {
  EXPECT_EQ(Canon("CREATE (a:Person {name: 'Alice', age: 30})"),
            "CREATE (a:Person {name: 'Alice', age: 30})");
  EXPECT_EQ(Canon("CREATE (a:P {id: 1})-[:K {w: 1.5}]->(b:P {id: 2}), (c:P {id: 3})"),
            "CREATE (a:P {id: 1})-[:K {w: 1.5}]->(b:P {id: 2}), (c:P {id: 3})");
  EXPECT_EQ(Canon("MATCH (a:P), (b:P) WHERE a.id = 1 AND b.id = 2 CREATE (a)-[:K]->(b)"),
            "MATCH (a:P), (b:P) WHERE a.id = 1 AND b.id = 2 CREATE (a)-[:K]->(b)");
  EXPECT_EQ(Canon("MATCH (n) SET n.age = n.age + 1, n.name = 'x'"),
            "MATCH (n) SET n.age = n.age + 1, n.name = 'x'");
  EXPECT_EQ(Canon("match (n) set n += {age: 1, `my name`: 'x'}, n.b = 2"),
            "MATCH (n) SET n += {age: 1, `my name`: 'x'}, n.b = 2");
  EXPECT_EQ(Canon("MATCH (n) SET n = {age: n.age + 1}"), "MATCH (n) SET n = {age: n.age + 1}");
  EXPECT_EQ(Canon("MATCH (n) SET n = {}"), "MATCH (n) SET n = {}");
  EXPECT_EQ(Canon("MATCH ()-[r]->() SET r+={w: 1.5} RETURN r"),
            "MATCH ()-[r]->() SET r += {w: 1.5} RETURN r");
  EXPECT_EQ(Canon("match (n) remove n.age, n.`my name` return n"),
            "MATCH (n) REMOVE n.age, n.`my name` RETURN n");
  EXPECT_EQ(Canon("MATCH (n) REMOVE n.a SET n.b = 1 DELETE n"), "MATCH (n) REMOVE n.a SET n.b = 1 DELETE n");
  EXPECT_EQ(Canon("MERGE (n:P {id: 1}) ON CREATE SET n = {a: 1} ON MATCH SET n += {b: 2}"),
            "MERGE (n:P {id: 1}) ON CREATE SET n = {a: 1} ON MATCH SET n += {b: 2}");
  EXPECT_EQ(Canon("MERGE (a:P {id: 1})-[k:K {w: 1}]->(b:P {id: 2})<-[:K]-(c) ON CREATE SET k.x = 1"),
            "MERGE (a:P {id: 1})-[k:K {w: 1}]->(b:P {id: 2})<-[:K]-(c) ON CREATE SET k.x = 1");
  EXPECT_EQ(Canon("MATCH (n)-[r]->() DELETE r"), "MATCH (n)-[r]->() DELETE r");
  EXPECT_EQ(Canon("MATCH (n)-[r]->() DELETE r, n"), "MATCH (n)-[r]->() DELETE r, n");
  EXPECT_EQ(Canon("MATCH (n) DETACH DELETE n"), "MATCH (n) DETACH DELETE n");
  EXPECT_EQ(Canon("MERGE (n:P {id: 1}) ON CREATE SET n.c = 1 ON MATCH SET n.m = 2, n.k = 3"),
            "MERGE (n:P {id: 1}) ON CREATE SET n.c = 1 ON MATCH SET n.m = 2, n.k = 3");
  EXPECT_EQ(Canon("MERGE (n:P {id: 1})"), "MERGE (n:P {id: 1})");
  EXPECT_EQ(Canon("CREATE (a:P {id: 1}) RETURN a.id"), "CREATE (a:P {id: 1}) RETURN a.id");
  EXPECT_EQ(Canon("CREATE (a:P {id: 1}) WITH a MATCH (b) RETURN b"),
            "CREATE (a:P {id: 1}) WITH a MATCH (b) RETURN b");

  auto r = ParseCypher("MATCH (n) SET n.x = 1");
  ASSERT_TRUE(r.ok());
  const auto& set = Only<QueryStatement>(*r).parts[0].clauses[1]->As<SetClause>();
  ASSERT_EQ(set.items.size(), 1u);
  EXPECT_EQ(set.items[0].property->kind, ExpressionKind::kProperty);
  EXPECT_EQ(set.items[0].property->name, "x");
  EXPECT_EQ(set.items[0].property->children[0]->name, "n");
  EXPECT_EQ(set.items[0].kind, SetItemKind::kProperty);

  r = ParseCypher("MATCH (n) SET n += {a: 1, b: 2}, n = {}");
  ASSERT_TRUE(r.ok());
  const auto& maps = Only<QueryStatement>(*r).parts[0].clauses[1]->As<SetClause>();
  ASSERT_EQ(maps.items.size(), 2u);
  EXPECT_EQ(maps.items[0].kind, SetItemKind::kAddProperties);
  EXPECT_EQ(maps.items[0].property->kind, ExpressionKind::kVariable);
  EXPECT_EQ(maps.items[0].value->kind, ExpressionKind::kMap);
  ASSERT_EQ(maps.items[0].value->map_key_positions.size(), 2u);
  EXPECT_EQ(maps.items[0].value->map_key_positions[1].column, 27);
  EXPECT_EQ(maps.items[1].kind, SetItemKind::kAllProperties);
  EXPECT_TRUE(maps.items[1].value->children.empty());

  r = ParseCypher("MATCH (n) REMOVE n.a, n.b");
  ASSERT_TRUE(r.ok());
  const auto& remove = Only<QueryStatement>(*r).parts[0].clauses[1]->As<RemoveClause>();
  EXPECT_EQ(remove.kind, ClauseKind::kRemove);
  ASSERT_EQ(remove.properties.size(), 2u);
  EXPECT_EQ(remove.properties[1]->name, "b");
  EXPECT_EQ(remove.properties[1]->children[0]->name, "n");
}

TEST(ParserQueryTest, CallAndUnion) {
  EXPECT_EQ(Canon("CALL show_tables() RETURN *"), "CALL show_tables() RETURN *");
  EXPECT_EQ(Canon("CALL table_info('Person') RETURN *"), "CALL table_info('Person') RETURN *");
  EXPECT_EQ(Canon("CALL table_info('P') YIELD name AS n, type RETURN n"),
            "CALL table_info('P') YIELD name AS n, type RETURN n");
  EXPECT_EQ(Canon("CALL show_tables()"), "CALL show_tables()");
  EXPECT_EQ(Canon("MATCH (a:A) RETURN a.x AS x UNION MATCH (b:B) RETURN b.x AS x"),
            "MATCH (a:A) RETURN a.x AS x UNION MATCH (b:B) RETURN b.x AS x");
  auto r = ParseCypher("RETURN 1 AS x UNION ALL RETURN 2 AS x UNION RETURN 3 AS x");
  ASSERT_TRUE(r.ok());
  const auto& q = Only<QueryStatement>(*r);
  ASSERT_EQ(q.parts.size(), 3u);
  EXPECT_EQ(q.union_all, (std::vector<bool>{true, false}));
}

// --------------------------------------------------------------- statements

TEST(ParserStatementTest, Ddl) {
  EXPECT_EQ(Canon("create node table Person(name string, age int64, primary key(name))"),
            "CREATE NODE TABLE Person(name STRING, age INT64, PRIMARY KEY (name))");
  EXPECT_EQ(Canon("CREATE NODE TABLE T(id SERIAL PRIMARY KEY, d DATE, t TIMESTAMP, b BOOL, "
                  "f FLOAT, x DOUBLE, i INT, s INT16, y INT8, z INT32 DEFAULT 7)"),
            "CREATE NODE TABLE T(id SERIAL, d DATE, t TIMESTAMP, b BOOL, f FLOAT, x DOUBLE, "
            "i INT64, s INT16, y INT8, z INT32 DEFAULT 7, PRIMARY KEY (id))");
  EXPECT_EQ(Canon("CREATE NODE TABLE IF NOT EXISTS T(id INT64, PRIMARY KEY (ID))"),
            "CREATE NODE TABLE IF NOT EXISTS T(id INT64, PRIMARY KEY (id))");
  EXPECT_EQ(Canon("CREATE REL TABLE Knows(FROM Person TO Person, since INT64)"),
            "CREATE REL TABLE Knows(FROM Person TO Person, since INT64)");
  EXPECT_EQ(Canon("CREATE REL TABLE E(FROM A TO B)"), "CREATE REL TABLE E(FROM A TO B)");
  EXPECT_EQ(Canon("DROP TABLE Person"), "DROP TABLE Person");
  EXPECT_EQ(Canon("DROP TABLE IF EXISTS Person"), "DROP TABLE IF EXISTS Person");
  EXPECT_EQ(Canon("ALTER TABLE P ADD email STRING DEFAULT 'none'"),
            "ALTER TABLE P ADD email STRING DEFAULT 'none'");
  EXPECT_EQ(Canon("ALTER TABLE P ADD IF NOT EXISTS n INT64"), "ALTER TABLE P ADD IF NOT EXISTS n INT64");
  EXPECT_EQ(Canon("ALTER TABLE P DROP email"), "ALTER TABLE P DROP email");
  EXPECT_EQ(Canon("ALTER TABLE P DROP IF EXISTS email"), "ALTER TABLE P DROP IF EXISTS email");
  EXPECT_EQ(Canon("ALTER TABLE P RENAME TO Q"), "ALTER TABLE P RENAME TO Q");
  EXPECT_EQ(Canon("ALTER TABLE P RENAME a TO b"), "ALTER TABLE P RENAME a TO b");

  auto r = ParseCypher("CREATE NODE TABLE Person(name STRING, age INT64 DEFAULT 0, PRIMARY KEY(name))");
  ASSERT_TRUE(r.ok());
  const auto& t = Only<CreateNodeTableStatement>(*r);
  EXPECT_EQ(t.kind, StatementKind::kCreateNodeTable);
  EXPECT_EQ(t.table_name, "Person");
  ASSERT_EQ(t.columns.size(), 2u);
  EXPECT_EQ(t.columns[1].name, "age");
  EXPECT_EQ(t.columns[1].type_name, "INT64");
  ASSERT_NE(t.columns[1].default_value, nullptr);
  EXPECT_EQ(t.primary_key, "name");
  EXPECT_EQ(t.columns[1].position.column, 39u);
}

TEST(ParserStatementTest, TransactionsAndExplain) {
  EXPECT_EQ(Canon("begin transaction"), "BEGIN TRANSACTION");
  EXPECT_EQ(Canon("BEGIN TRANSACTION READ ONLY"), "BEGIN TRANSACTION READ ONLY");
  EXPECT_EQ(Canon("COMMIT"), "COMMIT");
  EXPECT_EQ(Canon("Rollback"), "ROLLBACK");
  EXPECT_EQ(Canon("CHECKPOINT"), "CHECKPOINT");
  EXPECT_EQ(Canon("EXPLAIN MATCH (n) RETURN n"), "EXPLAIN MATCH (n) RETURN n");
  EXPECT_EQ(Canon("profile MATCH (n) RETURN count(*)"), "PROFILE MATCH (n) RETURN count(*)");
  auto r = ParseCypher("BEGIN TRANSACTION READ ONLY");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(Only<BeginTransactionStatement>(*r).read_only);
  r = ParseCypher("EXPLAIN RETURN 1");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Only<ExplainStatement>(*r).mode, ExplainMode::kExplain);
  EXPECT_EQ(Only<ExplainStatement>(*r).statement->kind, StatementKind::kQuery);
}

TEST(ParserStatementTest, MultipleStatementsAndComments) {
  auto r = ParseCypher(
      "// setup\n"
      "CREATE NODE TABLE P(id INT64, PRIMARY KEY(id));;\n"
      "/* insert */ CREATE (:P {id: 1});\n"
      "  ;\n"
      "MATCH (p:P) RETURN p.id; // trailing\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0]->kind, StatementKind::kCreateNodeTable);
  EXPECT_EQ((*r)[1]->kind, StatementKind::kQuery);
  EXPECT_EQ((*r)[2]->position.line, 5u);
  EXPECT_EQ((*r)[2]->position.column, 1u);
  EXPECT_EQ((*r)[1]->position.column, 14u);

  auto empty = ParseCypher("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  empty = ParseCypher(" ; ;; // nothing\n");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(ParserStatementTest, QuotedAndKeywordNames) {
  EXPECT_EQ(Canon("MATCH (`my node`:`Odd Label`) RETURN `my node`.`some prop`"),
            "MATCH (`my node`:`Odd Label`) RETURN `my node`.`some prop`");
  EXPECT_EQ(Canon("MATCH (`match`) RETURN `match`"), "MATCH (`match`) RETURN `match`");
  // Keywords are fine as labels, property keys and map keys.
  EXPECT_EQ(Canon("MATCH (n:Order {order: 1}) RETURN n.end AS e"),
            "MATCH (n:Order {order: 1}) RETURN n.end AS e");
}

// Found by the parser fuzzer: "-<number>" parses as one literal, so a
// negation of a number literal prints with parentheses.
TEST(ParserStatementTest, NegatedNumberLiteralsRoundTrip) {
  EXPECT_EQ(Canon("RETURN --0"), "RETURN -(0)");
  EXPECT_EQ(Canon("RETURN -(0)"), "RETURN -(0)");
  EXPECT_EQ(Canon("RETURN [-(-0)]"), "RETURN [-(0)]");
  EXPECT_EQ(Canon("RETURN -(1.5), -2"), "RETURN -(1.5), -2");
}

TEST(ParserStatementTest, Copy) {
  EXPECT_EQ(Canon("copy Person from 'p.csv'"), "COPY Person FROM 'p.csv'");
  EXPECT_EQ(Canon("COPY Knows FROM ['a.csv', 'b-*.csv'] (HEADER=true, DELIM='|', SKIP=2)"),
            "COPY Knows FROM ['a.csv', 'b-*.csv'] (HEADER=TRUE, DELIM='|', SKIP=2)");
  EXPECT_EQ(Canon("COPY Person TO 'out.csv'"), "COPY Person TO 'out.csv'");
  EXPECT_EQ(Canon("COPY (MATCH (p:Person) RETURN p.name) TO 'out.csv' (header = false)"),
            "COPY (MATCH (p:Person) RETURN p.name) TO 'out.csv' (header=FALSE)");
  auto r = ParseCypher("MATCH (n) RETURN n;\nCOPY Person FROM p.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "Parser error at line 2, column 18: expected a file name in quotes but found 'p'\n"
            "COPY Person FROM p.csv\n"
            "                 ^");
  r = ParseCypher("COPY Person FROM 'p.csv' (HEADER=x)");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "Parser error at line 1, column 34: the value of option HEADER must be a literal\n"
            "COPY Person FROM 'p.csv' (HEADER=x)\n"
            "                                 ^");
  r = ParseCypher("COPY Person INTO 'p.csv'");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("expected FROM or TO but found 'INTO'"), std::string::npos);
  r = ParseCypher("COPY (CREATE (:P)) TO 'p.csv'");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("expected a query (MATCH ... RETURN ...) but found 'CREATE'"),
            std::string::npos);
}

// ------------------------------------------------------------------- errors

TEST(ParserErrorTest, ExactMessages) {
  EXPECT_EQ(Err("MATCH (a:Person, b)\nRETURN a"),
            "Parser error at line 1, column 16: expected ':', '{' or ')' but found ','\n"
            "MATCH (a:Person, b)\n"
            "               ^");
  EXPECT_EQ(Err("MATCH (a)\nWHERE a.age > \nRETURN a"),
            "Parser error at line 3, column 1: expected an expression but found 'RETURN'\n"
            "RETURN a\n"
            "^");
  EXPECT_EQ(Err("MATCH (n) RETRUN n"),
            "Parser error at line 1, column 11: expected RETURN or another clause after MATCH "
            "but found 'RETRUN'\n"
            "MATCH (n) RETRUN n\n"
            "          ^");
  EXPECT_EQ(Err("MATCH (n)"),
            "Parser error at line 1, column 10: expected RETURN or another clause after MATCH "
            "but found end of input\n"
            "MATCH (n)\n"
            "         ^");
  EXPECT_EQ(Err("MATCH (n) RETURN n WHERE n.x = 1"),
            "Parser error at line 1, column 20: expected UNION, ';' or end of input but found "
            "'WHERE'\n"
            "MATCH (n) RETURN n WHERE n.x = 1\n"
            "                   ^");
  EXPECT_EQ(Err("RETURN f(1, 2"),
            "Parser error at line 1, column 14: expected ',' or ')' but found end of input\n"
            "RETURN f(1, 2\n"
            "             ^");
  EXPECT_EQ(Err("RETURN [1, 2"),
            "Parser error at line 1, column 13: expected ',' or ']' but found end of input\n"
            "RETURN [1, 2\n"
            "            ^");
  EXPECT_EQ(Err("RETURN 9223372036854775808"),
            "Parser error at line 1, column 8: integer literal 9223372036854775808 is out of "
            "range for INT64\n"
            "RETURN 9223372036854775808\n"
            "       ^");
  EXPECT_EQ(Err("RETURN 1 +\n  -9223372036854775809"),
            "Parser error at line 2, column 3: integer literal -9223372036854775809 is out of "
            "range for INT64\n"
            "  -9223372036854775809\n"
            "  ^");
  EXPECT_EQ(Err("SELECT * FROM t"),
            "Parser error at line 1, column 1: expected a statement (MATCH, RETURN, CREATE, "
            "MERGE, CREATE NODE TABLE, BEGIN TRANSACTION, ...) but found 'SELECT'\n"
            "SELECT * FROM t\n"
            "^");
  EXPECT_EQ(Err("CREATE NODE TABLE P(id INTEGR, PRIMARY KEY(id))"),
            "Parser error at line 1, column 24: unknown type 'INTEGR'; expected one of INT64, "
            "INT32, INT16, INT8, DOUBLE, FLOAT, BOOL, STRING, DATE, TIMESTAMP, SERIAL\n"
            "CREATE NODE TABLE P(id INTEGR, PRIMARY KEY(id))\n"
            "                       ^");
  EXPECT_EQ(Err("CREATE NODE TABLE P(id INT64)"),
            "Parser error at line 1, column 29: node table 'P' needs a primary key: add "
            "PRIMARY KEY (column)\n"
            "CREATE NODE TABLE P(id INT64)\n"
            "                            ^");
  EXPECT_EQ(Err("MATCH (a)-[r:R*3..1]->(b) RETURN a"),
            "Parser error at line 1, column 15: invalid hop range: lower bound 3 is greater "
            "than upper bound 1\n"
            "MATCH (a)-[r:R*3..1]->(b) RETURN a\n"
            "              ^");
  EXPECT_EQ(Err("MATCH (a) RETURN a;\n\tRETURN 'x' +"),
            "Parser error at line 2, column 14: expected an expression but found end of input\n"
            "\tRETURN 'x' +\n"
            "\t            ^");
}

TEST(ParserErrorTest, FirstLines) {
  EXPECT_EQ(ErrLine("MATCH (n) RETURN"),
            "Parser error at line 1, column 17: expected an expression or '*' but found end of "
            "input");
  EXPECT_EQ(ErrLine("MATCH (end) RETURN 1"),
            "Parser error at line 1, column 8: expected a variable name but found reserved word "
            "'end' (write `end` to use it as a name)");
  EXPECT_EQ(ErrLine("MATCH (a)<-[r]->(b) RETURN a"),
            "Parser error at line 1, column 10: a relationship pattern cannot point both ways; "
            "use -[...]- for either direction");
  EXPECT_EQ(ErrLine("MATCH (a)-[r:R RETURN a"),
            "Parser error at line 1, column 16: expected '|', '*', '{' or ']' but found 'RETURN'");
  EXPECT_EQ(ErrLine("MATCH (a)-[r]>(b) RETURN a"),
            "Parser error at line 1, column 14: expected '-' but found '>'");
  EXPECT_EQ(ErrLine("MATCH a RETURN a"),
            "Parser error at line 1, column 7: expected '(' to start a node pattern but found 'a'");
  EXPECT_EQ(ErrLine("RETURN count(DISTINCT *)"),
            "Parser error at line 1, column 23: expected an expression but found '*'");
  EXPECT_EQ(ErrLine("RETURN sum(*)"),
            "Parser error at line 1, column 12: '*' is only allowed as the argument of count(*)");
  EXPECT_EQ(ErrLine("RETURN CASE WHEN 1 THEN 2"),
            "Parser error at line 1, column 26: expected WHEN, ELSE or END but found end of input");
  EXPECT_EQ(ErrLine("RETURN x IS 1"),
            "Parser error at line 1, column 13: expected NULL or NOT NULL but found '1'");
  EXPECT_EQ(ErrLine("RETURN a STARTS 'x'"),
            "Parser error at line 1, column 17: expected WITH but found string literal 'x'");
  EXPECT_EQ(ErrLine("RETURN 1e999"),
            "Parser error at line 1, column 8: float literal 1e999 is out of range for DOUBLE");
  EXPECT_EQ(
      ErrLine("MATCH (n) SET n = 1"),
      "Parser error at line 1, column 19: expected a map literal {key: value, ...} after '=' but found '1'");
  EXPECT_EQ(
      ErrLine("MATCH (n) SET n += n.m"),
      "Parser error at line 1, column 20: expected a map literal {key: value, ...} after '+=' but found 'n'");
  EXPECT_EQ(
      ErrLine("MATCH (n) SET n = {a: 1} + {b: 2}"),
      "Parser error at line 1, column 19: expected a map literal {key: value, ...} alone, not an expression");
  EXPECT_EQ(
      ErrLine("MATCH (n) SET n = $props"),
      "Parser error at line 1, column 19: a map parameter is not supported yet here; write a map literal "
      "{key: value, ...}");
  EXPECT_EQ(
      ErrLine("MATCH (n) SET n"),
      "Parser error at line 1, column 16: expected '.' and a property name, '=', '+=' or ':' but found end "
      "of input");
  EXPECT_EQ(
      ErrLine("MATCH (n) SET n:Person"),
      "Parser error at line 1, column 16: SET cannot add a label: labels are tables in ruzu, and a node's "
      "table is fixed when it is created");
  EXPECT_EQ(
      ErrLine("MATCH (n) SET n.x = 1, n:A:B"),
      "Parser error at line 1, column 25: SET cannot add a label: labels are tables in ruzu, and a node's "
      "table is fixed when it is created");
  EXPECT_EQ(
      ErrLine("MATCH (n) REMOVE n:Person"),
      "Parser error at line 1, column 19: REMOVE cannot remove a label: labels are tables in ruzu, and a "
      "node's table is fixed when it is created");
  EXPECT_EQ(ErrLine("MATCH (n) REMOVE n"),
            "Parser error at line 1, column 19: expected '.' and a property name but found end of input");
  EXPECT_EQ(ErrLine("MATCH (n) REMOVE n.x = 1"),
            "Parser error at line 1, column 22: expected a clause, ';' or end of input but found '='");
  EXPECT_EQ(ErrLine("MATCH (n) REMOVE n.x MATCH (m) RETURN m"),
            "Parser error at line 1, column 22: MATCH cannot follow an updating clause directly; put WITH "
            "between them");
  EXPECT_EQ(ErrLine("CREATE (a) MATCH (b) RETURN b"),
            "Parser error at line 1, column 12: MATCH cannot follow an updating clause "
            "directly; put WITH between them");
  EXPECT_EQ(ErrLine("CREATE (a) UNION RETURN 1"),
            "Parser error at line 1, column 12: UNION must follow a RETURN clause, not CREATE");
  EXPECT_EQ(ErrLine("RETURN 1 UNION"),
            "Parser error at line 1, column 15: expected a clause (MATCH, UNWIND, WITH, RETURN, "
            "CREATE, MERGE, SET, REMOVE, DELETE, CALL) but found end of input");
  EXPECT_EQ(ErrLine("RETURN 1 UNION MATCH (n) CREATE (m)"),
            "Parser error at line 1, column 36: expected RETURN after CREATE in a UNION query "
            "but found end of input");
  EXPECT_EQ(ErrLine("BEGIN"),
            "Parser error at line 1, column 6: expected TRANSACTION but found end of input");
  EXPECT_EQ(ErrLine("BEGIN TRANSACTION READ"),
            "Parser error at line 1, column 23: expected ONLY but found end of input");
  EXPECT_EQ(ErrLine("COMMIT RETURN"),
            "Parser error at line 1, column 8: expected ';' or end of input but found 'RETURN'");
  EXPECT_EQ(ErrLine("DROP Person"),
            "Parser error at line 1, column 6: expected TABLE but found 'Person'");
  EXPECT_EQ(ErrLine("ALTER TABLE P MODIFY x"),
            "Parser error at line 1, column 15: expected ADD, DROP or RENAME but found 'MODIFY'");
  EXPECT_EQ(ErrLine("CREATE REL TABLE R(A TO B)"),
            "Parser error at line 1, column 20: expected FROM but found 'A'");
  EXPECT_EQ(ErrLine("CREATE NODE TABLE P(a INT64, a STRING, PRIMARY KEY(a))"),
            "Parser error at line 1, column 30: duplicate column 'a' in table 'P'");
  EXPECT_EQ(ErrLine("CREATE NODE TABLE P(a INT64, PRIMARY KEY(b))"),
            "Parser error at line 1, column 42: primary key 'b' is not a column of table 'P'");
  EXPECT_EQ(ErrLine("CREATE NODE TABLE P(a INT64 PRIMARY KEY, PRIMARY KEY(a))"),
            "Parser error at line 1, column 54: node table 'P' has more than one primary key");
  EXPECT_EQ(ErrLine("EXPLAIN EXPLAIN RETURN 1"),
            "Parser error at line 1, column 9: EXPLAIN and PROFILE cannot be nested");
  EXPECT_EQ(ErrLine("EXPLAIN"),
            "Parser error at line 1, column 8: expected a statement after EXPLAIN but found end "
            "of input");
  EXPECT_EQ(ErrLine("RETURN $"),
            "Parser error at line 1, column 8: expected a parameter name after '$'");
  EXPECT_EQ(ErrLine("RETURN [1, 2][0..1]"),
            "Parser error at line 1, column 16: list slicing x[a..b] is not supported yet");
  EXPECT_EQ(ErrLine("MATCH (n) WHERE n.x = 'unterminated RETURN n"),
            "Parser error at line 1, column 23: unterminated string literal");
  EXPECT_EQ(ErrLine("RETURN {a 1}"),
            "Parser error at line 1, column 11: expected ':' but found '1'");
  EXPECT_EQ(ErrLine("UNWIND [1] x RETURN x"),
            "Parser error at line 1, column 12: expected AS but found 'x'");
  EXPECT_EQ(ErrLine("MERGE (n) ON DELETE SET n.x = 1"),
            "Parser error at line 1, column 14: expected CREATE or MATCH after ON but found "
            "'DELETE'");
  EXPECT_EQ(ErrLine("CALL show_tables RETURN *"),
            "Parser error at line 1, column 18: expected '(' (CALL needs a function call such "
            "as show_tables()) but found 'RETURN'");
}

TEST(ParserErrorTest, ColumnsCountCodePoints) {
  // 'é' and '中' are one column each; the caret lines up under the error.
  EXPECT_EQ(Err("RETURN 'é中' +"),
            "Parser error at line 1, column 14: expected an expression but found end of input\n"
            "RETURN 'é中' +\n"
            "             ^");
  EXPECT_EQ(ErrLine("MATCH (a)-[*99999999999999999999]->(b) RETURN a"),
            "Parser error at line 1, column 13: hop count 99999999999999999999 is out of range");
}

TEST(ParserQueryTest, ParametersInPatterns) {
  EXPECT_EQ(Canon("MATCH (n:P {id: $id}) SET n.x = $x RETURN n"),
            "MATCH (n:P {id: $id}) SET n.x = $x RETURN n");
}

TEST(ParserErrorTest, LexicalErrorsInsideStatements) {
  EXPECT_EQ(ErrLine("MATCH (n)\nWHERE n.name = 'a' \xFF RETURN n"),
            "Parser error at line 2, column 20: invalid UTF-8 in query text");
  std::string with_nul = std::string("RETURN 1 ") + '\0';
  EXPECT_EQ(ErrLine(with_nul), "Parser error at line 1, column 10: NUL byte in query text");
  // The offending line is shown even when a NUL byte ends the input.
  EXPECT_EQ(ErrLine(std::string("\0", 1)), "Parser error at line 1, column 1: NUL byte in query text");
}

// ------------------------------------------------------------------- limits

TEST(ParserLimitTest, DeepNestingIsAnErrorNotACrash) {
  for (const char* open : {"(", "[", "{a: ", "NOT ", "-", "f(", "CASE WHEN "}) {
    std::string text = "RETURN ";
    for (int i = 0; i < 100000; ++i) text += open;
    text += "1";
    auto r = ParseCypher(text);
    ASSERT_FALSE(r.ok()) << open;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("expression is nested too deeply (more than 256 levels)"),
              std::string::npos)
        << open << ": " << r.status().message().substr(0, 200);
  }
  // Exactly at the limit is fine.
  std::string ok = "RETURN ";
  for (int i = 0; i < kMaxNestingDepth - 1; ++i) ok += "[";
  ok += "1";
  for (int i = 0; i < kMaxNestingDepth - 1; ++i) ok += "]";
  EXPECT_TRUE(ParseCypher(ok).ok());
}

TEST(ParserLimitTest, LongOperatorChains) {
  std::string text = "RETURN 1";
  for (int i = 0; i < 100000; ++i) text += " + 1";
  auto r = ParseCypher(text);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("expression is too complex (more than 1000 levels"),
            std::string::npos);
  text = "RETURN n";
  for (int i = 0; i < 100000; ++i) text += ".p";
  EXPECT_FALSE(ParseCypher(text).ok());
  // 500 AND-ed conditions are fine.
  text = "MATCH (n) WHERE n.x = 0";
  for (int i = 1; i < 500; ++i) text += " AND n.x = " + std::to_string(i);
  text += " RETURN n";
  EXPECT_TRUE(ParseCypher(text).ok());
  // A long flat list is fine too.
  text = "RETURN [0";
  for (int i = 1; i < 50000; ++i) text += ", " + std::to_string(i);
  text += "]";
  auto list = ParseCypher(text);
  ASSERT_TRUE(list.ok());
}

TEST(ParserLimitTest, QueryLength) {
  std::string text = "RETURN '" + std::string(kMaxQueryLength, 'x') + "'";
  auto r = ParseCypher(text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "Parser error: query text is " + std::to_string(text.size()) +
                                      " bytes long; the limit is 1048576 bytes");
  // Just under the limit parses.
  std::string big = "RETURN '" + std::string(kMaxQueryLength - 9, 'x') + "'";
  ASSERT_EQ(big.size(), kMaxQueryLength);
  auto ok = ParseCypher(big);
  ASSERT_TRUE(ok.ok());
  // An error on a huge line shows a bounded excerpt.
  std::string huge = "RETURN 1 + " + std::string(500000, ' ') + ")";
  auto bad = ParseCypher(huge);
  ASSERT_FALSE(bad.ok());
  EXPECT_LT(bad.status().message().size(), 400u);
}

// -------------------------------------------------------- round trip, fuzz

const std::vector<std::string>& Corpus() {
  static const std::vector<std::string> corpus = {
      "MATCH (n) RETURN n",
      "MATCH (a:Person) WHERE a.age > 30 AND a.name <> 'Bob' RETURN a.name, a.age",
      "MATCH (a:Person)-[k:Knows]->(b:Person) RETURN a.name, b.name, k.since",
      "MATCH (a)<-[:Knows]-(b) RETURN count(*)",
      "MATCH (a)-[:Knows]-(b) RETURN DISTINCT a",
      "MATCH (a)-[:Knows*1..3]->(b) RETURN b.name",
      "MATCH (a)-[:Knows*2]->(b) RETURN b",
      "MATCH (a)-[*..4]->(b) RETURN b",
      "MATCH (a)-[*3..]->(b) RETURN b",
      "MATCH p = (a:Person {name: 'A'})-[:Knows* SHORTEST 1..5]->(b:Person {name: 'B'}) RETURN p",
      "MATCH (a)-[e:Knows*1..2 (r, n | WHERE r.since > 2000)]->(b) RETURN e",
      "MATCH (a:Person), (b:City) WHERE a.city = b.name RETURN a, b",
      "MATCH (a) OPTIONAL MATCH (a)-[:Lives]->(c) RETURN a, c",
      "MATCH (n) WHERE n.name STARTS WITH 'A' OR n.name ENDS WITH 'z' RETURN n",
      "MATCH (n) WHERE n.name CONTAINS 'li' AND n.name =~ '.*e$' RETURN n",
      "MATCH (n) WHERE n.age IN [20, 30, 40] RETURN n.age",
      "MATCH (n) WHERE n.age IS NULL OR n.email IS NOT NULL RETURN n",
      "MATCH (n) WHERE NOT (n.age > 3 XOR n.age < 10) RETURN n",
      "MATCH (n) RETURN n.age * 2 + 1 - n.x / 3 % 2 ^ 2 AS v",
      "MATCH (n) RETURN -n.age, - -1, +2, 2 ^ -1",
      "MATCH (n) RETURN CASE WHEN n.age < 18 THEN 'minor' ELSE 'adult' END AS c",
      "MATCH (n) RETURN CASE n.kind WHEN 1 THEN 'a' WHEN 2 THEN 'b' END",
      "MATCH (n) RETURN [n.a, n.b][0], {x: n.a, y: [1, 2]}",
      "MATCH (n) RETURN count(DISTINCT n.city), sum(n.age), avg(n.age), min(n.age), max(n.age)",
      "MATCH (n) RETURN collect(n.name) AS names",
      "MATCH (n) RETURN lower(n.name), upper(n.name), substring(n.name, 0, 2), size(n.name)",
      "MATCH (n) RETURN coalesce(n.a, n.b, 0), abs(n.x), floor(1.5), ceil(1.5), round(2.5)",
      "RETURN to_int64('1'), to_double(1), to_string(2), date('2024-01-31'), timestamp('2024-01-31 "
      "12:00:00')",
      "MATCH (n) RETURN id(n), label(n)",
      "MATCH (n) RETURN n ORDER BY n.age DESC, n.name SKIP 10 LIMIT 5",
      "MATCH (n) WITH n.city AS city, count(*) AS c WHERE c > 1 RETURN city, c ORDER BY c DESC",
      "MATCH (n) WITH DISTINCT n.city AS city ORDER BY city LIMIT 3 RETURN city",
      "MATCH (n) WITH * RETURN n",
      "UNWIND [1, 2, 3] AS x RETURN x",
      "UNWIND $list AS x WITH x WHERE x > $min RETURN sum(x)",
      "CREATE (:Person {name: 'Alice', age: 30})",
      "CREATE (a:P {id: 1})-[:K {w: 0.5}]->(b:P {id: 2})",
      "MATCH (a:P {id: 1}), (b:P {id: 2}) CREATE (a)-[:K {since: 2020}]->(b)",
      "MATCH (n:P) SET n.age = n.age + 1, n.name = upper(n.name)",
      "MATCH (n:P)-[r:K]->() DELETE r",
      "MATCH (n:P) SET n += {age: 1, name: 'x'}, n = {age: $a}",
      "MATCH (n:P) REMOVE n.age, n.name RETURN n",
      "MERGE (a:P {id: 1})-[:K {since: 2020}]->(b:P {id: 2})-[:K]->(c:P {id: 3})",
      "MATCH (n:P) DETACH DELETE n",
      "MATCH (n:P) WHERE n.id = 3 DELETE n",
      "MERGE (n:P {id: 5}) ON CREATE SET n.created = TRUE ON MATCH SET n.seen = n.seen + 1",
      "CALL show_tables() RETURN *",
      "CALL table_info('Person') RETURN *",
      "MATCH (a:A) RETURN a.x AS x UNION ALL MATCH (b:B) RETURN b.x AS x",
      "RETURN 1 AS x UNION RETURN 2 AS x",
      "RETURN 'it\\'s', \"dq\", '\\n\\t\\\\', '\\u00e9', 1.5e10, 0.001, -9223372036854775808",
      "RETURN TRUE, FALSE, NULL, $p, `odd name`",
      "MATCH (`my n`:`My Label`) RETURN `my n`.`my prop` AS `the value`",
      "CREATE NODE TABLE Person(name STRING, age INT64, PRIMARY KEY (name))",
      "CREATE NODE TABLE IF NOT EXISTS T(id SERIAL, d DATE DEFAULT date('2024-01-01'), PRIMARY KEY (id))",
      "CREATE REL TABLE Knows(FROM Person TO Person, since INT64)",
      "DROP TABLE Knows",
      "ALTER TABLE Person ADD email STRING DEFAULT ''",
      "ALTER TABLE Person DROP email",
      "ALTER TABLE Person RENAME TO People",
      "ALTER TABLE Person RENAME age TO years",
      "BEGIN TRANSACTION",
      "BEGIN TRANSACTION READ ONLY",
      "COMMIT",
      "ROLLBACK",
      "CHECKPOINT",
      "EXPLAIN MATCH (n) RETURN n",
      "PROFILE MATCH (a)-[:K]->(b) RETURN count(*)",
      "MATCH (a)-->(b)<--(c)--(d) RETURN a",
      "MATCH (n) WHERE (n.a + n.b) * n.c > 0 AND (n.x OR n.y) RETURN n",
      "MATCH (n) WHERE n.a = (n.b = n.c) RETURN n",
      "MATCH (n) RETURN n.list[1 + 1], (n.a + 1).b",
  };
  return corpus;
}

TEST(ParserRoundTripTest, PrintParsePrintIsStable) {
  ASSERT_GE(Corpus().size(), 50u);
  for (const std::string& text : Corpus()) {
    auto first = ParseCypher(text);
    ASSERT_TRUE(first.ok()) << text << "\n" << first.status().ToString();
    ASSERT_EQ(first->size(), 1u) << text;
    std::string printed = ToString(*(*first)[0]);
    auto second = ParseCypher(printed);
    ASSERT_TRUE(second.ok()) << printed << "\n" << second.status().ToString();
    ASSERT_EQ(second->size(), 1u);
    EXPECT_EQ(ToString(*(*second)[0]), printed) << "original: " << text;
  }
}

TEST(ParserRoundTripTest, AllStatementsAtOnce) {
  std::string script;
  for (const std::string& text : Corpus()) script += text + ";\n";
  auto r = ParseCypher(script);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->size(), Corpus().size());
}

TEST(ParserFuzzTest, EveryPrefixParsesOrGivesAPositionedError) {
  for (const std::string& text : Corpus()) {
    for (size_t n = 0; n <= text.size(); ++n) {
      std::string prefix = text.substr(0, n);
      auto r = ParseCypher(prefix);
      if (r.ok()) {
        for (const auto& s : *r) {
          std::string printed = ToString(*s);
          auto again = ParseCypher(printed);
          ASSERT_TRUE(again.ok()) << prefix << " -> " << printed;
        }
        continue;
      }
      const std::string& m = r.status().message();
      ASSERT_EQ(m.rfind("Parser error at line ", 0), 0u) << prefix << ": " << m;
      // Three lines: message, source line, caret.
      size_t first = m.find('\n');
      ASSERT_NE(first, std::string::npos) << m;
      size_t second = m.find('\n', first + 1);
      ASSERT_NE(second, std::string::npos) << m;
      EXPECT_EQ(m.back(), '^') << m;
      // The column in the message matches the caret.
      size_t col_at = m.find("column ") + 7;
      size_t column = std::stoul(m.substr(col_at));
      EXPECT_EQ(m.size() - second - 1, column) << prefix << "\n" << m;
    }
  }
}

TEST(ParserFuzzTest, GarbageBytesNeverCrash) {
  // Deterministic pseudo-random inputs built from Cypher-ish fragments.
  static const char* const kPieces[] = {
      "MATCH", " ", "(", ")", "[", "]", "{", "}", "-", ">", "<", ":", "*", "..", "'", "\"",
      "`",     "n", "RETURN", ",", "1", "2.5", "WHERE", "=", "AND", "NOT", "CASE", "END",
      "\n",    "$", ";", "/*", "*/", "//", "\\", "\xC3\xA9", "\xFF", "|", "^", "%", "IS", "NULL"};
  uint64_t state = 12345;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    int pieces = static_cast<int>(state % 30);
    for (int i = 0; i < pieces; ++i) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      text += kPieces[(state >> 33) % (sizeof(kPieces) / sizeof(kPieces[0]))];
    }
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    auto r = ParseCypher(text);
    if (!r.ok()) {
      EXPECT_EQ(r.status().message().rfind("Parser error at line ", 0), 0u) << text;
    }
  }
}

}  // namespace
}  // namespace query
}  // namespace ruzu
