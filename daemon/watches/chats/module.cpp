// The chats watch as a module: its config section, its event types, its watch.
#include "daemon/watches/chats/module.hpp"

#include "daemon/engine/settings_schema.hpp"
#include "daemon/watches/chats/event_types.hpp"
#include "daemon/watches/chats/watch.hpp"

namespace ozw::daemon::chats {

namespace {

class ChatsModule final : public WatchModule {
public:
    const WatchSchema& schema() const override { return schema_; }
    std::string title(const std::string& language) const override { return language == "en" ? "chats" : "чаты"; }
    std::vector<EventType> event_types() const override { return chat_event_types(); }
    std::vector<Event> examples() const override {
        const EvalContext ctx{"main", ChatsSettings{}};
        const TimePoint t0 = *parse_iso8601("2026-11-26T04:00:00Z");
        ChatItem c;
        c.chat_id = "5e767w03-b400-4y1b-a841-75319ca8a5c8";
        c.type = "BUYER_SELLER";
        c.status = "OPENED";
        c.created_at = t0 - std::chrono::hours(2);
        c.unread_count = 2;
        c.first_unread_message_id = "3000000000118021931";
        c.last_message_id = "3000000000118021932";
        c.unread_since = t0;
        return chat_conditions(c, t0 + std::chrono::minutes(5), ctx).holding;
    }
    std::vector<std::string> ozon_methods() const override { return {"/v3/chat/list"}; }
    std::shared_ptr<Watch> create(const WatchContext& ctx) const override {
        return std::make_shared<ChatsWatch>(ctx.account.name, ctx.ozon, dynamic_cast<const ChatsSettings&>(ctx.settings));
    }

private:
    SettingsSchema<ChatsSettings> schema_{"chats"};
};

}  // namespace

const WatchModule& module() {
    static const ChatsModule m;
    return m;
}

}  // namespace ozw::daemon::chats
