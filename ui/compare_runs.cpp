// CompareRuns: one RunStore + RunDirectoryWatcher per compared run, stable palette colours.
#include "ui/compare_runs.h"

#include <QDir>
#include <QFileInfo>
#include <algorithm>

#include "core/session/run_files.h"
#include "ui/run_directory_watcher.h"
#include "ui/run_store.h"

namespace mmupt::ui {

namespace {
bool isRunDirectory(const QDir& d) {
    return d.exists(run_files::kMetrics) || d.exists(run_files::kConfig);
}
}  // namespace

const std::vector<QColor>& comparePalette() {
    static const std::vector<QColor> palette = {
        QColor(0xf2, 0x8e, 0x2b), QColor(0xe1, 0x57, 0x59), QColor(0x59, 0xa1, 0x4f),
        QColor(0xb0, 0x7a, 0xa1), QColor(0x76, 0xb7, 0xb2), QColor(0x9c, 0x75, 0x5f),
        QColor(0xed, 0xc9, 0x48), QColor(0xff, 0x9d, 0xa7), QColor(0xba, 0xb0, 0xac)};
    return palette;
}

QStringList runDirectoriesIn(const QString& dir) {
    QDir d(dir);
    if (isRunDirectory(d)) return {QFileInfo(dir).absoluteFilePath()};
    QStringList runs;
    for (const QFileInfo& sub : d.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
        if (isRunDirectory(QDir(sub.absoluteFilePath()))) runs << sub.absoluteFilePath();
    return runs;
}

CompareRuns::CompareRuns(QObject* parent) : QObject(parent) {}

CompareRuns::~CompareRuns() {
    for (auto& r : m_runs) r.watcher->stop();
}

const CompareRuns::Run* CompareRuns::find(const QString& dir) const {
    const QString abs = QFileInfo(dir).absoluteFilePath();
    for (const auto& r : m_runs)
        if (r.dir == abs) return &r;
    return nullptr;
}

QColor CompareRuns::colorOf(const QString& dir) {
    const auto& palette = comparePalette();
    auto it = m_colorIndex.find(dir);
    if (it == m_colorIndex.end()) {
        // The first colour no open run wears; a run keeps its colour once it has one.
        std::vector<int> used(palette.size(), 0);
        for (const auto& r : m_runs) ++used[size_t(m_colorIndex.value(r.dir))];
        const int pick =
            static_cast<int>(std::min_element(used.begin(), used.end()) - used.begin());
        it = m_colorIndex.insert(dir, pick);
    }
    return palette[size_t(*it)];
}

QString CompareRuns::add(const QString& dir, const QString& currentRunDir) {
    const QString abs = QFileInfo(dir).absoluteFilePath();
    if (!currentRunDir.isEmpty() && abs == QFileInfo(currentRunDir).absoluteFilePath())
        return tr("'%1' is the current run.").arg(abs);
    if (find(abs)) return tr("'%1' is already in the comparison.").arg(abs);
    Run run;
    run.dir = abs;
    run.name = QFileInfo(abs).fileName();
    run.store = new RunStore(this);
    run.watcher = new RunDirectoryWatcher(run.store, this);
    QString error;
    connect(run.watcher, &RunDirectoryWatcher::failed, this,
            [&error](const QString& message) { error = message; });
    if (!run.watcher->open(abs)) {
        delete run.watcher;
        delete run.store;
        return error;
    }
    run.color = colorOf(abs);
    connect(run.store, &RunStore::stepsAppended, this,
            [this, abs](int first, int count) { emit stepsAppended(abs, first, count); });
    m_runs.push_back(run);
    emit runAdded(abs);
    return {};
}

void CompareRuns::remove(const QString& dir) {
    const QString abs = QFileInfo(dir).absoluteFilePath();
    auto it =
        std::find_if(m_runs.begin(), m_runs.end(), [&](const Run& r) { return r.dir == abs; });
    if (it == m_runs.end()) return;
    it->watcher->stop();
    it->watcher->deleteLater();
    it->store->deleteLater();
    m_runs.erase(it);
    emit runRemoved(abs);
}

void CompareRuns::clear() {
    while (!m_runs.empty()) remove(m_runs.back().dir);
}

void CompareRuns::setVisible(const QString& dir, bool visible) {
    for (auto& r : m_runs)
        if (r.dir == QFileInfo(dir).absoluteFilePath() && r.visible != visible) {
            r.visible = visible;
            emit visibilityChanged(r.dir, visible);
        }
}

}  // namespace mmupt::ui
