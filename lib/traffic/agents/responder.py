# netvet responder: runs inside a workload and answers probes, so a probe's reply names who answered.
# Every answer is "<hostname> <source address seen>": who answered, and whether NAT changed the source.
# TCP ports send it on connect, then echo lines; UDP ports reply with it; HTTP GET returns it.
# Daemonizes and writes its PID to the given file.
import json, os, socketserver, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

config = json.loads(sys.argv[1])
NAME = config["hostname"].encode()


def answer(client):
    return NAME + b" " + client[0].encode()


class TcpEcho(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(answer(self.client_address) + b"\n")
        for line in self.rfile:
            self.wfile.write(line)


class UdpEcho(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        sock.sendto(answer(self.client_address), self.client_address)


class Http(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(answer(self.client_address) + b"\n")

    def log_message(self, *args):
        pass


class HttpServer(ThreadingHTTPServer):
    def server_bind(self):
        # HTTPServer's own server_bind resolves the host name: a DNS timeout with no network.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "netvet", self.server_address[1]


class Tcp(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class Udp(socketserver.ThreadingUDPServer):
    allow_reuse_address = True


servers = [Tcp(("0.0.0.0", p), TcpEcho) for p in config["tcp"]]
servers += [Udp(("0.0.0.0", p), UdpEcho) for p in config["udp"]]
servers += [HttpServer(("0.0.0.0", p), Http) for p in config["http"]]

# Bound before detaching, and the PID file written before this command returns, so the caller
# knows the ports are open and can always stop the daemon by its PID.
ready_read, ready_write = os.pipe()
if os.fork():
    os.close(ready_write)
    os.read(ready_read, 1)
    os._exit(0)
os.close(ready_read)
os.setsid()
if os.fork():
    os._exit(0)
with open(config["pidfile"], "w") as f:
    f.write(str(os.getpid()))
os.write(ready_write, b"1")
os.close(ready_write)
devnull = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(devnull, fd)
for server in servers[1:]:
    threading.Thread(target=server.serve_forever, daemon=True).start()
servers[0].serve_forever()
