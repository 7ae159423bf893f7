// kubeiam token: the kubectl credential plugin. Prints an ExecCredential (or the bare token)
// for a cluster, signed with the caller's AWS credentials or a role assumed with them.
#include <sys/stat.h>

#include <iostream>
#include <regex>

#include "aws/arn.h"
#include "aws/credential_chain.h"
#include "cli/commands.h"
#include "sts/sts_api.h"
#include "token/cache.h"
#include "token/exec_credential.h"
#include "token/generate.h"
#include "util/strings.h"

namespace kubeiam::cli {
namespace {

struct TokenOptions {
  std::string cluster_id, cluster_name, role, role_arn, region, profile, session_name, external_id, sts_endpoint;
  bool forward_session_name = false, token_only = false, cache = false;
};

bool ValidSessionName(const std::string& s) {
  static const std::regex re(R"([\w+=,.@-]{2,64})");
  return std::regex_match(s, re);
}

bool ValidExternalId(const std::string& s) {
  static const std::regex re(R"([\w+=,.@:/-]{2,1224})");
  return std::regex_match(s, re);
}

Result<std::string> PromptMfa(const std::string& serial) {
  std::cerr << "Assume Role MFA token code for " << serial << ": " << std::flush;
  std::string code;
  if (!std::getline(std::cin, code)) return Fail(ErrorCode::kUnauthenticated, "no MFA code was entered");
  return std::string(Trim(code));
}

// The credentials that sign the token: the chain's, then the role's if one is asked for.
Result<aws::Credentials> SigningCredentials(const TokenOptions& o, const std::string& role, const aws::ClientConfig& cfg,
                                            TimePoint now) {
  aws::ChainContext ctx{cfg, now, PromptMfa};
  auto base = aws::ResolveCredentials(ctx);
  if (!base || role.empty()) return base;
  sts::Endpoint ep{cfg.sts_url, cfg.region, cfg.ca_bundle};
  sts::AssumeRoleInput in;
  in.role_arn = role;
  in.external_id = o.external_id;
  in.session_name = o.session_name;
  if (o.forward_session_name) {
    auto who = sts::GetCallerIdentity(ep, *base, now);
    if (!who) return std::unexpected(who.error());
    auto parts = Split(who->user_id, ':');
    if (parts.size() == 2) in.session_name = std::string(parts[1]);
  }
  if (in.session_name.empty()) {
    in.session_name = "kubeiam-" + std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                      now.time_since_epoch()).count());
  }
  auto assumed = sts::AssumeRole(ep, *base, in, now);
  if (!assumed) return std::unexpected(assumed.error());
  return assumed->credentials;
}

// Which shared config files are in use and when they last changed: editing a profile (a new
// role_arn, say) must not be answered from a token signed under the old one.
std::string ConfigFilesStamp() {
  std::string out;
  for (const char* var : {"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}) {
    std::string path = GetEnv(var);
    if (path.empty()) path = GetEnv("HOME") + (var[4] == 'C' ? "/.aws/config" : "/.aws/credentials");
    struct stat st;
    out += path + "@";
    if (::stat(path.c_str(), &st) == 0) {
      out += std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + "/" +
             std::to_string(st.st_size);
    }
    out += "|";
  }
  return out;
}

int Print(const TokenOptions& o, const std::string& api_version, const std::string& token, TimePoint expiration) {
  if (o.token_only) {
    std::cout << token << "\n";
  } else {
    std::cout << token::FormatExecCredential(api_version, token, expiration) << "\n";
  }
  std::cout.flush();
  return std::cout.good() ? 0 : 1;
}

int Failed(const std::string& message) {
  std::cerr << "kubeiam: could not get token: " << message << "\n";
  return 1;
}

std::string ClusterId(const TokenOptions& o) { return o.cluster_id.empty() ? o.cluster_name : o.cluster_id; }

// The checks aws eks get-token makes on its flags.
Status CheckFlags(const TokenOptions& o) {
  if (ClusterId(o).empty()) {
    return Fail(ErrorCode::kInvalidArgument, "cluster ID not specified (use -i/--cluster-id or --cluster-name)");
  }
  if (!o.cluster_id.empty() && !o.cluster_name.empty() && o.cluster_id != o.cluster_name) {
    return Fail(ErrorCode::kInvalidArgument, "--cluster-id and --cluster-name name different clusters; give one");
  }
  if (o.forward_session_name && !o.session_name.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "cannot specify both --forward-session-name and --session-name parameter");
  }
  return {};
}

