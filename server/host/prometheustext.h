#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace pc::host {

class Histogram;

// The Prometheus text exposition format (version 0.0.4), written family by family. Label
// values come only from the schema and the host (op names, error codes, a worker's number),
// never from a request, so they need no escaping.
class PrometheusText
{
public:
    // Labels every sample carries, e.g. worker="2" (empty: none).
    explicit PrometheusText(QByteArray constantLabels = {});

    void family(QByteArrayView name, QByteArrayView type, QByteArrayView help);
    void sample(QByteArrayView name, double value, QByteArrayView labels = {});
    // The family's buckets, sum and count (after family(name, "histogram", …)).
    void histogram(QByteArrayView name, const Histogram &histogram);
    QByteArray take() { return std::exchange(m_text, {}); }

    static constexpr const char *kContentType = "text/plain; version=0.0.4; charset=utf-8";

private:
    void labels(QByteArrayView own, QByteArrayView extra = {});

    QByteArray m_constant;
    QByteArray m_text;
};

} // namespace pc::host
