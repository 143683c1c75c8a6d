// RunSetupPanel: layout, pickers and their checks. Config files, the CLI line, settings and the
// output-directory question: run_setup_config.cpp.
#include "ui/run_setup_panel.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <exception>

#include "core/session/device_slots.h"
#include "ui/advanced_settings_dialog.h"
#include "ui/config_form.h"
#include "ui/engine_messages.h"
#include "ui/fit_indicator.h"
#include "ui/image_cache.h"
#include "ui/question_template.h"
#include "ui/setup_checks.h"
#include "ui/setup_essentials.h"

namespace mmupt::ui {

namespace {
constexpr int kThumbSize = 40;

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
    m_form = new ConfigForm(panelKeys(), this);
    m_advanced = new AdvancedSettingsDialog(m_form, this);
    m_form->setValue("trainer.output_dir", autoRunDirectory());

    auto* content = new QWidget(this);
    content->setObjectName("setupContent");
    auto* column = new QVBoxLayout(content);
    column->setContentsMargins(4, 4, 4, 4);
    if (!session) {
        auto* banner = new QLabel(
            tr("<b>The training engine is not available in this build.</b> Opening and "
               "replaying run directories and editing configs work; Start, Preview and Export "
               "need the engine."),
            content);
        banner->setObjectName("engineBanner");
        banner->setWordWrap(true);
        banner->setStyleSheet(
            "background:#fff3cd; color:#664d03; padding:6px; "
            "border:1px solid #ffe69c; border-radius:4px;");
        column->addWidget(banner);
    }
    column->addWidget(buildPickers());

    auto* training = new QGroupBox(tr("Training"), content);
    auto* trainingLayout = new QVBoxLayout(training);
    trainingLayout->setContentsMargins(6, 4, 6, 4);
    trainingLayout->addWidget(buildEssentials(m_form, training));
    m_fit = new FitIndicator(
        m_form, [this] { return configSource(); }, training);
    trainingLayout->addWidget(m_fit);
    auto* all = new QPushButton(tr("All settings…"), training);
    all->setObjectName("allSettingsButton");
    all->setToolTip(tr("Every other setting, grouped and searchable, with its documentation"));
    connect(all, &QPushButton::clicked, this, &RunSetupPanel::openAdvancedSettings);
    auto* lastRow = new QHBoxLayout;  // Processes on the left, All settings on the right
    lastRow->addWidget(buildProcessesRow(training));
    lastRow->addStretch(1);
    lastRow->addWidget(all);
    trainingLayout->addLayout(lastRow);
    column->addWidget(training);

    auto* load = new QPushButton(tr("Load config…"), content);
    auto* save = new QPushButton(tr("Save config…"), content);
    auto* copy = new QPushButton(tr("Copy as CLI"), content);
    copy->setToolTip(
        tr("Copies mmupt train CONFIG.yaml --set key=value … for the edits since the "
           "config was loaded or saved"));
    connect(load, &QPushButton::clicked, this, &RunSetupPanel::loadConfigDialog);
    connect(save, &QPushButton::clicked, this, &RunSetupPanel::saveConfigDialog);
    connect(copy, &QPushButton::clicked, this, &RunSetupPanel::copyCliCommand);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(load);
    buttons->addWidget(save);
    buttons->addWidget(copy);
    column->addLayout(buttons);
    m_configLabel = new QLabel(tr("Config: defaults"), content);
    m_configLabel->setObjectName("configStatus");
    m_configLabel->setWordWrap(true);
    column->addWidget(m_configLabel);
    column->addStretch(1);

    m_scroll = new QScrollArea(this);
    m_scroll->setObjectName("setupScroll");
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scroll->setWidget(content);
    m_start = new QPushButton(tr("Start training"), this);
    m_start->setObjectName("startButton");
    connect(m_start, &QPushButton::clicked, this, &RunSetupPanel::startRequested);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 4);
    layout->addWidget(m_scroll, 1);
    layout->addWidget(m_start);
    connect(m_form, &ConfigForm::valueChanged, this, [this] { saveLastSetup(); });
}

