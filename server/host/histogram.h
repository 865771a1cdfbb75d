#pragma once

#include <QList>

#include <algorithm>

namespace pc::host {

// A Prometheus histogram: counts per upper bound (seconds), cumulated when written.
class Histogram
{
public:
    explicit Histogram(QList<double> bounds)
        : m_bounds(std::move(bounds)), m_counts(m_bounds.size() + 1)
    {
    }

    void observe(double seconds)
    {
        const auto at = std::lower_bound(m_bounds.cbegin(), m_bounds.cend(), seconds);
        ++m_counts[at - m_bounds.cbegin()];
        m_sum += seconds;
        ++m_count;
    }
    const QList<double> &bounds() const { return m_bounds; }
    // Observations at or below bounds()[i]; i == bounds().size(): all of them (+Inf).
    quint64 cumulative(qsizetype i) const
    {
        quint64 n = 0;
        for (qsizetype j = 0; j <= i; ++j)
            n += m_counts[j];
        return n;
    }
    double sum() const { return m_sum; }
    quint64 count() const { return m_count; }

private:
    QList<double> m_bounds;
    QList<quint64> m_counts; // one past the last bound: +Inf
    double m_sum = 0;
    quint64 m_count = 0;
};

} // namespace pc::host
