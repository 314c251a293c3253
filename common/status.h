// Status and Result<T>: errors as values (no exceptions cross the library's
// boundary). Modelled on leveldb::Status and absl::StatusOr.
#ifndef RUZU_COMMON_STATUS_H_
#define RUZU_COMMON_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace ruzu {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // bad user input: wrong type, unknown name, bad query
  kNotFound,          // a named object does not exist
  kAlreadyExists,     // duplicate primary key, table exists
  kCorruption,        // checksum mismatch, malformed file contents
  kIOError,           // the operating system reported a failure
  kDiskFull,          // ENOSPC
  kNotADatabase,      // the file is not a ruzu database (or is of another format)
  kDatabaseLocked,    // another writer holds the database
  kReadOnly,          // a write on a read-only database or transaction
  kOutOfMemory,       // buffer pool exhausted or allocation failure
  kTransactionError,  // misuse of transactions (commit without begin, ...)
  kUnsupported,       // a valid request this version does not implement
  kInternal,          // a broken invariant detected at run time
  kInterrupted,       // the caller asked the running statement to stop
};

// Returns a short stable name such as "Corruption".
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "Corruption: page 7: checksum mismatch"
  std::string ToString() const;

  // Returns a copy whose message is "context: message".
  Status WithContext(const std::string& context) const;

  bool IsCorruption() const { return code_ == StatusCode::kCorruption; }
  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return Status(StatusCode::kInvalidArgument, std::move(m)); }
inline Status NotFound(std::string m) { return Status(StatusCode::kNotFound, std::move(m)); }
inline Status AlreadyExists(std::string m) { return Status(StatusCode::kAlreadyExists, std::move(m)); }
inline Status Corruption(std::string m) { return Status(StatusCode::kCorruption, std::move(m)); }
inline Status IOError(std::string m) { return Status(StatusCode::kIOError, std::move(m)); }
inline Status DiskFull(std::string m) { return Status(StatusCode::kDiskFull, std::move(m)); }
inline Status NotADatabase(std::string m) { return Status(StatusCode::kNotADatabase, std::move(m)); }
inline Status DatabaseLocked(std::string m) { return Status(StatusCode::kDatabaseLocked, std::move(m)); }
inline Status ReadOnlyError(std::string m) { return Status(StatusCode::kReadOnly, std::move(m)); }
inline Status OutOfMemory(std::string m) { return Status(StatusCode::kOutOfMemory, std::move(m)); }
inline Status TransactionError(std::string m) { return Status(StatusCode::kTransactionError, std::move(m)); }
inline Status Unsupported(std::string m) { return Status(StatusCode::kUnsupported, std::move(m)); }
inline Status InternalError(std::string m) { return Status(StatusCode::kInternal, std::move(m)); }
inline Status Interrupted() { return Status(StatusCode::kInterrupted, "Interrupted"); }

// Holds either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "Result built from an OK status has no value");
    if (status_.ok()) status_ = InternalError("Result constructed from OK status without a value");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  // REQUIRES: ok().
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace ruzu

#define RUZU_CONCAT_INNER(a, b) a##b
#define RUZU_CONCAT(a, b) RUZU_CONCAT_INNER(a, b)

// Returns early from the enclosing function when `expr` is not OK.
#define RETURN_IF_ERROR(expr)                     \
  do {                                            \
    ::ruzu::Status _ruzu_status = (expr);         \
    if (!_ruzu_status.ok()) return _ruzu_status;  \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, MaybeX());` declares x from a Result or returns its error.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  ASSIGN_OR_RETURN_IMPL(RUZU_CONCAT(_ruzu_result_, __LINE__), lhs, rexpr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                          \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()

#endif  // RUZU_COMMON_STATUS_H_
