// Config comparison for resume (config_diff.h).
#include "core/config/config_diff.h"

#include <nlohmann/json.hpp>
#include <set>

#include "core/config/config_fields.h"

namespace mmupt {

bool alters_trajectory(const std::string& key) {
    // How long, how often saved / logged / validated, where and with how many threads: none
    // of these changes the samples, rewards or updates of a step (threads and device only
    // change rounding).
    static const std::set<std::string> safe = {"trainer.max_steps",
                                               "trainer.epochs",
                                               "trainer.save_every",
                                               "trainer.keep_last",
                                               "trainer.log_every",
                                               "trainer.val_every",
                                               "trainer.output_dir",
                                               "trainer.threads",
                                               "trainer.max_bad_steps",
                                               "data.val_files",
                                               "rollout.val_temperature",
                                               "model.device",
                                               "model.gradient_checkpointing",
                                               "trainer.dist_timeout_s"};
    // The collapse alarm reads the metrics; it changes when a run ends or rolls back (like
    // trainer.max_steps), never a step's samples, rewards or updates.
    // Which checkpoint is marked best (trainer.best_metric) is not the trajectory either.
    if (key == "trainer.best_metric") return false;
    return safe.count(key) == 0 && key.rfind("collapse.", 0) != 0;
}

std::vector<ConfigChange> diff_configs(const nlohmann::json& before, const nlohmann::json& after) {
    std::vector<ConfigChange> changes;
    if (!before.is_object() || !after.is_object()) return changes;
    for (const auto& f : config_detail::fields()) {
        const std::string& section = f.info.section;
        const std::string name = f.info.key.substr(section.size() + 1);
        auto b = before.find(section), a = after.find(section);
        if (b == before.end() || a == after.end() || !b->is_object() || !a->is_object()) continue;
        auto bv = b->find(name), av = a->find(name);
        if (bv == b->end() || av == a->end() || *bv == *av) continue;
        changes.push_back({f.info.key, bv->dump(), av->dump(), alters_trajectory(f.info.key)});
    }
    return changes;
}

std::string describe(const std::vector<ConfigChange>& changes) {
    std::string s;
    for (const auto& c : changes)
        s += (s.empty() ? "" : ", ") + c.key + ": " + c.before + " -> " + c.after;
    return s;
}

}  // namespace mmupt
