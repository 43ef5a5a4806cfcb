#include "daemon/watches/reviews/event_types.hpp"

#include "common/ozon/cabinet_links.hpp"

namespace ozw::daemon::reviews {

namespace {

// "★★☆☆☆ 2 из 5"
std::string stars(const DetailsView& d, bool ru) {
    const auto& v = d.at("rating");
    if (!v.is_number_integer()) return {};
    const long long n = v.get<long long>();
    if (n < 1 || n > 5) return std::to_string(n);
    std::string s;
    for (long long i = 1; i <= 5; ++i) s += i <= n ? "★" : "☆";
    return s + " " + std::to_string(n) + (ru ? " из 5" : " of 5");
}

void new_facts(const DetailsView& d, FactSink& s) {
    const bool ru = s.russian();
    std::string rating = stars(d, ru);
    if (d.has("alert_rating"))
        rating += ru ? " (порог оповещения: " + d.str("alert_rating") + ")"
                     : " (alert threshold: " + d.str("alert_rating") + ")";
    s.fact("Оценка", "Rating", rating);
    s.fact("Отзыв", "Review", d.str("text").empty() ? (ru ? "(без текста)" : "(no text)") : d.str("text"));
    std::string media = d.str("photos");
    if (!d.str("videos").empty()) media += ru ? ", видео: " + d.str("videos") : ", videos: " + d.str("videos");
    s.fact("Фото", "Photos", media);
    const std::string order = d.str("order_status");
    s.fact("Заказ", "Order",
           order == "DELIVERED"   ? (ru ? "доставлен" : "delivered")
           : order == "CANCELLED" ? (ru ? "отменён" : "cancelled")
                                  : order);
    s.time_fact("Опубликован", "Published", d.str("published_at"));
    const std::string page = d.str("product_url");
    if (!page.empty()) s.links("Товар на Ozon", "Product on Ozon", {page});
}

void not_available_facts(const DetailsView& d, FactSink& s) {
    s.time_fact("Недоступно с", "Unavailable since", d.str("since"));
    s.fact("Ответ Ozon", "Ozon's answer", d.str("ozon_message"));
}

}  // namespace

std::vector<EventType> review_event_types() {
    // As emitted for most reviews; a rating <= alert_rating is sent as a warning (catalogue).
    EventType fresh = declare_event_type("review.new", EventKind::transition, Severity::info, "ozon", ozon::reviews_url());
    fresh.title_ru = "Новый отзыв";
    fresh.title_en = "New review";
    fresh.subject_key = "product";
    fresh.todo_ru = "Прочитайте отзыв и ответьте покупателю в кабинете (Отзывы). На низкую оценку ответьте "
                    "быстро и по существу: извинитесь, предложите решение — ответ видят другие покупатели.";
    fresh.todo_en = "Read the review and answer the buyer in the cabinet (Reviews). Answer a low rating quickly "
                    "and to the point: apologise, offer a solution: other buyers read the answer.";
    fresh.facts = new_facts;
    // The id is for programs; SKU and article are shown in the subject ("DRS-001 (SKU 123)").
    fresh.hidden_keys = {"review_id", "sku", "offer_id"};

    EventType na = declare_event_type("review.not_available", EventKind::condition, Severity::info, "ozon",
                                      ozon::reviews_url());
    na.title_ru = "Отзывы недоступны: нет подписки";
    na.title_en = "Reviews not available: no subscription";
    na.todo_ru = "Ozon отдаёт отзывы через API только с подпиской «Управление отзывами» или Premium Pro. "
                 "Это не сбой: ozonwatch будет проверять раз в {recheck_hours} ч и начнёт следить за "
                 "новыми отзывами, когда подписка появится. До тех пор смотрите отзывы в кабинете.";
    na.todo_en = "Ozon serves reviews through the API only with the Review management or Premium Pro "
                 "subscription. This is not an outage: ozonwatch re-checks every {recheck_hours} h and "
                 "starts watching new reviews once the subscription is there. Until then read them in the cabinet.";
    na.facts = not_available_facts;
    return {fresh, na};
}

}  // namespace ozw::daemon::reviews
