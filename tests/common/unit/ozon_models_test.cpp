// Every official response example (2026/*.md and swagger.json, copied into tests/fixtures/ozon)
// parses into the models; tolerant and hostile inputs give values or errors, never crashes.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/ozon/errors.hpp"
#include "common/ozon/models.hpp"
#include "common/time.hpp"

using namespace ozw;
using namespace ozw::ozon;

namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(OZW_SOURCE_DIR) + "/tests/fixtures/ozon/" + name, std::ios::binary);
    EXPECT_TRUE(in) << name;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TimePoint at(const char* iso) { return *parse_iso8601(iso); }

// An exact amount: dec("-120.5").
Decimal dec(const char* text) {
    auto d = Decimal::parse(text);
    EXPECT_TRUE(d) << text;
    return d.value_or(Decimal{});
}

}  // namespace

// ------------------------------------------------------------------ official examples

TEST(OzonFixtures, V4PostingListExample) {
    auto page = parse_posting_list(fixture("2026_v4_posting_fbs_list.json"));
    EXPECT_FALSE(page.has_next);
    EXPECT_FALSE(page.cursor.empty());
    ASSERT_EQ(page.postings.size(), 1u);
    const Posting& p = page.postings[0];
    EXPECT_EQ(p.posting_number, "0208245774-0029-1");
    EXPECT_EQ(p.order_number, "0208245774-0029");
    EXPECT_EQ(p.order_id, 33301885134);
    EXPECT_EQ(p.status, "awaiting_packaging");
    EXPECT_EQ(p.status_enum(), PostingStatus::awaiting_packaging);
    EXPECT_EQ(p.substatus, "posting_created");
    EXPECT_EQ(p.shipment_date, at("2026-05-18T12:00:00Z"));
    EXPECT_EQ(p.delivering_date, at("2026-05-19T15:30:00Z"));
    EXPECT_EQ(p.in_process_at, at("2026-05-14T08:00:00Z"));
    EXPECT_FALSE(p.pickup_code_verified_at);  // null
    EXPECT_FALSE(p.cancellation);             // all-empty object
    ASSERT_EQ(p.products.size(), 2u);
    EXPECT_EQ(p.products[0].sku, 1904686181);
    EXPECT_EQ(p.products[0].offer_id, "b4408110");
    EXPECT_EQ(p.products[0].price.amount, dec("12990"));  // {"amount": "12990.00"}
    EXPECT_EQ(p.products[0].price.currency, "RUB");
    EXPECT_EQ(p.products[1].quantity, 2);
    ASSERT_TRUE(p.financial_data);
    ASSERT_EQ(p.financial_data->products.size(), 1u);
    const auto& fp = p.financial_data->products[0];
    EXPECT_EQ(fp.product_id, 1904686181);
    EXPECT_DOUBLE_EQ(fp.payout, 2100);
    EXPECT_EQ(fp.price.amount, dec("2500"));
    EXPECT_EQ(fp.customer_price.amount, dec("2500"));
    EXPECT_EQ(fp.commission.amount, dec("120"));
    EXPECT_DOUBLE_EQ(fp.commission_percent, 10);
    EXPECT_EQ(p.delivery_method.warehouse_id, 20605650762000);
    EXPECT_EQ(p.delivery_method.warehouse, "17023");
    EXPECT_EQ(p.tracking_number, "TRK1234567890");
}

TEST(OzonFixtures, V4UnfulfilledListExample) {
    auto page = parse_unfulfilled_list(fixture("2026_v4_posting_fbs_unfulfilled_list.json"));
    EXPECT_TRUE(page.has_next);
    ASSERT_TRUE(page.count);
    EXPECT_EQ(*page.count, 2177);
    ASSERT_EQ(page.postings.size(), 1u);
    const Posting& p = page.postings[0];
    EXPECT_EQ(p.posting_number, "41517061-0214-1");
    EXPECT_EQ(p.status_enum(), PostingStatus::awaiting_deliver);
    EXPECT_FALSE(p.delivering_date);  // null
    EXPECT_EQ(p.shipment_date, at("2026-05-05T06:44:37Z"));
    ASSERT_EQ(p.products.size(), 1u);
    EXPECT_EQ(p.products[0].price.amount, dec("300"));
    ASSERT_TRUE(p.financial_data);
    EXPECT_EQ(p.financial_data->cluster_to, "Москва, МО и Дальние регионы");
}

TEST(OzonFixtures, V3PostingGetExamples) {
    Posting p = parse_posting_get(fixture("2026_v3_posting_fbs_get.json"));
    EXPECT_EQ(p.posting_number, "0132112277-0101-1");
    EXPECT_EQ(p.previous_substatus, "posting_split_pending");
    EXPECT_FALSE(p.financial_data);  // null
    ASSERT_EQ(p.products.size(), 1u);
    EXPECT_EQ(p.products[0].price.amount, dec("1530"));  // "1530.0000"
    EXPECT_EQ(p.products[0].price.currency, "RUB");        // from currency_code
    EXPECT_EQ(p.shipment_date_without_delay, at("2026-04-04T16:59:00Z"));

    Posting s = parse_posting_get(fixture("swagger_v3_posting_fbs_get.json"));
    EXPECT_EQ(s.posting_number, "57195475-0050-3");
    EXPECT_EQ(s.delivery_method.name, "Ozon Логистика самостоятельно, Москва");
    EXPECT_EQ(s.pickup_code_verified_at, at("2025-01-17T11:04:59.958Z"));
    ASSERT_EQ(s.products.size(), 1u);
    EXPECT_EQ(s.products[0].price.amount, dec("279"));
}