QWidget* RunSetupPanel::buildProcessesRow(QWidget* parent) {
    auto* row = new QWidget(parent);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* label = new QLabel(tr("Processes"), row);
    m_nproc = new QSpinBox(row);
    m_nproc->setObjectName("nprocSpin");
    label->setBuddy(m_nproc);
    layout->addWidget(label);
    layout->addWidget(m_nproc);
    auto refresh = [this] {
        const DeviceSlots available = device_slots(m_form->value("model.device").toStdString());
        setProcessSlots(available.count, QString::fromStdString(available.what));
    };
    refresh();
    connect(m_form, &ConfigForm::valueChanged, this, [refresh](const QString& key, const QString&) {
        if (key == "model.device") refresh();
    });
    return row;
}

int RunSetupPanel::processes() const {
    return m_nproc && m_nproc->isEnabled() ? m_nproc->value() : 1;
}

void RunSetupPanel::setProcessSlots(int count, const QString& what) {
    count = std::max(1, count);
    m_nproc->setRange(1, count);
    m_nproc->setEnabled(count > 1);
    m_nproc->setToolTip(
        count > 1
            ? tr("Data-parallel ranks (mmupt train --nproc N): one per %1, up to %2. More than "
                 "one runs the CLI's launcher in a separate process; this window follows its "
                 "run directory.")
                  .arg(what)
                  .arg(count)
            : tr("One %1 here: training runs in one process.").arg(what));
}

QWidget* RunSetupPanel::buildPickers() {
    auto* box = new QWidget(this);
    auto* form = new QFormLayout(box);
    form->setContentsMargins(0, 0, 0, 0);
    form->setVerticalSpacing(3);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_modelEdit = new QLineEdit(box);
    m_modelEdit->setObjectName("modelPath");
    m_modelEdit->setPlaceholderText(tr("Hugging Face model folder"));
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
    m_modelStatus->setAlignment(Qt::AlignLeft | Qt::AlignTop);

    m_datasetEdit = new QLineEdit(box);
    m_datasetEdit->setObjectName("datasetPath");
    m_datasetEdit->setPlaceholderText(tr("JSONL file or image folder"));
    m_datasetEdit->setToolTip(tr("A .jsonl / .json file of records, or a folder of images"));
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
    m_datasetStatus->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_thumbs = new QListWidget(box);
    m_thumbs->setObjectName("datasetThumbnails");
    m_thumbs->setViewMode(QListView::IconMode);
    m_thumbs->setFlow(QListView::LeftToRight);
    m_thumbs->setWrapping(false);
    m_thumbs->setIconSize(QSize(kThumbSize, kThumbSize));
    m_thumbs->setFixedHeight(kThumbSize + 12);
    m_thumbs->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_thumbs->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_thumbs->setMovement(QListView::Static);
    m_thumbs->hide();
    m_question = new QuestionTemplateEditor(m_form, box);

    form->addRow(tr("Model"), modelRow);
    form->addRow(QString(), m_modelStatus);
    form->addRow(tr("Dataset"), dataRow);
    form->addRow(QString(), m_datasetStatus);
    form->addRow(QString(), m_thumbs);
    form->addRow(tr("Question"), m_question);
    form->setRowVisible(m_question, false);
    form->addRow(tr("Output"), buildOutputRow());
    return box;
}

QWidget* RunSetupPanel::buildOutputRow() {
    auto* row = new QWidget(this);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    QWidget* editor = m_form->createEditor("trainer.output_dir", row);
    editor->setToolTip(
        tr("The run directory: metrics, samples, checkpoints and the resolved "
           "config are written here. A new name is made for every run."));
    auto* fresh = new QToolButton(row);
    fresh->setObjectName("newOutputDir");
    fresh->setText(tr("New"));
    fresh->setToolTip(tr("A new directory named by the date and time, next to this one"));
    connect(fresh, &QToolButton::clicked, this, [this] {
        QString parent = QFileInfo(m_form->value("trainer.output_dir")).path();
        m_form->setValue(
            "trainer.output_dir",
            autoRunDirectory(QDateTime::currentDateTime(), parent.isEmpty() ? "runs" : parent));
    });
    auto* browse = new QPushButton(tr("Browse…"), row);
    connect(browse, &QPushButton::clicked, this, [this] {
        QString dir = QFileDialog::getExistingDirectory(this, tr("Output directory"),
                                                        m_form->value("trainer.output_dir"));
        if (!dir.isEmpty()) m_form->setValue("trainer.output_dir", dir);
    });
    layout->addWidget(editor, 1);
    layout->addWidget(fresh);
    layout->addWidget(browse);
    return row;
}

