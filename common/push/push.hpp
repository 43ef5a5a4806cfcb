#pragma once
// Ozon push notifications: the pure part of the receiver (daemon/push_receiver.cpp), no I/O.
// Built from the official description (swagger `push_start`, `push_types`, `service_response`;
// 2026/tag-push_types.md wins where they differ):
//   - who may send: an allow list of networks (Ozon's by default), the client address taken from
//     X-Forwarded-For only when the TCP peer is a trusted proxy;
//   - what was sent: a tolerant parse of the JSON body into PushMessage (unknown types kept raw);
//   - which pushes are the same: the dedup key of Ozon's retries;
//   - what to answer: the exact response bodies (TYPE_PING, {"result": true}, errors).
#include <boost/asio/ip/address.hpp>

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"

namespace ozw::push {

// ------------------------------------------------------------------------------ networks

// An IPv4 or IPv6 network: "195.34.21.0/24", "2001:db8::/32"; a bare address is a /32 (/128).
struct Cidr {
    boost::asio::ip::address network;  // host bits zero
    unsigned prefix = 0;
    std::string text;  // as configured
    bool contains(const boost::asio::ip::address& a) const;
};

// Throws std::invalid_argument with a message that says what is wrong ("prefix 33 is longer
// than 32", "host bits are set: did you mean 195.34.21.0/24?").
Cidr parse_cidr(std::string_view text);
bool contains_any(const std::vector<Cidr>& nets, const boost::asio::ip::address& a);

// Ozon's networks (push_start): the default of `push.allow`.
const std::vector<std::string>& ozon_networks();

// "127.0.0.1:53422", "::1:53422" (as common/http/server reports the peer), "[::1]:53422" or a
// bare address -> the address; nullopt when unparsable. IPv4-mapped IPv6 becomes IPv4.
std::optional<boost::asio::ip::address> parse_peer(std::string_view remote);

// The client of a request. `peer`: the TCP peer. `forwarded_for`: every X-Forwarded-For header
// value in arrival order (one list of hops, left = the original client). The header is believed
// only when the peer is a trusted proxy; then the hops are read from the right and the first
// one that is not a trusted proxy is the client (what a client writes into the header itself
// sits further left and is never reached). All hops trusted: the left-most one. nullopt: a hop
// that must be read is not an address (the client cannot be told; reject).
struct ClientAddress {
    boost::asio::ip::address address;
    bool forwarded = false;  // taken from X-Forwarded-For
};
std::optional<ClientAddress> client_address(const boost::asio::ip::address& peer,
                                            const std::vector<std::string>& forwarded_for,
                                            const std::vector<Cidr>& trusted_proxies);

// ------------------------------------------------------------------------------ messages

struct Product {
    std::optional<long long> sku;
    std::optional<long long> product_id;  // TYPE_STOCKS_CHANGED's items
    std::string offer_id;
    std::optional<long long> quantity;
};

// What the spec's messages carry, as far as the receiver and its consumers need it; the whole
// body stays in `raw` (and in the store). Empty string / nullopt = absent or unusable.
struct PushMessage {
    std::string message_type;          // "TYPE_NEW_POSTING", ...; kept as sent
    bool known_type = false;           // one of kKnownTypes
    std::optional<std::string> seller_id;  // as decimal text: int64 in most types, a string in chat ones
    std::string posting_number;        // posting types (FBS/rFBS and FBO)
    std::string order_number;          // FBO and order types
    std::string uuid;                  // "unique event id" (FBO and order types, 2026)
    std::string old_state, new_state;  // posting/order state changes and cancellations
    std::optional<long long> warehouse_id;
    std::vector<Product> products;  // `products` of posting types, `items` of TYPE_STOCKS_CHANGED
    std::string chat_id, chat_type, message_id;  // chat types
    // The message's own time: `time` (TYPE_PING), else the first present of changed_state_date,
    // in_process_at, creation_date, cancel_date, cancelled_at, changed_at, updated_at, created_at.
    std::string time;
    std::optional<TimePoint> time_point;  // `time` parsed, when it parses
    nlohmann::json raw;                   // the body as parsed
};

// The message types of the spec (2026 list, plus TYPE_PRICE_INDEX_CHANGED of the 2025 one).
const std::vector<std::string_view>& known_types();
inline constexpr std::string_view kPing = "TYPE_PING";

// Types the spec gives without seller_id: they belong to no account.
bool type_without_seller(std::string_view message_type);

struct ParseResult {
    std::optional<PushMessage> message;
    // When not parsed: an Ozon error code and a message for the 400 answer.
    std::string error_code;
    std::string error;
};
// Tolerant: fields of the wrong type are treated as absent, unknown fields ignored. Refused:
// not JSON, not a JSON object, no string message_type (ERROR_PARAMETER_VALUE_MISSED), a
// seller_id that is neither an integer nor a decimal string.
ParseResult parse(std::string_view body);

// What identifies Ozon's retry of the same message. Ozon sends a retry with the same body; a
// message carries no delivery id of its own except `uuid` ("unique event id", FBO and order
// types). So: "uuid:<seller>:<uuid>" when there is one, else "sha256:<hex>" of the body in
// canonical form (parsed and dumped with sorted keys: whitespace and key order do not matter).
// Not message_type + posting_number + time: stock, chat, product and category messages carry
// no posting number, and two different changes of one posting can share a time.
std::string dedup_key(const PushMessage& m);

// ------------------------------------------------------------------------------ answers

// TYPE_PING: {"version": ..., "name": ..., "time": "2019-08-24T14:15:22Z"} (UTC, seconds: the
// spec's example; "the time processing started").
std::string ping_response(std::string_view version, std::string_view name, TimePoint now);
// Every other accepted message: {"result":true}.
std::string result_response();
// Ozon's error codes (service_response).
inline constexpr std::string_view kErrorUnknown = "ERROR_UNKNOWN";
inline constexpr std::string_view kErrorParameterValueMissed = "ERROR_PARAMETER_VALUE_MISSED";
inline constexpr std::string_view kErrorRequestDuplicated = "ERROR_REQUEST_DUPLICATED";
// {"error":{"code":...,"message":...,"details":null}} (details a string when given).
std::string error_response(std::string_view code, std::string_view message,
                           std::optional<std::string> details = std::nullopt);

}  // namespace ozw::push
