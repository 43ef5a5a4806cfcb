// The v4 FBS posting pages (/v4/posting/fbs/list, /v4/posting/fbs/unfulfilled/list) parsed with
// simdjson's On-Demand API straight into the models: one pass over the body, no DOM tree.
//
// The tolerance rules are exactly those of the nlohmann readers in models.cpp (json_util.hpp):
// null = absent, numbers as strings and strings as numbers, unknown enum values kept, unknown
// fields ignored, a known field of the wrong type is a schema surprise logged once per
// (method, field) and keeps its default. Where the nlohmann readers look at a sibling field
// (a price's currency_code, the v3 commission fields used only when `commission` is not an
// object, a tariff charge's *_currency_code), the values are captured while iterating and
// resolved at the end of the object, so the result and the surprises logged are the same
// whatever the order of the keys.
//
// Strictness is kept as well: every value, including those of unknown fields, is walked and
// validated (strings, escapes, numbers, literals, brackets), nesting over kMaxJsonDepth is an
// error, trailing content is an error. The walk is iterative per level and bounded by
// kMaxJsonDepth, so hostile nesting cannot overflow the stack.
#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

#include "common/ozon/errors.hpp"
#include "common/ozon/json_util.hpp"
#include "common/ozon/models.hpp"
#include "common/time.hpp"

namespace ozw::ozon::detail {

namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

const char* type_name(od::json_type t) {
    switch (t) {
        case od::json_type::array: return "array";
        case od::json_type::object: return "object";
        case od::json_type::number: return "number";
        case od::json_type::string: return "string";
        case od::json_type::boolean: return "boolean";
        case od::json_type::null: return "null";
    }
    return "discarded";
}

// Bodies over this size do not keep their buffers (and the parser's) between calls.
constexpr std::size_t kKeepBufferBytes = 16u * 1024u * 1024u;

// ------------------------------------------------------------------ captured values
// A value read now and "used" later: using it logs its surprise (if any), like the nlohmann
// reader would have when it looked at the field.

struct Num {
    bool present = false;    // not null / not absent
    bool is_string = false;  // sent as a string
    bool is_number = false;  // sent as a JSON number
    bool empty_str = false;  // ""
    bool ok = false;         // has a finite numeric value
    double v = 0.0;
    const char* bad = nullptr;  // type name when the value is not usable as a number
};

struct Str {
    bool present = false;
    const char* bad = nullptr;
    std::string_view view;  // into the parser's string buffer, a literal, or num
    char num[40];
    unsigned char numlen = 0;
    bool in_num = false;
    std::string_view text() const { return in_num ? std::string_view(num, numlen) : view; }
};

struct MoneyPart {
    bool present = false;
    bool object = false;
    Num amount, price;           // object: {amount|price, currency|currency_code}
    Str currency, currency_code;
    Num scalar;                  // not an object: number or numeric string
};

class Walker {
public:
    explicit Walker(const char* method) : method_(method) {}

    const char* method() const { return method_; }

    [[noreturn]] void fail(error_code e) const {
        throw ParseError(std::string(method_) + ": response is not valid JSON (" +
                         simdjson::error_message(e) + ")");
    }
    [[noreturn]] void too_deep() const {
        throw ParseError(std::string(method_) + ": JSON nested too deeply");
    }

    template <class T>
    T get(simdjson::simdjson_result<T>&& r) const {
        T v;
        if (error_code e = std::move(r).get(v)) fail(e);
        return v;
    }

    void surprise(const char* key, const char* type) const {
        detail::schema_surprise(method_, key, type);
    }

    // One level deeper (an object or array entered); over kMaxJsonDepth is an error.
    struct Level {
        Walker& w;
        explicit Level(Walker& w_) : w(w_) {
            if (++w.depth_ > kMaxJsonDepth) w.too_deep();
        }
        ~Level() { --w.depth_; }
    };

    od::json_type type(od::value& v) const { return get(v.type()); }

    // null literal check (type() only looks at the first character).
    void expect_null(od::value& v) const {
        bool n = false;
        if (error_code e = v.is_null().get(n)) fail(e);
        if (!n) fail(simdjson::N_ATOM_ERROR);
    }

