#pragma once
// The Ozon push receiver (design.md: `push: {listen, path, allow, trusted_proxies}`): an HTTP
// server (common/http, Beast) that speaks Ozon's push protocol (swagger push_start, push_types,
// service_response; the pure part is common/push/push.hpp):
//   - TYPE_PING -> 200 {"version","name","time"}, and the store's cursor ("", "push",
//     "last_ping") is set to the time, so a later check can warn when none came for 24 h;
//   - every other message -> 200 {"result":true} once it is in the store's push_inbox
//     (persist, then answer); a retry of the same message (same dedup key) is answered 200 and
//     not stored again; unknown types are stored, logged and answered 200;
//   - errors: 4xx/5xx with {"error":{"code","message","details"}}: 400 for a body that is not
//     JSON or lacks message_type, 403 for a client outside `push.allow` or an unknown
//     seller_id, 404 for another path, 405 for another method, 413 for a body over 64 KB,
//     500 when the store cannot write (Ozon retries).
// The client address is the TCP peer, or X-Forwarded-For's right-most untrusted hop when the
// peer is one of `push.trusted_proxies`. Headers and then the body must each arrive within
// `read_timeout` (5 s): a slow client is cut off; the answer itself never waits for anything
// but one SQLite write. What happens to a push after the answer is `on_push`'s business: it is
// posted to the executor and runs after the handler has returned.
#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/http/server.hpp"
#include "common/push/push.hpp"
#include "common/store.hpp"

namespace ozw::daemon {

// start() could not listen; bad_address(): the configured text is not an address.
class PushListenError : public std::runtime_error {
public:
    PushListenError(const std::string& what, bool bad_address)
        : std::runtime_error(what), bad_address_(bad_address) {}
    bool bad_address() const { return bad_address_; }

private:
    bool bad_address_;
};

struct PushReceiverOptions {
    Millis read_timeout{5000};   // the headers, then the body, each within it
    Millis idle_timeout{15000};  // a kept-alive connection (nginx) with no new request
    std::size_t max_body = 64 * 1024;
    std::size_t max_connections = 64;
    std::string name = "ozonwatch";  // TYPE_PING's "name"
    std::string version;             // TYPE_PING's "version"; empty = the build's version
};

class PushReceiver {
public:
    // The inbox row's id, the account name ("" = not bound to an account), the parsed message.
    // Runs on the executor after the push was answered. Returns true when the consumer marks
    // the row processed itself once it has acted (Runtime::accept_push: when the watches have
    // re-read what it names), false when the receiver should mark it now; when it throws, the
    // row stays unprocessed (replay_unprocessed() offers it again). Without a consumer rows are
    // marked processed at once (nothing else would ever prune them).
    using PushHandler =
        std::function<bool(long long inbox_id, const std::string& account, const push::PushMessage& message)>;
    PushHandler on_push;

    // The store and clock must outlive the receiver; `ex` must be the executor that runs them.
    // Throws PushListenError(bad_address) when push.allow/trusted_proxies do not parse (they
    // were validated at load: only a hand-made Config can get here).
    PushReceiver(boost::asio::any_io_executor ex, const Config& cfg, Store& store, const Clock& clock,
                 PushReceiverOptions options = {});
    ~PushReceiver();
    PushReceiver(const PushReceiver&) = delete;
    PushReceiver& operator=(const PushReceiver&) = delete;

    // Binds and listens (synchronously). Throws PushListenError.
    void start();
    // Closes the listener and every open connection; idempotent, any thread.
    void stop();
    unsigned short port() const;
    std::string base_url() const;

    // Offers every unprocessed inbox row to on_push (after a restart); returns how many.
    std::size_t replay_unprocessed();

    // One request, answered (the server's handler; public for unit tests).
    http::ServerResponse handle(const http::ServerRequest& req);

private:
    // handle() without the counting (ozonwatch_pushes_total): sets the message type once read,
    // and `duplicate` for a retry of a stored push.
    http::ServerResponse answer(const http::ServerRequest& req, std::string& type, bool& duplicate);
    void deliver(long long id, const std::string& account, const push::PushMessage& m);
    void warn_throttled(const std::string& what);

    boost::asio::any_io_executor ex_;
    PushConfig cfg_;
    std::map<std::string, std::string> account_by_client_id_;
    std::vector<push::Cidr> allow_;
    std::vector<push::Cidr> trusted_;
    Store& store_;
    const Clock& clock_;
    PushReceiverOptions options_;
    std::unique_ptr<http::Server> server_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    TimePoint last_warning_{};
    long long suppressed_warnings_ = 0;
};

}  // namespace ozw::daemon
