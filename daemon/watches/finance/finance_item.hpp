#pragma once
// One remembered item of the finance watch: a delivered posting asked about (keyed by its
// number) or a payout period (keyed "period:<first day>"). One snapshot holds both, so that a
// period's summary, its payout condition and the postings' accruals are written in the same
// transaction as everything else the watch learnt in a poll.
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "daemon/engine/item_json.hpp"
#include "daemon/watches/finance/accrual_item.hpp"
#include "daemon/watches/finance/period_item.hpp"

namespace ozw::daemon::finance {

inline constexpr std::string_view kPeriodKeyPrefix = "period:";

struct FinanceItem {
    std::variant<AccrualItem, PeriodItem> value;

    FinanceItem() = default;
    FinanceItem(AccrualItem a) : value(std::move(a)) {}  // NOLINT: an item is either
    FinanceItem(PeriodItem p) : value(std::move(p)) {}   // NOLINT

    const AccrualItem* accrual() const { return std::get_if<AccrualItem>(&value); }
    const PeriodItem* period() const { return std::get_if<PeriodItem>(&value); }
    std::string key() const {
        if (const auto* p = period()) return std::string(kPeriodKeyPrefix) + p->id;
        return accrual()->posting_number;
    }

    nlohmann::json to_json() const {
        return std::visit([](const auto& v) { return v.to_json(); }, value);
    }
    // Tolerant; rows without a kind are postings (as the first release stored them).
    static FinanceItem from_json(const nlohmann::json& j) {
        if (j.is_object() && item_json::str_of(j, "kind") == "period") return PeriodItem::from_json(j);
        return AccrualItem::from_json(j);
    }
    std::string fingerprint() const {
        if (const auto* p = period()) return "P|" + p->fingerprint();
        return accrual()->fingerprint();
    }
};

}  // namespace ozw::daemon::finance
