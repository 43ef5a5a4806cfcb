// 1C CommerceML offers.xml reader.
#include <gtest/gtest.h>

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
