#include "common/onec/offers.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <pugixml.hpp>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <unordered_map>

namespace ozw::onec {

namespace {

// pugixml flags: no end-of-line normalisation, no attribute whitespace conversion, no
// comments/PI/doctype nodes; entities (&amp;) and CDATA are kept (an article may hold them).
// Text is embedded into its element (one node less per field).
constexpr unsigned kParseFlags = pugi::parse_minimal | pugi::parse_escapes | pugi::parse_cdata |
                                 pugi::parse_embed_pcdata;

// Element/attribute names compared without a namespace prefix ("cml:Предложение").
std::string_view local(std::string_view s) {
    auto colon = s.find(':');
    return colon == std::string_view::npos ? s : s.substr(colon + 1);
}
std::string_view local_name(const pugi::xml_node& n) { return local(n.name()); }

pugi::xml_node child(const pugi::xml_node& parent, std::string_view name) {
    for (auto c = parent.first_child(); c; c = c.next_sibling())
        if (c.type() == pugi::node_element && local_name(c) == name) return c;
    return {};
}

template <class F>
void for_children(const pugi::xml_node& parent, std::string_view name, F&& f) {
    for (auto c = parent.first_child(); c; c = c.next_sibling())
        if (c.type() == pugi::node_element && local_name(c) == name) f(c);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim_view(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

// The element's text (embedded or as a child text/CDATA node), trimmed.
std::string_view text_view(const pugi::xml_node& n) { return trim_view(n.child_value()); }

std::string text_of(const pugi::xml_node& parent, std::string_view name) {
    auto c = child(parent, name);
    return c ? std::string(text_view(c)) : std::string();
}

std::string_view attr(const pugi::xml_node& n, std::string_view name) {
    for (auto a = n.first_attribute(); a; a = a.next_attribute())
        if (local(a.name()) == name) return a.value();
    return {};
}

std::string where(const std::string& source) { return source.empty() ? "1C offers.xml" : "1C " + source; }

// Line and column (1-based, in bytes) of `offset` in `data`.
std::pair<std::size_t, std::size_t> line_col(const char* data, std::size_t size, std::size_t offset) {
    offset = std::min(offset, size);
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < offset; ++i) {
        if (data[i] == '\n') ++line, col = 1;
        else ++col;
    }
    return {line, col};
}

// A declared encoding other than UTF-8 (1C 7.7 wrote windows-1251) would be read as garbage.
void check_encoding(std::string_view head, const std::string& source) {
    head = head.substr(0, std::min<std::size_t>(head.size(), 200));
    if (head.rfind("<?xml", 0) != 0) return;
    auto end = head.find("?>");
    auto decl = head.substr(0, end);
    auto pos = decl.find("encoding");
    if (pos == std::string_view::npos) return;
    auto q = decl.find_first_of("\"'", pos);
    if (q == std::string_view::npos) return;
    auto q2 = decl.find(decl[q], q + 1);
    if (q2 == std::string_view::npos) return;
    std::string enc(decl.substr(q + 1, q2 - q - 1));
    for (auto& ch : enc) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (enc == "utf-8" || enc == "utf8") return;
    throw Error(where(source) + ": encoded in " + enc +
                "; only UTF-8 is read (set the 1C exchange to write UTF-8)");
}

}  // namespace

namespace detail {

bool has_bom(std::string_view s) {
    return s.size() >= 3 && static_cast<unsigned char>(s[0]) == 0xEF &&
           static_cast<unsigned char>(s[1]) == 0xBB && static_cast<unsigned char>(s[2]) == 0xBF;
}

// 1C writes "12", "12.000", "12,5" (locale comma), sometimes "1 234" or "1\u00A0234".
std::optional<double> parse_quantity(std::string_view s) {
    s = trim_view(s);
    if (s.empty()) return std::nullopt;
    char buf[64];
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char ch = s[i];
        if (ch == ' ' || ch == '\'') continue;  // thousands separators
        // NO-BREAK SPACE (C2 A0) and NARROW NO-BREAK SPACE (E2 80 AF): thousands separators.
        if (static_cast<unsigned char>(ch) == 0xC2 && i + 1 < s.size() &&
            static_cast<unsigned char>(s[i + 1]) == 0xA0) {
            ++i;
            continue;
        }
        if (static_cast<unsigned char>(ch) == 0xE2 && i + 2 < s.size() &&
            static_cast<unsigned char>(s[i + 1]) == 0x80 && static_cast<unsigned char>(s[i + 2]) == 0xAF) {
            i += 2;
            continue;
        }
        if (ch == ',') ch = '.';
        if (n == sizeof buf) return std::nullopt;
        buf[n++] = ch;
    }
    const char* b = buf;
    if (n > 0 && *b == '+') ++b;
    double d = 0;
    auto [p, ec] = std::from_chars(b, buf + n, d);
    if (ec != std::errc() || p != buf + n || b == buf + n || !std::isfinite(d)) return std::nullopt;
    return d;
}

}  // namespace detail

namespace {

// One <Предложение> into `out` (an offer with neither Ид nor Артикул is skipped).
void add_offer(pugi::xml_node o, Offers& out, OfferDetail detail) {
    const bool full = detail == OfferDetail::full;
    Offer x;
    double warehouse_sum = 0;
    bool warehouse_figures = false;
    // One pass over the offer's children.
    for (auto c = o.first_child(); c; c = c.next_sibling()) {
        if (c.type() != pugi::node_element) continue;
        const std::string_view n = local_name(c);
        if (n == "Ид") x.id = text_view(c);
        else if (n == "Артикул") x.article = text_view(c);
        else if (n == "Штрихкод") x.barcode = text_view(c);
        else if (n == "Наименование") {
            if (full) x.name = text_view(c);
        }
        else if (n == "Количество") x.quantity = detail::parse_quantity(c.child_value());
        else if (n == "Склад") {
            // <Склад ИдСклада="..." КоличествоНаСкладе="..."/>
            auto id = attr(c, "ИдСклада");
            auto q = detail::parse_quantity(attr(c, "КоличествоНаСкладе"));
            if (!id.empty() && q) {
                if (full) x.by_warehouse[std::string(id)] += *q;
                warehouse_sum += *q, warehouse_figures = true;
            }
        } else if (n == "Остатки") {
            // Some exports: <Остатки><Остаток><Склад><Ид/><Количество/></Склад></Остаток>
            for_children(c, "Остаток", [&](pugi::xml_node r) {
                for_children(r, "Склад", [&](pugi::xml_node w) {
                    auto id = text_of(w, "Ид");
                    auto q = detail::parse_quantity(text_of(w, "Количество"));
                    if (!id.empty() && q) {
                        if (full) x.by_warehouse[id] += *q;
                        warehouse_sum += *q, warehouse_figures = true;
                    }
                });
            });
        }
    }
    if (x.id.empty() && x.article.empty()) return;
    if (!full && !x.quantity && warehouse_figures) x.quantity = warehouse_sum;  // what total() gives
    out.offers.push_back(std::move(x));
}

// The whole document, parsed in place. `offers_element` (when given) receives whether the
// package has a <Предложения> element and how many element children it has.
struct OffersElement {
    bool present = false;
    std::size_t children = 0;
};
Offers parse_document(char* data, std::size_t size, const std::string& source, OfferDetail detail,
                      OffersElement* offers_element) {
    if (detail::has_bom(std::string_view(data, size))) data += 3, size -= 3;
    check_encoding(std::string_view(data, size), source);
    pugi::xml_document doc;
    auto res = doc.load_buffer_inplace(data, size, kParseFlags, pugi::encoding_utf8);
    if (!res) {
        auto [line, col] = line_col(data, size, static_cast<std::size_t>(std::max<std::ptrdiff_t>(res.offset, 0)));
        throw Error(where(source) + ": malformed XML at line " + std::to_string(line) + ", column " +
                    std::to_string(col) + " (byte " + std::to_string(res.offset) + "): " + res.description());
    }
    pugi::xml_node root = doc.document_element();
    if (!root || local_name(root) != "КоммерческаяИнформация")
        throw Error(where(source) + ": root element КоммерческаяИнформация not found");
    Offers out;
    out.schema_version = std::string(attr(root, "ВерсияСхемы"));
    pugi::xml_node pkg = child(root, "ПакетПредложений");
    if (!pkg)
        throw Error(where(source) + ": ПакетПредложений not found (is it offers.xml, not import.xml?)");
    out.only_changes = trim_view(attr(pkg, "СодержитТолькоИзменения")) == "true" ||
                       text_of(pkg, "СодержитТолькоИзменения") == "true";
    if (auto whs = child(pkg, "Склады"))
        for_children(whs, "Склад", [&](pugi::xml_node w) {
            out.warehouses[text_of(w, "Ид")] = text_of(w, "Наименование");
        });
    if (auto offers = child(pkg, "Предложения")) {
        std::size_t count = 0;
        for (auto o = offers.first_child(); o; o = o.next_sibling()) count += o.type() == pugi::node_element;
        if (offers_element) *offers_element = {true, count};
        out.offers.reserve(count);
        for_children(offers, "Предложение", [&](pugi::xml_node o) { add_offer(o, out, detail); });
    }
    return out;
}

}  // namespace

namespace detail {

Offers parse_offers_inplace(std::string& buf, const std::string& source, OfferDetail detail) {
    return parse_document(buf.data(), buf.size(), source, detail, nullptr);
}

namespace {

constexpr std::size_t kMaxFile = 1024ULL * 1024 * 1024;

// A regular file opened for reading, of at most kMaxFile bytes; closed when this goes. Errors
// are thrown as "<what>: ..." (`what` names the file).
class OpenFile {
public:
    explicit OpenFile(const std::filesystem::path& path, const std::string& what) : what_(what) {
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) {
            int e = errno;
            throw Error(what + ": " + (e == ENOENT ? std::string("not found") : std::string("cannot open: ") + std::strerror(e)));
        }
        struct stat st{};
        if (::fstat(fd_, &st) != 0) fail(std::strerror(errno));
        if (S_ISDIR(st.st_mode)) fail("is a folder, not a file");
        if (st.st_size < 0 || static_cast<std::size_t>(st.st_size) > kMaxFile) fail("larger than 1 GiB");
        size_ = static_cast<std::size_t>(st.st_size);
        mtime_ = TimePoint{std::chrono::duration_cast<Millis>(std::chrono::seconds{st.st_mtim.tv_sec} +
                                                              std::chrono::nanoseconds{st.st_mtim.tv_nsec})};
    }
    OpenFile(const OpenFile&) = delete;
    OpenFile& operator=(const OpenFile&) = delete;
    ~OpenFile() {
        if (fd_ >= 0) ::close(fd_);
    }

