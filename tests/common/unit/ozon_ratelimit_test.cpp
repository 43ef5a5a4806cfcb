// Token bucket arithmetic with an injected time source: no sleeps.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>

#include "common/ratelimit.hpp"

using namespace ozw;
using namespace std::chrono_literals;
using SC = std::chrono::steady_clock;

namespace {

struct FakeTime {
    SC::time_point t = SC::time_point{} + 1000h;
    RateLimiter::TimeSource source() {
        return [this] { return t; };
    }
};

// Max number of slots inside any half-open window [s, s + 1 s).
int max_per_second(std::vector<SC::time_point> slots) {
    std::sort(slots.begin(), slots.end());
    int best = 0;
    std::size_t j = 0;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        while (slots[i] - slots[j] >= 1s) ++j;
        best = std::max(best, static_cast<int>(i - j + 1));
    }
    return best;
}

}  // namespace

TEST(RateLimiter, EvenlySpacedAtTheConfiguredRate) {
    FakeTime ft;
    RateLimiter rl(20, 1, ft.source());
    auto first = rl.reserve();
    EXPECT_EQ(first, ft.t);  // an idle bucket lets the first request go at once
    // 1/20 s, and 2 % more: the margin that keeps jitter from making 21 in Ozon's second.
    auto second = rl.reserve();
    EXPECT_EQ(second - first, 51ms);
    auto third = rl.reserve();
    EXPECT_EQ(third - second, 51ms);
}

TEST(RateLimiter, TheRatePlusFirstRequestComesOverASecondAndTwentyMillisecondsLater) {
    // At Ozon's 50/s: the 51st request leaves 1.02 s after the first, so up to 20 ms of jitter
    // on the way (a delayed request followed by a prompt one) still keeps 50 in any second.
    FakeTime ft;
    RateLimiter rl(50, 1, ft.source());
    std::vector<SC::time_point> slots;
    for (int i = 0; i < 51; ++i) slots.push_back(rl.reserve());
    EXPECT_GE(slots[50] - slots[0], 1020ms);
    EXPECT_LT(slots[50] - slots[0], 1021ms);
}

TEST(RateLimiter, NeverExceedsItsRateInAnyOneSecondWindow) {
    FakeTime ft;
    RateLimiter rl(20, 1, ft.source());
    std::mt19937 rng(7);
    std::vector<SC::time_point> slots;
    // 2000 callers arriving in random bursts; each goes at its reserved slot.
    for (int i = 0; i < 2000; ++i) {
        ft.t += std::chrono::milliseconds(rng() % 3 == 0 ? rng() % 200 : 0);
        slots.push_back(rl.reserve());
    }
    EXPECT_LE(max_per_second(slots), 20);
}

TEST(RateLimiter, IsClampedToFiftyPerSecond) {
    FakeTime ft;
    RateLimiter rl(500, 1, ft.source());
    EXPECT_DOUBLE_EQ(rl.rate(), 50);
    std::vector<SC::time_point> slots;
    for (int i = 0; i < 500; ++i) slots.push_back(rl.reserve());
    EXPECT_LE(max_per_second(slots), 50);
    EXPECT_DOUBLE_EQ(RateLimiter(0, 1, ft.source()).rate(), 20);  // nonsense -> default
}

TEST(RateLimiter, BurstLetsSeveralGoAtOnceThenRefills) {
    FakeTime ft;
    RateLimiter rl(10, 5, ft.source());
    for (int i = 0; i < 5; ++i) EXPECT_EQ(rl.reserve(), ft.t) << i;
    EXPECT_EQ(rl.reserve() - ft.t, 102ms);
    ft.t += 10s;  // idle long enough to refill, but never beyond the burst
    for (int i = 0; i < 5; ++i) EXPECT_EQ(rl.reserve(), ft.t) << i;
    EXPECT_GT(rl.reserve(), ft.t);
}

TEST(RateLimiter, PauseHoldsEveryoneUntilRetryAfterPassed) {
    FakeTime ft;
    RateLimiter rl(20, 1, ft.source());
    rl.reserve();
    rl.pause_for(3s);  // 429 with Retry-After: 3
    auto next = rl.reserve();
    EXPECT_GE(next, ft.t + 3s);
    auto after = rl.reserve();
    EXPECT_EQ(after - next, 51ms);  // the rate still holds after the pause
    // A shorter later pause never shortens a longer one.
    rl.pause_for(1s);
    EXPECT_GE(rl.reserve(), ft.t + 3s);
}

TEST(RateLimiter, SharedByManyWatchesStillHoldsTheAccountRate) {
    FakeTime ft;
    auto rl = std::make_shared<RateLimiter>(20, 1, ft.source());
    std::vector<SC::time_point> slots;
    // Six watches each asking for 50 requests in the same instant.
    for (int round = 0; round < 50; ++round)
        for (int watch = 0; watch < 6; ++watch) slots.push_back(rl->reserve());
    EXPECT_LE(max_per_second(slots), 20);
    EXPECT_GE(slots.back() - slots.front(), 14s);  // 300 requests at 20/s take ~15 s
}