TEST(OzonFixtures, ReturnsListExamples) {
    for (const char* f : {"2026_v1_returns_list.json", "swagger_v1_returns_list.json"}) {
        SCOPED_TRACE(f);
        auto page = parse_returns_list(fixture(f));
        EXPECT_FALSE(page.has_next);
        ASSERT_EQ(page.returns.size(), 1u);
        const Return& r = page.returns[0];
        EXPECT_EQ(r.id, 1000015552);  // sent as a string
        EXPECT_EQ(page.last_id(), 1000015552);
        EXPECT_EQ(r.type, "FullReturn");
        EXPECT_EQ(r.schema, "Fbs");
        EXPECT_EQ(r.posting_number, "58544282-0057-1");
        EXPECT_EQ(r.order_id, 24540784250);
        EXPECT_EQ(r.product.sku, 1100526203);
        EXPECT_EQ(r.product.offer_id, "81451");
        EXPECT_EQ(r.product.price.amount, dec("3318"));
        EXPECT_EQ(r.product.price.currency, "RUB");
        EXPECT_EQ(r.visual_status.sys_name, "ArrivedAtReturnPlace");
        EXPECT_EQ(r.visual_status.id, 3);
        EXPECT_EQ(r.return_reason_name, "Покупатель отказался при вручении: недоволен качеством товара");
        EXPECT_EQ(r.storage.days, 0);
        EXPECT_EQ(r.storage.sum.amount, dec("1231"));
        EXPECT_TRUE(r.storage.tariffication_start_date);
        EXPECT_TRUE(r.storage.utilization_forecast_date);
        ASSERT_TRUE(r.place);
        EXPECT_EQ(r.place->name, "СЦ_Львовский_Возвраты");
        EXPECT_EQ(r.logistic.barcode, "ii5275210303");
    }
}

TEST(OzonFixtures, RfbsReturnsListExample) {
    auto page = parse_rfbs_returns_list(fixture("2026_v2_returns_rfbs_list.json"));
    ASSERT_EQ(page.returns.size(), 1u);
    const RfbsReturn& r = page.returns[0];
    EXPECT_EQ(r.id, 8000123456);
    EXPECT_EQ(r.number, "RET-2026-00123");
    EXPECT_EQ(r.posting_number, "789456123-0002-3");
    EXPECT_EQ(r.group_state, "New");
    EXPECT_EQ(r.state, "ON_APPROVAL");
    EXPECT_EQ(r.price.amount, dec("2999"));
    EXPECT_EQ(r.price.currency, "RUB");
    EXPECT_EQ(r.created_at, at("2026-02-15T10:30:00Z"));
}

TEST(OzonModels, RfbsGetReadsCommentPhotosAndActionsInBothShapes) {
    // NOTES.md's 2026 shape nests each action; the swagger's flat one is read too; a bad entry
    // is skipped, not fatal.
    auto r = parse_rfbs_return_get(R"({"returns":{"return_id":8000000101,"comment":"Маломерит",
        "client_photo":["https://x.invalid/1.jpg","https://x.invalid/2.jpg"],
        "return_reason":{"id":3,"name":"Не подошёл размер","is_defect":false},
        "state":{"state":"ON_APPROVAL","state_name":"Ожидает одобрения"},
        "available_actions":[{"action":{"id":1,"name":"Одобрить"}},{"id":-1,"name":"Отклонить"},7,
                             {"action":null},{"action":{"id":2}}]}})");
    EXPECT_EQ(r.id, 8000000101);
    EXPECT_EQ(r.client_comment, "Маломерит");
    EXPECT_EQ(r.client_photos.size(), 2u);
    EXPECT_EQ(r.return_reason, "Не подошёл размер");
    EXPECT_EQ(r.available_actions, (std::vector<std::string>{"Одобрить", "Отклонить"}));
    EXPECT_TRUE(parse_rfbs_return_get(R"({"returns":{"return_id":1,"available_actions":null}})").available_actions.empty());
}

TEST(OzonFixtures, StocksExample) {
    auto page = parse_stocks(fixture("2026_v4_product_info_stocks.json"));
    EXPECT_EQ(page.cursor, "next-cursor-12345");
    EXPECT_EQ(page.total_items, 2);
    ASSERT_EQ(page.items.size(), 2u);
    EXPECT_EQ(page.items[0].offer_id, "test-offer-123456");
    ASSERT_EQ(page.items[0].stocks.size(), 2u);
    EXPECT_EQ(page.items[0].stocks[0].type, "fbs");
    EXPECT_EQ(page.items[0].stocks[0].present, 150);
    EXPECT_EQ(page.items[0].stocks[0].reserved, 25);
    EXPECT_EQ(page.items[1].stocks[0].shipment_type, "SHIPMENT_TYPE_BOX");
}

TEST(OzonFixtures, ReviewsExample) {
    auto page = parse_reviews(fixture("2026_v2_review_list.json"));
    EXPECT_TRUE(page.has_next);
    EXPECT_EQ(page.last_id, "017c0d53-a7c8-81ef-53de-7d32fcbd7421");
    ASSERT_EQ(page.reviews.size(), 1u);
    EXPECT_EQ(page.reviews[0].rating, 2);
    EXPECT_EQ(page.reviews[0].sku, 148591503);  // "148591503"
    EXPECT_EQ(page.reviews[0].status, "NEW");
    EXPECT_EQ(page.reviews[0].published_at, at("2024-10-10T07:23:55.970Z"));
}

TEST(OzonFixtures, ChatsExamples) {
    for (const char* f : {"2026_v3_chat_list.json", "swagger_v3_chat_list.json"}) {
        SCOPED_TRACE(f);
        auto page = parse_chats(fixture(f));
        EXPECT_TRUE(page.has_next);  // "true" as a string
        EXPECT_EQ(page.cursor, "30000002342123123");
        EXPECT_EQ(page.total_unread_count, 5);
        ASSERT_EQ(page.chats.size(), 1u);
        EXPECT_EQ(page.chats[0].chat_id, "5e767w03-b400-4y1b-a841-75319ca8a5c8");
        EXPECT_EQ(page.chats[0].unread_count, 1);
        // Over uint64 in the example: kept as text.
        EXPECT_EQ(page.chats[0].last_message_id, "30000000001280042740");
    }
    EXPECT_EQ(parse_chats(fixture("swagger_v3_chat_list.json")).chats[0].type, "Seller_Support");
}

