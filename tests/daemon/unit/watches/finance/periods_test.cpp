// The payout periods' pure half: which period a summary is due for at each local midnight (the
// 15th/16th, the 30th and 31st, February in a common and a leap year, a shop east of Moscow),
// the statement matched to its period, the postings counted, when a payout is missing, and the
// current period's days read from accrual/by-day.
#include <gtest/gtest.h>

#include "daemon/watches/finance/current_period.hpp"
#include "daemon/watches/finance/event_types.hpp"
#include "daemon/watches/finance/finance_item.hpp"
#include "daemon/watches/finance/periods.hpp"
#include "tests/daemon/unit/daemon_test_util.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace ozw::daemon::finance;
using namespace std::chrono_literals;
using ozw::test::at;

namespace {

EvalContext ctx(const char* zone = "Europe/Moscow") { return EvalContext{"main", FinanceSettings{}, TimeZone(zone)}; }

PeriodItem closed_period(const EvalContext& c, TimePoint inside) {
    PeriodItem p = period_item(payout_period_containing(c.tz, inside), c.tz);
    p.closed = true;
    p.statement = true;
    p.to_pay = *Decimal::parse("1000");
    return p;
}

// Whether a period closed at `end` is summed up by a poll at `now` (the period is the one just
// before `now`'s).
bool summed_up_at(const EvalContext& c, TimePoint inside, TimePoint now) {
    return !period_transitions(nullptr, closed_period(c, inside), now, c).empty();
}

}  // namespace

TEST(PayoutPeriodBoundaries, EachPeriodIsDueAtTheFirstInstantOfTheNextInLocalTime) {
    const auto c = ctx();
    // Moscow is UTC+3: local midnight of the 16th is 21:00 UTC on the 15th.
    struct Case {
        const char* inside;       // an instant inside the period
        const char* last_instant;  // its last millisecond, UTC
        const char* next_start;    // the next period's first instant, UTC
        const char* id;
        const char* label;
    } cases[] = {
        {"2026-11-10T09:00:00Z", "2026-11-15T20:59:59.999Z", "2026-11-15T21:00:00Z", "2026-11-01",
         "01.11.2026–15.11.2026"},
        {"2026-11-20T09:00:00Z", "2026-11-30T20:59:59.999Z", "2026-11-30T21:00:00Z", "2026-11-16",
         "16.11.2026–30.11.2026"},
        {"2026-12-20T09:00:00Z", "2026-12-31T20:59:59.999Z", "2026-12-31T21:00:00Z", "2026-12-16",
         "16.12.2026–31.12.2026"},
        {"2027-02-20T09:00:00Z", "2027-02-28T20:59:59.999Z", "2027-02-28T21:00:00Z", "2027-02-16",
         "16.02.2027–28.02.2027"},
        {"2028-02-20T09:00:00Z", "2028-02-29T20:59:59.999Z", "2028-02-29T21:00:00Z", "2028-02-16",
         "16.02.2028–29.02.2028"},
    };
    for (const auto& k : cases) {
        SCOPED_TRACE(k.id);
        const PeriodItem p = period_item(payout_period_containing(c.tz, at(k.inside)), c.tz);
        EXPECT_EQ(p.id, k.id);
        EXPECT_EQ(p.label, k.label);
        EXPECT_EQ(p.end, at(k.next_start));
        EXPECT_FALSE(summed_up_at(c, at(k.inside), at(k.last_instant)));
        EXPECT_TRUE(summed_up_at(c, at(k.inside), at(k.next_start)));
        EXPECT_EQ(previous_period(at(k.next_start), c.tz).start, p.start);
        // A day later it is still the period a summary is due for (the statement may be late);
        // a period later it is not news any more.
        EXPECT_TRUE(summed_up_at(c, at(k.inside), at(k.next_start) + 24h));
        EXPECT_FALSE(summed_up_at(c, at(k.inside), p.end + 17 * 24h));
    }
    // A shop in Novosibirsk (UTC+7): 1-15 November ends at 17:00 UTC on the 15th.
    const auto east = ctx("Asia/Novosibirsk");
    EXPECT_FALSE(summed_up_at(east, at("2026-11-10T09:00:00Z"), at("2026-11-15T16:59:59Z")));
    EXPECT_TRUE(summed_up_at(east, at("2026-11-10T09:00:00Z"), at("2026-11-15T17:00:00Z")));
}

