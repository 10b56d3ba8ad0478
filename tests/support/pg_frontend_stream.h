#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace syncline::testing {

/// Frames the client→server byte stream of one PostgreSQL connection into frontend messages, for TcpProxy: the
/// untyped startup packet, SSLRequest/GSSENCRequest and the server's one-byte answer, then type byte + int32 length.
/// It finds where a COMMIT ends: a simple Query whose text is COMMIT / COMMIT WORK / COMMIT TRANSACTION /
/// END [WORK|TRANSACTION] (any case, trimmed, optional ';'), or such a statement run with the extended protocol
/// (Parse … Execute … Sync, the COMMIT ending with the Sync). After the server accepted TLS or GSS encryption, after
/// a CancelRequest or a malformed length the stream is opaque: bytes are consumed without a look.
///
/// Not thread-safe; one per connection, fed by the thread that reads the client.
class PgFrontendStream {
  public:
    /// Consumes `data` up to the end of the next COMMIT (then `commit` is true) or to its end; returns how many
    /// bytes it consumed. A line per complete message goes to `log` (see TcpProxy::clientMessages()).
    std::size_t feed(const char* data, std::size_t size, bool& commit, std::vector<std::string>& log);

    /// True after an SSLRequest / GSSENCRequest until the server's answer is passed to encryptionAnswer().
    bool awaitingEncryptionAnswer() const { return mode_ == Mode::AwaitingEncryptionAnswer; }

    /// The server's one-byte answer to SSLRequest / GSSENCRequest: 'N' goes on with a startup packet, anything else
    /// ('S', 'G': encryption follows) makes the stream opaque.
    void encryptionAnswer(char answer) { mode_ = answer == 'N' ? Mode::Startup : Mode::Opaque; }

  private:
    enum class Mode { Startup, AwaitingEncryptionAnswer, Messages, Opaque };

    /// Handles the message in header_/body_; true when it ends a COMMIT.
    bool finishMessage(std::vector<std::string>& log);
    /// The startup packet, SSLRequest, GSSENCRequest or CancelRequest in body_.
    void finishStartup(std::vector<std::string>& log);

    Mode mode_ = Mode::Startup;
    std::string header_;              ///< the header bytes of the current message read so far
    std::string body_;                ///< its first body bytes (up to a limit), to look at
    std::size_t body_remaining_ = 0;  ///< body bytes still to come
    bool in_body_ = false;
    bool truncated_ = false;                  ///< the body was longer than what is kept
    std::map<std::string, bool> statements_;  ///< prepared statement name -> its SQL is a COMMIT
    std::map<std::string, bool> portals_;     ///< portal name -> bound to a COMMIT statement
    bool commit_executed_ = false;            ///< an Execute of a COMMIT portal since the last Sync
};

}  // namespace syncline::testing
