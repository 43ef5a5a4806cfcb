#pragma once
// The returns watch's event types: titles, what to do, facts and links (design.md catalogue).
#include <string>
#include <vector>

#include "common/event_types.hpp"

namespace ozw::daemon::returns {

std::vector<EventType> return_event_types();

// A return's type in plain words ("Отмена: покупатель не забрал заказ"); unknown values as
// they are.
std::string return_type_name(const std::string& type, bool russian);

// "3 490 ₽", "1 234,50 ₽" (ru) / "3,490 RUB" (en): Decimal::display of a shown amount.
std::string money_text(double amount, bool russian);

}  // namespace ozw::daemon::returns
