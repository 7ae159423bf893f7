#include "kubeclient/kubeconfig.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "util/encoding.h"
#include "util/file.h"
#include "util/strings.h"

namespace kubeiam::kubeclient {

std::vector<std::string> KubeconfigFiles(const KubeconfigSelection& selection) {
  if (!selection.kubeconfig.empty()) return {selection.kubeconfig};
  if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
    std::vector<std::string> files;
    for (std::string_view f : Split(env, ':')) {
      if (!f.empty()) files.emplace_back(f);
    }
    if (!files.empty()) return files;
  }
  const char* home = std::getenv("HOME");
  return {std::string(home ? home : "") + "/.kube/config"};
}

namespace {

// A named entry (cluster, user or context) with the folder of the file that defined it.
struct Entry {
  YAML::Node body;
  std::string dir;
};

struct Merged {
  std::map<std::string, Entry> clusters, users, contexts;
  std::string current_context;
  size_t files_read = 0;
};

std::string Str(const YAML::Node& n, const char* key) {
  if (!n.IsDefined() || !n.IsMap()) return "";
  YAML::Node v = n[key];
  return v && v.IsScalar() ? v.as<std::string>() : std::string();
}

std::string Resolve(const std::string& path, const std::string& dir) {
  if (path.empty() || path.front() == '/') return path;
  return (std::filesystem::path(dir) / path).lexically_normal().string();
}

void AddNamed(std::map<std::string, Entry>& into, const YAML::Node& list, const char* field, const std::string& dir) {
  if (!list || !list.IsSequence()) return;
  for (const auto& item : list) {
    std::string name = item.IsMap() ? Str(item, "name") : "";
    YAML::Node body = item.IsMap() ? item[field] : YAML::Node();
    if (!name.empty() && !into.count(name)) into[name] = Entry{body.IsDefined() && body.IsMap() ? body : YAML::Node(YAML::NodeType::Map), dir};
  }
}

Status ReadText(Merged& m, const std::string& text, const std::string& file) {
  try {
    YAML::Node doc = YAML::Load(text);
    ++m.files_read;
    if (!doc.IsMap()) return {};
    std::string dir = std::filesystem::path(file).parent_path().string();
    AddNamed(m.clusters, doc["clusters"], "cluster", dir);
    AddNamed(m.users, doc["users"], "user", dir);
    AddNamed(m.contexts, doc["contexts"], "context", dir);
    if (m.current_context.empty()) m.current_context = Str(doc, "current-context");
  } catch (const YAML::Exception& e) {
    return Fail(ErrorCode::kInvalidArgument, "error loading config file \"" + file + "\": line " +
                                                 std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return {};
}

Status ReadInto(Merged& m, const std::string& file, bool must_exist) {
  auto text = ReadFile(file);
  if (!text) {
    if (!must_exist && text.error().code == ErrorCode::kNotFound) return {};
    return std::unexpected(text.error());
  }
  return ReadText(m, *text, file);
}

Result<std::string> Pem(const YAML::Node& n, const char* key, const std::string& where) {
  std::string data = Str(n, key);
  if (data.empty()) return std::string();
  auto pem = Base64Decode(data);
  if (!pem) return Fail(ErrorCode::kInvalidArgument, where + ": " + key + " is not valid base64");
  return *pem;
}

Status ReadCluster(KubeContext& c, const Entry& e) {
  std::string where = "cluster \"" + c.cluster_name + "\"";
  c.server = Str(e.body, "server");
  if (c.server.empty()) return Fail(ErrorCode::kInvalidArgument, "no server found for cluster \"" + c.cluster_name + "\"");
  // Accepted only if the user asks too (LoadKubeContext).
  if (Str(e.body, "insecure-skip-tls-verify") == "true") c.peer = http::PeerVerification::kSkipped;
  c.ca_file = Resolve(Str(e.body, "certificate-authority"), e.dir);
  auto ca = Pem(e.body, "certificate-authority-data", where);
  if (!ca) return std::unexpected(ca.error());
  c.ca_pem = *ca;
  return {};
}

Result<ExecPlugin> ReadExec(const YAML::Node& n, const std::string& where) {
  ExecPlugin p{Str(n, "apiVersion"), Str(n, "command"), {}, {}};
  if (p.command.empty()) return Fail(ErrorCode::kInvalidArgument, where + ": exec.command is required");
  if (p.api_version.empty()) return Fail(ErrorCode::kInvalidArgument, where + ": exec.apiVersion is required");
  YAML::Node args = n["args"], env = n["env"];
  if ((args && !args.IsSequence()) || (env && !env.IsSequence())) {
    return Fail(ErrorCode::kInvalidArgument, where + ": exec.args and exec.env must be lists");
  }
  for (const auto& a : args) {
    if (!a.IsScalar()) return Fail(ErrorCode::kInvalidArgument, where + ": exec.args must be strings");
    p.args.push_back(a.Scalar());
  }
  for (const auto& v : env) p.env.emplace_back(Str(v, "name"), Str(v, "value"));
  return p;
}

Status ReadUser(KubeContext& c, const Entry& e) {
  std::string where = "user \"" + c.user_name + "\"";
  c.token = Str(e.body, "token");
  c.token_file = Resolve(Str(e.body, "tokenFile"), e.dir);
  c.cert_file = Resolve(Str(e.body, "client-certificate"), e.dir);
  c.key_file = Resolve(Str(e.body, "client-key"), e.dir);
  for (auto [key, into] : {std::pair{"client-certificate-data", &c.cert_pem}, std::pair{"client-key-data", &c.key_pem}}) {
    auto pem = Pem(e.body, key, where);
    if (!pem) return std::unexpected(pem.error());
    *into = *pem;
  }
  if ((c.cert_file.empty() && c.cert_pem.empty()) != (c.key_file.empty() && c.key_pem.empty())) {
    return Fail(ErrorCode::kInvalidArgument, where + ": client-certificate and client-key go together");
  }
  if (YAML::Node exec = e.body["exec"]; exec && exec.IsMap()) {
    auto p = ReadExec(exec, where);
    if (!p) return std::unexpected(p.error());
    c.exec = std::move(*p);
  }
  return {};
}

Result<KubeContext> Resolve(const Merged& m, const std::string& wanted) {
  std::string name = wanted.empty() ? m.current_context : wanted;
  if (name.empty()) return Fail(ErrorCode::kNotFound, "current-context is not set and no --context was given");
  auto ctx = m.contexts.find(name);
  if (ctx == m.contexts.end()) return Fail(ErrorCode::kNotFound, "context \"" + name + "\" does not exist");
  KubeContext c;
  c.context_name = name;
  c.cluster_name = Str(ctx->second.body, "cluster");
  c.user_name = Str(ctx->second.body, "user");
  if (std::string ns = Str(ctx->second.body, "namespace"); !ns.empty()) c.namespace_name = ns;
  auto cluster = m.clusters.find(c.cluster_name);
  if (cluster == m.clusters.end()) return Fail(ErrorCode::kNotFound, "cluster \"" + c.cluster_name + "\" does not exist");
  if (auto ok = ReadCluster(c, cluster->second); !ok) return std::unexpected(ok.error());
  if (auto user = m.users.find(c.user_name); user != m.users.end()) {
    if (auto ok = ReadUser(c, user->second); !ok) return std::unexpected(ok.error());
  }
  return c;
}

Result<Merged> ReadAll(const KubeconfigSelection& selection) {
  Merged m;
  for (const auto& file : KubeconfigFiles(selection)) {
    if (auto ok = ReadInto(m, file, !selection.kubeconfig.empty()); !ok) return std::unexpected(ok.error());
  }
  if (m.files_read == 0) {
    return Fail(ErrorCode::kNotFound, "no kubeconfig found (give --kubeconfig or set KUBECONFIG)");
  }
  return m;
}

// Resolve, with any YAML surprise in an entry's shape turned into an error.
Result<KubeContext> ResolveChecked(const Merged& m, const std::string& wanted) {
  try {
    return Resolve(m, wanted);
  } catch (const YAML::Exception& e) {
    return Fail(ErrorCode::kInvalidArgument, "kubeconfig: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

bool NamesCluster(const std::string& entry, const std::string& cluster_name) {
  return entry == cluster_name || entry.ends_with(":cluster/" + cluster_name);
}

// The context as the user's --insecure-skip-tls-verify (or its absence) allows it.
Result<KubeContext> PeerAsAsked(KubeContext c, http::PeerVerification asked) {
  if (asked == http::PeerVerification::kSkipped) {
    c.peer = asked;
    c.ca_file.clear();
    c.ca_pem.clear();
  } else if (c.peer == http::PeerVerification::kSkipped) {
    return Fail(ErrorCode::kInvalidArgument, "cluster \"" + c.cluster_name +
                                                 "\": insecure-skip-tls-verify is refused: give the cluster's "
                                                 "certificate-authority, or accept it with --insecure-skip-tls-verify");
  }
  return c;
}

}  // namespace

Result<std::string> ContextForCluster(const KubeconfigSelection& selection, const std::string& cluster_name) {
  auto m = ReadAll(selection);
  if (!m) return std::unexpected(m.error());
  std::vector<std::string> matching;
  for (const auto& [name, entry] : m->contexts) {
    if (NamesCluster(Str(entry.body, "cluster"), cluster_name)) matching.push_back(name);
  }
  if (std::find(matching.begin(), matching.end(), m->current_context) != matching.end()) return m->current_context;
  if (matching.size() == 1) return matching.front();
  if (matching.empty()) {
    return Fail(ErrorCode::kNotFound, "no context of the kubeconfig reaches cluster \"" + cluster_name +
                                          "\" (run aws eks update-kubeconfig --name " + cluster_name + ")");
  }
  return Fail(ErrorCode::kInvalidArgument, std::to_string(matching.size()) + " contexts reach cluster \"" +
                                               cluster_name + "\" (" + Join(matching, ", ") +
                                               "): choose one with --context");
}

Result<KubeContext> KubeContextFromText(const std::string& text, const std::string& context) {
  Merged m;
  if (auto ok = ReadText(m, text, "kubeconfig"); !ok) return std::unexpected(ok.error());
  auto c = ResolveChecked(m, context);
  if (!c) return c;
  return PeerAsAsked(std::move(*c), http::PeerVerification::kRequired);
}

Result<KubeContext> InClusterContext(const std::string& dir) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (!host || !*host || !port || !*port) {
    return Fail(ErrorCode::kNotFound, "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set");
  }
  std::error_code ec;
  if (!std::filesystem::exists(dir + "/token", ec)) {
    return Fail(ErrorCode::kNotFound, "in-cluster: no service account token at " + dir + "/token");
  }
  KubeContext c;
  c.context_name = "in-cluster";
  c.cluster_name = "in-cluster";
  c.user_name = "service account";
  std::string h = host;
  c.server = "https://" + (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" + port;  // IPv6 in brackets
  c.ca_file = dir + "/ca.crt";
  c.token_file = dir + "/token";
  if (auto ns = ReadFile(dir + "/namespace", 4096); ns && !Trim(*ns).empty()) c.namespace_name = std::string(Trim(*ns));
  return c;
}

Result<KubeContext> LoadKubeContext(const KubeconfigSelection& selection) {
  auto m = ReadAll(selection);
  bool no_file = !m && m.error().code == ErrorCode::kNotFound && selection.kubeconfig.empty();
  if (no_file && selection.context.empty() && std::getenv("KUBERNETES_SERVICE_HOST")) return InClusterContext();
  if (!m) return std::unexpected(m.error());
  auto c = ResolveChecked(*m, selection.context);
  if (!c) return c;
  return PeerAsAsked(std::move(*c), selection.peer);
}

std::optional<EksClusterHint> EksClusterOf(const KubeContext& context) {
  if (!context.exec) return std::nullopt;
  const auto& args = context.exec->args;
  std::string program = std::filesystem::path(context.exec->command).filename().string();
  auto value_of = [&](std::initializer_list<std::string_view> flags) -> std::string {
    for (size_t i = 0; i < args.size(); ++i) {
      for (auto flag : flags) {
        if (args[i] == flag && i + 1 < args.size()) return args[i + 1];
        if (args[i].starts_with(std::string(flag) + "=")) return args[i].substr(flag.size() + 1);
      }
    }
    return "";
  };
  bool aws = program == "aws" && std::find(args.begin(), args.end(), "get-token") != args.end();
  bool token = (program == "kubeiam" || program == "aws-iam-authenticator") &&
               std::find(args.begin(), args.end(), "token") != args.end();
  if (!aws && !token) return std::nullopt;
  std::string name = aws ? value_of({"--cluster-name"}) : value_of({"-i", "--cluster-id", "--cluster-name"});
  if (name.empty()) return std::nullopt;
  return EksClusterHint{name, value_of({"--region"})};
}

}  // namespace kubeiam::kubeclient
