#include "common/onec/offers.hpp"

#include <pugixml.hpp>

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace ozw::onec {

namespace {

// Element names compared without a namespace prefix ("cml:Предложение" == "Предложение").
std::string_view local_name(const pugi::xml_node& n) {
    std::string_view s = n.name();
    auto colon = s.find(':');
    return colon == std::string_view::npos ? s : s.substr(colon + 1);
}

pugi::xml_node child(const pugi::xml_node& parent, std::string_view name) {
    for (auto c : parent.children())
        if (c.type() == pugi::node_element && local_name(c) == name) return c;
    return {};
}

template <class F>
void for_children(const pugi::xml_node& parent, std::string_view name, F&& f) {
    for (auto c : parent.children())
        if (c.type() == pugi::node_element && local_name(c) == name) f(c);
}

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}

std::string text_of(const pugi::xml_node& parent, std::string_view name) {
    auto c = child(parent, name);
    return c ? trim(c.child_value()) : std::string();
}

// 1C writes "12", "12.000", sometimes "12,5" (locale comma).
std::optional<double> number(std::string s) {
    s = trim(s);
    if (s.empty()) return std::nullopt;
    for (auto& ch : s)
        if (ch == ',') ch = '.';
    std::string compact;
    for (char ch : s)
        if (ch != ' ') compact += ch;
    double d = 0;
    auto [p, ec] = std::from_chars(compact.data(), compact.data() + compact.size(), d);
    if (ec != std::errc() || p != compact.data() + compact.size() || !std::isfinite(d)) return std::nullopt;
    return d;
}

std::string attr(const pugi::xml_node& n, std::string_view name) {
    for (auto a : n.attributes()) {
        std::string_view an = a.name();
        auto colon = an.find(':');
        if (colon != std::string_view::npos) an = an.substr(colon + 1);
        if (an == name) return a.value();
    }
    return {};
}

}  // namespace

std::optional<double> Offer::total() const {
    if (quantity) return quantity;
    if (by_warehouse.empty()) return std::nullopt;
    double sum = 0;
    for (const auto& [id, q] : by_warehouse) sum += q;
    return sum;
}

std::optional<Millis> Offers::age(TimePoint now) const {
    if (!file_mtime) return std::nullopt;
    return std::chrono::duration_cast<Millis>(now - *file_mtime);
}

Offers parse_offers(std::string_view xml) {
    // pugixml skips a UTF-8 BOM itself with encoding_utf8/auto; strip it anyway for safety.
    if (xml.size() >= 3 && static_cast<unsigned char>(xml[0]) == 0xEF &&
        static_cast<unsigned char>(xml[1]) == 0xBB && static_cast<unsigned char>(xml[2]) == 0xBF)
        xml.remove_prefix(3);
    pugi::xml_document doc;
    auto res = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!res)
        throw Error(std::string("1C offers.xml: malformed XML at byte ") +
                    std::to_string(res.offset) + ": " + res.description());
    pugi::xml_node root = doc.document_element();
    if (!root || local_name(root) != "КоммерческаяИнформация")
        throw Error("1C offers.xml: root element КоммерческаяИнформация not found");
    Offers out;
    out.schema_version = attr(root, "ВерсияСхемы");
    pugi::xml_node pkg = child(root, "ПакетПредложений");
    if (!pkg) throw Error("1C offers.xml: ПакетПредложений not found");
    out.only_changes = attr(pkg, "СодержитТолькоИзменения") == "true" || text_of(pkg, "СодержитТолькоИзменения") == "true";
    if (auto whs = child(pkg, "Склады"))
        for_children(whs, "Склад", [&](pugi::xml_node w) {
            out.warehouses[text_of(w, "Ид")] = text_of(w, "Наименование");
        });
    if (auto offers = child(pkg, "Предложения"))
        for_children(offers, "Предложение", [&](pugi::xml_node o) {
            Offer x;
            x.id = text_of(o, "Ид");
            x.article = text_of(o, "Артикул");
            x.barcode = text_of(o, "Штрихкод");
            x.name = text_of(o, "Наименование");
            if (auto q = child(o, "Количество")) x.quantity = number(q.child_value());
            // Per-warehouse stock: <Склад ИдСклада="..." КоличествоНаСкладе="..."/>, also
            // inside an <Остатки> wrapper in some exports.
            auto read_wh = [&](pugi::xml_node w) {
                std::string id = attr(w, "ИдСклада");
                auto q = number(attr(w, "КоличествоНаСкладе"));
                if (!id.empty() && q) x.by_warehouse[id] += *q;
            };
            for_children(o, "Склад", read_wh);
            if (auto rests = child(o, "Остатки"))
                for_children(rests, "Остаток", [&](pugi::xml_node r) {
                    for_children(r, "Склад", [&](pugi::xml_node w) {
                        auto id = text_of(w, "Ид");
                        auto q = number(text_of(w, "Количество"));
                        if (!id.empty() && q) x.by_warehouse[id] += *q;
                    });
                });
            if (x.id.empty() && x.article.empty()) return;
            out.offers.push_back(std::move(x));
        });
    return out;
}

Offers read_offers_file(const std::filesystem::path& path) {
    std::error_code ec;
    auto mtime = std::filesystem::last_write_time(path, ec);
    if (ec) throw Error("1C offers.xml: cannot read " + path.string() + ": " + ec.message());
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("1C offers.xml: cannot open " + path.string());
    std::ostringstream ss;
    ss << in.rdbuf();
    Offers o = parse_offers(ss.str());
    auto sys = std::chrono::file_clock::to_sys(mtime);
    o.file_mtime = std::chrono::time_point_cast<Millis>(sys);
    return o;
}

Offers merge_offers(const Offers& previous, const Offers& package) {
    if (!package.only_changes) return package;
    Offers out = previous;
    out.schema_version = package.schema_version;
    out.file_mtime = package.file_mtime;
    for (const auto& [id, name] : package.warehouses) out.warehouses[id] = name;
    for (const auto& o : package.offers) {
        bool replaced = false;
        for (auto& p : out.offers)
            if (p.id == o.id) {
                p = o;
                replaced = true;
                break;
            }
        if (!replaced) out.offers.push_back(o);
    }
    out.only_changes = false;
    return out;
}

}  // namespace ozw::onec
