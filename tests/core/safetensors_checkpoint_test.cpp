// Checkpoints: sharded round trip and index contents, cleanup of an older layout, index-file
// attacks (paths, missing shard, tensor in two shards / wrong shard / unlisted), atomic writes
// under a failing disk (old file intact, no temp left), and `mmupt inspect` on good and bad input.
#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/io/safetensors_writer.h"
#include "core/util/errors.h"
#include "tests/core/test_paths.h"

namespace fs = std::filesystem;
using namespace mmupt;

namespace {

std::string read_all(const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

NamedTensors small_model() {
    NamedTensors t;
    for (int i = 0; i < 6; ++i)  // 6 x 64 floats = 6 x 256 bytes
        t.emplace_back("layers." + std::to_string(i) + ".weight",
                       at::arange(64, at::kFloat).add(i * 1000).reshape({8, 8}));
    t.emplace_back("norm.bias", at::zeros({3}, at::kBFloat16));
    return t;
}

void expect_error(const std::string& path, const std::vector<std::string>& needles) {
    try {
        load_checkpoint(path);
        ADD_FAILURE() << "no FormatError for " << path;
    } catch (const FormatError& e) {
        const std::string msg = e.what();
        for (const auto& n : needles)
            EXPECT_NE(msg.find(n), std::string::npos) << msg << "\n  lacks: " << n;
    }
}

// A two-shard checkpoint whose index the test then rewrites.
std::string sharded_dir(const std::string& tag) {
    std::string dir = test::temp_dir(tag);
    save_checkpoint(dir, small_model(), {/*max_shard_bytes=*/700});
    return dir;
}

void rewrite_index(const std::string& dir, const std::function<void(nlohmann::json&)>& edit) {
    const std::string p = dir + "/model.safetensors.index.json";
    auto j = nlohmann::json::parse(read_all(p));
    edit(j);
    std::ofstream(p) << j.dump();
}

}  // namespace

TEST(SafetensorsCheckpoint, ShardedRoundTripAndIndex) {
    const std::string dir = test::temp_dir("ck-shard");
    auto written = save_checkpoint(dir, small_model(), {/*max_shard_bytes=*/700});
    // 256-byte tensors, 700-byte budget: 2 per shard -> 3 shards (the last also holds the bf16).
    ASSERT_EQ(written.size(), 4u);
    EXPECT_EQ(fs::path(written[0]).filename(), "model-00001-of-00003.safetensors");
    EXPECT_EQ(fs::path(written[2]).filename(), "model-00003-of-00003.safetensors");
    auto index = nlohmann::json::parse(read_all(dir + "/model.safetensors.index.json"));
    EXPECT_EQ(index["metadata"]["total_size"].get<uint64_t>(), 6u * 256 + 6);
    EXPECT_EQ(index["weight_map"]["layers.2.weight"], "model-00002-of-00003.safetensors");
    EXPECT_EQ(index["weight_map"]["norm.bias"], "model-00003-of-00003.safetensors");
    EXPECT_EQ(index["weight_map"].size(), 7u);

    TensorMap loaded = load_checkpoint(dir);
    ASSERT_EQ(loaded.size(), 7u);
    for (const auto& [name, t] : small_model()) EXPECT_TRUE(at::equal(loaded.at(name), t)) << name;
    EXPECT_EQ(load_checkpoint(dir + "/model.safetensors.index.json").size(), 7u);
    auto ck = open_checkpoint(dir);
    EXPECT_EQ(ck.shards.size(), 3u);
    EXPECT_EQ(ck.index_metadata.at("total_size"), "1542");

    // Saving unsharded into the same directory replaces the older layout entirely.
    save_checkpoint(dir, small_model());
    EXPECT_FALSE(fs::exists(dir + "/model.safetensors.index.json"));
    EXPECT_FALSE(fs::exists(dir + "/model-00001-of-00003.safetensors"));
    EXPECT_EQ(load_checkpoint(dir).size(), 7u);
    EXPECT_EQ(open_checkpoint(dir).shards.size(), 1u);
}

TEST(SafetensorsCheckpoint, IndexAttacksAreRejected) {
    const std::string shard1 = "model-00001-of-00003.safetensors";
    for (std::string bad :
         {"../x.safetensors", "/etc/passwd", "sub/model.safetensors", "..", "a\\b.safetensors"}) {
        SCOPED_TRACE(bad);
        std::string dir = sharded_dir("ck-path");
        rewrite_index(dir, [&](nlohmann::json& j) { j["weight_map"]["norm.bias"] = bad; });
        expect_error(dir, {"model.safetensors.index.json", "tensor 'norm.bias'", bad});
    }
    {
        std::string dir = sharded_dir("ck-missing");
        fs::remove(dir + "/model-00002-of-00003.safetensors");
        expect_error(dir, {"shard 'model-00002-of-00003.safetensors'", "missing"});
    }
    {  // the same tensor stored in two shards
        std::string dir = sharded_dir("ck-two");
        NamedTensors extra = {{"layers.0.weight", at::zeros({8, 8})},
                              {"norm.bias", at::zeros({3}, at::kBFloat16)}};
        save_safetensors(dir + "/model-00003-of-00003.safetensors", extra);
        expect_error(dir, {"tensor 'layers.0.weight' is in two shards", shard1});
    }
    {  // mapped to a shard that does not hold it
        std::string dir = sharded_dir("ck-wrong");
        rewrite_index(dir, [&](nlohmann::json& j) { j["weight_map"]["norm.bias"] = shard1; });
        expect_error(dir, {"tensor 'norm.bias'", "weight_map maps it to '" + shard1 + "'"});
    }
    {  // listed in the index, in no shard
        std::string dir = sharded_dir("ck-ghost");
        rewrite_index(dir, [&](nlohmann::json& j) { j["weight_map"]["ghost"] = shard1; });
        expect_error(dir, {"tensor 'ghost'", "does not contain it"});
    }
    {  // in a shard, not in the index
        std::string dir = sharded_dir("ck-unlisted");
        rewrite_index(dir, [&](nlohmann::json& j) { j["weight_map"].erase("layers.1.weight"); });
        expect_error(dir, {"tensor 'layers.1.weight' is not listed"});
    }
    {  // duplicate key in weight_map, and a weight_map of the wrong type
        std::string dir = sharded_dir("ck-dup");
        std::ofstream(dir + "/model.safetensors.index.json")
            << R"({"weight_map":{"norm.bias":")" << shard1 << R"(","norm.bias":")" << shard1
            << "\"}}";
        expect_error(dir, {"duplicate JSON key 'norm.bias'"});
        std::ofstream(dir + "/model.safetensors.index.json") << R"({"weight_map":["x"]})";
        expect_error(dir, {"missing object 'weight_map'"});
    }
}

