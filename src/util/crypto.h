// The few cryptographic primitives kubeiam needs, over OpenSSL 3.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace kubeiam {

using Digest = std::array<unsigned char, 32>;

Digest Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);
Digest HmacSha256(std::string_view key, std::string_view data);

inline std::string_view AsBytes(const Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

// Compares in time that depends only on the lengths, never on where the inputs differ.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// Cryptographically strong random bytes; aborts if the system RNG fails (it never should).
std::string RandomBytes(size_t n);

// A random (version 4) UUID, lower-case and hyphenated, as Kubernetes and AWS write them.
std::string UuidV4();

}  // namespace kubeiam
