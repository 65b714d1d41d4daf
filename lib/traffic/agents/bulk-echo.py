# netvet bulk echo: sends one long line to a responder's TCP echo port and reads it back, so every
# segment is as large as the path allows; prints one JSON line with the MSS the connection used.
# usage: bulk-echo.py ADDRESS PORT BYTES TIMEOUT_SECONDS
import json, socket, sys, time

address, port, size, timeout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
start = time.monotonic()
result = {"ok": False}
try:
    with socket.create_connection((address, port), timeout=timeout) as s:
        s.settimeout(timeout)
        stream = s.makefile("rb")
        stream.readline()  # the responder's greeting
        mss = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG)
        s.sendall(b"x" * (size - 1) + b"\n")
        echoed = len(stream.readline())
        result = {"ok": echoed == size, "mss": mss, "echoed": echoed}
        if echoed != size:
            result["error"] = f"{echoed} of {size} bytes came back"
except socket.timeout:
    result = {"ok": False, "error": "timeout"}
except OSError as e:
    result = {"ok": False, "error": e.strerror or str(e)}
result["ms"] = round((time.monotonic() - start) * 1000, 1)
print(json.dumps(result))
