#include "daemon/watches/postings/event_types.hpp"

#include <map>

#include "daemon/watches/postings/evaluate.hpp"

namespace ozw::daemon::postings {

std::string posting_status_name(const std::string& s, bool ru) {
    static const std::map<std::string, std::pair<const char*, const char*>> m = {
        {"awaiting_registration", {"ожидает регистрации", "awaiting registration"}},
        {"acceptance_in_progress", {"идёт приёмка", "acceptance in progress"}},
        {"awaiting_approve", {"ожидает подтверждения", "awaiting approval"}},
        {"awaiting_packaging", {"ожидает сборки", "awaiting packaging"}},
        {"awaiting_deliver", {"ожидает отгрузки", "awaiting hand-over"}},
        {"awaiting_verification", {"на проверке", "awaiting verification"}},
        {"arbitration", {"спорное", "arbitration"}},
        {"client_arbitration", {"клиентский спор", "client arbitration"}},
        {"delivering", {"доставляется", "delivering"}},
        {"driver_pickup", {"у водителя", "driver pickup"}},
        {"delivered", {"доставлено", "delivered"}},
        {"cancelled", {"отменено", "cancelled"}},
        {"cancelled_from_split_pending", {"отменено при разделении", "cancelled (split)"}},
        {"not_accepted", {"не принято на сортировке", "not accepted"}},
        {"sent_by_seller", {"отправлено продавцом", "sent by seller"}},
    };
    auto it = m.find(s);
    if (it == m.end()) return s;
    return ru ? it->second.first : it->second.second;
}

namespace {

std::string products_line(const nlohmann::json& products) {
    std::string out;
    if (!products.is_array()) return out;
    for (const auto& p : products) {
        if (!p.is_object()) continue;
        auto text = [&](const char* k) {
            auto it = p.find(k);
            return it != p.end() && it->is_string() ? it->get<std::string>() : std::string{};
        };
        std::string name = text("name");
        if (name.empty()) name = text("offer_id");
        auto q = p.find("quantity");
        long long qty = q != p.end() && q->is_number_integer() ? q->get<long long>() : 1;
        if (!out.empty()) out += "; ";
        out += name;
        if (qty != 1) out += " × " + std::to_string(qty);
    }
    return out;
}

std::string tariff_text(const DetailsView& d, bool ru) {
    const std::string type = d.str("tariff_type");
    const std::string rate = d.str("tariff_rate");
    const std::string charge = d.str("tariff_charge");
    if (type.empty()) return {};
    std::string kind = type == "surcharge" ? (ru ? "надбавка" : "surcharge")
                     : type == "discount"  ? (ru ? "скидка" : "discount")
                     : type == "no_discount" ? (ru ? "без скидки" : "no discount")
                                             : type;
    std::string out = kind;
    if (!rate.empty() && rate != "0" && rate != "0.00") {
        std::string r = rate;
        if (r.size() > 3 && r.substr(r.size() - 3) == ".00") r.resize(r.size() - 3);
        out += " " + r + "%";
    }
    if (!charge.empty()) out += " (" + charge + " ₽)";
    return out;
}

// One renderer for every posting type: each reads only the keys its events carry.
void posting_facts(const DetailsView& d, FactSink& s) {
    const bool ru = s.russian();
    std::string status = posting_status_name(d.str("status"), ru);
    if (d.has("previous_status"))
        status = posting_status_name(d.str("previous_status"), ru) + " → " + status;
    s.fact("Статус", "Status", status);
    s.fact("Товары", "Items", products_line(d.at("products")));
    // Cut-off conditions show the two moments that matter, computed from Ozon's dates and the
    // shop's hand-over time; Ozon's raw dates stay in the details for programs.
    // Ozon's own dates are shown only where they differ from those two (no line twice).
    if (d.has("deadline")) {
        const std::string d1 = d.str("deadline"), d2 = d.str("overdue_at");
        s.time_fact("Передать без доплаты до", "Hand over without surcharge by", d1);
        if (d2 != d1) s.time_fact("Просрочка с", "Overdue from", d2);
        if (d.str("shipment_date") != d1)
            s.time_fact("Рекомендованный срок Ozon", "Ozon's recommended time", d.str("shipment_date"));
        const std::string w = d.str("shipment_date_without_delay");
        if (!w.empty() && w != d2) s.time_fact("Срок без просрочки по Ozon", "Ozon's time without delay", w);
    } else {
        s.time_fact("Отгрузить до", "Ship by", d.str("shipment_date"));
    }
    s.fact("Тариф сейчас", "Tariff now", tariff_text(d, ru));
    s.fact("Инициатор отмены", "Cancelled by", d.str("cancellation_initiator"));
    s.fact("Причина отмены", "Cancel reason", d.str("cancel_reason"));
    if (d.flag("affects_rating"))
        s.fact("Рейтинг", "Rating", ru ? "отмена влияет на рейтинг продавца" : "affects the seller rating");
    if (d.flag("cancelled_after_ship"))
        s.fact("Отменено", "Cancelled", ru ? "после отгрузки: заберите товар" : "after shipping: collect the goods");
    s.time_fact("В статусе с", "In this status since", d.str("status_since"));
    s.fact("Дней в статусе", "Days in status", d.str("days_in_status"));
    s.fact("Допустимо", "Limit", d.str("limit"));
}

EventType posting_type(const char* type, EventKind kind, Severity sev, const char* title_ru,
                       const char* title_en, const char* todo_ru, const char* todo_en) {
    EventType t = declare_event_type(type, kind, sev);
    t.title_ru = title_ru;
    t.title_en = title_en;
    t.todo_ru = todo_ru;
    t.todo_en = todo_en;
    t.subject_key = "posting_number";
    t.facts = posting_facts;
    t.url = [](const Event& e) {
        auto it = e.details.find("posting_number");
        if (it == e.details.end() || !it->is_string()) return std::string("https://seller.ozon.ru/app/postings/fbs");
        return posting_url(it->get<std::string>(), e.type == "posting.arbitration");
    };
    // The cancellation's machine type (the initiator and reason are shown): for programs only.
    t.hidden_keys = {"cancellation_type"};
    return t;
}

}  // namespace

std::vector<EventType> posting_event_types() {
    using K = EventKind;
    using S = Severity;
    std::vector<EventType> v;
    v.push_back(posting_type(
        "posting.new", K::transition, S::info, "Новое отправление", "New posting",
        "Соберите заказ и передайте его на ПВЗ до срока отгрузки (в день отгрузки — до {handover_deadline}).",
        "Pack the order and hand it over before the ship-by time ({handover_deadline} on the shipping day)."));
    v.push_back(posting_type(
        "posting.status_changed", K::transition, S::info, "Статус отправления изменился",
        "Posting status changed",
        "Проверьте, что статус в InSales совпадает: интеграция обновляет статусы с опозданием.",
        "Check that InSales shows the same status: the integration updates statuses late."));
    v.push_back(posting_type(
        "posting.cancelled", K::transition, S::warning, "Отправление отменено", "Posting cancelled",
        "Не отгружайте заказ; если он уже собран — верните товар в остаток и проверьте отмену в InSales.",
        "Do not ship it; if already packed, put the goods back in stock and check InSales."));
    v.push_back(posting_type(
        "posting.cutoff_soon", K::condition, S::warning, "Скоро срок отгрузки", "Ship-by time is near",
        "Соберите и передайте отправление на ПВЗ до срока (ваш крайний срок передачи — "
        "{handover_deadline}). Не тяните до последних минут: ПВЗ может не успеть принять.",
        "Pack and hand it over before the deadline (your latest hand-over time is "
        "{handover_deadline}). Do not wait for the last minutes: the pickup point may not accept it in time."));
    v.push_back(posting_type(
        "posting.cutoff_missed", K::condition, S::warning, "Рекомендованный срок отгрузки прошёл",
        "Recommended ship-by time passed",
        "Теперь действует повышенный тариф. Передайте отправление на ПВЗ как можно скорее, до "
        "просрочки (строка «Просрочка с»; в тот день — до {handover_deadline}), иначе штраф и отмена.",
        "A higher tariff applies now. Hand it over as soon as possible, before it becomes overdue "
        "(\"Overdue from\"; on that day before {handover_deadline}), or expect a fine and a cancellation."));
    v.push_back(posting_type(
        "posting.overdue", K::condition, S::critical, "Отправление просрочено", "Posting overdue",
        "Критично: срок отгрузки без просрочки прошёл. Передайте отправление немедленно (в день "
        "передачи — до {handover_deadline}) и проверьте приёмку на ПВЗ; возможны штраф, отмена "
        "заказа и снижение рейтинга.",
        "Critical: the ship-by time without delay has passed. Hand it over now (on the day, before "
        "{handover_deadline}) and check the acceptance at the pickup point; expect a fine, a "
        "cancellation and a lower rating."));
    v.push_back(posting_type(
        "posting.stuck", K::condition, S::warning, "Отправление давно не меняет статус", "Posting is stuck",
        "Проверьте отправление в кабинете; если оно не движется — напишите в поддержку Ozon.",
        "Check the posting in the cabinet; if it does not move, contact Ozon support."));
    v.push_back(posting_type(
        "posting.arbitration", K::condition, S::critical, "Спорное отправление", "Posting in arbitration",
        "Критично: проверьте приёмку на ПВЗ (неправильная приёмка или опоздание к таймслоту — "
        "принесли после {handover_deadline}) и откройте спор в поддержке Ozon с документами передачи.",
        "Critical: check the acceptance at the pickup point (wrong acceptance or a missed slot — "
        "brought after {handover_deadline}) and open a dispute with Ozon support with the hand-over documents."));
    v.push_back(posting_type(
        "posting.not_accepted", K::condition, S::critical, "Отправление не принято на сортировке",
        "Posting not accepted at the sorting centre",
        "Проверьте акт приёма-передачи и обратитесь в поддержку Ozon.",
        "Check the hand-over certificate and contact Ozon support."));
    return v;
}

}  // namespace ozw::daemon::postings
