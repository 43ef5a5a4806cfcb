#include "alerts/console.hpp"

#include <unistd.h>

#include "alerts/templates.hpp"
#include "common/time.hpp"

namespace ozw::alerts {

ConsoleNotifier::ConsoleNotifier(std::FILE* out, std::string language, int colour)
    : out_(out), language_(std::move(language)) {
    colour_ = colour < 0 ? ::isatty(::fileno(out_)) != 0 : colour != 0;
}

std::string ConsoleNotifier::format_line(const Event& e, const std::string& reason) const {
    const char* sev = e.severity == Severity::critical ? "CRIT"
                    : e.severity == Severity::warning  ? "WARN"
                                                       : "INFO";
    const char* col = e.state == EventState::resolved       ? "\033[32m"
                    : e.severity == Severity::critical       ? "\033[1;31m"
                    : e.severity == Severity::warning        ? "\033[33m"
                                                             : "\033[36m";
    std::string line;
    line += format_iso8601(e.detected_at == TimePoint{} ? e.occurred_at : e.detected_at);
    line += ' ';
    if (colour_) line += col;
    line += sev;
    if (colour_) line += "\033[0m";
    line += ' ';
    if (e.state == EventState::resolved) line += language_ == "en" ? "[resolved] " : "[решено] ";
    else if (reason == "repeat") line += language_ == "en" ? "[still] " : "[повтор] ";
    if (!e.account.empty()) line += e.account + " ";
    line += e.type + ": " + event_title(e, language_);
    line += "  " + cabinet_url(e);
    return line;
}

boost::asio::awaitable<SendResult> ConsoleNotifier::send(const RenderedMessage& msg) {
    for (std::size_t i = 0; i < msg.events.size(); ++i) {
        std::string l = format_line(msg.events[i], i < msg.reasons.size() ? msg.reasons[i] : "new");
        std::fprintf(out_, "%s\n", l.c_str());
    }
    std::fflush(out_);
    co_return SendResult::success();
}

}  // namespace ozw::alerts
