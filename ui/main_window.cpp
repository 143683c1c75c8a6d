// MainWindow: docks, menus, settings, theme and closing. Engine traffic: main_window_run.cpp.
#include "ui/main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <algorithm>

#include "ui/checkpoints_dialog.h"
#include "ui/compare_runs.h"
#include "ui/config_form.h"
#include "ui/getting_started.h"
#include "ui/log_panel.h"
#include "ui/metrics_panel.h"
#include "ui/run_directory_watcher.h"
#include "ui/run_outcome.h"
#include "ui/run_setup_panel.h"
#include "ui/run_status_bar.h"
#include "ui/run_store.h"
#include "ui/samples_panel.h"
#include "ui/session_bridge.h"
#include "ui/theme.h"
#include "ui/vote_preview_panel.h"

namespace mmupt::ui {

namespace {
constexpr int kMaxRecent = 12;
constexpr int kLayoutVersion = 2;  // bump when dock names change: old saved states are ignored
}  // namespace

MainWindow::MainWindow(std::unique_ptr<Session> session, QWidget* parent)
    : QMainWindow(parent), m_session(std::move(session)) {
    setObjectName("mainWindow");
    setWindowTitle("mmupt studio");
    resize(QSize(1440, 900).boundedTo(screen()->availableGeometry().size()));
    m_store = new RunStore(this);
    m_bridge = new SessionBridge(this);
    m_watcher = new RunDirectoryWatcher(m_store, this);
    if (m_session) m_session->set_observer(m_bridge->observer());

    m_compare = new CompareRuns(this);
    m_metrics = new MetricsPanel(m_store, this);
    m_metrics->setCompareRuns(m_compare);
    buildGettingStarted();
    buildDocks();
    m_status = new RunStatusBar(m_store, this);
    statusBar()->addPermanentWidget(m_status, 1);
    if (!m_session) m_status->setStateText(tr("engine not available in this build"));
    buildMenus();
    connectBridge();
    connect(m_watcher, &RunDirectoryWatcher::failed, this, &MainWindow::warn);
    connect(m_watcher, &RunDirectoryWatcher::polled, this, &MainWindow::updateReplayOutcome);
    setDarkTheme(QSettings().value("window/dark", false).toBool());
    m_setup->restoreLastSetup();
    updateRunActions();
}

MainWindow::~MainWindow() {
    // The session's worker may still report: the bridge's observer drops events once the bridge
    // is gone, and the session (destroyed next) joins its worker.
    m_watcher->stop();
}

void MainWindow::buildDocks() {
    auto makeDock = [this](const QString& name, const QString& title, QWidget* widget,
                           Qt::DockWidgetArea area) {
        auto* dock = new QDockWidget(title, this);
        dock->setObjectName(name);
        dock->setWidget(widget);
        addDockWidget(area, dock);
        return dock;
    };
    m_setup = new RunSetupPanel(m_session.get(), this);
    m_preview = new VotePreviewPanel(
        [this](const std::string& p) { return m_store->resolveImage(p); }, this);
    m_samples = new SamplesPanel(m_store, this);
    m_log = new LogPanel(m_store, this);
    // Metrics get the full width in the centre; the wide sample views share the bottom area.
    makeDock("runSetupDock", tr("Run setup"), m_setup, Qt::LeftDockWidgetArea);
    auto* samples =
        makeDock("samplesDock", tr("Live samples"), m_samples, Qt::BottomDockWidgetArea);
    auto* preview =
        makeDock("votePreviewDock", tr("Vote preview"), m_preview, Qt::BottomDockWidgetArea);
    auto* log = makeDock("logDock", tr("Log"), m_log, Qt::BottomDockWidgetArea);
    // The setup dock takes the whole left edge, so its fields do not share height with the tabs.
    setCorner(Qt::TopLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    tabifyDockWidget(samples, preview);
    tabifyDockWidget(preview, log);
    samples->raise();
    connect(m_setup, &RunSetupPanel::startRequested, this, &MainWindow::startTraining);
    connect(m_setup, &RunSetupPanel::checksChanged, this, &MainWindow::updateGettingStarted);
    connect(m_preview, &VotePreviewPanel::previewRequested, this, &MainWindow::previewVotes);
    connect(m_preview, &VotePreviewPanel::cancelRequested, this, [this] {
        if (m_session && m_activity == Activity::preview) m_session->cancel();
    });
    if (!m_session)
        m_preview->setPreviewEnabled(false, tr("The engine is not available in this build; "
                                               "load a samples.jsonl instead."));
}

QDockWidget* MainWindow::dock(const QString& objectName) const {
    return findChild<QDockWidget*>(objectName);
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open run directory…"), QKeySequence::Open, this, [this] {
        QString dir = QFileDialog::getExistingDirectory(this, tr("Open run directory"));
        if (!dir.isEmpty()) openRunDirectory(dir);
    });
    m_recentMenu = file->addMenu(tr("Recent runs"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    file->addSeparator();
    file->addAction(tr("Add runs to &compare…"), this, [this] {
        QString dir = QFileDialog::getExistingDirectory(
            this, tr("Run directory to compare (or a folder of run directories)"));
        if (!dir.isEmpty()) addCompareRun(dir);
    });
    m_compareMenu = file->addMenu(tr("Compare with recent run"));
    connect(m_compareMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildCompareMenu);
    file->addAction(tr("Clear comparison"), m_compare, &CompareRuns::clear);
    file->addSeparator();
    file->addAction(tr("&Load config…"), m_setup, &RunSetupPanel::loadConfigDialog);
    file->addAction(tr("&Save config…"), QKeySequence::Save, m_setup,
                    &RunSetupPanel::saveConfigDialog);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    buildRunMenu(menuBar()->addMenu(tr("&Run")));

    QMenu* checkpoints = menuBar()->addMenu(tr("&Checkpoints"));
    checkpoints->addAction(tr("&List and export…"), this, &MainWindow::showCheckpoints);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (auto* d : findChildren<QDockWidget*>()) view->addAction(d->toggleViewAction());
    view->addSeparator();
    m_darkAction = view->addAction(tr("&Dark theme"));
    m_darkAction->setCheckable(true);
    connect(m_darkAction, &QAction::toggled, this, &MainWindow::setDarkTheme);
    view->addAction(tr("&Reset layout"), this, &MainWindow::resetLayout);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Getting started"), this, [this] {
        QMessageBox::information(this, tr("Getting started"), gettingStartedHtml());
    });
    help->addAction(tr("&Using the studio"), this, [this] {
        QMessageBox::information(
            this, tr("Using mmupt studio"),
            tr("<p><b>Metrics</b>: wheel zooms, drag pans; zooming turns <i>Follow</i> off for "
               "that card, double-click turns it back on. Export a card as PNG or CSV.</p>"
               "<p><b>Live samples</b>: sort the table by agreement to read the groups the "
               "model disagrees with; pin a group to follow it across steps.</p>"
               "<p><b>File ▸ Open run directory</b> replays metrics.jsonl and samples.jsonl of "
               "a CLI run and follows it while it grows.</p>"
               "<p>Docs: docs/studio.md, docs/run_dir.md in the source tree.</p>"));
    });
    help->addAction(tr("&About"), this, [this] {
        QMessageBox::about(
            this, tr("About mmupt studio"),
            tr("<p><b>mmupt studio</b> %1</p><p>Unsupervised post-training (MM-UPT: GRPO "
               "with majority-vote self-rewards) of Qwen2-VL models.</p><p>Engine: %2</p>")
                .arg(QApplication::applicationVersion(),
                     m_session ? tr("available") : tr("not available in this build")));
    });
}

