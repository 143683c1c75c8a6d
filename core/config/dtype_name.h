// A Dtype from its config name ("float32", "bfloat16", "float16"), for the places that name a
// dtype outside a config file: `mmupt export --dtype`, the studio's export dialog.
#pragma once
#include <optional>
#include <string_view>

#include "core/config/run_config.h"

namespace mmupt {

std::optional<Dtype> parse_dtype_name(std::string_view name);  // nullopt for any other string

}  // namespace mmupt
