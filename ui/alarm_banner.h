// The collapse-alarm banner over the metrics: shown only while the run has alarms (alarms.jsonl
// lines, or steps whose metrics say collapse/alarm = 1), naming for each its step, action (warn,
// stop, rollback) and reasons; red for stop / rollback, amber for warn. ✕ hides it until a new
// alarm arrives. The text is a pure function (alarmBannerHtml) so it is tested without a window.
#pragma once
#include <QFrame>
#include <vector>

#include "ui/run_alarms.h"

class QLabel;

namespace mmupt::ui {

// The banner's HTML; "" when there is nothing to show. `flaggedSteps`: every alarm step (from
// RunStore::alarmSteps); those without an alarms.jsonl record are listed as such. At most the
// last `maxShown` alarms are spelled out, the count of the others is given.
QString alarmBannerHtml(const std::vector<RunAlarm>& alarms, const std::vector<int>& flaggedSteps,
                        int maxShown = 3);

class AlarmBanner : public QFrame {
    Q_OBJECT
  public:
    explicit AlarmBanner(QWidget* parent = nullptr);
    void setAlarms(const std::vector<RunAlarm>& alarms, const std::vector<int>& flaggedSteps);
    QString text() const;
    bool dismissed() const { return m_dismissed; }

  private:
    QLabel* m_label;
    size_t m_shownCount = 0;  // alarms + flagged steps when it was last shown
    bool m_dismissed = false;
};

}  // namespace mmupt::ui
