#pragma once
// 1C CommerceML 2 offers.xml reader (the file 1C's exchange writes): per-offer total stock and
// per-warehouse stock. Handles the UTF-8 BOM, the urn:1C.ru:commerceml_2 namespace (with or
// without a prefix), partial packages (СодержитТолькоИзменения="true": only listed offers
// change), offer ids like "товар#характеристика", and reports the file's age (mtime).
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"

namespace ozw::onec {

struct Offer {
    std::string id;       // Ид
    std::string article;  // Артикул (normally the Ozon offer_id)
    std::string barcode;  // Штрихкод
    std::string name;     // Наименование
    std::optional<double> quantity;  // Количество (total)
    std::map<std::string, double> by_warehouse;  // ИдСклада -> КоличествоНаСкладе
    // Total if present, else the sum over warehouses, else nullopt.
    std::optional<double> total() const;
};

// How much of each offer a reader keeps. `figures`: Ид, Артикул, Штрихкод and the total in
// `quantity` (Количество, else the sum over warehouses), without the name and the per-warehouse
// figures: for a caller that compares totals, at a fraction of the allocations.
enum class OfferDetail { full, figures };

struct Offers {
    std::string schema_version;   // ВерсияСхемы
    bool only_changes = false;    // СодержитТолькоИзменения
    std::map<std::string, std::string> warehouses;  // Ид -> Наименование
    std::vector<Offer> offers;
    std::optional<TimePoint> file_mtime;  // set by read_offers_file
    // Age of the figures at `now` (nullopt when parsed from memory).
    std::optional<Millis> age(TimePoint now) const;
};

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Throws Error for malformed XML (with line, column and byte offset), a missing root/package or
// a declared encoding other than UTF-8.
Offers parse_offers(std::string_view xml);
// Streams the offers (read_offers_streaming), else parses the whole document.
Offers read_offers_file(const std::filesystem::path& path, OfferDetail detail = OfferDetail::full);

// Apply a package to a previous full state: a full package replaces it; a partial package
// (only_changes) replaces only the offers it lists. Offers are keyed by Ид (by Артикул when
// they have no Ид).
Offers merge_offers(const Offers& previous, const Offers& package);

namespace detail {
bool has_bom(std::string_view s);
// "12", "12.000", "12,5", "1 234,5" (spaces, no-break spaces); nullopt when not a number.
std::optional<double> parse_quantity(std::string_view s);
// Parses `buf` in place (it is modified); `source` names the file in error messages.
Offers parse_offers_inplace(std::string& buf, const std::string& source,
                            OfferDetail detail = OfferDetail::full);
struct FileData {
    std::string data;
    TimePoint mtime{};
};
// The whole file and its modification time; Error names `what` and the path.
FileData read_whole_file(const std::filesystem::path& path, const std::string& what);
// An offers file read in slices of about `slice` bytes: the <Предложения> section is parsed a
// slice of whole offers at a time, so neither the file nor its tree is ever in memory at once.
// nullopt when the file does not have the plain layout that allows it (a prefixed or second
// section, a comment or CDATA across a slice, malformed XML): read_offers_file then parses the
// whole document. Errors opening or reading the file are thrown. `slices_parsed` (optional)
// receives how many slices were parsed.
constexpr std::size_t kOffersSlice = std::size_t{1} << 20;
std::optional<Offers> read_offers_streaming(const std::filesystem::path& path, std::size_t slice,
                                            OfferDetail detail = OfferDetail::full,
                                            std::size_t* slices_parsed = nullptr);
}  // namespace detail

}  // namespace ozw::onec
