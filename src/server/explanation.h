// The explanation of one caller, as one JSON document: what `kubeiam explain -o json` prints and
// what the server's POST /explain answers (its text form is the CLI's). Pure: the caller gives the
// identity (already verified, or built from an ARN), the mappings' snapshot, the RBAC policy and
// the request.
//
//   {"token": {...}, "identity": {...}, "mapping": {"mode", "backends": [{"backend", "rows":
//    [{"row", "matched", "why", "gives"}], "otherRows"}], "result" | "error"},
//    "authorization": {"request", "user", "groups", "bindings", "accessPolicies", "allowed",
//    "reason"}, "verdict": "...", "ok": true|false}
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "identity/identity.h"
#include "identity/mapper_chain.h"
#include "rbac/authorizer.h"
#include "state/snapshot.h"

namespace kubeiam::server {

// What can be read from a token without trusting it: the STS host, when it was signed and until
// when a verifier takes it, the signed headers. Never the signature.
boost::json::object TokenFacts(const std::string& token);

// The verdict for a token that did not verify: {"token": facts + verified false + error}.
boost::json::object ExplainRefusedToken(boost::json::object token_facts, const std::string& error);

struct ExplainRequest {
  const state::Snapshot& mappings;
  const identity::Identity& id;
  // The chain's answer when the caller already has it (the server's Map, with its EC2 lookups);
  // else the snapshot's chain answers.
  std::optional<Result<identity::UserInfo>> answer;
  const rbac::Authorizer* policy = nullptr;  // for `request`
  std::optional<rbac::Attributes> request;   // the user is filled in from the mapping
  std::string request_text;                  // "get pods -n dev", as the caller wrote it
};

// The document's "ok" says whether the caller is authenticated (and, with a request, allowed).
boost::json::object ExplainCaller(const ExplainRequest& in);

}  // namespace kubeiam::server
