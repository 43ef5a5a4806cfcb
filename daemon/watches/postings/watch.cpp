// GCC 12 reports a false -Wmismatched-new-delete on asio coroutine frames.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include "daemon/watches/postings/watch.hpp"

#include <spdlog/spdlog.h>

#include <set>
#include <unordered_map>

#include "alerts/templates.hpp"
#include "common/ozon/errors.hpp"
#include "common/push/push.hpp"

namespace ozw::daemon::postings {

namespace {
// Ozon's rule: since..to at most one year. Incremental polls use (almost) all of it so that a
// posting created before the lookback window but still moving (a long delivery) is not missed;
// the last_changed_status_date filter keeps the answer small.
constexpr Millis kIncrementalSpan = std::chrono::hours(24 * 360);
constexpr Millis kUnfulfilledAhead = std::chrono::hours(24 * 60);
// Postings missing from a reconciliation asked for one by one; above this, the whole window.
constexpr std::size_t kMaxAskedByNumber = 100;

// Every status Ozon lists that can still change (NOTES.md); the final ones are
// delivered, cancelled and cancelled_from_split_pending.
const std::vector<std::string>& changeable_statuses() {
    static const std::vector<std::string> s = {
        "awaiting_registration", "acceptance_in_progress", "awaiting_approve", "awaiting_packaging",
        "awaiting_deliver", "awaiting_verification", "arbitration", "client_arbitration",
        "delivering", "driver_pickup", "not_accepted", "sent_by_seller"};
    return s;
}

std::optional<TimePoint> cursor_time(const std::map<std::string, std::string>& c, const char* name) {
    auto it = c.find(name);
    if (it == c.end()) return std::nullopt;
    return parse_iso8601(it->second);
}

std::string row(const std::string& label, int n) {
    // Pad by code points so the numbers line up in a monospace terminal.
    const std::size_t len = alerts::utf8_length(label);
    std::string pad = len < 20 ? std::string(20 - len, ' ') : " ";
    return "  " + label + pad + std::to_string(n);
}
}  // namespace

StatusCounts count_statuses(const std::map<std::string, PostingState>& postings) {
    StatusCounts c;
    for (const auto& [_, p] : postings) {
        const std::string& s = p.status;
        if (s == "awaiting_packaging") ++c.awaiting_packaging;
        else if (s == "awaiting_deliver") ++c.awaiting_deliver;
        else if (s == "delivering" || s == "driver_pickup") ++c.delivering;
        else if (s == "arbitration" || s == "client_arbitration") ++c.disputed;
        else if (s == "delivered") ++c.delivered;
        else if (s == "cancelled") ++c.cancelled;
        else if (s == "not_accepted") ++c.not_accepted;
    }
    return c;
}

std::vector<std::string> status_table_lines(const StatusCounts& c, Millis lookback, bool ru) {
    const long long days = std::chrono::duration_cast<std::chrono::hours>(lookback).count() / 24;
    std::vector<std::string> lines;
    if (ru) {
        lines.push_back("Отправления FBS (за " + std::to_string(days) + " дн.):");
        lines.push_back(row("Ожидают сборки", c.awaiting_packaging));
        lines.push_back(row("Ожидают отгрузки", c.awaiting_deliver));
        lines.push_back(row("Доставляются", c.delivering));
        lines.push_back(row("Спорные", c.disputed));
        lines.push_back(row("Доставлены", c.delivered));
        lines.push_back(row("Отменены", c.cancelled));
        if (c.not_accepted) lines.push_back(row("Не приняты на СЦ", c.not_accepted));
    } else {
        lines.push_back("FBS postings (last " + std::to_string(days) + " days):");
        lines.push_back(row("Awaiting packaging", c.awaiting_packaging));
        lines.push_back(row("Awaiting shipment", c.awaiting_deliver));
        lines.push_back(row("Delivering", c.delivering));
        lines.push_back(row("Disputed", c.disputed));
        lines.push_back(row("Delivered", c.delivered));
        lines.push_back(row("Cancelled", c.cancelled));
        if (c.not_accepted) lines.push_back(row("Not accepted", c.not_accepted));
    }
    return lines;
}

PostingsWatch::PostingsWatch(std::string account, std::shared_ptr<ozon::Client> client,
                             PostingsSettings settings, const std::string& timezone)
    : SnapshotWatch("postings", account), client_(std::move(client)),
      ctx_{std::move(account), std::move(settings), TimeZone(timezone)} {}

std::vector<std::string> PostingsWatch::report_lines(const ReportOptions& o) const {
    return status_table_lines(count_statuses(all_items()), ctx_.settings.lookback, o.language != "en");
}

std::string PostingsWatch::report_title(const ReportOptions& o) const {
    return o.language == "en" ? "FBS postings" : "Отправления FBS";
}

bool PostingsWatch::in_window(const PostingState& p, TimePoint now) const {
    return !(p.in_process_at && *p.in_process_at < now - ctx_.settings.lookback);
}

bool PostingsWatch::expired(const PostingState& p, TimePoint now) const {
    return !in_window(p, now) && is_final_status(p.status);
}

std::optional<TimePoint> PostingsWatch::rest_until(const PostingState& p) const {
    if (!is_final_status(p.status)) return std::nullopt;
    // in_window() and expired() of a final posting, as an instant.
    return p.in_process_at ? *p.in_process_at + ctx_.settings.lookback : TimePoint::max();
}

void PostingsWatch::skip_implausible(const ozon::Posting& p, Fetched<PostingState>& out) {
    const bool no_number = p.posting_number.empty();
    bool& logged = no_number ? logged_no_number_ : logged_bad_status_;
    if (!logged) {
        logged = true;
        spdlog::warn("postings [{}]: Ozon sent a posting {} ({}); skipped, and so are later ones like it "
                     "(logged once)", account(), no_number ? std::string("without a number") : p.posting_number,
                     no_number ? "number missing" : "status \"" + p.status + "\" is not a status");
    }
    // Known already: it stays as it was (a full re-read must not take it for gone).
    if (!no_number)
        if (auto known = remembered(p.posting_number)) out.items.push_back(std::move(*known));
}

void PostingsWatch::check_full_reread(const Fetched<PostingState>& out, TimePoint now) const {
    const int percent = ctx_.settings.min_reread_percent;
    if (percent <= 0) return;
    std::size_t known = resting_in_window(now);
    for (const auto& [number, p] : items())
        if (in_window(p, now)) ++known;
    // Small shops: a handful of postings can legitimately leave the window together.
    if (known < 20 || out.items.size() * 100 >= known * static_cast<std::size_t>(percent)) return;
    throw ozon::ApiError(ozon::ErrorKind::transient,
                         "the full re-read returned " + std::to_string(out.items.size()) + " postings of the " +
                             std::to_string(known) + " known in the window: taken for a broken answer, not "
                             "applied; retried (watches.postings.min_reread_percent)",
                         0, std::string(ozon::paths::posting_list));
}

awaitable<void> PostingsWatch::date_delivered(Fetched<PostingState>& out, TimePoint now) {
    std::unordered_map<std::string, PostingState*> undated;
    for (auto& p : out.items)
        if (p.status == "delivered") undated.emplace(p.posting_number, &p);
    const auto day = std::chrono::hours(24);
    const long long days = std::chrono::duration_cast<std::chrono::hours>(ctx_.settings.lookback).count() / 24 + 1;
    for (long long d = 0; d < days && !undated.empty(); ++d) {
        ozon::PostingFilter f;
        f.since = now - kIncrementalSpan;
        f.to = now;
        f.statuses = {"delivered"};
        f.with_financial_data = false;
        f.last_changed_from = now - day * (d + 1);
        f.last_changed_to = now - day * d;
        const TimePoint window_end = *f.last_changed_to;
        co_await client_->each_posting_page(f, [&](std::vector<ozon::Posting>& page) {
            for (const auto& p : page)
                if (auto it = undated.find(p.posting_number); it != undated.end()) {
                    it->second->found_since = window_end;
                    undated.erase(it);
                }
            page.clear();
        });
    }
    // Delivered before the window: the hand-over to delivery is the latest date Ozon gives.
    for (auto& [_, p] : undated)
        if (p->delivering_date) p->found_since = *p->delivering_date;
}

bool PostingsWatch::take_push(const push::PushMessage& m) {
    // FBS and rFBS postings (FBO and order pushes are not this watch's).
    static const std::set<std::string_view> kTypes = {"TYPE_NEW_POSTING", "TYPE_POSTING_CANCELLED",
                                                      "TYPE_STATE_CHANGED", "TYPE_CUTOFF_DATE_CHANGED",
                                                      "TYPE_DELIVERY_DATE_CHANGED"};
    if (m.posting_number.empty() || !kTypes.count(m.message_type)) return false;
    pushed_.insert(m.posting_number);
    return true;
}

awaitable<Fetched<PostingState>> PostingsWatch::fetch_pushed(TimePoint /*now*/) {
    std::set<std::string> numbers;
    numbers.swap(pushed_);
    const long long requests_before = client_->stats().requests;
    Fetched<PostingState> out;
    out.mode = "push";
    for (const auto& number : numbers) {
        ozon::Posting p;
        try {
            p = co_await client_->get_posting(number);
        } catch (const ozon::ApiError& e) {
            // Not an FBS posting of this account, or not visible yet (a new-order push can come
            // before the posting is listed): the regular polls will see it. Not "gone".
            if (e.kind() != ozon::ErrorKind::not_found) throw;
            spdlog::info("postings [{}]: pushed posting {} is not known to /v3/posting/fbs/get yet", account(),
                         number);
            continue;
        }
        if (p.posting_number.empty() || !is_plausible_status(p.status)) {
            skip_implausible(p, out);
            continue;
        }
        out.items.push_back(posting_state_from(p));
    }
    out.api_calls = client_->stats().requests - requests_before;
    co_return out;
}

awaitable<Fetched<PostingState>> PostingsWatch::fetch(TimePoint now, bool baseline) {
    const auto& cur = cursors();
    const auto last_success = cursor_time(cur, "last_success");
    const auto last_reconcile = cursor_time(cur, "last_reconcile");
    const auto last_unfulfilled = cursor_time(cur, "last_unfulfilled");
    const PostingsSettings& cfg = ctx_.settings;
    const bool whole = baseline || !last_success || !last_reconcile;
    const bool reconcile = !whole && now - *last_reconcile >= cfg.reconcile_every;
    const bool sweep = whole || reconcile || !last_unfulfilled ||
                       now - *last_unfulfilled >= unfulfilled_every_;
    const long long requests_before = client_->stats().requests;

    Fetched<PostingState> out;
    // The filter lives in this coroutine's frame while the client's coroutine reads it.
    auto filter = [&](const std::vector<std::string>& statuses, bool incremental) {
        ozon::PostingFilter f;
        f.to = now;
        f.with_financial_data = false;
        f.statuses = statuses;
        if (incremental) {
            f.since = now - kIncrementalSpan;
            f.last_changed_from = *last_success - cfg.overlap;
            f.last_changed_to = now;
        } else {
            f.since = now - cfg.lookback;
        }
        return f;
    };
    // Each page becomes PostingStates as it arrives and its API models are dropped: the
    // whole window is never held twice.
    const ozon::Client::PostingsSink take = [&](std::vector<ozon::Posting>& postings) {
        for (const auto& p : postings) {
            if (p.posting_number.empty() || !is_plausible_status(p.status)) {
                skip_implausible(p, out);
                continue;
            }
            out.items.push_back(posting_state_from(p));
        }
        postings.clear();
    };
    if (whole) {
        const auto f = filter({}, false);
        co_await client_->each_posting_page(f, take);
        out.full_window = true;
        out.mode = "full";
    } else if (reconcile) {
        const auto f = filter(changeable_statuses(), false);
        co_await client_->each_posting_page(f, take);
        std::set<std::string> answered;
        for (const auto& p : out.items) answered.insert(p.posting_number);
        std::vector<std::string> missing;
        for (const auto& [number, p] : items())
            if (!is_final_status(p.status) && in_window(p, now) && !answered.count(number))
                missing.push_back(number);
        if (missing.size() > kMaxAskedByNumber) {
            // Many changed behind our back (a long outage): read the whole window once.
            out.items.clear();
            const auto whole_window = filter({}, false);
            co_await client_->each_posting_page(whole_window, take);
            out.full_window = true;
            out.mode = "full";
        } else {
            for (const auto& number : missing) {
                try {
                    out.items.push_back(posting_state_from(co_await client_->get_posting(number)));
                } catch (const ozon::ApiError& e) {
                    if (e.kind() != ozon::ErrorKind::not_found) throw;
                    out.gone.push_back(number);  // Ozon no longer knows it
                }
            }
            out.forget_expired = true;
            out.mode = "reconcile";
        }
    } else {
        const auto f = filter({}, true);
        co_await client_->each_posting_page(f, take);
        out.mode = "incremental";
    }
    if (out.full_window && !baseline) check_full_reread(out, now);
    if (baseline) co_await date_delivered(out, now);
    if (sweep) {
        ozon::UnfulfilledFilter u;
        u.cutoff_from = now - cfg.lookback;
        u.cutoff_to = now + kUnfulfilledAhead;
        u.with_financial_data = false;
        co_await client_->each_unfulfilled_page(u, take);
    }
    out.cursors["last_success"] = format_iso8601_ms(now);
    if (whole || reconcile) out.cursors["last_reconcile"] = format_iso8601_ms(now);
    if (sweep) out.cursors["last_unfulfilled"] = format_iso8601_ms(now);
    out.api_calls = client_->stats().requests - requests_before;
    co_return out;
}

}  // namespace ozw::daemon::postings
