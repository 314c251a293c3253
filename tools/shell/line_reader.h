// Interactive line input with editing and persistent history (libedit).
#ifndef RUZU_TOOLS_SHELL_LINE_READER_H_
#define RUZU_TOOLS_SHELL_LINE_READER_H_

#include <csignal>
#include <memory>
#include <string>

namespace ruzu {
namespace shell {

class LineReader {
 public:
  enum class ReadStatus { kLine, kEof, kInterrupted };

  // Reads from the terminal on standard input. `history_path` (may be empty:
  // no persistent history) is loaded now and saved after every entry.
  // `interrupted` is set by the caller's SIGINT handler; the handler must be
  // installed without SA_RESTART so that a Ctrl-C ends the read.
  LineReader(const char* program, std::string history_path, volatile std::sig_atomic_t* interrupted);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Shows `prompt` and reads one line into `line` (without its line break).
  // kInterrupted: Ctrl-C was pressed (the flag is cleared again).
  ReadStatus Read(const std::string& prompt, std::string* line);

  // Adds a non-empty line to the history (and saves the history file).
  void AddHistory(const std::string& line);

  struct State;

 private:
  std::unique_ptr<State> state_;
};

// ~/.ruzu_history, or "" when HOME is not set.
std::string DefaultHistoryPath();

// Makes the C library's multibyte functions UTF-8 (libedit needs them for
// non-ASCII input): the user's locale when it is UTF-8, else C.UTF-8.
void UseUtf8Locale();

}  // namespace shell
}  // namespace ruzu

#endif  // RUZU_TOOLS_SHELL_LINE_READER_H_
