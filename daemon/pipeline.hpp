#pragma once
// Everything `run`, `check`, `demo` and the tests assemble from a Config: per account an Ozon
// client (with the account's shared rate limiter) and its watches, the scheduler, and (when
// notifying) the alert router + dispatcher with the configured notifiers. Plus the morning
// report built from the watches' state and the store's firing conditions.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alerts/dispatcher.hpp"
#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/ozon/client.hpp"
#include "common/store.hpp"
#include "daemon/postings_watch.hpp"
#include "daemon/report.hpp"
#include "daemon/scheduler.hpp"

namespace ozw::daemon {

struct PipelineOptions {
    bool notify = true;         // false: a router that sends nothing, no dispatcher (check)
    bool with_console = false;  // route to and print on the console (demo)
    double jitter_fraction = 0.1;
    std::optional<ozon::RetryPolicy> retry;  // client retry policy override (tests, check)
};

struct AccountRuntime {
    AccountConfig config;
    std::shared_ptr<ozon::Client> client;
    std::shared_ptr<PostingsWatch> postings;  // null when the postings watch is disabled
};

class Pipeline {
public:
    // cfg, store and clock must outlive the pipeline.
    Pipeline(const Config& cfg, Store& store, const Clock& clock, boost::asio::any_io_executor ex,
             PipelineOptions opt = {});
    ~Pipeline();

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

    // Daemon loops (until `stop`): report.daily at report.at local time.
    boost::asio::awaitable<void> report_loop(const std::atomic<bool>& stop);

private:
    const Config& cfg_;
    Store& store_;
    const Clock& clock_;
    PipelineOptions opt_;
    Router router_;
    std::vector<AccountRuntime> accounts_;
    std::unique_ptr<Scheduler> scheduler_;
    std::unique_ptr<alerts::Dispatcher> dispatcher_;
};

}  // namespace ozw::daemon
