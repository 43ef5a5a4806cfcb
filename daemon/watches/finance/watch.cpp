// GCC 12 reports a false -Wmismatched-new-delete on asio coroutine frames.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include "daemon/watches/finance/watch.hpp"

#include <spdlog/spdlog.h>

#include "common/time.hpp"
#include "daemon/engine/item_json.hpp"

namespace ozw::daemon::finance {

namespace {
constexpr Millis kTypesEvery = std::chrono::hours(24);
constexpr Millis kAskHourlyFor = std::chrono::hours(24 * 7);  // after a posting was due
constexpr const char* kCurrentPeriodCursor = "current_period";
constexpr const char* kWatchingSinceCursor = "watching_since";  // the first poll
}  // namespace

TimePoint FinanceWatch::watching_since_or(TimePoint now) const {
    auto it = cursors().find(kWatchingSinceCursor);
    auto t = it == cursors().end() ? std::nullopt : parse_iso8601(it->second);
    return t ? *t : now;
}

FinanceWatch::FinanceWatch(std::string account, std::shared_ptr<ozon::Client> client, FinanceSettings settings,
                           SnapshotReader read_snapshot, const std::string& timezone)
    : SnapshotWatch("finance", account), client_(std::move(client)),
      ctx_{std::move(account), std::move(settings), TimeZone(timezone)}, read_snapshot_(std::move(read_snapshot)) {}

const FinanceWatch::PostingsRead* FinanceWatch::read_postings() {
    if (!read_snapshot_) return nullptr;
    // Only the rows written since the last read are handed over and parsed: at 50,000 postings,
    // copying and parsing every row each hour was nearly all of this watch's CPU. A row is
    // rewritten only when it changes, and always with a new fingerprint or last_seen.
    auto version_of = [](const SnapshotRowHead& row) {
        return std::hash<std::string_view>{}(row.fingerprint) ^
               static_cast<std::size_t>(row.last_seen.time_since_epoch().count());
    };
    const std::uint64_t read = ++postings_reads_;
    // The filter runs under the store's lock: it only looks at this watch's own map.
    auto rows = read_snapshot_("postings", [&](const SnapshotRowHead& row) {
        const auto known = postings_read_.find(row.key);
        if (known == postings_read_.end() || known->second.version != version_of(row)) return true;
        known->second.read = read;
        return false;
    });
    if (!rows) {
        postings_read_.clear();  // no baseline (any more): the next one is read whole
        return nullptr;
    }
    for (auto& [number, row] : *rows) {
        ParsedPosting& p = postings_read_[number];
        p.version = version_of(SnapshotRowHead{row.key, row.fingerprint, row.last_seen});
        p.read = read;
        p.delivered_at.reset();
        const auto j = nlohmann::json::parse(row.data, nullptr, false);
        if (j.is_object() && item_json::str_of(j, "status") == "delivered")
            p.delivered_at = item_json::time_of(j, "status_since");
    }
    // Rows gone from the snapshot were met by neither the filter nor the loop: they drop out.
    std::erase_if(postings_read_, [read](const auto& entry) { return entry.second.read != read; });
    return &postings_read_;
}

const AccrualItem* FinanceWatch::accrual(const std::string& posting_number) const {
    auto it = items().find(posting_number);
    return it == items().end() ? nullptr : it->second.accrual();
}

const PeriodItem* FinanceWatch::period(const std::string& id) const {
    auto it = items().find(std::string(kPeriodKeyPrefix) + id);
    return it == items().end() ? nullptr : it->second.period();
}

CurrentPeriod FinanceWatch::current_period() const {
    auto it = cursors().find(kCurrentPeriodCursor);
    return it == cursors().end() ? CurrentPeriod{} : CurrentPeriod::from_json_text(it->second);
}

std::vector<Event> FinanceWatch::transitions(const FinanceItem* previous, const FinanceItem& current,
                                             TimePoint now) const {
    if (const auto* p = current.period())
        return period_transitions(previous ? previous->period() : nullptr, *p, now, ctx_);
    return {};
}

ItemConditions FinanceWatch::conditions(const FinanceItem& current, TimePoint now) const {
    if (const auto* p = current.period()) return payout_conditions(*p, now, ctx_);
    return accrual_conditions(*current.accrual(), now, ctx_);
}

bool FinanceWatch::expired(const FinanceItem& item, TimePoint now) const {
    const TimePoint oldest = now - ctx_.settings.give_up_after;
    if (const auto* p = item.period()) return !p->payout_pending() && p->end < oldest;
    const auto& a = *item.accrual();
    return a.paid && a.delivered_at < oldest;
}

bool FinanceWatch::announced_on_baseline(const FinanceItem& item, TimePoint now) const {
    // The period that has just ended is summed up on the first day too: the manager installing
    // ozonwatch wants to know where the last payout stands.
    const auto* p = item.period();
    return p && p->closed && is_previous_period(*p, now, ctx_.tz);
}

std::vector<std::string> FinanceWatch::report_lines(const ReportOptions& o) const {
    const bool ru = o.language != "en";
    int paid = 0, missing = 0;
    Decimal sales;
    const PeriodItem* last = nullptr;
    for (const auto& [_, item] : items()) {
        if (const auto* p = item.period()) {
            if (p->closed && (!last || p->end > last->end)) last = p;
            continue;
        }
        const auto& a = *item.accrual();
        if (a.paid) {
            ++paid;
            sales += a.sale;
        } else if (o.now >= a.delivered_at + std::chrono::hours(24) * ctx_.settings.grace_days) {
            ++missing;
        }
    }
    std::vector<std::string> lines = {
        ru ? "Начисления и выплаты:" : "Accruals and payouts:",
        (ru ? "  доставленные отправления с начислением: " : "  delivered postings accrued: ") + std::to_string(paid) +
            " (" + sales.display(ru) + ")",
        (ru ? "  без начисления дольше " : "  not accrued after ") + std::to_string(ctx_.settings.grace_days) +
            (ru ? " дн.: " : " days: ") + std::to_string(missing)};
    const CurrentPeriod cur = current_period();
    const PayoutPeriod now_period = payout_period_containing(ctx_.tz, o.now);
    if (!cur.days.empty() && cur.id == period_item(now_period, ctx_.tz).id) {
        const std::string through = cur.days.rbegin()->first;  // YYYY-MM-DD
        const std::string through_text = through.substr(8, 2) + "." + through.substr(5, 2);
        lines.push_back((ru ? "  текущий период " : "  current period ") + now_period.label +
                        (ru ? ", по " : ", through ") + through_text + ": " + (ru ? "начислено " : "accrued ") +
                        cur.net().display(ru) + (ru ? " (продажи " : " (sales ") + cur.sales().display(ru) +
                        (ru ? ", удержания " : ", charges ") + (cur.net() - cur.sales()).display(ru) + ")");
    }
    if (last) {
        std::string line = (ru ? "  прошлый период " : "  last period ") + last->label + ": ";
        if (!last->statement) {
            line += ru ? "отчёт Ozon не получен" : "no statement from Ozon";
        } else {
            line += (ru ? "к выплате " : "to be paid ") + last->to_pay.display(ru) + ", ";
            if (last->payment_seen) line += (ru ? "выплачено " : "paid ") + last->paid.display(ru);
            else if (last->to_pay > Decimal{}) line += ru ? "выплаты ещё нет" : "not paid yet";
            else line += ru ? "выплачивать нечего" : "nothing to pay";
        }
        lines.push_back(std::move(line));
    }
    return lines;
}

std::string FinanceWatch::report_title(const ReportOptions& o) const {
    return o.language == "en" ? "Accruals" : "Начисления";
}

awaitable<Fetched<FinanceItem>> FinanceWatch::fetch(TimePoint now, bool /*baseline*/) {
    const long long requests_before = client_->stats().requests;
    Fetched<FinanceItem> out;
    const PostingsRead* postings_read = read_postings();
    if (!postings_read && !logged_no_postings_) {
        // Not an error (the postings watch polls concurrently and may not have finished its
        // first poll), but if watches.postings is off this watch has nothing to check: say so
        // once. Payout periods wait for it too (their summary counts its postings).
        logged_no_postings_ = true;
        spdlog::warn("finance [{}]: the postings watch has not stored its postings yet (is watches.postings "
                     "enabled?); accruals are checked once it has (logged once)", account());
    }
    if (!cursors().count(kWatchingSinceCursor)) out.cursors[kWatchingSinceCursor] = format_iso8601(now);
    if (postings_read) co_await fetch_accruals(*postings_read, now, out);
    co_await fetch_periods(postings_read, now, out);
    co_await fetch_current_period(now, out);
    last_fetch_ = now;
    out.forget_expired = true;
    out.mode = "accruals";
    out.api_calls = client_->stats().requests - requests_before;
    co_return out;
}

awaitable<void> FinanceWatch::fetch_accruals(const PostingsRead& postings_read, TimePoint now,
                                             Fetched<FinanceItem>& out) {
    const FinanceSettings& cfg = ctx_.settings;
    const TimePoint due_before = now - std::chrono::hours(24) * cfg.grace_days;
    const TimePoint oldest = now - cfg.give_up_after;
    // Ask about: delivered long enough ago, not too long, not known as paid. One still unpaid
    // a week after it was due is asked about once a day (the first poll of a local day), not
    // every hour: a sale that late comes, if at all, when support has been asked.
    const bool first_poll_of_day = !last_fetch_ || ctx_.tz.local_midnight(now) != ctx_.tz.local_midnight(*last_fetch_);
    const TimePoint hourly_since = due_before - kAskHourlyFor;
    auto wanted = [&](TimePoint at) {
        return at <= due_before && at >= oldest && (at >= hourly_since || first_poll_of_day);
    };
    std::map<std::string, TimePoint> ask;
    for (const auto& [number, p] : postings_read) {
        // The time test first: most are not wanted, and it is cheaper than the lookup.
        if (!p.delivered_at || !wanted(*p.delivered_at)) continue;
        const AccrualItem* known = accrual(number);
        if (known && known->paid) continue;
        ask.emplace(number, *p.delivered_at);
    }
    for (const auto& [_, item] : items()) {  // remembered unpaid ones the postings watch forgot
        const AccrualItem* a = item.accrual();
        if (a && !a->paid && wanted(a->delivered_at) && !ask.count(a->posting_number))
            ask.emplace(a->posting_number, a->delivered_at);
    }
    if (ask.empty()) co_return;
    if (!types_read_at_ || now - *types_read_at_ >= kTypesEvery) {
        sale_types_ = sale_type_ids(co_await client_->accrual_types(), cfg.sale_types);
        types_read_at_ = now;
        if (sale_types_.empty())
            spdlog::warn("finance [{}]: no accrual type is named like a sale (watches.finance.sale_types); "
                         "a positive accrued amount is taken for the sale", account());
    }
    std::vector<std::string> numbers;
    numbers.reserve(ask.size());
    for (const auto& [number, _] : ask) numbers.push_back(number);
    std::map<std::string, AccrualSummary> answered;
    for (const auto& p : co_await client_->accruals_by_postings(numbers))
        answered[p.posting_number] = summarize(p, sale_types_);
    for (const auto& [number, at] : ask) {
        AccrualItem item;
        item.posting_number = number;
        item.delivered_at = at;
        if (auto it = answered.find(number); it != answered.end()) {
            item.paid = it->second.paid;
            item.sale = it->second.sale;
            item.charges = it->second.charges;
            item.paid_on = it->second.paid_on;
        }
        out.items.emplace_back(std::move(item));
    }
}

awaitable<void> FinanceWatch::fetch_periods(const PostingsRead* postings_read,
                                            TimePoint now, Fetched<FinanceItem>& out) {
    const FinanceSettings& cfg = ctx_.settings;
    const PayoutPeriod previous = previous_period(now, ctx_.tz);
    const PeriodItem* known_previous = period(period_item(previous, ctx_.tz).id);
    const bool summary_due = !known_previous || !known_previous->closed;
    // Periods whose payment is awaited (asked about until give_up_after, as postings are).
    std::vector<const PeriodItem*> awaited;
    bool any_period = false;
    for (const auto& [_, item] : items()) {
        const PeriodItem* p = item.period();
        if (!p) continue;
        any_period = true;
        // (The previous period, when its summary is due, is made anew below.)
        if (p->payout_pending() && p->end >= now - cfg.give_up_after && !(summary_due && p->start == previous.start))
            awaited.push_back(p);
    }
    if (!summary_due && awaited.empty()) co_return;
    // The summary counts the postings watch's deliveries: wait for it (and for Ozon's statement)
    // up to statement_wait after the period ended.
    const bool may_wait = now < previous.end + cfg.statement_wait;
    if (summary_due && !postings_read && may_wait && awaited.empty()) co_return;

    // One statement call from the oldest period wanted to the end of the previous one. At the
    // first summary ever, the periods of the last give_up_after too: an old unpaid one is news.
    TimePoint from = summary_due ? previous.start : now;
    if (summary_due && !any_period) from = payout_period_containing(ctx_.tz, now - cfg.give_up_after).start;
    for (const auto* p : awaited) from = std::min(from, p->start);
    const auto statement =
        co_await client_->cash_flow_statement(from, previous.end - std::chrono::seconds(1), /*with_details=*/true);

    // What is known of every delivered posting: this poll's answers, then what this watch
    // remembers (postings it asked about stay here after the postings watch's window has moved
    // on), then the postings watch's recent deliveries not asked about yet.
    std::map<std::string, DeliveredPosting> postings;
    auto know = [&](const AccrualItem& a) {
        postings.emplace(a.posting_number, DeliveredPosting{a.delivered_at, true, a.paid});
    };
    for (const auto& item : out.items)
        if (const auto* a = item.accrual()) know(*a);
    for (const auto& [_, item] : items())
        if (const auto* a = item.accrual()) know(*a);
    if (postings_read)
        for (const auto& [number, p] : *postings_read)
            if (p.delivered_at) postings.emplace(number, DeliveredPosting{*p.delivered_at, false, false});
    const TimePoint watching_since = watching_since_or(now);

    for (const auto* p : awaited) {
        PeriodItem next = *p;
        fill_from_statement(next, statement, ctx_.tz);
        out.items.emplace_back(std::move(next));
    }
    if (!summary_due) co_return;
    auto close = [&](const PayoutPeriod& pp) {
        PeriodItem p = period_item(pp, ctx_.tz);
        const bool found = fill_from_statement(p, statement, ctx_.tz);
        // The previous period without a statement waits for it (then goes without); an older
        // one without a row is a period the shop had nothing in.
        if (!found && (pp.start != previous.start || may_wait)) return false;
        p.closed = true;
        p.closed_at = now;
        count_postings(p, postings);
        if (p.start < watching_since) p.counted_since = watching_since;
        out.items.emplace_back(std::move(p));
        return true;
    };
    if (!(postings_read || !may_wait) || !close(previous)) co_return;
    if (!any_period)  // the first summary: the older periods of the window, silently
        for (PayoutPeriod pp = payout_period_containing(ctx_.tz, from); pp.start < previous.start;
             pp = payout_period_containing(ctx_.tz, pp.end))
            close(pp);
}

awaitable<void> FinanceWatch::fetch_current_period(TimePoint now, Fetched<FinanceItem>& out) {
    const PayoutPeriod current = payout_period_containing(ctx_.tz, now);
    CurrentPeriod known = current_period();
    const std::string id = period_item(current, ctx_.tz).id;
    if (known.id != id) known = CurrentPeriod{id, {}};
    const auto wanted = days_to_read(known, days_begun(current, now, ctx_.tz), now, ctx_.settings.by_day_refresh);
    if (wanted.empty()) co_return;
    for (const auto& date : wanted) {
        const auto accruals = co_await client_->accruals_by_day_all(date);
        known.days[date] = day_totals(accruals, now);
    }
    out.cursors[kCurrentPeriodCursor] = known.to_json_text();
}

}  // namespace ozw::daemon::finance
