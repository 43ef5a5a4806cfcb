// GCC 12 reports a false -Wmismatched-new-delete on asio coroutine frames.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include "daemon/watches/reviews/watch.hpp"

#include <algorithm>
#include <charconv>

#include <spdlog/spdlog.h>

#include "common/logging.hpp"
#include "common/time.hpp"

namespace ozw::daemon::reviews {

namespace {

std::optional<TimePoint> cursor_time(const std::map<std::string, std::string>& c, const char* name) {
    auto it = c.find(name);
    if (it == c.end()) return std::nullopt;
    return parse_iso8601(it->second);
}

}  // namespace

std::vector<std::string> reviews_report_lines(const std::map<std::string, ReviewItem>& items, TimePoint now,
                                              bool ru, const ReviewsSettings& s) {
    if (items.count(kAccessKey))
        return {ru ? "Отзывы: недоступны — нет подписки «Управление отзывами» или Premium Pro"
                   : "Reviews: not available — no Review management or Premium Pro subscription"};
    int fresh = 0, low = 0;
    for (const auto& [_, r] : items) {
        if (r.kind != ItemKind::review) continue;
        const TimePoint t = r.published();
        if (t <= now - std::chrono::hours(24) || t > now) continue;
        ++fresh;
        if (low_rating(r.rating, s)) ++low;
    }
    const bool one = fresh % 10 == 1 && fresh % 100 != 11;  // "1 новый", "21 новый", "11 новых"
    std::string line = ru ? "Отзывы: " + std::to_string(fresh) + (one ? " новый за сутки" : " новых за сутки")
                          : "Reviews: " + std::to_string(fresh) + " new in the last 24 h";
    if (s.alert_rating > 0)
        line += ru ? ", " + std::to_string(low) + " с оценкой ≤" + std::to_string(s.alert_rating)
                   : ", " + std::to_string(low) + " rated " + std::to_string(s.alert_rating) + " or lower";
    return {line};
}

ReviewsWatch::ReviewsWatch(std::string account, std::shared_ptr<ozon::Client> client, ReviewsSettings settings,
                           SnapshotIndexReader read_snapshot_index)
    : SnapshotWatch("reviews", account), client_(std::move(client)),
      ctx_{std::move(account), std::move(settings)}, read_snapshot_index_(std::move(read_snapshot_index)) {}

Millis ReviewsWatch::interval() const {
    return subscription_missing() ? kRecheckWithoutSubscription : ctx_.settings.interval;
}

awaitable<WatchOutput> ReviewsWatch::poll(TimePoint now, bool baseline) {
    // The first answer after a time without the subscription is a baseline too: the reviews
    // written meanwhile are history, not news.
    const bool silent = baseline || subscription_missing();
    WatchOutput out = co_await SnapshotWatch::poll(now, silent);
    co_return out;
}

std::vector<std::string> ReviewsWatch::report_lines(const ReportOptions& o) const {
    TimePoint now = o.now;
    if (now == TimePoint{}) now = cursor_time(cursors(), "last_success").value_or(TimePoint{});
    return reviews_report_lines(items(), now, o.language != "en", ctx_.settings);
}

std::string ReviewsWatch::report_title(const ReportOptions& o) const {
    return o.language == "en" ? "Reviews" : "Отзывы";
}

bool ReviewsWatch::in_window(const ReviewItem& r, TimePoint now) const {
    // The access item is never part of Ozon's answer: it goes only when the reviews answer.
    return r.kind == ItemKind::review && r.published() >= now - kReviewWindow;
}

bool ReviewsWatch::expired(const ReviewItem& r, TimePoint now) const {
    return r.kind == ItemKind::review && r.published() < now - kReviewWindow;
}

std::unordered_map<long long, std::string> ReviewsWatch::offers_by_sku(const std::vector<long long>& skus) const {
    std::unordered_map<long long, std::string> m;
    if (!read_snapshot_index_ || skus.empty()) return m;
    // Groups and sources have no "sku": only articles come back. A few SKUs (a poll's new
    // reviews) are searched for in the rows' text; many (a first poll of a busy shop) make one
    // pass that parses every row instead (each needle is one more scan of every row).
    static constexpr std::size_t kMostSearched = 32;
    const std::vector<long long> every;
    auto index = read_snapshot_index_("stocks", "sku", "offer_id", skus.size() <= kMostSearched ? skus : every);
    if (!index) return m;
    m.reserve(index->size());
    for (auto& [sku_text, offer_id] : *index) {
        long long sku = 0;
        const auto [end, ec] = std::from_chars(sku_text.data(), sku_text.data() + sku_text.size(), sku);
        if (ec != std::errc{} || end != sku_text.data() + sku_text.size() || sku <= 0 || offer_id.empty()) continue;
        m.emplace(sku, std::move(offer_id));
    }
    return m;
}

awaitable<Fetched<ReviewItem>> ReviewsWatch::fetch(TimePoint now, bool) {
    const long long requests_before = client_->stats().requests;
    Fetched<ReviewItem> out;
    ozon::ReviewsFilter filter;
    filter.published_from = now - kReviewWindow;
    filter.sort_dir = "DESC";
    filter.limit = 100;
    std::vector<ozon::Review> reviews;
    bool refused = false;
    std::string refusal;
    try {
        reviews = co_await client_->reviews_all(filter);
    } catch (const ozon::ApiError& e) {
        if (e.kind() != ozon::ErrorKind::not_available) throw;
        refused = true;
        // Foreign text: masked before it is stored or shown.
        refusal = log::mask(e.ozon_message().empty() ? std::string(e.what()) : e.ozon_message());
    }
    out.api_calls = client_->stats().requests - requests_before;
    out.cursors["last_success"] = format_iso8601_ms(now);
    if (refused) {
        if (!subscription_missing())
            spdlog::info("reviews [{}]: /v2/review/list is not available to this account (no Review management "
                         "or Premium Pro subscription): not an outage; asking again every {}",
                         account(), format_duration(kRecheckWithoutSubscription));
        ReviewItem access;
        access.kind = ItemKind::access;
        access.unavailable_since = now;
        access.message = refusal;
        out.items.push_back(std::move(access));
        out.mode = "no subscription";
        co_return out;
    }
    if (subscription_missing()) {
        spdlog::info("reviews [{}]: /v2/review/list answers again (a subscription appeared): watching reviews "
                     "every {}, the reviews written meanwhile are taken as a silent baseline",
                     account(), format_duration(ctx_.settings.interval));
        out.gone.push_back(kAccessKey);
    }
    out.items.reserve(reviews.size());
    std::vector<long long> new_skus;  // of the reviews seen for the first time: looked up at once
    std::vector<std::size_t> new_items;
    for (const auto& r : reviews) {
        if (r.id.empty()) {
            if (!logged_no_id_) spdlog::warn("reviews [{}]: Ozon sent a review without an id; skipped", account());
            logged_no_id_ = true;
            continue;
        }
        ReviewItem item = item_from(r, now);
        auto known = items().find(item.id);
        if (known != items().end() && known->second.kind == ItemKind::review)
            item.offer_id = known->second.offer_id;  // looked up when it was new
        else if (item.sku > 0) {
            new_skus.push_back(item.sku);
            new_items.push_back(out.items.size());
        }
        out.items.push_back(std::move(item));
    }
    std::sort(new_skus.begin(), new_skus.end());
    new_skus.erase(std::unique(new_skus.begin(), new_skus.end()), new_skus.end());
    const auto offers = offers_by_sku(new_skus);
    for (std::size_t i : new_items)
        if (auto it = offers.find(out.items[i].sku); it != offers.end()) out.items[i].offer_id = it->second;
    out.full_window = true;
    out.mode = "window";
    co_return out;
}

}  // namespace ozw::daemon::reviews
