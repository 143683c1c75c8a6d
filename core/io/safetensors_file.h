// Opening safetensors files and model directories without torch: a validated header plus
// access to each tensor's bytes (memory-mapped, or streamed with pread), and checkpoint
// resolution (single file, directory, sharded index with its cross-checks).
// It deliberately makes no tensors: safetensors_torch.h turns these bytes into at::Tensor.
//
// Ownership: SafetensorsFile is a cheap-to-copy handle; copies share the open file / mapping,
// which lives until the last handle (or tensor made from it) is gone. All const methods are
// thread-safe. Mapped files must not be truncated while open (the OS would raise SIGBUS).
// Every failure (missing file, I/O error, malformed content) throws mmupt::FormatError
// naming the file and, where there is one, the tensor.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/io/safetensors_format.h"

namespace mmupt {

enum class ReadMode {
    kMmap,    // map the file once; tensors can alias the mapping without copying
    kStream,  // pread each tensor into caller memory (network file systems, huge files)
};

class SafetensorsFile {
  public:
    static SafetensorsFile open(const std::string& path, ReadMode mode = ReadMode::kMmap);

    const std::string& path() const;
    const SafetensorsHeader& header() const;
    std::vector<std::string> names() const;  // in buffer order
    bool contains(const std::string& name) const;
    const TensorRecord& info(const std::string& name) const;  // throws when absent
    const std::map<std::string, std::string>& metadata() const { return header().metadata; }

    // Start of the tensor's bytes inside the mapping; nullptr in kStream mode.
    const unsigned char* mapped_data(const TensorRecord& r) const;
    // Copies the tensor's r.nbytes() bytes to dst (either mode).
    void read_into(const TensorRecord& r, void* dst) const;
    // Absolute file offset of the tensor (alignment checks for zero-copy).
    uint64_t file_offset(const TensorRecord& r) const { return header().data_offset + r.begin; }
    // Keeps the file / mapping alive; hand it to deleters of tensors aliasing mapped_data().
    std::shared_ptr<const void> keep_alive() const;
    // Drops this process's resident pages of the tensor's bytes [begin, end) (madvise
    // MADV_DONTNEED, rounded inward to whole pages; the kernel's page cache keeps the file, so
    // a later read faults them back in unchanged). For loaders that have copied those bytes
    // out: resident memory then stays at one chunk instead of growing to the file size. Never
    // call it on bytes a tensor aliases and has written (the private copies would be lost).
    // No-op in kStream mode.
    void release_pages(const TensorRecord& r, uint64_t begin, uint64_t end) const;

  private:
    struct Impl;
    std::shared_ptr<const Impl> impl_;
};

// A model checkpoint: one file or the shards named by model.safetensors.index.json.
struct SafetensorsCheckpoint {
    std::string source;                                 // the path given to open_checkpoint
    std::string index_path;                             // empty for a single file
    std::vector<SafetensorsFile> shards;                // each referenced file once, in index order
    std::map<std::string, size_t> where;                // tensor name -> index into shards
    std::map<std::string, std::string> index_metadata;  // index "metadata", as JSON text values
};

// `path` is a .safetensors file, a .index.json file, or a directory holding
// model.safetensors.index.json (preferred) or model.safetensors. For an index it checks that
// shard names are plain basenames, every listed tensor is in its mapped shard, and no tensor
// is in two shards or missing from the index.
SafetensorsCheckpoint open_checkpoint(const std::string& path, ReadMode mode = ReadMode::kMmap);

// The index file parsed and its file names validated (no paths): tensor name -> shard file.
struct SafetensorsIndex {
    std::map<std::string, std::string> weight_map;
    std::vector<std::string> files;  // distinct shard names, in first-use order of weight_map
    std::map<std::string, std::string> metadata;  // values as JSON text ("4417971200")
};
SafetensorsIndex parse_safetensors_index(std::string_view json_text, const std::string& source);

}  // namespace mmupt
