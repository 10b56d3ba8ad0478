#include "tests/support/test_pki.h"

#include <fstream>
#include <stdexcept>

#include "tests/support/process.h"

namespace syncline::testing {

namespace {

void openssl(const std::vector<std::string>& args) {
    std::vector<std::string> command = {"openssl"};
    command.insert(command.end(), args.begin(), args.end());
    const auto result = runProcess(command);
    if (result.exit_code != 0) {
        throw std::runtime_error("openssl " + args.front() + " failed: " + result.err);
    }
}

}  // namespace

TestPki::TestPki(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::ofstream(dir_ / "leaf.ext") << "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                                        "extendedKeyUsage=serverAuth,clientAuth\n";
    makeCa("ca");
}

void TestPki::makeCa(const std::string& name) {
    const auto base = (dir_ / name).string();
    openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
             base + "-ca.key", "-out", base + "-ca.pem", "-days", "2", "-subj", "/CN=Syncline test CA " + name});
}

std::string TestPki::caFile(const std::string& name) const {
    return (dir_ / (name + "-ca.pem")).string();
}

IssuedCertificate TestPki::issue(const std::string& name, const std::string& ca) {
    const auto base = (dir_ / name).string();
    const auto ca_base = (dir_ / ca).string();
    openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
             base + ".key", "-out", base + ".csr", "-subj", "/CN=localhost"});
    openssl({"x509", "-req", "-in", base + ".csr", "-CA", ca_base + "-ca.pem", "-CAkey", ca_base + "-ca.key",
             "-CAcreateserial", "-days", "2", "-out", base + ".pem", "-extfile", (dir_ / "leaf.ext").string()});
    return {base + ".pem", base + ".key"};
}

}  // namespace syncline::testing