void RunSetupPanel::showStatus(QLabel* label, const QStringList& errors,
                               const QStringList& warnings, const QString& summary) {
    QStringList lines;  // <br>-joined spans: <div>s would add a paragraph margin each
    for (const QString& e : errors)
        lines << "<span style='color:#d0352b'>✖ " + e.toHtmlEscaped() + "</span>";
    if (errors.isEmpty() && !summary.isEmpty())
        lines << "<span style='color:#2e9d3e'>✔ " + summary.toHtmlEscaped() + "</span>";
    for (const QString& w : warnings)
        lines << "<span style='color:#c27c0e'>⚠ " + w.toHtmlEscaped() + "</span>";
    label->setText(lines.join("<br>"));
    label->setVisible(!lines.isEmpty());
}

bool RunSetupPanel::pickModel(const QString& dir) {
    m_form->setValue("model.path", dir);
    return checkModel(dir);
}

bool RunSetupPanel::checkModel(const QString& dir) {
    m_modelEdit->setText(dir);
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
            check.errors << guiEngineMessage(QString::fromUtf8(e.what()));
        }
    }
    showStatus(m_modelStatus, check.errors, check.warnings, check.summary);
    m_modelOk = check.ok();
    emit checksChanged();
    return m_modelOk;
}

bool RunSetupPanel::pickDataset(const QString& path) {
    m_form->setValue("data.train_files", listText({path}));
    return checkDataset(path);
}

bool RunSetupPanel::checkDataset(const QString& path) {
    m_datasetEdit->setText(path);
    DatasetCheck check = ui::checkDataset(path);
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
            check.errors << guiEngineMessage(QString::fromUtf8(e.what()));
        }
    }
    showStatus(m_datasetStatus, check.errors, check.warnings, summary);
    m_thumbs->clear();
    for (const QString& p : check.thumbnails)
        m_thumbs->addItem(new QListWidgetItem(QIcon(thumbnail(p, kThumbSize)), QString()));
    m_thumbs->setVisible(!check.thumbnails.isEmpty());
    if (check.imageFolder && check.ok())
        m_question->showImageFolder(check.firstImage);
    else if (check.ok())
        m_question->showRecords(check.firstQuestion, check.firstImage);
    else
        m_question->showNothing();
    if (auto* form = qobject_cast<QFormLayout*>(m_question->parentWidget()->layout()))
        form->setRowVisible(m_question, !m_question->isEmpty());
    m_datasetOk = check.ok();
    emit checksChanged();
    return m_datasetOk;
}

void RunSetupPanel::refreshChecks() {
    const QString model = m_form->value("model.path");
    if (model.isEmpty()) {
        m_modelEdit->clear();
        showStatus(m_modelStatus, {}, {}, {});
        m_modelOk = false;
    } else {
        checkModel(model);
    }
    const QString dataset = listItems(m_form->value("data.train_files")).value(0);
    if (dataset.isEmpty()) {
        m_datasetEdit->clear();
        showStatus(m_datasetStatus, {}, {}, {});
        m_thumbs->clear();
        m_thumbs->hide();
        m_question->showNothing();
        if (auto* form = qobject_cast<QFormLayout*>(m_question->parentWidget()->layout()))
            form->setRowVisible(m_question, false);
        m_datasetOk = false;
    } else {
        checkDataset(dataset);
    }
    m_fit->scheduleRecompute();  // a load may not report each changed value
    emit checksChanged();
}

QString RunSetupPanel::modelStatus() const { return m_modelStatus->text(); }
QString RunSetupPanel::datasetStatus() const { return m_datasetStatus->text(); }
QString RunSetupPanel::configStatus() const { return m_configLabel->text(); }
int RunSetupPanel::thumbnailCount() const { return m_thumbs->count(); }
void RunSetupPanel::setStartEnabled(bool enabled) { m_start->setEnabled(enabled); }

void RunSetupPanel::openAdvancedSettings() {
    m_advanced->show();
    m_advanced->raise();
    m_advanced->activateWindow();
}

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

}  // namespace mmupt::ui
