#include "store/kv.h"

namespace kubeiam::store {

std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(end.back());
    if (last < 0xff) {
      ++last;
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');  // every key: the prefix was empty or all 0xff
}

bool InRange(std::string_view key, std::string_view from, std::string_view range_end) {
  if (range_end.empty()) return key == from;
  if (key < from) return false;
  return range_end == std::string_view("\0", 1) || key < range_end;
}

Operation Put(std::string key, std::string value) {
  return {Operation::Kind::kPut, std::move(key), std::move(value), {}};
}

Operation Delete(std::string key) { return {Operation::Kind::kDelete, std::move(key), {}, {}}; }

Compare ModRevisionIs(std::string key, int64_t revision) {
  return {std::move(key), Compare::Target::kModRevision, Compare::Relation::kEqual, revision, {}};
}

Status CheckTxnLimits(const TxnRequest& request) {
  size_t bytes = 0;
  for (const auto* ops : {&request.success, &request.failure}) {
    if (ops->size() > kMaxTxnOps) {
      return Fail(ErrorCode::kInvalidArgument, "too many operations in a transaction: " + std::to_string(ops->size()) +
                                                   " (limit " + std::to_string(kMaxTxnOps) + ")");
    }
    for (const auto& op : *ops) bytes += op.key.size() + op.value.size();
  }
  for (const auto& c : request.compares) bytes += c.key.size() + c.value.size();
  if (bytes > kMaxRequestBytes) {
    return Fail(ErrorCode::kInvalidArgument, "request is too large: " + std::to_string(bytes) + " bytes (limit " +
                                                 std::to_string(kMaxRequestBytes) + ")");
  }
  return {};
}

}  // namespace kubeiam::store
