// The 1C stock source the stocks watch reads: a CommerceML or CSV file, or the newest file of the
// exchange folder; partial packages; clear errors; the age of the figures.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>

#include "common/onec/stock.hpp"
#include "tests/common/unit/http_test_server.hpp"

using namespace ozw;
using namespace ozw::onec;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const std::string kBom = "\xEF\xBB\xBF";

std::string offers_xml(bool partial, const std::string& offers) {
    return kBom + "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<КоммерческаяИнформация xmlns=\"urn:1C.ru:commerceml_2\" ВерсияСхемы=\"2.10\">\n"
           "<ПакетПредложений СодержитТолькоИзменения=\"" + std::string(partial ? "true" : "false") + "\">\n"
           "<Склады><Склад><Ид>wh1</Ид><Наименование>Основной</Наименование></Склад></Склады>\n"
           "<Предложения>\n" + offers + "</Предложения>\n</ПакетПредложений>\n</КоммерческаяИнформация>\n";
}

std::string offer(const std::string& id, const std::string& article, const std::string& qty) {
    return "<Предложение><Ид>" + id + "</Ид><Артикул>" + article + "</Артикул><Количество>" + qty +
           "</Количество></Предложение>\n";
}

void write(const fs::path& p, const std::string& text, std::chrono::seconds age = 0s) {
    {
        std::ofstream out(p, std::ios::binary);
        out << text;
    }
    fs::last_write_time(p, fs::file_time_type::clock::now() - age);
}

const StockItem* find(const StockFile& f, const std::string& key) {
    for (const auto& i : f.items)
        if (i.key() == key) return &i;
    return nullptr;
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    ADD_FAILURE() << "no onec::Error";
    return {};
}

OnecCsvConfig csv_by_name() {
    OnecCsvConfig c;
    c.article.name = "Артикул";
    c.quantity.name = "Остаток";
    c.barcode.name = "Штрихкод";
    return c;
}

TimePoint now() { return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()); }

}  // namespace

TEST(OnecStock, ReadsACommerceMlFileWithBomAndItsAge) {
    ozw::testing::TempDir dir;
    const auto p = dir.path / "offers.xml";
    write(p, offers_xml(false, offer("a#1", "PLATYE-42", "7") + offer("b", "BRYUKI", "0,5")), 2h);
    OnecConfig cfg;
    cfg.offers = p.string();
    StockFile f = read_stock_source(cfg);
    EXPECT_EQ(f.path, p);
    EXPECT_EQ(f.format, StockFormat::commerceml);
    EXPECT_FALSE(f.partial);
    ASSERT_EQ(f.items.size(), 2u);
    EXPECT_EQ(f.items[0].article, "PLATYE-42");
    EXPECT_EQ(f.items[0].quantity, 7.0);
    EXPECT_EQ(f.items[1].quantity, 0.5);
    EXPECT_EQ(f.warehouses.at("wh1"), "Основной");
    EXPECT_GE(f.age(now()), 2h - 1min);
    EXPECT_LE(f.age(now()), 2h + 1min);
}

TEST(OnecStock, StaleWhenOlderThanMaxAge) {
    StockFile f;
    const TimePoint t0 = now();
    f.mtime = t0 - 25h;
    EXPECT_TRUE(f.stale(t0, 24h));
    EXPECT_TRUE(is_stale(f, t0, 24h));
    EXPECT_FALSE(f.stale(t0, 26h));
    f.mtime = t0 - 24h;
    EXPECT_FALSE(f.stale(t0, 24h));  // exactly max_age: still fresh
    EXPECT_EQ(f.age(t0), Millis{24h});
}

TEST(OnecStock, PartialPackageMergesOverThePreviousStateByIdOrArticle) {
    StockFile full = to_stock_file(parse_offers(offers_xml(false, offer("a", "A", "1") + offer("b", "B", "2"))));
    StockFile part = to_stock_file(parse_offers(offers_xml(true, offer("b", "B", "0") + offer("c", "C", "5"))));
    part.path = "/x/offers_2.xml";
    part.mtime = now();
    EXPECT_TRUE(part.partial);
    StockFile m = merge_stock(full, part);
    EXPECT_FALSE(m.partial);
    EXPECT_EQ(m.path, part.path);
    EXPECT_EQ(m.mtime, part.mtime);
    ASSERT_EQ(m.items.size(), 3u);
    EXPECT_EQ(find(m, "a")->quantity, 1.0);
    EXPECT_EQ(find(m, "b")->quantity, 0.0);
    EXPECT_EQ(find(m, "c")->quantity, 5.0);
    // A full package replaces everything.
    EXPECT_EQ(merge_stock(m, full).items.size(), 2u);
    // Without Ид the article is the key.
    StockFile noid_full, noid_part;
    noid_full.items = {StockItem{"", "X", "", "", 1.0, {}}, StockItem{"", "Y", "", "", 2.0, {}}};
    noid_part.partial = true;
    noid_part.items = {StockItem{"", "Y", "", "", 9.0, {}}};
    StockFile nm = merge_stock(noid_full, noid_part);
    ASSERT_EQ(nm.items.size(), 2u);
    EXPECT_EQ(find(nm, "Y")->quantity, 9.0);
}

