"""An independent XMPP client for the end-to-end tests, on Debian's python3-slixmpp (1.8).

Usage: /usr/bin/python3 xmpp_peer.py HOST PORT JID PASSWORD

Logs in with SASL PLAIN on a plaintext loopback stream (no STARTTLS) and writes one JSON object
per line on stdout:
  {"event": "online", "jid": ...} once the session has started;
  {"event": "stanza", "kind": "message"|"presence"|"iq", ...} for every stanza received (see
  essentials() for the fields: type, from, id, body, subject, status codes, role, affiliation,
  delay, stanza-id, MAM result, error);
  {"event": "done", "ref": ..., "ok": true|false, ...} when a command given a "ref" ends
  (join: "self", "occupants", "history" and "subject_stanza" as slixmpp's join_muc_wait saw
  them; mam: the results slixmpp's xep_0313 collected and the fin; disco: identities and features);
  {"event": "closed"} at the end.
Reads one JSON object per line on stdin and does it:
  {"cmd": "raw", "xml": ...}  sends the stanza as is;
  {"cmd": "join", "room", "nick", "maxstanzas"?, "ref"}  xep_0045 join_muc_wait;
  {"cmd": "leave", "room", "nick"};
  {"cmd": "message", "to", "body", "type"?: "groupchat", "id"?};
  {"cmd": "subject", "room", "subject"}  xep_0045 set_subject;
  {"cmd": "kick", "room", "nick", "reason"?, "ref"}  xep_0045 set_role(..., "none");
  {"cmd": "mam", "room", "start"?: ISO, "with"?, "max"?, "after"?, "pages"?: true, "ref"}  xep_0313
      retrieve (with "pages": its RSM iterator, every page's results, at most MAX_PAGES);
  {"cmd": "disco", "to", "ref"}  xep_0030 get_info;
  {"cmd": "quit"}.
Ends on quit, on a lost connection, or when stdin closes.
"""
import asyncio
import datetime
import json
import os
import sys
import xml.etree.ElementTree as ET

# slixmpp 1.8.3 prints to stdout (xep_0045 _await_join): keep the JSON lines on a stdout of our own.
OUT = os.fdopen(os.dup(1), "w")
sys.stdout = sys.stderr

import slixmpp  # noqa: E402  (after the stdout swap)

NS_CLIENT = "jabber:client"
NS_MUC_USER = "http://jabber.org/protocol/muc#user"
NS_DELAY = "urn:xmpp:delay"
NS_SID = "urn:xmpp:sid:0"
NS_MAM = "urn:xmpp:mam:2"
NS_FORWARD = "urn:xmpp:forward:0"
NS_RSM = "http://jabber.org/protocol/rsm"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"
MAX_XML_CHARS = 4000
MAX_PAGES = 20


def emit(event, **fields):
    fields["event"] = event
    OUT.write(json.dumps(fields) + "\n")
    OUT.flush()


def child(element, name, ns=NS_CLIENT):
    return element.find("{%s}%s" % (ns, name)) if element is not None else None


def text_of(element, name, ns=NS_CLIENT):
    found = child(element, name, ns)
    return None if found is None else (found.text or "")


def message_fields(message):
    """The body, subject, delay and stanza-id of a message element."""
    fields = {"from": message.get("from"), "type": message.get("type"), "id": message.get("id"),
              "body": text_of(message, "body"), "subject": text_of(message, "subject")}
    delay = child(message, "delay", NS_DELAY)
    if delay is not None:
        fields["delay"] = {"stamp": delay.get("stamp"), "from": delay.get("from")}
    sid = child(message, "stanza-id", NS_SID)
    if sid is not None:
        fields["stanza_id"] = {"id": sid.get("id"), "by": sid.get("by")}
    return fields


def essentials(element):
    """What a test needs to know of one received stanza (ElementTree element)."""
    kind = element.tag.split("}")[-1]
    fields = {"kind": kind, "type": element.get("type"), "from": element.get("from"), "id": element.get("id")}
    if kind == "message":
        fields.update(message_fields(element))
        result = child(element, "result", NS_MAM)
        forwarded = child(result, "forwarded", NS_FORWARD)
        if result is not None:
            fields["mam"] = {"queryid": result.get("queryid"), "id": result.get("id")}
            inner = child(forwarded, "message")
            if inner is not None:
                fields["mam"]["message"] = message_fields(inner)
                stamp = child(forwarded, "delay", NS_DELAY)
                fields["mam"]["stamp"] = None if stamp is None else stamp.get("stamp")
    elif kind == "presence":
        fields["status"] = text_of(element, "status")
        fields["show"] = text_of(element, "show")
        x = child(element, "x", NS_MUC_USER)
        if x is not None:
            item = child(x, "item", NS_MUC_USER)
            fields["codes"] = [s.get("code") for s in x.findall("{%s}status" % NS_MUC_USER)]
            if item is not None:
                fields.update(role=item.get("role"), affiliation=item.get("affiliation"), nick=item.get("nick"), jid=item.get("jid"))
                fields["reason"] = text_of(item, "reason", NS_MUC_USER)
    elif kind == "iq":
        fin = child(element, "fin", NS_MAM)
        if fin is not None:
            fields["fin"] = {"complete": fin.get("complete"), "last": text_of(child(fin, "set", NS_RSM), "last", NS_RSM)}
    error = child(element, "error")
    if error is not None:
        conditions = [c.tag.split("}")[-1] for c in error if c.tag.startswith("{%s}" % NS_STANZAS) and not c.tag.endswith("}text")]
        fields["error"] = {"condition": conditions[0] if conditions else None, "text": text_of(error, "text", NS_STANZAS)}
    fields["xml"] = ET.tostring(element, encoding="unicode")[:MAX_XML_CHARS]
    return fields


