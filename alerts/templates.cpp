#include "alerts/templates.hpp"

#include <algorithm>
#include <map>

#include "common/time.hpp"

namespace ozw::alerts {

namespace {

struct TypeText {
    const char* title_ru;
    const char* title_en;
    const char* todo_ru;  // empty = no "what to do" line
    const char* todo_en;
};

// The manager's checklist (shared/seed) turned into one "what to do" line per type.
const std::map<std::string, TypeText>& catalogue() {
    static const std::map<std::string, TypeText> m = {
        {"posting.new",
         {"Новое отправление", "New posting",
          "Соберите заказ и передайте его на ПВЗ до срока отгрузки (в день отгрузки — до 17:00).",
          "Pack the order and hand it over before the ship-by time (17:00 on the shipping day)."}},
        {"posting.status_changed",
         {"Статус отправления изменился", "Posting status changed",
          "Проверьте, что статус в InSales совпадает: интеграция обновляет статусы с опозданием.",
          "Check that InSales shows the same status: the integration updates statuses late."}},
        {"posting.cancelled",
         {"Отправление отменено", "Posting cancelled",
          "Не отгружайте заказ; если он уже собран — верните товар в остаток и проверьте отмену в InSales.",
          "Do not ship it; if already packed, put the goods back in stock and check InSales."}},
        {"posting.cutoff_soon",
         {"Скоро срок отгрузки", "Ship-by time is near",
          "Соберите и передайте отправление на ПВЗ до срока. Даже в 16:59 может быть поздно: ПВЗ может не успеть принять.",
          "Pack and hand over before the deadline; even 16:59 may be too late for the pickup point."}},
        {"posting.cutoff_missed",
         {"Отправление не передано вовремя", "Posting missed its ship-by time",
          "Заказ не передан до 17:00 в день отгрузки или не принят на ПВЗ. Передайте его как можно скорее и проверьте приёмку на ПВЗ, иначе отмена и штраф.",
          "It was not handed over before 17:00 on the shipping day or not accepted at the pickup point. Hand it over now and check the acceptance, or expect a cancellation and a fine."}},
        {"posting.stuck",
         {"Отправление давно не меняет статус", "Posting is stuck",
          "Проверьте отправление в кабинете; если оно не движется — напишите в поддержку Ozon.",
          "Check the posting in the cabinet; if it does not move, contact Ozon support."}},
        {"posting.arbitration",
         {"Спорное отправление", "Posting in arbitration",
          "Критично: проверьте приёмку на ПВЗ (неправильная приёмка или опоздание к таймслоту после 17:00) и откройте спор в поддержке Ozon с документами передачи.",
          "Critical: check the acceptance at the pickup point (wrong acceptance or a missed 17:00 slot) and open a dispute with Ozon support with the hand-over documents."}},
        {"posting.not_accepted",
         {"Отправление не принято на сортировке", "Posting not accepted at the sorting centre",
          "Проверьте акт приёма-передачи и обратитесь в поддержку Ozon.",
          "Check the hand-over certificate and contact Ozon support."}},
        {"return.new",
         {"Новый возврат", "New return",
          "Отмена — клиент не забрал заказ с ПВЗ (хранение 2 дня); клиентский возврат — прочитайте причину и комментарий. Заберите возврат, когда он придёт.",
          "A cancellation means the customer did not collect the order; a customer return has a reason and comment. Collect the return when it arrives."}},
        {"return.request_pending",
         {"Заявка на возврат ждёт решения", "Return request awaits your decision",
          "Посмотрите фото и комментарий: если товар не повреждён и выглядит непоношенным — примите заявку; иначе отклоните или предложите скидку.",
          "Look at the photos and the comment: accept if the item is undamaged and unworn; otherwise reject or offer a discount."}},
        {"return.ready_for_pickup",
         {"Возврат ждёт на ПВЗ", "Return waits at the pickup point",
          "Заберите возврат с ПВЗ, пока не началось платное хранение и утилизация.",
          "Collect the return before paid storage and disposal start."}},
        {"return.disputed",
         {"Спор по возврату", "Return dispute",
          "Ответьте в споре в кабинете: приложите фото и документы о состоянии товара.",
          "Answer the dispute in the cabinet with photos and documents of the item's condition."}},
        {"finance.accrual_missing",
         {"Нет начисления за доставленное отправление", "No accrual for a delivered posting",
          "Проверьте Финансы → Начисления; если начисления нет и дальше — обратитесь в поддержку Ozon.",
          "Check Finances → Accruals; if it is still missing, contact Ozon support."}},
        {"finance.period_closed",
         {"Закрыт период выплат", "Payout period closed",
          "Сверьте начисления за период с доставленными отправлениями.",
          "Reconcile the period's accruals with the delivered postings."}},
        {"stock.suspicious",
         {"Подозрительный остаток", "Suspicious stock",
          "Проверьте остаток в 1С; если не совпадает — разберитесь с синхронизацией InSales и Ozon.",
          "Check the stock in 1C; if it differs, fix the InSales-Ozon synchronisation."}},
        {"stock.mismatch",
         {"Остатки расходятся", "Stock mismatch",
          "Сверьте остаток с 1С и InSales и проверьте синхронизацию.",
          "Compare with 1C and InSales and check the synchronisation."}},
        {"stock.out",
         {"Товар закончился", "Out of stock",
          "Проверьте остаток в 1С и InSales; если товар есть — обновите остаток.",
          "Check 1C and InSales; if there is stock, update it."}},
        {"review.new",
         {"Новый отзыв", "New review",
          "Прочитайте отзыв и ответьте покупателю в кабинете; на низкую оценку — в тот же день.",
          "Read the review and answer in the cabinet; answer low ratings the same day."}},
        {"chat.unread",
         {"Непрочитанные сообщения покупателя", "Unread customer messages",
          "Ответьте покупателю в чате.", "Answer the customer in the chat."}},
        {"source.auth_failed",
         {"Нет доступа к API", "API access failed",
          "Проверьте API-ключ (Настройки → API-ключи): срок, роли, ограничение по IP, подписанная оферта; выпустите новый ключ и обновите конфигурацию.",
          "Check the API key (Settings → API keys): expiry, roles, IP restriction, signed offer; issue a new key and update the configuration."}},
        {"source.key_expiring",
         {"API-ключ Ozon скоро истечёт", "Ozon API key expires soon",
          "Выпустите новый ключ (Настройки → API-ключи) и замените его в конфигурации ozonwatch.",
          "Issue a new key (Settings → API keys) and replace it in the ozonwatch configuration."}},
        {"source.unavailable",
         {"Источник данных недоступен", "Data source unavailable",
          "ozonwatch повторяет запросы сам; если это надолго — проверьте сеть и статус сервиса. Пока источник недоступен, события могут опаздывать.",
          "ozonwatch keeps retrying; if it lasts, check the network and the service status. Events may be late meanwhile."}},
        {"report.daily",
         {"Утренний отчёт", "Morning report", "", ""}},
        {"notify.delivery_failed",
         {"Не удалось доставить уведомления", "Notifications could not be delivered",
          "Проверьте настройки канала (токен бота, чат, SMTP) и выполните «ozonwatch notify test».",
          "Check the channel settings (bot token, chat, SMTP) and run `ozonwatch notify test`."}},
        {"notify.test",
         {"Проверка уведомлений ozonwatch", "ozonwatch notification test", "", ""}},
    };
    return m;
}

bool ru(const RenderOptions& o) { return o.language != "en"; }

std::string str_field(const nlohmann::json& d, const char* k) {
    auto it = d.find(k);
    if (it == d.end() || it->is_null()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_boolean()) return it->get<bool>() ? "true" : "false";
    if (it->is_number_integer()) return std::to_string(it->get<long long>());
    if (it->is_number()) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.2f", it->get<double>());
        return buf;
    }
    return it->dump();
}

std::string enc(std::string_view s, Format f) { return f == Format::html ? html_escape(s) : std::string(s); }

const char* severity_icon(const Event& e, std::string_view reason) {
    if (e.state == EventState::resolved) return "✅";
    if (reason == "repeat") return "🔁";
    switch (e.severity) {
        case Severity::critical: return "🔴";
        case Severity::warning: return "🟠";
        default: return "🔵";
    }
}

// Shows an ISO time from details in local time; leaves other text as it is.
std::string local_time(const std::string& iso, const RenderOptions& o) {
    auto t = parse_iso8601(iso);
    if (!t) return iso;
    try {
        return TimeZone(o.timezone).format_local(*t);
    } catch (...) {
        return iso;
    }
}

std::string posting_status_name(const std::string& s, bool r) {
    static const std::map<std::string, std::pair<const char*, const char*>> m = {
        {"awaiting_registration", {"ожидает регистрации", "awaiting registration"}},
        {"acceptance_in_progress", {"идёт приёмка", "acceptance in progress"}},
        {"awaiting_approve", {"ожидает подтверждения", "awaiting approval"}},
        {"awaiting_packaging", {"ожидает сборки", "awaiting packaging"}},
        {"awaiting_deliver", {"ожидает отгрузки", "awaiting hand-over"}},
        {"arbitration", {"спорное", "arbitration"}},
        {"client_arbitration", {"клиентский спор", "client arbitration"}},
        {"delivering", {"доставляется", "delivering"}},
        {"driver_pickup", {"у водителя", "driver pickup"}},
        {"delivered", {"доставлено", "delivered"}},
        {"cancelled", {"отменено", "cancelled"}},
        {"not_accepted", {"не принято на сортировке", "not accepted"}},
        {"sent_by_seller", {"отправлено продавцом", "sent by seller"}},
    };
    auto it = m.find(s);
    if (it == m.end()) return s;
    return r ? it->second.first : it->second.second;
}

// One fact line "Label: value" (value escaped, label plain).
void fact(std::string& out, const char* label, const std::string& value, Format f) {
    if (value.empty()) return;
    out += label;
    out += ": ";
    out += enc(value, f);
    out += '\n';
}

std::string products_line(const nlohmann::json& d) {
    std::string out;
    auto it = d.find("products");
    if (it != d.end() && it->is_array()) {
        for (const auto& p : *it) {
            if (!p.is_object()) continue;
            std::string name = str_field(p, "name");
            if (name.empty()) name = str_field(p, "offer_id");
            std::string qty = str_field(p, "quantity");
            if (!out.empty()) out += "; ";
            out += name;
            if (!qty.empty() && qty != "1") out += " × " + qty;
        }
    }
    if (out.empty()) out = str_field(d, "product_name");
    return out;
}

std::string subject_of(const Event& e) {
    const auto& d = e.details;
    for (const char* k : {"posting_number", "offer_id", "period", "source", "channel"}) {
        auto v = str_field(d, k);
        if (!v.empty()) return v;
    }
    return {};
}

}  // namespace

