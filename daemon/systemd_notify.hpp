#pragma once
// systemd Type=notify integration: READY=1 once the daemon runs, WATCHDOG=1 pings at half the
// WatchdogSec interval when systemd asked for them, STOPPING=1 on the way out. Outside systemd
// (no NOTIFY_SOCKET) every call is a cheap no-op.
#include <chrono>
#include <optional>
#include <string>

namespace ozw::daemon {

class SystemdNotifier {
public:
    SystemdNotifier();
    bool enabled() const { return enabled_; }
    // Interval between watchdog pings (half of WATCHDOG_USEC), if the watchdog is on.
    std::optional<std::chrono::milliseconds> watchdog_interval() const { return watchdog_; }
    void ready(const std::string& status = {});
    void watchdog();
    void stopping();
    void reloading();
    void status(const std::string& text);

private:
    bool enabled_ = false;
    std::optional<std::chrono::milliseconds> watchdog_;
};

}  // namespace ozw::daemon
