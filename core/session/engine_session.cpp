// PLACEHOLDER until the training engine lands (issue #5): create_session() returns nullptr, and
// callers must say that the engine is not available in this build.
#include "core/session/session.h"

namespace mmupt {

std::unique_ptr<Session> create_session() { return nullptr; }

}  // namespace mmupt
