#pragma once
// The Ozon Seller API methods Ozon has switched off (or is switching off): ONE table shared by
// the client (which refuses to call them, without sending anything) and the sandbox (which
// answers them 404 "method is obsolete" and records the call). Sources:
// ../shared/ozon-seller-api/NOTES.md and 2026/tags-and-deprecations.md.
#include <array>
#include <span>
#include <string_view>

namespace ozw::ozon {

struct RetiredMethod {
    std::string_view path;         // "/v3/posting/fbs/list"
    std::string_view replacement;  // the 2026 method to use instead: "/v4/posting/fbs/list"
    std::string_view shutdown;     // Ozon's shutdown date as text: "31.08.2026" (or why none)
};

inline constexpr std::array<RetiredMethod, 11> kRetiredMethods = {{
    {"/v3/posting/fbs/list", "/v4/posting/fbs/list", "31.08.2026"},
    {"/v3/posting/fbs/unfulfilled/list", "/v4/posting/fbs/unfulfilled/list", "31.08.2026"},
    {"/v2/posting/fbs/list", "/v4/posting/fbs/list", "switched off before 2025"},
    {"/v3/finance/transaction/list", "/v1/finance/accrual/postings", "08.09.2026"},
    {"/v3/finance/transaction/totals", "/v1/finance/accrual/by-day", "08.09.2026"},
    {"/v1/warehouse/list", "/v2/warehouse/list", "07.04.2026"},
    {"/v1/product/info/stocks-by-warehouse/fbs", "/v2/product/info/stocks-by-warehouse/fbs",
     "07.04.2026"},
    {"/v1/review/list", "/v2/review/list", "deprecated, no date announced"},
    {"/v1/chat/list", "/v3/chat/list", "switched off before 2025"},
    {"/v2/chat/list", "/v3/chat/list", "deprecated, no date announced"},
    {"/v3/product/info/stocks", "/v4/product/info/stocks", "switched off before 2025"},
}};

inline std::span<const RetiredMethod> retired_methods() { return kRetiredMethods; }

// The table entry for `path` (exact match), or nullptr when the method is not retired.
inline const RetiredMethod* find_retired(std::string_view path) {
    for (const auto& m : kRetiredMethods)
        if (m.path == path) return &m;
    return nullptr;
}

}  // namespace ozw::ozon