    // The key of a field without copying it, unless it has escapes.
    std::string_view key(od::field& f) const {
        const char* s = f.key().raw();
        const char* e = s;
        while (*e != '"' && *e != '\\') ++e;
        if (*e == '"') return {s, static_cast<std::size_t>(e - s)};
        return get(f.unescaped_key());
    }

    // Walks and validates a value nobody reads (unknown field, wrong type).
    void skip(od::value& v) {
        switch (type(v)) {
            case od::json_type::object: {
                Level lv(*this);
                od::object o = get(v.get_object());
                for (auto fr : o) {
                    od::field f = get(std::move(fr));
                    (void)key(f);
                    od::value x = f.value();
                    skip(x);
                }
                break;
            }
            case od::json_type::array: {
                Level lv(*this);
                od::array a = get(v.get_array());
                for (auto er : a) {
                    od::value x = get(std::move(er));
                    skip(x);
                }
                break;
            }
            case od::json_type::string: (void)get(v.get_string()); break;
            case od::json_type::number: (void)get(v.get_double()); break;
            case od::json_type::boolean: (void)get(v.get_bool()); break;
            case od::json_type::null: expect_null(v); break;
        }
    }

    // Calls f(key, value) for each field of an object value (the caller checked the type).
    template <class F>
    void fields(od::value& v, F&& f) {
        Level lv(*this);
        od::object o = get(v.get_object());
        for (auto fr : o) {
            od::field fld = get(std::move(fr));
            std::string_view k = key(fld);
            od::value x = fld.value();
            f(k, x);
        }
    }

    // Calls f(value) for each element of an array value (the caller checked the type).
    template <class F>
    void elements(od::value& v, F&& f) {
        Level lv(*this);
        od::array a = get(v.get_array());
        for (auto er : a) {
            od::value x = get(std::move(er));
            f(x);
        }
    }

    // ---------------------------------------------------------------- numbers

    enum class NumKind { integer, uinteger, floating };
    struct NumVal {
        NumKind kind;
        long long i = 0;
        unsigned long long u = 0;
        double d = 0.0;
    };

    // Classifies a JSON number the way nlohmann does: an integer literal that fits int64 or
    // uint64 is an integer, anything else a double. Out of double range is an error.
    NumVal number_value(od::value& v) const {
        od::number_type t = get(v.get_number_type());
        if (t == od::number_type::signed_integer) {
            int64_t x;
            if (!v.get_int64().get(x)) return {NumKind::integer, x, 0, 0.0};
        } else if (t == od::number_type::unsigned_integer) {
            uint64_t x;
            if (!v.get_uint64().get(x)) return {NumKind::uinteger, 0, x, 0.0};
        }
        double d = get(v.get_double());
        return {NumKind::floating, 0, 0, d};
    }

    void read_num(od::value& v, Num& out) {
        out = Num{};
        od::json_type t = type(v);
        switch (t) {
            case od::json_type::null: expect_null(v); return;
            case od::json_type::number: {
                out.present = out.is_number = true;
                NumVal n = number_value(v);
                double d = n.kind == NumKind::integer    ? static_cast<double>(n.i)
                           : n.kind == NumKind::uinteger ? static_cast<double>(n.u)
                                                         : n.d;
                if (std::isfinite(d)) {
                    out.ok = true;
                    out.v = d;
                } else {
                    out.bad = "number";
                }
                return;
            }
            case od::json_type::string: {
                out.present = out.is_string = true;
                std::string_view s = get(v.get_string());
                if (s.empty()) {
                    out.empty_str = true;
                    return;
                }
                const char* b = s.data();
                const char* e = s.data() + s.size();
                if (*b == '+') ++b;
                double d = 0;
                auto [p, ec] = std::from_chars(b, e, d);
                if (ec == std::errc() && p == e && std::isfinite(d)) {
                    out.ok = true;
                    out.v = d;
                } else {
                    out.bad = "string";
                }
                return;
            }
            default:
                out.present = true;
                out.bad = type_name(t);
                skip(v);
                return;
        }
    }

    double use(const Num& n, const char* key) const {
        if (n.bad) surprise(key, n.bad);
        return n.ok ? n.v : 0.0;
    }

    // Reader::number: null/absent/"" -> 0.
    double number(od::value& v, const char* key) {
        Num n;
        read_num(v, n);
        return use(n, key);
    }

