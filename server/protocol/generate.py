#!/usr/bin/env python3
"""Generates every form of the protocol from schema.toml (see its header).

    generate.py --schema schema.toml --lua LUA_DIR --out OUT_DIR

writes into OUT_DIR: protocol/schema_gen.h, protocol/schema_gen.cpp (C++ structs, codecs,
op/event/error tables), protocol/store_scripts.h (the Lua scripts' named keys, arguments and
replies), protocol/event_signals.h (the client's signal per event), lua/NAME.lua (each script
with its generated prelude), schema.json and protocol-reference.md. A file is rewritten only
when its content changes, so nothing rebuilds for nothing.

A data file and a generator rather than C++ X-macros: the same definition feeds C++, Lua,
Python (the contract suite) and the docs, and only a data file is readable by all of them.
"""

import argparse
import json
import pathlib
import sys
import tomllib

HEADER = "Generated from server/protocol/schema.toml by server/protocol/generate.py: do not edit."


class SchemaError(Exception):
    pass


def camel(name):  # "room-not-found" / "chat.message" / "maxTtl" -> "RoomNotFound" / ... / "MaxTtl"
    out, up = [], True
    for c in name:
        if c in "-._":
            up = True
        elif up:
            out.append(c.upper())
            up = False
        else:
            out.append(c)
    return "".join(out)


def snake(name):  # "chat.message" -> "chat_message"
    return name.replace(".", "_").replace("-", "_")


def limit_name(name):
    return "k" + name[0].upper() + name[1:]


