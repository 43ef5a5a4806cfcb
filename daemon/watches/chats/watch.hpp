#pragma once
// The chats watch on /v3/chat/list (NOTES.md, "Reviews and chats"): every poll asks for the
// chats with unread messages (filter unread_only, cursor paging, 100 a page) and keeps the
// buyers' ones (BUYER_SELLER, BUYER_SELLER_SELECT; support and Ozon's notices are not the
// manager's to answer). The answer is the whole set: a remembered chat missing from it has
// been read, and its chat.unread resolves.
#include <memory>
#include <set>
#include <string>

#include "common/ozon/client.hpp"
#include "common/time.hpp"
#include "daemon/engine/snapshot_watch.hpp"
#include "daemon/watches/chats/evaluate.hpp"

namespace ozw::daemon::chats {

// The morning report's line: how many buyer chats wait unread, the oldest since when.
std::vector<std::string> chats_report_lines(const std::map<std::string, ChatItem>& items, TimePoint now,
                                            bool russian, const TimeZone& tz);

class ChatsWatch : public SnapshotWatch<ChatItem> {
public:
    ChatsWatch(std::string account, std::shared_ptr<ozon::Client> client, ChatsSettings settings);

    Millis interval() const override { return ctx_.settings.interval; }
    std::vector<std::string> report_lines(const ReportOptions& o) const override;
    std::string report_title(const ReportOptions& o) const override;

    std::vector<Event> transitions(const ChatItem*, const ChatItem&, TimePoint) const override { return {}; }
    ItemConditions conditions(const ChatItem& current, TimePoint now) const override {
        return chat_conditions(current, now, ctx_);
    }
    // TYPE_NEW_MESSAGE and TYPE_CHAT_CLOSED: the unread list is read again at once (one call).
    bool take_push(const push::PushMessage& m) override;

protected:
    awaitable<Fetched<ChatItem>> fetch(TimePoint now, bool baseline) override;
    awaitable<Fetched<ChatItem>> fetch_pushed(TimePoint now) override;
    std::string key_of(const ChatItem& c) const override { return c.chat_id; }
    void observe(const ChatItem* previous, ChatItem& next, TimePoint) const override { carry_over(previous, next); }

private:
    std::shared_ptr<ozon::Client> client_;
    EvalContext ctx_;
    std::set<std::string> logged_types_;
};

}  // namespace ozw::daemon::chats
