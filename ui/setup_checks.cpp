// checkModelDirectory / checkDataset: QDir listings and QJsonDocument parsing.
#include "ui/setup_checks.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>

namespace mmupt::ui {

namespace {

const QStringList kImageSuffixes = {"png", "jpg", "jpeg", "webp", "bmp", "gif"};
// Key candidates in the order the loader (data.*_key defaults) tries them.
const QStringList kQuestionKeys = {"problem", "question", "prompt", "query"};
const QStringList kLabelKeys = {"answer", "label", "solution", "ground_truth", "gt"};
const QStringList kImageKeys = {"images", "image", "image_path", "img"};

QString firstKey(const QJsonObject& o, const QStringList& candidates) {
    for (const QString& k : candidates)
        if (o.contains(k)) return k;
    return {};
}

QStringList imagePaths(const QJsonValue& v) {
    QStringList out;
    if (v.isString()) out << v.toString();
    if (v.isArray())
        for (const auto& item : v.toArray())
            if (item.isString()) out << item.toString();
    return out;
}

void scanRecords(const QList<QJsonObject>& records, const QDir& base, DatasetCheck& c,
                 int maxThumbnails) {
    for (const QJsonObject& o : records) {
        if (c.questionKey.isEmpty()) c.questionKey = firstKey(o, kQuestionKeys);
        if (c.labelKey.isEmpty()) c.labelKey = firstKey(o, kLabelKeys);
        if (c.imageKey.isEmpty()) c.imageKey = firstKey(o, kImageKeys);
    }
    if (!records.isEmpty()) {
        c.firstQuestion = records.front().value(c.questionKey).toString();
        c.firstImage = imagePaths(records.front().value(c.imageKey)).value(0);
    }
    for (const QJsonObject& o : records) {
        ++c.examples;
        if (!c.labelKey.isEmpty() && !o.value(c.labelKey).isNull() &&
            !o.value(c.labelKey).isUndefined())
            ++c.labelled;
        if (c.imageKey.isEmpty()) continue;
        for (const QString& p : imagePaths(o.value(c.imageKey))) {
            QString path = QFileInfo(p).isAbsolute() ? p : base.filePath(p);
            if (QFileInfo::exists(path)) {
                ++c.imagesFound;
                if (c.thumbnails.size() < maxThumbnails) c.thumbnails << path;
            } else {
                ++c.imagesMissing;
            }
        }
    }
    if (c.questionKey.isEmpty())
        c.errors << QObject::tr("No question key found (tried %1).").arg(kQuestionKeys.join(", "));
    if (c.imageKey.isEmpty())
        c.warnings << QObject::tr("No image key found (tried %1).").arg(kImageKeys.join(", "));
    if (c.imagesMissing > 0)
        c.warnings
            << QObject::tr("%1 image file(s) missing (they will be skipped).").arg(c.imagesMissing);
    if (c.labelKey.isEmpty())
        c.warnings << QObject::tr("No label column: label / reward accuracy will not be shown.");
}

}  // namespace

ModelCheck checkModelDirectory(const QString& dir) {
    ModelCheck c;
    QDir d(dir);
    if (dir.isEmpty() || !d.exists()) {
        c.errors << QObject::tr("'%1' is not a directory.").arg(dir);
        return c;
    }
    QFile config(d.filePath("config.json"));
    if (!config.open(QIODevice::ReadOnly)) {
        c.errors << QObject::tr("config.json is missing: pick a Hugging Face model directory.");
    } else {
        QJsonParseError err;
        QJsonObject o = QJsonDocument::fromJson(config.readAll(), &err).object();
        if (err.error != QJsonParseError::NoError) {
            c.errors << QObject::tr("config.json is not valid JSON: %1").arg(err.errorString());
        } else {
            QString arch = o.value("architectures").toArray().at(0).toString();
            QString type = o.value("model_type").toString();
            if (type != "qwen2_vl" && type != "qwen2_5_vl")
                c.warnings
                    << QObject::tr("model_type '%1' is not qwen2_vl or qwen2_5_vl.").arg(type);
            c.summary = arch + " · " + type;
        }
    }
    QStringList shards = d.entryList({"*.safetensors"}, QDir::Files);
    if (shards.isEmpty())
        c.errors << QObject::tr("No *.safetensors weights in the directory.");
    else
        c.summary += QObject::tr(" · %1 weight file(s)").arg(shards.size());
    if (!d.exists("tokenizer.json") && !d.exists("vocab.json"))
        c.errors << QObject::tr("No tokenizer (tokenizer.json or vocab.json + merges.txt).");
    if (!d.exists("tokenizer_config.json"))
        c.warnings << QObject::tr("tokenizer_config.json missing (chat template defaults used).");
    if (!d.exists("preprocessor_config.json"))
        c.warnings << QObject::tr("preprocessor_config.json missing (image defaults used).");
    return c;
}

DatasetCheck checkDataset(const QString& path, int maxThumbnails) {
    DatasetCheck c;
    QFileInfo info(path);
    if (path.isEmpty() || !info.exists()) {
        c.errors << QObject::tr("'%1' does not exist.").arg(path);
        return c;
    }
    if (info.isDir()) {
        QStringList patterns;
        for (const QString& s : kImageSuffixes) patterns << "*." + s << "*." + s.toUpper();
        QDir d(path);
        QStringList files = d.entryList(patterns, QDir::Files, QDir::Name);
        c.examples = c.imagesFound = static_cast<int>(files.size());
        c.imageFolder = true;
        c.firstImage = files.value(0);
        for (int i = 0; i < files.size() && i < maxThumbnails; ++i)
            c.thumbnails << d.filePath(files[i]);
        if (files.isEmpty()) c.errors << QObject::tr("The folder holds no images.");
        c.warnings << QObject::tr("Image folder: no labels; questions come from the template.");
        return c;
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        c.errors << QObject::tr("Cannot read '%1'.").arg(path);
        return c;
    }
    QList<QJsonObject> records;
    int badLines = 0, lineNo = 0, firstBad = 0;
    if (info.suffix().toLower() == "json") {
        QJsonParseError err;
        QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &err);
        if (err.error != QJsonParseError::NoError || !doc.isArray()) {
            c.errors << QObject::tr("%1 is not a JSON array of records.").arg(info.fileName());
            return c;
        }
        for (const auto& v : doc.array()) records << v.toObject();
    } else {
        while (!f.atEnd()) {
            QByteArray line = f.readLine().trimmed();
            ++lineNo;
            if (line.isEmpty()) continue;
            QJsonParseError err;
            QJsonDocument doc = QJsonDocument::fromJson(line, &err);
            if (err.error != QJsonParseError::NoError || !doc.isObject()) {
                if (++badLines == 1) firstBad = lineNo;
                continue;
            }
            records << doc.object();
        }
    }
    if (badLines > 0)
        c.warnings
            << QObject::tr("%1 malformed line(s), first at line %2.").arg(badLines).arg(firstBad);
    if (records.isEmpty()) {
        c.errors << QObject::tr("%1 holds no records.").arg(info.fileName());
        return c;
    }
    scanRecords(records, info.absoluteDir(), c, maxThumbnails);
    return c;
}

}  // namespace mmupt::ui
