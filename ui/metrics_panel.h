// The Metrics view: a grid of MetricCards (reward, majority ratio, no-answer rate, zero-variance
// groups, KL, policy loss, entropy, response length, learning rate, tokens/s, and label / reward
// accuracy when the data has labels), the agreement heat map, and shared controls (smoothing
// slider, x axis step/time, follow all). Fed by a RunStore. Data is appended at once, drawing
// is throttled (at most every kRedrawMs, shown cards only) so a flood of steps never starves
// the event loop.
#pragma once
#include <QElapsedTimer>
#include <QWidget>
#include <vector>

class QSlider;
class QComboBox;
class QTimer;

namespace mmupt::ui {

class AgreementHeatmap;
class MetricCard;
class RunStore;

class MetricsPanel : public QWidget {
    Q_OBJECT
  public:
    explicit MetricsPanel(RunStore* store, QWidget* parent = nullptr);
    const std::vector<MetricCard*>& cards() const { return m_cards; }
    MetricCard* card(const QString& key) const;  // by its first key, or nullptr
    AgreementHeatmap* heatmap() const { return m_heatmap; }
    void setDark(bool dark);
    void setSmoothing(double weight);
    void redrawNow();  // draws what is pending (the throttle timer calls this)

  protected:
    void showEvent(QShowEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

  private:
    void addCard(const QString& title, const QStringList& keys, bool optional);
    void onStepsAppended(int first, int count);
    void onGroupsAppended(int first, int count);
    void onCleared();
    void scheduleRedraw();
    void layoutCards(int columns);

    RunStore* m_store;
    std::vector<MetricCard*> m_cards;
    std::vector<bool> m_optional;
    AgreementHeatmap* m_heatmap;
    QSlider* m_smoothing;
    QComboBox* m_xAxis;
    QWidget* m_grid;
    int m_columns = 0;
    QTimer* m_redrawTimer;
    QElapsedTimer m_sinceRedraw;
};

}  // namespace mmupt::ui