    // Reader::opt_int
    std::optional<long long> opt_int(od::value& v, const char* key) {
        od::json_type t = type(v);
        switch (t) {
            case od::json_type::null: expect_null(v); return std::nullopt;
            case od::json_type::number: {
                NumVal n = number_value(v);
                if (n.kind == NumKind::integer) return n.i;
                if (n.kind == NumKind::uinteger) {
                    if (n.u <= static_cast<unsigned long long>(std::numeric_limits<long long>::max()))
                        return static_cast<long long>(n.u);
                } else if (std::isfinite(n.d) && std::fabs(n.d) < 9.2e18 && n.d == std::floor(n.d)) {
                    return static_cast<long long>(n.d);
                }
                surprise(key, "number");
                return std::nullopt;
            }
            case od::json_type::string: {
                std::string_view s = get(v.get_string());
                if (s.empty()) return std::nullopt;
                long long out = 0;
                auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
                if (ec == std::errc() && p == s.data() + s.size()) return out;
                double d = 0;
                auto [p2, ec2] = std::from_chars(s.data(), s.data() + s.size(), d);
                if (ec2 == std::errc() && p2 == s.data() + s.size() && std::isfinite(d) &&
                    std::fabs(d) < 9.2e18 && d == std::floor(d))
                    return static_cast<long long>(d);
                surprise(key, "string");
                return std::nullopt;
            }
            default:
                surprise(key, type_name(t));
                skip(v);
                return std::nullopt;
        }
    }

    long long integer(od::value& v, const char* key) { return opt_int(v, key).value_or(0); }

    // ---------------------------------------------------------------- strings, booleans, times

    // nlohmann's dump() of a number.
    static unsigned char format_number(const NumVal& n, char* buf, std::size_t cap) {
        std::to_chars_result r;
        if (n.kind == NumKind::integer) {
            r = std::to_chars(buf, buf + cap, n.i);
        } else if (n.kind == NumKind::uinteger) {
            r = std::to_chars(buf, buf + cap, n.u);
        } else {
            r = std::to_chars(buf, buf + cap - 2, n.d);
            bool plain = true;
            for (char* p = buf; p != r.ptr; ++p)
                if (*p == '.' || *p == 'e' || *p == 'n' || *p == 'i') plain = false;
            if (plain) {
                *r.ptr++ = '.';
                *r.ptr++ = '0';
            }
        }
        return static_cast<unsigned char>(r.ptr - buf);
    }

    void read_str(od::value& v, Str& out) {
        out.present = false;
        out.bad = nullptr;
        out.in_num = false;
        out.view = {};
        od::json_type t = type(v);
        switch (t) {
            case od::json_type::null: expect_null(v); return;
            case od::json_type::string:
                out.present = true;
                out.view = get(v.get_string());
                return;
            // Ozon flips between numbers and strings for ids ("warehouse": "17023" vs 17023).
            case od::json_type::number: {
                out.present = true;
                NumVal n = number_value(v);
                out.numlen = format_number(n, out.num, sizeof out.num);
                out.in_num = true;
                return;
            }
            case od::json_type::boolean:
                out.present = true;
                out.view = get(v.get_bool()) ? std::string_view("true") : std::string_view("false");
                return;
            default:
                out.present = true;
                out.bad = type_name(t);
                skip(v);
                return;
        }
    }

    std::string_view use(const Str& s, const char* key) const {
        if (s.bad) {
            surprise(key, s.bad);
            return {};
        }
        return s.text();
    }

    // Reader::str, into `out` (no temporary string).
    void str(od::value& v, const char* key, std::string& out) {
        Str s;
        read_str(v, s);
        std::string_view t = use(s, key);
        out.assign(t.data(), t.size());
    }

    // Reader::boolean
    bool boolean(od::value& v, const char* key, bool def = false) {
        od::json_type t = type(v);
        switch (t) {
            case od::json_type::null: expect_null(v); return def;
            case od::json_type::boolean: return get(v.get_bool());
            case od::json_type::string: {
                std::string_view s = get(v.get_string());
                if (s == "true") return true;
                if (s == "false") return false;
                surprise(key, "string");
                return def;
            }
            case od::json_type::number: {
                NumVal n = number_value(v);
                if (n.kind == NumKind::integer) return n.i != 0;
                if (n.kind == NumKind::uinteger) return n.u != 0;
                surprise(key, "number");
                return def;
            }
            default:
                surprise(key, type_name(t));
                skip(v);
                return def;
        }
    }

