#pragma once
// Tolerant reading of Ozon answers with simdjson's On-Demand API: the private helper of the
// simdjson page parsers in common/ozon (posting_page.cpp, returns_page.cpp, stocks_page.cpp,
// accruals_page.cpp) and of InSales' products.json (common/insales/products_page.cpp). simdjson
// is a PRIVATE dependency of ozw_common: include this header only from .cpp files of common/.
//
// The rules are exactly those of the nlohmann readers in models.cpp (json_util.hpp, Reader):
// null = absent, numbers as strings and strings as numbers, unknown enum values kept, unknown
// fields ignored, a known field of the wrong type is a schema surprise logged once per
// (method, field) and keeps its default. Where a value depends on a sibling field, the parser
// captures it while iterating (Num, Str, MoneyPart) and resolves it at the end of the object, so
// the result and the surprises do not depend on the order of the keys. A key sent twice: the
// last one wins, as in nlohmann (each read resets what it fills); the only difference left is
// that a surprise in the earlier value is logged too (nlohmann never sees that value). A UTF-8
// byte order mark is skipped, as nlohmann does.
//
// Strictness is kept as well: every value, including those of unknown fields, is walked and
// validated (strings, escapes, numbers, literals, brackets), nesting over kMaxJsonDepth is an
// error, trailing content is an error. The walk is iterative per level and bounded by
// kMaxJsonDepth, so hostile nesting cannot overflow the stack.
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "common/ozon/errors.hpp"
#include "common/ozon/json_util.hpp"
#include "common/ozon/models.hpp"
#include "common/time.hpp"