    std::size_t size() const { return size_; }  // when opened
    std::size_t read_so_far() const { return read_; }
    TimePoint mtime() const { return mtime_; }
    // Up to `n` bytes into `to` (0: the end); counts what was read against kMaxFile (a file
    // that grows while read).
    std::size_t read(char* to, std::size_t n) {
        for (;;) {
            const ssize_t got = ::read(fd_, to, n);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) fail(std::string("read error: ") + std::strerror(errno));
            read_ += static_cast<std::size_t>(got);
            if (read_ > kMaxFile) fail("larger than 1 GiB");
            return static_cast<std::size_t>(got);
        }
    }

private:
    [[noreturn]] void fail(const std::string& why) {
        ::close(fd_);
        fd_ = -1;
        throw Error(what_ + ": " + why);
    }

    std::string what_;
    int fd_ = -1;
    std::size_t size_ = 0, read_ = 0;
    TimePoint mtime_{};
};

}  // namespace

FileData read_whole_file(const std::filesystem::path& path, const std::string& what) {
    OpenFile file(path, what + " " + path.string());
    FileData f;
    f.mtime = file.mtime();
    f.data.resize(file.size());
    std::size_t got = 0;
    for (;;) {
        if (got == f.data.size()) f.data.resize(f.data.size() + 65536);  // grew while read
        const std::size_t n = file.read(f.data.data() + got, f.data.size() - got);
        if (n == 0) break;
        got += n;
    }
    f.data.resize(got);
    return f;
}

