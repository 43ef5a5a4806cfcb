// The contract of SnapshotWatch::rest_until() for every watch that overrides it: the instant it
// names is the last one at which in_window() is true and expired() false; one millisecond later
// in_window() is false and expired() true. The engine forgets a resting item by that instant
// alone (it no longer has the item to ask), so a watch whose rest_until() disagreed with its own
// window would keep or drop resting items differently from the items it holds in memory.
#include <gtest/gtest.h>

#include "common/time.hpp"
#include "daemon/watches/postings/watch.hpp"
#include "daemon/watches/returns/watch.hpp"
#include "tests/daemon/unit/daemon_test_util.hpp"

using namespace ozw;
using namespace ozw::daemon;
using namespace std::chrono_literals;
using ozw::test::at;

namespace {

class PostingsWindow : public postings::PostingsWatch {
public:
    PostingsWindow() : PostingsWatch("main", nullptr, postings::PostingsSettings{}, "Europe/Moscow") {}
    using PostingsWatch::expired;
    using PostingsWatch::in_window;
    using PostingsWatch::rest_until;
};

class ReturnsWindow : public returns::ReturnsWatch {
public:
    ReturnsWindow() : ReturnsWatch("main", nullptr, returns::ReturnsSettings{}) {}
    using ReturnsWatch::expired;
    using ReturnsWatch::in_window;
    using ReturnsWatch::rest_until;
};

// Asserts the contract for an item that rests, and that it rests until `expected`.
template <class Watch, class Item>
void expect_window_ends_at(const Watch& w, const Item& item, TimePoint expected) {
    const auto until = w.rest_until(item);
    ASSERT_TRUE(until) << "expected to rest";
    EXPECT_EQ(*until, expected);
    for (TimePoint t : {expected - 24h, expected - 1ms, expected}) {
        EXPECT_TRUE(w.in_window(item, t)) << format_iso8601(t);
        EXPECT_FALSE(w.expired(item, t)) << format_iso8601(t);
    }
    for (TimePoint t : {expected + 1ms, expected + 24h}) {
        EXPECT_FALSE(w.in_window(item, t)) << format_iso8601(t);
        EXPECT_TRUE(w.expired(item, t)) << format_iso8601(t);
    }
}

postings::PostingState posting(const std::string& status, std::optional<TimePoint> in_process_at) {
    postings::PostingState p;
    p.posting_number = "1000-1";
    p.status = status;
    p.in_process_at = in_process_at;
    return p;
}

returns::ReturnItem fbs_return(const std::string& status, TimePoint since) {
    returns::ReturnItem r;
    r.kind = returns::ItemKind::fbs_return;
    r.id = 7;
    r.status = status;
    r.status_since = r.first_seen = since;
    return r;
}

}  // namespace

TEST(RestContract, AFinishedPostingRestsUntilItsProcessingDayLeavesTheFourteenDayWindow) {
    const PostingsWindow w;
    const TimePoint taken = at("2026-11-01T08:30:00Z");
    // The default window is 14 days, counted from when the posting went into processing.
    for (const char* status : {"delivered", "cancelled", "cancelled_from_split_pending"})
        expect_window_ends_at(w, posting(status, taken), at("2026-11-15T08:30:00Z"));
}

TEST(RestContract, AFinishedPostingWithoutAProcessingTimeRestsForEverAndNeverExpires) {
    const PostingsWindow w;
    const auto p = posting("delivered", std::nullopt);
    ASSERT_EQ(w.rest_until(p), TimePoint::max());
    for (TimePoint t : {at("2026-11-01T00:00:00Z"), at("2036-01-01T00:00:00Z")}) {
        EXPECT_TRUE(w.in_window(p, t));
        EXPECT_FALSE(w.expired(p, t));
    }
}

TEST(RestContract, APostingStillInProgressStaysInMemory) {
    const PostingsWindow w;
    for (const char* status : {"awaiting_packaging", "awaiting_deliver", "delivering", "arbitration",
                               "client_arbitration", "driver_pickup", "not_accepted", "some_new_status"})
        EXPECT_FALSE(w.rest_until(posting(status, at("2026-11-01T08:30:00Z")))) << status;
}

TEST(RestContract, AClosedReturnRestsUntilItsStatusLeavesTheThirtyDayWindow) {
    const ReturnsWindow w;
    const TimePoint since = at("2026-10-20T12:00:00Z");
    for (const char* status : {"ReceivedBySeller", "Utilized", "MoneyReturned", "Cancelled", "Rejected",
                               "ReturnedToOzon", "CompensationRejected"})
        expect_window_ends_at(w, fbs_return(status, since), at("2026-11-19T12:00:00Z"));
}

TEST(RestContract, AnOpenReturnARequestAndADropOffPointStayInMemory) {
    const ReturnsWindow w;
    const TimePoint since = at("2026-10-20T12:00:00Z");
    // Open returns wait for the seller and never leave the window while open; one on its way
    // is not finished.
    for (const char* status : {"ArrivedAtReturnPlace", "OnSellerApproval", "DisputeOpened", "MovingToSeller"})
        EXPECT_FALSE(w.rest_until(fbs_return(status, since))) << status;
    auto request = fbs_return("Rejected", since);
    request.kind = returns::ItemKind::rfbs_request;
    EXPECT_FALSE(w.rest_until(request));
    auto point = fbs_return("", since);
    point.kind = returns::ItemKind::dropoff_point;
    EXPECT_FALSE(w.rest_until(point));
}
