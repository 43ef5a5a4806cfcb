// Thin entry point: everything lives in the ozw_daemon library so tests can drive it.
#include "daemon/commands.hpp"

int main(int argc, char** argv) { return ozw::cli::main_entry(argc, argv); }
