#include "aws/credential_chain.h"

#include <charconv>
#include <optional>
#include <set>

#include "aws/container_credentials.h"
#include "aws/imds.h"
#include "aws/process_credentials.h"
#include "sts/sts_api.h"
#include "util/file.h"
#include "util/strings.h"

namespace kubeiam::aws {
namespace {

// Either credentials, "this source has nothing" (nullopt), or a hard error that stops the chain.
using Maybe = Result<std::optional<Credentials>>;

constexpr int kMaxChainDepth = 8;

std::string Value(const Section& s, const char* key) {
  auto it = s.find(key);
  return it == s.end() ? std::string() : it->second;
}

std::string DefaultSessionName(TimePoint now) {
  return "kubeiam-session-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

sts::Endpoint StsEndpoint(const ChainContext& ctx) {
  return sts::Endpoint{ctx.config.sts_url, ctx.config.region, ctx.config.ca_bundle};
}

Maybe EnvKeys() {
  std::string id = GetEnv("AWS_ACCESS_KEY_ID"), secret = GetEnv("AWS_SECRET_ACCESS_KEY");
  if (id.empty() && secret.empty()) return std::nullopt;
  if (id.empty() || secret.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "Partial credentials found in env, missing: " +
                    std::string(id.empty() ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY"));
  }
  Credentials c{id, secret, GetEnv("AWS_SESSION_TOKEN"), std::nullopt, "environment"};
  if (c.session_token.empty()) c.session_token = GetEnv("AWS_SECURITY_TOKEN");
  if (auto exp = GetEnv("AWS_CREDENTIAL_EXPIRATION"); !exp.empty()) {
    auto t = ParseRfc3339(exp);
    if (!t) return Fail(ErrorCode::kInvalidArgument, "AWS_CREDENTIAL_EXPIRATION: " + t.error().message);
    c.expiration = *t;
  }
  return c;
}

Result<std::optional<int>> DurationSeconds(const Section& s, const std::string& profile) {
  std::string v = Value(s, "duration_seconds");
  if (v.empty()) return std::optional<int>();
  int n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n < 900 || n > 43200) {
    return Fail(ErrorCode::kInvalidArgument,
                "profile " + profile + ": duration_seconds must be a whole number from 900 to 43200");
  }
  return std::optional<int>(n);
}

Result<Credentials> WebIdentity(const ChainContext& ctx, const std::string& role_arn, const std::string& token_file,
                                std::string session_name, std::optional<int> duration) {
  auto token = ReadFile(ExpandHome(token_file), 64 * 1024);
  if (!token) return std::unexpected(token.error().Wrap("web_identity_token_file"));
  if (session_name.empty()) session_name = DefaultSessionName(ctx.now);
  auto r = sts::AssumeRoleWithWebIdentity(StsEndpoint(ctx), role_arn, session_name, std::string(Trim(*token)),
                                          duration);
  if (!r) return std::unexpected(r.error());
  return r->credentials;
}

Maybe ProfileCredentials(const ChainContext& ctx, const std::string& name, std::set<std::string>& visited, int depth);

// AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE; not consulted when --profile names a profile.
Maybe EnvWebIdentity(const ChainContext& ctx) {
  if (ctx.config.profile_explicit) return std::nullopt;
  std::string role = GetEnv("AWS_ROLE_ARN"), file = GetEnv("AWS_WEB_IDENTITY_TOKEN_FILE");
  if (role.empty() || file.empty()) return std::nullopt;
  auto c = WebIdentity(ctx, role, file, GetEnv("AWS_ROLE_SESSION_NAME"), std::nullopt);
  if (!c) return std::unexpected(c.error());
  return std::optional<Credentials>(*c);
}

Maybe CredentialSource(const ChainContext& ctx, const std::string& profile, const std::string& source) {
  if (source == "Environment") {
    auto c = EnvKeys();
    if (c && !*c) return Fail(ErrorCode::kUnauthenticated, "profile " + profile + ": credential_source Environment found no keys");
    return c;
  }
  if (source == "Ec2InstanceMetadata") {
    auto s = ImdsFromEnvironment(ctx.config.profile);
    if (!s) return Fail(ErrorCode::kUnauthenticated, "profile " + profile + ": instance metadata is disabled");
    auto c = ImdsRoleCredentials(*s);
    if (!c) return std::unexpected(c.error());
    return std::optional<Credentials>(*c);
  }
  if (source == "EcsContainer") {
    auto c = ContainerCredentials();
    if (!c) return std::unexpected(c.error());
    return std::optional<Credentials>(*c);
  }
  return Fail(ErrorCode::kInvalidArgument, "profile " + profile + ": credential_source must be Environment, "
                                           "Ec2InstanceMetadata or EcsContainer, got \"" + source + "\"");
}

// A profile with role_arn: get the source credentials, then AssumeRole.
Maybe AssumeRoleProfile(const ChainContext& ctx, const std::string& name, const Section& s,
                        std::set<std::string>& visited, int depth) {
  std::string source_profile = Value(s, "source_profile"), credential_source = Value(s, "credential_source");
  if (!source_profile.empty() && !credential_source.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "profile " + name + ": source_profile and credential_source are mutually exclusive");
  }
  Maybe source = std::nullopt;
  if (!credential_source.empty()) {
    source = CredentialSource(ctx, name, credential_source);
  } else if (source_profile == name) {
    // A profile may name itself to use its own static keys as the source.
    if (Value(s, "aws_access_key_id").empty()) {
      return Fail(ErrorCode::kInvalidArgument, "profile " + name + " is its own source_profile but has no keys");
    }
    source = Credentials{Value(s, "aws_access_key_id"), Value(s, "aws_secret_access_key"),
                         Value(s, "aws_session_token"), std::nullopt, "shared config"};
  } else {
    if (!ctx.config.shared.HasProfile(source_profile)) {
      return Fail(ErrorCode::kNotFound, "The source_profile \"" + source_profile + "\" referenced in the profile \"" +
                                            name + "\" does not exist.");
    }
    source = ProfileCredentials(ctx, source_profile, visited, depth + 1);
  }
  if (!source) return source;
  if (!*source) {
    return Fail(ErrorCode::kUnauthenticated, "profile " + name + ": its source has no credentials");
  }
  auto duration = DurationSeconds(s, name);
  if (!duration) return std::unexpected(duration.error());
  sts::AssumeRoleInput in;
  in.role_arn = Value(s, "role_arn");
  in.session_name = Value(s, "role_session_name");
  if (in.session_name.empty()) in.session_name = DefaultSessionName(ctx.now);
  in.external_id = Value(s, "external_id");
  in.duration_seconds = *duration;
  in.mfa_serial = Value(s, "mfa_serial");
  if (!in.mfa_serial.empty()) {
    if (!ctx.mfa_prompt) return Fail(ErrorCode::kUnauthenticated, "profile " + name + " needs an MFA code");
    auto code = ctx.mfa_prompt(in.mfa_serial);
    if (!code) return std::unexpected(code.error());
    in.mfa_token = *code;
  }
  auto r = sts::AssumeRole(StsEndpoint(ctx), **source, in, ctx.now);
  if (!r) return std::unexpected(r.error());
  return std::optional<Credentials>(r->credentials);
}

// Credentials a profile yields by itself (used for the chosen profile and source profiles).
Maybe ProfileCredentials(const ChainContext& ctx, const std::string& name, std::set<std::string>& visited, int depth) {
  if (depth > kMaxChainDepth || !visited.insert(name).second) {
    return Fail(ErrorCode::kInvalidArgument, "profile " + name + ": source_profile chain loops or is deeper than " +
                                                 std::to_string(kMaxChainDepth));
  }
  Section s = ctx.config.shared.Profile(name);
  std::string role_arn = Value(s, "role_arn");
  if (!role_arn.empty() && (!Value(s, "source_profile").empty() || !Value(s, "credential_source").empty())) {
    return AssumeRoleProfile(ctx, name, s, visited, depth);
  }
  if (!role_arn.empty() && !Value(s, "web_identity_token_file").empty()) {
    auto duration = DurationSeconds(s, name);
    if (!duration) return std::unexpected(duration.error());
    auto c = WebIdentity(ctx, role_arn, Value(s, "web_identity_token_file"), Value(s, "role_session_name"), *duration);
    if (!c) return std::unexpected(c.error());
    return std::optional<Credentials>(*c);
  }
  // The environment's web identity comes before the chosen profile's own keys (the CLI's order).
  if (depth == 0) {
    auto c = EnvWebIdentity(ctx);
    if (!c || *c) return c;
  }
  if (!Value(s, "sso_start_url").empty() || !Value(s, "sso_session").empty()) {
    return Fail(ErrorCode::kUnauthenticated,
                "profile " + name + " uses IAM Identity Center (SSO), which kubeiam cannot sign in with yet; "
                "use credential_process = aws configure export-credentials --profile " + name + " --format process");
  }
  std::string id = Value(s, "aws_access_key_id"), secret = Value(s, "aws_secret_access_key");
  if (!id.empty() || !secret.empty()) {
    if (id.empty() || secret.empty()) {
      return Fail(ErrorCode::kInvalidArgument, "Partial credentials found in shared config profile " + name +
                                                   ", missing: " + (id.empty() ? "aws_access_key_id" : "aws_secret_access_key"));
    }
    return Credentials{id, secret, Value(s, "aws_session_token"), std::nullopt, "shared config"};
  }
  if (auto cmd = Value(s, "credential_process"); !cmd.empty()) {
    auto c = ProcessCredentials(cmd);
    if (!c) return std::unexpected(c.error());
    return std::optional<Credentials>(*c);
  }
  return std::nullopt;
}

}  // namespace

Result<Credentials> ResolveCredentials(const ChainContext& ctx) {
  const ClientConfig& cfg = ctx.config;
  if (!cfg.profile_explicit) {
    auto env = EnvKeys();
    if (!env) return std::unexpected(env.error());
    if (*env) return **env;
  }
  std::set<std::string> visited;
  if (cfg.shared.HasProfile(cfg.profile_name)) {
    auto p = ProfileCredentials(ctx, cfg.profile_name, visited, 0);
    if (!p) return std::unexpected(p.error());
    if (*p) return **p;
  }
  if (auto c = EnvWebIdentity(ctx); !c || *c) {
    if (!c) return std::unexpected(c.error());
    return **c;
  }
  if (ContainerCredentialsConfigured()) return ContainerCredentials();
  if (auto imds = ImdsFromEnvironment(cfg.profile)) {
    auto c = ImdsRoleCredentials(*imds);
    if (c) return c;
  }
  return Fail(ErrorCode::kUnauthenticated,
              "Unable to locate credentials. You can configure credentials by running \"aws configure\".");
}

}  // namespace kubeiam::aws
