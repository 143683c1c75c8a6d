// curves.csv parsing and the offscreen QCustomPlot PNGs of the demo's curves. Raw values per
// step (no smoothing: the demo's GRPO stages are ~20 steps); y always spans at least [0, 1] so
// the three fractions read on the same scale across files.
#include "ui/curve_plots.h"

#include <qcustomplot.h>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

#include "ui/theme.h"

namespace mmupt::ui {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const QColor kOrange(0xe0, 0x8a, 0x1e), kGreen(0x2e, 0x9e, 0x44);  // next to the accent blue
const QStringList kColumns = {"stage",       "seed",           "step",
                              "reward_mean", "majority_ratio", "label_accuracy"};

// Empty and nan (the demo writes NaN for a metric a step lacks) parse as NaN.
bool parseNumber(const QString& text, double* value) {
    const QString t = text.trimmed();
    if (t.isEmpty() || t.compare("nan", Qt::CaseInsensitive) == 0 ||
        t.compare("-nan", Qt::CaseInsensitive) == 0) {
        *value = kNaN;
        return true;
    }
    bool ok = false;
    *value = t.toDouble(&ok);
    return ok;
}

// "upt" sorts first: it is the method; the other stages are its comparisons.
using SeriesKey = std::tuple<int, QString, int>;  // (stage rank, stage, seed)
using Row = std::array<double, 5>;  // step, reward, agreement, label accuracy, collapse alarm

}  // namespace

CurvesCsv readCurvesCsv(const QString& path) {
    CurvesCsv result;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        result.error = QString("cannot read %1: %2 (`mmupt demo --out DIR` writes DIR/curves.csv)")
                           .arg(path, file.errorString());
        return result;
    }
    QTextStream in(&file);
    QStringList header = in.readLine().split(',');
    for (QString& name : header) name = name.trimmed();
    std::array<int, 6> column{};
    for (int i = 0; i < kColumns.size(); ++i) {
        column[i] = header.indexOf(kColumns[i]);
        if (column[i] < 0) {
            result.error = QString("%1:1: the header lacks the column '%2' (expected %3)")
                               .arg(path, kColumns[i], kColumns.join(','));
            return result;
        }
    }
    // Optional: the step the collapse alarm fired (the metrics.jsonl key, or a CSV-safe name).
    // `mmupt demo` writes "alarm"; the metrics.jsonl key and a CSV-safe form are read too.
    int alarmColumn = -1;
    for (const char* name : {"alarm", "collapse_alarm", "collapse/alarm"})
        alarmColumn = std::max(alarmColumn, static_cast<int>(header.indexOf(name)));
    std::map<SeriesKey, std::vector<Row>> rows;
    for (int lineNo = 2; !in.atEnd(); ++lineNo) {
        const QString line = in.readLine();
        if (line.trimmed().isEmpty()) continue;
        const QStringList fields = line.split(',');
        auto fail = [&](const QString& what) {
            result.error = QString("%1:%2: %3").arg(path).arg(lineNo).arg(what);
        };
        if (fields.size() != header.size()) {
            fail(QString("%1 fields, the header has %2").arg(fields.size()).arg(header.size()));
            return result;
        }
        const QString stage = fields[column[0]].trimmed();
        bool seedOk = false;
        const int seed = fields[column[1]].trimmed().toInt(&seedOk);
        if (stage.isEmpty() || !seedOk) {
            fail(QString("stage '%1' / seed '%2': expected a name and an integer")
                     .arg(stage, fields[column[1]]));
            return result;
        }
        Row row{};
        row[4] = kNaN;
        if (alarmColumn >= 0 && !parseNumber(fields[alarmColumn], &row[4])) {
            fail(QString("collapse_alarm '%1' is not a number").arg(fields[alarmColumn]));
            return result;
        }
        for (int v = 0; v < 4; ++v) {
            const QString& text = fields[column[2 + v]];
            if (!parseNumber(text, &row[v]) || (v == 0 && !std::isfinite(row[v]))) {
                fail(QString("%1 '%2' is not a number").arg(kColumns[2 + v], text));
                return result;
            }
        }
        rows[{stage == "upt" ? 0 : 1, stage, seed}].push_back(row);
    }
    if (rows.empty()) {
        result.error = QString("%1: no data rows after the header").arg(path);
        return result;
    }
    for (auto& [key, points] : rows) {
        std::stable_sort(points.begin(), points.end(),
                         [](const Row& a, const Row& b) { return a[0] < b[0]; });
        CurveSeries s;
        s.stage = std::get<1>(key);
        s.seed = std::get<2>(key);
        for (const Row& r : points) {
            s.step.push_back(r[0]);
            s.reward.push_back(r[1]);
            s.agreement.push_back(r[2]);
            s.labelAccuracy.push_back(r[3]);
            if (r[4] >= 0.5) s.alarmSteps.push_back(r[0]);
        }
        result.series.push_back(std::move(s));
    }
    return result;
}

