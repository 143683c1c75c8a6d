// The drift of the policy's vote from the frozen reference's (reference_drift.h): zero when the
// policy keeps the reference's majority, the whole concentrated share when it settles on another
// answer, prompts without a reference majority left out, and equivalent spellings agreeing.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "core/reward/reference_drift.h"

namespace mmupt {
namespace {

AnswerList answers(std::initializer_list<const char*> xs) {
    AnswerList out;
    for (const char* x : xs) out.push_back(x ? std::optional<std::string>(x) : std::nullopt);
    return out;
}

TEST(ReferenceDrift, KeepingTheReferenceMajorityIsNoDrift) {
    // The policy sharpened onto the reference's "5": own share 6/8, agreeing share 6/8.
    const ReferenceDrift d =
        compute_reference_drift({answers({"5", "5", "5", "5", "5", "5", "4", "6"})},
                                {answers({"5", "5", "4", "6", "5", "3", "5", "4"})});
    EXPECT_EQ(d.prompts, 1);
    EXPECT_DOUBLE_EQ(d.drift, 0.0);
    EXPECT_DOUBLE_EQ(d.disagreement, 0.0);
}

TEST(ReferenceDrift, SettlingOnAnotherAnswerIsTheConcentratedShare) {
    // Prompt 1: the policy's "9" (7 of 8) against the reference's "5"; one policy sample still
    // says "5". Prompt 2: agreement. Drift = ((7/8 - 1/8) + 0) / 2.
    const ReferenceDrift d = compute_reference_drift(
        {answers({"9", "9", "9", "9", "9", "9", "9", "5"}), answers({"red", "red", "blue", "red"})},
        {answers({"5", "5", "9", "4"}), answers({"red", "blue", "red", "green"})});
    EXPECT_EQ(d.prompts, 2);
    EXPECT_DOUBLE_EQ(d.drift, (7.0 / 8 - 1.0 / 8) / 2);
    EXPECT_DOUBLE_EQ(d.disagreement, 0.5);
}

TEST(ReferenceDrift, PromptsWithoutAReferenceMajorityAreLeftOut) {
    // The reference answered nothing on prompt 1 (no label to drift from); the policy abstains
    // on prompt 2: no own majority, and none of its samples agrees: drift 0 - 0.
    const ReferenceDrift d =
        compute_reference_drift({answers({"9", "9"}), answers({nullptr, nullptr})},
                                {answers({nullptr, nullptr}), answers({"3", "3"})});
    EXPECT_EQ(d.prompts, 1);
    EXPECT_DOUBLE_EQ(d.drift, 0.0);
    EXPECT_TRUE(std::isnan(d.disagreement));  // no prompt where both have a majority
    const ReferenceDrift none =
        compute_reference_drift({answers({"1"})}, {answers({nullptr, nullptr})});
    EXPECT_EQ(none.prompts, 0);
    EXPECT_TRUE(std::isnan(none.drift));
}

TEST(ReferenceDrift, EquivalentAnswersAgreeAndSizesMustMatch) {
    const ReferenceDrift d =
        compute_reference_drift({answers({"0.5", "0.5", "1/2"})}, {answers({"1/2", "1/2"})});
    EXPECT_DOUBLE_EQ(d.drift, 0.0);
    EXPECT_DOUBLE_EQ(d.disagreement, 0.0);
    EXPECT_THROW(compute_reference_drift({answers({"1"})}, {}), std::invalid_argument);
}

}  // namespace
}  // namespace mmupt
