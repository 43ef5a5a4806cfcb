// 1C CommerceML offers.xml reader.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "common/onec/offers.hpp"
#include "tests/common/unit/http_test_server.hpp"

using namespace ozw;
using namespace ozw::onec;

namespace {

const std::string kBom = "\xEF\xBB\xBF";

const std::string kFull = kBom + R"(<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="2.10" ДатаФормирования="2026-11-26T06:00:00">
  <ПакетПредложений СодержитТолькоИзменения="false">
    <Ид>pkg-1</Ид>
    <Склады>
      <Склад><Ид>wh-main</Ид><Наименование>Основной склад</Наименование></Склад>
      <Склад><Ид>wh-shop</Ид><Наименование>Магазин</Наименование></Склад>
    </Склады>
    <Предложения>
      <Предложение>
        <Ид>a1b2#c3d4</Ид>
        <Артикул>PLATYE-42</Артикул>
        <Штрихкод>4601234567890</Штрихкод>
        <Наименование>Платье летнее (42)</Наименование>
        <Количество>7</Количество>
        <Склад ИдСклада="wh-main" КоличествоНаСкладе="5"/>
        <Склад ИдСклада="wh-shop" КоличествоНаСкладе="2"/>
      </Предложение>
      <Предложение>
        <Ид>e5f6</Ид>
        <Артикул>BRYUKI-44</Артикул>
        <Склад ИдСклада="wh-main" КоличествоНаСкладе="3,5"/>
        <Склад ИдСклада="wh-shop" КоличествоНаСкладе="1"/>
      </Предложение>
      <Предложение>
        <Ид>g7</Ид>
        <Артикул>NO-STOCK</Артикул>
      </Предложение>
    </Предложения>
  </ПакетПредложений>
</КоммерческаяИнформация>)";

const std::string kPartial = R"(<?xml version="1.0" encoding="UTF-8"?>
<cml:КоммерческаяИнформация xmlns:cml="urn:1C.ru:commerceml_2" ВерсияСхемы="2.07">
  <cml:ПакетПредложений СодержитТолькоИзменения="true">
    <cml:Предложения>
      <cml:Предложение><cml:Ид>e5f6</cml:Ид><cml:Артикул>BRYUKI-44</cml:Артикул><cml:Количество>0</cml:Количество></cml:Предложение>
      <cml:Предложение><cml:Ид>new1</cml:Ид><cml:Артикул>YUBKA-40</cml:Артикул><cml:Количество>12</cml:Количество></cml:Предложение>
    </cml:Предложения>
  </cml:ПакетПредложений>
</cml:КоммерческаяИнформация>)";

const Offer* find(const Offers& o, const std::string& id) {
    for (const auto& x : o.offers)
        if (x.id == id) return &x;
    return nullptr;
}

}  // namespace

TEST(OnecOffers, ParsesAFullPackageWithBomAndNamespace) {
    Offers o = parse_offers(kFull);
    EXPECT_EQ(o.schema_version, "2.10");
    EXPECT_FALSE(o.only_changes);
    ASSERT_EQ(o.warehouses.size(), 2u);
    EXPECT_EQ(o.warehouses["wh-main"], "Основной склад");
    ASSERT_EQ(o.offers.size(), 3u);
    const Offer* dress = find(o, "a1b2#c3d4");
    ASSERT_TRUE(dress);
    EXPECT_EQ(dress->article, "PLATYE-42");
    EXPECT_EQ(dress->barcode, "4601234567890");
    EXPECT_EQ(dress->total(), 7.0);
    EXPECT_EQ(dress->by_warehouse.at("wh-main"), 5.0);
    EXPECT_EQ(dress->by_warehouse.at("wh-shop"), 2.0);
}

TEST(OnecOffers, TotalFallsBackToTheWarehouseSumAndCommaDecimals) {
    Offers o = parse_offers(kFull);
    const Offer* trousers = find(o, "e5f6");
    ASSERT_TRUE(trousers);
    EXPECT_FALSE(trousers->quantity);
    EXPECT_DOUBLE_EQ(*trousers->total(), 4.5);
    EXPECT_FALSE(find(o, "g7")->total());  // no figures at all: unknown, not zero
}

