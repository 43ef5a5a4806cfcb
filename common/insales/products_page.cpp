// InSales' products.json page parsed with simdjson's On-Demand API straight into variants: a
// stock poll of a 100,000-article shop reads about 200 such pages, and the nlohmann DOM of them
// was over half of the poll's CPU (bench_stocks). The rules are those of the nlohmann reader
// (detail::parse_products_page_dom in pages.cpp, kept for the differential test): elements that
// are not objects are skipped, null = absent, numbers as strings and strings as numbers, a
// "quantity" that is not an integer ("7.0", 7.5) rounded, unknown fields ignored.
#include <charconv>
#include <cmath>
#include <limits>

#include "common/insales/client.hpp"
#include "common/ozon/errors.hpp"
#include "common/ozon/simd_walker.hpp"

namespace ozw::insales {

namespace {

using namespace ozon::detail::simd;
using ozon::detail::integer_from_text;
using ozon::detail::integral;

constexpr const char* kMethod = "insales /admin/products.json";

// Reader::opt_int of "quantity", then Reader::opt_number rounded (|x| < 9e18) when that gave
// nothing, as the nlohmann reader does; each reader's surprise logged as it would have been.
std::optional<long long> read_quantity(Walker& w, od::value& v) {
    const od::json_type t = w.type(v);
    switch (t) {
        case od::json_type::null: w.expect_null(v); return std::nullopt;
        case od::json_type::number: {
            const Walker::NumVal n = w.number_value(v);
            double d = n.d;
            if (n.kind == Walker::NumKind::integer) return n.i;
            if (n.kind == Walker::NumKind::uinteger) {
                if (n.u <= static_cast<unsigned long long>(std::numeric_limits<long long>::max()))
                    return static_cast<long long>(n.u);
                d = static_cast<double>(n.u);
            } else if (auto i = integral(n.d)) {
                return i;
            }
            w.surprise("quantity", "number");
            if (std::isfinite(d) && std::abs(d) < 9.0e18) return std::llround(d);
            return std::nullopt;
        }
        case od::json_type::string: {
            const std::string_view s = w.get(v.get_string());
            if (s.empty()) return std::nullopt;
            if (auto i = integer_from_text(s)) return i;
            w.surprise("quantity", "string");
            const char* b = s.data();
            const char* e = s.data() + s.size();
            if (*b == '+') ++b;
            double d = 0;
            auto [p, ec] = std::from_chars(b, e, d);
            if (ec == std::errc() && p == e && std::isfinite(d) && std::abs(d) < 9.0e18) return std::llround(d);
            return std::nullopt;
        }
        default:
            w.surprise("quantity", type_name(t));
            w.skip(v);
            return std::nullopt;
    }
}

// Reader::opt_number / to_number.
std::optional<double> read_opt_number(Walker& w, od::value& v, const char* key) {
    Num n;
    w.read_num(v, n);
    if (n.ok) return n.v;
    if (n.bad) w.surprise(key, n.bad);
    return std::nullopt;
}

void read_variant(Walker& w, od::value& v, Variant& x) {
    w.fields(v, [&](std::string_view k, od::value& f) {
        if (k == "id") x.id = w.integer(f, "id");
        else if (k == "sku") w.str(f, "sku", x.sku);
        else if (k == "barcode") w.str(f, "barcode", x.barcode);
        else if (k == "price") x.price = read_opt_number(w, f, "price");
        else if (k == "quantity") x.quantity = read_quantity(w, f);
        else if (k.starts_with("quantity_at_warehouse")) {
            if (auto d = read_opt_number(w, f, "quantity_at_warehouse")) x.quantity_at_warehouse[std::string(k)] = *d;
            else x.quantity_at_warehouse.erase(std::string(k));
        } else {
            w.skip(f);
        }
    });
}

}  // namespace

std::vector<Variant> detail::parse_products_page_simd(std::string_view body, std::size_t* products) {
    std::vector<Variant> out;
    std::size_t count = 0;
    std::vector<Variant> of_product;
    try {
        ozon::detail::simd::parse_array_document(
            body, kMethod, "insales: products.json is not an array", [&](Walker& w, od::value& p) {
                ++count;
                if (w.type(p) != od::json_type::object) {
                    w.skip(p);
                    return;
                }
                // id and title may come after the variants: the product's variants wait here.
                long long product_id = 0;
                std::string title;
                of_product.clear();
                w.fields(p, [&](std::string_view k, od::value& f) {
                    if (k == "id") {
                        product_id = w.integer(f, "id");
                    } else if (k == "title") {
                        w.str(f, "title", title);
                    } else if (k == "variants") {
                        of_product.clear();  // a key sent twice: the last one wins
                        if (!w.array_or_skip(f, "variants")) return;
                        w.elements(f, [&](od::value& e) {
                            if (w.type(e) != od::json_type::object) {
                                w.skip(e);
                                return;
                            }
                            Variant x;
                            read_variant(w, e, x);
                            of_product.push_back(std::move(x));
                        });
                    } else {
                        w.skip(f);
                    }
                });
                for (auto& x : of_product) {
                    x.product_id = product_id;
                    x.title = title;
                    out.push_back(std::move(x));
                }
            });
    } catch (const ozon::ParseError& e) {
        throw Error(ErrorKind::bad_response, e.what());
    }
    if (products) *products = count;
    return out;
}

}  // namespace ozw::insales
