#pragma once
// The pure half of the chats watch. No I/O, no clock.
//   chat.unread  condition  info: a buyer's chat has unread messages (one per chat, key
//                           "chat.unread:<chat_id>"); its details follow the count; resolved
//                           when the chat is read (it leaves Ozon's unread list).
#include <string>
#include <vector>

#include "common/event.hpp"
#include "daemon/engine/snapshot_watch.hpp"
#include "daemon/watches/chats/chat_item.hpp"
#include "daemon/watches/chats/settings.hpp"

namespace ozw::daemon::chats {

struct EvalContext {
    std::string account;
    ChatsSettings settings;
};

ItemConditions chat_conditions(const ChatItem& chat, TimePoint now, const EvalContext& ctx);

// unread_since and since_first_poll: kept while the same run of unread messages waits (the
// same first unread message, or Ozon did not say which); a new run starts now.
void carry_over(const ChatItem* previous, ChatItem& next);

}  // namespace ozw::daemon::chats