TEST(OnecOffers, PartialPackageUpdatesOnlyTheListedOffers) {
    Offers full = parse_offers(kFull);
    Offers part = parse_offers(kPartial);
    EXPECT_TRUE(part.only_changes);
    EXPECT_EQ(part.schema_version, "2.07");
    Offers merged = merge_offers(full, part);
    ASSERT_EQ(merged.offers.size(), 4u);
    EXPECT_EQ(find(merged, "e5f6")->total(), 0.0);
    EXPECT_EQ(find(merged, "new1")->total(), 12.0);
    EXPECT_EQ(find(merged, "a1b2#c3d4")->total(), 7.0);  // untouched
    // A full package replaces everything.
    Offers replaced = merge_offers(merged, full);
    EXPECT_EQ(replaced.offers.size(), 3u);
}

TEST(OnecOffers, FileAgeComesFromTheModificationTime) {
    ozw::testing::TempDir dir;
    auto path = dir.path / "offers.xml";
    {
        std::ofstream out(path, std::ios::binary);
        out << kFull;
    }
    auto mtime = std::filesystem::file_time_type::clock::now() - std::chrono::hours(30);
    std::filesystem::last_write_time(path, mtime);
    Offers o = read_offers_file(path);
    ASSERT_TRUE(o.file_mtime);
    auto now = std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
    auto age = o.age(now);
    ASSERT_TRUE(age);
    EXPECT_GE(*age, std::chrono::hours(29));
    EXPECT_LE(*age, std::chrono::hours(31));
    EXPECT_FALSE(parse_offers(kFull).age(now));  // parsed from memory: age unknown
}

TEST(OnecOffers, BrokenFilesAreErrors) {
    EXPECT_THROW(parse_offers(""), Error);
    EXPECT_THROW(parse_offers("<КоммерческаяИнформация><ПакетПредложений>"), Error);  // truncated
    EXPECT_THROW(parse_offers("<other/>"), Error);
    EXPECT_THROW(parse_offers("<КоммерческаяИнформация/>"), Error);  // no package
    EXPECT_THROW(read_offers_file("/nonexistent/offers.xml"), Error);
}

// ---- reading a file in slices (read_offers_streaming) ----
namespace {

// A package whose offers use every form the reader knows, the changes-only flag after the
// offers, entities, CDATA, a comment between offers, and enough offers to cross many slices.
std::string sliced_package(int offers) {
    std::string x = kBom + R"(<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="2.10">
  <ПакетПредложений>
    <Склады><Склад><Ид>wh-1</Ид><Наименование>Склад &amp; магазин</Наименование></Склад></Склады>
    <Предложения>
)";
    for (int i = 0; i < offers; ++i) {
        const std::string n = std::to_string(i);
        x += "      <Предложение><Ид>id-" + n + "</Ид><Артикул>ART-" + n + "</Артикул>";
        if (i % 3 == 0) x += "<Штрихкод>460" + n + "</Штрихкод>";
        x += "<Наименование><![CDATA[Товар <" + n + ">]]></Наименование>";
        if (i % 4 == 0) x += "<Количество>" + std::to_string(i % 17) + ",5</Количество>";
        else if (i % 4 == 1)
            x += "<Склад ИдСклада=\"wh-1\" КоличествоНаСкладе=\"" + n + "\"/><Склад ИдСклада=\"wh-2\" КоличествоНаСкладе=\"2\"/>";
        else if (i % 4 == 2)
            x += "<Остатки><Остаток><Склад><Ид>wh-1</Ид><Количество>" + n + "</Количество></Склад></Остаток></Остатки>";
        x += "</Предложение>\n";
        if (i % 10 == 5) x += "      <!-- a comment between offers -->\n";
    }
    x += R"(    </Предложения>
    <СодержитТолькоИзменения>true</СодержитТолькоИзменения>
  </ПакетПредложений>
</КоммерческаяИнформация>
)";
    return x;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

// The reading as read_offers_file does it, at a given slice size: streamed, else whole.
Offers read_at_slice(const std::filesystem::path& path, std::size_t slice, std::size_t* slices,
                     OfferDetail detail = OfferDetail::full) {
    *slices = 0;
    if (auto o = detail::read_offers_streaming(path, slice, detail, slices)) return std::move(*o);
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return detail::parse_offers_inplace(text, path.string(), detail);
}

