#include "daemon/watches/postings/posting.hpp"

#include "common/time.hpp"
#include "daemon/engine/item_json.hpp"

namespace ozw::daemon::postings {

using nlohmann::json;
using namespace item_json;

json PostingState::to_json() const {
    json products_json = json::array();
    for (const auto& p : products)
        products_json.push_back({{"name", p.name}, {"offer_id", p.offer_id}, {"quantity", p.quantity}});
    json j = {{"posting_number", posting_number},
              {"status", status},
              {"substatus", substatus},
              {"in_process_at", time_or_null(in_process_at)},
              {"shipment_date", time_or_null(shipment_date)},
              {"shipment_date_without_delay", time_or_null(shipment_date_without_delay)},
              {"delivering_date", time_or_null(delivering_date)},
              {"status_since", format_iso8601_ms(status_since)},
              {"products", std::move(products_json)}};
    if (cancellation) {
        j["cancellation"] = {{"initiator", cancellation->initiator},
                             {"type", cancellation->type},
                             {"reason", cancellation->reason},
                             {"reason_id", cancellation->reason_id},
                             {"affects_rating", cancellation->affects_rating},
                             {"after_ship", cancellation->after_ship}};
    }
    if (tariff) {
        j["tariff"] = {{"type", tariff->type},
                       {"rate", tariff->rate},
                       {"charge", tariff->charge ? json(*tariff->charge) : json(nullptr)},
                       {"next_type", tariff->next_type},
                       {"next_rate", tariff->next_rate},
                       {"next_starts_at", time_or_null(tariff->next_starts_at)}};
    }
    return j;
}

PostingState PostingState::from_json(const json& j) {
    PostingState s;
    if (!j.is_object()) return s;
    s.posting_number = str_of(j, "posting_number");
    s.status = str_of(j, "status");
    s.substatus = str_of(j, "substatus");
    s.in_process_at = time_of(j, "in_process_at");
    s.shipment_date = time_of(j, "shipment_date");
    s.shipment_date_without_delay = time_of(j, "shipment_date_without_delay");
    s.delivering_date = time_of(j, "delivering_date");
    s.status_since = time_of(j, "status_since").value_or(TimePoint{});
    if (auto it = j.find("products"); it != j.end() && it->is_array()) {
        for (const auto& p : *it) {
            if (!p.is_object()) continue;
            ProductLine info;
            info.name = str_of(p, "name");
            info.offer_id = str_of(p, "offer_id");
            auto q = p.find("quantity");
            info.quantity = q != p.end() && q->is_number_integer() ? q->get<int>() : 0;
            s.products.push_back(std::move(info));
        }
    }
    if (auto it = j.find("cancellation"); it != j.end() && it->is_object()) {
        CancellationInfo c;
        c.initiator = str_of(*it, "initiator");
        c.type = str_of(*it, "type");
        c.reason = str_of(*it, "reason");
        auto rid = it->find("reason_id");
        c.reason_id = rid != it->end() && rid->is_number_integer() ? rid->get<long long>() : 0;
        auto flag = [&](const char* k) {
            auto f = it->find(k);
            return f != it->end() && f->is_boolean() && f->get<bool>();
        };
        c.affects_rating = flag("affects_rating");
        c.after_ship = flag("after_ship");
        s.cancellation = std::move(c);
    }
    if (auto it = j.find("tariff"); it != j.end() && it->is_object()) {
        TariffInfo t;
        t.type = str_of(*it, "type");
        t.rate = num_of(*it, "rate");
        if (auto c = it->find("charge"); c != it->end() && c->is_number()) t.charge = c->get<double>();
        t.next_type = str_of(*it, "next_type");
        t.next_rate = num_of(*it, "next_rate");
        t.next_starts_at = time_of(*it, "next_starts_at");
        s.tariff = std::move(t);
    }
    return s;
}

std::string PostingState::fingerprint() const {
    auto t = [](const std::optional<TimePoint>& v) {
        return v ? std::to_string(v->time_since_epoch().count()) : std::string("-");
    };
    std::string fp = status + '|' + substatus + '|' + t(shipment_date) + '|' +
                     t(shipment_date_without_delay) + '|' + t(delivering_date) + '|' +
                     t(in_process_at) + '|' + std::to_string(products.size());
    if (cancellation) fp += "|c:" + cancellation->type + ':' + std::to_string(cancellation->reason_id);
    if (tariff) fp += "|t:" + tariff->type + ':' + std::to_string(tariff->rate);
    return fp;
}

PostingState posting_state_from(const ozon::Posting& p) {
    PostingState s;
    s.posting_number = p.posting_number;
    s.status = p.status;
    s.substatus = p.substatus;
    s.in_process_at = p.in_process_at;
    s.shipment_date = p.shipment_date;
    s.shipment_date_without_delay = p.shipment_date_without_delay;
    s.delivering_date = p.delivering_date;
    for (const auto& pr : p.products) s.products.push_back({pr.name, pr.offer_id, pr.quantity});
    if (p.cancellation && !p.cancellation->empty()) {
        const auto& c = *p.cancellation;
        s.cancellation = CancellationInfo{c.initiator, c.type, c.reason, c.reason_id, c.affect_rating,
                                          c.after_ship};
    }
    if (p.tariffication && !p.tariffication->empty()) {
        const auto& t = *p.tariffication;
        TariffInfo info;
        info.type = t.current_tariff_type;
        info.rate = t.current_tariff_rate;
        if (t.current_tariff_charge) info.charge = t.current_tariff_charge->amount.to_double();  // display only
        info.next_type = t.next_tariff_type;
        info.next_rate = t.next_tariff_rate;
        info.next_starts_at = t.next_tariff_starts_at;
        s.tariff = std::move(info);
    }
    return s;
}

bool is_final_status(const std::string& status) {
    return status == "delivered" || status == "cancelled" || status == "cancelled_from_split_pending";
}

bool is_awaiting_shipment(const std::string& status) {
    return status == "awaiting_packaging" || status == "awaiting_deliver";
}

bool is_plausible_status(const std::string& status) {
    if (status.empty() || status.size() > 64) return false;
    bool letter = false;
    for (char c : status) {
        if (c >= 'a' && c <= 'z') letter = true;
        else if (!(c >= '0' && c <= '9') && c != '_') return false;
    }
    return letter;
}

bool is_before_handover(const std::string& status) {
    return status == "awaiting_approve" || status == "awaiting_packaging" ||
           status == "awaiting_verification";
}

bool is_after_handover_check(const std::string& status) {
    return status == "acceptance_in_progress" || status == "awaiting_registration";
}

}  // namespace ozw::daemon::postings