namespace {

struct Line {
    QString name;
    QPen pen;
    std::vector<double> x, y;
    std::vector<double> alarms = {};  // steps marked by a vertical line (collapse alarms)
};

QColor stageColor(const QString& stage, int otherIndex) {
    if (stage == "upt") return plotColors(/*dark=*/false).accent;
    if (stage == "supervised_grpo") return kOrange;
    static const QColor others[] = {kGreen, QColor(0x8e, 0x44, 0xad), QColor(0xc0, 0x39, 0x2b)};
    return others[otherIndex % 3];
}

QString stageName(const QString& stage) {
    if (stage == "upt") return "MM-UPT";
    if (stage == "supervised_grpo") return "supervised GRPO";
    return stage;
}

// One line per series with a finite value of `metric`: colour per stage; per seed a pen style,
// lighter after every four seeds.
std::vector<Line> seriesLines(const std::vector<CurveSeries>& series,
                              std::vector<double> CurveSeries::*metric) {
    static const Qt::PenStyle styles[] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine,
                                          Qt::DashDotLine};
    std::vector<Line> lines;
    QStringList stages;
    std::map<QString, int> seedsSeen;
    for (const CurveSeries& s : series) {
        if (!stages.contains(s.stage)) stages << s.stage;
        const int seedIndex = seedsSeen[s.stage]++;
        const std::vector<double>& y = s.*metric;
        if (std::none_of(y.begin(), y.end(), [](double v) { return std::isfinite(v); })) continue;
        QColor color = stageColor(s.stage, stages.indexOf(s.stage));
        if (seedIndex >= 4) color = color.lighter(100 + 35 * (seedIndex / 4));
        lines.push_back({QString("%1, seed %2").arg(stageName(s.stage)).arg(s.seed),
                         QPen(color, 2, styles[seedIndex % 4]), s.step, y, s.alarmSteps});
    }
    return lines;
}

// The mean over seeds at each step of one stage's `metric` (NaN values left out).
Line meanLine(const std::vector<CurveSeries>& series, const QString& stage,
              std::vector<double> CurveSeries::*metric, const QString& name, const QPen& pen) {
    std::map<double, std::pair<double, int>> sums;  // step -> (sum, count)
    for (const CurveSeries& s : series) {
        if (s.stage != stage) continue;
        const std::vector<double>& y = s.*metric;
        for (size_t i = 0; i < s.step.size(); ++i) {
            auto& [sum, count] = sums[s.step[i]];
            if (std::isfinite(y[i])) sum += y[i], ++count;
        }
    }
    Line line{name, pen, {}, {}};
    for (const CurveSeries& s : series)
        if (s.stage == stage)
            line.alarms.insert(line.alarms.end(), s.alarmSteps.begin(), s.alarmSteps.end());
    for (const auto& [step, sc] : sums) {
        line.x.push_back(step);
        line.y.push_back(sc.second > 0 ? sc.first / sc.second : kNaN);
    }
    return line;
}

