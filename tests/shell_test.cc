// The ruzu shell: statement splitting, output modes, :commands and exit
// codes against a fake Executor (tools/shell), and the ruzu binary run
// non-interactively when it is built with the Cypher engine.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/test_util.h"
#include "tools/shell/executor.h"
#include "tools/shell/format.h"
#include "tools/shell/shell.h"
#include "tools/shell/splitter.h"

namespace ruzu {
namespace shell {
namespace {

std::vector<std::string> Texts(const std::vector<Statement>& statements) {
  std::vector<std::string> out;
  for (const auto& s : statements) out.push_back(s.text);
  return out;
}

std::vector<std::string> SplitAll(std::string_view text) {
  StatementSplitter splitter;
  std::vector<std::string> out = Texts(splitter.Add(text));
  for (auto& s : Texts(splitter.Finish())) out.push_back(s);
  return out;
}

using Strings = std::vector<std::string>;

TEST(SplitterTest, SplitsOnSemicolons) {
  EXPECT_EQ(SplitAll("RETURN 1; RETURN 2;"), (Strings{"RETURN 1", "RETURN 2"}));
  EXPECT_EQ(SplitAll("  RETURN 1  ;\n\n RETURN 2 "), (Strings{"RETURN 1", "RETURN 2"}));
  EXPECT_EQ(SplitAll(";; ;\n;"), Strings{});
  EXPECT_EQ(SplitAll("MATCH (a)\nRETURN a;"), Strings{"MATCH (a)\nRETURN a"});
  EXPECT_EQ(SplitAll("RETURN 4/2;"), Strings{"RETURN 4/2"});
}

TEST(SplitterTest, IgnoresSemicolonsInLiteralsNamesAndComments) {
  EXPECT_EQ(SplitAll("RETURN 'a;b'; RETURN \"c;d\";"), (Strings{"RETURN 'a;b'", "RETURN \"c;d\""}));
  EXPECT_EQ(SplitAll(R"(RETURN 'it\'s;' ; RETURN "say \";\"";)"),
            (Strings{R"(RETURN 'it\'s;')", R"(RETURN "say \";\"")"}));
  EXPECT_EQ(SplitAll(R"(RETURN 'back\\'; RETURN 2;)"), (Strings{R"(RETURN 'back\\')", "RETURN 2"}));
  EXPECT_EQ(SplitAll("RETURN 1 AS `a;b`; RETURN 1 AS `x``;`;"),
            (Strings{"RETURN 1 AS `a;b`", "RETURN 1 AS `x``;`"}));
  EXPECT_EQ(SplitAll("RETURN 1 // not; the end\n+ 1; RETURN 2;"),
            (Strings{"RETURN 1 // not; the end\n+ 1", "RETURN 2"}));
  EXPECT_EQ(SplitAll("RETURN /* ; */ 1; /* ;\n; */ RETURN 2;"),
            (Strings{"RETURN /* ; */ 1", "/* ;\n; */ RETURN 2"}));
  // A statement of comments only is dropped.
  EXPECT_EQ(SplitAll("// only a comment;\n/* and; another */;RETURN 3"), (Strings{"RETURN 3"}));
  // A quote inside a comment and a comment marker inside a string.
  EXPECT_EQ(SplitAll("RETURN 1 // it's\n; RETURN '//';"), (Strings{"RETURN 1 // it's", "RETURN '//'"}));
}

TEST(SplitterTest, LineByLine) {
  StatementSplitter s;
  EXPECT_TRUE(s.Add("MATCH (a:Person)\n").empty());
  EXPECT_TRUE(s.HasPending());
  EXPECT_TRUE(s.Add("WHERE a.name = 'x;\n").empty());
  EXPECT_TRUE(s.Add("y' RETURN a /").empty());  // '/' at the end of the input so far
  auto done = s.Add("* c; */ ;\n");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].text, "MATCH (a:Person)\nWHERE a.name = 'x;\ny' RETURN a /* c; */");
  EXPECT_EQ(done[0].first_line, 1u);
  EXPECT_FALSE(s.HasPending());
  // An unterminated block comment is pending input.
  EXPECT_TRUE(s.Add("/* open\n").empty());
  EXPECT_TRUE(s.HasPending());
  s.Clear();
  EXPECT_FALSE(s.HasPending());
  done = s.Add("\n\n  RETURN 1;\n");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].first_line, 7u);  // lines 1-4 above, then two empty lines
  // A '/' held back at the end of input is still part of the statement.
  StatementSplitter t;
  EXPECT_TRUE(t.Add("RETURN 4/").empty());
  EXPECT_EQ(Texts(t.Finish()), Strings{"RETURN 4/"});
}

// Columns of every printable kind, NULLs, wide characters and characters
// that need escaping.
ResultTable SampleTable() {
  ResultTable t;
  t.names = {"name", "age", "score", "ok", "born"};
  t.types = {LogicalType::kString, LogicalType::kInt64, LogicalType::kDouble, LogicalType::kBool,
             LogicalType::kDate};
  t.rows.push_back({Value::String("Alice"), Value::Int64(30), Value::Double(0.1), Value::Bool(true),
                    Value::Date(19753)});
  t.rows.push_back({Value::String("日本"), Value::Null(LogicalType::kInt64), Value::Double(-2.5),
                    Value::Bool(false), Value::Null(LogicalType::kDate)});
  t.rows.push_back({Value::String("a|b,\"c\""), Value::Int64(-7), Value::Null(LogicalType::kDouble),
                    Value::Null(LogicalType::kBool), Value::Date(0)});
  t.rows.push_back({Value::String(""), Value::Int64(1234567), Value::Double(1e100), Value::Bool(true),
                    Value::Date(1)});
  t.rows.push_back({Value::String("Zoë\nline"), Value::Int64(0), Value::Double(3), Value::Bool(false),
                    Value::Date(2)});
  return t;
}

ResultTable OneColumnTable(const std::string& name, Value v) {
  ResultTable t;
  t.names = {name};
  t.types = {v.type()};
  t.rows.push_back({v});
  return t;
}

TEST(FormatTest, Box) {
  // Numbers align right; 日本 takes 4 columns; a value with a line break
  // takes two lines.
  EXPECT_EQ(FormatResult(SampleTable(), OutputMode::kBox),
            "┌─────────┬─────────┬────────┬───────┬────────────┐\n"
            "│ name    │ age     │ score  │ ok    │ born       │\n"
            "│ STRING  │ INT64   │ DOUBLE │ BOOL  │ DATE       │\n"
            "├─────────┼─────────┼────────┼───────┼────────────┤\n"
            "│ Alice   │      30 │    0.1 │ True  │ 2024-01-31 │\n"
            "│ 日本    │         │   -2.5 │ False │            │\n"
            "│ a|b,\"c\" │      -7 │        │       │ 1970-01-01 │\n"
            "│         │ 1234567 │ 1e+100 │ True  │ 1970-01-02 │\n"
            "│ Zoë     │       0 │      3 │ False │ 1970-01-03 │\n"
            "│ line    │         │        │       │            │\n"
            "└─────────┴─────────┴────────┴───────┴────────────┘\n");
  ResultTable controls = OneColumnTable("s", Value::String("a\tb\x01\r\nc"));
  EXPECT_EQ(FormatResult(controls, OutputMode::kBox),
            "┌──────────┐\n"
            "│ s        │\n"
            "│ STRING   │\n"
            "├──────────┤\n"
            "│ a\\tb\\x01 │\n"
            "│ c        │\n"
            "└──────────┘\n");
  ResultTable empty;
  empty.names = {"n"};
  empty.types = {LogicalType::kInt64};
  EXPECT_EQ(FormatResult(empty, OutputMode::kBox),
            "┌───────┐\n"
            "│ n     │\n"
            "│ INT64 │\n"
            "└───────┘\n");
  EXPECT_EQ(FormatResult(ResultTable(), OutputMode::kBox), "");
}

TEST(FormatTest, ProgressLine) {
  EXPECT_EQ(shell::ProgressLine(50, 200, 1234567, 2.0, 80),
            "[==========>                             ]  25%  1,234,567 rows  617,283 rows/s");
  EXPECT_EQ(shell::ProgressLine(200, 200, 10, 0.0, 80),
            "[========================================] 100%  10 rows  0 rows/s");
  EXPECT_EQ(shell::ProgressLine(0, 0, 0, 1.0, 20), "100%  0 rows  0 rows/s");
}

TEST(FormatTest, Csv) {
  EXPECT_EQ(FormatResult(SampleTable(), OutputMode::kCsv),
            "name,age,score,ok,born\n"
            "Alice,30,0.1,True,2024-01-31\n"
            "日本,,-2.5,False,\n"
            "\"a|b,\"\"c\"\"\",-7,,,1970-01-01\n"
            "\"\",1234567,1e+100,True,1970-01-02\n"
            "\"Zoë\nline\",0,3,False,1970-01-03\n");
}

TEST(FormatTest, Tsv) {
  ResultTable t = SampleTable();
  t.rows.push_back({Value::String("tab\there\\"), Value::Int64(1), Value::Double(1), Value::Bool(true),
                    Value::Date(3)});
  EXPECT_EQ(FormatResult(t, OutputMode::kTsv),
            "name\tage\tscore\tok\tborn\n"
            "Alice\t30\t0.1\tTrue\t2024-01-31\n"
            "日本\t\t-2.5\tFalse\t\n"
            "a|b,\"c\"\t-7\t\t\t1970-01-01\n"
            "\t1234567\t1e+100\tTrue\t1970-01-02\n"
            "Zoë\\nline\t0\t3\tFalse\t1970-01-03\n"
            "tab\\there\\\\\t1\t1\tTrue\t1970-01-04\n");
}

TEST(FormatTest, Json) {
  EXPECT_EQ(FormatResult(SampleTable(), OutputMode::kJson),
            "[\n"
            "{\"name\":\"Alice\",\"age\":30,\"score\":0.1,\"ok\":true,\"born\":\"2024-01-31\"},\n"
            "{\"name\":\"日本\",\"age\":null,\"score\":-2.5,\"ok\":false,\"born\":null},\n"
            "{\"name\":\"a|b,\\\"c\\\"\",\"age\":-7,\"score\":null,\"ok\":null,\"born\":\"1970-01-01\"},\n"
            "{\"name\":\"\",\"age\":1234567,\"score\":1e+100,\"ok\":true,\"born\":\"1970-01-02\"},\n"
            "{\"name\":\"Zoë\\nline\",\"age\":0,\"score\":3,\"ok\":false,\"born\":\"1970-01-03\"}\n"
            "]\n");
  ResultTable empty;
  empty.names = {"n"};
  empty.types = {LogicalType::kInt64};
  EXPECT_EQ(FormatResult(empty, OutputMode::kJson), "[]\n");
}

TEST(FormatTest, JsonOfCompositeValues) {
  NodeValue n;
  n.table = 0;
  n.offset = 1;
  n.label = "Person";
  n.properties = {{"name", Value::String("Al \"x\"")}, {"age", Value::Null(LogicalType::kInt64)}};
  EXPECT_EQ(ValueToJson(Value::Node(n)), "{\"_ID\":\"0:1\",\"_LABEL\":\"Person\",\"name\":\"Al \\\"x\\\"\",\"age\":null}");
  RelValue r;
  r.table = 2;
  r.id = 5;
  r.src_table = 0;
  r.src_offset = 1;
  r.dst_table = 0;
  r.dst_offset = 3;
  r.label = "Knows";
  r.properties = {{"since", Value::Int64(2020)}};
  EXPECT_EQ(ValueToJson(Value::Rel(r)),
            "{\"_SRC\":\"0:1\",\"_DST\":\"0:3\",\"_LABEL\":\"Knows\",\"_ID\":\"2:5\",\"since\":2020}");
  EXPECT_EQ(ValueToJson(Value::List({Value::Int64(1), Value::String("a"), Value::Null(LogicalType::kInt64)})),
            "[1,\"a\",null]");
  EXPECT_EQ(ValueToJson(Value::RecursiveRel({Value::Node(n)}, {Value::Rel(r)})),
            "{\"_NODES\":[{\"_ID\":\"0:1\",\"_LABEL\":\"Person\",\"name\":\"Al \\\"x\\\"\",\"age\":null}],"
            "\"_RELS\":[{\"_SRC\":\"0:1\",\"_DST\":\"0:3\",\"_LABEL\":\"Knows\",\"_ID\":\"2:5\",\"since\":2020}]}");
  EXPECT_EQ(ValueToJson(Value::InternalId(1, 7)), "\"1:7\"");
  EXPECT_EQ(ValueToJson(Value::Timestamp(1500000)), "\"1970-01-01 00:00:01.500000\"");
  EXPECT_EQ(ValueToJson(Value::String(std::string("\x01\t\xff", 3))), "\"\\u0001\\t\\ufffd\"");
}

TEST(FormatTest, Markdown) {
  EXPECT_EQ(FormatResult(SampleTable(), OutputMode::kMarkdown),
            "| name | age | score | ok | born |\n"
            "| --- | ---: | ---: | --- | --- |\n"
            "| Alice | 30 | 0.1 | True | 2024-01-31 |\n"
            "| 日本 |  | -2.5 | False |  |\n"
            "| a\\|b,\"c\" | -7 |  |  | 1970-01-01 |\n"
            "|  | 1234567 | 1e+100 | True | 1970-01-02 |\n"
            "| Zoë<br>line | 0 | 3 | False | 1970-01-03 |\n");
}

TEST(FormatTest, List) {
  EXPECT_EQ(FormatResult(SampleTable(), OutputMode::kList),
            "Alice|30|0.1|True|2024-01-31\n"
            "日本||-2.5|False|\n"
            "a|b,\"c\"|-7|||1970-01-01\n"
            "|1234567|1e+100|True|1970-01-02\n"
            "Zoë\nline|0|3|False|1970-01-03\n");
}

TEST(FormatTest, DisplayWidth) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("Zoë"), 3u);
  EXPECT_EQ(DisplayWidth("Zoe\xCC\x88"), 3u);  // e + combining diaeresis
  EXPECT_EQ(DisplayWidth("日本語"), 6u);
  EXPECT_EQ(DisplayWidth("한국"), 4u);
  EXPECT_EQ(DisplayWidth("ｆｕｌｌ"), 8u);
  EXPECT_EQ(DisplayWidth("😀!"), 3u);
  EXPECT_EQ(DisplayWidth("\xff\xfe"), 2u);  // invalid bytes: 1 each
}

