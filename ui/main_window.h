// The mmupt-studio main window: Metrics in the centre; Run setup, Vote preview, Live samples and
// Log as docks (state kept in QSettings, View ▸ Reset layout); File / Run / Checkpoints / View /
// Help menus; a run status bar. Owns the (possibly null) engine Session and talks to it only
// through the facade: commands go out directly, events come back through the SessionBridge.
#pragma once
#include <QMainWindow>
#include <functional>
#include <memory>

#include "core/session/session.h"
#include "ui/run_alarms.h"
#include "ui/session_metatypes.h"

class QAction;
class QDockWidget;
class QMenu;
class QStackedWidget;

namespace mmupt::ui {

class CheckpointsDialog;
class GettingStartedPanel;
class CompareRuns;
class LogPanel;
class MetricsPanel;
class RunDirectoryWatcher;
class RunSetupPanel;
class RunStatusBar;
class RunStore;
class SamplesPanel;
class SessionBridge;
class TrainProcess;
class VotePreviewPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    // `session` may be null (the studio passes create_session(); some tests pass none): then
    // everything that needs no engine still works.
    explicit MainWindow(std::unique_ptr<Session> session = nullptr, QWidget* parent = nullptr);
    ~MainWindow() override;

    bool openRunDirectory(const QString& dir);  // File ▸ Open run directory
    // File ▸ Add runs to compare: a run directory or a folder of them, overlaid on the cards.
    bool addCompareRun(const QString& dir);
    QString loadConfig(const QString& path);  // "" or the error
    void startTraining();                     // Run ▸ Start
    bool resumeRun(const QString& runDir);    // Run ▸ Resume from checkpoint, once picked
    void setDarkTheme(bool dark);
    bool darkTheme() const { return m_dark; }
    void resetLayout();
    QDockWidget* dock(const QString& objectName) const;

    // Test seams: answer yes/no questions without a modal box; the close-wait timeout.
    void setConfirmHandler(std::function<bool(const QString&)> confirm);
    // Unattended mode (--screenshot, tests): warnings and errors go to `handler` instead of a
    // message box.
    void setMessageHandler(std::function<void(const QString&)> handler);
    void showMessage(const QString& message) { warn(message); }
    void setCloseTimeoutMs(int ms) { m_closeTimeoutMs = ms; }

    Session* session() const { return m_session.get(); }
    RunStore* store() const { return m_store; }
    CompareRuns* compareRuns() const { return m_compare; }
    SessionBridge* bridge() const { return m_bridge; }
    RunDirectoryWatcher* watcher() const { return m_watcher; }
    RunSetupPanel* setupPanel() const { return m_setup; }
    VotePreviewPanel* votePreview() const { return m_preview; }
    SamplesPanel* samplesPanel() const { return m_samples; }
    MetricsPanel* metricsPanel() const { return m_metrics; }
    LogPanel* logPanel() const { return m_log; }
    RunStatusBar* runStatusBar() const { return m_status; }
    CheckpointsDialog* checkpointsDialog();
    GettingStartedPanel* gettingStarted() const { return m_guide; }

  signals:
    void runDirectoryOpened(const QString& dir);
    void runEnded(const mmupt::RunFinished& result);

  protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;

  private:
    // main_window.cpp: layout, menus, settings
    void buildDocks();
    void buildMenus();
    void buildRunMenu(QMenu* menu);
    void rebuildRecentMenu();
    void rebuildCompareMenu();
    void addRecentRun(const QString& dir);
    void restoreSettings();
    void saveSettings();
    bool confirm(const QString& question);
    void warn(const QString& message);
    void showEngineMissing();
    void buildGettingStarted();  // the empty state in the centre until a run shows
    void updateGettingStarted();
    // main_window_run.cpp: engine commands and events
    void connectBridge();
    void onStateChanged(RunState state);
    void onRunFinished(const RunFinished& result);
    void updateRunActions();
    void previewVotes(int numImages);
    void resumeFromCheckpoint();
    void acceptStart();  // the engine took the start: now the previous run leaves the screen
    void loadHistoryForResume(const QString& dir);
    void followLiveAlarms(const QString& runDir);
    void readLiveAlarms();
    void setRunTitle(const QString& runDir);
    void updateReplayOutcome();
    void togglePause(bool pause);
    void stopAtNextStep();
    void startDistributed(int processes);  // Start with Processes > 1: mmupt train --nproc N
    void cancelRun();
    void showCheckpoints();
    void exportCheckpoint(const QString& checkpointDir, const QString& outDir, bool replace,
                          const QString& dtype);
    bool runActive() const;
    bool waitForFinish();

    enum class Activity { none, training, preview, exporting };

    std::unique_ptr<Session> m_session;
    TrainProcess* m_trainProcess = nullptr;  // a `mmupt train --nproc N` child, when started
    SessionBridge* m_bridge;
    RunStore* m_store;
    CompareRuns* m_compare;
    RunDirectoryWatcher* m_watcher;
    RunSetupPanel* m_setup = nullptr;
    VotePreviewPanel* m_preview = nullptr;
    SamplesPanel* m_samples = nullptr;
    MetricsPanel* m_metrics = nullptr;
    LogPanel* m_log = nullptr;
    RunStatusBar* m_status = nullptr;
    CheckpointsDialog* m_checkpoints = nullptr;
    // alarms.jsonl of the run the engine is training (the watcher follows opened runs).
    std::unique_ptr<AlarmsTail> m_liveAlarms;
    std::vector<RunAlarm> m_pendingAlarms;  // read, but of a step the run has not reached yet
    GettingStartedPanel* m_guide = nullptr;
    QStackedWidget* m_centre = nullptr;
    bool m_previewDone = false;
    // A start the engine has not accepted yet: what is on screen stays until it does.
    struct PendingStart {
        bool active = false;
        QString runDir;
        int totalSteps = 0;
        size_t logsBefore = 0;  // log lines of this start begin here
    } m_pendingStart;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_compareMenu = nullptr;
    QAction* m_startAction = nullptr;
    QAction* m_pauseAction = nullptr;
    QAction* m_stopAction = nullptr;
    QAction* m_cancelAction = nullptr;
    QAction* m_resumeAction = nullptr;
    QAction* m_darkAction = nullptr;
    QByteArray m_defaultState;
    bool m_dark = false;
    bool m_layoutInitialised = false;
    RunState m_state = RunState::idle;
    Activity m_activity = Activity::none;
    bool m_finishedSeen = false;
    int m_closeTimeoutMs = 120000;
    std::function<bool(const QString&)> m_confirm;
    std::function<void(const QString&)> m_message;
};

}  // namespace mmupt::ui
