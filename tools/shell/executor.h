// The shell's view of a database: something that runs one Cypher statement
// and returns rows. The ruzu binary adapts ruzu::Connection to it
// (connection_executor.cc); tests use a fake.
#ifndef RUZU_TOOLS_SHELL_EXECUTOR_H_
#define RUZU_TOOLS_SHELL_EXECUTOR_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "common/status.h"
#include "common/types.h"

namespace ruzu {
namespace shell {

// The rows of one statement, materialized, as the shell prints them.
struct ResultTable {
  std::vector<std::string> names;
  std::vector<LogicalType> types;  // one per name
  std::vector<std::vector<Value>> rows;  // each with names.size() values
};

class Executor {
 public:
  virtual ~Executor() = default;

  // Runs `statement` (one statement without its ';'). Returns one table per
  // statement the engine ran (usually exactly one), or the error.
  virtual Result<std::vector<ResultTable>> Run(std::string_view statement) = 0;

  // Asks the running statement, if any, to stop. Must be async-signal-safe:
  // the ruzu binary calls it from its SIGINT handler.
  virtual void Interrupt() = 0;

  // The committed tables, for `:schema`.
  virtual Catalog CatalogSnapshot() = 0;
};

}  // namespace shell
}  // namespace ruzu

#endif  // RUZU_TOOLS_SHELL_EXECUTOR_H_
