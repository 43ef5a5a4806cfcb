#pragma once
// Which role of an Ozon API key opens a method, to name the role to add when /v1/roles shows
// that a watch's method is not covered. Ozon does not publish the role -> method table; the
// names are the roles of the cabinet's "Seller API" key dialog as /v1/roles reports them
// ("Admin", "Posting FBS" in the specification's example). The sandbox emulates the same roles.
#include <array>
#include <string_view>

namespace ozw::ozon {

struct RoleHint {
    std::string_view prefix;  // a method path prefix
    std::string_view role;
};

inline constexpr std::array<RoleHint, 10> kRoleHints = {{
    {"/v3/posting/fbs/", "Posting FBS"},
    {"/v4/posting/fbs/", "Posting FBS"},
    {"/v1/returns/", "Returns"},
    {"/v2/returns/", "Returns"},
    {"/v1/finance/", "Finance"},
    {"/v2/product/", "Product"},
    {"/v4/product/", "Product"},
    {"/v2/review/", "Reviews"},
    {"/v3/chat/", "Chat"},
    {"/v2/warehouse/", "Warehouse"},
}};

// The role that opens `method` ("" when unknown: then only the method can be named).
constexpr std::string_view role_for_method(std::string_view method) {
    for (const auto& h : kRoleHints)
        if (method.substr(0, h.prefix.size()) == h.prefix) return h.role;
    return {};
}

}  // namespace ozw::ozon
