#include "daemon/engine/source_health.hpp"

#include <algorithm>

#include "common/logging.hpp"
#include "common/time.hpp"

namespace ozw::daemon {

Millis failure_backoff(const BackoffPolicy& p, FailureKind kind, int failures, Millis interval) {
    if (kind == FailureKind::auth) return std::max(p.auth_retry, interval);
    Millis d = p.first;
    for (int i = 1; i < failures && d < p.max; ++i) d *= 2;
    return std::min({d, p.max, std::max(interval, p.first)});
}

void record_failure(WatchHealth& h, FailureKind kind, const std::string& error, TimePoint now) {
    ++h.consecutive_failures;
    if (!h.failing_since) h.failing_since = now;
    h.last_failure = kind;
    // A source's error text is foreign (Ozon may quote the key it refused): masked before it
    // reaches the conditions' details, the database, `check` and the messages.
    h.last_error = log::mask(error);
}

void record_success(WatchHealth& h) { h = WatchHealth{}; }

std::string source_display_name(const std::string& source) {
    if (source == "ozon") return "Ozon Seller API";
    if (source == "insales") return "InSales";
    if (source == "onec") return "1С";
    return source;
}

std::vector<Event> source_conditions(const std::vector<WatchHealthView>& watches,
                                     const std::string& account, const std::string& source,
                                     TimePoint now, Millis unavailable_after) {
    const WatchHealthView* auth = nullptr;
    const WatchHealthView* down = nullptr;  // failing the longest
    std::string names;
    for (const auto& w : watches) {
        const WatchHealth& h = *w.health;
        if (h.consecutive_failures == 0 || !h.failing_since) continue;
        names += (names.empty() ? "" : ", ") + w.watch;
        if (h.last_failure == FailureKind::auth && !auth) auth = &w;
        if (now - *h.failing_since >= unavailable_after &&
            (!down || *h.failing_since < *down->health->failing_since))
            down = &w;
    }
    std::vector<Event> out;
    auto make = [&](const char* type, Severity sev, const WatchHealthView& w) {
        const WatchHealth& h = *w.health;
        Event e;
        e.type = type;
        e.severity = sev;
        e.kind = EventKind::condition;
        e.account = account;
        e.key = std::string(type) + ":" + source;
        e.title = std::string(type) + " " + source;  // fallback; alerts renders the text
        e.occurred_at = h.failing_since.value_or(now);
        e.detected_at = now;
        e.details = {{"source", source},
                     {"source_name", source_display_name(source)},
                     {"watches", names},
                     {"error", h.last_error},
                     {"failures", h.consecutive_failures}};
        if (h.failing_since) e.details["since"] = format_iso8601(*h.failing_since);
        out.push_back(std::move(e));
    };
    if (auth) make("source.auth_failed", Severity::critical, *auth);
    if (down) make("source.unavailable", Severity::warning, *down);
    return out;
}

namespace {

void source_facts(const DetailsView& d, FactSink& s) {
    s.fact("Источник", "Source", d.str("source_name"));
    s.fact("Проверки", "Watches", d.str("watches"));
    s.time_fact("Не отвечает с", "Failing since", d.str("since"));
    s.fact("Неудачных попыток подряд", "Failed attempts in a row", d.str("failures"));
    s.fact("Ошибка", "Error", d.str("error"));
}

}  // namespace

std::vector<EventType> engine_event_types() {
    std::vector<EventType> out;
    {
        EventType t;
        t.type = "source.auth_failed";
        t.kind = EventKind::condition;
        t.severity = Severity::critical;
        t.source = "ozon";
        t.title_ru = "Нет доступа к API";
        t.title_en = "API access failed";
        t.subject_key = "source_name";
        t.todo_ru = "Проверьте API-ключ (Настройки → API-ключи): срок, роли, ограничение по IP, "
                    "подписанная оферта; выпустите новый ключ и обновите конфигурацию. Пока "
                    "доступа нет, ozonwatch ничего не видит.";
        t.todo_en = "Check the API key (Settings → API keys): expiry, roles, IP restriction, signed "
                    "offer; issue a new key and update the configuration. Until then ozonwatch "
                    "sees nothing.";
        t.facts = source_facts;
        t.url = [](const Event&) { return std::string("https://seller.ozon.ru/app/settings/api-keys"); };
        t.hidden_keys = {"source"};
        out.push_back(std::move(t));
    }
    {
        EventType t;
        t.type = "source.unavailable";
        t.kind = EventKind::condition;
        t.severity = Severity::warning;
        t.source = "ozon";
        t.title_ru = "Источник данных недоступен";
        t.title_en = "Data source unavailable";
        t.subject_key = "source_name";
        t.todo_ru = "ozonwatch повторяет запросы сам; если это надолго — проверьте сеть и статус "
                    "сервиса. Пока источник недоступен, события могут опаздывать.";
        t.todo_en = "ozonwatch keeps retrying; if it lasts, check the network and the service "
                    "status. Events may be late meanwhile.";
        t.facts = source_facts;
        t.hidden_keys = {"source"};
        out.push_back(std::move(t));
    }
    return out;
}

}  // namespace ozw::daemon
