#include "prometheustext.h"

#include "histogram.h"

#include <cmath>

namespace pc::host {

namespace {

    QByteArray number(double value)
    {
        if (std::isinf(value))
            return value > 0 ? "+Inf" : "-Inf";
        if (value == std::floor(value) && std::abs(value) < 1e15)
            return QByteArray::number(qint64(value));
        return QByteArray::number(value, 'g', 17);
    }

} // namespace

PrometheusText::PrometheusText(QByteArray constantLabels)
    : m_constant(std::move(constantLabels)) { }

void PrometheusText::family(QByteArrayView name, QByteArrayView type, QByteArrayView help)
{
    m_text += "# HELP " + name.toByteArray() + ' ' + help.toByteArray() + '\n';
    m_text += "# TYPE " + name.toByteArray() + ' ' + type.toByteArray() + '\n';
}

void PrometheusText::labels(QByteArrayView own, QByteArrayView extra)
{
    if (m_constant.isEmpty() && own.isEmpty() && extra.isEmpty())
        return;
    m_text += '{';
    bool first = true;
    for (const QByteArrayView part : { QByteArrayView(m_constant), own, extra }) {
        if (part.isEmpty())
            continue;
        if (!first)
            m_text += ',';
        m_text += part;
        first = false;
    }
    m_text += '}';
}

void PrometheusText::sample(QByteArrayView name, double value, QByteArrayView own)
{
    m_text += name;
    labels(own);
    m_text += ' ' + number(value) + '\n';
}

void PrometheusText::histogram(QByteArrayView name, const Histogram &histogram)
{
    const QByteArray bucket = name.toByteArray() + "_bucket";
    const auto &bounds = histogram.bounds();
    for (qsizetype i = 0; i <= bounds.size(); ++i) {
        m_text += bucket;
        const QByteArray le = "le=\"" + (i < bounds.size() ? number(bounds[i]) : "+Inf") + '"';
        labels({}, le);
        m_text += ' ' + number(double(histogram.cumulative(i))) + '\n';
    }
    sample(name.toByteArray() + "_sum", histogram.sum());
    sample(name.toByteArray() + "_count", double(histogram.count()));
}

} // namespace pc::host
