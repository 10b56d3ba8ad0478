#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

namespace syncline::sync {

/// The keys one pull run has seen, as 64-bit hashes in an open-addressing table: 8 bytes a key at most 70 % full,
/// so a million keys cost about 16 MB. Used to find a key the run already saw (the second occurrence is rejected)
/// and, at the end of a full pull, the stored keys it did not see (deactivated).
///
/// The hash is seeded per run: two keys that collide (odds about n²/2⁶⁵, under 10⁻⁶ at 5M keys) do so in one run
/// only. A collision errs on the safe side: a key is taken as seen, so it is not deactivated, or its row is
/// rejected as a repeat and kept for review. Not thread-safe.
class KeySet {
  public:
    KeySet() : seed_(std::random_device{}() | (std::uint64_t{std::random_device{}()} << 32)) {}

    /// Room for `expected` keys without growing.
    void reserve(std::size_t expected) {
        std::size_t capacity = 16;
        while (capacity * 7 / 10 < expected) {
            capacity *= 2;
        }
        if (capacity > slots_.size()) {
            rehash(capacity);
        }
    }

    /// Adds `key`; false when it was there already.
    bool insert(std::string_view key) { return insertHash(hash(key)); }

    bool contains(std::string_view key) const {
        if (slots_.empty()) {
            return false;
        }
        const std::uint64_t h = hash(key);
        for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
            if (slots_[i] == h) {
                return true;
            }
            if (slots_[i] == kEmpty) {
                return false;
            }
        }
    }

    std::size_t size() const { return size_; }

  private:
    static constexpr std::uint64_t kEmpty = 0;

    std::uint64_t hash(std::string_view key) const {
        std::uint64_t h = 0xcbf29ce484222325ULL ^ seed_;  // FNV-1a from a per-run basis, then a final mix
        for (unsigned char c : key) {
            h ^= c;
            h *= 0x100000001b3ULL;
        }
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 33;
        return h == kEmpty ? 1 : h;
    }

    bool insertHash(std::uint64_t h) {
        if ((size_ + 1) * 10 > slots_.size() * 7) {
            rehash(slots_.empty() ? 1024 : slots_.size() * 2);
        }
        for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
            if (slots_[i] == h) {
                return false;
            }
            if (slots_[i] == kEmpty) {
                slots_[i] = h;
                ++size_;
                return true;
            }
        }
    }

    void rehash(std::size_t capacity) {
        std::vector<std::uint64_t> old(capacity, kEmpty);
        old.swap(slots_);
        mask_ = capacity - 1;
        size_ = 0;
        for (const std::uint64_t h : old) {
            if (h != kEmpty) {
                insertHash(h);
            }
        }
    }

    std::uint64_t seed_;
    std::vector<std::uint64_t> slots_;
    std::size_t mask_ = 0;
    std::size_t size_ = 0;
};

}  // namespace syncline::sync
