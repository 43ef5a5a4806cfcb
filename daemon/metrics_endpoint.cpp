// GCC 12 reports a false -Wmismatched-new-delete on asio coroutine frames.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include "daemon/metrics_endpoint.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <chrono>

#include "common/http/server.hpp"
#include "common/logging.hpp"
#include "common/time.hpp"

#ifndef OZW_VERSION
#define OZW_VERSION "0.1.0"  // cmake/Packaging.cmake passes the project version
#endif

namespace ozw::daemon {

namespace asio = boost::asio;
using metrics::FamilySnapshot;
using metrics::Sample;
using metrics::Type;

namespace {

// When the process started (wall clock): ozonwatch_start_time_seconds.
const std::chrono::system_clock::time_point kProcessStart = std::chrono::system_clock::now();

double seconds(TimePoint t) {
    return static_cast<double>(std::chrono::duration_cast<Millis>(t.time_since_epoch()).count()) / 1000.0;
}
double seconds(Millis d) { return static_cast<double>(d.count()) / 1000.0; }

asio::ip::address parse_listen_host(const std::string& listen) {
    std::string host;
    try {
        host = http::split_host_port(listen).first;
    } catch (const std::invalid_argument& e) {
        throw MetricsListenError(std::string("metrics.listen: ") + e.what(), true);
    }
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
    if (ec)
        throw MetricsListenError("metrics.listen: '" + host + "' is not an IP address (" + listen + ")", true);
    return addr;
}

asio::awaitable<http::ServerResponse> ready(http::ServerResponse r) { co_return r; }

http::ServerResponse plain(int status, std::string body) {
    return http::ServerResponse::text(status, std::move(body));
}

}  // namespace

std::string build_version() { return OZW_VERSION; }

bool is_loopback_listen(const std::string& listen) { return parse_listen_host(listen).is_loopback(); }

Health check_health(Scheduler& scheduler, TimePoint now) {
    Health h;
    if (scheduler.stopping()) h.problems.push_back("the scheduler is stopping");
    for (std::size_t i = 0; i < scheduler.size(); ++i) {
        const ScheduledWatch& sw = scheduler.at(i);
        Watch& w = sw.runner->watch();
        const Millis limit = 3 * w.interval();
        const std::string who = w.account() + "/" + w.name();
        if (sw.running) {
            const Millis running_for = sw.last_attempt ? std::chrono::duration_cast<Millis>(now - *sw.last_attempt)
                                                       : Millis{0};
            if (running_for > std::max(limit, kLongestPoll))
                h.problems.push_back(who + ": a poll has been running for " + format_duration(running_for));
        } else if (now - sw.next_due > limit) {
            h.problems.push_back(who + ": a poll due " +
                                 format_duration(std::chrono::duration_cast<Millis>(now - sw.next_due)) +
                                 " ago has not started (interval " + format_duration(w.interval()) + ")");
        }
    }
    h.ok = h.problems.empty();
    return h;
}

MetricsEndpoint::MetricsEndpoint(asio::any_io_executor ex, std::string listen, Scheduler& scheduler, Store& store,
                                 const Clock& clock, metrics::Registry& registry)
    : listen_(std::move(listen)), scheduler_(scheduler), store_(store), clock_(clock), registry_(registry) {
    // The hooks' families, so that their HELP and TYPE are on the page before the first count.
    if (&registry_ == &metrics::registry()) {
        metrics::families::api_requests();
        metrics::families::polls();
        metrics::families::poll_failures();
        metrics::families::events();
        metrics::families::pushes();
    }
    http::ServerOptions o;
    o.listen = listen_;
    o.read_timeout = std::chrono::seconds(10);
    o.idle_timeout = std::chrono::seconds(30);
    o.max_body = 4096;  // GET requests: no body
    o.max_connections = 16;
    server_ = std::make_unique<http::Server>(std::move(ex), std::move(o), [this](const http::ServerRequest& req) {
        if (req.path != "/metrics" && req.path != "/healthz") return ready(plain(404, "not found\n"));
        if (req.method != "GET") {
            auto r = plain(405, "only GET\n");
            r.headers.emplace_back("Allow", "GET");
            return ready(std::move(r));
        }
        if (req.path == "/healthz") {
            Health h = health();
            std::string body = h.ok ? "ok\n" : "unhealthy\n";
            for (const auto& p : h.problems) body += p + "\n";
            return ready(plain(h.ok ? 200 : 503, std::move(body)));
        }
        try {
            http::ServerResponse r;
            r.status = 200;
            r.headers.emplace_back("Content-Type", std::string(metrics::kContentType));
            r.body = scrape();
            return ready(std::move(r));
        } catch (const std::exception& e) {
            log::get("metrics")->error("metrics: cannot render /metrics: {}", e.what());
            return ready(plain(500, "cannot render the metrics; see the daemon's log\n"));
        }
    });
}

MetricsEndpoint::~MetricsEndpoint() { stop(); }

void MetricsEndpoint::start() {
    const bool loopback = is_loopback_listen(listen_);
    try {
        server_->start();
    } catch (const std::exception& e) {
        throw MetricsListenError(std::string("metrics: ") + e.what() +
                                     " (is another ozonwatch running? set metrics.listen to a free port, or "
                                     "metrics: {enabled: false})",
                                 false);
    }
    auto lg = log::get("metrics");
    if (!loopback)
        lg->warn("metrics: listening on {}, not a loopback address: anyone who can reach it reads /metrics (account "
                 "and watch names, queue sizes); prefer 127.0.0.1 behind a firewall or a proxy",
                 server_->base_url());
    lg->info("metrics: {}/metrics and /healthz", server_->base_url());
}

void MetricsEndpoint::stop() {
    if (server_) server_->stop();
}

unsigned short MetricsEndpoint::port() const { return server_->port(); }
std::string MetricsEndpoint::base_url() const { return server_->base_url(); }

Health MetricsEndpoint::health() {
    Health h = check_health(scheduler_, clock_.now());
    if (h.ok != was_healthy_) {
        auto lg = log::get("metrics");
        if (h.ok) lg->info("healthz: healthy again");
        else
            for (const auto& p : h.problems) lg->warn("healthz: unhealthy: {}", p);
        was_healthy_ = h.ok;
    }
    return h;
}

std::string MetricsEndpoint::scrape() {
    const TimePoint now = clock_.now();
    std::vector<FamilySnapshot> f = registry_.collect();

    f.push_back({"ozonwatch_build_info", "The running build: version label, value 1.", Type::gauge, {"version"},
                 {Sample{{build_version()}, 1}}});
    f.push_back({"ozonwatch_start_time_seconds", "When the process started, seconds since the epoch.", Type::gauge,
                 {}, {Sample{{}, seconds(TimePoint{std::chrono::duration_cast<Millis>(kProcessStart.time_since_epoch())})}}});

    // Per watch, from the scheduler.
    FamilySnapshot interval{"ozonwatch_watch_interval_seconds", "A watch's configured poll interval.", Type::gauge,
                            {"account", "watch"}, {}};
    FamilySnapshot last_poll{"ozonwatch_last_poll_timestamp_seconds",
                             "When a watch's last poll started, seconds since the epoch.", Type::gauge,
                             {"account", "watch"}, {}};
    FamilySnapshot last_success{"ozonwatch_last_success_timestamp_seconds",
                                "When a watch's last successful poll ended, seconds since the epoch (kept across "
                                "restarts).",
                                Type::gauge, {"account", "watch"}, {}};
    FamilySnapshot failing{"ozonwatch_watch_consecutive_failures",
                           "Polls of a watch that failed in a row since its last success.", Type::gauge,
                           {"account", "watch"}, {}};
    for (std::size_t i = 0; i < scheduler_.size(); ++i) {
        const ScheduledWatch& sw = scheduler_.at(i);
        Watch& w = sw.runner->watch();
        std::vector<std::string> labels{w.account(), w.name()};
        interval.samples.push_back({labels, seconds(w.interval())});
        if (sw.last_attempt) last_poll.samples.push_back({labels, seconds(*sw.last_attempt)});
        if (sw.last_success) last_success.samples.push_back({labels, seconds(*sw.last_success)});
        failing.samples.push_back({std::move(labels), static_cast<double>(sw.health.consecutive_failures)});
    }
    f.push_back(std::move(interval));
    f.push_back(std::move(last_poll));
    f.push_back(std::move(last_success));
    f.push_back(std::move(failing));

    // The outbox, from the store.
    FamilySnapshot pending{"ozonwatch_outbox_pending", "Outbox rows waiting to be delivered, per channel.",
                           Type::gauge, {"channel"}, {}};
    FamilySnapshot oldest{"ozonwatch_outbox_oldest_pending_age_seconds",
                          "How long the longest-waiting outbox row of a channel has been due and not delivered "
                          "(rows held back by quiet hours count from their end).",
                          Type::gauge, {"channel"}, {}};
    try {
        for (const auto& s : store_.outbox_stats()) {
            pending.samples.push_back({{s.channel}, static_cast<double>(s.pending)});
            const Millis age = std::max(Millis{0}, std::chrono::duration_cast<Millis>(now - s.oldest_waiting_since));
            oldest.samples.push_back({{s.channel}, seconds(age)});
        }
    } catch (const std::exception& e) {
        log::get("metrics")->error("metrics: cannot read the outbox: {}", e.what());
    }
    f.push_back(std::move(pending));
    f.push_back(std::move(oldest));

    f.push_back({"ozonwatch_healthy", "1 when /healthz answers 200, else 0.", Type::gauge, {},
                 {Sample{{}, health().ok ? 1.0 : 0.0}}});
    return metrics::render(std::move(f));
}

}  // namespace ozw::daemon
