#include "cli/principal_ids.h"

#include <memory>

#include "aws/arn.h"
#include "aws/client_config.h"
#include "aws/credential_chain.h"
#include "config/config.h"
#include "sts/principal_store.h"
#include "sts/sts_api.h"
#include "util/strings.h"

namespace kubeiam::cli {
namespace {

// The local STS's principals: an ARN's ID, path aside.
state::PrincipalIdLookup FromPrincipals(std::shared_ptr<const sts::PrincipalStore> store) {
  return [store](const std::string& arn) -> Result<std::optional<std::string>> {
    if (const sts::Role* role = store->FindRole(arn)) return std::optional<std::string>(role->role_id);
    auto stripped = aws::StripPath(arn);
    for (const auto& u : store->users()) {
      auto user = aws::StripPath(u.Arn());
      if (stripped && user && EqualsIgnoreCase(*user, *stripped)) return std::optional<std::string>(u.user_id);
    }
    return std::optional<std::string>();
  };
}

// IAM is global per partition: its endpoint and the region requests are signed for.
sts::Endpoint GlobalIam(const std::string& region) {
  if (region.starts_with("cn-")) return {"https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1", ""};
  if (region.starts_with("us-gov-")) return {"https://iam.us-gov.amazonaws.com", "us-gov-west-1", ""};
  return {"https://iam.amazonaws.com", "us-east-1", ""};
}

// IAM, once the credentials and their account are known (both resolved on first use).
struct IamSession {
  std::string endpoint_flag;
  std::optional<Result<std::pair<aws::Credentials, sts::CallerIdentity>>> caller;
  sts::Endpoint iam;

  Result<std::optional<std::string>> Lookup(const std::string& arn) {
    if (!caller) caller = Open();
    if (!*caller) return std::unexpected(caller->error());
    auto parsed = aws::ParseArn(arn);
    if (parsed && parsed->account != (*caller)->second.account) {
      return Fail(ErrorCode::kPermissionDenied, "its account " + parsed->account + " is not your credentials' (" +
                                                    (*caller)->second.account + ")");
    }
    return sts::GetPrincipalId(iam, (*caller)->first, arn, Clock::now());
  }

  Result<std::pair<aws::Credentials, sts::CallerIdentity>> Open() {
    auto client = aws::ResolveClientConfig({});
    if (!client) return std::unexpected(client.error());
    auto creds = aws::ResolveCredentials({*client, Clock::now(), nullptr});
    if (!creds) return std::unexpected(creds.error());
    std::string url = !endpoint_flag.empty() ? endpoint_flag : GetEnv("AWS_ENDPOINT_URL_IAM");
    iam = GlobalIam(client->region);
    if (!url.empty()) iam.url = url;
    iam.ca_file = client->ca_bundle;
    auto who = sts::GetCallerIdentity({client->sts_url, client->region, client->ca_bundle}, *creds, Clock::now());
    if (!who) return std::unexpected(who.error());
    return std::make_pair(std::move(*creds), std::move(*who));
  }
};

}  // namespace

state::PrincipalIdLookup PrincipalIdsFor(const std::string& config_path, const std::string& iam_endpoint) {
  if (!config_path.empty()) {
    auto config = config::LoadConfig(config_path);
    Result<sts::PrincipalStore> store = Fail(ErrorCode::kNotFound, "no local STS");
    if (config && config->local_sts) store = sts::PrincipalStore::Load(config->local_sts->principals);
    if (store) return FromPrincipals(std::make_shared<const sts::PrincipalStore>(std::move(*store)));
    // A config that runs a local STS answers for its principals, or for none.
    Error why = !config ? config.error() : store.error();
    if (!config || config->local_sts) return [why](const std::string&) -> Result<std::optional<std::string>> { return std::unexpected(why); };
  }
  auto session = std::make_shared<IamSession>();
  session->endpoint_flag = iam_endpoint;
  return [session](const std::string& arn) { return session->Lookup(arn); };
}

}  // namespace kubeiam::cli