std::optional<Offers> read_offers_streaming(const std::filesystem::path& path, std::size_t slice,
                                            OfferDetail detail, std::size_t* slices_parsed) {
    // The layout this relies on: a root and a package whose <Предложения> section (unprefixed,
    // the first of the file) holds the offers. Whatever else is met, or any doubt (a comment or
    // CDATA cutting across a slice makes that slice malformed), answers nullopt and the caller
    // parses the whole document, which also gives the precise error for a broken file.
    static constexpr std::string_view kOpen = "<Предложения";
    static constexpr std::string_view kClose = "</Предложения>";
    static constexpr std::string_view kOfferClose = "</Предложение>";
    slice = std::max<std::size_t>(slice, 64);
    OpenFile file(path, "1C offers file " + path.string());
    const TimePoint mtime = file.mtime();
    // Appends up to `slice` bytes of the file to `buf`; false at its end.
    auto more = [&](std::string& buf) {
        const std::size_t old = buf.size();
        buf.resize(old + slice);
        const std::size_t n = file.read(buf.data() + old, slice);
        buf.resize(old + n);
        return n > 0;
    };
    auto is_tag_end = [](char c) { return c == '>' || c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    auto whole = [&](std::string& buf) {  // no section to stream: the rest of the file, parsed at once
        while (more(buf)) {
        }
        Offers o = parse_offers_inplace(buf, path.string(), detail);
        o.file_mtime = mtime;
        return o;
    };

    // 1. Everything before the section's opening tag.
    std::string head;
    std::size_t open_at = std::string_view::npos, scanned = 0;
    while (open_at == std::string_view::npos) {
        for (std::size_t p = head.find(kOpen, scanned > kOpen.size() ? scanned - kOpen.size() : 0);
             p != std::string::npos; p = head.find(kOpen, p + 1)) {
            if (p + kOpen.size() >= head.size()) break;  // the next byte is not read yet
            if (is_tag_end(head[p + kOpen.size()])) {
                open_at = p;
                break;
            }
        }
        if (open_at != std::string_view::npos) break;
        scanned = head.size();
        if (!more(head)) return whole(head);
    }
    std::size_t open_end;
    while ((open_end = head.find('>', open_at)) == std::string::npos)
        if (!more(head)) return std::nullopt;
    if (head[open_end - 1] == '/') return whole(head);  // <Предложения/>: nothing to stream
    std::string buf = head.substr(open_end + 1);
    head.resize(open_at);

    // 2. The offers, a slice of whole <Предложение> elements at a time, each parsed as a fragment.
    Offers streamed;
    pugi::xml_document doc;
    std::size_t slices = 0;
    auto parse_slice = [&](std::size_t size) {
        if (size == 0) return true;
        if (!doc.load_buffer_inplace(buf.data(), size, kParseFlags | pugi::parse_fragment, pugi::encoding_utf8))
            return false;
        for (auto c = doc.first_child(); c; c = c.next_sibling())
            if (c.type() == pugi::node_element && local_name(c) == "Предложение") add_offer(c, streamed, detail);
        if (++slices == 1 && size < file.read_so_far())  // room for as many offers as the file seems to hold
            streamed.offers.reserve(streamed.offers.size() * (file.size() / size + 1));
        return true;
    };
    std::string tail;
    for (;;) {
        if (const auto close_at = buf.find(kClose); close_at != std::string::npos) {
            if (!parse_slice(close_at)) return std::nullopt;
            tail.assign(buf, close_at + kClose.size());
            break;
        }
        if (auto cut = buf.rfind(kOfferClose); cut != std::string::npos) {
            cut += kOfferClose.size();
            if (!parse_slice(cut)) return std::nullopt;
            buf.erase(0, cut);
        }
        if (!more(buf)) return std::nullopt;  // no end of the section
    }
    buf = std::string();
    doc.reset();

    // 3. The document without its offers: root, package, warehouses, the changes-only flag. An
    // empty section stands where the offers were, so the package must find exactly it.
    while (more(tail)) {
    }
    if (tail.find(kOpen) != std::string::npos) return std::nullopt;  // a second section
    head.append("<Предложения/>").append(tail);
    tail = std::string();
    OffersElement section;
    Offers out;
    try {
        out = parse_document(head.data(), head.size(), path.string(), detail, &section);
    } catch (const Error&) {
        return std::nullopt;
    }
    if (!section.present || section.children != 0) return std::nullopt;
    out.offers = std::move(streamed.offers);
    out.file_mtime = mtime;
    if (slices_parsed) *slices_parsed = slices;
    return out;
}

}  // namespace detail

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
    std::string buf(xml);
    return detail::parse_offers_inplace(buf, "");
}

