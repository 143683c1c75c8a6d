// GUI event-loop latency of the full main window: a 10 ms QTimer probe on the GUI thread records
// how late each tick fires (p50 / p99 / max), first with no run, then either during a fake
// engine's flood of steps, groups and log lines (the default), or during a real training run
// started the way the Start button starts it (`--engine tiny|small`: the model is made by the
// `mmupt` CLI, the engine trains on its worker thread with trainer.threads=1). Prints numbers;
// the target is p99 <= 50 ms. Not a ctest. Run offscreen:
//   QT_QPA_PLATFORM=offscreen ui_event_loop_latency_bench [seconds]
//   QT_QPA_PLATFORM=offscreen ui_event_loop_latency_bench --engine small --steps 3 \
//       [--set rollout.n=8 --set trainer.rollout_batch_size=16 ...]
#include <sys/resource.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <vector>

#include "core/session/session.h"
#include "core/util/blas_env.h"
#include "tests/ui/testkit/engine_setup.h"
#include "tests/ui/testkit/fake_session.h"
#include "ui/config_form.h"
#include "ui/main_window.h"
#include "ui/run_setup_panel.h"
#include "ui/run_store.h"
#include "ui/session_bridge.h"

namespace {

struct Lateness {
    double p50 = 0, p99 = 0, max = 0;
    int samples = 0;
    std::vector<std::pair<double, double>> worst;  // (seconds into the probe, ms late), worst first
};

// Runs `loop` until something quits it, probing every 10 ms.
Lateness probe(QEventLoop& loop) {
    std::vector<std::pair<double, double>> ticks;  // (seconds into the probe, ms late)
    QElapsedTimer clock;
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    timer.setInterval(10);
    qint64 last = 0;
    QObject::connect(&timer, &QTimer::timeout, [&] {
        qint64 now = clock.nsecsElapsed();
        ticks.emplace_back(now / 1e9, std::max(0.0, (now - last) / 1e6 - 10.0));
        last = now;
    });
    clock.start();
    timer.start();
    loop.exec();
    std::vector<double> late;
    for (const auto& t : ticks) late.push_back(t.second);
    std::sort(late.begin(), late.end());
    std::sort(ticks.begin(), ticks.end(), [](auto& a, auto& b) { return a.second > b.second; });
    ticks.resize(std::min<size_t>(ticks.size(), 5));
    auto at = [&](double q) { return late.empty() ? 0.0 : late[size_t(q * (late.size() - 1))]; };
    return {at(0.5), at(0.99), late.empty() ? 0.0 : late.back(), int(late.size()), ticks};
}

Lateness probeFor(int ms) {
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    return probe(loop);
}

void report(const char* what, const Lateness& l) {
    std::printf("%-34s p50 %6.2f ms   p99 %6.2f ms   max %7.2f ms   (%d probes)\n", what, l.p50,
                l.p99, l.max, l.samples);
}

double cpuSeconds(int who) {  // RUSAGE_SELF (the process) or RUSAGE_THREAD (this thread)
    rusage u{};
    getrusage(who, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// --compare DIR: run directories opened for comparison before the run starts (two runs open).
QStringList g_compare;

void openCompared(mmupt::ui::MainWindow& window) {
    for (const QString& dir : g_compare)
        if (!window.addCompareRun(dir))
            std::fprintf(stderr, "cannot compare %s\n", qPrintable(dir));
    if (!g_compare.isEmpty())
        std::printf("comparing with %d run(s): %s\n", int(g_compare.size()),
                    qPrintable(g_compare.join(", ")));
}

int runFlood(int seconds) {
    mmupt::testkit::FakeScript script;
    script.steps = 1000000;
    script.stepIntervalMs = 1;  // ~1,000 steps/s: far beyond any real engine
    script.groupsPerStep = 8;
    script.G = 10;
    script.logsPerStep = 1;
    script.floodLogsPerStep = 100;
    auto session = std::make_unique<mmupt::testkit::FakeSession>(script);
    auto* fake = session.get();
    mmupt::ui::MainWindow window(std::move(session));
    window.resize(1600, 1000);
    window.show();
    openCompared(window);

    report("idle window", probeFor(1000));
    window.setupPanel()->form()->setValue("model.path", "/models/fake");
    window.setupPanel()->form()->setValue("data.train_files", "[/data/fake.jsonl]");
    window.startTraining();
    QElapsedTimer clock;
    clock.start();
    Lateness flood = probeFor(seconds * 1000);
    double secs = clock.elapsed() / 1000.0;
    fake->cancel();
    fake->wait();
    report("during flood", flood);
    long long events = window.bridge()->eventsDelivered();
    std::printf(
        "flood: %d steps, %zu groups, %lld events in %.1f s (%.0f events/s), "
        "%lld bridge ticks (%.1f Hz)\n",
        fake->stepsRun(), window.store()->groups().size(), events, secs, events / secs,
        window.bridge()->ticksWithEvents(), window.bridge()->ticksWithEvents() / secs);
    std::printf("target p99 <= 50 ms: %s\n", flood.p99 <= 50.0 ? "met" : "NOT met");
    window.setConfirmHandler([](const QString&) { return true; });
    window.close();
    return 0;
}

struct EngineRun {
    QString preset;
    int steps = 3;
    QStringList sets;  // "key=value" edits after the tiny-run settings, in order
};

// The tiny-run settings, then `run.sets`; "" or what is wrong.
QString configureRun(mmupt::ui::ConfigForm* form, const mmupt::testkit::EngineSetup& setup,
                     const EngineRun& run, const QString& runDir) {
    mmupt::testkit::applyTinyRunSettings(form, setup.modelDir, setup.dataFile, runDir, run.steps);
    for (const QString& set : run.sets) {
        const QString error = form->setValue(set.section('=', 0, 0), set.section('=', 1));
        if (!error.isEmpty()) return QStringLiteral("--set %1: %2").arg(set, error);
    }
    const QStringList invalid = form->invalidFields(/*forTraining=*/true);
    return invalid.isEmpty() ? QString() : "invalid config:\n" + invalid.join('\n');
}

double meanStepSeconds(const std::vector<mmupt::StepMetrics>& steps) {
    double sum = 0;
    for (const auto& s : steps) {
        auto it = s.values.find("timing_s/step");
        if (it != s.values.end()) sum += it->second;
    }
    return steps.empty() ? 0.0 : sum / double(steps.size());
}

// A real run of `run.steps` steps from Start to the end of its final checkpoint, probed
// throughout (model load, steps, checkpoint), with when each step reached the window.
int runEngine(const EngineRun& run) {
    QTemporaryDir tmp;
    QElapsedTimer setupClock;
    setupClock.start();
    mmupt::testkit::EngineSetupOptions options;
    options.preset = run.preset;
    options.examples = 64;  // 4 steps of 16 prompts before the data repeats
    options.sftSteps = 0;   // a random model: it rarely boxes an answer, but the step does the work
    mmupt::testkit::EngineSetup setup =
        mmupt::testkit::makeEngineSetup(MMUPT_CLI_PATH, tmp.filePath("engine"), options);
    if (!setup.error.isEmpty()) {
        std::fprintf(stderr, "%s\n", qPrintable(setup.error));
        return 1;
    }
    std::printf("model: preset %s made by the CLI in %.1f s\n", qPrintable(run.preset),
                setupClock.elapsed() / 1000.0);

    mmupt::ui::MainWindow window(mmupt::create_session());
    window.resize(1600, 1000);
    window.show();
    openCompared(window);
    report("idle window", probeFor(1000));

    const QString error =
        configureRun(window.setupPanel()->form(), setup, run, tmp.filePath("run"));
    if (!error.isEmpty()) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 2;
    }
    QEventLoop loop;
    mmupt::RunFinished result;
    QObject::connect(&window, &mmupt::ui::MainWindow::runEnded, &loop,
                     [&](const mmupt::RunFinished& r) {
                         result = r;
                         loop.quit();
                     });
    QElapsedTimer clock;
    std::vector<double> arrivals;  // seconds after Start when each step reached the store
    QObject::connect(
        window.store(), &mmupt::ui::RunStore::stepsAppended, &loop,
        [&](int, int count) { arrivals.insert(arrivals.end(), count, clock.elapsed() / 1e3); });
    const double cpu0 = cpuSeconds(RUSAGE_SELF), gui0 = cpuSeconds(RUSAGE_THREAD);
    clock.start();
    window.startTraining();  // what the Start button does, on the GUI thread before the probe
    const double startCall = clock.nsecsElapsed() / 1e9;
    Lateness training = probe(loop);
    const double secs = clock.elapsed() / 1000.0;
    const double cpu = cpuSeconds(RUSAGE_SELF) - cpu0, gui = cpuSeconds(RUSAGE_THREAD) - gui0;
    report("during training", training);
    std::printf("startTraining() itself held the GUI thread %.2f ms\n", startCall * 1e3);

    std::printf("run: %s, %zu / %d steps in %.1f s wall; %.2f s/step (engine's timing_s/step)\n",
                result.state == mmupt::RunState::finished ? "finished" : "NOT finished",
                window.store()->steps().size(), run.steps, secs,
                meanStepSeconds(window.store()->steps()));
    if (result.state != mmupt::RunState::finished)
        std::printf("engine said: %s\n", result.message.c_str());
    std::printf("steps reached the window at (s after Start):");
    for (double t : arrivals) std::printf(" %.1f", t);
    std::printf("\nworst probes (s after Start, ms late):");
    for (const auto& [t, ms] : training.worst) std::printf(" %.2f s %.1f ms;", startCall + t, ms);
    std::printf("\nCPU: process %.1f s (%.2f cores), GUI thread %.2f s (%.1f%% of one core)\n", cpu,
                cpu / secs, gui, 100 * gui / secs);
    std::printf("target p99 <= 50 ms: %s\n", training.p99 <= 50.0 ? "met" : "NOT met");
    return result.state == mmupt::RunState::finished ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    mmupt::reexec_with_faster_blas(argv);      // as mmupt-studio does: the engine's BLAS kernels
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // lines as they come when piped to a file
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("mmupt-bench");
    QSettings().clear();

    QCommandLineParser parser;
    parser.setApplicationDescription("GUI event-loop latency of the studio's main window.");
    parser.addHelpOption();
    parser.addPositionalArgument("seconds", "length of the fake flood (default 6)", "[seconds]");
    parser.addOption(
        {"engine", "train the real engine on a model of PRESET (tiny, small)", "PRESET"});
    parser.addOption({"steps", "with --engine: training steps (default 3)", "N", "3"});
    parser.addOption({"set",
                      "with --engine: a config edit after the tiny-run settings (112 px images, "
                      "2 prompts x G=4, 8 new tokens, CPU float32, 1 thread); repeatable",
                      "KEY=VALUE"});
    parser.addOption({"compare",
                      "open run directory DIR for comparison first (repeatable): two runs open",
                      "DIR"});
    parser.process(app);
    g_compare = parser.values("compare");

    if (parser.isSet("engine")) {
        EngineRun run;
        run.preset = parser.value("engine");
        run.steps = std::max(1, parser.value("steps").toInt());
        run.sets = parser.values("set");
        return runEngine(run);
    }
    const QStringList args = parser.positionalArguments();
    return runFlood(args.isEmpty() ? 6 : std::max(1, args[0].toInt()));
}
