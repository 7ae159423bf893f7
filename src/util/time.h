// UTC time in the shapes AWS and Kubernetes use.
//
// Time is passed around as std::chrono::system_clock::time_point; the core never reads the clock
// itself, so callers (and tests) decide what "now" is.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/error.h"

namespace kubeiam {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

// 20150830T123600Z (SigV4 X-Amz-Date).
std::string FormatAmzDate(TimePoint t);
// 20150830 (SigV4 credential scope).
std::string FormatAmzDay(TimePoint t);
Result<TimePoint> ParseAmzDate(std::string_view s);

// 2015-08-30T12:36:00Z, whole seconds (RFC 3339 as Kubernetes writes it).
std::string FormatRfc3339(TimePoint t);
// 2015-08-30T12:36:00.123456Z (Kubernetes' MicroTime, as audit events carry it).
std::string FormatRfc3339Micros(TimePoint t);
// Accepts RFC 3339 / ISO 8601 with 'Z' or a numeric offset and optional fractional seconds,
// as AWS answers carry (2015-08-30T12:36:00Z, 2015-08-30T12:36:00.123Z, ...+00:00).
Result<TimePoint> ParseRfc3339(std::string_view s);

// "1990-04-22 01:02:03 +0000 UTC", the form the reference authenticator prints in errors.
std::string FormatGoTime(TimePoint t);

// Microseconds since the epoch, as stores keep times.
inline int64_t ToUnixMicros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
inline TimePoint FromUnixMicros(int64_t us) {
  return TimePoint(std::chrono::duration_cast<Clock::duration>(std::chrono::microseconds(us)));
}

}  // namespace kubeiam
