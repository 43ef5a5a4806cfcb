// The finance watch's first part: which accruals are the sale, when a delivered posting's
// missing sale becomes an alert and when it is resolved.
#include <gtest/gtest.h>

#include "daemon/watches/finance/event_types.hpp"
#include "daemon/watches/finance/watch.hpp"
#include "tests/daemon/unit/daemon_test_util.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace ozw::daemon::finance;
using namespace std::chrono_literals;
using ozw::test::at;

namespace {

ozon::PostingAccrual accrual(int type_id, const char* amount, const char* date = "2026-11-22") {
    ozon::PostingAccrual a;
    a.type_id = type_id;
    a.accrual_date = date;
    a.accrued.amount = *Decimal::parse(amount);
    a.accrued.currency = "RUB";
    return a;
}

EvalContext ctx() { return EvalContext{"main", FinanceSettings{}}; }

}  // namespace

TEST(FinanceSaleTypes, MatchedByNameWithTheBuiltInWordsOrTheConfiguredOnes) {
    const std::vector<ozon::AccrualType> types = {
        {1, "Реализация товара", ""}, {2, "Комиссия за продажу", ""}, {3, "Логистика", ""},
        {4, "Sale of goods", ""}, {5, "Выручка от продажи", ""}};
    // "Комиссия за продажу" contains "продажу", not "продажа": a charge, not the sale.
    EXPECT_EQ(sale_type_ids(types, {}), (std::set<int>{1, 4, 5}));
    EXPECT_EQ(sale_type_ids(types, {"Логистика"}), (std::set<int>{3}));
    EXPECT_TRUE(sale_type_ids(types, {"нет такого"}).empty());
}

TEST(FinanceSummary, TheSaleByTypeOrWithoutKnownTypesThePositiveAmount) {
    ozon::PostingAccruals p;
    p.posting_number = "1-1";
    p.accruals = {accrual(2, "-523.50"), accrual(3, "-120"), accrual(1, "3490", "2026-11-23"), accrual(1, "0.10", "2026-11-22")};
    const auto by_type = summarize(p, {1});
    EXPECT_TRUE(by_type.paid);
    EXPECT_EQ(by_type.sale, *Decimal::parse("3490.10"));
    EXPECT_EQ(by_type.charges, *Decimal::parse("-643.50"));
    EXPECT_EQ(by_type.paid_on, "2026-11-22");  // the earliest sale accrual
    // Only charges so far: not paid.
    ozon::PostingAccruals charges_only;
    charges_only.accruals = {accrual(2, "-523.50"), accrual(3, "-120")};
    EXPECT_FALSE(summarize(charges_only, {1}).paid);
    // No type known as the sale: a positive amount is.
    EXPECT_TRUE(summarize(p, {}).paid);
    EXPECT_FALSE(summarize(charges_only, {}).paid);
    // A negative correction of the sale type still counts as an accrual of the sale.
    ozon::PostingAccruals corrected;
    corrected.accruals = {accrual(1, "3490"), accrual(1, "-3490")};
    EXPECT_TRUE(summarize(corrected, {1}).paid);
    EXPECT_TRUE(summarize(corrected, {1}).sale.is_zero());
}

TEST(FinanceAccrualMissing, FromGraceDaysAfterDeliveryUntilPaid) {
    AccrualItem a;
    a.posting_number = "0122000514-0001-1";
    a.delivered_at = at("2026-11-21T09:00:00Z");
    // grace_days 3: due at 24.11 09:00Z
    auto before = accrual_conditions(a, at("2026-11-24T08:59:59Z"), ctx());
    EXPECT_TRUE(before.holding.empty());
    EXPECT_EQ(before.next_change, at("2026-11-24T09:00:00Z"));
    auto due = accrual_conditions(a, at("2026-11-24T09:00:00Z"), ctx());
    ASSERT_EQ(due.holding.size(), 1u);
    EXPECT_EQ(due.holding[0].type, "finance.accrual_missing");
    EXPECT_EQ(due.holding[0].key, "finance.accrual_missing:0122000514-0001-1");
    EXPECT_EQ(due.holding[0].details.at("days_since_delivery"), 3);
    a.paid = true;
    EXPECT_TRUE(accrual_conditions(a, at("2026-11-30T00:00:00Z"), ctx()).holding.empty());
    // The registered type renders every key it emits.
    EXPECT_EQ(finance_event_types().at(0).type, "finance.accrual_missing");
}

