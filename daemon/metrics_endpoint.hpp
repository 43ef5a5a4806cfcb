#pragma once
// The daemon's metrics endpoint (design.md: `metrics: {listen: 127.0.0.1:9187}`): Prometheus
// text exposition 0.0.4 at GET /metrics and a health answer at GET /healthz, over the Beast
// server of common/http (every read and write has a deadline), on the daemon's executor: a
// scrape reads the scheduler and the store on the thread that runs them, and an event loop that
// does not answer fails /healthz by its silence.
//
// /metrics: the registry of common/metrics.hpp (API requests, polls, failures, events: counted
// where they happen) + what is read at scrape time: build info, process start, per watch its
// interval, last poll and last success, consecutive failures; the outbox per channel (pending
// rows, age of the oldest waiting one); ozonwatch_healthy (= /healthz).
// /healthz: 200 "ok" when the scheduler is not stopping and every watch polls on time (see
// check_health); 503 with the reasons otherwise. Any other path: 404; another method: 405.
#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/metrics.hpp"
#include "common/store.hpp"
#include "daemon/engine/scheduler.hpp"

namespace ozw::http {
class Server;
}

namespace ozw::daemon {

// The version `ozonwatch --version` prints (ozonwatch_build_info{version}).
std::string build_version();

// start() could not listen. bad_address(): the configured text is not an address (a
// configuration error); otherwise the address is fine but cannot be used now (port in use,
// address not on this host).
class MetricsListenError : public std::runtime_error {
public:
    MetricsListenError(const std::string& what, bool bad_address)
        : std::runtime_error(what), bad_address_(bad_address) {}
    bool bad_address() const { return bad_address_; }

private:
    bool bad_address_;
};

// True when `listen` ("host:port", "[v6]:port", "localhost:port") is a loopback address;
// throws MetricsListenError(bad_address) when it is not an address.
bool is_loopback_listen(const std::string& listen);

struct Health {
    bool ok = true;
    std::vector<std::string> problems;  // one line each, for the 503 body and the log
};

// A poll running longer than this (and than 3 intervals) is hung: every request has a deadline
// and a walk over pages gives up after RetryPolicy::max_walk (30 min).
inline constexpr Millis kLongestPoll = std::chrono::hours(1);

// Healthy = the scheduler is not stopping, and no watch is more than 3 x its interval late:
// a watch not polling is late when its next poll was due more than 3 intervals ago and has
// not started (its loop died or the event loop is blocked); a poll in progress is late after
// max(3 intervals, kLongestPoll). A failing source is not a health problem (the daemon works,
// the source does not; it raises source.unavailable): a watch backing off after failures is
// on time as long as it polls when its back-off ends.
Health check_health(Scheduler& scheduler, TimePoint now);

class MetricsEndpoint {
public:
    // `listen`: "host:port"; port 0 = any free port (tests; port() tells which). The scheduler,
    // store and clock must outlive the endpoint; `ex` must be the executor that runs them.
    MetricsEndpoint(boost::asio::any_io_executor ex, std::string listen, Scheduler& scheduler, Store& store,
                    const Clock& clock, metrics::Registry& registry = metrics::registry());
    ~MetricsEndpoint();
    MetricsEndpoint(const MetricsEndpoint&) = delete;
    MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

    // Binds and listens (synchronously); logs a warning when the address is not loopback.
    // Throws MetricsListenError.
    void start();
    // Closes the listener and every open connection; idempotent, any thread.
    void stop();
    unsigned short port() const;   // the bound port (after start)
    std::string base_url() const;  // "http://127.0.0.1:9187"

    // The /metrics page now; the health now. Call them on the endpoint's executor.
    std::string scrape();
    Health health();

private:
    std::string listen_;
    Scheduler& scheduler_;
    Store& store_;
    const Clock& clock_;
    metrics::Registry& registry_;
    std::unique_ptr<http::Server> server_;
    bool was_healthy_ = true;  // health changes are logged once, not at every probe
};

}  // namespace ozw::daemon
