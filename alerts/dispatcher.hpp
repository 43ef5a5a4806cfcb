#pragma once
// The delivery half of dispatch: group -> repeat/resolve -> send with retry -> record.
// Reads due rows from the durable outbox, packs them into one message per channel, calls the
// notifier, and records the outcome in SQLite at once (sent as soon as the channel accepts).
//
// Grouping per channel: nothing leaves until the oldest due row is group_wait old, then every
// due row of the channel leaves together (packed into as few messages as the channel's size
// limit allows). After a send, non-critical rows wait until group_interval has passed since
// that send (later changes are batched); critical rows only wait group_wait.
// Retry: retry_after honoured (clamped to an hour), else exponential backoff 5 s * 2^attempts
// (max 5 min), during which the channel is probed every 30 s (Telegram: getMe; email: connect
// and log in) and, once it answers, gets its waiting rows at once. Rows older than
// notify.max_age (24 h) or refused for good are marked failed, a notice
// ("notify.delivery_failed") is recorded for the OTHER channels, and an error is logged.
// A store that fails (disk full) blocks the channel with the same backoff; a message already
// delivered but not yet recorded as sent is recorded first when the store works again, never
// sent twice by this process.
//
// Driven by events, not by a clock tick: the dispatcher keeps in memory, per channel, the
// instant its pending rows next need a flush (group_wait, group_interval, retry/backoff,
// next_attempt_at), and an index of next-repeat times of the active conditions. The channel
// schedule is re-read (metadata only) when the store reports new outbox rows and after each
// flush; the repeat index is built once and then updated entry by entry from what the store
// reports (conditions fired, escalated, resolved; a silence change rebuilds it). Every 60 s the
// loop asks SQLite whether another process wrote (PRAGMA data_version) and rebuilds only then.
// While nothing is due a pass reads only the clock: no query, no JSON.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
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

    // One pass: enqueue due repeats, then flush every channel that is due. Reads the store only
    // for what is due (or changed since the last pass).
    boost::asio::awaitable<void> tick();
    // The daemon loop: tick, then sleep until the next due instant or until the store reports
    // new outbox rows / changed conditions, or wake() is called. On a real-time clock it sleeps
    // right up to that instant (at most kResyncEvery); on a virtual clock, which can jump, the
    // sleep is cut into slices of kWakeSlice that read only the clock. Every kResyncEvery of
    // real time it checks for a writer in another process. Until `stop` becomes true (call
    // wake() after setting it).
    boost::asio::awaitable<void> run(const std::atomic<bool>& stop);
    static constexpr std::chrono::milliseconds kWakeSlice{2000};
    static constexpr std::chrono::milliseconds kResyncEvery{60000};

    // Thread-safe: ends the run loop's current sleep (e.g. right after setting `stop`).
    void wake() { on_store_change(StoreChangeSet{}); }

    // The earliest instant (by the injected clock) at which a pass has something to do, as far
    // as the in-memory schedule knows (TimePoint::max() when nothing is pending).
    TimePoint next_due() const;

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
    // Returns true when it changed something (sent, retried or failed rows).
    boost::asio::awaitable<bool> flush_channel(Notifier& n, TimePoint now);
    // A channel backing off is asked whether it answers again; if it does, its waiting rows
    // are due at once.
    boost::asio::awaitable<void> probe_channel(Notifier& n, TimePoint now);
    void on_store_change(const StoreChangeSet& changes);
    // Applies the condition changes the store reported since the last pass to the index.
    void apply_condition_changes();
    void forget_repeat(const std::pair<std::string, std::string>& id);
    void refresh_channels();
    void refresh_channel(const std::string& ch);
    void rebuild_repeat_index();
    void schedule_repeat(const std::string& account, const std::string& key, TimePoint when);
    void sync_if_dirty();
    void record_failure(const std::string& channel, const std::vector<OutboxRow>& rows,
                        const std::string& error, TimePoint now, bool all_notices);

    const Config& cfg_;
    Store& store_;
    const Clock& clock_;
    std::vector<NotifierPtr> notifiers_;  // before router_: the router looks for a console
    AlertRouter router_;
    std::map<std::string, TimePoint> last_sent_;      // per channel, for group_interval
    std::map<std::string, TimePoint> blocked_until_;  // per channel, after a retryable error
    std::map<std::string, TimePoint> probe_at_;       // per channel backing off: next probe
    std::map<std::string, std::vector<long long>> unrecorded_;  // per channel: sent, not yet marked
    std::map<std::string, int> store_failures_;  // per channel: store failures in a row (backoff)
    DispatchStats stats_;

    // --- the schedule (in memory; rebuilt from the store)
    std::map<std::string, TimePoint> channel_due_;  // per channel: next instant a flush can act
    using CondId = std::pair<std::string, std::string>;  // account, key
    std::set<std::pair<TimePoint, CondId>> repeat_due_;  // next-repeat time -> condition
    std::map<CondId, TimePoint> repeat_at_;              // condition -> its entry in repeat_due_
    std::atomic<bool> outbox_dirty_{true};
    std::atomic<bool> repeats_dirty_{true};       // rebuild the repeat index from the store
    std::atomic<bool> conditions_pending_{false};  // condition_changes_ has entries
    std::mutex changes_mu_;
    std::vector<ConditionChange> condition_changes_;  // reported by the store, not yet applied
    std::atomic<bool> silences_dirty_{false};
    std::map<CondId, TimePoint> snoozed_;  // silenced when due: next look when the silence ends
    bool failed_pass_ = false;             // the last pass met a store error
    std::chrono::steady_clock::time_point last_resync_{};

    // --- wake-up from store changes (the listener may run on any thread)
    long long listener_id_ = 0;
    std::mutex wake_mu_;
    std::weak_ptr<boost::asio::steady_timer> sleeping_;  // the run loop's timer while it runs
    std::optional<boost::asio::any_io_executor> wake_exec_;
};

}  // namespace ozw::alerts
