#pragma once
// A strict parser of the Prometheus text exposition format 0.0.4, written from the format's
// grammar and independent of common/metrics.cpp (the renderer it checks). Shared by the
// registry's unit test and the daemon's /metrics integration test.
//
// Accepts exactly:
//   # HELP <metric_name> <docstring>      docstring escapes: \\ and \n only
//   # TYPE <metric_name> <counter|gauge|histogram|summary|untyped>
//   # <any other comment>
//   <metric_name>[{<label>="<value>"(,<label>="<value>")*[,]}] <value>[ <timestamp>]
// with single spaces, each line ended by '\n' (the page too); label value escapes \\ \" \n
// only; value a float ([+-]digits[.digits][e[+-]digits], +Inf, -Inf, NaN); timestamp an int.
// And checks the page's structure: a family's HELP and TYPE at most once each and before its
// samples; every sample's family declared by a TYPE; a family's samples contiguous (no family
// twice); no series twice (name + label set); label names valid and unique in a sample, none
// reserved ("__"); counter values neither negative nor NaN; no blank lines.
// Throws PromParseError naming the line.
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ozw::test::prom {

struct PromParseError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

using Labels = std::map<std::string, std::string>;  // unescaped values

struct Series {
    std::string name;  // the sample's name (== family name for counters and gauges)
    Labels labels;
    double value = 0;
    std::optional<long long> timestamp;
};

struct Family {
    std::string name;
    std::string type;  // "" until a TYPE line
    std::optional<std::string> help;  // unescaped
    std::vector<Series> series;
};

struct Page {
    std::vector<std::string> order;  // family names in page order
    std::map<std::string, Family> families;

    const Family* family(const std::string& name) const {
        auto it = families.find(name);
        return it == families.end() ? nullptr : &it->second;
    }
    // The value of the series with exactly these labels; nullopt when absent.
    std::optional<double> value(const std::string& name, const Labels& labels = {}) const {
        auto f = family(name);
        if (!f) return std::nullopt;
        for (const auto& s : f->series)
            if (s.name == name && s.labels == labels) return s.value;
        return std::nullopt;
    }
    // value() or 0 (a counter not yet counted).
    double value_or_zero(const std::string& name, const Labels& labels = {}) const {
        return value(name, labels).value_or(0);
    }
};

namespace detail {

inline bool name_start(char c, bool colon) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
}
inline bool name_char(char c, bool colon) { return name_start(c, colon) || (c >= '0' && c <= '9'); }

// Reads a metric name (colon allowed) or a label name from s at pos.
inline std::string read_name(std::string_view s, std::size_t& pos, bool colon) {
    const std::size_t start = pos;
    if (pos >= s.size() || !name_start(s[pos], colon)) return {};
    ++pos;
    while (pos < s.size() && name_char(s[pos], colon)) ++pos;
    return std::string(s.substr(start, pos - start));
}

inline double parse_value(std::string_view v) {
    if (v == "+Inf") return INFINITY;
    if (v == "-Inf") return -INFINITY;
    if (v == "NaN") return NAN;
    static const std::regex re(R"(^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$)");
    const std::string s(v);
    if (!std::regex_match(s, re)) throw PromParseError("bad value '" + s + "'");
    return std::strtod(s.c_str(), nullptr);
}

inline std::string unescape(std::string_view s, bool quotes) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\') {
            out += s[i];
            continue;
        }
        if (i + 1 >= s.size()) throw PromParseError("a lone backslash at the end");
        const char n = s[++i];
        if (n == '\\') out += '\\';
        else if (n == 'n') out += '\n';
        else if (n == '"' && quotes) out += '"';
        else throw PromParseError(std::string("bad escape \\") + n);
    }
    return out;
}

// The family a sample name belongs to: itself, or for histogram/summary parts its base.
inline std::string family_of(const std::string& name, const std::map<std::string, Family>& fams) {
    if (fams.count(name)) return name;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        std::string_view n(name), sfx(suffix);
        if (n.size() > sfx.size() && n.ends_with(sfx)) {
            std::string base(n.substr(0, n.size() - sfx.size()));
            auto it = fams.find(base);
            if (it != fams.end() && (it->second.type == "histogram" || it->second.type == "summary")) return base;
        }
    }
    return name;
}

}  // namespace detail

