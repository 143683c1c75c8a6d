// samples.jsonl's optional "contradicts_reasoning" (one entry per response: true, false or null)
// survives a round trip, and lines without it (runs from before the collapse signals) read as
// "not checkable" for every response.
#include <gtest/gtest.h>

#include "core/session/run_files.h"

namespace mmupt {
namespace {

RolloutGroup twoResponses() {
    RolloutGroup g;
    g.step = 1;
    g.group_id = "train-1";
    for (const char* text : {"there are 8. \\boxed{9}", "\\boxed{8}"}) {
        SampledResponse r;
        r.text = text;
        g.responses.push_back(r);
    }
    return g;
}

TEST(ResponseContradictionField, RoundTrip) {
    RolloutGroup g = twoResponses();
    g.responses[0].contradicts_reasoning = true;  // response 1 stays not checkable
    const std::string line = to_json_line(g);
    EXPECT_NE(line.find("\"contradicts_reasoning\":[true,null]"), std::string::npos) << line;
    RolloutGroup b = rollout_group_from_json(line);
    ASSERT_EQ(b.responses.size(), 2u);
    EXPECT_EQ(b.responses[0].contradicts_reasoning, std::optional<bool>(true));
    EXPECT_FALSE(b.responses[1].contradicts_reasoning.has_value());
}

TEST(ResponseContradictionField, AbsentOnOldLines) {
    const std::string line = to_json_line(twoResponses());
    EXPECT_EQ(line.find("contradicts_reasoning"), std::string::npos) << line;
    RolloutGroup b = rollout_group_from_json(line);
    for (const auto& r : b.responses) EXPECT_FALSE(r.contradicts_reasoning.has_value());
}

}  // namespace
}  // namespace mmupt
