#pragma once
// Shared helpers of the alerts unit tests: a temporary store, a scripted notifier, the tests'
// own event types (../test_event_types.hpp), registered by the event builders below.
#include <boost/asio/awaitable.hpp>

#include <deque>
#include <functional>
#include <optional>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "alerts/notifier.hpp"
#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/store.hpp"
#include "common/time.hpp"
#include "../test_event_types.hpp"

namespace ozw::alerts::testing {

inline TimePoint at(const char* iso) { return *parse_iso8601(iso); }

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string t = (std::filesystem::temp_directory_path() / "ozw-alerts-XXXXXX").string();
        path = ::mkdtemp(t.data());
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

// Records every message; answers with scripted results (then ok).
class FakeNotifier final : public Notifier {
public:
    FakeNotifier(std::string channel, std::size_t max_chars = 0, bool immediate = false)
        : channel_(std::move(channel)), max_(max_chars), immediate_(immediate) {}
    std::string channel() const override { return channel_; }
    boost::asio::awaitable<SendResult> send(const RenderedMessage& m) override {
        attempts.push_back(m);
        if (on_send) on_send();
        SendResult r;
        if (auto o = outage ? outage() : std::nullopt) {
            r = *o;
        } else if (!script.empty()) {
            r = script.front();
            script.pop_front();
        }
        if (r.ok()) sent.push_back(m);
        co_return r;
    }
    bool immediate() const override { return immediate_; }
    std::size_t max_message_chars() const override { return max_; }
    bool can_probe() const override { return probes; }
    // A probe answers like the outage does (ok when there is none).
    boost::asio::awaitable<SendResult> probe() override {
        ++probe_count;
        if (auto o = outage ? outage() : std::nullopt) co_return *o;
        co_return SendResult::success();
    }

    std::deque<SendResult> script;
    // When set and it answers, its answer wins over the script (an outage by the clock).
    std::function<std::optional<SendResult>()> outage;
    std::vector<RenderedMessage> attempts;
    std::vector<RenderedMessage> sent;
    std::function<void()> on_send;  // called at each attempt, before it is answered
    bool probes = false;            // can_probe()
    int probe_count = 0;

private:
    std::string channel_;
    std::size_t max_;
    bool immediate_;
};

inline Config base_config() {
    Config c;
    c.timezone = "Europe/Moscow";
    TelegramConfig tg;
    tg.bot_token = "123:secret";
    TelegramChat chat;
    chat.chat_id = "-100";
    tg.chats.push_back(chat);
    c.notify.telegram = tg;
    EmailConfig em;
    em.route.min_severity = Severity::critical;
    em.to = {"owner@example.ru"};
    c.notify.email = em;
    return c;
}

inline Event transition(const std::string& key, Severity sev = Severity::info,
                        const std::string& type = kNew) {
    register_test_types();
    Event e;
    e.type = type;
    e.kind = EventKind::transition;
    e.severity = sev;
    e.account = "main";
    e.key = type + ":" + key;
    e.details = {{"posting_number", key}};
    return e;
}

inline Event condition(const std::string& key, Severity sev, const std::string& type) {
    Event e = transition(key, sev, type);
    e.kind = EventKind::condition;
    return e;
}

}  // namespace ozw::alerts::testing
