#pragma once
// Builds the notifiers a configuration defines: one TelegramNotifier per chat, email,
// event_log, and console when asked.
#include <boost/asio/any_io_executor.hpp>

#include <vector>

#include "alerts/notifier.hpp"
#include "common/clock.hpp"
#include "common/config.hpp"

namespace ozw::alerts {

std::vector<NotifierPtr> make_notifiers(const Config& cfg, boost::asio::any_io_executor ex,
                                        const Clock& clock, bool with_console = false);

}  // namespace ozw::alerts
