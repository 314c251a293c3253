// Transactions: snapshots for readers, one writer, rollback of data and
// schema, concurrent readers during commits.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "db/database.h"
#include "common/test_util.h"

namespace ruzu {
namespace {

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = MakeTempDir() + "/t.ruzu";
    auto db = Database::Open(path_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin(TransactionMode::kReadWrite));
    ASSERT_OK(txn->CreateNodeTable("N", {{"k", LogicalType::kInt64}, {"s", LogicalType::kString}}, "k").status());
    ASSERT_OK(txn->CreateRelTable("E", "N", "N", {{"w", LogicalType::kInt64}}).status());
    ASSERT_OK(txn->InsertNode("N", {Value::Int64(1), Value::String("one")}).status());
    ASSERT_OK(txn->InsertNode("N", {Value::Int64(2), Value::String("two")}).status());
    ASSERT_OK(txn->InsertRel("E", Value::Int64(1), Value::Int64(2), {Value::Int64(12)}).status());
    ASSERT_OK(txn->Commit());
  }

  std::string path_;
  std::unique_ptr<Database> db_;
};

TEST_F(TransactionTest, ReaderKeepsItsSnapshotAcrossCommitsAndCheckpoints) {
  ASSERT_OK_AND_ASSIGN(auto reader, db_->Begin(TransactionMode::kReadOnly));
  {
    ASSERT_OK_AND_ASSIGN(auto writer, db_->Begin(TransactionMode::kReadWrite));
    ASSERT_OK(writer->InsertNode("N", {Value::Int64(3), Value::String("three")}).status());
    ASSERT_OK(writer->InsertRel("E", Value::Int64(1), Value::Int64(3), {Value::Int64(13)}).status());
    // The writer sees its own changes; the reader does not.
    EXPECT_EQ(*writer->CountNodes("N"), 3u);
    EXPECT_EQ(*reader->CountNodes("N"), 2u);
    EXPECT_FALSE(reader->LookupNode("N", Value::Int64(3))->has_value());
    ASSERT_OK(writer->Commit());
  }
  ASSERT_OK(db_->Checkpoint());
  EXPECT_EQ(*reader->CountNodes("N"), 2u);
  EXPECT_EQ(*reader->CountRels("E"), 1u);
  EXPECT_EQ(reader->Neighbours("E", 0, true)->size(), 1u);
  EXPECT_EQ(reader->GetNode("N", 2).status().code(), StatusCode::kNotFound);
  // A transaction begun now sees the commit.
  ASSERT_OK_AND_ASSIGN(auto later, db_->Begin(TransactionMode::kReadOnly));
  EXPECT_EQ(*later->CountNodes("N"), 3u);
  EXPECT_EQ(later->Neighbours("E", 0, true)->size(), 2u);
}

TEST_F(TransactionTest, RollbackUndoesDataAndSchema) {
  {
    ASSERT_OK_AND_ASSIGN(auto writer, db_->Begin(TransactionMode::kReadWrite));
    ASSERT_OK(writer->CreateNodeTable("Temp", {{"id", LogicalType::kString}}, "id").status());
    ASSERT_OK(writer->CreateRelTable("TempRel", "Temp", "N", {}).status());
    ASSERT_OK(writer->InsertNode("Temp", {Value::String("x")}).status());
    ASSERT_OK(writer->InsertNode("N", {Value::Int64(9), Value::String("nine")}).status());
    ASSERT_OK(writer->InsertRel("E", Value::Int64(9), Value::Int64(1), {Value::Int64(91)}).status());
    ASSERT_OK(writer->InsertRel("TempRel", Value::String("x"), Value::Int64(9), {}).status());
    writer->Rollback();
    EXPECT_FALSE(writer->active());
    EXPECT_EQ(writer->CountNodes("N").status().code(), StatusCode::kTransactionError);
  }
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin(TransactionMode::kReadWrite));
  EXPECT_EQ(txn->CountNodes("Temp").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*txn->CountNodes("N"), 2u);
  EXPECT_EQ(*txn->CountRels("E"), 1u);
  EXPECT_EQ(txn->Neighbours("E", 0, false)->size(), 0u);
  EXPECT_FALSE(txn->LookupNode("N", Value::Int64(9))->has_value());
  // The rolled-back key and table name are free again.
  ASSERT_OK(txn->InsertNode("N", {Value::Int64(9), Value::String("nine again")}).status());
  ASSERT_OK(txn->CreateNodeTable("Temp", {{"id", LogicalType::kInt64}}, "id").status());
  ASSERT_OK(txn->Commit());
  ASSERT_OK(db_->Close());
  auto db = Database::Open(path_);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_OK_AND_ASSIGN(auto reader, (*db)->Begin(TransactionMode::kReadOnly));
  EXPECT_EQ(*reader->CountNodes("N"), 3u);
  EXPECT_EQ(*reader->CountNodes("Temp"), 0u);
  ASSERT_OK_AND_ASSIGN(std::optional<uint64_t> nine, reader->LookupNode("N", Value::Int64(9)));
  ASSERT_TRUE(nine.has_value());
  EXPECT_EQ((*reader->GetNode("N", *nine))[1].string_value(), "nine again");
  EXPECT_TRUE((*db)->Verify()->empty());
}

