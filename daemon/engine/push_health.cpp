#include "daemon/engine/push_health.hpp"

#include "common/time.hpp"

namespace ozw::daemon {

namespace {

// Since when the silence counts: the last ping, or the day pushes were enabled.
std::optional<TimePoint> silence_from(const PushHealth& h) {
    if (h.last_ping && h.enabled_since) return std::max(*h.last_ping, *h.enabled_since);
    return h.last_ping ? h.last_ping : h.enabled_since;
}

}  // namespace

std::vector<Event> push_silence_conditions(const PushHealth& h, TimePoint now, Millis silent_after) {
    const auto from = silence_from(h);
    if (!from || now - *from < silent_after) return {};
    Event e;
    e.type = "source.push_silent";
    e.kind = EventKind::condition;
    e.severity = Severity::warning;
    e.key = "source.push_silent";
    e.title = "source.push_silent";  // fallback; alerts renders the text
    e.occurred_at = *from + silent_after;
    e.detected_at = now;
    e.details = {{"silent_hours", std::chrono::duration_cast<std::chrono::hours>(now - *from).count()}};
    if (h.last_ping) e.details["last_ping"] = format_iso8601(*h.last_ping);
    else e.details["last_ping"] = nullptr;
    if (h.enabled_since) e.details["enabled_since"] = format_iso8601(*h.enabled_since);
    return {e};
}

std::string push_health_line(const PushHealth& h, TimePoint now, Millis silent_after, bool ru,
                             const std::string& timezone) {
    const TimeZone tz(timezone);
    std::string line = ru ? "Push-уведомления Ozon: " : "Ozon push notifications: ";
    const auto from = silence_from(h);
    const bool silent = from && now - *from >= silent_after;
    if (h.last_ping)
        line += (ru ? "последняя проверка (TYPE_PING) " : "last check (TYPE_PING) ") + tz.format_local(*h.last_ping);
    else
        line += ru ? "проверок (TYPE_PING) от Ozon ещё не было" : "no check (TYPE_PING) from Ozon yet";
    if (silent)
        line += ru ? "; больше суток тишины: Ozon мог приостановить отправку, подтвердите адрес в кабинете"
                   : "; silent for over a day: Ozon may have paused them, re-confirm the URL in the cabinet";
    return line;
}

std::vector<EventType> push_event_types() {
    EventType t = declare_event_type("source.push_silent", EventKind::condition, Severity::warning, "ozon",
                                     "https://seller.ozon.ru/app/settings/notifications-api");
    t.title_ru = "Ozon не присылает push-уведомления";
    t.title_en = "Ozon sends no push notifications";
    t.todo_ru = "Ozon приостанавливает push-уведомления, если адрес не отвечал. Откройте в кабинете "
                "Настройки → Уведомления → Push уведомления, проверьте адрес и сохраните его ещё раз. "
                "Пока уведомлений нет, ozonwatch узнаёт о событиях при плановых опросах, с задержкой "
                "до интервала опроса.";
    t.todo_en = "Ozon pauses push notifications when the URL did not answer. In the cabinet open Settings → "
                "Notifications → Push notifications, check the URL and save it again. Meanwhile ozonwatch "
                "learns of events from its regular polls, up to one poll interval later.";
    t.facts = [](const DetailsView& d, FactSink& s) {
        if (d.at("last_ping").is_string()) s.time_fact("Последняя проверка от Ozon", "Last check from Ozon", d.str("last_ping"));
        else s.fact("Последняя проверка от Ozon", "Last check from Ozon", s.russian() ? "не было" : "none");
        s.time_fact("Приём включён с", "Receiving since", d.str("enabled_since"));
        s.fact("Тишина, часов", "Silent for, hours", d.str("silent_hours"));
    };
    return {t};
}

}  // namespace ozw::daemon
