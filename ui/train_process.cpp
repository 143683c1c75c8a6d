// TrainProcess (train_process.h): QProcess around `mmupt train --nproc N`.
#include "ui/train_process.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace mmupt::ui {

TrainProcess::TrainProcess(QObject* parent) : QObject(parent) {
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    connect(&m_process, &QProcess::readyRead, this, [this] {
        m_tail += QString::fromUtf8(m_process.readAll());
        if (m_tail.size() > 8000) m_tail = m_tail.right(8000);
    });
    connect(&m_process, qOverload<int, QProcess::ExitStatus>(&QProcess::finished), this,
            [this](int code, QProcess::ExitStatus status) {
                emit finished(status == QProcess::NormalExit ? code : -1, outputTail());
            });
}

TrainProcess::~TrainProcess() {
    if (running()) {  // the window closes: the ranks checkpoint and end, as on Ctrl-C
        m_process.terminate();
        m_process.waitForFinished(3000);
    }
}

QStringList TrainProcess::trainArguments(const ConfigSource& source, int processes) {
    QStringList args{"train"};
    if (!source.yaml_path.empty()) args << QString::fromStdString(source.yaml_path);
    for (const std::string& o : source.overrides) args << "--set" << QString::fromStdString(o);
    args << "--nproc" << QString::number(processes);
    return args;
}

QString TrainProcess::cliPath() {
    const QString here = QCoreApplication::applicationDirPath();
    for (const QString& candidate :
         {here + "/mmupt", here + "/../app/mmupt", here + "/../../app/mmupt"}) {
        QFileInfo f(candidate);
        if (f.isFile() && f.isExecutable()) return f.canonicalFilePath();
    }
    return {};
}

QString TrainProcess::start(const QString& program, const QStringList& args) {
    if (running()) return tr("a training process is already running");
    m_tail.clear();
    m_process.start(program, args);
    if (!m_process.waitForStarted(5000))
        return tr("could not start %1: %2").arg(program, m_process.errorString());
    return {};
}

void TrainProcess::stop() {
    if (running()) m_process.terminate();
}

QString TrainProcess::outputTail() const {
    QStringList lines = m_tail.split('\n', Qt::SkipEmptyParts);
    while (lines.size() > 12) lines.removeFirst();
    return lines.join('\n');
}

}  // namespace mmupt::ui
