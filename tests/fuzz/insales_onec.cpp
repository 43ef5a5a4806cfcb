// The InSales products parser and the 1C CommerceML reader on any bytes: a result or their own
// error, never a crash. The first byte picks the reader.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "common/insales/client.hpp"
#include "common/onec/offers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        if (data[0] & 1) (void)ozw::insales::parse_products_page(body);
        else (void)ozw::onec::parse_offers(body);
    } catch (const std::runtime_error&) {  // insales::Error, onec's parse errors
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
