// The on-disk format of the write-ahead log (WAL), shared by WalWriter and
// WalReader. The WAL knows records, not tables: payloads are opaque bytes that
// the db layer encodes (see wal/record_codec.h) and interprets on recovery.
//
// All integers are little-endian. All checksums are CRC-32C (common/checksum.h)
// starting from 0, stored unmasked.
//
// FILE HEADER (kWalHeaderSize = 48 bytes at offset 0)
//
//   offset size  field
//        0    8  magic "RUZUWAL\x01" (kWalMagic)
//        8    4  u32 format_version (kWalFormatVersion = 1)
//       12    4  u32 reserved, 0
//       16    8  u64 database_id: the database this log belongs to
//       24    8  u64 salt: the log generation; changes at every checkpoint
//       32    8  u64 first_lsn: the LSN the first record must carry
//       40    4  u32 header_crc = Crc32c(bytes [0, 40))
//       44    4  u32 reserved, 0 (must be zero)
//
// RECORDS start at offset kWalHeaderSize and follow each other back to back;
// every record starts at an 8-byte aligned offset. A record frame is
//
//   offset size  field
//        0    4  u32 payload_length (<= kWalMaxPayloadSize)
//        4    4  u32 crc = Crc32c(frame bytes [8, 40 + payload_length)),
//                i.e. over salt, lsn, txn_id, type, the 7 pad bytes and the
//                payload (not over the length; a damaged length makes the
//                checksum cover the wrong bytes and fail)
//        8    8  u64 salt: must equal the header's salt
//       16    8  u64 lsn: log sequence number
//       24    8  u64 txn_id: the transaction the record belongs to
//       32    1  u8  type (see WalRecordType)
//       33    7  zero
//       40    n  payload (n = payload_length)
//     40+n    p  zero padding, p = (8 - n % 8) % 8
//
// so a frame occupies WalFrameSize(n) = 40 + RoundUp8(n) bytes.
//
// LSNs are consecutive: the first record carries the header's first_lsn and
// each later record the previous LSN + 1. LSNs keep counting across
// checkpoints (a reset log starts at the next unused LSN), so an LSN names a
// change uniquely for the database's lifetime.
//
// Record types: 0 is invalid; 1 (kCommit) is the WAL's commit marker and has
// no payload; 2..15 are reserved for the WAL and currently invalid; 16..255
// belong to the db layer.
//
// COMMIT BATCHES. WalWriter::Commit(txn) appends, with one write followed by
// one fsync, a batch: the buffered records of `txn` (all carrying txn_id =
// txn) followed by a kCommit record for `txn`. A transaction is committed iff
// its kCommit record is in the valid prefix of the log. Only one batch is ever
// unsynced at a time (a batch is written only after the previous one was
// synced). A transaction with no records writes nothing. The id of a
// committed transaction must not be reused within one log generation (the
// reader would merge the records); reusing the id of a transaction lost in a
// crash is fine, as recovery cuts the log at its last kCommit record.
//
// RECOVERY (WalReader). Records are read in order until the first invalid one
// (incomplete, bad checksum, wrong salt, unexpected LSN, bad type or padding).
// That record is a *torn tail*, the expected leftover of a crash, unless
// evidence shows that bytes after it had been synced: a valid frame (this
// salt, LSN above the last valid one) that lies after another valid kCommit
// frame, or valid frames of two different transactions, or of a transaction
// other than that of the last valid record when that record was not a commit.
// Any of these means a batch after the damaged one was written, which only
// happens after the damaged one was synced: mid-log corruption. The scan for
// such frames looks at every 8-byte aligned offset after the invalid record.
// A torn tail, and any valid records after the last kCommit, are dropped: the
// valid end of the log is the end of its last kCommit record.
//
// RESET. After a checkpoint the log is replaced by a fresh one (header only)
// with a new salt: written to "<path>.tmp", synced, renamed over <path>, and
// the directory synced. A log whose header salt differs from the salt the
// database expects predates the last checkpoint ("stale") and is ignored.
// Records left behind by any other path carry an old salt and fail to
// validate.
#ifndef RUZU_WAL_WAL_FORMAT_H_
#define RUZU_WAL_WAL_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace ruzu {

inline constexpr char kWalMagic[8] = {'R', 'U', 'Z', 'U', 'W', 'A', 'L', '\x01'};
inline constexpr uint32_t kWalFormatVersion = 1;

inline constexpr uint64_t kWalHeaderSize = 48;
// Offset of header_crc inside the header; the CRC covers the bytes before it.
inline constexpr uint64_t kWalHeaderCrcOffset = 40;

inline constexpr uint64_t kWalRecordHeaderSize = 40;
// Record frames start at multiples of this.
inline constexpr uint64_t kWalAlignment = 8;
// Larger lengths are garbage (and Add rejects such payloads).
inline constexpr uint32_t kWalMaxPayloadSize = 64u << 20;

// The first LSN of a newly created database's log.
inline constexpr uint64_t kWalFirstLsn = 1;

// Record type values (the u8 `type` field).
struct WalRecordType {
  static constexpr uint8_t kInvalid = 0;
  // Marks the transaction `txn_id` committed; no payload.
  static constexpr uint8_t kCommit = 1;
  // Types from kFirstUser up to 255 belong to the db layer.
  static constexpr uint8_t kFirstUser = 16;
};

// Bytes a frame with an `n`-byte payload occupies, padding included.
constexpr uint64_t WalFrameSize(uint64_t payload_length) {
  return kWalRecordHeaderSize + ((payload_length + kWalAlignment - 1) & ~(kWalAlignment - 1));
}

// Whether `type` may appear in a valid record.
constexpr bool IsValidWalRecordType(uint8_t type) {
  return type == WalRecordType::kCommit || type >= WalRecordType::kFirstUser;
}

static_assert(kWalHeaderSize % kWalAlignment == 0, "records must start aligned");

}  // namespace ruzu

#endif  // RUZU_WAL_WAL_FORMAT_H_