TEST(SafetensorsCheckpoint, FailedWriteKeepsOldFileAndRemovesTemp) {
    const std::string dir = test::temp_dir("ck-full");
    const std::string path = dir + "/model.safetensors";
    save_safetensors(path, NamedTensors{{"old", at::ones({4})}});
    const std::string before = read_all(path);
    // A child process with a 64 KiB file-size limit plays "disk full" (EFBIG on write).
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        std::signal(SIGXFSZ, SIG_IGN);
        rlimit lim{64 * 1024, 64 * 1024};
        setrlimit(RLIMIT_FSIZE, &lim);
        try {
            save_safetensors(path, NamedTensors{{"big", at::zeros({1 << 16})}});  // 256 KiB
        } catch (const CheckpointError& e) {
            std::string msg = e.what();
            _exit(msg.find(path) != std::string::npos &&
                          msg.find("write failed") != std::string::npos
                      ? 0
                      : 3);
        } catch (...) {
            _exit(4);
        }
        _exit(5);  // no error at all
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "3: message, 4: wrong exception type, 5: no error";
    EXPECT_EQ(read_all(path), before) << "old file changed";
    int entries = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
        ++entries;
        EXPECT_EQ(e.path().filename(), "model.safetensors") << "left behind: " << e.path();
    }
    EXPECT_EQ(entries, 1);
}

TEST(SafetensorsCheckpoint, InspectCommand) {
    const std::string dir = sharded_dir("ck-inspect");
    auto r = test::run_command(test::cli_path() + " inspect " + dir);
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("3 files"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("layers.5.weight  F32     [8, 8]"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("total: 7 tensors, 387 parameters, 1542 bytes"), std::string::npos)
        << r.out;

    auto j = test::run_command(test::cli_path() + " inspect --json " + dir);
    ASSERT_EQ(j.exit_code, 0);
    auto doc = nlohmann::json::parse(j.out);
    EXPECT_EQ(doc["total_parameters"], 387);
    EXPECT_EQ(doc["tensors"].size(), 7u);
    EXPECT_EQ(doc["tensors"][0]["name"], "layers.0.weight");
    EXPECT_EQ(doc["tensors"][6]["dtype"], "BF16");

    const std::string bad =
        test::source_dir() + "/tests/data/safetensors_malformed/overlap.safetensors";
    auto b = test::run_command("(" + test::cli_path() + " inspect " + bad + " 2>&1)");
    EXPECT_EQ(b.exit_code, 1);
    EXPECT_NE(b.out.find("tensor 'b'"), std::string::npos) << b.out;
    EXPECT_NE(b.out.find("overlaps"), std::string::npos) << b.out;
}
