#include "db/copy.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "common/logging.h"
#include "storage/bulk_loader.h"
#include "wal/wal_writer.h"

namespace ruzu {
namespace {

// Collects rows to skip (IGNORE_ERRORS) or fails on the first bad one.
class RowProblems {
 public:
  RowProblems(const std::vector<std::string>* files, const CopyFromOptions* options, CopyFromSummary* summary)
      : files_(files), options_(options), summary_(summary) {}

  // Reports a problem with row `row` of `batch` at 1-based field `column`:
  // an error, or (with IGNORE_ERRORS) a skipped row.
  Status Report(const query::CsvBatch& batch, size_t row, uint32_t column, const std::string& message) {
    const std::string& file = (*files_)[batch.file_index];
    std::string reason = file + ":" + std::to_string(batch.lines[row]) + ":" + std::to_string(column) + ": " + message;
    if (!options_->ignore_errors) return InvalidArgument(reason);
    Skip(query::CsvSkippedRow{file, batch.lines[row], column, std::move(reason)});
    if (keep_.empty()) keep_.assign(batch.num_rows(), true);
    keep_[row] = false;
    return Status::OK();
  }
  void Skip(query::CsvSkippedRow row) {
    summary_->rows_skipped++;
    if (summary_->warnings.size() < options_->warning_limit) summary_->warnings.push_back(std::move(row));
  }
  // Drops the reported rows from `columns` (and `extra`); returns the rows left.
  size_t Compact(std::vector<std::vector<Value>>* columns, size_t rows, std::vector<uint64_t>* extra1 = nullptr,
                 std::vector<uint64_t>* extra2 = nullptr) {
    if (keep_.empty()) return rows;
    size_t out = 0;
    for (size_t r = 0; r < rows; r++) {
      if (!keep_[r]) continue;
      if (out != r) {
        for (auto& column : *columns) column[out] = std::move(column[r]);
        if (extra1 != nullptr) (*extra1)[out] = (*extra1)[r];
        if (extra2 != nullptr) (*extra2)[out] = (*extra2)[r];
      }
      out++;
    }
    keep_.clear();
    return out;
  }

