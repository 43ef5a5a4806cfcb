#include "alerts/notifiers.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "alerts/console.hpp"
#include "alerts/email.hpp"
#include "alerts/event_log.hpp"
#include "alerts/telegram.hpp"

namespace ozw::alerts {

std::vector<NotifierPtr> make_notifiers(const Config& cfg, boost::asio::any_io_executor ex,
                                        const Clock& clock, bool with_console) {
    std::vector<NotifierPtr> out;
    if (cfg.notify.telegram)
        for (const auto& chat : cfg.notify.telegram->chats)
            out.push_back(std::make_unique<TelegramNotifier>(
                ex, *cfg.notify.telegram, TelegramTarget{chat.chat_id, chat.message_thread_id}));
    if (cfg.notify.email) out.push_back(std::make_unique<EmailNotifier>(*cfg.notify.email, clock));
    if (cfg.notify.event_log) out.push_back(std::make_unique<EventLogNotifier>(cfg.notify.event_log->path));
    if (with_console) out.push_back(std::make_unique<ConsoleNotifier>(stdout, cfg.notify.language));
    return out;
}

boost::asio::awaitable<SendResult> send_with_short_retry(Notifier& n, const RenderedMessage& msg,
                                                         Millis max_wait,
                                                         std::function<void(Millis)> on_wait) {
    SendResult r = co_await n.send(msg);
    if (r.kind != SendResult::Kind::retry_after || r.retry_after > max_wait) co_return r;
    Millis wait = std::max(r.retry_after, Millis{0});
    if (on_wait) on_wait(wait);
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    timer.expires_after(wait);
    co_await timer.async_wait(boost::asio::use_awaitable);
    co_return co_await n.send(msg);
}

}  // namespace ozw::alerts
