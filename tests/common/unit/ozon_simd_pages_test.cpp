// The large Ozon pages other than postings (/v1/returns/list, /v4/product/info/stocks,
// /v1/finance/accrual/by-day, /v1/finance/accrual/postings) are parsed with simdjson On-Demand
// (common/ozon/{returns,stocks,accruals}_page.cpp). These tests hold each parser to the nlohmann
// reader of models.cpp (detail::*_dom, the oracle): every field of the models and the number of
// schema surprises, on the official examples, on generated pages (many items, random optional,
// null, odd and wrongly typed values, random key order) and on hand-written tolerant bodies; and
// both must refuse the same malformed bodies.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "common/ozon/errors.hpp"
#include "common/ozon/json_util.hpp"
#include "common/ozon/models.hpp"
#include "common/time.hpp"

using namespace ozw;
using namespace ozw::ozon;
using oj = nlohmann::ordered_json;  // keeps the key order the generator chose

namespace ozw::ozon {
namespace {

// ------------------------------------------------------------------ models as text
// Every member of the models, in declaration order (std::tie), one record a line: two parses
// are equal when their texts are.

auto members(const ReturnProduct& p) {
    return std::tie(p.sku, p.offer_id, p.name, p.quantity, p.price, p.price_without_commission, p.commission,
                    p.commission_percent);
}
auto members(const ReturnVisualStatus& s) { return std::tie(s.id, s.display_name, s.sys_name); }
auto members(const ReturnLogistic& l) {
    return std::tie(l.barcode, l.return_date, l.final_moment, l.technical_return_moment,
                    l.cancelled_with_compensation_moment);
}
auto members(const ReturnStorage& s) {
    return std::tie(s.days, s.arrived_moment, s.tariffication_first_date, s.tariffication_start_date,
                    s.utilization_forecast_date, s.sum, s.utilization_sum);
}
auto members(const ReturnPlace& p) { return std::tie(p.id, p.name, p.address); }
auto members(const Return& r) {
    return std::tie(r.id, r.source_id, r.type, r.schema, r.posting_number, r.order_number, r.order_id, r.product,
                    r.return_reason_name, r.visual_status, r.visual_change_moment, r.logistic, r.storage, r.place,
                    r.target_place, r.compensation_status, r.is_opened);
}
auto members(const ReturnPage& p) { return std::tie(p.returns, p.has_next); }
auto members(const Stock& s) { return std::tie(s.type, s.present, s.reserved, s.sku, s.shipment_type, s.warehouse_ids); }
auto members(const StockItem& s) { return std::tie(s.product_id, s.offer_id, s.stocks); }
auto members(const StockPage& p) { return std::tie(p.items, p.cursor, p.total_items); }
auto members(const AccrualFee& f) { return std::tie(f.type_id, f.accrued, f.sku); }
auto members(const DayAccrualProduct& p) {
    return std::tie(p.sku, p.sale_amount, p.sale_price, p.sale_commission, p.commission, p.seller_price,
                    p.commission_ratio, p.delivery_total);
}
auto members(const DayAccrual& d) {
    return std::tie(d.accrual_id, d.category, d.date, d.unit_number, d.total_amount, d.fees, d.delivery_schema,
                    d.products);
}
auto members(const AccrualDayPage& p) { return std::tie(p.accruals, p.last_id); }
auto members(const PostingAccrual& a) {
    return std::tie(a.accrual_date, a.type_id, a.accrued, a.quantity, a.seller_price, a.sku);
}
auto members(const PostingAccruals& a) { return std::tie(a.posting_number, a.accruals); }
auto members(const Money& m) { return std::tie(m.amount, m.currency); }

void put(std::string& o, long long v) { o += std::to_string(v); }
void put(std::string& o, int v) { o += std::to_string(v); }
void put(std::string& o, bool v) { o += v ? "true" : "false"; }
void put(std::string& o, double v) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back the same
    o.append(buf, r.ptr);
}
void put(std::string& o, const Decimal& v) { o += v.to_string(4); }  // exact, every decimal kept
void put(std::string& o, const std::string& v) {
    o += '"';
    o += v;
    o += '"';
}
void put(std::string& o, const TimePoint& t) { o += std::to_string(t.time_since_epoch().count()); }
template <class T>
void put(std::string& o, const std::optional<T>& v);
template <class T>
void put(std::string& o, const std::vector<T>& v);

template <class T>
    requires requires(const T& t) { members(t); }
void put(std::string& o, const T& x) {
    o += '{';
    std::apply([&](const auto&... m) { ((put(o, m), o += ' '), ...); }, members(x));
    o += '}';
}
template <class T>
void put(std::string& o, const std::optional<T>& v) {
    if (v) put(o, *v);
    else o += "none";
}
template <class T>
void put(std::string& o, const std::vector<T>& v) {
    o += "[\n";
    for (const auto& e : v) {
        put(o, e);
        o += '\n';
    }
    o += ']';
}

template <class Page>
std::string text(const Page& p) {
    std::string o;
    put(o, p);
    return o;
}
std::string text(const std::vector<PostingAccruals>& v) {
    std::string o;
    put(o, v);
    return o;
}

// ------------------------------------------------------------------ generated bodies

// Random values in the shapes Ozon sends and, with probability `odd`, in shapes it should not.
struct Gen {
    std::mt19937_64 rng;
    double odd;

    Gen(unsigned seed, double odd_) : rng(seed), odd(odd_) {}

    bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }
    int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }
    long long id() { return std::uniform_int_distribution<long long>(1, 99999999999999LL)(rng); }
    template <class T>
    T one_of(std::initializer_list<T> xs) {
        return xs.begin()[below(static_cast<int>(xs.size()))];
    }

    // A value of a type no field expects, or an edge value.
    oj junk() {
        switch (below(12)) {
            case 0: return oj{{"x", 1}};
            case 1: return oj::array({1, "a", nullptr});
            case 2: return chance(0.5);
            case 3: return "not a number";
            case 4: return 2.5;
            case 5: return "";
            case 6: return 18446744073709551615ULL;
            case 7: return -1e30;
            case 8: return "12abc";
            case 9: return "1e3";
            case 10: return -9223372036854775807LL - 1;
            default: return oj::array();
        }
    }
    oj integer(long long v) {
        if (chance(odd)) return junk();
        switch (below(6)) {
            case 0: return std::to_string(v);  // ids as strings, as in the examples
            case 1: return static_cast<double>(v % 100000);
            default: return v;
        }
    }
    oj small() { return integer(below(1000) - 10); }
    oj number() {
        if (chance(odd)) return junk();
        double v = (below(2000000) - 1000000) / 100.0;
        switch (below(4)) {
            case 0: return std::to_string(v);  // "1390.000000"
            case 1: return below(100);
            default: return v;
        }
    }
    // Money amounts in the forms the exact reader must agree on: decimal strings with up to six
    // decimals, negative ones, doubles with 17 significant digits, exponents, tiny values.
    oj amount() {
        if (chance(odd)) return junk();
        const long long units = std::uniform_int_distribution<long long>(-99999999999LL, 99999999999LL)(rng);
        switch (below(6)) {
            case 0: {
                std::string frac = std::to_string(below(1000000));
                return std::to_string(units / 1000) + "." + std::string(6 - frac.size(), '0') + frac;
            }
            case 1: return std::uniform_real_distribution<double>(-1e6, 1e6)(rng);
            case 2: return static_cast<double>(units) * 1e-9;  // exponents among them
            case 3: return std::to_string(units / 100) + "." + std::to_string(below(100));
            case 4: return static_cast<double>(units % 100000000) / 100.0;
            default: return units / 10000;
        }
    }
    oj str(std::string s) {
        if (chance(odd)) return chance(0.5) ? oj(below(100000)) : junk();
        if (chance(0.1)) return "";
        if (chance(0.1)) s += " \"q\" \\ \u00e9 \U0001F600 \t";
        return s;
    }
    oj word(std::initializer_list<const char*> known) {
        // Unknown enum values are kept as they are.
        return str(chance(0.1) ? std::string("Unheard_Of_") + std::to_string(below(5)) : one_of(known));
    }
    oj time() {
        if (chance(odd)) return chance(0.5) ? oj("yesterday") : junk();
        switch (below(6)) {
            case 0: return "";
            case 1: return "2024-07-29T06:15:48.998146Z";
            case 2: return "9999-12-31T23:59:59.999999900Z";
            default: return "2026-0" + std::to_string(1 + below(9)) + "-1" + std::to_string(below(10)) + "T0" +
                            std::to_string(below(10)) + ":00:00Z";
        }
    }
    oj date() { return str("2026-05-" + std::to_string(10 + below(20))); }
    oj boolean() {
        if (chance(odd)) return junk();
        switch (below(4)) {
            case 0: return chance(0.5) ? "true" : "false";
            case 1: return below(2);
            default: return chance(0.5);
        }
    }
    oj money() {
        if (chance(odd)) {
            switch (below(4)) {
                case 0: return junk();
                case 1: return oj{{"amount", junk()}, {"currency", "RUB"}};
                case 2: return oj{{"price", "5"}, {"currency", junk()}, {"currency_code", junk()}};
                default: return oj{{"amount", nullptr}, {"price", junk()}};
            }
        }
        switch (below(9)) {
            case 0: return number();  // a plain number or numeric string
            case 1: return oj{{"price", number()}, {"currency_code", one_of({"RUB", "KZT"})}};  // returns
            case 7: return oj{{"currency_code", "RUB"}, {"value", amount()}};  // /v1/finance/balance
            case 8: return amount();
            case 2: return oj{{"amount", number()}, {"price", number()}, {"currency", ""}, {"currency_code", "BYN"}};
            case 3: return oj{{"currency", "RUB"}};
            default: return oj{{"amount", number()}, {"currency", one_of({"RUB", "RUB", "USD"})}};
        }
    }

    using Fields = std::vector<std::pair<std::string, std::function<oj()>>>;

    // The fields in random order, each absent (10 %), null (5 %) or generated (always for
    // `keep`); sometimes an unknown field.
    oj object(Fields fields, std::string_view keep = {}) {
        std::shuffle(fields.begin(), fields.end(), rng);
        oj o = oj::object();
        for (auto& [k, f] : fields) {
            if (k == keep) o[k] = f();
            else if (!chance(0.1)) o[k] = chance(0.05) ? oj(nullptr) : f();
        }
        if (chance(0.2)) o["field_from_the_future"] = oj{{"a", oj::array({1, nullptr, {{"b", "c"}}})}};
        return o;
    }
    // A nested object field: an object, or junk when odd.
    oj nested(Fields fields) { return chance(odd) ? junk() : object(std::move(fields)); }
    // An array of n elements (some junk when odd), or junk when odd.
    oj array(int n, const std::function<oj()>& elem) {
        if (chance(odd * 0.3)) return junk();
        oj a = oj::array();
        for (int i = 0; i < n; ++i) a.push_back(chance(odd * 0.2) ? junk() : elem());
        return a;
    }
};

// A smaller value than v: an object without some of its fields, an array without its second
// half, null for a scalar.
oj lesser(const oj& v, Gen& g) {
    if (v.is_object()) {
        oj o = oj::object();
        for (const auto& [k, x] : v.items())
            if (g.chance(0.5)) o[k] = x;
        return o;
    }
    if (v.is_array()) return oj(std::vector<oj>(v.begin(), v.begin() + static_cast<long>(v.size() / 2)));
    return nullptr;
}

// The text of j where, with probability p, a field is sent twice: first as generated, then
// (the value that counts) smaller; whatever the first one filled must not stay.
std::string dump_with_keys_twice(const oj& j, Gen& g, double p) {
    if (j.is_array()) {
        std::string o = "[";
        for (const auto& e : j) {
            if (o.size() > 1) o += ',';
            o += dump_with_keys_twice(e, g, p);
        }
        return o + "]";
    }
    if (!j.is_object()) return j.dump();
    std::string o = "{";
    auto emit = [&](const std::string& k, const oj& v) {
        if (o.size() > 1) o += ',';
        o += oj(k).dump() + ":" + dump_with_keys_twice(v, g, p);
    };
    for (const auto& [k, v] : j.items()) {
        if (g.chance(p)) {
            emit(k, v);
            emit(k, lesser(v, g));
        } else {
            emit(k, v);
        }
    }
    return o + "}";
}

oj gen_place(Gen& g) {
    return g.nested({{"id", [&] { return g.integer(g.id()); }},
                     {"name", [&] { return g.str("СЦ_Львовский_Возвраты"); }},
                     {"address", [&] { return g.str("Россия, обл. Московская, г. Подольск"); }}});
}

