#include "common/onec/stock.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <system_error>
#include <unordered_map>

namespace ozw::onec {

namespace fs = std::filesystem;

namespace {

std::string lower_ascii(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

// ASCII and Russian letters to lower case (UTF-8), for matching CSV header names.
std::string fold(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c == 0xD0 && i + 1 < s.size()) {
            auto d = static_cast<unsigned char>(s[i + 1]);
            if (d >= 0x90 && d <= 0x9F) {  // А..П -> а..п
                out += '\xD0';
                out += static_cast<char>(d + 0x20);
                ++i;
                continue;
            }
            if (d >= 0xA0 && d <= 0xAF) {  // Р..Я -> р..я
                out += '\xD1';
                out += static_cast<char>(d - 0x20);
                ++i;
                continue;
            }
            if (d == 0x81) {  // Ё -> ё
                out += "\xD1\x91";
                ++i;
                continue;
            }
        }
        out += static_cast<char>(std::tolower(c));
    }
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

// RFC 4180 records with a configurable delimiter; `line` is where the record starts.
class CsvReader {
public:
    CsvReader(std::string_view text, char delimiter, const std::string& source)
        : s_(text), d_(delimiter), source_(source) {}

    bool next(std::vector<std::string>& fields, std::size_t& line) {
        fields.clear();
        if (pos_ >= s_.size()) return false;
        line = line_;
        std::string field;
        bool quoted = false, was_quoted = false;
        while (pos_ < s_.size()) {
            char c = s_[pos_];
            if (quoted) {
                if (c == '"') {
                    if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '"') {
                        field += '"';
                        pos_ += 2;
                        continue;
                    }
                    quoted = false;
                    ++pos_;
                    continue;
                }
                if (c == '\n') ++line_;
                field += c;
                ++pos_;
                continue;
            }
            if (c == '"' && trim(field).empty() && !was_quoted) {
                field.clear();
                quoted = was_quoted = true;
                ++pos_;
                continue;
            }
            if (c == d_) {
                fields.push_back(std::move(field));
                field.clear();
                was_quoted = false;
                ++pos_;
                continue;
            }
            if (c == '\r' || c == '\n') {
                if (c == '\r' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n') ++pos_;
                ++pos_;
                ++line_;
                fields.push_back(std::move(field));
                return true;
            }
            field += c;
            ++pos_;
        }
        if (quoted)
            throw Error("1C " + source_ + ": line " + std::to_string(line) +
                        ": a quoted field is not closed (a \" is missing)");
        fields.push_back(std::move(field));
        return true;
    }

private:
    std::string_view s_;
    char d_;
    const std::string& source_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
};

std::string describe(const OnecCsvColumn& c) {
    return c.name.empty() ? "number " + std::to_string(c.index) : "\"" + c.name + "\"";
}

bool blank(const std::vector<std::string>& fields) {
    return std::all_of(fields.begin(), fields.end(), [](const std::string& f) { return trim(f).empty(); });
}

enum class Kind { none, offers_xml, other_xml, csv };

Kind kind_of(const std::string& filename) {
    if (filename.empty() || filename[0] == '.') return Kind::none;
    const std::string n = lower_ascii(filename);
    auto ends = [&](std::string_view e) { return n.size() > e.size() && n.compare(n.size() - e.size(), e.size(), e) == 0; };
    if (ends(".xml")) return n.rfind("offers", 0) == 0 ? Kind::offers_xml : Kind::other_xml;
    if (ends(".csv")) return Kind::csv;
    return Kind::none;
}

StockFormat format_of(const fs::path& path, OnecFormat configured) {
    if (configured == OnecFormat::csv) return StockFormat::csv;
    if (configured == OnecFormat::commerceml) return StockFormat::commerceml;
    return lower_ascii(path.extension().string()) == ".csv" ? StockFormat::csv : StockFormat::commerceml;
}

}  // namespace

const char* to_string(StockFormat f) { return f == StockFormat::csv ? "csv" : "commerceml"; }

StockFile to_stock_file(Offers&& offers) {
    StockFile f;
    f.format = StockFormat::commerceml;
    f.partial = offers.only_changes;
    f.warehouses = std::move(offers.warehouses);
    if (offers.file_mtime) f.mtime = *offers.file_mtime;
    f.items.reserve(offers.offers.size());
    for (auto& o : offers.offers) {
        StockItem it;
        it.quantity = o.total();
        it.id = std::move(o.id);
        it.article = std::move(o.article);
        it.barcode = std::move(o.barcode);
        it.name = std::move(o.name);
        it.by_warehouse = std::move(o.by_warehouse);
        f.items.push_back(std::move(it));
    }
    return f;
}

StockFile parse_stock_csv(std::string_view text, const OnecCsvConfig& csv, const std::string& source) {
    if (detail::has_bom(text)) text.remove_prefix(3);
    CsvReader reader(text, csv.delimiter, source);
    std::vector<std::string> fields;
    std::size_t line = 0;
    int article = csv.article.index - 1, quantity = csv.quantity.index - 1, barcode = csv.barcode.index - 1;
    if (csv.header) {
        // The header: the first non-empty row.
        bool found = false;
        while (reader.next(fields, line))
            if (!blank(fields)) {
                found = true;
                break;
            }
        if (!found) throw Error("1C " + source + ": empty file (no header row)");
        std::vector<std::string> names;
        for (const auto& f : fields) names.push_back(fold(trim(f)));
        auto resolve = [&](const OnecCsvColumn& c, int& idx, const char* what) {
            if (c.name.empty()) return;
            auto want = fold(trim(c.name));
            auto it = std::find(names.begin(), names.end(), want);
            if (it == names.end()) {
                std::string have;
                for (const auto& f : fields) have += (have.empty() ? "" : ", ") + std::string(trim(f));
                throw Error("1C " + source + ": no column \"" + c.name + "\" (the " + what +
                            ") in the header row (line " + std::to_string(line) + ": " + have + ")");
            }
            idx = static_cast<int>(it - names.begin());
        };
        resolve(csv.article, article, "article");
        resolve(csv.quantity, quantity, "quantity");
        resolve(csv.barcode, barcode, "barcode");
    }
    if (article < 0 || quantity < 0)
        throw Error("1C " + source + ": the article and quantity columns are not configured (onec.csv)");
    StockFile out;
    out.format = StockFormat::csv;
    while (reader.next(fields, line)) {
        if (blank(fields)) continue;
        auto at = [&](int i) { return i >= 0 && static_cast<std::size_t>(i) < fields.size() ? trim(fields[i]) : std::string_view{}; };
        StockItem it;
        it.article = std::string(at(article));
        if (it.article.empty()) continue;
        if (static_cast<std::size_t>(quantity) >= fields.size())
            throw Error("1C " + source + ": line " + std::to_string(line) + ": no quantity column (" +
                        describe(csv.quantity) + ", column " + std::to_string(quantity + 1) + "): the row has " +
                        std::to_string(fields.size()) + " field(s); is the delimiter \"" +
                        std::string(1, csv.delimiter) + "\" right?");
        auto q = at(quantity);
        if (!q.empty()) {
            it.quantity = detail::parse_quantity(q);
            if (!it.quantity)
                throw Error("1C " + source + ": line " + std::to_string(line) + ": quantity \"" + std::string(q) +
                            "\" of article " + it.article + " is not a number");
        }
        if (barcode >= 0) it.barcode = std::string(at(barcode));
        out.items.push_back(std::move(it));
    }
    return out;
}

std::vector<fs::path> stock_file_candidates(const fs::path& folder, OnecFormat format) {
    struct Cand {
        fs::path path;
        long long mtime_ns;
        Kind kind;
    };
    std::vector<Cand> all;
    std::error_code ec;
    fs::directory_iterator it(folder, ec);
    if (ec) throw Error("1C folder " + folder.string() + ": cannot list: " + ec.message());
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) throw Error("1C folder " + folder.string() + ": cannot list: " + ec.message());
        const fs::path p = it->path();
        Kind k = kind_of(p.filename().string());
        if (k == Kind::none) continue;
        struct stat st{};
        if (::stat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        all.push_back({p, static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec, k});
    }
    auto take = [&](std::initializer_list<Kind> kinds) {
        std::vector<Cand> sel;
        for (const auto& c : all)
            if (std::find(kinds.begin(), kinds.end(), c.kind) != kinds.end()) sel.push_back(c);
        return sel;
    };
    std::vector<Cand> sel;
    switch (format) {
        case OnecFormat::commerceml:
            sel = take({Kind::offers_xml});
            if (sel.empty()) sel = take({Kind::other_xml});
            break;
        case OnecFormat::csv: sel = take({Kind::csv}); break;
        case OnecFormat::auto_detect:
            sel = take({Kind::offers_xml, Kind::csv});
            if (sel.empty()) sel = take({Kind::other_xml});
            break;
    }
    std::sort(sel.begin(), sel.end(), [](const Cand& a, const Cand& b) {
        if (a.mtime_ns != b.mtime_ns) return a.mtime_ns > b.mtime_ns;
        return a.path.filename() > b.path.filename();
    });
    std::vector<fs::path> out;
    for (auto& c : sel) out.push_back(std::move(c.path));
    return out;
}

