// The collapse alarm's records as the studio reads them: one line of RUN/alarms.jsonl each
// ({"step", "action": warn|stop|rollback, "reasons": [sentences], "signals": {"collapse/...":
// value}}), parsed with Qt's JSON (the engine writes them; this side only reads), and a tail that
// follows the file while a run appends to it. A run without the file simply has no alarms.
#pragma once
#include <QMap>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>
#include <vector>

#include "core/session/run_files.h"

namespace mmupt::ui {

inline constexpr const char* kAlarmMetric = "collapse/alarm";  // 1 on the step the alarm fired

struct RunAlarm {
    int step = 0;
    QString action;  // "warn", "stop" or "rollback" (unknown words are kept as written)
    QStringList reasons;
    QMap<QString, double> values;  // the "signals" object (NaN for null)
};

// One alarms.jsonl line; nullopt (and `error`, naming what is wrong) when it is not an alarm.
std::optional<RunAlarm> parseAlarmLine(const QByteArray& line, QString* error = nullptr);

// Complete lines appended to `path` since the last call; malformed ones are counted, skipped.
class AlarmsTail {
  public:
    explicit AlarmsTail(const QString& path);
    ~AlarmsTail();
    std::vector<RunAlarm> readNew();
    int malformedLines() const { return m_malformed; }

  private:
    std::unique_ptr<JsonlTail> m_tail;
    int m_malformed = 0;
};

}  // namespace mmupt::ui
