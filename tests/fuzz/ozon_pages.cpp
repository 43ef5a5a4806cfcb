// Every Ozon answer parser on any body: a model or ParseError, never a crash. The first byte
// picks the parser so that one corpus feeds them all.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/ozon/errors.hpp"
#include "common/ozon/models.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
    namespace oz = ozw::ozon;
    try {
        switch (data[0] % 15) {
            case 0: (void)oz::parse_posting_list(body); break;
            case 1: (void)oz::parse_unfulfilled_list(body); break;
            case 2: (void)oz::parse_posting_get(body); break;
            case 3: (void)oz::parse_returns_list(body); break;
            case 4: (void)oz::parse_rfbs_returns_list(body); break;
            case 5: (void)oz::parse_rfbs_return_get(body); break;
            case 6: (void)oz::parse_accrual_postings(body); break;
            case 7: (void)oz::parse_accrual_by_day(body); break;
            case 8: (void)oz::parse_accrual_types(body); break;
            case 9: (void)oz::parse_stocks(body); break;
            case 10: (void)oz::parse_reviews(body); break;
            case 11: (void)oz::parse_chats(body); break;
            case 12: (void)oz::parse_roles(body); break;
            case 13: (void)oz::parse_warehouses(body); break;
            default: (void)oz::parse_return_dropoff_points(body); break;
        }
    } catch (const oz::ParseError&) {
    } catch (const oz::ApiError&) {
    }
    return 0;
}
