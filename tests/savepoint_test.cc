// Savepoints: rolling a write transaction back to a point inside it undoes
// only what came after that point, in memory, in the WAL and after reopening.
// First the table structures on their own, then the public API.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/test_util.h"
#include "db/database.h"
#include "storage/table_data.h"

namespace ruzu {
namespace {

// ------------------------------------------------------------------ storage
// Tables made with SetBase(nullptr) keep everything in the delta, so the
// buffer pool is never used and may be null.

std::string StringAt(const ColumnStore& store, uint64_t row, uint32_t column, uint64_t visible = kSeeAll) {
  Result<Value> v = store.Get(nullptr, row, column, visible);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? v->string_value() : "";
}

TEST(TableSavepointTest, ColumnStoreDropsOnlyLaterVersions) {
  ColumnStore store({LogicalType::kString});
  ASSERT_OK(store.SetBase(nullptr));
  for (const char* s : {"a", "b", "c"}) store.Append({Value::String(s)});
  ASSERT_OK(store.Update(nullptr, 0, 0, Value::String("a1")));
  store.CommitVersions(1);
  ASSERT_OK(store.Update(nullptr, 1, 0, Value::String("b1")));
  const size_t savepoint = store.pending_versions();
  ASSERT_OK(store.Update(nullptr, 0, 0, Value::String("a2")));
  ASSERT_OK(store.Update(nullptr, 1, 0, Value::String("b2")));
  ASSERT_OK(store.Update(nullptr, 1, 0, Value::String("b3")));
  ASSERT_OK(store.Update(nullptr, 2, 0, Value::String("c2")));
  store.RollbackVersionsTo(savepoint);
  EXPECT_EQ(store.pending_versions(), savepoint);
  EXPECT_EQ(StringAt(store, 0, 0), "a1");
  EXPECT_EQ(StringAt(store, 1, 0), "b1");
  EXPECT_EQ(StringAt(store, 2, 0), "c");
  EXPECT_EQ(StringAt(store, 0, 0, 0), "a");  // the committed chain is intact
  EXPECT_EQ(StringAt(store, 1, 0, 1), "b");
  store.CommitVersions(2);
  EXPECT_EQ(StringAt(store, 1, 0, 2), "b1");
  EXPECT_EQ(StringAt(store, 1, 0, 1), "b");
}

TEST(TableSavepointTest, ColumnStoreDropsChainsLeftWithOnlyTheOriginalValue) {
  ColumnStore store({LogicalType::kString});
  ASSERT_OK(store.SetBase(nullptr));
  store.Append({Value::String("a")});
  const size_t savepoint = store.pending_versions();
  ASSERT_OK(store.Update(nullptr, 0, 0, Value::String("a1")));
  ASSERT_OK(store.Update(nullptr, 0, 0, Value::String("a2")));
  EXPECT_TRUE(store.has_versions());
  store.RollbackVersionsTo(savepoint);
  EXPECT_FALSE(store.has_versions());
  EXPECT_EQ(StringAt(store, 0, 0), "a");
}

TEST(TableSavepointTest, NodeTableDropsLaterRowsUpdatesAndDeletions) {
  NodeTableData table({LogicalType::kInt64, LogicalType::kString}, 0);
  ASSERT_OK(table.SetBase(nullptr));
  table.Append({Value::Int64(1), Value::String("one")});
  table.Append({Value::Int64(2), Value::String("two")});
  ASSERT_OK(table.Delete(nullptr, 0));
  const TableSavepoint savepoint = table.CreateSavepoint();
  table.Append({Value::Int64(3), Value::String("three")});
  ASSERT_OK(table.mutable_columns().Update(nullptr, 1, 1, Value::String("changed")));
  ASSERT_OK(table.mutable_columns().Update(nullptr, 2, 1, Value::String("changed")));
  ASSERT_OK(table.Delete(nullptr, 1));
  ASSERT_OK(table.Delete(nullptr, 2));
  table.RollbackToSavepoint(savepoint);

  EXPECT_EQ(table.num_rows(), 2u);
  EXPECT_TRUE(*table.IsDeleted(nullptr, 0, kSeeAll));  // deleted before the savepoint
  EXPECT_FALSE(*table.IsDeleted(nullptr, 1, kSeeAll));
  EXPECT_EQ(StringAt(table.columns(), 1, 1), "two");
  EXPECT_FALSE(table.columns().has_versions());
  EXPECT_EQ(*table.Lookup(nullptr, Value::Int64(2)), std::optional<uint64_t>(1));
  EXPECT_EQ(*table.Lookup(nullptr, Value::Int64(3)), std::nullopt);
  // The dropped key and offset are free again.
  table.Append({Value::Int64(3), Value::String("three again")});
  EXPECT_EQ(*table.Lookup(nullptr, Value::Int64(3)), std::optional<uint64_t>(2));
  // The deletion before the savepoint is still pending.
  table.RollbackVersions();
  EXPECT_FALSE(*table.IsDeleted(nullptr, 0, kSeeAll));
}

TEST(TableSavepointTest, RelTableDropsLaterRelationshipsUpdatesAndDeletions) {
  RelTableData table({LogicalType::kInt64});
  ASSERT_OK(table.SetBase(nullptr));
  table.Insert(0, 1, 0, {Value::Int64(10)});
  table.Insert(1, 0, 1, {Value::Int64(11)});
  table.Delete(0, 0, 1);
  const TableSavepoint savepoint = table.CreateSavepoint();
  table.Insert(0, 0, 2, {Value::Int64(12)});
  ASSERT_OK(table.mutable_properties().Update(nullptr, 1, 0, Value::Int64(99)));
  table.Delete(1, 1, 0);
  table.Delete(2, 0, 0);
  EXPECT_EQ(table.num_edges(), 0u);
  table.RollbackToSavepoint(savepoint);

  EXPECT_EQ(table.next_rel_id(), 2u);
  EXPECT_EQ(table.num_edges(), 1u);
  EXPECT_EQ(table.CountVisible(table.next_rel_id(), kSeeAll), 1u);
  EXPECT_TRUE(table.IsDeleted(0, kSeeAll));
  EXPECT_FALSE(table.IsDeleted(1, kSeeAll));
  EXPECT_EQ(table.properties().Get(nullptr, 1, 0)->int_value(), 11);
  EXPECT_FALSE(table.properties().has_versions());
  std::vector<CsrEdge> edges;
  ASSERT_OK(table.Neighbours(nullptr, Direction::kForward, 0, &edges));
  EXPECT_TRUE(edges.empty());
  ASSERT_OK(table.Neighbours(nullptr, Direction::kForward, 1, &edges));
  EXPECT_EQ(edges, (std::vector<CsrEdge>{{0, 1}}));
  edges.clear();
  ASSERT_OK(table.Neighbours(nullptr, Direction::kBackward, 0, &edges));
  EXPECT_EQ(edges, (std::vector<CsrEdge>{{1, 1}}));
  // The dropped id is used again.
  table.Insert(0, 0, 2, {Value::Int64(20)});
  EXPECT_EQ(table.num_edges(), 2u);
  table.RollbackVersions();
  EXPECT_FALSE(table.IsDeleted(0, kSeeAll));
  EXPECT_EQ(table.num_edges(), 3u);
}

// ----------------------------------------------------------------- database
// N(k INT64 primary key, s STRING), E(N -> N, w INT64); committed: nodes 1
// ("one", offset 0) and 2 ("two", offset 1), relationship 0 = 1 -> 2 (w 12).
// The parameter is DatabaseOptions::checkpoint_on_close: true reopens from
// the checkpointed file, false by replaying the WAL.
class SavepointTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    path_ = MakeTempDir() + "/s.ruzu";
    options_.checkpoint_on_close = GetParam();
    ASSERT_NO_FATAL_FAILURE(Open());
    ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin(TransactionMode::kReadWrite));
    ASSERT_OK(txn->CreateNodeTable("N", {{"k", LogicalType::kInt64}, {"s", LogicalType::kString}}, "k").status());
    ASSERT_OK(txn->CreateRelTable("E", "N", "N", {{"w", LogicalType::kInt64}}).status());
    ASSERT_OK(txn->InsertNode("N", {Value::Int64(1), Value::String("one")}).status());
    ASSERT_OK(txn->InsertNode("N", {Value::Int64(2), Value::String("two")}).status());
    ASSERT_OK(txn->InsertRel("E", Value::Int64(1), Value::Int64(2), {Value::Int64(12)}).status());
    ASSERT_OK(txn->Commit());
  }

  void Open() {
    auto db = Database::Open(path_, options_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }

  void ExpectHealthy() {
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> problems, db_->Verify());
    for (const std::string& p : problems) ADD_FAILURE() << p;
  }

  // Runs `check` in a read-only transaction now and again after reopening;
  // the database passes Verify both times.
  void CheckCommittedAndReopened(const std::function<void(Transaction*)>& check) {
    for (int round = 0; round < 2; round++) {
      SCOPED_TRACE(round == 0 ? "before reopening" : "after reopening");
      {
        ASSERT_OK_AND_ASSIGN(auto reader, db_->Begin(TransactionMode::kReadOnly));
        check(reader.get());
      }
      ASSERT_NO_FATAL_FAILURE(ExpectHealthy());
      if (round == 0) {
        ASSERT_OK(db_->Close());
        db_.reset();
        ASSERT_NO_FATAL_FAILURE(Open());
      }
    }
  }

  std::string path_;
  DatabaseOptions options_;
  std::unique_ptr<Database> db_;
};

