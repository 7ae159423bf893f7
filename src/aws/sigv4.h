// AWS Signature Version 4: canonical request, string to sign, signing key, header signing,
// query presigning, and verification of both forms.
//
// Pure: no clock, no I/O. The caller gives the time and the credentials. Every case of AWS's
// SigV4 test suite passes (tests/conformance/sigv4_suite_test.cc).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/credentials.h"
#include "util/error.h"
#include "util/time.h"

namespace kubeiam::aws {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// The parts of an HTTP request that SigV4 covers. Query keys and values are decoded; headers
// are as written (names in any case). The order of `query` is the order they are sent in.
struct SignableRequest {
  std::string method = "GET";
  std::string path = "/";  // raw, unencoded path (e.g. "/" or "/example space/")
  KeyValues query;
  KeyValues headers;       // must include Host
  std::string body;

  const std::string* FindHeader(std::string_view name) const;  // case-insensitive
  const std::string* FindQuery(std::string_view name) const;   // exact
};

struct SigningParams {
  std::string region;
  std::string service;
  TimePoint time;
  bool normalize_path = true;        // false for S3-style services
  bool sign_body_header = false;     // add x-amz-content-sha256 (header signing only)
  bool omit_session_token = false;   // add the token after signing instead of signing it
};

// RFC 3986 percent-encoding as SigV4 wants it: everything except A-Z a-z 0-9 - _ . ~ is escaped
// (and '/' too unless keep_slash).
std::string UriEncode(std::string_view s, bool keep_slash = false);
// Percent-decodes; '+' stays '+'. Malformed escapes are errors.
Result<std::string> UriDecode(std::string_view s);
// Parses "a=1&b=&c" into decoded pairs, in order.
Result<KeyValues> ParseQuery(std::string_view raw);
// Encodes pairs in the given order: "a=1&b=2".
std::string EncodeQuery(const KeyValues& q);

std::string CanonicalUri(std::string_view path, bool normalize);
std::string CanonicalQuery(const KeyValues& query);  // sorted, X-Amz-Signature excluded
// Lower-cased, sorted, ';'-joined names of the headers to sign; and the canonical header block.
struct CanonicalHeaders {
  std::string block;   // "host:example.com\nx-amz-date:...\n"
  std::string signed_names;  // "host;x-amz-date"
};
// Canonicalizes the headers named in `only` (lower-case names), or all headers if `only` is empty.
CanonicalHeaders Canonicalize(const KeyValues& headers, const std::vector<std::string>& only = {});

std::string CanonicalRequest(const SignableRequest& r, const CanonicalHeaders& h,
                             std::string_view payload_hash, bool normalize_path);
std::string CredentialScope(TimePoint t, std::string_view region, std::string_view service);
std::string StringToSign(TimePoint t, std::string_view scope, std::string_view canonical_request);
// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, day), region), service), "aws4_request"),
// cached per (secret, day, region, service): signing many requests a day costs one HMAC each.
std::string SigningKey(std::string_view secret, std::string_view day, std::string_view region,
                       std::string_view service);
std::string Signature(std::string_view signing_key, std::string_view string_to_sign);

// Adds X-Amz-Date (and X-Amz-Security-Token, x-amz-content-sha256) and Authorization headers.
// Signs every header present on the request.
void SignHeaders(SignableRequest& r, const Credentials& c, const SigningParams& p);

// Adds X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders and
// (for temporary credentials) X-Amz-Security-Token after the request's own query parameters, in
// that order, then X-Amz-Signature last: the order botocore and awscli produce. Headers present
// on the request are signed (they stay out of the URL and must be re-sent by whoever uses it).
void Presign(SignableRequest& r, const Credentials& c, const SigningParams& p, int expires_seconds);

// What a verifier learns from a request's SigV4 authentication fields.
struct SignedBy {
  std::string access_key_id;
  std::string day;      // yyyymmdd of the credential scope
  std::string region;
  std::string service;
  std::string amz_date;  // X-Amz-Date
  std::string signature;
  std::vector<std::string> signed_headers;  // lower-case
  bool presigned = false;
  int expires_seconds = 0;  // presigned only
  std::string session_token;
};

// Reads the authentication fields of a header-signed (Authorization) or presigned request.
// Errors name the field and the rule ("X-Amz-Credential must be <key>/<date>/<region>/<service>/aws4_request").
Result<SignedBy> ParseAuthentication(const SignableRequest& r);

// Recomputes the signature with `secret` and compares in constant time. Checks that the scope's
// day matches X-Amz-Date; does not judge freshness (the caller knows the time and the rules).
Status VerifySignature(const SignableRequest& r, const SignedBy& auth, std::string_view secret,
                       bool normalize_path = true);

}  // namespace kubeiam::aws