TEST(FormatTest, ModeNames) {
  for (const char* name : {"box", "csv", "tsv", "json", "markdown", "list"}) {
    auto mode = ParseOutputMode(name);
    ASSERT_TRUE(mode.has_value()) << name;
    EXPECT_STREQ(OutputModeName(*mode), name);
  }
  EXPECT_EQ(ParseOutputMode("CSV"), OutputMode::kCsv);
  EXPECT_FALSE(ParseOutputMode("html").has_value());
}

// Answers statements from a table of canned results; records what ran.
class FakeExecutor : public Executor {
 public:
  Result<std::vector<ResultTable>> Run(std::string_view statement) override {
    ran.emplace_back(statement);
    auto it = results.find(std::string(statement));
    if (it == results.end()) return InvalidArgument("unknown statement: " + std::string(statement));
    return it->second;
  }
  void Interrupt() override { interrupts++; }
  Catalog CatalogSnapshot() override { return catalog; }

  std::map<std::string, std::vector<ResultTable>> results;
  std::vector<std::string> ran;
  int interrupts = 0;
  Catalog catalog;
};

ResultTable OneColumn(const std::string& name, std::vector<Value> values) {
  ResultTable t;
  t.names = {name};
  t.types = {values.empty() ? LogicalType::kInt64 : values[0].type()};
  for (auto& v : values) t.rows.push_back({v});
  return t;
}

