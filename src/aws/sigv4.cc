#include "aws/sigv4.h"

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "util/crypto.h"
#include "util/encoding.h"
#include "util/strings.h"

namespace kubeiam::aws {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool Unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Collapses runs of spaces and tabs into one space and trims both ends (SigV4 header values).
std::string CanonicalHeaderValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  bool space = false;
  for (char c : Trim(v)) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> out;
  for (auto seg : Split(path, '/')) {
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
      continue;
    }
    out.push_back(seg);
  }
  std::string result = "/";
  for (size_t i = 0; i < out.size(); ++i) {
    if (i) result += '/';
    result += out[i];
  }
  if (!out.empty() && path.size() > 1 && path.back() == '/') result += '/';
  return result;
}

struct KeyCacheEntry {
  std::string day, region, service, secret_hash, key;
};

}  // namespace

const std::string* SignableRequest::FindHeader(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return &v;
  }
  return nullptr;
}

const std::string* SignableRequest::FindQuery(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::string UriEncode(std::string_view s, bool keep_slash) {
  return PercentEncode(s, [keep_slash](unsigned char c) { return Unreserved(c) || (keep_slash && c == '/'); });
}

Result<std::string> UriDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    int hi = i + 2 < s.size() ? HexValue(s[i + 1]) : -1;
    int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return Fail(ErrorCode::kFormat, "invalid percent-escape at byte " + std::to_string(i));
    }
    out += char(hi * 16 + lo);
    i += 2;
  }
  return out;
}

Result<KeyValues> ParseQuery(std::string_view raw) {
  KeyValues out;
  if (raw.empty()) return out;
  for (auto part : Split(raw, '&')) {
    if (part.empty()) continue;
    size_t eq = part.find('=');
    auto key = UriDecode(part.substr(0, eq));
    if (!key) return std::unexpected(key.error());
    std::string value;
    if (eq != std::string_view::npos) {
      auto v = UriDecode(part.substr(eq + 1));
      if (!v) return std::unexpected(v.error());
      value = std::move(*v);
    }
    out.emplace_back(std::move(*key), std::move(value));
  }
  return out;
}

std::string EncodeQuery(const KeyValues& q) {
  std::string out;
  for (const auto& [k, v] : q) {
    if (!out.empty()) out += '&';
    out += UriEncode(k);
    out += '=';
    out += UriEncode(v);
  }
  return out;
}

std::string CanonicalUri(std::string_view path, bool normalize) {
  if (path.empty()) return "/";
  return UriEncode(normalize ? std::string_view(NormalizePath(path)) : path, true);
}

std::string CanonicalQuery(const KeyValues& query) {
  std::vector<std::pair<std::string, std::string>> enc;
  enc.reserve(query.size());
  for (const auto& [k, v] : query) {
    if (k == "X-Amz-Signature") continue;
    enc.emplace_back(UriEncode(k), UriEncode(v));
  }
  std::sort(enc.begin(), enc.end());
  std::string out;
  for (const auto& [k, v] : enc) {
    if (!out.empty()) out += '&';
    out += k;
    out += '=';
    out += v;
  }
  return out;
}

CanonicalHeaders Canonicalize(const KeyValues& headers, const std::vector<std::string>& only) {
  std::vector<std::pair<std::string, std::string>> lower;
  lower.reserve(headers.size());
  for (const auto& [k, v] : headers) {
    std::string name = ToLower(Trim(k));
    if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) continue;
    lower.emplace_back(std::move(name), CanonicalHeaderValue(v));
  }
  // Stable: values of a repeated header keep the order they were sent in.
  std::stable_sort(lower.begin(), lower.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  CanonicalHeaders out;
  for (size_t i = 0; i < lower.size(); ++i) {
    if (i > 0 && lower[i].first == lower[i - 1].first) {
      out.block.pop_back();  // the '\n'
      out.block += ',';
      out.block += lower[i].second;
      out.block += '\n';
      continue;
    }
    if (!out.signed_names.empty()) out.signed_names += ';';
    out.signed_names += lower[i].first;
    out.block += lower[i].first;
    out.block += ':';
    out.block += lower[i].second;
    out.block += '\n';
  }
  return out;
}

