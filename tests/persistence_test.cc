// Relationships persist exactly like nodes: close/reopen, many cycles, every
// type, NULLs, several relationship tables, both CSR directions.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "db/database.h"
#include "common/test_util.h"

namespace ruzu {
namespace {

class PersistenceTest : public ::testing::Test {
 protected:
  void SetUp() override { path_ = MakeTempDir() + "/graph.ruzu"; }

  std::unique_ptr<Database> OpenDb(DatabaseOptions options = DatabaseOptions()) {
    auto db = Database::Open(path_, options);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }

  // Problems from Verify(), which the tests expect to be empty.
  std::vector<std::string> Problems(Database* db) {
    auto problems = db->Verify();
    EXPECT_TRUE(problems.ok()) << problems.status().ToString();
    return problems.ok() ? *problems : std::vector<std::string>{"verify failed"};
  }

  std::string path_;
};

std::vector<PropertyDef> AllTypes() {
  return {{"id", LogicalType::kInt64},   {"i32", LogicalType::kInt32},  {"i16", LogicalType::kInt16},
          {"i8", LogicalType::kInt8},    {"d", LogicalType::kDouble},   {"f", LogicalType::kFloat},
          {"b", LogicalType::kBool},     {"s", LogicalType::kString},   {"day", LogicalType::kDate},
          {"ts", LogicalType::kTimestamp}};
}

std::vector<Value> AllTypesRow(int64_t i) {
  if (i % 5 == 4) {  // every non-key property NULL
    std::vector<Value> row{Value::Int64(i)};
    for (const auto& p : AllTypes()) {
      if (p.name != "id") row.push_back(Value::Null(p.type));
    }
    return row;
  }
  return {Value::Int64(i),
          Value::Int32(static_cast<int32_t>(i * 1000)),
          Value::Int16(static_cast<int16_t>(i)),
          Value::Int8(static_cast<int8_t>(i % 100)),
          Value::Double(i / 3.0),
          Value::Float(static_cast<float>(i) / 4),
          Value::Bool(i % 2 == 0),
          Value::String(std::string(static_cast<size_t>(i % 50), 'x') + std::to_string(i)),
          Value::Date(static_cast<int32_t>(19000 + i)),
          Value::Timestamp(1700000000000000LL + i * 1000001)};
}

TEST_F(PersistenceTest, NodesAndRelationshipsSurviveReopenInBothDirections) {
  std::string before;
  {
    auto db = OpenDb();
    ASSERT_NE(db, nullptr);
    ASSERT_OK_AND_ASSIGN(auto txn, db->Begin(TransactionMode::kReadWrite));
    ASSERT_OK(txn->CreateNodeTable("Item", AllTypes(), "id").status());
    ASSERT_OK(txn->CreateNodeTable("Tag", {{"name", LogicalType::kString}}, "name").status());
    ASSERT_OK(txn->CreateRelTable("Links", "Item", "Item", AllTypes()).status());
    ASSERT_OK(txn->CreateRelTable("Tagged", "Item", "Tag", {{"weight", LogicalType::kDouble}}).status());
    ASSERT_OK(txn->CreateRelTable("Empty", "Tag", "Item", {{"x", LogicalType::kString}}).status());
    for (int64_t i = 0; i < 50; i++) ASSERT_OK(txn->InsertNode("Item", AllTypesRow(i)).status());
    for (const char* tag : {"red", "green", "blue"}) ASSERT_OK(txn->InsertNode("Tag", {Value::String(tag)}).status());
    for (int64_t i = 0; i < 50; i++) {
      ASSERT_OK(txn->InsertRel("Links", Value::Int64(i), Value::Int64((i * 7) % 50), AllTypesRow(i)).status());
      // A multi-edge: the same pair twice.
      if (i % 10 == 0) {
        ASSERT_OK(txn->InsertRel("Links", Value::Int64(i), Value::Int64((i * 7) % 50), AllTypesRow(i + 100)).status());
      }
      ASSERT_OK(txn->InsertRel("Tagged", Value::Int64(i), Value::String(i % 3 == 0 ? "red" : "blue"),
                               {i % 4 == 0 ? Value::Null(LogicalType::kDouble) : Value::Double(i * 0.5)})
                    .status());
    }
    ASSERT_OK(txn->Commit());
    ASSERT_OK_AND_ASSIGN(before, db->Dump());
    EXPECT_TRUE(Problems(db.get()).empty());
    ASSERT_OK(db->Close());
  }
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_OK_AND_ASSIGN(std::string after, db->Dump());
  EXPECT_EQ(before, after);
  EXPECT_TRUE(Problems(db.get()).empty());
  ASSERT_OK_AND_ASSIGN(auto txn, db->Begin(TransactionMode::kReadOnly));
  EXPECT_EQ(*txn->CountNodes("Item"), 50u);
  EXPECT_EQ(*txn->CountRels("Links"), 55u);
  EXPECT_EQ(*txn->CountRels("Tagged"), 50u);
  EXPECT_EQ(*txn->CountRels("Empty"), 0u);
  // Forward from item 3 and backward to its target agree.
  ASSERT_OK_AND_ASSIGN(std::optional<uint64_t> item3, txn->LookupNode("Item", Value::Int64(3)));
  ASSERT_TRUE(item3.has_value());
  ASSERT_OK_AND_ASSIGN(std::vector<Edge> out, txn->Neighbours("Links", *item3, /*forward=*/true));
  ASSERT_EQ(out.size(), 1u);
  ASSERT_OK_AND_ASSIGN(std::vector<Value> target, txn->GetNode("Item", out[0].neighbour));
  EXPECT_EQ(target[0], Value::Int64(21));
  ASSERT_OK_AND_ASSIGN(std::vector<Edge> in, txn->Neighbours("Links", out[0].neighbour, /*forward=*/false));
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].neighbour, *item3);
  EXPECT_EQ(in[0].rel_id, out[0].rel_id);
  ASSERT_OK_AND_ASSIGN(std::vector<Value> props, txn->GetRelProperties("Links", out[0].rel_id));
  EXPECT_EQ(props, AllTypesRow(3));
  // Properties of every type, NULLs included, come back identical.
  for (int64_t i = 0; i < 50; i++) {
    ASSERT_OK_AND_ASSIGN(std::optional<uint64_t> offset, txn->LookupNode("Item", Value::Int64(i)));
    ASSERT_TRUE(offset.has_value());
    ASSERT_OK_AND_ASSIGN(std::vector<Value> row, txn->GetNode("Item", *offset));
    EXPECT_EQ(row, AllTypesRow(i)) << i;
  }
  // The empty relationship table kept its schema.
  Catalog catalog = db->CatalogSnapshot();
  const TableSchema* empty = catalog.FindTable("Empty");
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(catalog.GetTable(empty->from_table)->name, "Tag");
  EXPECT_EQ(catalog.GetTable(empty->to_table)->name, "Item");
  ASSERT_EQ(empty->properties.size(), 1u);
  EXPECT_EQ(empty->properties[0].type, LogicalType::kString);
}

