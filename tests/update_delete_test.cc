// Property updates and deletions: snapshots, rollback, persistence through
// checkpoints and WAL replay, detach delete, keys freed by deletion.
#include <gtest/gtest.h>

#include "db/database.h"
#include "common/test_util.h"

namespace ruzu {
namespace {

class UpdateDeleteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = MakeTempDir() + "/u.ruzu";
    Open();
    ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin(TransactionMode::kReadWrite));
    ASSERT_OK(txn->CreateNodeTable("P", {{"id", LogicalType::kInt64}, {"name", LogicalType::kString},
                                        {"age", LogicalType::kInt32}}, "id").status());
    ASSERT_OK(txn->CreateNodeTable("C", {{"name", LogicalType::kString}}, "name").status());
    ASSERT_OK(txn->CreateRelTable("Knows", "P", "P", {{"since", LogicalType::kInt64}}).status());
    ASSERT_OK(txn->CreateRelTable("Lives", "P", "C", {}).status());
    for (int64_t i = 0; i < 5; i++) {
      ASSERT_OK(txn->InsertNode("P", {Value::Int64(i), Value::String("p" + std::to_string(i)), Value::Int32(20 + i)})
                    .status());
    }
    ASSERT_OK(txn->InsertNode("C", {Value::String("Bern")}).status());
    for (int64_t i = 0; i < 5; i++) {
      ASSERT_OK(txn->InsertRel("Knows", Value::Int64(i), Value::Int64((i + 1) % 5), {Value::Int64(2000 + i)}).status());
      ASSERT_OK(txn->InsertRel("Lives", Value::Int64(i), Value::String("Bern"), {}).status());
    }
    ASSERT_OK(txn->InsertRel("Knows", Value::Int64(2), Value::Int64(2), {Value::Int64(1999)}).status());  // self-loop
    ASSERT_OK(txn->Commit());
  }

  void Open(DatabaseOptions options = DatabaseOptions()) {
    db_.reset();
    auto db = Database::Open(path_, options);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }

  uint64_t Offset(Transaction* txn, int64_t id) {
    auto offset = txn->LookupNode("P", Value::Int64(id));
    EXPECT_TRUE(offset.ok() && offset->has_value()) << id;
    return offset.ok() && offset->has_value() ? **offset : ~uint64_t{0};
  }

  std::string path_;
  std::unique_ptr<Database> db_;
};

TEST_F(UpdateDeleteTest, SetPropertyRespectsSnapshotsAndPersists) {
  ASSERT_OK_AND_ASSIGN(auto old_reader, db_->Begin(TransactionMode::kReadOnly));
  {
    ASSERT_OK_AND_ASSIGN(auto w, db_->Begin(TransactionMode::kReadWrite));
    uint64_t p1 = Offset(w.get(), 1);
    ASSERT_OK(w->SetNodeProperty("P", p1, "age", Value::Int64(99)));  // INT64 99 converts to INT32
    ASSERT_OK(w->SetNodeProperty("P", p1, "name", Value::Null(LogicalType::kString)));
    EXPECT_EQ((*w->GetNode("P", p1))[2], Value::Int32(99));
    EXPECT_EQ((*old_reader->GetNode("P", p1))[2], Value::Int32(21));
    std::vector<Edge> out = *w->Neighbours("Knows", p1, true);
    ASSERT_EQ(out.size(), 1u);
    ASSERT_OK(w->SetRelProperty("Knows", p1, out[0].rel_id, "since", Value::Int64(1)));
    ASSERT_OK(w->Commit());
  }
  EXPECT_EQ((*old_reader->GetNode("P", 1))[2], Value::Int32(21));
  EXPECT_EQ((*old_reader->GetNode("P", 1))[1], Value::String("p1"));
  // Updates are pending while an old snapshot is open: no checkpoint yet.
  EXPECT_EQ(db_->Checkpoint().code(), StatusCode::kTransactionError);
  old_reader.reset();
  ASSERT_OK(db_->Checkpoint());
  for (bool checkpoint_on_close : {true, false}) {
    DatabaseOptions options;
    options.checkpoint_on_close = checkpoint_on_close;
    Open(options);
    ASSERT_OK_AND_ASSIGN(auto r, db_->Begin(TransactionMode::kReadOnly));
    uint64_t p1 = Offset(r.get(), 1);
    std::vector<Value> row = *r->GetNode("P", p1);
    EXPECT_EQ(row[1], Value::Null(LogicalType::kString));
    EXPECT_EQ(row[2], Value::Int32(99));
    std::vector<Edge> out = *r->Neighbours("Knows", p1, true);
    EXPECT_EQ((*r->GetRelProperties("Knows", out[0].rel_id))[0], Value::Int64(1));
    EXPECT_TRUE(db_->Verify()->empty());
    // A second update that only the WAL holds (no checkpoint on close).
    r.reset();
    ASSERT_OK_AND_ASSIGN(auto w, db_->Begin(TransactionMode::kReadWrite));
    ASSERT_OK(w->SetNodeProperty("P", p1, "age", Value::Int32(99)));
    ASSERT_OK(w->Commit());
  }
}