fs::path pick_stock_file(const fs::path& folder, OnecFormat format) {
    auto c = stock_file_candidates(folder, format);
    if (c.empty()) {
        const char* want = format == OnecFormat::csv          ? "*.csv"
                           : format == OnecFormat::commerceml ? "offers*.xml or *.xml"
                                                              : "offers*.xml, *.csv or *.xml";
        throw Error("1C folder " + folder.string() + ": no " + want + " file in it (has the 1C exchange run?)");
    }
    return c.front();
}

StockFile read_stock_file(const fs::path& path, OnecFormat format, const std::optional<OnecCsvConfig>& csv,
                          OfferDetail detail) {
    const StockFormat f = format_of(path, format);
    if (f == StockFormat::csv) {
        if (!csv)
            throw Error("1C " + path.string() + ": a CSV file, but onec.csv (its article and quantity columns) is not configured");
        auto data = detail::read_whole_file(path, "1C stock file");
        StockFile out = parse_stock_csv(data.data, *csv, path.string());
        out.path = path;
        out.mtime = data.mtime;
        return out;
    }
    StockFile out = to_stock_file(read_offers_file(path, detail));
    out.path = path;
    return out;
}

StockSourceFile locate_stock_source(const OnecConfig& config) {
    fs::path path(config.offers);
    std::error_code ec;
    const auto st = fs::status(path, ec);
    if (st.type() == fs::file_type::not_found)
        throw Error("1C " + path.string() + ": not found (onec.offers: check the path and the 1C exchange)");
    if (ec) throw Error("1C " + path.string() + ": " + ec.message());
    if (fs::is_directory(st)) path = pick_stock_file(path, config.format);
    struct stat s{};
    if (::stat(path.c_str(), &s) != 0) throw Error("1C " + path.string() + ": not found");
    return {path, TimePoint{std::chrono::duration_cast<Millis>(std::chrono::seconds{s.st_mtim.tv_sec} +
                                                              std::chrono::nanoseconds{s.st_mtim.tv_nsec})}};
}

