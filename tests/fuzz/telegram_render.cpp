// The Telegram renderer on any event (title, account, url and details from the input): the HTML
// it makes is valid for Telegram's parse_mode=HTML (only b, i, a href, code, blockquote, nested
// properly; '&' only in &lt; &gt; &amp; &quot;), and split_message keeps every part within the
// limit.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "alerts/templates.hpp"

namespace {

bool valid_telegram_html(std::string_view s) {
    std::vector<std::string> open;
    for (std::size_t i = 0; i < s.size();) {
        const char c = s[i];
        if (c == '&') {
            bool ok = false;
            for (std::string_view e : {"&lt;", "&gt;", "&amp;", "&quot;"})
                if (s.substr(i, e.size()) == e) {
                    i += e.size();
                    ok = true;
                    break;
                }
            if (!ok) return false;
            continue;
        }
        if (c == '>') return false;
        if (c != '<') {
            ++i;
            continue;
        }
        const std::size_t end = s.find('>', i);
        if (end == std::string_view::npos) return false;
        std::string_view tag = s.substr(i + 1, end - i - 1);
        i = end + 1;
        if (!tag.empty() && tag.front() == '/') {
            if (open.empty() || open.back() != tag.substr(1)) return false;
            open.pop_back();
            continue;
        }
        if (tag.rfind("a href=\"", 0) == 0) {
            std::string_view url = tag.substr(8);
            if (url.empty() || url.back() != '"') return false;
            url.remove_suffix(1);
            if (url.find_first_of("\"<>") != std::string_view::npos) return false;
            open.emplace_back("a");
            continue;
        }
        if (tag != "b" && tag != "i" && tag != "code" && tag != "blockquote") return false;
        open.emplace_back(tag);
    }
    return open.empty();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string in(reinterpret_cast<const char*>(data), size);
    // Fields separated by '\x1f': type, title, account, url, details (JSON), reason.
    std::vector<std::string> f(6);
    std::size_t k = 0;
    for (char c : in) {
        if (c == '\x1f' && k + 1 < f.size()) ++k;
        else f[k] += c;
    }
    ozw::Event e;
    e.type = f[0].empty() ? "legacy.thing" : f[0];
    e.title = f[1];
    e.account = f[2];
    e.url = f[3];
    e.key = e.type + ":fuzz";
    e.details = nlohmann::json::parse(f[4], nullptr, false);
    if (e.details.is_discarded()) e.details = nlohmann::json::object();
    e.severity = static_cast<ozw::Severity>(size % 3);
    e.state = size % 5 == 0 ? ozw::EventState::resolved : ozw::EventState::firing;
    ozw::alerts::RenderOptions ro;
    ro.language = size % 2 ? "ru" : "en";
    const std::string html = ozw::alerts::render_event(e, f[5].empty() ? "new" : f[5], ro, ozw::alerts::Format::html);
    if (!valid_telegram_html(html)) __builtin_trap();
    const auto msg = ozw::alerts::render_group({e, e}, {"new", "repeat"}, ro);
    if (!valid_telegram_html(msg.html)) __builtin_trap();
    const std::size_t limit = 64 + size % 512;
    for (const auto& part : ozw::alerts::split_message(msg.html, limit))
        if (ozw::alerts::utf8_length(part) > limit) __builtin_trap();
    return 0;
}
