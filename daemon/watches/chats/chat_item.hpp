#pragma once
// What the chats watch remembers: every buyer chat (BUYER_SELLER, BUYER_SELLER_SELECT) that has
// unread messages now, as /v3/chat/list (unread_only) lists it, plus since when ozonwatch sees
// its current run of unread messages. A chat read in the cabinet leaves the list and is
// forgotten (its chat.unread resolves).
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/ozon/models.hpp"

namespace ozw::daemon::chats {

struct ChatItem {
    std::string chat_id;
    std::string type;    // BUYER_SELLER | BUYER_SELLER_SELECT (raw)
    std::string status;  // OPENED | CLOSED (raw)
    std::optional<TimePoint> created_at;
    long long unread_count = 0;
    std::string first_unread_message_id;
    std::string last_message_id;
    // Since when these messages wait: the poll that first saw this run of unread messages
    // (/v3/chat/list gives no message times). `since_first_poll`: they were already unread at
    // the watch's first poll (or the first after a gap), so they may be older.
    TimePoint unread_since{};
    bool since_first_poll = false;

    nlohmann::json to_json() const;
    static ChatItem from_json(const nlohmann::json& j);  // tolerant
    std::string fingerprint() const;
};

// A chat as Ozon lists it (unread_since = now).
ChatItem item_from(const ozon::Chat& c, TimePoint now);

// A buyer's chat (not support, not Ozon's notices): BUYER_SELLER and BUYER_SELLER_SELECT, in
// any spelling (the push payloads write Buyer_Seller).
bool is_buyer_chat(const std::string& type);

}  // namespace ozw::daemon::chats
