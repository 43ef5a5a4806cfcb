// The returns watch's pure evaluation (requests and their deadline, pickup and paid storage,
// disputes, new returns) and the engine around it, driven by scripted poll answers: the real
// ReturnsWatch with only fetch() replaced, a real WatchRunner and a real Store in a temp folder.
#include <gtest/gtest.h>

#include <algorithm>

#include "daemon/watches/returns/event_types.hpp"
#include "daemon/watches/returns/watch.hpp"
#include "tests/daemon/unit/daemon_test_util.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace ozw::daemon::returns;
using namespace std::chrono_literals;
using ozw::test::at;

namespace {

ReturnItem fbs(long long id, const std::string& type, const std::string& status, const char* since) {
    ReturnItem r;
    r.kind = ItemKind::fbs_return;
    r.id = id;
    r.type = type;
    r.schema = "Fbs";
    r.status = status;
    r.status_since = r.first_seen = at(since);
    r.posting_number = "0120000301-0001-1";
    r.product_name = "Платье миди";
    r.offer_id = "DRS-002";
    r.quantity = 1;
    r.amount = 3490;
    r.reason = "Не подошёл размер";
    return r;
}

ReturnItem rfbs(long long id, const std::string& group, const char* created) {
    ReturnItem r;
    r.kind = ItemKind::rfbs_request;
    r.id = id;
    r.type = "rFBS";
    r.status = group == "New" ? "ON_APPROVAL" : "APPROVED";
    r.group_state = group;
    r.status_since = r.first_seen = at(created);
    r.posting_number = "0130000101-0001-1";
    r.client_comment = "Маломерит";
    r.photos = {"https://cdn.example.invalid/1.jpg", "https://cdn.example.invalid/2.jpg"};
    if (group == "New") r.actions = {"Одобрить", "Отклонить"};
    return r;
}

EvalContext ctx() { return EvalContext{"main", ReturnsSettings{}}; }

std::vector<std::string> types(const std::vector<Event>& events) {
    std::vector<std::string> t;
    for (const auto& e : events) t.push_back(e.type);
    std::sort(t.begin(), t.end());
    return t;
}

class ScriptedWatch : public ReturnsWatch {
public:
    ScriptedWatch() : ReturnsWatch("main", nullptr, ReturnsSettings{}) {}
    std::vector<ReturnItem> answer;
    std::vector<std::string> gone;

protected:
    awaitable<Fetched<ReturnItem>> fetch(TimePoint, bool baseline) override {
        Fetched<ReturnItem> f;
        f.items = answer;
        f.gone = std::exchange(gone, {});
        f.full_window = baseline;
        co_return f;
    }
};

struct Harness : ozw::test::RunnerHarness<ScriptedWatch> {
    using RunnerHarness::RunnerHarness;
    CycleResult poll(std::vector<ReturnItem> answer, TimePoint when) {
        watch->answer = std::move(answer);
        return cycle(when);
    }
};

using ozw::test::recorded;

}  // namespace

// ------------------------------------------------------------------------------ requests

TEST(ReturnRequest, WaitsAsWarningThenTurnsCriticalFourHoursBeforeOzonDecides) {
    const auto r = fbs(1, "ClientReturn", "OnSellerApproval", "2026-11-26T04:00:00Z");
    // Ozon decides 24 h after 04:00Z: urgent from 00:00Z on the 27th.
    auto early = return_conditions(r, at("2026-11-26T05:00:00Z"), ctx());
    ASSERT_EQ(types(early.holding), std::vector<std::string>{"return.request_pending"});
    EXPECT_EQ(early.holding[0].severity, Severity::warning);
    EXPECT_EQ(early.holding[0].details.at("deadline"), "2026-11-27T04:00:00Z");
    EXPECT_EQ(early.next_change, at("2026-11-27T00:00:00Z"));
    auto just_before = return_conditions(r, at("2026-11-26T23:59:59Z"), ctx());
    EXPECT_EQ(types(just_before.holding), std::vector<std::string>{"return.request_pending"});
    auto urgent = return_conditions(r, at("2026-11-27T00:00:00Z"), ctx());
    ASSERT_EQ(types(urgent.holding), std::vector<std::string>{"return.request_urgent"});
    EXPECT_EQ(urgent.holding[0].severity, Severity::critical);
    // One condition escalates: the same key at both steps.
    EXPECT_EQ(urgent.holding[0].key, early.holding[0].key);
}

