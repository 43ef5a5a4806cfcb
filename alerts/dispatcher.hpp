#pragma once
// The delivery half of dispatch: group -> repeat/resolve -> send with retry -> record.
// Reads due rows from the durable outbox, packs them into one message per channel, calls the
// notifier, and records the outcome in SQLite at once (sent as soon as the channel accepts).
//
// Grouping per channel: nothing leaves until the oldest due row is group_wait old, then every
// due row of the channel leaves together (packed into as few messages as the channel's size
// limit allows). After a send, non-critical rows wait until group_interval has passed since
// that send (later changes are batched); critical rows only wait group_wait.
// Retry: retry_after honoured, else exponential backoff 5 s * 2^attempts (max 30 min); after
// notify.max_attempts or a permanent error the rows are marked failed, a notice
// ("notify.delivery_failed") is recorded for the OTHER channels, and an error is logged.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "alerts/notifier.hpp"
#include "alerts/router.hpp"
#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/store.hpp"

namespace ozw::alerts {

struct DispatchStats {
    long long messages_sent = 0;
    long long rows_sent = 0;
    long long rows_retried = 0;
    long long rows_failed = 0;
    long long repeats_enqueued = 0;
};

// Backoff before attempt number `attempts`+1 (attempts already made).
Millis retry_backoff(int attempts);
// Repeat interval for a severity (info: none -> Millis::max()).
Millis repeat_interval(const NotifyConfig& n, Severity s);

class Dispatcher {
public:
    // Builds its own AlertRouter (for repeats and failure notices); it routes to "console"
    // when a console notifier is among `notifiers`, like make_router(..., with_console).
    Dispatcher(const Config& cfg, Store& store, const Clock& clock,
               std::vector<NotifierPtr> notifiers);
    ~Dispatcher();

    // One pass: enqueue due repeats, then flush every channel that is due.
    boost::asio::awaitable<void> tick();
    // The daemon loop: tick, then sleep ~1 s (steady timer), until `stop` becomes true.
    boost::asio::awaitable<void> run(const std::atomic<bool>& stop);

    // Synchronous convenience for tests and CLI tools: runs tick() to completion on a private
    // io_context, or on `ioc` (use that when a notifier was built on ioc's executor).
    void tick_sync();
    void tick_sync(boost::asio::io_context& ioc);

    // Stage (a) alone: enqueue repeat rows for conditions whose last announcement is older
    // than their repeat interval. Returns how many conditions were re-announced.
    int enqueue_repeats(TimePoint now);

    // SIGHUP: every notifier reopens its files (the event log after logrotate).
    void reopen() {
        for (auto& n : notifiers_) n->reopen();
    }

    const DispatchStats& stats() const { return stats_; }
    const AlertRouter& router() const { return router_; }
    Notifier* notifier(const std::string& channel) const;

private:
    boost::asio::awaitable<void> flush_channel(Notifier& n, TimePoint now);
    void record_failure(const std::string& channel, const std::vector<OutboxRow>& rows,
                        const std::string& error, TimePoint now, bool all_notices);

    const Config& cfg_;
    Store& store_;
    const Clock& clock_;
    std::vector<NotifierPtr> notifiers_;  // before router_: the router looks for a console
    AlertRouter router_;
    std::map<std::string, TimePoint> last_sent_;      // per channel, for group_interval
    std::map<std::string, TimePoint> blocked_until_;  // per channel, after a retryable error
    DispatchStats stats_;
};

}  // namespace ozw::alerts
