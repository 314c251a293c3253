// WalReader: reads a write-ahead log at recovery and returns its committed
// transactions. The format and the torn-tail rule are described in
// wal/wal_format.h.
//
// Recovery sequence for the db layer:
//   ASSIGN_OR_RETURN(WalContents wal, WalReader::Read(fs, path, db_id, salt));
//   if (wal.valid_end == 0 || wal.stale) {
//     // no usable log: start a fresh one
//     writer = WalWriter::Create(fs, path, db_id, salt, wal.next_lsn);
//   } else {
//     apply wal.committed in order;
//     writer = WalWriter::OpenForAppend(fs, path, db_id, salt, wal.valid_end, wal.next_lsn);
//   }
#ifndef RUZU_WAL_WAL_READER_H_
#define RUZU_WAL_WAL_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/file_system.h"
#include "wal/wal_format.h"

namespace ruzu {

// One record of a committed transaction.
struct WalRecord {
  uint8_t type = 0;  // >= WalRecordType::kFirstUser
  uint64_t lsn = 0;
  std::string payload;
};

// A committed transaction: its records in log order (without the commit
// record itself).
struct WalTransaction {
  uint64_t txn_id = 0;
  uint64_t commit_lsn = 0;  // LSN of its kCommit record
  std::vector<WalRecord> records;
};

struct WalContents {
  // Transactions whose kCommit record was read, in commit order.
  std::vector<WalTransaction> committed;
  // Offset just after the last valid kCommit record (kWalHeaderSize when
  // there is none): where WalWriter::OpenForAppend continues. 0 when the
  // file has no usable header (shorter than one, or all zero: a crash during
  // creation); the caller then recreates the log.
  uint64_t valid_end = 0;
  // The LSN the next record must carry (the header's first LSN when there
  // are no records; kWalFirstLsn when there is no usable header).
  uint64_t next_lsn = kWalFirstLsn;
  // Bytes after valid_end were dropped: an incomplete or damaged last batch,
  // a garbage or zero-filled extension, or records without a commit.
  bool had_torn_tail = false;
  // Valid records whose transaction has no commit record (dropped).
  uint64_t dropped_uncommitted = 0;
  // The header's salt is not the expected one: the whole log predates the
  // last checkpoint. `committed` is empty, valid_end is kWalHeaderSize and
  // next_lsn the header's first LSN; the caller recreates the log.
  bool stale = false;
};

class WalReader {
 public:
  // Reads the log at `path`. A torn tail is not an error. Errors:
  //   kNotFound      no file at `path`
  //   kNotADatabase  "'<path>' is not a ruzu WAL" (wrong magic), or an
  //                  unknown format version
  //   kCorruption    bad header checksum; "WAL '<path>' belongs to another
  //                  database (id X, expected Y)"; "WAL '<path>': corrupted
  //                  record at offset N (valid records follow)"
  //   kIOError       the file could not be read
  // Memory use is bounded by the file size (the returned payloads) plus a
  // fixed read buffer.
  static Result<WalContents> Read(FileSystem* fs, const std::string& path, uint64_t expected_database_id,
                                  uint64_t expected_salt);
};

}  // namespace ruzu

#endif  // RUZU_WAL_WAL_READER_H_