// Property `s` of the node with key `key`, or "<none>".
std::string NameOf(Transaction* txn, int64_t key) {
  Result<std::optional<uint64_t>> offset = txn->LookupNode("N", Value::Int64(key));
  EXPECT_TRUE(offset.ok()) << offset.status().ToString();
  if (!offset.ok() || !offset->has_value()) return "<none>";
  Result<std::vector<Value>> row = txn->GetNode("N", **offset);
  EXPECT_TRUE(row.ok()) << row.status().ToString();
  return row.ok() ? (*row)[1].string_value() : "";
}

// The offset of the node with key `key` (which must exist).
uint64_t OffsetOf(Transaction* txn, int64_t key) {
  Result<std::optional<uint64_t>> offset = txn->LookupNode("N", Value::Int64(key));
  EXPECT_TRUE(offset.ok() && offset->has_value()) << "no node " << key;
  return offset.ok() && offset->has_value() ? **offset : ~uint64_t{0};
}

// "neighbour key/relationship id" of the outgoing edges of node `key`.
std::vector<std::string> OutgoingOf(Transaction* txn, int64_t key) {
  std::vector<std::string> out;
  Result<std::vector<Edge>> edges = txn->Neighbours("E", OffsetOf(txn, key), true);
  EXPECT_TRUE(edges.ok()) << edges.status().ToString();
  if (!edges.ok()) return out;
  for (const Edge& e : *edges) {
    Result<std::vector<Value>> node = txn->GetNode("N", e.neighbour);
    EXPECT_TRUE(node.ok()) << node.status().ToString();
    if (node.ok()) out.push_back(std::to_string((*node)[0].int_value()) + "/" + std::to_string(e.rel_id));
  }
  return out;
}

