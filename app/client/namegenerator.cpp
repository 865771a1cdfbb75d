#include "namegenerator.h"

#include <QRandomGenerator>

#include <iterator>

namespace pc::client {

namespace {

    // Shipped with the app: a name is never fetched.
    const char *const kAdjectives[] = {
        "amber",
        "bold",
        "brave",
        "bright",
        "calm",
        "clever",
        "cosmic",
        "crisp",
        "daring",
        "eager",
        "fuzzy",
        "gentle",
        "golden",
        "happy",
        "hidden",
        "jolly",
        "keen",
        "lively",
        "lucky",
        "mellow",
        "misty",
        "nimble",
        "noble",
        "quiet",
        "rapid",
        "silent",
        "silver",
        "sly",
        "steady",
        "swift",
        "tidy",
        "vivid",
        "wild",
        "wise",
        "witty",
        "zesty",
    };
    const char *const kAnimals[] = {
        "badger",
        "beaver",
        "bison",
        "crane",
        "dingo",
        "eagle",
        "falcon",
        "ferret",
        "finch",
        "fox",
        "gecko",
        "heron",
        "ibis",
        "jackal",
        "koala",
        "lemur",
        "lynx",
        "marten",
        "moose",
        "newt",
        "ocelot",
        "otter",
        "owl",
        "panda",
        "puffin",
        "quail",
        "raven",
        "seal",
        "shrew",
        "stoat",
        "tapir",
        "tiger",
        "toucan",
        "walrus",
        "wolf",
        "yak",
    };

    template<typename Array> QString pick(const Array &words)
    {
        return QString::fromLatin1(
            words[QRandomGenerator::global()->bounded(int(std::size(words)))]);
    }

} // namespace

QString generateName()
{
    return QStringLiteral("%1-%2-%3")
        .arg(pick(kAdjectives), pick(kAnimals))
        .arg(QRandomGenerator::global()->bounded(10, 100));
}

} // namespace pc::client
