// Label and field selectors as a list request carries them, and redaction of any text: parsing
// and matching must neither crash nor take more than linear time on hostile input.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "kubeapi/object_selector.h"
#include "util/redact.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  static const boost::json::object kPod =
      boost::json::parse(R"({"metadata":{"name":"web","namespace":"default","labels":{"app":"web","n":"5"}},)"
                         R"("spec":{"nodeName":"n1","hostNetwork":true},"status":{"phase":"Running"}})")
          .as_object();
  size_t cut = input.find('\n');
  std::string labels = input.substr(0, cut);
  std::string fields = cut == std::string::npos ? "" : input.substr(cut + 1);
  auto selector = kubeiam::kubeapi::ObjectSelector::Parse(labels, fields, "pods", true);
  if (selector) (void)selector->Matches(kPod);
  (void)kubeiam::RedactSecrets(input);
  (void)kubeiam::RedactUrl(input);
  return 0;
}