oj gen_return(Gen& g, long long n) {
    auto money = [&] { return g.money(); };
    auto time = [&] { return g.time(); };
    auto status = [&] {
        return g.nested({{"id", [&] { return g.small(); }},
                         {"display_name", [&] { return g.str("В пункте выдачи"); }},
                         {"sys_name", [&] { return g.word({"ArrivedAtReturnPlace", "OnSellerApproval", "Received"}); }}});
    };
    return g.object({
        {"id", [&] { return g.integer(1000000000 + n); }},
        {"source_id", [&] { return g.integer(g.id()); }},
        {"company_id", [&] { return g.integer(3058); }},
        {"type", [&] { return g.word({"Cancellation", "FullReturn", "PartialReturn", "ClientReturn", "Unknown"}); }},
        {"schema", [&] { return g.word({"Fbs", "FBS", "FBO"}); }},
        {"posting_number", [&] { return g.str("58544282-" + std::to_string(n) + "-1"); }},
        {"order_number", [&] { return g.str("58544282-0057"); }},
        {"order_id", [&] { return g.integer(g.id()); }},
        {"return_reason_name", [&] { return g.str("Покупатель отказался при вручении"); }},
        {"exemplars", [&] { return g.array(g.below(3), [&] { return oj{{"id", g.integer(g.id())}}; }); }},
        {"product",
         [&] {
             return g.nested({{"sku", [&] { return g.integer(g.id()); }},
                              {"offer_id", [&] { return g.str("81451"); }},
                              {"name", [&] { return g.str("Кукла Дотти"); }},
                              {"quantity", [&] { return g.small(); }},
                              {"price", money},
                              {"price_without_commission", money},
                              {"commission", money},
                              {"commission_percent", [&] { return g.number(); }}});
         }},
        {"visual", [&] { return g.nested({{"change_moment", time}, {"status", status}}); }},
        {"logistic",
         [&] {
             return g.nested({{"barcode", [&] { return g.str("ii5275210303"); }},
                              {"return_date", time},
                              {"final_moment", time},
                              {"technical_return_moment", time},
                              {"cancelled_with_compensation_moment", time}});
         }},
        {"storage",
         [&] {
             return g.nested({{"days", [&] { return g.small(); }},
                              {"arrived_moment", time},
                              {"tariffication_first_date", time},
                              {"tariffication_start_date", time},
                              {"utilization_forecast_date", time},
                              {"sum", money},
                              {"utilization_sum", money}});
         }},
        {"place", [&] { return gen_place(g); }},
        {"target_place", [&] { return gen_place(g); }},
        {"compensation_status", [&] { return g.nested({{"change_moment", time}, {"status", status}}); }},
        {"additional_info",
         [&] { return g.nested({{"is_opened", [&] { return g.boolean(); }}, {"is_super_econom", [&] { return g.boolean(); }}}); }},
        {"return_clearing_id", [&] { return g.integer(g.id()); }},
    });
}

std::string gen_returns_page(Gen& g, int n) {
    return g.object({{"has_next", [&] { return g.boolean(); }},
                     {"returns", [&] { return g.array(n, [&, i = 0LL]() mutable { return gen_return(g, i++); }); }}},
                    "returns")
        .dump();
}

oj gen_warehouse_ids(Gen& g) {
    return g.array(g.below(4), [&] {
        switch (g.below(5)) {
            case 0: return oj(std::to_string(g.id()));
            case 1: return g.junk();
            default: return oj(g.id());
        }
    });
}

std::string gen_stocks_page(Gen& g, int n) {
    auto stock = [&] {
        return g.object({{"type", [&] { return g.word({"fbs", "rfbs", "fbo", "fbp"}); }},
                         {"present", [&] { return g.small(); }},
                         {"reserved", [&] { return g.small(); }},
                         {"sku", [&] { return g.integer(g.id()); }},
                         {"shipment_type", [&] { return g.word({"SHIPMENT_TYPE_GENERAL", "SHIPMENT_TYPE_BOX"}); }},
                         {"warehouse_ids", [&] { return gen_warehouse_ids(g); }}});
    };
    auto item = [&] {
        return g.object({{"offer_id", [&] { return g.str("offer-" + std::to_string(g.id())); }},
                         {"product_id", [&] { return g.integer(g.id()); }},
                         {"stocks", [&] { return g.array(g.below(4), stock); }}});
    };
    return g.object({{"cursor", [&] { return g.str("next-cursor-" + std::to_string(g.id())); }},
                     {"total", [&] { return g.integer(n); }},
                     {"total_items", [&] { return g.integer(n); }},
                     {"items", [&] { return g.array(n, item); }}},
                    "items")
        .dump();
}

oj gen_fee(Gen& g) {
    return g.object({{"type_id", [&] { return g.small(); }}, {"accrued", [&] { return g.money(); }}});
}

std::string gen_accrual_day_page(Gen& g, int n) {
    auto fees = [&] { return g.array(g.below(3), [&] { return gen_fee(g); }); };
    auto product = [&] {
        auto money = [&] { return g.money(); };
        return g.object(
            {{"sku", [&] { return g.integer(g.id()); }},
             {"commission",
              [&] {
                  return g.nested({{"bonus", money},
                                   {"coinvestment", money},
                                   {"commission", money},
                                   {"commission_ratio", [&] { return g.str("0.16"); }},
                                   {"sale_amount", money},
                                   {"sale_commission", money},
                                   {"sale_price", money},
                                   {"seller_price", money}});
              }},
             {"delivery", [&] { return g.nested({{"services", fees}, {"total_accrued", money}}); }}});
    };
    auto accrual = [&, i = 0]() mutable {
        ++i;
        return g.object(
            {{"accrual_id", [&] { return g.integer(9000 + i); }},
             {"accrued_category", [&] { return g.word({"UNSPECIFIED", "POSTING", "ITEM", "NON_ITEM", "CONTAINER_FEES"}); }},
             {"date", [&] { return g.date(); }},
             {"unit_number", [&] { return g.str("0208245774-0029-1"); }},
             {"total_amount", [&] { return g.money(); }},
             {"container_fees", [&] { return g.nested({{"fees", fees}}); }},
             {"item_fees",
              [&] {
                  return g.nested({{"fees", [&] {
                                        return g.array(g.below(3), [&] {
                                            return g.object({{"sku", [&] { return g.integer(g.id()); }}, {"fees", fees}});
                                        });
                                    }}});
              }},
             {"non_item_fee", [&] { return g.chance(g.odd) ? g.junk() : gen_fee(g); }},
             {"posting",
              [&] {
                  return g.nested({{"delivery_schema", [&] { return g.word({"FBS", "FBO", "RFBS"}); }},
                                   {"delivery_speed", [&] { return g.small(); }},
                                   {"products", [&] { return g.array(g.below(4), product); }}});
              }}});
    };
    return g.object({{"last_id", [&] { return g.str("eyJsYXN0IjoxfQ=="); }},
                     {"accruals", [&] { return g.array(n, accrual); }}},
                    "accruals")
        .dump();
}

std::string gen_accrual_postings_page(Gen& g, int n) {
    auto accrual = [&] {
        return g.object({{"accrual_date", [&] { return g.date(); }},
                         {"accrued", [&] { return g.money(); }},
                         {"quantity", [&] { return g.small(); }},
                         {"seller_price", [&] { return g.money(); }},
                         {"sku", [&] { return g.integer(g.id()); }},
                         {"type_id", [&] { return g.small(); }}});
    };
    auto posting = [&] {
        return g.object({{"posting_number", [&] { return g.str("0208245774-" + std::to_string(g.below(9999)) + "-1"); }},
                         {"accruals", [&] { return g.array(g.below(5), accrual); }}});
    };
    return g.object({{"posting_accruals", [&] { return g.array(n, posting); }}}, "posting_accruals").dump();
}

