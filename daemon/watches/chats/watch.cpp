// GCC 12 reports a false -Wmismatched-new-delete on asio coroutine frames.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#include "daemon/watches/chats/watch.hpp"

#include "common/push/push.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "common/time.hpp"

namespace ozw::daemon::chats {

namespace {

// The chat types of the 2026 enum (v3-chat-list.md); another value is kept out and logged once.
bool known_type(std::string t) {
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::toupper(c); });
    static const std::set<std::string> k = {
        "UNSPECIFIED", "SELLER_SUPPORT", "BUYER_SELLER", "BUYER_SELLER_SELECT", "SELLER_API_UPDATES",
        "SELLER_API_NOTIFICATIONS", "SELLER_NOTIFICATION", "SELLER_NOTIFICATION_LOGISTICS",
        "SELLER_NOTIFICATION_UPDATE_CONTENT", "SELLER_PERSONAL_MANAGER_UNITY_CRM",
        "SELLER_BUSINESS_DEVELOPMENT_GROUP"};
    return k.count(t) > 0;
}

// "1 непрочитанный чат покупателя", "2 непрочитанных чата покупателей", "5 ... чатов ...".
std::string chats_ru(long long n) {
    const long long m10 = n % 10, m100 = n % 100;
    if (m10 == 1 && m100 != 11) return std::to_string(n) + " непрочитанный чат покупателя";
    if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return std::to_string(n) + " непрочитанных чата покупателей";
    return std::to_string(n) + " непрочитанных чатов покупателей";
}

std::string hours_text(Millis d, bool ru) {
    const long long h = std::chrono::duration_cast<std::chrono::hours>(d).count();
    if (h < 1) return ru ? "меньше часа" : "less than an hour";
    if (h < 48) return std::to_string(h) + (ru ? " ч" : " h");
    return std::to_string(h / 24) + (ru ? " дн." : " days");
}

}  // namespace

std::vector<std::string> chats_report_lines(const std::map<std::string, ChatItem>& items, TimePoint now, bool ru,
                                            const TimeZone& tz) {
    long long chats = 0, messages = 0;
    std::optional<TimePoint> oldest;
    bool at_least = false;
    for (const auto& [_, c] : items) {
        if (c.unread_count <= 0 || !is_buyer_chat(c.type)) continue;
        ++chats;
        messages += c.unread_count;
        if (!oldest || c.unread_since < *oldest) {
            oldest = c.unread_since;
            at_least = c.since_first_poll;
        }
    }
    if (chats == 0) return {ru ? "Чаты: непрочитанных чатов покупателей нет" : "Chats: no unread buyer chats"};
    std::string line = ru ? "Чаты: " + chats_ru(chats) + " (сообщений: " + std::to_string(messages) + ")"
                          : "Chats: " + std::to_string(chats) + (chats == 1 ? " unread buyer chat" : " unread buyer chats") +
                                " (" + std::to_string(messages) + " messages)";
    if (oldest) {
        const Millis waited = now > *oldest ? now - *oldest : Millis{0};
        const std::string wait = hours_text(waited, ru);
        // "at least" only where it adds something: "не меньше меньше часа" says nothing.
        const bool say_at_least = at_least && waited >= std::chrono::hours(1);
        line += ru ? ", дольше всех ждёт " + std::string(say_at_least ? "не меньше " : "") + wait + " (с " +
                         tz.format_local(*oldest) + ")"
                   : ", the oldest waits " + std::string(say_at_least ? "at least " : "") + wait + " (since " +
                         tz.format_local(*oldest) + ")";
    }
    return {line};
}

ChatsWatch::ChatsWatch(std::string account, std::shared_ptr<ozon::Client> client, ChatsSettings settings)
    : SnapshotWatch("chats", account), client_(std::move(client)), ctx_{std::move(account), std::move(settings)} {}

std::vector<std::string> ChatsWatch::report_lines(const ReportOptions& o) const {
    TimePoint now = o.now;
    if (now == TimePoint{}) {
        auto it = cursors().find("last_success");
        if (it != cursors().end()) now = parse_iso8601(it->second).value_or(TimePoint{});
    }
    return chats_report_lines(items(), now, o.language != "en", TimeZone(o.timezone));
}

std::string ChatsWatch::report_title(const ReportOptions& o) const {
    return o.language == "en" ? "Chats" : "Чаты";
}

awaitable<Fetched<ChatItem>> ChatsWatch::fetch(TimePoint now, bool baseline) {
    const long long requests_before = client_->stats().requests;
    ozon::ChatsFilter filter;
    filter.chat_status = "ALL";
    filter.unread_only = true;
    filter.limit = 100;
    std::vector<ozon::Chat> list = co_await client_->chats_all(filter);
    Fetched<ChatItem> out;
    for (const auto& c : list) {
        if (c.chat_id.empty()) continue;
        if (!known_type(c.type) && logged_types_.insert(c.type).second)
            spdlog::warn("chats [{}]: Ozon sent the chat type \"{}\", new to this build; such chats are not "
                         "watched (logged once)", account(), c.type);
        if (!is_buyer_chat(c.type) || c.unread_count <= 0) continue;
        ChatItem item = item_from(c, now);
        // Already unread when the watch first looked: older than this poll, by how much
        // /v3/chat/list does not say.
        item.since_first_poll = baseline;
        out.items.push_back(std::move(item));
    }
    // The unread list is the whole set: a chat no longer in it was read.
    out.full_window = true;
    out.mode = "unread";
    out.cursors["last_success"] = format_iso8601_ms(now);
    out.api_calls = client_->stats().requests - requests_before;
    co_return out;
}

bool ChatsWatch::take_push(const push::PushMessage& m) {
    return m.message_type == "TYPE_NEW_MESSAGE" || m.message_type == "TYPE_CHAT_CLOSED";
}

awaitable<Fetched<ChatItem>> ChatsWatch::fetch_pushed(TimePoint now) {
    Fetched<ChatItem> out = co_await fetch(now, false);
    out.mode = "push";
    co_return out;
}

}  // namespace ozw::daemon::chats
