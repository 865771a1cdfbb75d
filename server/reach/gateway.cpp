#include "gateway.h"

#include <QDeadlineTimer>

#include <arpa/inet.h>
#include <miniupnpc/miniupnpc.h>
#include <miniupnpc/upnpcommands.h>
#include <miniupnpc/upnperrors.h>
#define ENABLE_STRNATPMPERR // the library has it; the header hides it unless asked
#include <natpmp.h>
#include <poll.h>

namespace pc::reach {

namespace {

    constexpr int kUpnpOnlyPermanentLeases = 725;
    constexpr int kUpnpConflict = 718;
    const char kDescription[] = "Private Chat room host";

    QString upnpError(int code)
    {
        const char *text = strupnperror(code);
        return text ? QStringLiteral("%1 (%2)").arg(QLatin1StringView(text)).arg(code)
                    : QStringLiteral("error %1").arg(code);
    }

    // An external address that is not one: the router sits behind another NAT (the provider's),
    // and what it forwards is still unreachable from the internet.
    bool isPrivate(const QHostAddress &address)
    {
        const auto in = [&address](const char *network, int bits) {
            return address.isInSubnet(QHostAddress(QLatin1StringView(network)), bits);
        };
        return address.isNull() || address.isLoopback() || address.isLinkLocal()
            || address == QHostAddress::AnyIPv4 || in("10.0.0.0", 8) || in("172.16.0.0", 12)
            || in("192.168.0.0", 16) || in("100.64.0.0", 10); // the last: carrier-grade NAT
    }

    int addUpnp(const Mapping &m, const QByteArray &externalPort, int leaseSeconds)
    {
        return UPNP_AddPortMapping(m.controlUrl.constData(), m.serviceType.constData(),
            externalPort.constData(), QByteArray::number(m.internalPort).constData(),
            m.internalClient.constData(), kDescription, "TCP", nullptr,
            QByteArray::number(leaseSeconds).constData());
    }

    // One NAT-PMP request (already sent) answered within the deadline; libnatpmp resends on its
    // own schedule (250 ms, doubling), the deadline cuts it short.
    int natpmpAnswer(natpmp_t &p, natpmpresp_t &response, const QDeadlineTimer &deadline)
    {
        for (;;) {
            timeval wait {};
            getnatpmprequesttimeout(&p, &wait);
            const qint64 left = deadline.remainingTime();
            if (left == 0)
                return NATPMP_TRYAGAIN;
            const qint64 retryMs = qint64(wait.tv_sec) * 1000 + wait.tv_usec / 1000;
            pollfd fd { p.s, POLLIN, 0 };
            ::poll(&fd, 1, int(qBound<qint64>(1, retryMs, left)));
            const int r = readnatpmpresponseorretry(&p, &response);
            if (r != NATPMP_TRYAGAIN)
                return r;
        }
    }

    QString natpmpError(int code)
    {
        if (code == NATPMP_TRYAGAIN)
            return QStringLiteral("no NAT-PMP router answered");
        return QStringLiteral("NAT-PMP: %1").arg(QLatin1StringView(strnatpmperr(code)));
    }