void MainWindow::rebuildRecentMenu() {
    m_recentMenu->clear();
    const QStringList recent = QSettings().value("recentRuns").toStringList();
    for (const QString& dir : recent)
        m_recentMenu->addAction(dir, this, [this, dir] { openRunDirectory(dir); });
    if (recent.isEmpty()) m_recentMenu->addAction(tr("(none)"))->setEnabled(false);
}

void MainWindow::rebuildCompareMenu() {
    m_compareMenu->clear();
    const QStringList recent = QSettings().value("recentRuns").toStringList();
    const QString current = m_store->runDirectory();
    for (const QString& dir : recent) {
        QAction* a = m_compareMenu->addAction(dir, this, [this, dir] { addCompareRun(dir); });
        a->setEnabled(!m_compare->find(dir) &&
                      QFileInfo(dir).absoluteFilePath() != QFileInfo(current).absoluteFilePath());
    }
    if (recent.isEmpty()) m_compareMenu->addAction(tr("(none)"))->setEnabled(false);
}

bool MainWindow::addCompareRun(const QString& dir) {
    const QStringList runs = runDirectoriesIn(dir);
    if (runs.isEmpty()) {
        warn(tr("'%1' is not a run directory (it has neither metrics.jsonl nor config.yaml) and "
                "holds none. Pick a run directory, or a folder whose subfolders are runs.")
                 .arg(dir));
        return false;
    }
    QStringList problems;
    int added = 0;
    for (const QString& run : runs) {
        QString error = m_compare->add(run, m_store->runDirectory());
        if (error.isEmpty()) {
            ++added;
            addRecentRun(run);
        } else if (runs.size() == 1) {
            problems << error;
        }
    }
    if (!problems.isEmpty()) warn(problems.join('\n'));
    if (added > 0) m_log->appendMessage(tr("Comparing %1 run(s) from %2.").arg(added).arg(dir));
    return problems.isEmpty();
}

