#include "ui/main_window.h"

#include <QApplication>
#include <QLabel>
#include <QMenuBar>

#include "core/version.h"

namespace mmupt::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setObjectName("mainWindow");
    setWindowTitle("mmupt studio");
    resize(1280, 800);
    auto* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::quit);
    auto* label = new QLabel(QString::fromStdString(mmupt::version_banner()), this);
    label->setAlignment(Qt::AlignCenter);
    setCentralWidget(label);
}

}  // namespace mmupt::ui
