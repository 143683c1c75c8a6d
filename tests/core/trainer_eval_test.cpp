// Evaluation and question synthesis on the SFT'd tiny model: per-item results agree with the
// summary, the label-free vote statistics are consistent, synthesized questions load as
// training data, and the response cleaner.
#include <gtest/gtest.h>

#include <fstream>

#include "core/data/dataset.h"
#include "core/grading/grader.h"
#include "core/trainer/evaluate.h"
#include "core/trainer/synthesize.h"
#include "core/util/errors.h"
#include "tests/core/trainer_test_util.h"

namespace mmupt {
namespace {

TEST(TrainerEval, SummaryAgreesWithItems) {
    RunConfig c = test::tiny_run_config("", 1);
    TrainingModel m = load_training_model(c, test::sft_model());
    Dataset data = load_dataset(c.data.train_files, c.data);
    EvalOptions o;
    o.num_samples = 4;
    o.temperature = 1.0;
    o.max_new_tokens = 6;
    o.max_items = 10;
    o.batch_size = 4;
    EvalResult r = evaluate(m.policy, m.dir, data.examples, c.data, o);
    ASSERT_EQ(r.items, 10);
    ASSERT_EQ(r.per_item.size(), 10u);
    EXPECT_EQ(r.labelled, 10);
    double greedy = 0, maj = 0, pass = 0, sampled = 0;
    for (const auto& item : r.per_item) {
        ASSERT_EQ(item.sampled_answers.size(), 4u);
        if (item.greedy_correct) {
            EXPECT_TRUE(answers_equivalent(*item.greedy_answer, *item.label));
        }
        if (item.majority_correct) {
            EXPECT_TRUE(answers_equivalent(*item.majority_answer, *item.label));
        }
        greedy += item.greedy_correct;
        maj += item.majority_correct;
        pass += item.sampled_correct > 0;
        sampled += item.sampled_correct / 4.0;
    }
    EXPECT_DOUBLE_EQ(r.greedy_accuracy, greedy / 10);
    EXPECT_DOUBLE_EQ(r.majority_accuracy, maj / 10);
    EXPECT_DOUBLE_EQ(r.pass_at_g, pass / 10);
    EXPECT_DOUBLE_EQ(r.sampled_accuracy, sampled / 10);
    EXPECT_LT(r.no_answer_rate, 0.5);  // SFT taught the \boxed{} format
    EXPECT_GT(r.mean_majority_ratio, 0.25);
    EXPECT_GT(r.generated_tokens, 0);
}

TEST(TrainerSynthesize, QuestionsLoadAsTrainingData) {
    RunConfig c = test::tiny_run_config("", 1);
    TrainingModel m = load_training_model(c, test::sft_model());
    Dataset data = load_dataset(c.data.train_files, c.data);
    data.examples.resize(4);
    SynthesisOptions o;
    o.mode = SynthesisMode::in_context;
    o.per_source = 3;
    o.max_new_tokens = 8;
    auto questions = synthesize_questions(m.policy, m.dir, data.examples, c.data, o);
    EXPECT_LE(questions.size(), 12u);
    ASSERT_FALSE(questions.empty());  // the SFT model stops after a short answer
    const std::string path = test::temp_dir("synth") + "/q.jsonl";
    std::ofstream(path) << to_jsonl(questions);
    Dataset loaded = load_dataset({path}, c.data);
    EXPECT_EQ(loaded.examples.size(), questions.size());
    EXPECT_FALSE(loaded.examples[0].answer.has_value());  // synthetic questions have no label
    EXPECT_EQ(loaded.examples[0].image_paths.size(), 1u);
}

TEST(TrainerSynthesize, InstructionsAndCleaning) {
    Example ex;
    ex.question = "How many red shapes?";
    ex.answer = "3";
    EXPECT_EQ(synthesis_instruction(ex, SynthesisMode::direct).find("red"), std::string::npos);
    std::string in_context = synthesis_instruction(ex, SynthesisMode::in_context);
    EXPECT_NE(in_context.find("How many red shapes?"), std::string::npos);
    EXPECT_NE(in_context.find("3"), std::string::npos);
    EXPECT_EQ(clean_synthesized_question("  Question: How many circles are blue?\n\nAnswer: 2"),
              "How many circles are blue?");
    EXPECT_EQ(clean_synthesized_question("\"New question: Which colour is most common?\""),
              "Which colour is most common?");
    EXPECT_EQ(clean_synthesized_question(" \n "), "");
    EXPECT_THROW(parse_synthesis_mode("sideways"), ConfigError);
    EXPECT_EQ(parse_synthesis_mode("in-context"), SynthesisMode::in_context);
}

}  // namespace
}  // namespace mmupt
