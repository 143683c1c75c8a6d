// The first-run path: the four steps (model → dataset → vote preview → start) as an empty state
// for the centre of the window, each step's button enabled once the one before is done, and the
// same steps as the text of Help ▸ Getting started. Knows nothing of the engine: the window
// tells it what is done and acts on its requests.
#pragma once
#include <QString>
#include <QWidget>
#include <vector>

class QLabel;
class QPushButton;

namespace mmupt::ui {

struct GettingStartedStep {
    QString title;  // "Pick a model"
    QString text;   // one or two sentences: what and where
};
const std::vector<GettingStartedStep>& gettingStartedSteps();
QString gettingStartedHtml();  // the steps as an ordered list, for Help ▸ Getting started

class GettingStartedPanel : public QWidget {
    Q_OBJECT
  public:
    explicit GettingStartedPanel(QWidget* parent = nullptr);

    // What is done so far; `engine` false disables preview and start (and says why).
    void setProgress(bool model, bool dataset, bool preview, bool engine);
    bool stepEnabled(int step) const;  // 0..3
    bool stepDone(int step) const;
    QPushButton* stepButton(int step) const { return m_buttons.at(size_t(step)); }

  signals:
    void modelRequested();
    void datasetRequested(bool folder);
    void previewRequested();
    void startRequested();
    void openRunRequested();

  private:
    std::vector<QPushButton*> m_buttons;
    std::vector<QLabel*> m_marks;
    QPushButton* m_fileButton = nullptr;  // step 2's "…or a JSONL file"
    bool m_done[4] = {false, false, false, false};
    bool m_engine = true;
};

}  // namespace mmupt::ui