TEST(ReturnRequest, EveryStateThatWaitsForTheSellerHoldsAndOthersDoNot) {
    for (const char* s : {"OnSellerApproval", "OnSellerClarification", "OnSellerClarificationAfterPartialCompensation",
                          "OfferedPartialCompensation"})
        EXPECT_EQ(types(return_conditions(fbs(1, "ClientReturn", s, "2026-11-26T04:00:00Z"),
                                          at("2026-11-26T05:00:00Z"), ctx()).holding),
                  std::vector<std::string>{"return.request_pending"}) << s;
    for (const char* s : {"Approved", "MovingToSeller", "ReceivedBySeller", "Rejected", "SomethingNew"})
        EXPECT_TRUE(return_conditions(fbs(1, "ClientReturn", s, "2026-11-26T04:00:00Z"),
                                      at("2026-11-26T05:00:00Z"), ctx()).holding.empty()) << s;
}

TEST(ReturnRequest, RfbsRequestCarriesCommentPhotosAndActionsAndEndsWhenDecided) {
    auto r = rfbs(8000000101, "New", "2026-11-26T04:00:00Z");
    auto c = return_conditions(r, at("2026-11-26T06:00:00Z"), ctx());
    ASSERT_EQ(c.holding.size(), 1u);
    const auto& d = c.holding[0].details;
    EXPECT_EQ(d.at("client_comment"), "Маломерит");
    EXPECT_EQ(d.at("photos").size(), 2u);
    EXPECT_EQ(d.at("actions"), nlohmann::json({"Одобрить", "Отклонить"}));
    // The registered type shows the photos as an album with the comment as its caption.
    for (const auto& t : return_event_types())
        if (t.type == "return.request_pending") {
            EXPECT_EQ(t.photos_key, "photos");
            EXPECT_EQ(t.caption_key, "client_comment");
        }
    EXPECT_TRUE(return_conditions(rfbs(8000000101, "Approved", "2026-11-26T04:00:00Z"),
                                  at("2026-11-26T06:00:00Z"), ctx()).holding.empty());
    // In arbitration an rFBS request is a dispute.
    EXPECT_EQ(types(return_conditions(rfbs(8000000101, "Arbitration", "2026-11-26T04:00:00Z"),
                                      at("2026-11-26T06:00:00Z"), ctx()).holding),
              std::vector<std::string>{"return.disputed"});
}

// ------------------------------------------------------------------------------ pickup

TEST(ReturnPickup, WaitsAsWarningCountsDaysAndTurnsCriticalWhenPaidStorageStarts) {
    auto r = fbs(2, "Cancellation", "ArrivedAtReturnPlace", "2026-11-25T04:00:00Z");
    r.arrived_at = at("2026-11-25T04:00:00Z");
    r.paid_storage_from = at("2026-11-27T04:00:00Z");
    r.disposal_at = at("2026-12-15T04:00:00Z");
    r.place_name = "ПВЗ на Тверской";
    auto now = return_conditions(r, at("2026-11-26T05:00:00Z"), ctx());
    ASSERT_EQ(types(now.holding), std::vector<std::string>{"return.ready_for_pickup"});
    EXPECT_EQ(now.holding[0].details.at("days_waiting"), 1);
    EXPECT_EQ(now.holding[0].details.at("place"), "ПВЗ на Тверской");
    // The day count grows at 04:00Z on the 27th, which is also when paid storage starts.
    EXPECT_EQ(now.next_change, at("2026-11-27T04:00:00Z"));
    auto paid = return_conditions(r, at("2026-11-27T04:00:00Z"), ctx());
    ASSERT_EQ(types(paid.holding), std::vector<std::string>{"return.pickup_urgent"});
    EXPECT_EQ(paid.holding[0].severity, Severity::critical);
    EXPECT_EQ(paid.holding[0].details.at("paid_storage_started"), true);
    EXPECT_EQ(paid.holding[0].key, now.holding[0].key);
}

TEST(ReturnPickup, DisposalWithinThreeDaysIsCriticalEvenWithoutPaidStorage) {
    auto r = fbs(2, "ClientReturn", "ArrivedAtReturnPlace", "2026-11-20T04:00:00Z");
    r.disposal_at = at("2026-11-29T04:00:00Z");
    EXPECT_EQ(types(return_conditions(r, at("2026-11-26T03:59:59Z"), ctx()).holding),
              std::vector<std::string>{"return.ready_for_pickup"});
    EXPECT_EQ(types(return_conditions(r, at("2026-11-26T04:00:00Z"), ctx()).holding),
              std::vector<std::string>{"return.pickup_urgent"});
}

