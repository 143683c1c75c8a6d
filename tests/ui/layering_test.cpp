// Layering: ui/ sees the engine only through its torch-free facade. It may include from core/
// only core/session/*, core/config/* and core/util/*, and never torch / ATen / c10 headers.
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QtTest>

class UiLayeringTest : public QObject {
    Q_OBJECT
  private slots:
    void uiIncludesOnlyTheFacade() {
        const QRegularExpression coreInclude(
            QStringLiteral("#\\s*include\\s*[\"<](core/[^\">]+)[\">]"));
        const QRegularExpression torchInclude(
            QStringLiteral("#\\s*include\\s*[<\"](torch|ATen|c10)/"));
        const QStringList allowed = {"core/session/", "core/config/", "core/util/"};
        int files = 0;
        QDirIterator it(QStringLiteral(MMUPT_SOURCE_DIR) + "/ui", {"*.h", "*.cpp"}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QString path = it.next();
            ++files;
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            int line = 0;
            while (!f.atEnd()) {
                QString text = QString::fromUtf8(f.readLine());
                ++line;
                QVERIFY2(!torchInclude.match(text).hasMatch(),
                         qPrintable(QString("%1:%2 includes torch").arg(path).arg(line)));
                auto m = coreInclude.match(text);
                if (!m.hasMatch()) continue;
                bool ok = std::any_of(allowed.begin(), allowed.end(), [&](const QString& a) {
                    return m.captured(1).startsWith(a);
                });
                QVERIFY2(ok, qPrintable(QString("%1:%2 includes %3 (ui/ may use only core/session, "
                                                "core/config, core/util)")
                                            .arg(path)
                                            .arg(line)
                                            .arg(m.captured(1))));
            }
        }
        QVERIFY(files > 10);
    }
};

QTEST_MAIN(UiLayeringTest)
#include "layering_test.moc"