class Schema:
    def __init__(self, data):
        self.data = data
        self.version = data["version"]
        self.limits = data["limits"]
        self.errors = data["errors"]
        self.structs = data["structs"]
        self.ops = data["ops"]
        self.events = data["events"]
        self.scripts = data["scripts"]
        self.check()

    def limit_value(self, ref):
        if isinstance(ref, int) and not isinstance(ref, bool):
            return ref
        if ref not in self.limits:
            raise SchemaError(f"unknown limit {ref!r}")
        return self.limits[ref]["value"]

    def cpp_value(self, ref):
        if isinstance(ref, bool):
            return "true" if ref else "false"
        if isinstance(ref, int):
            return str(ref)
        self.limit_value(ref)
        return "limits::" + limit_name(ref)

    def check(self):
        kinds = {"string", "roomId", "integer", "boolean", "true", "enum", "events", "list",
                 "object", "inline"}
        for sname, s in self.structs.items():
            seen = set()
            for f in s["fields"]:
                if f["type"] not in kinds:
                    raise SchemaError(f"{sname}.{f['name']}: unknown type {f['type']!r}")
                if f["type"] in ("list", "object", "inline") and f.get("of") not in self.structs:
                    raise SchemaError(f"{sname}.{f['name']}: unknown struct {f.get('of')!r}")
                for ref in ("min", "max", "default"):
                    if ref in f and f["type"] == "integer":
                        self.limit_value(f[ref])
                    elif ref == "max" and ref in f:
                        self.limit_value(f[ref])
            for key, _ in self.wire_fields(sname):
                if key in seen:
                    raise SchemaError(f"{sname}: the wire name {key!r} twice")
                seen.add(key)
        for table in ("ops", "events"):
            names = [e["name"] for e in getattr(self, table)]
            if len(set(names)) != len(names):
                raise SchemaError(f"{table}: a name twice")
        for op in self.ops:
            for ref in ("params", "reply"):
                if op[ref] not in self.structs:
                    raise SchemaError(f"{op['name']}: unknown {ref} {op[ref]!r}")
            if op["access"] not in ("open", "member"):
                raise SchemaError(f"{op['name']}: access is open or member")
            script = op.get("script")
            if script is not None and script not in self.scripts:
                raise SchemaError(f"{op['name']}: unknown script {script!r}")
            if "relay" in op:
                self.check_relay(op)
            if op["access"] == "member":
                # The table is the rule: a member op reaches the store only through a script
                # whose prelude checks the member, with params that name one.
                if script is None or not self.scripts[script].get("member"):
                    raise SchemaError(f"{op['name']} is a member op: its script must check the member")
                if not self.has_member(op["params"]):
                    raise SchemaError(f"{op['name']} is a member op: its params must hold MemberParams")
        self.check_http()
        for ev in self.events:
            if ev["payload"] not in self.structs:
                raise SchemaError(f"{ev['name']}: unknown payload {ev['payload']!r}")
            if ev["id"] != ev["payload"]:
                raise SchemaError(f"{ev['name']}: the payload struct is named as the event")
        for name, sc in self.scripts.items():
            if sc.get("member") and not {"now", "tokenHash"} <= set(sc["args"]):
                raise SchemaError(f"script {name}: a member script takes now and tokenHash")
            if sc.get("member") and "members" not in sc["keys"]:
                raise SchemaError(f"script {name}: a member script needs the members key")
            if sc.get("host") not in (None, "hosted", "required") or (sc.get("host") and not sc.get("member")):
                raise SchemaError(f"script {name}: host is hosted or required, on a member script")
            for n in sc.get("publishes", []):
                if n not in [e["name"] for e in self.events]:
                    raise SchemaError(f"script {name}: publishes the unknown event {n!r}")
            if sc["keys"][0] != "meta":
                raise SchemaError(f"script {name}: KEYS[1] is always meta")

    def check_http(self):
        # Every code has its HTTP status; a route is one method and path, taken once; a route
        # read from the query (GET, DELETE) has only flat params.
        for e in self.errors:
            if not isinstance(e.get("http"), int) or not 400 <= e["http"] <= 599:
                raise SchemaError(f"error {e['code']}: http is its status, 400 to 599")
        seen = set()
        for op in self.ops:
            route = op.get("http")
            if route is None:
                continue
            if route.get("method") not in ("GET", "POST", "DELETE") or not route.get("path", "").startswith("/api/"):
                raise SchemaError(f"{op['name']}: http is {{ method = GET, POST or DELETE, path = /api/... }}")
            key = (route["method"], route["path"])
            if key in seen:
                raise SchemaError(f"{op['name']}: the route {key} twice")
            seen.add(key)
            if route["method"] != "POST":
                for k, f in self.wire_fields(op["params"]):
                    if f["type"] not in ("string", "roomId", "integer"):
                        raise SchemaError(f"{op['name']}: {k} cannot travel in a query string")

    def query_integers(self, op):
        """The params of a query route that are integers: the query's text is read as one."""
        if op["http"]["method"] == "POST":
            return []
        return [k for k, f in self.wire_fields(op["params"]) if f["type"] == "integer"]

    def relayed_fields(self, op):
        """A relay op's params other than the member: they go into its event as sent."""
        return [(k, f) for k, f in self.wire_fields(op["params"]) if not f["path"].startswith("member.")
                and k not in ("roomId", "token")]

    def check_relay(self, op):
        # A relay op stores nothing: the relay script publishes its event, made of the params
        # (but the member's) and the sender's participantId and name stamped from the token.
        events = {e["name"]: e for e in self.events}
        if op["relay"] not in events:
            raise SchemaError(f"{op['name']}: relays the unknown event {op['relay']!r}")
        if op.get("script") != "relay" or op["access"] != "member" or op["reply"] != "Empty":
            raise SchemaError(f"{op['name']}: a relay op is a member op with script relay and reply Empty")
        payload = {k for k, _ in self.wire_fields(events[op["relay"]]["payload"])}
        # The sender, stamped by relay.lua: its sealed name too in an end-to-end room.
        sent = {k for k, _ in self.relayed_fields(op)} | {"participantId", "name", "sealedName"}
        if payload != sent:
            raise SchemaError(f"{op['name']}: {op['relay']}'s payload must be its params and "
                              f"participantId, name, sealedName (has {sorted(payload)}, would get {sorted(sent)})")

    def has_member(self, sname):
        if sname == "MemberParams":
            return True
        return any(f["type"] == "inline" and f["of"] == "MemberParams"
                   for f in self.structs[sname]["fields"])

    def wire_fields(self, sname, path="", rename=None):
        """(wire key, field) pairs with inline structs flattened; field gets 'path' (C++)."""
        rename = rename or {}
        out = []
        for f in self.structs[sname]["fields"]:
            cpp_path = path + f["name"]
            if f["type"] == "inline":
                out += self.wire_fields(f["of"], cpp_path + ".", f.get("rename"))
                continue
            g = dict(f)
            g["path"] = cpp_path
            out.append((rename.get(f["name"], f["name"]), g))
        return out

    def order(self):
        """Structs so that each comes after the structs it holds."""
        done, out = set(), []

        def visit(name):
            if name in done:
                return
            done.add(name)
            for f in self.structs[name]["fields"]:
                if "of" in f:
                    visit(f["of"])
            out.append(name)

        for name in self.structs:
            visit(name)
        return out


# ---------------------------------------------------------------------------------------- C++

