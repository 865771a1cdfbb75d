#pragma once

#include "protocol/errors.h"
#include "protocol/events.h"
#include "protocol/replies.h"
#include "protocol/schema.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QStringList>

#include <map>
#include <memory>

namespace pc::client {

class Link;
class RequestQueue;

// The rooms followed over a Link: each is subscribed whenever the link comes up, and its
// messages are handed on exactly once each, in seq order, whatever the link did. A message
// that arrives ahead of a gap, or while a subscribe or history fetch is pending, is held;
// gaps, reconnects and room.resync are filled from messages.list (page after page while
// hasMore). History the host no longer has is reported (historyTrimmed); a room that answers
// room-not-found or unauthorized is followed no more (channelLost).
class ChannelSync : public QObject
{
    Q_OBJECT
public:
    ChannelSync(Link &link, RequestQueue &requests, QObject *parent = nullptr);
    ~ChannelSync() override;

    // lastSeq: the last message already seen (0: all of the history is fetched and handed on).
    void add(const QString &roomId, const QString &token, qint64 lastSeq = 0);
    void remove(const QString &roomId);
    QStringList channels() const { return m_channels.keys(); }
    bool contains(const QString &roomId) const { return m_channels.contains(roomId); }
    qint64 lastSeq(const QString &roomId) const;

    // The events asked for (subscribed again at once when connected). chat.destroy and
    // room.resync are handed on whatever the mask.
    void setEventMask(protocol::EventMask mask);
    protocol::EventMask eventMask() const { return m_eventMask; }

    // Unsubscribes every room now, without waiting for replies: for the owner's destruction.
    void unsubscribeAll();

Q_SIGNALS:
    void channelsChanged();
    void delivered(const QString &channel, const protocol::AnyEvent &event);
    // Events flow from now on (after each subscribe, first or on a reconnect): what happened
    // before - who came or went while we were not subscribed - is for the owner to fetch.
    void subscribed(const QString &channel);
    void historyTrimmed(const QString &channel, qint64 missed);
    void channelLost(const QString &channel, const protocol::Error &error);

private:
    struct Channel;
    using ChannelPtr = std::shared_ptr<Channel>;

    void subscribe(const ChannelPtr &channel);
    void sync(const ChannelPtr &channel);
    void onPage(const ChannelPtr &channel, qint64 after, const protocol::MessageList &page);
    void onEvent(const QJsonObject &frame);
    void deliverMessage(const ChannelPtr &channel, const protocol::ChatMessage &message);
    void drainHeld(const ChannelPtr &channel);
    // false when the channel was removed meanwhile (by whoever heard the event).
    bool hand(const ChannelPtr &channel, const protocol::AnyEvent &event);
    bool isCurrent(const ChannelPtr &channel) const;
    void lose(const ChannelPtr &channel, const protocol::Error &error);

    Link &m_link;
    RequestQueue &m_requests;
    protocol::EventMask m_eventMask = protocol::kAllEvents;
    QHash<QString, ChannelPtr> m_channels;
};

} // namespace pc::client
