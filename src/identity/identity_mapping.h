// eksctl's iamidentitymapping rules (spec/eks-access.md §6) on an aws-auth manifest: validation,
// create with its duplicate and shadowing behaviour, delete (first match, or --all), accounts.
// Pure: the caller reads and writes the file. Log lines and warnings are eksctl's words.
#pragma once

#include <string>
#include <vector>

#include "identity/aws_auth_manifest.h"

namespace kubeiam::identity {

struct IdentityMapping {
  std::string arn, username;
  std::vector<std::string> groups;
  std::string account;
  bool no_duplicate_arns = false;
};

// Errors: "account cannot be configured with any other options", "expected a valid arn but got
// empty string", "neither username nor group are set for iam identity", the ARN parser's error,
// "arn is neither user nor role".
Status ValidateIdentityMapping(const IdentityMapping& m);

struct EditLog {
  std::vector<std::string> info, warnings;
};

// Returns false when nothing was written (an identical mapping with --no-duplicate-arns).
Result<bool> CreateIdentityMapping(AwsAuthManifest& manifest, const IdentityMapping& m, EditLog& log);

// Exactly one of arn and account. Errors: "either --arn or --account must be set", "instance
// identity ARN "<arn>" not found in auth ConfigMap", "account "<n>" not found in auth ConfigMap".
Status DeleteIdentityMapping(AwsAuthManifest& manifest, const std::string& arn, const std::string& account, bool all,
                             EditLog& log);

}  // namespace kubeiam::identity
