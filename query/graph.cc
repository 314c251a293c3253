#include "query/graph.h"

namespace ruzu {
namespace query {

namespace {
// Offsets read per call; a storage node group's worth.
constexpr uint64_t kScanBatchRows = 4096;
}  // namespace

Status GraphStore::ScanNodes(const std::string& table, const NodeVisitor& visit) {
  NodeRange range;
  bool stopped = false;
  auto wrapped = [&](uint64_t offset, const std::vector<Value>& values) {
    stopped = !visit(offset, values);
    return !stopped;
  };
  do {
    RETURN_IF_ERROR(ScanNodeRange(table, &range, kScanBatchRows, wrapped));
  } while (!stopped && range.begin < range.end);
  return Status::OK();
}

}  // namespace query
}  // namespace ruzu
