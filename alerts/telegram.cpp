#include "alerts/telegram.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cctype>

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
    if (is_integer(target_.chat_id)) j["chat_id"] = std::stoll(target_.chat_id);
    else j["chat_id"] = target_.chat_id;
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

    nlohmann::json a = nlohmann::json::parse(resp.body, nullptr, false);
    if (a.is_object() && a.value("ok", false)) co_return SendResult::success();

    int code = resp.status;
    std::string desc;
    nlohmann::json params = nlohmann::json::object();
    if (a.is_object()) {
        if (a.contains("error_code") && a["error_code"].is_number_integer()) code = a["error_code"].get<int>();
        if (a.contains("description") && a["description"].is_string()) desc = a["description"].get<std::string>();
        if (a.contains("parameters") && a["parameters"].is_object()) params = a["parameters"];
    }
    const std::string err = mask("telegram " + channel_ + ": " + std::to_string(code) + " " +
                                 (desc.empty() ? std::string("HTTP ") + std::to_string(resp.status) : desc));

    if (code == 429) {
        long long after = 0;
        if (params.contains("retry_after") && params["retry_after"].is_number()) after = params["retry_after"].get<long long>();
        else if (auto h = resp.header("Retry-After")) after = std::atoll(h->c_str());
        if (after <= 0) after = 1;
        co_return SendResult::after(Millis{after * 1000}, err);
    }
    if (code >= 500 || resp.status >= 500 || !a.is_object()) co_return SendResult::backoff(err);

    if (params.contains("migrate_to_chat_id") && depth < 3) {
        std::string old = target_.chat_id;
        target_.chat_id = params["migrate_to_chat_id"].dump();
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