// ------------------------------------------------------------------ the pages under test

struct PageCase {
    const char* name;
    const char* array_key;                     // the page's main array
    std::vector<const char*> fixtures;         // tests/fixtures/ozon
    std::string (*simd)(std::string_view);     // parse, as text
    std::string (*dom)(std::string_view);      // the oracle, as text
    std::string (*pub)(std::string_view);      // the public parse_* function, as text
    std::string (*generate)(Gen&, int);        // a page of n records
    int records;                               // n for the generated pages
};

// A parser whose model comes back as text.
template <auto parse>
std::string as_text(std::string_view body) {
    return text(parse(body));
}

const PageCase kPages[] = {
    {"returns", "returns", {"2026_v1_returns_list.json", "swagger_v1_returns_list.json"},
     as_text<detail::parse_returns_list_simd>, as_text<detail::parse_returns_list_dom>, as_text<parse_returns_list>,
     gen_returns_page, 300},
    {"stocks", "items", {"2026_v4_product_info_stocks.json"}, as_text<detail::parse_stocks_simd>,
     as_text<detail::parse_stocks_dom>, as_text<parse_stocks>, gen_stocks_page, 1000},
    {"accrual_by_day", "accruals", {"schema_v1_finance_accrual_by_day.json"}, as_text<detail::parse_accrual_by_day_simd>,
     as_text<detail::parse_accrual_by_day_dom>, as_text<parse_accrual_by_day>, gen_accrual_day_page, 300},
    {"accrual_postings", "posting_accruals", {"schema_v1_finance_accrual_postings.json"},
     as_text<detail::parse_accrual_postings_simd>, as_text<detail::parse_accrual_postings_dom>,
     as_text<parse_accrual_postings>, gen_accrual_postings_page, 200},
};

void PrintTo(const PageCase& p, std::ostream* os) { *os << p.name; }

const PageCase& page(const char* name) {
    for (const auto& p : kPages)
        if (std::string_view(p.name) == name) return p;
    throw std::logic_error(name);
}

std::string fixture(const char* name) {
    std::filesystem::path path = std::filesystem::path(OZW_SOURCE_DIR) / "tests/fixtures/ozon" / name;
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in) << path;
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Equal texts; otherwise the first record where they part (pages are large).
void expect_same_text(const std::string& simd, const std::string& dom) {
    if (simd == dom) return;
    std::size_t i = std::mismatch(simd.begin(), simd.end(), dom.begin(), dom.end()).first - simd.begin();
    std::size_t from = simd.rfind('\n', i);
    from = from == std::string::npos ? 0 : from + 1;
    ADD_FAILURE() << "the parsers differ at byte " << i << "\n simd: " << simd.substr(from, i - from + 300)
                  << "\n  dom: " << dom.substr(from, i - from + 300);
}

// Both parsers give the same model (as text) and, unless told otherwise, the same number of
// schema surprises; the public function gives the simdjson result. Returns the text.
std::string expect_same(const PageCase& p, const std::string& body, bool same_surprises = true) {
    SCOPED_TRACE(std::string(p.name) + ": " + body.substr(0, 300));
    reset_schema_surprises();
    std::string a = p.simd(body);
    std::size_t sa = schema_surprise_count();
    reset_schema_surprises();
    std::string b = p.dom(body);
    std::size_t sb = schema_surprise_count();
    expect_same_text(a, b);
    if (same_surprises) {
        EXPECT_EQ(sa, sb) << "schema surprises";
    }
    expect_same_text(p.pub(body), a);
    return a;
}

void expect_same(const char* page_name, const std::string& body) { expect_same(page(page_name), body); }

void expect_both_refuse(const PageCase& p, const std::string& body) {
    SCOPED_TRACE(std::string(p.name) + ": " + body.substr(0, 200));
    EXPECT_THROW(p.simd(body), ParseError);
    EXPECT_THROW(p.dom(body), ParseError);
}

TimePoint at(const char* iso) { return *parse_iso8601(iso); }

// An exact amount in a currency: money("-120.5", "RUB").
Money money(const char* amount, const char* currency) {
    auto d = Decimal::parse(amount);
    EXPECT_TRUE(d) << amount;
    return Money{d.value_or(Decimal{}), currency};
}

}  // namespace
}  // namespace ozw::ozon

// ------------------------------------------------------------------ every page

class OzonSimdPages : public ::testing::TestWithParam<PageCase> {};