TEST(OzonFixtures, RolesExamples) {
    for (const char* f : {"2026_v1_roles.json", "swagger_v1_roles.json"}) {
        SCOPED_TRACE(f);
        KeyInfo k = parse_roles(fixture(f));
        ASSERT_FALSE(k.roles.empty());
        EXPECT_FALSE(k.roles[0].name.empty());
        EXPECT_FALSE(k.roles[0].methods.empty());
    }
    EXPECT_EQ(parse_roles(fixture("2026_v1_roles.json")).expires_at, at("2026-02-18T09:54:23.296Z"));
    EXPECT_FALSE(parse_roles(fixture("swagger_v1_roles.json")).expires_at);  // older spec: absent
}

TEST(OzonFixtures, WarehousesExample) {
    auto page = parse_warehouses(fixture("2026_v2_warehouse_list.json"));
    EXPECT_FALSE(page.has_next);  // the example says "string": a surprise, default false
    ASSERT_EQ(page.warehouses.size(), 1u);
    const Warehouse& w = page.warehouses[0];
    EXPECT_EQ(w.warehouse_id, 20605650762000);
    EXPECT_EQ(w.name, "17023");
    EXPECT_EQ(w.status, "created");
    EXPECT_EQ(w.postings_limit, -1);
    EXPECT_EQ(w.first_mile_type, "PICK_UP");
    EXPECT_EQ(w.working_days.size(), 5u);
}

// The accrual methods have no official example; these bodies follow the 2026 schema.
TEST(OzonFixtures, AccrualsFollowingTheSchema) {
    auto pa = parse_accrual_postings(fixture("schema_v1_finance_accrual_postings.json"));
    ASSERT_EQ(pa.size(), 2u);
    EXPECT_EQ(pa[0].posting_number, "0208245774-0029-1");
    ASSERT_EQ(pa[0].accruals.size(), 2u);
    EXPECT_EQ(pa[0].accruals[0].type_id, 1);
    EXPECT_EQ(pa[0].accruals[0].accrued.amount, dec("2100.5"));
    EXPECT_EQ(pa[0].accruals[1].accrued.amount, dec("-120"));
    EXPECT_FALSE(pa[0].accruals[1].seller_price);  // null
    EXPECT_TRUE(pa[1].accruals.empty());

    auto day = parse_accrual_by_day(fixture("schema_v1_finance_accrual_by_day.json"));
    EXPECT_EQ(day.last_id, "eyJsYXN0IjoxfQ==");
    ASSERT_EQ(day.accruals.size(), 2u);
    EXPECT_EQ(day.accruals[0].category, "POSTING");
    EXPECT_EQ(day.accruals[0].unit_number, "0208245774-0029-1");
    ASSERT_EQ(day.accruals[0].products.size(), 1u);
    EXPECT_EQ(day.accruals[0].products[0].sale_price.amount, dec("2500"));
    EXPECT_EQ(day.accruals[0].fees.size(), 1u);  // one delivery service
    EXPECT_EQ(day.accruals[1].category, "NON_ITEM");
    ASSERT_EQ(day.accruals[1].fees.size(), 1u);
    EXPECT_EQ(day.accruals[1].fees[0].accrued.amount, dec("-500"));

    auto types = parse_accrual_types(fixture("schema_v1_finance_accrual_types.json"));
    ASSERT_EQ(types.size(), 2u);
    EXPECT_EQ(types[0].id, 1);
    EXPECT_EQ(types[0].name, "Продажа");
}

// /v1/finance/cash-flow-statement/list: the official example (swagger), field by field.
TEST(OzonFixtures, CashFlowStatementExample) {
    reset_schema_surprises();
    CashFlowStatementPage page =
        parse_cash_flow_statement(fixture("swagger_v1_finance_cash_flow_statement_list.json"));
    EXPECT_EQ(schema_surprise_count(), 0u);
    EXPECT_EQ(page.page_count, 15);  // beside `result` in the example
    ASSERT_EQ(page.cash_flows.size(), 1u);
    const CashFlow& c = page.cash_flows[0];
    EXPECT_EQ(c.period.id, 11567022278500);
    EXPECT_EQ(c.period.begin, at("2023-04-03T09:12:10.239Z"));
    EXPECT_EQ(c.period.end, at("2023-04-03T09:12:10.239Z"));
    EXPECT_EQ(c.currency_code, "string");
    EXPECT_EQ(c.orders_amount, (Money{dec("1000"), "string"}));
    EXPECT_EQ(c.returns_amount, (Money{dec("-3000"), "string"}));
    EXPECT_EQ(c.commission_amount, (Money{dec("1437"), "string"}));
    EXPECT_EQ(c.services_amount, (Money{dec("8471.28"), "string"}));
    EXPECT_EQ(c.services_amount.amount.raw(), 84'712'800);  // exact, not 8471.2800000000007
    EXPECT_EQ(c.item_delivery_and_return_amount, (Money{dec("1991"), "string"}));

    ASSERT_EQ(page.details.size(), 1u);  // one object in the example
    const CashFlowDetails& d = page.details[0];
    EXPECT_EQ(d.period.id, 11567022278500);
    EXPECT_EQ(d.period.begin, at("2023-04-03T09:12:10.239Z"));
    ASSERT_EQ(d.payments.size(), 1u);
    EXPECT_EQ(d.payments[0], (Money{Decimal{}, "string"}));
    EXPECT_TRUE(d.begin_balance.amount.is_zero());
    EXPECT_TRUE(d.end_balance.amount.is_zero());
    EXPECT_TRUE(d.invoice_transfer.amount.is_zero());
    EXPECT_TRUE(d.loan.amount.is_zero());
    ASSERT_EQ(d.delivery_services.items.size(), 1u);
    EXPECT_EQ(d.delivery_services.items[0].name, "string");
    ASSERT_EQ(d.return_services.items.size(), 1u);
    EXPECT_EQ(d.return_services.items[0].name, "string");
    ASSERT_EQ(d.services.items.size(), 1u);
    EXPECT_EQ(d.services.items[0].name, "string");
    ASSERT_EQ(d.others.items.size(), 1u);
    EXPECT_EQ(d.others.items[0].name, "string");
    EXPECT_TRUE(d.rfbs_total.amount.is_zero());
}