std::string CanonicalRequest(const SignableRequest& r, const CanonicalHeaders& h,
                             std::string_view payload_hash, bool normalize_path) {
  std::string out;
  out.reserve(256 + h.block.size());
  out += r.method;
  out += '\n';
  out += CanonicalUri(r.path, normalize_path);
  out += '\n';
  out += CanonicalQuery(r.query);
  out += '\n';
  out += h.block;
  out += '\n';
  out += h.signed_names;
  out += '\n';
  out += payload_hash;
  return out;
}

std::string CredentialScope(TimePoint t, std::string_view region, std::string_view service) {
  std::string out = FormatAmzDay(t);
  out += '/';
  out += region;
  out += '/';
  out += service;
  out += "/aws4_request";
  return out;
}

std::string StringToSign(TimePoint t, std::string_view scope, std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out += '\n';
  out += FormatAmzDate(t);
  out += '\n';
  out += scope;
  out += '\n';
  out += Sha256Hex(canonical_request);
  return out;
}

std::string SigningKey(std::string_view secret, std::string_view day, std::string_view region,
                       std::string_view service) {
  // One entry per thread and scope is enough: a process signs with few keys, and keeping the
  // cache thread-local means no lock on the verify path. Keyed by a hash, so no secret is kept
  // twice in memory in plain form.
  thread_local std::vector<KeyCacheEntry> cache;
  std::string secret_hash(AsBytes(Sha256(secret)));
  for (const auto& e : cache) {
    if (e.day == day && e.region == region && e.service == service && e.secret_hash == secret_hash) {
      return e.key;
    }
  }
  std::string k = "AWS4";
  k += secret;
  Digest d = HmacSha256(k, day);
  d = HmacSha256(AsBytes(d), region);
  d = HmacSha256(AsBytes(d), service);
  d = HmacSha256(AsBytes(d), "aws4_request");
  std::string key(AsBytes(d));
  if (cache.size() >= 16) cache.erase(cache.begin());
  cache.push_back({std::string(day), std::string(region), std::string(service), secret_hash, key});
  return key;
}

std::string Signature(std::string_view signing_key, std::string_view string_to_sign) {
  return HexEncode(AsBytes(HmacSha256(signing_key, string_to_sign)));
}

namespace {

std::string PayloadHash(const SignableRequest& r) { return Sha256Hex(r.body); }

std::string SignWith(const SignableRequest& r, const CanonicalHeaders& h, const Credentials& c,
                     const SigningParams& p, std::string_view payload_hash) {
  std::string scope = CredentialScope(p.time, p.region, p.service);
  std::string sts = StringToSign(p.time, scope, CanonicalRequest(r, h, payload_hash, p.normalize_path));
  return Signature(SigningKey(c.secret_access_key, FormatAmzDay(p.time), p.region, p.service), sts);
}

}  // namespace

void SignHeaders(SignableRequest& r, const Credentials& c, const SigningParams& p) {
  std::string payload_hash = PayloadHash(r);
  r.headers.emplace_back("X-Amz-Date", FormatAmzDate(p.time));
  if (p.sign_body_header) r.headers.emplace_back("X-Amz-Content-Sha256", payload_hash);
  if (!c.session_token.empty() && !p.omit_session_token) {
    r.headers.emplace_back("X-Amz-Security-Token", c.session_token);
  }
  CanonicalHeaders h = Canonicalize(r.headers);
  std::string sig = SignWith(r, h, c, p, payload_hash);
  if (!c.session_token.empty() && p.omit_session_token) {
    r.headers.emplace_back("X-Amz-Security-Token", c.session_token);
  }
  std::string auth(kAlgorithm);
  auth += " Credential=" + c.access_key_id + "/" + CredentialScope(p.time, p.region, p.service);
  auth += ", SignedHeaders=" + h.signed_names;
  auth += ", Signature=" + sig;
  r.headers.emplace_back("Authorization", std::move(auth));
}

