// The setup form's free-memory source: MemAvailable parsed from /proc/meminfo text (kB = KiB),
// MemFree as the fallback of old kernels, and the CPU of this machine reports a positive amount.
#include <gtest/gtest.h>

#include "core/session/device_free_memory.h"

namespace mmupt {
namespace {

TEST(DeviceFreeMemory, ParsesMemAvailable) {
    const std::string text =
        "MemTotal:       24578432 kB\nMemFree:          812340 kB\n"
        "MemAvailable:   20123456 kB\nBuffers:          123456 kB\n";
    EXPECT_EQ(meminfo_available_bytes(text), 20123456LL * 1024);
    EXPECT_EQ(meminfo_available_bytes("MemTotal: 100 kB\nMemFree: 40 kB\n"), 40LL * 1024);
    EXPECT_EQ(meminfo_available_bytes("garbage\n"), 0);
}

TEST(DeviceFreeMemory, CpuIsKnownHere) {
    const DeviceFreeMemory m = device_free_memory("cpu");
    EXPECT_EQ(m.device, "cpu");
    EXPECT_GT(m.free_bytes, 0) << m.error;
    EXPECT_TRUE(m.error.empty());
}

TEST(DeviceFreeMemory, BadSpecIsAReasonNotAThrow) {
    const DeviceFreeMemory m = device_free_memory("tpu:3");
    EXPECT_EQ(m.free_bytes, 0);
    EXPECT_NE(m.error.find("model.device"), std::string::npos) << m.error;
}

}  // namespace
}  // namespace mmupt