namespace ozw::ozon::detail::simd {

namespace od = simdjson::ondemand;
using simdjson::error_code;

inline const char* type_name(od::json_type t) {
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
inline constexpr std::size_t kKeepBufferBytes = 16u * 1024u * 1024u;

// ------------------------------------------------------------------ captured values
// A value read now and "used" later: using it logs its surprise (if any), like the nlohmann
// reader would have when it looked at the field.

struct Num {
    bool present = false;    // not null / not absent
    bool is_string = false;  // sent as a string
    bool is_number = false;  // sent as a JSON number
    bool empty_str = false;  // ""
    bool ok = false;         // has a finite numeric value (read_amount: an exact amount)
    double v = 0.0;          // read_num
    Decimal dec;             // read_amount
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
    Num amount, price, value;    // object: {amount|price|value, currency|currency_code}
    Str currency, currency_code;
    Num scalar;                  // not an object: number or numeric string
};

// ------------------------------------------------------------------ field bindings
// Walker::object(v, into("sku", x.sku), with("product", f), ...) reads the fields of an object:
// a key bound with into() goes through the reader of the target's type (the key is also the
// name its surprises are logged under, as in the nlohmann Reader); with() hands the value to
// f(value); obj() reads a nested object through its own bindings; list() an array of objects;
// any other key is walked and skipped.

template <class T>
struct Into {
    std::string_view key;  // a literal: key.data() is NUL-terminated
    T* out;
};
template <class T, std::size_t N>
Into<T> into(const char (&key)[N], T& out) {
    return {std::string_view(key, N - 1), &out};
}

template <class F>
struct With {
    std::string_view key;
    F f;
};
template <class F, std::size_t N>
With<F> with(const char (&key)[N], F f) {
    return {std::string_view(key, N - 1), std::move(f)};
}

// A nested object field read into `out` through its own bindings (which point into `out`):
// `out` is reset first, null leaves it reset, another type is a surprise under `key`.
template <class T, class... B>
struct Obj {
    std::string_view key;
    T* out;
    std::tuple<B...> binds;
};
template <class T, std::size_t N, class... B>
Obj<T, B...> obj(const char (&key)[N], T& out, B... binds) {
    return {std::string_view(key, N - 1), &out, {std::move(binds)...}};
}

// An array field of objects read into `out` (cleared first), each element by
// f(walker, value, element); elements that are not objects are surprises under `elem_key`.
template <class T, class F>
struct List {
    std::string_view key;
    const char* elem_key;
    std::vector<T>* out;
    F f;
};
template <class T, class F, std::size_t N>
List<T, F> list(const char (&key)[N], const char* elem_key, std::vector<T>& out, F f) {
    return {std::string_view(key, N - 1), elem_key, &out, std::move(f)};
}

// Grows `v` for `more` elements at once, geometrically when appending to a non-empty vector.
template <class T>
void reserve_more(std::vector<T>& v, std::size_t more) {
    std::size_t need = v.size() + more;
    if (need > v.capacity()) v.reserve(v.empty() ? need : std::max(need, 2 * v.capacity()));
}

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
            case od::json_type::object: fields(v, [&](std::string_view, od::value& x) { skip(x); }); break;
            case od::json_type::array: elements(v, [&](od::value& x) { skip(x); }); break;
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
            default: return unusable(v, t, out);
        }
    }

    // A money amount, exactly (Reader::to_decimal): a JSON number from its text
    // (decimal_from_number_text: through a double only with an exponent or more than 15
    // significant digits), a string by decimal_from_text; null and "" are no amount; other
    // types, garbage and amounts beyond Decimal::kMaxUnits are not usable.
    void read_amount(od::value& v, Num& out) {
        out = Num{};
        od::json_type t = type(v);
        switch (t) {
            case od::json_type::null: expect_null(v); return;
            case od::json_type::number: {
                out.present = out.is_number = true;
                // The token's text before the value is consumed; it runs to the next token.
                std::string_view text = v.raw_json_token();
                while (!text.empty() && (text.back() == ' ' || text.back() == '\t' ||
                                         text.back() == '\n' || text.back() == '\r'))
                    text.remove_suffix(1);
                (void)number_value(v);  // validates the number (out of double range: an error)
                if (auto x = decimal_from_number_text(text)) {
                    out.ok = true;
                    out.dec = *x;
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
                if (auto x = decimal_from_text(s)) {
                    out.ok = true;
                    out.dec = *x;
                } else {
                    out.bad = "string";
                }
                return;
            }
            default: return unusable(v, t, out);
        }
    }

    // A value of a type the capture cannot use: present, its type name kept for the surprise
    // logged when it is used, walked.
    template <class Capture>
    void unusable(od::value& v, od::json_type t, Capture& out) {
        out.present = true;
        out.bad = type_name(t);
        skip(v);
    }

    double use(const Num& n, const char* key) const {
        if (n.bad) surprise(key, n.bad);
        return n.ok ? n.v : 0.0;
    }

    // An amount read by read_amount: zero when unusable (the surprise logged).
    Decimal use_amount(const Num& n, const char* key) const {
        if (n.bad) surprise(key, n.bad);
        return n.ok ? n.dec : Decimal{};
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
                } else if (auto i = integral(n.d)) {
                    return i;
                }
                surprise(key, "number");
                return std::nullopt;
            }
            case od::json_type::string: {
                std::string_view s = get(v.get_string());
                if (s.empty()) return std::nullopt;
                if (auto i = integer_from_text(s)) return i;
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
            default: return unusable(v, t, out);
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

    // Is `v` of type `want` (true), null (false, consumed) or something else (surprise under
    // `key`, consumed)?
    bool is_or_skip(od::value& v, od::json_type want, const char* key) {
        od::json_type t = type(v);
        if (t == want) return true;
        if (t == od::json_type::null) {
            expect_null(v);
            return false;
        }
        surprise(key, type_name(t));
        skip(v);
        return false;
    }
    bool object_or_skip(od::value& v, const char* key) { return is_or_skip(v, od::json_type::object, key); }
    bool array_or_skip(od::value& v, const char* key) { return is_or_skip(v, od::json_type::array, key); }

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
            read_amount(v, m.scalar);
            return;
        }
        m.object = true;
        fields(v, [&](std::string_view k, od::value& x) {
            if (k == "amount") read_amount(x, m.amount);
            else if (k == "currency") read_str(x, m.currency);
            else if (k == "price") read_amount(x, m.price);
            else if (k == "value") read_amount(x, m.value);
            else if (k == "currency_code") read_str(x, m.currency_code);
            else if (!extra(k, x)) skip(x);
        });
    }
    void read_money(od::value& v, MoneyPart& m) {
        read_money(v, m, [](std::string_view, od::value&) { return false; });
    }

    // Reader::money / money_value with the default currency known at the end.
    void resolve(const MoneyPart& m, const char* key, std::string_view def, Money& out) const {
        out.amount = Decimal{};
        if (!m.present) {
            out.currency.assign(def.data(), def.size());
            return;
        }
        if (m.object) {
            const Num* af = m.amount.present  ? &m.amount
                            : m.price.present ? &m.price
                            : m.value.present ? &m.value
                                              : nullptr;
            if (af) out.amount = use_amount(*af, key);
            std::string_view cur = use(m.currency, "currency");
            if (cur.empty()) cur = use(m.currency_code, "currency_code");
            if (cur.empty()) cur = def;
            out.currency.assign(cur.data(), cur.size());
            return;
        }
        out.amount = use_amount(m.scalar, key);
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

    // Reader::money (default currency none).
    void money(od::value& v, const char* key, Money& out) {
        MoneyPart m;
        read_money(v, m);
        resolve(m, key, {}, out);
    }

    // Reader::opt_money: null/absent -> nullopt; any other value gives a Money.
    std::optional<Money> opt_money(od::value& v, const char* key) {
        MoneyPart m;
        read_money(v, m);
        if (!m.present) return std::nullopt;
        Money out;
        resolve(m, key, {}, out);
        return out;
    }

    // ---------------------------------------------------------------- objects and arrays

    // The reader of each target type (as in models.cpp: int fields are the int64 reader cast).
    void read(od::value& v, const char* key, long long& out) { out = integer(v, key); }
    void read(od::value& v, const char* key, int& out) { out = static_cast<int>(integer(v, key)); }
    void read(od::value& v, const char* key, double& out) { out = number(v, key); }
    void read(od::value& v, const char* key, bool& out) { out = boolean(v, key); }
    void read(od::value& v, const char* key, std::string& out) { str(v, key, out); }
    void read(od::value& v, const char* key, OptTime& out) { out = time(v, key); }
    void read(od::value& v, const char* key, Money& out) { money(v, key, out); }
    void read(od::value& v, const char* key, std::optional<Money>& out) { out = opt_money(v, key); }
    void read(od::value& v, const char* key, std::optional<long long>& out) { out = opt_int(v, key); }
    void read(od::value& v, const char* key, std::optional<int>& out) {
        std::optional<long long> x = opt_int(v, key);
        if (x) out = static_cast<int>(*x);
        else out.reset();
    }

    template <class T>
    bool match(std::string_view k, od::value& x, const Into<T>& b) {
        if (k != b.key) return false;
        read(x, b.key.data(), *b.out);
        return true;
    }
    template <class F>
    bool match(std::string_view k, od::value& x, const With<F>& b) {
        if (k != b.key) return false;
        b.f(x);
        return true;
    }

    template <class T, class... B>
    bool match(std::string_view k, od::value& x, const Obj<T, B...>& b) {
        if (k != b.key) return false;
        *b.out = T{};
        if (object_or_skip(x, b.key.data()))
            std::apply([&](const auto&... inner) { object(x, inner...); }, b.binds);
        return true;
    }
    template <class T, class F>
    bool match(std::string_view k, od::value& x, const List<T, F>& b) {
        if (k != b.key) return false;
        b.out->clear();
        objects(x, b.key.data(), b.elem_key, *b.out, [&](od::value& e, T& t) { b.f(*this, e, t); });
        return true;
    }

    // Reads field (k, x) into the binding of key k; skips it when no binding has that key.
    template <class... B>
    void read_field(std::string_view k, od::value& x, const B&... binds) {
        if (!(match(k, x, binds) || ...)) skip(x);
    }

    // Reads the fields of an object value (the caller checked the type) into the bindings.
    template <class... B>
    void object(od::value& v, const B&... binds) {
        fields(v, [&](std::string_view k, od::value& x) { read_field(k, x, binds...); });
    }

    // Calls f(element) for each object of the array value `v`: null is no array, another type
    // a surprise under `key`, an element that is not an object a surprise under `elem_key`.
    template <class F>
    void each_object(od::value& v, const char* key, const char* elem_key, F&& f) {
        if (!array_or_skip(v, key)) return;
        each_object_element(v, elem_key, f);
    }

    // Same, appending one element to `out` per object and filling it with f(value, element).
    // A vector with no room left gets room for all the elements at once (counting them is a
    // quick pass over the array's structure); one with room left (a buffer reused across
    // records) is not counted again.
    template <class T, class F>
    void objects(od::value& v, const char* key, const char* elem_key, std::vector<T>& out, F&& f) {
        if (!array_or_skip(v, key)) return;
        if (out.size() == out.capacity()) reserve_more(out, get(v.count_elements()));
        each_object_element(v, elem_key, [&](od::value& e) { f(e, out.emplace_back()); });
    }

private:
    template <class F>
    void each_object_element(od::value& v, const char* elem_key, F&& f) {
        elements(v, [&](od::value& e) {
            od::json_type t = type(e);
            if (t != od::json_type::object) {
                surprise(elem_key, type_name(t));
                return skip(e);
            }
            f(e);
        });
    }

    const char* method_;
    int depth_ = 0;
};

