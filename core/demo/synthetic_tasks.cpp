// Question families and OpenCV drawing for the demo data (see synthetic_tasks.h).
#include "core/demo/synthetic_tasks.h"

#include <algorithm>
#include <array>
#include <numeric>
#include <opencv2/imgproc.hpp>

namespace mmupt::demo {
namespace {

// splitmix64: portable across standard libraries (std::uniform_int_distribution is not).
struct Rng {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
    int between(int lo, int hi) { return lo + below(hi - lo + 1); }  // inclusive
};

std::string plural(const std::string& noun) { return noun + "s"; }

// Places `count` shapes in distinct random cells; colours and kinds filled by the caller.
std::vector<Shape> place(Rng& rng, int count) {
    std::array<int, kGridCells * kGridCells> cells;
    std::iota(cells.begin(), cells.end(), 0);
    for (int i = static_cast<int>(cells.size()) - 1; i > 0; --i)
        std::swap(cells[i], cells[rng.below(i + 1)]);
    std::vector<Shape> shapes(count);
    for (int i = 0; i < count; ++i) shapes[i].cell = cells[i];
    std::sort(shapes.begin(), shapes.end(),
              [](const Shape& a, const Shape& b) { return a.cell < b.cell; });
    return shapes;
}

int count_if_color(const std::vector<Shape>& s, int color) {
    return static_cast<int>(
        std::count_if(s.begin(), s.end(), [&](const Shape& x) { return x.color == color; }));
}

}  // namespace

// The demo's mix: the two families the 0.9M-parameter demo model learns to see within a few
// hundred SFT steps on 2 cores. The four colour-conditioned families stayed at chance after
// 1,200 steps (docs/demo.md), so a base model trained on them gives UPT nothing to vote on.
const std::vector<TaskFamily>& all_task_families() {
    static const std::vector<TaskFamily> f = {TaskFamily::count_all, TaskFamily::most_color};
    return f;
}

const char* task_family_name(TaskFamily family) {
    switch (family) {
        case TaskFamily::count_color:
            return "count_color";
        case TaskFamily::count_shape:
            return "count_shape";
        case TaskFamily::total_two_colors:
            return "total_two_colors";
        case TaskFamily::compare_colors:
            return "compare_colors";
        case TaskFamily::count_all:
            return "count_all";
        case TaskFamily::most_color:
            return "most_color";
    }
    return "?";
}

const std::vector<TaskFamily>& every_task_family() {
    static const std::vector<TaskFamily> f = {
        TaskFamily::count_color,    TaskFamily::count_shape, TaskFamily::total_two_colors,
        TaskFamily::compare_colors, TaskFamily::count_all,   TaskFamily::most_color};
    return f;
}

std::optional<TaskFamily> parse_task_family(const std::string& name) {
    for (TaskFamily f : every_task_family())
        if (name == task_family_name(f)) return f;
    return std::nullopt;
}

const std::vector<std::string>& color_names() {
    static const std::vector<std::string> c = {"red", "green", "blue", "yellow"};
    return c;
}

const std::vector<std::string>& shape_names() {
    static const std::vector<std::string> s = {"circle", "square", "triangle"};
    return s;
}

SyntheticItem make_item(std::uint64_t seed, std::uint64_t index, TaskFamily family) {
    Rng rng{seed * 0x100000001B3ull + index * 0x9E3779B97F4A7C15ull + 1};
    rng.next();
    SyntheticItem item;
    item.id = std::string(task_family_name(family)) + "-" + std::to_string(seed) + "-" +
              std::to_string(index);
    item.family = family;
    const int n_colors = static_cast<int>(color_names().size());
    const int n_kinds = static_cast<int>(shape_names().size());
    item.shapes = place(rng, rng.between(3, 9));
    for (auto& s : item.shapes) {
        s.color = rng.below(n_colors);
        s.kind = rng.below(n_kinds);
    }
    const auto& colors = color_names();
    switch (family) {
        case TaskFamily::count_color: {
            int c = item.shapes[rng.below(static_cast<int>(item.shapes.size()))].color;
            int k = count_if_color(item.shapes, c);
            item.question = "How many " + colors[c] + " shapes are in the image?";
            item.answer = std::to_string(k);
            item.solution = "I count the " + colors[c] + " shapes: there are " + item.answer +
                            ". \\boxed{" + item.answer + "}";
            break;
        }
        case TaskFamily::count_shape: {
            int kind = item.shapes[rng.below(static_cast<int>(item.shapes.size()))].kind;
            int k = static_cast<int>(std::count_if(item.shapes.begin(), item.shapes.end(),
                                                   [&](const Shape& x) { return x.kind == kind; }));
            item.question = "How many " + plural(shape_names()[kind]) + " are in the image?";
            item.answer = std::to_string(k);
            item.solution = "I count the " + plural(shape_names()[kind]) + ": there are " +
                            item.answer + ". \\boxed{" + item.answer + "}";
            break;
        }
        case TaskFamily::total_two_colors: {
            // The first colour is one that is present, so totals are rarely 0 + 0.
            int a = item.shapes[rng.below(static_cast<int>(item.shapes.size()))].color;
            int b = (a + 1 + rng.below(n_colors - 1)) % n_colors;
            int ka = count_if_color(item.shapes, a), kb = count_if_color(item.shapes, b);
            item.question =
                "How many " + colors[a] + " and " + colors[b] + " shapes are there in total?";
            item.answer = std::to_string(ka + kb);
            item.solution = colors[a] + ": " + std::to_string(ka) + ". " + colors[b] + ": " +
                            std::to_string(kb) + ". " + std::to_string(ka) + " + " +
                            std::to_string(kb) + " = " + item.answer + ". \\boxed{" + item.answer +
                            "}";
            break;
        }
        case TaskFamily::compare_colors: {
            // Re-draw colours until the two counts differ, so the answer is well defined.
            int a = 0, b = 1, ka = 0, kb = 0;
            for (int attempt = 0; attempt < 64 && ka == kb; ++attempt) {
                a = rng.below(n_colors);
                b = (a + 1 + rng.below(n_colors - 1)) % n_colors;
                ka = count_if_color(item.shapes, a);
                kb = count_if_color(item.shapes, b);
                if (ka == kb)
                    item.shapes[rng.below(static_cast<int>(item.shapes.size()))].color = a;
                ka = count_if_color(item.shapes, a);
                kb = count_if_color(item.shapes, b);
            }
            const std::string& more = ka > kb ? colors[a] : colors[b];
            item.question = "Are there more " + colors[a] + " shapes or more " + colors[b] +
                            " shapes? Answer with the colour.";
            item.answer = more;
            item.solution = colors[a] + ": " + std::to_string(ka) + ". " + colors[b] + ": " +
                            std::to_string(kb) + ". More " + more + ". \\boxed{" + more + "}";
            break;
        }
        case TaskFamily::count_all: {
            const std::string n = std::to_string(item.shapes.size());
            item.question = "How many shapes are in the image?";
            item.answer = n;
            item.solution = "I count all the shapes: there are " + n + ". \\boxed{" + n + "}";
            break;
        }
        case TaskFamily::most_color: {
            // Recolour one shape at a time until one colour is strictly the most frequent.
            auto leader = [&]() {
                std::vector<int> k(n_colors);
                for (const Shape& x : item.shapes) ++k[x.color];
                int best = 0;
                for (int c = 1; c < n_colors; ++c)
                    if (k[c] > k[best]) best = c;
                const bool unique = std::count(k.begin(), k.end(), k[best]) == 1;
                return unique ? best : -1;
            };
            int best = leader();
            for (int attempt = 0; attempt < 64 && best < 0; ++attempt) {
                item.shapes[rng.below(static_cast<int>(item.shapes.size()))].color =
                    rng.below(n_colors);
                best = leader();
            }
            if (best < 0) {  // practically never: make every shape one colour
                for (Shape& x : item.shapes) x.color = item.shapes.front().color;
                best = item.shapes.front().color;
            }
            item.question = "Which colour do most of the shapes have? Answer with the colour.";
            item.answer = colors[best];
            item.solution =
                "Most of the shapes are " + item.answer + ". \\boxed{" + item.answer + "}";
            break;
        }
    }
    return item;
}

std::vector<std::uint8_t> render_rgb(const SyntheticItem& item) {
    static const cv::Scalar kRgb[] = {{220, 40, 40}, {40, 170, 60}, {40, 80, 220}, {230, 200, 30}};
    // Grey at the processor's image_mean: an empty cell normalises to ~0, so at initialisation
    // the vision features of empty and occupied cells differ by more than a shared offset.
    cv::Mat img(kImagePixels, kImagePixels, CV_8UC3, cv::Scalar(123, 117, 104));
    for (const Shape& s : item.shapes) {
        const int x0 = (s.cell % kGridCells) * kCellPixels,
                  y0 = (s.cell / kGridCells) * kCellPixels;
        const cv::Scalar color = kRgb[s.color];
        const int m = 5;  // margin inside the cell
        switch (s.kind) {
            case 0:
                cv::circle(img, {x0 + kCellPixels / 2, y0 + kCellPixels / 2}, kCellPixels / 2 - m,
                           color, cv::FILLED, cv::LINE_AA);
                break;
            case 1:
                cv::rectangle(img, {x0 + m, y0 + m},
                              {x0 + kCellPixels - m - 1, y0 + kCellPixels - m - 1}, color,
                              cv::FILLED);
                break;
            default: {
                std::vector<cv::Point> tri = {{x0 + kCellPixels / 2, y0 + m},
                                              {x0 + m, y0 + kCellPixels - m - 1},
                                              {x0 + kCellPixels - m - 1, y0 + kCellPixels - m - 1}};
                cv::fillConvexPoly(img, tri, color, cv::LINE_AA);
            }
        }
    }
    return std::vector<std::uint8_t>(img.data, img.data + img.total() * img.elemSize());
}

}  // namespace mmupt::demo
