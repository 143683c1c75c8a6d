// RunSetupPanel: pickers, config file I/O, CLI line.
#include "ui/run_setup_panel.h"

#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QTextStream>
#include <QVBoxLayout>
#include <algorithm>
#include <exception>

#include "ui/config_form.h"
#include "ui/image_cache.h"
#include "ui/setup_checks.h"

namespace mmupt::ui {

namespace {
QString shellQuote(const QString& s) {
    static const QString safe =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        "_-./=:,+@%";
    bool plain =
        !s.isEmpty() && std::all_of(s.begin(), s.end(), [](QChar c) { return safe.contains(c); });
    if (plain) return s;
    QString q = s;
    return "'" + q.replace("'", "'\\''") + "'";
}

// "356 K" / "2200 M": a tiny test model is not "0 M".
QString parameterCountText(long long n) {
    return n < 1000000 ? QStringLiteral("%1 K").arg(n / 1e3, 0, 'f', 0)
                       : QStringLiteral("%1 M").arg(n / 1e6, 0, 'f', 0);
}
QString memoryText(double gb) {
    return gb < 1.0 ? QStringLiteral("%1 MB").arg(std::max(1.0, gb * 1e3), 0, 'f', 0)
                    : QStringLiteral("%1 GB").arg(gb, 0, 'f', 1);
}
}  // namespace

RunSetupPanel::RunSetupPanel(Session* session, QWidget* parent)
    : QWidget(parent), m_session(session) {
    setObjectName("runSetupPanel");
    m_form = new ConfigForm({"model.path", "data.train_files"}, this);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setWidget(m_form);

    auto* load = new QPushButton(tr("Load config…"), this);
    auto* save = new QPushButton(tr("Save config…"), this);
    auto* copy = new QPushButton(tr("Copy as CLI command"), this);
    copy->setToolTip(
        tr("mmupt train CONFIG.yaml --set key=value … for the edits since the "
           "config was loaded or saved"));
    connect(load, &QPushButton::clicked, this, &RunSetupPanel::loadConfigDialog);
    connect(save, &QPushButton::clicked, this, &RunSetupPanel::saveConfigDialog);
    connect(copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(cliCommand()); });
    m_configLabel = new QLabel(tr("Config: defaults"), this);
    m_configLabel->setWordWrap(true);
    m_start = new QPushButton(tr("Start training"), this);
    m_start->setObjectName("startButton");
    connect(m_start, &QPushButton::clicked, this, &RunSetupPanel::startRequested);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(load);
    buttons->addWidget(save);
    buttons->addWidget(copy);
    auto* layout = new QVBoxLayout(this);
    if (!session) {
        auto* banner = new QLabel(
            tr("<b>The training engine is not available in this build.</b> Opening and "
               "replaying run directories and editing configs work; Start, Preview and Export "
               "need the engine."),
            this);
        banner->setObjectName("engineBanner");
        banner->setWordWrap(true);
        banner->setStyleSheet(
            "background:#fff3cd; color:#664d03; padding:6px; "
            "border:1px solid #ffe69c; border-radius:4px;");
        layout->addWidget(banner);
    }
    layout->addWidget(buildPickers());
    layout->addLayout(buttons);
    layout->addWidget(m_configLabel);
    layout->addWidget(scroll, 1);
    layout->addWidget(m_start);
}

