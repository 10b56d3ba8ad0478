#include "engine/config/api_tls_section.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

namespace syncline::config {

namespace {

namespace fs = std::filesystem;

// Certificate chains and keys are a few KiB; a larger file is a mistake (or not a PEM file at all).
constexpr std::intmax_t kMaxPemBytes = 1024 * 1024;

class TlsSection {
  public:
    TlsSection(const toml::table& root, const std::string& file, std::vector<ConfigIssue>& issues)
        : root_(root), file_(file), issues_(issues) {}

    void read(ApiTlsConfig& tls) {
        tls.cert_file = path("api.tls_cert_file");
        tls.key_file = path("api.tls_key_file");
        tls.ca_file = path("api.tls_ca_file");
        if (tls.cert_file.empty() != tls.key_file.empty()) {
            const std::string set = tls.cert_file.empty() ? "api.tls_key_file" : "api.tls_cert_file";
            issue(set, "api.tls_cert_file and api.tls_key_file go together: set both to serve TLS, or neither");
        }
        if (!tls.ca_file.empty() && (tls.cert_file.empty() || tls.key_file.empty())) {
            issue("api.tls_ca_file",
                  "client certificates are checked in the TLS handshake: set api.tls_cert_file and api.tls_key_file "
                  "too");
        }
        if (!tls.cert_file.empty()) {
            if (auto text = contents("api.tls_cert_file", tls.cert_file)) {
                if (holdsCertificate("api.tls_cert_file", *text) &&
                    text->find("PRIVATE KEY-----") != std::string::npos && tls.cert_file != tls.key_file) {
                    issue("api.tls_cert_file",
                          fmt::format("{} holds a private key too: keep the key in api.tls_key_file only (a "
                                      "certificate file may be readable by anyone, a key file must not)",
                                      tls.cert_file));
                }
                tls.cert_pem = std::move(*text);
            }
        }
        if (!tls.key_file.empty()) {
            if (auto text = contents("api.tls_key_file", tls.key_file); text && keyUsable(tls.key_file, *text)) {
                tls.key_pem = Secret(std::move(*text), "file " + tls.key_file);
            }
        }
        if (!tls.ca_file.empty()) {
            if (auto text = contents("api.tls_ca_file", tls.ca_file);
                text && holdsCertificate("api.tls_ca_file", *text)) {
                tls.ca_pem = std::move(*text);
            }
        }
    }

  private:
    const toml::node* node(const std::string& key) const { return root_.at_path(key).node(); }

    void issue(const std::string& key, std::string message) {
        ConfigIssue out{file_, 0, 0, key, std::move(message)};
        if (const auto* n = node(key)) {
            out.line = static_cast<int>(n->source().begin.line);
            out.column = static_cast<int>(n->source().begin.column);
        }
        issues_.push_back(std::move(out));
    }

    // A path relative to the config file's folder, made absolute ("" when the key is not set).
    std::string path(const std::string& key) const {
        const auto* n = node(key);
        if (n == nullptr || !n->is_string() || n->as_string()->get().empty()) {
            return "";
        }
        const fs::path p(n->as_string()->get());
        return p.is_absolute() ? p.string() : (fs::path(file_).parent_path() / p).lexically_normal().string();
    }

    // The file's text, or nullopt after an issue saying why it cannot be used.
    std::optional<std::string> contents(const std::string& key, const std::string& path) {
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) {
            issue(key, fmt::format("cannot read {}: {}", path, std::strerror(errno)));
            return std::nullopt;
        }
        if (!S_ISREG(st.st_mode)) {
            issue(key, fmt::format("{} is not a regular file", path));
            return std::nullopt;
        }
        if (st.st_size > kMaxPemBytes) {
            issue(key, fmt::format("{} is larger than 1 MiB; a PEM certificate or key is a few KiB", path));
            return std::nullopt;
        }
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            issue(key, fmt::format("cannot read {}: {}", path, std::strerror(errno)));
            return std::nullopt;
        }
        std::ostringstream text;
        text << in.rdbuf();
        mode_ = st.st_mode;
        owner_ = st.st_uid;
        return text.str();
    }

    bool holdsCertificate(const std::string& key, const std::string& text) {
        if (text.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
            issue(key, fmt::format("{} holds no PEM certificate (-----BEGIN CERTIFICATE-----)", path(key)));
            return false;
        }
        return true;
    }

    // Called right after contents() of the key file, whose mode and owner it checks (like PostgreSQL's ssl_key_file).
    bool keyUsable(const std::string& path, const std::string& text) {
        const std::string key = "api.tls_key_file";
        const auto begin = text.find("-----BEGIN ");
        if (begin == std::string::npos || text.find("PRIVATE KEY-----", begin) == std::string::npos) {
            issue(key, fmt::format("{} holds no PEM private key (-----BEGIN PRIVATE KEY-----)", path));
            return false;
        }
        if (text.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string::npos ||
            text.find("Proc-Type: 4,ENCRYPTED") != std::string::npos) {
            issue(key, fmt::format("the key in {} is encrypted with a passphrase, which the daemon cannot ask for: "
                                   "store it unencrypted (openssl pkey -in OLD -out NEW) in a file only the daemon's "
                                   "user can read",
                                   path));
            return false;
        }
        const auto others = mode_ & S_IRWXO;
        const auto group = mode_ & S_IRWXG;
        if (others != 0 || (group & ~S_IRGRP) != 0 || (group != 0 && owner_ != 0)) {
            issue(key, fmt::format("{} may be read by other users (mode {:04o}): make it 0600 (chmod 600), or 0640 "
                                   "owned by root with a group of readers such as ssl-cert",
                                   path, static_cast<unsigned>(mode_ & 07777)));
            return false;
        }
        return true;
    }

    const toml::table& root_;
    const std::string& file_;
    std::vector<ConfigIssue>& issues_;
    mode_t mode_ = 0;
    uid_t owner_ = 0;
};

}  // namespace

void readApiTls(const toml::table& root, const std::string& file, ApiTlsConfig& tls, std::vector<ConfigIssue>& issues) {
    TlsSection(root, file, issues).read(tls);
}

}  // namespace syncline::config
