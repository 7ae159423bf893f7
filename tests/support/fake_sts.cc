#include "support/fake_sts.h"

#include "aws/sigv4.h"
#include "util/crypto.h"
#include "util/strings.h"

namespace kubeiam::testing {

FakeSts::FakeSts(std::map<std::string, std::string> secrets)
    : secrets_(std::move(secrets)), server_([this](const SeenRequest& r) { return Handle(r); }) {}

FakeSts::FakeSts(std::map<std::string, std::string> secrets, const std::string& cert_file, const std::string& key_file)
    : secrets_(std::move(secrets)),
      server_([this](const SeenRequest& r) { return Handle(r); }, cert_file, key_file) {}

std::string FakeSts::FormValue(const SeenRequest& r, const std::string& name) {
  auto q = aws::ParseQuery(r.body);
  if (!q) return "";
  for (const auto& [k, v] : *q) {
    if (k == name) return v;
  }
  return "";
}

std::string FakeSts::IssuedKeyFor(const std::string& role_arn) {
  return "ASIA" + Sha256Hex(role_arn).substr(0, 16);
}

CannedResponse FakeSts::Handle(const SeenRequest& r) {
  auto error = [](const std::string& code, const std::string& msg) {
    return CannedResponse{403,
                          "<ErrorResponse><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + msg +
                              "</Message></Error><RequestId>1</RequestId></ErrorResponse>",
                          "text/xml"};
  };
  std::string action = FormValue(r, "Action");
  if (action != "AssumeRoleWithWebIdentity") {
    aws::SignableRequest s;
    s.method = r.method;
    s.path = r.target;
    s.body = r.body;
    s.headers = r.headers;
    auto auth = aws::ParseAuthentication(s);
    if (!auth) return error("IncompleteSignature", auth.error().message);
    auto it = secrets_.find(auth->access_key_id);
    if (it == secrets_.end()) return error("InvalidClientTokenId", "The security token included in the request is invalid.");
    if (!aws::VerifySignature(s, *auth, it->second)) {
      return error("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
    }
  }
  if (action == "AssumeRole" || action == "AssumeRoleWithWebIdentity") {
    std::string role = FormValue(r, "RoleArn");
    std::string session = FormValue(r, "RoleSessionName");
    if (role.find(":role/Denied") != std::string::npos) return error("AccessDenied", "not authorized to assume " + role);
    std::string key = IssuedKeyFor(role);
    secrets_[key] = "secret-for-" + key;
    std::string name = role.substr(role.rfind('/') + 1);
    return CannedResponse{200,
                          "<" + action + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" + action +
                              "Result><Credentials><AccessKeyId>" + key + "</AccessKeyId><SecretAccessKey>secret-for-" +
                              key + "</SecretAccessKey><SessionToken>token-for-" + key +
                              "</SessionToken><Expiration>" + expiration +
                              "</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/" +
                              name + "/" + session + "</Arn><AssumedRoleId>AROAFAKE:" + session +
                              "</AssumedRoleId></AssumedRoleUser></" + action + "Result></" + action + "Response>",
                          "text/xml"};
  }
  if (action == "GetCallerIdentity") {
    return CannedResponse{200,
                          "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:sts::111122223333:assumed-role/"
                          "Fed/alice@example.com</Arn><UserId>AROAFED:alice@example.com</UserId><Account>111122223333</"
                          "Account></GetCallerIdentityResult></GetCallerIdentityResponse>",
                          "text/xml"};
  }
  return error("InvalidAction", "unknown action " + action);
}

}  // namespace kubeiam::testing
