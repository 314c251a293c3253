// generate_graph: writes the deterministic social graph of
// tools/bench/social_graph.h as CSV files that KuzuDB's COPY FROM reads.
//
//   generate_graph --persons=1000000 --degree=10 --seed=1 --out=DIR [--header]
//
// Writes DIR/persons.csv (id,name,age,birthday,score), DIR/knows.csv
// (from,to,since) and DIR/schema.cypher (the CREATE TABLE statements), then
// prints rows, bytes and seconds per file. CSV: comma-separated, one row per
// line, no header unless --header, DATE as YYYY-MM-DD, DOUBLE in the shortest
// form that reads back exactly, strings quoted only when they contain a
// comma, a quote or a line break. The same flags give byte-identical files.
// Exit status: 0 on success, 1 on an I/O error, 2 on bad usage.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/types.h"
#include "storage/file_system.h"
#include "tools/bench/social_graph.h"

namespace ruzu {
namespace {

constexpr char kUsage[] =
    "usage: generate_graph --persons=N --degree=D --out=DIR [--seed=S] [--header]\n"
    "Writes a deterministic social graph of N persons and N*D Knows edges as CSV:\n"
    "  DIR/persons.csv   id,name,age,birthday,score\n"
    "  DIR/knows.csv     from,to,since\n"
    "  DIR/schema.cypher CREATE NODE TABLE / CREATE REL TABLE statements\n"
    "  --seed=S          graph seed (default 1); the same flags give the same files\n"
    "  --header          start each CSV file with a line of column names\n";

// Writes a text file through FileSystem in large writes, with helpers for
// CSV fields. Fields go into an in-memory buffer; EndRow() writes it out once
// it holds kFlushBytes.
class TextFileWriter {
 public:
  static constexpr size_t kFlushBytes = size_t{4} << 20;

  // Creates or truncates `path`.
  static Result<std::unique_ptr<TextFileWriter>> Create(FileSystem* fs, const std::string& path) {
    OpenOptions options;
    options.create = true;
    ASSIGN_OR_RETURN(std::unique_ptr<File> file, fs->Open(path, options));
    RETURN_IF_ERROR(file->Truncate(0));
    return std::unique_ptr<TextFileWriter>(new TextFileWriter(std::move(file)));
  }

  void Int(int64_t v) {
    Reserve(24);
    used_ = static_cast<size_t>(std::to_chars(Tail(), Tail() + 24, v).ptr - buffer_.get());
  }
  void Double(double v) {
    Reserve(32);
    used_ = static_cast<size_t>(std::to_chars(Tail(), Tail() + 32, v).ptr - buffer_.get());
  }
  // YYYY-MM-DD for days since 1970-01-01.
  void Date(int32_t days) { Raw(FormatDate(days)); }
  // A string field, quoted (with doubled quotes) only when it needs to be.
  void String(std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
      Raw(s);
      return;
    }
    Reserve(2 * s.size() + 2);
    char* out = Tail();
    *out++ = '"';
    for (char c : s) {
      if (c == '"') *out++ = '"';
      *out++ = c;
    }
    *out++ = '"';
    used_ = static_cast<size_t>(out - buffer_.get());
  }
  void Comma() { Raw(","); }
  // Text written as is.
  void Raw(std::string_view s) {
    Reserve(s.size());
    std::memcpy(Tail(), s.data(), s.size());
    used_ += s.size();
  }

  Status EndRow() {
    Raw("\n");
    rows_++;
    return used_ >= kFlushBytes ? Flush() : Status::OK();
  }

  // Writes what is buffered. The file is not synced: it is input for a
  // later import, not data the generator promises to keep.
  Status Finish() { return Flush(); }

  uint64_t rows() const { return rows_; }
  uint64_t bytes() const { return offset_ + used_; }

 private:
  explicit TextFileWriter(std::unique_ptr<File> file)
      : file_(std::move(file)), capacity_(kFlushBytes + (64 << 10)), buffer_(new char[capacity_]) {}

  char* Tail() { return buffer_.get() + used_; }

  // Grows the buffer when a field would not fit; only very long strings do.
  void Reserve(size_t n) {
    if (used_ + n <= capacity_) return;
    size_t capacity = std::max(2 * capacity_, used_ + n);
    std::unique_ptr<char[]> bigger(new char[capacity]);
    std::memcpy(bigger.get(), buffer_.get(), used_);
    buffer_ = std::move(bigger);
    capacity_ = capacity;
  }

  Status Flush() {
    RETURN_IF_ERROR(file_->WriteAt(offset_, buffer_.get(), used_));
    offset_ += used_;
    used_ = 0;
    return Status::OK();
  }

