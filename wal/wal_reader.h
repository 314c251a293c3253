// WalReader: reads the committed transactions of a WAL for recovery.
#ifndef RUZU_WAL_WAL_READER_H_
#define RUZU_WAL_WAL_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/file_system.h"

namespace ruzu {

struct WalRecord {
  uint8_t type = 0;
  uint64_t lsn = 0;
  std::string payload;
};

struct WalTransaction {
  uint64_t txn_id = 0;
  std::vector<WalRecord> records;  // without the commit record
};

struct WalContents {
  std::vector<WalTransaction> committed;  // in commit order
  uint64_t valid_end = 0;                 // just after the last valid record; 0: no usable header
  uint64_t next_lsn = 1;
  bool had_torn_tail = false;
  uint64_t dropped_uncommitted = 0;       // records of transactions without a commit
  bool stale = false;                     // salt differs: the log predates the last checkpoint
};

class WalReader {
 public:
  // Errors: kNotFound (no file), kNotADatabase (not a ruzu WAL), kCorruption
  // (bad header checksum, another database's WAL, or an invalid record
  // followed by valid ones). A torn tail is not an error.
  static Result<WalContents> Read(FileSystem* fs, const std::string& path, uint64_t expected_database_id,
                                  uint64_t expected_salt);
};

}  // namespace ruzu

#endif  // RUZU_WAL_WAL_READER_H_
