// GCC 12 reports a false -Wmismatched-new-delete on asio coroutine frames.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include "alerts/dispatcher.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

#include "alerts/templates.hpp"
#include "common/logging.hpp"
#include "common/metrics.hpp"
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

constexpr TimePoint kNever = TimePoint::max();

// The first instant at which flush_channel acts on these pending rows (sorted by
// next_attempt_at): the due set grows at each next_attempt_at; while it is constant, the flush
// acts once the channel is unblocked, its oldest due row is group_wait old and (unless a due
// row is critical) group_interval has passed since the last send.
TimePoint channel_due_at(const std::vector<PendingMeta>& rows, bool immediate, const NotifyConfig& n,
                         std::optional<TimePoint> last_sent, std::optional<TimePoint> blocked) {
    TimePoint oldest = kNever;
    bool critical = false;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const TimePoint t = rows[i].next_attempt_at;
        oldest = std::min(oldest, rows[i].created_at);
        critical = critical || rows[i].critical;
        if (i + 1 < rows.size() && rows[i + 1].next_attempt_at == t) continue;
        TimePoint cand = t;
        if (blocked) cand = std::max(cand, *blocked);
        if (!immediate) {
            cand = std::max(cand, oldest + n.group_wait);
            if (!critical && last_sent) cand = std::max(cand, *last_sent + n.group_interval);
        }
        const TimePoint next_t = i + 1 < rows.size() ? rows[i + 1].next_attempt_at : kNever;
        if (cand < next_t) return cand;
    }
    return kNever;
}

}  // namespace

Millis retry_backoff(int attempts) {
    // Capped at 5 min: a channel back from an outage is tried again within 5 min (a day of
    // outage costs 288 tries per channel, nothing), and rows wait for max_age, not a count.
    const Millis base{5000}, cap{5 * 60 * 1000};
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
    listener_id_ = store_.subscribe([this](const StoreChangeSet& changes) { on_store_change(changes); });
}

Dispatcher::~Dispatcher() { store_.unsubscribe(listener_id_); }

void Dispatcher::on_store_change(const StoreChangeSet& set) {
    const unsigned changes = set.bits;
    if (changes & kOutboxAdded) outbox_dirty_.store(true);
    if (changes & kConditionsChanged) {
        if (set.conditions.empty()) {
            repeats_dirty_.store(true);  // the extent is unknown: re-read them all
        } else {
            std::lock_guard lk(changes_mu_);
            condition_changes_.insert(condition_changes_.end(), set.conditions.begin(), set.conditions.end());
            conditions_pending_.store(true);
        }
    }
    if (changes & kSilencesChanged) {
        silences_dirty_.store(true);
        repeats_dirty_.store(true);
    }
    // Wake the run loop if it sleeps: cancel its timer on the timer's own executor.
    std::lock_guard lk(wake_mu_);
    if (wake_exec_)
        asio::post(*wake_exec_, [w = sleeping_] {
            if (auto t = w.lock()) t->cancel();
        });
}

void Dispatcher::refresh_channel(const std::string& ch) {
    Notifier* n = notifier(ch);
    if (!n) return;
    auto rows = store_.pending_schedule(ch);
    std::optional<TimePoint> last, blocked;
    if (auto it = last_sent_.find(ch); it != last_sent_.end()) last = it->second;
    if (auto it = blocked_until_.find(ch); it != blocked_until_.end()) blocked = it->second;
    TimePoint due = channel_due_at(rows, n->immediate(), cfg_.notify, last, blocked);
    if (due == kNever) channel_due_.erase(ch);
    else channel_due_[ch] = due;
}

void Dispatcher::refresh_channels() {
    for (const auto& n : notifiers_) refresh_channel(n->channel());
}

void Dispatcher::schedule_repeat(const std::string& account, const std::string& key, TimePoint when) {
    CondId id{account, key};
    if (auto it = repeat_at_.find(id); it != repeat_at_.end()) {
        repeat_due_.erase({it->second, id});
        it->second = when;
    } else {
        repeat_at_.emplace(id, when);
    }
    repeat_due_.insert({when, std::move(id)});
}

