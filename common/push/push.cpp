#include "common/push/push.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "common/time.hpp"

namespace ozw::push {

namespace ip = boost::asio::ip;

namespace {

ip::address unmap(const ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped())
        return ip::make_address_v4(ip::v4_mapped, a.to_v6());
    return a;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<ip::address> parse_address(std::string_view s) {
    boost::system::error_code ec;
    auto a = ip::make_address(std::string(s), ec);
    if (ec) return std::nullopt;
    return unmap(a);
}

// The first `prefix` bits of a and b are equal.
template <std::size_t N>
bool same_prefix(const std::array<unsigned char, N>& a, const std::array<unsigned char, N>& b,
                 unsigned prefix) {
    for (std::size_t i = 0; i < N && prefix > 0; ++i) {
        const unsigned bits = std::min(prefix, 8u);
        const auto mask = static_cast<unsigned char>(0xFFu << (8 - bits));
        if ((a[i] & mask) != (b[i] & mask)) return false;
        prefix -= bits;
    }
    return true;
}

template <std::size_t N>
std::array<unsigned char, N> masked(std::array<unsigned char, N> a, unsigned prefix) {
    for (std::size_t i = 0; i < N; ++i) {
        const unsigned bits = std::min(prefix, 8u);
        a[i] &= static_cast<unsigned char>(bits == 0 ? 0 : (0xFFu << (8 - bits)));
        prefix -= bits;
    }
    return a;
}

}  // namespace

bool Cidr::contains(const ip::address& raw) const {
    const ip::address a = unmap(raw);
    if (a.is_v4() != network.is_v4()) return false;
    if (a.is_v4()) return same_prefix(a.to_v4().to_bytes(), network.to_v4().to_bytes(), prefix);
    return same_prefix(a.to_v6().to_bytes(), network.to_v6().to_bytes(), prefix);
}

Cidr parse_cidr(std::string_view text) {
    std::string_view t = trim(text);
    if (t.empty()) throw std::invalid_argument("empty; expected an address or a network like 195.34.21.0/24");
    const auto slash = t.find('/');
    std::string_view addr_text = t.substr(0, slash);
    auto addr = [&]() -> ip::address {
        boost::system::error_code ec;
        auto a = ip::make_address(std::string(addr_text), ec);
        if (ec)
            throw std::invalid_argument("\"" + std::string(t) +
                                        "\" is not an IPv4/IPv6 address or network (like 195.34.21.0/24 or 2001:db8::/32)");
        return a;
    }();
    addr = unmap(addr);
    const unsigned max = addr.is_v4() ? 32 : 128;
    unsigned prefix = max;
    if (slash != std::string_view::npos) {
        std::string_view p = t.substr(slash + 1);
        unsigned v = 0;
        auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
        if (p.empty() || ec != std::errc() || ptr != p.data() + p.size())
            throw std::invalid_argument("\"" + std::string(t) + "\": the prefix length after / must be a number");
        if (v > max)
            throw std::invalid_argument("\"" + std::string(t) + "\": prefix /" + std::to_string(v) +
                                        " is longer than " + std::to_string(max));
        prefix = v;
    }
    Cidr c;
    c.prefix = prefix;
    c.text = std::string(t);
    if (addr.is_v4()) {
        auto b = addr.to_v4().to_bytes();
        auto m = masked(b, prefix);
        c.network = ip::address_v4(m);
        if (m != b)
            throw std::invalid_argument("\"" + std::string(t) + "\": host bits are set; did you mean " +
                                        c.network.to_string() + "/" + std::to_string(prefix) + "?");
    } else {
        auto b = addr.to_v6().to_bytes();
        auto m = masked(b, prefix);
        c.network = ip::address_v6(m);
        if (m != b)
            throw std::invalid_argument("\"" + std::string(t) + "\": host bits are set; did you mean " +
                                        c.network.to_string() + "/" + std::to_string(prefix) + "?");
    }
    return c;
}

bool contains_any(const std::vector<Cidr>& nets, const ip::address& a) {
    return std::any_of(nets.begin(), nets.end(), [&](const Cidr& c) { return c.contains(a); });
}

const std::vector<std::string>& ozon_networks() {
    static const std::vector<std::string> nets{"195.34.21.0/24", "185.73.192.0/22", "91.223.93.0/24"};
    return nets;
}

std::optional<ip::address> parse_peer(std::string_view remote) {
    std::string_view r = trim(remote);
    if (r.empty()) return std::nullopt;
    if (auto a = parse_address(r)) return a;  // bare address (also a bare IPv6 one)
    if (r.front() == '[') {
        auto close = r.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        return parse_address(r.substr(1, close - 1));
    }
    auto colon = r.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    return parse_address(r.substr(0, colon));
}

std::optional<ClientAddress> client_address(const ip::address& raw_peer,
                                            const std::vector<std::string>& forwarded_for,
                                            const std::vector<Cidr>& trusted_proxies) {
    const ip::address peer = unmap(raw_peer);
    if (!contains_any(trusted_proxies, peer)) return ClientAddress{peer, false};
    std::vector<std::string_view> hops;
    for (const auto& value : forwarded_for) {
        std::string_view v = value;
        while (!v.empty()) {
            auto comma = v.find(',');
            std::string_view hop = trim(v.substr(0, comma));
            if (!hop.empty()) hops.push_back(hop);
            if (comma == std::string_view::npos) break;
            v.remove_prefix(comma + 1);
        }
    }
    if (hops.empty()) return ClientAddress{peer, false};
    std::optional<ip::address> last;
    for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
        auto a = parse_peer(*it);  // tolerates "addr:port" and "[v6]:port"
        if (!a) return std::nullopt;
        if (!contains_any(trusted_proxies, *a)) return ClientAddress{*a, true};
        last = a;
    }
    return ClientAddress{*last, true};
}

