// EMA teacher arithmetic and the weight swap (ema_teacher.h).
#include "core/trainer/ema_teacher.h"

#include <ATen/ATen.h>

#include <set>
#include <sstream>

#include "core/util/errors.h"

namespace mmupt {

EmaTeacher::EmaTeacher(std::vector<std::pair<std::string, at::Tensor>> params, double decay)
    : params_(std::move(params)), decay_(decay) {
    if (!(decay > 0.0 && decay < 1.0))
        throw ConfigError("algorithm.teacher_ema_decay = " + std::to_string(decay) +
                          ": must be in (0, 1) (0.99 = the teacher follows the policy over about "
                          "100 optimizer updates)");
    at::NoGradGuard no_grad;
    for (const auto& [name, p] : params_)
        average_.push_back(p.detach().to(at::kFloat, false, true));
}

void EmaTeacher::update() {
    at::NoGradGuard no_grad;
    for (size_t i = 0; i < params_.size(); ++i)
        average_[i].mul_(decay_).add_(params_[i].second.detach().to(at::kFloat), 1.0 - decay_);
}

void EmaTeacher::reset() {
    at::NoGradGuard no_grad;
    for (size_t i = 0; i < params_.size(); ++i) average_[i].copy_(params_[i].second.detach());
}

std::map<std::string, at::Tensor> EmaTeacher::state_tensors() const {
    std::map<std::string, at::Tensor> out;
    for (size_t i = 0; i < params_.size(); ++i) out[params_[i].first] = average_[i];
    return out;
}

void EmaTeacher::load_state(const std::map<std::string, at::Tensor>& state,
                            const std::string& source) {
    std::set<std::string> known;
    for (size_t i = 0; i < params_.size(); ++i) {
        const std::string& name = params_[i].first;
        known.insert(name);
        auto it = state.find(name);
        if (it == state.end())
            throw CheckpointError(source + ": the EMA teacher has no tensor '" + name +
                                  "' (written by a run with other trainable parameters?)");
        if (it->second.sizes() != average_[i].sizes()) {
            std::ostringstream s;
            s << source << ": EMA teacher tensor '" << name << "' is " << it->second.sizes()
              << ", the parameter is " << average_[i].sizes();
            throw CheckpointError(s.str());
        }
    }
    for (const auto& [name, t] : state)
        if (!known.count(name))
            throw CheckpointError(source + ": unexpected EMA teacher tensor '" + name +
                                  "' (written by a run with other trainable parameters?)");
    at::NoGradGuard no_grad;
    for (size_t i = 0; i < params_.size(); ++i) average_[i].copy_(state.at(params_[i].first));
}

TeacherWeights::TeacherWeights(EmaTeacher& teacher) : teacher_(teacher) {
    at::NoGradGuard no_grad;
    // set_data swaps the storage under each parameter (the optimizer's and the modules' handles
    // stay valid); fp32 parameters take the average itself, others a cast copy.
    for (size_t i = 0; i < teacher_.params_.size(); ++i) {
        at::Tensor& p = teacher_.params_[i].second;
        saved_.push_back(p.data());
        try {
            p.set_data(teacher_.average_[i].to(p.scalar_type()));
        } catch (...) {
            saved_.pop_back();
            restore();  // what was swapped so far
            throw;
        }
    }
}

TeacherWeights::~TeacherWeights() { restore(); }

void TeacherWeights::restore() {
    at::NoGradGuard no_grad;
    for (size_t i = saved_.size(); i-- > 0;) teacher_.params_[i].second.set_data(saved_[i]);
    saved_.clear();
}

}  // namespace mmupt
