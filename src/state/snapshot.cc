#include "state/snapshot.h"

#include <algorithm>

#include "eks/access_entry.h"

namespace kubeiam::state {

const std::vector<eks::AssociatedPolicy>* Snapshot::PoliciesFor(const identity::UserInfo& user) const {
  if (user.backend != identity::kAccessEntry || !access_entries) return nullptr;
  const eks::AccessEntry* e = access_entries->Find(user.mapped_arn);
  return e ? &e->policies : nullptr;
}

std::vector<std::string> BackendOrder(const std::vector<std::string>& configured, eks::AuthenticationMode mode) {
  bool entries = eks::UsesAccessEntries(mode);
  bool listed = std::find(configured.begin(), configured.end(), identity::kAccessEntry) != configured.end();
  std::vector<std::string> out;
  for (const auto& m : configured) {
    if (m == identity::kAccessEntry) {
      if (entries) out.push_back(m);
    } else if (m == identity::kEksConfigMap) {
      if (entries && !listed) out.emplace_back(identity::kAccessEntry);
      if (eks::UsesConfigMap(mode)) out.push_back(m);
    } else {
      out.push_back(m);
    }
  }
  if (entries && std::find(out.begin(), out.end(), identity::kAccessEntry) == out.end()) {
    out.emplace_back(identity::kAccessEntry);
  }
  return out;
}

size_t MappedAdministrators(const std::vector<identity::Backend>& chain, eks::AuthenticationMode mode) {
  size_t n = 0;
  for (const auto& b : chain) {
    bool counts = b.name == identity::kMountedFile || (b.name == identity::kEksConfigMap && eks::UsesConfigMap(mode));
    if (!counts || !b.table) continue;
    for (const auto& r : b.table->roles_in_order()) n += std::count(r.groups.begin(), r.groups.end(), "system:masters");
    for (const auto& u : b.table->users_in_order()) n += std::count(u.groups.begin(), u.groups.end(), "system:masters");
  }
  return n;
}

std::vector<identity::Backend> BuildChain(const std::vector<std::string>& configured, eks::AuthenticationMode mode,
                                          const MappingSources& sources,
                                          const std::function<std::vector<std::string>(std::string_view)>& reserved_prefixes) {
  std::vector<identity::Backend> chain;
  for (const auto& name : BackendOrder(configured, mode)) {
    std::shared_ptr<const identity::MappingTable> t = name == identity::kMountedFile    ? sources.mounted_file
                                                      : name == identity::kEksConfigMap ? sources.aws_auth
                                                      : name == identity::kDynamicFile  ? sources.dynamic_file
                                                      : name == identity::kAccessEntry  ? sources.access_entries
                                                                                        : nullptr;
    if (!t) t = std::make_shared<const identity::MappingTable>();
    chain.push_back({name, std::move(t), reserved_prefixes ? reserved_prefixes(name) : std::vector<std::string>{}});
  }
  return chain;
}

size_t AdministratorsOutsideAwsAuth(const Snapshot& snap) {
  size_t n = MappedAdministrators(snap.chain, eks::AuthenticationMode::kApi);  // MountedFile only
  if (eks::UsesAccessEntries(snap.authentication_mode)) {
    for (const auto& e : snap.access_entries->entries()) n += eks::IsClusterAdmin(e);
  }
  return n;
}

}  // namespace kubeiam::state
