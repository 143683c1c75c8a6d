// The slowly updated teacher of algorithm.vote_source = ema (Co-rewarding): an exponential
// moving average of the policy's trainable parameters, t <- decay * t + (1 - decay) * p after
// every applied optimizer update, starting equal to the policy. Under LoRA these are the adapters
// (the teacher is the base model with EMA adapters); under full fine-tuning every trained weight.
// The average is kept in fp32 whatever the model dtype: in bf16, (1 - decay) x a step's change is
// below half an ulp and the teacher would never move. The teacher is not a second model: its
// tensors are swapped into the policy's parameters for the teacher's rollout (TeacherWeights).
// Cost: 4 bytes per trainable parameter, plus, in a bf16 / fp16 model, a transient cast copy
// (2 bytes each) during the teacher's rollout. Threading: the trainer thread owns it.
#pragma once
#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mmupt {

inline constexpr const char* kTeacherEmaFile = "teacher_ema.safetensors";

class EmaTeacher {
  public:
    // `params`: the live trainable tensors by name (those the optimizer updates). decay in (0, 1).
    EmaTeacher(std::vector<std::pair<std::string, at::Tensor>> params, double decay);

    double decay() const { return decay_; }
    // t <- decay * t + (1 - decay) * p for every parameter, in place, without gradients.
    void update();
    // The average restarts equal to the live parameters.
    void reset();

    // Name -> fp32 average, on the parameters' device (checkpoints write them as safetensors).
    std::map<std::string, at::Tensor> state_tensors() const;
    // Restores state_tensors() read back from `source` (named in the CheckpointError thrown for a
    // missing, unexpected or mis-shaped tensor).
    void load_state(const std::map<std::string, at::Tensor>& state, const std::string& source);

  private:
    friend class TeacherWeights;
    std::vector<std::pair<std::string, at::Tensor>> params_;  // live, shared with the optimizer
    std::vector<at::Tensor> average_;                         // fp32, same order and shapes
    double decay_;
};

// While alive, the policy's trainable parameters hold the teacher's weights (cast to their
// dtype); the policy's own tensors come back untouched when it ends, even on an exception.
// Nothing may train or write the parameters meanwhile (sampling only).
class TeacherWeights {
  public:
    explicit TeacherWeights(EmaTeacher& teacher);
    ~TeacherWeights();
    TeacherWeights(const TeacherWeights&) = delete;
    TeacherWeights& operator=(const TeacherWeights&) = delete;

  private:
    void restore();
    EmaTeacher& teacher_;
    std::vector<at::Tensor> saved_;  // the policy's own data, in params_ order
};

}  // namespace mmupt
