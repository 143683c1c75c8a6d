// Run setup picks: a directory that is not a model, a missing / malformed dataset and an engine
// that rejects the model all show their error in the form (no crash, no dialog); good picks show
// counts, detected keys and thumbnails.
#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/ui/testkit/fake_session.h"
#include "tests/ui/testkit/setup_fixtures.h"
#include "ui/config_form.h"
#include "ui/run_setup_panel.h"

using namespace mmupt;

using testkit::makeModelDir;
namespace {
void write(const QString& path, const QByteArray& text) { testkit::writeFile(path, text); }
}  // namespace

class SetupValidationTest : public QObject {
    Q_OBJECT
  private slots:
    void invalidModelShowsErrorInForm() {
        QTemporaryDir tmp;
        ui::RunSetupPanel panel(nullptr);
        QVERIFY(!panel.pickModel(tmp.path()));  // empty directory
        QVERIFY2(panel.modelStatus().contains("config.json is missing"),
                 qPrintable(panel.modelStatus()));
        QVERIFY(panel.modelStatus().contains("safetensors"));
        QCOMPARE(panel.form()->value("model.path"), tmp.path());
        QVERIFY(!panel.pickModel(tmp.filePath("does-not-exist")));
        QVERIFY(panel.modelStatus().contains("not a directory"));
        write(tmp.filePath("config.json"), "{ not json");
        QVERIFY(!panel.pickModel(tmp.path()));
        QVERIFY(panel.modelStatus().contains("not valid JSON"));
    }

    void validModelWithoutEngine() {
        QTemporaryDir tmp;
        makeModelDir(tmp.filePath("m"));
        ui::RunSetupPanel panel(nullptr);
        QVERIFY(panel.pickModel(tmp.filePath("m")));
        QVERIFY(panel.modelStatus().contains("Qwen2VLForConditionalGeneration"));
    }

    void engineRejectionShowsInForm() {
        QTemporaryDir tmp;
        makeModelDir(tmp.filePath("m"));
        testkit::FakeSession session;
        ui::RunSetupPanel panel(&session);
        QVERIFY(panel.pickModel(tmp.filePath("m")));
        QVERIFY2(panel.modelStatus().contains("2200 M parameters"),
                 qPrintable(panel.modelStatus()));
        session.inspectModelFails = true;
        QVERIFY(!panel.pickModel(tmp.filePath("m")));
        QVERIFY(panel.modelStatus().contains("LlamaForCausalLM"));
    }

    void invalidDatasetShowsErrorInForm() {
        QTemporaryDir tmp;
        ui::RunSetupPanel panel(nullptr);
        QVERIFY(!panel.pickDataset(tmp.filePath("missing.jsonl")));
        QVERIFY(panel.datasetStatus().contains("does not exist"));
        write(tmp.filePath("bad.jsonl"), "not json\n{also not\n");
        QVERIFY(!panel.pickDataset(tmp.filePath("bad.jsonl")));
        QVERIFY2(panel.datasetStatus().contains("no records"), qPrintable(panel.datasetStatus()));
        QVERIFY(panel.datasetStatus().contains("2 malformed line(s), first at line 1"));
        QDir().mkpath(tmp.filePath("empty"));
        QVERIFY(!panel.pickDataset(tmp.filePath("empty")));
        QVERIFY(panel.datasetStatus().contains("no images"));
    }

    void jsonlDatasetCountsKeysAndThumbnails() {
        QTemporaryDir tmp;
        QDir().mkpath(tmp.filePath("img"));
        QImage image(32, 32, QImage::Format_RGB32);
        image.fill(Qt::red);
        QVERIFY(image.save(tmp.filePath("img/0.png")));
        QVERIFY(image.save(tmp.filePath("img/1.png")));
        write(tmp.filePath("d.jsonl"),
              "{\"question\": \"q0\", \"image\": \"img/0.png\", \"answer\": \"3\"}\n"
              "{\"question\": \"q1\", \"image\": \"img/1.png\"}\n"
              "{\"question\": \"q2\", \"image\": \"img/missing.png\", \"answer\": \"5\"}\n");
        ui::RunSetupPanel panel(nullptr);
        QVERIFY(panel.pickDataset(tmp.filePath("d.jsonl")));
        QString status = panel.datasetStatus();
        QVERIFY2(status.contains("3 examples · 2 images · 2 labelled"), qPrintable(status));
        QVERIFY(status.contains("label &#x27;answer&#x27;") || status.contains("label 'answer'"));
        QVERIFY(status.contains("1 image file(s) missing"));
        QCOMPARE(panel.thumbnailCount(), 2);
        QCOMPARE(listItemsOf(panel), QStringList{tmp.filePath("d.jsonl")});
    }

  private:
    static QStringList listItemsOf(ui::RunSetupPanel& panel) {
        return ui::listItems(panel.form()->value("data.train_files"));
    }
};

QTEST_MAIN(SetupValidationTest)
#include "setup_validation_test.moc"