    // Reader::time
    OptTime time(od::value& v, const char* key) {
        od::json_type t = type(v);
        if (t == od::json_type::null) {
            expect_null(v);
            return std::nullopt;
        }
        if (t == od::json_type::string) {
            std::string_view s = get(v.get_string());
            if (s.empty()) return std::nullopt;
            OptTime tp = parse_iso8601(s);
            if (!tp) surprise(key, "string");
            return tp;
        }
        surprise(key, type_name(t));
        skip(v);
        return std::nullopt;
    }

    // Reader::strings
    void strings(od::value& v, const char* key, std::vector<std::string>& out) {
        out.clear();
        od::json_type t = type(v);
        if (t == od::json_type::null) return expect_null(v);
        if (t != od::json_type::array) {
            surprise(key, type_name(t));
            return skip(v);
        }
        elements(v, [&](od::value& e) {
            od::json_type et = type(e);
            if (et == od::json_type::string) {
                out.emplace_back(get(e.get_string()));
            } else if (et == od::json_type::number) {
                char buf[40];
                unsigned char n = format_number(number_value(e), buf, sizeof buf);
                out.emplace_back(buf, n);
            } else {
                surprise(key, type_name(et));
                skip(e);
            }
        });
    }

    // Is `v` an object (true), null (false, consumed) or something else (surprise, consumed)?
    bool object_or_skip(od::value& v, const char* key) {
        od::json_type t = type(v);
        if (t == od::json_type::object) return true;
        if (t == od::json_type::null) {
            expect_null(v);
            return false;
        }
        surprise(key, type_name(t));
        skip(v);
        return false;
    }
    bool array_or_skip(od::value& v, const char* key) {
        od::json_type t = type(v);
        if (t == od::json_type::array) return true;
        if (t == od::json_type::null) {
            expect_null(v);
            return false;
        }
        surprise(key, type_name(t));
        skip(v);
        return false;
    }

    // ---------------------------------------------------------------- money

    // Captures a money value; `extra(key, value)` gets the object's other fields (return false
    // to have them skipped).
    template <class Extra>
    void read_money(od::value& v, MoneyPart& m, Extra&& extra) {
        od::json_type t = type(v);
        if (t == od::json_type::null) {
            expect_null(v);
            return;
        }
        m.present = true;
        if (t != od::json_type::object) {
            read_num(v, m.scalar);
            return;
        }
        m.object = true;
        fields(v, [&](std::string_view k, od::value& x) {
            if (k == "amount") read_num(x, m.amount);
            else if (k == "currency") read_str(x, m.currency);
            else if (k == "price") read_num(x, m.price);
            else if (k == "currency_code") read_str(x, m.currency_code);
            else if (!extra(k, x)) skip(x);
        });
    }
    void read_money(od::value& v, MoneyPart& m) {
        read_money(v, m, [](std::string_view, od::value&) { return false; });
    }

    // Reader::money / money_value with the default currency known at the end.
    void resolve(const MoneyPart& m, const char* key, std::string_view def, Money& out) const {
        out.amount = 0.0;
        if (!m.present) {
            out.currency.assign(def.data(), def.size());
            return;
        }
        if (m.object) {
            const Num* af = m.amount.present ? &m.amount : m.price.present ? &m.price : nullptr;
            if (af) out.amount = use(*af, key);
            std::string_view cur = use(m.currency, "currency");
            if (cur.empty()) cur = use(m.currency_code, "currency_code");
            if (cur.empty()) cur = def;
            out.currency.assign(cur.data(), cur.size());
            return;
        }
        out.amount = use(m.scalar, key);
        out.currency.assign(def.data(), def.size());
    }

