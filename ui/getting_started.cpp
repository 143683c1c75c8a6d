// GettingStartedPanel: four numbered rows, a button each, enabled in order.
#include "ui/getting_started.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QObject>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace mmupt::ui {

const std::vector<GettingStartedStep>& gettingStartedSteps() {
    static const std::vector<GettingStartedStep> steps = {
        {QObject::tr("Pick a model"),
         QObject::tr("A Qwen2-VL or Qwen2.5-VL folder as downloaded from Hugging Face "
                     "(Run setup ▸ Model).")},
        {QObject::tr("Pick a dataset"),
         QObject::tr("A folder of unlabeled images or a JSONL file (Run setup ▸ Dataset). For a "
                     "folder, check the question under Run setup ▸ Question.")},
        {QObject::tr("Preview the votes"),
         QObject::tr("See how sampled answers vote on a few images (Vote preview tab): a clear "
                     "majority on most of them means the self-reward carries signal.")},
        {QObject::tr("Start training"),
         QObject::tr("Check Training and Output in Run setup, then Start. Curves, samples and "
                     "the log update live; Pause and Stop are in the Run menu.")},
    };
    return steps;
}

QString gettingStartedHtml() {
    QString html = QObject::tr("<p>Training a model on your images takes four steps:</p><ol>");
    for (const GettingStartedStep& s : gettingStartedSteps())
        html += "<li><p><b>" + s.title.toHtmlEscaped() + "</b>. " + s.text.toHtmlEscaped() +
                "</p></li>";
    html += "</ol>" + QObject::tr(
                          "<p>To watch a run made elsewhere (by the command-line tool "
                          "or an earlier session), use File ▸ Open run directory.</p>");
    return html;
}

GettingStartedPanel::GettingStartedPanel(QWidget* parent) : QWidget(parent) {
    setObjectName("gettingStarted");
    // The steps scroll rather than squeeze when the centre is short (small screens).
    auto* page = new QWidget(this);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* title = new QLabel(tr("<h2>Getting started</h2>"), page);
    auto* grid = new QGridLayout;
    grid->setHorizontalSpacing(12);
    grid->setVerticalSpacing(8);
    const QStringList buttonText = {tr("Choose model folder…"), tr("Choose image folder…"),
                                    tr("Preview votes"), tr("Start training")};
    const auto& steps = gettingStartedSteps();
    for (int i = 0; i < 4; ++i) {
        auto* mark = new QLabel(page);
        mark->setAlignment(Qt::AlignTop | Qt::AlignHCenter);
        mark->setMinimumWidth(28);
        auto* text = new QLabel(
            QStringLiteral("<b>%1</b><br>%2")
                .arg(steps[size_t(i)].title.toHtmlEscaped(), steps[size_t(i)].text.toHtmlEscaped()),
            page);
        text->setWordWrap(true);
        auto* button = new QPushButton(buttonText[i], page);
        button->setObjectName(QStringLiteral("gettingStartedStep%1").arg(i + 1));
        auto* buttons = new QHBoxLayout;
        buttons->addWidget(button);
        if (i == 1) {
            m_fileButton = new QPushButton(tr("…or a JSONL file"), page);
            m_fileButton->setFlat(true);
            connect(m_fileButton, &QPushButton::clicked, this,
                    [this] { emit datasetRequested(false); });
            connect(button, &QPushButton::clicked, this, [this] { emit datasetRequested(true); });
            buttons->addWidget(m_fileButton);
        }
        m_buttons.push_back(button);
        buttons->addStretch(1);
        auto* cell = new QVBoxLayout;
        cell->addWidget(text);
        cell->addLayout(buttons);
        grid->addWidget(mark, i, 0);
        grid->addLayout(cell, i, 1);
        m_marks.push_back(mark);
    }
    connect(m_buttons[0], &QPushButton::clicked, this, &GettingStartedPanel::modelRequested);
    connect(m_buttons[2], &QPushButton::clicked, this, &GettingStartedPanel::previewRequested);
    connect(m_buttons[3], &QPushButton::clicked, this, &GettingStartedPanel::startRequested);
    auto* open = new QPushButton(tr("Open a run directory instead…"), page);
    open->setFlat(true);
    connect(open, &QPushButton::clicked, this, &GettingStartedPanel::openRunRequested);

    auto* column = new QVBoxLayout;
    column->addWidget(title);
    column->addLayout(grid);
    column->addWidget(open, 0, Qt::AlignLeft);
    column->addStretch(1);
    auto* outer = new QHBoxLayout(page);
    outer->addStretch(1);
    outer->addLayout(column, 4);
    outer->addStretch(1);
    scroll->setWidget(page);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
    setProgress(false, false, false, true);
}

bool GettingStartedPanel::stepDone(int step) const { return m_done[step]; }

bool GettingStartedPanel::stepEnabled(int step) const {
    if (step >= 2 && !m_engine) return false;
    for (int i = 0; i < step; ++i)
        if (!m_done[i]) return false;
    return true;
}

void GettingStartedPanel::setProgress(bool model, bool dataset, bool preview, bool engine) {
    m_done[0] = model;
    m_done[1] = dataset;
    m_done[2] = preview;
    m_engine = engine;
    for (int i = 0; i < 4; ++i) {
        m_buttons[size_t(i)]->setEnabled(stepEnabled(i));
        m_marks[size_t(i)]->setText(m_done[i] ? QStringLiteral("<h3 style='color:#2e9d3e'>✔</h3>")
                                              : QStringLiteral("<h3>%1</h3>").arg(i + 1));
    }
    m_fileButton->setEnabled(stepEnabled(1));
    if (!engine)
        for (int i : {2, 3})
            m_buttons[size_t(i)]->setToolTip(tr("The engine is not available in this build."));
}

}  // namespace mmupt::ui
