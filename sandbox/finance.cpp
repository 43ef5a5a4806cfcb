// The sandbox's finance dictionary and calendar: accrual types (/v1/finance/accrual/types), the
// Moscow accrual day and the half-month payout periods (/v1/finance/cash-flow-statement/list).
#include <chrono>
#include <cstdio>

#include "common/time.hpp"
#include "sandbox/scenario.hpp"

namespace ozw::sandbox {

namespace {
using namespace std::chrono;
constexpr hours kMoscow{3};  // UTC+3 all year since 2014

std::string ymd_text(year_month_day d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()));
    return buf;
}

TimePoint moscow_midnight(year_month_day d) {
    return TimePoint(time_point_cast<Millis>(sys_days(d) - kMoscow));
}

PayoutPeriod period_containing(year_month_day d) {
    const bool first = static_cast<unsigned>(d.day()) <= 15;
    const year_month_day b{d.year(), d.month(), day(first ? 1 : 16)};
    const year_month_day last = first ? year_month_day{d.year(), d.month(), day(15)}
                                      : year_month_day{year_month_day_last{d.year(), month_day_last{d.month()}}};
    PayoutPeriod p;
    p.begin = moscow_midnight(b);
    p.end = moscow_midnight(year_month_day{sys_days(last) + days(1)}) - seconds(1);
    p.first_day = ymd_text(b);
    p.id = static_cast<int>(d.year()) * 10000LL + static_cast<unsigned>(d.month()) * 100LL + (first ? 1 : 16);
    return p;
}

year_month_day moscow_date(TimePoint t) { return year_month_day{floor<days>(t + kMoscow)}; }
}  // namespace