TEST_F(PersistenceTest, HundredReopenCyclesLoseNothing) {
  std::multiset<std::pair<int64_t, int64_t>> expected_edges;
  for (int cycle = 0; cycle < 100; cycle++) {
    // Odd cycles close without a checkpoint: the next open replays the WAL.
    DatabaseOptions options;
    options.checkpoint_on_close = cycle % 2 == 0;
    auto db = OpenDb(options);
    ASSERT_NE(db, nullptr);
    // After a close without checkpoint the WAL still holds the last cycle
    // (hundreds of bytes); after a checkpoint it is just its header.
    if (cycle > 0) {
      EXPECT_EQ(db->Stats().wal_bytes > 100, cycle % 2 == 0) << cycle;
    }
    ASSERT_OK_AND_ASSIGN(auto txn, db->Begin(TransactionMode::kReadWrite));
    if (cycle == 0) {
      ASSERT_OK(txn->CreateNodeTable("N", {{"k", LogicalType::kInt64}}, "k").status());
      ASSERT_OK(txn->CreateRelTable("E", "N", "N", {{"c", LogicalType::kInt64}}).status());
    }
    // Check everything from earlier cycles is there.
    ASSERT_OK_AND_ASSIGN(uint64_t nodes, txn->CountNodes("N"));
    ASSERT_EQ(nodes, static_cast<uint64_t>(cycle * 3));
    std::multiset<std::pair<int64_t, int64_t>> edges;
    for (uint64_t n = 0; n < nodes; n++) {
      ASSERT_OK_AND_ASSIGN(std::vector<Value> src, txn->GetNode("N", n));
      ASSERT_OK_AND_ASSIGN(std::vector<Edge> out, txn->Neighbours("E", n, true));
      for (const Edge& e : out) {
        ASSERT_OK_AND_ASSIGN(std::vector<Value> dst, txn->GetNode("N", e.neighbour));
        edges.insert({src[0].int_value(), dst[0].int_value()});
      }
    }
    ASSERT_EQ(edges, expected_edges) << "cycle " << cycle;
    for (int i = 0; i < 3; i++) {
      int64_t k = cycle * 3 + i;
      ASSERT_OK(txn->InsertNode("N", {Value::Int64(k)}).status());
      int64_t other = (k * 13) % (k + 1);
      ASSERT_OK(txn->InsertRel("E", Value::Int64(k), Value::Int64(other), {Value::Int64(cycle)}).status());
      expected_edges.insert({k, other});
    }
    ASSERT_OK(txn->Commit());
    if (cycle % 10 == 0) {
      EXPECT_TRUE(Problems(db.get()).empty()) << "cycle " << cycle;
    }
    ASSERT_OK(db->Close());
  }
  auto db = OpenDb();
  EXPECT_TRUE(Problems(db.get()).empty());
}