TEST(PayoutPeriodSummary, SentOnceWhenThePeriodClosesAndItsDetailsAreShown) {
    const auto c = ctx();
    PeriodItem p = closed_period(c, at("2026-11-10T09:00:00Z"));
    p.missing = {"0111000404-0001-1"};
    const auto now = at("2026-11-16T04:00:00Z");
    PeriodItem open = p;
    open.closed = false;
    EXPECT_TRUE(period_transitions(nullptr, open, now, c).empty());
    EXPECT_EQ(period_transitions(&open, p, now, c).size(), 1u);
    EXPECT_TRUE(period_transitions(&p, p, now, c).empty());  // already summed up
    const auto e = period_transitions(nullptr, p, now, c).at(0);
    EXPECT_EQ(e.type, "finance.period_closed");
    EXPECT_EQ(e.kind, EventKind::transition);
    EXPECT_EQ(e.key, "finance.period_closed:2026-11-01");
    EXPECT_EQ(e.details.at("missing_links").at(0),
              "https://seller.ozon.ru/app/postings/fbs?tab=all&postingDetails=0111000404-0001-1");
    // Without Ozon's statement the summary says so and carries no amounts.
    p.statement = false;
    const auto bare = period_transitions(nullptr, p, now, c).at(0);
    EXPECT_FALSE(bare.details.contains("to_pay"));
    EXPECT_EQ(bare.details.at("statement"), false);
}

TEST(PayoutPeriodStatement, MatchedByItsLocalDaysWhateverTimeOfDayOzonWrites) {
    const auto c = ctx();
    PeriodItem p = period_item(payout_period_containing(c.tz, at("2026-11-10T09:00:00Z")), c.tz);
    ozon::CashFlowStatementPage st;
    ozon::CashFlow earlier, row;
    earlier.period.begin = at("2026-10-16T00:00:00Z");
    earlier.period.end = at("2026-10-31T23:59:59Z");
    earlier.orders_amount.amount = *Decimal::parse("1");
    // UTC midnight to the last second of the 15th (not Moscow's): still 1-15 November.
    row.period.begin = at("2026-11-01T00:00:00Z");
    row.period.end = at("2026-11-15T23:59:59Z");
    row.orders_amount.amount = *Decimal::parse("8770");
    row.currency_code = "RUB";
    st.cash_flows = {earlier, row};
    ozon::CashFlowDetails d;
    d.period.begin = at("2026-10-31T21:00:00Z");  // Moscow's midnight
    d.period.end = at("2026-11-15T21:00:00Z");
    d.invoice_transfer.amount = *Decimal::parse("6498.15");
    st.details = {d};
    ASSERT_TRUE(fill_from_statement(p, st, c.tz));
    EXPECT_EQ(p.orders, *Decimal::parse("8770"));
    EXPECT_EQ(p.to_pay, *Decimal::parse("6498.15"));
    EXPECT_FALSE(p.payment_seen);
    // Two payments, one a correction: summed exactly.
    ozon::Money a, b;
    a.amount = *Decimal::parse("6000.10");
    b.amount = *Decimal::parse("498.05");
    st.details[0].payments = {a, b};
    ASSERT_TRUE(fill_from_statement(p, st, c.tz));
    EXPECT_TRUE(p.payment_seen);
    EXPECT_EQ(p.paid, *Decimal::parse("6498.15"));
    PeriodItem other = period_item(payout_period_containing(c.tz, at("2026-12-10T09:00:00Z")), c.tz);
    EXPECT_FALSE(fill_from_statement(other, st, c.tz));
}

TEST(PayoutPeriodCount, DeliveredWithinThePeriodAccruedMissingOrWaiting) {
    const auto c = ctx();
    PeriodItem p = period_item(payout_period_containing(c.tz, at("2026-11-10T09:00:00Z")), c.tz);
    std::map<std::string, DeliveredPosting> postings = {
        {"a", {at("2026-10-31T20:59:59Z"), true, true}},   // 31 October, 23:59 Moscow: before
        {"b", {at("2026-10-31T21:00:00Z"), true, true}},   // 1 November, 00:00 Moscow
        {"c", {at("2026-11-12T10:00:00Z"), true, false}},  // asked, never paid
        {"d", {at("2026-11-15T20:00:00Z"), false, false}},  // not due yet
        {"e", {at("2026-11-15T21:00:00Z"), true, true}},   // the 16th: the next period
    };
    count_postings(p, postings);
    EXPECT_EQ(p.delivered, 3);
    EXPECT_EQ(p.accrued, 1);
    EXPECT_EQ(p.missing, std::vector<std::string>{"c"});
    EXPECT_EQ(p.waiting, 1);
}

TEST(PayoutMissing, FromPayoutDaysAfterTheEndUntilThePaymentAppears) {
    const auto c = ctx();
    PeriodItem p = closed_period(c, at("2026-11-10T09:00:00Z"));  // ends 15.11 21:00Z
    const auto before = payout_conditions(p, at("2026-11-22T20:59:59Z"), c);
    EXPECT_TRUE(before.holding.empty());
    EXPECT_EQ(before.next_change, at("2026-11-22T21:00:00Z"));  // payout_days 7
    const auto due = payout_conditions(p, at("2026-11-22T21:00:00Z"), c);
    ASSERT_EQ(due.holding.size(), 1u);
    EXPECT_EQ(due.holding[0].key, "finance.payout_missing:2026-11-01");
    EXPECT_EQ(due.holding[0].details.at("days_since_close"), 7);
    p.payment_seen = true;
    EXPECT_TRUE(payout_conditions(p, at("2026-11-26T00:00:00Z"), c).holding.empty());
    // Nothing to pay (charges above sales), or no statement: nothing to miss.
    p.payment_seen = false;
    p.to_pay = *Decimal::parse("-120");
    EXPECT_TRUE(payout_conditions(p, at("2026-11-26T00:00:00Z"), c).holding.empty());
    p.to_pay = *Decimal::parse("1000");
    p.statement = false;
    EXPECT_TRUE(payout_conditions(p, at("2026-11-26T00:00:00Z"), c).holding.empty());
}

