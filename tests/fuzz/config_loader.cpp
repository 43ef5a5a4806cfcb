// The configuration loader on any text: a ConfigError or a Config, never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "common/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::map<std::string, std::string> env{{"OZON_KEY", "fuzz-ozon-key-0123"},
                                                        {"TELEGRAM_BOT_TOKEN", "123:fuzz-token"}};
    try {
        ozw::load_config_text(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml", &env);
    } catch (const ozw::ConfigError&) {
    }
    return 0;
}