void Presign(SignableRequest& r, const Credentials& c, const SigningParams& p, int expires_seconds) {
  CanonicalHeaders h = Canonicalize(r.headers);
  r.query.emplace_back("X-Amz-Algorithm", std::string(kAlgorithm));
  r.query.emplace_back("X-Amz-Credential",
                       c.access_key_id + "/" + CredentialScope(p.time, p.region, p.service));
  r.query.emplace_back("X-Amz-Date", FormatAmzDate(p.time));
  r.query.emplace_back("X-Amz-Expires", std::to_string(expires_seconds));
  r.query.emplace_back("X-Amz-SignedHeaders", h.signed_names);
  bool token = !c.session_token.empty();
  if (token && !p.omit_session_token) r.query.emplace_back("X-Amz-Security-Token", c.session_token);
  std::string sig = SignWith(r, h, c, p, PayloadHash(r));
  if (token && p.omit_session_token) r.query.emplace_back("X-Amz-Security-Token", c.session_token);
  r.query.emplace_back("X-Amz-Signature", std::move(sig));
}

namespace {

// "AKID/20150830/us-east-1/service/aws4_request" into the SignedBy fields.
Status ParseCredential(std::string_view field, std::string_view value, SignedBy& out) {
  auto parts = Split(value, '/');
  if (parts.size() != 5 || parts[0].empty() || parts[1].size() != 8 || parts[2].empty() ||
      parts[3].empty() || parts[4] != "aws4_request") {
    return Fail(ErrorCode::kFormat, std::string(field) +
                                        " must be <access key id>/<yyyymmdd>/<region>/<service>/aws4_request");
  }
  out.access_key_id = parts[0];
  out.day = parts[1];
  out.region = parts[2];
  out.service = parts[3];
  return {};
}

Status ParseSignedHeaders(std::string_view field, std::string_view value, SignedBy& out) {
  if (value.empty()) return Fail(ErrorCode::kFormat, std::string(field) + " must not be empty");
  for (auto n : Split(value, ';')) {
    if (n.empty() || ToLower(n) != n) {
      return Fail(ErrorCode::kFormat, std::string(field) + " must be lower-case names joined by ';'");
    }
    out.signed_headers.emplace_back(n);
  }
  if (!std::is_sorted(out.signed_headers.begin(), out.signed_headers.end())) {
    return Fail(ErrorCode::kFormat, std::string(field) + " must be sorted");
  }
  if (std::find(out.signed_headers.begin(), out.signed_headers.end(), "host") == out.signed_headers.end()) {
    return Fail(ErrorCode::kFormat, std::string(field) + " must include host");
  }
  return {};
}

bool IsHex64(std::string_view s) {
  if (s.size() != 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return HexValue(c) >= 0 && !(c >= 'A' && c <= 'F'); });
}

}  // namespace

