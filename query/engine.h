// Runs one parsed statement (a query, DDL, CALL, EXPLAIN/PROFILE) against a
// GraphStore. Transaction control (BEGIN/COMMIT/ROLLBACK/CHECKPOINT) is the
// caller's (db/connection.cc): it picks the store and commits.
#ifndef RUZU_QUERY_ENGINE_H_
#define RUZU_QUERY_ENGINE_H_

#include <atomic>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "common/status.h"
#include "common/types.h"
#include "query/ast.h"
#include "query/graph.h"

namespace ruzu {
namespace query {

// The materialized rows of one statement.
struct ResultTable {
  std::vector<std::string> column_names;
  std::vector<LogicalType> column_types;
  std::vector<std::vector<Value>> rows;
};

struct StatementContext {
  std::string_view text;  // the whole query text (for error positions)
  GraphStore* store = nullptr;
  // The catalog as the statement's transaction sees it; DDL updates it.
  Catalog* catalog = nullptr;
  const std::map<std::string, Value>* parameters = nullptr;
  const std::atomic<bool>* interrupted = nullptr;
  // Bytes the statement may hold in rows it keeps (0: no limit).
  uint64_t memory_limit = 0;
  // Set when the statement changed the database (so a failure after it
  // may have left partial changes).
  bool wrote = false;
};

// Executes `statement` (not a transaction-control statement).
Result<ResultTable> ExecuteStatement(const Statement& statement, StatementContext* ctx);

// Binds `statement` without running it (for Prepare): reports unknown names
// and type errors. Parameters bind as ANY.
Status CheckStatement(const Statement& statement, std::string_view text, const Catalog& catalog);

}  // namespace query
}  // namespace ruzu

#endif  // RUZU_QUERY_ENGINE_H_
