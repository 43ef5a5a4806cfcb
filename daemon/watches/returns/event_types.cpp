#include "daemon/watches/returns/event_types.hpp"

#include <map>

#include "common/decimal.hpp"
#include "daemon/watches/returns/evaluate.hpp"

namespace ozw::daemon::returns {

std::string return_type_name(const std::string& type, bool ru) {
    static const std::map<std::string, std::pair<const char*, const char*>> m = {
        {"Cancellation", {"Отмена: покупатель не забрал заказ с ПВЗ или заказ отменён до передачи",
                          "Cancellation: not collected from the pickup point, or cancelled before hand-over"}},
        {"FullReturn", {"Клиентский возврат (весь заказ)", "Customer return (the whole order)"}},
        {"PartialReturn", {"Клиентский возврат (часть заказа)", "Customer return (part of the order)"}},
        {"ClientReturn", {"Клиентский возврат: покупатель вернул полученный товар",
                          "Customer return: the customer returns a received item"}},
        {"rFBS", {"Заявка на возврат (rFBS)", "Return request (rFBS)"}},
    };
    auto it = m.find(type);
    if (it == m.end()) return type;
    return ru ? it->second.first : it->second.second;
}

std::string money_text(double amount, bool ru) {
    return Decimal::from_double(amount).value_or(Decimal{}).display(ru);
}

namespace {

std::string join(const nlohmann::json& a, const char* sep) {
    std::string out;
    if (!a.is_array()) return out;
    for (const auto& v : a) {
        if (!v.is_string()) continue;
        if (!out.empty()) out += sep;
        out += v.get<std::string>();
    }
    return out;
}

std::string number_text(const DetailsView& d, const char* key, bool ru) {
    const auto& v = d.at(key);
    return v.is_number() ? money_text(v.get<double>(), ru) : std::string{};
}

// One renderer for every return type: each reads only the keys its events carry.
void return_facts(const DetailsView& d, FactSink& s) {
    const bool ru = s.russian();
    s.fact("Тип", "Type", return_type_name(d.str("return_type"), ru));
    s.fact("Номер заявки", "Request number", d.str("return_number"));
    std::string product = d.str("product");
    if (product.empty()) product = d.str("offer_id");
    else if (!d.str("offer_id").empty()) product += " (" + d.str("offer_id") + ")";
    const auto& q = d.at("quantity");
    if (q.is_number_integer() && q.get<long long>() > 1) product += " × " + std::to_string(q.get<long long>());
    s.fact("Товар", "Item", product);
    const auto& amount = d.at("amount");
    if (amount.is_number() && amount.get<double>() > 0) s.fact("Сумма", "Amount", number_text(d, "amount", ru));
    s.fact("Причина", "Reason", d.str("reason"));
    const std::string status_name = d.str("status_name");
    s.fact("Статус", "Status", ru && !status_name.empty() ? status_name : d.str("status"));
    // A request: the customer's own words and photos, what the seller can do, by when.
    s.fact("Комментарий покупателя", "Customer's comment", d.str("client_comment"));
    const auto& photos = d.at("photos");
    if (photos.is_array() && !photos.empty()) {
        std::vector<std::string> urls;
        for (const auto& p : photos)
            if (p.is_string()) urls.push_back(p.get<std::string>());
        s.links("Фото", "Photos", urls);
    }
    s.fact("Можно", "You can", join(d.at("actions"), ", "));
    s.time_fact("Ждёт решения с", "Waiting since", d.str("waiting_since"));
    s.time_fact("Ozon решит сам после", "Ozon decides itself after", d.str("deadline"));
    // At the pickup point: where, how long, what it costs.
    s.fact("Где", "Where", d.str("place"));
    s.fact("Адрес", "Address", d.str("place_address"));
    s.time_fact("Прибыл", "Arrived", d.str("arrived_at"));
    s.fact("Дней ждёт", "Days waiting", d.str("days_waiting"));
    if (d.flag("paid_storage_started"))
        s.time_fact("Платное хранение идёт с", "Paid storage since", d.str("paid_storage_from"));
    else
        s.time_fact("Платное хранение с", "Paid storage from", d.str("paid_storage_from"));
    s.fact("Начислено за хранение", "Storage charged", number_text(d, "storage_sum", ru));
    s.time_fact("Утилизация", "Disposal", d.str("disposal_at"));
    s.fact("Стоимость утилизации", "Disposal cost", number_text(d, "disposal_sum", ru));
    s.time_fact("Спор открыт", "Dispute since", d.str("dispute_since"));
}

EventType return_type(const char* type, EventKind kind, Severity sev, const char* title_ru, const char* title_en,
                      const char* todo_ru, const char* todo_en) {
    EventType t = declare_event_type(type, kind, sev);
    t.title_ru = title_ru;
    t.title_en = title_en;
    t.todo_ru = todo_ru;
    t.todo_en = todo_en;
    t.subject_key = "posting_number";
    t.facts = return_facts;
    t.url = [](const Event& e) {
        auto it = e.details.find("return_kind");
        return return_url(it != e.details.end() && *it == "rfbs");
    };
    // Ids and machine names for programs; the text shows their human forms.
    t.hidden_keys = {"return_id", "return_kind", "status"};
    return t;
}

}  // namespace

std::vector<EventType> return_event_types() {
    using K = EventKind;
    using S = Severity;
    std::vector<EventType> v;
    v.push_back(return_type(
        "return.new", K::transition, S::info, "Новый возврат", "New return",
        "Проверьте причину. Отмену верните в остаток, когда заберёте; по клиентскому возврату проверьте товар "
        "при получении (бирки, следы носки). Заберите возврат, когда он придёт на ПВЗ.",
        "Read the reason. Put a cancellation back in stock once collected; check a customer return when it "
        "arrives (tags, signs of wear). Collect it when it reaches the pickup point."));
    v.push_back(return_type(
        "return.request_pending", K::condition, S::warning, "Заявка на возврат ждёт решения",
        "Return request awaits your decision",
        "Посмотрите фото и комментарий. Товар цел и не ношен — одобрите; иначе отклоните с причиной или "
        "предложите частичную компенсацию. Если не решить до срока, Ozon решит сам (обычно одобрит).",
        "Look at the photos and the comment. Intact and unworn: approve; otherwise reject with a reason or "
        "offer partial compensation. Undecided by the deadline, Ozon decides itself (usually approves)."));
    v.push_back(return_type(
        "return.request_urgent", K::condition, S::critical, "Срок решения по заявке на возврат истекает",
        "Return request deadline is near",
        "Критично: меньше чем через несколько часов Ozon решит по заявке сам (обычно одобрит возврат). "
        "Решите сейчас: одобрите, отклоните с причиной или предложите частичную компенсацию.",
        "Critical: within hours Ozon decides the request itself (usually approves it). Decide now: "
        "approve, reject with a reason, or offer partial compensation."));
    v.push_back(return_type(
        "return.ready_for_pickup", K::condition, S::warning, "Возврат ждёт на пункте выдачи",
        "Return waits at the pickup point",
        "Заберите возврат до начала платного хранения (строка «Платное хранение с»); потом — утилизация. "
        "На некоторых пунктах нужен пропуск.",
        "Collect it before paid storage starts (\"Paid storage from\"); disposal follows. Some drop-off "
        "points need a pass."));
    v.push_back(return_type(
        "return.pickup_urgent", K::condition, S::critical, "Возврат: платное хранение или скорая утилизация",
        "Return: paid storage or disposal soon",
        "Критично: за хранение возврата уже начисляют деньги или скоро утилизация. Заберите его сегодня.",
        "Critical: the return's storage is charged now or its disposal is near. Collect it today."));
    v.push_back(return_type(
        "return.disputed", K::condition, S::critical, "Спор по возврату", "Dispute on a return",
        "Критично: ответьте в споре в кабинете — приложите фото и документы о состоянии товара при отправке.",
        "Critical: answer the dispute in the cabinet with photos and documents on the item's condition when shipped."));
    // The customer's photos go to Telegram as an album, the comment as its caption.
    for (auto& t : v)
        if (t.type == "return.request_pending" || t.type == "return.request_urgent") {
            t.photos_key = "photos";
            t.caption_key = "client_comment";
        }
    return v;
}

}  // namespace ozw::daemon::returns
