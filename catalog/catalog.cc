#include "catalog/catalog.h"

#include <set>

namespace ruzu {

std::string ToLowerAscii(const std::string& s) {
  std::string out = s;
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<uint32_t> TableSchema::FindProperty(const std::string& name) const {
  std::string lower = ToLowerAscii(name);
  for (uint32_t i = 0; i < properties.size(); i++) {
    if (ToLowerAscii(properties[i].name) == lower) return i;
  }
  return std::nullopt;
}

std::vector<LogicalType> TableSchema::PropertyTypes() const {
  std::vector<LogicalType> types;
  for (const auto& p : properties) types.push_back(p.type);
  return types;
}

namespace {
bool IsKeyType(LogicalType t) {
  return t == LogicalType::kInt64 || t == LogicalType::kInt32 || t == LogicalType::kInt16 ||
         t == LogicalType::kInt8 || t == LogicalType::kString;
}
bool IsValidName(const std::string& name) {
  if (name.empty() || name.size() > 255) return false;
  for (char c : name) {
    if (c == '\0') return false;
  }
  return true;
}
}  // namespace

Status Catalog::Validate(const TableSchema& schema) const {
  const std::string what = std::string(schema.is_node() ? "node" : "relationship") + " table '" +
                           schema.name + "'";
  if (!IsValidName(schema.name)) return InvalidArgument("invalid table name '" + schema.name + "'");
  if (ids_by_lower_name_.count(ToLowerAscii(schema.name))) {
    return AlreadyExists("table '" + schema.name + "' already exists");
  }
  std::set<std::string> seen;
  for (const auto& p : schema.properties) {
    if (!IsValidName(p.name)) return InvalidArgument(what + ": invalid property name '" + p.name + "'");
    if (!IsValidLogicalType(static_cast<uint8_t>(p.type))) {
      return InvalidArgument(what + ": property '" + p.name + "' has an unknown type");
    }
    if (!seen.insert(ToLowerAscii(p.name)).second) {
      return InvalidArgument(what + ": duplicate property '" + p.name + "'");
    }
    if (!p.default_value.is_null() && p.default_value.type() != p.type) {
      return InvalidArgument(what + ": the default of property '" + p.name + "' is not of type " +
                             LogicalTypeName(p.type));
    }
  }
  for (size_t i = 0; i < schema.properties.size(); i++) {
    const PropertyDef& p = schema.properties[i];
    if (p.serial && (!schema.is_node() || i != schema.primary_key || p.type != LogicalType::kInt64)) {
      return InvalidArgument(what + ": SERIAL property '" + p.name + "' must be the primary key");
    }
    if (schema.is_node() && i == schema.primary_key && !p.default_value.is_null()) {
      return InvalidArgument(what + ": the primary key '" + p.name + "' cannot have a default");
    }
  }
  if (schema.is_node()) {
    if (schema.properties.empty()) return InvalidArgument(what + " needs at least one property");
    if (schema.primary_key >= schema.properties.size()) {
      return InvalidArgument(what + ": primary key is not one of its properties");
    }
    const PropertyDef& key = schema.properties[schema.primary_key];
    if (!IsKeyType(key.type)) {
      return InvalidArgument(what + ": primary key '" + key.name + "' has type " +
                             LogicalTypeName(key.type) + "; keys must be INT64, INT32, INT16, INT8 or STRING");
    }
  } else {
    for (TableId end : {schema.from_table, schema.to_table}) {
      const TableSchema* t = GetTable(end);
      if (t == nullptr || !t->is_node()) {
        return InvalidArgument(what + " refers to node table id " + std::to_string(end) +
                               ", which does not exist");
      }
    }
  }
  return Status::OK();
}

Result<TableId> Catalog::CreateNodeTable(const std::string& name, std::vector<PropertyDef> properties,
                                         const std::string& primary_key) {
  TableSchema schema;
  schema.kind = TableKind::kNode;
  schema.id = next_table_id_;
  schema.name = name;
  schema.properties = std::move(properties);
  auto key = schema.FindProperty(primary_key);
  if (!key) {
    return InvalidArgument("node table '" + name + "': primary key '" + primary_key +
                           "' is not one of its properties");
  }
  schema.primary_key = *key;
  RETURN_IF_ERROR(AddTable(std::move(schema)));
  return next_table_id_ - 1;
}

Result<TableId> Catalog::CreateRelTable(const std::string& name, const std::string& from_table,
                                        const std::string& to_table, std::vector<PropertyDef> properties) {
  TableSchema schema;
  schema.kind = TableKind::kRel;
  schema.id = next_table_id_;
  schema.name = name;
  schema.properties = std::move(properties);
  for (const auto& [end, id] : {std::pair{&from_table, &schema.from_table}, std::pair{&to_table, &schema.to_table}}) {
    const TableSchema* t = FindTable(*end);
    if (t == nullptr) return NotFound("relationship table '" + name + "': node table '" + *end + "' does not exist");
    if (!t->is_node()) {
      return InvalidArgument("relationship table '" + name + "': '" + *end + "' is not a node table");
    }
    *id = t->id;
  }
  RETURN_IF_ERROR(AddTable(std::move(schema)));
  return next_table_id_ - 1;
}

Status Catalog::AddTable(TableSchema schema) {
  RETURN_IF_ERROR(Validate(schema));
  if (tables_.count(schema.id)) return Corruption("duplicate table id " + std::to_string(schema.id));
  TableId id = schema.id;
  ids_by_lower_name_[ToLowerAscii(schema.name)] = id;
  tables_[id] = std::make_unique<TableSchema>(std::move(schema));
  if (id >= next_table_id_) next_table_id_ = id + 1;
  return Status::OK();
}

Catalog::Catalog(const Catalog& other) { *this = other; }

Catalog& Catalog::operator=(const Catalog& other) {
  if (this == &other) return *this;
  tables_.clear();
  for (const auto& [id, t] : other.tables_) tables_[id] = std::make_unique<TableSchema>(*t);
  ids_by_lower_name_ = other.ids_by_lower_name_;
  next_table_id_ = other.next_table_id_;
  return *this;
}

void Catalog::RemoveTable(TableId id) {
  auto it = tables_.find(id);
  if (it == tables_.end()) return;
  ids_by_lower_name_.erase(ToLowerAscii(it->second->name));
  tables_.erase(it);
}

Status Catalog::ReplaceTable(TableSchema schema) {
  auto it = tables_.find(schema.id);
  if (it == tables_.end()) return NotFound("no table with id " + std::to_string(schema.id));
  std::unique_ptr<TableSchema> old = std::move(it->second);
  tables_.erase(it);
  ids_by_lower_name_.erase(ToLowerAscii(old->name));
  Status valid = Validate(schema);
  if (!valid.ok()) {
    ids_by_lower_name_[ToLowerAscii(old->name)] = old->id;
    tables_[old->id] = std::move(old);
    return valid;
  }
  ids_by_lower_name_[ToLowerAscii(schema.name)] = schema.id;
  tables_[schema.id] = std::make_unique<TableSchema>(std::move(schema));
  return Status::OK();
}

const TableSchema* Catalog::FindTable(const std::string& name) const {
  auto it = ids_by_lower_name_.find(ToLowerAscii(name));
  return it == ids_by_lower_name_.end() ? nullptr : GetTable(it->second);
}

const TableSchema* Catalog::GetTable(TableId id) const {
  auto it = tables_.find(id);
  return it == tables_.end() ? nullptr : it->second.get();
}

std::vector<const TableSchema*> Catalog::Tables() const {
  std::vector<const TableSchema*> out;
  for (const auto& [id, t] : tables_) out.push_back(t.get());
  return out;
}

}  // namespace ruzu
