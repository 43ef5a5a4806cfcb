#include "alerts/notifiers.hpp"

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

}  // namespace ozw::alerts