TEST_F(UpdateDeleteTest, BadUpdatesAreErrors) {
  ASSERT_OK_AND_ASSIGN(auto w, db_->Begin(TransactionMode::kReadWrite));
  uint64_t p0 = Offset(w.get(), 0);
  Status s = w->SetNodeProperty("P", p0, "id", Value::Int64(7));
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "cannot change primary key 'id' of 'P'");
  s = w->SetNodeProperty("P", p0, "age", Value::String("old"));
  EXPECT_EQ(s.message(), "property 'age' of 'P' is INT32; got STRING value 'old'");
  EXPECT_EQ(w->SetNodeProperty("P", p0, "nope", Value::Int64(1)).message(), "table 'P' has no property 'nope'");
  EXPECT_EQ(w->SetNodeProperty("P", 999, "age", Value::Int64(1)).code(), StatusCode::kNotFound);
  EXPECT_EQ(w->DeleteRel("Knows", p0, 12345).code(), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(auto r, db_->Begin(TransactionMode::kReadOnly));
  EXPECT_EQ(r->DeleteNode("P", p0, true).code(), StatusCode::kReadOnly);
}

TEST_F(UpdateDeleteTest, DeleteRelationshipFromBothDirections) {
  ASSERT_OK_AND_ASSIGN(auto old_reader, db_->Begin(TransactionMode::kReadOnly));
  {
    ASSERT_OK_AND_ASSIGN(auto w, db_->Begin(TransactionMode::kReadWrite));
    uint64_t p0 = Offset(w.get(), 0), p1 = Offset(w.get(), 1);
    std::vector<Edge> out = *w->Neighbours("Knows", p0, true);
    ASSERT_EQ(out.size(), 1u);
    ASSERT_OK(w->DeleteRel("Knows", p0, out[0].rel_id));
    EXPECT_TRUE(w->Neighbours("Knows", p0, true)->empty());
    EXPECT_TRUE(w->Neighbours("Knows", p1, false)->empty());
    EXPECT_EQ(*w->CountRels("Knows"), 5u);
    EXPECT_EQ(w->DeleteRel("Knows", p0, out[0].rel_id).code(), StatusCode::kNotFound);  // twice
    ASSERT_OK(w->Commit());
  }
  EXPECT_EQ(*old_reader->CountRels("Knows"), 6u);
  EXPECT_EQ(old_reader->Neighbours("Knows", 1, false)->size(), 1u);
  old_reader.reset();
  ASSERT_OK(db_->Close());
  Open();
  ASSERT_OK_AND_ASSIGN(auto r, db_->Begin(TransactionMode::kReadOnly));
  EXPECT_EQ(*r->CountRels("Knows"), 5u);
  EXPECT_TRUE(r->Neighbours("Knows", Offset(r.get(), 1), false)->empty());
  EXPECT_TRUE(db_->Verify()->empty());
}

