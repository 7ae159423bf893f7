#include "cli/explain_text.h"

#include <boost/json/serialize.hpp>
#include <sstream>

namespace kubeiam::cli {
namespace {

namespace json = boost::json;

std::string Str(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : json::serialize(v); }

std::string Joined(const json::value& list) {
  std::string out;
  for (const auto& v : list.as_array()) out += (out.empty() ? "" : " ") + Str(v);
  return "[" + out + "]";
}

void PrintToken(const json::object& t, std::ostream& out) {
  out << "Token\n";
  for (const char* k : {"stsHost", "signedAt", "validUntil", "signedHeaders", "clusterID"}) {
    if (t.contains(k)) out << "  " << k << ": " << Str(t.at(k)) << "\n";
  }
  bool verified = t.contains("verified") && t.at("verified").as_bool();
  out << "  verified: " << (verified ? "yes" : "no - " + Str(t.at("error"))) << "\n";
}

void PrintMapping(const json::object& m, std::ostream& out) {
  out << "Mapping (authentication mode " << Str(m.at("mode")) << ")\n";
  for (const auto& b : m.at("backends").as_array()) {
    out << "  " << Str(b.at("backend")) << "\n";
    for (const auto& r : b.at("rows").as_array()) {
      out << "    " << (r.at("matched").as_bool() ? "MATCH " : "no    ") << Str(r.at("row")) << ": " << Str(r.at("why")) << "\n";
      if (r.as_object().contains("gives")) out << "          gives " << Str(r.at("gives")) << "\n";
    }
    if (auto n = b.at("otherRows").to_number<int64_t>()) out << "    (" << n << " more rows name other accounts and principals)\n";
    if (b.at("rows").as_array().empty() && b.at("otherRows").to_number<int64_t>() == 0) out << "    (no rows)\n";
  }
  if (m.contains("result")) {
    const auto& r = m.at("result");
    out << "  result: username " << Str(r.at("username")) << ", groups " << Joined(r.at("groups")) << " (mapped by "
              << Str(r.at("backend")) << ")\n";
  } else {
    out << "  result: not authenticated - " << Str(m.at("error")) << "\n";
  }
}

void PrintAuthorization(const json::object& a, std::ostream& out) {
  out << "Authorization of " << Str(a.at("request")) << "\n  user: " << Str(a.at("user")) << " " << Joined(a.at("groups"))
            << "\n  bindings naming the user or its groups:" << (a.at("bindings").as_array().empty() ? " none" : "") << "\n";
  for (const auto& b : a.at("bindings").as_array()) out << "    " << Str(b) << "\n";
  if (!a.at("accessPolicies").as_array().empty()) {
    out << "  access policies of the access entry:\n";
    for (const auto& p : a.at("accessPolicies").as_array()) out << "    " << Str(p) << "\n";
  }
  out << "  decision: " << (a.at("allowed").as_bool() ? "allowed" : "denied") << " - " << Str(a.at("reason")) << "\n";
}

void Print(const json::object& doc, std::ostream& out) {
  if (doc.contains("token")) PrintToken(doc.at("token").as_object(), out);
  if (doc.contains("identity")) {
    const auto& id = doc.at("identity").as_object();
    out << "Identity\n  ARN: " << Str(id.at("arn")) << "\n  compared as: " << Str(id.at("comparedAs")) << "\n";
    if (!Str(id.at("userId")).empty()) out << "  principal ID: " << Str(id.at("userId")) << "\n";
  }
  if (doc.contains("mapping")) PrintMapping(doc.at("mapping").as_object(), out);
  if (doc.contains("authorization")) PrintAuthorization(doc.at("authorization").as_object(), out);
  out << "Verdict: " << Str(doc.at("verdict")) << "\n";
}

}  // namespace

Status PrintExplanation(const json::object& doc, std::ostream& out) {
  // A server's document may lack what is expected: it is rendered whole or not at all.
  std::ostringstream text;
  try {
    Print(doc, text);
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kFormat, std::string("the explanation is not in the expected shape: ") + e.what());
  }
  out << text.str();
  return {};
}

}  // namespace kubeiam::cli