    // read_charge of models.cpp: no amount (null, "", {"amount": ""}) -> nullopt.
    std::optional<Money> charge(const MoneyPart& m, const char* key, const Str* currency,
                                const char* currency_key) const {
        if (!m.present) return std::nullopt;
        if (m.object) {
            if (!m.amount.present || m.amount.empty_str) return std::nullopt;
        } else if (m.scalar.is_string) {
            if (m.scalar.empty_str) return std::nullopt;
        } else if (!m.scalar.is_number) {
            surprise(key, m.scalar.bad);
            return std::nullopt;
        }
        std::string_view cur = currency ? use(*currency, currency_key) : std::string_view();
        Money out;
        resolve(m, key, cur, out);
        return out;
    }

private:
    const char* method_;
    int depth_ = 0;
};

// ------------------------------------------------------------------ postings

void read_cancellation(Walker& w, od::value& v, std::optional<Cancellation>& out) {
    out.reset();
    if (!w.object_or_skip(v, "cancellation")) return;
    Cancellation c;
    w.fields(v, [&](std::string_view k, od::value& x) {
        if (k == "cancellation_initiator") w.str(x, "cancellation_initiator", c.initiator);
        else if (k == "cancellation_type") w.str(x, "cancellation_type", c.type);
        else if (k == "cancel_reason") w.str(x, "cancel_reason", c.reason);
        else if (k == "cancel_reason_id") c.reason_id = w.integer(x, "cancel_reason_id");
        else if (k == "affect_cancellation_rating")
            c.affect_rating = w.boolean(x, "affect_cancellation_rating");
        else if (k == "cancelled_after_ship") c.after_ship = w.boolean(x, "cancelled_after_ship");
        else w.skip(x);
    });
    if (!c.empty()) out = std::move(c);
}

void read_delivery_method(Walker& w, od::value& v, DeliveryMethod& d) {
    d = DeliveryMethod{};
    if (!w.object_or_skip(v, "delivery_method")) return;
    w.fields(v, [&](std::string_view k, od::value& x) {
        if (k == "id") d.id = w.integer(x, "id");
        else if (k == "name") w.str(x, "name", d.name);
        else if (k == "warehouse_id") d.warehouse_id = w.integer(x, "warehouse_id");
        else if (k == "warehouse") w.str(x, "warehouse", d.warehouse);
        else if (k == "tpl_provider") w.str(x, "tpl_provider", d.tpl_provider);
        else w.skip(x);
    });
}

void read_products(Walker& w, od::value& v, std::vector<PostingProduct>& out) {
    out.clear();
    if (!w.array_or_skip(v, "products")) return;
    w.elements(v, [&](od::value& e) {
        od::json_type t = w.type(e);
        if (t != od::json_type::object) {
            w.surprise("products[]", type_name(t));
            return w.skip(e);
        }
        PostingProduct& x = out.emplace_back();
        MoneyPart price;
        Str currency_code;
        w.fields(e, [&](std::string_view k, od::value& f) {
            if (k == "sku") x.sku = w.integer(f, "sku");
            else if (k == "offer_id") w.str(f, "offer_id", x.offer_id);
            else if (k == "name") w.str(f, "name", x.name);
            else if (k == "quantity") x.quantity = static_cast<int>(w.integer(f, "quantity"));
            else if (k == "price") {
                price = MoneyPart{};
                w.read_money(f, price);
            } else if (k == "currency_code") w.read_str(f, currency_code);
            else w.skip(f);
        });
        // v3: price "1530.0000" + currency_code; v4: price {amount, currency}.
        w.resolve(price, "price", w.use(currency_code, "currency_code"), x.price);
    });
}

void read_financial_product(Walker& w, od::value& e, FinancialProduct& x) {
    Str currency_code, commissions_currency_code;
    MoneyPart customer_price, price, commission_obj, commission_amount;
    Num commission_percent, percent;
    bool commission_is_object = false;
    w.fields(e, [&](std::string_view k, od::value& f) {
        if (k == "product_id") x.product_id = w.integer(f, "product_id");
        else if (k == "quantity") x.quantity = static_cast<int>(w.integer(f, "quantity"));
        else if (k == "payout") x.payout = w.number(f, "payout");
        else if (k == "old_price") x.old_price = w.number(f, "old_price");
        else if (k == "currency_code") w.read_str(f, currency_code);
        else if (k == "customer_price") {
            customer_price = MoneyPart{};
            w.read_money(f, customer_price);
        } else if (k == "price") {
            price = MoneyPart{};
            w.read_money(f, price);
        } else if (k == "commission") {
            commission_obj = MoneyPart{};
            percent = Num{};
            commission_is_object = w.type(f) == od::json_type::object;
            if (commission_is_object) {
                w.read_money(f, commission_obj, [&](std::string_view ck, od::value& cx) {
                    if (ck != "percent") return false;
                    w.read_num(cx, percent);
                    return true;
                });
            } else {
                w.skip(f);
            }
        } else if (k == "commissions_currency_code") w.read_str(f, commissions_currency_code);
        else if (k == "commission_amount") {
            commission_amount = MoneyPart{};
            w.read_money(f, commission_amount);
        } else if (k == "commission_percent") w.read_num(f, commission_percent);
        else w.skip(f);
    });
    std::string_view currency = w.use(currency_code, "currency_code");
    w.resolve(customer_price, "customer_price", currency, x.customer_price);
    if (currency.empty()) currency = x.customer_price.currency;
    w.resolve(price, "price", currency, x.price);
    if (commission_is_object) {
        w.resolve(commission_obj, "commission", currency, x.commission);
        x.commission_percent = w.use(percent, "percent");
    } else {
        // v3 shape: commission_amount / commission_percent / commissions_currency_code
        std::string_view ccur = w.use(commissions_currency_code, "commissions_currency_code");
        w.resolve(commission_amount, "commission_amount", ccur.empty() ? currency : ccur,
                  x.commission);
        x.commission_percent = w.use(commission_percent, "commission_percent");
    }
}

void read_financial_data(Walker& w, od::value& v, std::optional<FinancialData>& out) {
    out.reset();
    if (!w.object_or_skip(v, "financial_data")) return;
    FinancialData& fd = out.emplace();
    w.fields(v, [&](std::string_view k, od::value& x) {
        if (k == "cluster_from") w.str(x, "cluster_from", fd.cluster_from);
        else if (k == "cluster_to") w.str(x, "cluster_to", fd.cluster_to);
        else if (k == "products") {
            fd.products.clear();
            if (!w.array_or_skip(x, "products")) return;
            w.elements(x, [&](od::value& e) {
                od::json_type t = w.type(e);
                if (t != od::json_type::object) {
                    w.surprise("financial_data.products[]", type_name(t));
                    return w.skip(e);
                }
                read_financial_product(w, e, fd.products.emplace_back());
            });
        } else {
            w.skip(x);
        }
    });
}

// Ozon marks the open-ended last step with 9999-12-31T23:59:59.999999900Z.
OptTime open_ended_to_nullopt(OptTime t) {
    static const TimePoint kOpenEnded = *parse_iso8601("9999-01-01T00:00:00Z");
    if (t && *t >= kOpenEnded) return std::nullopt;
    return t;
}

void read_tariffication_object(Walker& w, od::value& v, Tariffication& t) {
    MoneyPart cur_charge, cur_min, next_charge, next_min;
    Str cur_cc, next_cc;
    t.current_tariff_type.clear();
    t.next_tariff_type.clear();
    t.current_tariff_rate = t.next_tariff_rate = 0.0;
    t.next_tariff_starts_at.reset();
    w.fields(v, [&](std::string_view k, od::value& x) {
        if (k == "current_tariff_type") w.str(x, "current_tariff_type", t.current_tariff_type);
        else if (k == "current_tariff_rate") t.current_tariff_rate = w.number(x, "current_tariff_rate");
        else if (k == "current_tariff_charge") { cur_charge = MoneyPart{}; w.read_money(x, cur_charge); }
        else if (k == "current_tariff_charge_currency_code") w.read_str(x, cur_cc);
        else if (k == "current_tariff_min_charge") { cur_min = MoneyPart{}; w.read_money(x, cur_min); }
        else if (k == "next_tariff_type") w.str(x, "next_tariff_type", t.next_tariff_type);
        else if (k == "next_tariff_rate") t.next_tariff_rate = w.number(x, "next_tariff_rate");
        else if (k == "next_tariff_charge") { next_charge = MoneyPart{}; w.read_money(x, next_charge); }
        else if (k == "next_tariff_charge_currency_code") w.read_str(x, next_cc);
        else if (k == "next_tariff_min_charge") { next_min = MoneyPart{}; w.read_money(x, next_min); }
        else if (k == "next_tariff_starts_at") t.next_tariff_starts_at = w.time(x, "next_tariff_starts_at");
        else w.skip(x);
    });
    t.current_tariff_charge =
        w.charge(cur_charge, "current_tariff_charge", &cur_cc, "current_tariff_charge_currency_code");
    t.current_tariff_min_charge = w.charge(cur_min, "current_tariff_min_charge", nullptr, nullptr);
    t.next_tariff_charge =
        w.charge(next_charge, "next_tariff_charge", &next_cc, "next_tariff_charge_currency_code");
    t.next_tariff_min_charge = w.charge(next_min, "next_tariff_min_charge", nullptr, nullptr);
}

void read_tariffication(Walker& w, od::value& v, Tariffication& t) {
    od::json_type ty = w.type(v);
    if (ty == od::json_type::null) return w.expect_null(v);
    if (ty == od::json_type::object) return read_tariffication_object(w, v, t);
    if (ty == od::json_type::array) {
        // The 2025 swagger example wraps the object in an array; take its first object.
        bool done = false;
        w.elements(v, [&](od::value& e) {
            if (!done && w.type(e) == od::json_type::object) {
                done = true;
                read_tariffication_object(w, e, t);
            } else {
                w.skip(e);
            }
        });
        return;
    }
    w.surprise("tariffication", type_name(ty));
    w.skip(v);
}

void read_tariff_steps(Walker& w, od::value& v, std::vector<TariffStep>& out) {
    out.clear();
    if (!w.array_or_skip(v, "tariffication_steps")) return;
    w.elements(v, [&](od::value& e) {
        od::json_type t = w.type(e);
        if (t != od::json_type::object) {
            w.surprise("tariffication_steps[]", type_name(t));
            return w.skip(e);
        }
        TariffStep& s = out.emplace_back();
        MoneyPart charge, min_charge;
        w.fields(e, [&](std::string_view k, od::value& x) {
            if (k == "tariff_type") w.str(x, "tariff_type", s.type);
            else if (k == "tariff_rate") s.rate = w.number(x, "tariff_rate");
            else if (k == "tariff_charge") { charge = MoneyPart{}; w.read_money(x, charge); }
            else if (k == "min_charge") { min_charge = MoneyPart{}; w.read_money(x, min_charge); }
            else if (k == "tariff_deadline_at")
                s.deadline_at = open_ended_to_nullopt(w.time(x, "tariff_deadline_at"));
            else w.skip(x);
        });
        s.charge = w.charge(charge, "tariff_charge", nullptr, nullptr);
        s.min_charge = w.charge(min_charge, "min_charge", nullptr, nullptr);
    });
}

void read_posting(Walker& w, od::value& v, Posting& out) {
    Tariffication tariff;
    w.fields(v, [&](std::string_view k, od::value& x) {
        // Ordered roughly by frequency in real pages; unknown fields fall through to skip.
        switch (k.size()) {
            case 6:
                if (k == "status") return w.str(x, "status", out.status);
                break;
            case 8:
                if (k == "order_id") { out.order_id = w.integer(x, "order_id"); return; }
                if (k == "products") return read_products(w, x, out.products);
                break;
            case 9:
                if (k == "substatus") return w.str(x, "substatus", out.substatus);
                break;
            case 10:
                if (k == "is_express") { out.is_express = w.boolean(x, "is_express"); return; }
                break;
            case 11:
                if (k == "is_multibox") { out.is_multibox = w.boolean(x, "is_multibox"); return; }
                break;
            case 12:
                if (k == "order_number") return w.str(x, "order_number", out.order_number);
                if (k == "cancellation") return read_cancellation(w, x, out.cancellation);
                break;
            case 13:
                if (k == "shipment_date") { out.shipment_date = w.time(x, "shipment_date"); return; }
                if (k == "in_process_at") { out.in_process_at = w.time(x, "in_process_at"); return; }
                if (k == "tariffication") return read_tariffication(w, x, tariff);
                break;
            case 14:
                if (k == "posting_number") return w.str(x, "posting_number", out.posting_number);
                if (k == "financial_data") return read_financial_data(w, x, out.financial_data);
                break;
            case 15:
                if (k == "delivering_date") { out.delivering_date = w.time(x, "delivering_date"); return; }
                if (k == "tracking_number") return w.str(x, "tracking_number", out.tracking_number);
                if (k == "delivery_method") return read_delivery_method(w, x, out.delivery_method);
                if (k == "delivery_schema") return w.str(x, "delivery_schema", out.delivery_schema);
                break;
            case 17:
                if (k == "available_actions")
                    return w.strings(x, "available_actions", out.available_actions);
                break;
            case 18:
                if (k == "previous_substatus")
                    return w.str(x, "previous_substatus", out.previous_substatus);
                if (k == "fact_delivery_date") {
                    out.fact_delivery_date = w.time(x, "fact_delivery_date");
                    return;
                }
                break;
            case 19:
                if (k == "tariffication_steps") return read_tariff_steps(w, x, tariff.steps);
                break;
            case 20:
                if (k == "tpl_integration_type")
                    return w.str(x, "tpl_integration_type", out.tpl_integration_type);
                break;
            case 23:
                if (k == "pickup_code_verified_at") {
                    out.pickup_code_verified_at = w.time(x, "pickup_code_verified_at");
                    return;
                }
                break;
            case 27:
                if (k == "shipment_date_without_delay") {
                    out.shipment_date_without_delay = w.time(x, "shipment_date_without_delay");
                    return;
                }
                break;
            default: break;
        }
        w.skip(x);
    });
    if (!tariff.empty()) out.tariffication = std::move(tariff);
}

void read_page_field(Walker& w, std::string_view k, od::value& x, PostingPage& page,
                     bool unfulfilled) {
    if (k == "postings") {
        page.postings.clear();
        if (!w.array_or_skip(x, "postings")) return;
        page.postings.reserve(100);  // limit <= 100 per page
        w.elements(x, [&](od::value& e) {
            od::json_type t = w.type(e);
            if (t != od::json_type::object) {
                w.surprise("postings[]", type_name(t));
                return w.skip(e);
            }
            read_posting(w, e, page.postings.emplace_back());
        });
    } else if (k == "cursor") {
        w.str(x, "cursor", page.cursor);
    } else if (k == "has_next") {
        page.has_next = w.boolean(x, "has_next");
    } else if (k == "count" && unfulfilled) {
        page.count = w.opt_int(x, "count");
    } else {
        w.skip(x);
    }
}

// A padded copy of the body and a parser, reused by the thread.
struct Scratch {
    std::unique_ptr<char[]> buf;
    std::size_t cap = 0;
    od::parser parser;