const std::vector<AccrualType>& accrual_types() {
    // Names as the seller cabinet shows them (Финансы -> Начисления); ids 1-8 are the ones the
    // first sandbox scenarios used. Ozon's real dictionary has about 130 entries.
    using K = AccrualKind;
    static const std::vector<AccrualType> t = {
        {1, "sale", "Выручка", "Выручка от продажи товара покупателю", K::sale, ""},
        {2, "commission", "Вознаграждение Ozon", "Комиссия Ozon за продажу товара", K::commission, ""},
        {3, "logistics", "Логистика", "Доставка отправления от склада продавца до пункта выдачи", K::delivery_service,
         "MarketplaceServiceItemDirectFlowLogisticSum"},
        {4, "return_logistics", "Обратная логистика", "Доставка возврата или невыкупа продавцу", K::return_service,
         "MarketplaceServiceItemReturnFlowLogistic"},
        {5, "processing", "Обработка отправления", "Приём отправления в пункте Drop-off или на сортировочном центре",
         K::delivery_service, "MarketplaceServiceItemDropoff"},
        {6, "last_mile", "Последняя миля", "Доставка от пункта выдачи до покупателя", K::delivery_service,
         "MarketplaceServiceItemDelivToCustomer"},
        {7, "refund", "Возврат выручки", "Возврат денег покупателю за возвращённый товар", K::refund, ""},
        {8, "return_storage", "Хранение возвратов", "Краткосрочное размещение возврата FBS в пункте выдачи", K::service,
         "MarketplaceReturnStorageServiceAtThePickupPointFbsItem"},
        {9, "commission_refund", "Возврат вознаграждения Ozon", "Комиссия за продажу, возвращённая при возврате товара",
         K::commission_refund, ""},
        {10, "acquiring", "Эквайринг", "Оплата эквайринга за приём платежа покупателя", K::other,
         "MarketplaceRedistributionOfAcquiringOperation"},
        {11, "return_processing", "Обработка возврата", "Обработка возврата после доставки покупателю",
         K::return_service, "MarketplaceServiceItemReturnAfterDelivToCustomer"},
        {12, "cancel_processing", "Обработка отмен и невыкупов", "Обработка отменённых и невостребованных товаров",
         K::return_service, "MarketplaceServiceItemReturnNotDelivToCustomer"},
        {13, "partial_return_processing", "Обработка частичного невыкупа", "Обработка частичного невыкупа",
         K::return_service, "MarketplaceServiceItemReturnPartGoodsCustomer"},
        {14, "correction", "Корректировка стоимости услуг", "Перерасчёт стоимости логистики и других услуг",
         K::other, "MarketplaceSellerCorrectionOperation"},
        {15, "compensation", "Компенсация за утерянный товар", "Компенсация за товар, утерянный или уничтоженный Ozon",
         K::other, "MarketplaceSellerCompensationLossOfGoodsOperation"},
        {16, "claim", "Начисления по претензиям", "Начисления по претензиям продавца", K::other, "OperationClaim"},
        {17, "settlement_correction", "Инвентаризация взаиморасчётов", "Корректировка взаиморасчётов по итогам сверки",
         K::other, "OperationCorrectionSeller"},
        {18, "undelivered_withholding", "Удержание за недовложение", "Удержание за недовложение товара", K::other,
         "OperationMarketplaceWithHoldingForUndeliverableGoods"},
        {19, "logistics_dc", "Логистика РЦ", "Доставка через распределительный центр", K::delivery_service,
         "MarketplaceServiceItemDirectFlowLogisticDC"},
        {20, "trunk", "Магистраль", "Перевозка между сортировочными центрами", K::delivery_service,
         "MarketplaceServiceItemDirectFlowTrans"},
        {21, "fulfillment", "Сборка заказа", "Сборка заказа на складе Ozon", K::delivery_service,
         "MarketplaceServiceItemFulfillment"},
        {22, "storage", "Размещение товаров", "Размещение товаров на складе Ozon", K::service,
         "OperationMarketplaceServiceStorage"},
        {23, "promotion", "Продвижение в поиске", "Услуга «Продвижение в поиске»", K::service,
         "MarketplaceServiceItemElectronicServicesPromotionInSearch"},
        {24, "stars", "Звёздные товары", "Услуга «Звёздные товары»", K::service, "ItemAgentServiceStarsMembership"},
        {25, "seller_bonuses", "Бонусы продавца", "Услуга продвижения «Бонусы продавца»", K::service,
         "MarketplaceServicePremiumCashbackIndividualPoints"},
        {26, "reviews", "Приобретение отзывов", "Приобретение отзывов на платформе", K::service,
         "MarketplaceSaleReviewsItem"},
        {27, "disposal", "Утилизация", "Утилизация товара FBS", K::service, "MarketplaceReturnDisposalServiceFbsItem"},
        {28, "flexible_payout", "Гибкий график выплат", "Услуга «Гибкий график выплат»", K::service,
         "MarketplaceServiceItemFlexiblePaymentSchedule"},
        {29, "marketing", "Маркетинговые услуги", "Маркетинговые услуги Ozon", K::service,
         "MarketplaceServiceItemMarketingServices"},
        {30, "discount_points", "Баллы за скидки", "Компенсация скидки, оплаченной баллами Ozon", K::sale, ""},
    };
    return t;
}

const AccrualType* find_accrual_type(int id) {
    for (const auto& t : accrual_types())
        if (t.id == id) return &t;
    return nullptr;
}

const AccrualType* find_accrual_type(const std::string& key) {
    for (const auto& t : accrual_types())
        if (key == t.key) return &t;
    return nullptr;
}

bool accrual_visible(const Accrual& a, TimePoint now) { return !a.appears_at || *a.appears_at <= now; }

std::string accrual_day(const Accrual& a) { return ymd_text(moscow_date(a.date)); }

PayoutPeriod payout_period_at(TimePoint t) { return period_containing(moscow_date(t)); }

std::optional<PayoutPeriod> payout_period_of_day(const std::string& ymd) {
    auto t = parse_iso8601(ymd + "T00:00:00Z");
    if (ymd.size() != 10 || !t) return std::nullopt;
    return period_containing(year_month_day{floor<days>(*t)});
}

PayoutPeriod next_payout_period(const PayoutPeriod& p) { return payout_period_at(p.end + seconds(1)); }

TimePoint default_paid_at(const PayoutPeriod& p) {
    // The period's last day (Moscow) + 5 days, 12:00 MSK.
    const auto last = floor<days>(p.end + kMoscow);
    return TimePoint(time_point_cast<Millis>(last + days(5) + hours(12) - kMoscow));
}

}  // namespace ozw::sandbox
