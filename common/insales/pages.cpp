// The InSales page parsers, apart from the client's coroutines: the fuzz build gives every
// translation unit without coroutines UBSan (clang 14 cannot build coroutines under it).
#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>

#include "common/insales/client.hpp"
#include "common/ozon/errors.hpp"
#include "common/ozon/json_util.hpp"

namespace ozw::insales {

using nlohmann::json;

namespace {
constexpr const char* kMethod = "insales /admin/products.json";
}  // namespace

std::optional<Usage> parse_usage_limit(std::string_view header) {
    auto slash = header.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    Usage u;
    auto a = header.substr(0, slash), b = header.substr(slash + 1);
    if (std::from_chars(a.data(), a.data() + a.size(), u.used).ec != std::errc()) return std::nullopt;
    if (std::from_chars(b.data(), b.data() + b.size(), u.limit).ec != std::errc()) return std::nullopt;
    return u;
}

Millis usage_wait(const Usage& u, const Options& o) {
    if (u.limit <= 0 || u.used < 0) return Millis{0};
    if (static_cast<double>(u.used) < o.usage_threshold * u.limit) return Millis{0};
    const int left = u.limit - u.used;
    if (left <= 0) return o.usage_window;
    return Millis{o.usage_window.count() / left};
}

std::vector<Variant> parse_products_page(std::string_view body) { return detail::parse_products_page_simd(body, nullptr); }

std::vector<Variant> detail::parse_products_page(std::string_view body, std::size_t* products) {
    return parse_products_page_simd(body, products);
}

std::vector<Variant> detail::parse_products_page_dom(std::string_view body, std::size_t* products) {
    json j;
    try {
        j = ozon::detail::parse_body(body, kMethod);
    } catch (const ozon::ParseError& e) {
        throw Error(ErrorKind::bad_response, e.what());
    }
    if (!j.is_array()) throw Error(ErrorKind::bad_response, "insales: products.json is not an array");
    ozon::detail::Reader r{kMethod};
    if (products) *products = j.size();
    std::vector<Variant> out;
    for (const auto& p : j) {
        if (!p.is_object()) continue;
        const long long pid = r.integer(p, "id");
        const std::string title = r.str(p, "title");
        const json* vs = r.array(p, "variants");
        if (!vs) continue;
        for (const auto& v : *vs) {
            if (!v.is_object()) continue;
            Variant x;
            x.id = r.integer(v, "id");
            x.product_id = pid;
            x.sku = r.str(v, "sku");
            x.barcode = r.str(v, "barcode");
            x.title = title;
            x.price = r.opt_number(v, "price");
            x.quantity = r.opt_int(v, "quantity");
            if (!x.quantity) {
                // "7.0" style decimals
                // Only what a long long holds: llround of 1e300 is undefined (INT64_MIN here).
                if (auto d = r.opt_number(v, "quantity"); d && std::abs(*d) < 9.0e18) x.quantity = std::llround(*d);
            }
            for (auto it = v.begin(); it != v.end(); ++it) {
                if (it.key().rfind("quantity_at_warehouse", 0) != 0 || it->is_null()) continue;
                if (auto d = r.to_number(*it, "quantity_at_warehouse")) x.quantity_at_warehouse[it.key()] = *d;
            }
            out.push_back(std::move(x));
        }
    }
    return out;
}

}  // namespace ozw::insales
