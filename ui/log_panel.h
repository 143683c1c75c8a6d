// The Log dock: log records from the engine (or a replayed train.log) with level colours, a
// minimum-level filter and a cap on kept lines. Appends in batches from a RunStore.
#pragma once
#include <QWidget>

class QComboBox;
class QPlainTextEdit;

namespace mmupt::ui {

class RunStore;

class LogPanel : public QWidget {
    Q_OBJECT
  public:
    explicit LogPanel(RunStore* store, QWidget* parent = nullptr);
    int lineCount() const;
    void appendMessage(const QString& text);  // a GUI-side note (e.g. "opened run ...")

  private:
    void rebuild();
    void append(int first, int count);
    RunStore* m_store;
    QComboBox* m_level;
    QPlainTextEdit* m_text;
};

}  // namespace mmupt::ui
