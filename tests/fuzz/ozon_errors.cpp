// The error classifier on any status, body and Retry-After: never throws, and a retry wait it
// derives is never negative.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/ozon/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    const int status = 100 + (data[0] | (data[1] << 8)) % 500;
    const std::size_t split = data[2] % (size - 2);
    const std::string_view rest(reinterpret_cast<const char*>(data) + 3, size - 3);
    const std::string_view header = rest.substr(0, split < rest.size() ? split : rest.size());
    const std::string_view body = rest.substr(header.size());
    auto e = ozw::ozon::classify_response(status, body, "/v4/posting/fbs/list",
                                          header.empty() ? std::nullopt : std::optional<std::string_view>(header));
    if (e.retry_after() && e.retry_after()->count() < 0) __builtin_trap();
    return 0;
}
