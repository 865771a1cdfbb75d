#include "hiredisreply.h"

#include <hiredis/hiredis.h>

#include <memory>
#include <new>
#include <vector>

namespace pc::redis {

namespace {

    // Bump allocation for a reply's objects, freed all at once with the reply. Most replies are
    // a few values: they fit the first block, which is part of the root itself, so a small
    // reply costs one allocation (and leaves no separate block behind to fragment the heap).
    class Arena
    {
    public:
        void *allocate(size_t bytes)
        {
            bytes = (bytes + alignof(std::max_align_t) - 1) & ~(alignof(std::max_align_t) - 1);
            if (bytes > m_left) {
                const size_t size = std::max(bytes, m_next);
                m_next = std::min<size_t>(m_next * 2, 1 << 20);
                m_blocks.emplace_back(new char[size]);
                m_at = m_blocks.back().get();
                m_left = size;
            }
            void *p = m_at;
            m_at += bytes;
            m_left -= bytes;
            return p;
        }

    private:
        static constexpr size_t kInline = 256;
        alignas(std::max_align_t) char m_inline[kInline];
        std::vector<std::unique_ptr<char[]>> m_blocks;
        char *m_at = m_inline;
        size_t m_left = kInline;
        size_t m_next = 4096;
    };

    // What the reader makes for every value: a redisReply first, as hiredis reads it, and
    // where the value is in our Reply (the root's own, or an element of its parent's list).
    struct Node
    {
        redisReply hiredis;
        Reply *value;
    };
    static_assert(std::is_trivially_destructible_v<Node>);

    struct Root : Node
    {
        Reply own;
        Arena arena;
    };

    Root *rootOf(const redisReadTask *task)
    {
        while (task->parent)
            task = task->parent;
        return static_cast<Root *>(task->obj);
    }

    // A value of `task`, linked into its parent on both sides.
    Node *make(const redisReadTask *task, int type)
    {
        Node *node;
        if (!task->parent) {
            auto *root = new Root {};
            root->value = &root->own;
            node = root;
        } else {
            node = new (rootOf(task)->arena.allocate(sizeof(Node))) Node {};
            auto *parent = static_cast<Node *>(task->parent->obj);
            node->value = &parent->value->elements[task->idx];
            parent->hiredis.element[task->idx] = &node->hiredis;
        }
        node->hiredis.type = type;
        return node;
    }

    void *createString(const redisReadTask *task, char *str, size_t len)
    {
        Node *node = make(task, task->type);
        Reply &value = *node->value;
        value.type = task->type == REDIS_REPLY_STRING ? Reply::Type::String
            : task->type == REDIS_REPLY_STATUS        ? Reply::Type::Status
                                                      : Reply::Type::Error;
        value.string = QByteArray(str, qsizetype(len));
        // hiredis only reads it (pub/sub replies); NUL-terminated, as its own strings are.
        node->hiredis.str = const_cast<char *>(value.string.constData());
        node->hiredis.len = len;
        return node;
    }

    void *createArray(const redisReadTask *task, int elements)
    {
        if (elements > kMaxReplyElements)
            return nullptr; // the reader reports out of memory and stops
        Node *node = make(task, REDIS_REPLY_ARRAY);
        node->value->type = Reply::Type::Array;
        if (elements > 0) {
            node->value->elements.resize(elements); // never resized again: elements stay put
            auto *table = task->parent ? &rootOf(task)->arena : &static_cast<Root *>(node)->arena;
            node->hiredis.element = static_cast<redisReply **>(
                table->allocate(sizeof(redisReply *) * size_t(elements)));
            std::fill_n(node->hiredis.element, elements, nullptr);
        }
        node->hiredis.elements = size_t(elements);
        return node;
    }

    void *createInteger(const redisReadTask *task, long long value)
    {
        Node *node = make(task, REDIS_REPLY_INTEGER);
        node->value->type = Reply::Type::Integer;
        node->value->integer = value;
        node->hiredis.integer = value;
        return node;
    }

    void *createNil(const redisReadTask *task)
    {
        Node *node = make(task, REDIS_REPLY_NIL);
        node->value->type = Reply::Type::Nil;
        return node;
    }

    // hiredis frees only what it returned whole, or the root of what it was building.
    void freeObject(void *object)
    {
        delete static_cast<Root *>(static_cast<Node *>(object));
    }

    redisReplyObjectFunctions replyFunctions { createString, createArray, createInteger, createNil,
        freeObject };

} // namespace

void useReplyFunctions(redisReader *reader)
{
    reader->fn = &replyFunctions;
}

Reply takeReply(void *object)
{
    return std::move(*static_cast<Node *>(object)->value);
}

} // namespace pc::redis