// A filled statement the way the schema allows it: details as an array, page_count inside
// result, amounts as numbers, strings and money objects, negative ones.
TEST(OzonFixtures, CashFlowStatementFilledAndTolerant) {
    reset_schema_surprises();
    CashFlowStatementPage page = parse_cash_flow_statement(R"({"result":{"page_count":"2","cash_flows":[
        {"period":{"id":"7","begin":"2026-11-01T00:00:00Z","end":"2026-11-15T23:59:59Z"},
         "orders_amount":"125000.50","returns_amount":-3490.1,"commission_amount":{"amount":"-18750.08","currency":"RUB"},
         "services_amount":-1200,"item_delivery_and_return_amount":"-4321.99","currency_code":"RUB"},
        null,
        {"period":null,"orders_amount":null,"currency_code":null}],
      "details":[{"period":{"id":7},"begin_balance_amount":1000.01,"end_balance_amount":"-0.99",
        "invoice_transfer":97237.34,"loan":0,
        "payments":[{"payment":"50000.00","currency_code":"RUB"},{"payment":47237.34,"currency_code":"RUB"}],
        "delivery":{"total":106250.42,"amount":106250.42,"delivery_services":{"total":-4321.99,
          "items":[{"name":"MarketplaceServiceItemDirectFlowLogistic","price":-4000.99},
                   {"name":"MarketplaceServiceItemDropoffPVZ","price":"-321"}]}},
        "return":{"total":-3490.1,"amount":-3490.1,"return_services":null},
        "rfbs":{"total":10,"transfer_delivery":15.5,"transfer_delivery_return":-5.5,
          "compensation_delivery_return":0,"partial_compensation":"1","partial_compensation_return":-1},
        "services":{"total":-1200,"items":[{"name":"MarketplaceServiceItemElectronicServicesPromotionInSearch","price":-1200}]},
        "others":{"total":"oops","items":"nope"}}]}})");
    EXPECT_EQ(page.page_count, 2);
    ASSERT_EQ(page.cash_flows.size(), 2u);  // null is not a row (a surprise)
    const CashFlow& c = page.cash_flows[0];
    EXPECT_EQ(c.period.id, 7);
    EXPECT_EQ(c.period.end, at("2026-11-15T23:59:59Z"));
    EXPECT_EQ(c.orders_amount, (Money{dec("125000.5"), "RUB"}));
    EXPECT_EQ(c.returns_amount, (Money{dec("-3490.1"), "RUB"}));
    EXPECT_EQ(c.commission_amount, (Money{dec("-18750.08"), "RUB"}));
    EXPECT_EQ(c.services_amount, (Money{dec("-1200"), "RUB"}));
    EXPECT_EQ(c.item_delivery_and_return_amount, (Money{dec("-4321.99"), "RUB"}));
    EXPECT_EQ(c.orders_amount.amount + c.returns_amount.amount + c.commission_amount.amount +
                  c.services_amount.amount + c.item_delivery_and_return_amount.amount,
              dec("97238.33"));  // exact
    EXPECT_EQ(page.cash_flows[1].period.id, 0);
    EXPECT_TRUE(page.cash_flows[1].orders_amount.amount.is_zero());

    ASSERT_EQ(page.details.size(), 1u);
    const CashFlowDetails& d = page.details[0];
    EXPECT_EQ(d.begin_balance.amount, dec("1000.01"));
    EXPECT_EQ(d.end_balance.amount, dec("-0.99"));
    EXPECT_EQ(d.invoice_transfer.amount, dec("97237.34"));
    ASSERT_EQ(d.payments.size(), 2u);
    EXPECT_EQ(d.payments[0], (Money{dec("50000"), "RUB"}));
    EXPECT_EQ(d.payments[0].amount + d.payments[1].amount, d.invoice_transfer.amount);
    EXPECT_EQ(d.delivery_amount.amount, dec("106250.42"));
    ASSERT_EQ(d.delivery_services.items.size(), 2u);
    EXPECT_EQ(d.delivery_services.items[1].price.amount, dec("-321"));
    EXPECT_EQ(d.delivery_services.items[0].price.amount + d.delivery_services.items[1].price.amount,
              d.delivery_services.total.amount);
    EXPECT_EQ(d.return_total.amount, dec("-3490.1"));
    EXPECT_TRUE(d.return_services.items.empty());
    EXPECT_EQ(d.rfbs_transfer_delivery.amount, dec("15.5"));
    EXPECT_EQ(d.rfbs_partial_compensation.amount, dec("1"));
    ASSERT_EQ(d.services.items.size(), 1u);
    EXPECT_EQ(d.services.items[0].name, "MarketplaceServiceItemElectronicServicesPromotionInSearch");
    EXPECT_TRUE(d.others.total.amount.is_zero());
    EXPECT_TRUE(d.others.items.empty());
    // cash_flows[] null, others.total "oops", others.items "nope".
    EXPECT_EQ(schema_surprise_count(), 3u);

    // No result, a null result, an error body: an empty statement; a result of another type
    // is a surprise; what is not a JSON object is a ParseError.
    EXPECT_TRUE(parse_cash_flow_statement("{}").cash_flows.empty());
    EXPECT_TRUE(parse_cash_flow_statement(R"({"result":null})").details.empty());
    EXPECT_TRUE(parse_cash_flow_statement(R"({"code":3,"message":"bad","details":[]})").cash_flows.empty());
    reset_schema_surprises();
    EXPECT_TRUE(parse_cash_flow_statement(R"({"result":[1,2]})").cash_flows.empty());
    EXPECT_EQ(schema_surprise_count(), 1u);
    EXPECT_THROW(parse_cash_flow_statement("[]"), ParseError);
    EXPECT_THROW(parse_cash_flow_statement(R"({"result":{"cash_flows":[)"), ParseError);
}

