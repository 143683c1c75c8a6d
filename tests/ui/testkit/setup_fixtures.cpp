// Fixture writers for the run-setup tests.
#include "tests/ui/testkit/setup_fixtures.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QSettings>

namespace mmupt::testkit {

void writeFile(const QString& path, const QByteArray& text) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (f.open(QIODevice::WriteOnly)) f.write(text);
}

void makeModelDir(const QString& dir) {
    writeFile(
        dir + "/config.json",
        R"({"architectures": ["Qwen2VLForConditionalGeneration"], "model_type": "qwen2_vl"})");
    writeFile(dir + "/model.safetensors", "x");
    writeFile(dir + "/tokenizer.json", "{}");
    writeFile(dir + "/tokenizer_config.json", "{}");
    writeFile(dir + "/preprocessor_config.json", "{}");
}

void makeImageFolder(const QString& dir, int images) {
    QDir().mkpath(dir);
    for (int i = 0; i < images; ++i) {
        QImage image(48, 48, QImage::Format_RGB32);
        image.fill(QColor::fromHsv((i * 47) % 360, 180, 220));
        image.save(QDir(dir).filePath(QStringLiteral("%1.png").arg(i, 4, 10, QChar('0'))));
    }
}

void makeJsonlDataset(const QString& path) {
    const QString imageDir = QFileInfo(path).absolutePath() + "/img";
    makeImageFolder(imageDir, 2);
    writeFile(path,
              "{\"question\": \"How many red squares?\", \"image\": \"img/0000.png\", "
              "\"answer\": \"3\"}\n"
              "{\"question\": \"Which colour?\", \"image\": \"img/0001.png\"}\n");
}

void useSettingsIn(const QString& dir) {
    QCoreApplication::setOrganizationName("mmupt-tests");
    QCoreApplication::setApplicationName("setup-tests");
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir);
    QSettings().clear();
}

}  // namespace mmupt::testkit
