// GCC 12 reports a false -Wmismatched-new-delete on asio coroutine frames.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include "daemon/watches/finance/watch.hpp"

#include <spdlog/spdlog.h>

#include "common/time.hpp"
#include "daemon/engine/item_json.hpp"

namespace ozw::daemon::finance {

namespace {
constexpr Millis kTypesEvery = std::chrono::hours(24);
}

FinanceWatch::FinanceWatch(std::string account, std::shared_ptr<ozon::Client> client, FinanceSettings settings,
                           SnapshotReader read_snapshot)
    : SnapshotWatch("finance", account), client_(std::move(client)),
      ctx_{std::move(account), std::move(settings)}, read_snapshot_(std::move(read_snapshot)) {}

std::map<std::string, TimePoint> FinanceWatch::delivered_postings() const {
    std::map<std::string, TimePoint> out;
    if (!read_snapshot_) return out;
    for (const auto& [number, row] : read_snapshot_("postings")) {
        const auto j = nlohmann::json::parse(row.data, nullptr, false);
        if (!j.is_object() || item_json::str_of(j, "status") != "delivered") continue;
        if (auto since = item_json::time_of(j, "status_since")) out.emplace(number, *since);
    }
    return out;
}

std::vector<std::string> FinanceWatch::report_lines(const ReportOptions& o) const {
    const bool ru = o.language != "en";
    int paid = 0, missing = 0;
    Decimal sales;
    for (const auto& [_, a] : items()) {
        if (a.paid) {
            ++paid;
            sales += a.sale;
        } else if (o.now >= a.delivered_at + std::chrono::hours(24) * ctx_.settings.grace_days) {
            ++missing;
        }
    }
    return {ru ? "Начисления за доставленные отправления:" : "Accruals for delivered postings:",
            (ru ? "  с начислением: " : "  accrued: ") + std::to_string(paid) + " (" + sales.display(ru) + ")",
            (ru ? "  без начисления дольше " : "  not accrued after ") + std::to_string(ctx_.settings.grace_days) +
                (ru ? " дн.: " : " days: ") + std::to_string(missing)};
}

std::string FinanceWatch::report_title(const ReportOptions& o) const {
    return o.language == "en" ? "Accruals" : "Начисления";
}

awaitable<Fetched<AccrualItem>> FinanceWatch::fetch(TimePoint now, bool /*baseline*/) {
    const FinanceSettings& cfg = ctx_.settings;
    const long long requests_before = client_->stats().requests;
    Fetched<AccrualItem> out;
    const auto delivered = delivered_postings();
    if (delivered.empty() && !logged_no_postings_) {
        // Not an error (a new shop, or the postings watch has not polled yet), but if
        // watches.postings is off this watch has nothing to check: say so once.
        logged_no_postings_ = true;
        spdlog::warn("finance [{}]: the postings watch has stored no delivered postings (is watches.postings "
                     "enabled?); nothing to check until it has (logged once)", account());
    }
    const TimePoint due_before = now - std::chrono::hours(24) * cfg.grace_days;
    const TimePoint oldest = now - cfg.give_up_after;
    // Ask about: delivered long enough ago, not too long, not known as paid.
    std::map<std::string, TimePoint> ask;
    for (const auto& [number, at] : delivered) {
        auto known = items().find(number);
        if (known != items().end() && known->second.paid) continue;
        if (at <= due_before && at >= oldest) ask.emplace(number, at);
    }
    for (const auto& [number, a] : items())  // remembered unpaid ones the postings watch forgot
        if (!a.paid && a.delivered_at >= oldest && !ask.count(number)) ask.emplace(number, a.delivered_at);
    if (!ask.empty()) {
        if (!types_read_at_ || now - *types_read_at_ >= kTypesEvery) {
            sale_types_ = sale_type_ids(co_await client_->accrual_types(), cfg.sale_types);
            types_read_at_ = now;
            if (sale_types_.empty())
                spdlog::warn("finance [{}]: no accrual type is named like a sale (watches.finance.sale_types); "
                             "a positive accrued amount is taken for the sale", account());
        }
        std::vector<std::string> numbers;
        numbers.reserve(ask.size());
        for (const auto& [number, _] : ask) numbers.push_back(number);
        std::map<std::string, AccrualSummary> answered;
        for (const auto& p : co_await client_->accruals_by_postings(numbers))
            answered[p.posting_number] = summarize(p, sale_types_);
        for (const auto& [number, at] : ask) {
            AccrualItem item;
            item.posting_number = number;
            item.delivered_at = at;
            if (auto it = answered.find(number); it != answered.end()) {
                item.paid = it->second.paid;
                item.sale = it->second.sale;
                item.charges = it->second.charges;
                item.paid_on = it->second.paid_on;
            }
            out.items.push_back(std::move(item));
        }
    }
    out.forget_expired = true;
    out.mode = "accruals";
    out.api_calls = client_->stats().requests - requests_before;
    co_return out;
}

}  // namespace ozw::daemon::finance