inline Page parse(std::string_view text) {
    using detail::read_name;
    Page page;
    if (text.empty()) return page;
    if (text.back() != '\n') throw PromParseError("the page does not end with a newline");
    std::set<std::string> finished;  // families whose samples are over
    std::string current;             // the family of the previous line
    std::set<std::pair<std::string, Labels>> seen;
    std::size_t line_no = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::string_view line = text.substr(start, end - start);
        start = end + 1;
        ++line_no;
        auto fail = [&](const std::string& why) -> PromParseError {
            return PromParseError("line " + std::to_string(line_no) + ": " + why + ": '" + std::string(line) + "'");
        };
        // Leaving a family for another: it may not come back.
        auto enter = [&](const std::string& fam) {
            if (fam == current) return;
            if (finished.count(fam)) throw fail("family " + fam + " appears again after other families");
            if (!current.empty()) finished.insert(current);
            current = fam;
        };
        if (line.empty()) throw fail("blank line");
        if (line.find('\r') != std::string_view::npos) throw fail("carriage return");
        if (line[0] == '#') {
            const bool help = line.starts_with("# HELP ");
            const bool type = line.starts_with("# TYPE ");
            if (!help && !type) continue;  // a comment
            std::size_t pos = 7;
            const std::string name = read_name(line, pos, true);
            if (name.empty()) throw fail("bad metric name");
            if (pos >= line.size() || line[pos] != ' ') throw fail("no space after the name");
            const std::string_view rest = line.substr(pos + 1);
            enter(name);
            Family& f = page.families[name];
            if (f.name.empty()) {
                f.name = name;
                page.order.push_back(name);
            }
            if (!f.series.empty()) throw fail("HELP/TYPE after the family's samples");
            if (help) {
                if (f.help) throw fail("a second HELP for " + name);
                try {
                    f.help = detail::unescape(rest, false);
                } catch (const PromParseError& e) {
                    throw fail(e.what());
                }
            } else {
                if (!f.type.empty()) throw fail("a second TYPE for " + name);
                static const std::set<std::string> types{"counter", "gauge", "histogram", "summary", "untyped"};
                if (!types.count(std::string(rest))) throw fail("unknown type");
                f.type = std::string(rest);
            }
            continue;
        }
        Series s;
        std::size_t pos = 0;
        s.name = read_name(line, pos, true);
        if (s.name.empty()) throw fail("bad metric name");
        if (pos < line.size() && line[pos] == '{') {
            ++pos;
            while (true) {
                if (pos >= line.size()) throw fail("unterminated label set");
                if (line[pos] == '}') {
                    ++pos;
                    break;
                }
                const std::string label = read_name(line, pos, false);
                if (label.empty()) throw fail("bad label name");
                if (label.starts_with("__")) throw fail("reserved label name " + label);
                if (pos + 1 >= line.size() || line[pos] != '=' || line[pos + 1] != '"')
                    throw fail("expected =\" after label " + label);
                pos += 2;
                std::string raw;
                bool closed = false;
                while (pos < line.size()) {
                    const char c = line[pos++];
                    if (c == '\\') {
                        if (pos >= line.size()) break;
                        raw += c;
                        raw += line[pos++];
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        raw += c;
                    }
                }
                if (!closed) throw fail("unterminated label value");
                std::string value;
                try {
                    value = detail::unescape(raw, true);
                } catch (const PromParseError& e) {
                    throw fail(e.what());
                }
                if (!s.labels.emplace(label, std::move(value)).second) throw fail("label " + label + " twice");
                if (pos < line.size() && line[pos] == ',') ++pos;
                else if (pos < line.size() && line[pos] != '}') throw fail("expected , or } in the label set");
            }
        }
        if (pos >= line.size() || line[pos] != ' ') throw fail("expected a space before the value");
        ++pos;
        const std::string_view rest = line.substr(pos);
        const std::size_t sp = rest.find(' ');
        try {
            s.value = detail::parse_value(rest.substr(0, sp));
        } catch (const PromParseError& e) {
            throw fail(e.what());
        }
        if (sp != std::string_view::npos) {
            static const std::regex ts(R"(^-?[0-9]+$)");
            const std::string t(rest.substr(sp + 1));
            if (!std::regex_match(t, ts)) throw fail("bad timestamp");
            s.timestamp = std::stoll(t);
        }
        const std::string fam = detail::family_of(s.name, page.families);
        auto it = page.families.find(fam);
        if (it == page.families.end() || it->second.type.empty()) throw fail("a sample of an undeclared family");
        enter(fam);
        if (it->second.type == "counter" && (std::isnan(s.value) || s.value < 0))
            throw fail("a counter must be a number >= 0");
        if (!seen.emplace(s.name, s.labels).second) throw fail("the same series twice");
        it->second.series.push_back(std::move(s));
    }
    return page;
}

}  // namespace ozw::test::prom
