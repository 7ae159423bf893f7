// kubeiam verify --config FILE --token TOKEN: server-side verification and mapping of one token,
// printed as JSON. kubeiam whoami: the same for a token of your own (minted unless given).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/server_view.h"
#include "kubeapi/token_review.h"
#include "util/strings.h"

namespace kubeiam::cli {
namespace {

int Report(const config::Config& config, server::Authenticator& auth, const std::string& token) {
  auto id = auth.Verify(token, Clock::now());
  if (!id) {
    std::cerr << "kubeiam: could not verify token: " << id.error().message << "\n";
    return 1;
  }
  boost::json::object out{{"arn", id->arn},           {"canonicalArn", id->canonical_arn}, {"accountId", id->account_id},
                          {"userId", id->user_id},    {"sessionName", id->session_name},   {"accessKeyId", id->access_key_id},
                          {"stsEndpoint", id->sts_endpoint}};
  auto user = auth.Map(*id);
  if (user) {
    out["username"] = user->username;
    boost::json::array groups;
    for (const auto& g : user->groups) groups.emplace_back(g);
    out["groups"] = std::move(groups);
    out["uid"] = kubeapi::KubernetesUid(*id, user->username, config.scrubbed_accounts.contains(id->account_id));
    out["mappedBy"] = user->backend;
  } else {
    out["mappingError"] = user.error().message;
  }
  std::cout << boost::json::serialize(out) << "\n";
  return user ? 0 : 1;
}

}  // namespace

Runner AddVerifyCommand(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto token = std::make_shared<std::string>();
  auto store = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("verify", "Verify a token as the server would and print the identity");
  cmd->add_option("-c,--config", *path, "Server config file")->required();
  cmd->add_option("-t,--token", *token, "The token (k8s-aws-v1....)")->required();
  cmd->add_option("--store", *store, "Access-entry store (SQLite file) instead of the config's");
  return [path, token, store] {
    auto loaded = LoadServerView(*path, *store);
    if (!loaded) {
      std::cerr << "kubeiam: could not verify token: " << loaded.error().message << "\n";
      return 1;
    }
    return Report(loaded->first, *loaded->second.authenticator, *token);
  };
}

Runner AddWhoamiCommand(CLI::App& app) {
  auto path = std::make_shared<std::string>("config.yaml");
  auto token = std::make_shared<std::string>();
  auto store = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("whoami", "Show who a token (by default, one of your own) maps to");
  cmd->add_option("-c,--config", *path, "Server config file")->capture_default_str();
  cmd->add_option("-t,--token", *token, "A token; minted with your own credentials when omitted");
  cmd->add_option("--store", *store, "Access-entry store (SQLite file) instead of the config's");
  return [path, token, store] {
    auto loaded = LoadServerView(*path, *store);
    if (!loaded) {
      std::cerr << "kubeiam: " << loaded.error().message << "\n";
      return 1;
    }
    std::string t = *token;
    if (t.empty()) {
      auto minted = MintOwnToken(loaded->first, loaded->second);
      if (!minted) {
        std::cerr << "kubeiam: could not get token: " << minted.error().message << "\n";
        return 1;
      }
      t = *minted;
    }
    return Report(loaded->first, *loaded->second.authenticator, t);
  };
}

}  // namespace kubeiam::cli