class ShellTest : public ::testing::Test {
 protected:
  ShellTest() {
    exec_.results["RETURN 1 AS n"] = {OneColumn("n", {Value::Int64(1)})};
    exec_.results["RETURN 'a;b' AS s"] = {OneColumn("s", {Value::String("a;b")})};
    exec_.results["UNWIND [1, 2] AS x RETURN x"] = {OneColumn("x", {Value::Int64(1), Value::Int64(2)})};
    exec_.results["CREATE NODE TABLE T(id INT64, PRIMARY KEY(id))"] = {ResultTable()};
    exec_.results["RETURN 1 AS a; RETURN 2 AS b"] = {OneColumn("a", {Value::Int64(1)}),
                                                     OneColumn("b", {Value::Int64(2)})};
  }

  // Runs `script` in a fresh shell; returns its exit code.
  int Run(const std::string& script, ShellOptions options = ShellOptions()) {
    out_.str("");
    err_.str("");
    Shell shell(&exec_, options, &out_, &err_);
    shell.RunScript(script);
    return shell.exit_code();
  }

  FakeExecutor exec_;
  std::ostringstream out_, err_;
};

TEST_F(ShellTest, BoxWithRowCounts) {
  EXPECT_EQ(Run("RETURN 1 AS n;\nUNWIND [1, 2] AS x RETURN x;"), 0);
  EXPECT_EQ(out_.str(),
            "┌───────┐\n│ n     │\n│ INT64 │\n├───────┤\n│     1 │\n└───────┘\n(1 row)\n"
            "┌───────┐\n│ x     │\n│ INT64 │\n├───────┤\n│     1 │\n│     2 │\n└───────┘\n(2 rows)\n");
  EXPECT_EQ(err_.str(), "");
  EXPECT_EQ(exec_.ran, (Strings{"RETURN 1 AS n", "UNWIND [1, 2] AS x RETURN x"}));
}

