// Synthetic metrics, groups, images and run directories (see synthetic_run.h).
#include "tests/ui/testkit/synthetic_run.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QTextStream>
#include <algorithm>
#include <cmath>

#include "core/config/config_io.h"
#include "core/config/config_schema.h"
#include "core/session/run_files.h"

namespace mmupt::testkit {

namespace {

double progress(int step, int total) {
    return std::clamp(step / double(std::max(total, 1)), 0.0, 1.0);
}

const char* kShapes[] = {"triangle", "circle", "rectangle", "trapezoid"};

QString questionFor(int index) {
    return QStringLiteral("In the %1 shown, what is the value of x? (synthetic example %2)")
        .arg(kShapes[index % 4])
        .arg(index);
}

int trueAnswer(int index) { return 3 + (index * 7) % 29; }

bool writeImage(const QString& path, int index) {
    QImage image(256, 192, QImage::Format_RGB32);
    image.fill(QColor::fromHsv((index * 37) % 360, 40, 250));
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(QColor(40, 40, 60), 3));
    QRect box(40, 30, 176, 120);
    switch (index % 4) {
        case 0:
            p.drawPolygon(QPolygon({QPoint(40, 150), QPoint(216, 150), QPoint(90, 30)}));
            break;
        case 1:
            p.drawEllipse(box.adjusted(28, 0, -28, 0));
            break;
        case 2:
            p.drawRect(box);
            break;
        default:
            p.drawPolygon(
                QPolygon({QPoint(40, 150), QPoint(216, 150), QPoint(170, 40), QPoint(80, 40)}));
    }
    p.setFont(QFont("sans", 16, QFont::Bold));
    p.drawText(QRect(0, 150, 256, 40), Qt::AlignCenter, QStringLiteral("x = ?   #%1").arg(index));
    return image.save(path);
}

}  // namespace

StepMetrics syntheticStep(int step, int totalSteps, std::mt19937& rng) {
    std::normal_distribution<double> noise(0.0, 1.0);
    double t = progress(step, totalSteps);
    auto n = [&](double sd) { return sd * noise(rng); };
    StepMetrics m;
    m.step = step;
    m.wall_time_s = 95.0 * step + n(3.0);
    double agreement = 0.48 + 0.38 * (1 - std::exp(-3 * t)) + n(0.03);
    m.values["reward/mean"] = std::clamp(agreement - 0.05 + n(0.02), 0.0, 1.0);
    m.values["vote/majority_ratio"] = std::clamp(agreement, 0.0, 1.0);
    m.values["vote/no_answer_rate"] = std::max(0.0, 0.12 * std::exp(-4 * t) + n(0.01));
    m.values["vote/zero_variance_groups"] = std::clamp(0.1 + 0.5 * t + n(0.04), 0.0, 1.0);
    m.values["actor/kl_loss"] = std::max(0.0, 0.004 * step / 10.0 + n(0.002));
    m.values["actor/pg_loss"] = n(0.02) + (step % 17 == 0 ? 0.15 : 0.0);  // rare spikes
    m.values["actor/entropy"] = std::max(0.05, 0.9 - 0.5 * t + n(0.03));
    m.values["actor/lr"] = 1e-6;
    m.values["actor/grad_norm"] = std::abs(0.6 + n(0.2));
    m.values["response_length/mean"] = 310 - 80 * t + n(12);
    m.values["perf/tokens_per_s"] = 1650 + n(60);
    m.values["perf/max_memory_allocated_gb"] = 54.2 + n(0.3);
    m.values["label/accuracy"] = std::clamp(0.52 + 0.16 * t + n(0.03), 0.0, 1.0);
    m.values["label/reward_accuracy"] = std::clamp(0.81 + 0.05 * t + n(0.02), 0.0, 1.0);
    m.values["timing_s/step"] = 95 + n(3);
    return m;
}

RolloutGroup syntheticGroup(int step, int totalSteps, int index, int G, std::mt19937& rng) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    double t = progress(step, totalSteps);
    int truth = trueAnswer(index);
    // Harder examples (index % 5 == 0) converge on a consistent wrong answer: the collapse
    // signature the studio should make visible.
    int popular = index % 5 == 0 ? truth + 2 : truth;
    double pPopular = 0.35 + 0.5 * t + 0.1 * ((index % 3) - 1);
    double pAbstain = 0.12 * (1 - t) + 0.02;
    RolloutGroup g;
    g.step = step;
    g.group_id = QStringLiteral("train-%1").arg(index, 5, 10, QChar('0')).toStdString();
    g.image_path = QStringLiteral("images/%1.png").arg(index).toStdString();
    g.question = questionFor(index).toStdString();
    g.label = std::to_string(truth);
    for (int i = 0; i < G; ++i) {
        SampledResponse r;
        double x = u(rng);
        int value = x < pPopular ? popular : (x < pPopular + 0.2 ? truth - 1 : truth + 3 + i % 3);
        r.num_tokens = 180 + static_cast<int>(u(rng) * 260);
        if (u(rng) < pAbstain) {
            r.text =
                "Looking at the figure, the sides are related by similarity, but I cannot "
                "determine x without more information.";
            r.truncated = u(rng) < 0.5;
        } else {
            r.answer = std::to_string(value);
            r.text = "The figure is a " + std::string(kShapes[index % 4]) +
                     ". Using the given lengths, we set up the equation and solve: x = " +
                     std::to_string(value) + ".\nTherefore the answer is \\boxed{" +
                     std::to_string(value) + "}.";
        }
        g.responses.push_back(std::move(r));
    }
    for (int i = 0; i < G; ++i) {  // cluster by exact answer, in order of first appearance
        auto& r = g.responses[size_t(i)];
        if (!r.answer) continue;
        auto it = std::find_if(g.clusters.begin(), g.clusters.end(),
                               [&](const AnswerCluster& c) { return c.answer == *r.answer; });
        if (it == g.clusters.end()) {
            g.clusters.push_back({*r.answer, {}});
            it = g.clusters.end() - 1;
        }
        it->members.push_back(i);
        r.cluster = static_cast<int>(it - g.clusters.begin());
    }
    int best = -1;
    for (size_t c = 0; c < g.clusters.size(); ++c)
        if (best < 0 || g.clusters[c].members.size() > g.clusters[size_t(best)].members.size())
            best = static_cast<int>(c);
    if (best >= 0) {
        g.majority_index = g.clusters[size_t(best)].members.front();
        g.majority_ratio = double(g.clusters[size_t(best)].members.size()) / G;
        for (int m : g.clusters[size_t(best)].members) g.responses[size_t(m)].reward = 1.0;
    }
    return g;
}

