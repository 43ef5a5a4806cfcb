// The chats watch: its pure evaluation (a buyer chat with unread messages holds chat.unread,
// since when) and the engine around it, driven by scripted answers of the unread list: the real
// ChatsWatch with only fetch() replaced, a real WatchRunner and a real Store in a temp folder.
#include <gtest/gtest.h>

#include <algorithm>

#include "daemon/watches/chats/watch.hpp"
#include "tests/daemon/unit/daemon_test_util.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace ozw::daemon::chats;
using namespace std::chrono_literals;
using ozw::test::at;

namespace {

ChatItem chat(const std::string& id, long long unread, const std::string& first_unread = "3000000000000000101",
              const std::string& type = "BUYER_SELLER") {
    ChatItem c;
    c.chat_id = id;
    c.type = type;
    c.status = "OPENED";
    c.created_at = at("2026-11-25T10:00:00Z");
    c.unread_count = unread;
    c.first_unread_message_id = first_unread;
    c.last_message_id = "3000000000000000110";
    return c;
}

EvalContext ctx() { return EvalContext{"main", ChatsSettings{}}; }

class ScriptedWatch : public ChatsWatch {
public:
    ScriptedWatch() : ChatsWatch("main", nullptr, ChatsSettings{}) {}
    std::vector<ChatItem> answer;

protected:
    // As the real fetch: the unread list is the whole set; the time it was seen is now.
    awaitable<Fetched<ChatItem>> fetch(TimePoint now, bool baseline) override {
        Fetched<ChatItem> f;
        for (auto c : answer) {
            c.unread_since = now;
            c.since_first_poll = baseline;
            f.items.push_back(std::move(c));
        }
        f.full_window = true;
        co_return f;
    }
};

struct Harness : ozw::test::RunnerHarness<ScriptedWatch> {
    CycleResult poll(std::vector<ChatItem> answer, TimePoint when) {
        watch->answer = std::move(answer);
        return cycle(when);
    }
    const Event* active(const std::string& key, std::vector<ActiveCondition>& keep) {
        keep = env.store->active_conditions("main");
        for (const auto& c : keep)
            if (c.key == key) return &c.event;
        return nullptr;
    }
};

using ozw::test::recorded;

}  // namespace

TEST(ChatsEvaluate, UnreadBuyerChatHoldsAnInfoConditionKeyedByChat) {
    auto c = chat("chat-1", 3);
    c.unread_since = at("2026-11-26T04:00:00Z");
    auto held = chat_conditions(c, at("2026-11-26T05:00:00Z"), ctx());
    ASSERT_EQ(held.holding.size(), 1u);
    const Event& e = held.holding[0];
    EXPECT_EQ(e.type, "chat.unread");
    EXPECT_EQ(e.kind, EventKind::condition);
    EXPECT_EQ(e.severity, Severity::info);
    EXPECT_EQ(e.key, "chat.unread:chat-1");
    EXPECT_EQ(e.details.at("unread_count"), 3);
    EXPECT_EQ(e.details.at("unread_since"), "2026-11-26T04:00:00Z");
    EXPECT_EQ(e.occurred_at, at("2026-11-26T04:00:00Z"));
    EXPECT_EQ(e.url, "https://seller.ozon.ru/app/messenger?group=customers_v2");
    EXPECT_FALSE(held.next_change.has_value());  // only a change of the chat changes it
}

TEST(ChatsEvaluate, ReadChatsAndNonBuyerChatsHoldNothing) {
    EXPECT_TRUE(chat_conditions(chat("chat-1", 0), at("2026-11-26T05:00:00Z"), ctx()).holding.empty());
    EXPECT_TRUE(chat_conditions(chat("support", 2, "1", "SELLER_SUPPORT"), at("2026-11-26T05:00:00Z"), ctx())
                    .holding.empty());
    // The push payloads' spelling and Ozon Select buyers are buyers too.
    EXPECT_EQ(chat_conditions(chat("b", 1, "1", "Buyer_Seller"), at("2026-11-26T05:00:00Z"), ctx()).holding.size(), 1u);
    EXPECT_EQ(chat_conditions(chat("s", 1, "1", "BUYER_SELLER_SELECT"), at("2026-11-26T05:00:00Z"), ctx()).holding.size(),
              1u);
}

