#pragma once
// The scheduler: every enabled watch of every account on its interval (+ jitter), each in its
// own coroutine on one io_context, so a slow or failing watch never blocks the others.
// A failed poll is retried with backoff. Health is kept per (account, source): after
// watches.unavailable_after of failures the source raises source.unavailable (scope
// "source:<source>"), resolved when its watches answer again; an auth error raises
// source.auth_failed (critical) at once. One Ozon outage is one message per account, not one
// per watch. Time is read only through the Clock: tests call run_once_due() after moving a
// ManualClock; the daemon calls run().
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/push/push.hpp"
#include "common/store.hpp"
#include "daemon/engine/source_health.hpp"
#include "daemon/engine/watch.hpp"

namespace ozw::daemon {

struct ScheduledWatch {
    std::unique_ptr<WatchRunner> runner;
    TimePoint next_due{};
    WatchHealth health;
    std::optional<CycleResult> last_result;
    bool running = false;
    // For /metrics and /healthz (daemon/metrics_endpoint.cpp): when the last poll started, and
    // when a poll last succeeded (restored from the store after a restart).
    std::optional<TimePoint> last_attempt;
    std::optional<TimePoint> last_success;
    // Releases before source health was per source kept it per watch (scope "source:<watch>"):
    // resolved once at the first cycle so that no such condition is left firing for ever.
    bool legacy_source_scope_cleared = false;
    // Polls in a row whose output the state database refused (disk full): not the source's
    // failures, so kept apart from `health`; they pace the retries.
    int store_failures = 0;
    // Ozon pushes this watch took (Watch::take_push) and has not re-read yet: their push_inbox
    // rows, marked processed once the re-read is done.
    bool push_pending = false;
    std::vector<long long> push_rows;
    // The watch loop's timer while it sleeps (run()), so that a push wakes it.
    boost::asio::steady_timer* sleeping = nullptr;
};

class Scheduler {
public:
    // `jitter_fraction`: up to this fraction of the interval (at most 30 s) is added to each
    // next-due time; 0 disables jitter (tests).
    Scheduler(Store& store, Router router, const Clock& clock, Millis unavailable_after,
              double jitter_fraction = 0.1);

    // Adds a watch, due at once.
    void add(std::shared_ptr<Watch> watch);
    std::size_t size() const { return watches_.size(); }
    ScheduledWatch& at(std::size_t i) { return *watches_[i]; }
    void set_backoff(BackoffPolicy p) { backoff_ = p; }
    // The health of one watch's source: every watch of the same account and source.
    std::vector<WatchHealthView> source_health(const std::string& account,
                                               const std::string& source) const;
    // Called after each cycle (success or failure) with the watch index; e.g. demo output.
    void on_cycle(std::function<void(std::size_t, const ScheduledWatch&)> cb) { on_cycle_ = std::move(cb); }

    // Runs, one after another, every watch whose next_due <= clock.now(); returns how many.
    awaitable<int> run_once_due();

    // An Ozon push (its push_inbox row `inbox_id`, 0 = none) offered to the account's watches:
    // each that takes it (Watch::take_push) re-reads what it names soon (run(): its loop is
    // woken; tests: run_pushes()). Returns how many took it. The row is marked processed when
    // the last of them has re-read it (or at once when none takes it); a crash before leaves
    // it for the replay at start. Call it on the executor's thread.
    std::size_t offer_push(long long inbox_id, const std::string& account, const push::PushMessage& m);
    // Runs the push re-read of every watch with one pending (not during its own poll); returns
    // how many ran.
    awaitable<int> run_pushes();
    // One watch's push re-read now. A failure is logged and changes no health: the push was a
    // hint, the next poll reads the source anyway.
    awaitable<void> run_push(std::size_t i);
    // Runs one watch's cycle now, with failure handling (never throws a source error).
    awaitable<void> run_watch(std::size_t i);

    // The daemon: one coroutine per watch, until stop(). Each sleeps until its watch is due,
    // but at most `tick`, so that a jump of the clock (an NTP step, virtual time) is noticed;
    // an idle daemon wakes once per tick per watch, nothing more.
    awaitable<void> run(Millis tick = std::chrono::seconds(60));
    // Stops the loops of run() and wakes the sleeping ones. Call it on the executor's thread.
    void stop();
    bool stopping() const { return stop_; }

private:
    awaitable<void> watch_loop(std::size_t i, Millis tick);
    // Writes the source's conditions and every reading watch's health (cursors of the pseudo
    // watch "source:<source>", in the same transaction); `clean_` remembers sources known to
    // have nothing stored.
    void update_source(const std::string& account, const std::string& source, TimePoint now);
    // A watch added after a restart or a reload continues the outage stored for it: failing
    // since the stored instant, so its next failure keeps source.unavailable firing (and
    // counts unavailable_after from the real start) instead of resolving it.
    void restore_health(ScheduledWatch& sw);
    Millis jitter(Millis interval);
    // One consumer of inbox row `id` is done; the last one marks it processed.
    void push_row_done(long long id);

    Store& store_;
    Router router_;
    const Clock& clock_;
    Millis unavailable_after_;
    double jitter_fraction_;
    BackoffPolicy backoff_;
    std::vector<std::unique_ptr<ScheduledWatch>> watches_;
    std::function<void(std::size_t, const ScheduledWatch&)> on_cycle_;
    std::atomic<bool> stop_{false};
    // The watch loops' timers, for stop(). Shared with the loops' frames, which may be destroyed
    // after the scheduler (with the io_context, when a shutdown is cut short).
    std::shared_ptr<std::vector<boost::asio::steady_timer*>> sleeping_ =
        std::make_shared<std::vector<boost::asio::steady_timer*>>();
    std::mt19937_64 rng_{std::random_device{}()};
    std::set<std::pair<std::string, std::string>> clean_;  // (account, source) with nothing stored
    std::map<long long, int> push_consumers_;  // inbox row -> watches yet to re-read it
};

}  // namespace ozw::daemon
