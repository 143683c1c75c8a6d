// Small on-disk fixtures for the run-setup tests: a directory that passes the file checks for a
// Hugging Face model (no real weights), a folder of generated images, a JSONL dataset, and
// QSettings redirected into a temporary directory.
#pragma once
#include <QString>

namespace mmupt::testkit {

void writeFile(const QString& path, const QByteArray& text);
void makeModelDir(const QString& dir);                 // config.json, *.safetensors, tokenizer
void makeImageFolder(const QString& dir, int images);  // 0000.png, 0001.png, ...
void makeJsonlDataset(const QString& path);            // 2 records with question / image / answer
// QSettings (NativeFormat, user scope) under `dir`, organisation "mmupt-tests", cleared.
void useSettingsIn(const QString& dir);

}  // namespace mmupt::testkit
