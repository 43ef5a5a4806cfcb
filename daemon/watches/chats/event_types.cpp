#include "daemon/watches/chats/event_types.hpp"

#include <algorithm>
#include <cctype>

#include "common/ozon/cabinet_links.hpp"

namespace ozw::daemon::chats {

namespace {

void unread_facts(const DetailsView& d, FactSink& s) {
    const bool ru = s.russian();
    std::string type = d.str("chat_type");
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::toupper(c); });
    s.fact("Чат", "Chat",
           type == "BUYER_SELLER_SELECT" ? (ru ? "с покупателем Ozon Select" : "with an Ozon Select buyer")
                                         : (ru ? "с покупателем" : "with a buyer"));
    s.fact("Непрочитанных сообщений", "Unread messages", d.str("unread_count"));
    // /v3/chat/list gives no message times: since when ozonwatch sees them unread.
    if (d.flag("since_first_poll"))
        s.time_fact("Не прочитаны как минимум с", "Unread at least since", d.str("unread_since"));
    else
        s.time_fact("Не прочитаны с", "Unread since", d.str("unread_since"));
    s.time_fact("Чат начат", "Chat started", d.str("chat_created_at"));
    s.fact("ID чата", "Chat ID", d.str("chat_id"));
}

}  // namespace

std::vector<EventType> chat_event_types() {
    EventType t = declare_event_type("chat.unread", EventKind::condition, Severity::info, "ozon",
                                     ozon::buyer_chats_url());
    t.title_ru = "Непрочитанный чат покупателя";
    t.title_en = "Unread buyer chat";
    t.todo_ru = "Откройте чат в кабинете (Чаты → Покупатели) и ответьте: покупатель ждёт, а скорость ответа "
                "влияет на рейтинг продавца. Когда сообщения прочитаны, придёт «Решено».";
    t.todo_en = "Open the chat in the cabinet (Chats → Buyers) and answer: the buyer is waiting and the answer "
                "time counts for the seller rating. A resolved message follows once the messages are read.";
    t.facts = unread_facts;
    return {t};
}

}  // namespace ozw::daemon::chats