TEST(PayoutPeriodItem, StoredAndReadBackExactlyBesideThePostings) {
    const auto c = ctx();
    PeriodItem p = closed_period(c, at("2026-11-10T09:00:00Z"));
    p.paid = *Decimal::parse("999.99");
    p.payment_seen = true;
    p.missing = {"x-1"};
    p.delivered = 4;
    const FinanceItem row = FinanceItem::from_json(FinanceItem(p).to_json());
    ASSERT_NE(row.period(), nullptr);
    EXPECT_EQ(row.key(), "period:2026-11-01");
    EXPECT_EQ(row.fingerprint(), FinanceItem(p).fingerprint());
    EXPECT_EQ(row.period()->paid, p.paid);
    EXPECT_EQ(row.period()->end, p.end);
}

TEST(CurrentPeriodDays, EachDayReadOnceExceptWhileLateAccrualsCanCome) {
    const TimeZone msk("Europe/Moscow");
    const auto period = payout_period_containing(msk, at("2026-11-20T09:00:00Z"));
    const auto now = at("2026-11-18T10:00:00Z");  // 13:00 Moscow on the 18th
    const auto days = days_begun(period, now, msk);
    ASSERT_EQ(days.size(), 3u);
    EXPECT_EQ(days[0].date, "2026-11-16");
    EXPECT_EQ(days[2].date, "2026-11-18");
    EXPECT_EQ(days[0].end, at("2026-11-16T21:00:00Z"));
    CurrentPeriod known;
    EXPECT_EQ(days_to_read(known, days, now, 3h).size(), 3u);
    for (const auto& d : days) known.days[d.date].read_at = now;
    EXPECT_TRUE(days_to_read(known, days, now + 2h, 3h).empty());
    EXPECT_EQ(days_to_read(known, days, now + 3h, 3h).size(), 3u);  // all within two days of their end
    // The 16th read after the 18th 21:00Z (two days after its end) is final.
    known.days["2026-11-16"].read_at = at("2026-11-18T21:00:00Z");
    EXPECT_EQ(days_to_read(known, days, at("2026-11-19T12:00:00Z"), 3h),
              (std::vector<std::string>{"2026-11-17", "2026-11-18"}));
    // A clock change: Berlin's 25 October 2026 has 25 hours; every day is still one date.
    const TimeZone berlin("Europe/Berlin");
    const auto oct = payout_period_containing(berlin, at("2026-10-20T09:00:00Z"));
    const auto berlin_days = days_begun(oct, oct.end - 1ms, berlin);
    ASSERT_EQ(berlin_days.size(), 16u);
    EXPECT_EQ(berlin_days[9].date, "2026-10-25");
    EXPECT_EQ(berlin_days[9].end - berlin_days[8].end, 25h);
    EXPECT_EQ(berlin_days.back().date, "2026-10-31");
}

TEST(CurrentPeriodDays, TotalsAreExactSumsAndSurviveTheCursor) {
    std::vector<ozon::DayAccrual> accruals(3);
    accruals[0].total_amount.amount = *Decimal::parse("2769.15");
    accruals[0].products.resize(1);
    accruals[0].products[0].sale_amount.amount = *Decimal::parse("3490");
    accruals[1].total_amount.amount = *Decimal::parse("-350");  // a promotion, no posting
    accruals[2].total_amount.amount = *Decimal::parse("0.10");
    accruals[2].products.resize(2);
    accruals[2].products[0].sale_amount.amount = *Decimal::parse("0.05");
    accruals[2].products[1].sale_amount.amount = *Decimal::parse("0.05");
    const DayTotals t = day_totals(accruals, at("2026-11-18T10:00:00Z"));
    EXPECT_EQ(t.net, *Decimal::parse("2419.25"));
    EXPECT_EQ(t.sales, *Decimal::parse("3490.10"));
    EXPECT_EQ(t.sold, 2);
    CurrentPeriod c;
    c.id = "2026-11-16";
    c.days["2026-11-16"] = t;
    c.days["2026-11-17"] = t;
    const auto back = CurrentPeriod::from_json_text(c.to_json_text());
    EXPECT_EQ(back.id, c.id);
    EXPECT_EQ(back.net(), *Decimal::parse("4838.50"));
    EXPECT_EQ(back.sales(), *Decimal::parse("6980.20"));
    EXPECT_EQ(back.days.at("2026-11-17").read_at, t.read_at);
    EXPECT_TRUE(CurrentPeriod::from_json_text("not json").days.empty());
}