int64_t WeightOf(Transaction* txn, uint64_t rel_id) {
  Result<std::vector<Value>> props = txn->GetRelProperties("E", rel_id);
  EXPECT_TRUE(props.ok()) << props.status().ToString();
  return props.ok() ? (*props)[0].int_value() : -1;
}

TEST_P(SavepointTest, InsertedNodesAfterTheSavepointAreDroppedAndTheirKeysFree) {
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin(TransactionMode::kReadWrite));
  ASSERT_OK(txn->InsertNode("N", {Value::Int64(3), Value::String("three")}).status());
  ASSERT_OK_AND_ASSIGN(Savepoint savepoint, txn->CreateSavepoint());
  ASSERT_OK(txn->InsertNode("N", {Value::Int64(4), Value::String("four")}).status());
  ASSERT_OK(txn->InsertNode("N", {Value::Int64(5), Value::String("five")}).status());
  ASSERT_OK(txn->RollbackToSavepoint(savepoint));
  EXPECT_EQ(NameOf(txn.get(), 3), "three");
  EXPECT_EQ(NameOf(txn.get(), 4), "<none>");
  EXPECT_EQ(NameOf(txn.get(), 5), "<none>");
  EXPECT_EQ(*txn->CountNodes("N"), 3u);
  // The key comes back at the offset it had.
  ASSERT_OK_AND_ASSIGN(uint64_t offset, txn->InsertNode("N", {Value::Int64(4), Value::String("four again")}));
  EXPECT_EQ(offset, 3u);
  ASSERT_OK(txn->Commit());
  CheckCommittedAndReopened([](Transaction* r) {
    EXPECT_EQ(*r->CountNodes("N"), 4u);
    EXPECT_EQ(NameOf(r, 3), "three");
    EXPECT_EQ(NameOf(r, 4), "four again");
    EXPECT_EQ(NameOf(r, 5), "<none>");
  });
}

