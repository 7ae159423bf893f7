// Hostile requests to the local STS: the first line is the target, the rest the form body; a
// header-signed variant carries the input as Authorization.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sts/local_sts.h"

namespace {

const kubeiam::sts::LocalSts& Sts() {
  static const kubeiam::sts::LocalSts sts(*kubeiam::sts::PrincipalStore::Parse(R"(
accounts:
- id: "111122223333"
  users:
  - name: u
    userId: AIDAFUZZ000000000001
    accessKeys: [{accessKeyId: AKIAFUZZ000000000001, secretAccessKey: "fuzz-secret-key-00000"}]
  roles:
  - {name: R, roleId: AROAFUZZ000000000001, assumableBy: ["*"]}
)", "p.yaml"), std::string(32, 'k'));
  return sts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  size_t nl = input.find('\n');
  std::string target = input.substr(0, nl);
  std::string body = nl == std::string::npos ? "" : input.substr(nl + 1);
  auto now = kubeiam::TimePoint(std::chrono::seconds(1700000000));
  (void)Sts().Handle({"GET", target, {{"Host", "127.0.0.1:21364"}}, ""}, now);
  (void)Sts().Handle({"POST", "/", {{"Host", "h"}, {"Authorization", target}, {"X-Amz-Date", "20231114T221320Z"}}, body},
                     now);
  return 0;
}
