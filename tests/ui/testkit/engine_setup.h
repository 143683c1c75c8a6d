// A real-engine setup for the studio's QtTests and benchmarks, made by the CLI's own commands
// (`mmupt demo-tokenizer`, `init-model --preset P`, `demo-data`, `train`): a random Qwen2-VL of a
// preset (tiny: ~0.4M parameters with the demo tokenizer, small: ~8.7M), optionally the same
// model after a few seconds of SFT on \boxed{label} (so it answers in the boxed format, often
// wrongly), a few labelled demo examples, and the config edits that keep a run of the tiny model
// a few seconds long on a 2-core CPU. Tests check plumbing, not learning.
#pragma once
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace mmupt::ui {
class ConfigForm;
}

namespace mmupt::testkit {

struct CliResult {
    int exitCode = -1;  // -1: did not start, crashed or timed out
    QString output;     // stdout and stderr together
};
// Runs the `mmupt` CLI at `cli` with `args` (blocking, at most `timeoutMs`).
CliResult runCli(const QString& cli, const QStringList& args, int timeoutMs = 120000);

struct EngineSetupOptions {
    QString preset = "tiny";  // `mmupt init-model --preset`: tiny, small
    int examples = 16;        // labelled demo-data records
    int sftSteps = 30;        // SFT steps on \boxed{label}; 0 = none (no sftModelDir)
};

struct EngineSetup {
    QString modelDir;     // <dir>/model: random Qwen2-VL of the preset, float32
    QString sftModelDir;  // <dir>/sft/checkpoints/step-N: modelDir after N steps of SFT, or ""
    QString dataFile;     // <dir>/data/upt.jsonl: labelled records with images
    QString error;        // "" or what failed (the command and its output)
};
EngineSetup makeEngineSetup(const QString& cli, const QString& dir,
                            const EngineSetupOptions& options = {});

// The config of a tiny run as `key=value` pairs (in order): `modelDir`, the setup's data, CPU
// float32 on one thread, 112x112 images (16 image tokens), `G` samples of at most 8 tokens for
// 2 prompts per step, `maxSteps` steps into `outputDir`, one checkpoint at the end.
QList<QPair<QString, QString>> tinyRunValues(const QString& modelDir, const QString& dataFile,
                                             const QString& outputDir, int maxSteps, int G);
void applyTinyRunSettings(ui::ConfigForm* form, const QString& modelDir, const QString& dataFile,
                          const QString& outputDir, int maxSteps, int G = 4);

}  // namespace mmupt::testkit
