// AlarmBanner: a styled QFrame with the alarms' HTML and a close button.
#include "ui/alarm_banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <algorithm>

namespace mmupt::ui {

namespace {
bool severe(const RunAlarm& a) { return a.action == "stop" || a.action == "rollback"; }

QString actionText(const QString& action) {
    if (action == "stop") return QObject::tr("stopped the run (checkpoint saved)");
    if (action == "rollback")
        return QObject::tr("rolled back to the last checkpoint and lowered the learning rate");
    if (action == "warn") return QObject::tr("warning only, training went on");
    return action.toHtmlEscaped();
}
}  // namespace

QString alarmBannerHtml(const std::vector<RunAlarm>& alarms, const std::vector<int>& flaggedSteps,
                        int maxShown) {
    std::vector<int> unrecorded;  // flagged by the metric, no alarms.jsonl line (yet)
    for (int step : flaggedSteps)
        if (std::none_of(alarms.begin(), alarms.end(),
                         [step](const RunAlarm& a) { return a.step == step; }))
            unrecorded.push_back(step);
    if (alarms.empty() && unrecorded.empty()) return {};
    const int total = static_cast<int>(alarms.size() + unrecorded.size());
    QString html = (total == 1 ? QObject::tr("<b>⚠ Collapse alarm</b>")
                               : QObject::tr("<b>⚠ %1 collapse alarms</b>").arg(total)) +
                   QObject::tr(
                       ": the self-reward may be collapsing — read the marked steps' "
                       "samples before trusting the curves.");
    const int first = std::max(0, static_cast<int>(alarms.size()) - maxShown);
    if (first > 0) html += QObject::tr("<br>… %1 earlier not shown.").arg(first);
    for (size_t i = static_cast<size_t>(first); i < alarms.size(); ++i) {
        const RunAlarm& a = alarms[i];
        QStringList reasons;
        for (const QString& r : a.reasons) reasons << r.toHtmlEscaped();
        html +=
            QObject::tr("<br><b>Step %1</b> · <b>%2</b> (%3) · %4")
                .arg(a.step)
                .arg(a.action.toHtmlEscaped(), actionText(a.action),
                     reasons.isEmpty() ? QObject::tr("no reason recorded") : reasons.join("; "));
    }
    if (!unrecorded.empty()) {
        QStringList steps;
        for (int s : unrecorded) steps << QString::number(s);
        html += QObject::tr(
                    "<br><b>Step(s) %1</b>: collapse/alarm in metrics.jsonl; reasons not "
                    "in alarms.jsonl (yet).")
                    .arg(steps.join(", "));
    }
    return html;
}

AlarmBanner::AlarmBanner(QWidget* parent) : QFrame(parent) {
    setObjectName("alarmBanner");
    m_label = new QLabel(this);
    m_label->setObjectName("alarmBannerText");
    m_label->setWordWrap(true);
    m_label->setTextFormat(Qt::RichText);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* close = new QToolButton(this);
    close->setText("✕");
    close->setAutoRaise(true);
    close->setToolTip(tr("Hide until the next alarm"));
    connect(close, &QToolButton::clicked, this, [this] {
        m_dismissed = true;
        hide();
    });
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 4, 4);
    layout->addWidget(m_label, 1);
    layout->addWidget(close, 0, Qt::AlignTop);
    hide();
}

void AlarmBanner::setAlarms(const std::vector<RunAlarm>& alarms,
                            const std::vector<int>& flaggedSteps) {
    const QString html = alarmBannerHtml(alarms, flaggedSteps);
    const size_t count = alarms.size() + flaggedSteps.size();
    // A new alarm shows again; so does any alarm of the next run (the store was cleared).
    if (count > m_shownCount || count == 0) m_dismissed = false;
    m_shownCount = count;
    m_label->setText(html);
    const bool red = std::any_of(alarms.begin(), alarms.end(), severe);
    setStyleSheet(red ? "#alarmBanner{background:#f8d7da; border:1px solid #f1aeb5; "
                        "border-radius:4px;} #alarmBanner QLabel{color:#58151c;}"
                      : "#alarmBanner{background:#fff3cd; border:1px solid #ffe69c; "
                        "border-radius:4px;} #alarmBanner QLabel{color:#664d03;}");
    setVisible(!html.isEmpty() && !m_dismissed);
}

QString AlarmBanner::text() const { return m_label->text(); }

}  // namespace mmupt::ui
