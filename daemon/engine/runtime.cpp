#include "daemon/engine/runtime.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "alerts/notifiers.hpp"
#include "alerts/router.hpp"
#include "common/logging.hpp"
#include "common/metrics.hpp"
#include "common/ratelimit.hpp"
#include "common/time.hpp"
#include "daemon/engine/module.hpp"

namespace ozw::daemon {

namespace asio = boost::asio;

namespace {
// Ozon pings a working receiver; a day without a ping means pushes were paused.
constexpr Millis kPushSilentAfter = std::chrono::hours(24);
constexpr Millis kPushHealthEvery = std::chrono::minutes(10);
}  // namespace

std::shared_ptr<Watch> AccountRuntime::watch(std::string_view name) const {
    for (const auto& w : watches)
        if (w->name() == name) return w;
    return nullptr;
}

std::vector<std::string> configured_but_not_implemented(const Config& cfg,
                                                        const std::string& language) {
    install_watch_modules();
    std::vector<std::string> out;
    for (const auto* m : watch_modules().all())
        if (!m->implemented() && settings_of(cfg, *m)->enabled) out.push_back(m->title(language));
    return out;
}

Runtime::Runtime(const Config& cfg, Store& store, const Clock& clock, asio::any_io_executor ex,
                 RuntimeOptions opt)
    : cfg_(cfg), store_(store), clock_(clock), opt_(opt) {
    install_watch_modules();
    router_ = opt_.notify ? alerts::make_router(cfg_, store_, clock_, opt_.with_console) : null_router();
    scheduler_ = std::make_unique<Scheduler>(store_, router_, clock_, cfg_.watches.unavailable_after,
                                             opt_.jitter_fraction);
    const auto modules = watch_modules().all();
    for (const auto& acc : cfg_.accounts) {
        AccountRuntime rt;
        rt.config = acc;
        // One limiter per account, shared by all its watches (Ozon counts per Client-Id).
        auto limiter = std::make_shared<RateLimiter>(acc.rate_limit);
        rt.client = std::make_shared<ozon::Client>(ex, acc, limiter, opt_.retry.value_or(ozon::RetryPolicy{}));
        accounts_.push_back(std::move(rt));
    }
    for (auto& rt : accounts_) {
        for (const auto* m : modules) {
            auto settings = settings_of(cfg_, *m);
            if (!m->implemented() || !settings->enabled) continue;
            const std::string account = rt.config.name;
            WatchContext ctx{cfg_, rt.config, rt.client, *settings,
                             [this, account](const std::string& watch, const SnapshotRowFilter& wanted) {
                                 return store_.has_snapshot(account, watch)
                                            ? std::optional(store_.load_snapshot(account, watch, wanted))
                                            : std::nullopt;
                             },
                             [this, account](const std::string& watch, const std::string& key_field,
                                             const std::string& value_field, const std::vector<long long>& only_keys) {
                                 return store_.has_snapshot(account, watch)
                                            ? std::optional(store_.snapshot_index(account, watch, key_field,
                                                                                  value_field, only_keys))
                                            : std::nullopt;
                             }};
            auto w = m->create(ctx);
            rt.watches.push_back(w);
            scheduler_->add(w);
        }
    }
    // Say plainly which configured watches do nothing yet, so nobody relies on silence.
    for (const auto* m : modules)
        if (!m->implemented() && settings_of(cfg_, *m)->enabled) {
            not_watched_.push_back(m->title(cfg_.notify.language));
            spdlog::warn("watches.{}: this watch is not implemented yet in this release; "
                         "check that section of the seller cabinet by hand", m->name());
        }
    if (opt_.notify) {
        dispatcher_ = std::make_unique<alerts::Dispatcher>(
            cfg_, store_, clock_, alerts::make_notifiers(cfg_, ex, clock_, opt_.with_console));
    }
}

Runtime::~Runtime() = default;

ReportOptions Runtime::report_options() const {
    ReportOptions o;
    o.language = cfg_.notify.language;
    o.timezone = cfg_.timezone;
    o.now = clock_.now();
    return o;
}

std::vector<AccountReport> Runtime::reports() {
    const ReportOptions o = report_options();
    std::vector<AccountReport> out;
    for (const auto& rt : accounts_) {
        AccountReport r;
        r.account = rt.config.name;
        for (std::size_t i = 0; i < scheduler_->size(); ++i) {
            auto& sw = scheduler_->at(i);
            Watch& w = sw.runner->watch();
            if (w.account() != r.account) continue;
            WatchReport s;
            s.watch = w.name();
            s.title = w.report_title(o);
            // Failing now: what it said before is no longer the cabinet's state.
            if (sw.health.consecutive_failures > 0 && sw.health.last_failure != FailureKind::not_available) {
                s.checked = false;
                s.error = sw.health.last_error;
            } else {
                s.lines = w.report_lines(o);
                if (s.lines.empty()) continue;  // a watch with health lines only (the API key)
            }
            r.sections.push_back(std::move(s));
        }
        r.not_watched = not_watched_;
        r.health = health_lines(r.account, o);
        for (const auto& c : store_.active_conditions(r.account)) r.firing.push_back(c.event);
        // Conditions of the whole daemon (no account: the push receiver's health) concern
        // every account's manager.
        for (const auto& c : store_.active_conditions({}, kPushScope))
            if (c.event.account.empty()) r.firing.push_back(c.event);
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<std::string> Runtime::health_lines(const std::string& account, const ReportOptions& o) {
    const bool ru = o.language != "en";
    const TimeZone tz(o.timezone);
    // Each source the account's watches read (the Ozon API): answering, or since when it
    // fails and for which sections; a method the account may not use is said as such.
    std::vector<std::string> sources;
    for (std::size_t i = 0; i < scheduler_->size(); ++i) {
        Watch& w = scheduler_->at(i).runner->watch();
        if (w.account() == account && std::find(sources.begin(), sources.end(), w.source()) == sources.end())
            sources.push_back(w.source());
    }
    std::vector<std::string> lines;
    for (const auto& source : sources) {
        std::string failing, unavailable, not_polled;
        std::optional<TimePoint> since, last_success;
        for (std::size_t i = 0; i < scheduler_->size(); ++i) {
            const auto& sw = scheduler_->at(i);
            Watch& w = sw.runner->watch();
            if (w.account() != account || w.source() != source) continue;
            const std::string title = w.report_title(o);
            if (sw.last_success && (!last_success || *sw.last_success > *last_success)) last_success = sw.last_success;
            if (sw.health.consecutive_failures > 0 && sw.health.last_failure == FailureKind::not_available) {
                unavailable += (unavailable.empty() ? "" : ", ") + title;
            } else if (sw.health.consecutive_failures > 0) {
                failing += (failing.empty() ? "" : "; ") + title + ": " + sw.health.last_error;
                if (sw.health.failing_since && (!since || *sw.health.failing_since < *since)) since = sw.health.failing_since;
            } else if (!sw.last_result) {
                not_polled += (not_polled.empty() ? "" : ", ") + title;
            }
        }
        std::string line = source_display_name(source) + ": ";
        if (!failing.empty())
            line += (ru ? "ошибки" : "failing") +
                    (since ? (ru ? " с " : " since ") + tz.format_local(*since) : std::string()) + " (" + failing + ")";
        else
            line += ru ? "отвечает" : "answering";
        if (last_success)
            line += (ru ? " (последний успешный опрос " : " (last successful poll ") + tz.format_local(*last_success) + ")";
        if (!not_polled.empty()) line += (ru ? "; ещё не опрошено: " : "; not polled yet: ") + not_polled;
        if (!unavailable.empty()) line += (ru ? "; недоступно аккаунту: " : "; not available to the account: ") + unavailable;
        lines.push_back(line);
    }
    for (std::size_t i = 0; i < scheduler_->size(); ++i) {
        Watch& w = scheduler_->at(i).runner->watch();
        if (w.account() != account) continue;
        for (auto& l : w.health_lines(o)) lines.push_back(std::move(l));
    }
    if (cfg_.push.enabled) {
        try {
            lines.push_back(push_health_line(push_health(), o.now, kPushSilentAfter, ru, o.timezone));
        } catch (const std::exception& e) {
            log::get("push")->error("cannot read the push receiver's state: {}", e.what());
        }
    }
    return lines;
}

std::vector<Event> Runtime::record_daily_report(TimePoint now) {
    ApplyBatch b;
    b.now = now;
    for (const auto& r : reports()) b.transitions.push_back(make_report_event(r, now, report_options()));
    auto recorded = store_.apply(b, router_).recorded;
    for (const Event& e : recorded) metrics::families::events().with({e.account, e.type, to_string(e.state)}).inc();
    return recorded;
}

TimePoint Runtime::next_report_time(TimePoint after) const {
    TimeZone tz(cfg_.timezone);
    TimePoint t = tz.at_local(after, cfg_.report.at);
    // Step whole local days (26 h then re-anchor) so daylight-saving days work.
    while (t <= after) t = tz.at_local(t + std::chrono::hours(26), cfg_.report.at);
    return t;
}

asio::awaitable<void> Runtime::report_loop(const std::atomic<bool>& stop) {
    if (!cfg_.report.enabled) co_return;
    asio::steady_timer timer(co_await asio::this_coro::executor);
    struct Unregister {
        std::shared_ptr<asio::steady_timer*> slot;
        ~Unregister() { *slot = nullptr; }
    } unregister{report_timer_};
    *report_timer_ = &timer;
    TimePoint next = next_report_time(clock_.now());
    while (!stop) {
        if (clock_.now() >= next) {
            try {
                record_daily_report(clock_.now());
            } catch (const std::exception& e) {
                log::get("report")->error("morning report not recorded: {}", e.what());
            }
            next = next_report_time(clock_.now());
        }
        timer.expires_after(std::clamp<Millis>(std::chrono::duration_cast<Millis>(next - clock_.now()),
                                               Millis{0}, std::chrono::minutes(1)));
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

Store::PruneResult Runtime::prune_history(TimePoint now) {
    const auto r = store_.prune(now - cfg_.retention);
    if (r.events || r.outbox_rows || r.silences)
        log::get("store")->info("retention {}: pruned {} events, {} delivered outbox rows, {} expired silences",
                                format_duration(cfg_.retention), r.events, r.outbox_rows, r.silences);
    return r;
}

asio::awaitable<void> Runtime::maintenance_loop(const std::atomic<bool>& stop) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    struct Unregister {
        std::shared_ptr<asio::steady_timer*> slot;
        ~Unregister() { *slot = nullptr; }
    } unregister{maintenance_timer_};
    *maintenance_timer_ = &timer;
    TimePoint next = clock_.now();
    TimePoint next_push_check = clock_.now();
    while (!stop) {
        if (clock_.now() >= next) {
            try {
                prune_history(clock_.now());
            } catch (const std::exception& e) {
                log::get("store")->error("pruning old history failed (tried again in a day): {}", e.what());
            }
            next = clock_.now() + std::chrono::hours(24);
        }
        if (clock_.now() >= next_push_check) {
            try {
                check_push_health(clock_.now());
            } catch (const std::exception& e) {
                log::get("push")->error("cannot check whether Ozon still sends pushes: {}", e.what());
            }
            next_push_check = clock_.now() + kPushHealthEvery;
        }
        // At most 10 minutes at a time, so that a step of the clock is noticed.
        timer.expires_after(std::clamp<Millis>(
            std::chrono::duration_cast<Millis>(std::min(next, next_push_check) - clock_.now()), Millis{0},
            kPushHealthEvery));
        boost::system::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

std::size_t Runtime::accept_push(long long inbox_id, const std::string& account, const push::PushMessage& m) {
    const std::size_t taken = scheduler_->offer_push(inbox_id, account, m);
    if (taken == 0 && inbox_id) {
        // Nothing here acts on it (an FBO or product push, a type of no watch): done.
        try {
            store_.mark_push_processed(inbox_id, clock_.now());
        } catch (const std::exception& e) {
            log::get("push")->error("cannot mark push inbox row {} processed: {}", inbox_id, e.what());
        }
    }
    return taken;
}

PushHealth Runtime::push_health() const {
    PushHealth h;
    if (auto p = store_.cursor("", "push", "last_ping"); p && !p->empty()) h.last_ping = parse_iso8601(*p);
    if (auto e = store_.cursor("", "push", "enabled_since"); e && !e->empty()) h.enabled_since = parse_iso8601(*e);
    return h;
}

void Runtime::check_push_health(TimePoint now) {
    const auto enabled_since = store_.cursor("", "push", "enabled_since");
    const bool was_enabled = enabled_since && !enabled_since->empty();
    std::vector<Event> holding;
    if (cfg_.push.enabled) {
        if (!was_enabled) store_.set_cursor("", "push", "enabled_since", format_iso8601(now), now);
        holding = push_silence_conditions(push_health(), now, kPushSilentAfter);
    } else if (was_enabled) {
        // Pushes switched off: their silence is no longer news; a later switch-on starts afresh.
        store_.set_cursor("", "push", "enabled_since", "", now);
    } else {
        return;  // off, and nothing stored
    }
    ApplyBatch b;
    b.now = now;
    b.conditions.push_back(ConditionSet{"", kPushScope, std::move(holding)});
    auto recorded = store_.apply(b, router_).recorded;
    for (const Event& e : recorded) metrics::families::events().with({e.account, e.type, to_string(e.state)}).inc();
}

void Runtime::wake_for_stop() {
    scheduler_->stop();
    if (*report_timer_) (*report_timer_)->cancel();
    if (*maintenance_timer_) (*maintenance_timer_)->cancel();
    if (dispatcher_) dispatcher_->wake();
}

}  // namespace ozw::daemon
