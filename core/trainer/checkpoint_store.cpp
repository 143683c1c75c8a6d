#include "core/trainer/checkpoint_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/session/run_files.h"
#include "core/util/errors.h"
#include "core/util/log.h"
#include "core/util/test_pause.h"

namespace mmupt {
namespace fs = std::filesystem;
namespace {

fs::path tmp_path(const fs::path& dir, int step) {
    return dir / (".tmp-step-" + std::to_string(step));
}
fs::path final_path(const fs::path& dir, int step) {
    return dir / ("step-" + std::to_string(step));
}

// fsync a file or directory so the rename that follows publishes durable data.
void sync_path(const fs::path& p) {
    int fd = ::open(p.c_str(), O_RDONLY);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

CheckpointStore::CheckpointStore(std::string run_dir, int keep_last)
    : run_dir_(std::move(run_dir)), keep_last_(keep_last) {}

std::string CheckpointStore::checkpoints_dir() const {
    return (fs::path(run_dir_) / run_files::kCheckpoints).string();
}

std::string CheckpointStore::begin(int step) {
    fs::path dir(checkpoints_dir());
    fs::path tmp = tmp_path(dir, step);
    std::error_code ec;
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp, ec);
    if (ec)
        throw CheckpointError("cannot create checkpoint directory '" + tmp.string() +
                              "': " + ec.message() + " (is the disk full or read-only?)");
    return tmp.string();
}

CheckpointInfo CheckpointStore::commit(int step, const nlohmann::json& trainer_state) {
    fs::path dir(checkpoints_dir());
    fs::path tmp = tmp_path(dir, step), dst = final_path(dir, step);
    std::error_code ec;
    try {
        {
            std::ofstream f(tmp / "trainer_state.json", std::ios::binary | std::ios::trunc);
            f << trainer_state.dump(2) << '\n';
            f.flush();
            if (!f)
                throw CheckpointError("cannot write '" + (tmp / "trainer_state.json").string() +
                                      "' (is the disk full?)");
        }
        for (const auto& e : fs::directory_iterator(tmp)) sync_path(e.path());
        sync_path(tmp);
        test_pause_point("checkpoint-tmp");  // complete in .tmp-step-N, not yet published
        fs::path old = dir / (".old-step-" + std::to_string(step));
        if (fs::exists(dst)) {
            fs::remove_all(old, ec);
            fs::rename(dst, old);
        }
        fs::rename(tmp, dst);
        sync_path(dir);
        fs::remove_all(old, ec);
        test_pause_point("checkpoint-renamed");  // published, older ones not yet pruned
    } catch (const fs::filesystem_error& e) {
        abort(step);
        throw CheckpointError(std::string("cannot publish checkpoint step-") +
                              std::to_string(step) + ": " + e.what());
    } catch (...) {
        abort(step);
        throw;
    }
    // Only checkpoints older than the one just published (the newest complete one) go, never
    // the kept (best) one; nothing else reads them: the tokenizer files live in RUN/model_files.
    if (keep_last_ > 0) {
        auto all = list_checkpoints(run_dir_);
        for (size_t i = 0; i + static_cast<size_t>(keep_last_) < all.size(); ++i) {
            if (all[i].step >= step || all[i].step == kept_step_) continue;
            fs::remove_all(all[i].path, ec);
            if (ec) log_warning("could not prune " + all[i].path + ": " + ec.message());
        }
    }
    test_pause_point("checkpoint-pruned");
    for (const auto& c : list_checkpoints(run_dir_))
        if (c.step == step) return c;
    throw CheckpointError("checkpoint step-" + std::to_string(step) + " vanished after commit");
}

void CheckpointStore::abort(int step) noexcept {
    std::error_code ec;
    fs::remove_all(tmp_path(fs::path(checkpoints_dir()), step), ec);
}

std::optional<CheckpointInfo> CheckpointStore::latest() const {
    auto all = list_checkpoints(run_dir_);
    if (all.empty()) return std::nullopt;
    return all.back();
}

int CheckpointStore::clean_incomplete() noexcept {
    int removed = 0;
    std::error_code ec;
    fs::path dir(checkpoints_dir());
    if (!fs::is_directory(dir, ec)) return 0;
    std::vector<fs::path> stale;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        std::string name = e.path().filename().string();
        if (name.rfind(".tmp-step-", 0) == 0 || name.rfind(".old-step-", 0) == 0)
            stale.push_back(e.path());
    }
    for (const auto& p : stale) {
        fs::remove_all(p, ec);
        if (!ec) ++removed;
    }
    return removed;
}

}  // namespace mmupt
