#include "daemon/watches/reviews/review_item.hpp"

#include "common/time.hpp"

namespace ozw::daemon::reviews {

using nlohmann::json;

namespace {

std::string str_of(const json& j, const char* k) {
    auto it = j.find(k);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}
long long int_of(const json& j, const char* k) {
    auto it = j.find(k);
    return it != j.end() && it->is_number() ? it->get<long long>() : 0;
}
std::optional<TimePoint> time_of(const json& j, const char* k) {
    const std::string s = str_of(j, k);
    return s.empty() ? std::nullopt : parse_iso8601(s);
}
json time_json(const std::optional<TimePoint>& t) { return t ? json(format_iso8601_ms(*t)) : json(); }

}  // namespace

json ReviewItem::to_json() const {
    if (kind == ItemKind::access)
        return {{"kind", "access"}, {"unavailable_since", time_json(unavailable_since)}, {"message", message}};
    return {{"id", id},
            {"sku", sku},
            {"offer_id", offer_id},
            {"rating", rating},
            {"text", text},
            {"photos", photos},
            {"videos", videos},
            {"order_status", order_status},
            {"published_at", time_json(published_at)},
            {"first_seen", format_iso8601_ms(first_seen)}};
}

ReviewItem ReviewItem::from_json(const json& j) {
    ReviewItem r;
    if (!j.is_object()) return r;
    if (str_of(j, "kind") == "access") {
        r.kind = ItemKind::access;
        r.unavailable_since = time_of(j, "unavailable_since");
        r.message = str_of(j, "message");
        return r;
    }
    r.id = str_of(j, "id");
    r.sku = int_of(j, "sku");
    r.offer_id = str_of(j, "offer_id");
    r.rating = static_cast<int>(int_of(j, "rating"));
    r.text = str_of(j, "text");
    r.photos = static_cast<int>(int_of(j, "photos"));
    r.videos = static_cast<int>(int_of(j, "videos"));
    r.order_status = str_of(j, "order_status");
    r.published_at = time_of(j, "published_at");
    r.first_seen = time_of(j, "first_seen").value_or(TimePoint{});
    return r;
}

std::string ReviewItem::fingerprint() const {
    // Only what the events read: a review's status (NEW -> VIEWED -> PROCESSED) or its comment
    // count moving is no change worth a snapshot write.
    if (kind == ItemKind::access) return "access|" + message;
    return id + '|' + std::to_string(sku) + '|' + offer_id + '|' + std::to_string(rating) + '|' +
           std::to_string(photos) + '|' + std::to_string(videos) + '|' + order_status + '|' +
           (published_at ? format_iso8601_ms(*published_at) : std::string{}) + '|' + text;
}

ReviewItem item_from(const ozon::Review& r, TimePoint now) {
    ReviewItem x;
    x.id = r.id;
    x.sku = r.sku;
    x.rating = r.rating;
    x.text = r.text;
    x.photos = r.photos_amount;
    x.videos = r.videos_amount;
    x.order_status = r.order_status;
    x.published_at = r.published_at;
    x.first_seen = now;
    return x;
}

}  // namespace ozw::daemon::reviews
