// EKS access API requests (method, path, query, JSON body) against an in-memory store, as the
// trusted local caller: every route's parsing and the model's rules, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "server/eks_api.h"

namespace {

class MemoryStore : public kubeiam::store::AccessStore {
 public:
  kubeiam::eks::ApiResult<kubeiam::eks::ClusterAccess> Load() override { return state_; }
  kubeiam::eks::ApiResult<uint64_t> Revision() override { return state_.revision; }
  kubeiam::eks::ApiResult<kubeiam::eks::ClusterAccess> Update(const Change& change) override {
    kubeiam::eks::ClusterAccess next = state_;
    if (auto refused = change(next)) return std::unexpected(*refused);
    next.revision++;
    state_ = next;
    return next;
  }
  kubeiam::Result<std::unique_ptr<kubeiam::store::Watcher>> Watch() override {
    return kubeiam::Fail(kubeiam::ErrorCode::kUnavailable, "not watchable");
  }
  kubeiam::eks::ClusterAccess state_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  // "METHOD TARGET\nBODY"
  size_t space = input.find(' '), nl = input.find('\n');
  if (space == std::string::npos || nl == std::string::npos || space > nl) return 0;
  auto store = std::make_shared<MemoryStore>();
  store->state_.cluster = {"demo", "111122223333", "us-east-1", "aws"};
  kubeiam::server::EksApi api(store, nullptr);
  kubeiam::http::HttpRequest r{input.substr(0, space), input.substr(space + 1, nl - space - 1), {}, input.substr(nl + 1), ""};
  for (int i = 0; i < 2; ++i) (void)api.Handle(r);  // twice: the second sees the first's write
  return 0;
}
