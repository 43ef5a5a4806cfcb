// GCC 12 reports a false -Wmismatched-new-delete on asio coroutine frames.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
// The sandbox's push sender: Ozon's side of push notifications (push_start: POST JSON to the
// seller's URL, 200 = delivered, anything else retried). Own Beast client rather than
// common/http::Client because stop() must be able to close every connection at once.
#include "sandbox/push_sender.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>

namespace ozw::sandbox::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using nlohmann::json;
using Steady = std::chrono::steady_clock;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// Receivers answer {"result":true} or a short error; anything bigger is not a push answer.
constexpr std::size_t kMaxAnswer = 1024 * 1024;
constexpr std::size_t kMaxIdle = 16;

bool stale_connection_error(const boost::system::error_code& ec) {
    return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
           ec == asio::error::connection_aborted;
}

std::string describe(const boost::system::error_code& ec, const std::string& step, Millis timeout) {
    if (ec == beast::error::timeout || ec == asio::error::timed_out)
        return "timeout: no answer within " + std::to_string(timeout.count()) + " ms (" + step + ")";
    return step + ": " + ec.message();
}

}  // namespace

std::string PushUrl::origin() const {
    const bool v6 = host.find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + host + "]" : host) + ":" + port;
}

PushUrl parse_push_url(const std::string& url) {
    std::string_view s = url;
    if (s.rfind("http://", 0) != 0)
        throw std::invalid_argument("push URL must start with http:// (got \"" + url + "\")");
    s.remove_prefix(7);
    PushUrl u;
    const auto slash = s.find_first_of("/?#");
    std::string_view authority = s.substr(0, slash);
    u.target = slash == std::string_view::npos ? "/" : std::string(s.substr(slash));
    if (auto hash = u.target.find('#'); hash != std::string::npos) u.target.erase(hash);
    if (u.target.empty() || u.target[0] != '/') u.target = "/" + u.target;
    if (authority.find('@') != std::string_view::npos)
        throw std::invalid_argument("push URL: credentials are not supported");
    std::string_view host = authority, port;
    if (!authority.empty() && authority[0] == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) throw std::invalid_argument("push URL: bad IPv6 host");
        host = authority.substr(1, close - 1);
        auto rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest[0] != ':') throw std::invalid_argument("push URL: bad port");
            port = rest.substr(1);
        }
    } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty()) throw std::invalid_argument("push URL without a host");
    if (port.empty()) port = "80";
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c));
        }) || std::stoi(std::string(port)) == 0 || std::stoi(std::string(port)) > 65535)
        throw std::invalid_argument("push URL: bad port '" + std::string(port) + "'");
    u.host = std::string(host);
    u.port = std::string(port);
    return u;
}

// A connection to a receiver with its read buffer (kept across keep-alive requests).
struct PushSender::Conn {
    std::string origin;
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    Conn(asio::io_context& ioc, std::string o) : origin(std::move(o)), stream(ioc) {}
    void close() {
        boost::system::error_code ec;
        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream.socket().close(ec);
    }
};

PushSender::PushSender(asio::io_context& ioc) : ioc_(ioc) {}
PushSender::~PushSender() = default;

void PushSender::set_target(std::optional<PushTarget> t) {
    PushUrl url;
    if (t) {
        url = parse_push_url(t->url);
        if (t->timeout <= Millis{0}) throw std::invalid_argument("push target: timeout must be positive");
        if (t->max_attempts < 1) throw std::invalid_argument("push target: max_attempts must be at least 1");
        if (t->max_in_flight < 1) throw std::invalid_argument("push target: max_in_flight must be at least 1");
        if (t->retry_delay < Millis{0}) throw std::invalid_argument("push target: retry_delay must not be negative");
    }
    std::lock_guard lock(mu_);
    if (t) {
        target_ = std::move(t);
        url_ = std::move(url);
        spdlog::info("sandbox: pushes go to {}", target_->url);
        schedule_pump_locked();
        return;
    }
    target_.reset();
    std::size_t dropped = 0;
    // A ready push holds its key; keys of pushes in flight stay busy until they finish.
    for (auto seq : ready_) {
        if (!keys_[seq - 1].empty()) busy_.erase(keys_[seq - 1]);
        drop_locked(seq, "dropped: push target cleared");
        ++dropped;
    }
    ready_.clear();
    for (auto& [key, queue] : waiting_)
        for (auto seq : queue) {
            drop_locked(seq, "dropped: push target cleared");
            ++dropped;
        }
    waiting_.clear();
    if (dropped) spdlog::warn("sandbox: push target cleared; {} queued push(es) dropped", dropped);
    else spdlog::info("sandbox: push target cleared");
    notify_locked();
}

