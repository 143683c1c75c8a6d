// parseAlarmLine / AlarmsTail: Qt JSON over core's JsonlTail (complete lines only).
#include "ui/run_alarms.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>

#include "core/session/run_files.h"

namespace mmupt::ui {

std::optional<RunAlarm> parseAlarmLine(const QByteArray& line, QString* error) {
    auto fail = [error](const QString& why) -> std::optional<RunAlarm> {
        if (error) *error = QObject::tr("%1 line: %2").arg(run_files::kAlarms, why);
        return std::nullopt;
    };
    QJsonParseError parse;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &parse);
    if (parse.error != QJsonParseError::NoError) return fail(parse.errorString());
    if (!doc.isObject()) return fail(QObject::tr("expected a JSON object"));
    const QJsonObject o = doc.object();
    if (!o.value("step").isDouble()) return fail(QObject::tr("\"step\" is missing or no number"));
    RunAlarm a;
    a.step = o.value("step").toInt();
    a.action = o.value("action").toString("warn");
    for (const QJsonValue& r : o.value("reasons").toArray())
        if (r.isString()) a.reasons << r.toString();
    const QJsonObject values = o.value("signals").toObject();
    for (auto it = values.begin(); it != values.end(); ++it)
        a.values[it.key()] = it->isDouble() ? it->toDouble() : std::nan("");
    return a;
}

AlarmsTail::AlarmsTail(const QString& path)
    : m_tail(std::make_unique<JsonlTail>(path.toStdString())) {}

AlarmsTail::~AlarmsTail() = default;

std::vector<RunAlarm> AlarmsTail::readNew() {
    std::vector<RunAlarm> out;
    for (const std::string& line : m_tail->read_new_lines()) {
        if (auto a = parseAlarmLine(QByteArray::fromStdString(line)))
            out.push_back(std::move(*a));
        else
            ++m_malformed;
    }
    return out;
}

}  // namespace mmupt::ui
