// The demo's training curves as PNG files: reads DIR/curves.csv (written by `mmupt demo`, core
// has no Qt) and draws reward, agreement (majority ratio) and hidden-label accuracy per step with
// QCustomPlot, offscreen: no window is shown, so QT_QPA_PLATFORM=offscreen is enough. Not a
// widget and not interactive: the studio shows one run directory live (MetricCard).
// Never throws: problems come back as one sentence naming the file (and line).
#pragma once
#include <QString>
#include <QStringList>
#include <vector>

namespace mmupt::ui {

// One (stage, seed) of curves.csv, points in ascending step order. NaN = not recorded.
struct CurveSeries {
    QString stage;  // as written: "upt", "supervised_grpo", ...
    int seed = 0;
    std::vector<double> step, reward, agreement, labelAccuracy;
    std::vector<double> alarmSteps;  // steps whose optional alarm column is 1
};

struct CurvesCsv {
    std::vector<CurveSeries> series;  // stage "upt" first, then the others by name; then seed
    QString error;                    // "" = ok
    bool ok() const { return error.isEmpty(); }
};
// Columns found by header name (stage, seed, step, reward_mean, majority_ratio,
// label_accuracy; optional alarm, also spelled collapse_alarm or collapse/alarm: 1 on the step the
// collapse alarm fired; others ignored). Empty, "nan" and "-nan" values are NaN.
CurvesCsv readCurvesCsv(const QString& path);

struct CurvePlotFiles {
    QStringList written;  // absolute paths, in writing order
    QString error;        // "" = ok; files written before the failure stay
    bool ok() const { return error.isEmpty(); }
};
// Writes reward.png, agreement.png and label_accuracy.png (a line per stage and seed: colour per
// stage, pen style per seed; a dashed red vertical line at each collapse-alarm step) and, when a
// stage "upt" exists, upt_overview.png (its three curves averaged over seeds, its seeds' alarm
// steps marked) into `outDir`, created if missing. Each image is width x height.
CurvePlotFiles writeCurvePlots(const std::vector<CurveSeries>& series, const QString& outDir,
                               int width = 900, int height = 500);

}  // namespace mmupt::ui