TEST_F(PersistenceTest, DatabaseLargerThanTheBufferPool) {
  DatabaseOptions small;
  small.buffer_pool_bytes = 0;  // raised to the 256 KiB minimum
  const int64_t kNodes = 20000;
  {
    auto db = OpenDb(small);
    ASSERT_NE(db, nullptr);
    ASSERT_OK_AND_ASSIGN(auto txn, db->Begin(TransactionMode::kReadWrite));
    ASSERT_OK(txn->CreateNodeTable("P", {{"id", LogicalType::kInt64}, {"name", LogicalType::kString}}, "id").status());
    ASSERT_OK(txn->CreateRelTable("K", "P", "P", {{"w", LogicalType::kInt64}}).status());
    for (int64_t i = 0; i < kNodes; i++) {
      ASSERT_OK(txn->InsertNode("P", {Value::Int64(i), Value::String("person number " + std::to_string(i))}).status());
    }
    for (int64_t i = 0; i < kNodes * 3; i++) {
      ASSERT_OK(txn->InsertRel("K", Value::Int64(i % kNodes), Value::Int64((i * 7919) % kNodes), {Value::Int64(i)}).status());
    }
    ASSERT_OK(txn->Commit());
    ASSERT_OK(db->Close());
  }
  auto db = OpenDb(small);
  ASSERT_NE(db, nullptr);
  EXPECT_GT(db->Stats().file_pages * 4096, 4 * db->Stats().buffer_pool_bytes);
  EXPECT_TRUE(Problems(db.get()).empty());
  ASSERT_OK_AND_ASSIGN(auto txn, db->Begin(TransactionMode::kReadOnly));
  for (int64_t key : {int64_t{0}, int64_t{777}, kNodes - 1}) {
    ASSERT_OK_AND_ASSIGN(std::optional<uint64_t> offset, txn->LookupNode("P", Value::Int64(key)));
    ASSERT_TRUE(offset.has_value());
    ASSERT_OK_AND_ASSIGN(std::vector<Value> row, txn->GetNode("P", *offset));
    EXPECT_EQ(row[1].string_value(), "person number " + std::to_string(key));
    ASSERT_OK_AND_ASSIGN(std::vector<Edge> out, txn->Neighbours("K", *offset, true));
    EXPECT_EQ(out.size(), 3u);
  }
}

TEST_F(PersistenceTest, InsertsAfterCheckpointMergeIntoChangedGroupsOnly) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  {
    ASSERT_OK_AND_ASSIGN(auto txn, db->Begin(TransactionMode::kReadWrite));
    ASSERT_OK(txn->CreateNodeTable("N", {{"k", LogicalType::kInt64}}, "k").status());
    ASSERT_OK(txn->CreateRelTable("E", "N", "N", {}).status());
    for (int64_t i = 0; i < 10000; i++) ASSERT_OK(txn->InsertNode("N", {Value::Int64(i)}).status());
    for (int64_t i = 0; i < 10000; i++) ASSERT_OK(txn->InsertRel("E", Value::Int64(i), Value::Int64(9999 - i), {}).status());
    ASSERT_OK(txn->Commit());
  }
  ASSERT_OK(db->Checkpoint());
  const uint64_t pages_before = db->Stats().file_pages - db->Stats().free_pages;
  {
    ASSERT_OK_AND_ASSIGN(auto txn, db->Begin(TransactionMode::kReadWrite));
    ASSERT_OK(txn->InsertRel("E", Value::Int64(1), Value::Int64(2), {}).status());
    ASSERT_OK(txn->Commit());
  }
  ASSERT_OK(db->Checkpoint());
  EXPECT_TRUE(Problems(db.get()).empty());
  // One forward group, one backward group and the last property group were
  // rewritten; the used-page count stays about the same.
  const uint64_t pages_after = db->Stats().file_pages - db->Stats().free_pages;
  EXPECT_LE(pages_after, pages_before + 2);
  ASSERT_OK_AND_ASSIGN(auto txn, db->Begin(TransactionMode::kReadOnly));
  ASSERT_OK_AND_ASSIGN(std::vector<Edge> out, txn->Neighbours("E", 1, true));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].neighbour, 9998u);
  EXPECT_EQ(out[1].neighbour, 2u);
  ASSERT_OK_AND_ASSIGN(std::vector<Edge> in, txn->Neighbours("E", 2, false));
  ASSERT_EQ(in.size(), 2u);
}

