#pragma once
// The reviews watch on /v2/review/list (NOTES.md, "Reviews and chats"). Every poll reads the
// reviews published within kReviewWindow, newest first, last_id paging (a whole-window
// answer: a remembered review missing from it was removed by Ozon). A review first seen after
// the baseline is review.new; its article comes from the stocks watch's snapshot (SKU ->
// offer_id), no extra request.
//
// Without the paid subscription Ozon answers 403 (ApiError{not_available}): that is not an
// outage. The poll succeeds with one "access" item, whose condition review.not_available (info)
// is announced once (the store keeps it across restarts; info is never repeated), and the watch
// asks again once a day (interval() while the item is there). When the reviews answer again the
// item goes (the condition resolves), the normal interval returns, and that first answer is a
// silent baseline: the reviews written meanwhile are not announced as news.
#include <memory>
#include <set>
#include <string>
#include <unordered_map>

#include "common/ozon/client.hpp"
#include "daemon/engine/module.hpp"
#include "daemon/engine/snapshot_watch.hpp"
#include "daemon/watches/reviews/evaluate.hpp"

namespace ozw::daemon::reviews {

// The morning report's line: reviews published in the 24 h before `now`, how many of them
// low-rated; or that reviews cannot be read.
std::vector<std::string> reviews_report_lines(const std::map<std::string, ReviewItem>& items, TimePoint now,
                                              bool russian, const ReviewsSettings& settings);

class ReviewsWatch : public SnapshotWatch<ReviewItem> {
public:
    ReviewsWatch(std::string account, std::shared_ptr<ozon::Client> client, ReviewsSettings settings,
                 SnapshotIndexReader read_snapshot_index = {});

    // Once a day while the account has no review subscription.
    Millis interval() const override;
    awaitable<WatchOutput> poll(TimePoint now, bool baseline) override;
    std::vector<std::string> report_lines(const ReportOptions& o) const override;
    std::string report_title(const ReportOptions& o) const override;

    std::vector<Event> transitions(const ReviewItem* previous, const ReviewItem& current,
                                   TimePoint now) const override {
        return review_transitions(previous, current, now, ctx_);
    }
    ItemConditions conditions(const ReviewItem& current, TimePoint now) const override {
        return review_conditions(current, now, ctx_);
    }
    // The account may not read reviews (as last committed).
    bool subscription_missing() const { return items().count(kAccessKey) > 0; }

protected:
    awaitable<Fetched<ReviewItem>> fetch(TimePoint now, bool baseline) override;
    std::string key_of(const ReviewItem& r) const override { return r.key(); }
    void observe(const ReviewItem* previous, ReviewItem& next, TimePoint) const override {
        carry_over(previous, next);
    }
    bool in_window(const ReviewItem& r, TimePoint now) const override;
    bool expired(const ReviewItem& r, TimePoint now) const override;

private:
    // SKU -> offer_id of these SKUs from the stocks watch's snapshot (empty without one).
    std::unordered_map<long long, std::string> offers_by_sku(const std::vector<long long>& skus) const;

    std::shared_ptr<ozon::Client> client_;
    EvalContext ctx_;
    SnapshotIndexReader read_snapshot_index_;
    bool logged_no_id_ = false;
};

}  // namespace ozw::daemon::reviews
