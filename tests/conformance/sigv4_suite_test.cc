// Every case of AWS's SigV4 test suite (copied with its LICENSE into
// tests/data/aws-sigv4-test-suite), in both the header-signed and the presigned (query) form:
// canonical request, string to sign, signature, and verification of what was signed.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/paths.h"
#include "aws/sigv4.h"
#include "util/crypto.h"
#include "util/strings.h"

namespace kubeiam::aws {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path SuiteDir() { return fs::path(KUBEIAM_TEST_DIR) / "data" / "aws-sigv4-test-suite"; }

struct Case {
  std::string name;
  SignableRequest request;
  Credentials creds;
  SigningParams params;
  int expires = 0;
};

// request.txt: "METHOD PATH[?QUERY] HTTP/1.1", header lines (indented lines continue the previous
// value), a blank line, the body.
Case Load(const std::string& name) {
  Case c;
  c.name = name;
  fs::path dir = SuiteDir() / name;
  std::string raw = Slurp(dir / "request.txt");
  size_t eol = raw.find('\n');
  std::string first = raw.substr(0, eol);
  size_t sp = first.find(' ');
  size_t proto = first.rfind(" HTTP/");
  c.request.method = first.substr(0, sp);
  std::string target = first.substr(sp + 1, proto - sp - 1);
  size_t q = target.find('?');
  c.request.path = target.substr(0, q);
  if (q != std::string::npos) {
    auto query = ParseQuery(target.substr(q + 1));
    EXPECT_TRUE(query.has_value()) << name;
    if (query) c.request.query = *query;
  }
  size_t pos = eol == std::string::npos ? raw.size() : eol + 1;
  while (pos < raw.size()) {
    size_t next = raw.find('\n', pos);
    std::string line = raw.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    pos = next == std::string::npos ? raw.size() : next + 1;
    if (line.empty()) {
      c.request.body = raw.substr(pos);
      break;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !c.request.headers.empty()) {
      c.request.headers.back().second += " " + std::string(Trim(line));
      continue;
    }
    size_t colon = line.find(':');
    c.request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  auto ctx = boost::json::parse(Slurp(dir / "context.json")).as_object();
  const auto& cr = ctx.at("credentials").as_object();
  c.creds.access_key_id = cr.at("access_key_id").as_string().c_str();
  c.creds.secret_access_key = cr.at("secret_access_key").as_string().c_str();
  if (cr.contains("token")) c.creds.session_token = cr.at("token").as_string().c_str();
  c.params.region = ctx.at("region").as_string().c_str();
  c.params.service = ctx.at("service").as_string().c_str();
  c.params.time = *ParseRfc3339(ctx.at("timestamp").as_string().c_str());
  c.params.normalize_path = ctx.at("normalize").as_bool();
  c.params.sign_body_header = ctx.at("sign_body").as_bool();
  if (ctx.contains("omit_session_token")) c.params.omit_session_token = ctx.at("omit_session_token").as_bool();
  c.expires = int(ctx.at("expiration_in_seconds").as_int64());
  return c;
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  if (!fs::exists(SuiteDir())) return names;
  for (const auto& e : fs::directory_iterator(SuiteDir())) {
    if (e.is_directory() && fs::exists(e.path() / "request.txt")) names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string Expected(const std::string& name, const std::string& file) {
  return std::string(Trim(Slurp(SuiteDir() / name / file)));
}

class SigV4Suite : public ::testing::TestWithParam<std::string> {};

TEST(SigV4SuiteData, IsPresent) { EXPECT_GE(CaseNames().size(), 30u) << "missing " << SuiteDir(); }

TEST_P(SigV4Suite, HeaderSigning) {
  Case c = Load(GetParam());
  SignableRequest r = c.request;
  SignHeaders(r, c.creds, c.params);

  // Recompute the intermediate forms from what was signed (everything but Authorization, and
  // without a token added after signing).
  KeyValues signed_headers;
  for (const auto& h : r.headers) {
    if (EqualsIgnoreCase(h.first, "Authorization")) continue;
    if (c.params.omit_session_token && EqualsIgnoreCase(h.first, "X-Amz-Security-Token")) continue;
    signed_headers.push_back(h);
  }
  CanonicalHeaders ch = Canonicalize(signed_headers);
  std::string creq = CanonicalRequest(r, ch, Sha256Hex(r.body), c.params.normalize_path);
  EXPECT_EQ(creq, Expected(c.name, "header-canonical-request.txt"));
  std::string scope = CredentialScope(c.params.time, c.params.region, c.params.service);
  EXPECT_EQ(StringToSign(c.params.time, scope, creq), Expected(c.name, "header-string-to-sign.txt"));

  const std::string* auth = r.FindHeader("Authorization");
  ASSERT_NE(auth, nullptr);
  std::string sig = auth->substr(auth->rfind('=') + 1);
  EXPECT_EQ(sig, Expected(c.name, "header-signature.txt"));

  auto parsed = ParseAuthentication(r);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_TRUE(VerifySignature(r, *parsed, c.creds.secret_access_key, c.params.normalize_path).has_value());
  EXPECT_FALSE(VerifySignature(r, *parsed, "wrong-secret", c.params.normalize_path).has_value());
}

TEST_P(SigV4Suite, QueryPresigning) {
  Case c = Load(GetParam());
  SignableRequest r = c.request;
  Presign(r, c.creds, c.params, c.expires);
  EXPECT_EQ(*r.FindQuery("X-Amz-Signature"), Expected(c.name, "query-signature.txt"));
  if (!c.params.omit_session_token) {
    CanonicalHeaders ch = Canonicalize(r.headers);
    std::string creq = CanonicalRequest(r, ch, Sha256Hex(r.body), c.params.normalize_path);
    EXPECT_EQ(creq, Expected(c.name, "query-canonical-request.txt"));
    std::string scope = CredentialScope(c.params.time, c.params.region, c.params.service);
    EXPECT_EQ(StringToSign(c.params.time, scope, creq), Expected(c.name, "query-string-to-sign.txt"));
  }
  auto parsed = ParseAuthentication(r);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_TRUE(parsed->presigned);
  EXPECT_EQ(parsed->expires_seconds, c.expires);
  if (!c.params.omit_session_token) {
    EXPECT_TRUE(VerifySignature(r, *parsed, c.creds.secret_access_key, c.params.normalize_path).has_value());
  }
  // Any change to a signed part breaks the signature.
  SignableRequest tampered = r;
  tampered.method = tampered.method == "GET" ? "POST" : "GET";
  EXPECT_FALSE(VerifySignature(tampered, *parsed, c.creds.secret_access_key, c.params.normalize_path).has_value());
}

INSTANTIATE_TEST_SUITE_P(Aws, SigV4Suite, ::testing::ValuesIn(CaseNames()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& ch : n) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace kubeiam::aws
