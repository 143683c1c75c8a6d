#include "core/session/session_types.h"

namespace mmupt {

const char* run_state_name(RunState state) {
    switch (state) {
        case RunState::idle:
            return "idle";
        case RunState::starting:
            return "starting";
        case RunState::running:
            return "running";
        case RunState::paused:
            return "paused";
        case RunState::stopping:
            return "stopping";
        case RunState::finished:
            return "finished";
        case RunState::failed:
            return "failed";
        case RunState::cancelled:
            return "cancelled";
    }
    return "?";
}

}  // namespace mmupt