void Dispatcher::forget_repeat(const CondId& id) {
    if (auto it = repeat_at_.find(id); it != repeat_at_.end()) {
        repeat_due_.erase({it->second, id});
        repeat_at_.erase(it);
    }
    snoozed_.erase(id);
}

void Dispatcher::apply_condition_changes() {
    if (!conditions_pending_.exchange(false)) return;
    std::vector<ConditionChange> changes;
    {
        std::lock_guard lk(changes_mu_);
        changes.swap(condition_changes_);
    }
    // Applied in commit order. An entry may repeat what a rebuild has just read: setting the
    // same time again is harmless, and a stale time is corrected when it comes due (the row is
    // read then and rescheduled from its real last_announced_at).
    for (const auto& c : changes) {
        CondId id{c.meta.account, c.meta.key};
        forget_repeat(id);  // a new firing is announced now: any snooze is moot
        if (c.resolved) continue;
        Millis every = repeat_interval(cfg_.notify, c.meta.severity);
        if (every == Millis::max() || every.count() <= 0) continue;
        schedule_repeat(id.first, id.second, c.meta.last_announced_at + every);
    }
}

void Dispatcher::rebuild_repeat_index() {
    if (silences_dirty_.exchange(false)) snoozed_.clear();
    {
        // Everything committed so far is read below; later changes are queued after this.
        std::lock_guard lk(changes_mu_);
        condition_changes_.clear();
        conditions_pending_.store(false);
    }
    repeat_due_.clear();
    repeat_at_.clear();
    std::map<CondId, TimePoint> snoozed;
    for (auto& m : store_.condition_schedule()) {
        Millis every = repeat_interval(cfg_.notify, m.severity);
        if (every == Millis::max() || every.count() <= 0) continue;
        TimePoint when = m.last_announced_at + every;
        CondId id{m.account, m.key};
        if (auto it = snoozed_.find(id); it != snoozed_.end() && it->second > when) {
            when = it->second;  // silenced when last due: looked at again when the silence ends
            snoozed.emplace(id, it->second);
        }
        schedule_repeat(id.first, id.second, when);
    }
    snoozed_ = std::move(snoozed);
}

TimePoint Dispatcher::next_due() const {
    TimePoint due = repeat_due_.empty() ? kNever : repeat_due_.begin()->first;
    for (const auto& [ch, t] : channel_due_) due = std::min(due, t);
    for (const auto& [ch, t] : probe_at_) due = std::min(due, t);
    return due;
}

Notifier* Dispatcher::notifier(const std::string& channel) const {
    for (const auto& n : notifiers_)
        if (n->channel() == channel) return n.get();
    return nullptr;
}

int Dispatcher::enqueue_repeats(TimePoint now) {
    if (repeats_dirty_.exchange(false)) rebuild_repeat_index();
    apply_condition_changes();
    int count = 0;
    std::optional<std::vector<Silence>> silences;
    // Only the conditions whose next-repeat time has come are read (one row each).
    while (!repeat_due_.empty() && repeat_due_.begin()->first <= now) {
        const CondId id = repeat_due_.begin()->second;
        auto forget = [&] {
            repeat_due_.erase(repeat_due_.begin());
            repeat_at_.erase(id);
        };
        auto c = store_.active_condition(id.first, id.second);
        if (!c) {  // resolved meanwhile
            forget();
            continue;
        }
        Millis every = repeat_interval(cfg_.notify, c->event.severity);
        if (every == Millis::max() || every.count() <= 0) {
            forget();
            continue;
        }
        if (c->last_announced_at + every > now) {  // announced since the index was built
            schedule_repeat(id.first, id.second, c->last_announced_at + every);
            continue;
        }
        if (!silences) silences = store_.silences(now);
        // A repeat is not a state change: the event log does not get it again.
        auto targets = router_.route(c->event, *silences, now, /*include_logs=*/false);
        if (targets.empty()) {
            // Silenced: announce when the silence ends (or is removed: the store tells us).
            // Routed nowhere: the routes do not change while this dispatcher lives.
            TimePoint when = kNever;
            for (const auto& s : *silences)
                if (s.matches(c->event) && s.expires_at > now) when = std::min(when, s.expires_at);
            if (when == kNever) when = now + every;
            else snoozed_[id] = when;
            schedule_repeat(id.first, id.second, when);
            continue;
        }
        store_.enqueue(c->last_event_id, targets, "repeat", now);
        store_.mark_announced(c->account, c->key, now);
        snoozed_.erase(id);
        schedule_repeat(id.first, id.second, now + every);
        ++count;
    }
    stats_.repeats_enqueued += count;
    return count;
}