void expect_same(const Offers& got, const Offers& want) {
    EXPECT_EQ(got.schema_version, want.schema_version);
    EXPECT_EQ(got.only_changes, want.only_changes);
    EXPECT_EQ(got.warehouses, want.warehouses);
    ASSERT_EQ(got.offers.size(), want.offers.size());
    for (std::size_t i = 0; i < got.offers.size(); ++i) {
        const Offer &g = got.offers[i], &w = want.offers[i];
        EXPECT_EQ(g.id, w.id) << i;
        EXPECT_EQ(g.article, w.article) << i;
        EXPECT_EQ(g.barcode, w.barcode) << i;
        EXPECT_EQ(g.name, w.name) << i;
        EXPECT_EQ(g.quantity, w.quantity) << i;
        EXPECT_EQ(g.by_warehouse, w.by_warehouse) << i;
    }
}

// A package of `count` offers written to a file, and the same text parsed whole (the oracle).
struct SlicedPackageFile {
    ozw::testing::TempDir dir;
    std::filesystem::path path = dir.path / "offers.xml";
    std::string text;
    Offers whole;
    explicit SlicedPackageFile(int count) : text(sliced_package(count)) {
        write_file(path, text);
        whole = parse_offers(text);
    }
};

// The message of the Error that `read` throws ("" when it throws none).
template <class F>
std::string error_of(F read) {
    try {
        read();
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST(OnecOffers, AFileReadInSlicesGivesWhatTheWholeDocumentGives) {
    const SlicedPackageFile file(300);
    const auto& [dir, path, text, whole] = file;
    ASSERT_EQ(whole.offers.size(), 300u);
    // Spot checks against the text above, so that the whole-document oracle is itself right.
    EXPECT_TRUE(whole.only_changes);
    EXPECT_EQ(whole.warehouses.at("wh-1"), "Склад & магазин");
    EXPECT_EQ(whole.offers[8].name, "Товар <8>");
    EXPECT_EQ(whole.offers[8].quantity, 8.5);
    EXPECT_EQ(whole.offers[5].total(), 7.0);
    EXPECT_EQ(whole.offers[6].total(), 6.0);
    EXPECT_FALSE(whole.offers[7].total());
    for (std::size_t slice : {64, 100, 333, 1000, 4096, 1 << 20}) {
        SCOPED_TRACE(slice);
        std::size_t slices = 0;
        auto streamed = detail::read_offers_streaming(path, slice, OfferDetail::full, &slices);
        ASSERT_TRUE(streamed);  // the plain layout is streamed at every slice size
        expect_same(*streamed, whole);
        EXPECT_TRUE(streamed->file_mtime);
        // Small slices cut the section many times; the whole file fits one 1 MiB slice.
        if (slice <= 1000) {
            EXPECT_GT(slices, text.size() / 2000);
        } else if (slice == (1 << 20)) {
            EXPECT_EQ(slices, 1u);
        }
    }
    expect_same(read_offers_file(path), whole);
}

TEST(OnecOffers, LayoutsThatCannotBeStreamedAreReadWhole) {
    ozw::testing::TempDir dir;
    const auto path = dir.path / "offers.xml";
    std::size_t slices = 0;
    // A prefixed section is not looked for: the file is parsed whole, nothing in slices.
    write_file(path, kPartial);
    expect_same(read_at_slice(path, 64, &slices), parse_offers(kPartial));
    EXPECT_EQ(slices, 0u);
    // The section's closing tag inside CDATA, and an offer's closing tag inside a comment: at a
    // slice size that cuts there, the slice is malformed and the file is read whole.
    std::string tricky = sliced_package(40);
    const std::string name3 = "Товар <3>";
    tricky.replace(tricky.find(name3), name3.size(), "Товар </Предложения> 3");
    tricky.replace(tricky.find("a comment between offers"), 24, "old: </Предложение> kept");
    write_file(path, tricky);
    const Offers whole = parse_offers(tricky);
    ASSERT_EQ(whole.offers.size(), 40u);
    EXPECT_EQ(whole.offers[3].name, "Товар </Предложения> 3");
    EXPECT_FALSE(detail::read_offers_streaming(path, 64));
    for (std::size_t slice : {64, 500, 1 << 20}) {
        SCOPED_TRACE(slice);
        expect_same(read_at_slice(path, slice, &slices), whole);
    }
    expect_same(read_offers_file(path), whole);
    // An empty section, and none at all.
    const std::string empty = R"(<КоммерческаяИнформация><ПакетПредложений><Предложения/></ПакетПредложений></КоммерческаяИнформация>)";
    write_file(path, empty);
    EXPECT_TRUE(read_at_slice(path, 64, &slices).offers.empty());
    write_file(path, R"(<КоммерческаяИнформация ВерсияСхемы="3"><ПакетПредложений/></КоммерческаяИнформация>)");
    EXPECT_EQ(read_offers_file(path).schema_version, "3");
}

TEST(OnecOffers, ABrokenFileReadInSlicesStillSaysWhereItIsBroken) {
    ozw::testing::TempDir dir;
    const auto path = dir.path / "offers.xml";
    std::string text = sliced_package(200);
    // Cut in the middle of the offers: no end of the section.
    write_file(path, text.substr(0, text.size() / 2));
    EXPECT_FALSE(detail::read_offers_streaming(path, 256));
    try {
        read_offers_file(path);
        FAIL() << "a truncated file was read";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("malformed XML at line"), std::string::npos) << e.what();
    }
    // A broken offer in the middle, the section closed.
    const auto at = text.find("<Артикул>ART-100</Артикул>");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, std::string("<Артикул>").size(), "<Артикул ");
    write_file(path, text);
    try {
        read_offers_file(path);
        FAIL() << "a malformed offer was read";
    } catch (const Error& e) {
        const std::string what = e.what();
        const auto line = std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n') + 1;
        EXPECT_GT(line, 100);
        EXPECT_NE(what.find("malformed XML at line " + std::to_string(line) + ","), std::string::npos) << what;
    }
    EXPECT_THROW(read_offers_file(dir.path / "missing.xml"), Error);
}

