// Shared by the fast and slow image parity tests: runs tests/reference/pillow_preprocess.py
// (Pillow + numpy, /usr/bin/python3) on a list of images and compares mmupt's decode, resize,
// grid and pixel_values with it. Header-only so both test binaries can include it.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/image/image_decoder.h"
#include "core/image/image_processor.h"
#include "core/util/errors.h"
#include "tests/core/test_paths.h"

namespace mmupt::test {

inline std::string pillow_script() {
    return source_dir() + "/tests/reference/pillow_preprocess.py";
}

// Empty when /usr/bin/python3 has PIL and numpy, else the reason to skip.
inline std::string pillow_unavailable_reason() {
    auto r = run_command("/usr/bin/python3 '" + pillow_script() + "' check 2>&1");
    if (r.exit_code == 0) return "";
    return "/usr/bin/python3 lacks PIL or numpy (apt-get install python3-pil python3-numpy): " +
           r.out;
}

#define MMUPT_REQUIRE_PILLOW()                                        \
    do {                                                              \
        std::string why = ::mmupt::test::pillow_unavailable_reason(); \
        if (!why.empty()) GTEST_SKIP() << why;                        \
    } while (0)

// Generated edge-case images (tiny, huge, extreme aspect, alpha, palette, grey, 16-bit, EXIF).
inline std::vector<std::string> make_edge_cases() {
    std::string dir = temp_dir("image-edge");
    auto r = run_command("/usr/bin/python3 '" + pillow_script() + "' make-edge-cases '" + dir +
                         "' 2>&1");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

inline std::vector<std::string> sample_images(const std::string& shared) {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(shared + "/vqa-samples/images"))
        files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

struct ParityStats {
    int images = 0, rejected = 0;
    int64_t u8_values = 0, u8_equal = 0;
    int u8_max_diff = 0;
    int64_t pv_values = 0;
    double pv_max_diff = 0.0;

    void print(const std::string& label) const {
        std::printf(
            "[ parity ] %s: %d images (%d rejected by both); resized uint8 identical %lld / %lld "
            "(%.4f%%), max diff %d; pixel_values compared %lld, max |diff| %.3g\n",
            label.c_str(), images, rejected, (long long)u8_equal, (long long)u8_values,
            u8_values ? 100.0 * double(u8_equal) / double(u8_values) : 100.0, u8_max_diff,
            (long long)pv_values, pv_max_diff);
    }
};

inline std::vector<uint8_t> read_bytes(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)),
                                std::istreambuf_iterator<char>());
}

// Runs the reference on `images` with `args` (e.g. "--config F --max-pixels N"), then compares
// each image with `processor`. Per-image failures are EXPECTs naming the image; a resized byte
// may differ by at most `max_level_diff`.
inline ParityStats compare_with_pillow(const std::vector<std::string>& images,
                                       const ImageProcessor& processor, const std::string& args,
                                       bool pixel_values, int max_level_diff = 1) {
    ParityStats s;
    std::string out = temp_dir("image-parity");
    std::string cmd = "/usr/bin/python3 '" + pillow_script() + "' run --out '" + out + "' " + args +
                      (pixel_values ? "" : " --no-pixel-values");
    for (const auto& p : images) cmd += " '" + p + "'";
    auto r = run_command(cmd + " 2>&1");
    EXPECT_EQ(r.exit_code, 0) << cmd << "\n" << r.out;
    for (size_t i = 0; i < images.size(); ++i) {
        const std::string prefix = out + "/" + std::to_string(i), name = images[i];
        std::ifstream mf(prefix + ".json");
        if (!mf) {
            ADD_FAILURE() << "no reference output for " << name;
            continue;
        }
        nlohmann::json meta = nlohmann::json::parse(mf);
        ++s.images;
        if (!meta["ok"].get<bool>()) {
            ++s.rejected;
            EXPECT_THROW(processor.preprocess(decode_image_file(name)), DataError)
                << name << ": Pillow rejected it (" << meta["error"] << ") but mmupt did not";
            continue;
        }
        RgbImage img, resized;
        try {
            img = decode_image_file(name);
            resized = processor.resize(img);
        } catch (const std::exception& e) {
            ADD_FAILURE() << name << ": mmupt failed where Pillow succeeded: " << e.what();
            continue;
        }
        EXPECT_EQ(img.height, meta["original"][0].get<int>()) << name;
        EXPECT_EQ(img.width, meta["original"][1].get<int>()) << name;
        if (resized.height != meta["resized"][0].get<int>() ||
            resized.width != meta["resized"][1].get<int>()) {
            ADD_FAILURE() << name << ": resized to " << resized.height << "x" << resized.width
                          << ", Pillow " << meta["resized"];
            continue;
        }
        const std::vector<uint8_t> ref = read_bytes(prefix + ".u8");
        if (ref.size() != resized.pixels.size()) {
            ADD_FAILURE() << name << ": reference has " << ref.size() << " bytes";
            continue;
        }
        int image_max = 0;
        for (size_t k = 0; k < ref.size(); ++k) {
            int d = std::abs(int(ref[k]) - int(resized.pixels[k]));
            s.u8_equal += d == 0;
            image_max = std::max(image_max, d);
        }
        s.u8_values += int64_t(ref.size());
        s.u8_max_diff = std::max(s.u8_max_diff, image_max);
        EXPECT_LE(image_max, max_level_diff)
            << name << ": resized pixels differ by more than " << max_level_diff << " level(s)";

        ProcessedImage pi = processor.to_patches(resized);
        EXPECT_EQ(pi.grid_thw[0], meta["grid"][0].get<int64_t>()) << name;
        EXPECT_EQ(pi.grid_thw[1], meta["grid"][1].get<int64_t>()) << name;
        EXPECT_EQ(pi.grid_thw[2], meta["grid"][2].get<int64_t>()) << name;
        if (!pixel_values) continue;
        const std::vector<uint8_t> raw = read_bytes(prefix + ".f32");
        if (raw.size() != pi.pixel_values.size() * sizeof(float)) {
            ADD_FAILURE() << name << ": reference pixel_values have " << raw.size() << " bytes";
            continue;
        }
        const float* pv = reinterpret_cast<const float*>(raw.data());
        double image_pv = 0.0;
        for (size_t k = 0; k < pi.pixel_values.size(); ++k)
            image_pv = std::max(image_pv, double(std::fabs(pv[k] - pi.pixel_values[k])));
        s.pv_values += int64_t(pi.pixel_values.size());
        s.pv_max_diff = std::max(s.pv_max_diff, image_pv);
        EXPECT_LE(image_pv, 1e-6) << name << ": pixel_values differ";
    }
    return s;
}

// The aggregate thresholds of the parity contract (docs/image_processing.md).
inline void expect_parity(const ParityStats& s) {
    ASSERT_GT(s.u8_values, 0);
    EXPECT_GE(double(s.u8_equal), 0.999 * double(s.u8_values)) << "under 99.9% identical";
    EXPECT_LE(s.u8_max_diff, 1);
    EXPECT_LE(s.pv_max_diff, 1e-6);
}

}  // namespace mmupt::test
