// COPY FROM: bulk import of CSV files into one table (internal to db/).
//
// The import runs with the writer role and no lock: it first folds the WAL
// into the file (a checkpoint), then streams rows from the CSV reader into
// the storage loaders, which write whole node groups and CSR groups to free
// pages, and finally commits everything with one more checkpoint whose
// manifest includes the loaded table. Readers keep reading the old manifest
// meanwhile. An error or a crash before that checkpoint's header write leaves
// the database as it was; the WAL never holds a copy of the data.
#ifndef RUZU_DB_COPY_H_
#define RUZU_DB_COPY_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/status.h"
#include "db/database_impl.h"
#include "query/csv.h"

namespace ruzu {

struct CopyFromOptions {
  bool ignore_errors = false;
  // How many skipped rows to keep for CALL show_warnings() (all are counted).
  size_t warning_limit = 8192;
  // Called after each batch with the rows imported so far.
  std::function<void(uint64_t rows)> progress;
  const std::atomic<bool>* interrupted = nullptr;
};

struct CopyFromSummary {
  uint64_t rows_imported = 0;
  uint64_t rows_skipped = 0;
  std::vector<query::CsvSkippedRow> warnings;  // the first warning_limit skipped rows
};

// Imports every row `reader` yields into `schema`'s table: for a node table
// one column per property; for a relationship table the FROM key, the TO key,
// then the properties. REQUIRES: the caller holds the writer role (an open
// write transaction that has written nothing).
Result<CopyFromSummary> CopyFromCsv(Database::Impl* db, const TableSchema& schema, query::CsvReader* reader,
                                    const std::vector<std::string>& files, const CopyFromOptions& options);

}  // namespace ruzu

#endif  // RUZU_DB_COPY_H_