// ------------------------------------------------------------------ ship-by times and tariffs
// 2026: shipment_date = Ozon's recommended time, shipment_date_without_delay = overdue;
// `tariffication` (v4: {amount, currency}; v3: strings + *_currency_code) and
// `tariffication_steps` (same shape in both).

namespace {
void expect_money(const std::optional<Money>& m, const char* amount, const char* currency) {
    ASSERT_TRUE(m);
    EXPECT_EQ(m->amount, dec(amount));
    EXPECT_EQ(m->currency, currency);
}
}  // namespace

TEST(OzonFixtures, V4ListShipByTimesAndTariffication) {
    reset_schema_surprises();
    auto page = parse_posting_list(fixture("2026_v4_posting_fbs_list.json"));
    ASSERT_EQ(page.postings.size(), 1u);
    const Posting& p = page.postings[0];
    EXPECT_EQ(p.shipment_date, at("2026-05-18T12:00:00Z"));
    EXPECT_EQ(p.shipment_date_without_delay, at("2026-05-18T12:00:00Z"));  // equal in this example
    ASSERT_TRUE(p.tariffication);
    const Tariffication& t = *p.tariffication;
    EXPECT_EQ(t.current_tariff_type, "commission");
    EXPECT_DOUBLE_EQ(t.current_tariff_rate, 2);
    expect_money(t.current_tariff_charge, "100", "RUB");
    expect_money(t.current_tariff_min_charge, "50", "RUB");
    EXPECT_EQ(t.next_tariff_type, "commission");
    EXPECT_DOUBLE_EQ(t.next_tariff_rate, 2.5);
    expect_money(t.next_tariff_charge, "150", "RUB");
    expect_money(t.next_tariff_min_charge, "100", "RUB");
    EXPECT_EQ(t.next_tariff_starts_at, at("2026-05-20T00:00:00Z"));
    ASSERT_EQ(t.steps.size(), 1u);
    EXPECT_EQ(t.steps[0].type, "discount");
    EXPECT_DOUBLE_EQ(t.steps[0].rate, 2);
    expect_money(t.steps[0].charge, "24", "RUB");
    expect_money(t.steps[0].min_charge, "24", "RUB");
    EXPECT_EQ(t.steps[0].deadline_at, at("2026-05-15T23:59:59Z"));
    EXPECT_FALSE(t.empty());
    EXPECT_EQ(schema_surprise_count(), 0u);
}

TEST(OzonFixtures, V4UnfulfilledShipByTimesAndTariffication) {
    reset_schema_surprises();
    auto page = parse_unfulfilled_list(fixture("2026_v4_posting_fbs_unfulfilled_list.json"));
    ASSERT_EQ(page.postings.size(), 1u);
    const Posting& p = page.postings[0];
    EXPECT_EQ(p.shipment_date, at("2026-05-05T06:44:37Z"));
    EXPECT_EQ(p.shipment_date_without_delay, at("2026-05-06T04:00:00Z"));  // 21 h later
    ASSERT_TRUE(p.tariffication);
    const Tariffication& t = *p.tariffication;
    EXPECT_EQ(t.current_tariff_type, "commission");
    EXPECT_DOUBLE_EQ(t.current_tariff_rate, 3);
    expect_money(t.current_tariff_charge, "100", "RUB");
    expect_money(t.current_tariff_min_charge, "100", "RUB");
    // The last step: no next tariff (nulls, 0 and "").
    EXPECT_EQ(t.next_tariff_type, "");
    EXPECT_DOUBLE_EQ(t.next_tariff_rate, 0);
    EXPECT_FALSE(t.next_tariff_charge);
    EXPECT_FALSE(t.next_tariff_min_charge);
    EXPECT_FALSE(t.next_tariff_starts_at);
    ASSERT_EQ(t.steps.size(), 5u);
    EXPECT_EQ(t.steps[0].type, "discount");
    EXPECT_DOUBLE_EQ(t.steps[0].rate, 3);
    expect_money(t.steps[0].charge, "9", "RUB");
    EXPECT_FALSE(t.steps[0].min_charge);  // null
    EXPECT_EQ(t.steps[0].deadline_at, at("2026-05-04T18:44:37Z"));
    EXPECT_EQ(t.steps[1].deadline_at, p.shipment_date);  // discount until the recommended time
    EXPECT_EQ(t.steps[2].type, "commission");
    expect_money(t.steps[2].min_charge, "50", "RUB");
    EXPECT_EQ(t.steps[3].deadline_at, at("2026-05-06T06:44:37Z"));
    EXPECT_EQ(t.steps[4].type, "commission");
    EXPECT_DOUBLE_EQ(t.steps[4].rate, 3);
    EXPECT_FALSE(t.steps[4].deadline_at);  // 9999-12-31T23:59:59.999999900Z: open-ended
    EXPECT_EQ(schema_surprise_count(), 0u);
}