TEST_P(SavepointTest, InsertedRelationshipsAfterTheSavepointAreDropped) {
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin(TransactionMode::kReadWrite));
  ASSERT_OK(txn->InsertRel("E", Value::Int64(2), Value::Int64(1), {Value::Int64(21)}).status());
  ASSERT_OK_AND_ASSIGN(Savepoint savepoint, txn->CreateSavepoint());
  ASSERT_OK(txn->InsertNode("N", {Value::Int64(3), Value::String("three")}).status());
  ASSERT_OK(txn->InsertRel("E", Value::Int64(2), Value::Int64(3), {Value::Int64(23)}).status());
  ASSERT_OK(txn->InsertRel("E", Value::Int64(1), Value::Int64(1), {Value::Int64(11)}).status());
  ASSERT_OK(txn->RollbackToSavepoint(savepoint));
  EXPECT_EQ(*txn->CountRels("E"), 2u);
  EXPECT_EQ(OutgoingOf(txn.get(), 1), (std::vector<std::string>{"2/0"}));
  EXPECT_EQ(OutgoingOf(txn.get(), 2), (std::vector<std::string>{"1/1"}));
  EXPECT_EQ(txn->GetRelProperties("E", 2).status().code(), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(uint64_t rel_id, txn->InsertRel("E", Value::Int64(1), Value::Int64(2), {Value::Int64(120)}));
  EXPECT_EQ(rel_id, 2u);
  ASSERT_OK(txn->Commit());
  CheckCommittedAndReopened([](Transaction* r) {
    EXPECT_EQ(*r->CountNodes("N"), 2u);
    EXPECT_EQ(*r->CountRels("E"), 3u);
    EXPECT_EQ(OutgoingOf(r, 1), (std::vector<std::string>{"2/0", "2/2"}));
    EXPECT_EQ(OutgoingOf(r, 2), (std::vector<std::string>{"1/1"}));
    EXPECT_EQ(WeightOf(r, 1), 21);
    EXPECT_EQ(WeightOf(r, 2), 120);
  });
}

TEST_P(SavepointTest, NodePropertyUpdatesAfterTheSavepointAreDropped) {
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin(TransactionMode::kReadWrite));
  ASSERT_OK(txn->SetNodeProperty("N", 0, "s", Value::String("one A")));
  ASSERT_OK_AND_ASSIGN(Savepoint savepoint, txn->CreateSavepoint());
  ASSERT_OK(txn->SetNodeProperty("N", 0, "s", Value::String("one B")));
  ASSERT_OK(txn->SetNodeProperty("N", 1, "s", Value::String("two B")));
  ASSERT_OK(txn->SetNodeProperty("N", 1, "s", Value::Null(LogicalType::kString)));
  ASSERT_OK(txn->RollbackToSavepoint(savepoint));
  EXPECT_EQ(NameOf(txn.get(), 1), "one A");
  EXPECT_EQ(NameOf(txn.get(), 2), "two");
  ASSERT_OK(txn->Commit());
  CheckCommittedAndReopened([](Transaction* r) {
    EXPECT_EQ(NameOf(r, 1), "one A");
    EXPECT_EQ(NameOf(r, 2), "two");
  });
}

TEST_P(SavepointTest, RelPropertyUpdatesAfterTheSavepointAreDropped) {
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin(TransactionMode::kReadWrite));
  ASSERT_OK(txn->SetRelProperty("E", 0, 0, "w", Value::Int64(20)));
  ASSERT_OK_AND_ASSIGN(uint64_t rel_id, txn->InsertRel("E", Value::Int64(2), Value::Int64(2), {Value::Int64(22)}));
  ASSERT_OK_AND_ASSIGN(Savepoint savepoint, txn->CreateSavepoint());
  ASSERT_OK(txn->SetRelProperty("E", 0, 0, "w", Value::Int64(30)));
  ASSERT_OK(txn->SetRelProperty("E", 1, rel_id, "w", Value::Int64(32)));
  ASSERT_OK(txn->RollbackToSavepoint(savepoint));
  EXPECT_EQ(WeightOf(txn.get(), 0), 20);
  EXPECT_EQ(WeightOf(txn.get(), rel_id), 22);
  ASSERT_OK(txn->Commit());
  CheckCommittedAndReopened([&](Transaction* r) {
    EXPECT_EQ(WeightOf(r, 0), 20);
    EXPECT_EQ(WeightOf(r, rel_id), 22);
  });
}

