#include "util/crypto.h"

// SHA-256 goes through OpenSSL's low-level SHA256_* functions, deprecated in OpenSSL 3 in favour
// of EVP. The EVP path fetches algorithms from providers, and the first fetch in a process loads
// the OpenSSL config and builds name maps: about 5 million instructions, 70% of a whole
// `kubeiam token` run. Digests are the one primitive signing needs, so we skip that machinery
// and build HMAC (RFC 2104) on top. The SigV4 test suite checks both.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdlib>

#include "util/encoding.h"

namespace kubeiam {
namespace {

constexpr size_t kBlock = 64;

}  // namespace

Digest Sha256(std::string_view data) {
  Digest out;
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(out.data(), &ctx);
  return out;
}

std::string Sha256Hex(std::string_view data) { return HexEncode(AsBytes(Sha256(data))); }

Digest HmacSha256(std::string_view key, std::string_view data) {
  unsigned char k[kBlock] = {};
  if (key.size() > kBlock) {
    Digest hashed = Sha256(key);
    std::copy(hashed.begin(), hashed.end(), k);
  } else {
    std::copy(key.begin(), key.end(), k);
  }
  unsigned char ipad[kBlock], opad[kBlock];
  for (size_t i = 0; i < kBlock; ++i) {
    ipad[i] = k[i] ^ 0x36;
    opad[i] = k[i] ^ 0x5c;
  }
  Digest inner, out;
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, ipad, kBlock);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(inner.data(), &ctx);
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, opad, kBlock);
  SHA256_Update(&ctx, inner.data(), inner.size());
  SHA256_Final(out.data(), &ctx);
  OPENSSL_cleanse(k, sizeof k);
  OPENSSL_cleanse(ipad, sizeof ipad);
  OPENSSL_cleanse(opad, sizeof opad);
  return out;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), int(n)) != 1) std::abort();
  return out;
}

std::string UuidV4() {
  std::string b = RandomBytes(16);
  b[6] = char((b[6] & 0x0F) | 0x40);
  b[8] = char((b[8] & 0x3F) | 0x80);
  std::string h = HexEncode(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

}  // namespace kubeiam