// The role to assume (--role, --role-arn, else $DEFAULT_ROLE; empty: none), with the checks on
// the flags that go with it.
Result<std::string> RoleToAssume(const TokenOptions& o) {
  std::string role = !o.role.empty() ? o.role : !o.role_arn.empty() ? o.role_arn : GetEnv("DEFAULT_ROLE");
  if (!role.empty()) {
    auto arn = aws::ParseArn(role);
    if (!arn || arn->service != "iam" || !arn->resource.starts_with("role/")) {
      return Fail(ErrorCode::kInvalidArgument,
                  "--role must be an IAM role ARN such as arn:aws:iam::111122223333:role/Name, got \"" + role + "\"");
    }
  } else if (!o.external_id.empty() || !o.session_name.empty() || o.forward_session_name) {
    return Fail(ErrorCode::kInvalidArgument, "--external-id, --session-name and --forward-session-name need --role");
  }
  if (!o.session_name.empty() && !ValidSessionName(o.session_name)) {
    return Fail(ErrorCode::kInvalidArgument, "--session-name must be 2 to 64 characters of letters, digits and +=,.@_-");
  }
  if (!o.external_id.empty() && !ValidExternalId(o.external_id)) {
    return Fail(ErrorCode::kInvalidArgument, "--external-id must be 2 to 1224 characters of letters, digits and +=,.@:/_-");
  }
  return role;
}

token::CacheKey CacheKeyOf(const TokenOptions& o, const std::string& cluster, const std::string& role) {
  return token::CacheKey{cluster,
                         !o.profile.empty() ? o.profile : GetEnv("AWS_PROFILE"),
                         role,
                         !o.region.empty() ? o.region : GetEnv("AWS_REGION") + "|" + GetEnv("AWS_DEFAULT_REGION"),
                         o.sts_endpoint + "|" + GetEnv("AWS_ENDPOINT_URL_STS") + "|" + GetEnv("AWS_ENDPOINT_URL"),
                         o.external_id,
                         o.session_name + (o.forward_session_name ? "|forward" : ""),
                         GetEnv("AWS_ACCESS_KEY_ID"),
                         ConfigFilesStamp()};
}

// With --cache: the token cache for these flags and environment, held locked for as long as this
// lives, and the entry it had. A cache that cannot be locked is not used.
struct LockedCache {
  std::optional<token::TokenCache> cache;
  std::optional<FileLock> lock;
  std::optional<token::CacheEntry> cached;

  LockedCache(const TokenOptions& o, const std::string& cluster, const std::string& role) {
    if (!o.cache) return;
    token::CacheKey key = CacheKeyOf(o, cluster, role);
    cache.emplace(token::TokenCache::DefaultDir(), std::move(key));
    auto l = cache->Lock(std::chrono::seconds(10));
    if (l) {
      lock.emplace(std::move(*l));
      cached = cache->Load();
    } else {
      std::cerr << "kubeiam: warning: unable to use cache: " << l.error().message << "\n";
      cache.reset();
    }
  }

  // The cached token while it has life left.
  const token::CacheEntry* FreshToken(TimePoint now) const {
    return cached && cached->token_expiration - now > token::kMinTokenLife ? &*cached : nullptr;
  }

