// Synthetic visual-reasoning tasks for the built-in demo: small images of coloured shapes on a
// 4x4 grid (one shape per 28-px cell, so each cell is exactly one merged vision token) and
// questions whose answers need counting and a step of arithmetic or comparison. Deterministic by
// (seed, index). Not a benchmark of anything but the MM-UPT mechanism at toy scale.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mmupt::demo {

inline constexpr int kGridCells = 4;    // cells per side
inline constexpr int kCellPixels = 28;  // = patch 14 x merge 2: one merged token per cell
inline constexpr int kImagePixels = kGridCells * kCellPixels;  // 112

// The task families. all_task_families() is the demo's default mix, in the order it cycles.
enum class TaskFamily {
    count_color,
    count_shape,
    total_two_colors,
    compare_colors,
    count_all,
    most_color
};
const std::vector<TaskFamily>& all_task_families();
const std::vector<TaskFamily>& every_task_family();  // all six, for --families and tests
const char* task_family_name(TaskFamily family);
// Parses a name from task_family_name(); nullopt when unknown.
std::optional<TaskFamily> parse_task_family(const std::string& name);

struct Shape {
    int cell = 0;   // 0..15, row-major
    int color = 0;  // index into color_names()
    int kind = 0;   // index into shape_names()
};

struct SyntheticItem {
    std::string id;
    TaskFamily family = TaskFamily::count_color;
    std::vector<Shape> shapes;
    std::string question;  // without the format prompt
    std::string answer;    // the label
    std::string solution;  // a short worked solution ending in \boxed{answer} (SFT target)
};

const std::vector<std::string>& color_names();  // "red", "green", "blue", "yellow"
const std::vector<std::string>& shape_names();  // "circle", "square", "triangle"

// Item `index` of the stream `seed`; the same (seed, index) always gives the same item.
SyntheticItem make_item(std::uint64_t seed, std::uint64_t index, TaskFamily family);

// Renders the shapes as a kImagePixels x kImagePixels RGB image, row-major, 3 bytes per pixel.
std::vector<std::uint8_t> render_rgb(const SyntheticItem& item);

}  // namespace mmupt::demo
