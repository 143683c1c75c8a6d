// The mmupt-studio main window. For now a shell with the menus; the docks (run setup, vote
// preview, live samples, metrics, log) arrive with the Studio issue.
#pragma once
#include <QMainWindow>

namespace mmupt::ui {

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    explicit MainWindow(QWidget* parent = nullptr);
};

}  // namespace mmupt::ui