TEST_P(SavepointTest, RelDeletionsAfterTheSavepointAreDropped) {
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin(TransactionMode::kReadWrite));
  ASSERT_OK_AND_ASSIGN(uint64_t kept, txn->InsertRel("E", Value::Int64(2), Value::Int64(1), {Value::Int64(21)}));
  ASSERT_OK(txn->DeleteRel("E", 0, 0));
  ASSERT_OK_AND_ASSIGN(Savepoint savepoint, txn->CreateSavepoint());
  ASSERT_OK(txn->DeleteRel("E", 1, kept));
  EXPECT_EQ(*txn->CountRels("E"), 0u);
  ASSERT_OK(txn->RollbackToSavepoint(savepoint));
  EXPECT_EQ(*txn->CountRels("E"), 1u);
  EXPECT_EQ(OutgoingOf(txn.get(), 1), std::vector<std::string>{});
  EXPECT_EQ(OutgoingOf(txn.get(), 2), (std::vector<std::string>{"1/1"}));
  EXPECT_EQ(txn->GetRelProperties("E", 0).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(WeightOf(txn.get(), kept), 21);
  ASSERT_OK(txn->Commit());
  CheckCommittedAndReopened([&](Transaction* r) {
    EXPECT_EQ(*r->CountRels("E"), 1u);
    EXPECT_EQ(OutgoingOf(r, 1), std::vector<std::string>{});
    EXPECT_EQ(OutgoingOf(r, 2), (std::vector<std::string>{"1/1"}));
  });
}

TEST_P(SavepointTest, DetachDeleteAfterTheSavepointIsDropped) {
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin(TransactionMode::kReadWrite));
  ASSERT_OK(txn->InsertNode("N", {Value::Int64(3), Value::String("three")}).status());
  ASSERT_OK(txn->InsertRel("E", Value::Int64(3), Value::Int64(1), {Value::Int64(31)}).status());
  ASSERT_OK_AND_ASSIGN(Savepoint savepoint, txn->CreateSavepoint());
  ASSERT_OK(txn->DeleteNode("N", 0, /*detach=*/true));
  EXPECT_EQ(*txn->CountRels("E"), 0u);
  ASSERT_OK(txn->RollbackToSavepoint(savepoint));
  EXPECT_EQ(*txn->CountNodes("N"), 3u);
  EXPECT_EQ(*txn->CountRels("E"), 2u);
  EXPECT_EQ(NameOf(txn.get(), 1), "one");
  EXPECT_EQ(OutgoingOf(txn.get(), 1), (std::vector<std::string>{"2/0"}));
  EXPECT_EQ(OutgoingOf(txn.get(), 3), (std::vector<std::string>{"1/1"}));
  // Deleting again works: nothing of the dropped deletion is left behind.
  ASSERT_OK(txn->DeleteNode("N", 1, /*detach=*/true));
  ASSERT_OK(txn->Commit());
  CheckCommittedAndReopened([](Transaction* r) {
    EXPECT_EQ(*r->CountNodes("N"), 2u);
    EXPECT_EQ(NameOf(r, 1), "one");
    EXPECT_EQ(NameOf(r, 2), "<none>");
    EXPECT_EQ(*r->CountRels("E"), 1u);
    EXPECT_EQ(OutgoingOf(r, 1), std::vector<std::string>{});
    EXPECT_EQ(OutgoingOf(r, 3), (std::vector<std::string>{"1/1"}));
  });
}

