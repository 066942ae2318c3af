"""The soak's hostile share: requests a server on a network gets from broken or malicious clients,
each with the answers docs/api.md documents for it (status and error code), so that any other
answer counts as unexpected. Every one is sent on a fresh connection (some end it).

kind: "uapi" = the UAPI envelope {"error":{"code","message"}}; "token" = RFC 6749 JSON
{"error","error_description"}; "bare" = an empty body (a path outside /uapi, /pbx and the token
endpoint, or what the HTTP server refuses before the application: SECURITY.md).

They come from another loopback address than the workload (ADDRESS), as an attacker's would: the
failure budgets (docs/api.md, Limits) count refused tokens and failed client authentications per
address, and over budget answer 429 (slow_down at the token endpoint, too_many_requests on the
API) to that address only, so both 429s are among the expected answers here and never there.
"""
import http.client
import json
import socket
import urllib.parse

ADDRESS = "127.0.0.2"

EVENT_ID = "soakNoSuchEvent000000000000000"  # 30 characters: the form of an event id, never stored


class Hostile:
    def __init__(self, name, expected, kind, send):
        self.name, self.expected, self.kind, self.send = name, expected, kind, send

    def expected_text(self):
        return ", ".join(f"{s} {c}" if c else str(s) for s, c in sorted(self.expected.items()))


def raw(port, data, body=b"", timeout=60):
    """Bytes as sent, the answer read to the end (the request says Connection: close, or the server
    closes): (status, body). A server that refuses a body may answer and close before all of it is
    sent; like curl, this client then stops sending and reads the answer that came (Python's
    http.client would report the broken pipe and never look)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(ADDRESS, 0)) as s:
        s.sendall(data)
        try:
            s.sendall(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                if chunks:
                    break
                raise
            if not chunk:
                break
            chunks.append(chunk)
    answer = b"".join(chunks)
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ")[1])
    if any(line.lower() == b"transfer-encoding: chunked" for line in lines[1:]):
        body = _dechunk(body)
    return status, body


def request(port, method, target, body=None, headers=None, timeout=60):
    """One request on a fresh connection from ADDRESS: (status, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(ADDRESS, 0))
    try:
        conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _dechunk(body):
    out = b""
    while body:
        size, _, rest = body.partition(b"\r\n")
        n = int(size.split(b";")[0], 16)
        if n == 0:
            break
        out, body = out + rest[:n], rest[n + 2:]
    return out


def check(kind, expected, status, body):
    """None when (status, body) is one of the expected answers (kind: see above), else why not."""
    if status not in expected:
        return f"status {status}"
    code = expected[status]
    if kind == "bare":
        return None if not body else "a body where none was expected"
    if code is None:
        return None
    try:
        answer = json.loads(body)
    except ValueError:
        return "not JSON"
    if kind == "uapi":
        error = answer.get("error") if isinstance(answer, dict) else None
        ok = isinstance(error, dict) and error.get("code") == code and isinstance(error.get("message"), str)
    else:
        ok = isinstance(answer, dict) and answer.get("error") == code and isinstance(answer.get("error_description"), str)
    return None if ok else f"{status} with {body[:120]!r}"


