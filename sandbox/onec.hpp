#pragma once
// The shop's 1C side of the sandbox: 1C is not a service but a file its exchange writes, so the
// sandbox writes that file. The format is what real exports look like (CommerceML 2.10
// offers.xml, see ../shared/notes/insales-and-1c.md):
//   UTF-8 with a byte-order mark; <КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2"
//   ВерсияСхемы="2.10" ДатаФормирования="<mtime, Moscow local time>">
//     <ПакетПредложений СодержитТолькоИзменения="false|true"> Ид, Наименование, ИдКаталога,
//       ИдКлассификатора, Владелец, ТипыЦен, Склады/Склад{Ид, Наименование},
//       Предложения/Предложение{Ид, Артикул, Штрихкод, Наименование, БазоваяЕдиница,
//         Цены/Цена (when the offer has a price), Количество,
//         Склад ИдСклада="..." КоличествоНаСкладе="..." (one per warehouse)}
// ozw::onec::read_offers_file (common/onec/offers.hpp) reads it back.
#include <filesystem>
#include <string>

#include "common/clock.hpp"
#include "sandbox/scenario.hpp"

namespace ozw::sandbox {

// The whole file's bytes (BOM included).
std::string onec_offers_xml(const Onec& onec);

// Writes the scenario's `onec` to `file` (a temporary file in the same folder renamed over it,
// so a reader never sees half a file) and sets the file's modification time to onec.mtime, or
// to `mtime` in the second form. Throws std::runtime_error when the scenario has no `onec`
// section or on an I/O error.
void write_onec_offers(const Scenario& s, const std::filesystem::path& file);
void write_onec_offers(const Scenario& s, const std::filesystem::path& file, TimePoint mtime);

}  // namespace ozw::sandbox