INSTANTIATE_TEST_SUITE_P(Pages, OzonSimdPages, ::testing::ValuesIn(kPages),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_P(OzonSimdPages, OfficialExamplesMatchTheOracle) {
    for (const char* f : GetParam().fixtures) {
        SCOPED_TRACE(f);
        reset_schema_surprises();
        std::string t = expect_same(GetParam(), fixture(f));
        EXPECT_NE(t.find('\n'), std::string::npos) << "the example has records";
    }
}

TEST_P(OzonSimdPages, GeneratedWellTypedPagesMatchTheOracle) {
    for (unsigned seed = 1; seed <= 4; ++seed) {
        Gen g(seed, 0.0);
        std::string body = GetParam().generate(g, GetParam().records);
        std::string t = expect_same(GetParam(), body);
        // Many records came through.
        EXPECT_GT(std::count(t.begin(), t.end(), '\n'), GetParam().records / 2) << "seed " << seed;
    }
}

TEST_P(OzonSimdPages, GeneratedOddPagesMatchTheOracle) {
    // Nulls, numbers as strings, wrong types, junk elements, unknown fields and enum values.
    for (unsigned seed = 1; seed <= 12; ++seed) {
        Gen g(seed, 0.15);
        expect_same(GetParam(), GetParam().generate(g, GetParam().records / 4));
    }
    for (unsigned seed = 100; seed <= 103; ++seed) {
        Gen g(seed, 0.6);
        expect_same(GetParam(), GetParam().generate(g, 20));
    }
}

TEST_P(OzonSimdPages, EmptyMissingNullAndWrongTopLevel) {
    const std::string k = GetParam().array_key;
    for (const std::string& body :
         {std::string("{}"), "{\"" + k + "\":[]}", "{\"" + k + "\":null}", "{\"" + k + "\":[{}]}",
          "{\"" + k + "\":[null,1,\"x\",[],true,{}]}", "{\"" + k + "\":{\"a\":1}}", "{\"" + k + "\":\"[]\"}",
          "{\"" + k + "\":7,\"cursor\":[1],\"has_next\":\"maybe\",\"last_id\":{},\"total_items\":\"x\"}",
          "{\"result\":{\"" + k + "\":[{}]}}"}) {
        expect_same(GetParam(), body);
    }
}

TEST_P(OzonSimdPages, AnErrorBodyIsAnEmptyPage) {
    // Ozon's error shape arrives with HTTP 4xx/5xx; if a parser ever sees it, it is an empty page.
    for (const char* body : {R"({"code":5,"message":"Invalid Api-Key, please check the key and try again","details":[]})",
                             R"({"error":{"code":"NOT_FOUND","message":"not found","details":[{"typeUrl":"x"}]}})"}) {
        std::string t = expect_same(GetParam(), body);
        EXPECT_EQ(t.find("[\n{"), std::string::npos) << t;  // no records
        EXPECT_EQ(schema_surprise_count(), 0u);
    }
}

TEST_P(OzonSimdPages, KeysSentTwiceTheLastOneWins) {
    // Results only: nlohmann keeps the last value, and logs the surprises of that one alone.
    const std::string k = GetParam().array_key;
    for (unsigned seed = 1; seed <= 8; ++seed) {
        Gen g(seed, 0.3);
        const std::string first = GetParam().generate(g, 5), second = GetParam().generate(g, 5);
        auto join = [](const std::string& a, const std::string& b) {
            if (a == "{}") return b;
            if (b == "{}") return a;
            return a.substr(0, a.size() - 1) + "," + b.substr(1);
        };
        expect_same(GetParam(), join(first, second), false);
        expect_same(GetParam(), join(first, "{\"" + k + "\":null}"), false);
        expect_same(GetParam(), join(first, "{\"" + k + "\":[{}]}"), false);
    }
}

TEST_P(OzonSimdPages, NestedKeysSentTwiceTheLastOneWins) {
    for (unsigned seed = 1; seed <= 10; ++seed) {
        Gen g(seed, 0.1);
        oj page = oj::parse(GetParam().generate(g, 40));
        expect_same(GetParam(), dump_with_keys_twice(page, g, 0.15), false);
    }
    for (const char* f : GetParam().fixtures) {
        Gen g(1, 0);
        expect_same(GetParam(), dump_with_keys_twice(oj::parse(fixture(f)), g, 0.3), false);
    }
}

TEST_P(OzonSimdPages, AByteOrderMarkIsSkippedLikeNlohmann) {
    for (const char* f : GetParam().fixtures) expect_same(GetParam(), "\xEF\xBB\xBF" + fixture(f));
}

TEST_P(OzonSimdPages, EveryTruncationOfTheExamplesIsAParseError) {
    for (const char* f : GetParam().fixtures) {
        const std::string full = fixture(f);
        std::size_t end = full.find_last_of('}');
        ASSERT_NE(end, std::string::npos);
        for (std::size_t n = 0; n <= end; ++n) {
            std::string cut = full.substr(0, n);
            EXPECT_THROW(GetParam().simd(cut), ParseError) << f << ": prefix of " << n << " bytes";
            EXPECT_THROW(GetParam().dom(cut), ParseError) << f << ": prefix of " << n << " bytes";
        }
    }
}

TEST_P(OzonSimdPages, MalformedBodiesAreParseErrors) {
    const std::string k = GetParam().array_key;
    for (const std::string& b :
         {std::string(), std::string("<html>502 Bad Gateway</html>"), std::string("[{}]"), std::string("null"),
          std::string("\"text\""), "{\"" + k + "\":[{}]", "{\"" + k + "\":[{},]}", "{\"" + k + "\":[{}]} {}",
          "{\"" + k + "\":[{\"a\":01}]}", "{\"" + k + "\":[{\"a\":1e400}]}", "{\"" + k + "\":[{\"a\":\"\\x\"}]}",
          "{\"" + k + "\":[{\"a\":tru}]}", "{\"" + k + "\":[[1,,2]]}", "{\"" + k + "\":[{\"a\":\"\xff\"}]}",
          "{\"" + k + "\":[{\"a\" 1}]}", "{\"" + k + "\":[{}}"}) {
        expect_both_refuse(GetParam(), b);
    }
}

TEST_P(OzonSimdPages, DeepNestingIsAnErrorNotACrash) {
    const std::string k = GetParam().array_key;
    std::string body = "{\"" + k + "\":[";
    for (int i = 0; i < 100000; ++i) body += R"({"a":[)";
    for (int i = 0; i < 100000; ++i) body += "]}";
    body += "]}";
    expect_both_refuse(GetParam(), body);
    // 64 levels in all are accepted by both, 65 refused.
    auto nested = [&](int levels) {
        std::string b = "{\"" + k + "\":[{\"x\":";
        for (int i = 3; i < levels; ++i) b += "[";
        for (int i = 3; i < levels; ++i) b += "]";
        return b + "}]}";
    };
    expect_same(GetParam(), nested(kMaxJsonDepth));
    expect_both_refuse(GetParam(), nested(kMaxJsonDepth + 1));
}

TEST_P(OzonSimdPages, BodiesOverTheLimitAreRefused) {
    EXPECT_THROW(GetParam().simd(std::string(kMaxBodyBytes + 1, ' ')), ParseError);
    // A big body on this thread, then a small one: the buffers are released and reused.
    const std::string k = GetParam().array_key;
    std::string big = "{\"" + k + "\":[{\"x\":\"" + std::string(20u * 1024 * 1024, 'x') + "\"}]}";
    expect_same(GetParam(), big);
    for (const char* f : GetParam().fixtures) expect_same(GetParam(), fixture(f));
}

// ------------------------------------------------------------------ /v1/returns/list

TEST(OzonSimdReturns, ExampleFieldByField) {
    reset_schema_surprises();
    ReturnPage page = parse_returns_list(fixture("2026_v1_returns_list.json"));
    EXPECT_EQ(schema_surprise_count(), 0u);
    EXPECT_FALSE(page.has_next);
    ASSERT_EQ(page.returns.size(), 1u);
    const Return& r = page.returns[0];
    EXPECT_EQ(r.id, 1000015552);  // "1000015552"
    EXPECT_EQ(r.source_id, 90426223);
    EXPECT_EQ(r.order_id, 24540784250);
    EXPECT_EQ(r.schema, "Fbs");
    EXPECT_EQ(r.product.sku, 1100526203);
    EXPECT_EQ(r.product.price, money("3318", "RUB"));  // {"currency_code", "price": "3318"}
    EXPECT_EQ(r.product.commission, money("2312", "RUB"));
    EXPECT_DOUBLE_EQ(r.product.commission_percent, 1.2);  // "1.2"
    EXPECT_EQ(r.visual_status.id, 3);
    EXPECT_EQ(r.visual_status.sys_name, "ArrivedAtReturnPlace");
    EXPECT_EQ(r.visual_change_moment, at("2024-07-29T06:15:48.998146Z"));
    EXPECT_EQ(r.logistic.barcode, "ii5275210303");
    EXPECT_EQ(r.storage.days, 0);
    EXPECT_EQ(r.storage.utilization_sum, money("1231", "RUB"));
    EXPECT_EQ(r.storage.tariffication_first_date, at("2024-07-30T06:15:48.998146Z"));
    ASSERT_TRUE(r.place);
    EXPECT_EQ(r.place->id, 23869688194000);
    ASSERT_TRUE(r.target_place);
    EXPECT_EQ(r.target_place->name, "СЦ_Львовский_Возвраты");
    EXPECT_EQ(r.compensation_status, "Received");
    EXPECT_TRUE(r.is_opened);
    EXPECT_EQ(page.last_id(), 1000015552);
}

TEST(OzonSimdReturns, NullEverywhere) {
    expect_same("returns", R"({"has_next":null,"returns":[null,{"id":null,"source_id":null,"type":null,
      "schema":null,"posting_number":null,"order_number":null,"order_id":null,"return_reason_name":null,
      "product":{"sku":null,"offer_id":null,"name":null,"quantity":null,"price":null,
        "price_without_commission":{"price":null,"currency_code":null},"commission":{"amount":null,"price":null},
        "commission_percent":null},
      "visual":{"change_moment":null,"status":null},"logistic":{"barcode":null,"return_date":null,
        "final_moment":null,"technical_return_moment":null,"cancelled_with_compensation_moment":null},
      "storage":{"days":null,"arrived_moment":null,"sum":null,"utilization_sum":null,
        "tariffication_start_date":null},"place":null,"target_place":{"id":null,"name":null,"address":null},
      "compensation_status":{"status":{"sys_name":null}},"additional_info":{"is_opened":null}},
      {"product":null,"visual":null,"logistic":null,"storage":null,"compensation_status":null,
       "additional_info":null}]})");
}

