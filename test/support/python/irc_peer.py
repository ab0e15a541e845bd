"""An independent IRC client for the end-to-end tests, on Debian's python3-irc (8.x).

Usage: /usr/bin/python3 irc_peer.py HOST PORT NICK

Writes one JSON object per line on stdout for what it receives: {"event": "welcome"},
{"event": "away"} (the server's 306),
{"event": "privmsg"|"action"|"notice", "source": nick, "target": ..., "text": ...}.
Reads one JSON object per line on stdin and does it: {"cmd": "privmsg"|"action"|"notice",
"target": ..., "text": ...}, {"cmd": "away", "text": ...} (no text: back), {"cmd": "quit"}.
Ends on quit, on a lost connection, or when stdin closes.
"""
import json
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
        elif cmd == "quit":
            server.quit(command.get("text", "bye"))
            done.append("quit")

    while not done:
        client.process_once(0.05)
        readable, _, _ = select.select([sys.stdin], [], [], 0)
        if readable:
            line = sys.stdin.readline()
            if line == "":
                break
            if line.strip():
                run(json.loads(line))
    emit("closed")


if __name__ == "__main__":
    main()
