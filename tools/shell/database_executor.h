// The Executor over a Database that the ruzu binary uses: Cypher through
// ruzu::Connection (connection_executor.cc).
#ifndef RUZU_TOOLS_SHELL_DATABASE_EXECUTOR_H_
#define RUZU_TOOLS_SHELL_DATABASE_EXECUTOR_H_

#include <memory>

#include "db/database.h"
#include "tools/shell/executor.h"

namespace ruzu {
namespace shell {

// REQUIRES: `db` outlives the executor.
std::unique_ptr<Executor> NewDatabaseExecutor(Database* db);

}  // namespace shell
}  // namespace ruzu

#endif  // RUZU_TOOLS_SHELL_DATABASE_EXECUTOR_H_
