#include "alerts/dispatcher.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

#include "alerts/templates.hpp"
#include "common/time.hpp"

namespace asio = boost::asio;

namespace ozw::alerts {

namespace {

bool has_console(const std::vector<NotifierPtr>& ns) {
    return std::any_of(ns.begin(), ns.end(), [](const NotifierPtr& n) { return n && n->channel() == "console"; });
}

// A sanity cap for channels without a size limit (email): one mail per group, but a burst of
// thousands of events still leaves as readable mails.
constexpr std::size_t kMaxEventsPerMessage = 100;
// Room left for the group header and separators when packing to a channel's size limit.
constexpr std::size_t kHeaderReserve = 64;

}  // namespace

Millis retry_backoff(int attempts) {
    const Millis base{5000}, cap{30 * 60 * 1000};
    if (attempts < 0) attempts = 0;
    if (attempts >= 20) return cap;
    return std::min<Millis>(cap, base * (1LL << attempts));
}

Millis repeat_interval(const NotifyConfig& n, Severity s) {
    switch (s) {
        case Severity::critical: return n.repeat_critical;
        case Severity::warning: return n.repeat_warning;
        default: return Millis::max();
    }
}

Dispatcher::Dispatcher(const Config& cfg, Store& store, const Clock& clock,
                       std::vector<NotifierPtr> notifiers)
    : cfg_(cfg),
      store_(store),
      clock_(clock),
      notifiers_(std::move(notifiers)),
      router_(cfg, store, clock, has_console(notifiers_)) {
    ensure_event_types_registered();  // notify.delivery_failed is ours to declare
}

Dispatcher::~Dispatcher() = default;

Notifier* Dispatcher::notifier(const std::string& channel) const {
    for (const auto& n : notifiers_)
        if (n->channel() == channel) return n.get();
    return nullptr;
}

int Dispatcher::enqueue_repeats(TimePoint now) {
    int count = 0;
    std::optional<std::vector<Silence>> silences;
    for (const auto& c : store_.active_conditions()) {
        Millis every = repeat_interval(cfg_.notify, c.event.severity);
        if (every == Millis::max() || every.count() <= 0) continue;
        if (c.last_announced_at + every > now) continue;
        if (!silences) silences = store_.silences(now);
        // A repeat is not a state change: the event log does not get it again.
        auto targets = router_.route(c.event, *silences, now, /*include_logs=*/false);
        if (targets.empty()) continue;  // silenced or routed nowhere: announce when it ends
        store_.enqueue(c.last_event_id, targets, "repeat", now);
        store_.mark_announced(c.account, c.key, now);
        ++count;
    }
    stats_.repeats_enqueued += count;
    return count;
}

asio::awaitable<void> Dispatcher::tick() {
    TimePoint now = clock_.now();
    try {
        enqueue_repeats(now);
    } catch (const std::exception& e) {
        spdlog::error("dispatch: repeats failed: {}", e.what());
    }
    for (auto& n : notifiers_) {
        try {
            co_await flush_channel(*n, now);
        } catch (const std::exception& e) {
            spdlog::error("dispatch: channel {} failed: {}", n->channel(), e.what());
        }
    }
}

asio::awaitable<void> Dispatcher::run(const std::atomic<bool>& stop) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    while (!stop.load()) {
        co_await tick();
        timer.expires_after(std::chrono::seconds(1));
        co_await timer.async_wait(asio::use_awaitable);
    }
}

void Dispatcher::tick_sync() {
    asio::io_context ioc;
    tick_sync(ioc);
}

void Dispatcher::tick_sync(asio::io_context& ioc) {
    std::exception_ptr err;
    asio::co_spawn(ioc, tick(), [&](std::exception_ptr e) { err = e; });
    ioc.restart();
    ioc.run();
    if (err) std::rethrow_exception(err);
}

