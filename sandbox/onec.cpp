// CommerceML 2.10 offers.xml as the shop's 1C exchange writes it (see sandbox/onec.hpp).
#include "sandbox/onec.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include "common/time.hpp"

namespace ozw::sandbox {

namespace {

void escaped(std::string& out, const std::string& s) {
    for (char ch : s) {
        switch (ch) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default: out += ch;
        }
    }
}

void element(std::string& out, const char* indent, const char* name, const std::string& value) {
    out += indent;
    out += '<';
    out += name;
    out += '>';
    escaped(out, value);
    out += "</";
    out += name;
    out += ">\n";
}

std::string number(double v) {
    char buf[32];
    if (std::floor(v) == v && std::fabs(v) < 1e15)
        std::snprintf(buf, sizeof buf, "%.0f", v);
    else
        std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

// 1C writes its local time without a zone; the shops here are in Moscow (UTC+3).
std::string moscow_local(TimePoint t) {
    auto s = format_iso8601(std::chrono::floor<std::chrono::seconds>(t) + std::chrono::hours(3));
    if (!s.empty() && s.back() == 'Z') s.pop_back();
    return s;
}

}  // namespace

namespace {

std::string offers_xml(const Onec& onec, TimePoint generated_at) {
    const std::string catalog = "bd72d8f9-55bc-11d9-848a-00112f43529a";
    const std::string price_type = "bd72d8f8-55bc-11d9-848a-00112f43529a";
    std::string out;
    out.reserve(1024 + onec.offers.size() * 900);
    out += "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<КоммерческаяИнформация xmlns=\"urn:1C.ru:commerceml_2\" "
           "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
           "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ВерсияСхемы=\"2.10\" ДатаФормирования=\"";
    out += moscow_local(generated_at);
    out += "\">\n";
    out += "\t<ПакетПредложений СодержитТолькоИзменения=\"";
    out += onec.partial ? "true" : "false";
    out += "\">\n";
    element(out, "\t\t", "Ид", catalog + "#");
    element(out, "\t\t", "Наименование", "Пакет предложений (Основной каталог товаров)");
    element(out, "\t\t", "ИдКаталога", catalog);
    element(out, "\t\t", "ИдКлассификатора", catalog);
    out += "\t\t<Владелец>\n";
    element(out, "\t\t\t", "Ид", "9f6a1c2e-3b4d-11ee-8c90-0242ac120002");
    element(out, "\t\t\t", "Наименование", "ООО \"Демо-Одежда\"");
    element(out, "\t\t\t", "ОфициальноеНаименование", "Общество с ограниченной ответственностью \"Демо-Одежда\"");
    element(out, "\t\t\t", "ИНН", "7701234567");
    element(out, "\t\t\t", "КПП", "770101001");
    out += "\t\t</Владелец>\n";
    out += "\t\t<ТипыЦен>\n\t\t\t<ТипЦены>\n";
    element(out, "\t\t\t\t", "Ид", price_type);
    element(out, "\t\t\t\t", "Наименование", "Розничная");
    element(out, "\t\t\t\t", "Валюта", "RUB");
    out += "\t\t\t</ТипЦены>\n\t\t</ТипыЦен>\n";
    out += "\t\t<Склады>\n";
    for (const auto& w : onec.warehouses) {
        out += "\t\t\t<Склад>\n";
        element(out, "\t\t\t\t", "Ид", w.id);
        element(out, "\t\t\t\t", "Наименование", w.name);
        out += "\t\t\t</Склад>\n";
    }
    out += "\t\t</Склады>\n";
    out += "\t\t<Предложения>\n";
    for (const auto& o : onec.offers) {
        out += "\t\t\t<Предложение>\n";
        element(out, "\t\t\t\t", "Ид", o.id);
        element(out, "\t\t\t\t", "Артикул", o.article);
        if (!o.barcode.empty()) element(out, "\t\t\t\t", "Штрихкод", o.barcode);
        element(out, "\t\t\t\t", "Наименование", o.name);
        out += "\t\t\t\t<БазоваяЕдиница Код=\"796\" НаименованиеПолное=\"Штука\" "
               "МеждународноеСокращение=\"PCE\">шт</БазоваяЕдиница>\n";
        if (o.price > 0) {
            out += "\t\t\t\t<Цены>\n\t\t\t\t\t<Цена>\n";
            element(out, "\t\t\t\t\t\t", "Представление", number(o.price) + " RUB за шт");
            element(out, "\t\t\t\t\t\t", "ИдТипаЦены", price_type);
            element(out, "\t\t\t\t\t\t", "ЦенаЗаЕдиницу", number(o.price));
            element(out, "\t\t\t\t\t\t", "Валюта", "RUB");
            element(out, "\t\t\t\t\t\t", "Единица", "шт");
            element(out, "\t\t\t\t\t\t", "Коэффициент", "1");
            out += "\t\t\t\t\t</Цена>\n\t\t\t\t</Цены>\n";
        }
        element(out, "\t\t\t\t", "Количество", std::to_string(o.quantity));
        auto stock_at = [&](const std::string& id, int q) {
            out += "\t\t\t\t<Склад ИдСклада=\"";
            escaped(out, id);
            out += "\" КоличествоНаСкладе=\"";
            out += std::to_string(q);
            out += "\"/>\n";
        };
        if (o.by_warehouse.empty()) {
            if (!onec.warehouses.empty()) stock_at(onec.warehouses.front().id, o.quantity);
        } else {
            for (const auto& [id, q] : o.by_warehouse) stock_at(id, q);
        }
        out += "\t\t\t</Предложение>\n";
    }
    out += "\t\t</Предложения>\n";
    out += "\t</ПакетПредложений>\n";
    out += "</КоммерческаяИнформация>\n";
    return out;
}

}  // namespace

std::string onec_offers_xml(const Onec& onec) { return offers_xml(onec, onec.mtime); }

void write_onec_offers(const Scenario& s, const std::filesystem::path& file) {
    if (!s.onec) throw std::runtime_error("write_onec_offers: the scenario has no 'onec' section");
    write_onec_offers(s, file, s.onec->mtime);
}

void write_onec_offers(const Scenario& s, const std::filesystem::path& file, TimePoint mtime) {
    if (!s.onec) throw std::runtime_error("write_onec_offers: the scenario has no 'onec' section");
    const std::string bytes = offers_xml(*s.onec, mtime);  // ДатаФормирования = the file time
    auto tmp = file;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error("write_onec_offers: cannot create " + tmp.string());
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out) throw std::runtime_error("write_onec_offers: cannot write " + tmp.string());
    }
    std::error_code ec;
    const auto ft = std::chrono::file_clock::from_sys(
        std::chrono::time_point_cast<std::chrono::system_clock::duration>(mtime));
    std::filesystem::last_write_time(tmp, ft, ec);
    if (ec) throw std::runtime_error("write_onec_offers: cannot set the time of " + tmp.string() + ": " + ec.message());
    std::filesystem::rename(tmp, file, ec);
    if (ec) throw std::runtime_error("write_onec_offers: cannot rename " + tmp.string() + " to " + file.string() + ": " + ec.message());
}

}  // namespace ozw::sandbox