std::optional<PushTarget> PushSender::target() const {
    std::lock_guard lock(mu_);
    return target_;
}

bool PushSender::has_target() const {
    std::lock_guard lock(mu_);
    return target_.has_value();
}

std::uint64_t PushSender::enqueue(json body, TimePoint virtual_time, std::string key) {
    SentPush e;
    if (body.is_object()) {
        if (auto it = body.find("message_type"); it != body.end() && it->is_string()) e.message_type = *it;
        if (auto it = body.find("posting_number"); it != body.end() && it->is_string()) e.posting_number = *it;
    }
    e.body = std::move(body);
    e.virtual_time = virtual_time;
    e.queued_at = Steady::now();
    std::lock_guard lock(mu_);
    e.seq = entries_.size() + 1;
    const std::uint64_t seq = e.seq;
    if (!target_ || stopped_) {
        e.done = true;
        e.error = stopped_ ? "sandbox stopped" : "no push target set";
        e.answered_at = e.queued_at;
        spdlog::debug("sandbox: push {} {} not sent: {}", seq, e.message_type, e.error);
        entries_.push_back(std::move(e));
        keys_.emplace_back();
        notify_locked();
        return seq;
    }
    entries_.push_back(std::move(e));
    keys_.push_back(key);
    ++unfinished_;
    if (!key.empty() && busy_.count(key)) {
        waiting_[key].push_back(seq);
    } else {
        if (!key.empty()) busy_.insert(key);
        ready_.insert(seq);
        schedule_pump_locked();
    }
    return seq;
}

std::vector<SentPush> PushSender::log() const {
    std::lock_guard lock(mu_);
    return entries_;
}

bool PushSender::wait_done(Millis real_timeout) const {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, real_timeout, [&] { return unfinished_ == 0; });
}

asio::awaitable<bool> PushSender::async_wait_done(Millis real_timeout) {
    const auto deadline = Steady::now() + real_timeout;
    // A wake-up posted when the queue emptied may land after new pushes were queued: then it
    // is not the answer, and the wait goes on until the deadline.
    for (;;) {
        asio::steady_timer timer(ioc_, deadline);
        {
            std::lock_guard lock(mu_);
            if (unfinished_ == 0) co_return true;
            if (stopped_ || Steady::now() >= deadline) co_return false;
            waiters_.push_back(&timer);
        }
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        std::lock_guard lock(mu_);
        waiters_.remove(&timer);
        if (unfinished_ == 0) co_return true;
        if (stopped_ || Steady::now() >= deadline) co_return false;
    }
}

void PushSender::notify_locked() {
    cv_.notify_all();
    if (unfinished_ != 0 || waiters_.empty()) return;
    // Timers are not thread-safe: cancelled on the io thread. A waiter that resumed meanwhile
    // (its timeout) has taken itself out of the list under mu_, so each pointer here is alive.
    asio::post(ioc_, [this] {
        std::lock_guard lock(mu_);
        for (auto* t : waiters_) t->cancel();
    });
}

void PushSender::started() {
    std::lock_guard lock(mu_);
    running_ = true;
    schedule_pump_locked();
}

void PushSender::stop_on_io_thread() {
    {
        std::lock_guard lock(mu_);
        stopped_ = true;
    }
    for (auto* t : timers_) t->cancel();
    {
        std::lock_guard lock(mu_);
        for (auto* t : waiters_) t->cancel();
    }
    for (auto* c : open_) c->close();
    idle_.clear();
}

void PushSender::after_stop() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    idle_.clear();
    for (auto& e : entries_)
        if (!e.done) {
            e.done = true;
            e.error = "sandbox stopped";
            e.answered_at = Steady::now();
        }
    ready_.clear();
    waiting_.clear();
    busy_.clear();
    unfinished_ = 0;
    in_flight_ = 0;
    notify_locked();
}

