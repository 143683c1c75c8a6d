// Plots a user can read (issue 12, item 8): a hover read-out with step, time and every visible
// series' value; whole-step ticks; time labels that fit; the wheel scrolls the page unless the
// plot has focus or Ctrl is held; an empty card says "no data yet" instead of bare 0-5 axes.
#include <qcustomplot.h>

#include <QFontMetrics>
#include <QScrollArea>
#include <QScrollBar>
#include <QWheelEvent>
#include <QtTest>
#include <cmath>

#include "ui/metric_card.h"
#include "ui/metrics_panel.h"
#include "ui/plot_axes.h"
#include "ui/run_store.h"

using namespace mmupt;
using namespace mmupt::ui;

namespace {

// A wheel notch: delta < 0 rolls towards the user (page down), > 0 away (a plot zooms in).
void wheel(QWidget* target, QPoint at, Qt::KeyboardModifiers modifiers, int delta = -120) {
    QWheelEvent e(at, target->mapToGlobal(at), QPoint(), QPoint(0, delta), Qt::NoButton, modifiers,
                  Qt::NoScrollPhase, false);
    QApplication::sendEvent(target, &e);
}

void mouseMove(QWidget* target, QPointF at) {
    QMouseEvent e(QEvent::MouseMove, at, target->mapToGlobal(at), Qt::NoButton, Qt::NoButton,
                  Qt::NoModifier);
    QApplication::sendEvent(target, &e);
}

}  // namespace

class PlotInteractionTest : public QObject {
    Q_OBJECT
  private slots:
    void emptyCardSaysNoDataYet() {
        MetricCard card("Reward", {"reward/mean"});
        card.resize(400, 250);
        card.show();
        QVERIFY(card.showsEmptyState());
        QVERIFY(!card.plot()->xAxis->tickLabels());
        card.appendPoint(1, 10, 0.5);
        card.refresh();
        QVERIFY(!card.showsEmptyState());
        QVERIFY(card.plot()->xAxis->tickLabels());
        card.clear();
        QVERIFY(card.showsEmptyState());
    }

    void stepAxisTicksWholeStepsOnly() {
        MetricCard card("Reward", {"reward/mean"});
        card.resize(500, 300);
        card.show();
        QVERIFY(QTest::qWaitForWindowExposed(&card));
        for (int n : {2, 3, 7, 40}) {
            card.clear();
            for (int i = 1; i <= n; ++i) card.appendPoint(i, i * 10.0, 0.1 * i);
            card.refresh();
            card.plot()->replot();
            const QVector<double> ticks = card.plot()->xAxis->tickVector();
            QVERIFY(!ticks.isEmpty());
            for (double t : ticks) QVERIFY2(t == std::floor(t), qPrintable(QString::number(t)));
        }
    }

    void timeLabelsFitAndReadWell() {
        QCOMPARE(elapsedLabel(15, 30), QString("0:15"));
        QCOMPARE(elapsedLabel(125, 600), QString("2:05"));
        QCOMPARE(elapsedLabel(5400, 7200), QString("1:30:00"));
        QCOMPARE(elapsedLabel(60, 7200), QString("0:01:00"));
        for (int width : {320, 500, 900}) {
            MetricCard card("Reward", {"reward/mean"});
            card.resize(width, 260);
            card.show();
            QVERIFY(QTest::qWaitForWindowExposed(&card));
            card.setXAxisMode(XAxisMode::time);
            for (int i = 0; i < 200; ++i) card.appendPoint(i, i * 17.3, std::sin(i * 0.1));
            card.refresh();
            card.plot()->replot();
            QCPAxis* x = card.plot()->xAxis;
            const QVector<QString> labels = x->tickVectorLabels();
            QVERIFY(labels.size() >= 2);
            // Side by side, the labels fit the axis with room to spare: no "00:00:1500:00:30".
            QFontMetrics fm(x->tickLabelFont());
            int total = 0;
            for (const QString& l : labels) {
                total += fm.horizontalAdvance(l) + 8;
                QVERIFY2(l.count(':') <= 2, qPrintable(l));
            }
            QVERIFY2(total < card.plot()->axisRect()->width(),
                     qPrintable(QString("%1 px of labels in %2 px")
                                    .arg(total)
                                    .arg(card.plot()->axisRect()->width())));
        }
    }

