// The project's one logging seam. Engine code includes this header, never
// glog directly, so the backend can change without touching the engine.
// LOG(INFO|WARNING|ERROR), VLOG(n) for detail, CHECK* only for broken
// internal invariants (never for user input).
#ifndef RUZU_COMMON_LOGGING_H_
#define RUZU_COMMON_LOGGING_H_

#include <glog/logging.h>

#endif  // RUZU_COMMON_LOGGING_H_
