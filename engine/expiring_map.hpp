#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <unordered_map>
#include <utility>

namespace verity {

/// A bounded map whose entries expire a fixed time after they were last written. When full, the
/// oldest write is dropped first; as every entry lives equally long, that is also the one that
/// would expire first. Not thread-safe: owners lock around it. O(1) per operation.
template <class Key, class Value>
class expiring_map {
public:
  using clock = std::chrono::steady_clock;

  /// A map of at most `capacity` (at least 1) entries, each kept for `ttl` after its write.
  expiring_map(std::size_t capacity, std::chrono::milliseconds ttl)
    : capacity_(capacity == 0 ? 1 : capacity), ttl_(ttl) {
  }

  /// The live value of `key`, or nullptr (an expired entry is dropped on the way).
  Value* find(const Key& key, clock::time_point now) {
    auto found = index_.find(key);
    if (found == index_.end())
      return nullptr;
    if (found->second->expires <= now) {
      entries_.erase(found->second);
      index_.erase(found);
      return nullptr;
    }
    return &found->second->value;
  }

  /// Writes `value` under `key`, restarting its lifetime; drops expired entries and, when
  /// full, the oldest one.
  void put(const Key& key, Value value, clock::time_point now) {
    erase(key);
    drop_expired(now);
    if (entries_.size() >= capacity_)
      drop_oldest();
    entries_.push_front({key, std::move(value), now + ttl_});
    index_.emplace(key, entries_.begin());
  }

  /// Removes `key` if present.
  void erase(const Key& key) {
    auto found = index_.find(key);
    if (found == index_.end())
      return;
    entries_.erase(found->second);
    index_.erase(found);
  }

  /// Entries held, expired ones not yet dropped included.
  std::size_t size() const noexcept { return entries_.size(); }

private:
  struct entry {
    Key key;
    Value value;
    clock::time_point expires;
  };

  void drop_oldest() {
    index_.erase(entries_.back().key);
    entries_.pop_back();
  }

  void drop_expired(clock::time_point now) {
    while (!entries_.empty() && entries_.back().expires <= now)
      drop_oldest();
  }

  std::size_t capacity_;
  std::chrono::milliseconds ttl_;
  std::list<entry> entries_; ///< Newest write first.
  std::unordered_map<Key, typename std::list<entry>::iterator> index_;
};

} // namespace verity
