// Reading the Bot API's answers, apart from the notifier's coroutines: the fuzz build gives
// every translation unit without coroutines UBSan (clang 14 cannot build coroutines under it).
#include <nlohmann/json.hpp>

#include <cstdlib>

#include "alerts/telegram.hpp"

namespace ozw::alerts {

// Declared in notifier.hpp (any notifier may meet a server-supplied wait); here, with the
// answer reader, so that the fuzzed conversion from a double is built with UBSan.
Millis server_wait(double seconds) {
    if (!(seconds >= 1.0)) return Millis{1000};  // NaN, zero, negative, below a second
    if (seconds >= static_cast<double>(kMaxServerWait.count()) / 1000.0) return kMaxServerWait;
    return Millis{static_cast<long long>(seconds * 1000.0)};
}

TelegramAnswer read_telegram_answer(int http_status, std::string_view body,
                                    const std::optional<std::string>& retry_after_header) {
    TelegramAnswer a;
    a.code = http_status;
    const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_object()) {
        a.json = true;
        if (auto it = j.find("ok"); it != j.end() && it->is_boolean()) a.ok = it->get<bool>();
        if (auto it = j.find("error_code"); it != j.end() && it->is_number_integer()) {
            const auto c = it->get<long long>();
            if (c >= 100 && c <= 599) a.code = static_cast<int>(c);
        }
        if (auto it = j.find("description"); it != j.end() && it->is_string())
            a.description = it->get<std::string>();
        if (auto p = j.find("parameters"); p != j.end() && p->is_object()) {
            if (auto r = p->find("retry_after"); r != p->end() && r->is_number())
                a.retry_after = server_wait(r->get<double>());
            if (auto m = p->find("migrate_to_chat_id"); m != p->end() && m->is_number_integer())
                a.migrate_to_chat_id = m->dump();
        }
    }
    if (!a.retry_after && retry_after_header) {
        // Only delta-seconds; an HTTP-date (or garbage) leaves the caller's default.
        const std::string& h = *retry_after_header;
        char* end = nullptr;
        const double v = std::strtod(h.c_str(), &end);
        if (end != h.c_str() && *end == '\0') a.retry_after = server_wait(v);
    }
    return a;
}

}  // namespace ozw::alerts