void MainWindow::addRecentRun(const QString& dir) {
    QSettings settings;
    QStringList recent = settings.value("recentRuns").toStringList();
    recent.removeAll(dir);
    recent.prepend(dir);
    while (recent.size() > kMaxRecent) recent.removeLast();
    settings.setValue("recentRuns", recent);
}

bool MainWindow::openRunDirectory(const QString& dir) {
    if (runActive()) {
        warn(tr("A run is in progress; stop it before opening another."));
        return false;
    }
    if (!m_watcher->open(dir)) return false;
    const QString abs = m_watcher->directory();
    m_compare->remove(abs);  // now the current run, not a compared one
    addRecentRun(abs);
    setRunTitle(abs);
    m_metrics->redrawNow();  // the whole history is in: draw it now, not on the next tick
    QString error = loadConfig(QDir(abs).filePath("config.yaml"));
    if (!error.isEmpty()) m_log->appendMessage(tr("config.yaml: %1").arg(error));
    updateReplayOutcome();
    const auto& groups = m_store->groups();
    if (!groups.empty()) {
        // Show the least-agreed group of the last step, the one most worth reading.
        int best = static_cast<int>(groups.size()) - 1;
        for (int i = best; i >= 0 && groups[size_t(i)].step == groups.back().step; --i)
            if (groups[size_t(i)].majority_ratio < groups[size_t(best)].majority_ratio) best = i;
        m_samples->showGroup(best);
        m_preview->loadSamplesFile(QDir(abs).filePath("samples.jsonl"), groups.front().step);
    }
    m_log->appendMessage(tr("Opened %1: %2 steps, %3 groups; following new lines.")
                             .arg(abs)
                             .arg(m_store->steps().size())
                             .arg(groups.size()));
    emit runDirectoryOpened(abs);
    return true;
}

void MainWindow::setRunTitle(const QString& runDir) {
    const QString name = QFileInfo(QDir::cleanPath(runDir)).fileName();
    m_metrics->setCurrentRunName(name);
    setWindowTitle(name.isEmpty() ? tr("mmupt studio") : tr("%1 — mmupt studio").arg(name));
}

void MainWindow::updateReplayOutcome() {
    if (runActive() || m_watcher->directory().isEmpty() || !m_watcher->isFollowing()) return;
    const QDir dir(m_watcher->directory());
    RunDirectoryFacts facts;
    facts.logs = m_store->logs();
    facts.lastStep = m_store->steps().empty() ? 0 : m_store->steps().back().step;
    facts.totalSteps = m_store->totalSteps();
    facts.lastCheckpointStep =
        m_store->checkpoints().empty() ? -1 : m_store->checkpoints().back().step;
    QDateTime last;
    for (const char* f : {"metrics.jsonl", "train.log"}) {
        QFileInfo info(dir.filePath(f));
        if (info.exists() && (!last.isValid() || info.lastModified() > last))
            last = info.lastModified();
    }
    facts.idleS = last.isValid() ? last.secsTo(QDateTime::currentDateTime()) : 1e9;
    readRunStatus(dir.path(), facts);
    // Quiet for three mean steps (at least two minutes) without an end record: interrupted.
    if (facts.lastStep > 0)
        facts.quietS = std::max(120.0, 3.0 * m_store->steps().back().wall_time_s / facts.lastStep);
    m_status->setOutcome(outcomeOfRunDirectory(facts));
}

QString MainWindow::loadConfig(const QString& path) {
    if (!QFileInfo::exists(path)) return tr("%1 does not exist").arg(path);
    QString error = m_setup->loadConfigFile(path);
    bool ok = false;
    int maxSteps = m_setup->form()->value("trainer.max_steps").toInt(&ok);
    if (ok && maxSteps > 0) m_store->setTotalSteps(maxSteps);
    QString data = m_setup->form()->value("data.train_files");
    QStringList roots;
    for (const QString& p : listItems(data))
        roots << (QFileInfo(p).isDir() ? p : QFileInfo(p).absolutePath());
    m_store->setImageRoots(roots);
    return error;
}

