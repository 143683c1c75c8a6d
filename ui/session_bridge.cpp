// SessionBridge: a mutex-guarded event buffer filled on the engine thread, drained on a timer.
#include "ui/session_bridge.h"

#include <mutex>
#include <optional>
#include <utility>

namespace mmupt::ui {

struct SessionBridge::Buffer {
    std::mutex mutex;
    bool alive = true;  // false once the bridge is gone: the observer then drops events
    std::vector<RunState> states;
    std::vector<StepMetrics> steps;
    std::vector<RolloutGroup> groups;
    std::vector<LogRecord> logs;
    std::vector<CheckpointInfo> checkpoints;
    std::vector<std::pair<std::string, double>> progress;
    std::optional<RunFinished> finished;
    int events = 0;
};

namespace {

// Each callback copies its argument into the buffer under the lock and returns.
class BufferingObserver : public SessionObserver {
  public:
    explicit BufferingObserver(std::shared_ptr<SessionBridge::Buffer> b) : m_b(std::move(b)) {}
    void on_state(RunState s) override {
        push([&](auto& b) { b.states.push_back(s); });
    }
    void on_step(const StepMetrics& m) override {
        push([&](auto& b) { b.steps.push_back(m); });
    }
    void on_groups(const std::vector<RolloutGroup>& g) override {
        push([&](auto& b) { b.groups.insert(b.groups.end(), g.begin(), g.end()); });
    }
    void on_log(const LogRecord& r) override {
        push([&](auto& b) { b.logs.push_back(r); });
    }
    void on_checkpoint(const CheckpointInfo& c) override {
        push([&](auto& b) { b.checkpoints.push_back(c); });
    }
    void on_progress(const std::string& task, double f) override {
        push([&](auto& b) { b.progress.emplace_back(task, f); });
    }
    void on_finished(const RunFinished& r) override {
        push([&](auto& b) { b.finished = r; });
    }

  private:
    template <typename F>
    void push(F&& f) noexcept {
        try {
            std::lock_guard<std::mutex> lock(m_b->mutex);
            if (!m_b->alive) return;
            f(*m_b);
            ++m_b->events;
        } catch (...) {  // bad_alloc: dropping one event beats crashing the engine thread
        }
    }
    std::shared_ptr<SessionBridge::Buffer> m_b;
};

}  // namespace

SessionBridge::SessionBridge(QObject* parent, int intervalMs)
    : QObject(parent),
      m_buffer(std::make_shared<Buffer>()),
      m_observer(std::make_shared<BufferingObserver>(m_buffer)) {
    m_timer.setInterval(intervalMs);
    m_timer.setTimerType(Qt::CoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, [this] { drainNow(); });
    m_timer.start();
}

SessionBridge::~SessionBridge() {
    std::lock_guard<std::mutex> lock(m_buffer->mutex);
    m_buffer->alive = false;
}

std::shared_ptr<SessionObserver> SessionBridge::observer() const { return m_observer; }

int SessionBridge::drainNow() {
    Buffer taken;
    {
        std::lock_guard<std::mutex> lock(m_buffer->mutex);
        if (m_buffer->events == 0) return 0;
        std::swap(taken.states, m_buffer->states);
        std::swap(taken.steps, m_buffer->steps);
        std::swap(taken.groups, m_buffer->groups);
        std::swap(taken.logs, m_buffer->logs);
        std::swap(taken.checkpoints, m_buffer->checkpoints);
        std::swap(taken.progress, m_buffer->progress);
        std::swap(taken.finished, m_buffer->finished);
        taken.events = std::exchange(m_buffer->events, 0);
    }
    // Emit outside the lock so slow slots never stall the engine thread.
    if (!taken.states.empty()) emit stateChanged(taken.states.back());
    if (!taken.steps.empty()) emit stepsReceived(taken.steps);
    if (!taken.groups.empty()) emit groupsReceived(taken.groups);
    if (!taken.logs.empty()) emit logsReceived(taken.logs);
    if (!taken.checkpoints.empty()) emit checkpointsSaved(taken.checkpoints);
    if (!taken.progress.empty()) {
        const auto& [task, fraction] = taken.progress.back();
        emit progressReported(QString::fromStdString(task), fraction);
    }
    if (taken.finished) emit runFinished(*taken.finished);
    m_delivered += taken.events;
    ++m_ticks;
    emit drained(taken.events);
    return taken.events;
}

}  // namespace mmupt::ui
