#include "daemon/engine/scheduler.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "common/logging.hpp"
#include "common/metrics.hpp"
#include "common/ozon/errors.hpp"
#include "common/time.hpp"

namespace ozw::daemon {

namespace asio = boost::asio;

Scheduler::Scheduler(Store& store, Router router, const Clock& clock, Millis unavailable_after,
                     double jitter_fraction)
    : store_(store), router_(std::move(router)), clock_(clock),
      unavailable_after_(unavailable_after), jitter_fraction_(jitter_fraction) {}

namespace {

// Where a source's health is kept: cursors of the pseudo watch "source:<source>", one set per
// reading watch ("<watch>.failing_since", ".failure", ".error"); failing_since "" = healthy.
std::string health_scope(const std::string& source) { return "source:" + source; }

// ozonwatch_events_total (common/metrics.hpp): every event a committed apply recorded.
void count_events(const std::vector<Event>& recorded) {
    for (const Event& e : recorded) metrics::families::events().with({e.account, e.type, to_string(e.state)}).inc();
}

bool is_store_failure(std::exception_ptr e) {
    try {
        std::rethrow_exception(e);
    } catch (const StoreError&) {
        return true;
    } catch (...) {
        return false;
    }
}

FailureKind failure_kind_from(const std::string& s) {
    for (FailureKind k : {FailureKind::transient, FailureKind::auth, FailureKind::not_available})
        if (s == to_string(k)) return k;
    return FailureKind::transient;
}

}  // namespace

void Scheduler::add(std::shared_ptr<Watch> watch) {
    auto sw = std::make_unique<ScheduledWatch>();
    sw->runner = std::make_unique<WatchRunner>(std::move(watch), store_, router_, clock_);
    sw->next_due = clock_.now();
    restore_health(*sw);
    try {  // the last success before a restart: every successful poll stamps "baseline"
        Watch& w = sw->runner->watch();
        if (auto b = store_.cursor(w.account(), w.name(), "baseline")) sw->last_success = parse_iso8601(*b);
    } catch (const std::exception&) {
    }
    watches_.push_back(std::move(sw));
}

void Scheduler::restore_health(ScheduledWatch& sw) {
    Watch& w = sw.runner->watch();
    try {
        const auto c = store_.cursors(w.account(), health_scope(w.source()));
        auto since = c.find(w.name() + ".failing_since");
        if (since == c.end() || since->second.empty()) return;
        auto t = parse_iso8601(since->second);
        if (!t) return;
        sw.health.consecutive_failures = 1;
        sw.health.failing_since = *t;
        if (auto k = c.find(w.name() + ".failure"); k != c.end()) sw.health.last_failure = failure_kind_from(k->second);
        if (auto e = c.find(w.name() + ".error"); e != c.end()) sw.health.last_error = e->second;
        log::get("scheduler")->info("{}/{}: failing since {} before the restart; the outage goes on until a poll "
                                    "succeeds", w.account(), w.name(), since->second);
    } catch (const std::exception& e) {
        log::get("scheduler")->error("{}/{}: cannot read the stored source health: {}", w.account(), w.name(),
                                     e.what());
    }
}

Millis Scheduler::jitter(Millis interval) {
    if (jitter_fraction_ <= 0) return Millis{0};
    long long cap = std::min<long long>(static_cast<long long>(interval.count() * jitter_fraction_),
                                        30000);
    if (cap <= 0) return Millis{0};
    std::uniform_int_distribution<long long> d(0, cap);
    return Millis{d(rng_)};
}

std::vector<WatchHealthView> Scheduler::source_health(const std::string& account,
                                                      const std::string& source) const {
    std::vector<WatchHealthView> out;
    for (const auto& sw : watches_) {
        Watch& w = sw->runner->watch();
        if (w.account() == account && w.source() == source) out.push_back({w.name(), &sw->health});
    }
    return out;
}

void Scheduler::update_source(const std::string& account, const std::string& source,
                              TimePoint now) {
    auto views = source_health(account, source);
    const bool failing = std::any_of(views.begin(), views.end(), [](const WatchHealthView& v) {
        return v.health->consecutive_failures > 0;
    });
    const std::pair<std::string, std::string> key{account, source};
    // Nothing failing and nothing stored: no write (the common case of a healthy source).
    if (!failing && clean_.count(key)) return;
    try {
        ApplyBatch b;
        b.now = now;
        b.conditions.push_back(ConditionSet{
            account, "source:" + source,
            source_conditions(views, account, source, now, unavailable_after_)});
        SnapshotDelta health;  // cursors only: no snapshot rows
        health.account = account;
        health.watch = health_scope(source);
        for (const auto& v : views) {
            const WatchHealth& h = *v.health;
            const bool down = h.consecutive_failures > 0 && h.failing_since;
            health.cursors[v.watch + ".failing_since"] = down ? format_iso8601_ms(*h.failing_since) : "";
            health.cursors[v.watch + ".failure"] = down ? to_string(h.last_failure) : "";
            // Foreign text (a server's error message) is masked before it is stored.
            health.cursors[v.watch + ".error"] = down ? log::mask(h.last_error) : "";
        }
        b.snapshots.push_back(std::move(health));
        count_events(store_.apply(b, router_).recorded);
        if (failing) clean_.erase(key);
        else clean_.insert(key);
    } catch (const std::exception& e) {
        log::get("scheduler")->error("{}/{}: cannot record the source's state: {}", account,
                                     source, e.what());
    }
}

awaitable<void> Scheduler::run_watch(std::size_t i) {
    ScheduledWatch& sw = *watches_[i];
    Watch& w = sw.runner->watch();
    sw.running = true;
    // An outage begins no later than the poll that met it: the unavailable_after clock starts
    // here, not after the poll's own retries (which can take minutes).
    const TimePoint started = clock_.now();
    sw.last_attempt = started;
    metrics::families::polls().with({w.account(), w.name()}).inc();
    std::exception_ptr failure;
    try {
        sw.last_result = co_await sw.runner->run_once();
    } catch (...) {
        failure = std::current_exception();
    }
    sw.running = false;
    const TimePoint now = clock_.now();
    if (failure && is_store_failure(failure)) {
        // The source answered, the state database refused the result (disk full): nothing of
        // this poll was recorded and the watch is as committed. Not the source's failure: its
        // health (and source.unavailable) stays as it was; the disk is the administrator's,
        // said in the journal and by /healthz once polls stop succeeding.
        ++sw.store_failures;
        std::string message;
        classify_failure(failure, message);
        metrics::families::poll_failures().with({w.account(), w.name(), "store"}).inc();
        const Millis delay = failure_backoff(backoff_, FailureKind::transient, sw.store_failures, w.interval());
        log::get("scheduler")->error("{}/{}: the poll's result could not be recorded ({} in a row), next try in {}: {}",
                                     w.account(), w.name(), sw.store_failures, format_duration(delay),
                                     log::mask(message));
        sw.next_due = now + delay;
        if (on_cycle_) on_cycle_(i, sw);
        co_return;
    }
    sw.store_failures = 0;
    if (!failure) {
        sw.last_success = now;
        count_events(sw.last_result->recorded);
        record_success(sw.health);
        sw.next_due = now + w.interval() + jitter(w.interval());
    } else {
        std::string message;
        FailureKind kind = classify_failure(failure, message);
        record_failure(sw.health, kind, message, started);
        metrics::families::poll_failures().with({w.account(), w.name(), to_string(kind)}).inc();
        Millis delay = failure_backoff(backoff_, kind, sw.health.consecutive_failures, w.interval());
        log::get("scheduler")->warn("{}/{}: poll failed ({} in a row), next try in {}: {}",
                                    w.account(), w.name(), sw.health.consecutive_failures,
                                    format_duration(delay), log::mask(message));
        sw.next_due = now + delay;
    }
    update_source(w.account(), w.source(), now);
    if (!sw.legacy_source_scope_cleared) {
        try {
            if (w.name() != w.source()) {
                ApplyBatch b;
                b.now = now;
                b.conditions.push_back(ConditionSet{w.account(), "source:" + w.name(), {}});
                count_events(store_.apply(b, router_).recorded);
            }
            sw.legacy_source_scope_cleared = true;
        } catch (const std::exception& e) {
            log::get("scheduler")->error("{}/{}: cannot clear the old source state: {}", w.account(),
                                         w.name(), e.what());
        }
    }
    if (on_cycle_) on_cycle_(i, sw);
}

awaitable<int> Scheduler::run_once_due() {
    int ran = 0;
    for (std::size_t i = 0; i < watches_.size(); ++i) {
        if (stop_) break;
        if (watches_[i]->next_due <= clock_.now()) {
            co_await run_watch(i);
            ++ran;
        }
    }
    co_return ran;
}

std::size_t Scheduler::offer_push(long long inbox_id, const std::string& account, const push::PushMessage& m) {
    std::size_t taken = 0;
    for (auto& sw : watches_) {
        Watch& w = sw->runner->watch();
        if (w.account() != account) continue;
        bool takes = false;
        try {
            takes = w.take_push(m);
        } catch (const std::exception& e) {
            log::get("scheduler")->error("{}/{}: cannot take the push {}: {}", w.account(), w.name(), m.message_type,
                                         e.what());
        }
        if (!takes) continue;
        ++taken;
        sw->push_pending = true;
        if (inbox_id) {
            sw->push_rows.push_back(inbox_id);
            ++push_consumers_[inbox_id];
        }
        if (sw->sleeping) sw->sleeping->cancel();
    }
    return taken;
}

void Scheduler::push_row_done(long long id) {
    auto it = push_consumers_.find(id);
    if (it == push_consumers_.end() || --it->second > 0) return;
    push_consumers_.erase(it);
    try {
        store_.mark_push_processed(id, clock_.now());
    } catch (const std::exception& e) {
        // Left unprocessed: replayed at the next start (a re-read is harmless).
        log::get("scheduler")->error("cannot mark push inbox row {} processed: {}", id, e.what());
    }
}

awaitable<void> Scheduler::run_push(std::size_t i) {
    ScheduledWatch& sw = *watches_[i];
    Watch& w = sw.runner->watch();
    std::vector<long long> rows;
    rows.swap(sw.push_rows);
    sw.push_pending = false;
    sw.running = true;
    std::exception_ptr failure;
    std::optional<CycleResult> result;
    try {
        result = co_await sw.runner->run_push();
    } catch (...) {
        failure = std::current_exception();
    }
    sw.running = false;
    if (failure) {
        std::string message;
        classify_failure(failure, message);
        log::get("scheduler")->warn("{}/{}: re-reading after an Ozon push failed (the next poll reads it): {}",
                                    w.account(), w.name(), log::mask(message));
    } else if (result) {
        count_events(result->recorded);
        log::get("scheduler")->debug("{}/{}: push re-read: {} event(s), {} call(s)", w.account(), w.name(),
                                     result->recorded.size(), result->api_calls);
    }
    for (long long id : rows) push_row_done(id);
}

awaitable<int> Scheduler::run_pushes() {
    int ran = 0;
    for (std::size_t i = 0; i < watches_.size(); ++i) {
        if (stop_) break;
        if (watches_[i]->push_pending && !watches_[i]->running) {
            co_await run_push(i);
            ++ran;
        }
    }
    co_return ran;
}

void Scheduler::stop() {
    stop_ = true;
    for (auto* t : *sleeping_) t->cancel();
}

awaitable<void> Scheduler::watch_loop(std::size_t i, Millis tick) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    struct Unregister {
        std::shared_ptr<std::vector<asio::steady_timer*>> list;
        asio::steady_timer* timer;
        ~Unregister() { std::erase(*list, timer); }
    } unregister{sleeping_, &timer};
    sleeping_->push_back(&timer);
    while (!stop_) {
        const TimePoint now = clock_.now();
        // A due poll first: it is the truth, and a flood of pushes must not starve it.
        if (watches_[i]->next_due <= now) {
            co_await run_watch(i);
            continue;
        }
        if (watches_[i]->push_pending) {
            co_await run_push(i);
            continue;
        }
        timer.expires_after(std::min<Millis>(tick, watches_[i]->next_due - now));
        boost::system::error_code ec;
        watches_[i]->sleeping = &timer;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        // The scheduler may be gone when a cut-short shutdown destroys this frame later, but
        // not while the loop still runs (run() outlives its loops).
        watches_[i]->sleeping = nullptr;
    }
}

awaitable<void> Scheduler::run(Millis tick) {
    auto ex = co_await asio::this_coro::executor;
    // Ends when the last loop has ended: that loop cancels `all_done` (no polling).
    asio::steady_timer all_done(ex, asio::steady_timer::time_point::max());
    auto alive = std::make_shared<int>(0);
    for (std::size_t i = 0; i < watches_.size(); ++i) {
        ++*alive;
        asio::co_spawn(ex, watch_loop(i, tick), [alive, i, &all_done](std::exception_ptr e) {
            if (e) {
                std::string m;
                classify_failure(e, m);
                log::get("scheduler")->error("watch {} loop ended: {}", i, m);
            }
            if (--*alive == 0) all_done.cancel();
        });
    }
    while (*alive > 0) {
        boost::system::error_code ec;
        co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

}  // namespace ozw::daemon
