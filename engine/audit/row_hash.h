#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace syncline::audit {

/// The prev_hash of the first row.
extern const std::string kGenesisHash;

/// The hash of an unkeyed row: BLAKE2b-256 (libsodium crypto_generichash, hex) over its fields and the previous
/// row's hash, each length-prefixed. Anyone can recompute it: it proves the chain unbroken, not who wrote it.
std::string rowHash(const std::string& prev_hash, std::int64_t seq, const std::string& at, const std::string& actor,
                    const std::string& entity, const std::string& key, const std::string& action,
                    const std::string& changes);

/// The audit chain's secret key (config audit.hmac_key_file or audit.hmac_key_env), kept outside the database.
/// With it a row's hash is a keyed BLAKE2b-256 (a MAC) over the same fields and the key's id, which nobody without
/// the key can recompute after editing a row. Immutable; safe to share between threads.
class AuditKey {
  public:
    /// The fewest characters the secret must have (32: e.g. `openssl rand -hex 32` gives 64).
    static constexpr std::size_t kMinSecretLength = 32;

    /// Derives the MAC key from the secret's text. Throws std::invalid_argument (without the secret) when it is
    /// shorter than kMinSecretLength.
    explicit AuditKey(const std::string& secret);

    /// 16 hex digits naming the key: stored with each keyed row, safe to show; it does not reveal the key.
    const std::string& id() const { return id_; }

    /// The keyed hash of a row (hex, 64 digits like rowHash).
    std::string rowHash(const std::string& prev_hash, std::int64_t seq, const std::string& at, const std::string& actor,
                        const std::string& entity, const std::string& key, const std::string& action,
                        const std::string& changes) const;

  private:
    std::array<unsigned char, 32> key_{};
    std::string id_;
};

}  // namespace syncline::audit
