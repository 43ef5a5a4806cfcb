#pragma once
// Builds the notifiers a configuration defines: one TelegramNotifier per chat, email,
// event_log, and console when asked.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <vector>

#include "alerts/notifier.hpp"
#include "common/clock.hpp"
#include "common/config.hpp"

namespace ozw::alerts {

std::vector<NotifierPtr> make_notifiers(const Config& cfg, boost::asio::any_io_executor ex,
                                        const Clock& clock, bool with_console = false);

// Sends `msg` once; when the channel answers retry_after with a wait of at most `max_wait`,
// calls on_wait(wait) (if set), waits it out on a steady timer of the coroutine's executor and
// sends once more. Returns the last answer (a longer retry_after comes back as it is).
// For one-shot senders such as `ozonwatch notify test`; the daemon's Dispatcher has its own.
boost::asio::awaitable<SendResult> send_with_short_retry(Notifier& n, const RenderedMessage& msg,
                                                         Millis max_wait,
                                                         std::function<void(Millis)> on_wait = {});

}  // namespace ozw::alerts