TEST_F(ShellTest, StatementWithoutColumnsAndChainedResults) {
  EXPECT_EQ(Run("CREATE NODE TABLE T(id INT64, PRIMARY KEY(id))"), 0);
  EXPECT_EQ(out_.str(), "OK\n");
  ShellOptions csv;
  csv.mode = OutputMode::kCsv;
  EXPECT_EQ(Run("CREATE NODE TABLE T(id INT64, PRIMARY KEY(id));", csv), 0);
  EXPECT_EQ(out_.str(), "");
  exec_.results["RETURN 1 AS a"] = {OneColumn("a", {Value::Int64(1)}), OneColumn("b", {Value::Int64(2)})};
  EXPECT_EQ(Run("RETURN 1 AS a;", csv), 0);
  EXPECT_EQ(out_.str(), "a\n1\nb\n2\n");
}

TEST_F(ShellTest, ModeAndTimerCommands) {
  EXPECT_EQ(Run(":mode list\nRETURN 'a;b' AS s;\n:mode csv\nUNWIND [1, 2] AS x RETURN x;\n:mode json\n"
                "RETURN 1 AS n;\n:mode\n:timer\n"),
            0);
  EXPECT_EQ(out_.str(), "a;b\nx\n1\n2\n[\n{\"n\":1}\n]\nmode json\ntimer off\n");
  // With the timer on, box mode adds the time to the row count line and the
  // other modes print it on the error stream.
  EXPECT_EQ(Run(":timer on\nRETURN 1 AS n;\n:mode csv\nRETURN 1 AS n;"), 0);
  const std::string out = out_.str();
  EXPECT_NE(out.find("(1 row, "), std::string::npos) << out;
  EXPECT_NE(out.find(" ms)\nn\n1\n"), std::string::npos) << out;
  EXPECT_EQ(err_.str().rfind("Time: ", 0), 0u) << err_.str();
  // Commands are case-insensitive and tolerate a ';'.
  EXPECT_EQ(Run(":MODE CSV;\nRETURN 1 AS n;"), 0);
  EXPECT_EQ(out_.str(), "n\n1\n");
}