std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 16);
    for (char c : s) {
        switch (c) {
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '&': out += "&amp;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string cabinet_url(const Event& e) {
    const std::string base = "https://seller.ozon.ru/app/";
    const std::string pn = str_field(e.details, "posting_number");
    auto q = [](const std::string& v) {
        // Posting numbers and offer ids are [0-9A-Za-z-_.]; percent-encode anything else.
        std::string out;
        for (unsigned char c : v) {
            if (std::isalnum(c) || c == '-' || c == '_' || c == '.') out += static_cast<char>(c);
            else {
                char buf[4];
                std::snprintf(buf, sizeof buf, "%%%02X", c);
                out += buf;
            }
        }
        return out;
    };
    const std::string& t = e.type;
    if (t == "posting.arbitration")
        return base + "postings/fbs?tab=arbitration" + (pn.empty() ? "" : "&search=" + q(pn));
    if (t.rfind("posting.", 0) == 0)
        return base + "postings/fbs" + (pn.empty() ? "" : "?search=" + q(pn));
    if (t.rfind("return.", 0) == 0)
        return base + "returns/fbs" + (pn.empty() ? "" : "?search=" + q(pn));
    if (t.rfind("finance.", 0) == 0) return base + "finances/accruals";
    if (t.rfind("stock.", 0) == 0) {
        auto offer = str_field(e.details, "offer_id");
        return base + "products" + (offer.empty() ? "" : "?search=" + q(offer));
    }
    if (t == "review.new") return base + "reviews";
    if (t == "chat.unread") return base + "messenger";
    if (t == "source.auth_failed" || t == "source.key_expiring") return base + "settings/api-keys";
    if (!e.url.empty()) return e.url;
    return base + "dashboard/main";
}

std::string button_text(const std::string& language) {
    return language == "en" ? "Open in seller cabinet" : "Открыть в кабинете";
}

std::string event_title(const Event& e, const std::string& language) {
    bool r = language != "en";
    const auto& cat = catalogue();
    auto it = cat.find(e.type);
    std::string title;
    if (it != cat.end()) title = r ? it->second.title_ru : it->second.title_en;
    else title = e.title.empty() ? e.type : e.title;
    auto subj = subject_of(e);
    if (!subj.empty() && it != cat.end()) title += " " + subj;
    if (e.state == EventState::resolved) title = (r ? "Решено: " : "Resolved: ") + title;
    return title;
}

std::string render_event(const Event& e, std::string_view reason, const RenderOptions& o,
                         Format f) {
    const bool r = ru(o);
    const auto& d = e.details;
    std::string out;
    out += severity_icon(e, reason);
    out += ' ';
    if (reason == "repeat") out += r ? "Всё ещё актуально: " : "Still holds: ";
    if (f == Format::html) out += "<b>" + html_escape(event_title(e, o.language)) + "</b>\n";
    else out += event_title(e, o.language) + "\n";

    if (!e.account.empty()) fact(out, r ? "Аккаунт" : "Account", e.account, f);
    const std::string& t = e.type;
    const auto& cat = catalogue();
    const bool known = cat.count(t) > 0;

    auto status = str_field(d, "status");
    auto prev = str_field(d, "previous_status");
    if (!status.empty()) {
        std::string v = posting_status_name(status, r);
        if (!prev.empty()) v = posting_status_name(prev, r) + " → " + v;
        fact(out, r ? "Статус" : "Status", v, f);
    }
    fact(out, r ? "Товары" : "Items", products_line(d), f);
    auto ship = str_field(d, "shipment_date");
    if (!ship.empty()) fact(out, r ? "Отгрузить до" : "Ship by", local_time(ship, o), f);
    auto deadline = str_field(d, "deadline");
    if (!deadline.empty()) fact(out, r ? "Срок" : "Deadline", local_time(deadline, o), f);
    fact(out, r ? "Инициатор отмены" : "Cancelled by", str_field(d, "cancellation_initiator"), f);
    fact(out, r ? "Причина отмены" : "Cancel reason", str_field(d, "cancel_reason"), f);
    if (str_field(d, "affects_rating") == "true")
        fact(out, r ? "Рейтинг" : "Rating", r ? "отмена влияет на рейтинг продавца" : "affects the seller rating", f);
    fact(out, r ? "Тип возврата" : "Return type", str_field(d, "return_type"), f);
    fact(out, r ? "Причина возврата" : "Return reason", str_field(d, "return_reason"), f);
    auto dd = str_field(d, "decision_deadline");
    if (!dd.empty()) fact(out, r ? "Решить до" : "Decide by", local_time(dd, o), f);
    fact(out, r ? "Дней ждёт" : "Days waiting", str_field(d, "days_waiting"), f);
    fact(out, r ? "Осталось минут" : "Minutes left", str_field(d, "minutes_left"), f);
    fact(out, r ? "Дней в статусе" : "Days in status", str_field(d, "days_in_status"), f);
    fact(out, r ? "Допустимо" : "Limit", str_field(d, "limit"), f);
    auto since = str_field(d, "since");
    if (!since.empty()) fact(out, r ? "С" : "Since", local_time(since, o), f);
    auto st = str_field(d, "storage_starts_at");
    if (!st.empty()) fact(out, r ? "Платное хранение с" : "Paid storage from", local_time(st, o), f);
    auto ut = str_field(d, "utilization_date");
    if (!ut.empty()) fact(out, r ? "Утилизация" : "Disposal on", local_time(ut, o), f);
    auto delivered = str_field(d, "delivered_at");
    if (!delivered.empty()) fact(out, r ? "Доставлено" : "Delivered", local_time(delivered, o), f);
    fact(out, r ? "Дней" : "Days", str_field(d, "days"), f);
    auto amount = str_field(d, "amount");
    if (!amount.empty()) {
        auto cur = str_field(d, "currency");
        fact(out, r ? "Сумма" : "Amount", amount + " " + (cur.empty() ? "₽" : cur), f);
    }
    if (t == "finance.period_closed") {
        auto it = d.find("totals");
        if (it != d.end() && it->is_object())
            for (auto& [k, v] : it->items()) fact(out, k.c_str(), v.is_string() ? v.get<std::string>() : v.dump(), f);
    }
    if (t.rfind("stock.", 0) == 0) {
        fact(out, r ? "Остаток" : "Stock", str_field(d, "value"), f);
        fact(out, "Ozon", str_field(d, "ozon_stock"), f);
        auto os = str_field(d, "other_source");
        if (!os.empty()) fact(out, os.c_str(), str_field(d, "other_stock"), f);
    }
    auto rating = str_field(d, "rating");
    if (!rating.empty()) fact(out, r ? "Оценка" : "Rating", rating + " ★", f);
    fact(out, r ? "Отзыв" : "Review", str_field(d, "text"), f);
    fact(out, r ? "Непрочитанных" : "Unread", str_field(d, "unread_count"), f);
    fact(out, r ? "Комментарий покупателя" : "Customer comment", str_field(d, "customer_comment"), f);
    if (auto it = d.find("photos"); it != d.end() && it->is_array() && !it->empty()) {
        out += r ? "Фото:" : "Photos:";
        int n = 0;
        for (const auto& p : *it) {
            if (!p.is_string()) continue;
            ++n;
            if (f == Format::html)
                out += " <a href=\"" + html_escape(p.get<std::string>()) + "\">" + std::to_string(n) + "</a>";
            else
                out += " " + p.get<std::string>();
        }
        out += '\n';
    }
    fact(out, r ? "Источник" : "Source", t.rfind("source.", 0) == 0 ? str_field(d, "source") : "", f);
    fact(out, r ? "Канал" : "Channel", str_field(d, "channel"), f);
    fact(out, r ? "Ошибка" : "Error", str_field(d, "error"), f);
    auto exp = str_field(d, "expires_at");
    if (!exp.empty()) fact(out, r ? "Истекает" : "Expires", local_time(exp, o), f);
    if (auto it = d.find("lines"); it != d.end() && it->is_array())
        for (const auto& l : *it)
            if (l.is_string()) out += enc(l.get<std::string>(), f) + "\n";

    if (!known) {
        // Unknown type: keep every scalar detail so nothing the watch found is lost.
        static const char* consumed[] = {"status", "previous_status", "posting_number"};
        for (auto& [k, v] : d.items()) {
            if (std::find_if(std::begin(consumed), std::end(consumed), [&](const char* c) { return k == c; }) != std::end(consumed)) continue;
            if (v.is_structured()) continue;
            fact(out, k.c_str(), v.is_string() ? v.get<std::string>() : v.dump(), f);
        }
        auto pn = str_field(d, "posting_number");
        if (!pn.empty()) fact(out, r ? "Отправление" : "Posting", pn, f);
    }

    if (e.state == EventState::firing && known) {
        const auto& tt = cat.at(t);
        std::string todo = r ? tt.todo_ru : tt.todo_en;
        if (!todo.empty()) {
            if (f == Format::html) out += std::string("<b>") + (r ? "Что делать" : "What to do") + ":</b> " + html_escape(todo) + "\n";
            else out += std::string(r ? "Что делать" : "What to do") + ": " + todo + "\n";
        }
    }
    std::string url = cabinet_url(e);
    if (f == Format::html)
        out += "<a href=\"" + html_escape(url) + "\">" + html_escape(button_text(o.language)) + "</a>";
    else
        out += url;
    return out;
}

RenderedMessage render_group(const std::vector<Event>& events, const std::vector<std::string>& reasons,
                             const RenderOptions& o) {
    RenderedMessage m;
    m.events = events;
    m.reasons = reasons;
    m.reasons.resize(events.size(), "new");
    if (events.empty()) return m;
    const bool r = ru(o);
    std::size_t top = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (events[i].severity > events[top].severity) top = i;
        m.severity = std::max(m.severity, events[i].severity);
    }
    m.silent = m.severity == Severity::info;
    std::string header_text, header_html;
    if (events.size() > 1) {
        std::string n = std::to_string(events.size());
        header_text = r ? "ozonwatch: событий — " + n : "ozonwatch: " + n + " events";
        header_html = "<b>" + html_escape(header_text) + "</b>\n\n";
        header_text += "\n\n";
    }
    m.html = header_html;
    m.text = header_text;
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (i) {
            m.html += "\n\n";
            m.text += "\n\n";
        }
        m.html += render_event(events[i], m.reasons[i], o, Format::html);
        m.text += render_event(events[i], m.reasons[i], o, Format::text);
    }
    std::string top_title = event_title(events[top], o.language);
    if (events.size() == 1) m.subject = "[ozonwatch] " + top_title;
    else
        m.subject = "[ozonwatch] " + top_title +
                    (r ? " и ещё " + std::to_string(events.size() - 1)
                       : " and " + std::to_string(events.size() - 1) + " more");
    m.button_text = button_text(o.language);
    m.button_url = cabinet_url(events[top]);
    return m;
}