def cpp_type(f):
    t = f["type"]
    if t in ("string", "roomId"):
        base = "QString"
    elif t == "integer":
        base = f.get("cpp", "qint64")
    elif t == "boolean":
        base = "bool"
    elif t == "enum":
        base = f["cpp_enum"]
    elif t == "events":
        base = "EventMask"
    elif t == "list":
        base = f"QList<{f['of']}>"
    else:
        base = f["of"]
    return f"std::optional<{base}>" if f.get("optional") else base


def cpp_default(schema, f):
    t = f["type"]
    if f.get("optional"):
        return ""
    if t == "integer":
        return " = " + schema.cpp_value(f.get("default", 0))
    if t == "boolean":
        return " = " + schema.cpp_value(f.get("default", False))
    if t == "enum":
        return f" = {f['cpp_enum']}::{camel(f['values'][0])}"
    if t == "events":
        return " = kAllEvents"
    return ""


def gen_header(schema):
    L = [f"// {HEADER}", "#pragma once", "", "#include \"protocol/errors.h\"",
         "#include \"protocol/limits.h\"", "#include \"protocol/schema.h\"", "",
         "#include <QJsonObject>", "#include <QList>", "#include <QString>", "",
         "#include <optional>", "", "namespace pc::protocol {", "",
         "// Host-configured bounds a request is read against.", "struct ReadOptions", "{",
         "    int maxTtl = limits::kMaxTtl; // room.create ttl: a host may allow less", "};", ""]
    for sname in schema.order():
        s = schema.structs[sname]
        ev = next((e for e in schema.events if e["payload"] == sname), None)
        if "doc" in s:
            L.append(f"// {s['doc']}")
        L += [f"struct {sname}", "{"]
        if ev:
            L.append(f"    static constexpr Event kEvent = Event::{ev['id']};")
        for f in s["fields"]:
            if f["type"] == "enum":
                vals = ", ".join(camel(v) for v in f["values"])
                L.append(f"    enum class {f['cpp_enum']} {{ {vals} }};")
        for f in s["fields"]:
            if f["type"] == "true":
                continue  # a constant: written and checked, never held
            comment = f"  // {f['doc']}" if "doc" in f and len(f["doc"]) < 60 else ""
            L.append(f"    {cpp_type(f)} {f['name']}{cpp_default(schema, f)};{comment}")
        L += ["",
              "    // Every bad-request check of every field first, then the too-large checks.",
              f"    static std::optional<Error> read(const QJsonObject &o, {sname} &out,",
              "        const ReadOptions &options = {});",
              f"    static std::optional<{sname}> fromJson(const QJsonObject &o);",
              "    QJsonObject toJson() const;",
              f"    friend bool operator==(const {sname} &, const {sname} &) = default;", "};", ""]
    L += ["// Op -> its params and reply.", "template<Op O> struct OpTypes;"]
    L.append("// kRelay: the event a relay op publishes (it stores nothing); kBurst and kPerSecond: the")
    L.append("// op's own rate limit per connection (0: only the connection's).")
    for op in schema.ops:
        rate = op.get("rate", {})
        relay = f"Event::{next(e['id'] for e in schema.events if e['name'] == op['relay'])}" \
            if "relay" in op else "std::optional<Event>()"
        L += [f"template<> struct OpTypes<Op::{op['id']}>", "{",
              f"    using Params = {op['params']};", f"    using Reply = {op['reply']};",
              f"    static constexpr std::optional<Event> kRelay = {relay};",
              f"    static constexpr double kBurst = {float(rate.get('burst', 0))};",
              f"    static constexpr double kPerSecond = {float(rate.get('perSecond', 0))};", "};"]
    L += ["", "} // namespace pc::protocol", ""]
    return "\n".join(L)