    const char* fill(std::string_view body) {
        std::size_t need = body.size() + simdjson::SIMDJSON_PADDING;
        if (need > cap) {
            buf.reset(new char[need]);
            cap = need;
        }
        std::memcpy(buf.get(), body.data(), body.size());
        std::memset(buf.get() + body.size(), 0, simdjson::SIMDJSON_PADDING);
        return buf.get();
    }
    void trim() {
        if (cap > kKeepBufferBytes) {
            buf.reset();
            cap = 0;
            parser = od::parser{};
        }
    }
};

}  // namespace

PostingPage parse_posting_page_simd(std::string_view body, const char* method, bool unfulfilled) {
    if (body.size() > kMaxBodyBytes)
        throw ParseError(std::string(method) + ": response body over the size limit");
    thread_local Scratch scratch;
    struct Trim {
        Scratch& s;
        ~Trim() { s.trim(); }
    } trim{scratch};

    const char* data = scratch.fill(body);
    Walker w(method);
    od::document doc = w.get(scratch.parser.iterate(data, body.size(), scratch.cap));
    od::object top;
    if (error_code e = doc.get_object().get(top)) {
        if (e == simdjson::INCORRECT_TYPE)
            throw ParseError(std::string(method) + ": response is not a JSON object");
        w.fail(e);
    }
    PostingPage page;
    PostingPage wrapped;  // old shapes wrapped everything in "result"
    bool is_wrapped = false;
    {
        Walker::Level lv(w);
        for (auto fr : top) {
            od::field f = w.get(std::move(fr));
            std::string_view k = w.key(f);
            od::value x = f.value();
            if (k == "result") {
                if (w.type(x) == od::json_type::object) {
                    is_wrapped = true;
                    wrapped = PostingPage{};
                    w.fields(x, [&](std::string_view k2, od::value& y) {
                        read_page_field(w, k2, y, wrapped, unfulfilled);
                    });
                } else {
                    w.skip(x);
                }
                continue;
            }
            read_page_field(w, k, x, page, unfulfilled);
        }
    }
    // Nothing may follow the top-level object (current_location() is out of bounds at the end).
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == simdjson::SUCCESS) w.fail(simdjson::TRAILING_CONTENT);
    return is_wrapped ? std::move(wrapped) : std::move(page);
}

}  // namespace ozw::ozon::detail