TEST_F(ShellTest, Errors) {
  // Non-interactive: the error names the input line; later statements run.
  EXPECT_EQ(Run("RETURN 1 AS n;\n\nMATCH (x)\n RETURN y;\nRETURN 1 AS n;", ShellOptions{OutputMode::kList}), 1);
  EXPECT_EQ(out_.str(), "1\n1\n");
  EXPECT_EQ(err_.str(), "Error near line 3: Invalid argument: unknown statement: MATCH (x)\n RETURN y\n");
  // --bail stops at the first failure.
  ShellOptions bail;
  bail.mode = OutputMode::kList;
  bail.bail = true;
  EXPECT_EQ(Run("RETURN 1 AS n; bad; RETURN 1 AS n;", bail), 1);
  EXPECT_EQ(out_.str(), "1\n");
  // Interactive: no line numbers.
  ShellOptions interactive;
  interactive.interactive = true;
  EXPECT_EQ(Run("bad;", interactive), 1);
  EXPECT_EQ(err_.str(), "Error: Invalid argument: unknown statement: bad\n");
  // Bad commands fail too.
  EXPECT_EQ(Run("\n:mode html"), 1);
  EXPECT_EQ(err_.str(), "Error near line 2: usage: :mode box|csv|tsv|json|markdown|list\n");
  EXPECT_EQ(Run(":timer maybe"), 1);
  EXPECT_EQ(err_.str(), "Error near line 1: usage: :timer on|off\n");
  EXPECT_EQ(Run(":frobnicate"), 1);
  EXPECT_EQ(err_.str(), "Error near line 1: unknown command :frobnicate (:help lists the commands)\n");
}

