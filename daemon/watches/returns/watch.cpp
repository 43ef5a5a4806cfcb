// GCC 12 reports a false -Wmismatched-new-delete on asio coroutine frames.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include "daemon/watches/returns/watch.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_map>

#include "common/time.hpp"
#include "daemon/watches/returns/event_types.hpp"

namespace ozw::daemon::returns {

namespace {

// Ozon's visual statuses as NOTES.md lists them; another value is kept and logged once.
const std::set<std::string>& known_statuses() {
    static const std::set<std::string> s = {
        "DisputeOpened", "OnSellerApproval", "ArrivedAtReturnPlace", "OnSellerClarification",
        "OnSellerClarificationAfterPartialCompensation", "OfferedPartialCompensation", "ReturnMoneyApproved",
        "PartialCompensationReturned", "CancelledDisputeNotOpen", "Rejected", "CrmRejected", "Cancelled",
        "Approved", "ApprovedByOzon", "ReceivedBySeller", "MovingToSeller", "ReturningToSellerByCourier",
        "Utilizing", "Utilized", "MoneyReturned", "PartialCompensationInProcess", "DisputeYouOpened",
        "CompensationRejected", "DisputeOpening", "CompensationOffered", "WaitingCompensation", "SendingError",
        "CompensationRejectedBySla", "CompensationRejectedBySeller", "MovingToOzon", "ReturnedToOzon",
        "MoneyReturnedBySystem", "WaitingShipment"};
    return s;
}

// States a return can stay in longer than the window and that need the seller: read by name
// at each reconciliation.
const std::vector<std::string>& open_statuses() {
    static const std::vector<std::string> s = {
        "ArrivedAtReturnPlace", "OnSellerApproval", "OnSellerClarification",
        "OnSellerClarificationAfterPartialCompensation", "OfferedPartialCompensation",
        "DisputeOpened", "DisputeYouOpened", "DisputeOpening"};
    return s;
}

// How often the returns waiting at pickup points are read again between reconciliations (an
// internal cadence: a shop can have hundreds waiting, and only the shown sums move).
constexpr Millis kStorageRefresh = std::chrono::hours(6);

bool is_open(const std::string& status) {
    const auto& s = open_statuses();
    return std::find(s.begin(), s.end(), status) != s.end();
}

// rFBS groups in which a request can still need the seller (its details are read by /get):
// new, being checked after it came back (refund or reject), in dispute.
bool rfbs_group_open(const std::string& group) {
    return group == "New" || group == "Checkout" || group == "Arbitration";
}

// The drop-off points and the rFBS requests add to the returns list; a shop whose key or
// scheme does not allow one of them (an FBS-only shop asking rFBS, a method Ozon retired) still
// gets the rest. Access and rate problems are not this: they fail the poll as usual.
bool optional_part_unavailable(const ozon::ApiError& e) {
    using K = ozon::ErrorKind;
    return e.kind() == K::not_available || e.kind() == K::method_gone || e.kind() == K::bad_request ||
           e.kind() == K::not_found;
}

std::optional<TimePoint> cursor_time(const std::map<std::string, std::string>& c, const char* name) {
    auto it = c.find(name);
    if (it == c.end()) return std::nullopt;
    return parse_iso8601(it->second);
}

std::string row(const std::string& label, const std::string& value) { return "  " + label + ": " + value; }

}  // namespace

std::vector<std::string> returns_report_lines(const std::map<std::string, ReturnItem>& items, TimePoint now,
                                              bool ru, const TimeZone& tz, Millis decision_window) {
    int to_collect = 0, paid = 0, requests = 0, disputes = 0;
    std::optional<TimePoint> oldest, nearest_deadline;
    std::map<std::string, int> new_by_type;
    std::vector<const ReturnItem*> points;
    for (const auto& [_, r] : items) {
        if (r.kind == ItemKind::dropoff_point) {
            if (r.returns_count > 0) points.push_back(&r);
            continue;
        }
        const bool rfbs = r.kind == ItemKind::rfbs_request;
        if (!rfbs && r.status == "ArrivedAtReturnPlace") {
            ++to_collect;
            const TimePoint arrived = r.arrived_at.value_or(r.status_since);
            if (!oldest || arrived < *oldest) oldest = arrived;
            if (r.paid_storage_from && now >= *r.paid_storage_from) ++paid;
        }
        if (rfbs ? rfbs_awaits_seller(r) : awaits_seller(r.status)) {
            ++requests;
            const TimePoint deadline = r.status_since + decision_window;
            if (!nearest_deadline || deadline < *nearest_deadline) nearest_deadline = deadline;
        }
        if (rfbs ? r.group_state == "Arbitration" : is_dispute(r.status)) ++disputes;
        if (!rfbs && r.first_seen >= now - std::chrono::hours(24) && r.first_seen <= now)
            ++new_by_type[r.type.empty() ? "?" : r.type];
    }
    std::vector<std::string> lines;
    lines.push_back(ru ? "Возвраты:" : "Returns:");
    std::string collect = std::to_string(to_collect);
    if (oldest) {
        const long long days = std::chrono::duration_cast<std::chrono::hours>(now - *oldest).count() / 24;
        collect += ru ? ", дольше всех ждёт " + std::to_string(days) + " дн."
                      : ", the oldest waits " + std::to_string(days) + " days";
    }
    if (paid) collect += ru ? ", платное хранение уже у " + std::to_string(paid)
                            : ", paid storage already for " + std::to_string(paid);
    lines.push_back(row(ru ? "Забрать с ПВЗ" : "To collect", collect));
    for (const auto* p : points) {
        std::string where = p->place_name.empty() ? p->place_address : p->place_name;
        std::string l = "    " + where + " — " + std::to_string(p->returns_count) +
                        (ru ? " шт., коробок: " : " returns, boxes: ") + std::to_string(p->box_count);
        if (p->pass_required) l += ru ? ", нужен пропуск" : ", a pass is needed";
        lines.push_back(l);
    }
    std::string req = std::to_string(requests);
    if (nearest_deadline) req += (ru ? ", ближайший срок Ozon: " : ", Ozon's nearest deadline: ") + tz.format_local(*nearest_deadline);
    lines.push_back(row(ru ? "Заявки ждут решения" : "Requests awaiting decision", req));
    if (disputes) lines.push_back(row(ru ? "Споры" : "Disputes", std::to_string(disputes)));
    std::string fresh;
    int total = 0;
    for (const auto& [type, n] : new_by_type) {
        total += n;
        fresh += (fresh.empty() ? "" : "; ") + return_type_name(type, ru) + " — " + std::to_string(n);
    }
    lines.push_back(row(ru ? "Новые за сутки" : "New in the last 24 h",
                        std::to_string(total) + (fresh.empty() ? "" : " (" + fresh + ")")));
    return lines;
}

ReturnsWatch::ReturnsWatch(std::string account, std::shared_ptr<ozon::Client> client, ReturnsSettings settings)
    : SnapshotWatch("returns", account), client_(std::move(client)), ctx_{std::move(account), std::move(settings)} {}

std::vector<std::string> ReturnsWatch::report_lines(const ReportOptions& o) const {
    TimePoint now = o.now;
    if (now == TimePoint{}) now = cursor_time(cursors(), "last_success").value_or(TimePoint{});
    return returns_report_lines(all_items(), now, o.language != "en", TimeZone(o.timezone), ctx_.settings.decision_window);
}

std::string ReturnsWatch::report_title(const ReportOptions& o) const {
    return o.language == "en" ? "Returns" : "Возвраты";
}

bool ReturnsWatch::in_window(const ReturnItem& r, TimePoint now) const {
    if (r.kind != ItemKind::fbs_return) return true;  // read in full every poll
    return r.status_since >= now - ctx_.settings.lookback || is_open(r.status);
}

bool ReturnsWatch::expired(const ReturnItem& r, TimePoint now) const {
    return r.kind == ItemKind::fbs_return && !in_window(r, now) && is_final_return_status(r.status);
}

std::optional<TimePoint> ReturnsWatch::rest_until(const ReturnItem& r) const {
    if (r.kind != ItemKind::fbs_return || !is_final_return_status(r.status) || is_open(r.status)) return std::nullopt;
    // in_window() and expired() of a closed return, as an instant.
    return r.status_since + ctx_.settings.lookback;
}

void ReturnsWatch::note_unavailable(std::string_view path, const ozon::ApiError& e) {
    if (!logged_unavailable_.insert(std::string(path)).second) return;
    spdlog::warn("returns [{}]: {} is not available to this key or shop ({}); the rest of the returns "
                 "is watched without it (logged once)", account(), path, e.what());
}

void ReturnsWatch::note_status(const std::string& status) {
    if (status.empty() || known_statuses().count(status) || !logged_statuses_.insert(status).second) return;
    spdlog::warn("returns [{}]: Ozon sent the return status \"{}\", new to this build; kept as it is "
                 "(logged once)", account(), status);
}

awaitable<Fetched<ReturnItem>> ReturnsWatch::fetch(TimePoint now, bool baseline) {
    const auto& cur = cursors();
    const auto last_success = cursor_time(cur, "last_success");
    const auto last_reconcile = cursor_time(cur, "last_reconcile");
    const ReturnsSettings& cfg = ctx_.settings;
    const auto last_storage = cursor_time(cur, "last_storage");
    const bool full = baseline || !last_success || !last_reconcile || now - *last_reconcile >= cfg.reconcile_every;
    const bool storage = full || !last_storage || now - *last_storage >= kStorageRefresh;
    const long long requests_before = client_->stats().requests;

    Fetched<ReturnItem> out;
    std::unordered_map<std::string, std::size_t> index;  // a return can come in two answers
    bool logged_no_id = false;
    auto take = [&](ReturnItem item) {
        if (item.id == 0) {
            if (!logged_no_id) spdlog::warn("returns [{}]: Ozon sent a return without an id; skipped", account());
            logged_no_id = true;
            return;
        }
        note_status(item.kind == ItemKind::fbs_return ? item.status : std::string{});
        std::string key = item.key();
        if (auto it = index.find(key); it != index.end()) out.items[it->second] = std::move(item);
        else {
            index.emplace(std::move(key), out.items.size());
            out.items.push_back(std::move(item));
        }
    };
    // The filters live in this coroutine's frame while the client's coroutine reads them.
    auto read = [&](const ozon::ReturnsFilter& f) -> awaitable<void> {
        for (auto& r : co_await client_->list_returns_all(f)) take(item_from(r));
    };
    ozon::ReturnsFilter by_moment;
    by_moment.return_schema.clear();  // FBS and FBO
    by_moment.date = ozon::ReturnsFilter::DateRange{ozon::ReturnsFilter::DateField::visual_status_change_moment,
                                                    full ? now - cfg.lookback : *last_success - cfg.overlap, now};
    co_await read(by_moment);
    for (const auto& status : open_statuses()) {
        // Between reconciliations only the returns at pickup points, now and then: their
        // storage sums change without a status change (what escalates goes by dates).
        if (!full && !(storage && status == "ArrivedAtReturnPlace")) continue;
        ozon::ReturnsFilter by_status;
        by_status.return_schema.clear();
        by_status.visual_status_name = status;
        co_await read(by_status);
    }
    out.full_window = full;
    out.mode = full ? "full" : "incremental";

    // Drop-off points: the whole list every poll; a point that is no longer listed is gone.
    std::set<std::string> points_seen;
    std::vector<ozon::ReturnDropOffPoint> points;
    bool points_read = true;
    try {
        points = co_await client_->list_return_dropoff_points_all();
    } catch (const ozon::ApiError& e) {
        if (!optional_part_unavailable(e)) throw;
        points_read = false;
        note_unavailable(ozon::paths::returns_dropoff, e);
    }
    for (const auto& p : points) {
        ReturnItem item = item_from(p);
        points_seen.insert(item.key());
        take(std::move(item));
    }

    // rFBS requests created within the window, every poll; details for open ones that changed.
    ozon::RfbsReturnsFilter rf;
    rf.created_from = now - cfg.lookback;
    rf.created_to = now;
    std::set<std::string> requests_seen;
    std::vector<ozon::RfbsReturn> requests;
    bool requests_read = true;
    try {
        requests = co_await client_->list_rfbs_returns_all(rf);
    } catch (const ozon::ApiError& e) {
        if (!optional_part_unavailable(e)) throw;
        requests_read = false;
        note_unavailable(ozon::paths::rfbs_returns_list, e);
    }
    for (const auto& r : requests) {
        ReturnItem item = item_from(r);
        if (item.id == 0) continue;
        const auto known = items().find(item.key());
        const ReturnItem* before = known == items().end() ? nullptr : &known->second;
        const bool same = before && before->status == item.status && before->group_state == item.group_state;
        if (rfbs_group_open(item.group_state) && !same) {
            try {
                const ReturnItem detailed = item_from(co_await client_->get_rfbs_return(r.id));
                item.client_comment = detailed.client_comment;
                item.photos = detailed.photos;
                item.actions = detailed.actions;
                if (!detailed.reason.empty()) item.reason = detailed.reason;
            } catch (const ozon::ApiError& e) {
                if (e.kind() != ozon::ErrorKind::not_found) throw;
                continue;  // listed but no longer there: nothing to decide (forgotten below)
            }
        } else if (before) {
            item.client_comment = before->client_comment;
            item.photos = before->photos;
            if (!before->reason.empty() && item.reason.empty()) item.reason = before->reason;
            if (rfbs_group_open(item.group_state)) item.actions = before->actions;  // unchanged request
        }
        requests_seen.insert(item.key());
        take(std::move(item));
    }
    // What was not read this time stays as it was (a whole-window answer must not drop it).
    for (const auto& [key, item] : items()) {
        const bool point = item.kind == ItemKind::dropoff_point, request = item.kind == ItemKind::rfbs_request;
        if ((point && !points_read) || (request && !requests_read)) take(item);
        else if ((point && !points_seen.count(key)) || (request && !requests_seen.count(key))) out.gone.push_back(key);
    }
    out.cursors["last_success"] = format_iso8601_ms(now);
    if (full) out.cursors["last_reconcile"] = format_iso8601_ms(now);
    if (storage) out.cursors["last_storage"] = format_iso8601_ms(now);
    out.api_calls = client_->stats().requests - requests_before;
    co_return out;
}

}  // namespace ozw::daemon::returns
