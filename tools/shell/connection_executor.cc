// NewDatabaseExecutor over ruzu::Connection.
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "db/connection.h"
#include "tools/shell/database_executor.h"
#include "tools/shell/format.h"

namespace ruzu {
namespace shell {
namespace {

class ConnectionExecutor : public Executor {
 public:
  explicit ConnectionExecutor(Database* db) : db_(db), connection_(db) {
    // A progress bar on a terminal for imports that take over a second.
    if (::isatty(STDERR_FILENO)) {
      connection_.SetProgressCallback([this](const QueryProgress& p) { ShowProgress(p); });
    }
  }

  Result<std::vector<ResultTable>> Run(std::string_view statement) override {
    running_ = true;
    Result<std::unique_ptr<QueryResult>> result = connection_.Query(statement);
    running_ = false;
    if (progress_shown_) {
      std::fputs("\r\033[K", stderr);  // clear the bar
      progress_shown_ = false;
      last_progress_seconds_ = 0;
    }
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
  void ShowProgress(const QueryProgress& p) {
    if (p.seconds < 1.0 || p.seconds - last_progress_seconds_ < 0.1) return;
    last_progress_seconds_ = p.seconds;
    struct winsize size {};
    size_t width = ::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0 ? size.ws_col : 80;
    std::string line = ProgressLine(p.bytes_done, p.bytes_total, p.rows, p.seconds, width - 1);
    std::fprintf(stderr, "\r%s\033[K", line.c_str());
    std::fflush(stderr);
    progress_shown_ = true;
  }

  static_assert(std::atomic<bool>::is_always_lock_free, "used from a signal handler");
  Database* db_;
  Connection connection_;
  std::atomic<bool> running_{false};
  bool progress_shown_ = false;
  double last_progress_seconds_ = 0;
};

}  // namespace

std::unique_ptr<Executor> NewDatabaseExecutor(Database* db) { return std::make_unique<ConnectionExecutor>(db); }


}  // namespace shell
}  // namespace ruzu
