#pragma once
// What the reviews watch remembers: every review published within the window (kReviewWindow),
// and, while the account has no review subscription, one "access" item saying so (its
// condition review.not_available; its presence also makes the watch re-check once a day).
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/ozon/models.hpp"

namespace ozw::daemon::reviews {

enum class ItemKind { review, access };

inline constexpr const char* kAccessKey = "@access";

struct ReviewItem {
    ItemKind kind = ItemKind::review;
    // review
    std::string id;
    long long sku = 0;
    std::string offer_id;  // from the stocks watch's knowledge of the SKU, when it has it
    int rating = 0;
    std::string text;
    int photos = 0;
    int videos = 0;
    std::string order_status;  // DELIVERED | CANCELLED (raw)
    std::optional<TimePoint> published_at;
    TimePoint first_seen{};
    // access: since when the subscription is missing, and Ozon's words
    std::optional<TimePoint> unavailable_since;
    std::string message;

    std::string key() const { return kind == ItemKind::access ? std::string(kAccessKey) : id; }
    // When the review counts as published (Ozon's date, else when it was first seen).
    TimePoint published() const { return published_at.value_or(first_seen); }

    nlohmann::json to_json() const;
    static ReviewItem from_json(const nlohmann::json& j);  // tolerant
    std::string fingerprint() const;
};

// A review as Ozon lists it (first_seen = now).
ReviewItem item_from(const ozon::Review& r, TimePoint now);

}  // namespace ozw::daemon::reviews
