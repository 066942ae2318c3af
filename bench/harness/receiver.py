"""The hook receiver for the delivery scenarios: answers every POST 200 and timestamps its arrival.

Run as its own process (python3 receiver.py PORT…) so it has its own interpreter and GIL. One
asyncio loop serves every port with a minimal HTTP/1.1 parser (keep-alive, Content-Length
bodies): http.server's ThreadingHTTPServer spends a thread per connection and parses headers
into email.message objects, which on this 2-core machine tops out well below the sender.

Arrivals are kept as (CLOCK_MONOTONIC seconds, CallID) — the same clock the harness reads when
an intake's 202 arrives, so the two subtract across processes. Control paths, on any port:
GET /__stats → {"count", "first", "last"}; GET /__arrivals → [[t, callId], …]; POST /__reset.
"""
import asyncio
import json
import re
import sys
import time
import urllib.parse

CALL_ID = re.compile(rb"(?:^|&)CallID=([^&]*)")  # the body is form-encoded, as VoipNow sends it
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
arrivals = []


def control(method, path):
    global arrivals
    if path == "/__stats":
        body = {"count": len(arrivals), "first": arrivals[0][0] if arrivals else None,
                "last": arrivals[-1][0] if arrivals else None}
    elif path == "/__arrivals":
        body = arrivals
    elif path == "/__reset" and method == "POST":
        arrivals = []
        body = {"count": 0}
    else:
        return None
    data = json.dumps(body).encode()
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(data), data)


async def serve(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            arrived = time.monotonic()
            request_line, _, headers = head.partition(b"\r\n")
            method, path, _ = request_line.decode("latin-1").split(" ", 2)
            length = 0
            for line in headers.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:].strip())
            body = await reader.readexactly(length) if length else b""
            answer = control(method, path) if path.startswith("/__") else None
            if answer is None:
                match = CALL_ID.search(body)
                arrivals.append((arrived, urllib.parse.unquote_plus(match.group(1).decode()) if match else ""))
                answer = OK
            writer.write(answer)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()


async def main(ports):
    servers = [await asyncio.start_server(serve, "127.0.0.1", port, backlog=512) for port in ports]
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    asyncio.run(main([int(p) for p in sys.argv[1:]]))
