// The ruzu shell's logic, without terminal or file handling: feeds input
// lines through a StatementSplitter, runs `:commands` and statements on an
// Executor and prints results in the chosen OutputMode.
//
//   FakeExecutor exec;
//   std::ostringstream out, err;
//   Shell shell(&exec, ShellOptions(), &out, &err);
//   shell.RunScript("MATCH (p:Person) RETURN p.name;");
//   int status = shell.exit_code();
//
// Commands (a line starting with ':' between statements): :help, :quit,
// :timer on|off, :mode box|csv|tsv|json|markdown|list, :schema.
#ifndef RUZU_TOOLS_SHELL_SHELL_H_
#define RUZU_TOOLS_SHELL_SHELL_H_

#include <csignal>
#include <ostream>
#include <string>
#include <string_view>

#include "common/status.h"
#include "tools/shell/executor.h"
#include "tools/shell/format.h"
#include "tools/shell/splitter.h"

namespace ruzu {
namespace shell {

struct ShellOptions {
  OutputMode mode = OutputMode::kBox;
  // Print each statement's elapsed time (box mode: in the row-count line;
  // other modes: on the error stream, so the output stays machine-readable).
  bool timer = false;
  // Interactive input: errors do not name input lines.
  bool interactive = false;
  // Stop at the first failing statement or command.
  bool bail = false;
  // When set (e.g. by a SIGINT handler), no further statement runs.
  const volatile std::sig_atomic_t* stop = nullptr;
};

class Shell {
 public:
  // REQUIRES: all pointers outlive the shell.
  Shell(Executor* executor, ShellOptions options, std::ostream* out, std::ostream* err);

  // Feeds one input line (without its line break): runs a command, or the
  // statements the line completes.
  void ProcessLine(std::string_view line);
  // Feeds `text` line by line, then Finish(). Stops early when done().
  void RunScript(std::string_view text);
  // End of input: runs a statement left without its ';'.
  void Finish();
  // Drops a partly entered statement (Ctrl-C at the prompt).
  void CancelInput() { splitter_.Clear(); }

  // Whether a statement is partly entered (continuation prompt).
  bool NeedsMoreInput() const { return splitter_.HasPending(); }
  // After :quit, after a failure with options.bail, or once *options.stop.
  bool done() const { return done_; }
  // 0 when every statement and command succeeded, 1 otherwise.
  int exit_code() const { return failed_ ? 1 : 0; }
  const ShellOptions& options() const { return options_; }

  static std::string HelpText();
  // The tables of `catalog` as the CREATE statements that make them.
  static std::string SchemaText(const Catalog& catalog);

 private:
  void RunStatement(const Statement& statement);
  void RunCommand(std::string_view line);
  void Fail(const std::string& message, size_t line);

  Executor* executor_;
  ShellOptions options_;
  std::ostream* out_;
  std::ostream* err_;
  StatementSplitter splitter_;
  bool done_ = false;
  bool failed_ = false;
};

// "1.2 ms", "12.3 ms", "1.23 s".
std::string FormatElapsed(double ms);

}  // namespace shell
}  // namespace ruzu

#endif  // RUZU_TOOLS_SHELL_SHELL_H_
