// Run setup at the size of a small laptop screen: with a model and an image folder picked (the
// tallest state: status lines, thumbnails, the question editor and its preview), every essential
// field, the pickers, the question, the output directory and Start lie inside the visible part
// of the setup panel at 1366×768, without scrolling. Also: the essential list follows the schema,
// the advanced editor filters and documents every other key, the question template's presets and
// its "The model will see" line, and the per-run output directory name.
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

#include "core/config/config_schema.h"
#include "tests/ui/testkit/fake_session.h"
#include "tests/ui/testkit/setup_fixtures.h"
#include "tests/ui/testkit/test_settings.h"
#include "ui/advanced_settings_dialog.h"
#include "ui/config_form.h"
#include "ui/main_window.h"
#include "ui/output_directory.h"
#include "ui/question_template.h"
#include "ui/run_setup_panel.h"
#include "ui/setup_essentials.h"

using namespace mmupt;

class SetupLayoutTest : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() { testkit::useClearedTestSettings(); }
    void init() { QSettings().clear(); }  // no saved geometry or setup from the test before

    void essentialFieldsVisibleAt1366x768_data() {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::newRow("1366x768") << 1366 << 768;
        QTest::newRow("1920x1080") << 1920 << 1080;
    }
    void essentialFieldsVisibleAt1366x768() {
        QFETCH(int, width);
        QFETCH(int, height);
        QTemporaryDir tmp;
        testkit::makeModelDir(tmp.filePath("model"));
        testkit::makeImageFolder(tmp.filePath("images"), 12);
        ui::MainWindow window(std::make_unique<testkit::FakeSession>());
        window.resize(width, height);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.size(), QSize(width, height));
        ui::RunSetupPanel* setup = window.setupPanel();
        QVERIFY(setup->pickModel(tmp.filePath("model")));
        QVERIFY(setup->pickDataset(tmp.filePath("images")));
        QCoreApplication::processEvents();
        QTest::qWait(50);  // layouts settle

        QScrollArea* scroll = setup->scrollArea();
        QWidget* viewport = scroll->viewport();
        QCOMPARE(scroll->verticalScrollBar()->value(), 0);
        QVERIFY2(!scroll->verticalScrollBar()->isVisible(), "the setup panel scrolls");
        const QRect visible = viewport->rect();
        QStringList names{"modelPath", "datasetPath", "field:data.image_folder_template",
                          "promptPreview", "field:trainer.output_dir"};
        for (const ui::EssentialField& e : ui::essentialFields()) names << "field:" + e.key;
        for (const QString& name : names) {
            auto* w = setup->findChild<QWidget*>(name);
            QVERIFY2(w, qPrintable(name));
            QVERIFY2(w->isVisibleTo(&window), qPrintable(name + " is hidden"));
            QRect r(w->mapTo(viewport, QPoint(0, 0)), w->size());
            QVERIFY2(visible.contains(r),
                     qPrintable(QStringLiteral("%1 at %2,%3 %4x%5 is outside the visible %6x%7")
                                    .arg(name)
                                    .arg(r.x())
                                    .arg(r.y())
                                    .arg(r.width())
                                    .arg(r.height())
                                    .arg(visible.width())
                                    .arg(visible.height())));
        }
        auto* start = setup->findChild<QPushButton*>("startButton");
        QRect startRect(start->mapTo(&window, QPoint(0, 0)), start->size());
        QVERIFY2(window.rect().contains(startRect), "Start is off the window");
        QVERIFY(window.close());
    }

    void essentialListFollowsTheSchema() {
        QStringList keys;
        for (const ui::EssentialField& e : ui::essentialFields()) keys << e.key;
        for (const char* k : {"algorithm.reward", "rollout.n", "rollout.temperature",
                              "trainer.max_steps", "optim.lr"})
            QVERIFY2(keys.contains(k), k);
        for (const char* k : {"model.lora.enabled", "model.lora.rank"})  // when the schema has them
            QCOMPARE(keys.contains(k), mmupt::find_field(k) != nullptr);
        for (const QString& k : keys) QVERIFY(mmupt::find_field(k.toStdString()));
    }

    void advancedEditorFiltersAndDocuments() {
        ui::RunSetupPanel panel(nullptr);
        ui::AdvancedSettingsDialog* dialog = panel.advancedSettings();
        // Every key is somewhere: in the dialog, or on the panel (never twice).
        for (const auto& f : mmupt::config_schema()) {
            const QString name = "field:" + QString::fromStdString(f.key);
            int count = int(panel.findChildren<QWidget*>(name).size());
            bool onPanel = ui::panelKeys().contains(QString::fromStdString(f.key));
            bool inDialog = dialog->findChild<QWidget*>(name) != nullptr;
            if (f.key == "model.path" || f.key == "data.train_files") {
                QCOMPARE(count, 0);  // the pickers edit these
                continue;
            }
            QVERIFY2(count == 1, qPrintable(name));
            QCOMPARE(inDialog, !onPanel);
        }
        auto* help = dialog->findChild<QLabel*>("help:algorithm.kl_coef");
        QVERIFY(help);
        QVERIFY2(help->text().contains("allowed: [0, 10]"), qPrintable(help->text()));
        QVERIFY(help->text().contains("default: 0.01"));
        auto* pixels = dialog->findChild<QLabel*>("help:data.max_pixels");
        QVERIFY2(pixels->text().contains("pixels"), qPrintable(pixels->text()));  // the unit

        dialog->show();
        dialog->setFilter("kl");
        auto* klCoef = dialog->findChild<QWidget*>("field:algorithm.kl_coef");
        auto* topP = dialog->findChild<QWidget*>("field:rollout.top_p");
        QVERIFY(klCoef->isVisible());
        QVERIFY(!topP->isVisible());
        QVERIFY(!dialog->findChild<QWidget*>("group:rollout")->isVisible());
        dialog->setFilter("");
        QVERIFY(topP->isVisible());
        // An edit in the dialog is the panel's value (one config).
        auto* line = qobject_cast<QLineEdit*>(topP);
        line->setText("0.5");
        emit line->textEdited("0.5");
        QCOMPARE(panel.form()->value("rollout.top_p"), QString("0.5"));
        QVERIFY(panel.cliCommand().contains("rollout.top_p=0.5"));
    }

    void questionTemplateAndPreview() {
        QTemporaryDir tmp;
        testkit::makeImageFolder(tmp.filePath("images"), 3);
        testkit::makeJsonlDataset(tmp.filePath("d/data.jsonl"));
        ui::RunSetupPanel panel(nullptr);
        ui::QuestionTemplateEditor* question = panel.questionEditor();
        QVERIFY(question->isEmpty());
        QVERIFY(panel.pickDataset(tmp.filePath("images")));
        QVERIFY(question->isImageFolder());
        QString preview = question->previewText();
        QVERIFY2(preview.startsWith("Solve the problem shown in the image. Please reason"),
                 qPrintable(preview));
        QVERIFY(question->previewLabel()->text().contains("0000.png"));
        QVERIFY(question->previewLabel()->text().contains("The model will see"));

        // A ready template from the menu, then a hand edit with {name}: the line follows.
        auto* presets = panel.findChild<QToolButton*>("questionTemplates");
        QVERIFY(presets && presets->menu());
        QList<QAction*> actions = presets->menu()->actions();
        QCOMPARE(actions.size(), int(ui::questionTemplates().size()));
        actions[1]->trigger();
        QVERIFY(panel.form()->value("data.image_folder_template").startsWith("How many"));
        QVERIFY(question->previewText().startsWith("How many objects"));
        panel.form()->setValue("data.image_folder_template", "What is in {stem}?");
        QVERIFY2(question->previewText().startsWith("What is in 0000?"),
                 qPrintable(question->previewText()));
        panel.form()->setValue("data.format_prompt", "");
        QCOMPARE(question->previewText(), QString("What is in 0000?"));
        QVERIFY(panel.cliCommand().contains("data.image_folder_template="));

        // A record file: its first question, no template editor.
        QVERIFY(panel.pickDataset(tmp.filePath("d/data.jsonl")));
        QVERIFY(!question->isImageFolder());
        QCOMPARE(question->previewText(), QString("How many red squares?"));
        QVERIFY(
            !panel.findChild<QWidget*>("field:data.image_folder_template")->isVisibleTo(&panel));
    }

    void renderPromptJoinsLikeTheEngine() {
        QCOMPARE(ui::renderPrompt("Q {name} {stem}", "F", "a.png"), QString("Q a.png a F"));
        QCOMPARE(ui::renderPrompt("Q", ""), QString("Q"));
    }

    void outputDirectoryIsNamedPerRun() {
        ui::RunSetupPanel panel(nullptr);
        const QString dir = panel.form()->value("trainer.output_dir");
        QVERIFY2(QRegularExpression("^runs/\\d{8}-\\d{6}$").match(dir).hasMatch(), qPrintable(dir));
        QVERIFY(ui::isAutoRunDirectory(dir));
        QVERIFY(!ui::isAutoRunDirectory("runs/mmupt"));
        QTemporaryDir tmp;
        QDateTime when(QDate(2026, 12, 6), QTime(18, 55, 0));
        QCOMPARE(ui::autoRunDirectory(when, tmp.path()), tmp.filePath("20261206-185500"));
        QDir().mkpath(tmp.filePath("20261206-185500"));
        QCOMPARE(ui::autoRunDirectory(when, tmp.path()), tmp.filePath("20261206-185500-2"));
        // A loaded config with the schema's shared default gets its own name too.
        QCOMPARE(panel.loadConfigText("rollout:\n  n: 4\n", "x.yaml"), QString());
        QVERIFY(ui::isAutoRunDirectory(panel.form()->value("trainer.output_dir")));
        QCOMPARE(panel.loadConfigText("trainer:\n  output_dir: /data/run7\n", "y.yaml"), QString());
        QCOMPARE(panel.form()->value("trainer.output_dir"), QString("/data/run7"));
    }
};

QTEST_MAIN(SetupLayoutTest)
#include "setup_layout_test.moc"
