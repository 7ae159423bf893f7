// kubeiam store migrate --from STORE --to STORE [--cluster-name NAME] [--replace]
// kubeiam store backup --from STORE -f FILE [--cluster-name NAME]
// kubeiam store restore -f FILE --to STORE [--replace]
// A STORE is sqlite:PATH, etcd:URL[,URL...] (keys under --etcd-prefix), or config:FILE (the store
// a kubeiam config names, with its TLS material and etcd user). Everything kubeiam keeps is
// copied: access entries, the cluster's access config, and the Kubernetes objects of the front,
// for one cluster or (by default) every cluster in the store, in the order it was written.
#include <iostream>

#include "cli/commands.h"
#include "config/config.h"
#include "server/startup.h"
#include "store/access_keys.h"
#include "store/etcd_kv.h"
#include "store/sqlite_kv.h"
#include "store/state_transfer.h"
#include "util/file.h"
#include "util/strings.h"

namespace kubeiam::cli {
namespace {

struct Options {
  std::string op, from, to, file, cluster, etcd_prefix = "/kubeiam/";
  bool replace = false;
};

// etcd:URL[,URL...]: the endpoints, empty ones skipped.
std::vector<std::string> Endpoints(const std::string& list) {
  std::vector<std::string> out;
  for (auto url : Split(list, ',')) {
    if (!url.empty()) out.emplace_back(url);
  }
  return out;
}

Result<std::shared_ptr<store::KvStore>> OpenStoreSpec(const std::string& spec, const Options& o, const char* flag) {
  auto kind_end = spec.find(':');
  std::string kind = spec.substr(0, kind_end), rest = kind_end == std::string::npos ? "" : spec.substr(kind_end + 1);
  if (kind_end == std::string::npos || rest.empty() || (kind != "sqlite" && kind != "etcd" && kind != "config")) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(flag) + ": must be sqlite:PATH, etcd:URL[,URL...] or config:FILE (got \"" + spec + "\")");
  }
  if (kind == "sqlite") {
    auto kv = store::SqliteKv::Open(rest);
    if (!kv) return std::unexpected(kv.error().Wrap(flag));
    return std::shared_ptr<store::KvStore>(*kv);
  }
  if (kind == "etcd") {
    auto kv = store::EtcdKv::Open({Endpoints(rest), o.etcd_prefix});
    if (!kv) return std::unexpected(kv.error().Wrap(flag));
    return std::shared_ptr<store::KvStore>(*kv);
  }
  auto cfg = config::LoadConfig(rest);
  if (!cfg) return std::unexpected(cfg.error().Wrap(flag));
  auto kv = server::OpenKv(*cfg);
  if (!kv) return std::unexpected(kv.error().Wrap(flag));
  return kv;
}

std::string Prefix(const Options& o) { return o.cluster.empty() ? store::ClustersPrefix() : store::ClusterPrefix(o.cluster); }

Status Migrate(const Options& o) {
  auto from = OpenStoreSpec(o.from, o, "--from");
  if (!from) return std::unexpected(from.error());
  auto to = OpenStoreSpec(o.to, o, "--to");
  if (!to) return std::unexpected(to.error());
  auto dump = store::DumpState(**from, Prefix(o));
  if (!dump) return std::unexpected(dump.error().Wrap("reading " + o.from));
  auto written = store::LoadState(**to, *dump, o.replace ? store::ExistingKeys::kReplace : store::ExistingKeys::kRefuse);
  if (!written) return std::unexpected(written.error().Wrap("writing " + o.to));
  std::cout << "copied " << *written << " keys under " << dump->prefix << " (revision " << dump->revision << " of " << o.from
            << ") to " << o.to << "\n";
  return {};
}

Status Backup(const Options& o) {
  auto from = OpenStoreSpec(o.from, o, "--from");
  if (!from) return std::unexpected(from.error());
  auto dump = store::DumpState(**from, Prefix(o));
  if (!dump) return std::unexpected(dump.error().Wrap("reading " + o.from));
  std::string text = store::EncodeBackup(*dump);
  if (o.file == "-") {
    std::cout << text;
    return {};
  }
  if (auto ok = WriteFileAtomic(o.file, text, 0600); !ok) return ok;
  std::cerr << "backed up " << dump->kvs.size() << " keys under " << dump->prefix << " (revision " << dump->revision << ") to "
            << o.file << "\n";
  return {};
}

Status Restore(const Options& o) {
  auto text = ReadFile(o.file, 1u << 30);
  if (!text) return std::unexpected(text.error());
  auto dump = store::DecodeBackup(*text);
  if (!dump) return std::unexpected(dump.error().Wrap(o.file));
  // A restore touches kubeiam's keys only, whatever the file says (--replace deletes the prefix).
  if (!dump->prefix.starts_with(store::ClustersPrefix())) {
    return Fail(ErrorCode::kInvalidArgument, o.file + ": prefix: must start with " + store::ClustersPrefix());
  }
  auto to = OpenStoreSpec(o.to, o, "--to");
  if (!to) return std::unexpected(to.error());
  auto written = store::LoadState(**to, *dump, o.replace ? store::ExistingKeys::kReplace : store::ExistingKeys::kRefuse);
  if (!written) return std::unexpected(written.error().Wrap("writing " + o.to));
  std::cout << "restored " << *written << " keys under " << dump->prefix << " to " << o.to << "\n";
  return {};
}

int Run(const Options& o) {
  Status done = o.op == "migrate" ? Migrate(o) : o.op == "backup" ? Backup(o) : Restore(o);
  if (done) return 0;
  std::cerr << "kubeiam: " << done.error().message << "\n";
  return 1;
}

}  // namespace

Runner AddStoreCommand(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("store", "Copy kubeiam's state between stores (SQLite, etcd) and to and from backup files");
  cmd->require_subcommand(1);
  const char* kStoreHelp = "sqlite:PATH, etcd:URL[,URL...] or config:FILE";
  auto* migrate = cmd->add_subcommand("migrate", "Copy the state from one store to another, in the order it was written");
  migrate->add_option("--from", o->from, kStoreHelp)->required();
  migrate->add_option("--to", o->to, kStoreHelp)->required();
  auto* backup = cmd->add_subcommand("backup", "Write the state to a JSON file (0600)");
  backup->add_option("--from", o->from, kStoreHelp)->required();
  backup->add_option("-f,--file", o->file, "The backup file (- for stdout)")->required();
  auto* restore = cmd->add_subcommand("restore", "Write a backup file's state into a store");
  restore->add_option("-f,--file", o->file, "The backup file")->required();
  restore->add_option("--to", o->to, kStoreHelp)->required();
  for (auto* sub : {migrate, backup, restore}) {
    sub->callback([o, name = sub->get_name()] { o->op = name; });
    sub->add_option("--etcd-prefix", o->etcd_prefix, "Key prefix for etcd: stores (default /kubeiam/, as store.etcd.prefix)");
    if (sub != restore) sub->add_option("--cluster-name", o->cluster, "Only this cluster (default: every cluster in the store)");
    if (sub != backup) sub->add_flag("--replace", o->replace, "Overwrite the keys the target already holds (default: refuse)");
  }
  return [o] { return Run(*o); };
}

}  // namespace kubeiam::cli