TEST(ChatsEvaluate, UnreadSinceIsKeptWhileTheSameMessagesWaitAndRestartsForANewRun) {
    auto before = chat("chat-1", 2);
    before.unread_since = at("2026-11-26T04:00:00Z");
    before.since_first_poll = true;
    auto more = chat("chat-1", 3);  // one more message, the first unread is the same
    more.unread_since = at("2026-11-26T05:00:00Z");
    carry_over(&before, more);
    EXPECT_EQ(more.unread_since, at("2026-11-26T04:00:00Z"));
    EXPECT_TRUE(more.since_first_poll);
    auto fresh_run = chat("chat-1", 1, "3000000000000000200");  // read, then a new message
    fresh_run.unread_since = at("2026-11-26T05:00:00Z");
    carry_over(&before, fresh_run);
    EXPECT_EQ(fresh_run.unread_since, at("2026-11-26T05:00:00Z"));
    EXPECT_FALSE(fresh_run.since_first_poll);
}

TEST(ChatsWatchEngine, UnreadFiresOnTheFirstPollAndResolvesWhenRead) {
    Harness h;
    auto first = h.poll({chat("chat-1", 2)}, at("2026-11-26T04:00:00Z"));
    EXPECT_TRUE(first.baseline);
    // A condition fires on the first poll too (unlike a transition).
    EXPECT_EQ(recorded(first), std::vector<std::string>{"chat.unread chat.unread:chat-1"});
    std::vector<ActiveCondition> keep;
    const Event* e = h.active("chat.unread:chat-1", keep);
    ASSERT_NE(e, nullptr);
    EXPECT_TRUE(e->details.at("since_first_poll").get<bool>());
    // Another message in the same chat: no second message, the details follow the count.
    EXPECT_TRUE(h.poll({chat("chat-1", 3)}, at("2026-11-26T04:05:00Z")).recorded.empty());
    e = h.active("chat.unread:chat-1", keep);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->details.at("unread_count"), 3);
    EXPECT_EQ(e->details.at("unread_since"), "2026-11-26T04:00:00Z");
    // A second chat becomes unread later: its own condition, since that poll.
    auto second = h.poll({chat("chat-1", 3), chat("chat-2", 1, "3000000000000000500")}, at("2026-11-26T04:10:00Z"));
    EXPECT_EQ(recorded(second), std::vector<std::string>{"chat.unread chat.unread:chat-2"});
    e = h.active("chat.unread:chat-2", keep);
    ASSERT_NE(e, nullptr);
    EXPECT_FALSE(e->details.at("since_first_poll").get<bool>());
    EXPECT_EQ(e->details.at("unread_since"), "2026-11-26T04:10:00Z");
    // A restart changes nothing.
    h.restart();
    EXPECT_TRUE(h.poll({chat("chat-1", 3), chat("chat-2", 1, "3000000000000000500")}, at("2026-11-26T04:15:00Z"))
                    .recorded.empty());
    // chat-1 is read in the cabinet: it leaves the unread list and its condition resolves.
    auto read = h.poll({chat("chat-2", 1, "3000000000000000500")}, at("2026-11-26T04:20:00Z"));
    EXPECT_EQ(recorded(read), std::vector<std::string>{"chat.unread/resolved chat.unread:chat-1"});
    EXPECT_EQ(h.watch->items().count("chat-1"), 0u);
}

TEST(ChatsReport, SaysHowManyBuyerChatsWaitAndTheOldest) {
    std::map<std::string, ChatItem> items;
    TimeZone tz("Europe/Moscow");
    const TimePoint now = at("2026-11-26T09:00:00Z");
    EXPECT_EQ(chats_report_lines(items, now, true, tz),
              std::vector<std::string>{"Чаты: непрочитанных чатов покупателей нет"});
    auto a = chat("a", 2);
    a.unread_since = at("2026-11-26T06:00:00Z");
    items["a"] = a;
    EXPECT_EQ(chats_report_lines(items, now, true, tz),
              std::vector<std::string>{"Чаты: 1 непрочитанный чат покупателя (сообщений: 2), дольше всех ждёт 3 ч "
                                       "(с 26.11.2026 09:00)"});
    auto b = chat("b", 1);
    b.unread_since = at("2026-11-26T08:30:00Z");
    items["b"] = b;
    EXPECT_EQ(chats_report_lines(items, now, false, tz),
              std::vector<std::string>{"Chats: 2 unread buyer chats (3 messages), the oldest waits 3 h "
                                       "(since 26.11.2026 09:00)"});
}
