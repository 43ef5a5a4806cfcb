// GCC 12 reports a false -Wmismatched-new-delete on asio coroutine frames.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include "alerts/telegram.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cctype>
#include <charconv>
#include <cstdlib>

#include "alerts/templates.hpp"

namespace ozw::alerts {

namespace {

bool is_integer(const std::string& s) {
    if (s.empty()) return false;
    std::size_t i = s[0] == '-' ? 1 : 0;
    if (i == s.size()) return false;
    for (; i < s.size(); ++i)
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    return true;
}

bool contains(const std::string& hay, const char* needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

TelegramNotifier::TelegramNotifier(boost::asio::any_io_executor ex, const TelegramConfig& cfg,
                                   TelegramTarget target, Millis timeout, std::size_t max_chars)
    : token_(cfg.bot_token), api_base_(cfg.api_base), target_(std::move(target)), timeout_(timeout),
      max_chars_(max_chars) {
    while (!api_base_.empty() && api_base_.back() == '/') api_base_.pop_back();
    channel_ = "telegram:" + target_.chat_id;
    if (target_.thread_id) channel_ += ":" + std::to_string(*target_.thread_id);
    http::ClientOptions o;
    o.ca_file = cfg.ca_file;
    o.timeout = timeout_;
    client_ = std::make_unique<http::Client>(ex, o);
}

TelegramNotifier::~TelegramNotifier() = default;

std::string TelegramNotifier::mask(std::string s) const {
    if (token_.size() < 4) return s;
    for (std::size_t p = s.find(token_); p != std::string::npos; p = s.find(token_, p))
        s.replace(p, token_.size(), "***");
    return s;
}

boost::asio::awaitable<SendResult> TelegramNotifier::send(const RenderedMessage& msg) {
    // A notifier never throws: whatever slips through (a bug, bad_alloc) is a retryable failure.
    std::string failure;
    try {
        co_return co_await send_message(msg);
    } catch (const std::exception& e) {
        failure = mask(std::string("telegram ") + channel_ + ": " + e.what());
    }
    co_return SendResult::backoff(failure);
}

boost::asio::awaitable<SendResult> TelegramNotifier::probe() {
    std::string failure;
    try {
        http::Request req;
        req.method = "POST";
        req.url = api_base_ + "/bot" + token_ + "/getMe";
        req.timeout = timeout_;
        const http::Response resp = co_await client_->request(std::move(req));
        const TelegramAnswer a = read_telegram_answer(resp.status, resp.body, resp.header("Retry-After"));
        if (a.ok) co_return SendResult::success();
        failure = mask("telegram " + channel_ + ": getMe: " + std::to_string(a.code) + " " + a.description);
    } catch (const std::exception& e) {
        failure = mask(std::string("telegram ") + channel_ + ": getMe: " + e.what());
    }
    co_return SendResult::backoff(failure);
}

nlohmann::json TelegramNotifier::chat_fields(const RenderedMessage& msg) const {
    nlohmann::json j;
    long long numeric_id = 0;
    const auto& id = target_.chat_id;
    if (is_integer(id) && std::from_chars(id.data(), id.data() + id.size(), numeric_id).ec == std::errc{})
        j["chat_id"] = numeric_id;
    else
        j["chat_id"] = id;
    if (msg.silent) j["disable_notification"] = true;
    if (target_.thread_id) j["message_thread_id"] = *target_.thread_id;
    return j;
}

boost::asio::awaitable<TelegramNotifier::Call> TelegramNotifier::post(const char* method,
                                                                      const nlohmann::json& body) {
    http::Request req;
    req.method = "POST";
    req.url = api_base_ + "/bot" + token_ + "/" + method;
    req.headers = {{"Content-Type", "application/json"}};
    req.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    req.timeout = timeout_;

    Call c;
    http::Response resp;
    try {
        resp = co_await client_->request(std::move(req));
    } catch (const std::exception& e) {
        c.retry = SendResult::backoff(mask(std::string("telegram: ") + e.what()));
        co_return c;
    }
    c.answer = read_telegram_answer(resp.status, resp.body, resp.header("Retry-After"));
    if (c.answer.ok) co_return c;
    const int code = c.answer.code;
    const std::string& desc = c.answer.description;
    c.error = mask("telegram " + channel_ + ": " + std::to_string(code) + " " +
                   (desc.empty() ? std::string("HTTP ") + std::to_string(resp.status) : desc));
    if (code == 429) c.retry = SendResult::after(c.answer.retry_after.value_or(Millis{1000}), c.error);
    else if (code >= 500 || resp.status >= 500 || !c.answer.json) c.retry = SendResult::backoff(c.error);
    co_return c;
}

bool TelegramNotifier::follow_migration(const TelegramAnswer& a, int depth) {
    if (!a.migrate_to_chat_id || depth >= 3) return false;
    std::string old = target_.chat_id;
    target_.chat_id = *a.migrate_to_chat_id;
    spdlog::warn("telegram: chat {} was upgraded to a supergroup; sending to {} from now on "
                 "(update chat_id in the configuration)", old, target_.chat_id);
    return true;
}

bool TelegramNotifier::album_done(const std::string& event_id) const {
    return !event_id.empty() && albums_done_.count(event_id) != 0;
}

void TelegramNotifier::remember_album(const std::string& event_id) {
    if (event_id.empty() || !albums_done_.insert(event_id).second) return;
    albums_order_.push_back(event_id);
    if (albums_order_.size() > kAlbumMemory) {
        albums_done_.erase(albums_order_.front());
        albums_order_.pop_front();
    }
}

boost::asio::awaitable<SendResult> TelegramNotifier::send_message(const RenderedMessage& msg) {
    // Albums first, so the photos sit right above the text that explains them. A refused photo
    // never costs the alert: the text links every photo.
    bool warned = false;
    for (const auto& album : msg.albums) {
        if (album.urls.empty() || album_done(album.event_id)) continue;  // sent before a retry
        AlbumResult a = co_await send_album(album, true, msg, 0);
        if (!a.result.ok()) co_return a.result;
        if (!a.refused.empty() && !warned) {
            warned = true;
            spdlog::warn("{}; sending the text without the photos (it links them)", mask(a.refused));
        }
        remember_album(album.event_id);
    }
    auto parts = split_message(msg.html, max_message_chars());
    if (parts.empty()) parts.push_back(msg.text.empty() ? std::string("-") : msg.text);
    for (std::size_t i = 0; i < parts.size(); ++i) {
        // The button goes under the last part: that is where the reader ends up.
        SendResult r = co_await send_part(parts[i], true, msg, i + 1 == parts.size(), 0);
        if (!r.ok()) co_return r;
    }
    co_return SendResult::success();
}

boost::asio::awaitable<TelegramNotifier::AlbumResult> TelegramNotifier::send_album(const PhotoAlbum& album,
                                                                                   bool html,
                                                                                   const RenderedMessage& msg,
                                                                                   int depth) {
    nlohmann::json j = chat_fields(msg);
    const std::string& caption = html ? album.caption_html : album.caption_text;
    const char* method = "sendPhoto";
    if (album.urls.size() == 1) {
        j["photo"] = album.urls.front();
        if (!caption.empty()) j["caption"] = caption;
        if (html) j["parse_mode"] = "HTML";
    } else {
        // A media group shows the first item's caption under the album.
        method = "sendMediaGroup";
        nlohmann::json media = nlohmann::json::array();
        for (std::size_t i = 0; i < album.urls.size() && i < kMaxAlbumPhotos; ++i) {
            nlohmann::json item = {{"type", "photo"}, {"media", album.urls[i]}};
            if (i == 0 && !caption.empty()) {
                item["caption"] = caption;
                if (html) item["parse_mode"] = "HTML";
            }
            media.push_back(std::move(item));
        }
        j["media"] = std::move(media);
    }

    const Call c = co_await post(method, j);
    AlbumResult out;
    if (c.answer.ok) co_return out;
    if (c.retry) {
        out.result = *c.retry;
        co_return out;
    }
    const int code = c.answer.code;
    const std::string& desc = c.answer.description;
    if (follow_migration(c.answer, depth)) co_return co_await send_album(album, html, msg, depth + 1);
    if (code == 400 && contains(desc, "can't parse entities") && html) {
        spdlog::error("telegram: {} refused our HTML caption ({}); resending the photos with a plain caption",
                      channel_, mask(desc));
        co_return co_await send_album(album, false, msg, depth + 1);
    }
    // A Bad Request about the album itself (Telegram could not fetch a photo: "failed to get
    // HTTP URL content", "wrong file identifier/HTTP URL specified", "WEBPAGE_CURL_FAILED",
    // "wrong type of the web page content", "group send failed"; or no right to send photos
    // there) must not cost the alert: the text follows and links the photos. If the chat
    // itself is wrong, the text's own request says so; "chat not found" is known here already.
    if (code == 400 && !contains(desc, "chat not found")) {
        out.refused = "telegram " + channel_ + ": " + method + " refused the photos: " + desc;
        co_return out;
    }
    // Blocked, invalid token, chat not found: the text would fail the same way.
    out.result = SendResult::fatal(c.error);
    co_return out;
}

boost::asio::awaitable<SendResult> TelegramNotifier::send_part(const std::string& body, bool html,
                                                               const RenderedMessage& msg,
                                                               bool with_button, int depth) {
    nlohmann::json j = chat_fields(msg);
    j["text"] = body;
    if (html) j["parse_mode"] = "HTML";
    j["link_preview_options"] = {{"is_disabled", true}};
    if (with_button && !msg.button_url.empty())
        j["reply_markup"] = {{"inline_keyboard",
                              nlohmann::json::array({nlohmann::json::array(
                                  {{{"text", msg.button_text.empty() ? "Open" : msg.button_text},
                                    {"url", msg.button_url}}})})}};

    const Call c = co_await post("sendMessage", j);
    if (c.answer.ok) co_return SendResult::success();
    if (c.retry) co_return *c.retry;

    const int code = c.answer.code;
    const std::string& desc = c.answer.description;
    if (follow_migration(c.answer, depth)) co_return co_await send_part(body, html, msg, with_button, depth + 1);
    if (code == 400 && contains(desc, "can't parse entities") && html) {
        spdlog::error("telegram: {} refused our HTML ({}); resending as plain text", channel_, desc);
        co_return co_await send_part(html_to_text(body), false, msg, with_button, depth + 1);
    }
    if (code == 400 && contains(desc, "message is too long") && depth == 0) {
        // Our count and Telegram's differ only by entities: halve the parts once, never loop.
        for (const auto& p : split_message(body, std::min<std::size_t>(4096, max_message_chars()) / 2)) {
            SendResult r = co_await send_part(p, html, msg, with_button, depth + 1);
            if (!r.ok()) co_return r;
        }
        co_return SendResult::success();
    }
    // chat not found, blocked, invalid token and every other client error: retrying the same
    // request cannot succeed.
    co_return SendResult::fatal(c.error);
}

}  // namespace ozw::alerts