Offers read_offers_file(const std::filesystem::path& path, OfferDetail detail) {
    if (auto streamed = detail::read_offers_streaming(path, detail::kOffersSlice, detail)) return std::move(*streamed);
    auto f = detail::read_whole_file(path, "1C offers file");
    Offers o = detail::parse_offers_inplace(f.data, path.string(), detail);
    o.file_mtime = f.mtime;
    return o;
}

Offers merge_offers(const Offers& previous, const Offers& package) {
    if (!package.only_changes) return package;
    Offers out = previous;
    out.schema_version = package.schema_version;
    out.file_mtime = package.file_mtime;
    for (const auto& [id, name] : package.warehouses) out.warehouses[id] = name;
    std::unordered_map<std::string, std::size_t> index;
    index.reserve(out.offers.size());
    // Keyed by Ид; an offer without one by its article.
    auto key = [](const Offer& o) -> const std::string& { return o.id.empty() ? o.article : o.id; };
    for (std::size_t i = 0; i < out.offers.size(); ++i) index.emplace(key(out.offers[i]), i);
    for (const auto& o : package.offers) {
        if (auto it = index.find(key(o)); it != index.end()) {
            out.offers[it->second] = o;
        } else {
            index.emplace(key(o), out.offers.size());
            out.offers.push_back(o);
        }
    }
    out.only_changes = false;
    return out;
}

}  // namespace ozw::onec
