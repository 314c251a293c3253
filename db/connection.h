// Connection: runs Cypher against a Database.
//
//   ruzu::Connection conn(db.get());
//   auto result = conn.Query("MATCH (p:Person) WHERE p.age > 30 RETURN p.name ORDER BY p.name");
//   if (!result.ok()) { ... result.status().message() has "line L, column C" ... }
//   for (size_t r = 0; r < (*result)->num_rows(); r++) (*result)->Get(r, 0).ToString();
//
// A statement outside an explicit transaction (BEGIN TRANSACTION ... COMMIT)
// runs in its own transaction and commits when it succeeds. A failing
// statement inside a transaction rolls back only its own changes. Several
// connections may share a database: any number read at once, one writes at a
// time. A Connection is used by one thread at a time.
#ifndef RUZU_DB_CONNECTION_H_
#define RUZU_DB_CONNECTION_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/types.h"
#include "db/database.h"

namespace ruzu {

// The rows of one statement, materialized.
class QueryResult {
 public:
  QueryResult(std::vector<std::string> names, std::vector<LogicalType> types);

  const std::vector<std::string>& column_names() const { return names_; }
  const std::vector<LogicalType>& column_types() const { return types_; }
  size_t num_columns() const { return names_.size(); }
  size_t num_rows() const { return rows_.size(); }
  // REQUIRES: row < num_rows(), column < num_columns().
  const Value& Get(size_t row, size_t column) const { return rows_[row][column]; }
  const std::vector<Value>& Row(size_t row) const { return rows_[row]; }

  // Time spent compiling and executing the statement.
  double compile_ms() const { return compile_ms_; }
  double execute_ms() const { return execute_ms_; }

  // An aligned table with a header of column names and types, as KuzuDB's
  // shell prints it, followed by nothing else (callers add row counts).
  std::string ToString() const;

  // The result of the next statement when the query text held several.
  QueryResult* next() const { return next_.get(); }

  // --- for the engine
  void AddRow(std::vector<Value> row) { rows_.push_back(std::move(row)); }
  void set_times(double compile_ms, double execute_ms) {
    compile_ms_ = compile_ms;
    execute_ms_ = execute_ms;
  }
  void set_next(std::unique_ptr<QueryResult> next) { next_ = std::move(next); }

 private:
  std::vector<std::string> names_;
  std::vector<LogicalType> types_;
  std::vector<std::vector<Value>> rows_;
  double compile_ms_ = 0, execute_ms_ = 0;
  std::unique_ptr<QueryResult> next_;
};

// A parsed and bound statement with $parameters, run by Connection::Execute.
class PreparedStatement {
 public:
  virtual ~PreparedStatement() = default;
  // Parameter names the statement uses (without '$').
  virtual std::vector<std::string> parameter_names() const = 0;
};

// How far a long statement (COPY FROM) has got, for progress bars.
struct QueryProgress {
  uint64_t bytes_done = 0;   // of the input files
  uint64_t bytes_total = 0;
  uint64_t rows = 0;         // imported so far
  double seconds = 0;        // since the statement started
};

class Connection {
 public:
  // REQUIRES: `db` outlives the connection.
  explicit Connection(Database* db);
  // Rolls back an open explicit transaction.
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs every `;`-separated statement in order and returns the first
  // statement's result, the others chained through QueryResult::next(). Stops
  // at the first error, which names the statement's line and column where
  // it applies; statements before it keep their effects.
  Result<std::unique_ptr<QueryResult>> Query(std::string_view cypher);

  // One statement with $name parameters.
  Result<std::unique_ptr<PreparedStatement>> Prepare(std::string_view cypher);
  Result<std::unique_ptr<QueryResult>> Execute(PreparedStatement* statement,
                                               const std::map<std::string, Value>& parameters);

  // Whether an explicit transaction (BEGIN TRANSACTION) is open.
  bool in_transaction() const;

  // Asks the running statement to stop (safe from another thread or a signal
  // handler); it then fails with "Interrupted" and rolls back its changes.
  void Interrupt() { interrupted_ = true; }

  // Called from the running statement's thread as a COPY FROM progresses
  // (after every batch of rows, so many times a second).
  void SetProgressCallback(std::function<void(const QueryProgress&)> callback);

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> interrupted_{false};
};

}  // namespace ruzu

#endif  // RUZU_DB_CONNECTION_H_