TEST(OnecOffers, FiguresOnlyKeepsTheTotalsWithoutNamesOrWarehouses) {
    const SlicedPackageFile file(120);
    const auto& [dir, path, text, full] = file;
    for (std::size_t slice : {100, 1 << 20}) {
        std::size_t slices = 0;
        const Offers figures = read_at_slice(path, slice, &slices, OfferDetail::figures);
        ASSERT_EQ(figures.offers.size(), full.offers.size());
        for (std::size_t i = 0; i < full.offers.size(); ++i) {
            EXPECT_EQ(figures.offers[i].id, full.offers[i].id);
            EXPECT_EQ(figures.offers[i].article, full.offers[i].article);
            EXPECT_EQ(figures.offers[i].barcode, full.offers[i].barcode);
            EXPECT_EQ(figures.offers[i].quantity, full.offers[i].total()) << i;
            EXPECT_EQ(figures.offers[i].total(), full.offers[i].total()) << i;
            EXPECT_TRUE(figures.offers[i].name.empty());
            EXPECT_TRUE(figures.offers[i].by_warehouse.empty());
        }
    }
}

TEST(OnecOffers, AFileThatCannotBeReadIsNamedWithWhy) {
    ozw::testing::TempDir dir;
    const auto missing = dir.path / "missing.xml";
    EXPECT_EQ(error_of([&] { read_offers_file(missing); }), "1C offers file " + missing.string() + ": not found");
    std::size_t slices = 0;
    EXPECT_EQ(error_of([&] { detail::read_offers_streaming(missing, 1024, OfferDetail::full, &slices); }),
              "1C offers file " + missing.string() + ": not found");
    EXPECT_EQ(error_of([&] { read_offers_file(dir.path); }),
              "1C offers file " + dir.path.string() + ": is a folder, not a file");
    EXPECT_EQ(error_of([&] { detail::read_whole_file(dir.path, "1C stock file"); }),
              "1C stock file " + dir.path.string() + ": is a folder, not a file");
}
