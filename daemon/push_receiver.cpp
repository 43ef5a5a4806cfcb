// GCC 12 reports a false -Wmismatched-new-delete on asio coroutine frames.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include "daemon/push_receiver.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

#include <chrono>

#include "common/http/text.hpp"
#include "common/logging.hpp"
#include "common/metrics.hpp"
#include "common/time.hpp"
#include "daemon/metrics_endpoint.hpp"  // build_version()

namespace ozw::daemon {

namespace asio = boost::asio;

namespace {

constexpr const char* kLogger = "push";

asio::awaitable<http::ServerResponse> ready(http::ServerResponse r) { co_return r; }

http::ServerResponse error(int status, std::string_view code, std::string_view message,
                           std::optional<std::string> details = std::nullopt) {
    return http::ServerResponse::json(status, push::error_response(code, message, std::move(details)));
}

std::vector<push::Cidr> parse_all(const std::vector<std::string>& texts, const char* key) {
    std::vector<push::Cidr> out;
    for (const auto& t : texts) {
        try {
            out.push_back(push::parse_cidr(t));
        } catch (const std::invalid_argument& e) {
            throw PushListenError(std::string("push.") + key + ": " + e.what(), true);
        }
    }
    return out;
}

std::string trim_copy(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
    std::size_t i = 0;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    return s.substr(i);
}

}  // namespace

PushReceiver::PushReceiver(asio::any_io_executor ex, const Config& cfg, Store& store, const Clock& clock,
                           PushReceiverOptions options)
    : ex_(ex), cfg_(cfg.push), store_(store), clock_(clock), options_(std::move(options)) {
    if (options_.version.empty()) options_.version = build_version();
    for (const auto& a : cfg.accounts) account_by_client_id_[trim_copy(a.client_id)] = a.name;
    allow_ = parse_all(cfg_.allow, "allow");
    trusted_ = parse_all(cfg_.trusted_proxies, "trusted_proxies");
    http::ServerOptions o;
    o.listen = cfg_.listen;
    o.tls_cert_file = cfg_.tls_cert_file;
    o.tls_key_file = cfg_.tls_key_file;
    o.read_timeout = options_.read_timeout;
    o.idle_timeout = options_.idle_timeout;
    o.max_body = options_.max_body;
    o.max_connections = options_.max_connections;
    o.too_large_body = push::error_response(
        push::kErrorUnknown, "the body is larger than " + std::to_string(options_.max_body) + " bytes");
    server_ = std::make_unique<http::Server>(std::move(ex), std::move(o),
                                             [this](const http::ServerRequest& req) { return ready(handle(req)); });
}

PushReceiver::~PushReceiver() {
    *alive_ = false;
    stop();
}

void PushReceiver::start() {
    std::string host;
    try {
        host = http::split_host_port(cfg_.listen).first;
    } catch (const std::invalid_argument& e) {
        throw PushListenError(std::string("push.listen: ") + e.what(), true);
    }
    boost::system::error_code ec;
    asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
    if (ec) throw PushListenError("push.listen: '" + host + "' is not an IP address (" + cfg_.listen + ")", true);
    try {
        server_->start();
    } catch (const std::exception& e) {
        throw PushListenError(std::string("push: ") + e.what() +
                                  " (is another ozonwatch running? set push.listen to a free port, or "
                                  "push: {enabled: false})",
                              false);
    }
    log::get(kLogger)->info("push: receiving Ozon push notifications at {}{} ({} allowed network(s), "
                            "X-Forwarded-For from {} trusted prox(ies))",
                            server_->base_url(), cfg_.path, allow_.size(), trusted_.size());
}

void PushReceiver::stop() {
    if (server_) server_->stop();
}

unsigned short PushReceiver::port() const { return server_->port(); }
std::string PushReceiver::base_url() const { return server_->base_url(); }

void PushReceiver::warn_throttled(const std::string& what) {
    // A scan or a flood from outside must not flood the log: one line a minute, with a count.
    const TimePoint now = clock_.now();
    if (last_warning_ != TimePoint{} && now - last_warning_ < std::chrono::minutes(1)) {
        ++suppressed_warnings_;
        return;
    }
    auto lg = log::get(kLogger);
    if (suppressed_warnings_ > 0)
        lg->warn("push: {} ({} similar refusal(s) not logged in the last minute)", what, suppressed_warnings_);
    else
        lg->warn("push: {}", what);
    last_warning_ = now;
    suppressed_warnings_ = 0;
}

http::ServerResponse PushReceiver::handle(const http::ServerRequest& req) {
    std::string type = "-";
    bool duplicate = false;
    http::ServerResponse r = answer(req, type, duplicate);
    metrics::families::pushes().with({type, std::to_string(r.status) + (duplicate ? "_duplicate" : "")}).inc();
    return r;
}

http::ServerResponse PushReceiver::answer(const http::ServerRequest& req, std::string& type, bool& duplicate) {
    auto lg = log::get(kLogger);
    const TimePoint started = clock_.now();
    // Who is asking: only Ozon's networks (or what push.allow says).
    auto peer = push::parse_peer(req.remote);
    if (!peer) {
        warn_throttled("refused a request from an unknown peer address '" + req.remote + "'");
        return error(403, push::kErrorUnknown, "forbidden");
    }
    std::vector<std::string> forwarded;
    for (const auto& [name, value] : req.headers)
        if (http::iequals(name, "X-Forwarded-For")) forwarded.push_back(value);
    auto client = push::client_address(*peer, forwarded, trusted_);
    if (!client) {
        warn_throttled("refused a request from " + peer->to_string() + ": X-Forwarded-For is not a list of addresses");
        return error(403, push::kErrorUnknown, "forbidden", std::string("cannot tell the client address"));
    }
    if (!push::contains_any(allow_, client->address)) {
        warn_throttled("refused a request from " + client->address.to_string() +
                       (client->forwarded ? " (X-Forwarded-For via " + peer->to_string() + ")" : std::string()) +
                       ": not in push.allow");
        return error(403, push::kErrorUnknown, "forbidden");
    }
    if (req.path != cfg_.path) return error(404, push::kErrorUnknown, "not found");
    if (req.method != "POST") {
        auto r = error(405, push::kErrorUnknown, "method not allowed: use POST");
        r.headers.emplace_back("Allow", "POST");
        return r;
    }

    push::ParseResult parsed = push::parse(req.body);
    if (!parsed.message) {
        lg->warn("push: refused a malformed notification from {}: {}", client->address.to_string(), parsed.error);
        return error(400, parsed.error_code, parsed.error);
    }
    const push::PushMessage& m = *parsed.message;
    // Types outside the spec's list are one label: the label set stays bounded.
    type = m.known_type ? m.message_type : "other";

    if (m.message_type == push::kPing) {
        try {
            store_.set_cursor("", "push", "last_ping", format_iso8601(started), started);
        } catch (const std::exception& e) {
            lg->error("push: cannot record TYPE_PING: {}", e.what());
            return error(500, push::kErrorUnknown, "cannot record the notification, retry later");
        }
        lg->debug("push: TYPE_PING from {}", client->address.to_string());
        return http::ServerResponse::json(200, push::ping_response(options_.version, options_.name, started));
    }

    std::string account;
    if (m.seller_id) {
        auto it = account_by_client_id_.find(*m.seller_id);
        if (it == account_by_client_id_.end()) {
            lg->warn("push: refused {} for seller_id {}: no account has that client_id", m.message_type, *m.seller_id);
            return error(403, push::kErrorUnknown, "unknown seller_id", *m.seller_id);
        }
        account = it->second;
    } else if (m.known_type && !push::type_without_seller(m.message_type)) {
        lg->warn("push: refused {} without seller_id", m.message_type);
        return error(400, push::kErrorParameterValueMissed, "seller_id is missing");
    }
    if (!m.known_type)
        lg->info("push: unknown message type {} (account '{}'): stored and answered 200", m.message_type, account);

    long long id = 0;
    bool inserted = false;
    try {
        inserted = store_.record_push(push::dedup_key(m), account, m.message_type, req.body, started, &id);
    } catch (const std::exception& e) {
        lg->error("push: cannot store {}: {}", m.message_type, e.what());
        return error(500, push::kErrorUnknown, "cannot record the notification, retry later");
    }
    if (inserted) {
        lg->debug("push: {} for '{}'{}", m.message_type, account,
                  m.posting_number.empty() ? std::string() : " posting " + m.posting_number);
        // Processing continues after the answer: the handler returns first.
        std::weak_ptr<bool> alive = alive_;
        asio::post(ex_, [this, alive, id, account, msg = m]() {
            if (auto a = alive.lock(); a && *a) deliver(id, account, msg);
        });
    } else {
        duplicate = true;
        lg->debug("push: {} for '{}' again (Ozon's retry): already stored", m.message_type, account);
    }
    const auto took = clock_.now() - started;
    if (took > std::chrono::seconds(1))
        lg->warn("push: answering took {} ms (Ozon allows 5 s)", std::chrono::duration_cast<Millis>(took).count());
    return http::ServerResponse::json(200, push::result_response());
}

void PushReceiver::deliver(long long id, const std::string& account, const push::PushMessage& m) {
    auto lg = log::get(kLogger);
    if (on_push) {
        try {
            if (on_push(id, account, m)) return;  // the consumer marks it when done
        } catch (const std::exception& e) {
            lg->error("push: processing {} (inbox row {}) failed: {}; kept for a retry", m.message_type, id, e.what());
            return;
        }
    }
    try {
        store_.mark_push_processed(id, clock_.now());
    } catch (const std::exception& e) {
        lg->error("push: cannot mark inbox row {} processed: {}", id, e.what());
    }
}

std::size_t PushReceiver::replay_unprocessed() {
    std::size_t n = 0;
    for (const auto& row : store_.unprocessed_pushes()) {
        auto parsed = push::parse(row.body);
        if (!parsed.message) {  // stored only after a parse: cannot happen, but never loop on it
            store_.mark_push_processed(row.id, clock_.now());
            continue;
        }
        deliver(row.id, row.account, *parsed.message);
        ++n;
    }
    return n;
}

}  // namespace ozw::daemon
