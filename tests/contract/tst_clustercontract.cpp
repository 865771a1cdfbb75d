// The contract suite (contract_test.py, two-hosts mode) against hosts on a real 6-node Redis
// Cluster of this test's own: every multi-client check has its members on different hosts.
#include "testcluster.h"
#include "testhost.h"

#include <QProcess>
#include <QTest>

using pc::test::TestCluster;

class tst_ClusterContract : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void contractPasses();
};

void tst_ClusterContract::contractPasses()
{
    TestCluster cluster;
    QVERIFY(cluster.start());
    QProcess suite;
    suite.setProcessChannelMode(QProcess::MergedChannels);
    suite.setChildProcessModifier(pc::test::dieWithParent);
    suite.start(QStringLiteral("/usr/bin/python3"),
        { QStringLiteral(PC_CONTRACT_SCRIPT), QStringLiteral("--server"),
            qEnvironmentVariable("PC_SERVER_BINARY"), QStringLiteral("--mode"),
            QStringLiteral("two-hosts"), QStringLiteral("--redis-url"), cluster.url().toString(),
            QStringLiteral("--schema"), QStringLiteral(PC_SCHEMA_JSON) });
    QVERIFY(suite.waitForStarted());
    QVERIFY(suite.waitForFinished(200000));
    const QByteArray out = suite.readAll();
    for (const QByteArray &line : out.split('\n')) {
        if (line.startsWith("FAIL") || line.contains("storage") || line.contains(" passed, "))
            qInfo().noquote() << line;
    }
    QCOMPARE(suite.exitCode(), 0);
}

QTEST_GUILESS_MAIN(tst_ClusterContract)
#include "tst_clustercontract.moc"
