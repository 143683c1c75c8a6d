// Qt meta-type declarations for the facade's plain structs, so they travel in signals, queued
// connections and QSignalSpy. Declarations only; nothing here touches the engine.
#pragma once
#include <QMetaType>
#include <vector>

#include "core/session/session_types.h"

Q_DECLARE_METATYPE(mmupt::StepMetrics)
Q_DECLARE_METATYPE(mmupt::RolloutGroup)
Q_DECLARE_METATYPE(mmupt::LogRecord)
Q_DECLARE_METATYPE(mmupt::CheckpointInfo)
Q_DECLARE_METATYPE(mmupt::RunState)
Q_DECLARE_METATYPE(mmupt::RunFinished)
Q_DECLARE_METATYPE(std::vector<mmupt::StepMetrics>)
Q_DECLARE_METATYPE(std::vector<mmupt::RolloutGroup>)
Q_DECLARE_METATYPE(std::vector<mmupt::LogRecord>)
Q_DECLARE_METATYPE(std::vector<mmupt::CheckpointInfo>)