namespace {

// The real watch with its I/O scripted; the engine and store around it are the real ones (the
// real fetch against the sandbox: tests/daemon/integration/finance_test.cpp).
class ScriptedFinance : public FinanceWatch {
public:
    ScriptedFinance(SnapshotReader reader) : FinanceWatch("main", nullptr, FinanceSettings{}, std::move(reader)) {}
    std::vector<AccrualItem> answer;

protected:
    awaitable<Fetched<FinanceItem>> fetch(TimePoint, bool) override {
        Fetched<FinanceItem> f;
        for (const auto& a : answer) f.items.emplace_back(a);
        f.forget_expired = true;
        co_return f;
    }
};

}  // namespace

TEST(FinanceWatchEngine, AMissingAccrualIsAnnouncedOnceAndResolvedWhenItArrives) {
    ozw::test::DaemonEnv env(at("2026-11-26T04:00:00Z"));
    auto watch = std::make_shared<ScriptedFinance>(SnapshotReader{});
    WatchRunner runner(watch, *env.store, null_router(), env.clock);
    AccrualItem unpaid;
    unpaid.posting_number = "0122000514-0001-1";
    unpaid.delivered_at = at("2026-11-21T09:00:00Z");
    watch->answer = {unpaid};
    auto first = env.run([&] { return runner.run_once(); });
    ASSERT_EQ(first.recorded.size(), 1u);
    EXPECT_EQ(first.recorded[0].type, "finance.accrual_missing");
    env.clock.set(at("2026-11-26T05:00:00Z"));
    EXPECT_TRUE(env.run([&] { return runner.run_once(); }).recorded.empty());
    auto paid = unpaid;
    paid.paid = true;
    paid.sale = *Decimal::parse("3490");
    watch->answer = {paid};
    env.clock.set(at("2026-11-26T06:00:00Z"));
    auto third = env.run([&] { return runner.run_once(); });
    ASSERT_EQ(third.recorded.size(), 1u);
    EXPECT_EQ(third.recorded[0].state, EventState::resolved);
}

TEST(FinanceAccrualItem, JsonRoundTripIsExact) {
    AccrualItem a;
    a.posting_number = "1-1";
    a.delivered_at = at("2026-11-21T09:00:00Z");
    a.paid = true;
    a.sale = *Decimal::parse("3490.10");
    a.charges = *Decimal::parse("-643.50");
    a.paid_on = "2026-11-22";
    const auto back = AccrualItem::from_json(a.to_json());
    EXPECT_EQ(back.fingerprint(), a.fingerprint());
    EXPECT_EQ(back.sale, a.sale);
    EXPECT_EQ(AccrualItem::from_json(nlohmann::json::parse(R"({"sale":"x","paid":"yes"})")).paid, false);
    // In the watch's snapshot a row without a kind is a posting (as the first release wrote it).
    const auto row = FinanceItem::from_json(a.to_json());
    ASSERT_NE(row.accrual(), nullptr);
    EXPECT_EQ(row.key(), "1-1");
}

namespace {

// The delivered postings as the finance watch reads them from the postings watch's rows.
class DeliveredReader : public FinanceWatch {
public:
    using FinanceWatch::FinanceWatch;
    // The delivered ones (number -> delivery time); nullopt while there is no baseline.
    std::optional<std::map<std::string, TimePoint>> delivered() {
        const PostingsRead* read = read_postings();
        if (!read) return std::nullopt;
        std::map<std::string, TimePoint> out;
        for (const auto& [number, p] : *read)
            if (p.delivered_at) out.emplace(number, *p.delivered_at);
        return out;
    }
};

SnapshotItem posting_row(const std::string& number, const std::string& status, const std::string& since,
                         TimePoint written) {
    SnapshotItem r;
    r.key = number;
    r.fingerprint = status + "|" + since;
    r.data = nlohmann::json{{"posting_number", number}, {"status", status}, {"status_since", since}}.dump();
    r.last_seen = written;
    return r;
}

}  // namespace