  // The new token, and the credentials that signed it when they expire, for the next run.
  void Store(const token::Token& tok, const aws::Credentials& creds) const {
    if (!cache) return;
    token::CacheEntry entry{tok.value, tok.expiration, std::nullopt};
    if (creds.CanExpire()) entry.credentials = creds;
    if (auto s = cache->Store(entry); !s) std::cerr << "kubeiam: warning: unable to write cache: " << s.error().message << "\n";
  }
};

// The cached credentials while they have life left, else the chain's (and the role's).
Result<aws::Credentials> CredentialsToSign(const TokenOptions& o, const std::string& role, const aws::ClientConfig& cfg,
                                           const std::optional<token::CacheEntry>& cached, TimePoint now) {
  if (cached && cached->credentials && *cached->credentials->expiration - now > token::kMinTokenLife) {
    return *cached->credentials;
  }
  return SigningCredentials(o, role, cfg, now);
}

int Run(const TokenOptions& o) {
  if (auto ok = CheckFlags(o); !ok) {
    std::cerr << "kubeiam: " << ok.error().message << "\n";
    return 1;
  }
  std::string cluster = ClusterId(o);
  auto role = RoleToAssume(o);
  if (!role) return Failed(role.error().message);

  auto choice = token::ChooseApiVersion(GetEnv("KUBERNETES_EXEC_INFO"));
  if (!choice.warning.empty()) std::cerr << choice.warning << "\n";
  TimePoint now = Clock::now();
  LockedCache cache(o, cluster, *role);
  if (const token::CacheEntry* fresh = cache.FreshToken(now)) {
    return Print(o, choice.api_version, fresh->token, fresh->token_expiration);
  }

  auto cfg = aws::ResolveClientConfig({o.profile, o.region, o.sts_endpoint});
  if (!cfg) return Failed(cfg.error().message);
  auto creds = CredentialsToSign(o, *role, *cfg, cache.cached, now);
  if (!creds) return Failed(creds.error().message);
  if (creds->expiration && *creds->expiration <= now) {
    return Failed("the credentials from " + creds->source + " expired at " + FormatRfc3339(*creds->expiration));
  }
  auto tok = token::Generate(cluster, *creds, cfg->sts_url, cfg->region, now);
  if (!tok) return Failed(tok.error().message);
  cache.Store(*tok, *creds);
  return Print(o, choice.api_version, tok->value, tok->expiration);
}

}  // namespace

Runner AddTokenCommand(CLI::App& app) {
  auto o = std::make_shared<TokenOptions>();
  auto* cmd = app.add_subcommand("token", "Print a token for a cluster (a kubectl credential plugin)");
  cmd->add_option("-i,--cluster-id", o->cluster_id, "Cluster ID the token is bound to");
  cmd->add_option("--cluster-name", o->cluster_name, "Same as --cluster-id (aws eks get-token spelling)");
  cmd->add_option("-r,--role", o->role, "IAM role ARN to assume before signing (env DEFAULT_ROLE)");
  cmd->add_option("--role-arn", o->role_arn, "Same as --role (aws eks get-token spelling)");
  cmd->add_option("--region", o->region, "AWS region for STS");
  cmd->add_option("--profile", o->profile, "AWS profile from the shared config files");
  cmd->add_option("-s,--session-name", o->session_name, "Session name for the assumed role");
  cmd->add_flag("--forward-session-name", o->forward_session_name,
                "Use the caller's own session name for the assumed role");
  cmd->add_option("-e,--external-id", o->external_id, "External ID for the assumed role");
  cmd->add_option("--sts-endpoint", o->sts_endpoint, "STS endpoint URL (default: regional)");
  cmd->add_flag("--token-only", o->token_only, "Print the token alone, not an ExecCredential");
  cmd->add_flag("--cache", o->cache, "Reuse tokens and role credentials across invocations");
  return [o] { return Run(*o); };
}

}  // namespace kubeiam::cli
