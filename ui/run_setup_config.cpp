// RunSetupPanel's config side: YAML load / save, the ConfigSource and CLI line, the settings
// kept between launches, and the question before starting into a directory that holds a run.
#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QSettings>
#include <QTextStream>
#include <algorithm>
#include <exception>

#include "ui/config_form.h"
#include "ui/run_setup_panel.h"

namespace mmupt::ui {

namespace {
const QString kOutputKey = QStringLiteral("trainer.output_dir");
const QString kSettingsConfig = QStringLiteral("setup/config");
const QString kSettingsEdits = QStringLiteral("setup/edits");

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

QString schemaDefault(const QString& key) {
    for (const ConfigFieldSpec& f : schemaFields())
        if (f.key == key) return f.defaultValue;
    return {};
}
}  // namespace

void RunSetupPanel::setConfigStatus(const QString& text, bool error) {
    m_configLabel->setText(error
                               ? "<span style='color:#d0352b'>✖ " + text.toHtmlEscaped() + "</span>"
                               : text.toHtmlEscaped());
}

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
    // The schema's default directory is shared by every run: give this one its own name.
    if (m_form->value(kOutputKey) == schemaDefault(kOutputKey))
        m_form->setValue(kOutputKey, autoRunDirectory());
    if (!m_restoring && !m_loadingFile) refreshChecks();
    return problems.join('\n');
}

QString RunSetupPanel::loadConfigFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) {
        QString error = tr("Cannot read %1: %2").arg(path, f.errorString());
        setConfigStatus(error, true);
        return error;
    }
    m_loadingFile = true;
    QString error = loadConfigText(QTextStream(&f).readAll(), QFileInfo(path).fileName());
    m_loadingFile = false;
    if (m_lastLoadParsed) {  // problems in single fields still load the rest
        m_configPath = path;
        // Checked once the file is the base: the engine's checks read it through configSource().
        if (!m_restoring) refreshChecks();
        setConfigStatus(error.isEmpty() ? tr("Config: %1").arg(path) : error, !error.isEmpty());
        emit configFileChanged(path);
        saveLastSetup();
    } else {
        setConfigStatus(tr("%1 was not loaded: %2").arg(QFileInfo(path).fileName(), error), true);
    }
    return error;
}

QString RunSetupPanel::saveConfigFile(const QString& path) {
    QString yaml;
    try {
        yaml = m_form->toYaml();
    } catch (const std::exception& e) {
        QString error = tr("Fix the config before saving: %1").arg(QString::fromUtf8(e.what()));
        setConfigStatus(error, true);
        return error;
    }
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Text | QIODevice::Truncate)) {
        QString error = tr("Cannot write %1: %2").arg(path, f.errorString());
        setConfigStatus(error, true);
        return error;
    }
    QTextStream(&f) << yaml;
    if (f.error() != QFile::NoError) return tr("Writing %1 failed").arg(path);
    m_configPath = path;
    m_baseValues = m_form->values();
    setConfigStatus(tr("Config: %1").arg(path), false);
    emit configFileChanged(path);
    saveLastSetup();
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

void RunSetupPanel::copyCliCommand() { QApplication::clipboard()->setText(cliCommand()); }

void RunSetupPanel::loadConfigDialog() {
    QString path =
        QFileDialog::getOpenFileName(this, tr("Load config"), QString(), tr("YAML (*.yaml *.yml)"));
    if (!path.isEmpty()) loadConfigFile(path);  // the outcome is shown under the buttons
}

void RunSetupPanel::saveConfigDialog() {
    QString path = QFileDialog::getSaveFileName(this, tr("Save config"), "config.yaml",
                                                tr("YAML (*.yaml *.yml)"));
    if (!path.isEmpty()) saveConfigFile(path);
}

OutputChoice RunSetupPanel::confirmOutputDirectory() {
    const QString dir = m_form->value(kOutputKey);
    const ExistingRun run = inspectOutputDirectory(dir);
    if (!run.holdsRun) return OutputChoice::startFresh;
    OutputChoice choice =
        m_outputChoice ? m_outputChoice(dir, run) : askAboutExistingRun(window(), dir, run);
    if (choice == OutputChoice::continueRun && !run.canContinue) choice = OutputChoice::cancel;
    if (choice == OutputChoice::newDirectory) {
        const QString parent = QFileInfo(dir).path();
        m_form->setValue(kOutputKey, autoRunDirectory(QDateTime::currentDateTime(), parent));
    }
    return choice;
}

void RunSetupPanel::saveLastSetup() const {
    if (!m_persist || m_restoring) return;
    QStringList edits;
    for (const QString& o : m_form->overridesAgainst(m_baseValues)) {
        // An auto-named output directory is made anew on the next launch.
        if (o.startsWith(kOutputKey + "=") && isAutoRunDirectory(o.mid(kOutputKey.size() + 1)))
            continue;
        edits << o;
    }
    QSettings settings;
    settings.setValue(kSettingsConfig, m_configPath);
    settings.setValue(kSettingsEdits, edits);
}

void RunSetupPanel::restoreLastSetup() {
    QSettings settings;
    const QString config = settings.value(kSettingsConfig).toString();
    const QStringList edits = settings.value(kSettingsEdits).toStringList();
    m_restoring = true;
    QString note;
    if (!config.isEmpty()) {
        if (QFileInfo::exists(config)) {
            QString error = loadConfigFile(config);
            if (!error.isEmpty()) note = error;
        } else {
            note = tr("The last config, %1, is gone; its edits were kept.").arg(config);
        }
    }
    for (const QString& edit : edits) {
        const int eq = edit.indexOf('=');
        if (eq > 0) m_form->setValue(edit.left(eq), edit.mid(eq + 1));  // unknown keys: ignored
    }
    m_restoring = false;
    m_persist = true;
    refreshChecks();
    if (!note.isEmpty()) setConfigStatus(note, true);
    saveLastSetup();
}

}  // namespace mmupt::ui
