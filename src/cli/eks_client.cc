#include "cli/eks_client.h"

#include <boost/json/parse.hpp>

#include "aws/client_config.h"
#include "aws/credential_chain.h"
#include "aws/sigv4.h"
#include "cli/analysis.h"
#include "http/client.h"
#include "server/startup.h"
#include "config/config.h"
#include "token/generate.h"
#include "util/strings.h"

namespace kubeiam::cli {

std::string EksReply::Describe(const std::string& operation) const {
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(body, ec);
  std::string message = !ec && doc.is_object() && doc.as_object().contains("message") && doc.at("message").is_string()
                            ? std::string(doc.at("message").as_string())
                            : body;
  return "An error occurred (" + (error_type.empty() ? "HTTP " + std::to_string(status) : error_type) +
         ") when calling the " + operation + " operation: " + message;
}

void AddEksTargetOptions(CLI::App* cmd, EksTarget& t) {
  cmd->add_option("--store", t.store, "The SQLite store file to work on directly");
  cmd->add_option("--config", t.config, "A server config naming the store (its system:masters mappings count too)");
  cmd->add_option("--endpoint-url", t.endpoint, "A kubeiam serve EKS API, e.g. https://127.0.0.1:21365");
  cmd->add_option("--region", t.region, "Region to sign API requests for");
  cmd->add_option("--profile", t.profile, "AWS profile to sign API requests with");
  cmd->add_flag("--bearer-token", t.bearer,
                "Authenticate with a kubeiam token for the cluster instead of SigV4 (servers without a local STS)");
  cmd->add_option("--sts-endpoint", t.sts_endpoint, "STS endpoint the token is signed for");
}

Result<EksClient> EksClient::Open(const EksTarget& target) {
  EksClient c;
  c.target_ = target;
  if (!target.endpoint.empty()) {
    if (!target.store.empty()) return Fail(ErrorCode::kInvalidArgument, "--endpoint-url and --store are mutually exclusive");
    return c;
  }
  // Directly on the store: the file's permissions are the authority.
  std::string path = target.store;
  std::optional<config::Config> cfg;
  if (!target.config.empty()) {
    auto loaded = config::LoadConfig(target.config);
    if (!loaded) return std::unexpected(loaded.error());
    cfg = std::move(*loaded);
    if (path.empty()) path = cfg->access_entries_store;
  }
  bool etcd = cfg && cfg->etcd_store && target.store.empty();
  if (path.empty() && !etcd) {
    return Fail(ErrorCode::kInvalidArgument,
                "name the access entries: --store PATH, --config FILE (with server.accessEntriesStore or eksAPI), or "
                "--endpoint-url URL");
  }
  config::Config seed = cfg.value_or(config::Config{});
  seed.access_entries_store = path;
  if (!etcd) seed.etcd_store.reset();  // --store names the file to work on
  if (!cfg) {
    seed.cluster_id = target.cluster;
    seed.authentication_mode = eks::AuthenticationMode::kApiAndConfigMap;
  }
  auto store = server::OpenStore(seed);
  if (!store) return std::unexpected(store.error());
  // With --config, the server's own system:masters mappings count against a lock-out.
  std::vector<identity::Backend> chain;
  if (cfg) {
    StateOptions state;
    state.config = target.config;
    if (auto m = LoadMappings(state)) chain = m->chain;
  }
  c.local_ = std::make_shared<server::EksApi>(
      *store, [chain](eks::AuthenticationMode m) { return state::MappedAdministrators(chain, m); });
  return c;
}

Result<std::pair<aws::ClientConfig, aws::Credentials>> EksClient::Signer() const {
  std::lock_guard<std::mutex> l(session_->mu);
  auto& s = *session_;
  bool stale = !s.creds || (s.creds->expiration && *s.creds->expiration <= Clock::now() + std::chrono::minutes(1));
  if (stale) {
    auto client = aws::ResolveClientConfig({target_.profile, target_.region, target_.sts_endpoint});
    if (!client) return std::unexpected(client.error());
    auto creds = aws::ResolveCredentials({*client, Clock::now(), nullptr});
    if (!creds) return std::unexpected(creds.error());
    s.client = std::move(*client);
    s.creds = std::move(*creds);
  }
  return std::make_pair(*s.client, *s.creds);
}

Result<EksReply> EksClient::Call(const std::string& method, const std::string& target, const std::string& body) const {
  EksReply reply;
  if (local_) {
    http::HttpResponse r = local_->Handle({method, target, {}, body, "local"});
    reply.status = r.status;
    reply.body = std::move(r.body);
    for (const auto& [k, v] : r.headers) {
      if (EqualsIgnoreCase(k, "x-amzn-ErrorType")) reply.error_type = v;
    }
    return reply;
  }
  auto signer = Signer();
  if (!signer) return std::unexpected(signer.error());
  const aws::ClientConfig* client = &signer->first;
  const aws::Credentials* creds = &signer->second;
  std::string base = target_.endpoint;
  while (base.ends_with("/")) base.pop_back();
  size_t scheme = base.find("://");
  std::string host = scheme == std::string::npos ? base : base.substr(scheme + 3);
  host = host.substr(0, host.find('/'));
  aws::SignableRequest sr;
  sr.method = method;
  sr.path = target.substr(0, target.find('?'));
  if (size_t q = target.find('?'); q != std::string::npos) {
    if (auto query = aws::ParseQuery(target.substr(q + 1))) sr.query = *query;
  }
  sr.headers = {{"Host", host}, {"Content-Type", "application/json"}};
  sr.body = body;
  if (target_.bearer) {
    auto t = token::Generate(target_.cluster, *creds, client->sts_url, client->region, Clock::now());
    if (!t) return std::unexpected(t.error());
    sr.headers.emplace_back("Authorization", "Bearer " + t->value);
  } else {
    aws::SignHeaders(sr, *creds, {client->region, "eks", Clock::now()});
  }
  http::Request req;
  req.method = method;
  req.url = base + target;
  req.headers = sr.headers;
  req.body = body;
  req.ca_file = client->ca_bundle;
  auto r = session_->pool.Fetch(req);
  if (!r) return std::unexpected(r.error());
  reply.status = r->status;
  reply.body = std::move(r->body);
  if (const std::string* t = r->Header("x-amzn-ErrorType")) reply.error_type = t->substr(0, t->find(':'));
  return reply;
}

}  // namespace kubeiam::cli