TEST(FinanceDeliveredPostings, OnlyRowsWrittenSinceTheLastReadAreHandedOverAndRemovedRowsDropOut) {
    // The postings watch's rows as the store holds them; the reader applies the filter as
    // Store::load_snapshot does and counts the rows it hands over.
    std::map<std::string, SnapshotItem> rows;
    std::size_t handed = 0;
    bool baseline = true;  // false: the postings watch has no baseline (the reader says nullopt)
    SnapshotReader reader = [&](const std::string& watch, const SnapshotRowFilter& wanted)
        -> std::optional<std::map<std::string, SnapshotItem>> {
        EXPECT_EQ(watch, "postings");
        if (!baseline) return std::nullopt;
        std::map<std::string, SnapshotItem> out;
        for (const auto& [key, r] : rows)
            if (!wanted || wanted(SnapshotRowHead{r.key, r.fingerprint, r.last_seen})) {
                out.emplace(key, r);
                ++handed;
            }
        return out;
    };
    DeliveredReader watch("main", nullptr, FinanceSettings{}, reader);
    const TimePoint t1 = at("2026-11-26T04:00:00Z"), t2 = at("2026-11-26T05:00:00Z");
    rows["1-1"] = posting_row("1-1", "delivered", "2026-11-21T09:00:00.000Z", t1);
    rows["2-1"] = posting_row("2-1", "delivering", "2026-11-20T09:00:00.000Z", t1);
    rows["3-1"] = posting_row("3-1", "delivered", "2026-11-22T10:00:00.000Z", t1);
    auto first = watch.delivered();
    ASSERT_TRUE(first);
    EXPECT_EQ(*first, (std::map<std::string, TimePoint>{{"1-1", at("2026-11-21T09:00:00Z")},
                                                       {"3-1", at("2026-11-22T10:00:00Z")}}));
    EXPECT_EQ(handed, 3u);
    // Nothing written since: nothing handed over, the same answer.
    handed = 0;
    EXPECT_EQ(watch.delivered(), first);
    EXPECT_EQ(handed, 0u);
    // One posting delivered now, one gone from the snapshot (retention): only the rewritten row
    // is handed over, and the gone one is no longer delivered.
    rows["2-1"] = posting_row("2-1", "delivered", "2026-11-26T04:30:00.000Z", t2);
    rows.erase("1-1");
    handed = 0;
    auto third = watch.delivered();
    ASSERT_TRUE(third);
    EXPECT_EQ(*third, (std::map<std::string, TimePoint>{{"2-1", at("2026-11-26T04:30:00Z")},
                                                       {"3-1", at("2026-11-22T10:00:00Z")}}));
    EXPECT_EQ(handed, 1u);
    // A delivered posting whose row is rewritten as not delivered (a correction) is no longer one.
    rows["3-1"] = posting_row("3-1", "cancelled", "2026-11-26T05:00:00.000Z", t2 + 1h);
    auto fourth = watch.delivered();
    ASSERT_TRUE(fourth);
    EXPECT_EQ(*fourth, (std::map<std::string, TimePoint>{{"2-1", at("2026-11-26T04:30:00Z")}}));
    // A delivery time corrected in place is the new one.
    rows["2-1"] = posting_row("2-1", "delivered", "2026-11-26T04:45:00.000Z", t2 + 2h);
    auto fifth = watch.delivered();
    ASSERT_TRUE(fifth);
    EXPECT_EQ(*fifth, (std::map<std::string, TimePoint>{{"2-1", at("2026-11-26T04:45:00Z")}}));
    // No baseline any more: nothing is known; once there is one again, every row is read anew.
    baseline = false;
    EXPECT_EQ(watch.delivered(), std::nullopt);
    baseline = true;
    handed = 0;
    auto sixth = watch.delivered();
    ASSERT_TRUE(sixth);
    EXPECT_EQ(*sixth, (std::map<std::string, TimePoint>{{"2-1", at("2026-11-26T04:45:00Z")}}));
    EXPECT_EQ(handed, rows.size());
}
