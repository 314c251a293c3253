// NewDatabaseExecutor for builds without the Cypher engine.
#include "tools/shell/database_executor.h"

namespace ruzu {
namespace shell {
namespace {

class StubExecutor : public Executor {
 public:
  explicit StubExecutor(Database* db) : db_(db) {}
  Result<std::vector<ResultTable>> Run(std::string_view statement) override {
    return Unsupported("this build of ruzu has no Cypher engine");
  }
  void Interrupt() override {}
  Catalog CatalogSnapshot() override { return db_->CatalogSnapshot(); }

 private:
  Database* db_;
};

}  // namespace

std::unique_ptr<Executor> NewDatabaseExecutor(Database* db) { return std::make_unique<StubExecutor>(db); }

bool HaveCypherEngine() { return false; }

}  // namespace shell
}  // namespace ruzu
