#include "daemon/postings_watch.hpp"

#include <unordered_map>

#include "common/logging.hpp"


namespace ozw::daemon {

namespace {
// Ozon's rule: since..to at most one year. Incremental polls use (almost) all of it so that a
// posting created before the lookback window but still moving (a long delivery) is not missed;
// the last_changed_status_date filter keeps the answer small.
constexpr Millis kIncrementalSpan = std::chrono::hours(24 * 360);
constexpr Millis kUnfulfilledAhead = std::chrono::hours(24 * 60);

std::optional<TimePoint> cursor_time(const std::map<std::string, std::string>& c, const char* name) {
    auto it = c.find(name);
    if (it == c.end()) return std::nullopt;
    return parse_iso8601(it->second);
}
}  // namespace

PostingState posting_state_from(const ozon::Posting& p) {
    PostingState s;
    s.posting_number = p.posting_number;
    s.status = p.status;
    s.substatus = p.substatus;
    s.in_process_at = p.in_process_at;
    s.shipment_date = p.shipment_date;
    s.delivering_date = p.delivering_date;
    for (const auto& pr : p.products) s.products.push_back({pr.name, pr.offer_id, pr.quantity});
    if (p.cancellation && !p.cancellation->empty()) {
        const auto& c = *p.cancellation;
        s.cancellation = CancellationInfo{c.initiator, c.type, c.reason, c.reason_id, c.affect_rating,
                                          c.after_ship};
    }
    return s;
}

PostingsWatch::PostingsWatch(std::string account, std::shared_ptr<ozon::Client> client,
                             PostingsWatchConfig cfg, const std::string& timezone)
    : account_(std::move(account)), client_(std::move(client)), cfg_(std::move(cfg)), tz_(timezone) {}

std::vector<std::string> PostingsWatch::cursor_names() const {
    return {"last_success", "last_reconcile", "last_unfulfilled"};
}

void PostingsWatch::load(const std::map<std::string, SnapshotItem>& items,
                         const std::map<std::string, std::string>& cursors) {
    state_.clear();
    for (const auto& [key, item] : items) {
        try {
            auto s = PostingState::from_json(nlohmann::json::parse(item.data));
            if (s.posting_number.empty()) s.posting_number = key;
            state_[key] = std::move(s);
        } catch (const std::exception& e) {
            // A damaged row is forgotten; the next full load brings it back.
            log::get("postings")->warn("snapshot row {} unreadable: {}", key, e.what());
        }
    }
    last_success_ = cursor_time(cursors, "last_success");
    last_reconcile_ = cursor_time(cursors, "last_reconcile");
    last_unfulfilled_ = cursor_time(cursors, "last_unfulfilled");
    pending_.reset();
}

awaitable<WatchOutput> PostingsWatch::poll(TimePoint now, bool baseline) {
    WatchOutput out;
    const long long requests_before = client_->stats().requests;
    const bool full = baseline || !last_success_ || !last_reconcile_ ||
                      now - *last_reconcile_ >= cfg_.reconcile_every;
    const bool sweep = full || !last_unfulfilled_ || now - *last_unfulfilled_ >= unfulfilled_every_;

    std::vector<PostingState> fetched;
    {
        ozon::PostingFilter f;
        f.to = now;
        f.with_financial_data = false;
        if (full) {
            f.since = now - cfg_.lookback;
        } else {
            f.since = now - kIncrementalSpan;
            f.last_changed_from = *last_success_ - cfg_.overlap;
            f.last_changed_to = now;
        }
        auto list = co_await client_->list_postings_all(f);
        fetched.reserve(list.size());
        for (const auto& p : list) fetched.push_back(posting_state_from(p));
    }
    if (sweep) {
        ozon::UnfulfilledFilter u;
        u.cutoff_from = now - cfg_.lookback;
        u.cutoff_to = now + kUnfulfilledAhead;
        u.with_financial_data = false;
        auto list = co_await client_->list_unfulfilled_all(u);
        for (const auto& p : list) fetched.push_back(posting_state_from(p));
    }

    MergeInput input{std::move(fetched), full};
    // Merged in place (50,000 postings are not copied per poll); undone if the poll's output
    // is not committed.
    rollback_pending();
    MergeUndo undo;
    MergeResult merged = merge_postings_inplace(state_, input, now, cfg_.lookback, undo);

    PostingsEvalContext ctx{account_, &cfg_, &tz_};
    Evaluation ev = evaluate_postings(baseline ? nullptr : &undo.previous, state_, now, ctx,
                                      &merged.changed);

    out.upserts.reserve(merged.changed.size());
    for (const auto& number : merged.changed) {
        const auto& p = state_.at(number);
        out.upserts.push_back(SnapshotItem{number, p.fingerprint(), p.to_json().dump(), {}, {}});
    }
    out.removals = std::move(merged.removed);
    out.transitions = std::move(ev.transitions);
    out.holding = std::move(ev.holding);
    out.cursors["last_success"] = format_iso8601_ms(now);
    Pending pending;
    pending.last_success = now;
    pending.last_reconcile = full ? std::optional<TimePoint>(now) : last_reconcile_;
    pending.last_unfulfilled = sweep ? std::optional<TimePoint>(now) : last_unfulfilled_;
    if (pending.last_reconcile) out.cursors["last_reconcile"] = format_iso8601_ms(*pending.last_reconcile);
    if (pending.last_unfulfilled) out.cursors["last_unfulfilled"] = format_iso8601_ms(*pending.last_unfulfilled);
    pending.result = std::move(merged);
    pending.undo = std::move(undo);
    pending_ = std::move(pending);
    out.api_calls = client_->stats().requests - requests_before;
    last_mode_ = full ? "full" : "incremental";
    co_return out;
}

void PostingsWatch::rollback_pending() {
    if (!pending_) return;
    undo_merge(state_, pending_->result, pending_->undo);
    pending_.reset();
}

void PostingsWatch::commit() {
    if (!pending_) return;
    last_success_ = pending_->last_success;
    last_reconcile_ = pending_->last_reconcile;
    last_unfulfilled_ = pending_->last_unfulfilled;
    pending_.reset();
}

}  // namespace ozw::daemon
