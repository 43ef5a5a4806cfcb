#pragma once
// One error taxonomy for every source (the Ozon API, InSales, the 1C file): whatever a source
// throws is classified once, here, so that the engine's source health, its back-off and the
// manager's messages treat an InSales 401 exactly like an Ozon 401: source.auth_failed for that
// source, not an outage of another.
#include <exception>
#include <string>

namespace ozw {

enum class FailureKind {
    none,
    transient,      // network, timeouts, 5xx, 429, "Circle is open", a broken answer: retry later
    auth,           // the credentials were refused: retrying soon will not help
    not_available,  // the account may not use this (no subscription, method off): not an outage
};
const char* to_string(FailureKind k);

// Classifies an exception thrown while reading a source; `message` gets its text.
FailureKind classify_source_failure(std::exception_ptr e, std::string& message);

}  // namespace ozw
