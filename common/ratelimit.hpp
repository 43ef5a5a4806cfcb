#pragma once
// Token bucket shared by all watches of one Ozon account (Ozon counts requests per Client-Id).
// Default 20 requests/s, never above 50 (Ozon's own ceiling). Burst defaults to 1 token, so the
// requests are evenly spaced and no sliding one-second window ever holds more than `rate` of
// them. A 429 with Retry-After, or Ratelimit-Remaining: 0, pauses the bucket for everyone.
//
// reserve() is pure arithmetic over an injectable time source so tests can check the rate
// without sleeping; acquire() waits for the reserved slot on an asio steady_timer.
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <mutex>

namespace ozw {

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;
    using TimeSource = std::function<Clock::time_point()>;
    // How acquire() waits for its slot. Default: an asio steady_timer. Tests that drive a
    // virtual clock pass one that advances that clock instead, so no real time passes.
    using Waiter = std::function<boost::asio::awaitable<void>(Clock::duration)>;

    static constexpr double kMaxRate = 50.0;

    // rate is clamped to (0, 50]; burst to [1, rate]. An empty time source = steady_clock::now.
    explicit RateLimiter(double rate_per_second = 20.0, double burst = 1.0,
                         TimeSource now = {}, Waiter wait = {});

    // Takes one token and returns when it may be used (<= now: immediately). Thread-safe.
    Clock::time_point reserve();
    // reserve() and wait for the slot on the current coroutine's executor.
    boost::asio::awaitable<void> acquire();

    // No token is handed out before now + d (Retry-After, Ratelimit-Remaining: 0).
    void pause_for(std::chrono::milliseconds d);

    double rate() const { return rate_; }
    double burst() const { return burst_; }

private:
    Clock::time_point now() const;

    mutable std::mutex mutex_;
    double rate_;
    double burst_;
    TimeSource now_;
    Waiter wait_;
    // Virtual scheduling time of the bucket (GCRA form of a token bucket): the instant at
    // which the bucket would be full again.
    Clock::time_point tat_{};
    Clock::time_point paused_until_{};
};

}  // namespace ozw
