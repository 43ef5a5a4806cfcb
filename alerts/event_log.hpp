#pragma once
// Event log notifier: one JSON line per state change in design.md's shape (ozw::to_json),
// appended, flushed and fsynced before the row is marked sent; reopen() after logrotate
// (the daemon calls it on SIGHUP).
#include <mutex>
#include <string>

#include "alerts/notifier.hpp"

namespace ozw::alerts {

class EventLogNotifier final : public Notifier {
public:
    explicit EventLogNotifier(std::string path);
    ~EventLogNotifier() override;
    std::string channel() const override { return "event_log"; }
    boost::asio::awaitable<SendResult> send(const RenderedMessage& msg) override;
    bool immediate() const override { return true; }
    bool reads_rendered_text() const override { return false; }

    SendResult write(const RenderedMessage& msg);
    void reopen() override;

private:
    std::string path_;
    int fd_ = -1;
    std::mutex mu_;
};

}  // namespace ozw::alerts