QWidget* RunSetupPanel::buildPickers() {
    auto* box = new QWidget(this);
    auto* form = new QFormLayout(box);
    form->setContentsMargins(0, 0, 0, 0);
    m_modelEdit = new QLineEdit(box);
    m_modelEdit->setObjectName("modelPath");
    m_modelEdit->setPlaceholderText(tr("Hugging Face model directory"));
    auto* modelBrowse = new QPushButton(tr("Browse…"), box);
    connect(modelBrowse, &QPushButton::clicked, this, &RunSetupPanel::browseModel);
    connect(m_modelEdit, &QLineEdit::editingFinished, this, [this] {
        if (m_modelEdit->text() != m_form->value("model.path")) pickModel(m_modelEdit->text());
    });
    auto* modelRow = new QHBoxLayout;
    modelRow->addWidget(m_modelEdit, 1);
    modelRow->addWidget(modelBrowse);
    m_modelStatus = new QLabel(box);
    m_modelStatus->setObjectName("modelStatus");
    m_modelStatus->setWordWrap(true);

    m_datasetEdit = new QLineEdit(box);
    m_datasetEdit->setObjectName("datasetPath");
    m_datasetEdit->setPlaceholderText(tr("JSONL file or image folder"));
    auto* fileBrowse = new QPushButton(tr("File…"), box);
    auto* folderBrowse = new QPushButton(tr("Folder…"), box);
    connect(fileBrowse, &QPushButton::clicked, this, [this] { browseDataset(false); });
    connect(folderBrowse, &QPushButton::clicked, this, [this] { browseDataset(true); });
    connect(m_datasetEdit, &QLineEdit::editingFinished, this, [this] {
        if (listItems(m_form->value("data.train_files")).value(0) != m_datasetEdit->text())
            pickDataset(m_datasetEdit->text());
    });
    auto* dataRow = new QHBoxLayout;
    dataRow->addWidget(m_datasetEdit, 1);
    dataRow->addWidget(fileBrowse);
    dataRow->addWidget(folderBrowse);
    m_datasetStatus = new QLabel(box);
    m_datasetStatus->setObjectName("datasetStatus");
    m_datasetStatus->setWordWrap(true);
    m_thumbs = new QListWidget(box);
    m_thumbs->setObjectName("datasetThumbnails");
    m_thumbs->setViewMode(QListView::IconMode);
    m_thumbs->setFlow(QListView::LeftToRight);
    m_thumbs->setWrapping(false);
    m_thumbs->setIconSize(QSize(56, 56));
    m_thumbs->setFixedHeight(74);
    m_thumbs->hide();

    form->addRow(tr("Model"), modelRow);
    form->addRow(QString(), m_modelStatus);
    form->addRow(tr("Dataset"), dataRow);
    form->addRow(QString(), m_datasetStatus);
    form->addRow(QString(), m_thumbs);
    return box;
}

void RunSetupPanel::showStatus(QLabel* label, const QStringList& errors,
                               const QStringList& warnings, const QString& summary) {
    QString html;
    for (const QString& e : errors)
        html += "<div style='color:#d0352b'>✖ " + e.toHtmlEscaped() + "</div>";
    if (errors.isEmpty() && !summary.isEmpty())
        html += "<div style='color:#2e7d32'>✔ " + summary.toHtmlEscaped() + "</div>";
    for (const QString& w : warnings)
        html += "<div style='color:#b26a00'>⚠ " + w.toHtmlEscaped() + "</div>";
    label->setText(html);
}

bool RunSetupPanel::pickModel(const QString& dir) {
    m_modelEdit->setText(dir);
    m_form->setValue("model.path", dir);
    ModelCheck check = checkModelDirectory(dir);  // cheap file checks first, engine or not
    if (check.ok() && m_session) {
        try {
            ModelSummary s = m_session->inspect_model(dir.toStdString(), configSource());
            check.summary =
                QStringLiteral("%1 · %2 · %3 parameters · %4 · ~%5")
                    .arg(QString::fromStdString(s.architecture),
                         QString::fromStdString(s.model_type), parameterCountText(s.num_parameters),
                         QString::fromStdString(s.dtype), memoryText(s.estimated_memory_gb));
            for (const auto& w : s.warnings) check.warnings << QString::fromStdString(w);
        } catch (const std::exception& e) {
            check.errors << QString::fromUtf8(e.what());
        }
    }
    showStatus(m_modelStatus, check.errors, check.warnings, check.summary);
    return check.ok();
}

bool RunSetupPanel::pickDataset(const QString& path) {
    m_datasetEdit->setText(path);
    m_form->setValue("data.train_files", listText({path}));
    DatasetCheck check = checkDataset(path);
    QString summary = tr("%1 examples · %2 images · %3 labelled")
                          .arg(check.examples)
                          .arg(check.imagesFound)
                          .arg(check.labelled);
    if (!check.questionKey.isEmpty() || !check.labelKey.isEmpty())
        summary += tr(" · keys: question '%1', image '%2', label '%3'")
                       .arg(check.questionKey, check.imageKey,
                            check.labelKey.isEmpty() ? tr("none") : check.labelKey);
    if (check.ok() && m_session) {
        try {
            DatasetSummary s = m_session->inspect_dataset(configSource());
            summary = tr("%1 examples · %2 images ok · %3 skipped · %4 labelled")
                          .arg(s.examples)
                          .arg(s.images_ok)
                          .arg(s.images_skipped)
                          .arg(s.labelled);
            for (const auto& w : s.warnings) check.warnings << QString::fromStdString(w);
            if (s.examples == 0)  // the engine skipped every record: nothing to train on
                check.errors << tr("No usable example: every record was skipped (see below).");
        } catch (const std::exception& e) {
            check.errors << QString::fromUtf8(e.what());
        }
    }
    showStatus(m_datasetStatus, check.errors, check.warnings, summary);
    m_thumbs->clear();
    for (const QString& p : check.thumbnails)
        m_thumbs->addItem(new QListWidgetItem(QIcon(thumbnail(p, 56)), QString()));
    m_thumbs->setVisible(!check.thumbnails.isEmpty());
    return check.ok();
}

