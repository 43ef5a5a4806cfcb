#pragma once
// The returns watch on the 2026 methods (NOTES.md, "Returns"). Every poll:
// - /v1/returns/list filtered by visual_status_change_moment {last success - overlap, now}
//   (ONE date filter per request: Ozon's rule), last_id paging, limit 500; every 6 hours also
//   the returns waiting at pickup points (visual_status_name ArrivedAtReturnPlace), whose
//   storage sums move without a status change;
// - /v1/returns/company/fbs/info: the drop-off points and how much waits at each;
// - /v2/returns/rfbs/list over the requests created within the lookback window, and
//   /v2/returns/rfbs/get for each open request that is new or changed (comment, photos,
//   actions); the rest keep what was read before.
// Every `reconcile_every` (and on the first poll), the whole window by change moment plus the
// open states by name (a return can wait longer than the window): a whole-window answer.
// Cursors saved with the snapshot: last_success, last_reconcile, last_storage.
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "common/ozon/client.hpp"
#include "common/time.hpp"
#include "daemon/engine/snapshot_watch.hpp"
#include "daemon/watches/returns/evaluate.hpp"

namespace ozw::daemon::returns {

// The morning report's section: what to collect and where, requests and disputes waiting, new
// returns since yesterday by type.
std::vector<std::string> returns_report_lines(const std::map<std::string, ReturnItem>& items, TimePoint now,
                                              bool russian, const TimeZone& tz, Millis decision_window);

class ReturnsWatch : public SnapshotWatch<ReturnItem> {
public:
    ReturnsWatch(std::string account, std::shared_ptr<ozon::Client> client, ReturnsSettings settings);

    Millis interval() const override { return ctx_.settings.interval; }
    std::vector<std::string> report_lines(const ReportOptions& o) const override;
    std::string report_title(const ReportOptions& o) const override;

    std::vector<Event> transitions(const ReturnItem* previous, const ReturnItem& current,
                                   TimePoint now) const override {
        return return_transitions(previous, current, now, ctx_);
    }
    ItemConditions conditions(const ReturnItem& current, TimePoint now) const override {
        return return_conditions(current, now, ctx_);
    }

protected:
    awaitable<Fetched<ReturnItem>> fetch(TimePoint now, bool baseline) override;
    std::string key_of(const ReturnItem& r) const override { return r.id ? r.key() : std::string{}; }
    void observe(const ReturnItem* previous, ReturnItem& next, TimePoint now) const override {
        carry_over(previous, next, now);
    }
    bool in_window(const ReturnItem& r, TimePoint now) const override;
    bool expired(const ReturnItem& r, TimePoint now) const override;
    // Closed returns (most of the 20,000 a big shop keeps) rest in the store; rFBS requests
    // and drop-off points stay in memory (fetch() looks them up).
    std::optional<TimePoint> rest_until(const ReturnItem& r) const override;

private:
    // Unknown visual statuses are kept and logged once each (Ozon adds states).
    void note_status(const std::string& status);
    // A part of the answer (drop-off points, rFBS requests) this key or shop cannot read: logged
    // once per method.
    void note_unavailable(std::string_view path, const ozon::ApiError& e);

    std::shared_ptr<ozon::Client> client_;
    EvalContext ctx_;
    std::set<std::string> logged_statuses_;
    std::set<std::string> logged_unavailable_;
};

}  // namespace ozw::daemon::returns