TEST_F(ShellTest, QuitStopsAndHelpPrints) {
  EXPECT_EQ(Run(":help\n"), 0);
  EXPECT_EQ(out_.str(), Shell::HelpText());
  EXPECT_NE(out_.str().find(":schema"), std::string::npos);
  EXPECT_EQ(Run("RETURN 1 AS n;\n:quit\nRETURN 'a;b' AS s;", ShellOptions{OutputMode::kList}), 0);
  EXPECT_EQ(out_.str(), "1\n");
  EXPECT_EQ(exec_.ran, Strings{"RETURN 1 AS n"});
}

TEST_F(ShellTest, StopFlagEndsTheScript) {
  volatile std::sig_atomic_t stop = 0;
  ShellOptions options;
  options.mode = OutputMode::kList;
  options.stop = &stop;
  Shell shell(&exec_, options, &out_, &err_);
  shell.ProcessLine("RETURN 1 AS n;");
  stop = 1;
  shell.ProcessLine("RETURN 1 AS n;");
  EXPECT_TRUE(shell.done());
  EXPECT_EQ(out_.str(), "1\n");
  EXPECT_EQ(exec_.ran.size(), 1u);
}

TEST_F(ShellTest, CommandOnlyBetweenStatements) {
  // A line starting with ':' inside a statement is part of it.
  exec_.results["MATCH (a\n:Person) RETURN 1 AS n"] = {OneColumn("n", {Value::Int64(1)})};
  EXPECT_EQ(Run("MATCH (a\n:Person) RETURN 1 AS n;", ShellOptions{OutputMode::kList}), 0);
  EXPECT_EQ(out_.str(), "1\n");
}

TEST_F(ShellTest, LineByLineAndCancel) {
  exec_.results["RETURN 1\nAS n"] = {OneColumn("n", {Value::Int64(1)})};
  exec_.results["RETURN 'a;b'\n AS s"] = {OneColumn("s", {Value::String("a;b")})};
  Shell shell(&exec_, ShellOptions{OutputMode::kList}, &out_, &err_);
  shell.ProcessLine("RETURN");
  EXPECT_TRUE(shell.NeedsMoreInput());
  shell.CancelInput();
  EXPECT_FALSE(shell.NeedsMoreInput());
  shell.ProcessLine("RETURN 1");
  shell.ProcessLine("AS n; RETURN 'a;b'");
  EXPECT_TRUE(shell.NeedsMoreInput());
  shell.ProcessLine(" AS s;");
  EXPECT_FALSE(shell.NeedsMoreInput());
  EXPECT_EQ(out_.str(), "1\na;b\n");
  EXPECT_EQ(exec_.ran, (Strings{"RETURN 1\nAS n", "RETURN 'a;b'\n AS s"}));
  EXPECT_EQ(shell.exit_code(), 0);
}

