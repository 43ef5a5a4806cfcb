#pragma once
// Email notifier over libcurl SMTP: smtps:// (implicit TLS) or smtp:// with STARTTLS required
// (CURLUSESSL_ALL), AUTH when a username is set, multipart/alternative text + HTML, RFC 2047
// subject, Date and Message-ID, several recipients, one mail per message.
// The blocking curl transfer runs on a private one-thread pool so the io_context thread
// never blocks; the coroutine resumes on its own executor when the transfer ends.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "alerts/notifier.hpp"
#include "common/clock.hpp"
#include "common/config.hpp"

namespace ozw::alerts {

// RFC 2047 B-encoding of a header value: ASCII-only input is returned unchanged; otherwise
// "=?UTF-8?B?...?=" words of at most 75 characters each, never splitting a UTF-8 character,
// joined by "\r\n ".
std::string rfc2047_encode(std::string_view value);

// "Thu, 26 Nov 2026 07:00:00 +0000" (RFC 5322 date-time, UTC).
std::string rfc5322_date(TimePoint t);

// The complete message as uploaded over SMTP (CRLF line ends): From, To, Subject (RFC 2047),
// Date, Message-ID, MIME-Version, then multipart/alternative with a text/plain and a text/html
// part, both UTF-8 base64. We build it ourselves (not curl_mime) so that the top level is
// multipart/alternative and the exact bytes are testable.
std::string build_email(const EmailConfig& cfg, const RenderedMessage& msg, TimePoint now,
                        const std::string& message_id);

class EmailNotifier final : public Notifier {
public:
    EmailNotifier(const EmailConfig& cfg, const Clock& clock, Millis timeout = Millis{30000});
    ~EmailNotifier() override;
    std::string channel() const override { return "email"; }
    boost::asio::awaitable<SendResult> send(const RenderedMessage& msg) override;

    // The blocking transfer itself (what send() runs on the pool).
    SendResult send_blocking(const RenderedMessage& msg);
    // Connects, greets, secures and logs in (curl's connect-only mode), sends no mail.
    bool can_probe() const override { return true; }
    boost::asio::awaitable<SendResult> probe() override;
    SendResult probe_blocking();

private:
    // Runs `work` on the pool; whatever it throws comes back as a retryable failure.
    boost::asio::awaitable<SendResult> on_pool(std::function<SendResult()> work);
    // The session options shared by a send and a probe: URL, TLS required and verified,
    // login, timeouts.
    void set_session_options(void* curl, char* errbuf) const;
    // A failed transfer, classified; the password never appears in the text.
    SendResult classify(int curl_code, long smtp_code, const char* errbuf) const;
    struct Pool;
    EmailConfig cfg_;
    const Clock& clock_;
    Millis timeout_;
    std::unique_ptr<Pool> pool_;
};

}  // namespace ozw::alerts
