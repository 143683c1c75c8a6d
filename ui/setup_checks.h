// File-level checks for the setup form when no engine session exists (or before asking it):
// is a directory a Hugging Face model (config.json, *.safetensors, tokenizer files), and what a
// dataset holds (JSONL / JSON records or an image folder: counts, keys, thumbnails). Reads
// files only; never throws (problems come back as sentences).
#pragma once
#include <QString>
#include <QStringList>

namespace mmupt::ui {

struct ModelCheck {
    QStringList errors, warnings;
    QString summary;  // "Qwen2VLForConditionalGeneration · qwen2_vl · 2 shard(s)"
    bool ok() const { return errors.isEmpty(); }
};
ModelCheck checkModelDirectory(const QString& dir);

struct DatasetCheck {
    QStringList errors, warnings;
    int examples = 0;
    int labelled = 0;
    int imagesFound = 0, imagesMissing = 0;
    QString questionKey, labelKey, imageKey;  // detected record keys ("" = none)
    QStringList thumbnails;                   // first few resolved image paths
    bool imageFolder = false;                 // a folder of images (questions from the template)
    QString firstQuestion;                    // the first record's question ("" for a folder)
    QString firstImage;                       // the first example's image path as written
    bool ok() const { return errors.isEmpty(); }
};
// `path`: a .jsonl / .json file or a folder of images.
DatasetCheck checkDataset(const QString& path, int maxThumbnails = 8);

}  // namespace mmupt::ui
