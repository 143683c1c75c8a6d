// SessionBridge: events from another thread arrive intact, in order, and coalesced (1,000
// events become a handful of signals); an observer outliving the bridge drops events safely.
#include <QSignalSpy>
#include <QtTest>
#include <thread>

#include "ui/session_bridge.h"

using namespace mmupt;

class SessionBridgeTest : public QObject {
    Q_OBJECT
  private slots:
    void coalescesAThousandEvents() {
        ui::SessionBridge bridge(nullptr, 33);
        QSignalSpy steps(&bridge, &ui::SessionBridge::stepsReceived);
        QSignalSpy logs(&bridge, &ui::SessionBridge::logsReceived);
        QSignalSpy states(&bridge, &ui::SessionBridge::stateChanged);
        auto observer = bridge.observer();
        std::thread producer([observer] {
            observer->on_state(RunState::running);
            for (int i = 0; i < 500; ++i) {
                StepMetrics m;
                m.step = i;
                m.values["reward/mean"] = i * 0.001;
                observer->on_step(m);
                observer->on_log({LogLevel::info, "step " + std::to_string(i), 0.0});
            }
        });
        producer.join();
        QTRY_COMPARE_WITH_TIMEOUT(bridge.eventsDelivered(), 1001LL, 2000);
        // Everything was buffered before the first tick: one signal of each kind.
        QCOMPARE(steps.count(), 1);
        QCOMPARE(logs.count(), 1);
        QCOMPARE(states.count(), 1);
        auto delivered = steps.at(0).at(0).value<std::vector<StepMetrics>>();
        QCOMPARE(int(delivered.size()), 500);
        for (int i = 0; i < 500; ++i) QCOMPARE(delivered[size_t(i)].step, i);
        QCOMPARE(int(logs.at(0).at(0).value<std::vector<LogRecord>>().size()), 500);
    }

    void concurrentProducerGivesFewSignals() {
        ui::SessionBridge bridge(nullptr, 33);
        QSignalSpy steps(&bridge, &ui::SessionBridge::stepsReceived);
        auto observer = bridge.observer();
        std::atomic<bool> done{false};
        std::thread producer([&] {
            for (int i = 0; i < 1000; ++i) {
                StepMetrics m;
                m.step = i;
                observer->on_step(m);
                if (i % 100 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done.load(), 5000);
        producer.join();
        QTRY_COMPARE_WITH_TIMEOUT(bridge.eventsDelivered(), 1000LL, 2000);
        // ~100 ms of production at 30 Hz: a few ticks, never one signal per event.
        QVERIFY2(steps.count() <= 20, qPrintable(QString::number(steps.count())));
        int total = 0, last = -1;
        for (const auto& args : steps) {
            for (const auto& m : args.at(0).value<std::vector<StepMetrics>>()) {
                QCOMPARE(m.step, last + 1);  // order kept across ticks
                last = m.step;
                ++total;
            }
        }
        QCOMPARE(total, 1000);
    }

    void finishedAndProgressArrive() {
        ui::SessionBridge bridge(nullptr, 10);
        QSignalSpy finished(&bridge, &ui::SessionBridge::runFinished);
        QSignalSpy progress(&bridge, &ui::SessionBridge::progressReported);
        auto observer = bridge.observer();
        observer->on_progress("export", 0.25);
        observer->on_progress("export", 0.75);
        observer->on_finished({RunState::failed, "boom", 3, "/tmp/run"});
        QCOMPARE(bridge.drainNow(), 3);
        QCOMPARE(progress.count(), 1);
        QCOMPARE(progress.at(0).at(1).toDouble(), 0.75);  // latest value per tick
        QCOMPARE(finished.count(), 1);
        auto r = finished.at(0).at(0).value<RunFinished>();
        QCOMPARE(r.state, RunState::failed);
        QCOMPARE(QString::fromStdString(r.message), QString("boom"));
        QCOMPARE(bridge.drainNow(), 0);
    }

    void observerOutlivesBridge() {
        std::shared_ptr<SessionObserver> observer;
        {
            ui::SessionBridge bridge;
            observer = bridge.observer();
        }
        observer->on_step(StepMetrics{});  // must not crash or leak into anything
        observer->on_log({LogLevel::info, "late", 0.0});
        QVERIFY(observer.use_count() == 1);
    }
};

QTEST_MAIN(SessionBridgeTest)
#include "session_bridge_test.moc"
