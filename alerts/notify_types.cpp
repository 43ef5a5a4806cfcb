// alerts/' own event types: what the delivery machinery itself reports. The watches' types are
// declared by the watches (daemon/watches/<name>/), never here.
#include <mutex>

#include "alerts/templates.hpp"

namespace ozw::alerts {

namespace {

// notify.delivery_failed: recorded by Dispatcher::record_failure (dispatcher.cpp) for the
// other channels when a channel gave up. Details: channel, error, count (rows that failed),
// event_keys (the first 20 of their dedupe keys).
EventType delivery_failed() {
    EventType t;
    t.type = "notify.delivery_failed";
    t.kind = EventKind::transition;
    t.severity = Severity::warning;  // raised to the failed events' highest severity
    t.source = "ozonwatch";
    t.title_ru = "Не удалось доставить уведомления";
    t.title_en = "Notifications could not be delivered";
    t.subject_key = "channel";
    t.todo_ru =
        "Проверьте настройки канала {channel} (токен бота, чат, SMTP) и выполните «ozonwatch notify test». "
        "Недоставленные события смотрите в «ozonwatch events».";
    t.todo_en =
        "Check the settings of {channel} (bot token, chat, SMTP) and run `ozonwatch notify test`. "
        "See the undelivered events with `ozonwatch events`.";
    t.facts = [](const DetailsView& d, FactSink& s) {
        s.fact("Канал", "Channel", d.str("channel"));
        s.fact("Ошибка", "Error", d.str("error"));
        s.fact("Не доставлено событий", "Events not delivered", d.str("count"));
        std::string keys;
        std::size_t listed = 0;
        const auto& arr = d.at("event_keys");
        if (arr.is_array()) {
            for (const auto& k : arr) {
                if (!k.is_string()) continue;
                if (!keys.empty()) keys += ", ";
                keys += k.get<std::string>();
                ++listed;
            }
        }
        const auto& count = d.at("count");
        if (listed && count.is_number_integer() && count.get<long long>() > static_cast<long long>(listed))
            keys += ", …";
        s.fact("События", "Events", keys);
    };
    return t;
}

// notify.test: `ozonwatch notify test` (daemon/cmd_notify.cpp). Details: host (the machine
// that sent it).
EventType test_message() {
    EventType t;
    t.type = "notify.test";
    t.kind = EventKind::transition;
    t.severity = Severity::info;
    t.source = "ozonwatch";
    t.title_ru = "Проверка уведомлений ozonwatch";
    t.title_en = "ozonwatch notification test";
    t.facts = [](const DetailsView& d, FactSink& s) {
        s.line(s.russian() ? "Если вы это читаете, ozonwatch может достучаться до вас через этот канал."
                           : "If you read this, ozonwatch can reach you through this channel.");
        s.fact("Сервер", "Host", d.str("host"));
    };
    return t;
}

}  // namespace

void register_event_types(EventTypeRegistry& registry) {
    registry.add(delivery_failed());
    registry.add(test_message());
}

void ensure_event_types_registered() {
    static std::once_flag once;
    std::call_once(once, [] { register_event_types(event_types()); });
}

}  // namespace ozw::alerts