def gen_lists(schema):
    """schema_lists.h: the tables as X-macros, the limits, and names for every code."""
    L = [f"// {HEADER}", "#pragma once", "", "#include <QtGlobal>", "",
         f"#define PC_PROTOCOL_VERSION {schema.version}", "",
         "// X(Name, \"wire.name\", access, Params, Reply): access is Open or Member.",
         "#define PC_PROTOCOL_OPS(X) \\"]
    L += [f"    X({o['id']}, \"{o['name']}\", {o['access'].capitalize()}, {o['params']}, "
          f"{o['reply']}) \\" for o in schema.ops]
    L += ["", "", "// The ops the host runs a handler of its own for, and the relay ops (OpTypes::kRelay).",
          "#define PC_HANDLED_OPS(X) \\"]
    L += [f"    X({o['id']}, \"{o['name']}\", {o['access'].capitalize()}, {o['params']}, "
          f"{o['reply']}) \\" for o in schema.ops if "relay" not in o]
    L += ["", "#define PC_RELAYED_OPS(X) \\"]
    L += [f"    X({o['id']}, \"{o['name']}\", {o['access'].capitalize()}, {o['params']}, "
          f"{o['reply']}) \\" for o in schema.ops if "relay" in o]
    L += ["", "", "// X(Name, Method, \"/path\", \"integer params\", token): the ops with an HTTP route. Get",
          "// and Delete read the params from the query (the named ones as integers), Post from the",
          "// body; token: the op takes one (from Authorization: Bearer).",
          "#define PC_HTTP_ROUTES(X) \\"]
    L += [f"    X({o['id']}, {o['http']['method'].capitalize()}, \"{o['http']['path']}\", "
          f"\"{' '.join(schema.query_integers(o))}\", "
          f"{str(any(k == 'token' for k, _ in schema.wire_fields(o['params']))).lower()}) \\"
          for o in schema.ops if "http" in o]
    L += ["", "", "// X(Name, status): the HTTP status of each error code.",
          "#define PC_HTTP_STATUSES(X) \\"]
    L += [f"    X({camel(e['code'])}, {e['http']}) \\" for e in schema.errors]
    L += ["", "", "// X(Name, \"wire.name\", clientSignal, always, seq): Name is also the payload struct.",
          "#define PC_PROTOCOL_EVENTS(X) \\"]
    L += [f"    X({e['id']}, \"{e['name']}\", {e['signal']}, {str(bool(e.get('always'))).lower()}, "
          f"{str(bool(e.get('seq'))).lower()}) \\" for e in schema.events]
    L += ["", "", "// X(Name, \"wire-code\"), in the order they are checked.",
          "#define PC_PROTOCOL_ERRORS(X) \\"]
    L += [f"    X({camel(e['code'])}, \"{e['code']}\") \\" for e in schema.errors]
    L += ["", "", "namespace pc::protocol::limits {", ""]
    for name, lim in schema.limits.items():
        v = lim["value"]
        t = lim.get("cpp", "int" if abs(v) < 2**31 else "qint64")
        L.append(f"inline constexpr {t} {limit_name(name)} = {v}; // {lim['doc']}")
    L += ["", "} // namespace pc::protocol::limits", ""]
    return "\n".join(L)


def gen_reader(schema, key, f, L, phase):
    path = "out." + f["path"]
    k = f'"{key}"'
    t = f["type"]
    if phase == 1:
        if t == "string":
            if f.get("optional"):
                call = f"readOptionalString(o, {k}, {path})"
            elif f.get("empty_when_missing"):
                call = f"readStringOrEmpty(o, {k}, {path})"
            else:
                call = f"readString(o, {k}, {path})"
        elif t == "roomId":
            call = f"readRoomId(o, {k}, {path})"
        elif t == "integer":
            lo = schema.cpp_value(f.get("min", "-limits::kMaxSafeInteger"))  \
                if "min" in f else "-limits::kMaxSafeInteger"
            hi = "options.maxTtl" if f.get("host_max") else (
                schema.cpp_value(f["max"]) if "max" in f else "limits::kMaxSafeInteger")
            req = "false" if "default" in f else "true"
            call = f"readInteger(o, {k}, {lo}, {hi}, {req}, {path})"
        elif t == "boolean" and f.get("optional"):
            call = f"readOptionalBoolean(o, {k}, {path})"
        elif t == "boolean":
            call = f"readBoolean(o, {k}, {'false' if 'default' in f else 'true'}, {path})"
        elif t == "true":
            call = f"readTrue(o, {k})"
        elif t == "enum":
            names = ", ".join(f'"{v}"' for v in f["values"])
            call = f"readEnum(o, {k}, {{ {names} }}, {path})"
        elif t == "events":
            call = f"readEvents(o, {k}, {path})"
        elif t == "list":
            call = f"readList(o, {k}, {path}, options)"
        elif t == "object":
            call = f"readObject(o, {k}, {path}, options)"
        L.append(f"    if (auto error = {call})")
        L.append("        return error;")
        if f.get("format") == "sealed":  # opaque to the host: only its form is checked
            value = f"*{path}" if f.get("optional") else path
            guard = f"{path} && " if f.get("optional") else ""
            L.append(f"    if ({guard}!isSealedValue({value}))")
            L.append(f"        return notSealed({k});")
        if f.get("host_max"):  # the default too stays within what this host allows
            L.append(f"    {path} = std::min({path}, options.maxTtl);")
    elif t == "string" and "max" in f:
        value = f"*{path}" if f.get("optional") else path
        check = f"checkText({k}, {value}, {schema.cpp_value(f['max'])}, {str(bool(f.get('nonblank'))).lower()})"
        if f.get("optional"):
            L.append(f"    if ({path}) {{")
            L.append(f"        if (auto error = {check})")
            L.append("            return error;")
            L.append("    }")
        else:
            L.append(f"    if (auto error = {check})")
            L.append("        return error;")