TEST_P(SavepointTest, TablesCreatedAfterTheSavepointAreDropped) {
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin(TransactionMode::kReadWrite));
  ASSERT_OK(txn->CreateNodeTable("A", {{"id", LogicalType::kString}}, "id").status());
  ASSERT_OK(txn->InsertNode("A", {Value::String("a1")}).status());
  ASSERT_OK_AND_ASSIGN(Savepoint savepoint, txn->CreateSavepoint());
  ASSERT_OK(txn->CreateNodeTable("B", {{"id", LogicalType::kInt64}}, "id").status());
  ASSERT_OK(txn->CreateRelTable("AB", "A", "B", {}).status());
  ASSERT_OK(txn->InsertNode("B", {Value::Int64(1)}).status());
  ASSERT_OK(txn->InsertNode("A", {Value::String("a2")}).status());
  ASSERT_OK(txn->InsertRel("AB", Value::String("a1"), Value::Int64(1), {}).status());
  ASSERT_OK(txn->RollbackToSavepoint(savepoint));
  EXPECT_EQ(txn->CountNodes("B").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(txn->CountRels("AB").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*txn->CountNodes("A"), 1u);
  // The names are free again, for tables of another shape.
  ASSERT_OK(txn->CreateNodeTable("B", {{"name", LogicalType::kString}}, "name").status());
  ASSERT_OK(txn->InsertNode("B", {Value::String("b")}).status());
  ASSERT_OK(txn->Commit());
  const Catalog catalog = db_->CatalogSnapshot();
  EXPECT_EQ(catalog.FindTable("AB"), nullptr);
  CheckCommittedAndReopened([](Transaction* r) {
    EXPECT_EQ(*r->CountNodes("A"), 1u);
    EXPECT_TRUE(r->LookupNode("A", Value::String("a1"))->has_value());
    EXPECT_EQ(*r->CountNodes("B"), 1u);
    EXPECT_TRUE(r->LookupNode("B", Value::String("b"))->has_value());
    EXPECT_EQ(r->CountRels("AB").status().code(), StatusCode::kNotFound);
  });
  const Catalog reopened = db_->CatalogSnapshot();
  EXPECT_EQ(reopened.FindTable("AB"), nullptr);
  ASSERT_NE(reopened.FindTable("B"), nullptr);
  EXPECT_EQ(reopened.FindTable("B")->properties[0].name, "name");
}

TEST_P(SavepointTest, ReadersKeepTheirSnapshots) {
  ASSERT_OK_AND_ASSIGN(auto reader, db_->Begin(TransactionMode::kReadOnly));
  auto expect_initial = [](Transaction* r) {
    EXPECT_EQ(*r->CountNodes("N"), 2u);
    EXPECT_EQ(*r->CountRels("E"), 1u);
    EXPECT_EQ(NameOf(r, 1), "one");
    EXPECT_EQ(NameOf(r, 2), "two");
    EXPECT_EQ(NameOf(r, 3), "<none>");
    EXPECT_EQ(WeightOf(r, 0), 12);
    EXPECT_EQ(r->CountNodes("T").status().code(), StatusCode::kNotFound);
  };
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin(TransactionMode::kReadWrite));
  ASSERT_OK(txn->SetNodeProperty("N", 0, "s", Value::String("one A")));
  ASSERT_OK(txn->InsertNode("N", {Value::Int64(3), Value::String("three")}).status());
  ASSERT_OK_AND_ASSIGN(Savepoint savepoint, txn->CreateSavepoint());
  ASSERT_OK(txn->SetNodeProperty("N", 0, "s", Value::String("one B")));
  ASSERT_OK(txn->SetNodeProperty("N", 1, "s", Value::String("two B")));
  ASSERT_OK(txn->SetRelProperty("E", 0, 0, "w", Value::Int64(99)));
  ASSERT_OK(txn->DeleteNode("N", 1, /*detach=*/true));
  ASSERT_OK(txn->CreateNodeTable("T", {{"id", LogicalType::kInt64}}, "id").status());
  expect_initial(reader.get());
  ASSERT_OK(txn->RollbackToSavepoint(savepoint));
  expect_initial(reader.get());
  {
    // Begun after the rollback, before the commit: still only committed data.
    ASSERT_OK_AND_ASSIGN(auto between, db_->Begin(TransactionMode::kReadOnly));
    expect_initial(between.get());
  }
  EXPECT_EQ(db_->CatalogSnapshot().FindTable("T"), nullptr);
  ASSERT_OK(txn->Commit());
  expect_initial(reader.get());
  ASSERT_OK_AND_ASSIGN(auto later, db_->Begin(TransactionMode::kReadOnly));
  EXPECT_EQ(NameOf(later.get(), 1), "one A");
  EXPECT_EQ(NameOf(later.get(), 2), "two");
  EXPECT_EQ(NameOf(later.get(), 3), "three");
  EXPECT_EQ(WeightOf(later.get(), 0), 12);
  later.reset();
  reader.reset();
  ASSERT_NO_FATAL_FAILURE(ExpectHealthy());
}

