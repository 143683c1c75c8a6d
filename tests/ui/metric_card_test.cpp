// Metric cards: zooming with Ctrl+wheel switches "follow latest" off and later data keeps the
// user's view; double-click / Follow turns it back on; min/max decimation keeps a spike;
// debiased EMA starts at the first value; PNG and CSV export write files.
#include <qcustomplot.h>
#include <QFile>
#include <QTemporaryDir>
#include <QWheelEvent>
#include <QtTest>
#include <cmath>

#include "ui/metric_card.h"
#include "ui/plot_math.h"

using namespace mmupt::ui;

class MetricCardTest : public QObject {
    Q_OBJECT
  private slots:
    void zoomDisablesFollowLatest() {
        MetricCard card("Reward", {"reward/mean"});
        card.resize(500, 300);
        card.show();
        QVERIFY(QTest::qWaitForWindowExposed(&card));
        for (int i = 0; i < 100; ++i) card.appendPoint(i, i * 2.0, std::sin(i * 0.1));
        card.refresh();
        QVERIFY(card.followLatest());
        QCOMPARE(card.plot()->xAxis->range().upper, 99.0);

        QSignalSpy spy(&card, &MetricCard::followLatestChanged);
        QCustomPlot* plot = card.plot();
        QPointF center = plot->axisRect()->rect().center();
        QWheelEvent wheel(center, plot->mapToGlobal(center.toPoint()), QPoint(), QPoint(0, 120),
                          Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(plot, &wheel);
        QVERIFY(!card.followLatest());
        QCOMPARE(spy.count(), 1);
        QCPRange zoomed = plot->xAxis->range();
        QVERIFY(zoomed.size() < 99.0);

        for (int i = 100; i < 150; ++i) card.appendPoint(i, i * 2.0, 1.0);
        card.refresh();
        QCOMPARE(plot->xAxis->range().lower, zoomed.lower);  // the user's view is kept
        QCOMPARE(plot->xAxis->range().upper, zoomed.upper);
        QCOMPARE(card.seriesSize(), 150);

        card.setFollowLatest(true);
        QCOMPARE(plot->xAxis->range().upper, 149.0);
    }

    void flatSeriesGetsARangeAroundItsValue() {
        MetricCard card("Learning rate", {"actor/lr"});
        for (int i = 0; i < 20; ++i) card.appendPoint(i, i, 5e-5);  // a constant lr
        card.refresh();
        const QCPRange y = card.plot()->yAxis->range();
        QVERIFY(y.contains(5e-5));
        QVERIFY2(y.size() > 1e-6, qPrintable(QString::number(y.size())));  // not +-1e-9
        MetricCard zero("Skipped", {"actor/skipped_updates"});
        for (int i = 0; i < 5; ++i) zero.appendPoint(i, i, 0.0);
        zero.refresh();
        QVERIFY(zero.plot()->yAxis->range().contains(0.0));
        QVERIFY(zero.plot()->yAxis->range().size() >= 1.0);
    }

    void decimationKeepsSpikes() {
        std::vector<double> x, y;
        for (int i = 0; i < 100000; ++i) {
            x.push_back(i);
            y.push_back(i == 54321 ? 50.0 : (i == 777 ? -20.0 : 0.1 * std::sin(i)));
        }
        Decimated d = minMaxDecimate(x, y, 0, 99999, 200);
        QVERIFY(d.x.size() <= 402);
        QVERIFY(d.x.size() >= 200);
        QCOMPARE(*std::max_element(d.y.begin(), d.y.end()), 50.0);
        QCOMPARE(*std::min_element(d.y.begin(), d.y.end()), -20.0);
        QVERIFY(std::is_sorted(d.x.begin(), d.x.end()));
        // A visible window that fits is returned as is (plus one neighbour each side).
        Decimated w = minMaxDecimate(x, y, 100, 199, 200);
        QCOMPARE(int(w.x.size()), 102);
        QCOMPARE(w.x.front(), 99.0);
    }

    void cardPlotsDecimatedPoints() {
        MetricCard card("Loss", {"actor/pg_loss"});
        card.resize(400, 250);
        card.show();
        QVERIFY(QTest::qWaitForWindowExposed(&card));
        for (int i = 0; i < 20000; ++i) card.appendPoint(i, i, i == 12345 ? 9.0 : 0.0);
        card.refresh();
        QVERIFY2(card.rawPointCount() < 2000, qPrintable(QString::number(card.rawPointCount())));
        bool found = false;
        QCPRange yr = card.plot()->graph(0)->getValueRange(found);
        QVERIFY(found);
        QCOMPARE(yr.upper, 9.0);  // the spike survived
    }

    void debiasedEmaStartsAtFirstValue() {
        std::vector<double> y = {4.0, 4.0, 4.0, NAN, 8.0};
        auto s = debiasedEma(y, 0.9);
        QCOMPARE(s[0], 4.0);  // not 0.4: the bias correction
        QVERIFY(std::abs(s[2] - 4.0) < 1e-12);
        QVERIFY(std::isnan(s[3]));
        QVERIFY(s[4] > 4.0 && s[4] < 8.0);
        QCOMPARE(debiasedEma(y, 0.0)[4], 8.0);
    }

    void exportsPngAndCsv() {
        QTemporaryDir dir;
        MetricCard card("Reward", {"reward/mean"});
        card.resize(400, 250);
        for (int i = 0; i < 10; ++i) card.appendPoint(i, i * 1.5, i * 0.1);
        card.refresh();
        QVERIFY(card.exportPng(dir.filePath("c.png")));
        QImage png(dir.filePath("c.png"));
        QCOMPARE(png.width(), 800);
        QVERIFY(card.exportCsv(dir.filePath("c.csv")));
        QFile csv(dir.filePath("c.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QStringList lines = QString(csv.readAll()).trimmed().split('\n');
        QCOMPARE(lines.size(), 11);
        QCOMPARE(lines[0], QString("step,time_s,reward/mean,smoothed"));
        QVERIFY(lines[3].startsWith("2,3,0.2,"));
    }
};

QTEST_MAIN(MetricCardTest)
#include "metric_card_test.moc"
