// GUI event-loop latency while a fake engine floods the bridge: a 10 ms QTimer probe on the GUI
// thread records how late each tick fires (p50 / p99 / max), first with no run, then during a
// flood of steps, groups and log lines into the full main window. Prints numbers; the target is
// p99 <= 50 ms. Run offscreen: QT_QPA_PLATFORM=offscreen ui_event_loop_latency_bench [seconds].
#include <QApplication>
#include <QElapsedTimer>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <vector>

#include "tests/ui/testkit/fake_session.h"
#include "ui/config_form.h"
#include "ui/main_window.h"
#include "ui/run_setup_panel.h"
#include "ui/run_store.h"
#include "ui/session_bridge.h"

namespace {

struct Lateness {
    double p50, p99, max;
    int samples;
};

// Runs the event loop for `ms`, probing every 10 ms.
Lateness probe(int ms) {
    std::vector<double> late;
    QElapsedTimer clock;
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    timer.setInterval(10);
    qint64 last = 0;
    QObject::connect(&timer, &QTimer::timeout, [&] {
        qint64 now = clock.nsecsElapsed();
        late.push_back(std::max(0.0, (now - last) / 1e6 - 10.0));
        last = now;
    });
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    clock.start();
    timer.start();
    loop.exec();
    std::sort(late.begin(), late.end());
    auto at = [&](double q) { return late.empty() ? 0.0 : late[size_t(q * (late.size() - 1))]; };
    return {at(0.5), at(0.99), late.empty() ? 0.0 : late.back(), int(late.size())};
}

void report(const char* what, const Lateness& l) {
    std::printf("%-34s p50 %6.2f ms   p99 %6.2f ms   max %7.2f ms   (%d probes)\n", what, l.p50,
                l.p99, l.max, l.samples);
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("mmupt-bench");
    QSettings().clear();
    int seconds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 6;

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

    report("idle window", probe(1000));
    window.setupPanel()->form()->setValue("model.path", "/models/fake");
    window.setupPanel()->form()->setValue("data.train_files", "[/data/fake.jsonl]");
    window.startTraining();
    QElapsedTimer clock;
    clock.start();
    Lateness flood = probe(seconds * 1000);
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