asio::awaitable<void> Dispatcher::tick() {
    TimePoint now = clock_.now();
    failed_pass_ = false;
    const auto steady = std::chrono::steady_clock::now();
    if (steady - last_resync_ >= kResyncEvery) {
        // Another process (`ozonwatch silence`, an admin command) writes without telling our
        // listeners: rebuild from the store only when SQLite says someone did. The first pass
        // always builds.
        last_resync_ = steady;
        bool elsewhere = true;
        try {
            elsewhere = store_.changed_elsewhere();
        } catch (const std::exception& e) {
            spdlog::warn("dispatch: could not ask the store for outside changes: {}", e.what());
        }
        if (elsewhere) {
            outbox_dirty_.store(true);
            silences_dirty_.store(true);
            repeats_dirty_.store(true);
        }
    }
    try {
        if (repeats_dirty_.load() || conditions_pending_.load() ||
            (!repeat_due_.empty() && repeat_due_.begin()->first <= now))
            enqueue_repeats(now);
    } catch (const std::exception& e) {
        failed_pass_ = true;
        spdlog::error("dispatch: repeats failed: {}", e.what());
    }
    for (auto& n : notifiers_) {
        const std::string ch = n->channel();
        try {
            // New rows (from apply, from the repeats above, from a failure notice just
            // recorded for this channel) are looked at before the channel is.
            if (outbox_dirty_.exchange(false)) refresh_channels();
            if (auto p = probe_at_.find(ch); p != probe_at_.end() && p->second <= now)
                co_await probe_channel(*n, now);
            auto it = channel_due_.find(ch);
            if (it == channel_due_.end() || it->second > now) continue;
            bool acted = co_await flush_channel(*n, now);
            store_failures_.erase(ch);
            refresh_channel(ch);
            // Never spin: a channel that was due but had nothing to do waits a slice.
            if (!acted) {
                auto due = channel_due_.find(ch);
                if (due != channel_due_.end() && due->second <= now) due->second = now + kWakeSlice;
            }
        } catch (const std::exception& e) {
            // The store failed (disk full, read-only): back off like a failed send, so neither
            // the log nor the channel is flooded; a send already made is not repeated.
            failed_pass_ = true;
            const Millis wait = retry_backoff(store_failures_[ch]++);
            blocked_until_[ch] = now + wait;
            channel_due_[ch] = now + wait;
            spdlog::error("dispatch: channel {} failed, next try in {}: {}", ch, format_duration(wait), e.what());
        }
    }
}

