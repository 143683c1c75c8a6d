// LogPanel: HTML lines into a QPlainTextEdit with a block cap.
#include "ui/log_panel.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QVBoxLayout>

#include "ui/run_store.h"

namespace mmupt::ui {

namespace {
QString lineHtml(const LogRecord& r) {
    static const char* colours[] = {"#808080", "", "#b26a00", "#d0352b"};
    int level = static_cast<int>(r.level);
    QString time =
        r.time_s > 0 ? QDateTime::fromMSecsSinceEpoch(qint64(r.time_s * 1000)).toString("HH:mm:ss ")
                     : QString();
    QString text = (time + QString::fromStdString(r.message)).toHtmlEscaped();
    if (level < 0 || level > 3 || !*colours[level]) return text;
    return QStringLiteral("<span style='color:%1'>%2</span>").arg(colours[level], text);
}
}  // namespace

LogPanel::LogPanel(RunStore* store, QWidget* parent) : QWidget(parent), m_store(store) {
    setObjectName("logPanel");
    m_level = new QComboBox(this);
    m_level->addItems({tr("debug"), tr("info"), tr("warning"), tr("error")});
    m_level->setCurrentIndex(1);
    m_text = new QPlainTextEdit(this);
    m_text->setObjectName("logText");
    m_text->setReadOnly(true);
    m_text->setMaximumBlockCount(20000);
    m_text->setFont(QFont("monospace"));
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Minimum level"), this));
    top->addWidget(m_level);
    top->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(top);
    layout->addWidget(m_text, 1);
    connect(m_level, &QComboBox::currentIndexChanged, this, &LogPanel::rebuild);
    connect(store, &RunStore::logsAppended, this, &LogPanel::append);
    connect(store, &RunStore::cleared, m_text, &QPlainTextEdit::clear);
}

void LogPanel::append(int first, int count) {
    QScrollBar* bar = m_text->verticalScrollBar();
    bool atEnd = bar->value() == bar->maximum();
    // Under a flood only the newest lines of a batch are worth drawing.
    constexpr int kMaxPerBatch = 500;
    if (count > kMaxPerBatch) {
        m_text->appendHtml(
            tr("<i>… %1 lines not shown (see train.log)</i>").arg(count - kMaxPerBatch));
        first += count - kMaxPerBatch;
        count = kMaxPerBatch;
    }
    for (int i = first; i < first + count; ++i) {
        const LogRecord& r = m_store->logs()[static_cast<size_t>(i)];
        if (static_cast<int>(r.level) >= m_level->currentIndex()) m_text->appendHtml(lineHtml(r));
    }
    if (atEnd) bar->setValue(bar->maximum());
}

void LogPanel::rebuild() {
    m_text->clear();
    append(0, static_cast<int>(m_store->logs().size()));
}

void LogPanel::appendMessage(const QString& text) {
    m_text->appendHtml("<i>" + text.toHtmlEscaped() + "</i>");
}

int LogPanel::lineCount() const { return m_text->document()->blockCount(); }

}  // namespace mmupt::ui