def gen_writer(schema, key, f, L):
    path = f["path"]
    k = f'QLatin1StringView("{key}")'
    t = f["type"]
    if t == "true":
        L.append(f"    o.insert({k}, true);")
        return
    if t == "enum":
        names = ", ".join(f'"{v}"' for v in f["values"])
        L.append(f"    o.insert({k}, enumName({{ {names} }}, {path}));")
        return
    value = f"*{path}" if f.get("optional") else path
    if t == "events":
        expr = f"eventNames({value})"
    elif t == "list":
        expr = f"toArray({value})"
    elif t == "object":
        expr = f"{value}.toJson()"
    else:
        expr = value
    if f.get("optional"):
        L.append(f"    if ({path})")
        L.append(f"        o.insert({k}, {expr});")
    else:
        L.append(f"    o.insert({k}, {expr});")


def gen_source(schema):
    L = [f"// {HEADER}", "#include \"protocol/schema_gen.h\"", "", "#include \"protocol/fieldreaders.h\"", "", "#include <algorithm>",
         "", "namespace pc::protocol {", "", "using namespace fields;", ""]
    for sname in schema.order():
        fields = schema.wire_fields(sname)
        unused = "" if fields else " /*o*/"
        opts_used = any(f["type"] in ("list", "object") or f.get("host_max") for _, f in fields)
        L.append(f"std::optional<Error> {sname}::read(const QJsonObject &{'o' if fields else ''}, "
                 f"{sname} &{'out' if fields else ''}, const ReadOptions &{'options' if opts_used else ''})")
        L.append("{")
        for key, f in fields:
            gen_reader(schema, key, f, L, 1)
        # one_of: exactly one of these optional fields (missing: as the first one missing).
        for group in schema.structs[sname].get("one_of", []):
            paths = [next(f["path"] for k, f in fields if k == g) for g in group]
            names = ", ".join(f'"{g}"' for g in group)
            present = " + ".join(f"int(out.{p_}.has_value())" for p_ in paths)
            L.append(f"    if (auto error = exactlyOneOf({{ {names} }}, {present}))")
            L.append("        return error;")
        for key, f in fields:
            gen_reader(schema, key, f, L, 2)
        L += ["    return std::nullopt;", "}", ""]
        L += [f"std::optional<{sname}> {sname}::fromJson(const QJsonObject &o)", "{",
              f"    {sname} value;", "    if (read(o, value))", "        return std::nullopt;",
              "    return value;", "}", ""]
        L += [f"QJsonObject {sname}::toJson() const", "{", "    QJsonObject o;"]
        for key, f in fields:
            gen_writer(schema, key, f, L)
        L += ["    return o;", "}", ""]
    L += ["QString defaultErrorMessage(ErrorCode code)", "{", "    switch (code) {"]
    for e in schema.errors:
        L.append(f"    case ErrorCode::{camel(e['code'])}:")
        text = e.get("message")
        L.append(f"        return QStringLiteral({json.dumps(text)});" if text else "        return {};")
    L += ["    }", "    return {};", "}", "", "} // namespace pc::protocol", ""]
    return "\n".join(L)


def gen_event_signals(schema):
    """A QObject with one signal per event (moc reads this header: a macro would hide them)."""
    L = [f"// {HEADER}", "#pragma once", "", "#include \"protocol/events.h\"", "", "#include <QObject>",
         "", "#include <type_traits>", "#include <variant>",
         "", "namespace pc::client {", "",
         "// One signal per schema event, and the one place that emits them.",
         "class EventSignals : public QObject", "{", "    Q_OBJECT", "public:",
         "    using QObject::QObject;", "", "Q_SIGNALS:"]
    for e in schema.events:
        L.append(f"    void {e['signal']}(const QString &channel, const pc::protocol::{e['payload']} &data);")
    L += ["", "protected:", "    // Emits the signal of the payload's event.",
          "    void emitTyped(const QString &channel, const pc::protocol::AnyEvent &event)", "    {",
          "        std::visit(", "            [&](const auto &payload) {",
          "                using P = std::decay_t<decltype(payload)>;"]
    first = True
    for e in schema.events:
        kw = "if constexpr" if first else "else if constexpr"
        first = False
        L += [f"                {kw} (std::is_same_v<P, pc::protocol::{e['payload']}>)",
              f"                    Q_EMIT {e['signal']}(channel, payload);"]
    L += ["                else // an event of the schema without its signal does not compile",
          "                    static_assert(std::is_same_v<P, std::monostate>, \"an event without a signal\");",
          "            },", "            event);", "    }", "};", "", "} // namespace pc::client", ""]
    return "\n".join(L)


