// applyTheme: Fusion + palette; plot colours and axis styling.
#include "ui/theme.h"

#include <qcustomplot.h>
#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

namespace mmupt::ui {

void applyTheme(bool dark) {
    QApplication::setStyle(QStyleFactory::create("Fusion"));
    if (!dark) {
        QApplication::setPalette(QApplication::style()->standardPalette());
        return;
    }
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x30), base(0x1f, 0x21, 0x23), text(0xdc, 0xdc, 0xdc);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Link, QColor(0x4f, 0xa3, 0xff));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xc1));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x8a, 0x8a));
    p.setColor(QPalette::Mid, QColor(0x60, 0x60, 0x60));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x80, 0x80, 0x80));
    QApplication::setPalette(p);
}

PlotColors plotColors(bool dark) {
    if (dark)
        return {QColor(0x26, 0x28, 0x2b), QColor(0xd0, 0xd0, 0xd0), QColor(0x44, 0x46, 0x4a),
                QColor(0x4f, 0xa3, 0xff), QColor(0xff, 0x6b, 0x5e)};
    return {Qt::white, QColor(0x30, 0x30, 0x30), QColor(0xe4, 0xe4, 0xe4), QColor(0x1f, 0x6f, 0xd1),
            QColor(0xd0, 0x35, 0x2b)};
}

void stylePlot(QCustomPlot* plot, bool dark) {
    const PlotColors c = plotColors(dark);
    plot->setBackground(c.background);
    for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) {
        axis->setBasePen(QPen(c.foreground));
        axis->setTickPen(QPen(c.foreground));
        axis->setSubTickPen(QPen(c.foreground));
        axis->setTickLabelColor(c.foreground);
        axis->setLabelColor(c.foreground);
        axis->grid()->setPen(QPen(c.grid, 1, Qt::DotLine));
    }
}

}  // namespace mmupt::ui