TEST_F(UpdateDeleteTest, DeleteNodeNeedsDetachAndFreesTheKey) {
  {
    ASSERT_OK_AND_ASSIGN(auto w, db_->Begin(TransactionMode::kReadWrite));
    uint64_t p2 = Offset(w.get(), 2);
    Status s = w->DeleteNode("P", p2, /*detach=*/false);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    // Out to 3, in from 1, the self-loop once, and Lives.
    EXPECT_EQ(s.message(), "node 2 of 'P' still has 4 relationship(s); delete them first or use DETACH DELETE");
    ASSERT_OK(w->DeleteNode("P", p2, /*detach=*/true));
    EXPECT_EQ(*w->CountNodes("P"), 4u);
    EXPECT_EQ(*w->CountRels("Knows"), 3u);
    EXPECT_EQ(*w->CountRels("Lives"), 4u);
    EXPECT_FALSE(w->LookupNode("P", Value::Int64(2))->has_value());
    EXPECT_EQ(w->GetNode("P", p2).status().code(), StatusCode::kNotFound);
    // The key is free again; the new node gets a new offset.
    ASSERT_OK_AND_ASSIGN(uint64_t again, w->InsertNode("P", {Value::Int64(2), Value::String("new"), Value::Int32(1)}));
    EXPECT_NE(again, p2);
    ASSERT_OK(w->Commit());
  }
  std::string before = *db_->Dump();
  ASSERT_OK(db_->Checkpoint());
  EXPECT_EQ(*db_->Dump(), before);
  for (int round = 0; round < 2; round++) {
    Open();
    EXPECT_EQ(*db_->Dump(), before);
    EXPECT_TRUE(db_->Verify()->empty());
    ASSERT_OK_AND_ASSIGN(auto r, db_->Begin(TransactionMode::kReadOnly));
    EXPECT_EQ(*r->CountNodes("P"), 5u);
    EXPECT_EQ((*r->GetNode("P", Offset(r.get(), 2)))[1], Value::String("new"));
    int scanned = 0;
    ASSERT_OK(r->ScanNodes("P", [&](uint64_t, const std::vector<Value>&) { return ++scanned > 0; }));
    EXPECT_EQ(scanned, 5);
  }
}

TEST_F(UpdateDeleteTest, RollbackRestoresEverything) {
  std::string before = *db_->Dump();
  {
    ASSERT_OK_AND_ASSIGN(auto w, db_->Begin(TransactionMode::kReadWrite));
    ASSERT_OK(w->SetNodeProperty("P", Offset(w.get(), 3), "age", Value::Int32(0)));
    ASSERT_OK(w->DeleteNode("P", Offset(w.get(), 4), true));
    ASSERT_OK_AND_ASSIGN(uint64_t n, w->InsertNode("P", {Value::Int64(9), Value::String("x"), Value::Int32(1)}));
    ASSERT_OK(w->SetNodeProperty("P", n, "age", Value::Int32(2)));
    ASSERT_OK(w->DeleteNode("P", n, false));
    w->Rollback();
  }
  EXPECT_EQ(*db_->Dump(), before);
  EXPECT_TRUE(db_->Verify()->empty());
  ASSERT_OK(db_->Close());
  Open();
  EXPECT_EQ(*db_->Dump(), before);
}

TEST_F(UpdateDeleteTest, WalReplayOfUpdatesAndDeletes) {
  DatabaseOptions no_checkpoint;
  no_checkpoint.checkpoint_on_close = false;
  Open(no_checkpoint);
  {
    ASSERT_OK_AND_ASSIGN(auto w, db_->Begin(TransactionMode::kReadWrite));
    ASSERT_OK(w->SetNodeProperty("P", Offset(w.get(), 0), "name", Value::String("zero")));
    ASSERT_OK(w->DeleteNode("P", Offset(w.get(), 3), true));
    ASSERT_OK(w->Commit());
  }
  std::string before = *db_->Dump();
  Open(no_checkpoint);  // replays the WAL
  EXPECT_EQ(*db_->Dump(), before);
  EXPECT_TRUE(db_->Verify()->empty());
  Open();  // replays again, then checkpoints on close
  ASSERT_OK(db_->Close());
  Open();
  EXPECT_EQ(*db_->Dump(), before);
  EXPECT_TRUE(db_->Verify()->empty());
}

}  // namespace
}  // namespace ruzu
