#pragma once
// Telegram Bot API notifier: one instance per configured chat (and forum thread).
// sendMessage with parse_mode HTML, link previews off, an inline URL button, silent for info;
// messages longer than 4096 code points are split on line boundaries. Errors classified as in
// shared/notes/telegram-and-email.md. The bot token never appears in errors or logs.
#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <optional>
#include <string>

#include "alerts/notifier.hpp"
#include "common/config.hpp"
#include "common/http/client.hpp"

namespace ozw::alerts {

struct TelegramTarget {
    std::string chat_id;  // int64 text or "@channel"
    std::optional<long long> thread_id;
};

class TelegramNotifier final : public Notifier {
public:
    TelegramNotifier(boost::asio::any_io_executor ex, const TelegramConfig& cfg,
                     TelegramTarget target, Millis timeout = Millis{15000},
                     std::size_t max_chars = 4096);  // tests raise it to provoke "too long"
    ~TelegramNotifier() override;
    std::string channel() const override { return channel_; }
    boost::asio::awaitable<SendResult> send(const RenderedMessage& msg) override;
    std::size_t max_message_chars() const override { return max_chars_; }

    // The chat id in use now (changes after a migrate_to_chat_id answer).
    const std::string& current_chat_id() const { return target_.chat_id; }
    // Replaces the token in any text (for error messages and logs).
    std::string mask(std::string s) const;

private:
    boost::asio::awaitable<SendResult> send_part(const std::string& body, bool html,
                                                 const RenderedMessage& msg, bool with_button,
                                                 int depth);

    std::string channel_;
    std::string token_;
    std::string api_base_;
    TelegramTarget target_;
    std::unique_ptr<http::Client> client_;
    Millis timeout_;
    std::size_t max_chars_;
};

}  // namespace ozw::alerts