    void wheelScrollsThePageUnlessCtrlOrFocus() {
        RunStore store;
        MetricsPanel panel(&store);
        panel.resize(700, 400);  // far shorter than the cards: the page scrolls
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        std::vector<StepMetrics> steps;
        for (int i = 0; i < 50; ++i)
            steps.push_back(StepMetrics{i, i * 10.0, {{"reward/mean", 0.01 * i}}});
        store.appendSteps(steps);
        panel.redrawNow();
        auto* scroll = panel.findChild<QScrollArea*>();
        QVERIFY(scroll);
        QVERIFY(scroll->verticalScrollBar()->maximum() > 0);
        MetricCard* card = panel.card("reward/mean");
        QCustomPlot* plot = card->plot();
        const QPoint center = plot->axisRect()->rect().center();
        const QCPRange before = plot->xAxis->range();

        wheel(plot, center, Qt::NoModifier);
        QVERIFY(scroll->verticalScrollBar()->value() > 0);  // the page moved
        QCOMPARE(plot->xAxis->range(), before);             // the plot did not zoom
        QVERIFY(card->followLatest());

        wheel(plot, center, Qt::ControlModifier, 120);
        QVERIFY(plot->xAxis->range().size() < before.size());  // Ctrl+wheel zooms
        QVERIFY(!card->followLatest());

        card->setFollowLatest(true);
        plot->setFocus();
        QTRY_VERIFY(plot->hasFocus());
        const int value = scroll->verticalScrollBar()->value();
        wheel(plot, center, Qt::NoModifier, 120);
        QVERIFY(plot->xAxis->range().size() < before.size());  // a focused plot zooms
        QCOMPARE(scroll->verticalScrollBar()->value(), value);
    }

    void hoverShowsStepTimeAndValues() {
        MetricCard card("Reward", {"reward/mean"});
        card.resize(500, 300);
        card.show();
        QVERIFY(QTest::qWaitForWindowExposed(&card));
        for (int i = 1; i <= 10; ++i) card.appendPoint(i, i * 65.0, i * 0.1);
        card.refresh();
        card.plot()->replot();
        QString text = card.hoverText(4.2);
        QVERIFY2(text.startsWith("step 4 · 4:20"), qPrintable(text));
        QVERIFY2(text.contains("0.4 (smoothed"), qPrintable(text));
        QVERIFY(card.hoverText(50).isEmpty());

        // A second run overlaid: one line per visible run, with its name.
        card.addSeries("/runs/b", "grpo-supervised", Qt::red);
        for (int i = 1; i <= 6; ++i) card.appendPointTo("/runs/b", i, i * 70.0, 1.0 - i * 0.1);
        card.setMainLabel("mm-upt");
        text = card.hoverText(4);
        QVERIFY2(text.contains("mm-upt at step 4: 0.4") &&
                     text.contains("grpo-supervised at step 4: 0.6"),
                 qPrintable(text));
        card.setSeriesVisible("/runs/b", false);
        QVERIFY(!card.hoverText(4).contains("grpo-supervised"));

        // The real mouse path: moving over the plot shows the tracer, leaving hides it.
        card.refresh();
        card.plot()->replot();
        const double px = card.plot()->xAxis->coordToPixel(7);
        mouseMove(card.plot(), QPointF(px, card.plot()->axisRect()->center().y()));
        QVERIFY2(card.shownHoverText().startsWith("step 7"), qPrintable(card.shownHoverText()));
        QEvent leave(QEvent::Leave);
        QApplication::sendEvent(card.plot(), &leave);
        QVERIFY(card.shownHoverText().isEmpty());
    }
};

QTEST_MAIN(PlotInteractionTest)
#include "plot_interaction_test.moc"