TEST_F(ShellTest, Schema) {
  EXPECT_EQ(Run(":schema"), 0);
  EXPECT_EQ(out_.str(), "(no tables)\n");
  ASSERT_TRUE(exec_.catalog
                  .CreateNodeTable("Person", {{"id", LogicalType::kInt64}, {"full name", LogicalType::kString}}, "id")
                  .ok());
  ASSERT_TRUE(exec_.catalog.CreateNodeTable("City", {{"name", LogicalType::kString}}, "name").ok());
  ASSERT_TRUE(exec_.catalog.CreateRelTable("LivesIn", "Person", "City", {{"since", LogicalType::kDate}}).ok());
  EXPECT_EQ(Run(":schema"), 0);
  EXPECT_EQ(out_.str(),
            "CREATE NODE TABLE Person(id INT64, `full name` STRING, PRIMARY KEY(id));\n"
            "CREATE NODE TABLE City(name STRING, PRIMARY KEY(name));\n"
            "CREATE REL TABLE LivesIn(FROM Person TO City, since DATE);\n");
}

TEST(ElapsedTest, Format) {
  EXPECT_EQ(FormatElapsed(0.04), "0.0 ms");
  EXPECT_EQ(FormatElapsed(1.25), "1.2 ms");
  EXPECT_EQ(FormatElapsed(999.9), "999.9 ms");
  EXPECT_EQ(FormatElapsed(1234), "1.23 s");
}


// ---------------------------------------------------------------------------
// The ruzu binary, run non-interactively.

struct ProcessRun {
  int status = -1;  // exit status, or -1 when it did not exit normally
  std::string out, err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class BinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* srcdir = std::getenv("TEST_SRCDIR");
    for (std::string p : {std::string("tools/ruzu"), std::string(srcdir ? srcdir : "") + "/ruzu/tools/ruzu"}) {
      if (binary_.empty() && ::access(p.c_str(), X_OK) == 0) binary_ = p;
    }
    ASSERT_FALSE(binary_.empty()) << "tools/ruzu not found in the runfiles";
    dir_ = MakeTempDir();
    db_ = dir_ + "/test.ruzu";
  }


  // Runs ruzu with `args` (DB path not included), standard input from
  // `input`, TMPDIR set to `tmpdir` when given.
  ProcessRun Ruzu(std::vector<std::string> args, const std::string& input = "", const std::string& tmpdir = "") {
    const std::string in_path = dir_ + "/stdin", out_path = dir_ + "/stdout", err_path = dir_ + "/stderr";
    std::ofstream(in_path, std::ios::binary) << input;
    std::vector<std::string> argv_s = {binary_};
    for (auto& a : args) argv_s.push_back(a);
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    ProcessRun run;
    pid_t pid = ::fork();
    if (pid == 0) {
      int in = ::open(in_path.c_str(), O_RDONLY);
      int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (in < 0 || out < 0 || err < 0) ::_exit(127);
      ::dup2(in, 0);
      ::dup2(out, 1);
      ::dup2(err, 2);
      if (!tmpdir.empty()) ::setenv("TMPDIR", tmpdir.c_str(), 1);
      ::execv(binary_.c_str(), argv.data());
      ::_exit(127);
    }
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return run;
    if (WIFEXITED(status)) run.status = WEXITSTATUS(status);
    run.out = ReadFile(out_path);
    run.err = ReadFile(err_path);
    return run;
  }

  std::string binary_, dir_, db_;
};

