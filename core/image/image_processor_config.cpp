// preprocessor_config.json parsing and validation for the Qwen2-VL image processor.
// Unknown keys are ignored (video settings, processor_class...); settings this port cannot honour
// (do_resize false, a resample filter other than BICUBIC) are errors rather than silent changes.
#include "core/image/image_processor_config.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/util/errors.h"
#include "core/util/log.h"

namespace mmupt {
namespace {

using nlohmann::json;

[[noreturn]] void bad_field(const std::string& source, const std::string& field,
                            const std::string& what) {
    throw ConfigError(source + ": field '" + field + "' " + what);
}

// An integer field, also accepted when written as an integral float (3136.0).
void read_int(const json& j, const char* key, const std::string& source, int64_t& out) {
    if (!j.contains(key) || j[key].is_null()) return;
    const json& v = j[key];
    if (v.is_number_integer()) {
        out = v.get<int64_t>();
    } else if (v.is_number_float() && std::nearbyint(v.get<double>()) == v.get<double>() &&
               std::fabs(v.get<double>()) < 9e15) {
        out = int64_t(v.get<double>());
    } else {
        bad_field(source, key, "must be an integer, got " + v.dump());
    }
}

void read_int(const json& j, const char* key, const std::string& source, int& out) {
    int64_t v = out;
    read_int(j, key, source, v);
    if (v < -(int64_t(1) << 30) || v > (int64_t(1) << 30))
        bad_field(source, key, "is out of range: " + std::to_string(v));
    out = int(v);
}

void read_bool(const json& j, const char* key, const std::string& source, bool& out) {
    if (!j.contains(key) || j[key].is_null()) return;
    if (!j[key].is_boolean()) bad_field(source, key, "must be true or false, got " + j[key].dump());
    out = j[key].get<bool>();
}

// A per-channel list of 3 numbers, or one number for all channels.
void read_triplet(const json& j, const char* key, const std::string& source,
                  std::array<double, 3>& out) {
    if (!j.contains(key) || j[key].is_null()) return;
    const json& v = j[key];
    if (v.is_number()) {
        out.fill(v.get<double>());
        return;
    }
    if (!v.is_array() || v.size() != 3)
        bad_field(source, key, "must be a list of 3 numbers (R, G, B), got " + v.dump());
    for (size_t i = 0; i < 3; ++i) {
        if (!v[i].is_number()) bad_field(source, key, "must hold numbers, got " + v.dump());
        out[i] = v[i].get<double>();
    }
}

}  // namespace

void ImageProcessorConfig::validate() const {
    auto fail = [](const std::string& field, const std::string& what) {
        throw ConfigError("image processor: field '" + field + "' " + what);
    };
    if (patch_size < 1 || patch_size > 1024)
        fail("patch_size", "must be in [1, 1024], got " + std::to_string(patch_size));
    if (temporal_patch_size < 1 || temporal_patch_size > 64)
        fail("temporal_patch_size",
             "must be in [1, 64], got " + std::to_string(temporal_patch_size));
    if (merge_size < 1 || merge_size > 64)
        fail("merge_size", "must be in [1, 64], got " + std::to_string(merge_size));
    if (min_pixels < 1) fail("min_pixels", "must be >= 1, got " + std::to_string(min_pixels));
    if (max_pixels < min_pixels)
        fail("max_pixels", "must be >= min_pixels (" + std::to_string(min_pixels) + "), got " +
                               std::to_string(max_pixels));
    if (!(rescale_factor > 0.0) || !std::isfinite(rescale_factor))
        fail("rescale_factor", "must be a positive number, got " + std::to_string(rescale_factor));
    for (int c = 0; c < 3; ++c) {
        if (!std::isfinite(image_mean[c]))
            fail("image_mean", "must be finite, got " + std::to_string(image_mean[c]));
        if (!(image_std[c] > 0.0) || !std::isfinite(image_std[c]))
            fail("image_std", "must be positive, got " + std::to_string(image_std[c]));
    }
}

ImageProcessorConfig parse_image_processor_config(const std::string& json_text,
                                                  const std::string& source) {
    json j;
    try {
        j = json::parse(json_text);
    } catch (const json::exception& e) {
        throw FormatError(source + ": not valid JSON (" + e.what() + ")");
    }
    if (!j.is_object()) throw FormatError(source + ": expected a JSON object at the top level");

    ImageProcessorConfig c;
    if (j.contains("image_processor_type") && j["image_processor_type"].is_string()) {
        const std::string type = j["image_processor_type"].get<std::string>();
        if (type.rfind("Qwen2VLImageProcessor", 0) != 0)
            log_warning(source + ": image_processor_type '" + type +
                        "' is not Qwen2VLImageProcessor; reading it as one");
    }
    read_int(j, "patch_size", source, c.patch_size);
    read_int(j, "temporal_patch_size", source, c.temporal_patch_size);
    read_int(j, "merge_size", source, c.merge_size);
    if (j.contains("size") && !j["size"].is_null()) {
        const json& s = j["size"];
        if (!s.is_object()) bad_field(source, "size", "must be an object, got " + s.dump());
        read_int(s, "shortest_edge", source, c.min_pixels);
        read_int(s, "longest_edge", source, c.max_pixels);
        read_int(s, "min_pixels", source, c.min_pixels);  // early saves used these names
        read_int(s, "max_pixels", source, c.max_pixels);
    }
    read_int(j, "min_pixels", source, c.min_pixels);
    read_int(j, "max_pixels", source, c.max_pixels);
    read_bool(j, "do_rescale", source, c.do_rescale);
    read_bool(j, "do_normalize", source, c.do_normalize);
    if (j.contains("rescale_factor") && !j["rescale_factor"].is_null()) {
        if (!j["rescale_factor"].is_number())
            bad_field(source, "rescale_factor",
                      "must be a number, got " + j["rescale_factor"].dump());
        c.rescale_factor = j["rescale_factor"].get<double>();
    }
    read_triplet(j, "image_mean", source, c.image_mean);
    read_triplet(j, "image_std", source, c.image_std);
    bool do_resize = true;
    read_bool(j, "do_resize", source, do_resize);
    if (!do_resize)
        bad_field(source, "do_resize", "is false; only resizing processors are supported");
    if (j.contains("resample") && !j["resample"].is_null() && j["resample"] != 3)
        bad_field(source, "resample",
                  "must be 3 (BICUBIC), the only filter implemented; got " + j["resample"].dump());
    try {
        c.validate();
    } catch (const ConfigError& e) {
        throw ConfigError(source + ": " + e.what());
    }
    return c;
}

ImageProcessorConfig load_image_processor_config(const std::string& path) {
    namespace fs = std::filesystem;
    fs::path file =
        fs::is_directory(path) ? fs::path(path) / "preprocessor_config.json" : fs::path(path);
    std::ifstream f(file);
    if (!f)
        throw FormatError(file.string() +
                          ": cannot open the image processor config (is this a model directory?)");
    std::stringstream ss;
    ss << f.rdbuf();
    return parse_image_processor_config(ss.str(), file.string());
}

}  // namespace mmupt
