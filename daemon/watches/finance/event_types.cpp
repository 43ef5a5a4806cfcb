#include "daemon/watches/finance/event_types.hpp"

#include "common/decimal.hpp"
#include "daemon/watches/finance/evaluate.hpp"

namespace ozw::daemon::finance {

namespace {

void accrual_facts(const DetailsView& d, FactSink& s) {
    s.time_fact("Доставлено", "Delivered", d.str("delivered_at"));
    s.fact("Дней после доставки", "Days since delivery", d.str("days_since_delivery"));
    s.fact("Ждём начисление", "Accrual expected within",
           d.str("grace_days") + (s.russian() ? " дн. после доставки" : " days of delivery"));
    if (auto charges = Decimal::parse(d.str("charges")))
        s.fact("Уже удержано (комиссия, логистика)", "Already charged (commission, logistics)",
               charges->display(s.russian()));
}

}  // namespace

std::vector<EventType> finance_event_types() {
    EventType t;
    t.type = "finance.accrual_missing";
    t.kind = EventKind::condition;
    t.severity = Severity::warning;
    t.source = "ozon";
    t.title_ru = "Нет начисления за доставленный заказ";
    t.title_en = "No accrual for a delivered order";
    t.todo_ru = "Проверьте отправление в «Финансы → Начисления». Если начисления нет и через неделю после "
                "доставки — напишите в поддержку Ozon с номером отправления.";
    t.todo_en = "Check the posting in Finance → Accruals. If it is still missing a week after delivery, contact "
                "Ozon support with the posting number.";
    t.subject_key = "posting_number";
    t.facts = accrual_facts;
    t.url = [](const Event&) { return std::string(kAccrualsUrl); };
    return {t};
}

}  // namespace ozw::daemon::finance
