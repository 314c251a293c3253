#include "common/status.h"

namespace ruzu {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "Invalid argument";
    case StatusCode::kNotFound: return "Not found";
    case StatusCode::kAlreadyExists: return "Already exists";
    case StatusCode::kCorruption: return "Corruption";
    case StatusCode::kIOError: return "IO error";
    case StatusCode::kDiskFull: return "Disk full";
    case StatusCode::kNotADatabase: return "Not a database";
    case StatusCode::kDatabaseLocked: return "Database locked";
    case StatusCode::kReadOnly: return "Read only";
    case StatusCode::kOutOfMemory: return "Out of memory";
    case StatusCode::kTransactionError: return "Transaction error";
    case StatusCode::kUnsupported: return "Unsupported";
    case StatusCode::kInternal: return "Internal error";
    case StatusCode::kInterrupted: return "Interrupted";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

Status Status::WithContext(const std::string& context) const {
  if (ok()) return *this;
  return Status(code_, context + ": " + message_);
}

}  // namespace ruzu
