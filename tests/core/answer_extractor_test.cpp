// extract_answer: box formats, opt-in fallbacks, multiple-choice mapping and hostile inputs.
#include "core/answer/answer_extractor.h"

#include <gtest/gtest.h>

#include <string>

#include "core/answer/answer_format.h"
#include "core/answer/multiple_choice.h"

using mmupt::extract_answer;
using mmupt::ExtractOptions;

TEST(AnswerExtractor, LastBoxWins) {
    EXPECT_EQ(extract_answer("first \\boxed{1} then \\boxed{2}."), "2");
    EXPECT_EQ(extract_answer("\\fbox{7}"), "7");
    EXPECT_EQ(extract_answer("\\boxed{1} and \\fbox{9}"), "9");
}

TEST(AnswerExtractor, NestedBracesAndSpaceBeforeBrace) {
    EXPECT_EQ(extract_answer("so \\boxed{\\frac{1}{2}}"), "\\frac{1}{2}");
    EXPECT_EQ(extract_answer("\\boxed {x+1}"), "x+1");
    EXPECT_EQ(extract_answer("\\boxed{\\{1,2\\}}"), "\\{1,2\\}");  // escaped braces don't count
    EXPECT_EQ(extract_answer("\\boxed{\\boxed{5}}"), "5");
}

TEST(AnswerExtractor, UnbalancedOrEmptyBoxIsNoAnswer) {
    EXPECT_EQ(extract_answer("\\boxed{1} then \\boxed{2"), std::nullopt);
    EXPECT_EQ(extract_answer("\\boxed{}"), std::nullopt);
    EXPECT_EQ(extract_answer("\\boxed{   }"), std::nullopt);
    EXPECT_EQ(extract_answer("no box here, the answer is 4"), std::nullopt);  // fallbacks off
    EXPECT_EQ(extract_answer("\\boxedx{3}"), std::nullopt);                   // another command
}

TEST(AnswerExtractor, AnswerPhraseFallbackIsOptIn) {
    ExtractOptions o;
    o.answer_phrase_fallback = true;
    EXPECT_EQ(extract_answer("So the answer is $3.5$. Done", o), "3.5");
    EXPECT_EQ(extract_answer("Answer: **12**\nmore", o), "12");
    EXPECT_EQ(extract_answer("\\boxed{9}, though the answer is 8", o), "9");  // box first
    EXPECT_EQ(extract_answer("nothing to see", o), std::nullopt);
}

TEST(AnswerExtractor, LastNumberFallbackIsOptIn) {
    ExtractOptions o;
    o.last_number_fallback = true;
    EXPECT_EQ(extract_answer("we get 3 apples and then 1,250.5 pears", o), "1,250.5");
    EXPECT_EQ(extract_answer("it is -4.", o), "-4");
    EXPECT_EQ(extract_answer("code AZYUK2A", o), std::nullopt);  // glued to letters
}

TEST(MultipleChoice, ParsesOptionStyles) {
    for (const char* q : {"Pick one. A. 3 B. 5 C. 7", "Pick one.\n(A) 3\n(B) 5\n(C) 7",
                          "Pick one. A) 3 B) 5 C) 7", "Pick one.\nA: 3\nB: 5\nC: 7"}) {
        auto opts = mmupt::parse_choice_options(q);
        ASSERT_EQ(opts.size(), 3u) << q;
        EXPECT_EQ(opts[1].letter, 'B');
        EXPECT_EQ(opts[1].text, "5") << q;
    }
    EXPECT_TRUE(mmupt::parse_choice_options("What is 2+2?").empty());
}

TEST(MultipleChoice, MapsAnswersToLetters) {
    ExtractOptions o;
    o.question = "Which is prime? (A) 4 (B) 5 (C) 6";
    for (const char* r : {"\\boxed{B}", "\\boxed{(B)}", "\\boxed{B.}", "\\boxed{\\text{B}}",
                          "\\boxed{option B}", "\\boxed{5}", "\\boxed{b}", "\\boxed{B. 5}"})
        EXPECT_EQ(extract_answer(r, o), "B") << r;
    EXPECT_EQ(extract_answer("\\boxed{F}", o), "F");  // not an option: left as is
    EXPECT_EQ(extract_answer("\\boxed{7}", o), "7");
}

TEST(MultipleChoice, FindsLetterInProse) {
    EXPECT_EQ(mmupt::find_choice_letter("I think the correct answer is C"), 'C');
    EXPECT_EQ(mmupt::find_choice_letter("The answer is for sure D, it can't be A or B"), 'D');
    EXPECT_EQ(mmupt::find_choice_letter("D. it can't be A or B"), 'D');
    EXPECT_EQ(mmupt::find_choice_letter("not A, therefore B"), 'B');
    EXPECT_EQ(mmupt::find_choice_letter("no letters here"), std::nullopt);
}

TEST(AnswerExtractor, HostileInputsAreSafeAndLinear) {
    std::string big(1 << 20, 'x');
    big += "\\boxed{42}";
    EXPECT_EQ(extract_answer(big), "42");
    std::string deep;
    for (int i = 0; i < 200000; ++i) deep += "\\boxed{";
    EXPECT_EQ(extract_answer(deep), std::nullopt);  // never closes
    std::string nested = deep;
    nested += "1";
    nested += std::string(200000, '}');
    EXPECT_NO_THROW(extract_answer(nested));
    std::string bad = "\xff\xfe\\boxed{\xc3\x28}\x80";
    EXPECT_EQ(extract_answer(bad), "\xc3\x28");
    ExtractOptions all;
    all.answer_phrase_fallback = all.last_number_fallback = true;
    all.question = std::string(1 << 20, 'A');
    EXPECT_NO_THROW(extract_answer(std::string(1 << 20, '9'), all));
}

TEST(AnswerFormats, RegistryListsEachFormatOnce) {
    const auto& formats = mmupt::answer_formats();
    ASSERT_EQ(formats.size(), 3u);
    EXPECT_STREQ(formats[0].name, "boxed");
}
