// DROP TABLE and ALTER TABLE: a new schema committed by a checkpoint of its
// own (see SchemaChange in database_impl.h).
#include <memory>
#include <utility>

#include "common/logging.h"
#include "db/database_impl.h"
#include "storage/bulk_loader.h"
#include "wal/wal_writer.h"

namespace ruzu {

Status Database::Impl::ChangeSchema(const SchemaChange& change) {
  using Kind = SchemaChange::Kind;
  RETURN_IF_ERROR(CheckWritable());
  // Read-only transactions read the catalog and table objects the change
  // replaces; they are few and short in practice, so wait for none.
  auto check_readers = [&]() -> Status {
    if (open_readers_ > 0) {
      return TransactionError("cannot change the schema while " + std::to_string(open_readers_.load()) +
                              " read-only transaction(s) are open");
    }
    return Status::OK();
  };
  RETURN_IF_ERROR(check_readers());
  const TableSchema* current = catalog_.FindTable(change.table);
  if (current == nullptr) return NotFound("table " + change.table + " does not exist");
  // The staged state starts from checkpointed tables.
  if (wal_->size_bytes() > WalWriter::kHeaderSize) RETURN_IF_ERROR(CheckpointLocked());
  const TableSchema before = *catalog_.FindTable(change.table);
  const TableId id = before.id;
  TableSchema after = before;
  StagedImport staged;
  ASSIGN_OR_RETURN(FreeSpaceMap space, CurrentFreeSpace());
  staged.space.emplace(std::move(space));
  BufferPool* pool = pool_.get();
  // Property changes rewrite the column directory: columns in their new order.
  std::vector<ColumnSource> columns;
  for (size_t i = 0; i < before.properties.size(); i++) {
    columns.push_back(ColumnSource{static_cast<int>(i), before.properties[i].type, Value()});
  }
  bool rewrite_columns = false;
  switch (change.kind) {
    case Kind::kDropTable:
      for (const TableSchema* t : catalog_.Tables()) {
        if (t->is_rel() && (t->from_table == id || t->to_table == id)) {
          return InvalidArgument("cannot drop node table " + before.name + ": relationship table " + t->name +
                                 " refers to it (drop " + t->name + " first)");
        }
      }
      if (before.is_node()) {
        RETURN_IF_ERROR(nodes_.at(id)->CollectExtents(pool, &staged.freed));
      } else {
        RETURN_IF_ERROR(rels_.at(id)->CollectExtents(pool, &staged.freed));
      }
      break;
    case Kind::kAddProperty:
      if (before.FindProperty(change.property)) {
        return AlreadyExists("table " + before.name + " already has a property " + change.property);
      }
      after.properties.push_back(PropertyDef{change.property, change.type});
      // The default also serves rows created later without the property.
      after.properties.back().default_value = change.fill;
      columns.push_back(ColumnSource{-1, change.type, change.fill});
      rewrite_columns = true;
      break;
    case Kind::kDropProperty: {
      std::optional<uint32_t> index = before.FindProperty(change.property);
      if (!index) return NotFound("table " + before.name + " has no property " + change.property);
      if (before.is_node() && *index == before.primary_key) {
        return InvalidArgument("cannot drop " + change.property + ", the primary key of table " + before.name);
      }
      after.properties.erase(after.properties.begin() + *index);
      columns.erase(columns.begin() + *index);
      if (before.is_node() && before.primary_key > *index) after.primary_key--;
      rewrite_columns = true;
      break;
    }
    case Kind::kRenameTable:
      after.name = change.new_name;
      break;
    case Kind::kRenameProperty: {
      std::optional<uint32_t> index = before.FindProperty(change.property);
      if (!index) return NotFound("table " + before.name + " has no property " + change.property);
      after.properties[*index].name = change.new_name;
      break;
    }
  }
  // Check the new schema against the others before writing anything.
  Catalog next = catalog_;
  if (change.kind == Kind::kDropTable) {
    next.RemoveTable(id);
  } else {
    RETURN_IF_ERROR(next.ReplaceTable(after));
  }
  if (rewrite_columns) {
    staged.table = id;
    if (before.is_node()) {
      ASSIGN_OR_RETURN(staged.node, NodeTableLoader::Rewrite(*nodes_.at(id), columns, &*staged.space, pool,
                                                             &staged.freed));
    } else {
      ASSIGN_OR_RETURN(staged.rel, RelTableLoader::Rewrite(*rels_.at(id), columns, &*staged.space, pool,
                                                           &staged.freed));
    }
  }
  // Swapped in under the checkpoint's lock; the new table object gets its
  // data when the checkpoint installs the new manifest.
  Catalog previous;
  std::unique_ptr<NodeTableData> old_node;
  std::unique_ptr<RelTableData> old_rel;
  staged.apply = [&]() -> Status {
    RETURN_IF_ERROR(check_readers());
    previous = std::move(catalog_);
    catalog_ = next;
    if (change.kind == Kind::kDropTable || rewrite_columns) {
      if (before.is_node()) {
        old_node = std::move(nodes_.at(id));
        nodes_.erase(id);
      } else {
        old_rel = std::move(rels_.at(id));
        rels_.erase(id);
      }
    }
    if (rewrite_columns) {
      if (after.is_node()) {
        nodes_[id] = std::make_unique<NodeTableData>(after.PropertyTypes(), after.primary_key);
      } else {
        rels_[id] = std::make_unique<RelTableData>(after.PropertyTypes());
      }
    }
    return Status::OK();
  };
  staged.undo = [&]() {
    catalog_ = std::move(previous);
    if (old_node) nodes_[id] = std::move(old_node);
    if (old_rel) rels_[id] = std::move(old_rel);
  };
  KillPoint("schema_change.before_commit");
  const uint64_t epoch = header_.epoch;
  Status committed = CheckpointLocked(&staged);
  if (!committed.ok()) {
    // As for COPY: after the new header the change is committed; a failed
    // WAL reset only poisons the database for further writes.
    if (header_.epoch == epoch) return committed;
    LOG(WARNING) << "schema change of " << before.name << " committed, but " << committed.ToString();
  }
  VLOG(1) << "schema change of table " << before.name << " committed";
  return Status::OK();
}

}  // namespace ruzu