std::string render_group(const std::vector<Event>& events, const std::string& language, Format format) {
    RenderOptions o;
    o.language = language;
    auto m = render_group(events, {}, o);
    return format == Format::html ? m.html : m.text;
}

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

namespace {

// Cuts one over-long line into pieces of <= max code points, never inside a tag, an entity or
// an open tag pair (when possible), never inside a UTF-8 sequence.
void split_long_line(std::string_view line, std::size_t max, std::vector<std::string>& out) {
    while (utf8_length(line) > max) {
        std::size_t cps = 0, best = 0, i = 0;
        int depth = 0;          // open tag pairs (<b>..</b>)
        bool in_tag = false, in_entity = false;
        std::size_t fallback = 0;  // last code-point boundary outside tag/entity
        for (; i < line.size(); ++i) {
            unsigned char c = static_cast<unsigned char>(line[i]);
            bool boundary = (c & 0xC0) != 0x80;
            if (boundary) {
                if (cps == max) break;
                if (!in_tag && !in_entity) {
                    fallback = i;
                    if (depth == 0) best = i;
                }
                ++cps;
            }
            if (c == '<') {
                in_tag = true;
                depth += (i + 1 < line.size() && line[i + 1] == '/') ? -1 : 1;
            } else if (c == '>' && in_tag) in_tag = false;
            else if (c == '&') in_entity = true;
            else if (c == ';' && in_entity) in_entity = false;
        }
        std::size_t cut = best ? best : (fallback ? fallback : i);
        if (cut == 0) cut = i;
        out.emplace_back(line.substr(0, cut));
        line.remove_prefix(cut);
    }
    if (!line.empty()) out.emplace_back(line);
}

}  // namespace