def gen_store_scripts(schema):
    L = [f"// {HEADER}", "#pragma once", "", "#include <QByteArray>", "#include <QList>", "",
         "// The store's Lua scripts by name: KEYS and ARGV filled by field name (the script reads",
         "// K.<name> and A.<name>), and the positions of their replies after 'ok'.",
         "namespace pc::host::scripts {", ""]
    for name, sc in schema.scripts.items():
        cname = camel(name)
        L += [f"struct {cname}", "{", f"    static constexpr const char *kName = \"{name}\";",
              f"    static constexpr bool kChecksMember = {str(bool(sc.get('member'))).lower()};",
              "    struct Args", "    {"]
        L += [f"        QByteArray {a} {{}};" for a in sc["args"]]
        L += ["        QList<QByteArray> list() const { return { " + ", ".join(sc["args"]) + " }; }",
              "    };",
              "    // Its KEYS from anything that names them (RoomKeys).",
              "    template<typename K> static QList<QByteArray> keys(const K &k)",
              "    {", "        return { " + ", ".join("k." + k for k in sc["keys"]) + " };", "    }"]
        if sc.get("reply"):
            L.append("    enum Reply {")
            L += [f"        {r} = {i + 1}," for i, r in enumerate(sc["reply"])]
            L.append("    };")
        L += ["};", ""]
    L += ["} // namespace pc::host::scripts", ""]
    return "\n".join(L)


# ---------------------------------------------------------------------------------------- Lua

def gen_lua_events(schema, sc):
    """The names and encoders of the events a script publishes (only those: Lua defines its
    functions on every call)."""
    by_name = {e["name"]: e for e in schema.events}
    L = ["local EVENT = {"]
    L += [f"  {snake(n)} = '{n}'," for n in sc.get("publishes", [])]
    L += ["}", "local ENCODE = {}"]
    for n in sc.get("publishes", []):
        e = by_name[n]
        fields = schema.wire_fields(e["payload"])
        var = snake(n)
        # Joined in the schema's order, not cjson.encode(t): no walk over t's keys, and a key the
        # schema does not name cannot reach the wire (it is left out).
        L += [f"-- {n}: the schema's fields in its order; a required one missing is an error.",
              f"function ENCODE.{var}(t)"]
        for k, f in fields:
            if not f.get("optional") and f["type"] != "true":
                L.append(f"  if t.{k} == nil then error('{n}: no {k}') end")
        parts = []
        for i, (k, f) in enumerate(fields):
            key = ("{" if i == 0 else ",") + f'"{k}":'
            if f["type"] == "true":
                parts.append(f"'{key}true'")
            elif f.get("optional"):
                parts.append(f"(t.{k} == nil and '' or '{key}' .. cjson.encode(t.{k}))")
            else:
                parts.append(f"'{key}' .. cjson.encode(t.{k})")
        L.append("  return " + "\n    .. ".join(parts) + " .. '}'")
        L.append("end")
    L += ["-- The bus form of an event, \"<name> <seq> <payload>\": hosts read the header without a",
          "-- JSON parser and splice the payload into frames.",
          "-- On a Redis Cluster the host loads the script with 'SPUBLISH' here (sharded pub/sub:",
          "-- the event stays on the room's shard); keep this line as it is (shardedscripts.cpp).",
          "local PUBLISH = 'PUBLISH'",
          "local function publish(channel, event, seq, payload)",
          "  redis.call(PUBLISH, channel, event .. ' ' .. seq .. ' ' .. payload)", "end", ""]
    return "\n".join(L)


def gen_lua_names(name, sc):
    L = [f"-- {name}.lua: KEYS and ARGV by name (schema.toml [scripts.{name}])"]
    L.append("local K = { " + ", ".join(f"{k} = KEYS[{i + 1}]" for i, k in enumerate(sc["keys"])) + " }")
    L.append("local A = { " + ", ".join(f"{a} = ARGV[{i + 1}]" for i, a in enumerate(sc["args"])) + " }")
    return "\n".join(L) + "\n"


