#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QString>

#include <optional>

namespace pc::reach {

// How the router was asked to forward the port.
enum class Method { Upnp, NatPmp };
QString methodName(Method method); // "upnp", "natpmp": as the host prints it

// A TCP port the router forwards to us, and what it takes to renew or remove it.
struct Mapping
{
    Method method = Method::Upnp;
    QHostAddress externalAddress;
    quint16 externalPort = 0;
    quint16 internalPort = 0;
    int leaseSeconds = 0; // 0: the router keeps it until it is removed
    // UPnP-IGD: the router's control URL and service, and our address as the router sees it.
    QByteArray controlUrl;
    QByteArray serviceType;
    QByteArray internalClient;
    // NAT-PMP: the gateway that granted it (IPv4).
    QHostAddress gateway;

    QString externalHostPort() const; // "IP:PORT"
};

struct Attempt
{
    std::optional<Mapping> mapping;
    QString why; // when there is no mapping: in words, e.g. "no UPnP router answered"
};

// The router protocols, through miniupnpc and libnatpmp. Each call blocks for at most about
// its time limit (miniupnpc's own HTTP timeouts are a few seconds): call them off the event
// loop of anything that must stay responsive.
Attempt mapWithUpnp(quint16 port, int leaseSeconds, int discoverMs);
Attempt mapWithNatPmp(quint16 port, int leaseSeconds, int timeoutMs);
// Asks again for the same mapping before its lease runs out; false with why when refused.
bool renewMapping(Mapping &mapping, int timeoutMs, QString *why);
bool removeMapping(const Mapping &mapping, int timeoutMs, QString *why);

} // namespace pc::reach
