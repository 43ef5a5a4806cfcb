#include "daemon/scheduler.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "common/logging.hpp"
#include "common/ozon/errors.hpp"
#include "common/time.hpp"

namespace ozw::daemon {

namespace asio = boost::asio;

Millis failure_backoff(const BackoffPolicy& p, FailureKind kind, int failures, Millis interval) {
    if (kind == FailureKind::auth) return std::max(p.auth_retry, interval);
    Millis d = p.first;
    for (int i = 1; i < failures && d < p.max; ++i) d *= 2;
    return std::min({d, p.max, std::max(interval, p.first)});
}

void record_failure(WatchHealth& h, FailureKind kind, const std::string& error, TimePoint now,
                    Millis unavailable_after) {
    ++h.consecutive_failures;
    if (!h.failing_since) h.failing_since = now;
    h.last_failure = kind;
    h.last_error = error;
    if (kind == FailureKind::auth) h.auth_failed = true;
    if (now - *h.failing_since >= unavailable_after) h.unavailable = true;
    h.source_conditions_dirty = true;
}

void record_success(WatchHealth& h) {
    h.consecutive_failures = 0;
    h.failing_since.reset();
    h.last_failure = FailureKind::none;
    h.last_error.clear();
    h.auth_failed = false;
    h.unavailable = false;
}

std::vector<Event> source_conditions(const WatchHealth& h, const std::string& account,
                                     const std::string& watch, TimePoint now) {
    std::vector<Event> out;
    auto make = [&](const char* type, Severity sev) {
        Event e;
        e.type = type;
        e.severity = sev;
        e.kind = EventKind::condition;
        e.account = account;
        e.key = std::string(type) + ":" + watch;
        e.title = std::string(type) + " " + watch;  // fallback; alerts renders the text
        e.occurred_at = h.failing_since.value_or(now);
        e.detected_at = now;
        e.details = {{"source", "ozon"},
                     {"watch", watch},
                     {"error", h.last_error},
                     {"failures", h.consecutive_failures}};
        if (h.failing_since) e.details["since"] = format_iso8601(*h.failing_since);
        out.push_back(std::move(e));
    };
    if (h.auth_failed) make("source.auth_failed", Severity::critical);
    if (h.unavailable) make("source.unavailable", Severity::warning);
    return out;
}

FailureKind classify_failure(std::exception_ptr e, std::string& message) {
    try {
        std::rethrow_exception(e);
    } catch (const ozon::ApiError& err) {
        message = err.what();
        return err.kind() == ozon::ErrorKind::auth ? FailureKind::auth : FailureKind::transient;
    } catch (const std::exception& err) {
        message = err.what();
    } catch (...) {
        message = "unknown error";
    }
    return FailureKind::transient;
}

Scheduler::Scheduler(Store& store, Router router, const Clock& clock, Millis unavailable_after,
                     double jitter_fraction)
    : store_(store), router_(std::move(router)), clock_(clock),
      unavailable_after_(unavailable_after), jitter_fraction_(jitter_fraction) {}

void Scheduler::add(std::shared_ptr<Watch> watch) {
    auto sw = std::make_unique<ScheduledWatch>();
    sw->runner = std::make_unique<WatchRunner>(std::move(watch), store_, router_, clock_);
    sw->next_due = clock_.now();
    watches_.push_back(std::move(sw));
}

Millis Scheduler::jitter(Millis interval) {
    if (jitter_fraction_ <= 0) return Millis{0};
    long long cap = std::min<long long>(static_cast<long long>(interval.count() * jitter_fraction_),
                                        30000);
    if (cap <= 0) return Millis{0};
    std::uniform_int_distribution<long long> d(0, cap);
    return Millis{d(rng_)};
}

awaitable<void> Scheduler::run_watch(std::size_t i) {
    ScheduledWatch& sw = *watches_[i];
    Watch& w = sw.runner->watch();
    sw.running = true;
    std::exception_ptr failure;
    try {
        sw.last_result = co_await sw.runner->run_once();
    } catch (...) {
        failure = std::current_exception();
    }
    sw.running = false;
    const TimePoint now = clock_.now();
    const std::string scope = "source:" + w.name();
    auto lg = log::get("scheduler");
    if (!failure) {
        record_success(sw.health);
        if (sw.health.source_conditions_dirty) {
            try {
                ApplyBatch b;
                b.now = now;
                b.conditions.push_back(ConditionSet{w.account(), scope, {}});
                store_.apply(b, router_);
                sw.health.source_conditions_dirty = false;
            } catch (const std::exception& e) {
                lg->error("{}/{}: cannot record source state: {}", w.account(), w.name(), e.what());
            }
        }
        sw.next_due = now + w.interval() + jitter(w.interval());
    } else {
        std::string message;
        FailureKind kind = classify_failure(failure, message);
        record_failure(sw.health, kind, message, now, unavailable_after_);
        Millis delay = failure_backoff(backoff_, kind, sw.health.consecutive_failures, w.interval());
        lg->warn("{}/{}: poll failed ({} in a row), next try in {}: {}", w.account(), w.name(),
                 sw.health.consecutive_failures, format_duration(delay), log::mask(message));
        try {
            ApplyBatch b;
            b.now = now;
            b.conditions.push_back(
                ConditionSet{w.account(), scope, source_conditions(sw.health, w.account(), w.name(), now)});
            store_.apply(b, router_);
        } catch (const std::exception& e) {
            lg->error("{}/{}: cannot record source state: {}", w.account(), w.name(), e.what());
        }
        sw.next_due = now + delay;
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

awaitable<void> Scheduler::watch_loop(std::size_t i, Millis tick) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    while (!stop_) {
        const TimePoint now = clock_.now();
        if (watches_[i]->next_due <= now) {
            co_await run_watch(i);
            continue;
        }
        timer.expires_after(std::min<Millis>(tick, watches_[i]->next_due - now));
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

awaitable<void> Scheduler::run(Millis tick) {
    auto ex = co_await asio::this_coro::executor;
    auto alive = std::make_shared<std::atomic<int>>(0);
    for (std::size_t i = 0; i < watches_.size(); ++i) {
        ++*alive;
        asio::co_spawn(ex, watch_loop(i, tick), [alive, i, this](std::exception_ptr e) {
            --*alive;
            if (e) {
                std::string m;
                classify_failure(e, m);
                log::get("scheduler")->error("watch {} loop ended: {}", i, m);
            }
        });
    }
    asio::steady_timer timer(ex);
    while (*alive > 0) {
        timer.expires_after(std::chrono::milliseconds(100));
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

}  // namespace ozw::daemon