void PushSender::schedule_pump_locked() {
    if (!running_ || stopped_ || pump_posted_ || !target_ || ready_.empty() ||
        in_flight_ >= target_->max_in_flight)
        return;
    pump_posted_ = true;
    asio::post(ioc_, [this] { pump(); });
}

void PushSender::pump() {
    std::vector<std::uint64_t> start;
    {
        std::lock_guard lock(mu_);
        pump_posted_ = false;
        if (stopped_ || !target_) return;
        while (in_flight_ < target_->max_in_flight && !ready_.empty()) {
            start.push_back(*ready_.begin());
            ready_.erase(ready_.begin());
            ++in_flight_;
        }
    }
    for (auto seq : start)
        asio::co_spawn(ioc_, deliver(seq), [this, seq](std::exception_ptr ex) {
            if (!ex) return;
            std::string what = "unknown error";
            try {
                std::rethrow_exception(ex);
            } catch (const std::exception& e) {
                what = e.what();
            } catch (...) {
            }
            std::lock_guard lock(mu_);
            if (!entries_[seq - 1].done) finish_locked(seq, 0, {}, "internal error: " + what, true);
        });
}

void PushSender::drop_locked(std::uint64_t seq, const std::string& why) {
    auto& e = entries_[seq - 1];
    e.done = true;
    e.error = why;
    e.answered_at = Steady::now();
    --unfinished_;
}

void PushSender::finish_locked(std::uint64_t seq, int status, std::string answer, std::string error,
                               bool in_flight) {
    auto& e = entries_[seq - 1];
    e.done = true;
    e.status = status;
    e.answer = std::move(answer);
    e.error = std::move(error);
    e.answered_at = Steady::now();
    --unfinished_;
    if (in_flight) --in_flight_;
    if (!e.error.empty())
        spdlog::warn("sandbox: push {} {} not delivered after {} attempt(s): {}", seq, e.message_type,
                     e.attempts, e.error);
    // The next push of the same subject may go now.
    if (const auto& key = keys_[seq - 1]; !key.empty()) {
        if (auto it = waiting_.find(key); it != waiting_.end()) {
            ready_.insert(it->second.front());
            it->second.pop_front();
            if (it->second.empty()) waiting_.erase(it);
        } else {
            busy_.erase(key);
        }
    }
    notify_locked();
    schedule_pump_locked();
}

asio::awaitable<void> PushSender::deliver(std::uint64_t seq) {
    for (int n = 1;; ++n) {
        PushUrl url;
        Millis timeout{0}, delay{0};
        int max_attempts = 1;
        std::string body;
        bool gone = false;
        {
            std::lock_guard lock(mu_);
            if (stopped_ || !target_) {
                finish_locked(seq, 0, {}, stopped_ ? "sandbox stopped" : "dropped: push target cleared", true);
                gone = true;
            } else {
                url = url_;
                timeout = target_->timeout;
                delay = target_->retry_delay;
                max_attempts = target_->max_attempts;
                auto& e = entries_[seq - 1];
                e.attempts = n;
                if (n == 1) e.sent_at = Steady::now();
                body = e.body.dump(-1, ' ', false, json::error_handler_t::replace);
            }
        }
        if (gone) co_return;

        Attempt r = co_await attempt(url, timeout, std::move(body));

        const bool ok = r.error.empty() && r.status == 200;
        bool retry = false;
        {
            std::lock_guard lock(mu_);
            if (ok || n >= max_attempts || stopped_) {
                std::string error;
                if (!ok) error = !r.error.empty() ? r.error : "HTTP " + std::to_string(r.status);
                if (!ok && stopped_ && n < max_attempts) error = "sandbox stopped (" + error + ")";
                finish_locked(seq, r.status, std::move(r.body), std::move(error), true);
            } else {
                retry = true;
                spdlog::debug("sandbox: push {} attempt {} failed ({}), retrying in {} ms", seq, n,
                              r.error.empty() ? "HTTP " + std::to_string(r.status) : r.error, delay.count());
            }
        }
        if (!retry) co_return;
        asio::steady_timer timer(ioc_, delay);
        auto it = timers_.insert(timers_.end(), &timer);
        auto [wec] = co_await timer.async_wait(use_tuple);
        (void)wec;  // cancelled by stop: the next round sees stopped_
        timers_.erase(it);
    }
}

