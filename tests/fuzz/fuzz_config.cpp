// libFuzzer target: YAML run configs (core/config: yaml-cpp load, alias expansion bound, key and
// value parsing, validate). Accepted input must round-trip: to_yaml() of the result, applied to
// defaults, gives the same config (to_yaml is the comparison). Only ConfigError may escape
// apply_yaml_text; anything else (a yaml-cpp exception, bad_alloc) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/config/config_io.h"
#include "core/util/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    mmupt::RunConfig c;
    try {
        mmupt::apply_yaml_text(c, text, "fuzz.yaml");
    } catch (const mmupt::ConfigError&) {
        return 0;
    }
    try {
        mmupt::validate(c, /*for_training=*/false);
    } catch (const mmupt::ConfigError&) {
    }
    const std::string dumped = mmupt::to_yaml(c);
    mmupt::RunConfig again;
    try {
        mmupt::apply_yaml_text(again, dumped, "round-trip.yaml");
    } catch (const mmupt::ConfigError&) {
        __builtin_trap();  // our own output must load
    }
    if (mmupt::to_yaml(again) != dumped) __builtin_trap();
    return 0;
}