    // Asks gateway (or the default gateway when null) for port; lifetime 0 removes it.
    int natpmpMap(const QHostAddress &gateway, quint16 privatePort, quint16 publicPort,
        int lifetime, int timeoutMs, natpmpresp_t &response)
    {
        natpmp_t p {};
        const in_addr_t forced = gateway.isNull() ? 0 : htonl(gateway.toIPv4Address());
        int r = initnatpmp(&p, gateway.isNull() ? 0 : 1, forced);
        if (r < 0)
            return r;
        const QDeadlineTimer deadline(timeoutMs);
        r = sendnewportmappingrequest(&p, NATPMP_PROTOCOL_TCP, privatePort, publicPort, lifetime);
        if (r >= 0)
            r = natpmpAnswer(p, response, deadline);
        closenatpmp(&p);
        return r;
    }

} // namespace

QString methodName(Method method)
{
    return method == Method::Upnp ? QStringLiteral("upnp") : QStringLiteral("natpmp");
}

QString Mapping::externalHostPort() const
{
    return QStringLiteral("%1:%2").arg(externalAddress.toString()).arg(externalPort);
}

Attempt mapWithUpnp(quint16 port, int leaseSeconds, int discoverMs)
{
    int error = 0;
    UPNPDev *devices
        = upnpDiscover(discoverMs, nullptr, nullptr, UPNP_LOCAL_PORT_ANY, 0, 2, &error);
    if (!devices)
        return { {}, QStringLiteral("no UPnP router answered") };
    UPNPUrls urls {};
    IGDdatas data {};
    char lanAddress[64] = {};
    const int found = UPNP_GetValidIGD(devices, &urls, &data, lanAddress, sizeof lanAddress);
    freeUPNPDevlist(devices);
    if (found == 0)
        return { {}, QStringLiteral("no UPnP internet gateway on this network") };
    Mapping m;
    m.method = Method::Upnp;
    m.controlUrl = urls.controlURL;
    m.serviceType = data.first.servicetype;
    m.internalClient = lanAddress;
    m.internalPort = port;
    FreeUPNPUrls(&urls);
    if (found == 3)
        return { {}, QStringLiteral("the UPnP device found is not an internet gateway") };
    if (found != 1)
        return { {}, QStringLiteral("the UPnP router is not connected to the internet") };

    char external[64] = {};
    const int got
        = UPNP_GetExternalIPAddress(m.controlUrl.constData(), m.serviceType.constData(), external);
    m.externalAddress = QHostAddress(QString::fromLatin1(external));
    if (got != UPNPCOMMAND_SUCCESS || m.externalAddress.isNull())
        return { {}, QStringLiteral("the UPnP router did not tell its internet address") };
    if (isPrivate(m.externalAddress))
        return { {},
            QStringLiteral("the router's internet address %1 is private: another router stands "
                           "between it and the internet")
                .arg(m.externalAddress.toString()) };

    m.externalPort = port;
    m.leaseSeconds = leaseSeconds;
    int r = addUpnp(m, QByteArray::number(port), leaseSeconds);
    if (r == kUpnpOnlyPermanentLeases) { // older routers: removed when we stop instead
        m.leaseSeconds = 0;
        r = addUpnp(m, QByteArray::number(port), 0);
    }
    if (r == kUpnpConflict) { // the port is another device's: take one the router picks
        char reserved[8] = {};
        r = UPNP_AddAnyPortMapping(m.controlUrl.constData(), m.serviceType.constData(),
            QByteArray::number(port).constData(), QByteArray::number(port).constData(),
            m.internalClient.constData(), kDescription, "TCP", nullptr,
            QByteArray::number(m.leaseSeconds).constData(), reserved);
        if (r == UPNPCOMMAND_SUCCESS)
            m.externalPort = quint16(QByteArray(reserved).toUInt());
    }
    if (r != UPNPCOMMAND_SUCCESS || m.externalPort == 0)
        return { {}, QStringLiteral("the UPnP router refused the port: %1").arg(upnpError(r)) };
    return { m, {} };
}

Attempt mapWithNatPmp(quint16 port, int leaseSeconds, int timeoutMs)
{
    natpmp_t p {};
    int r = initnatpmp(&p, 0, 0);
    if (r < 0)
        return { {}, QStringLiteral("no default gateway to ask (NAT-PMP)") };
    Mapping m;
    m.method = Method::NatPmp;
    m.gateway = QHostAddress(ntohl(p.gateway));
    m.internalPort = port;
    const QDeadlineTimer deadline(timeoutMs);
    natpmpresp_t response {};
    r = sendpublicaddressrequest(&p);
    if (r >= 0)
        r = natpmpAnswer(p, response, deadline);
    closenatpmp(&p);
    if (r < 0)
        return { {}, natpmpError(r) };
    m.externalAddress = QHostAddress(ntohl(response.pnu.publicaddress.addr.s_addr));
    if (isPrivate(m.externalAddress))
        return { {},
            QStringLiteral("the router's internet address %1 is private: another router stands "
                           "between it and the internet")
                .arg(m.externalAddress.toString()) };

    r = natpmpMap(m.gateway, port, port, leaseSeconds, int(deadline.remainingTime()), response);
    if (r < 0)
        return { {}, natpmpError(r) };
    m.externalPort = response.pnu.newportmapping.mappedpublicport;
    m.leaseSeconds = int(response.pnu.newportmapping.lifetime);
    return { m, {} };
}

bool renewMapping(Mapping &mapping, int timeoutMs, QString *why)
{
    if (mapping.method == Method::Upnp) {
        const int r
            = addUpnp(mapping, QByteArray::number(mapping.externalPort), mapping.leaseSeconds);
        if (r != UPNPCOMMAND_SUCCESS)
            *why = QStringLiteral("the UPnP router refused to renew: %1").arg(upnpError(r));
        return r == UPNPCOMMAND_SUCCESS;
    }
    natpmpresp_t response {};
    const int r = natpmpMap(mapping.gateway, mapping.internalPort, mapping.externalPort,
        mapping.leaseSeconds, timeoutMs, response);
    if (r < 0) {
        *why = natpmpError(r);
        return false;
    }
    mapping.externalPort = response.pnu.newportmapping.mappedpublicport;
    mapping.leaseSeconds = int(response.pnu.newportmapping.lifetime);
    return true;
}

bool removeMapping(const Mapping &mapping, int timeoutMs, QString *why)
{
    if (mapping.method == Method::Upnp) {
        const int r = UPNP_DeletePortMapping(mapping.controlUrl.constData(),
            mapping.serviceType.constData(), QByteArray::number(mapping.externalPort).constData(),
            "TCP", nullptr);
        if (r != UPNPCOMMAND_SUCCESS)
            *why = QStringLiteral("the UPnP router did not remove the port: %1").arg(upnpError(r));
        return r == UPNPCOMMAND_SUCCESS;
    }
    natpmpresp_t response {};
    // RFC 6886: lifetime 0 with external port 0 deletes the mapping of this internal port.
    const int r = natpmpMap(mapping.gateway, mapping.internalPort, 0, 0, timeoutMs, response);
    if (r < 0)
        *why = natpmpError(r);
    return r >= 0;
}

} // namespace pc::reach