 private:
  const std::vector<std::string>* files_;
  const CopyFromOptions* options_;
  CopyFromSummary* summary_;
  std::vector<bool> keep_;  // empty: keep every row of the batch
};

// The rows the CSV reader skipped (IGNORE_ERRORS) join the summary.
void TakeSkipped(query::CsvBatch* batch, RowProblems* problems) {
  for (query::CsvSkippedRow& row : batch->skipped) problems->Skip(std::move(row));
  batch->skipped.clear();
}

// The next batch of rows (false at the end), its skipped rows recorded.
Result<bool> NextBatch(query::CsvReader* reader, const CopyFromOptions& options, RowProblems* problems,
                       query::CsvBatch* batch) {
  if (options.interrupted != nullptr && options.interrupted->load()) {
    return Interrupted();
  }
  ASSIGN_OR_RETURN(bool more, reader->Next(batch));
  if (more) TakeSkipped(batch, problems);
  return more;
}

Result<StagedNodeTable> LoadNodes(Database::Impl* db, const TableSchema& schema, query::CsvReader* reader,
                                  const CopyFromOptions& options, RowProblems* problems, FreeSpaceMap* space,
                                  std::vector<PageExtent>* freed, CopyFromSummary* summary) {
  const NodeTableData* table = db->nodes_.at(schema.id).get();
  BufferPool* pool = db->pool_.get();
  NodeTableLoader loader(table, space, pool, freed);
  RETURN_IF_ERROR(loader.Start());
  NodeKeyMap keys(table, pool);
  RETURN_IF_ERROR(keys.Build());
  const uint32_t key_column = schema.primary_key;
  const std::string& key_name = schema.properties[key_column].name;
  const bool serial = schema.properties[key_column].serial;
  query::CsvBatch batch;
  while (true) {
    ASSIGN_OR_RETURN(bool more, NextBatch(reader, options, problems, &batch));
    if (!more) break;
    const size_t rows = batch.num_rows();
    if (serial) {
      // The file has no key column: the keys are the new rows' offsets.
      std::vector<Value> serial_keys(rows);
      for (size_t r = 0; r < rows; r++) serial_keys[r] = Value::Int64(static_cast<int64_t>(loader.num_rows() + r));
      batch.columns.insert(batch.columns.begin() + key_column, std::move(serial_keys));
    }
    std::vector<Value>& key_values = batch.columns[key_column];
    uint64_t offset = loader.num_rows();
    for (size_t r = 0; r < rows && !serial; r++) {
      const Value& key = key_values[r];
      if (key.is_null()) {
        RETURN_IF_ERROR(problems->Report(batch, r, key_column + 1,
                                         "the primary key " + key_name + " of table " + schema.name + " is NULL"));
      } else if (!keys.Insert(key, offset)) {
        RETURN_IF_ERROR(problems->Report(batch, r, key_column + 1,
                                         "duplicate primary key " + key.ToString() + " in table " + schema.name));
      } else {
        offset++;
      }
    }
    const size_t kept = problems->Compact(&batch.columns, rows);
    RETURN_IF_ERROR(loader.Append(&batch.columns, 0, kept));
    summary->rows_imported += kept;
    if (options.progress) options.progress(summary->rows_imported);
  }
  return loader.Finish();
}

Result<StagedRelTable> LoadRels(Database::Impl* db, const TableSchema& schema, query::CsvReader* reader,
                                const CopyFromOptions& options, RowProblems* problems, FreeSpaceMap* space,
                                std::vector<PageExtent>* freed, CopyFromSummary* summary) {
  BufferPool* pool = db->pool_.get();
  const NodeTableData* from = db->nodes_.at(schema.from_table).get();
  const NodeTableData* to = db->nodes_.at(schema.to_table).get();
  const std::string from_name = db->catalog_.GetTable(schema.from_table)->name;
  const std::string to_name = db->catalog_.GetTable(schema.to_table)->name;
  NodeKeyMap from_keys(from, pool);
  RETURN_IF_ERROR(from_keys.Build());
  std::optional<NodeKeyMap> to_keys_storage;
  const NodeKeyMap* to_keys = &from_keys;
  if (schema.to_table != schema.from_table) {
    to_keys_storage.emplace(to, pool);
    RETURN_IF_ERROR(to_keys_storage->Build());
    to_keys = &*to_keys_storage;
  }
  // Staged edges get half the buffer pool's budget before they spill.
  EdgeStaging staging;
  staging.memory_bytes = std::max<size_t>(db->options_.buffer_pool_bytes / 2, 1 << 16);
  staging.fs = db->fs_;
  staging.spill_path = CopySpillPath(db->path_);
  RelTableLoader loader(db->rels_.at(schema.id).get(), from->num_rows(), to->num_rows(), space, pool, freed,
                        std::move(staging));
  RETURN_IF_ERROR(loader.Start());
  query::CsvBatch batch;
  std::vector<uint64_t> src, dst;
  std::vector<std::vector<Value>> properties;
  while (true) {
    ASSIGN_OR_RETURN(bool more, NextBatch(reader, options, problems, &batch));
    if (!more) break;
    const size_t rows = batch.num_rows();
    src.assign(rows, 0);
    dst.assign(rows, 0);
    for (size_t r = 0; r < rows; r++) {
      const Value& from_key = batch.columns[0][r];
      const Value& to_key = batch.columns[1][r];
      std::optional<uint64_t> s, d;
      if (from_key.is_null() || !(s = from_keys.Find(from_key))) {
        RETURN_IF_ERROR(problems->Report(batch, r, 1,
                                         from_key.is_null() ? "the FROM key is NULL"
                                                            : "no " + from_name + " node has primary key " +
                                                                  from_key.ToString()));
        continue;
      }
      if (to_key.is_null() || !(d = to_keys->Find(to_key))) {
        RETURN_IF_ERROR(problems->Report(batch, r, 2,
                                         to_key.is_null() ? "the TO key is NULL"
                                                          : "no " + to_name + " node has primary key " +
                                                                to_key.ToString()));
        continue;
      }
      src[r] = *s;
      dst[r] = *d;
    }
    properties.clear();
    for (size_t c = 2; c < batch.columns.size(); c++) properties.push_back(std::move(batch.columns[c]));
    const size_t kept = problems->Compact(&properties, rows, &src, &dst);
    RETURN_IF_ERROR(loader.Append(src, dst, &properties, 0, kept));
    summary->rows_imported += kept;
    if (options.progress) options.progress(summary->rows_imported);
  }
  if (loader.spilled_bytes() > 0) VLOG(1) << "COPY staged " << loader.spilled_bytes() << " bytes of edges on disk";
  return loader.Finish();
}

}  // namespace

Result<CopyFromSummary> CopyFromCsv(Database::Impl* db, const TableSchema& schema, query::CsvReader* reader,
                                    const std::vector<std::string>& files, const CopyFromOptions& options) {
  RETURN_IF_ERROR(db->CheckWritable());
  // The loaders start from checkpointed tables: fold the WAL in first.
  if (db->wal_->size_bytes() > WalWriter::kHeaderSize) {
    Status s = db->CheckpointLocked();
    if (!s.ok()) return s.WithContext("COPY needs a checkpoint first");
  }
  StagedImport staged;
  staged.table = schema.id;
  ASSIGN_OR_RETURN(FreeSpaceMap space, db->CurrentFreeSpace());
  staged.space.emplace(std::move(space));
  CopyFromSummary summary;
  RowProblems problems(&files, &options, &summary);
  db->KillPoint("copy.start");
  if (schema.is_node()) {
    ASSIGN_OR_RETURN(staged.node,
                     LoadNodes(db, schema, reader, options, &problems, &*staged.space, &staged.freed, &summary));
  } else {
    ASSIGN_OR_RETURN(staged.rel,
                     LoadRels(db, schema, reader, options, &problems, &*staged.space, &staged.freed, &summary));
  }
  db->KillPoint("copy.before_commit");
  const uint64_t epoch = db->header_.epoch;
  Status committed = db->CheckpointLocked(&staged);
  if (!committed.ok()) {
    // Once the new header is written the import is committed; only the WAL
    // reset after it can have failed, which poisons the database for writes.
    if (db->header_.epoch == epoch) return committed.WithContext("COPY into " + schema.name + " could not commit");
    LOG(WARNING) << "COPY into " << schema.name << " committed, but " << committed.ToString();
  }
  db->KillPoint("copy.after_commit");
  VLOG(1) << "COPY " << schema.name << ": " << summary.rows_imported << " rows imported, " << summary.rows_skipped
          << " skipped";
  return summary;
}

}  // namespace ruzu