TEST(OzonSimdReturns, NumbersAsStringsAndStringsAsNumbers) {
    const std::string body = R"({"has_next":"true","returns":[{"id":"1000015552","source_id":"90426223",
      "type":17,"schema":true,"posting_number":58544282,"order_number":1.5,"order_id":"2.4540784250e10",
      "return_reason_name":0.1,
      "product":{"sku":"1100526203","offer_id":81451,"quantity":"1","commission_percent":"+1.2",
        "price":"3318","price_without_commission":3318.5,"commission":{"price":"2312","currency_code":"RUB"}},
      "visual":{"status":{"id":"3","display_name":5,"sys_name":"ArrivedAtReturnPlace"}},
      "storage":{"days":"12","sum":{"amount":"1231","price":"99","currency":"KZT","currency_code":"RUB"},
        "utilization_sum":{"price":7,"currency":"","currency_code":"BYN"}},
      "place":{"id":"23869688194000","name":1,"address":false},"additional_info":{"is_opened":"false"}},
      {"id":1.0,"product":{"quantity":2.0,"sku":1e3},"additional_info":{"is_opened":1}}]})";
    expect_same("returns", body);
    ReturnPage p = parse_returns_list(body);
    ASSERT_EQ(p.returns.size(), 2u);
    EXPECT_TRUE(p.has_next);
    const Return& r = p.returns[0];
    EXPECT_EQ(r.id, 1000015552);
    EXPECT_EQ(r.source_id, 90426223);
    EXPECT_EQ(r.order_id, 24540784250);  // "2.4540784250e10"
    EXPECT_EQ(r.type, "17");
    EXPECT_EQ(r.schema, "true");
    EXPECT_EQ(r.order_number, "1.5");
    EXPECT_DOUBLE_EQ(r.product.commission_percent, 1.2);  // "+1.2"
    EXPECT_EQ(r.product.price, money("3318", ""));
    EXPECT_EQ(r.storage.days, 12);
    EXPECT_EQ(r.storage.sum, money("1231", "KZT"));  // amount before price, currency before currency_code
    EXPECT_EQ(r.storage.utilization_sum, money("7", "BYN"));
    EXPECT_EQ(r.visual_status.id, 3);
    EXPECT_FALSE(r.is_opened);  // "false"
    EXPECT_EQ(p.returns[1].product.sku, 1000);  // 1e3
    EXPECT_TRUE(p.returns[1].is_opened);  // 1
}

TEST(OzonSimdReturns, WrongTypesAndUnknownValues) {
    const std::string body = R"({"has_next":"maybe","returns":[
      {"id":{"a":1},"type":"Teleported","schema":"FBX","source_id":"12abc","order_id":[1],
       "product":"nope","visual":[1],"logistic":7,"storage":"full","place":"here","target_place":[],
       "compensation_status":{"status":"Received"},"additional_info":{"is_opened":"yes"},
       "brand_new":{"deep":[1,{"x":null}]}},
      {"id":5,"product":{"sku":{"a":1},"price":[1],"commission":true,"commission_percent":"x",
         "price_without_commission":{"price":{"x":1},"currency_code":[1]},"quantity":"q"},
       "visual":{"change_moment":"not a date","status":{"id":2.5,"sys_name":"BrandNewStatus","display_name":[]}},
       "logistic":{"return_date":5,"final_moment":"","barcode":{}},
       "storage":{"days":18446744073709551615,"sum":"1e999999","utilization_sum":{"amount":"nan"}},
       "compensation_status":[],"additional_info":"x"},
      "not an object",42,[],true]})";
    expect_same("returns", body);
    ReturnPage p = parse_returns_list(body);
    ASSERT_EQ(p.returns.size(), 2u);
    // Unknown enum values are kept as sent; wrong types keep the defaults.
    EXPECT_EQ(p.returns[0].type, "Teleported");
    EXPECT_EQ(p.returns[0].schema, "FBX");
    EXPECT_EQ(p.returns[0].id, 0);
    EXPECT_FALSE(p.returns[0].place);
    EXPECT_EQ(p.returns[1].visual_status.sys_name, "BrandNewStatus");
    EXPECT_EQ(p.returns[1].product.price, money("0", ""));
    EXPECT_EQ(p.returns[1].storage.days, 0);  // over int64
}

TEST(OzonSimdReturns, KeyOrderAndEscapedKeys) {
    expect_same("returns", R"({"returns":[{"additional_info":{"is_opened":true},"target_place":{"name":"b"},
      "place":{"address":"a","id":1},"storage":{"utilization_sum":{"currency_code":"RUB","price":"1"},"days":3},
      "visual":{"status":{"sys_name":"x","id":1},"change_moment":"2026-01-01T00:00:00Z"},"id":9}],
      "has_next":true})");
    expect_same("returns", R"({"r\u0065turns":[{"\u0069d":"7","posting_number":"a\"b\\c\u00e9\ud83d\ude00",
      "prod\u0075ct":{"s\u006bu":5}}],"has_n\u0065xt":true})");
}