TEST(OnecStock, APartialFileAloneStaysPartial) {
    ozw::testing::TempDir dir;
    const auto p = dir.path / "offers.xml";
    write(p, offers_xml(true, offer("b", "B", "3")));
    OnecConfig cfg;
    cfg.offers = p.string();
    StockFile f = read_stock_source(cfg);
    EXPECT_TRUE(f.partial);
    ASSERT_EQ(f.items.size(), 1u);
}

TEST(OnecStock, FolderPicksTheNewestFileAndAppliesPartialsOverTheNewestFull) {
    ozw::testing::TempDir dir;
    write(dir.path / "offers_old.xml", offers_xml(false, offer("a", "A", "100")), 5h);
    write(dir.path / "offers_full.xml", offers_xml(false, offer("a", "A", "1") + offer("b", "B", "2")), 3h);
    write(dir.path / "offers_ch1.xml", offers_xml(true, offer("a", "A", "4")), 2h);
    write(dir.path / "offers_ch2.xml", offers_xml(true, offer("b", "B", "6") + offer("c", "C", "1")), 1h);
    write(dir.path / "import.xml", "<not-offers/>", 0s);         // offers*.xml wins over other .xml
    write(dir.path / ".offers_tmp.xml", "<half-written", 0s);    // hidden: ignored
    write(dir.path / "readme.txt", "x", 0s);
    OnecConfig cfg;
    cfg.offers = dir.path.string();
    cfg.format = OnecFormat::commerceml;
    EXPECT_EQ(pick_stock_file(dir.path, OnecFormat::commerceml), dir.path / "offers_ch2.xml");
    StockFile f = read_stock_source(cfg);
    EXPECT_EQ(f.path, dir.path / "offers_ch2.xml");
    EXPECT_FALSE(f.partial);
    ASSERT_EQ(f.items.size(), 3u);
    EXPECT_EQ(find(f, "a")->quantity, 4.0);
    EXPECT_EQ(find(f, "b")->quantity, 6.0);
    EXPECT_EQ(find(f, "c")->quantity, 1.0);
    ASSERT_EQ(f.applied.size(), 2u);
    EXPECT_EQ(f.applied[0], dir.path / "offers_full.xml");
    EXPECT_EQ(f.applied[1], dir.path / "offers_ch1.xml");
    EXPECT_LE(f.age(now()), 1h + 1min);  // the age is the newest file's
    const StockSourceFile where = locate_stock_source(cfg);  // without reading: same file, same time
    EXPECT_EQ(where.path, f.path);
    EXPECT_EQ(where.mtime, f.mtime);

    // A newer full package is read alone.
    write(dir.path / "offers_new.xml", offers_xml(false, offer("z", "Z", "9")), 0s);
    StockFile g = read_stock_source(cfg);
    EXPECT_EQ(g.path, dir.path / "offers_new.xml");
    EXPECT_EQ(g.items.size(), 1u);
    EXPECT_TRUE(g.applied.empty());
}

TEST(OnecStock, FolderAutoAndCsvFormats) {
    ozw::testing::TempDir dir;
    write(dir.path / "offers.xml", offers_xml(false, offer("a", "A", "1")), 2h);
    write(dir.path / "stock.csv", "Артикул;Остаток\nA;5\n", 1h);
    write(dir.path / "other.xml", "<x/>", 0s);  // auto: offers*.xml or *.csv first
    EXPECT_EQ(pick_stock_file(dir.path, OnecFormat::auto_detect), dir.path / "stock.csv");
    EXPECT_EQ(pick_stock_file(dir.path, OnecFormat::commerceml), dir.path / "offers.xml");
    EXPECT_EQ(pick_stock_file(dir.path, OnecFormat::csv), dir.path / "stock.csv");
    OnecConfig cfg;
    cfg.offers = dir.path.string();
    // A CSV picked without onec.csv configured: a clear error.
    EXPECT_NE(error_of([&] { read_stock_source(cfg); }).find("onec.csv"), std::string::npos);
    OnecCsvConfig csv;
    csv.article.name = "артикул";  // header names match case-insensitively (Russian too)
    csv.quantity.index = 2;
    cfg.csv = csv;
    StockFile f = read_stock_source(cfg);
    EXPECT_EQ(f.format, StockFormat::csv);
    ASSERT_EQ(f.items.size(), 1u);
    EXPECT_EQ(f.items[0].quantity, 5.0);
}

