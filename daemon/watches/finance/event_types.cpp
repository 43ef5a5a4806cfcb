#include "daemon/watches/finance/event_types.hpp"

#include "common/decimal.hpp"
#include "daemon/watches/finance/evaluate.hpp"

namespace ozw::daemon::finance {

namespace {

// An amount stored as text, shown as money; nothing when absent.
void money_fact(const DetailsView& d, FactSink& s, const char* key, std::string_view ru, std::string_view en) {
    if (auto v = Decimal::parse(d.str(key))) s.fact(ru, en, v->display(s.russian()));
}

void accrual_facts(const DetailsView& d, FactSink& s) {
    s.time_fact("Доставлено", "Delivered", d.str("delivered_at"));
    s.fact("Дней после доставки", "Days since delivery", d.str("days_since_delivery"));
    s.fact("Ждём начисление", "Accrual expected within",
           d.str("grace_days") + (s.russian() ? " дн. после доставки" : " days of delivery"));
    money_fact(d, s, "charges", "Уже удержано (комиссия, логистика)", "Already charged (commission, logistics)");
}

void period_facts(const DetailsView& d, FactSink& s) {
    const bool ru = s.russian();
    if (d.flag("statement")) {
        money_fact(d, s, "orders", "Продажи", "Orders");
        money_fact(d, s, "returns", "Возвраты и отмены", "Returns and cancellations");
        money_fact(d, s, "commission", "Комиссия", "Commission");
        money_fact(d, s, "delivery", "Логистика", "Delivery and returns logistics");
        money_fact(d, s, "services", "Услуги", "Services");
        money_fact(d, s, "to_pay", "К выплате", "To be paid");
        if (!d.str("paid").empty()) money_fact(d, s, "paid", "Выплачено", "Paid");
        else s.fact("Выплачено", "Paid", ru ? "пока нет" : "not yet");
    } else {
        s.fact("Финансовый отчёт Ozon", "Ozon's statement", ru ? "ещё не опубликован" : "not published yet");
    }
    s.fact("Доставлено отправлений", "Postings delivered", d.str("delivered"));
    if (!d.str("counted_since").empty())
        s.fact("Подсчёт неполный", "Count incomplete",
               (ru ? "ozonwatch следит за магазином с " : "ozonwatch has watched the shop since ") +
                   s.local_time(d.str("counted_since")) +
                   (ru ? "; отправления, доставленные раньше, видны не все"
                       : "; postings delivered before that are not all known"));
    s.fact("С начислением", "Accrued", d.str("accrued"));
    const std::string waiting = ru ? "Ещё ждут начисления (доставлены меньше " + d.str("grace_days") + " дн. назад)"
                                   : "Still within the accrual time (delivered less than " + d.str("grace_days") +
                                         " days ago)";
    s.fact(waiting, waiting, d.str("waiting"));
    s.fact("Без начисления", "Not accrued", d.str("missing_count"));
    std::string listed;
    for (const auto& n : d.at("missing"))
        if (n.is_string()) listed += (listed.empty() ? "" : ", ") + n.get<std::string>();
    s.fact("Номера", "Numbers", listed);
    std::vector<std::string> urls;
    for (const auto& u : d.at("missing_links"))
        if (u.is_string()) urls.push_back(u.get<std::string>());
    s.links("Открыть", "Open", urls);
}

void payout_facts(const DetailsView& d, FactSink& s) {
    money_fact(d, s, "to_pay", "К выплате", "To be paid");
    s.time_fact("Период закрыт", "Period closed", d.str("period_end"));
    s.fact("Дней после закрытия", "Days since it closed", d.str("days_since_close"));
    s.fact("Выплату ждали", "Payment expected within",
           d.str("payout_days") + (s.russian() ? " дн. после закрытия" : " days of closing"));
}

EventType base(const char* type, EventKind kind, Severity severity) {
    return declare_event_type(type, kind, severity, "ozon", std::string(kAccrualsUrl));
}

}  // namespace

std::vector<EventType> finance_event_types() {
    EventType missing = base("finance.accrual_missing", EventKind::condition, Severity::warning);
    missing.title_ru = "Нет начисления за доставленный заказ";
    missing.title_en = "No accrual for a delivered order";
    missing.todo_ru = "Проверьте отправление в «Финансы → Начисления». Если начисления нет и через неделю после "
                      "доставки — напишите в поддержку Ozon с номером отправления.";
    missing.todo_en = "Check the posting in Finance → Accruals. If it is still missing a week after delivery, "
                      "contact Ozon support with the posting number.";
    missing.subject_key = "posting_number";
    missing.facts = accrual_facts;

    EventType closed = base("finance.period_closed", EventKind::transition, Severity::info);
    closed.title_ru = "Закрыт период выплат";
    closed.title_en = "Payout period closed";
    closed.todo_ru = "Сверьте суммы с «Финансы → Баланс» и 1С. Отправления без начисления откройте по ссылкам и "
                     "проверьте в «Финансы → Начисления».";
    closed.todo_en = "Check the sums against Finance → Balance and 1C. Open the postings without an accrual by "
                     "the links and check them in Finance → Accruals.";
    closed.subject_key = "period";
    closed.facts = period_facts;
    // For programs: the period's instants and currency (the label and amounts are shown).
    closed.hidden_keys = {"period_start", "period_end", "currency"};

    EventType payout = base("finance.payout_missing", EventKind::condition, Severity::warning);
    payout.title_ru = "Нет выплаты за период";
    payout.title_en = "No payout for the period";
    payout.todo_ru = "Проверьте «Финансы → Баланс» и банковскую выписку. Если денег нет — напишите в поддержку "
                     "Ozon, указав период.";
    payout.todo_en = "Check Finance → Balance and the bank statement. If the money has not arrived, contact Ozon "
                     "support naming the period.";
    payout.subject_key = "period";
    payout.facts = payout_facts;
    payout.hidden_keys = {"currency"};
    return {missing, closed, payout};
}

}  // namespace ozw::daemon::finance
