#pragma once
// The 1C stock source the stocks watch reads: accounts[].onec in the configuration.
// `offers` is a file or the exchange folder (then its newest file of the format by mtime);
// the file is CommerceML 2 (offers.xml, see offers.hpp) or a CSV export with configured columns.
// One call, read_stock_source(), gives the figures, the file actually read and its age.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/onec/offers.hpp"

namespace ozw::onec {

enum class StockFormat { commerceml, csv };
const char* to_string(StockFormat f);

struct StockItem {
    std::string id;       // Ид (CommerceML; may be "товар#характеристика"); empty for CSV
    std::string article;  // Артикул / the article column: normally the Ozon offer_id
    std::string barcode;  // Штрихкод / the barcode column (optional)
    std::string name;     // Наименование (CommerceML only)
    // Total stock: Количество, else the sum over warehouses; nullopt = the file gives no figure
    // (not zero: skip it).
    std::optional<double> quantity;
    std::map<std::string, double> by_warehouse;  // ИдСклада -> quantity (CommerceML only)
    // The merge key: Ид, or the article when there is no Ид.
    const std::string& key() const { return id.empty() ? article : id; }
};

struct StockFile {
    std::vector<StockItem> items;
    std::filesystem::path path;  // the file actually read (for a folder: the newest one)
    TimePoint mtime{};           // its modification time: the age of the 1C figures
    // Only changes (CommerceML СодержитТолькоИзменения="true") and no full package found under
    // them: `items` are the changed offers only. Apply with merge_stock over the last full state.
    bool partial = false;
    StockFormat format = StockFormat::commerceml;
    std::map<std::string, std::string> warehouses;  // Склад Ид -> Наименование (CommerceML)
    // Folder: older packages applied under `path`, oldest (the full package) first. When the
    // newest file is a partial package the reader merges it over the newest full package of the
    // folder and the partial ones in between, so `partial` is then false.
    std::vector<std::filesystem::path> applied;

    Millis age(TimePoint now) const { return std::chrono::duration_cast<Millis>(now - mtime); }
    // True when the file is older than max_age at `now` (OnecConfig::max_age, 24h by default).
    bool stale(TimePoint now, Millis max_age) const { return age(now) > max_age; }
};

// Reads config.offers (a file, or the newest matching file of a folder) in config.format.
// Throws Error with a clear message: file missing, folder without a matching file, malformed XML
// (line, column, byte), a CSV column not in the header, a CSV row with a bad number (its line).
// `figures` (offers.hpp) keeps no names and no per-warehouse figures of a CommerceML file.
StockFile read_stock_source(const OnecConfig& config, OfferDetail detail = OfferDetail::full);

// Which file read_stock_source would read now and its modification time, without reading it:
// a watch can skip an unchanged source. Throws the same Error for a missing file or empty folder.
struct StockSourceFile {
    std::filesystem::path path;
    TimePoint mtime{};
};
StockSourceFile locate_stock_source(const OnecConfig& config);

// One file in a format (auto: by extension, .csv = CSV, else CommerceML). CSV needs `csv`.
StockFile read_stock_file(const std::filesystem::path& path, OnecFormat format,
                          const std::optional<OnecCsvConfig>& csv, OfferDetail detail = OfferDetail::full);

// The newest regular file of `folder` for `format` (by mtime, then name): commerceml:
// offers*.xml, else any *.xml; csv: *.csv; auto: offers*.xml or *.csv, else any *.xml. Hidden
// files are ignored. Throws Error when there is none.
std::filesystem::path pick_stock_file(const std::filesystem::path& folder, OnecFormat format);
// All the candidates of pick_stock_file, newest first.
std::vector<std::filesystem::path> stock_file_candidates(const std::filesystem::path& folder,
                                                         OnecFormat format);

// A CSV export: UTF-8 with or without BOM, quoted fields ("a;b", "" for a quote, line breaks
// inside quotes), CRLF or LF, decimal comma and thousands spaces in quantities. Empty lines and
// rows without an article are skipped; an empty quantity is nullopt. `source` names the file.
StockFile parse_stock_csv(std::string_view text, const OnecCsvConfig& csv,
                          const std::string& source = "CSV");

// A CommerceML package as a StockFile (path/mtime left empty).
StockFile to_stock_file(Offers&& offers);

// A full package replaces `previous`; a partial one replaces (or adds) only the items it lists,
// keyed by StockItem::key() (Ид, else article). The result takes the package's path and mtime and
// is partial only when both were.
StockFile merge_stock(const StockFile& previous, const StockFile& package);

// The figures are older than max_age at `now` (the watch says "1C data is N h old").
inline bool is_stale(const StockFile& f, TimePoint now, Millis max_age) { return f.stale(now, max_age); }

}  // namespace ozw::onec