TEST(OnecStock, MissingFileAndEmptyFolderAreClearErrors) {
    ozw::testing::TempDir dir;
    OnecConfig cfg;
    cfg.offers = (dir.path / "nope" / "offers.xml").string();
    auto e = error_of([&] { read_stock_source(cfg); });
    EXPECT_NE(e.find("not found"), std::string::npos) << e;
    EXPECT_NE(e.find("nope/offers.xml"), std::string::npos) << e;
    cfg.offers = dir.path.string();
    write(dir.path / "notes.txt", "x");
    e = error_of([&] { read_stock_source(cfg); });
    EXPECT_NE(e.find("no offers*.xml"), std::string::npos) << e;
    EXPECT_NE(e.find(dir.path.string()), std::string::npos) << e;
}

TEST(OnecStock, BrokenXmlNamesTheFileLineAndColumn) {
    ozw::testing::TempDir dir;
    const auto p = dir.path / "offers.xml";
    write(p, kBom + "<?xml version=\"1.0\"?>\n<КоммерческаяИнформация>\n<ПакетПредложений>\n"
                    "<Предложения><Предложение><Ид>a</Ид></Предложение>\n</Предложения>\n</Пакет>\n");
    OnecConfig cfg;
    cfg.offers = p.string();
    auto e = error_of([&] { read_stock_source(cfg); });
    EXPECT_NE(e.find(p.string()), std::string::npos) << e;
    EXPECT_NE(e.find("malformed XML at line 6"), std::string::npos) << e;
    EXPECT_NE(e.find("column"), std::string::npos) << e;
    // Not an offers package, not UTF-8: said so.
    write(p, "<КоммерческаяИнформация><Классификатор/></КоммерческаяИнформация>");
    EXPECT_NE(error_of([&] { read_stock_source(cfg); }).find("ПакетПредложений not found"), std::string::npos);
    write(p, "<?xml version=\"1.0\" encoding=\"windows-1251\"?><a/>");
    EXPECT_NE(error_of([&] { read_stock_source(cfg); }).find("windows-1251"), std::string::npos);
}

TEST(OnecStock, CsvWithHeaderNamesBomQuotesAndDecimalComma) {
    const std::string text = kBom +
        "Наименование;Артикул;Штрихкод;Остаток\r\n"
        "\"Платье; летнее\";PLATYE-42;4601234567890;7\r\n"
        "\"Брюки \"\"классика\"\"\";BRYUKI-44;;3,5\r\n"
        "\r\n"
        "Итого без артикула;;;10\r\n"
        "\"Юбка\nдлинная\";YUBKA-40;;\"1 234,5\"\r\n"
        "Шарф;SHARF;;\r\n";
    StockFile f = parse_stock_csv(text, csv_by_name(), "stock.csv");
    EXPECT_EQ(f.format, StockFormat::csv);
    ASSERT_EQ(f.items.size(), 4u);
    EXPECT_EQ(f.items[0].article, "PLATYE-42");
    EXPECT_EQ(f.items[0].barcode, "4601234567890");
    EXPECT_EQ(f.items[0].quantity, 7.0);
    EXPECT_EQ(f.items[1].article, "BRYUKI-44");
    EXPECT_EQ(f.items[1].quantity, 3.5);
    EXPECT_EQ(f.items[2].article, "YUBKA-40");
    EXPECT_EQ(f.items[2].quantity, 1234.5);
    EXPECT_FALSE(f.items[3].quantity);  // empty: no figure, not zero
}