TEST_P(SavepointTest, RollingBackEverythingLeavesNothingToCommit) {
  const uint64_t wal_bytes = db_->Stats().wal_bytes;
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin(TransactionMode::kReadWrite));
  ASSERT_OK_AND_ASSIGN(Savepoint savepoint, txn->CreateSavepoint());
  ASSERT_OK(txn->InsertNode("N", {Value::Int64(3), Value::String("three")}).status());
  ASSERT_OK(txn->SetNodeProperty("N", 0, "s", Value::String("changed")));
  ASSERT_OK(txn->RollbackToSavepoint(savepoint));
  ASSERT_OK(txn->Commit());
  EXPECT_EQ(db_->Stats().wal_bytes, wal_bytes);
  CheckCommittedAndReopened([](Transaction* r) {
    EXPECT_EQ(*r->CountNodes("N"), 2u);
    EXPECT_EQ(NameOf(r, 1), "one");
  });
}

TEST_P(SavepointTest, NestedSavepointsAndWholeRollbackAfterwards) {
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin(TransactionMode::kReadWrite));
  ASSERT_OK_AND_ASSIGN(Savepoint outer, txn->CreateSavepoint());
  ASSERT_OK(txn->InsertNode("N", {Value::Int64(3), Value::String("three")}).status());
  ASSERT_OK_AND_ASSIGN(Savepoint inner, txn->CreateSavepoint());
  ASSERT_OK(txn->InsertNode("N", {Value::Int64(4), Value::String("four")}).status());
  ASSERT_OK(txn->RollbackToSavepoint(inner));
  ASSERT_OK(txn->RollbackToSavepoint(inner));  // again: nothing to undo
  EXPECT_EQ(NameOf(txn.get(), 3), "three");
  EXPECT_EQ(NameOf(txn.get(), 4), "<none>");
  ASSERT_OK(txn->SetNodeProperty("N", 1, "s", Value::String("two B")));
  ASSERT_OK(txn->RollbackToSavepoint(outer));
  EXPECT_EQ(NameOf(txn.get(), 2), "two");
  EXPECT_EQ(NameOf(txn.get(), 3), "<none>");
  // `inner` described changes that are gone now.
  EXPECT_EQ(txn->RollbackToSavepoint(inner).code(), StatusCode::kInvalidArgument);
  ASSERT_OK(txn->InsertNode("N", {Value::Int64(5), Value::String("five")}).status());
  ASSERT_OK(txn->DeleteRel("E", 0, 0));
  txn->Rollback();
  EXPECT_EQ(txn->RollbackToSavepoint(outer).code(), StatusCode::kTransactionError);
  CheckCommittedAndReopened([](Transaction* r) {
    EXPECT_EQ(*r->CountNodes("N"), 2u);
    EXPECT_EQ(*r->CountRels("E"), 1u);
    EXPECT_EQ(NameOf(r, 5), "<none>");
  });
}

TEST_P(SavepointTest, ForeignAndEmptySavepointsAreRejected) {
  Savepoint foreign;
  {
    ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin(TransactionMode::kReadWrite));
    ASSERT_OK_AND_ASSIGN(foreign, txn->CreateSavepoint());
    ASSERT_OK(txn->Commit());
    EXPECT_EQ(txn->CreateSavepoint().status().code(), StatusCode::kTransactionError);
  }
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin(TransactionMode::kReadWrite));
  ASSERT_OK(txn->InsertNode("N", {Value::Int64(3), Value::String("three")}).status());
  EXPECT_EQ(txn->RollbackToSavepoint(foreign).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(txn->RollbackToSavepoint(Savepoint()).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NameOf(txn.get(), 3), "three");
  ASSERT_OK(txn->Commit());
  // Read-only transactions have nothing to undo.
  ASSERT_OK_AND_ASSIGN(auto reader, db_->Begin(TransactionMode::kReadOnly));
  ASSERT_OK_AND_ASSIGN(Savepoint mine, reader->CreateSavepoint());
  EXPECT_OK(reader->RollbackToSavepoint(mine));
  EXPECT_OK(reader->RollbackToSavepoint(foreign));
  EXPECT_EQ(*reader->CountNodes("N"), 3u);
}

INSTANTIATE_TEST_SUITE_P(CheckpointOnClose, SavepointTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Checkpointed" : "WalReplay";
                         });

}  // namespace
}  // namespace ruzu