TEST(ReturnDispute, EveryDisputeStateIsCritical) {
    for (const char* s : {"DisputeOpened", "DisputeYouOpened", "DisputeOpening"}) {
        auto c = return_conditions(fbs(3, "ClientReturn", s, "2026-11-20T04:00:00Z"), at("2026-11-26T04:00:00Z"), ctx());
        ASSERT_EQ(types(c.holding), std::vector<std::string>{"return.disputed"}) << s;
        EXPECT_EQ(c.holding[0].severity, Severity::critical);
    }
}

// ------------------------------------------------------------------------------ transitions

TEST(ReturnNew, ACancellationAndACustomerReturnReadDifferently) {
    const auto cancel = return_transitions(nullptr, fbs(4, "Cancellation", "MovingToSeller", "2026-11-26T04:00:00Z"),
                                           at("2026-11-26T05:00:00Z"), ctx());
    const auto client = return_transitions(nullptr, fbs(5, "ClientReturn", "MovingToSeller", "2026-11-26T04:00:00Z"),
                                           at("2026-11-26T05:00:00Z"), ctx());
    ASSERT_EQ(types(cancel), std::vector<std::string>{"return.new"});
    ASSERT_EQ(types(client), std::vector<std::string>{"return.new"});
    EXPECT_NE(return_type_name("Cancellation", true), return_type_name("ClientReturn", true));
    EXPECT_NE(return_type_name("Cancellation", true).find("не забрал"), std::string::npos);
    // Seen before: no news; first seen waiting for a decision: the request says it.
    const auto r = fbs(4, "Cancellation", "MovingToSeller", "2026-11-26T04:00:00Z");
    EXPECT_TRUE(return_transitions(&r, r, at("2026-11-26T05:00:00Z"), ctx()).empty());
    EXPECT_TRUE(return_transitions(nullptr, fbs(6, "ClientReturn", "OnSellerApproval", "2026-11-26T04:00:00Z"),
                                   at("2026-11-26T05:00:00Z"), ctx()).empty());
}

TEST(ReturnCarryOver, RfbsAndPointsKeepTheirSinceWhileTheStateHolds) {
    auto before = rfbs(7, "New", "2026-11-26T04:00:00Z");
    auto next = before;
    next.status_since = next.first_seen = TimePoint{};
    carry_over(&before, next, at("2026-11-26T09:00:00Z"));
    EXPECT_EQ(next.status_since, at("2026-11-26T04:00:00Z"));
    auto decided = rfbs(7, "Approved", "2026-11-26T04:00:00Z");
    carry_over(&before, decided, at("2026-11-26T09:00:00Z"));
    EXPECT_EQ(decided.status_since, at("2026-11-26T09:00:00Z"));
    EXPECT_EQ(decided.first_seen, at("2026-11-26T04:00:00Z"));
}

TEST(ReturnItemJson, RoundTripKeepsWhatTheEvaluationReads) {
    auto r = fbs(9, "Cancellation", "ArrivedAtReturnPlace", "2026-11-25T04:00:00Z");
    r.arrived_at = at("2026-11-25T04:00:00Z");
    r.paid_storage_from = at("2026-11-27T04:00:00Z");
    r.photos = {"https://x.invalid/1.jpg"};
    r.actions = {"Одобрить"};
    const auto back = ReturnItem::from_json(r.to_json());
    EXPECT_EQ(back.fingerprint(), r.fingerprint());
    EXPECT_EQ(back.status_since, r.status_since);
    EXPECT_EQ(back.key(), "return:9");
    // Tolerant: garbage gives an empty item, not an exception.
    EXPECT_EQ(ReturnItem::from_json(nlohmann::json::parse(R"({"id":"x","photos":[1,null],"arrived_at":5})")).id, 0);
}

// ------------------------------------------------------------------------------ the engine around it

TEST(ReturnsWatchEngine, BaselineIsSilentThenEventsAndARestartSendsNothingTwice) {
    Harness h;
    auto waiting = fbs(1, "ClientReturn", "OnSellerApproval", "2026-11-26T03:00:00Z");
    auto moving = fbs(2, "Cancellation", "MovingToSeller", "2026-11-25T10:00:00Z");
    auto first = h.poll({waiting, moving}, at("2026-11-26T04:00:00Z"));
    // The first load is a baseline: conditions yes, no return.new.
    EXPECT_EQ(recorded(first), (std::vector<std::string>{"return.request_pending return.request:return:1"}));

    auto arrived = moving;
    arrived.status = "ArrivedAtReturnPlace";
    arrived.status_since = at("2026-11-26T04:05:00Z");
    arrived.arrived_at = at("2026-11-26T04:05:00Z");
    arrived.paid_storage_from = at("2026-11-28T04:05:00Z");
    auto fresh = fbs(3, "ClientReturn", "MovingToSeller", "2026-11-26T04:07:00Z");
    auto second = h.poll({waiting, arrived, fresh}, at("2026-11-26T04:10:00Z"));
    EXPECT_EQ(recorded(second), (std::vector<std::string>{"return.new return.new:return:3",
                                                          "return.ready_for_pickup return.pickup:return:2"}));

    // The process dies and comes back mid-day: the same answer records nothing again.
    h.restart();
    auto again = h.poll({waiting, arrived, fresh}, at("2026-11-26T04:20:00Z"));
    EXPECT_TRUE(recorded(again).empty()) << ::testing::PrintToString(recorded(again));

    // The request is decided: resolved; 20 h after it began waiting it would have escalated.
    auto decided = waiting;
    decided.status = "Approved";
    decided.status_since = at("2026-11-26T05:00:00Z");
    auto third = h.poll({decided, arrived, fresh}, at("2026-11-26T05:00:00Z"));
    EXPECT_EQ(recorded(third), (std::vector<std::string>{"return.request_pending/resolved return.request:return:1"}));
}

