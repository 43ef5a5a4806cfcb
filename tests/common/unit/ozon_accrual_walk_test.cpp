// /v1/finance/accrual/by-day's last_id lives 15 minutes: walk_accruals_by_day reads the date
// again from its first page when a continued page is refused, and never counts a page twice.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "common/ozon/client.hpp"

using namespace ozw;
using namespace ozw::ozon;

namespace {

// A day of five accruals served two a page; `refuse` says which continued requests (by their
// order among all requests) are refused as expired.
struct ScriptedDay {
    std::vector<int> refuse;
    int requests = 0;
    std::vector<std::string> asked;  // the last_id of every request

    awaitable<AccrualDayPage> page(std::string last_id) {
        const int n = requests++;
        asked.push_back(last_id);
        if (std::find(refuse.begin(), refuse.end(), n) != refuse.end())
            throw ApiError(ErrorKind::bad_request, "ozon /v1/finance/accrual/by-day: last_id expired", 400);
        const int from = last_id.empty() ? 0 : std::stoi(last_id);
        AccrualDayPage p;
        for (int id = from; id < from + 2 && id < 5; ++id) {
            DayAccrual a;
            a.accrual_id = 900 + id;
            p.accruals.push_back(a);
        }
        if (from + 2 < 5) p.last_id = std::to_string(from + 2);
        co_return p;
    }
};

std::vector<long long> walk(ScriptedDay& day) {
    boost::asio::io_context ioc;
    AccrualDayPageFetch fetch = [&](std::string last_id) { return day.page(std::move(last_id)); };
    auto f = boost::asio::co_spawn(ioc, walk_accruals_by_day(fetch), boost::asio::use_future);
    ioc.run();
    std::vector<long long> ids;
    for (const auto& a : f.get()) ids.push_back(a.accrual_id);
    return ids;
}

}  // namespace

TEST(AccrualByDayWalk, ReadsEveryPageOnce) {
    ScriptedDay day;
    EXPECT_EQ(walk(day), (std::vector<long long>{900, 901, 902, 903, 904}));
    EXPECT_EQ(day.asked, (std::vector<std::string>{"", "2", "4"}));
}

TEST(AccrualByDayWalk, AnExpiredLastIdRestartsTheDateAndDropsWhatWasCollected) {
    ScriptedDay day;
    day.refuse = {2};  // the third request (last_id "4") is refused
    EXPECT_EQ(walk(day), (std::vector<long long>{900, 901, 902, 903, 904}));
    EXPECT_EQ(day.asked, (std::vector<std::string>{"", "2", "4", "", "2", "4"}));
}

TEST(AccrualByDayWalk, GivesUpAfterTwoRestartsAndNeverRetriesARefusedFirstPage) {
    ScriptedDay always;
    always.refuse = {1, 3, 5};  // every continued page, three walks in a row
    EXPECT_THROW(walk(always), ApiError);
    EXPECT_EQ(always.requests, 6);  // the walk and its two restarts
    ScriptedDay first;
    first.refuse = {0};
    EXPECT_THROW(walk(first), ApiError);
    EXPECT_EQ(first.requests, 1);
}
