#include "daemon/systemd_notify.hpp"

#include <systemd/sd-daemon.h>

#include <cstdlib>

namespace ozw::daemon {

SystemdNotifier::SystemdNotifier() {
    enabled_ = std::getenv("NOTIFY_SOCKET") != nullptr;
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
        watchdog_ = std::chrono::milliseconds(static_cast<long long>(usec / 2000));
}

void SystemdNotifier::ready(const std::string& status) {
    if (!enabled_) return;
    std::string msg = "READY=1";
    if (!status.empty()) msg += "\nSTATUS=" + status;
    sd_notify(0, msg.c_str());
}

void SystemdNotifier::watchdog() {
    if (enabled_ && watchdog_) sd_notify(0, "WATCHDOG=1");
}

void SystemdNotifier::stopping() {
    if (enabled_) sd_notify(0, "STOPPING=1");
}

void SystemdNotifier::reloading() {
    if (enabled_) sd_notify(0, "RELOADING=1");
}

void SystemdNotifier::status(const std::string& text) {
    if (enabled_) sd_notify(0, ("STATUS=" + text).c_str());
}

}  // namespace ozw::daemon
