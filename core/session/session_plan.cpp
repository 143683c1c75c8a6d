// plan_training_memory: the memory planner behind the Session facade (plain structs out).
#include "core/config/config_io.h"
#include "core/session/session.h"

namespace mmupt {

MemoryPlan plan_training_memory(const std::string& model_dir, const ConfigSource& config,
                                int64_t device_memory) {
    const RunConfig run = load_config(config.yaml_path, config.overrides, /*for_training=*/false);
    MemoryPlanOptions o;
    o.device_memory = device_memory;
    o.cuda = run.model.device.rfind("cuda", 0) == 0;
    return plan_memory(ModelConfig::from_file(model_dir + "/config.json"), run, o);
}

}  // namespace mmupt
