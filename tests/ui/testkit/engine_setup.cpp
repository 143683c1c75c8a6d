// The real-engine setup (engine_setup.h): three or four CLI commands, then form edits.
#include "tests/ui/testkit/engine_setup.h"

#include <QDir>
#include <QFile>
#include <QProcess>

#include "ui/config_fields.h"
#include "ui/config_form.h"

namespace mmupt::testkit {

CliResult runCli(const QString& cli, const QStringList& args, int timeoutMs) {
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(cli, args);
    CliResult r;
    if (!process.waitForStarted(10000)) {
        r.output = QStringLiteral("%1 did not start: %2").arg(cli, process.errorString());
        return r;
    }
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        r.output = QStringLiteral("timed out after %1 ms").arg(timeoutMs);
        return r;
    }
    r.output = QString::fromUtf8(process.readAll());
    r.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return r;
}

QList<QPair<QString, QString>> tinyRunValues(const QString& modelDir, const QString& dataFile,
                                             const QString& outputDir, int maxSteps, int G) {
    return {
        {"model.path", modelDir},
        {"model.dtype", "float32"},
        {"model.device", "cpu"},
        {"model.gradient_checkpointing", "false"},
        {"data.train_files", ui::listText({dataFile})},
        {"data.min_pixels", QString::number(112 * 112)},
        {"data.max_pixels", QString::number(112 * 112)},
        {"rollout.n", QString::number(G)},
        {"rollout.temperature", "1.0"},
        {"rollout.max_new_tokens", "8"},
        {"trainer.rollout_batch_size", "2"},
        {"trainer.mini_batch_size", "2"},
        {"trainer.micro_batch_size", QString::number(2 * G)},
        {"trainer.max_steps", QString::number(maxSteps)},
        {"trainer.save_every", "0"},
        {"trainer.threads", "1"},
        {"trainer.output_dir", outputDir},
        {"optim.lr", "0.001"},
    };
}

EngineSetup makeEngineSetup(const QString& cli, const QString& dir,
                            const EngineSetupOptions& options) {
    QDir root(dir);
    EngineSetup setup;
    setup.modelDir = root.filePath("model");
    setup.dataFile = root.filePath("data/upt.jsonl");
    const int sftSteps = options.sftSteps;
    if (sftSteps > 0)
        setup.sftModelDir = root.filePath(QStringLiteral("sft/checkpoints/step-%1").arg(sftSteps));
    const QString tokenizer = root.filePath("tokenizer");
    // SFT: cross-entropy on \boxed{label}, 8 prompts per step at a high learning rate. `train`
    // wants a YAML file: an empty one (defaults), every value is a --set.
    const QString yaml = root.filePath("sft.yaml");
    QFile file(yaml);
    if (!root.mkpath(".") || !file.open(QIODevice::WriteOnly) ||
        file.write("# every value is a --set on the command line\n") < 0) {
        setup.error = QStringLiteral("cannot write %1").arg(yaml);
        return setup;
    }
    file.close();
    QStringList train = {"train", yaml};
    auto sft = tinyRunValues(setup.modelDir, setup.dataFile, root.filePath("sft"), sftSteps, 4);
    sft << qMakePair(QString("algorithm.reward"), QString("sft"))
        << qMakePair(QString("trainer.rollout_batch_size"), QString("8"))
        << qMakePair(QString("trainer.mini_batch_size"), QString("8"))
        << qMakePair(QString("optim.lr"), QString("0.01"));
    for (const auto& [key, value] : sft) train << "--set" << key + "=" + value;
    QList<QStringList> commands = {
        {"demo-tokenizer", "--out", tokenizer},
        {"init-model", "--arch", "qwen2_vl", "--preset", options.preset, "--tokenizer", tokenizer,
         "--out", setup.modelDir},
        {"demo-data", "--out", root.filePath("data"), "--sft", "0", "--upt",
         QString::number(options.examples), "--test", "0"},
    };
    if (sftSteps > 0) commands << train;
    for (const QStringList& args : commands) {
        CliResult r = runCli(cli, args);
        if (r.exitCode != 0) {
            setup.error = QStringLiteral("mmupt %1 failed (exit %2):\n%3")
                              .arg(args.join(' '))
                              .arg(r.exitCode)
                              .arg(r.output);
            break;
        }
    }
    return setup;
}

void applyTinyRunSettings(ui::ConfigForm* form, const QString& modelDir, const QString& dataFile,
                          const QString& outputDir, int maxSteps, int G) {
    for (const auto& [key, value] : tinyRunValues(modelDir, dataFile, outputDir, maxSteps, G))
        form->setValue(key, value);
}

}  // namespace mmupt::testkit
