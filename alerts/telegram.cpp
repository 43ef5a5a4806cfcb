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

boost::asio::awaitable<SendResult> TelegramNotifier::send_message(const RenderedMessage& msg) {
    auto parts = split_message(msg.html, max_message_chars());
    if (parts.empty()) parts.push_back(msg.text.empty() ? std::string("-") : msg.text);
    for (std::size_t i = 0; i < parts.size(); ++i) {
        // The button goes under the last part: that is where the reader ends up.
        SendResult r = co_await send_part(parts[i], true, msg, i + 1 == parts.size(), 0);
        if (!r.ok()) co_return r;
    }
    co_return SendResult::success();
}

boost::asio::awaitable<SendResult> TelegramNotifier::send_part(const std::string& body, bool html,
                                                               const RenderedMessage& msg,
                                                               bool with_button, int depth) {
    nlohmann::json j;
    long long numeric_id = 0;
    const auto& id = target_.chat_id;
    if (is_integer(id) && std::from_chars(id.data(), id.data() + id.size(), numeric_id).ec == std::errc{})
        j["chat_id"] = numeric_id;
    else
        j["chat_id"] = id;
    j["text"] = body;
    if (html) j["parse_mode"] = "HTML";
    j["link_preview_options"] = {{"is_disabled", true}};
    if (msg.silent) j["disable_notification"] = true;
    if (target_.thread_id) j["message_thread_id"] = *target_.thread_id;
    if (with_button && !msg.button_url.empty())
        j["reply_markup"] = {{"inline_keyboard",
                              nlohmann::json::array({nlohmann::json::array(
                                  {{{"text", msg.button_text.empty() ? "Open" : msg.button_text},
                                    {"url", msg.button_url}}})})}};

    http::Request req;
    req.method = "POST";
    req.url = api_base_ + "/bot" + token_ + "/sendMessage";
    req.headers = {{"Content-Type", "application/json"}};
    req.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    req.timeout = timeout_;

    http::Response resp;
    try {
        resp = co_await client_->request(std::move(req));
    } catch (const std::exception& e) {
        co_return SendResult::backoff(mask(std::string("telegram: ") + e.what()));
    }

    const TelegramAnswer a = read_telegram_answer(resp.status, resp.body, resp.header("Retry-After"));
    if (a.ok) co_return SendResult::success();

    const int code = a.code;
    const std::string& desc = a.description;
    const std::string err = mask("telegram " + channel_ + ": " + std::to_string(code) + " " +
                                 (desc.empty() ? std::string("HTTP ") + std::to_string(resp.status) : desc));

    if (code == 429) co_return SendResult::after(a.retry_after.value_or(Millis{1000}), err);
    if (code >= 500 || resp.status >= 500 || !a.json) co_return SendResult::backoff(err);

    if (a.migrate_to_chat_id && depth < 3) {
        std::string old = target_.chat_id;
        target_.chat_id = *a.migrate_to_chat_id;
        spdlog::warn("telegram: chat {} was upgraded to a supergroup; sending to {} from now on "
                     "(update chat_id in the configuration)", old, target_.chat_id);
        co_return co_await send_part(body, html, msg, with_button, depth + 1);
    }
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
    co_return SendResult::fatal(err);
}

}  // namespace ozw::alerts