def gen_lua_prelude(sc):
    L = []
    if sc.get("reply"):
        fields = ", ".join(f"t.{r}" for r in sc["reply"])
        L += ["-- Its answer: 'ok', then these by name.",
              "local function answer(t)", f"  return {{ 'ok', {fields} }}", "end"]
    if sc.get("member"):
        L += ["-- A member script: the room must be live and the token its member's, first.",
              "local ROOM, MEMBER, MEMBER_ERROR = room_and_member(A.now, K.members, A.tokenHash)",
              "if MEMBER_ERROR then", "  return { MEMBER_ERROR }", "end"]
    if sc.get("host"):
        only = "ROOM.hosted ~= '1' or " if sc["host"] == "required" else ""
        L += ["-- Only the host of a hosted room may go on.",
              f"if {only}(ROOM.hosted == '1' and not is_host(MEMBER)) then", "  return { 'forbidden' }", "end"]
    return "\n".join(L) + "\n"


# --------------------------------------------------------------------------------------- docs

def type_doc(schema, f):
    t = f["type"]
    if t == "integer":
        lo = schema.limit_value(f["min"]) if "min" in f else None
        hi = schema.limit_value(f["max"]) if "max" in f else None
        rng = f" {lo}…{hi}" if lo is not None and hi is not None else (f" ≥ {lo}" if lo is not None else "")
        return "integer" + rng
    if f.get("format") == "sealed":
        return (f"sealed value (base64url, {schema.limit_value('minSealedLength')}…"
                f"{schema.limit_value(f['max'])} chars)")
    if t == "string" and "max" in f:
        s = f"string, 1…{schema.limit_value(f['max'])} chars"
        return s + (", not only whitespace" if f.get("nonblank") else "")
    if t == "roomId":
        return "room ID (string)"
    if t == "true":
        return "`true`"
    if t == "enum":
        return " or ".join(f"`{v}`" for v in f["values"])
    if t == "events":
        return "array of event names"
    if t == "list":
        return f"array of [{f['of']}](#type-{f['of'].lower()})"
    if t == "object":
        return f"[{f['of']}](#type-{f['of'].lower()})"
    return t


def required_doc(schema, f):
    if "default" in f:
        d = f["default"]
        return f"no (default {json.dumps(schema.limit_value(d)) if not isinstance(d, bool) else json.dumps(d)})"
    if f["type"] == "events":
        return "no (default: all)"
    if f.get("optional") or f.get("empty_when_missing"):
        return "no"
    return "yes"


def field_table(schema, sname, params):
    rows = schema.wire_fields(sname)
    if not rows:
        return ["`{}`", ""]
    head = ["| field | type | required | meaning |", "|---|---|---|---|"] if params else \
        ["| field | type | meaning |", "|---|---|---|"]
    out = list(head)
    for key, f in rows:
        doc = f.get("doc", "")
        if f.get("addition"):
            doc += " *(addition to v1)*"
        if params:
            out.append(f"| `{key}` | {type_doc(schema, f)} | {required_doc(schema, f)} | {doc} |")
        else:
            out.append(f"| `{key}` | {type_doc(schema, f)} | {doc} |")
    return out + [""]