TEST_F(PersistenceTest, CheckpointsAutomaticallyWhenTheWalGrows) {
  DatabaseOptions options;
  options.checkpoint_wal_bytes = 16 << 10;
  options.checkpoint_on_close = false;
  {
    auto db = OpenDb(options);
    ASSERT_NE(db, nullptr);
    const uint64_t epoch = db->Stats().epoch;
    {
      ASSERT_OK_AND_ASSIGN(auto txn, db->Begin(TransactionMode::kReadWrite));
      ASSERT_OK(txn->CreateNodeTable("N", {{"k", LogicalType::kInt64}, {"s", LogicalType::kString}}, "k").status());
      ASSERT_OK(txn->Commit());
    }
    for (int64_t i = 0; i < 200; i++) {
      ASSERT_OK_AND_ASSIGN(auto txn, db->Begin(TransactionMode::kReadWrite));
      ASSERT_OK(txn->InsertNode("N", {Value::Int64(i), Value::String(std::string(200, 'x'))}).status());
      ASSERT_OK(txn->Commit());
      EXPECT_LE(db->Stats().wal_bytes, options.checkpoint_wal_bytes + 1024u);
    }
    EXPECT_GE(db->Stats().epoch, epoch + 2);
  }
  auto db = OpenDb(options);
  ASSERT_NE(db, nullptr);
  ASSERT_OK_AND_ASSIGN(auto txn, db->Begin(TransactionMode::kReadOnly));
  EXPECT_EQ(*txn->CountNodes("N"), 200u);
  EXPECT_TRUE(Problems(db.get()).empty());
}

}  // namespace
}  // namespace ruzu

namespace ruzu {
namespace {

// A database written by format version 1 (before packed chunks and 3-byte
// CSR widths): this build opens it, reads it, and its first checkpoint
// rewrites what changed in format 2.
TEST(FormatCompatibilityTest, OpensAndUpgradesAVersion1Database) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/v1.ruzu";
  for (const char* suffix : {"", ".wal"}) {
    std::ifstream in(std::string("tests/data/format1_1000_rels.ruzu") + suffix, std::ios::binary);
    ASSERT_TRUE(in.good()) << suffix;
    std::ofstream out(path + suffix, std::ios::binary);
    out << in.rdbuf();
  }
  std::string dump;
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open(path));
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> problems, db->Verify());
    EXPECT_TRUE(problems.empty()) << problems[0];
    ASSERT_OK_AND_ASSIGN(auto txn, db->Begin(TransactionMode::kReadWrite));
    EXPECT_EQ(*txn->CountRels("Knows"), 1000u);
    ASSERT_OK_AND_ASSIGN(uint64_t persons, txn->CountNodes("Person"));
    ASSERT_GT(persons, 1u);
    ASSERT_OK(txn->InsertNode("Person", {Value::Int64(1 << 30), Value::String("new")}).status());
    ASSERT_OK(txn->InsertRel("Knows", Value::Int64(1 << 30), Value::Int64(0), {Value::Int64(7)}).status());
    ASSERT_OK(txn->Commit());
    ASSERT_OK(db->Checkpoint());
    ASSERT_OK_AND_ASSIGN(dump, db->Dump());
  }
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(path));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> problems, db->Verify());
  EXPECT_TRUE(problems.empty()) << problems[0];
  EXPECT_EQ(*db->Dump(), dump);
  ASSERT_OK_AND_ASSIGN(auto txn, db->Begin(TransactionMode::kReadOnly));
  EXPECT_EQ(*txn->CountRels("Knows"), 1001u);
}

}  // namespace
}  // namespace ruzu
