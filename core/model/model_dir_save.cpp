// Writing a model directory: everything goes into "<out>.tmp-XXXXXX" beside the target, which
// is renamed into place only when complete (an existing model directory is moved aside first
// and removed after), so readers never see a half-written directory. Not atomic against a
// crash between the two renames (the old directory then survives as "<out>.old-XXXXXX").
#include <cstdlib>  // mkdtemp (POSIX)

#include <filesystem>
#include <fstream>
#include <sstream>

#include <c10/core/ScalarType.h>
#include <nlohmann/json.hpp>

#include "core/io/atomic_file.h"
#include "core/io/json_strict.h"
#include "core/io/safetensors_writer.h"
#include "core/model/model_dir.h"
#include "core/util/errors.h"

namespace mmupt {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Tokenizer, chat template and processor files copied verbatim when the source has them.
const char* const kCopiedFiles[] = {
    "tokenizer.json",     "tokenizer_config.json",   "vocab.json",
    "merges.txt",         "special_tokens_map.json", "added_tokens.json",
    "chat_template.json", "chat_template.jinja"};

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CheckpointError(path.string() + ": cannot read");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_file(const fs::path& path, const std::string& text) {
    AtomicFile f(path.string());
    f.write(text.data(), text.size());
    f.commit();
}

const char* dtype_name(at::ScalarType t) {
    switch (t) {
        case at::kFloat:
            return "float32";
        case at::kBFloat16:
            return "bfloat16";
        case at::kHalf:
            return "float16";
        default:
            throw ModelError(std::string("save_model_dir: dtype ") + c10::toString(t) +
                             " is not a model dtype (float32, bfloat16, float16)");
    }
}

bool same_processor(const ImageProcessorConfig& a, const ImageProcessorConfig& b) {
    return a.patch_size == b.patch_size && a.temporal_patch_size == b.temporal_patch_size &&
           a.merge_size == b.merge_size && a.min_pixels == b.min_pixels &&
           a.max_pixels == b.max_pixels && a.do_rescale == b.do_rescale &&
           a.rescale_factor == b.rescale_factor && a.do_normalize == b.do_normalize &&
           a.image_mean == b.image_mean && a.image_std == b.image_std;
}

json processor_json(const ImageProcessorConfig& c, ModelArch arch) {
    return {{"image_processor_type", "Qwen2VLImageProcessor"},
            {"processor_class",
             arch == ModelArch::qwen2_vl ? "Qwen2VLProcessor" : "Qwen2_5_VLProcessor"},
            {"min_pixels", c.min_pixels},
            {"max_pixels", c.max_pixels},
            {"size", {{"shortest_edge", c.min_pixels}, {"longest_edge", c.max_pixels}}},
            {"patch_size", c.patch_size},
            {"temporal_patch_size", c.temporal_patch_size},
            {"merge_size", c.merge_size},
            {"do_resize", true},
            {"resample", 3},
            {"do_rescale", c.do_rescale},
            {"rescale_factor", c.rescale_factor},
            {"do_normalize", c.do_normalize},
            {"image_mean", c.image_mean},
            {"image_std", c.image_std},
            {"do_convert_rgb", true}};
}

// The source's generation_config.json (unknown fields kept) with our fields written over it.
json generation_json(const ModelDir& source) {
    json j = json::object();
    const fs::path src = fs::path(source.path) / "generation_config.json";
    if (!source.path.empty() && fs::is_regular_file(src)) {
        j = parse_json_strict(read_file(src), src.string(), /*max_depth=*/16);
        if (!j.is_object()) j = json::object();
    }
    const GenerationConfig& g = source.generation;
    if (g.eos_token_ids.size() == 1)
        j["eos_token_id"] = g.eos_token_ids[0];
    else
        j["eos_token_id"] = g.eos_token_ids;
    if (g.pad_token_id >= 0) j["pad_token_id"] = g.pad_token_id;
    if (!j.contains("bos_token_id")) j["bos_token_id"] = source.config.bos_token_id;
    if (!j.contains("do_sample")) j["do_sample"] = g.temperature > 0;
    j["temperature"] = g.temperature;
    j["top_p"] = g.top_p;
    j["top_k"] = g.top_k;  // written even when 0: transformers' default would be 50
    j["repetition_penalty"] = g.repetition_penalty;
    return j;
}

void write_contents(const fs::path& dir, const VlmModel& model, const ModelDir& source,
                    const SaveModelOptions& options) {
    ModelConfig config = model->config();
    config.torch_dtype = dtype_name(options.dtype);
    write_file(dir / "config.json", config.to_json().dump(2) + "\n");
    write_file(dir / "generation_config.json", generation_json(source).dump(2) + "\n");

    NamedTensors tensors;
    for (const auto& [name, t] : model->state_dict())
        tensors.emplace_back(name, t.is_floating_point() ? t.to(options.dtype) : t);
    CheckpointWriteOptions write;
    write.max_shard_bytes = static_cast<uint64_t>(options.max_shard_bytes);
    save_checkpoint(dir.string(), tensors, write);
    tensors.clear();

    const fs::path from(source.path);
    bool tokenizer = false;
    for (const char* name : kCopiedFiles) {
        if (source.path.empty() || !fs::is_regular_file(from / name)) continue;
        write_file(dir / name, read_file(from / name));
        tokenizer |= std::string(name) == "tokenizer.json" || std::string(name) == "vocab.json";
    }
    if (!tokenizer)
        throw CheckpointError("save_model_dir: the source directory '" + source.path +
                              "' has no tokenizer.json or vocab.json to copy");
    // Copy the processor file when it describes the processor in use (keeps unknown fields);
    // otherwise (a preset, an override) write the processor in use.
    const fs::path proc = from / "preprocessor_config.json";
    const ImageProcessorConfig& ip = source.image_processor.config();
    std::string text;
    if (!source.path.empty() && fs::is_regular_file(proc)) {
        text = read_file(proc);
        try {
            if (!same_processor(parse_image_processor_config(text, proc.string()), ip))
                text.clear();
        } catch (const Error&) {
            text.clear();
        }
    }
    if (text.empty()) text = processor_json(ip, config.arch).dump(2) + "\n";
    write_file(dir / "preprocessor_config.json", text);
}

fs::path unique_dir(const fs::path& parent, const std::string& stem) {
    std::string templ = (parent / (stem + "-XXXXXX")).string();
    if (!mkdtemp(templ.data()))
        throw CheckpointError(parent.string() + ": cannot create a directory there");
    // mkdtemp makes it 0700; a model directory is as readable as any other (0755).
    using fs::perms;
    std::error_code ec;
    fs::permissions(templ,
                    perms::owner_all | perms::group_read | perms::group_exec | perms::others_read |
                        perms::others_exec,
                    ec);
    return templ;
}

}  // namespace

