#include "common/ratelimit.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace ozw {

namespace {
// How much wider than 1/rate the slots are (see reserve()): 2 % is 0.4 ms at 50/s, 20 ms over a
// second: more than loopback or LAN jitter, too little to matter for throughput.
constexpr double kMargin = 1.02;
}  // namespace

RateLimiter::RateLimiter(double rate_per_second, double burst, TimeSource now, Waiter wait)
    : rate_(std::clamp(rate_per_second > 0 ? rate_per_second : 20.0, 0.001, kMaxRate)),
      burst_(std::clamp(burst, 1.0, std::max(1.0, rate_))),
      now_(std::move(now)),
      wait_(std::move(wait)) {}

RateLimiter::Clock::time_point RateLimiter::now() const {
    return now_ ? now_() : Clock::now();
}

RateLimiter::Clock::time_point RateLimiter::reserve() {
    std::lock_guard lock(mutex_);
    const auto t = now();
    // Slots kMargin wider than 1/rate: exactly 1/rate apart, rate+1 requests span exactly one
    // second, and any jitter on the way puts rate+1 of them into one second as Ozon counts.
    const auto interval = std::chrono::round<Clock::duration>(std::chrono::duration<double>(kMargin / rate_));
    const auto burst_span =
        std::chrono::round<Clock::duration>(std::chrono::duration<double>(burst_ * kMargin / rate_));
    // GCRA: tat_ is when the bucket would be full again; a request may go at tat - burst/rate.
    auto tat = std::max({tat_, t, paused_until_}) + interval;
    tat_ = tat;
    return std::max({tat - burst_span, t, paused_until_});
}

boost::asio::awaitable<void> RateLimiter::acquire() {
    const auto slot = reserve();
    const auto wait = slot - now();
    if (wait <= Clock::duration::zero()) co_return;
    if (wait_) {
        co_await wait_(wait);
        co_return;
    }
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    timer.expires_after(wait);
    co_await timer.async_wait(boost::asio::use_awaitable);
}

void RateLimiter::pause_for(std::chrono::milliseconds d) {
    std::lock_guard lock(mutex_);
    paused_until_ = std::max(paused_until_, now() + d);
}

}  // namespace ozw
