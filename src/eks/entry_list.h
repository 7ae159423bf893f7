// A list of access entries whose copies are cheap: entries are shared immutable nodes, and a
// copy shares them until one of its entries is changed (copy on write). ClusterAccess holds one,
// so a store can keep the current state, give each write a copy to edit at the cost of a
// pointer per entry, and tell which entries the write changed by comparing nodes.
#pragma once

#include <iterator>
#include <memory>
#include <vector>

#include "eks/access_entry.h"

namespace kubeiam::eks {

class EntryList {
 public:
  using Node = std::shared_ptr<const AccessEntry>;

  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = AccessEntry;
    using difference_type = std::ptrdiff_t;
    using pointer = const AccessEntry*;
    using reference = const AccessEntry&;
    const_iterator() = default;
    explicit const_iterator(std::vector<Node>::const_iterator it) : it_(it) {}
    reference operator*() const { return **it_; }
    pointer operator->() const { return it_->get(); }
    const_iterator& operator++() { ++it_; return *this; }
    const_iterator operator++(int) { auto old = *this; ++it_; return old; }
    const_iterator& operator--() { --it_; return *this; }
    const_iterator& operator+=(difference_type n) { it_ += n; return *this; }
    const_iterator operator+(difference_type n) const { return const_iterator(it_ + n); }
    difference_type operator-(const const_iterator& o) const { return it_ - o.it_; }
    reference operator[](difference_type n) const { return *it_[n]; }
    auto operator<=>(const const_iterator&) const = default;
    std::vector<Node>::const_iterator base() const { return it_; }

   private:
    std::vector<Node>::const_iterator it_;
  };

  EntryList() = default;
  EntryList(std::vector<AccessEntry> entries) {  // NOLINT: a vector of entries is a list of them
    for (auto& e : entries) push_back(std::move(e));
  }

  size_t size() const { return nodes_.size(); }
  bool empty() const { return nodes_.empty(); }
  const AccessEntry& operator[](size_t i) const { return *nodes_[i]; }
  const_iterator begin() const { return const_iterator(nodes_.begin()); }
  const_iterator end() const { return const_iterator(nodes_.end()); }
  const Node& node(size_t i) const { return nodes_[i]; }

  void push_back(AccessEntry e) { nodes_.push_back(std::make_shared<const AccessEntry>(std::move(e))); }
  void push_back(Node n) { nodes_.push_back(std::move(n)); }
  void Set(size_t i, Node n) { nodes_[i] = std::move(n); }
  void erase(const_iterator it) { nodes_.erase(nodes_.begin() + (it - begin())); }
  // The entry at `i`, to edit: a node other lists share is copied first.
  AccessEntry& Mutable(size_t i) {
    if (nodes_[i].use_count() > 1) nodes_[i] = std::make_shared<const AccessEntry>(*nodes_[i]);
    return const_cast<AccessEntry&>(*nodes_[i]);
  }

 private:
  std::vector<Node> nodes_;
};

}  // namespace kubeiam::eks