StockFile read_stock_source(const OnecConfig& config, OfferDetail detail) {
    const fs::path source(config.offers);
    std::error_code ec;
    const auto st = fs::status(source, ec);
    if (st.type() == fs::file_type::not_found)
        throw Error("1C " + source.string() + ": not found (onec.offers: check the path and the 1C exchange)");
    if (ec) throw Error("1C " + source.string() + ": " + ec.message());
    if (!fs::is_directory(st)) return read_stock_file(source, config.format, config.csv, detail);

    const auto candidates = stock_file_candidates(source, config.format);
    if (candidates.empty()) pick_stock_file(source, config.format);  // throws the clear error
    StockFile newest = read_stock_file(candidates.front(), config.format, config.csv, detail);
    if (!newest.partial) return newest;
    // A partial package: put it over the newest full package of the folder and the partial
    // ones in between (at most 32 files back). An unreadable older file ends the search.
    std::vector<StockFile> chain;  // newest first
    bool full_found = false;
    for (std::size_t i = 1; i < candidates.size() && i <= 32; ++i) {
        if (format_of(candidates[i], config.format) != StockFormat::commerceml) continue;
        try {
            StockFile older = read_stock_file(candidates[i], config.format, config.csv, detail);
            full_found = !older.partial;
            chain.push_back(std::move(older));
            if (full_found) break;
        } catch (const Error&) {
            break;
        }
    }
    if (!full_found) return newest;  // only changes: the caller merges them over its own state
    std::vector<fs::path> applied;
    StockFile merged = std::move(chain.back());
    chain.pop_back();
    applied.push_back(merged.path);
    while (!chain.empty()) {
        merged = merge_stock(merged, chain.back());
        applied.push_back(chain.back().path);
        chain.pop_back();
    }
    merged = merge_stock(merged, newest);
    merged.applied = std::move(applied);
    return merged;
}

StockFile merge_stock(const StockFile& previous, const StockFile& package) {
    if (!package.partial) return package;
    StockFile out = previous;
    out.path = package.path;
    out.mtime = package.mtime;
    out.format = package.format;
    out.partial = previous.partial && package.partial;
    out.applied = package.applied;  // read_stock_source sets the folder's list itself
    for (const auto& [id, name] : package.warehouses) out.warehouses[id] = name;
    std::unordered_map<std::string, std::size_t> index;
    index.reserve(out.items.size());
    for (std::size_t i = 0; i < out.items.size(); ++i) index.emplace(out.items[i].key(), i);
    for (const auto& it : package.items) {
        if (auto found = index.find(it.key()); found != index.end()) {
            out.items[found->second] = it;
        } else {
            index.emplace(it.key(), out.items.size());
            out.items.push_back(it);
        }
    }
    return out;
}

}  // namespace ozw::onec
