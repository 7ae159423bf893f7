// Error and Result: how expected failures cross module boundaries.
//
// A function that can fail for reasons the caller should handle (bad input, a peer that said no,
// a missing file) returns Result<T>. Exceptions are kept for programming errors and start-up.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace kubeiam {

enum class ErrorCode {
  kInvalidArgument,   // the caller's input breaks a rule; the message names the field and rule
  kFormat,            // a token or document is not in the expected shape
  kNotFound,          // a named thing (profile, file, key) does not exist
  kPermissionDenied,  // a file or peer refused
  kUnauthenticated,   // credentials are missing, wrong or expired
  kUnavailable,       // a peer could not be reached or timed out
  kThrottled,         // a peer asked us to slow down
  kUpstream,          // a peer answered with an error
  kGone,              // a version that no longer exists (compacted history): start again from a full read
  kInternal,          // something that should not happen
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  // Prefixes context to the message: "reading profile x: " + message.
  Error Wrap(std::string_view context) const& {
    return Error{code, std::string(context) + ": " + message};
  }
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

// Status is Result<void>: success carries nothing.
using Status = Result<void>;

}  // namespace kubeiam
