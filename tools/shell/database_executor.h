// The Executor over a Database that the ruzu binary uses. Two
// implementations: connection_executor.cc (ruzu::Connection, the Cypher
// engine) and stub_executor.cc (for builds without the engine: every
// statement fails with kUnsupported; :schema works).
#ifndef RUZU_TOOLS_SHELL_DATABASE_EXECUTOR_H_
#define RUZU_TOOLS_SHELL_DATABASE_EXECUTOR_H_

#include <memory>

#include "db/database.h"
#include "tools/shell/executor.h"

namespace ruzu {
namespace shell {

// REQUIRES: `db` outlives the executor.
std::unique_ptr<Executor> NewDatabaseExecutor(Database* db);

// Whether this build runs Cypher (false with stub_executor.cc).
bool HaveCypherEngine();

}  // namespace shell
}  // namespace ruzu

#endif  // RUZU_TOOLS_SHELL_DATABASE_EXECUTOR_H_
