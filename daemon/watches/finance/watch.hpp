#pragma once
// The finance watch, first part: every delivered posting paid (issue 12). Each poll:
// - the delivered postings come from the postings watch's snapshot in the store (status
//   delivered; status_since is the delivery time as that watch knows it), never from its code;
// - those delivered more than grace_days ago (and less than give_up_after), not known as paid,
//   are asked about with /v1/finance/accrual/postings (batches of 200);
// - which accrual types are the sale comes from /v1/finance/accrual/types (once a day).
// A posting once paid is not asked about again; one never paid is asked until give_up_after
// and its alert stays. Payout periods (cash-flow statement) and the current period by day are
// not watched yet.
#include <memory>
#include <set>
#include <string>

#include "common/ozon/client.hpp"
#include "daemon/engine/module.hpp"
#include "daemon/engine/snapshot_watch.hpp"
#include "daemon/watches/finance/evaluate.hpp"

namespace ozw::daemon::finance {

class FinanceWatch : public SnapshotWatch<AccrualItem> {
public:
    FinanceWatch(std::string account, std::shared_ptr<ozon::Client> client, FinanceSettings settings,
                 SnapshotReader read_snapshot);

    Millis interval() const override { return ctx_.settings.interval; }
    std::vector<std::string> report_lines(const ReportOptions& o) const override;
    std::string report_title(const ReportOptions& o) const override;

    std::vector<Event> transitions(const AccrualItem*, const AccrualItem&, TimePoint) const override { return {}; }
    ItemConditions conditions(const AccrualItem& current, TimePoint now) const override {
        return accrual_conditions(current, now, ctx_);
    }

protected:
    awaitable<Fetched<AccrualItem>> fetch(TimePoint now, bool baseline) override;
    std::string key_of(const AccrualItem& a) const override { return a.posting_number; }
    bool expired(const AccrualItem& a, TimePoint now) const override {
        return a.paid && a.delivered_at < now - ctx_.settings.give_up_after;
    }

private:
    // Delivered postings (number -> delivery time) in the postings watch's snapshot.
    std::map<std::string, TimePoint> delivered_postings() const;

    std::shared_ptr<ozon::Client> client_;
    EvalContext ctx_;
    SnapshotReader read_snapshot_;
    std::set<int> sale_types_;
    std::optional<TimePoint> types_read_at_;
    bool logged_no_postings_ = false;
};

}  // namespace ozw::daemon::finance
