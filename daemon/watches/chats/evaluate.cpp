#include "daemon/watches/chats/evaluate.hpp"

#include "common/ozon/cabinet_links.hpp"
#include "common/time.hpp"

namespace ozw::daemon::chats {

using nlohmann::json;

void carry_over(const ChatItem* previous, ChatItem& next) {
    if (!previous || previous->unread_count <= 0) return;
    const bool same_run = previous->first_unread_message_id.empty() || next.first_unread_message_id.empty() ||
                          previous->first_unread_message_id == next.first_unread_message_id;
    if (!same_run) return;
    next.unread_since = previous->unread_since;
    next.since_first_poll = previous->since_first_poll;
}

ItemConditions chat_conditions(const ChatItem& chat, TimePoint now, const EvalContext& ctx) {
    ItemConditions c;
    if (chat.unread_count <= 0 || !is_buyer_chat(chat.type)) return c;
    Event e;
    e.type = "chat.unread";
    e.kind = EventKind::condition;
    e.severity = Severity::info;
    e.state = EventState::firing;
    e.account = ctx.account;
    e.key = "chat.unread:" + chat.chat_id;
    e.title = "chat.unread " + chat.chat_id;  // fallback only: alerts renders the real text
    e.occurred_at = chat.unread_since;
    e.detected_at = now;
    e.url = ozon::buyer_chats_url();
    json d = {{"chat_id", chat.chat_id},
              {"chat_type", chat.type},
              {"unread_count", chat.unread_count},
              {"unread_since", format_iso8601(chat.unread_since)},
              {"since_first_poll", chat.since_first_poll}};
    if (chat.created_at) d["chat_created_at"] = format_iso8601(*chat.created_at);
    e.details = std::move(d);
    c.holding.push_back(std::move(e));
    return c;
}

}  // namespace ozw::daemon::chats
