#pragma once
// The clock is injected everywhere (design.md): watches, dispatch and the scheduler read time
// only through a Clock, so tests and the demo can run a day in milliseconds.
#include <atomic>
#include <chrono>

namespace ozw {

using SysClock = std::chrono::system_clock;
using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;
using Millis = std::chrono::milliseconds;

class Clock {
public:
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
    // True when time only moves forward at its natural pace (the system clock): a sleeper may
    // then sleep right up to its deadline. A virtual clock can jump, so sleepers wake in slices.
    virtual bool real_time() const { return false; }
};

class SystemClock final : public Clock {
public:
    TimePoint now() const override {
        return std::chrono::time_point_cast<Millis>(SysClock::now());
    }
    bool real_time() const override { return true; }
};

// A clock that moves only when told to; thread-safe.
class ManualClock final : public Clock {
public:
    explicit ManualClock(TimePoint start) : ms_(start.time_since_epoch().count()) {}
    TimePoint now() const override { return TimePoint{Millis{ms_.load()}}; }
    void set(TimePoint t) { ms_.store(t.time_since_epoch().count()); }
    void advance(Millis d) { ms_.fetch_add(d.count()); }

private:
    std::atomic<long long> ms_;
};

}  // namespace ozw