TEST(OzonSimdReturns, SurprisesAreLoggedOncePerField) {
    std::string body = R"({"returns":[)";
    for (int i = 0; i < 500; ++i) {
        if (i) body += ",";
        body += R"({"id":)" + std::to_string(i + 1) +
                R"(,"order_id":{"oops":1},"product":"nope","visual":{"change_moment":"soon"},"storage":{"days":[1]}})";
    }
    body += "]}";
    reset_schema_surprises();
    ReturnPage p = parse_returns_list(body);
    ASSERT_EQ(p.returns.size(), 500u);
    EXPECT_EQ(p.last_id(), 500);
    EXPECT_EQ(schema_surprise_count(), 4u);  // order_id, product, change_moment, days
    expect_same("returns", body);
}

// ------------------------------------------------------------------ /v4/product/info/stocks

TEST(OzonSimdStocks, ExampleFieldByField) {
    reset_schema_surprises();
    StockPage page = parse_stocks(fixture("2026_v4_product_info_stocks.json"));
    EXPECT_EQ(schema_surprise_count(), 0u);
    EXPECT_EQ(page.cursor, "next-cursor-12345");
    EXPECT_EQ(page.total_items, 2);
    ASSERT_EQ(page.items.size(), 2u);
    EXPECT_EQ(page.items[0].product_id, 1000123456);
    ASSERT_EQ(page.items[0].stocks.size(), 2u);
    EXPECT_EQ(page.items[0].stocks[1].type, "fbo");
    EXPECT_EQ(page.items[0].stocks[1].present, 75);
    EXPECT_EQ(page.items[0].stocks[1].sku, 1000123456);
    EXPECT_EQ(page.items[1].stocks[0].shipment_type, "SHIPMENT_TYPE_BOX");
    EXPECT_TRUE(page.items[1].stocks[0].warehouse_ids.empty());
}

TEST(OzonSimdStocks, TolerantValues) {
    const std::string body = R"({"cursor":123,"total":"x","total_items":"17","items":[
      {"offer_id":42,"product_id":"1000123456","stocks":[
        {"present":"150","reserved":25.0,"sku":"1e3","type":"fbx","shipment_type":"SHIPMENT_TYPE_DRONE",
         "warehouse_ids":[1,"2","3abc","",-0,"-5",9223372036854775808,18446744073709551615,2.5,1e3,
           "99999999999999999999",null,true,{"a":[1]},[2],"+7"]},
        {"present":null,"reserved":{"a":1},"sku":[],"type":null,"warehouse_ids":"1,2"},
        {"warehouse_ids":null,"present":-3,"reserved":"-0"},null,"x",7]},
      {"stocks":null},{"stocks":{"present":1}},{"offer_id":null,"product_id":[1]}]})";
    expect_same("stocks", body);
    StockPage p = parse_stocks(body);
    EXPECT_EQ(p.cursor, "123");
    EXPECT_EQ(p.total_items, 17);
    ASSERT_EQ(p.items.size(), 4u);
    ASSERT_EQ(p.items[0].stocks.size(), 3u);
    const Stock& s = p.items[0].stocks[0];
    EXPECT_EQ(s.type, "fbx");  // unknown values kept
    EXPECT_EQ(s.shipment_type, "SHIPMENT_TYPE_DRONE");
    EXPECT_EQ(s.present, 150);
    EXPECT_EQ(s.reserved, 25);
    EXPECT_EQ(s.sku, 1000);
    // models.cpp's reading of warehouse_ids, kept as it is (see stocks_page.cpp): "3abc" -> 3,
    // integers over int64 wrap, non-integers dropped without a surprise.
    EXPECT_EQ(s.warehouse_ids, (std::vector<long long>{1, 2, 3, 0, -5, std::numeric_limits<long long>::min(), -1}));
}

TEST(OzonSimdStocks, NullEverywhere) {
    expect_same("stocks", R"({"cursor":null,"total_items":null,"items":[null,{"offer_id":null,
      "product_id":null,"stocks":[null,{"type":null,"present":null,"reserved":null,"sku":null,
      "shipment_type":null,"warehouse_ids":[null]}]}]})");
}

// ------------------------------------------------------------------ /v1/finance/accrual/*

TEST(OzonSimdAccruals, ByDayExampleFieldByField) {
    reset_schema_surprises();
    AccrualDayPage page = parse_accrual_by_day(fixture("schema_v1_finance_accrual_by_day.json"));
    EXPECT_EQ(schema_surprise_count(), 0u);
    EXPECT_EQ(page.last_id, "eyJsYXN0IjoxfQ==");
    ASSERT_EQ(page.accruals.size(), 2u);
    const DayAccrual& d = page.accruals[0];
    EXPECT_EQ(d.accrual_id, 9001);
    EXPECT_EQ(d.total_amount, money("2050", "RUB"));
    EXPECT_EQ(d.delivery_schema, "FBS");
    ASSERT_EQ(d.products.size(), 1u);
    EXPECT_EQ(d.products[0].sale_commission, money("-400", "RUB"));
    EXPECT_EQ(d.products[0].seller_price, money("0", ""));  // null
    EXPECT_EQ(d.products[0].commission_ratio, "0.16");
    EXPECT_EQ(d.products[0].delivery_total, money("-50", "RUB"));
    ASSERT_EQ(d.fees.size(), 1u);  // the delivery service, with the product's sku
    EXPECT_EQ(d.fees[0].type_id, 12);
    EXPECT_EQ(d.fees[0].sku, 1904686181);
    ASSERT_EQ(page.accruals[1].fees.size(), 1u);  // the non-item fee, no sku
    EXPECT_EQ(page.accruals[1].fees[0].type_id, 40);
    EXPECT_FALSE(page.accruals[1].fees[0].sku);
}

TEST(OzonSimdAccruals, PostingsExampleFieldByField) {
    reset_schema_surprises();
    auto v = parse_accrual_postings(fixture("schema_v1_finance_accrual_postings.json"));
    EXPECT_EQ(schema_surprise_count(), 0u);
    ASSERT_EQ(v.size(), 2u);
    ASSERT_EQ(v[0].accruals.size(), 2u);
    EXPECT_EQ(v[0].accruals[0].accrued, money("2100.5", "RUB"));
    EXPECT_EQ(v[0].accruals[0].quantity, 1);
    EXPECT_EQ(v[0].accruals[0].seller_price, money("2500", "RUB"));
    EXPECT_EQ(v[0].accruals[0].sku, 1904686181);
    EXPECT_FALSE(v[0].accruals[1].quantity);
    EXPECT_FALSE(v[0].accruals[1].seller_price);
    EXPECT_FALSE(v[0].accruals[1].sku);
    EXPECT_EQ(v[1].posting_number, "0208245774-0030-1");
    EXPECT_TRUE(v[1].accruals.empty());
}

