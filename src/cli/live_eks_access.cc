#include "cli/live_eks_access.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <atomic>
#include <thread>
#include <vector>

#include "aws/sigv4.h"
#include "eks/access_entries.h"

namespace kubeiam::cli {
namespace {

namespace json = boost::json;

constexpr size_t kParallelReads = 8;  // calls in flight at once, well under EKS's rate limits

// The state as read, served to the Sources; writes are refused.
class ReadOnlyAccess : public store::AccessStore {
 public:
  explicit ReadOnlyAccess(eks::ClusterAccess access) : access_(std::move(access)) { access_.revision = 1; }
  eks::ApiResult<eks::ClusterAccess> Load() override { return access_; }
  eks::ApiResult<uint64_t> Revision() override { return access_.revision; }
  eks::ApiResult<eks::ClusterAccess> Update(const Change&) override {
    return std::unexpected(eks::InvalidParameter("a live cluster's access entries are read here, not written"));
  }
  Result<std::unique_ptr<store::Watcher>> Watch() override {
    return Fail(ErrorCode::kInvalidArgument, "a live cluster's access entries are read once");
  }

 private:
  eks::ClusterAccess access_;
};

// One EKS API call's JSON answer, or awscli's error text.
Result<json::object> Get(const EksClient& client, const std::string& operation, const std::string& path) {
  auto reply = client.Call("GET", path, "");
  if (!reply) return std::unexpected(reply.error());
  if (!reply->ok()) return Fail(ErrorCode::kUpstream, reply->Describe(operation));
  boost::system::error_code ec;
  json::value doc = json::parse(reply->body, ec);
  if (ec || !doc.is_object()) return Fail(ErrorCode::kFormat, operation + " answered something that is not a JSON object");
  return std::move(doc.as_object());
}

// Every item of a paged list operation (`field`), following nextToken.
Result<json::array> ListAll(const EksClient& client, const std::string& operation, const std::string& path,
                            const char* field) {
  json::array out;
  std::string token;
  do {
    std::string page = path + "?maxResults=100" + (token.empty() ? "" : "&nextToken=" + aws::UriEncode(token));
    auto doc = Get(client, operation, page);
    if (!doc) return std::unexpected(doc.error());
    if (const json::value* items = doc->if_contains(field); items && items->is_array()) {
      for (const auto& i : items->as_array()) out.push_back(i);
    }
    const json::value* next = doc->if_contains("nextToken");
    token = next && next->is_string() ? std::string(next->as_string()) : "";
  } while (!token.empty());
  return out;
}

Result<eks::AuthenticationMode> Mode(const EksClient& client, const std::string& base) {
  auto described = Get(client, "DescribeCluster", base);
  if (!described) return std::unexpected(described.error());
  const json::value* c = described->if_contains("cluster");
  const json::value* access = c && c->is_object() ? c->as_object().if_contains("accessConfig") : nullptr;
  const json::value* mode = access && access->is_object() ? access->as_object().if_contains("authenticationMode") : nullptr;
  // Clusters older than access entries answer no accessConfig: they read aws-auth only.
  if (!mode || !mode->is_string()) return eks::AuthenticationMode::kConfigMap;
  auto parsed = eks::ParseAuthenticationMode(std::string(mode->as_string()));
  if (!parsed) return std::unexpected(parsed.error());
  return *parsed;
}

// One entry as describe-access-entry shows it, with its policies as
// list-associated-access-policies shows them.
Result<json::object> Entry(const EksClient& client, const std::string& base, const std::string& arn) {
  std::string entry_path = base + "/access-entries/" + aws::UriEncode(arn);
  auto entry = Get(client, "DescribeAccessEntry", entry_path);
  if (!entry) return std::unexpected(entry.error());
  auto policies = ListAll(client, "ListAssociatedAccessPolicies", entry_path + "/access-policies", "associatedAccessPolicies");
  if (!policies) return std::unexpected(policies.error());
  return json::object{{"accessEntry", entry->contains("accessEntry") ? (*entry)["accessEntry"] : json::value()},
                      {"associatedAccessPolicies", std::move(*policies)}};
}

// Every entry: the access-entries document ParseAccessEntries reads. EKS has no batch read, so
// each entry costs two calls; a few run at once (on kept-alive connections), in list order.
Result<json::array> Entries(const EksClient& client, const std::string& base) {
  auto listed = ListAll(client, "ListAccessEntries", base + "/access-entries", "accessEntries");
  if (!listed) return std::unexpected(listed.error());
  std::vector<std::string> arns;
  for (const auto& arn : *listed) {
    if (arn.is_string()) arns.emplace_back(arn.as_string());
  }
  std::vector<Result<json::object>> read(arns.size(), Fail(ErrorCode::kInternal, "not read"));
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};  // one failure fails the read: the others stop asking
  auto worker = [&] {
    for (size_t i; !failed.load() && (i = next.fetch_add(1)) < arns.size();) {
      read[i] = Entry(client, base, arns[i]);
      if (!read[i]) failed = true;
    }
  };
  std::vector<std::thread> workers;
  for (size_t w = 0; w < std::min<size_t>(kParallelReads, arns.size()); ++w) workers.emplace_back(worker);
  for (auto& t : workers) t.join();
  for (auto& r : read) {
    if (!r && r.error().code != ErrorCode::kInternal) return std::unexpected(r.error());  // the first real failure
  }
  json::array out;
  for (auto& r : read) {
    if (!r) return std::unexpected(r.error());
    out.push_back(std::move(*r));
  }
  return out;
}

}  // namespace

Result<std::shared_ptr<store::AccessStore>> ReadLiveEksAccess(const EksClient& client, const std::string& cluster) {
  std::string base = "/clusters/" + aws::UriEncode(cluster);
  eks::ClusterAccess access;
  access.cluster.name = cluster;
  auto mode = Mode(client, base);
  if (!mode) return std::unexpected(mode.error());
  access.mode = *mode;
  if (eks::UsesAccessEntries(access.mode)) {
    auto entries = Entries(client, base);
    if (!entries) return std::unexpected(entries.error());
    auto parsed = eks::ParseAccessEntries(json::serialize(*entries), "EKS cluster " + cluster);
    if (!parsed) return std::unexpected(parsed.error());
    access.entries = parsed->entries();
  }
  return std::shared_ptr<store::AccessStore>(std::make_shared<ReadOnlyAccess>(std::move(access)));
}

}  // namespace kubeiam::cli