  std::unique_ptr<File> file_;
  size_t capacity_;
  std::unique_ptr<char[]> buffer_;
  size_t used_ = 0;
  uint64_t offset_ = 0;
  uint64_t rows_ = 0;
};

struct Options {
  bench::SocialGraphSpec spec;
  std::string out;
  bool header = false;
};

// Parses "--name=value" flags. Returns false (after printing why) on bad usage.
bool ParseOptions(int argc, char** argv, Options* options) {
  bool have_persons = false, have_degree = false;
  for (int i = 1; i < argc; i++) {
    std::string_view arg = argv[i];
    std::string_view name = arg.substr(0, arg.find('='));
    std::string_view value = name.size() < arg.size() ? arg.substr(name.size() + 1) : std::string_view();
    auto number = [&](uint64_t* out) {
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), *out);
      if (value.empty() || error != std::errc() || end != value.data() + value.size()) {
        std::fprintf(stderr, "generate_graph: %.*s needs a non-negative integer, not '%.*s'\n",
                     static_cast<int>(name.size()), name.data(), static_cast<int>(value.size()),
                     value.data());
        return false;
      }
      return true;
    };
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (arg == "--header") {
      options->header = true;
    } else if (name == "--persons") {
      if (!number(&options->spec.persons)) return false;
      have_persons = true;
    } else if (name == "--degree") {
      if (!number(&options->spec.degree)) return false;
      have_degree = true;
    } else if (name == "--seed") {
      if (!number(&options->spec.seed)) return false;
    } else if (name == "--out" && !value.empty()) {
      options->out = std::string(value);
    } else {
      std::fprintf(stderr, "generate_graph: unknown or incomplete argument '%s'\n", argv[i]);
      return false;
    }
  }
  if (!have_persons || !have_degree || options->out.empty()) {
    std::fputs("generate_graph: --persons, --degree and --out are required\n", stderr);
    return false;
  }
  Status valid = options->spec.Validate();
  if (!valid.ok()) {
    std::fprintf(stderr, "generate_graph: %s\n", valid.message().c_str());
    return false;
  }
  return true;
}

// Creates `dir` and any missing parents.
Status CreateDirs(FileSystem* fs, const std::string& dir) {
  for (size_t slash = dir.find('/', 1); slash != std::string::npos; slash = dir.find('/', slash + 1)) {
    RETURN_IF_ERROR(fs->CreateDir(dir.substr(0, slash)));
  }
  return fs->CreateDir(dir);
}

double Seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void Report(const char* file, const TextFileWriter& writer, double seconds) {
  std::printf("%-13s %11llu rows %10.1f MiB %7.2f s %6.2fM rows/s %6.0f MiB/s\n", file,
              static_cast<unsigned long long>(writer.rows()), static_cast<double>(writer.bytes()) / (1 << 20),
              seconds, static_cast<double>(writer.rows()) / seconds / 1e6,
              static_cast<double>(writer.bytes()) / (1 << 20) / seconds);
}

Status WritePersons(FileSystem* fs, const Options& options, const bench::SocialGraph& graph) {
  double start = Seconds();
  ASSIGN_OR_RETURN(auto csv, TextFileWriter::Create(fs, options.out + "/persons.csv"));
  if (options.header) {
    csv->Raw("id,name,age,birthday,score");
    RETURN_IF_ERROR(csv->EndRow());
  }
  bench::PersonRow person;
  for (uint64_t i = 0; i < graph.persons(); i++) {
    graph.Person(i, &person);
    csv->Int(person.id);
    csv->Comma();
    csv->String(person.name);
    csv->Comma();
    csv->Int(person.age);
    csv->Comma();
    csv->Date(person.birthday);
    csv->Comma();
    csv->Double(person.score);
    RETURN_IF_ERROR(csv->EndRow());
  }
  RETURN_IF_ERROR(csv->Finish());
  Report("persons.csv", *csv, Seconds() - start);
  return Status::OK();
}

Status WriteKnows(FileSystem* fs, const Options& options, const bench::SocialGraph& graph) {
  double start = Seconds();
  ASSIGN_OR_RETURN(auto csv, TextFileWriter::Create(fs, options.out + "/knows.csv"));
  if (options.header) {
    csv->Raw("from,to,since");
    RETURN_IF_ERROR(csv->EndRow());
  }
  for (uint64_t j = 0; j < graph.knows(); j++) {
    const bench::KnowsRow knows = graph.Knows(j);
    csv->Int(knows.from);
    csv->Comma();
    csv->Int(knows.to);
    csv->Comma();
    csv->Int(knows.since);
    RETURN_IF_ERROR(csv->EndRow());
  }
  RETURN_IF_ERROR(csv->Finish());
  Report("knows.csv", *csv, Seconds() - start);
  return Status::OK();
}

Status WriteSchema(FileSystem* fs, const Options& options) {
  ASSIGN_OR_RETURN(auto out, TextFileWriter::Create(fs, options.out + "/schema.cypher"));
  out->Raw(bench::kSocialGraphSchema);
  RETURN_IF_ERROR(out->Finish());
  std::printf("%-13s %16s %10llu B\n", "schema.cypher", "", static_cast<unsigned long long>(out->bytes()));
  return Status::OK();
}

Status Generate(const Options& options) {
  FileSystem* fs = FileSystem::Default();
  RETURN_IF_ERROR(CreateDirs(fs, options.out));
  bench::SocialGraph graph(options.spec);
  std::printf("generating %llu persons, %llu knows (degree %llu, seed %llu) into %s\n",
              static_cast<unsigned long long>(graph.persons()),
              static_cast<unsigned long long>(graph.knows()),
              static_cast<unsigned long long>(options.spec.degree),
              static_cast<unsigned long long>(options.spec.seed), options.out.c_str());
  double start = Seconds();
  RETURN_IF_ERROR(WritePersons(fs, options, graph));
  RETURN_IF_ERROR(WriteKnows(fs, options, graph));
  RETURN_IF_ERROR(WriteSchema(fs, options));
  std::printf("total %.2f s\n", Seconds() - start);
  return Status::OK();
}

}  // namespace
}  // namespace ruzu

int main(int argc, char** argv) {
  ruzu::Options options;
  if (!ruzu::ParseOptions(argc, argv, &options)) {
    std::fputs(ruzu::kUsage, stderr);
    return 2;
  }
  ruzu::Status status = ruzu::Generate(options);
  if (!status.ok()) {
    std::fprintf(stderr, "generate_graph: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