TEST(OzonSimdAccruals, FeesKeepTheOracleOrderAndSkusWhateverTheKeyOrder) {
    // posting before non_item_fee before item_fees before container_fees; skus after the fees.
    const std::string body = R"({"accruals":[{"posting":{"products":[
        {"delivery":{"services":[{"type_id":31,"accrued":"-1"},{"type_id":32}]},"sku":"501"},
        {"delivery":{"services":[{"type_id":33}]}},
        {"sku":502,"delivery":{"services":[{"type_id":34}],"total_accrued":{"amount":"-2","currency":"RUB"}}}],
        "delivery_schema":"FBS"},
      "non_item_fee":{"type_id":21,"accrued":{"amount":"-500","currency":"RUB"}},
      "item_fees":{"fees":[{"fees":[{"type_id":11},{"type_id":12}],"sku":"401"},{"fees":[{"type_id":13}]},
                           {"sku":402,"fees":[{"type_id":14}]}]},
      "container_fees":{"fees":[{"type_id":1,"accrued":{"amount":"-3.5","currency":"RUB"}},{"type_id":2}]},
      "accrual_id":"9001","accrued_category":"POSTING"}]})";
    expect_same("accrual_by_day", body);
    AccrualDayPage p = parse_accrual_by_day(body);
    ASSERT_EQ(p.accruals.size(), 1u);
    std::vector<int> types;
    std::vector<std::optional<long long>> skus;
    for (const auto& f : p.accruals[0].fees) {
        types.push_back(f.type_id);
        skus.push_back(f.sku);
    }
    EXPECT_EQ(types, (std::vector<int>{1, 2, 11, 12, 13, 14, 21, 31, 32, 33, 34}));
    EXPECT_EQ(skus, (std::vector<std::optional<long long>>{std::nullopt, std::nullopt, 401, 401, std::nullopt,
                                                            402, std::nullopt, 501, 501, 0, 502}));
}

TEST(OzonSimdAccruals, TolerantByDay) {
    expect_same("accrual_by_day", R"({"last_id":12345,"accruals":[null,
      {"accrual_id":null,"accrued_category":null,"date":null,"unit_number":null,"total_amount":null,
       "container_fees":null,"item_fees":null,"non_item_fee":null,"posting":null},
      {"accrual_id":"77","accrued_category":"SPACE_FEES","date":20260521,"total_amount":"-12.5",
       "container_fees":{"fees":null},"item_fees":{"fees":[null,{"sku":null,"fees":null},{"sku":"x","fees":[1]}]},
       "non_item_fee":{},"posting":{"delivery_schema":null,"products":null}},
      {"accrual_id":{"a":1},"total_amount":{"price":"5","currency_code":"KZT"},"container_fees":[],
       "item_fees":"x","non_item_fee":[1],"posting":"FBS"},
      {"container_fees":{"fees":{"type_id":1}},"item_fees":{"fees":{"a":1}},"non_item_fee":{"type_id":"9","accrued":"-1"},
       "posting":{"products":[null,7,{"sku":"1e3","commission":null,"delivery":null},
         {"sku":{"a":1},"commission":[1],"delivery":"x"},
         {"commission":{"sale_amount":"1","sale_price":2,"commission":{"amount":"-3"},"seller_price":null,
           "commission_ratio":0.16,"bonus":{"amount":"x"}},"delivery":{"services":{"a":1},"total_accrued":"-7"}},
         {"delivery":{"services":[null,{"type_id":"q","accrued":{"amount":"nan"}}],"total_accrued":[]}}]}},
      "junk"],"unknown":{"a":[1,2,3]}})");
    expect_same("accrual_by_day", R"({"accruals":[{"item_fees":{"fees":[{"fees":[{}],"sku":1,"sku":2}]},
      "posting":{"products":[{"sku":1,"delivery":{"services":[{}]},"delivery":{"services":[{},{}]}}]}}]})");
}

TEST(OzonSimdAccruals, TolerantPostings) {
    const std::string body = R"({"posting_accruals":[null,"x",
      {"posting_number":12345,"accruals":[null,{"accrual_date":null,"accrued":null,"quantity":null,
        "seller_price":null,"sku":null,"type_id":null},
       {"accrual_date":20260521,"accrued":"-120.5","quantity":"2","seller_price":"","sku":"1904686181",
        "type_id":"7"},
       {"accrued":{"price":"5","currency_code":"RUB"},"quantity":2.5,"seller_price":true,"sku":{"a":1},
        "type_id":[1]},
       {"quantity":"1e3","seller_price":{},"sku":1.0e3}]},
      {"posting_number":null,"accruals":null},{"accruals":{"a":1}},{"accruals":"[]"}]})";
    expect_same("accrual_postings", body);
    auto v = parse_accrual_postings(body);
    ASSERT_EQ(v.size(), 4u);
    EXPECT_EQ(v[0].posting_number, "12345");
    ASSERT_EQ(v[0].accruals.size(), 4u);
    const PostingAccrual& a = v[0].accruals[1];
    EXPECT_EQ(a.accrued, money("-120.5", ""));
    EXPECT_EQ(a.quantity, 2);
    EXPECT_EQ(a.seller_price, money("0", ""));  // "": a Money of 0, as models.cpp does
    EXPECT_EQ(a.sku, 1904686181);
    EXPECT_EQ(a.type_id, 7);
    EXPECT_FALSE(v[0].accruals[2].quantity);  // 2.5
    EXPECT_EQ(v[0].accruals[3].quantity, 1000);
}

// ------------------------------------------------------------------ postings (the shared document code)

TEST(OzonSimdPostings, AByteOrderMarkIsSkippedLikeNlohmann) {
    // simdjson leaves a byte order mark to the caller; nlohmann skips it: so does parse_document.
    const std::string body = "\xEF\xBB\xBF" + fixture("2026_v4_posting_fbs_list.json");
    PostingPage simd = detail::parse_posting_page_simd(body, "/v4/posting/fbs/list", false);
    PostingPage dom = detail::parse_posting_page_dom(body, "/v4/posting/fbs/list", false);
    ASSERT_EQ(simd.postings.size(), 1u);
    ASSERT_EQ(dom.postings.size(), 1u);
    EXPECT_EQ(simd.postings[0].posting_number, dom.postings[0].posting_number);
    EXPECT_EQ(simd.cursor, dom.cursor);
    EXPECT_THROW(parse_posting_list("\xEF\xBB" + fixture("2026_v4_posting_fbs_list.json")), ParseError);
}
