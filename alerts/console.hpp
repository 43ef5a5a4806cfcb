#pragma once
// Console notifier: readable lines for `demo` and `check`, coloured when the stream is a TTY.
#include <cstdio>
#include <string>

#include "alerts/notifier.hpp"

namespace ozw::alerts {

class ConsoleNotifier final : public Notifier {
public:
    // colour: -1 = auto (isatty), 0 = never, 1 = always.
    explicit ConsoleNotifier(std::FILE* out = stdout, std::string language = "ru", int colour = -1);
    std::string channel() const override { return "console"; }
    boost::asio::awaitable<SendResult> send(const RenderedMessage& msg) override;
    bool immediate() const override { return true; }
    bool reads_rendered_text() const override { return false; }

    // One readable line per event (no trailing newline).
    std::string format_line(const Event& e, const std::string& reason) const;

private:
    std::FILE* out_;
    std::string language_;
    bool colour_;
};

}  // namespace ozw::alerts