const std::vector<std::string>& model_side_files() {
    static const std::vector<std::string> files = [] {
        std::vector<std::string> f(std::begin(kCopiedFiles), std::end(kCopiedFiles));
        f.push_back("preprocessor_config.json");
        f.push_back("generation_config.json");
        return f;
    }();
    return files;
}

void save_model_dir(const std::string& out_dir, const VlmModel& model, const ModelDir& source,
                    const SaveModelOptions& options) {
    fs::path out = fs::absolute(fs::path(out_dir)).lexically_normal();
    if (!out.has_filename()) out = out.parent_path();  // "dir/" -> "dir"
    const fs::path parent = out.parent_path();
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) throw CheckpointError(parent.string() + ": cannot create directory: " + ec.message());
    if (fs::exists(out)) {
        if (!fs::is_directory(out))
            throw CheckpointError(out_dir + ": exists and is not a directory");
        if (!fs::is_empty(out) && !fs::exists(out / "config.json"))
            throw CheckpointError(out_dir +
                                  ": exists, is not empty and holds no config.json; refusing to "
                                  "replace it (choose another --out or remove it)");
    }
    const std::string stem = out.filename().string();
    const fs::path tmp = unique_dir(parent, stem + ".tmp");
    try {
        write_contents(tmp, model, source, options);
    } catch (...) {
        fs::remove_all(tmp, ec);
        throw;
    }
    fs::path old;
    if (fs::exists(out)) {
        old = unique_dir(parent, stem + ".old");  // empty: rename() may replace it
        fs::rename(out, old, ec);
        if (ec) {
            fs::remove_all(tmp, ec), fs::remove(old, ec);
            throw CheckpointError(out_dir + ": cannot move the old directory aside");
        }
    }
    fs::rename(tmp, out, ec);
    if (ec) {
        const std::string why = ec.message();
        if (!old.empty()) fs::rename(old, out, ec);
        fs::remove_all(tmp, ec);
        throw CheckpointError(out_dir +
                              ": cannot rename the finished directory into place: " + why);
    }
    if (!old.empty()) fs::remove_all(old, ec);
}

}  // namespace mmupt
