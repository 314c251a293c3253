// NewDatabaseExecutor over ruzu::Connection.
#include <atomic>

#include "db/connection.h"
#include "tools/shell/database_executor.h"

namespace ruzu {
namespace shell {
namespace {

class ConnectionExecutor : public Executor {
 public:
  explicit ConnectionExecutor(Database* db) : db_(db), connection_(db) {}

  Result<std::vector<ResultTable>> Run(std::string_view statement) override {
    running_ = true;
    Result<std::unique_ptr<QueryResult>> result = connection_.Query(statement);
    running_ = false;
    if (!result.ok()) return result.status();
    std::vector<ResultTable> tables;
    for (const QueryResult* r = result->get(); r != nullptr; r = r->next()) {
      ResultTable table;
      table.names = r->column_names();
      table.types = r->column_types();
      table.rows.reserve(r->num_rows());
      for (size_t i = 0; i < r->num_rows(); i++) table.rows.push_back(r->Row(i));
      tables.push_back(std::move(table));
    }
    return tables;
  }

  // Only while a statement runs, so that a Ctrl-C at the prompt does not
  // cancel the next statement.
  void Interrupt() override {
    if (running_) connection_.Interrupt();
  }

  Catalog CatalogSnapshot() override { return db_->CatalogSnapshot(); }

 private:
  static_assert(std::atomic<bool>::is_always_lock_free, "used from a signal handler");
  Database* db_;
  Connection connection_;
  std::atomic<bool> running_{false};
};

}  // namespace

std::unique_ptr<Executor> NewDatabaseExecutor(Database* db) { return std::make_unique<ConnectionExecutor>(db); }


}  // namespace shell
}  // namespace ruzu
