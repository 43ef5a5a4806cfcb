// The reviews watch as a module: its config section, its event types, its watch.
#include "daemon/watches/reviews/module.hpp"

#include "daemon/engine/settings_schema.hpp"
#include "daemon/watches/reviews/event_types.hpp"
#include "daemon/watches/reviews/watch.hpp"

namespace ozw::daemon::reviews {

namespace {

SettingsSchema<ReviewsSettings> make_schema() {
    using S = ReviewsSettings;
    SettingsSchema<S> s("reviews");
    s.integer("alert_rating", &S::alert_rating, 0, 5);
    return s;
}

class ReviewsModule final : public WatchModule {
public:
    const WatchSchema& schema() const override { return schema_; }
    std::string title(const std::string& language) const override { return language == "en" ? "reviews" : "отзывы"; }
    std::vector<EventType> event_types() const override { return review_event_types(); }
    std::vector<Event> examples() const override {
        const EvalContext ctx{"main", ReviewsSettings{}};
        const TimePoint t0 = *parse_iso8601("2026-11-26T04:00:00Z");
        std::vector<Event> out;
        ReviewItem r;
        r.id = "017c0d1c-66d3-b838-3d29-cf9b95a6ac48";
        r.sku = 148591503;
        r.offer_id = "JNS-001";
        r.rating = 5;
        r.text = "Отличные джинсы, размер в размер!";
        r.photos = 2;
        r.videos = 1;
        r.order_status = "DELIVERED";
        r.published_at = t0;
        r.first_seen = t0;
        // A low rating is the same type sent as a warning; the registry holds the type's usual
        // severity (info), so the example is a good review.
        for (auto& e : review_transitions(nullptr, r, t0, ctx)) out.push_back(std::move(e));
        ReviewItem access;
        access.kind = ItemKind::access;
        access.unavailable_since = t0;
        access.message = "Method is available only with the Premium Pro or Review management subscription";
        for (auto& e : review_conditions(access, t0, ctx).holding) out.push_back(std::move(e));
        return out;
    }
    std::vector<std::string> ozon_methods() const override { return {"/v2/review/list"}; }
    std::shared_ptr<Watch> create(const WatchContext& ctx) const override {
        return std::make_shared<ReviewsWatch>(ctx.account.name, ctx.ozon,
                                              dynamic_cast<const ReviewsSettings&>(ctx.settings), ctx.read_snapshot_index);
    }

private:
    SettingsSchema<ReviewsSettings> schema_ = make_schema();
};

}  // namespace

const WatchModule& module() {
    static const ReviewsModule m;
    return m;
}

}  // namespace ozw::daemon::reviews
