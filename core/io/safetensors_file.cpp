// SafetensorsFile: reads and validates the header with pread, then either maps the whole file
// (MAP_PRIVATE, so tensors aliasing it may be written without touching the file) or keeps the
// descriptor for pread. POSIX only; no torch.
#include "core/io/safetensors_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/util/errors.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors data is little-endian; big-endian hosts would need byte swapping"
#endif

namespace mmupt {

struct SafetensorsFile::Impl {
    std::string path;
    SafetensorsHeader header;
    int fd = -1;  // kept open in kStream mode only
    void* map = nullptr;
    size_t map_size = 0;
    ~Impl() {
        if (map) munmap(map, map_size);
        if (fd >= 0) close(fd);
    }
};

namespace {

std::string errno_text() { return std::strerror(errno); }

// Reads exactly n bytes at offset; a short read means the file changed under us.
void pread_exact(int fd, void* dst, uint64_t n, uint64_t offset, const std::string& what) {
    auto* out = static_cast<unsigned char*>(dst);
    while (n > 0) {
        size_t chunk = n > (1u << 30) ? (1u << 30) : static_cast<size_t>(n);
        ssize_t got = pread(fd, out, chunk, static_cast<off_t>(offset));
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) throw FormatError(what + ": read failed: " + errno_text());
        if (got == 0) throw FormatError(what + ": unexpected end of file (file truncated?)");
        out += got;
        offset += static_cast<uint64_t>(got);
        n -= static_cast<uint64_t>(got);
    }
}

}  // namespace

SafetensorsFile SafetensorsFile::open(const std::string& path, ReadMode mode) {
    auto impl = std::make_shared<Impl>();
    impl->path = path;
    impl->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (impl->fd < 0) throw FormatError(path + ": cannot open: " + errno_text());
    struct stat st {};
    if (fstat(impl->fd, &st) != 0) throw FormatError(path + ": cannot stat: " + errno_text());
    if (!S_ISREG(st.st_mode)) throw FormatError(path + ": not a regular file");
    const auto file_size = static_cast<uint64_t>(st.st_size);

    unsigned char prefix[8] = {};
    if (file_size >= 8) pread_exact(impl->fd, prefix, 8, 0, path);
    uint64_t n = parse_header_length(prefix, file_size, path);
    std::string text(static_cast<size_t>(n), '\0');
    pread_exact(impl->fd, text.data(), n, 8, path);
    impl->header = parse_header_json(text, file_size, path);

    if (mode == ReadMode::kMmap) {
        impl->map_size = static_cast<size_t>(file_size);
        void* m = mmap(nullptr, impl->map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, impl->fd, 0);
        if (m == MAP_FAILED) throw FormatError(path + ": mmap failed: " + errno_text());
        impl->map = m;
        close(impl->fd);
        impl->fd = -1;
    }
    SafetensorsFile f;
    f.impl_ = std::move(impl);
    return f;
}

const std::string& SafetensorsFile::path() const { return impl_->path; }
const SafetensorsHeader& SafetensorsFile::header() const { return impl_->header; }

std::vector<std::string> SafetensorsFile::names() const {
    std::vector<std::string> out;
    for (const auto& t : impl_->header.tensors) out.push_back(t.name);
    return out;
}

bool SafetensorsFile::contains(const std::string& name) const {
    return impl_->header.find(name) != nullptr;
}

const TensorRecord& SafetensorsFile::info(const std::string& name) const {
    const TensorRecord* r = impl_->header.find(name);
    if (!r) throw FormatError(impl_->path + ": no tensor named '" + name + "'");
    return *r;
}

const unsigned char* SafetensorsFile::mapped_data(const TensorRecord& r) const {
    if (!impl_->map) return nullptr;
    return static_cast<const unsigned char*>(impl_->map) + file_offset(r);
}

void SafetensorsFile::read_into(const TensorRecord& r, void* dst) const {
    if (r.nbytes() == 0) return;
    if (impl_->map) {
        std::memcpy(dst, mapped_data(r), static_cast<size_t>(r.nbytes()));
        return;
    }
    pread_exact(impl_->fd, dst, r.nbytes(), file_offset(r),
                impl_->path + ": tensor '" + r.name + "'");
}

std::shared_ptr<const void> SafetensorsFile::keep_alive() const { return impl_; }

void SafetensorsFile::release_pages(const TensorRecord& r, uint64_t begin, uint64_t end) const {
    if (!impl_->map || end <= begin) return;
    static const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
    const uint64_t from = (file_offset(r) + begin + page - 1) / page * page;         // round up
    const uint64_t to = (file_offset(r) + std::min(end, r.nbytes())) / page * page;  // down
    if (to <= from) return;
    // Advice only: a failure leaves the pages resident, which costs memory, not correctness.
    madvise(static_cast<unsigned char*>(impl_->map) + from, static_cast<size_t>(to - from),
            MADV_DONTNEED);
}

}  // namespace mmupt