// ------------------------------------------------------------------------------ messages

const std::vector<std::string_view>& known_types() {
    static const std::vector<std::string_view> types{
        "TYPE_PING",
        "TYPE_NEW_POSTING",
        "TYPE_POSTING_CANCELLED",
        "TYPE_STATE_CHANGED",
        "TYPE_CUTOFF_DATE_CHANGED",
        "TYPE_DELIVERY_DATE_CHANGED",
        "TYPE_CREATE_OR_UPDATE_ITEM",
        "TYPE_CREATE_ITEM",
        "TYPE_UPDATE_ITEM",
        "TYPE_PRICE_INDEX_CHANGED",
        "TYPE_STOCKS_CHANGED",
        "TYPE_NEW_MESSAGE",
        "TYPE_UPDATE_MESSAGE",
        "TYPE_MESSAGE_READ",
        "TYPE_CHAT_CLOSED",
        "TYPE_DESCRIPTION_CATEGORY_TREE_CHANGED",
        "TYPE_FBO_POSTING_NEW",
        "TYPE_FBO_POSTING_CANCELLED",
        "TYPE_FBO_POSTING_STATE_CHANGED",
        "TYPE_FBO_POSTING_DELIVERY_DATE_CHANGED",
        "TYPE_FBO_STOCKS_CHANGED",
        "TYPE_ORDER_NEW",
        "TYPE_ORDER_CANCELLED",
        "TYPE_ORDER_STATE_CHANGED",
    };
    return types;
}

bool type_without_seller(std::string_view t) {
    return t == kPing || t == "TYPE_DESCRIPTION_CATEGORY_TREE_CHANGED";
}

namespace {

std::string str_of(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return {};
    return it->get<std::string>();
}

std::optional<long long> int_of(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end()) return std::nullopt;
    if (it->is_number_integer()) return it->get<long long>();
    if (it->is_string()) {  // tolerated: "7"
        const auto& s = it->get_ref<const std::string&>();
        long long v = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (!s.empty() && ec == std::errc() && p == s.data() + s.size()) return v;
    }
    return std::nullopt;
}

}  // namespace

