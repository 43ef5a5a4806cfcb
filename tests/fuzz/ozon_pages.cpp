// Every Ozon answer parser on any body: a model or ParseError, never a crash. The first byte
// picks the parser so that one corpus feeds them all. For the pages read by simdjson whose
// models are mostly money (returns, accruals), the nlohmann reader (the tests' oracle) reads the
// body too and every amount must come out the same, exactly (a difference aborts).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

#include "common/ozon/errors.hpp"
#include "common/ozon/json_util.hpp"
#include "common/ozon/models.hpp"

namespace {

namespace oz = ozw::ozon;

void add(std::vector<oz::Money>& out, const oz::Money& m) { out.push_back(m); }
void add(std::vector<oz::Money>& out, const std::optional<oz::Money>& m) {
    if (m) out.push_back(*m);
    else out.push_back(oz::Money{ozw::Decimal::from_raw(-1), "(none)"});
}

std::vector<oz::Money> amounts(const oz::ReturnPage& p) {
    std::vector<oz::Money> out;
    for (const auto& r : p.returns)
        for (const auto* m : {&r.product.price, &r.product.price_without_commission, &r.product.commission,
                              &r.storage.sum, &r.storage.utilization_sum})
            add(out, *m);
    return out;
}

std::vector<oz::Money> amounts(const std::vector<oz::PostingAccruals>& v) {
    std::vector<oz::Money> out;
    for (const auto& pa : v)
        for (const auto& a : pa.accruals) {
            add(out, a.accrued);
            add(out, a.seller_price);
        }
    return out;
}

std::vector<oz::Money> amounts(const oz::AccrualDayPage& p) {
    std::vector<oz::Money> out;
    for (const auto& d : p.accruals) {
        add(out, d.total_amount);
        for (const auto& f : d.fees) add(out, f.accrued);
        for (const auto& x : d.products)
            for (const auto* m : {&x.sale_amount, &x.sale_price, &x.sale_commission, &x.commission,
                                  &x.seller_price, &x.delivery_total})
                add(out, *m);
    }
    return out;
}

// Both readers on `body`; when both give a model, the amounts must be equal.
template <class Simd, class Dom>
void same_amounts(std::string_view body, Simd simd, Dom dom) {
    std::vector<oz::Money> a, b;
    try {
        a = amounts(simd(body));
        b = amounts(dom(body));
    } catch (const oz::ParseError&) {
        return;
    }
    if (a != b) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
    namespace dt = oz::detail;
    try {
        switch (data[0] % 16) {
            case 0: (void)oz::parse_posting_list(body); break;
            case 1: (void)oz::parse_unfulfilled_list(body); break;
            case 2: (void)oz::parse_posting_get(body); break;
            case 3: same_amounts(body, dt::parse_returns_list_simd, dt::parse_returns_list_dom); break;
            case 4: (void)oz::parse_rfbs_returns_list(body); break;
            case 5: (void)oz::parse_rfbs_return_get(body); break;
            case 6: same_amounts(body, dt::parse_accrual_postings_simd, dt::parse_accrual_postings_dom); break;
            case 7: same_amounts(body, dt::parse_accrual_by_day_simd, dt::parse_accrual_by_day_dom); break;
            case 8: (void)oz::parse_accrual_types(body); break;
            case 9: (void)oz::parse_stocks(body); break;
            case 10: (void)oz::parse_reviews(body); break;
            case 11: (void)oz::parse_chats(body); break;
            case 12: (void)oz::parse_roles(body); break;
            case 13: (void)oz::parse_warehouses(body); break;
            case 14: (void)oz::parse_return_dropoff_points(body); break;
            default: (void)oz::parse_cash_flow_statement(body); break;
        }
    } catch (const oz::ParseError&) {
    } catch (const oz::ApiError&) {
    }
    return 0;
}