def catalogue(ctx):
    """The hostile requests; ctx: soak.Context (port, tokens, credentials, prefix of the first worker)."""
    port, path = ctx.port, ctx.prefix
    user = lambda: {"Authorization": f"Bearer {ctx.token}", "Content-Type": "application/json"}
    admin = lambda: {"Authorization": f"Bearer {ctx.admin_token}", "Content-Type": "application/json"}
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    app = ctx.credentials["apps"]["user"]
    big_note = json.dumps({"type": "0", "method": "1", "url": ctx.hook_url, "note": "x" * 100_000})
    one_big_field = "grant_type=client_credentials&client_id=" + "A" * 500_000 + "&client_secret=x"
    many_fields = "&".join(f"f{i}=v" for i in range(100_000))
    deep = '{"note":' + "[" * 100 + "]" * 100 + "}"

    def http(method, target, body=None, headers=None):
        return lambda: request(port, method, target, body=body, headers=headers() if callable(headers) else headers)

    def bytes_(data):
        return lambda: raw(port, data() if callable(data) else data)

    def form_post(body):
        head = (f"POST /oauth/token.php HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        return lambda: raw(port, head, body.encode())

    def expect_continue(target, content_type, auth):
        return bytes_(lambda: (f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{auth()}"
                               f"Content-Type: {content_type}\r\nContent-Length: 2097152\r\nExpect: 100-continue\r\n\r\n").encode())

    bearer = lambda: f"Authorization: Bearer {ctx.token}\r\n"
    create = lambda body: http("POST", path, body.encode() if isinstance(body, str) else body, user)
    bad_request = {400: "request_invalid"}
    refused = {401: "access_denied", 429: "too_many_requests"}  # over the address's budget: 429

    def token_answer(status, code):
        return {status: code, 429: "slow_down"}  # over the address's budget, every token request: 429
    return [
        Hostile("bad token", refused, "uapi", http("GET", path, headers={"Authorization": "Bearer garbage"})),
        Hostile("tampered token", refused, "uapi",
                http("GET", path, headers=lambda: {"Authorization": f"Bearer {ctx.token[:-6]}AAAAAA"})),
        Hostile("no token", refused, "uapi", http("GET", path)),
        Hostile("intake, bad token", refused, "uapi",
                http("POST", "/pbx/callEvents", b"[]", {"Authorization": "Bearer x", "Content-Type": "application/json"})),
        Hostile("intake, not Admin", {400: "pce_access_denied"}, "uapi", http("POST", "/pbx/callEvents", b"[]", user)),
        Hostile("malformed JSON", bad_request, "uapi", create('{"type":"0","method":')),
        Hostile("wrong Content-Type", bad_request, "uapi",
                http("POST", path, b'{"type":"0"}', lambda: {**user(), "Content-Type": "text/plain"})),
        Hostile("nested 100 deep", bad_request, "uapi", create(deep)),
        Hostile("unknown field", bad_request, "uapi", create('{"type":"0","method":"1","url":"%s","color":"red"}' % ctx.hook_url)),
        Hostile("not UTF-8", bad_request, "uapi", create(b'{"type":"0","method":"1","note":"\xed\xa0\x80"}')),
        Hostile("lone surrogate in a value", bad_request, "uapi",
                create('{"type":"0","method":"1","url":"%s","note":"\\ud800"}' % ctx.hook_url)),
        Hostile("lone surrogate in a name", bad_request, "uapi", create('{"ty\\udc00pe":"0","method":"1"}')),
        Hostile("lone surrogate in an update", bad_request, "uapi",
                http("PUT", f"{path}/0/{EVENT_ID}", b'{"note":"\\udbff"}', user)),
        Hostile("lone surrogate in intake", bad_request, "uapi",
                http("POST", "/pbx/callEvents", b'[{"callId":"\\ud800","event":"dial-in","extension":"0003*246"}]', admin)),
        Hostile("lone surrogate in the path", {400: "extension_invalid"}, "uapi",
                http("GET", "/uapi/extensions/@me/%ED%A0%80/phoneCallEvents", headers=user)),
        Hostile("raw non-UTF-8 path", {400: None}, "bare",
                bytes_(lambda: b"GET /uapi/extensions/@me/\xed\xa0\x80/phoneCallEvents HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       b"Connection: close\r\n" + bearer().encode() + b"\r\n")),
        Hostile("garbage request line", {400: None}, "bare", bytes_(b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
        Hostile("body of 100 KiB", {413: "request_too_large"}, "uapi", create(big_note)),
        Hostile("body of 2 MiB (Expect: 100-continue)", {413: "request_too_large"}, "uapi",
                expect_continue(path, "application/json", bearer)),
        Hostile("unknown extension", {400: "extension_invalid"}, "uapi",
                http("GET", "/uapi/extensions/@me/0003*999/phoneCallEvents", headers=user)),
        Hostile("another organization's extension", {400: "extension_invalid"}, "uapi",
                http("GET", "/uapi/extensions/@me/0004*210/phoneCallEvents", headers=user)),
        Hostile("a colleague's extension", {400: "pce_access_denied"}, "uapi",
                http("GET", "/uapi/extensions/@me/0003*212/phoneCallEvents", headers=user)),
        Hostile("unknown user", {400: "user_invalid"}, "uapi",
                http("GET", "/uapi/extensions/@nobody/0003*210/phoneCallEvents", headers=user)),
        Hostile("bad event type", {400: "pce_type_invalid"}, "uapi", http("GET", f"{path}/9", headers=user)),
        Hostile("bad event id", {400: "pce_id_invalid"}, "uapi", http("GET", f"{path}/0/short", headers=user)),
        Hostile("bad count", {400: "count_invalid"}, "uapi", http("GET", f"{path}?count=99999", headers=user)),
        Hostile("unknown path", {501: "request_not_implemented"}, "uapi", http("GET", path.rsplit("/", 1)[0], headers=user)),
        Hostile("PATCH", {405: "request_not_allowed"}, "uapi", http("PATCH", path, b"{}", user)),
        Hostile("outside the API", {404: None}, "bare", http("GET", "/nothing/../../etc/passwd")),
        Hostile("token: wrong secret", token_answer(401, "invalid_client"), "token",
                http("POST", "/oauth/token.php", urllib.parse.urlencode(
                    {"grant_type": "client_credentials", "client_id": app["clientId"], "client_secret": "nope"}), form)),
        Hostile("token: password grant", token_answer(400, "unsupported_grant_type"), "token",
                http("POST", "/oauth/token.php", "grant_type=password&username=a&password=b&client_id=x", form)),
        Hostile("token: JSON body", token_answer(400, "invalid_request"), "token",
                http("POST", "/oauth/token.php", "{}", {"Content-Type": "application/json"})),
        Hostile("token: a 500 KB field", token_answer(400, "invalid_request"), "token", form_post(one_big_field)),
        Hostile("token: 100,000 fields", token_answer(400, "invalid_request"), "token", form_post(many_fields)),
        Hostile("token: 2 MiB form (Expect: 100-continue)", token_answer(400, "invalid_request"), "token",
                expect_continue("/oauth/token.php", "application/x-www-form-urlencoded", lambda: "")),
    ]
