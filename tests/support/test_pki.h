#pragma once

#include <filesystem>
#include <string>

namespace syncline::testing {

/// A certificate and its key as PEM files (the key's mode 0600).
struct IssuedCertificate {
    std::string cert_file;
    std::string key_file;
};

/// A throwaway PKI made with the openssl command at test time in `dir`: CAs, and certificates they sign, on EC P-256
/// keys valid for two days. Throws std::runtime_error with openssl's output when a command fails.
class TestPki {
  public:
    /// Makes the CA "ca".
    explicit TestPki(std::filesystem::path dir);

    /// A self-signed CA called `name` (its certificate: caFile(name)).
    void makeCa(const std::string& name);
    std::string caFile(const std::string& name = "ca") const;
    /// A certificate for localhost and 127.0.0.1 (a server's; clients may use it too), signed by CA `ca`, written to
    /// `<name>.pem` and `<name>.key` (over what was there).
    IssuedCertificate issue(const std::string& name, const std::string& ca = "ca");

  private:
    std::filesystem::path dir_;
};

}  // namespace syncline::testing
