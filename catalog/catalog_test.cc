#include "catalog/catalog.h"

#include <gtest/gtest.h>

namespace ruzu {
namespace {

TEST(CatalogTest, CreatesTablesAndFindsThemCaseInsensitively) {
  Catalog c;
  auto person = c.CreateNodeTable("Person", {{"id", LogicalType::kInt64}, {"name", LogicalType::kString}}, "ID");
  ASSERT_TRUE(person.ok()) << person.status().ToString();
  auto knows = c.CreateRelTable("Knows", "person", "Person", {{"since", LogicalType::kDate}});
  ASSERT_TRUE(knows.ok()) << knows.status().ToString();
  EXPECT_EQ(c.FindTable("PERSON")->id, *person);
  EXPECT_EQ(c.FindTable("knows")->from_table, *person);
  EXPECT_EQ(c.FindTable("Person")->FindProperty("NAME"), 1u);
  EXPECT_EQ(c.Tables().size(), 2u);
  EXPECT_EQ(c.next_table_id(), 2u);
}

TEST(CatalogTest, RejectsBadSchemasWithNamedErrors) {
  Catalog c;
  ASSERT_TRUE(c.CreateNodeTable("A", {{"id", LogicalType::kInt64}}, "id").ok());
  EXPECT_EQ(c.CreateNodeTable("a", {{"id", LogicalType::kInt64}}, "id").status().message(),
            "table 'a' already exists");
  EXPECT_EQ(c.CreateNodeTable("B", {{"id", LogicalType::kInt64}}, "nope").status().message(),
            "node table 'B': primary key 'nope' is not one of its properties");
  EXPECT_EQ(c.CreateNodeTable("B", {{"x", LogicalType::kInt64}, {"X", LogicalType::kString}}, "x").status().message(),
            "node table 'B': duplicate property 'X'");
  EXPECT_EQ(c.CreateNodeTable("B", {{"d", LogicalType::kDouble}}, "d").status().message(),
            "node table 'B': primary key 'd' has type DOUBLE; keys must be INT64, INT32, INT16, INT8 or STRING");
  EXPECT_EQ(c.CreateRelTable("R", "A", "Missing", {}).status().message(),
            "relationship table 'R': node table 'Missing' does not exist");
  ASSERT_TRUE(c.CreateRelTable("R", "A", "A", {}).ok());
  EXPECT_EQ(c.CreateRelTable("S", "R", "A", {}).status().message(),
            "relationship table 'S': 'R' is not a node table");
}

TEST(CatalogTest, AddTableRejectsDanglingRelationshipEnds) {
  Catalog c;
  TableSchema rel;
  rel.kind = TableKind::kRel;
  rel.id = 3;
  rel.name = "R";
  rel.from_table = 1;
  rel.to_table = 2;
  Status s = c.AddTable(rel);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "relationship table 'R' refers to node table id 1, which does not exist");
}

}  // namespace
}  // namespace ruzu