def error_of(exception):
    """A JSON-friendly account of a failed command (an IQ error keeps its condition)."""
    iq = getattr(exception, "iq", None)
    if iq is not None:
        return {"condition": iq["error"]["condition"], "text": iq["error"]["text"]}
    return {"condition": type(exception).__name__, "text": str(exception)}


class Peer:
    def __init__(self, host, port, jid, password):
        self.host, self.port = host, port
        self.done = asyncio.Event()
        self.buffer = b""
        client = slixmpp.ClientXMPP(jid, password, plugin_config={
            "feature_mechanisms": {"use_mech": "PLAIN", "unencrypted_plain": True},
        })
        for plugin in ("xep_0030", "xep_0045", "xep_0059", "xep_0203", "xep_0297", "xep_0313", "xep_0359"):
            client.register_plugin(plugin)
        client.add_filter("in", self.on_stanza)
        client.add_event_handler("session_start", self.on_session_start)
        client.add_event_handler("failed_auth", lambda _e: (emit("failed_auth"), self.done.set()))
        client.add_event_handler("disconnected", lambda _e: self.done.set())
        self.client = client

    def on_stanza(self, stanza):
        try:
            emit("stanza", **essentials(stanza.xml))
        except Exception as exc:  # a stanza we cannot summarise is reported, not fatal
            emit("unreadable", text=str(exc))
        return stanza

    async def on_session_start(self, _event):
        self.client.send_presence()
        emit("online", jid=str(self.client.boundjid))

    def on_stdin(self):
        data = os.read(0, 65536)
        if not data:
            self.done.set()
            return
        self.buffer += data
        while b"\n" in self.buffer:
            line, self.buffer = self.buffer.split(b"\n", 1)
            if line.strip():
                command = json.loads(line)
                asyncio.ensure_future(self.run(command))

    async def run(self, command):
        ref = command.get("ref")
        try:
            answer = await self.perform(command)
            if ref is not None:
                emit("done", ref=ref, ok=True, **(answer or {}))
        except Exception as exc:
            emit("done", ref=ref, ok=False, error=error_of(exc))

    async def perform(self, command):
        client, cmd = self.client, command["cmd"]
        muc, mam = client["xep_0045"], client["xep_0313"]
        if cmd == "raw":
            client.send_raw(command["xml"])
        elif cmd == "join":
            maxstanzas = command.get("maxstanzas")
            presence, subject, occupants, history = await muc.join_muc_wait(
                slixmpp.JID(command["room"]), command["nick"], maxstanzas=maxstanzas, timeout=command.get("timeout", 15))
            return {"self": essentials(presence.xml), "subject_stanza": essentials(subject.xml),
                    "occupants": [essentials(p.xml) for p in occupants], "history": [essentials(m.xml) for m in history]}
        elif cmd == "leave":
            muc.leave_muc(slixmpp.JID(command["room"]), command["nick"])
        elif cmd == "message":
            message = client.make_message(command["to"], command["body"], mtype=command.get("type", "groupchat"))
            if command.get("id"):
                message["id"] = command["id"]
            message.send()
        elif cmd == "subject":
            muc.set_subject(slixmpp.JID(command["room"]), command["subject"])
        elif cmd == "kick":
            await muc.set_role(slixmpp.JID(command["room"]), command["nick"], "none", reason=command.get("reason", ""), timeout=15)
        elif cmd == "mam":
            rsm = {k: command[k] for k in ("max", "after") if k in command}
            start = datetime.datetime.fromisoformat(command["start"].replace("Z", "+00:00")) if "start" in command else None
            with_jid = slixmpp.JID(command["with"]) if "with" in command else None
            room = slixmpp.JID(command["room"])
            if command.get("pages"):
                # slixmpp's RSM iterator: page after page (each asks `after` the last page's last id).
                pages = []
                async for page in mam.retrieve(jid=room, start=start, with_jid=with_jid, rsm=rsm or None, iterator=True):
                    pages.append([essentials(m.xml) for m in page["mam"]["results"]])
                    if len(pages) >= MAX_PAGES:
                        break
                return {"pages": pages}
            iq = await mam.retrieve(jid=room, start=start, with_jid=with_jid, rsm=rsm or None, timeout=15)
            results = [essentials(m.xml) for m in iq["mam"]["results"]]
            return {"results": results, "fin": essentials(iq.xml).get("fin")}
        elif cmd == "disco":
            iq = await client["xep_0030"].get_info(jid=command["to"], timeout=15)
            info = iq["disco_info"]
            return {"identities": [list(i) for i in info["identities"]], "features": list(info["features"])}
        elif cmd == "quit":
            client.disconnect()
            self.done.set()
        else:
            raise ValueError("unknown command %r" % cmd)
        return None

    async def main(self):
        loop = asyncio.get_event_loop()
        loop.add_reader(0, self.on_stdin)
        self.client.connect((self.host, self.port), force_starttls=False, disable_starttls=True)
        await self.done.wait()
        loop.remove_reader(0)
        if self.client.is_connected():
            self.client.disconnect()
            await asyncio.sleep(0.2)
        emit("closed")


def main():
    host, port, jid, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(Peer(host, port, jid, password).main())


if __name__ == "__main__":
    main()