TEST(OzonFixtures, V3GetShipByTimesAndTariffication) {
    reset_schema_surprises();
    Posting p = parse_posting_get(fixture("2026_v3_posting_fbs_get.json"));
    EXPECT_EQ(p.shipment_date, at("2026-03-31T09:00:00Z"));
    EXPECT_EQ(p.shipment_date_without_delay, at("2026-04-04T16:59:00Z"));  // 4 days later
    ASSERT_TRUE(p.tariffication);
    const Tariffication& t = *p.tariffication;
    EXPECT_EQ(t.current_tariff_type, "no_discount");
    EXPECT_DOUBLE_EQ(t.current_tariff_rate, 1);
    EXPECT_FALSE(t.current_tariff_charge);      // "" with currency code "RUB": no amount
    EXPECT_FALSE(t.current_tariff_min_charge);  // not in v3
    EXPECT_EQ(t.next_tariff_type, "commission");
    EXPECT_DOUBLE_EQ(t.next_tariff_rate, 1);
    expect_money(t.next_tariff_charge, "50", "RUB");  // "50" + next_tariff_charge_currency_code
    EXPECT_EQ(t.next_tariff_starts_at, at("2026-03-31T09:00:01Z"));
    ASSERT_EQ(t.steps.size(), 6u);  // v3 steps use v4's money objects
    EXPECT_EQ(t.steps[0].type, "no_discount");
    expect_money(t.steps[0].charge, "0", "RUB");
    EXPECT_FALSE(t.steps[0].min_charge);
    EXPECT_EQ(t.steps[0].deadline_at, p.shipment_date);
    EXPECT_EQ(t.steps[1].type, "commission");
    expect_money(t.steps[1].charge, "50", "RUB");
    expect_money(t.steps[1].min_charge, "50", "RUB");
    EXPECT_EQ(t.steps[1].deadline_at, at("2026-03-31T21:00:00Z"));
    expect_money(t.steps[5].charge, "150", "RUB");
    EXPECT_DOUBLE_EQ(t.steps[5].rate, 3);
    EXPECT_FALSE(t.steps[5].deadline_at);
    EXPECT_EQ(schema_surprise_count(), 0u);

    // The 2025 swagger example sends `tariffication` as a one-element array of empty values.
    Posting s = parse_posting_get(fixture("swagger_v3_posting_fbs_get.json"));
    ASSERT_TRUE(s.tariffication);
    EXPECT_EQ(s.tariffication->current_tariff_type, "");
    EXPECT_FALSE(s.tariffication->current_tariff_charge);
    EXPECT_FALSE(s.tariffication->next_tariff_charge);
    EXPECT_EQ(s.tariffication->next_tariff_starts_at, at("2023-11-13T08:05:57.657Z"));
    EXPECT_TRUE(s.tariffication->steps.empty());
}

TEST(OzonTolerance, TarifficationShapes) {
    reset_schema_surprises();
    auto page = parse_posting_list(R"({"postings":[
      {"posting_number":"absent"},
      {"posting_number":"null","tariffication":null,"tariffication_steps":null},
      {"posting_number":"empty","tariffication":{"current_tariff_charge":"","current_tariff_charge_currency_code":"",
        "current_tariff_rate":0,"current_tariff_type":"","next_tariff_charge":null,"next_tariff_rate":0,
        "next_tariff_starts_at":"","next_tariff_type":""},"tariffication_steps":[]},
      {"posting_number":"numbers","tariffication":{"current_tariff_charge":12.5,"current_tariff_charge_currency_code":"RUB",
        "current_tariff_rate":"5","current_tariff_type":"surcharge","next_tariff_charge":"20.00",
        "next_tariff_charge_currency_code":"KZT","next_tariff_rate":10,"next_tariff_type":"teleport_fee",
        "next_tariff_starts_at":"2026-11-26T10:00:01Z","brand_new":1}},
      {"posting_number":"steps-only","tariffication_steps":[
        {"tariff_type":"surcharge","tariff_rate":5,"tariff_charge":{"amount":"","currency":"RUB"},
         "min_charge":{"amount":"50","currency":"RUB"},"tariff_deadline_at":"2026-11-26T14:00:00.000Z","x":true},
        "garbage",
        {"tariff_type":"surcharge","tariff_rate":10,"tariff_charge":{"amount":"100"},"tariff_deadline_at":""}]},
      {"posting_number":"wrong","tariffication":"yes","tariffication_steps":{"a":1}}
    ]})");
    ASSERT_EQ(page.postings.size(), 6u);
    EXPECT_FALSE(page.postings[0].tariffication);
    EXPECT_FALSE(page.postings[1].tariffication);
    EXPECT_FALSE(page.postings[2].tariffication);  // all empty: nothing stated
    const auto& n = page.postings[3].tariffication;
    ASSERT_TRUE(n);
    EXPECT_EQ(n->current_tariff_type, "surcharge");
    EXPECT_DOUBLE_EQ(n->current_tariff_rate, 5);  // "5"
    expect_money(n->current_tariff_charge, "12.5", "RUB");
    expect_money(n->next_tariff_charge, "20", "KZT");
    EXPECT_EQ(n->next_tariff_type, "teleport_fee");  // unknown values kept
    EXPECT_EQ(n->next_tariff_starts_at, at("2026-11-26T10:00:01Z"));
    const auto& so = page.postings[4].tariffication;
    ASSERT_TRUE(so);
    EXPECT_EQ(so->current_tariff_type, "");
    ASSERT_EQ(so->steps.size(), 2u);  // the string element is skipped
    EXPECT_FALSE(so->steps[0].charge);  // amount ""
    expect_money(so->steps[0].min_charge, "50", "RUB");
    EXPECT_EQ(so->steps[0].deadline_at, at("2026-11-26T14:00:00Z"));
    expect_money(so->steps[1].charge, "100", "");
    EXPECT_FALSE(so->steps[1].deadline_at);
    EXPECT_FALSE(page.postings[5].tariffication);
    // "garbage", "yes" and {"a":1}: one warning per field, not per record.
    EXPECT_EQ(schema_surprise_count(), 3u);
}

