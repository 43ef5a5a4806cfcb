#pragma once
// Telegram Bot API notifier: one instance per configured chat (and forum thread).
// sendMessage with parse_mode HTML, link previews off, an inline URL button, silent for info;
// messages longer than 4096 code points are split on line boundaries. A message's photo albums
// (RenderedMessage::albums) go first, by URL: sendPhoto for one photo, sendMediaGroup for 2..10,
// captioned; photos Telegram cannot fetch are logged and skipped, the text still goes. Errors classified as in
// shared/notes/telegram-and-email.md. The bot token never appears in errors or logs.
#include <boost/asio/any_io_executor.hpp>

#include <nlohmann/json.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "alerts/notifier.hpp"
#include "common/config.hpp"
#include "common/http/client.hpp"

namespace ozw::alerts {

// What a Bot API answer says, read tolerantly: a field of the wrong type counts as absent
// ("ok":"true" is not ok), numbers out of range are clamped, nothing here throws.
struct TelegramAnswer {
    bool json = false;  // the body was a JSON object
    bool ok = false;    // "ok": true
    int code = 0;       // error_code when an integer, else the HTTP status
    std::string description;
    std::optional<Millis> retry_after;  // parameters.retry_after, else Retry-After; server_wait()
    std::optional<std::string> migrate_to_chat_id;  // parameters.migrate_to_chat_id, as text
};
TelegramAnswer read_telegram_answer(int http_status, std::string_view body,
                                    const std::optional<std::string>& retry_after_header);

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
    // getMe: the Bot API answers for this token (sends no message).
    bool can_probe() const override { return true; }
    boost::asio::awaitable<SendResult> probe() override;
    std::size_t max_message_chars() const override { return max_chars_; }

    // The chat id in use now (changes after a migrate_to_chat_id answer).
    const std::string& current_chat_id() const { return target_.chat_id; }
    // Replaces the token in any text (for error messages and logs).
    std::string mask(std::string s) const;

private:
    // One Bot API call and what its answer means for the caller.
    struct Call {
        TelegramAnswer answer;
        std::string error;                // "telegram <channel>: <code> <description>", masked
        std::optional<SendResult> retry;  // connection error, 429, 5xx, not JSON: give this back
    };
    // An album's outcome: result not ok = give it back; refused non-empty = Telegram would not
    // take the photos (the text still goes).
    struct AlbumResult {
        SendResult result;
        std::string refused;
    };
    // How many delivered albums (by event id) are remembered, so that a message retried after
    // its text failed does not send the same photos again.
    static constexpr std::size_t kAlbumMemory = 1000;

    boost::asio::awaitable<Call> post(const char* method, const nlohmann::json& body);
    // chat_id (a number when it is one), message_thread_id, disable_notification.
    nlohmann::json chat_fields(const RenderedMessage& msg) const;
    // Follows a "group chat was upgraded" answer (at most 3 times): true = send again.
    bool follow_migration(const TelegramAnswer& a, int depth);
    boost::asio::awaitable<SendResult> send_message(const RenderedMessage& msg);
    // sendPhoto for one photo, sendMediaGroup (caption on the first item) for 2..10.
    boost::asio::awaitable<AlbumResult> send_album(const PhotoAlbum& album, bool html,
                                                   const RenderedMessage& msg, int depth);
    boost::asio::awaitable<SendResult> send_part(const std::string& body, bool html,
                                                 const RenderedMessage& msg, bool with_button,
                                                 int depth);
    bool album_done(const std::string& event_id) const;
    void remember_album(const std::string& event_id);

    std::string channel_;
    std::string token_;
    std::string api_base_;
    TelegramTarget target_;
    std::unique_ptr<http::Client> client_;
    Millis timeout_;
    std::size_t max_chars_;
    std::unordered_set<std::string> albums_done_;
    std::deque<std::string> albums_order_;  // oldest first, for forgetting
};

}  // namespace ozw::alerts
