#pragma once
// The runtime: everything `run`, `check`, `demo` and the tests assemble from a Config. Per
// account an Ozon client (with the account's shared rate limiter) and one watch per enabled,
// implemented module of the registry; the scheduler; and (when notifying) the alert router +
// dispatcher with the configured notifiers. Plus the morning report built from the watches'
// sections and the store's firing conditions. It never names a concrete watch.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alerts/dispatcher.hpp"
#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/ozon/client.hpp"
#include "common/push/push.hpp"
#include "common/store.hpp"
#include "daemon/engine/push_health.hpp"
#include "daemon/engine/report.hpp"
#include "daemon/engine/scheduler.hpp"

namespace ozw::daemon {

struct RuntimeOptions {
    bool notify = true;         // false: a router that sends nothing, no dispatcher (check)
    bool with_console = false;  // route to and print on the console (demo)
    double jitter_fraction = 0.1;
    std::optional<ozon::RetryPolicy> retry;  // client retry policy override (tests, check)
};

struct AccountRuntime {
    AccountConfig config;
    std::shared_ptr<ozon::Client> client;
    std::vector<std::shared_ptr<Watch>> watches;  // one per enabled, implemented module
    // A watch of this account by module name (nullptr when disabled).
    std::shared_ptr<Watch> watch(std::string_view name) const;
};

class Runtime {
public:
    // cfg, store and clock must outlive the runtime. Installs the watch modules.
    Runtime(const Config& cfg, Store& store, const Clock& clock, boost::asio::any_io_executor ex,
            RuntimeOptions opt = {});
    ~Runtime();

    Scheduler& scheduler() { return *scheduler_; }
    alerts::Dispatcher* dispatcher() { return dispatcher_.get(); }
    const Router& router() const { return router_; }
    std::vector<AccountRuntime>& accounts() { return accounts_; }
    const Config& config() const { return cfg_; }

    // The report from the watches' committed state and the store's firing conditions.
    std::vector<AccountReport> reports();
    ReportOptions report_options() const;
    // Records report.daily for every account (routed like any event). Returns events recorded.
    std::vector<Event> record_daily_report(TimePoint now);
    // Next local report.at strictly after `after`.
    TimePoint next_report_time(TimePoint after) const;

    // Daemon loop (until `stop`): report.daily at report.at local time. Sleeps until then (at
    // most a minute at a time, so that a step of the clock is noticed).
    boost::asio::awaitable<void> report_loop(const std::atomic<bool>& stop);
    // Retention: prunes the store's history older than config.retention (Store::prune).
    Store::PruneResult prune_history(TimePoint now);
    // Daemon loop (until `stop`): prune_history at start and then once a day; the push
    // receiver's health every 10 minutes.
    boost::asio::awaitable<void> maintenance_loop(const std::atomic<bool>& stop);
    // An Ozon push (its push_inbox row, see daemon/push_receiver): offered to the account's
    // watches (Scheduler::offer_push); returns how many took it. When none does, the row is
    // marked processed here. Call it on the executor's thread.
    std::size_t accept_push(long long inbox_id, const std::string& account, const push::PushMessage& m);
    // Whether Ozon still pings the push receiver: writes source.push_silent (or resolves it),
    // and remembers since when pushes are enabled (cursor "", "push", "enabled_since"; cleared
    // when they are disabled). Also run by maintenance_loop every 10 minutes.
    void check_push_health(TimePoint now);
    PushHealth push_health() const;

    // Stops the scheduler and wakes every sleeping loop (scheduler, report, dispatcher) so that
    // each sees its stop flag now. Call it on the executor's thread.
    void wake_for_stop();

private:
    // The health section of one account's report.
    std::vector<std::string> health_lines(const std::string& account, const ReportOptions& o);

    const Config& cfg_;
    Store& store_;
    const Clock& clock_;
    RuntimeOptions opt_;
    Router router_;
    std::vector<AccountRuntime> accounts_;
    std::vector<std::string> not_watched_;  // enabled modules not built in this release
    std::unique_ptr<Scheduler> scheduler_;
    std::unique_ptr<alerts::Dispatcher> dispatcher_;
    // report_loop's timer while it runs; shared with its frame (see Scheduler::sleeping_).
    std::shared_ptr<boost::asio::steady_timer*> report_timer_ =
        std::make_shared<boost::asio::steady_timer*>(nullptr);
    std::shared_ptr<boost::asio::steady_timer*> maintenance_timer_ =
        std::make_shared<boost::asio::steady_timer*>(nullptr);
};

// The names of the configured (enabled) watches this release does not have, in `language`.
std::vector<std::string> configured_but_not_implemented(const Config& cfg, const std::string& language);

}  // namespace ozw::daemon