// ------------------------------------------------------------------ tolerance

TEST(OzonTolerance, MoneyInEveryShape) {
    auto page = parse_posting_list(R"({"postings":[{"posting_number":"1","products":[
        {"sku":1,"price":1390},
        {"sku":2,"price":"1390.000000","currency_code":"RUB"},
        {"sku":3,"price":{"amount":"1390.5","currency":"KZT"}},
        {"sku":4,"price":{"price":7,"currency_code":"BYN"}},
        {"sku":5,"price":null},
        {"sku":6}
    ]}]})");
    const auto& pr = page.postings[0].products;
    ASSERT_EQ(pr.size(), 6u);
    EXPECT_EQ(pr[0].price.amount, dec("1390"));
    EXPECT_EQ(pr[1].price.amount, dec("1390"));
    EXPECT_EQ(pr[1].price.currency, "RUB");
    EXPECT_EQ(pr[2].price.amount, dec("1390.5"));
    EXPECT_EQ(pr[2].price.currency, "KZT");
    EXPECT_EQ(pr[3].price.amount, dec("7"));
    EXPECT_EQ(pr[3].price.currency, "BYN");
    EXPECT_EQ(pr[4].price.amount, dec("0"));
    EXPECT_EQ(pr[5].price.amount, dec("0"));
}

TEST(OzonTolerance, EmptyAndNullDatesAreAbsent) {
    auto page = parse_posting_list(R"({"postings":[{"posting_number":"1","shipment_date":"",
        "delivering_date":null,"in_process_at":"2026-11-26T07:00:00Z"}]})");
    const auto& p = page.postings[0];
    EXPECT_FALSE(p.shipment_date);
    EXPECT_FALSE(p.delivering_date);
    EXPECT_EQ(p.in_process_at, at("2026-11-26T07:00:00Z"));
}

TEST(OzonTolerance, NullObjectsUnknownFieldsAndUnknownStatuses) {
    auto page = parse_posting_list(R"({"postings":[{"posting_number":"1","status":"teleported",
        "customer":null,"cancellation":null,"financial_data":null,"delivery_method":null,
        "products":null,"brand_new_field":{"x":[1,2,3]}}], "new_top_level": 5})");
    ASSERT_EQ(page.postings.size(), 1u);
    const auto& p = page.postings[0];
    EXPECT_EQ(p.status, "teleported");
    EXPECT_EQ(p.status_enum(), PostingStatus::unknown);
    EXPECT_FALSE(p.cancellation);
    EXPECT_FALSE(p.financial_data);
    EXPECT_TRUE(p.products.empty());
}

TEST(OzonTolerance, CancellationIsKeptWhenFilled) {
    auto page = parse_posting_list(R"({"postings":[{"posting_number":"1","status":"cancelled",
        "cancellation":{"affect_cancellation_rating":true,"cancel_reason":"Покупатель отменил",
        "cancel_reason_id":"352","cancellation_initiator":"Покупатель","cancellation_type":"client",
        "cancelled_after_ship":"false"}}]})");
    const auto& c = page.postings[0].cancellation;
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->affect_rating);
    EXPECT_EQ(c->reason_id, 352);
    EXPECT_EQ(c->type, "client");
    EXPECT_FALSE(c->after_ship);
}

TEST(OzonTolerance, V3FinancialDataShape) {
    auto page = parse_posting_list(R"({"postings":[{"posting_number":"1","financial_data":{"products":[
        {"product_id":5,"commission_amount":12.5,"commission_percent":8,"payout":100,
         "price":"120.00","customer_price":"130","currency_code":"RUB"}]}}]})");
    const auto& fp = page.postings[0].financial_data->products[0];
    EXPECT_EQ(fp.commission.amount, dec("12.5"));
    EXPECT_DOUBLE_EQ(fp.commission_percent, 8);
    EXPECT_EQ(fp.price.amount, dec("120"));
    EXPECT_EQ(fp.price.currency, "RUB");
    EXPECT_EQ(fp.customer_price.amount, dec("130"));
}

TEST(OzonTolerance, WrongTypesWarnOncePerFieldNotPerRecord) {
    reset_schema_surprises();
    std::string body = R"({"postings":[)";
    for (int i = 0; i < 500; ++i) {
        if (i) body += ",";
        body += R"({"posting_number":"n)" + std::to_string(i) +
                R"(","order_id":{"oops":1},"shipment_date":"not a date","is_express":[1],"products":"nope"})";
    }
    body += "]}";
    auto page = parse_posting_list(body);
    ASSERT_EQ(page.postings.size(), 500u);
    EXPECT_EQ(page.postings[0].order_id, 0);
    EXPECT_FALSE(page.postings[0].shipment_date);
    // order_id, shipment_date, is_express, products: four fields, four surprises in total.
    EXPECT_EQ(schema_surprise_count(), 4u);
}

TEST(OzonTolerance, WrappedResultShapeIsAccepted) {
    auto page = parse_posting_list(R"({"result":{"has_next":true,"postings":[{"posting_number":"x"}]}})");
    EXPECT_TRUE(page.has_next);
    ASSERT_EQ(page.postings.size(), 1u);
}

// ------------------------------------------------------------------ hostile input

TEST(OzonHostile, DeepNestingIsAnErrorNotAStackOverflow) {
    std::string deep(100000, '[');
    deep += std::string(100000, ']');
    EXPECT_THROW(parse_posting_list(deep), ParseError);
    std::string deep_obj;
    for (int i = 0; i < 100000; ++i) deep_obj += R"({"a":)";
    deep_obj += "1";
    deep_obj += std::string(100000, '}');
    EXPECT_THROW(parse_stocks(deep_obj), ParseError);
}