// Draws `lines` with a title, axis labels and a legend on the right; returns "" or the error.
QString savePlot(const QString& path, const QString& title, const QString& yLabel,
                 const std::vector<Line>& lines, int width, int height) {
    QCustomPlot plot;
    stylePlot(&plot, /*dark=*/false);
    const PlotColors colors = plotColors(/*dark=*/false);
    plot.plotLayout()->insertRow(0);
    auto* heading = new QCPTextElement(&plot, title, QFont(plot.font().family(), 12, QFont::Bold));
    heading->setTextColor(colors.foreground);
    plot.plotLayout()->addElement(0, 0, heading);

    double yLo = 0.0, yHi = 1.0;  // fractions: keep [0, 1] in view whatever the data
    double xLo = std::numeric_limits<double>::infinity(), xHi = -xLo;
    for (const Line& line : lines) {
        QCPGraph* graph = plot.addGraph();
        graph->setName(line.name);
        graph->setPen(line.pen);
        if (line.x.size() <= 40)
            graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
        graph->setData(QVector<double>(line.x.begin(), line.x.end()),
                       QVector<double>(line.y.begin(), line.y.end()), /*alreadySorted=*/true);
        for (size_t i = 0; i < line.x.size(); ++i) {
            xLo = std::min(xLo, line.x[i]), xHi = std::max(xHi, line.x[i]);
            if (std::isfinite(line.y[i]))
                yLo = std::min(yLo, line.y[i]), yHi = std::max(yHi, line.y[i]);
        }
    }
    for (const Line& line : lines)
        for (double step : line.alarms) {
            auto* mark = new QCPItemStraightLine(&plot);
            mark->setPen(QPen(colors.alarm, 1.5, Qt::DashLine));
            mark->point1->setCoords(step, 0);
            mark->point2->setCoords(step, 1);
        }
    if (xLo > xHi) xLo = 0.0, xHi = 1.0;
    if (xLo == xHi) xLo -= 1.0, xHi += 1.0;
    const double xPad = 0.02 * (xHi - xLo);  // the first and last markers whole
    plot.xAxis->setRange(xLo - xPad, xHi + xPad);
    auto steps = QSharedPointer<QCPAxisTickerFixed>::create();  // whole steps: 1, 2, 5, 10, ...
    steps->setTickStep(1.0);
    steps->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    plot.xAxis->setTicker(steps);
    const double pad = 0.04 * (yHi - yLo);
    plot.yAxis->setRange(yLo - pad, yHi + pad);
    plot.xAxis->setLabel("step");
    plot.yAxis->setLabel(yLabel);

    plot.legend->setVisible(true);
    plot.legend->setBrush(colors.background);
    plot.legend->setBorderPen(QPen(colors.grid));
    plot.legend->setTextColor(colors.foreground);
    // Right of the axis rect (hides no data), at the top: an empty stretch element below it.
    auto* side = new QCPLayoutGrid;
    plot.plotLayout()->addElement(1, 1, side);
    plot.plotLayout()->setColumnStretchFactor(1, 0.001);
    side->addElement(0, 0, plot.legend);
    side->addElement(1, 0, new QCPLayoutElement(&plot));
    side->setRowStretchFactor(0, 0.001);
    side->setMargins(QMargins(0, 0, 8, 0));  // keeps the legend's right border in the image
    if (!plot.savePng(path, width, height))
        return QString("cannot write %1 (is the directory writable?)").arg(path);
    return {};
}

}  // namespace

CurvePlotFiles writeCurvePlots(const std::vector<CurveSeries>& series, const QString& outDir,
                               int width, int height) {
    CurvePlotFiles result;
    const QDir dir(QFileInfo(outDir).absoluteFilePath());
    if (!dir.mkpath(".")) {
        result.error = QString("cannot create the output directory %1").arg(dir.path());
        return result;
    }
    auto save = [&](const QString& file, const QString& title, const QString& yLabel,
                    const std::vector<Line>& lines) {
        if (!result.ok()) return;
        const QString path = dir.filePath(file);
        result.error = savePlot(path, title, yLabel, lines, width, height);
        if (result.ok()) result.written << path;
    };
    save("reward.png", "Reward per step (MM-UPT: agrees with the majority; supervised: correct)",
         "mean reward", seriesLines(series, &CurveSeries::reward));
    save("agreement.png", "Agreement: share of the sampled answers in the majority",
         "majority ratio", seriesLines(series, &CurveSeries::agreement));
    save("label_accuracy.png", "Label accuracy of the sampled answers (labels hidden from MM-UPT)",
         "label accuracy", seriesLines(series, &CurveSeries::labelAccuracy));

    const auto seeds = std::count_if(series.begin(), series.end(),
                                     [](const CurveSeries& s) { return s.stage == "upt"; });
    if (seeds > 0) {
        save("upt_overview.png",
             QString("MM-UPT training, mean over %1 seed%2").arg(seeds).arg(seeds > 1 ? "s" : ""),
             "fraction of sampled answers",
             // Reward last and dashed: under majority-vote rewards it often equals agreement.
             {meanLine(series, "upt", &CurveSeries::agreement, "agreement (majority ratio)",
                       QPen(kOrange, 2)),
              meanLine(series, "upt", &CurveSeries::labelAccuracy, "hidden-label accuracy",
                       QPen(kGreen, 2)),
              meanLine(series, "upt", &CurveSeries::reward, "reward",
                       QPen(plotColors(/*dark=*/false).accent, 2, Qt::DashLine))});
    }
    return result;
}

}  // namespace mmupt::ui