std::vector<std::string> split_message(std::string_view s, std::size_t max) {
    std::vector<std::string> parts;
    if (s.empty() || max == 0) {
        if (!s.empty()) parts.emplace_back(s);
        return parts;
    }
    std::string cur;
    std::size_t cur_len = 0;
    auto flush = [&] {
        // Trailing newlines are dropped: Telegram refuses an empty or whitespace-only text.
        while (!cur.empty() && cur.back() == '\n') cur.pop_back();
        if (!cur.empty()) parts.push_back(std::move(cur));
        cur.clear();
        cur_len = 0;
    };
    std::size_t pos = 0;
    while (pos <= s.size()) {
        std::size_t nl = s.find('\n', pos);
        std::string_view line = s.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        std::size_t len = utf8_length(line);
        std::size_t need = (cur.empty() ? 0 : 1) + len;
        if (cur_len + need <= max) {
            if (!cur.empty()) { cur += '\n'; ++cur_len; }
            cur += line;
            cur_len += len;
        } else {
            flush();
            if (len <= max) {
                cur = std::string(line);
                cur_len = len;
            } else {
                std::vector<std::string> pieces;
                split_long_line(line, max, pieces);
                for (std::size_t k = 0; k + 1 < pieces.size(); ++k) parts.push_back(pieces[k]);
                cur = pieces.empty() ? std::string() : pieces.back();
                cur_len = utf8_length(cur);
            }
        }
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    flush();
    return parts;
}

}  // namespace ozw::alerts