TEST_F(TransactionTest, DestroyingAnActiveWriterRollsBack) {
  {
    ASSERT_OK_AND_ASSIGN(auto writer, db_->Begin(TransactionMode::kReadWrite));
    ASSERT_OK(writer->InsertNode("N", {Value::Int64(5), Value::String("five")}).status());
  }
  ASSERT_OK_AND_ASSIGN(auto reader, db_->Begin(TransactionMode::kReadOnly));
  EXPECT_EQ(*reader->CountNodes("N"), 2u);
}

TEST_F(TransactionTest, OneWriterAtATime) {
  ASSERT_OK_AND_ASSIGN(auto writer, db_->Begin(TransactionMode::kReadWrite));
  auto second = db_->Begin(TransactionMode::kReadWrite);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kTransactionError);
  EXPECT_EQ(db_->Checkpoint().code(), StatusCode::kTransactionError);
  ASSERT_OK(writer->Commit());
  ASSERT_OK(db_->Begin(TransactionMode::kReadWrite).status());
}

TEST_F(TransactionTest, ReadOnlyTransactionsCannotWrite) {
  ASSERT_OK_AND_ASSIGN(auto reader, db_->Begin(TransactionMode::kReadOnly));
  EXPECT_EQ(reader->InsertNode("N", {Value::Int64(7), Value::String("x")}).status().code(), StatusCode::kReadOnly);
  EXPECT_EQ(reader->CreateNodeTable("X", {{"a", LogicalType::kInt64}}, "a").status().code(), StatusCode::kReadOnly);
}

TEST_F(TransactionTest, CloseWithOpenTransactionIsAnError) {
  ASSERT_OK_AND_ASSIGN(auto reader, db_->Begin(TransactionMode::kReadOnly));
  EXPECT_EQ(db_->Close().code(), StatusCode::kTransactionError);
  reader.reset();
  ASSERT_OK(db_->Close());
}

// Readers on other threads never see a half-committed transaction: each
// commit adds a node and an edge to it, so in any snapshot every node but the
// first has exactly one incoming edge and counts match.
TEST_F(TransactionTest, ConcurrentReadersSeeWholeCommits) {
  std::atomic<bool> stop{false};
  std::atomic<int> violations{0}, reads{0};
  auto reader_loop = [&]() {
    while (!stop) {
      auto txn = db_->Begin(TransactionMode::kReadOnly);
      if (!txn.ok()) {
        violations++;
        continue;
      }
      uint64_t nodes = *(*txn)->CountNodes("N");
      uint64_t rels = *(*txn)->CountRels("E");
      if (rels != nodes - 1) violations++;
      auto in = (*txn)->Neighbours("E", nodes - 1, false);
      if (!in.ok() || in->size() != 1) violations++;
      reads++;
    }
  };
  std::thread r1(reader_loop), r2(reader_loop);
  for (int64_t k = 3; k < 300; k++) {
    ASSERT_OK_AND_ASSIGN(auto writer, db_->Begin(TransactionMode::kReadWrite));
    ASSERT_OK(writer->InsertNode("N", {Value::Int64(k), Value::String("n")}).status());
    ASSERT_OK(writer->InsertRel("E", Value::Int64(k - 1), Value::Int64(k), {Value::Int64(k)}).status());
    ASSERT_OK(writer->Commit());
    if (k % 100 == 0) ASSERT_OK(db_->Checkpoint());
  }
  stop = true;
  r1.join();
  r2.join();
  EXPECT_EQ(violations, 0);
  EXPECT_GT(reads, 0);
}

}  // namespace
}  // namespace ruzu
