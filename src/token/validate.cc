#include "token/validate.h"

#include <algorithm>
#include <charconv>

#include "token/generate.h"
#include "token/sts_host.h"
#include "util/strings.h"

namespace kubeiam::token {
namespace {

constexpr std::string_view kFormatPrefix = "input token was not properly formatted: ";

std::unexpected<Error> Format(std::string_view msg) {
  return Fail(ErrorCode::kFormat, std::string(kFormatPrefix) + std::string(msg));
}

// Errors from lower layers keep their code; format errors get the common prefix.
std::unexpected<Error> Prefixed(const Error& e) {
  if (e.code == ErrorCode::kFormat) return Format(e.message);
  return std::unexpected(e);
}

constexpr std::string_view kAllowedKeys[] = {"action",           "version",          "x-amz-algorithm",
                                             "x-amz-credential", "x-amz-date",       "x-amz-expires",
                                             "x-amz-security-token", "x-amz-signature", "x-amz-signedheaders"};

// Distinct keys in order of first appearance, with their values.
struct Param {
  std::string key;
  std::vector<std::string> values;
};

const Param* Find(const std::vector<Param>& params, std::string_view lower_key) {
  for (const auto& p : params) {
    if (EqualsIgnoreCase(p.key, lower_key)) return &p;
  }
  return nullptr;
}

const std::string* Value(const std::vector<Param>& params, std::string_view lower_key) {
  const Param* p = Find(params, lower_key);
  return p ? &p->values[0] : nullptr;
}

// 5: scheme (strict: no user information, no fragment).
Status CheckScheme(const PresignedUrl& url, const ValidatorConfig& config) {
  if (url.scheme != "https") return Format("unexpected scheme \"" + url.scheme + "\" in pre-signed URL");
  if (config.strict && url.has_userinfo) return Format("pre-signed URL must not carry user information");
  if (config.strict && url.has_fragment) return Format("pre-signed URL must not carry a fragment");
  return {};
}

// 6-7: host: the local STS's exactly, else an allowed STS host. Gives the STS region label.
Result<std::string> CheckHost(const PresignedUrl& url, const ValidatorConfig& config) {
  bool has_port = !url.host.empty() && url.host.back() != ']' && url.host.find(':') != std::string::npos;
  if (config.local_sts_host) {
    if (url.host != *config.local_sts_host) {
      return Format("unexpected hostname \"" + url.host + "\" in pre-signed URL");
    }
    return std::string("local");
  }
  if (config.strict && has_port) return Format("pre-signed URL must not name a port: " + url.host);
  if (auto ok = CheckStsHost(url.host, config.partition, config.server_region); !ok) return Prefixed(ok.error());
  return StsRegionOfHost(url.host);
}

// 8: path. 9: query syntax. Go's parser refuses raw ';' separators as well as bad escapes.
Status CheckPathAndQuery(const PresignedUrl& url) {
  if (url.path != "/") return Format("unexpected path in pre-signed URL");
  if (url.raw_query.find(';') != std::string::npos) return Format("malformed query parameter");
  return {};
}

std::vector<Param> GroupParams(const aws::KeyValues& query) {
  std::vector<Param> params;
  for (const auto& [k, v] : query) {
    auto it = std::find_if(params.begin(), params.end(), [&](const Param& p) { return p.key == k; });
    if (it == params.end()) {
      params.push_back({k, {v}});
    } else {
      it->values.push_back(v);
    }
  }
  return params;
}

// 10: keys that differ only in case.
Status CheckNoCaseDuplicates(const std::vector<Param>& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    for (size_t j = i + 1; j < params.size(); ++j) {
      if (EqualsIgnoreCase(params[i].key, params[j].key)) {
        return Format("duplicate query parameter found: \"" + params[j].key + "\"");
      }
    }
  }
  return {};
}

// 11: allow-list and single values.
Status CheckAllowedSingleValues(const std::vector<Param>& params) {
  for (const auto& p : params) {
    std::string lower = ToLower(p.key);
    if (std::find(std::begin(kAllowedKeys), std::end(kAllowedKeys), lower) == std::end(kAllowedKeys)) {
      return Format("non-whitelisted query parameter \"" + p.key + "\"");
    }
    if (p.values.size() != 1) return Format("query parameter with multiple values not supported");
  }
  return {};
}

// 12: action.
Status CheckAction(const std::vector<Param>& params) {
  const std::string* action = Value(params, "action");
  if (!action || *action != "GetCallerIdentity") return Format("unexpected action parameter in pre-signed URL");
  return {};
}

// 13: the cluster ID header must be signed.
Status CheckClusterIdSigned(const std::vector<Param>& params) {
  const std::string* signed_headers = Value(params, "x-amz-signedheaders");
  bool cluster_signed = false;
  if (signed_headers) {
    for (auto h : Split(*signed_headers, ';')) cluster_signed |= EqualsIgnoreCase(h, kClusterIdHeader);
  }
  if (!cluster_signed) return Format("client did not sign the x-k8s-aws-id header in the pre-signed URL");
  return {};
}

// 14: X-Amz-Expires.
Status CheckExpires(const std::vector<Param>& params) {
  const std::string* expires = Value(params, "x-amz-expires");
  int expires_value = 0;
  bool expires_ok = false;
  if (expires && !expires->empty()) {
    const char* b = expires->data();
    const char* e = b + expires->size();
    if (*b == '+') ++b;
    auto [p, ec] = std::from_chars(b, e, expires_value);
    expires_ok = ec == std::errc() && p == e;
    if (!expires_ok) expires_value = 0;
  }
  if (!expires_ok || expires_value < 0 || expires_value > 900) {
    return Format("invalid X-Amz-Expires parameter in pre-signed URL: " + std::to_string(expires_value));
  }
  return {};
}

// 10-14, in this order.
Status CheckQueryParams(const std::vector<Param>& params) {
  using Check = Status (*)(const std::vector<Param>&);
  static constexpr Check kChecks[] = {CheckNoCaseDuplicates, CheckAllowedSingleValues, CheckAction, CheckClusterIdSigned,
                                      CheckExpires};
  for (Check check : kChecks) {
    if (auto ok = check(params); !ok) return ok;
  }
  return {};
}

// 15-16: X-Amz-Date, present and in its format.
Result<TimePoint> SignedAt(const std::vector<Param>& params) {
  const std::string* date = Value(params, "x-amz-date");
  if (!date || date->empty()) return Format("X-Amz-Date parameter must be present in pre-signed URL");
  auto signed_at = ParseAmzDate(*date);
  if (!signed_at) {
    return Format("error parsing X-Amz-Date parameter " + *date + " into format 20060102T150405Z: parsing time \"" +
                  *date + "\" as \"20060102T150405Z\": cannot parse \"" + *date + "\" as \"2006\"");
  }
  return *signed_at;
}

// 17: the access key: X-Amz-Credential up to its first '/' (empty without one).
std::string AccessKeyId(const std::vector<Param>& params) {
  const std::string* credential = Value(params, "x-amz-credential");
  return credential ? credential->substr(0, credential->find('/')) : std::string();
}

// 18: expiry.
Status CheckNotExpired(TimePoint signed_at, TimePoint now) {
  if (now > signed_at + kTokenValidity) {
    return Format("X-Amz-Date parameter is expired (15 minute expiration) " + FormatGoTime(signed_at));
  }
  return {};
}

// Beyond the reference (config.strict): the Version, a signature, an access key, no future date.
Status CheckStrict(const std::vector<Param>& params, const std::string& access_key_id, TimePoint signed_at,
                   TimePoint now) {
  const std::string* version = Value(params, "version");
  if (!version || *version != "2011-06-15") return Format("Version parameter must be 2011-06-15");
  const std::string* signature = Value(params, "x-amz-signature");
  if (!signature || signature->empty()) return Format("X-Amz-Signature parameter must be present in pre-signed URL");
  if (access_key_id.empty()) return Format("X-Amz-Credential parameter must name an access key");
  if (signed_at > now + kTokenValidity) {
    return Format("X-Amz-Date parameter is in the future " + FormatGoTime(signed_at));
  }
  return {};
}

}  // namespace

