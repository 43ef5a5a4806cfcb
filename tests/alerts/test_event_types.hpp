#pragma once
// Event types the alerts tests declare for themselves: alerts/ knows no watch, so its tests do
// not use the watches' types or texts. Shared by tests/alerts/unit and tests/alerts/integration.
#include <string>
#include <vector>

#include "common/event_types.hpp"

namespace ozw::alerts::testing {

// A problem with a posting (critical condition): subject posting_number; facts: a product list,
// an ISO time, a flag, a comment, photo links; "what to do" with {handover_deadline}; a link built
// from posting_number. "status" is kept for programs, not shown.
inline constexpr const char* kProblem = "test.posting_problem";
// A new posting (info transition): subject posting_number, a todo, no facts, no url builder.
inline constexpr const char* kNew = "test.posting_new";
// A return request (warning condition): the facts and link of kProblem, its own texts.
inline constexpr const char* kReturn = "test.return_request";
// A return request with the customer's photos (warning condition): kReturn's facts, link and
// texts, and an album: photos_key "photos", caption_key "comment".
inline constexpr const char* kReturnPhotos = "test.return_photos";
// A slow posting (warning condition) and unread messages (info condition): titles only.
inline constexpr const char* kSlow = "test.posting_slow";
inline constexpr const char* kUnread = "test.chat_unread";

inline EventType test_problem_type() {
    EventType t;
    t.type = kProblem;
    t.kind = EventKind::condition;
    t.severity = Severity::critical;
    t.source = "ozon";
    t.title_ru = "Проблема с отправлением";
    t.title_en = "Posting problem";
    t.subject_key = "posting_number";
    t.todo_ru = "Передайте отправление на ПВЗ до {handover_deadline}.";
    t.todo_en = "Hand the posting over before {handover_deadline}.";
    t.facts = [](const DetailsView& d, FactSink& s) {
        std::string items;
        for (const auto& p : d.at("products")) {
            if (!p.is_object()) continue;
            if (!items.empty()) items += "; ";
            items += p.value("name", std::string());
            int qty = p.value("quantity", 1);
            if (qty != 1) items += " × " + std::to_string(qty);
        }
        s.fact("Товары", "Items", items);
        s.time_fact("Отгрузить до", "Ship by", d.str("shipment_date"));
        if (d.flag("affects_rating"))
            s.fact("Рейтинг", "Rating", s.russian() ? "влияет на рейтинг" : "affects the rating");
        s.fact("Комментарий", "Comment", d.str("comment"));
        std::vector<std::string> photos;
        for (const auto& p : d.at("photos"))
            if (p.is_string()) photos.push_back(p.get<std::string>());
        s.links("Фото", "Photos", photos);
    };
    t.url = [](const Event& e) -> std::string {
        std::string n = e.details.is_object() ? e.details.value("posting_number", std::string()) : std::string();
        return n.empty() ? std::string() : "https://seller.ozon.ru/app/postings/fbs?search=" + n;
    };
    t.hidden_keys = {"status"};
    return t;
}

inline void register_test_types(EventTypeRegistry& reg = event_types()) {
    reg.add(test_problem_type());

    EventType ret = test_problem_type();
    ret.type = kReturn;
    ret.severity = Severity::warning;
    ret.title_ru = "Заявка на возврат";
    ret.title_en = "Return request";
    ret.todo_ru = "Посмотрите фото и решите до {handover_deadline}.";
    ret.todo_en = "Look at the photos and decide before {handover_deadline}.";
    reg.add(ret);

    EventType album = ret;
    album.type = kReturnPhotos;
    album.title_ru = "Заявка на возврат с фото";
    album.title_en = "Return request with photos";
    album.photos_key = "photos";
    album.caption_key = "comment";
    reg.add(album);

    EventType n;
    n.type = kNew;
    n.kind = EventKind::transition;
    n.severity = Severity::info;
    n.source = "ozon";
    n.title_ru = "Новое тестовое отправление";
    n.title_en = "New test posting";
    n.subject_key = "posting_number";
    n.todo_ru = "Соберите заказ.";
    n.todo_en = "Pack the order.";
    reg.add(n);

    EventType slow;
    slow.type = kSlow;
    slow.kind = EventKind::condition;
    slow.severity = Severity::warning;
    slow.source = "ozon";
    slow.title_ru = "Отправление давно стоит";
    slow.title_en = "Posting is slow";
    slow.subject_key = "posting_number";
    reg.add(slow);

    EventType unread;
    unread.type = kUnread;
    unread.kind = EventKind::condition;
    unread.severity = Severity::info;
    unread.source = "ozon";
    unread.title_ru = "Непрочитанные сообщения";
    unread.title_en = "Unread messages";
    reg.add(unread);
}

}  // namespace ozw::alerts::testing
