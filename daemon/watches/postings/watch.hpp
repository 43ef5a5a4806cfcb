#pragma once
// The shipments watch on the 2026 methods (NOTES.md):
// - first poll: /v4/posting/fbs/list over the whole lookback window;
// - every `reconcile_every`: the same list, but only the statuses that can still change
//   (a delivered or cancelled posting stays so: re-reading 50,000 of them every 6 h is most of
//   the cost of a reconciliation); a remembered posting that can still change and is absent from
//   that answer has changed behind our back: it is asked for by number (/v3/posting/fbs/get),
//   and forgotten when Ozon no longer knows it. More than `kMaxAskedByNumber` such postings:
//   the whole window is read instead;
// - every other poll: /v4/posting/fbs/list filtered by last_changed_status_date
//   {from: last success - overlap, to: now} (usually one call);
// - every `unfulfilled_every` (and with each full load): /v4/posting/fbs/unfulfilled/list,
//   which catches ship-by dates that moved without a status change.
// Cursors saved with the snapshot: last_success, last_reconcile, last_unfulfilled.
#include <memory>
#include <set>
#include <string>

#include "common/ozon/client.hpp"
#include "daemon/engine/snapshot_watch.hpp"
#include "daemon/watches/postings/evaluate.hpp"

namespace ozw::daemon::postings {

// The cabinet's FBS table ("FBS - Заказы с моих складов").
struct StatusCounts {
    int awaiting_packaging = 0;  // Ожидают сборки
    int awaiting_deliver = 0;    // Ожидают отгрузки
    int delivering = 0;          // Доставляются (delivering + driver_pickup)
    int disputed = 0;            // Спорные (arbitration + client_arbitration)
    int delivered = 0;           // Доставлены
    int cancelled = 0;           // Отменены
    int not_accepted = 0;        // not a cabinet column; shown when non-zero
    bool operator==(const StatusCounts&) const = default;
};
StatusCounts count_statuses(const std::map<std::string, PostingState>& postings);
std::vector<std::string> status_table_lines(const StatusCounts& c, Millis lookback, bool russian);

class PostingsWatch : public SnapshotWatch<PostingState> {
public:
    PostingsWatch(std::string account, std::shared_ptr<ozon::Client> client,
                  PostingsSettings settings, const std::string& timezone);

    Millis interval() const override { return ctx_.settings.interval; }
    int state_version() const override { return 2; }  // 2: without_delay and tariff kept
    std::vector<std::string> report_lines(const ReportOptions& o) const override;
    std::string report_title(const ReportOptions& o) const override;

    std::vector<Event> transitions(const PostingState* previous, const PostingState& current,
                                   TimePoint now) const override {
        return posting_transitions(previous, current, now, ctx_);
    }
    ItemConditions conditions(const PostingState& current, TimePoint now) const override {
        return posting_conditions(current, now, ctx_);
    }

    // Posting pushes (new, cancelled, status, ship-by and delivery date changed): that posting
    // is read again at once (/v3/posting/fbs/get).
    bool take_push(const push::PushMessage& m) override;

    // Unfulfilled sweeps between full loads (not in the configuration: an internal cadence).
    void set_unfulfilled_every(Millis d) { unfulfilled_every_ = d; }
    const EvalContext& context() const { return ctx_; }

protected:
    awaitable<Fetched<PostingState>> fetch(TimePoint now, bool baseline) override;
    awaitable<Fetched<PostingState>> fetch_pushed(TimePoint now) override;
    std::string key_of(const PostingState& p) const override { return p.posting_number; }
    void observe(const PostingState* previous, PostingState& next, TimePoint now) const override {
        next.status_since = status_since_for(previous, next, now);
    }
    bool in_window(const PostingState& p, TimePoint now) const override;
    bool expired(const PostingState& p, TimePoint now) const override;
    // Delivered and cancelled postings (most of a big shop's window) rest in the store.
    std::optional<TimePoint> rest_until(const PostingState& p) const override;

private:
    // Plausibility gates before the diff. A posting without a number or with a status that is
    // not one (null, a number) is skipped and logged once per kind; if known, it stays as it
    // was. A full re-read far shorter than what is known in the window throws (not applied).
    void skip_implausible(const ozon::Posting& p, Fetched<PostingState>& out);
    void check_full_reread(const Fetched<PostingState>& out, TimePoint now) const;
    // Postings already delivered at the first load: Ozon gives no delivery time, but a delivered
    // posting's last status change is its delivery. Day-wide windows of
    // last_changed_status_date over the lookback place each within a day, and the END of its
    // window becomes status_since (never earlier than the truth: the finance watch counts the
    // days to the payment from it). One call per day of the window, at the first load only.
    awaitable<void> date_delivered(Fetched<PostingState>& out, TimePoint now);

    std::shared_ptr<ozon::Client> client_;
    EvalContext ctx_;
    Millis unfulfilled_every_ = std::chrono::minutes(30);
    bool logged_no_number_ = false;
    bool logged_bad_status_ = false;
    std::set<std::string> pushed_;  // posting numbers named by pushes since the last re-read
};

}  // namespace ozw::daemon::postings
