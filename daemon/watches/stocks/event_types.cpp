#include "daemon/watches/stocks/event_types.hpp"

#include <cmath>
#include <cstdio>

#include "daemon/watches/stocks/evaluate.hpp"

namespace ozw::daemon::stocks {

namespace {

std::string number(const nlohmann::json& v) {
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    if (v.is_number()) {
        const double d = v.get<double>();
        if (std::floor(d) == d) return std::to_string(static_cast<long long>(d));
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.3g", d);
        return buf;
    }
    return "—";
}

// "DRS-001: Ozon 8 · InSales 5 · 1С 5" (a figure a source does not have: "—").
std::string article_line(const nlohmann::json& a, bool ru, bool with_insales, bool with_onec) {
    std::string line = "• " + a.value("offer_id", std::string{}) + ": Ozon " + number(a.value("ozon", nlohmann::json()));
    if (a.contains("jumped_from")) line += ru ? " (было " + number(a["jumped_from"]) + ")" : " (was " + number(a["jumped_from"]) + ")";
    if (with_insales) line += " · InSales " + number(a.value("insales", nlohmann::json()));
    if (with_onec) line += (ru ? " · 1С " : " · 1C ") + number(a.value("onec", nlohmann::json()));
    if (auto w = a.find("warehouses"); w != a.end() && w->is_array() && !w->empty()) {
        std::string where;
        for (const auto& x : *w) {
            if (!x.is_object()) continue;
            where += (where.empty() ? "" : "; ") + x.value("name", std::string{}) + " " +
                     number(x.value("present", nlohmann::json()));
            if (x.value("reserved", 0LL) > 0)
                where += (ru ? " (резерв " : " (reserved ") + number(x["reserved"]) + ")";
        }
        line += (ru ? " — склады: " : " — warehouses: ") + where;
    }
    return line;
}

void list_articles(const DetailsView& d, FactSink& s, bool with_insales, bool with_onec) {
    const auto& articles = d.at("articles");
    if (!articles.is_array()) return;
    for (const auto& a : articles)
        if (a.is_object()) s.line(article_line(a, s.russian(), with_insales, with_onec));
    const auto count = d.at("count");
    if (count.is_number_integer() && count.get<long long>() > static_cast<long long>(articles.size()))
        s.line((s.russian() ? "… и ещё " : "… and ") + std::to_string(count.get<long long>() - articles.size()) +
               (s.russian() ? "" : " more"));
}

void suspicious_facts(const DetailsView& d, FactSink& s) {
    s.fact("Артикулов", "Articles", d.str("count"));
    list_articles(d, s, true, true);
}

void mismatch_facts(const DetailsView& d, FactSink& s) {
    const bool ru = s.russian();
    const std::string link = d.str("link");
    s.fact("Где разрыв", "Broken link",
           link == "onec_insales"   ? (ru ? "1С → InSales: InSales не получил остатки из 1С" : "1C → InSales: InSales did not take 1C's stock")
           : link == "insales_ozon" ? (ru ? "InSales → Ozon: Ozon не принял остатки из InSales" : "InSales → Ozon: Ozon did not take InSales' stock")
                                    : (ru ? "1С → Ozon: остатки Ozon не совпадают с 1С" : "1C → Ozon: Ozon differs from 1C"));
    s.fact("Артикулов", "Articles", d.str("count"));
    s.time_fact("Расходятся с", "Differ since", d.str("since"));
    s.time_fact("InSales прочитан", "InSales read at", d.str("insales_read_at"));
    s.time_fact("Выгрузка 1С от", "1C export of", d.str("onec_written_at"));
    list_articles(d, s, link != "onec_ozon", link != "insales_ozon" || d.has("onec_written_at"));
}

void out_facts(const DetailsView& d, FactSink& s) {
    s.fact("Было", "Was", d.str("was"));
    s.fact("В InSales", "In InSales", d.str("insales"));
    s.fact("В 1С", "In 1C", d.str("onec"));
}

void stale_facts(const DetailsView& d, FactSink& s) {
    const bool ru = s.russian();
    s.fact("Ошибка", "Error", d.str("error"));
    s.time_fact("Не отвечает с", "Failing since", d.str("failing_since"));
    s.time_fact("Последнее успешное чтение", "Last good read", d.str("read_at"));
    s.time_fact("Файл выгрузки от", "Export file of", d.str("written_at"));
    if (!d.str("max_age_hours").empty())
        s.fact("Допустимый возраст", "Allowed age", d.str("max_age_hours") + (ru ? " ч" : " h"));
}

EventType base(const char* type, EventKind kind, Severity severity, const char* source) {
    return declare_event_type(type, kind, severity, source, std::string(kStocksUrl));
}

}  // namespace

std::string link_title(const std::string& link, bool ru) {
    if (link == "onec_insales") return ru ? "1С → InSales" : "1C → InSales";
    if (link == "insales_ozon") return "InSales → Ozon";
    return ru ? "1С → Ozon" : "1C → Ozon";
}

std::vector<EventType> stocks_event_types() {
    EventType suspicious = base("stock.suspicious", EventKind::condition, Severity::warning, "ozon");
    suspicious.title_ru = "Подозрительный остаток на Ozon";
    suspicious.title_en = "Suspicious stock on Ozon";
    suspicious.todo_ru = "Сверьте эти остатки с 1С. Если в 1С другое число — синхронизация 1С → InSales → Ozon "
                         "сбилась: исправьте остаток и проверьте обмен.";
    suspicious.todo_en = "Check these figures against 1C. If 1C says otherwise, the 1C → InSales → Ozon sync "
                         "broke: fix the stock and check the exchange.";
    suspicious.facts = suspicious_facts;

    EventType mismatch = base("stock.mismatch", EventKind::condition, Severity::warning, "ozon");
    mismatch.title_ru = "Остатки расходятся";
    mismatch.title_en = "Stocks differ";
    mismatch.todo_ru = "Проверьте обмен на указанном участке: очередь выгрузки InSales, обмен с 1С. Когда "
                       "остатки сойдутся, придёт «Решено».";
    mismatch.todo_en = "Check the exchange on that link: InSales' export queue, the 1C exchange. A resolved "
                       "message follows when the figures agree.";
    mismatch.facts = mismatch_facts;
    mismatch.hidden_keys = {"link"};  // shown as the "broken link" sentence

    EventType out = base("stock.out", EventKind::transition, Severity::info, "ozon");
    out.title_ru = "Товар закончился на Ozon";
    out.title_en = "Out of stock on Ozon";
    out.todo_ru = "Если товар есть на складе — проверьте остаток в 1С и InSales.";
    out.todo_en = "If the item is in the warehouse, check its stock in 1C and InSales.";
    out.subject_key = "offer_id";
    out.facts = out_facts;

    EventType stale = base("stock.source_stale", EventKind::condition, Severity::warning, "ozonwatch");
    stale.title_ru = "Остатки не с чем сверить";
    stale.title_en = "No fresh figures to compare stocks with";
    stale.todo_ru = "InSales: проверьте доступ приложения (логин и пароль в настройках). 1С: проверьте, что "
                    "обмен выгружает файл остатков. Пока данных нет, этот источник не сверяется.";
    stale.todo_en = "InSales: check the app's access (login and password). 1C: check that the exchange writes "
                    "the stock file. Until then this source is not compared.";
    stale.subject_key = "source";
    stale.facts = stale_facts;
    return {suspicious, mismatch, out, stale};
}

}  // namespace ozw::daemon::stocks
