// QSettings for a QtTest: test mode (QStandardPaths under ~/.qttest), its own organisation, and
// cleared, so window state, theme and recent runs never leak between runs or from the user's.
#pragma once
#include <QCoreApplication>
#include <QSettings>
#include <QStandardPaths>

namespace mmupt::testkit {

inline void useClearedTestSettings() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("mmupt-tests");
    QSettings().clear();
}

}  // namespace mmupt::testkit
