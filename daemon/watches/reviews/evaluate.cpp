#include "daemon/watches/reviews/evaluate.hpp"

#include "common/ozon/cabinet_links.hpp"
#include "common/time.hpp"

namespace ozw::daemon::reviews {

using nlohmann::json;

bool low_rating(int rating, const ReviewsSettings& s) { return rating > 0 && rating <= s.alert_rating; }

void carry_over(const ReviewItem* previous, ReviewItem& next) {
    if (!previous || previous->kind != next.kind) return;
    if (next.kind == ItemKind::review) next.first_seen = previous->first_seen;
    else if (previous->unavailable_since) next.unavailable_since = previous->unavailable_since;
}

std::vector<Event> review_transitions(const ReviewItem* previous, const ReviewItem& r, TimePoint now,
                                      const EvalContext& ctx) {
    // Only a review never seen before is news; an edit of a known one is not.
    if (previous || r.kind != ItemKind::review) return {};
    Event e;
    e.type = "review.new";
    e.kind = EventKind::transition;
    e.severity = low_rating(r.rating, ctx.settings) ? Severity::warning : Severity::info;
    e.state = EventState::firing;
    e.account = ctx.account;
    e.key = "review.new:" + r.id;
    e.title = "review.new " + r.id;  // fallback only: alerts renders the real text
    e.occurred_at = r.published();
    e.detected_at = now;
    e.url = ozon::reviews_url();
    json d = {{"review_id", r.id},
              {"rating", r.rating},
              {"product", r.offer_id.empty() ? "SKU " + std::to_string(r.sku)
                                             : r.offer_id + " (SKU " + std::to_string(r.sku) + ")"},
              {"sku", r.sku},
              {"text", r.text},
              {"photos", r.photos}};
    if (!r.offer_id.empty()) d["offer_id"] = r.offer_id;
    if (r.sku > 0) d["product_url"] = ozon::product_page_url(r.sku);
    if (r.videos > 0) d["videos"] = r.videos;
    if (!r.order_status.empty()) d["order_status"] = r.order_status;
    if (r.published_at) d["published_at"] = format_iso8601(*r.published_at);
    if (low_rating(r.rating, ctx.settings)) d["alert_rating"] = ctx.settings.alert_rating;
    e.details = std::move(d);
    return {std::move(e)};
}

ItemConditions review_conditions(const ReviewItem& item, TimePoint now, const EvalContext& ctx) {
    ItemConditions c;
    if (item.kind != ItemKind::access) return c;
    Event e;
    e.type = "review.not_available";
    e.kind = EventKind::condition;
    e.severity = Severity::info;
    e.state = EventState::firing;
    e.account = ctx.account;
    e.key = "review.not_available";
    e.title = "review.not_available";
    e.occurred_at = item.unavailable_since.value_or(now);
    e.detected_at = now;
    e.url = ozon::reviews_url();
    json d = {{"recheck_hours", kRecheckWithoutSubscription.count() / 3'600'000}};
    if (item.unavailable_since) d["since"] = format_iso8601(*item.unavailable_since);
    if (!item.message.empty()) d["ozon_message"] = item.message;
    e.details = std::move(d);
    c.holding.push_back(std::move(e));
    return c;
}

}  // namespace ozw::daemon::reviews
