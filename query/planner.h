// Binder + planner: turns a parsed statement into a tree of physical
// operators (query/operators.h), resolving names and types against the
// catalog on the way.
//
// Binding errors name the unknown table, property, variable or function and
// carry the line and column of the offending expression:
//   Binder error at line 1, column 8: table Persn does not exist
//   MATCH (p:Persn) RETURN p
//          ^
//
// Planning of MATCH: inline property maps and the WHERE conjuncts become
// predicates; each connected part of the pattern starts at a node already
// bound by an earlier clause, else at a primary-key lookup (`n.key = value`
// where the value reads only what is bound: a literal, a parameter, an
// earlier variable), else at the scan with the fewest expected rows (table
// size, divided by 4 per predicate on that node alone), joined by hash to
// what is bound when an equality links them; the rest is reached by Extend
// or VarLengthExtend from the bound side (a variable-length pattern first
// looks up its other end when it has a key, so a shortest-path search knows
// both ends). Each predicate runs as soon as every variable it reads is
// bound (inside the scan when it reads only the scanned node).
//
// A MATCH whose rows only feed aggregates without grouping keys (count(*),
// count(v), and count/sum/avg/min/max of one pattern node's values) is
// planned as CountPaths when its pattern is a set of acyclic chains of single
// hops and each predicate reads one variable: the rows are counted per node
// instead of produced (EXPLAIN shows CountPaths). Finally PruneColumns lets
// each Extend copy only the columns read above it.
#ifndef RUZU_QUERY_PLANNER_H_
#define RUZU_QUERY_PLANNER_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "common/status.h"
#include "common/types.h"
#include "query/ast.h"
#include "query/graph.h"
#include "query/operators.h"

namespace ruzu {
namespace query {

struct PlannedQuery {
  OperatorPtr root;
  std::vector<std::string> column_names;
  std::vector<LogicalType> column_types;
  // Whether the plan contains updating clauses.
  bool writes = false;
};

struct PlanOptions {
  // Plans aggregates over a MATCH as CountPaths where the pattern allows (off:
  // always the row-by-row plan, which tests compare it with).
  bool factorize_counts = true;
  // Lets Extend copy only the columns read above it (PruneColumns).
  bool prune_columns = true;
};

// Binds and plans a query statement. `parameters` gives the values (and so
// the types) of $parameters; a parameter missing from it binds as type ANY
// (for Prepare). `store` is used for cardinality estimates only (may be
// null). `wrote` is set by the writing operators (CREATE, SET, DELETE, MERGE)
// when they write.
Result<PlannedQuery> PlanQuery(const QueryStatement& statement, std::string_view text, const Catalog& catalog,
                               const std::map<std::string, Value>& parameters, GraphStore* store, bool* wrote,
                               const PlanOptions& options = PlanOptions());

// Whether a statement needs a read-write transaction.
bool StatementWrites(const Statement& statement);

// Names of the $parameters a statement uses.
std::vector<std::string> CollectParameters(const Statement& statement);

// Formats a binder error the way parser errors are formatted, with
// "Binder error" in place of "Parser error".
Status BinderError(std::string_view text, const SourcePosition& position, const std::string& message,
                   StatusCode code = StatusCode::kInvalidArgument);

}  // namespace query
}  // namespace ruzu

#endif  // RUZU_QUERY_PLANNER_H_
