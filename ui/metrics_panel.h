// The Metrics view: a grid of MetricCards (reward, majority ratio, no-answer rate, zero-variance
// groups, KL, policy loss, entropy, response length, learning rate, tokens/s, and label / reward
// accuracy when the data has labels), the vote's health (a card per collapse/* signal, the
// answer distribution, a banner and a line on every curve at each collapse alarm), the agreement
// heat map, and shared controls (smoothing slider, x axis step/time, follow all). Fed by a
// RunStore. Data is appended at once, drawing is throttled (at most every kRedrawMs, shown cards
// only) so a flood of steps never starves the event loop. Runs opened for comparison (CompareRuns)
// are overlaid on every card, with a run legend above the cards (colour, name, show/hide, remove).
#pragma once
#include <QColor>
#include <QElapsedTimer>
#include <QWidget>
#include <vector>

#include "ui/session_metatypes.h"

class QSlider;
class QComboBox;
class QTimer;

namespace mmupt::ui {

class AgreementHeatmap;
class AlarmBanner;
class AnswerDistributionView;
class CompareRuns;
class MetricCard;
class RunStore;

class MetricsPanel : public QWidget {
    Q_OBJECT
  public:
    explicit MetricsPanel(RunStore* store, QWidget* parent = nullptr);
    const std::vector<MetricCard*>& cards() const { return m_cards; }
    MetricCard* card(const QString& key) const;  // by its first key, or nullptr
    AgreementHeatmap* heatmap() const { return m_heatmap; }
    AnswerDistributionView* answerDistribution() const { return m_answers; }
    AlarmBanner* alarmBanner() const { return m_banner; }
    void setDark(bool dark);
    void setSmoothing(double weight);
    void redrawNow();  // draws what is pending (the throttle timer calls this)
    void setCompareRuns(CompareRuns* runs);
    void setCurrentRunName(const QString& name);  // the current run's name in legend and hover
    QWidget* runLegend() const { return m_legend; }
    int legendEntries() const;  // runs listed in the legend (0 while nothing is compared)

  protected:
    void showEvent(QShowEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

  private:
    MetricCard* addCard(const QString& title, const QStringList& keys, bool optional);
    void addCollapseCards();
    void onAlarmsChanged();
    void updateEmptyTexts();
    // Appends steps [first, first + count) to every card's series of `runId` ("" = current).
    void feedCards(const QString& runId, const std::vector<StepMetrics>& steps, int first,
                   int count);
    void onStepsAppended(int first, int count);
    void onGroupsAppended(int first, int count);
    void onCleared();
    void scheduleRedraw();
    void layoutCards(int columns);
    void onCompareRunAdded(const QString& dir);
    void onCompareSteps(const QString& dir, int first, int count);
    void rebuildLegend();
    void showOptionalCards();

    RunStore* m_store;
    CompareRuns* m_compare = nullptr;
    QString m_currentName;
    QColor m_currentColor;  // the current run: the theme accent
    QWidget* m_legend;
    std::vector<MetricCard*> m_cards;
    std::vector<bool> m_optional;
    AgreementHeatmap* m_heatmap;
    AnswerDistributionView* m_answers;
    AlarmBanner* m_banner;
    QSlider* m_smoothing;
    QComboBox* m_xAxis;
    QWidget* m_grid;
    int m_columns = 0;
    QTimer* m_redrawTimer;
    QElapsedTimer m_sinceRedraw;
};

}  // namespace mmupt::ui
