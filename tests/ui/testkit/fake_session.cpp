// FakeSession: one worker thread per command, scripted events.
#include "tests/ui/testkit/fake_session.h"

#include <algorithm>
#include <chrono>
#include <random>

#include "core/util/errors.h"
#include "tests/ui/testkit/synthetic_run.h"

namespace mmupt::testkit {

using namespace std::chrono_literals;

FakeSession::~FakeSession() {
    m_cancel = true;
    wait();
}

void FakeSession::set_observer(std::shared_ptr<SessionObserver> observer) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_observer = std::move(observer);
}

std::shared_ptr<SessionObserver> FakeSession::observer() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_observer ? m_observer : std::make_shared<SessionObserver>();
}

ConfigSource FakeSession::lastConfig() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_config;
}

std::string FakeSession::lastExportOut() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_exportOut;
}

std::string FakeSession::lastExportDtype() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_exportDtype;
}

ModelSummary FakeSession::inspect_model(const std::string& model_dir, const ConfigSource&) {
    if (inspectModelFails)
        throw ModelError(model_dir +
                         "/config.json: architecture 'LlamaForCausalLM' is not "
                         "supported (expected Qwen2VLForConditionalGeneration)");
    ModelSummary s;
    s.path = model_dir;
    s.architecture = "Qwen2VLForConditionalGeneration";
    s.model_type = "qwen2_vl";
    s.num_parameters = 2'200'000'000LL;
    s.dtype = "bfloat16";
    s.estimated_memory_gb = 31.5;
    return s;
}

ConfigSource FakeSession::lastInspected() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_inspected;
}

DatasetSummary FakeSession::inspect_dataset(const ConfigSource& config) {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_inspected = config;
    }
    DatasetSummary s;
    s.examples = 24;
    s.images_ok = 24;
    s.labelled = 24;
    return s;
}

void FakeSession::wait() {
    if (m_worker.joinable()) m_worker.join();
}

void FakeSession::setState(RunState s) {
    m_state = s;
    observer()->on_state(s);
}

void FakeSession::launch(const std::function<void()>& work) {
    RunState s = m_state.load();
    if (s == RunState::starting || s == RunState::running || s == RunState::paused ||
        s == RunState::stopping)
        throw Error("a run is already active: stop or cancel it first");
    wait();
    m_paused = m_stop = m_cancel = false;
    m_state = RunState::starting;
    m_worker = std::thread(work);
}

void FakeSession::start_training(const ConfigSource& config) {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_config = config;
    }
    launch([this] { runTraining(0); });
}

void FakeSession::resume_training(const std::string&, const ResumeOptions&) {
    launch([this] { runTraining(std::max(m_stepsRun.load(), m_script.resumeAtStep)); });
}

void FakeSession::runTraining(int firstStep) {
    auto obs = observer();
    setState(RunState::starting);
    if (m_script.failBeforeRunning) {
        obs->on_log({LogLevel::error, m_script.failMessage, 0.0});
        m_state = RunState::failed;
        obs->on_state(RunState::failed);
        obs->on_finished({RunState::failed, m_script.failMessage, 0, ""});
        return;
    }
    setState(RunState::running);
    std::mt19937 rng(1234u + static_cast<unsigned>(firstStep));
    const FakeScript s = m_script;
    int step = firstStep;
    RunFinished result;
    result.run_dir = "";
    for (; step < firstStep + s.steps; ++step) {
        while (m_paused && !m_cancel && !m_stop) {
            if (m_state != RunState::paused) setState(RunState::paused);
            std::this_thread::sleep_for(2ms);
        }
        if (m_state == RunState::paused) setState(RunState::running);
        if (m_cancel) {
            result.state = RunState::cancelled;
            break;
        }
        if (step == s.failAtStep) {
            result.state = RunState::failed;
            result.message = s.failMessage;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(s.stepIntervalMs));
        std::vector<RolloutGroup> groups;
        for (int k = 0; k < s.groupsPerStep; ++k)
            groups.push_back(syntheticGroup(step, s.steps, k, s.G, rng));
        obs->on_groups(groups);
        obs->on_step(syntheticStep(step, firstStep + s.steps, rng));
        for (int l = 0; l < s.logsPerStep; ++l)
            obs->on_log({LogLevel::info, "step " + std::to_string(step) + " done", 0.0});
        for (int l = 0; l < s.floodLogsPerStep; ++l)
            obs->on_log({LogLevel::debug, "flood " + std::to_string(l), 0.0});
        m_stepsRun = step + 1;
        bool stopNow = m_stop && !s.ignoreStop;
        if ((s.checkpointEvery > 0 && (step + 1) % s.checkpointEvery == 0) || stopNow)
            obs->on_checkpoint({step + 1,
                                "/tmp/fake-run/checkpoints/step-" + std::to_string(step + 1),
                                {{"reward/mean", 0.5}}});
        if (stopNow) {
            ++step;
            break;
        }
        if (s.ignoreStop && m_stop) --step;  // stuck: repeat forever until cancelled
    }
    result.last_step = step;
    m_state = result.state;
    obs->on_state(result.state);
    obs->on_finished(result);
}

void FakeSession::preview_votes(const ConfigSource& config, int num_images) {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_config = config;
    }
    launch([this, num_images] {
        auto obs = observer();
        setState(RunState::running);
        std::mt19937 rng(99);
        // Like the engine: image by image, progress after each, Cancel between images.
        obs->on_progress("preview", 0.0);
        int done = 0;
        for (; done < num_images && !m_cancel; ++done) {
            std::this_thread::sleep_for(std::chrono::milliseconds(m_script.previewImageMs));
            RolloutGroup g = syntheticGroup(0, 10, done, m_script.G, rng);
            if (done == m_script.previewTieAt) {  // a G/2 : G/2 split
                const int half = static_cast<int>(g.responses.size()) / 2;
                g.clusters = {{"4", {}}, {"5", {}}};
                for (int r = 0; r < static_cast<int>(g.responses.size()); ++r) {
                    g.responses[size_t(r)].answer = r < half ? "4" : "5";
                    g.responses[size_t(r)].cluster = r < half ? 0 : 1;
                    g.clusters[r < half ? 0 : 1].members.push_back(r);
                }
                g.majority_index = 0;
                g.majority_ratio = 0.5;
            }
            obs->on_groups({g});
            obs->on_progress("preview", double(done + 1) / num_images);
        }
        const RunState end = m_cancel ? RunState::cancelled : RunState::finished;
        m_state = end;
        obs->on_state(end);
        obs->on_finished({end, "", done, ""});
    });
}

void FakeSession::export_checkpoint(const std::string&, const std::string& out_dir, bool replace,
                                    const std::string& dtype) {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_exportOut = out_dir;
        m_exportDtype = dtype;
        m_exportReplace = replace;
    }
    launch([this] {
        auto obs = observer();
        setState(RunState::running);
        RunFinished r;
        for (int i = 1; i <= 10; ++i) {
            if (m_cancel) {
                r.state = RunState::cancelled;
                r.message = "export cancelled";
                break;
            }
            std::this_thread::sleep_for(5ms);
            obs->on_progress("export", i / 10.0);
        }
        m_state = r.state;
        obs->on_state(r.state);
        obs->on_finished(r);
    });
}

}  // namespace mmupt::testkit