TEST(OzonHostile, BracketsInsideStringsDoNotCountAsNesting) {
    std::string s = R"({"postings":[{"posting_number":")" + std::string(1000, '[') + R"("}]})";
    auto page = parse_posting_list(s);
    ASSERT_EQ(page.postings.size(), 1u);
    EXPECT_EQ(page.postings[0].posting_number.size(), 1000u);
}

TEST(OzonHostile, HugeNumbersBecomeDefaultsOrErrors) {
    // A literal beyond double range is rejected by the JSON parser: an error, not a crash.
    EXPECT_THROW(parse_posting_list(R"({"postings":[{"order_id":1e400}]})"), ParseError);
    auto page = parse_posting_list(R"({"postings":[{"posting_number":"1",
        "order_id":123456789012345678901234567890,"products":[{"sku":18446744073709551615,
        "quantity":-1e30,"price":"1e999999"}]}]})");
    ASSERT_EQ(page.postings.size(), 1u);
    EXPECT_EQ(page.postings[0].order_id, 0);
    ASSERT_EQ(page.postings[0].products.size(), 1u);
    EXPECT_EQ(page.postings[0].products[0].sku, 0);
}

TEST(OzonHostile, MalformedBodiesAreParseErrors) {
    EXPECT_THROW(parse_posting_list(""), ParseError);
    EXPECT_THROW(parse_posting_list("<html>502 Bad Gateway</html>"), ParseError);
    EXPECT_THROW(parse_posting_list(R"({"postings":[{"posting_number":"1")"), ParseError);  // truncated
    EXPECT_THROW(parse_posting_list("[1,2,3]"), ParseError);  // not an object
    EXPECT_THROW(parse_posting_get(R"({"result":null})"), ParseError);
    EXPECT_THROW(parse_roles("\"just a string\""), ParseError);
}

TEST(OzonHostile, WrongTopLevelTypesGiveEmptyPages) {
    auto page = parse_posting_list(R"({"postings":{"a":1},"has_next":"maybe","cursor":[1]})");
    EXPECT_TRUE(page.postings.empty());
    EXPECT_FALSE(page.has_next);
    EXPECT_TRUE(page.cursor.empty());
    auto stocks = parse_stocks(R"({"items":[1,"x",null,{"offer_id":"a","stocks":[null,{"present":"5"}]}]})");
    ASSERT_EQ(stocks.items.size(), 1u);
    ASSERT_EQ(stocks.items[0].stocks.size(), 1u);
    EXPECT_EQ(stocks.items[0].stocks[0].present, 5);
}

TEST(OzonHostile, FiftyMegabyteBodyIsHandled) {
    // Under the 64 MB limit: parsed (one giant string field, no crash).
    std::string big = R"({"postings":[{"posting_number":")" + std::string(50u * 1024 * 1024, 'x') + R"("}]})";
    auto page = parse_posting_list(big);
    ASSERT_EQ(page.postings.size(), 1u);
    EXPECT_EQ(page.postings[0].posting_number.size(), 50u * 1024 * 1024);
    // Over the limit: refused before parsing.
    std::string huge(kMaxBodyBytes + 1, ' ');
    EXPECT_THROW(parse_posting_list(huge), ParseError);
}

TEST(OzonModels, StatusNamesRoundTrip) {
    for (const char* s : {"awaiting_packaging", "awaiting_deliver", "delivering", "driver_pickup",
                          "delivered", "cancelled", "arbitration", "client_arbitration",
                          "not_accepted", "sent_by_seller", "awaiting_registration",
                          "acceptance_in_progress", "awaiting_approve"}) {
        EXPECT_STREQ(to_string(parse_posting_status(s)), s);
    }
    EXPECT_EQ(parse_posting_status("weird"), PostingStatus::unknown);
}

// /v1/returns/company/fbs/info: the drop-off points where returns wait, read tolerantly.
TEST(OzonModels, ReturnDropOffPointsAreReadTolerantly) {
    const std::string body = R"({
      "drop_off_points": [
        {"address": "Москва, ул. Лесная, 5", "box_count": 2, "id": 9001, "name": "ПВЗ Лесная",
         "pass_info": {"count": 1, "is_required": true}, "place_id": 15431, "returns_count": 3,
         "utc_offset": "+03:00", "warehouses_ids": ["1020000000001", 1020000000002], "new_field": {}},
        {"id": "9002", "name": null, "pass_info": null, "returns_count": "4", "box_count": -1,
         "warehouses_ids": null},
        "not an object"
      ],
      "has_next": true
    })";
    ReturnDropOffPage page = parse_return_dropoff_points(body);
    ASSERT_EQ(page.points.size(), 2u);
    EXPECT_TRUE(page.has_next);
    EXPECT_EQ(page.last_id(), 9002);
    const auto& a = page.points[0];
    EXPECT_EQ(a.id, 9001);
    EXPECT_EQ(a.name, "ПВЗ Лесная");
    EXPECT_EQ(a.address, "Москва, ул. Лесная, 5");
    EXPECT_EQ(a.place_id, 15431);
    EXPECT_EQ(a.returns_count, 3);
    EXPECT_EQ(a.box_count, 2);
    EXPECT_TRUE(a.pass_required);
    EXPECT_EQ(a.pass_count, 1);
    EXPECT_EQ(a.utc_offset, "+03:00");
    EXPECT_EQ(a.warehouse_ids, (std::vector<std::string>{"1020000000001", "1020000000002"}));
    const auto& b = page.points[1];
    EXPECT_EQ(b.returns_count, 4);  // a number sent as a string
    EXPECT_EQ(b.box_count, 0);      // a negative count is no count
    EXPECT_FALSE(b.pass_required);
    EXPECT_TRUE(b.name.empty());
    EXPECT_TRUE(b.warehouse_ids.empty());
    EXPECT_FALSE(parse_return_dropoff_points(R"({"drop_off_points": []})").has_next);
    EXPECT_THROW(parse_return_dropoff_points("[]"), ParseError);
}