QString RunSetupPanel::modelStatus() const { return m_modelStatus->text(); }
QString RunSetupPanel::datasetStatus() const { return m_datasetStatus->text(); }
int RunSetupPanel::thumbnailCount() const { return m_thumbs->count(); }

QString RunSetupPanel::loadConfigText(const QString& yaml, const QString& origin) {
    m_lastLoadParsed = false;
    QStringList problems;
    try {
        problems = m_form->loadYaml(yaml, origin);
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    m_lastLoadParsed = true;
    m_baseValues = m_form->values();
    m_modelEdit->setText(m_form->value("model.path"));
    m_datasetEdit->setText(listItems(m_form->value("data.train_files")).value(0));
    return problems.join('\n');
}

QString RunSetupPanel::loadConfigFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return tr("Cannot read %1: %2").arg(path, f.errorString());
    QString error = loadConfigText(QTextStream(&f).readAll(), QFileInfo(path).fileName());
    if (m_lastLoadParsed) {  // problems in single fields still load the rest
        m_configPath = path;
        m_configLabel->setText(tr("Config: %1").arg(path));
        emit configFileChanged(path);
    }
    return error;
}

QString RunSetupPanel::saveConfigFile(const QString& path) {
    QString yaml;
    try {
        yaml = m_form->toYaml();
    } catch (const std::exception& e) {
        return tr("Fix the config before saving: %1").arg(QString::fromUtf8(e.what()));
    }
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Text | QIODevice::Truncate))
        return tr("Cannot write %1: %2").arg(path, f.errorString());
    QTextStream(&f) << yaml;
    if (f.error() != QFile::NoError) return tr("Writing %1 failed").arg(path);
    m_configPath = path;
    m_baseValues = m_form->values();
    m_configLabel->setText(tr("Config: %1").arg(path));
    emit configFileChanged(path);
    return {};
}

ConfigSource RunSetupPanel::configSource() const {
    ConfigSource source;
    source.yaml_path = m_configPath.toStdString();
    for (const QString& o : m_form->overridesAgainst(m_baseValues))
        source.overrides.push_back(o.toStdString());
    return source;
}

QString RunSetupPanel::cliCommand() const {
    QStringList parts{"mmupt", "train",
                      shellQuote(m_configPath.isEmpty() ? "CONFIG.yaml" : m_configPath)};
    for (const QString& o : m_form->overridesAgainst(m_baseValues))
        parts << "--set" << shellQuote(o);
    return parts.join(' ');
}

void RunSetupPanel::setStartEnabled(bool enabled) { m_start->setEnabled(enabled); }

void RunSetupPanel::browseModel() {
    QString dir =
        QFileDialog::getExistingDirectory(this, tr("Model directory"), m_modelEdit->text());
    if (!dir.isEmpty()) pickModel(dir);
}

void RunSetupPanel::browseDataset(bool folder) {
    QString path = folder ? QFileDialog::getExistingDirectory(this, tr("Image folder"))
                          : QFileDialog::getOpenFileName(this, tr("Dataset"), QString(),
                                                         tr("Datasets (*.jsonl *.json)"));
    if (!path.isEmpty()) pickDataset(path);
}

void RunSetupPanel::loadConfigDialog() {
    QString path =
        QFileDialog::getOpenFileName(this, tr("Load config"), QString(), tr("YAML (*.yaml *.yml)"));
    if (path.isEmpty()) return;
    QString error = loadConfigFile(path);
    if (!error.isEmpty())
        m_configLabel->setText("<span style='color:#d0352b'>" + error.toHtmlEscaped() + "</span>");
}

void RunSetupPanel::saveConfigDialog() {
    QString path = QFileDialog::getSaveFileName(this, tr("Save config"), "config.yaml",
                                                tr("YAML (*.yaml *.yml)"));
    if (path.isEmpty()) return;
    QString error = saveConfigFile(path);
    if (!error.isEmpty()) m_configLabel->setText(error);
}

}  // namespace mmupt::ui