TEST(OnecStock, CsvByIndexWithoutHeaderAndOtherDelimiter) {
    OnecCsvConfig c;
    c.header = false;
    c.delimiter = ',';
    c.article.index = 2;
    c.quantity.index = 3;
    StockFile f = parse_stock_csv("x,A-1,5\ny,A-2,\"2,25\"\n", c);
    ASSERT_EQ(f.items.size(), 2u);
    EXPECT_EQ(f.items[0].article, "A-1");
    EXPECT_EQ(f.items[0].quantity, 5.0);
    EXPECT_EQ(f.items[1].quantity, 2.25);
    EXPECT_TRUE(f.items[1].barcode.empty());
}

TEST(OnecStock, CsvBadRowsAndMissingColumnsAreClearErrors) {
    auto e = error_of([] {
        parse_stock_csv("Артикул;Остаток;Штрихкод\nA;1;\nB;много;\n", csv_by_name(), "stock.csv");
    });
    EXPECT_NE(e.find("stock.csv: line 3"), std::string::npos) << e;
    EXPECT_NE(e.find("\"много\""), std::string::npos) << e;
    e = error_of([] { parse_stock_csv("Артикул;Количество\nA;1\n", csv_by_name(), "stock.csv"); });
    EXPECT_NE(e.find("no column \"Остаток\""), std::string::npos) << e;
    EXPECT_NE(e.find("Артикул, Количество"), std::string::npos) << e;
    e = error_of([] { parse_stock_csv("Артикул;Остаток;Штрихкод\nA,1\n", csv_by_name(), "stock.csv"); });
    EXPECT_NE(e.find("line 2"), std::string::npos) << e;
    EXPECT_NE(e.find("delimiter"), std::string::npos) << e;
    e = error_of([] { parse_stock_csv("Артикул;Остаток;Штрихкод\n\"A;1\n", csv_by_name(), "stock.csv"); });
    EXPECT_NE(e.find("not closed"), std::string::npos) << e;
}

TEST(OnecStock, HundredThousandOffersWithTheRightTotals) {
    constexpr int kOffers = 100000;
    std::string xml;
    xml.reserve(kOffers * 330);
    xml += kBom + "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<КоммерческаяИнформация xmlns=\"urn:1C.ru:commerceml_2\" ВерсияСхемы=\"2.10\">\n"
           "<ПакетПредложений СодержитТолькоИзменения=\"false\"><Склады>"
           "<Склад><Ид>wh1</Ид><Наименование>Основной</Наименование></Склад>"
           "<Склад><Ид>wh2</Ид><Наименование>Магазин</Наименование></Склад></Склады><Предложения>\n";
    long long expected_total = 0, expected_wh2 = 0;
    for (int i = 0; i < kOffers; ++i) {
        const int a = i % 17, b = i % 5;
        const std::string id = "0b6c3f1e-" + std::to_string(i) + "#" + std::to_string(i % 7);
        xml += "  <Предложение>\n    <Ид>" + id + "</Ид>\n    <Артикул>ART-" + std::to_string(i) +
               "</Артикул>\n    <Штрихкод>46" + std::to_string(1000000000 + i) +
               "</Штрихкод>\n    <Наименование>Товар &quot;" + std::to_string(i) +
               "&quot;</Наименование>\n    <Количество>" + std::to_string(a + b) +
               "</Количество>\n    <Склад ИдСклада=\"wh1\" КоличествоНаСкладе=\"" + std::to_string(a) +
               "\"/>\n    <Склад ИдСклада=\"wh2\" КоличествоНаСкладе=\"" + std::to_string(b) + "\"/>\n  </Предложение>\n";
        expected_total += a + b;
        expected_wh2 += b;
    }
    xml += "</Предложения></ПакетПредложений></КоммерческаяИнформация>\n";
    ozw::testing::TempDir dir;
    write(dir.path / "offers.xml", xml);
    OnecConfig cfg;
    cfg.offers = dir.path.string();
    StockFile f = read_stock_source(cfg);
    ASSERT_EQ(f.items.size(), static_cast<std::size_t>(kOffers));
    double total = 0, wh2 = 0;
    for (const auto& it : f.items) {
        ASSERT_TRUE(it.quantity);
        total += *it.quantity;
        wh2 += it.by_warehouse.at("wh2");
    }
    EXPECT_EQ(static_cast<long long>(total), expected_total);
    EXPECT_EQ(static_cast<long long>(wh2), expected_wh2);
    EXPECT_EQ(f.items[12345].article, "ART-12345");
    EXPECT_EQ(f.items[12345].id, "0b6c3f1e-12345#4");
    EXPECT_EQ(f.items[12345].name, "Товар \"12345\"");
    EXPECT_EQ(f.items[12345].barcode, "461000012345");
}
