// The setup form's config: YAML round trip (save, load into a fresh form, same values), edits
// become `--set` overrides and the CLI line, bad values are flagged, malformed YAML is an error
// that changes nothing.
#include <QTemporaryDir>
#include <QtTest>

#include "core/util/errors.h"
#include "ui/config_form.h"
#include "ui/run_setup_panel.h"

using namespace mmupt::ui;

class ConfigFormTest : public QObject {
    Q_OBJECT
  private slots:
    void yamlRoundTrip() {
        ConfigForm form(builtinConfigFields());
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

        ConfigForm other(builtinConfigFields());
        QCOMPARE(other.loadYaml(yaml, "test.yaml"), QStringList());
        QCOMPARE(other.values(), form.values());
        QCOMPARE(other.value("data.format_prompt"),
                 QString("Think: put it in \\boxed{} # not a comment"));
        QCOMPARE(listItems(other.value("data.train_files")),
                 QStringList({"/data/a b.jsonl", "/data/imgs"}));
        QCOMPARE(other.toYaml(), yaml);  // stable text
    }

    void dottedKeysAndUnknownKeys() {
        ConfigForm form(builtinConfigFields());
        QStringList problems = form.loadYaml(
            "rollout.n: 4\nrollout:\n  top_p: 0.5\n"
            "trainer:\n  no_such_key: 1\n",
            "x.yaml");
        QCOMPARE(form.value("rollout.n"), QString("4"));
        QCOMPARE(form.value("rollout.top_p"), QString("0.5"));
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems[0].contains("trainer.no_such_key"), qPrintable(problems[0]));
    }

    void invalidValuesAreFlagged() {
        ConfigForm form(builtinConfigFields());
        form.setValue("rollout.temperature", "7");
        form.setValue("rollout.n", "ten");
        QStringList invalid = form.invalidFields();
        QCOMPARE(invalid.size(), 2);
        QVERIFY(invalid.join(' ').contains("rollout.temperature"));
        QVERIFY(invalid.join(' ').contains("rollout.n"));
        QVERIFY(!form.setValue("nope.key", "1").isEmpty());
    }

    void malformedYamlChangesNothing() {
        ConfigForm form(builtinConfigFields());
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