asio::awaitable<void> Dispatcher::flush_channel(Notifier& n, TimePoint now) {
    const std::string ch = n.channel();
    if (auto it = blocked_until_.find(ch); it != blocked_until_.end()) {
        if (it->second > now) co_return;  // honouring a retry_after / backoff for the channel
        blocked_until_.erase(it);
    }
    auto rows = store_.due_outbox(ch, now);
    if (rows.empty()) co_return;

    if (!n.immediate()) {
        TimePoint oldest = rows.front().created_at;
        bool critical = false;
        for (const auto& r : rows) {
            oldest = std::min(oldest, r.created_at);
            critical = critical || r.event.severity == Severity::critical;
        }
        if (oldest + cfg_.notify.group_wait > now) co_return;  // group_wait: let the burst gather
        if (!critical) {
            auto it = last_sent_.find(ch);
            if (it != last_sent_.end() && it->second + cfg_.notify.group_interval > now) co_return;
        }
    }

    RenderOptions ro;
    ro.language = cfg_.notify.language;
    ro.timezone = cfg_.timezone;

    // Pack rows into messages that fit the channel (one message per group where possible).
    std::vector<std::vector<const OutboxRow*>> packs;
    const std::size_t limit = n.max_message_chars();
    std::size_t used = 0;
    for (const auto& r : rows) {
        std::size_t len = 0;
        if (limit) len = utf8_length(render_event(r.event, r.reason, ro, Format::html)) + 2;
        bool fits = !packs.empty() && packs.back().size() < kMaxEventsPerMessage &&
                    (!limit || used + len + kHeaderReserve <= limit);
        if (!fits) {
            packs.emplace_back();
            used = 0;
        }
        packs.back().push_back(&r);
        used += len;
    }

    for (const auto& pack : packs) {
        std::vector<Event> events;
        std::vector<std::string> reasons;
        std::vector<long long> ids;
        int attempts = 0;
        bool all_notices = true;
        for (const auto* r : pack) {
            events.push_back(r->event);
            reasons.push_back(r->reason);
            ids.push_back(r->id);
            attempts = std::max(attempts, r->attempts);
            all_notices = all_notices && r->reason == "notice";
        }
        RenderedMessage msg = render_group(events, reasons, ro);
        SendResult res;
        try {
            res = co_await n.send(msg);
        } catch (const std::exception& e) {
            res = SendResult::backoff(e.what());
        }
        TimePoint done = clock_.now();
        if (res.ok()) {
            store_.mark_sent(ids, done);
            last_sent_[ch] = done;
            stats_.messages_sent += 1;
            stats_.rows_sent += static_cast<long long>(ids.size());
            continue;
        }
        const bool last_attempt = attempts + 1 >= cfg_.notify.max_attempts;
        if (res.kind == SendResult::Kind::permanent || last_attempt) {
            std::string why = res.kind == SendResult::Kind::permanent
                                  ? res.error
                                  : res.error + " (after " + std::to_string(attempts + 1) + " attempts)";
            store_.mark_failed(ids, why, done);
            stats_.rows_failed += static_cast<long long>(ids.size());
            std::vector<OutboxRow> failed;
            for (const auto* r : pack) failed.push_back(*r);
            record_failure(ch, failed, why, done, all_notices);
            continue;
        }
        Millis wait = res.kind == SendResult::Kind::retry_after ? res.retry_after : retry_backoff(attempts);
        TimePoint next = done + wait;
        store_.mark_retry(ids, next, res.error);
        stats_.rows_retried += static_cast<long long>(ids.size());
        blocked_until_[ch] = next;
        spdlog::warn("notify: {} refused {} event(s), retry in {}: {}", ch, ids.size(),
                     format_duration(wait), res.error);
        co_return;  // the rest of this channel's rows wait for the same retry time
    }
}

void Dispatcher::record_failure(const std::string& channel, const std::vector<OutboxRow>& rows,
                                const std::string& error, TimePoint now, bool all_notices) {
    spdlog::error("notify: {} event(s) could not be delivered to {}: {}", rows.size(), channel, error);
    if (all_notices) return;  // a notice about a failed notice would loop between broken channels
    Event e;
    e.type = "notify.delivery_failed";
    e.kind = EventKind::transition;
    e.severity = Severity::warning;
    for (const auto& r : rows) e.severity = std::max(e.severity, r.event.severity);
    e.key = "notify.delivery_failed:" + channel + ":" + std::to_string(now.time_since_epoch().count()) +
            ":" + std::to_string(rows.front().id);
    e.title = "Delivery to " + channel + " failed";
    e.occurred_at = now;
    e.detected_at = now;
    nlohmann::json keys = nlohmann::json::array();
    for (std::size_t i = 0; i < rows.size() && i < 20; ++i) keys.push_back(rows[i].event.key);
    e.details = {{"channel", channel}, {"error", error}, {"count", rows.size()}, {"event_keys", keys}};
    std::vector<OutboxTarget> targets;
    for (const auto& c : router_.channels())
        if (c.name != channel) targets.push_back({c.name, now});
    try {
        store_.record_notice(e, targets, now);
    } catch (const std::exception& ex) {
        spdlog::error("notify: could not record the failure notice: {}", ex.what());
    }
}

}  // namespace ozw::alerts
