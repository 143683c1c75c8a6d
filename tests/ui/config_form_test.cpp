// The setup form, bound to the config schema (core/config): YAML round trip (save, load into a
// fresh form, same values), tooltips from the schema docs, edits become `--set` overrides and the
// CLI line, bad values and missing required fields are flagged, malformed YAML and unknown keys
// are errors that change nothing.
#include <QTemporaryDir>
#include <QtTest>

#include "core/config/config_schema.h"
#include "core/util/errors.h"
#include "ui/config_form.h"
#include "ui/run_setup_panel.h"

using namespace mmupt::ui;

class ConfigFormTest : public QObject {
    Q_OBJECT
  private slots:
    void yamlRoundTrip() {
        ConfigForm form;
        QCOMPARE(form.setValue("rollout.n", "8"), QString());
        QCOMPARE(form.setValue("rollout.temperature", "0.9"), QString());
        QCOMPARE(form.setValue("algorithm.vote_policy", "reference"), QString());
        QCOMPARE(form.setValue("model.freeze_vision", "true"), QString());
        QCOMPARE(form.setValue("data.train_files", "[/data/a b.jsonl, /data/imgs]"), QString());
        QCOMPARE(form.setValue("data.format_prompt", "Think: put it in \\boxed{} # not a comment"),
                 QString());
        QString yaml = form.toYaml();
        QVERIFY(yaml.contains("rollout:\n"));
        QVERIFY(yaml.contains("  n: 8"));
        QCOMPARE(form.fields().size(), mmupt::config_schema().size());

        ConfigForm other;
        QCOMPARE(other.loadYaml(yaml, "test.yaml"), QStringList());
        QCOMPARE(other.values(), form.values());
        QCOMPARE(other.value("data.format_prompt"),
                 QString("Think: put it in \\boxed{} # not a comment"));
        QCOMPARE(listItems(other.value("data.train_files")),
                 QStringList({"/data/a b.jsonl", "/data/imgs"}));
        QCOMPARE(other.toYaml(), yaml);  // stable text
    }

    void dottedKeysAndUnknownKeys() {
        ConfigForm form;
        QStringList problems = form.loadYaml("rollout.n: 4\nrollout:\n  top_p: 0.5\n", "x.yaml");
        QCOMPARE(problems, QStringList());
        QCOMPARE(form.value("rollout.n"), QString("4"));
        QCOMPARE(form.value("rollout.top_p"), QString("0.5"));
        try {
            form.loadYaml("rollout:\n  n: 6\ntrainer:\n  no_such_key: 1\n", "y.yaml");
            QFAIL("an unknown key must throw");
        } catch (const mmupt::ConfigError& e) {
            QVERIFY2(QString(e.what()).contains("no_such_key"), e.what());
            QVERIFY2(QString(e.what()).contains("y.yaml"), e.what());
        }
        QCOMPARE(form.value("rollout.n"), QString("4"));  // nothing changed
    }

    void tooltipsComeFromTheSchema() {
        ConfigForm form;
        auto* editor = form.findChild<QWidget*>("field:rollout.temperature");
        QVERIFY(editor);
        QVERIFY2(editor->toolTip().contains("sampling temperature"), qPrintable(editor->toolTip()));
        QVERIFY(!form.findChild<QWidget*>("field:nope"));
    }

    void requiredFieldsForTraining() {
        ConfigForm form;
        QCOMPARE(form.invalidFields(), QStringList());
        QStringList training = form.invalidFields(/*forTraining=*/true);
        QVERIFY2(training.join(' ').contains("model.path"), qPrintable(training.join('\n')));
    }

    void invalidValuesAreFlagged() {
        ConfigForm form;
        form.setValue("rollout.temperature", "70");
        form.setValue("rollout.n", "ten");
        QStringList invalid = form.invalidFields();
        QVERIFY2(invalid.size() >= 2, qPrintable(invalid.join('\n')));
        QVERIFY(invalid.join(' ').contains("rollout.temperature"));
        QVERIFY(invalid.join(' ').contains("rollout.n"));
        QVERIFY(!form.setValue("nope.key", "1").isEmpty());
    }

    void malformedYamlChangesNothing() {
        ConfigForm form;
        form.setValue("rollout.n", "12");
        QVERIFY_THROWS_EXCEPTION(mmupt::ConfigError, form.loadYaml("rollout: [1, 2\n", "bad.yaml"));
        QCOMPARE(form.value("rollout.n"), QString("12"));
    }

    void overridesAndCliLine() {
        QTemporaryDir dir;
        RunSetupPanel panel(nullptr);
        QString path = dir.filePath("base.yaml");
        QCOMPARE(panel.saveConfigFile(path), QString());
        QCOMPARE(panel.cliCommand(), "mmupt train " + path);
        panel.form()->setValue("rollout.n", "8");
        panel.form()->setValue("data.format_prompt", "it's boxed");
        // Overrides follow the schema order (data before rollout), values shell-quoted.
        QCOMPARE(panel.cliCommand(), "mmupt train " + path +
                                         " --set 'data.format_prompt=it'\\''s boxed'"
                                         " --set rollout.n=8");
        auto source = panel.configSource();
        QCOMPARE(QString::fromStdString(source.yaml_path), path);
        QCOMPARE(int(source.overrides.size()), 2);
        QCOMPARE(QString::fromStdString(source.overrides[1]), QString("rollout.n=8"));

        // Loading the file again makes it the base: no overrides left.
        QCOMPARE(panel.loadConfigFile(path), QString());
        QCOMPARE(panel.cliCommand(), "mmupt train " + path);
        QCOMPARE(panel.form()->value("rollout.n"), QString("10"));
    }
};

QTEST_MAIN(ConfigFormTest)
#include "config_form_test.moc"
