# netvet probe client: one TCP, UDP or HTTP probe from inside a workload; prints one JSON line.
# usage: probe.py tcp|udp|http ADDRESS PORT TIMEOUT_SECONDS
import json, socket, sys, time, urllib.request

kind, address, port, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
start = time.monotonic()
result = {"ok": False}
try:
    if kind == "tcp":
        with socket.create_connection((address, port), timeout=timeout) as s:
            s.settimeout(timeout)
            result = {"ok": True, "reply": s.recv(256).decode().strip()}
    elif kind == "udp":
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(timeout)
            s.sendto(b"netvet", (address, port))
            result = {"ok": True, "reply": s.recvfrom(512)[0].decode().strip()}
    else:
        with urllib.request.urlopen(f"http://{address}:{port}/", timeout=timeout) as r:
            result = {"ok": r.status == 200, "reply": r.read(256).decode().strip()}
except socket.timeout:
    result = {"ok": False, "error": "timeout"}
except ConnectionRefusedError:
    result = {"ok": False, "error": "refused"}
except OSError as e:
    result = {"ok": False, "error": e.strerror or str(e)}
except Exception as e:  # urllib wraps socket errors
    result = {"ok": False, "error": str(getattr(e, "reason", e))}
result["ms"] = round((time.monotonic() - start) * 1000, 1)
print(json.dumps(result))