void MainWindow::buildGettingStarted() {
    m_guide = new GettingStartedPanel(this);
    m_centre = new QStackedWidget(this);
    m_centre->addWidget(m_guide);
    m_centre->addWidget(m_metrics);
    setCentralWidget(m_centre);
    auto showMetrics = [this] { m_centre->setCurrentWidget(m_metrics); };
    connect(m_store, &RunStore::stepsAppended, this, showMetrics);
    connect(this, &MainWindow::runDirectoryOpened, this, showMetrics);
    connect(m_compare, &CompareRuns::runAdded, this, showMetrics);  // overlays need the cards
    connect(m_guide, &GettingStartedPanel::modelRequested, this, [this] {
        dock("runSetupDock")->show();
        m_setup->browseModel();
    });
    connect(m_guide, &GettingStartedPanel::datasetRequested, this, [this](bool folder) {
        dock("runSetupDock")->show();
        m_setup->browseDataset(folder);
    });
    connect(m_guide, &GettingStartedPanel::previewRequested, this, [this] { previewVotes(4); });
    connect(m_guide, &GettingStartedPanel::startRequested, this, &MainWindow::startTraining);
    connect(m_guide, &GettingStartedPanel::openRunRequested, this, [this] {
        QString dir = QFileDialog::getExistingDirectory(this, tr("Open run directory"));
        if (!dir.isEmpty()) openRunDirectory(dir);
    });
    connect(this, &MainWindow::runEnded, this, [this](const RunFinished& result) {
        // A vote preview that ended well leaves its groups in the preview panel.
        if (result.state == RunState::finished && m_preview->groupCount() > 0) m_previewDone = true;
        updateGettingStarted();
    });
}

void MainWindow::updateGettingStarted() {
    m_guide->setProgress(m_setup->modelOk(), m_setup->datasetOk(), m_previewDone,
                         m_session != nullptr);
}

void MainWindow::setDarkTheme(bool dark) {
    m_dark = dark;
    applyTheme(dark);
    m_metrics->setDark(dark);
    if (m_darkAction->isChecked() != dark) m_darkAction->setChecked(dark);
}

void MainWindow::resetLayout() {
    for (auto* d : findChildren<QDockWidget*>()) d->show();
    restoreState(m_defaultState, kLayoutVersion);
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    if (m_layoutInitialised) return;
    // Dock sizes only apply once the layout exists: set the defaults, remember them for
    // View ▸ Reset layout, then let the user's saved layout win.
    m_layoutInitialised = true;
    resizeDocks({dock("runSetupDock")}, {400}, Qt::Horizontal);
    resizeDocks({dock("samplesDock")}, {height() * 45 / 100}, Qt::Vertical);
    m_defaultState = saveState(kLayoutVersion);
    restoreSettings();
}

void MainWindow::restoreSettings() {
    QSettings settings;
    restoreGeometry(settings.value("window/geometry").toByteArray());
    restoreState(settings.value("window/state").toByteArray(), kLayoutVersion);
}

void MainWindow::saveSettings() {
    QSettings settings;
    if (!m_layoutInitialised) return;  // never shown: nothing of the user's to keep
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState(kLayoutVersion));
    settings.setValue("window/dark", m_dark);
}

void MainWindow::setConfirmHandler(std::function<bool(const QString&)> confirm) {
    m_confirm = std::move(confirm);
}

void MainWindow::setMessageHandler(std::function<void(const QString&)> handler) {
    m_message = std::move(handler);
}

bool MainWindow::confirm(const QString& question) {
    if (m_confirm) return m_confirm(question);
    return QMessageBox::question(this, windowTitle(), question) == QMessageBox::Yes;
}

void MainWindow::showEngineMissing() {
    warn(
        tr("The training engine is not available in this build.\n\n"
           "You can still open and replay run directories (File ▸ Open "
           "run directory) and edit configs; run `mmupt train` where the "
           "engine is built and watch its run directory here."));
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (runActive()) {
        if (!confirm(tr("A training run is in progress. Stop it at the next step (saving a "
                        "checkpoint) and quit?"))) {
            event->ignore();
            return;
        }
        if (!waitForFinish()) {
            event->ignore();
            return;
        }
    }
    m_watcher->stop();
    saveSettings();
    event->accept();
}

}  // namespace mmupt::ui
