#include "tools/shell/line_reader.h"

#include <errno.h>
#include <histedit.h>
#include <langinfo.h>
#include <unistd.h>

#include <clocale>
#include <cstdlib>
#include <cstring>

namespace ruzu {
namespace shell {

struct LineReader::State {
  EditLine* el = nullptr;
  History* history = nullptr;
  std::string history_path;
  std::string prompt;
  volatile std::sig_atomic_t* interrupted = nullptr;
};

namespace {

char* PromptFn(EditLine* el) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  return const_cast<char*>(static_cast<LineReader::State*>(data)->prompt.c_str());
}

// Reads one byte; 1 on success, 0 at end of input, -1 on error or Ctrl-C.
int ReadByte(LineReader::State* st, unsigned char* b) {
  while (true) {
    const ssize_t n = ::read(STDIN_FILENO, b, 1);
    if (n == 1) return 1;
    if (n == 0) return 0;
    if (errno != EINTR || *st->interrupted) return -1;
  }
}

// libedit's character reader, replaced so that Ctrl-C ends el_gets at once
// (the built-in one retries an interrupted read). Decodes UTF-8; an invalid
// sequence reads as U+FFFD.
int GetCharFn(EditLine* el, wchar_t* out) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  auto* st = static_cast<LineReader::State*>(data);
  unsigned char b0;
  int rc = ReadByte(st, &b0);
  if (rc != 1) return rc;
  size_t len = b0 < 0x80 ? 1 : (b0 & 0xE0) == 0xC0 ? 2 : (b0 & 0xF0) == 0xE0 ? 3 : (b0 & 0xF8) == 0xF0 ? 4 : 0;
  if (len == 0) {
    *out = 0xFFFD;
    return 1;
  }
  uint32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (size_t i = 1; i < len; i++) {
    unsigned char b;
    rc = ReadByte(st, &b);
    if (rc != 1) return rc;
    if ((b & 0xC0) != 0x80) {
      *out = 0xFFFD;
      return 1;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  *out = static_cast<wchar_t>(cp);
  return 1;
}

}  // namespace

std::string DefaultHistoryPath() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return "";
  return std::string(home) + "/.ruzu_history";
}

void UseUtf8Locale() {
  if (std::setlocale(LC_CTYPE, "") != nullptr) {
    const char* codeset = nl_langinfo(CODESET);
    if (codeset != nullptr && (std::strcmp(codeset, "UTF-8") == 0 || std::strcmp(codeset, "utf8") == 0)) return;
  }
  if (std::setlocale(LC_CTYPE, "C.UTF-8") == nullptr) std::setlocale(LC_CTYPE, "C.utf8");
}

LineReader::LineReader(const char* program, std::string history_path, volatile std::sig_atomic_t* interrupted)
    : state_(new State) {
  state_->history_path = std::move(history_path);
  state_->interrupted = interrupted;
  HistEvent ev;
  state_->history = history_init();
  history(state_->history, &ev, H_SETSIZE, 2000);
  history(state_->history, &ev, H_SETUNIQUE, 1);
  if (!state_->history_path.empty()) history(state_->history, &ev, H_LOAD, state_->history_path.c_str());
  state_->el = el_init(program, stdin, stdout, stderr);
  el_set(state_->el, EL_CLIENTDATA, state_.get());
  el_set(state_->el, EL_EDITOR, "emacs");
  el_set(state_->el, EL_PROMPT, PromptFn);
  el_set(state_->el, EL_HIST, history, state_->history);
  el_set(state_->el, EL_GETCFN, GetCharFn);
  el_set(state_->el, EL_BIND, "^R", "em-inc-search-prev", nullptr);
  el_source(state_->el, nullptr);  // ~/.editrc
}

LineReader::~LineReader() {
  el_end(state_->el);
  history_end(state_->history);
}

LineReader::ReadStatus LineReader::Read(const std::string& prompt, std::string* line) {
  state_->prompt = prompt;
  *state_->interrupted = 0;
  int count = 0;
  const char* text = el_gets(state_->el, &count);
  if (*state_->interrupted) {
    *state_->interrupted = 0;
    return ReadStatus::kInterrupted;
  }
  if (text == nullptr || count <= 0) return ReadStatus::kEof;
  line->assign(text, static_cast<size_t>(count));
  while (!line->empty() && (line->back() == '\n' || line->back() == '\r')) line->pop_back();
  return ReadStatus::kLine;
}

void LineReader::AddHistory(const std::string& line) {
  if (line.find_first_not_of(" \t") == std::string::npos) return;
  HistEvent ev;
  history(state_->history, &ev, H_ENTER, line.c_str());
  if (!state_->history_path.empty()) history(state_->history, &ev, H_SAVE, state_->history_path.c_str());
}

}  // namespace shell
}  // namespace ruzu
