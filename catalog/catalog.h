// The catalog: node tables (properties, primary key) and relationship tables
// (FROM node table TO node table, properties). Pure metadata; where table
// data lives is the storage layer's business. Names of tables and properties
// are matched case-insensitively (as in KuzuDB) and kept as written.
#ifndef RUZU_CATALOG_CATALOG_H_
#define RUZU_CATALOG_CATALOG_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/types.h"

namespace ruzu {

using TableId = uint32_t;

struct PropertyDef {
  PropertyDef() = default;
  PropertyDef(std::string name_in, LogicalType type_in) : name(std::move(name_in)), type(type_in) {}

  std::string name;
  LogicalType type = LogicalType::kInt64;
  // SERIAL: an INT64 primary key whose value is the node's offset, assigned
  // on insert (0, 1, 2, ...; never reused, as offsets are not).
  bool serial = false;
  // The value CREATE gives the property when it is not set (NULL: none).
  Value default_value;
};

enum class TableKind : uint8_t { kNode = 1, kRel = 2 };

struct TableSchema {
  TableKind kind = TableKind::kNode;
  TableId id = 0;
  std::string name;
  std::vector<PropertyDef> properties;
  // Node tables: index into `properties` of the primary key.
  uint32_t primary_key = 0;
  // Relationship tables: the node tables at either end.
  TableId from_table = 0;
  TableId to_table = 0;

  bool is_node() const { return kind == TableKind::kNode; }
  bool is_rel() const { return kind == TableKind::kRel; }
  // Index of the property named `name` (case-insensitive), if any.
  std::optional<uint32_t> FindProperty(const std::string& name) const;
  std::vector<LogicalType> PropertyTypes() const;
};

class Catalog {
 public:
  Catalog() = default;
  Catalog(const Catalog& other);
  Catalog& operator=(const Catalog& other);
  Catalog(Catalog&&) = default;
  Catalog& operator=(Catalog&&) = default;

  // Validates and adds a node table; returns its id. Errors
  // (kInvalidArgument / kAlreadyExists) name the table or property:
  // duplicate table name, no properties, duplicate property names, unknown
  // primary key, primary key of a type other than INT64/INT32/INT16/INT8/STRING.
  Result<TableId> CreateNodeTable(const std::string& name, std::vector<PropertyDef> properties,
                                  const std::string& primary_key);
  // Validates and adds a relationship table between two existing node tables.
  Result<TableId> CreateRelTable(const std::string& name, const std::string& from_table,
                                 const std::string& to_table, std::vector<PropertyDef> properties);

  // Adds a table exactly as given (replaying the WAL or loading the manifest).
  // Checks the same rules as the Create methods plus id uniqueness and, for
  // relationship tables, that both node tables exist.
  Status AddTable(TableSchema schema);

  // Removes a table (rolling back its creation, DROP TABLE). Ids are not reused.
  void RemoveTable(TableId id);
  // Replaces the table with schema.id by `schema` (ALTER TABLE), checked by
  // the rules of AddTable; on error nothing changes.
  Status ReplaceTable(TableSchema schema);

  const TableSchema* FindTable(const std::string& name) const;
  const TableSchema* GetTable(TableId id) const;
  // Every table, ordered by id.
  std::vector<const TableSchema*> Tables() const;

  TableId next_table_id() const { return next_table_id_; }
  void set_next_table_id(TableId id) { next_table_id_ = id; }

 private:
  Status Validate(const TableSchema& schema) const;

  std::map<TableId, std::unique_ptr<TableSchema>> tables_;
  std::map<std::string, TableId> ids_by_lower_name_;
  TableId next_table_id_ = 0;
};

// Lower-cases ASCII letters; catalog names compare this way.
std::string ToLowerAscii(const std::string& s);

}  // namespace ruzu

#endif  // RUZU_CATALOG_CATALOG_H_
