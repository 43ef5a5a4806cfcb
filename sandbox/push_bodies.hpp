#pragma once
// The bodies of the push notifications the sandbox sends, built from the official description
// (swagger tags push_types and push_start; /work/shared/ozon-seller-api/2026/tag-push_types.md
// wins where they differ, as for common/push). Pure functions: no clock, no I/O.
//
// Times follow the spec's examples for each type: posting, cancellation and chat times with
// milliseconds ("2021-01-26T06:56:36.294Z"), cutoff, stock and ping times in whole seconds
// ("2021-11-24T07:00:00Z"); always UTC.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "common/clock.hpp"
#include "sandbox/scenario.hpp"

namespace ozw::sandbox {

// seller_id as the posting, cancellation, cutoff and stock types send it (int64): the client id
// as a number when it is all decimal digits and fits; else the text as it is (Ozon's client
// ids are numbers; a receiver may refuse anything else).
nlohmann::json push_seller_id(const std::string& client_id);

// The push-model state of a Seller API posting status (the table of "Изменение статуса
// отправления"): the substatus when it is one of the status's push states (delivering ->
// posting_in_pickup_point), else the status's first push state (awaiting_packaging ->
// posting_created, delivering -> posting_on_way_to_city). A status the table lacks
// (sent_by_seller, awaiting_verification, ...): the substatus if it starts with "posting_",
// else "posting_" + status. cancelled_from_split_pending counts as cancelled.
std::string push_state(const std::string& status, const std::string& substatus);
// cancelled or cancelled_from_split_pending: pushed as TYPE_POSTING_CANCELLED.
bool push_cancelled_status(const std::string& status);

// TYPE_NEW_POSTING: posting_number, products [{sku, offer_id, quantity}], in_process_at,
// warehouse_id, shipment_date, tpl_integration_type "ozon" and is_express false (what the
// posting methods serve), tracking_number, delivery_date_begin/end (shipment_date + 24 h / +
// 72 h, as analytics_data serves them), seller_id.
nlohmann::json push_new_posting(const Posting& p, const std::string& client_id);
// TYPE_STATE_CHANGED: posting_number, new_state (push_state of the posting now),
// changed_state_date = at, warehouse_id, seller_id.
nlohmann::json push_state_changed(const Posting& p, TimePoint at, const std::string& client_id);
// TYPE_POSTING_CANCELLED: posting_number, products [{sku, quantity}], old_state, new_state
// "posting_canceled", changed_state_date = at, reason {id, message} (the posting's
// cancellation: cancel_reason_id, cancel_reason; 0 and "" without one), warehouse_id, seller_id.
nlohmann::json push_posting_cancelled(const Posting& p, const std::string& old_state, TimePoint at,
                                      const std::string& client_id);
// TYPE_CUTOFF_DATE_CHANGED: posting_number, new_cutoff_date (the posting's shipment_date now),
// old_cutoff_date, warehouse_id, seller_id.
nlohmann::json push_cutoff_changed(const Posting& p, TimePoint old_cutoff, const std::string& client_id);
// TYPE_STOCKS_CHANGED: seller_id, items [{product_id, sku, updated_at = at, stocks
// [{warehouse_id, present, reserved}]}] with the one warehouse whose figures changed.
nlohmann::json push_stocks_changed(const Product& p, const StockAtWarehouse& st, TimePoint at,
                                   const std::string& client_id);

// The push form of a chat type (/v3/chat/list's BUYER_SELLER -> Buyer_Seller; the spec's list,
// matched ignoring case); unknown types are sent as they are.
std::string push_chat_type(const std::string& chat_type);
// TYPE_NEW_MESSAGE: chat_id, chat_type (push_chat_type), message_id (decimal text), created_at
// = at, user {id "0" (the sandbox knows no users), type: Customer in buyer chats, Support in
// Seller_Support, NotificationUser otherwise}, data ["Новое сообщение"] (the sandbox keeps no
// texts), seller_id as a STRING (the spec's chat examples: "seller_id": "7").
nlohmann::json push_new_message(const Chat& c, std::int64_t message_id, TimePoint at,
                                const std::string& client_id);
// TYPE_PING: {"message_type":"TYPE_PING","time":at} (push_start).
nlohmann::json push_ping(TimePoint at);

}  // namespace ozw::sandbox