std::unique_ptr<PushSender::Conn> PushSender::take_idle(const std::string& origin) {
    for (auto it = idle_.rbegin(); it != idle_.rend(); ++it)
        if ((*it)->origin == origin) {
            auto c = std::move(*it);
            idle_.erase(std::next(it).base());
            return c;
        }
    return nullptr;
}

void PushSender::give_back(std::unique_ptr<Conn> c) {
    if (idle_.size() >= kMaxIdle) idle_.erase(idle_.begin());  // the oldest goes
    idle_.push_back(std::move(c));
}

asio::awaitable<PushSender::Attempt> PushSender::attempt(PushUrl url, Millis timeout, std::string body) {
    const auto deadline = Steady::now() + timeout;
    const std::string origin = url.origin();
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, url.target, 11};
    const bool v6 = url.host.find(':') != std::string::npos;
    const std::string host = v6 ? "[" + url.host + "]" : url.host;
    req.set(bhttp::field::host, url.port == "80" ? host : host + ":" + url.port);
    req.set(bhttp::field::content_type, "application/json");
    req.set(bhttp::field::user_agent, "ozonwatch-sandbox (Ozon push emulator)");
    req.keep_alive(true);
    req.body() = std::move(body);
    req.prepare_payload();

    // A kept-alive connection the receiver has closed meanwhile fails before any answer byte:
    // then once more on a fresh connection, within the same deadline.
    for (int round = 0; round < 2; ++round) {
        std::unique_ptr<Conn> c = round == 0 ? take_idle(origin) : nullptr;
        const bool reused = c != nullptr;
        if (!c) c = std::make_unique<Conn>(ioc_, origin);
        auto open_it = open_.insert(open_.end(), c.get());
        struct Unlist {
            std::list<Conn*>& l;
            std::list<Conn*>::iterator it;
            ~Unlist() { l.erase(it); }
        } unlist{open_, open_it};

        if (!reused) {
            std::vector<tcp::endpoint> endpoints;
            boost::system::error_code aec;
            const auto address = asio::ip::make_address(url.host, aec);
            if (!aec) {
                endpoints.emplace_back(address, static_cast<unsigned short>(std::stoi(url.port)));
            } else {
                // No deadline on the resolver itself: push targets are loopback or IP literals
                // in practice; the connect below still has one.
                tcp::resolver resolver(ioc_);
                auto [rec, results] = co_await resolver.async_resolve(url.host, url.port, use_tuple);
                if (rec) co_return Attempt{0, {}, origin + ": cannot resolve host: " + rec.message()};
                for (const auto& r : results) endpoints.push_back(r.endpoint());
            }
            c->stream.expires_at(deadline);
            auto [cec, ep] = co_await c->stream.async_connect(endpoints, use_tuple);
            (void)ep;
            if (cec) co_return Attempt{0, {}, describe(cec, "connect to " + origin, timeout)};
        }
        c->stream.expires_at(deadline);
        auto [wec, wn] = co_await bhttp::async_write(c->stream, req, use_tuple);
        (void)wn;
        if (wec) {
            if (reused && stale_connection_error(wec)) continue;
            co_return Attempt{0, {}, describe(wec, "sending to " + origin, timeout)};
        }
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(kMaxAnswer);
        c->stream.expires_at(deadline);
        auto [rec, rn] = co_await bhttp::async_read(c->stream, c->buffer, parser, use_tuple);
        (void)rn;
        if (rec) {
            if (reused && !parser.got_some() && stale_connection_error(rec)) continue;
            co_return Attempt{0, {}, describe(rec, "reading the answer of " + origin, timeout)};
        }
        auto msg = parser.release();
        Attempt a;
        a.status = static_cast<int>(msg.result_int());
        a.body = std::move(msg.body());
        bool stopping = false;
        {
            std::lock_guard lock(mu_);
            stopping = stopped_;
        }
        if (msg.keep_alive() && !stopping) {
            c->stream.expires_never();
            give_back(std::move(c));
        }
        co_return a;
    }
    co_return Attempt{0, {}, origin + ": connection closed by the receiver"};
}

}  // namespace ozw::sandbox::detail