def gen_reference(schema):
    L = [f"<!-- {HEADER} -->", "", f"# Protocol v{schema.version} reference", "",
         "Every op, event, error code and limit, field by field, generated from",
         "[`server/protocol/schema.toml`](../server/protocol/schema.toml) — the same definition the",
         "host, the client, the Lua scripts and the contract suite are built from (a test fails",
         "when this file is not what the generator makes of it). How the protocol works — frames,",
         "ordering, reconnects — is in [protocol.md](protocol.md). \"Characters\" are UTF-16 code",
         "units.", "", "## Ops", "",
         "*member*: the op needs `roomId` (for `subscribe`: `channel`) and `token` of a current",
         "member; *open*: anyone. HTTP: the op's route on the host's port ([http-api.md](http-api.md)).",
         "", "| op | access | params | reply | HTTP | |", "|---|---|---|---|---|---|"]
    for op in schema.ops:
        route = f"`{op['http']['method']} {op['http']['path']}`" if "http" in op else "—"
        L.append(f"| [`{op['name']}`](#{snake(op['name']).replace('_', '')}) | {op['access']} | "
                 f"[{op['params']}](#type-{op['params'].lower()}) | [{op['reply']}](#type-{op['reply'].lower()}) | {route} | {op['doc']} |")
    L.append("")
    for op in schema.ops:
        L += [f"### `{op['name']}`", "", op["doc"], ""]
        if "relay" in op:
            L += [f"Stores nothing: publishes `{op['relay']}` to the room's subscribers, with the "
                  "params (but `roomId` and `token`) and the sender's `participantId` and `name`.", ""]
        if "rate" in op:
            L += [f"Its own rate limit per connection: bursts of {op['rate']['burst']}, "
                  f"{op['rate']['perSecond']} per second sustained (then `rate-limited`).", ""]
        L += ["Params:", ""]
        L += field_table(schema, op["params"], True)
        L += ["Reply `data`:", ""]
        L += field_table(schema, op["reply"], False)
    L += ["## Events", "",
          "Pushed as `{\"type\":\"event\",\"channel\":ROOMID,\"event\":NAME,\"data\":PAYLOAD}`.", "",
          "| event | payload | delivered | |", "|---|---|---|---|"]
    for e in schema.events:
        s = schema.structs[e["payload"]]
        how = "always (whatever the filter)" if e.get("always") else "when in the filter"
        if e.get("seq"):
            how += "; ordered by `seq`"
        L.append(f"| `{e['name']}` | [{e['payload']}](#type-{e['payload'].lower()}) | {how} | {s.get('doc', '')} |")
    L += ["", "## Types", ""]
    for name in schema.order():
        L += [f"### Type {name}", ""]
        if "doc" in schema.structs[name]:
            L += [schema.structs[name]["doc"], ""]
        L += field_table(schema, name, name.endswith("Params"))
    L += ["## Error codes", "", "Checked in this order; the first that applies is returned.", "",
          "| code | HTTP | when | message |", "|---|---|---|---|"]
    for e in schema.errors:
        when = e["when"] + (" *(addition to v1)*" if e.get("addition") else "")
        words = e.get("message") or e.get("message_doc", "(says which field and which limit)")
        L.append(f"| `{e['code']}` | {e['http']} | {when} | {words} |")
    L += ["", "## Limits", "", "| name | value | |", "|---|---|---|"]
    for name, lim in schema.limits.items():
        L.append(f"| `{name}` | {lim['value']} | {lim['doc']} |")
    L.append("")
    return "\n".join(L)


def gen_dump(schema):
    def fields(sname):
        out = []
        for key, f in schema.wire_fields(sname):
            g = {k: v for k, v in f.items() if k not in ("path", "doc", "cpp", "cpp_enum", "host_max")}
            g["name"] = key
            for ref in ("min", "max", "default"):
                if ref in g and not isinstance(g[ref], bool):
                    g[ref] = schema.limit_value(g[ref])
            g["required"] = required_doc(schema, f) == "yes"
            out.append(g)
        return out

    return json.dumps({
        "protocol": schema.version,
        "limits": {k: v["value"] for k, v in schema.limits.items()},
        "errors": [e["code"] for e in schema.errors],
        "errorAdditions": [e["code"] for e in schema.errors if e.get("addition")],
        "http": {e["code"]: e["http"] for e in schema.errors},
        "ops": [{"name": o["name"], "access": o["access"], "relay": o.get("relay"), "http": o.get("http"),
                 "rate": o.get("rate"), "params": fields(o["params"]),
                 "reply": fields(o["reply"])} for o in schema.ops],
        "events": [{"name": e["name"], "always": bool(e.get("always")), "seq": bool(e.get("seq")),
                    "data": fields(e["payload"])} for e in schema.events],
        "types": {name: fields(name) for name in schema.order()},
    }, indent=1, ensure_ascii=False) + "\n"


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schema", required=True, type=pathlib.Path)
    ap.add_argument("--lua", required=True, type=pathlib.Path, help="folder of the scripts' bodies")
    ap.add_argument("--out", required=True, type=pathlib.Path)
    args = ap.parse_args()
    try:
        schema = Schema(tomllib.loads(args.schema.read_text()))
    except (SchemaError, KeyError, tomllib.TOMLDecodeError) as e:
        print(f"{args.schema}: {e}", file=sys.stderr)
        return 1
    out = args.out
    write(out / "protocol/schema_lists.h", gen_lists(schema))
    write(out / "protocol/schema_gen.h", gen_header(schema))
    write(out / "protocol/schema_gen.cpp", gen_source(schema))
    write(out / "protocol/event_signals.h", gen_event_signals(schema))
    write(out / "protocol/store_scripts.h", gen_store_scripts(schema))
    common = (args.lua / "common.lua").read_text()
    for name, sc in schema.scripts.items():
        body = (args.lua / f"{name}.lua").read_text()
        write(out / f"lua/{name}.lua", f"-- {HEADER}\n" + gen_lua_names(name, sc) + common
              + gen_lua_events(schema, sc) + gen_lua_prelude(sc) + body)
    write(out / "schema.json", gen_dump(schema))
    write(out / "protocol-reference.md", gen_reference(schema))
    return 0


if __name__ == "__main__":
    sys.exit(main())
