#include "daemon/watches/chats/chat_item.hpp"

#include <algorithm>
#include <cctype>

#include "common/time.hpp"

namespace ozw::daemon::chats {

using nlohmann::json;

namespace {

std::string str_of(const json& j, const char* k) {
    auto it = j.find(k);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

}  // namespace

bool is_buyer_chat(const std::string& type) {
    std::string t = type;
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::toupper(c); });
    return t == "BUYER_SELLER" || t == "BUYER_SELLER_SELECT";
}

json ChatItem::to_json() const {
    return {{"chat_id", chat_id},
            {"type", type},
            {"status", status},
            {"created_at", created_at ? json(format_iso8601_ms(*created_at)) : json()},
            {"unread_count", unread_count},
            {"first_unread_message_id", first_unread_message_id},
            {"last_message_id", last_message_id},
            {"unread_since", format_iso8601_ms(unread_since)},
            {"since_first_poll", since_first_poll}};
}

ChatItem ChatItem::from_json(const json& j) {
    ChatItem c;
    if (!j.is_object()) return c;
    c.chat_id = str_of(j, "chat_id");
    c.type = str_of(j, "type");
    c.status = str_of(j, "status");
    if (auto s = str_of(j, "created_at"); !s.empty()) c.created_at = parse_iso8601(s);
    if (auto it = j.find("unread_count"); it != j.end() && it->is_number_integer()) c.unread_count = it->get<long long>();
    c.first_unread_message_id = str_of(j, "first_unread_message_id");
    c.last_message_id = str_of(j, "last_message_id");
    c.unread_since = parse_iso8601(str_of(j, "unread_since")).value_or(TimePoint{});
    if (auto it = j.find("since_first_poll"); it != j.end() && it->is_boolean()) c.since_first_poll = it->get<bool>();
    return c;
}

std::string ChatItem::fingerprint() const {
    // unread_since and since_first_poll are derived (observe()); the rest is Ozon's.
    return chat_id + '|' + type + '|' + status + '|' + std::to_string(unread_count) + '|' + first_unread_message_id +
           '|' + last_message_id;
}

ChatItem item_from(const ozon::Chat& c, TimePoint now) {
    ChatItem x;
    x.chat_id = c.chat_id;
    x.type = c.type;
    x.status = c.status;
    x.created_at = c.created_at;
    x.unread_count = c.unread_count;
    x.first_unread_message_id = c.first_unread_message_id;
    x.last_message_id = c.last_message_id;
    x.unread_since = now;
    return x;
}

}  // namespace ozw::daemon::chats
