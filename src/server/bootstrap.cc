#include "server/bootstrap.h"

#include "util/crypto.h"
#include "util/encoding.h"
#include "util/file.h"
#include "util/strings.h"

namespace kubeiam::server {
namespace {

Result<std::string> MasterKey(const std::string& state_dir) {
  std::string path = state_dir + "/local-sts.key";
  if (auto existing = ReadFile(path, 4096)) {
    auto key = Base64Decode(Trim(*existing));
    if (!key || key->size() < 32) return Fail(ErrorCode::kInvalidArgument, path + " does not hold a 32-byte base64 key");
    return *key;
  } else if (existing.error().code != ErrorCode::kNotFound) {
    return std::unexpected(existing.error());
  }
  std::string key = RandomBytes(32);
  if (auto s = WriteFileAtomic(path, Base64Encode(key) + "\n", 0600); !s) return std::unexpected(s.error());
  return key;
}

}  // namespace

Result<Parts> Bootstrap(const Config& config) {
  Parts parts;
  if (auto s = MakeDirs(config.state_dir, 0700); !s) return std::unexpected(s.error());
  std::vector<std::string> hosts = {config.address, config.hostname};
  if (config.local_sts) {
    auto store = sts::PrincipalStore::Load(config.local_sts->principals);
    if (!store) return std::unexpected(store.error());
    auto key = MasterKey(config.state_dir);
    if (!key) return std::unexpected(key.error());
    parts.local_sts = std::make_shared<const sts::LocalSts>(std::move(*store), std::move(*key));
    hosts.push_back(config.local_sts->address);
  }
  auto tls = EnsureTlsMaterial(config.state_dir, hosts);
  if (!tls) return std::unexpected(tls.error());
  parts.tls = *tls;
  auto a = Authenticator::Create(config, parts.local_sts);
  if (!a) return std::unexpected(a.error());
  parts.authenticator = std::move(*a);
  return parts;
}

}  // namespace kubeiam::server