namespace ozw::alerts {

std::string html_to_text(std::string_view h) {
    std::string out;
    std::string href;  // of the open <a>
    std::size_t label_start = 0;
    auto unescape = [](std::string_view s) {
        std::string r;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '&') {
                auto semi = s.find(';', i);
                if (semi != std::string_view::npos && semi - i <= 6) {
                    auto ent = s.substr(i, semi - i + 1);
                    const char* rep = ent == "&lt;" ? "<" : ent == "&gt;" ? ">" : ent == "&amp;" ? "&"
                                    : ent == "&quot;" ? "\"" : nullptr;
                    if (rep) {
                        r += rep;
                        i = semi;
                        continue;
                    }
                }
            }
            r += s[i];
        }
        return r;
    };
    std::size_t i = 0;
    while (i < h.size()) {
        if (h[i] == '<') {
            auto close = h.find('>', i);
            if (close == std::string_view::npos) { out += unescape(h.substr(i)); break; }
            std::string_view tag = h.substr(i + 1, close - i - 1);
            if (tag.rfind("a ", 0) == 0) {
                auto q1 = tag.find('"');
                auto q2 = q1 == std::string_view::npos ? q1 : tag.find('"', q1 + 1);
                href = q2 == std::string_view::npos ? std::string() : unescape(tag.substr(q1 + 1, q2 - q1 - 1));
                label_start = out.size();
            } else if (tag == "/a" && !href.empty()) {
                if (out.substr(label_start) == href) {
                } else if (label_start == out.size()) {
                    out += href;
                } else {
                    out += " (" + href + ")";
                }
                href.clear();
            }
            i = close + 1;
        } else {
            auto next = h.find('<', i);
            if (next == std::string_view::npos) next = h.size();
            out += unescape(h.substr(i, next - i));
            i = next;
        }
    }
    return out;
}

}  // namespace ozw::alerts
