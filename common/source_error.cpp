#include "common/source_error.hpp"

#include "common/insales/client.hpp"
#include "common/onec/offers.hpp"
#include "common/ozon/errors.hpp"

namespace ozw {

const char* to_string(FailureKind k) {
    switch (k) {
        case FailureKind::none: return "none";
        case FailureKind::transient: return "transient";
        case FailureKind::auth: return "auth";
        case FailureKind::not_available: return "not_available";
    }
    return "transient";
}

FailureKind classify_source_failure(std::exception_ptr e, std::string& message) {
    try {
        std::rethrow_exception(e);
    } catch (const ozon::ApiError& err) {
        message = err.what();
        if (err.kind() == ozon::ErrorKind::auth) return FailureKind::auth;
        if (err.kind() == ozon::ErrorKind::not_available) return FailureKind::not_available;
        return FailureKind::transient;
    } catch (const insales::Error& err) {
        message = err.what();
        return err.kind() == insales::ErrorKind::auth ? FailureKind::auth : FailureKind::transient;
    } catch (const onec::Error& err) {
        // A missing, half-written or malformed export: the next run of the exchange fixes it.
        message = err.what();
        return FailureKind::transient;
    } catch (const std::exception& err) {
        message = err.what();
    } catch (...) {
        message = "unknown error";
    }
    return FailureKind::transient;
}

}  // namespace ozw