Result<ValidatedToken> Validate(std::string_view token, const ValidatorConfig& config, TimePoint now) {
  // 1-4: size, prefix, base64, URL.
  if (token.size() > config.max_token_bytes) return Format("token is too large");
  auto url = Decode(token);
  if (!url) return Prefixed(url.error());
  if (auto ok = CheckScheme(*url, config); !ok) return std::unexpected(ok.error());
  auto sts_region = CheckHost(*url, config);
  if (!sts_region) return std::unexpected(sts_region.error());
  if (auto ok = CheckPathAndQuery(*url); !ok) return std::unexpected(ok.error());
  auto req = ToSignableRequest(*url, config.cluster_id);
  if (!req) return Prefixed(req.error());
  std::vector<Param> params = GroupParams(req->query);
  if (auto ok = CheckQueryParams(params); !ok) return std::unexpected(ok.error());
  auto signed_at = SignedAt(params);
  if (!signed_at) return std::unexpected(signed_at.error());
  std::string access_key_id = AccessKeyId(params);
  if (auto ok = CheckNotExpired(*signed_at, now); !ok) return std::unexpected(ok.error());
  if (config.strict) {
    if (auto ok = CheckStrict(params, access_key_id, *signed_at, now); !ok) return std::unexpected(ok.error());
  }
  return ValidatedToken{std::move(*url), std::move(*req), std::move(access_key_id), std::move(*sts_region), *signed_at};
}

}  // namespace kubeiam::token
