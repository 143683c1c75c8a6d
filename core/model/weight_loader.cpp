// Checked, chunked weight loading from memory-mapped safetensors shards (see weight_loader.h).
#include "core/model/weight_loader.h"

#include <ATen/core/grad_mode.h>  // at::NoGradGuard (not in ATen.h on libtorch 2.x)
#if defined(__GLIBC__)
#include <malloc.h>  // malloc_trim
#endif

#include <algorithm>
#include <sstream>

#include "core/io/safetensors_torch.h"
#include "core/util/errors.h"
#include "core/util/log.h"

namespace mmupt {
namespace {

const char* kEmbed = "model.language_model.embed_tokens.weight";
const char* kHead = "lm_head.weight";

std::string shape_str(at::IntArrayRef s) {
    std::ostringstream o;
    o << s;
    return o.str();
}

void throw_missing(const std::vector<std::string>& missing, bool untied) {
    std::string list;
    for (size_t i = 0; i < missing.size() && i < 8; ++i) list += "\n  " + missing[i];
    if (missing.size() > 8) list += "\n  ... (" + std::to_string(missing.size()) + " in all)";
    throw ModelError("checkpoint is missing " + std::to_string(missing.size()) +
                     " weight(s) the model needs:" + list +
                     (untied ? "\n(an untied model needs lm_head.weight; is tie_word_embeddings "
                               "right?)"
                             : ""));
}

// Elements per chunk for a tensor of this dtype.
int64_t chunk_elements(at::ScalarType t) {
    return std::max<int64_t>(1, kWeightChunkBytes / static_cast<int64_t>(c10::elementSize(t)));
}

// Warns when a tied model's checkpoint lm_head differs from the loaded embedding.
void compare_tied_head(const at::Tensor& head, const at::Tensor& embed,
                       const std::function<void(uint64_t, uint64_t)>& after_chunk) {
    if (head.sizes() != embed.sizes()) {
        log_warning(
            "checkpoint lm_head.weight has another shape than embed_tokens.weight but "
            "tie_word_embeddings is set; using embed_tokens.weight");
        return;
    }
    const at::Tensor h = head.reshape(-1), e = embed.reshape(-1);  // (numel) views
    const int64_t step = chunk_elements(head.scalar_type()), n = h.numel();
    const auto elem = static_cast<uint64_t>(head.element_size());
    bool same = true;
    for (int64_t i = 0; i < n && same; i += step) {
        const int64_t len = std::min(step, n - i);
        same = at::equal(h.narrow(0, i, len).to(at::kFloat),
                         e.narrow(0, i, len).to(h.device(), at::kFloat));
        if (after_chunk) after_chunk(i * elem, (i + len) * elem);
    }
    if (!same)
        log_warning(
            "checkpoint lm_head.weight differs from embed_tokens.weight but "
            "tie_word_embeddings is set; using embed_tokens.weight");
}

void check_finite_part(const at::Tensor& part, const std::string& name) {
    if (!at::isfinite(part).all().item<bool>())
        throw ModelError("weight " + name + " contains NaN or Inf values; the checkpoint " +
                         "is corrupt or was saved from a diverged run");
}

// The NaN / Inf check alone, chunk by chunk (bounded temporaries): for aliased parameters.
void check_finite_chunked(const at::Tensor& t, const std::string& name) {
    const at::Tensor flat = t.reshape(-1);  // (numel)
    const int64_t step = chunk_elements(t.scalar_type()), n = flat.numel();
    for (int64_t i = 0; i < n; i += step)
        check_finite_part(flat.narrow(0, i, std::min(step, n - i)), name);
}

// Hands freed heap pages back to the OS. Parameters under glibc's mmap threshold (32 MiB at
// most: q/k/v/o and every vision weight of a 3B model, ~1.9 GB) live in the heap, and freeing
// them when their storage is swapped for the mapping leaves the pages resident: without this
// a 3B bf16 load peaked at 1.27x the checkpoint's size, with it at 1.09x.
void return_freed_memory() {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

}  // namespace

std::map<std::string, WeightEntry> check_weight_entries(
    const std::map<std::string, at::Tensor>& params, const std::vector<WeightEntry>& entries,
    bool tied_head, const WeightLoadOptions& options) {
    std::map<std::string, WeightEntry> w;
    for (const WeightEntry& e : entries) {
        const std::string c = canonical_weight_name(e.source_name);
        auto [it, inserted] = w.emplace(c, e);
        if (!inserted)
            throw ModelError("checkpoint holds both \"" + it->second.source_name + "\" and \"" +
                             e.source_name + "\", which name the same weight " + c +
                             "; keep one prefix layout");
    }
    std::vector<std::string> missing, unexpected;
    for (const auto& [name, p] : params) {
        auto it = w.find(name);
        if (it == w.end()) {
            missing.push_back(name + " " + shape_str(p.sizes()));
            continue;
        }
        const WeightEntry& e = it->second;
        if (at::IntArrayRef(e.sizes) != p.sizes())
            throw ModelError("weight " + name + ": the model expects shape " +
                             shape_str(p.sizes()) + ", the checkpoint has " + shape_str(e.sizes) +
                             " (does config.json match the weights?)");
        if (!at::isFloatingType(e.dtype))
            throw ModelError("weight " + name + ": expected a floating-point tensor, got " +
                             std::string(c10::toString(e.dtype)));
    }
    if (!missing.empty()) throw_missing(missing, params.count(kHead) > 0);
    for (const auto& [name, e] : w)
        if (!params.count(name) && !(tied_head && name == kHead)) unexpected.push_back(name);
    if (!unexpected.empty()) {
        std::string msg = std::to_string(unexpected.size()) + " checkpoint weight(s) the model " +
                          "does not use, first: " + unexpected.front();
        if (!options.allow_unexpected) throw ModelError(msg + " (wrong architecture or config?)");
        log_warning(msg + "; ignored");
        for (const std::string& name : unexpected) w.erase(name);
    }
    return w;
}

void copy_weight_chunked(const at::Tensor& param, const at::Tensor& src, const std::string& name,
                         bool check_finite,
                         const std::function<void(uint64_t, uint64_t)>& after_chunk,
                         int64_t chunk_bytes) {
    TORCH_CHECK(param.is_contiguous() && src.is_contiguous() && param.numel() == src.numel(),
                "copy_weight_chunked: ", name, " needs contiguous tensors of equal size, got ",
                param.sizes(), " and ", src.sizes());
    at::NoGradGuard no_grad;
    at::Tensor dst = param.view(-1), from = src.view(-1);  // (numel) views
    const auto elem = static_cast<uint64_t>(src.element_size());
    const int64_t step = std::max<int64_t>(1, chunk_bytes / static_cast<int64_t>(elem));
    const int64_t n = from.numel();
    for (int64_t i = 0; i < n; i += step) {
        const int64_t len = std::min(step, n - i);
        at::Tensor part = from.narrow(0, i, len);
        if (check_finite) check_finite_part(part, name);
        dst.narrow(0, i, len).copy_(part);  // converts dtype / device in place, no full temp
        if (after_chunk) after_chunk(i * elem, (i + len) * elem);
    }
}

WeightLoadStats load_checkpoint_weights(const std::map<std::string, at::Tensor>& params,
                                        const SafetensorsCheckpoint& ck, bool tied_head,
                                        const WeightLoadOptions& options) {
    // Everything a header tells is checked before any byte is read.
    std::vector<WeightEntry> entries;
    for (const SafetensorsFile& shard : ck.shards)
        for (const TensorRecord& r : shard.header().tensors) {
            const auto st = to_scalar_type(r.dtype);
            WeightEntry e{r.name, {}, st ? *st : at::kFloat};
            if (!st)
                throw FormatError(shard.path() + ": tensor '" + r.name + "': dtype " +
                                  dtype_name(r.dtype) + " is not supported by this libtorch; " +
                                  "convert the checkpoint to BF16, F16 or F32");
            for (uint64_t d : r.shape) e.sizes.push_back(static_cast<int64_t>(d));
            entries.push_back(std::move(e));
        }
    const std::map<std::string, WeightEntry> w =
        check_weight_entries(params, entries, tied_head, options);
    std::map<std::string, std::string> canonical_of;  // checkpoint key -> canonical name
    for (const auto& [name, e] : w) canonical_of[e.source_name] = name;

    at::NoGradGuard no_grad;
    WeightLoadStats stats;
    constexpr int64_t kTrimEveryBytes = 256LL << 20;  // of replaced parameter storage
    int64_t freed = 0;
    const TensorRecord* head_record = nullptr;
    const SafetensorsFile* head_shard = nullptr;
    for (const SafetensorsFile& shard : ck.shards) {
        for (const TensorRecord& r : shard.header().tensors) {  // file order: sequential reads
            auto it = canonical_of.find(r.name);
            if (it == canonical_of.end()) continue;  // unexpected, allowed and warned about
            if (!params.count(it->second)) {         // a tied model's lm_head: compare at the end
                head_record = &r, head_shard = &shard;
                continue;
            }
            at::Tensor param = params.at(it->second);
            at::Tensor src = read_tensor(shard, r.name);  // (sizes) aliases the mapping if it can
            const bool mapped = src.numel() > 0 && src.data_ptr() == shard.mapped_data(r);
            ++stats.tensors;
            if (mapped && options.alias_mapped && param.device().is_cpu() &&
                param.scalar_type() == src.scalar_type()) {
                param.set_data(src);  // the parameter is now the file's bytes; old storage freed
                freed += static_cast<int64_t>(r.nbytes());
                if (freed >= kTrimEveryBytes) return_freed_memory(), freed = 0;
                if (options.check_finite) check_finite_chunked(src, it->second);
                stats.aliased_bytes += static_cast<int64_t>(r.nbytes());
                continue;
            }
            auto release = [&](uint64_t b, uint64_t e) {
                if (mapped) shard.release_pages(r, b, e);
            };
            copy_weight_chunked(param, src, it->second, options.check_finite, release);
            stats.copied_bytes += static_cast<int64_t>(r.nbytes());
        }
    }
    if (freed > 0) return_freed_memory();
    if (head_record && params.count(kEmbed)) {
        at::Tensor head = read_tensor(*head_shard, head_record->name);
        const bool mapped = head.data_ptr() == head_shard->mapped_data(*head_record);
        compare_tied_head(head, params.at(kEmbed), [&](uint64_t b, uint64_t e) {
            if (mapped) head_shard->release_pages(*head_record, b, e);
        });
    }
    return stats;
}

void load_weight_map(const std::map<std::string, at::Tensor>& params, const WeightMap& weights,
                     bool tied_head, const WeightLoadOptions& options) {
    std::vector<WeightEntry> entries;
    for (const auto& [name, t] : weights)
        entries.push_back({name, t.sizes().vec(), t.scalar_type()});
    const std::map<std::string, WeightEntry> w =
        check_weight_entries(params, entries, tied_head, options);
    // Every value is checked before any parameter changes (these tensors are in memory already).
    if (options.check_finite)
        for (const auto& [name, e] : w)
            if (params.count(name)) check_finite_chunked(weights.at(e.source_name), name);
    at::NoGradGuard no_grad;
    for (const auto& [name, e] : w) {
        const at::Tensor& src = weights.at(e.source_name);
        if (params.count(name))
            copy_weight_chunked(params.at(name), src.contiguous(), name, false);
        else if (params.count(kEmbed))  // a tied model's lm_head.weight
            compare_tied_head(src, params.at(kEmbed), {});
    }
}

}  // namespace mmupt