// ------------------------------------------------------------------ documents

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

inline Scratch& thread_scratch() {
    thread_local Scratch scratch;
    return scratch;
}

// What every page parse shares: the size limit, a UTF-8 byte order mark skipped (nlohmann skips
// it; simdjson leaves that to the caller), the thread's buffers, the document handed to
// read_top(walker, document), and nothing after the top-level value. Throws ParseError like
// detail::parse_body: over kMaxBodyBytes, not JSON, nested too deeply, trailing content.
template <class F>
void parse_top(std::string_view body, const char* method, F&& read_top) {
    if (body.size() > kMaxBodyBytes)
        throw ParseError(std::string(method) + ": response body over the size limit");
    if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
    Scratch& scratch = thread_scratch();
    struct Trim {
        Scratch& s;
        ~Trim() { s.trim(); }
    } trim{scratch};

    const char* data = scratch.fill(body);
    Walker w(method);
    od::document doc = w.get(scratch.parser.iterate(data, body.size(), scratch.cap));
    read_top(w, doc);
    // Nothing may follow the top-level value (current_location() is out of bounds at the end).
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == simdjson::SUCCESS) w.fail(simdjson::TRAILING_CONTENT);
}

// Parses a response body whose top level must be an object and calls
// on_field(walker, key, value) for each of its fields. The errors of parse_top, and "not a JSON
// object" (detail::top_object's).
template <class F>
void parse_document(std::string_view body, const char* method, F&& on_field) {
    parse_top(body, method, [&](Walker& w, od::document& doc) {
        od::object top;
        if (error_code e = doc.get_object().get(top)) {
            if (e == simdjson::INCORRECT_TYPE)
                throw ParseError(std::string(method) + ": response is not a JSON object");
            w.fail(e);
        }
        Walker::Level lv(w);
        for (auto fr : top) {
            od::field f = w.get(std::move(fr));
            std::string_view k = w.key(f);
            od::value x = f.value();
            on_field(w, k, x);
        }
    });
}

// Parses a response body whose top level must be an array and calls on_element(walker, value)
// for each element. The errors of parse_top; a body that is JSON but not an array throws
// ParseError(not_array).
template <class F>
void parse_array_document(std::string_view body, const char* method, const std::string& not_array, F&& on_element) {
    parse_top(body, method, [&](Walker& w, od::document& doc) {
        od::array top;
        if (error_code e = doc.get_array().get(top)) {
            if (e == simdjson::INCORRECT_TYPE) throw ParseError(not_array);
            w.fail(e);
        }
        Walker::Level lv(w);
        for (auto er : top) {
            od::value x = w.get(std::move(er));
            on_element(w, x);
        }
    });
}

// parse_document for a page read entirely through bindings.
template <class... B>
void parse_object(std::string_view body, const char* method, const B&... binds) {
    parse_document(body, method,
                   [&](Walker& w, std::string_view k, od::value& x) { w.read_field(k, x, binds...); });
}

}  // namespace ozw::ozon::detail::simd
