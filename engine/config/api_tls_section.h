#pragma once

#include <string>
#include <vector>

#include <toml++/toml.h>

#include "engine/config/config.h"

// Internal to engine/config: the [api] tls_* part of load().
namespace syncline::config {

/// Reads the files that [api] tls_cert_file, tls_key_file and tls_ca_file name (relative to the folder of `file`)
/// into `tls`, and appends what is wrong to `issues`: a certificate without its key or the other way round, client
/// certificates without TLS, a file that is missing, unreadable, not a regular file, larger than 1 MiB or without
/// the PEM block it must hold, an encrypted key, and a key file that users other than its owner may read (0600, or
/// 0640 when root owns it). No message holds a file's content. Whether the certificate parses and matches the key is
/// checked where OpenSSL is, by the APIs (app/tls_context.h) and `check-config`.
void readApiTls(const toml::table& root, const std::string& file, ApiTlsConfig& tls, std::vector<ConfigIssue>& issues);

}  // namespace syncline::config