TEST_F(BinaryTest, CommandStdinAndErrors) {
  ProcessRun r = Ruzu({db_, "-c",
                "CREATE NODE TABLE Person(name STRING, age INT64, PRIMARY KEY(name));\n"
                "CREATE (:Person {name: 'Alice', age: 30});\n"
                "CREATE (:Person {name: 'Bob', age: 25});"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");

  // -c, list mode.
  r = Ruzu({db_, "--mode", "list", "-c", "MATCH (p:Person) RETURN p.name, p.age ORDER BY p.name;"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "Alice|30\nBob|25\n");

  // Standard input (not a terminal), several statements over several lines,
  // a ';' in a string, a comment, and a :command.
  r = Ruzu({db_, "--mode=csv"},
           "// people\n"
           "MATCH (p:Person)\n  WHERE p.age > 26\n  RETURN p.name AS name, 'x;y' AS s;\n"
           ":mode json\n"
           "MATCH (p:Person) RETURN p.name AS name, p.age AS age ORDER BY age\n");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "name,s\nAlice,x;y\n"
            "[\n{\"name\":\"Bob\",\"age\":25},\n{\"name\":\"Alice\",\"age\":30}\n]\n");

  // The default box mode: column types and the row count.
  r = Ruzu({db_, "-c", "MATCH (p:Person) WHERE p.name = 'Bob' RETURN p.age AS age"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "┌───────┐\n│ age   │\n│ INT64 │\n├───────┤\n│    25 │\n└───────┘\n(1 row)\n");

  // A failing statement: message on stderr naming the input line, exit
  // status 1, later statements still run (unless --bail).
  r = Ruzu({db_, "--mode", "list"}, "MATCH (p:Person) RETURN count(*);\n\nMATCH (x:Nope) RETURN x;\nRETURN 7;\n");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "2\n7\n");
  EXPECT_EQ(r.err.rfind("Error near line 3: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("Nope"), std::string::npos) << r.err;
  r = Ruzu({db_, "--mode", "list", "--bail", "-c", "RETURN 1; MATCH (x:Nope) RETURN x; RETURN 7;"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "1\n");

  // A duplicate key fails and changes nothing.
  r = Ruzu({db_, "-c", "CREATE (:Person {name: 'Alice', age: 1});"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("Alice"), std::string::npos) << r.err;

  // --read-only: reads work, writes fail.
  r = Ruzu({db_, "--read-only", "--mode", "list", "-c", "MATCH (p:Person) RETURN count(*);"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "2\n");
  r = Ruzu({db_, "--read-only", "-c", "CREATE (:Person {name: 'Carol', age: 5});"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err, "");

  // Maintenance flags still work.
  r = Ruzu({db_, "--verify"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "verify: OK\n");
}

TEST_F(BinaryTest, UsageErrors) {
  EXPECT_EQ(Ruzu({db_, "--mode", "html", "-c", "RETURN 1;"}).status, 2);
  EXPECT_EQ(Ruzu({db_, "--frobnicate"}).status, 2);
  EXPECT_EQ(Ruzu({"--read-only", "-c", "RETURN 1;"}).status, 2);
}

TEST_F(BinaryTest, TemporaryDatabaseWithoutPath) {
  const std::string tmp = dir_ + "/tmp";
  ASSERT_EQ(::mkdir(tmp.c_str(), 0755), 0);
  ProcessRun stats = Ruzu({"--stats"}, "", tmp);
  EXPECT_EQ(stats.status, 0) << stats.err;
  EXPECT_EQ(stats.out.rfind("database   (temporary)\n", 0), 0u) << stats.out;
  EXPECT_TRUE(std::filesystem::is_empty(tmp));
  ProcessRun r = Ruzu({"--mode", "list", "-c",
                "CREATE NODE TABLE T(id INT64, PRIMARY KEY(id)); CREATE (:T {id: 4}); MATCH (t:T) RETURN t.id;"},
               "", tmp);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.substr(r.out.size() >= 2 ? r.out.size() - 2 : 0), "4\n");
  // Deleted at exit.
  EXPECT_TRUE(std::filesystem::is_empty(tmp));
}

}  // namespace
}  // namespace shell
}  // namespace ruzu
