#include "alerts/event_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

namespace ozw::alerts {

EventLogNotifier::EventLogNotifier(std::string path) : path_(std::move(path)) {}

EventLogNotifier::~EventLogNotifier() {
    if (fd_ >= 0) ::close(fd_);
}

void EventLogNotifier::reopen() {
    std::lock_guard lk(mu_);
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;  // opened again at the next write: after logrotate moved the old file away
}

boost::asio::awaitable<SendResult> EventLogNotifier::send(const RenderedMessage& msg) {
    co_return write(msg);
}

SendResult EventLogNotifier::write(const RenderedMessage& msg) {
    std::lock_guard lk(mu_);
    if (fd_ < 0) {
        fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (fd_ < 0) return SendResult::backoff("event_log " + path_ + ": " + std::strerror(errno));
    }
    std::string lines;
    for (std::size_t i = 0; i < msg.events.size(); ++i) {
        // One line per state change: a repeat announcement changes nothing.
        if (i < msg.reasons.size() && msg.reasons[i] == "repeat") continue;
        lines += to_json(msg.events[i]).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        lines += '\n';
    }
    const char* p = lines.data();
    std::size_t left = lines.size();
    while (left > 0) {
        ssize_t n = ::write(fd_, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            std::string err = "event_log " + path_ + ": " + std::strerror(errno);
            ::close(fd_);
            fd_ = -1;
            return SendResult::backoff(err);
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd_) != 0 && errno != EINVAL)
        return SendResult::backoff("event_log " + path_ + ": fsync: " + std::strerror(errno));
    return SendResult::success();
}

}  // namespace ozw::alerts
