#include "engine/audit/row_hash.h"

#include <sodium.h>

#include <stdexcept>

namespace syncline::audit {

const std::string kGenesisHash(64, '0');

namespace {

constexpr std::size_t kBytes = 32;

void ensureSodium() {
    static const bool ready = sodium_init() >= 0;
    if (!ready) {
        throw std::runtime_error("libsodium failed to initialize");
    }
}

void hashField(crypto_generichash_state& state, const std::string& field) {
    const std::string length = std::to_string(field.size()) + ":";
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(length.data()), length.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(field.data()), field.size());
}

// The fields of a row in their fixed order; `key` is null for an unkeyed row, which also leaves out the key id, so
// that rows written before keys existed keep their hashes.
std::string chainHash(const unsigned char* key, const std::string* key_id, const std::string& prev_hash,
                      std::int64_t seq, const std::string& at, const std::string& actor, const std::string& entity,
                      const std::string& record_key, const std::string& action, const std::string& changes) {
    ensureSodium();
    crypto_generichash_state state;
    crypto_generichash_init(&state, key, key == nullptr ? 0 : kBytes, kBytes);
    for (const std::string* f : {&prev_hash, &at, &actor, &entity, &record_key, &action, &changes}) {
        hashField(state, *f);
    }
    hashField(state, std::to_string(seq));
    if (key_id != nullptr) {
        hashField(state, *key_id);
    }
    unsigned char digest[kBytes];
    crypto_generichash_final(&state, digest, kBytes);
    char hex[kBytes * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

}  // namespace

std::string rowHash(const std::string& prev_hash, std::int64_t seq, const std::string& at, const std::string& actor,
                    const std::string& entity, const std::string& key, const std::string& action,
                    const std::string& changes) {
    return chainHash(nullptr, nullptr, prev_hash, seq, at, actor, entity, key, action, changes);
}

AuditKey::AuditKey(const std::string& secret) {
    if (secret.size() < kMinSecretLength) {
        throw std::invalid_argument("the audit key must have at least " + std::to_string(kMinSecretLength) +
                                    " characters");
    }
    ensureSodium();
    // BLAKE2b takes keys of 16 to 64 bytes; the secret is text of any length, so the key is its hash, in a domain of
    // its own.
    static const std::string kDomain = "syncline audit key v1";
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, kBytes);
    hashField(state, kDomain);
    hashField(state, secret);
    crypto_generichash_final(&state, key_.data(), key_.size());
    static const std::string kIdMessage = "syncline audit key id";
    unsigned char id[8];
    crypto_generichash(id, sizeof id, reinterpret_cast<const unsigned char*>(kIdMessage.data()), kIdMessage.size(),
                       key_.data(), key_.size());
    char hex[sizeof id * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, id, sizeof id);
    id_ = hex;
}

std::string AuditKey::rowHash(const std::string& prev_hash, std::int64_t seq, const std::string& at,
                              const std::string& actor, const std::string& entity, const std::string& key,
                              const std::string& action, const std::string& changes) const {
    return chainHash(key_.data(), &id_, prev_hash, seq, at, actor, entity, key, action, changes);
}

}  // namespace syncline::audit