ParseResult parse(std::string_view body) {
    ParseResult r;
    nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
        r.error_code = std::string(kErrorUnknown);
        r.error = "the body is not valid JSON";
        return r;
    }
    if (!j.is_object()) {
        r.error_code = std::string(kErrorUnknown);
        r.error = "the body is not a JSON object";
        return r;
    }
    PushMessage m;
    m.message_type = str_of(j, "message_type");
    if (m.message_type.empty()) {
        r.error_code = std::string(kErrorParameterValueMissed);
        r.error = "message_type is missing";
        return r;
    }
    const auto& known = known_types();
    m.known_type = std::find(known.begin(), known.end(), m.message_type) != known.end();
    if (auto it = j.find("seller_id"); it != j.end() && !it->is_null()) {
        if (it->is_number_unsigned()) {
            m.seller_id = std::to_string(it->get<unsigned long long>());
        } else if (it->is_number_integer()) {
            m.seller_id = std::to_string(it->get<long long>());
        } else if (auto v = int_of(j, "seller_id")) {
            m.seller_id = std::to_string(*v);
        } else {
            r.error_code = std::string(kErrorUnknown);
            r.error = "seller_id is neither an integer nor a decimal string";
            return r;
        }
    }
    m.posting_number = str_of(j, "posting_number");
    m.order_number = str_of(j, "order_number");
    m.uuid = str_of(j, "uuid");
    m.old_state = str_of(j, "old_state");
    m.new_state = str_of(j, "new_state");
    m.warehouse_id = int_of(j, "warehouse_id");
    m.chat_id = str_of(j, "chat_id");
    m.chat_type = str_of(j, "chat_type");
    m.message_id = str_of(j, "message_id");
    // Postings list their `products`; TYPE_STOCKS_CHANGED its `items` (sku, product_id, stocks).
    for (const char* list : {"products", "items"}) {
        auto it = j.find(list);
        if (it == j.end() || !it->is_array()) continue;
        for (const auto& p : *it) {
            if (!p.is_object()) continue;
            Product pr;
            pr.sku = int_of(p, "sku");
            pr.product_id = int_of(p, "product_id");
            pr.offer_id = str_of(p, "offer_id");
            pr.quantity = int_of(p, "quantity");
            m.products.push_back(std::move(pr));
        }
    }
    for (const char* key : {"time", "changed_state_date", "in_process_at", "creation_date", "cancel_date",
                            "cancelled_at", "changed_at", "updated_at", "created_at"}) {
        std::string v = str_of(j, key);
        if (!v.empty()) {
            m.time = std::move(v);
            break;
        }
    }
    if (!m.time.empty()) m.time_point = parse_iso8601(m.time);
    m.raw = std::move(j);
    r.message = std::move(m);
    return r;
}

std::string dedup_key(const PushMessage& m) {
    if (!m.uuid.empty()) return "uuid:" + m.seller_id.value_or("") + ":" + m.uuid;
    // Object keys sorted (std::map), no spaces.
    const std::string canonical = m.raw.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(canonical.data(), canonical.size(), digest, &len, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    static const char* hex = "0123456789abcdef";
    std::string out = "sha256:";
    for (unsigned i = 0; i < len; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

// ------------------------------------------------------------------------------ answers

std::string ping_response(std::string_view version, std::string_view name, TimePoint now) {
    nlohmann::json j;
    j["version"] = std::string(version);
    j["name"] = std::string(name);
    j["time"] = format_iso8601(now);  // whole seconds, UTC
    return j.dump();
}

std::string result_response() { return R"({"result":true})"; }

std::string error_response(std::string_view code, std::string_view message,
                           std::optional<std::string> details) {
    nlohmann::json e;
    e["code"] = std::string(code);
    e["message"] = std::string(message);
    e["details"] = details ? nlohmann::json(*details) : nlohmann::json(nullptr);
    nlohmann::json j;
    j["error"] = std::move(e);
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace ozw::push