namespace {

QString appendLines(const QString& path, const QStringList& lines) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text))
        return QStringLiteral("cannot write %1").arg(path);
    QTextStream out(&f);
    for (const QString& l : lines) out << l << '\n';
    return {};
}

}  // namespace

QString appendSyntheticSteps(const QString& dir, int from, int to, const SyntheticRunOptions& o) {
    std::mt19937 rng(o.seed + static_cast<unsigned>(from) * 7919u);
    QStringList metrics, samples, log;
    for (int s = from; s < to; ++s) {
        StepMetrics m = syntheticStep(s, o.totalSteps, rng);
        metrics << QString::fromStdString(to_json_line(m));
        for (int k = 0; k < o.groupsPerStep; ++k) {
            int index = (s * o.groupsPerStep + k) % o.examples;
            samples << QString::fromStdString(
                to_json_line(syntheticGroup(s, o.totalSteps, index, o.G, rng)));
        }
        log << QStringLiteral("[info] step %1: reward %2, majority ratio %3")
                   .arg(s)
                   .arg(m.values["reward/mean"], 0, 'f', 3)
                   .arg(m.values["vote/majority_ratio"], 0, 'f', 3);
        if (s > 0 && o.checkpointEvery > 0 && s % o.checkpointEvery == 0) {
            QDir ck(QDir(dir).filePath(QStringLiteral("checkpoints/step-%1").arg(s)));
            ck.mkpath(".");
            QFile state(ck.filePath("trainer_state.json"));
            if (!state.open(QIODevice::WriteOnly)) return "cannot write trainer_state.json";
            state.write(QStringLiteral("{\"step\": %1, \"metrics\": %2}")
                            .arg(s)
                            .arg(QString::fromStdString(to_json_line(m)))
                            .toUtf8());
            log << QStringLiteral("[info] saved checkpoint %1").arg(ck.path());
        }
    }
    QDir d(dir);
    for (const auto& [file, lines] :
         {std::pair{run_files::kMetrics, metrics}, std::pair{run_files::kSamples, samples},
          std::pair{run_files::kLog, log}}) {
        QString error = appendLines(d.filePath(file), lines);
        if (!error.isEmpty()) return error;
    }
    return {};
}

QString writeSyntheticRun(const QString& dir, const SyntheticRunOptions& o) {
    QDir d(dir);
    if (!d.mkpath("images")) return QStringLiteral("cannot create %1").arg(dir);
    if (o.images)
        for (int i = 0; i < o.examples; ++i)
            if (!writeImage(d.filePath(QStringLiteral("images/%1.png").arg(i)), i))
                return QStringLiteral("cannot write image %1").arg(i);
    RunConfig run;
    set_field(run, "model.path", "/models/Qwen2-VL-2B-Instruct");
    set_field(run, "data.train_files", "[synthetic.jsonl]");
    set_field(run, "rollout.n", std::to_string(o.G));
    set_field(run, "trainer.rollout_batch_size", std::to_string(o.groupsPerStep));
    set_field(run, "trainer.mini_batch_size", std::to_string(std::min(4, o.groupsPerStep)));
    set_field(run, "trainer.max_steps", std::to_string(o.totalSteps));
    set_field(run, "trainer.output_dir", dir.toStdString());
    QFile config(d.filePath(run_files::kConfig));
    if (!config.open(QIODevice::WriteOnly | QIODevice::Text)) return "cannot write config.yaml";
    QTextStream(&config) << "# SYNTHETIC run directory (generated for tests / screenshots)\n"
                         << QString::fromStdString(to_yaml(run, /*comments=*/true));
    config.close();
    for (const char* f : {run_files::kMetrics, run_files::kSamples, run_files::kLog})
        QFile::remove(d.filePath(f));
    return appendSyntheticSteps(dir, 0, o.steps, o);
}

}  // namespace mmupt::testkit
