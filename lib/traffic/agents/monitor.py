# netvet traffic monitor: background probes at a fine interval that run across a fault.
# usage: monitor.py CONFIG_JSON   (kind: icmp | udp | tcp | reflect; see lib/traffic/monitor.ts)
# Opens its socket first (so a bad address fails the start), then detaches, writes its PID to
# DIR/pid and, when it gets SIGTERM or its time is up, DIR/result.json.
import json, os, select, signal, socket, struct, sys, time

config = json.loads(sys.argv[1])
kind = config["kind"]
directory = config["dir"]
interval = config.get("intervalMs", 10) / 1000
reply_timeout = config.get("replyTimeoutMs", 1000) / 1000
max_seconds = config.get("maxSeconds", 900)
ident = os.getpid() & 0xFFFF
MAGIC = b"nvmon"


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def icmp_echo(seq):
    payload = MAGIC + struct.pack("!I", seq)
    header = struct.pack("!BBHHH", 8, 0, 0, ident, seq & 0xFFFF)
    return struct.pack("!BBHHH", 8, 0, checksum(header + payload), ident, seq & 0xFFFF) + payload


def tcp_connect():
    s = socket.create_connection((config["address"], config["port"]), timeout=reply_timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


try:
    if kind == "icmp":
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    elif kind in ("udp", "reflect"):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        if kind == "reflect":
            sock.bind(("0.0.0.0", config["port"]))
        else:
            sock.connect((config["address"], config["port"]))
    elif kind == "tcp":
        sock = tcp_connect()
    else:
        sys.exit(f"unknown monitor kind {kind}")
except OSError as e:
    sys.exit(f"cannot start a {kind} monitor: {e.strerror or e}")
sock.setblocking(False)

# Detach: the command that started us returns once the socket is open.
if os.fork():
    os._exit(0)
os.setsid()
if os.fork():
    os._exit(0)
devnull = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(devnull, fd)
with open(os.path.join(directory, "pid"), "w") as f:
    f.write(str(os.getpid()))

stopping = False


def on_term(*_):
    global stopping
    stopping = True


signal.signal(signal.SIGTERM, on_term)
deadline = time.monotonic() + max_seconds

if kind == "reflect":
    # Echoes every datagram back: the far end of a UDP monitor, so replies carry the sequence number.
    while not stopping and time.monotonic() < deadline:
        ready, _, _ = select.select([sock], [], [], 0.2)
        if ready:
            try:
                data, peer = sock.recvfrom(2048)
                sock.sendto(data, peer)
            except OSError:
                pass
    os._exit(0)

started_wall = time.time()
started = time.monotonic()
sent_at = []  # send time of each sequence number
answered = {}  # sequence number -> first reply time
arrivals = []  # first-reply times, in arrival order
duplicated = reordered = reconnects = 0
highest = -1
errors = {}
tcp_buffer = b""
tcp_pending = b""


def note_error(message):
    errors[message] = errors.get(message, 0) + 1


def received(seq, now):
    global duplicated, reordered, highest
    if seq >= len(sent_at):
        return
    if seq in answered:
        duplicated += 1
        return
    answered[seq] = now
    arrivals.append(now)
    if seq < highest:
        reordered += 1
    highest = max(highest, seq)


def send(seq):
    global tcp_pending
    try:
        if kind == "icmp":
            sock.sendto(icmp_echo(seq), (config["address"], 0))
        elif kind == "udp":
            sock.send(MAGIC + struct.pack("!I", seq))
        else:
            tcp_pending += b"%d\n" % seq
            flush_tcp()
    except OSError as e:
        note_error(e.strerror or str(e))


def flush_tcp():
    # A stalled stream keeps its lines until the socket takes them; a broken one reconnects.
    global tcp_pending
    if not tcp_pending or sock is None:
        return
    try:
        tcp_pending = tcp_pending[sock.send(tcp_pending):]
    except (BlockingIOError, InterruptedError):
        pass
    except OSError as e:
        note_error(e.strerror or str(e))
        reconnect()


def reconnect():
    # An established stream that broke: count it, and keep probing on a new connection.
    global sock, tcp_pending, tcp_buffer, reconnects
    if sock is not None:
        sock.close()
        reconnects += 1
    sock, tcp_pending, tcp_buffer = None, b"", b""
    try:
        sock = tcp_connect()
        sock.setblocking(False)
    except OSError as e:
        note_error(e.strerror or str(e))


def receive(now):
    global tcp_buffer
    while True:
        try:
            data = sock.recv(4096)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as e:
            note_error(e.strerror or str(e))
            if kind == "tcp":
                reconnect()
            return
        if kind == "icmp":
            header = (data[0] & 0x0F) * 4
            icmp = data[header:]
            if len(icmp) >= 17 and icmp[0] == 0 and struct.unpack("!H", icmp[4:6])[0] == ident and icmp[8:13] == MAGIC:
                received(struct.unpack("!I", icmp[13:17])[0], now)
        elif kind == "udp":
            if len(data) == 9 and data[:5] == MAGIC:
                received(struct.unpack("!I", data[5:])[0], now)
        else:
            if not data:
                note_error("connection closed by peer")
                reconnect()
                return
            tcp_buffer += data
            *lines, tcp_buffer = tcp_buffer.split(b"\n")
            for line in lines:
                if line.isdigit():
                    received(int(line), now)


seq = 0
next_send = started
while not stopping and time.monotonic() < deadline:
    now = time.monotonic()
    if now >= next_send:
        if kind == "tcp" and sock is None:
            reconnect()
        sent_at.append(now)
        if sock is not None:
            send(seq)
        seq += 1
        next_send += interval
        if next_send < now:  # fell behind (the host was busy): skip, don't burst
            next_send = now + interval
    if sock is None:
        time.sleep(max(0, next_send - time.monotonic()))
        continue
    ready, _, _ = select.select([sock], [], [], max(0, next_send - time.monotonic()))
    if ready:
        receive(time.monotonic())
    if kind == "tcp":
        flush_tcp()

# Stragglers: replies still in flight when sending stopped.
sending_ended = time.monotonic()
drain_until = sending_ended + reply_timeout
while sock is not None and time.monotonic() < drain_until and len(answered) < len(sent_at):
    ready, _, _ = select.select([sock], [], [], max(0, drain_until - time.monotonic()))
    if ready:
        receive(time.monotonic())

# Silences between consecutive replies (and before the first, and after the last when probes sent
# later went unanswered), less the send interval. The longest counts whatever its size; listed as
# outages are those past 5 intervals and 100 ms (a busy host's scheduling jitter stays below).
outages = []
marks = [started] + arrivals
if len(answered) < len(sent_at) and (not arrivals or max(answered) < len(sent_at) - 1):
    marks.append(sending_ended)
for before, after in zip(marks, marks[1:]):
    silence = after - before - interval
    if silence > max(5 * interval, 0.1):
        outages.append({"at": round((started_wall + before - started) * 1000), "ms": round(silence * 1000)})
rtts = [answered[s] - sent_at[s] for s in answered]
result = {
    "sent": len(sent_at),
    "received": len(answered),
    "lost": len(sent_at) - len(answered),
    "duplicated": duplicated,
    "reordered": reordered,
    "reconnects": reconnects,
    "longestOutageMs": round(max((after - before - interval for before, after in zip(marks, marks[1:])), default=0) * 1000),
    "outages": outages,
    # Recovered: some probe sent in the last second of sending was answered.
    "recovered": bool(answered) and sent_at[-1] - sent_at[max(answered)] <= 1.0,
    "rttMs": {"avg": round(sum(rtts) / len(rtts) * 1000, 2), "max": round(max(rtts) * 1000, 2)} if rtts else None,
    "startedAt": round(started_wall * 1000),
    "durationMs": round((sending_ended - started) * 1000),
    "errors": errors,
    # When the first unanswered probes were sent (epoch ms), to line them up with a fault.
    "lostAt": [round((started_wall + sent_at[s] - started) * 1000) for s in range(len(sent_at)) if s not in answered][:20],
}
with open(os.path.join(directory, "result.tmp"), "w") as f:
    json.dump(result, f)
os.rename(os.path.join(directory, "result.tmp"), os.path.join(directory, "result.json"))
