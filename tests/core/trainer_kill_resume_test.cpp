// Resume after SIGKILL through the CLI: `mmupt train` is killed with -9 as soon as its step-2
// checkpoint is complete (it has usually written a step or two more, which the resume drops),
// `mmupt train --resume` continues, and steps 3..6 match an uninterrupted run exactly (wall-clock
// keys aside). Three CLI processes: about 30 s on the 2-core dev machine.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/core/trainer_resume_util.h"

namespace mmupt {
namespace {

using test::read_lines;
using test::resume_config;

TEST(TrainerResume, SigkilledCliRunResumesToTheSameMetrics) {
    const std::string tmp = test::temp_dir("trainer-kill");
    RunConfig c = resume_config(tmp + "/full");
    c.trainer.max_steps = 6;
    const std::string yaml = tmp + "/run.yaml";
    std::ofstream(yaml) << to_yaml(c);
    const std::string cli = test::cli_path();
    auto full = test::run_command(cli + " train " + yaml + " 2>&1");
    ASSERT_EQ(full.exit_code, 0) << full.out;

    // Same config into another directory; SIGKILL as soon as the step-2 checkpoint is complete.
    const std::string killed = tmp + "/killed";
    const std::string script =
        cli + " train " + yaml + " --set trainer.output_dir=" + killed + " >" + tmp +
        "/log 2>&1 & pid=$!; "
        "while [ ! -f " +
        killed +
        "/checkpoints/step-2/trainer_state.json ]; do "
        "kill -0 $pid 2>/dev/null || exit 3; sleep 0.05; done; kill -9 $pid; wait $pid; "
        "echo killed";
    auto k = test::run_command(script);
    ASSERT_NE(k.out.find("killed"), std::string::npos) << k.out;
    ASSERT_LT(read_lines(killed + "/metrics.jsonl").size(), 6u) << "the run finished first";

    auto resumed = test::run_command(cli + " train --resume " + killed + " 2>&1");
    ASSERT_EQ(resumed.exit_code, 0) << resumed.out;
    test::expect_same_metrics_after(c.trainer.output_dir, killed, 2, 6);
}

}  // namespace
}  // namespace mmupt
