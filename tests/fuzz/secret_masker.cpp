// The secret masker: whatever the secrets and the text, no secret survives in the masked text,
// and masking twice changes nothing more. Input: two secrets and a text, split by the first
// two bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/logging.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::string all(reinterpret_cast<const char*>(data) + 2, size - 2);
    const std::size_t a = data[0] % (all.size() + 1);
    const std::size_t b = a + data[1] % (all.size() - a + 1);
    const std::string s1 = all.substr(0, a), s2 = all.substr(a, b - a), text = all.substr(b);
    namespace log = ozw::log;
    log::clear_secrets_for_tests();
    log::add_secret(s1);
    log::add_secret(s2);
    const std::string once = log::mask(text);
    // A secret with '*' in it can be spelt by the mask itself ("**ab" in "***ab"): not counted.
    for (const std::string& s : {s1, s2})
        if (s.size() >= 4 && s.find('*') == std::string::npos && once.find(s) != std::string::npos)
            __builtin_trap();
    if (log::mask(once) != once && s1.find('*') == std::string::npos && s2.find('*') == std::string::npos)
        __builtin_trap();
    return 0;
}
