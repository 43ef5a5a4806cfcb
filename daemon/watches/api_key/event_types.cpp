#include "daemon/watches/api_key/event_types.hpp"

#include "daemon/watches/api_key/evaluate.hpp"

namespace ozw::daemon::api_key {

namespace {

void expiring_facts(const DetailsView& d, FactSink& s) {
    const auto expired = d.at("expired");
    if (expired.is_boolean() && expired.get<bool>()) {
        s.line(s.russian() ? "Ключ уже истёк: ozonwatch не видит кабинет." : "The key has expired: ozonwatch is blind.");
        s.time_fact("Истёк", "Expired", d.str("expires_at"));
        return;
    }
    s.time_fact("Действует до", "Valid until", d.str("expires_at"));
    s.fact("Осталось дней", "Days left", d.str("days_left"));
}

void role_facts(const DetailsView& d, FactSink& s) {
    const bool ru = s.russian();
    std::string roles;
    if (const auto& r = d.at("roles_to_add"); r.is_array())
        for (const auto& x : r)
            if (x.is_string()) roles += (roles.empty() ? "" : ", ") + x.get<std::string>();
    s.fact("Добавьте ключу роли", "Add these roles to the key", roles);
    const auto& missing = d.at("missing");
    if (!missing.is_array()) return;
    for (const auto& m : missing) {
        if (!m.is_object()) continue;
        std::string line = "• " + m.value("method", std::string()) + (ru ? " — нужен для: " : " — needed by: ") +
                           m.value("watch", std::string());
        if (m.contains("role") && m["role"].is_string())
            line += (ru ? ", роль «" : ", role \"") + m["role"].get<std::string>() + (ru ? "»" : "\"");
        s.line(line);
    }
}

EventType base(const char* type, Severity severity) {
    return declare_event_type(type, EventKind::condition, severity, "ozon", kApiKeysUrl);
}

}  // namespace

std::vector<EventType> api_key_event_types() {
    EventType expiring = base("source.key_expiring", Severity::warning);
    expiring.title_ru = "API-ключ Ozon скоро истечёт";
    expiring.title_en = "The Ozon API key expires soon";
    expiring.todo_ru = "Создайте новый ключ в кабинете (Настройки → Seller API) с теми же ролями и замените его "
                       "в настройках ozonwatch (api_key_file), затем перезагрузите службу. Ключи живут 3 месяца.";
    expiring.todo_en = "Create a new key in the cabinet (Settings → Seller API) with the same roles, put it into "
                       "ozonwatch's configuration (api_key_file) and reload the service. Keys live 3 months.";
    expiring.facts = expiring_facts;

    EventType urgent = base("source.key_expiring_urgent", Severity::critical);
    urgent.title_ru = "API-ключ Ozon истекает — мониторинг вот-вот ослепнет";
    urgent.title_en = "The Ozon API key is about to expire: monitoring goes blind";
    urgent.todo_ru = "Срочно: создайте новый ключ (Настройки → Seller API), замените его в настройках ozonwatch и "
                     "перезагрузите службу. С истёкшим ключом ozonwatch ничего не видит.";
    urgent.todo_en = "Now: create a new key (Settings → Seller API), replace it in ozonwatch's configuration and "
                     "reload the service. With an expired key ozonwatch sees nothing.";
    urgent.facts = expiring_facts;

    EventType roles = base("source.role_missing", Severity::warning);
    roles.title_ru = "У API-ключа не хватает ролей";
    roles.title_en = "The API key lacks roles";
    roles.todo_ru = "Добавьте ключу названные роли (Настройки → Seller API → ключ → роли) или создайте ключ с "
                    "ними. Пока ролей нет, эти разделы не проверяются.";
    roles.todo_en = "Add the named roles to the key (Settings → Seller API → the key → roles) or create a key "
                    "with them. Until then those sections are not checked.";
    roles.facts = role_facts;
    return {expiring, urgent, roles};
}

}  // namespace ozw::daemon::api_key