Result<SignedBy> ParseAuthentication(const SignableRequest& r) {
  SignedBy out;
  if (const std::string* auth = r.FindHeader("Authorization")) {
    std::string_view a = *auth;
    if (!a.starts_with(kAlgorithm) || a.size() == kAlgorithm.size() || a[kAlgorithm.size()] != ' ') {
      return Fail(ErrorCode::kFormat, "Authorization must start with AWS4-HMAC-SHA256");
    }
    a.remove_prefix(kAlgorithm.size() + 1);
    bool have_cred = false, have_signed = false, have_sig = false;
    for (auto part : Split(a, ',')) {
      part = Trim(part);
      size_t eq = part.find('=');
      if (eq == std::string_view::npos) return Fail(ErrorCode::kFormat, "Authorization: malformed component");
      auto key = part.substr(0, eq), value = part.substr(eq + 1);
      if (key == "Credential") {
        if (auto s = ParseCredential("Authorization Credential", value, out); !s) return std::unexpected(s.error());
        have_cred = true;
      } else if (key == "SignedHeaders") {
        if (auto s = ParseSignedHeaders("Authorization SignedHeaders", value, out); !s) return std::unexpected(s.error());
        have_signed = true;
      } else if (key == "Signature") {
        out.signature = value;
        have_sig = true;
      } else {
        return Fail(ErrorCode::kFormat, "Authorization: unknown component " + std::string(key));
      }
    }
    if (!have_cred || !have_signed || !have_sig) {
      return Fail(ErrorCode::kFormat, "Authorization must carry Credential, SignedHeaders and Signature");
    }
    const std::string* date = r.FindHeader("X-Amz-Date");
    if (!date) return Fail(ErrorCode::kFormat, "X-Amz-Date header is required");
    out.amz_date = *date;
    if (const std::string* tok = r.FindHeader("X-Amz-Security-Token")) out.session_token = *tok;
  } else {
    const std::string* alg = r.FindQuery("X-Amz-Algorithm");
    if (!alg) return Fail(ErrorCode::kFormat, "request carries neither Authorization nor X-Amz-Algorithm");
    if (*alg != kAlgorithm) return Fail(ErrorCode::kFormat, "X-Amz-Algorithm must be AWS4-HMAC-SHA256");
    const std::string* cred = r.FindQuery("X-Amz-Credential");
    const std::string* date = r.FindQuery("X-Amz-Date");
    const std::string* signed_headers = r.FindQuery("X-Amz-SignedHeaders");
    const std::string* sig = r.FindQuery("X-Amz-Signature");
    const std::string* expires = r.FindQuery("X-Amz-Expires");
    if (!cred) return Fail(ErrorCode::kFormat, "X-Amz-Credential is required");
    if (!date) return Fail(ErrorCode::kFormat, "X-Amz-Date is required");
    if (!signed_headers) return Fail(ErrorCode::kFormat, "X-Amz-SignedHeaders is required");
    if (!sig) return Fail(ErrorCode::kFormat, "X-Amz-Signature is required");
    if (auto s = ParseCredential("X-Amz-Credential", *cred, out); !s) return std::unexpected(s.error());
    if (auto s = ParseSignedHeaders("X-Amz-SignedHeaders", *signed_headers, out); !s) {
      return std::unexpected(s.error());
    }
    out.amz_date = *date;
    out.signature = *sig;
    out.presigned = true;
    if (expires) {
      int v = 0;
      if (expires->empty() || expires->size() > 6 ||
          !std::all_of(expires->begin(), expires->end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return Fail(ErrorCode::kFormat, "X-Amz-Expires must be a whole number of seconds");
      }
      for (char c : *expires) v = v * 10 + (c - '0');
      out.expires_seconds = v;
    }
    if (const std::string* tok = r.FindQuery("X-Amz-Security-Token")) out.session_token = *tok;
  }
  if (!IsHex64(out.signature)) return Fail(ErrorCode::kFormat, "signature must be 64 lower-case hex digits");
  auto t = ParseAmzDate(out.amz_date);
  if (!t) return Fail(ErrorCode::kFormat, "X-Amz-Date: " + t.error().message);
  if (FormatAmzDay(*t) != out.day) {
    return Fail(ErrorCode::kFormat, "the credential scope's date must be the day of X-Amz-Date");
  }
  for (const auto& name : out.signed_headers) {
    if (!r.FindHeader(name)) return Fail(ErrorCode::kFormat, "signed header " + name + " is missing");
  }
  return out;
}

Status VerifySignature(const SignableRequest& r, const SignedBy& auth, std::string_view secret,
                       bool normalize_path) {
  auto t = ParseAmzDate(auth.amz_date);
  if (!t) return Fail(ErrorCode::kFormat, "X-Amz-Date: " + t.error().message);
  CanonicalHeaders h = Canonicalize(r.headers, auth.signed_headers);
  std::string payload_hash;
  if (const std::string* declared = r.FindHeader("X-Amz-Content-Sha256");
      declared && *declared == "UNSIGNED-PAYLOAD") {
    payload_hash = *declared;
  } else {
    payload_hash = PayloadHash(r);
  }
  std::string scope = auth.day + "/" + auth.region + "/" + auth.service + "/aws4_request";
  std::string sts = StringToSign(*t, scope, CanonicalRequest(r, h, payload_hash, normalize_path));
  std::string expected = Signature(SigningKey(secret, auth.day, auth.region, auth.service), sts);
  if (!ConstantTimeEqual(expected, auth.signature)) {
    return Fail(ErrorCode::kUnauthenticated,
                "The request signature we calculated does not match the signature you provided.");
  }
  return {};
}

}  // namespace kubeiam::aws