asio::awaitable<void> Dispatcher::run(const std::atomic<bool>& stop) {
    auto exec = co_await asio::this_coro::executor;
    auto timer = std::make_shared<asio::steady_timer>(exec);
    {
        std::lock_guard lk(wake_mu_);
        sleeping_ = timer;
        wake_exec_ = exec;
    }
    struct Unregister {
        Dispatcher& d;
        ~Unregister() {
            std::lock_guard lk(d.wake_mu_);
            d.sleeping_.reset();
            d.wake_exec_.reset();
        }
    } unregister{*this};
    auto changed = [&] { return outbox_dirty_.load() || repeats_dirty_.load() || conditions_pending_.load(); };
    auto sleep = [&](Millis d) -> asio::awaitable<void> {
        timer->expires_after(d);
        boost::system::error_code ec;  // operation_aborted: woken by a store change
        co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    };
    while (!stop.load()) {
        co_await tick();
        if (failed_pass_) {  // a failing store: try again at the old pace, not in a spin
            co_await sleep(kWakeSlice);
            continue;
        }
        // Sleep until something is due, the store reports a change, or the outside-change
        // check. A wake reads only the clock and the flags: no query.
        while (!stop.load() && !changed()) {
            const auto since_resync = std::chrono::steady_clock::now() - last_resync_;
            if (since_resync >= kResyncEvery) break;
            const TimePoint now = clock_.now();
            const TimePoint due = next_due();
            if (due <= now) break;
            Millis slice = kWakeSlice;
            if (clock_.real_time())  // + 1 ms: wake just past the check, not just before it
                slice = std::chrono::duration_cast<Millis>(kResyncEvery - since_resync) + Millis{1};
            co_await sleep(due == kNever ? slice : std::min<Millis>(slice, due - now));
        }
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

asio::awaitable<bool> Dispatcher::flush_channel(Notifier& n, TimePoint now) {
    const std::string ch = n.channel();
    if (auto it = blocked_until_.find(ch); it != blocked_until_.end()) {
        if (it->second > now) co_return false;  // honouring a retry_after / backoff for the channel
        blocked_until_.erase(it);
    }
    if (auto u = unrecorded_.find(ch); u != unrecorded_.end()) {
        // Delivered earlier but not recorded (the store failed): record them first. If it
        // fails again this throws and the channel backs off (tick); nothing is sent twice.
        store_.mark_sent(u->second, now);
        unrecorded_.erase(u);
    }
    auto rows = store_.due_outbox(ch, now);
    if (rows.empty()) co_return false;

    if (!n.immediate()) {
        TimePoint oldest = rows.front().created_at;
        bool critical = false;
        for (const auto& r : rows) {
            oldest = std::min(oldest, r.created_at);
            critical = critical || r.event.severity == Severity::critical;
        }
        if (oldest + cfg_.notify.group_wait > now) co_return false;  // group_wait: let the burst gather
        if (!critical) {
            auto it = last_sent_.find(ch);
            if (it != last_sent_.end() && it->second + cfg_.notify.group_interval > now) co_return false;
        }
    }

    RenderOptions ro;
    ro.language = cfg_.notify.language;
    ro.timezone = cfg_.timezone;

    // Pack rows into messages that fit the channel (one message per group where possible).
    // Each event is rendered once: the HTML measured here is reused for the message.
    struct Pack {
        std::vector<OutboxRow*> rows;
        std::vector<std::string> html;  // per row, when the channel has a size limit
    };
    std::vector<Pack> packs;
    const std::size_t limit = n.reads_rendered_text() ? n.max_message_chars() : 0;
    std::size_t used = 0;
    for (auto& r : rows) {
        std::string html;
        std::size_t len = 0;
        if (limit) {
            html = render_event(r.event, r.reason, ro, Format::html);
            len = utf8_length(html) + 2;
        }
        bool fits = !packs.empty() && packs.back().rows.size() < kMaxEventsPerMessage &&
                    (!limit || used + len + kHeaderReserve <= limit);
        if (!fits) {
            packs.emplace_back();
            used = 0;
        }
        packs.back().rows.push_back(&r);
        if (limit) packs.back().html.push_back(std::move(html));
        used += len;
    }

    for (auto& pack : packs) {
        RenderedMessage msg;
        std::vector<long long> ids;
        int attempts = 0;
        for (auto* r : pack.rows) {
            msg.events.push_back(std::move(r->event));  // the rows are ours: no copy
            msg.reasons.push_back(r->reason);
            ids.push_back(r->id);
            attempts = std::max(attempts, r->attempts);
        }
        if (n.reads_rendered_text()) {
            render_group_into(msg, ro, pack.html);
        } else {
            msg.reasons.resize(msg.events.size(), "new");
            for (const auto& e : msg.events) msg.severity = std::max(msg.severity, e.severity);
            msg.silent = msg.severity == Severity::info;
        }
        SendResult res;
        try {
            res = co_await n.send(msg);
        } catch (const std::exception& e) {
            res = SendResult::backoff(e.what());
        }
        TimePoint done = clock_.now();
        // A server's error text is foreign: it may quote a secret (a token in a URL, a key). It
        // is masked before it reaches the outbox, the notice to the other channels or the log.
        res.error = log::mask(res.error);
        if (res.ok()) {
            last_sent_[ch] = done;
            probe_at_.erase(ch);
            try {
                store_.mark_sent(ids, done);
            } catch (const std::exception&) {
                // The message is out and must not go again: remember it, block the channel
                // and record it when the store works again (tick backs off).
                auto& u = unrecorded_[ch];
                u.insert(u.end(), ids.begin(), ids.end());
                stats_.messages_sent += 1;
                throw;
            }
            stats_.messages_sent += 1;
            stats_.rows_sent += static_cast<long long>(ids.size());
            continue;
        }
        // Retried until max_age; a permanent error fails at once. Rows of one message can be
        // of different ages: only those past max_age give up now.
        std::vector<std::size_t> give_up;
        for (std::size_t i = 0; i < pack.rows.size(); ++i)
            if (res.kind == SendResult::Kind::permanent || pack.rows[i]->created_at + cfg_.notify.max_age <= done)
                give_up.push_back(i);
        if (!give_up.empty()) {
            std::string why = res.kind == SendResult::Kind::permanent
                                  ? res.error
                                  : res.error + " (undelivered for " + format_duration(cfg_.notify.max_age) +
                                        ", " + std::to_string(attempts + 1) + " attempts)";
            std::vector<long long> failed_ids;
            std::vector<OutboxRow> failed;
            for (std::size_t i : give_up) {
                failed_ids.push_back(pack.rows[i]->id);
                failed.push_back(std::move(*pack.rows[i]));
                failed.back().event = std::move(msg.events[i]);
            }
            store_.mark_failed(failed_ids, why, done);
            stats_.rows_failed += static_cast<long long>(failed_ids.size());
            bool notices_only = true;
            for (const auto& r : failed) notices_only = notices_only && r.reason == "notice";
            record_failure(ch, failed, why, done, notices_only);
            if (failed_ids.size() == ids.size()) continue;
            std::vector<long long> rest;
            for (auto id : ids)
                if (std::find(failed_ids.begin(), failed_ids.end(), id) == failed_ids.end()) rest.push_back(id);
            ids = std::move(rest);
        }
        // A server-supplied wait is clamped before any arithmetic (a retry_after of 1e15 s
        // must not block the channel for ever, nor overflow into the past).
        Millis wait = res.kind == SendResult::Kind::retry_after
                          ? std::clamp(res.retry_after, Millis{0}, kMaxServerWait)
                          : retry_backoff(attempts);
        TimePoint next = done + wait;
        store_.mark_retry(ids, next, res.error);
        stats_.rows_retried += static_cast<long long>(ids.size());
        blocked_until_[ch] = next;
        // A server that said when to come back is not asked earlier; a long backoff is
        // shortened by probes.
        if (res.kind == SendResult::Kind::retry_backoff && n.can_probe() && wait > kProbeEvery)
            probe_at_[ch] = done + kProbeEvery;
        else
            probe_at_.erase(ch);
        spdlog::warn("notify: {} refused {} event(s), retry in {}: {}", ch, ids.size(),
                     format_duration(wait), res.error);
        co_return true;  // the rest of this channel's rows wait for the same retry time
    }
    co_return true;
}

asio::awaitable<void> Dispatcher::probe_channel(Notifier& n, TimePoint now) {
    const std::string ch = n.channel();
    auto blocked = blocked_until_.find(ch);
    if (blocked == blocked_until_.end() || blocked->second <= now) {  // the backoff ends anyway
        probe_at_.erase(ch);
        co_return;
    }
    SendResult res;
    try {
        res = co_await n.probe();
    } catch (const std::exception& e) {
        res = SendResult::backoff(e.what());
    }
    const TimePoint done = clock_.now();
    if (!res.ok()) {
        if (blocked->second > done + kProbeEvery)
            probe_at_[ch] = done + kProbeEvery;
        else
            probe_at_.erase(ch);
        co_return;
    }
    probe_at_.erase(ch);
    blocked_until_.erase(blocked);
    const int rows = store_.retry_now(ch, done);
    refresh_channel(ch);
    spdlog::info("notify: {} answers again; {} waiting event(s) go now", ch, rows);
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
        const Event recorded = store_.record_notice(e, targets, now);
        metrics::families::events().with({recorded.account, recorded.type, to_string(recorded.state)}).inc();
    } catch (const std::exception& ex) {
        spdlog::error("notify: could not record the failure notice: {}", ex.what());
    }
}

}  // namespace ozw::alerts
