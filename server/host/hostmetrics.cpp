// RoomHost::metricsText(): what /metrics shows of one host process (docs/http-api.md lists
// every metric). Only figures that are the same for everyone: no room ID, name, token or text.
#include "roomhost.h"

#include "handshakegate.h"
#include "processstats.h"
#include "prometheustext.h"
#include "roomhub.h"

#include "pc_version.h"
#include "redis/connection.h"
#include "redis/subscriber.h"

#include <QDateTime>

namespace pc::host {

using namespace pc::protocol;

namespace {

    const char *transportName(int t)
    {
        return Transport(t) == Transport::Http ? "http" : "websocket";
    }

    QByteArray errorName(int code)
    {
        return errorCodeName(ErrorCode(code)).toString().toLatin1();
    }

} // namespace

QByteArray RoomHost::metricsText() const
{
    PrometheusText m(m_options.workerNumber > 0
            ? "worker=\"" + QByteArray::number(m_options.workerNumber) + '"'
            : QByteArray());
    const HostCounters &c = m_counters;

    m.family("privatechat_info", "gauge", "The host's version and protocol, as labels.");
    m.sample("privatechat_info", 1,
        "version=\"" PC_VERSION "\",protocol=\"" + QByteArray::number(kProtocolVersion) + '"');

    m.family("privatechat_websocket_connections", "gauge", "Open WebSocket sessions.");
    m.sample("privatechat_websocket_connections", double(m_sessions.size()));
    m.family("privatechat_tcp_connections", "gauge",
        "Open TCP connections on the host's port: sessions, handshakes and HTTP requests.");
    m.sample("privatechat_tcp_connections", m_gate ? m_gate->connectionCount() : 0);
    m.family("privatechat_handshakes_pending", "gauge",
        "Connections whose request head or WebSocket handshake is not complete yet.");
    m.sample("privatechat_handshakes_pending", handshakingCount());
    m.family("privatechat_websockets_opened_total", "counter", "WebSocket sessions opened.");
    m.sample("privatechat_websockets_opened_total", double(c.websocketsOpened));
    m.family("privatechat_http_requests_total", "counter",
        "HTTP requests taken (one per connection), /healthz and /metrics included.");
    m.sample("privatechat_http_requests_total", double(c.httpRequests));
    m.family("privatechat_connections_refused_total", "counter",
        "Connections refused at the door: an address over its cap, or the host full.");
    m.sample("privatechat_connections_refused_total", double(c.connectionsRefused));

    m.family("privatechat_requests_total", "counter", "Requests by op and transport.");
    for (int t = 0; t < kTransportCount; ++t) {
        for (int op = 0; op < kOpCount; ++op) {
            m.sample("privatechat_requests_total", double(c.requests[t][op]),
                "transport=\"" + QByteArray(transportName(t)) + "\",op=\""
                    + opName(Op(op)).toString().toLatin1() + '"');
        }
    }
    m.family("privatechat_errors_total", "counter", "Error replies by code and transport.");
    for (int t = 0; t < kTransportCount; ++t) {
        for (int code = 0; code < kErrorCodeCount; ++code) {
            m.sample("privatechat_errors_total", double(c.errors[t][code]),
                "transport=\"" + QByteArray(transportName(t)) + "\",code=\"" + errorName(code)
                    + '"');
        }
    }
    m.family("privatechat_rate_limited_total", "counter",
        "Requests answered rate-limited (nothing was done), by transport.");
    for (int t = 0; t < kTransportCount; ++t) {
        m.sample("privatechat_rate_limited_total", double(c.errors[t][int(ErrorCode::RateLimited)]),
            "transport=\"" + QByteArray(transportName(t)) + '"');
    }

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m.family(
        "privatechat_rooms_live", "gauge", "Rooms this process created that have not ended yet.");
    m.sample("privatechat_rooms_live",
        double(std::count_if(m_liveRooms.cbegin(), m_liveRooms.cend(),
            [now](qint64 expiresAt) { return expiresAt > now; })));
    m.family("privatechat_rooms_subscribed", "gauge", "Rooms with a subscriber on this process.");
    m.sample("privatechat_rooms_subscribed", m_hub->roomCount());
    m.family("privatechat_rooms_created_total", "counter", "Rooms created.");
    m.sample("privatechat_rooms_created_total", double(c.roomsCreated));
    m.family("privatechat_joins_total", "counter", "Successful room.join, rejoins included.");
    m.sample("privatechat_joins_total", double(c.joins));
    m.family("privatechat_messages_received_total", "counter",
        "Messages stored by messages.send (a retried clientMsgId included).");
    m.sample("privatechat_messages_received_total", double(c.messagesReceived));
    m.family("privatechat_messages_delivered_total", "counter",
        "chat.message events written to subscribers of this process.");
    m.sample("privatechat_messages_delivered_total", double(c.messagesDelivered));
    m.family("privatechat_slow_readers_dropped_total", "counter",
        "Connections dropped for not reading (over 1 MiB queued).");
    m.sample("privatechat_slow_readers_dropped_total", double(c.slowReadersDropped));

    m.family("privatechat_redis_up", "gauge", "The Redis command link is up (1) or down (0).");
    m.sample("privatechat_redis_up", m_redis->isConnected() ? 1 : 0);
    m.family(
        "privatechat_redis_pubsub_up", "gauge", "The Redis pub/sub link is up (1) or down (0).");
    m.sample("privatechat_redis_pubsub_up", m_subscriber->isConnected() ? 1 : 0);
    m.family("privatechat_redis_roundtrip_seconds", "histogram",
        "Round trips to Redis: the store's scripts and the health check's PINGs.");
    m.histogram("privatechat_redis_roundtrip_seconds", c.redisRoundTrip);

    const ProcessStats p = ProcessStats::read();
    m.family("process_cpu_seconds_total", "counter", "User and system CPU time spent.");
    m.sample("process_cpu_seconds_total", p.cpuSeconds);
    m.family("process_resident_memory_bytes", "gauge", "Resident memory size.");
    m.sample("process_resident_memory_bytes", double(p.residentBytes));
    m.family("process_virtual_memory_bytes", "gauge", "Virtual memory size.");
    m.sample("process_virtual_memory_bytes", double(p.virtualBytes));
    m.family("process_open_fds", "gauge", "Open file descriptors.");
    m.sample("process_open_fds", double(p.openFds));
    m.family("process_max_fds", "gauge", "The open-file limit.");
    m.sample("process_max_fds", double(p.maxFds));
    m.family("process_start_time_seconds", "gauge", "Start time, seconds since the Unix epoch.");
    m.sample("process_start_time_seconds", p.startTimeSeconds);
    return m.take();
}

} // namespace pc::host