TEST(ReturnsWatchEngine, TheRequestEscalatesByTimeAloneAndPaidStorageToo) {
    Harness h;
    auto waiting = fbs(1, "ClientReturn", "OnSellerApproval", "2026-11-26T03:00:00Z");
    auto at_point = fbs(2, "Cancellation", "ArrivedAtReturnPlace", "2026-11-26T03:00:00Z");
    at_point.arrived_at = at("2026-11-26T03:00:00Z");
    at_point.paid_storage_from = at("2026-11-26T12:00:00Z");
    h.poll({waiting, at_point}, at("2026-11-26T04:00:00Z"));
    // Nothing changes at Ozon; the clock alone moves past both instants.
    auto later = h.poll({}, at("2026-11-26T23:00:00Z"));
    EXPECT_EQ(recorded(later), (std::vector<std::string>{"return.pickup_urgent return.pickup:return:2",
                                                         "return.request_urgent return.request:return:1"}));
}

TEST(ReturnsReport, SaysWhatToCollectWhereRequestsAndNewByType) {
    std::map<std::string, ReturnItem> items;
    auto add = [&](ReturnItem r) { items.emplace(r.key(), std::move(r)); };
    auto a = fbs(1, "Cancellation", "ArrivedAtReturnPlace", "2026-11-23T04:00:00Z");
    a.arrived_at = at("2026-11-23T04:00:00Z");
    a.paid_storage_from = at("2026-11-25T04:00:00Z");
    add(a);
    auto b = fbs(2, "ClientReturn", "ArrivedAtReturnPlace", "2026-11-25T04:00:00Z");
    b.first_seen = at("2026-11-25T20:00:00Z");
    add(b);
    add(fbs(3, "ClientReturn", "OnSellerApproval", "2026-11-26T01:00:00Z"));
    add(rfbs(4, "New", "2026-11-26T02:00:00Z"));
    ReturnItem point;
    point.kind = ItemKind::dropoff_point;
    point.id = 21500;
    point.place_name = "ПВЗ на Тверской";
    point.returns_count = 2;
    point.box_count = 1;
    point.pass_required = true;
    add(point);
    const auto lines = returns_report_lines(items, at("2026-11-26T04:00:00Z"), true, TimeZone("Europe/Moscow"), 24h);
    std::string all;
    for (const auto& l : lines) all += l + "\n";
    EXPECT_NE(all.find("Забрать с ПВЗ: 2, дольше всех ждёт 3 дн., платное хранение уже у 1"), std::string::npos) << all;
    EXPECT_NE(all.find("ПВЗ на Тверской — 2 шт., коробок: 1, нужен пропуск"), std::string::npos) << all;
    // Two requests; Ozon's nearest deadline: 01:00Z + 24 h = 27.11 04:00 Moscow.
    EXPECT_NE(all.find("Заявки ждут решения: 2, ближайший срок Ozon: 27.11.2026 04:00"), std::string::npos) << all;
    // New in 24 h: ids 2 (first seen 20:00Z on the 25th) and 3; the cancellation is older.
    EXPECT_NE(all.find("Новые за сутки: 2 ("), std::string::npos) << all;
    EXPECT_EQ(all.find("Отмена"), std::string::npos) << all;
}

TEST(ReturnsMoney, RussianAndEnglishAmounts) {
    EXPECT_EQ(money_text(3490, true), "3 490 ₽");
    EXPECT_EQ(money_text(1234.5, true), "1 234,50 ₽");
    EXPECT_EQ(money_text(999, true), "999 ₽");
    EXPECT_EQ(money_text(1234567, false), "1,234,567 RUB");
}
