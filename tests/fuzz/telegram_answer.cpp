// read_telegram_answer on any status, body and Retry-After: never throws, and a wait it reads
// is always within [1 s, kMaxServerWait].
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "alerts/notifier.hpp"
#include "alerts/telegram.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::string rest(reinterpret_cast<const char*>(data) + 2, size - 2);
    const std::size_t split = data[1] % (rest.size() + 1);
    std::optional<std::string> header;
    if (data[0] & 1) header = rest.substr(0, split);
    const auto a = ozw::alerts::read_telegram_answer(100 + data[0] % 500, rest.substr(split), header);
    if (a.retry_after &&
        (*a.retry_after < std::chrono::seconds(1) || *a.retry_after > ozw::alerts::kMaxServerWait))
        __builtin_trap();
    return 0;
}
