"""An independent IRC client for the end-to-end tests, on Debian's python3-irc (8.x).

Usage: /usr/bin/python3 irc_peer.py HOST PORT NICK

Writes one JSON object per line on stdout for what it receives: {"event": "welcome"},
{"event": "away"} (the server's 306),
{"event": "privmsg"|"pubmsg"|"action"|"notice", "source": nick, "target": ..., "text": ...},
in channels {"event": "join"|"part"|"quit", "source": nick, "target": channel},
{"event": "kick", "source": nick, "target": channel, "nick": kicked, "text": reason},
{"event": "mode", "source": nick, "target": channel, "args": [modes, ...]},
{"event": "topic", "source": nick, "target": channel, "text": topic},
{"event": "names", "target": channel, "text": names} (353), {"event": "endofnames", "target": channel}.
Reads one JSON object per line on stdin and does it: {"cmd": "privmsg"|"action"|"notice",
"target": ..., "text": ...}, {"cmd": "away", "text": ...} (no text: back),
{"cmd": "join"|"part", "channel": ...}, {"cmd": "mode", "target": ..., "modes": "+o nick"},
{"cmd": "topic", "channel": ..., "text": ...}, {"cmd": "quit"}.
Ends on quit, on a lost connection, or when stdin closes.
"""
import json
import os
import select
import sys

import irc.client


def emit(event, **fields):
    fields["event"] = event
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def main():
    host, port, nick = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    client = irc.client.IRC()
    server = client.server()
    done = []

    def on_message(kind):
        def handler(connection, event):
            emit(kind, source=irc.client.NickMask(event.source).nick, target=event.target, text=event.arguments[0])
        return handler

    server.add_global_handler("welcome", lambda c, e: emit("welcome"))
    def on_channel(kind):
        def handler(connection, event):
            args = list(event.arguments)
            fields = {"source": irc.client.NickMask(event.source).nick, "target": event.target}
            if kind == "kick":
                fields.update(nick=args[0], text=args[1] if len(args) > 1 else "")
            elif kind == "mode":
                fields["args"] = args
            elif kind == "topic":
                fields["text"] = args[0] if args else ""
            emit(kind, **fields)
        return handler

    for kind in ("join", "part", "quit", "kick", "mode", "topic"):
        server.add_global_handler(kind, on_channel(kind))
    server.add_global_handler("namreply", lambda c, e: emit("names", target=e.arguments[1], text=e.arguments[2]))
    server.add_global_handler("endofnames", lambda c, e: emit("endofnames", target=e.arguments[0]))
    server.add_global_handler("pubmsg", on_message("pubmsg"))
    server.add_global_handler("privmsg", on_message("privmsg"))
    server.add_global_handler("action", on_message("action"))
    server.add_global_handler("privnotice", on_message("notice"))
    server.add_global_handler("nowaway", lambda c, e: emit("away"))
    server.add_global_handler("disconnect", lambda c, e: done.append("disconnect"))
    server.connect(host, port, nick, ircname="python3-irc peer")

    def run(command):
        cmd = command.get("cmd")
        if cmd == "privmsg":
            server.privmsg(command["target"], command["text"])
        elif cmd == "action":
            server.action(command["target"], command["text"])
        elif cmd == "notice":
            server.notice(command["target"], command["text"])
        elif cmd == "away":
            server.send_raw("AWAY :" + command["text"] if command.get("text") else "AWAY")
        elif cmd == "join":
            server.join(command["channel"])
        elif cmd == "part":
            server.part(command["channel"])
        elif cmd == "mode":
            server.mode(command["target"], command["modes"])
        elif cmd == "topic":
            server.topic(command["channel"], command["text"])
        elif cmd == "quit":
            server.quit(command.get("text", "bye"))
            done.append("quit")

    # Raw reads, not sys.stdin.readline(): lines left in Python's buffer would not wake select().
    pending = b""
    while not done:
        client.process_once(0.05)
        readable, _, _ = select.select([0], [], [], 0)
        if readable:
            data = os.read(0, 65536)
            if not data:
                break
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                if line.strip():
                    run(json.loads(line))
    emit("closed")


if __name__ == "__main__":
    main()
