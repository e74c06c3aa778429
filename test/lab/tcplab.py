#!/usr/bin/env python3
"""Python side of the tcpdoc lab (see lab.sh). Only 127.0.0.0/8 is used,
inside a network namespace made by lab.sh. All loops are bounded.

usage: python3 tcplab.py ROLE [args]
  bind-server HOST PORT N     bind WITHOUT SO_REUSEADDR, accept N clients,
                              answer and close first (server-side TIME_WAIT)
  reqs HOST PORT N            N sequential requests, read to EOF, close
  client-once HOST PORT       one plain connect(); errors are left uncaught
  noaccept HOST PORT BACKLOG SECS   listen(BACKLOG), never accept()
  synflood DST PORT NET NSRC PER    raw SYNs from NET.1..NET.NSRC (PER each)
  vanish HOST PORT SRCS N GOFILE    N connections from SRCS (comma list);
                              once GOFILE exists: send FIN, then abort (RST)
  closing-pair HOST PORT SRC N GOFILE   N connections; once GOFILE exists
                              both ends close at once (simultaneous close)
  send-after HOST PORT N BYTES GOFILE   N connections; once GOFILE exists
                              each writes BYTES without blocking, then holds
  fd-limit-server HOST PORT NOFILE SECS  RLIMIT_NOFILE=NOFILE; accept and
                              keep every connection, never close (CLOSE_WAIT
                              leak); log each failed accept() like an app does
  leaky-pool HOST PORT ACTIVE CHECKS SECS   a database client with a leak:
                              ACTIVE busy connections, CHECKS health checks
                              (client closes first), then a new connection per
                              query whose socket is never closed after the
                              upstream's idle timeout closes it; logs each
                              failed connect(), holds everything for SECS
  write-after-eof HOST PORT SECS   read each request to EOF, then keep
                              writing the answer to the half-closed peer
  halfclose-noread HOST PORT N SECS   N clients: send a request,
                              shutdown(SHUT_WR), never read
  defer-server HOST PORT DEFER SECS   listen with TCP_DEFER_ACCEPT=DEFER;
                              accept and answer whatever sends data
  closed-holder HOST PORT NRST NFAIL SECS   NRST connections reset by the
                              peer and NFAIL failed non-blocking connects
                              (to PORT+1, nothing listens), all kept open
  listen-server HOST PORT SECS    SO_REUSEADDR listener, as most servers do;
                              a second instance fails with EADDRINUSE
  churn-rate HOST PORT RATE SECS  RATE short connections per second (the
                              client closes first); every error logged with
                              a UTC timestamp
"""
import os, random, socket, struct, sys, time


def wait_file(path, secs=60):
    for _ in range(secs * 10):
        if os.path.exists(path):
            return
        time.sleep(0.1)
    sys.exit("timed out waiting for " + path)


def bind_server(host, port, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # deliberately no s.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
    s.bind((host, int(port)))
    s.listen(128)
    print("listening on %s:%s" % (host, port), flush=True)
    for _ in range(int(n)):
        c, _ = s.accept()
        c.recv(4096)
        c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
        c.close()  # server closes first -> TIME_WAIT on HOST:PORT
    s.close()
    print("served %s requests, exiting" % n, flush=True)


def reqs(host, port, n):
    for _ in range(int(n)):
        c = socket.create_connection((host, int(port)))
        c.sendall(b"GET / HTTP/1.0\r\n\r\n")
        while c.recv(4096):
            pass
        c.close()


def client_once(host, port):
    c = socket.create_connection((host, int(port)))
    print("connected", c.getsockname(), flush=True)


def noaccept(host, port, backlog, secs):
    s = socket.socket()
    s.bind((host, int(port)))
    s.listen(int(backlog))
    print("listening, backlog %s, never accepting" % backlog, flush=True)
    time.sleep(float(secs))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def synflood(dst, port, net, nsrc, per):
    port, nsrc, per = int(port), int(nsrc), int(per)
    assert dst.startswith("127.") and net.startswith("127."), "loopback only"
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    raw.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    d = socket.inet_aton(dst)
    sent = 0
    for k in range(per):
        for i in range(1, nsrc + 1):
            src = "%s.%d" % (net, i)
            s = socket.inet_aton(src)
            sport = random.randint(1024, 65000)
            seq = random.getrandbits(32)
            # MSS option, like a real SYN
            opts = struct.pack("!BBH", 2, 4, 65495)
            off = (5 + len(opts) // 4) << 4
            tcp = struct.pack("!HHIIBBHHH", sport, port, seq, 0, off, 0x02, 64240, 0, 0) + opts
            ph = s + d + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
            tcp = tcp[:16] + struct.pack("!H", csum(ph + tcp)) + tcp[18:]
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), random.randint(0, 65535), 0, 64,
                             socket.IPPROTO_TCP, 0, s, d)
            raw.sendto(ip + tcp, (dst, 0))
            sent += 1
        time.sleep(0.05)
    print("sent %d SYNs from %d sources" % (sent, nsrc), flush=True)


def vanish(host, port, srcs, n, gofile):
    srcs = srcs.split(",")
    conns = []
    for i in range(int(n)):
        c = socket.socket()
        c.bind((srcs[i % len(srcs)], 0))
        c.connect((host, int(port)))
        c.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        conns.append(c)
    time.sleep(0.5)
    for c in conns:
        c.recv(4096)
    print("ready %d" % len(conns), flush=True)
    wait_file(gofile)
    for c in conns:
        c.shutdown(socket.SHUT_WR)  # FIN goes out
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.close()  # abort: socket gone, RST (dropped by nft)
    print("load generator gone", flush=True)


def closing_pair(host, port, src, n, gofile):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((host, int(port)))
    ls.listen(512)
    pairs = []
    for _ in range(int(n)):
        c = socket.socket()
        c.bind((src, 0))
        c.connect((host, int(port)))
        a, _ = ls.accept()
        pairs.append((c, a))
    print("ready %d" % len(pairs), flush=True)
    wait_file(gofile)
    for c, a in pairs:
        c.close()
        a.close()
    print("closed both ends", flush=True)
    time.sleep(120)


def send_after(host, port, n, nbytes, gofile):
    conns = []
    for _ in range(int(n)):
        conns.append(socket.create_connection((host, int(port))))
    print("ready %d" % len(conns), flush=True)
    wait_file(gofile)
    total = 0
    for c in conns:
        c.setblocking(False)
        left = int(nbytes)
        while left > 0:
            try:
                k = c.send(b"x" * min(left, 65536))
            except BlockingIOError:
                break
            left -= k
            total += k
    print("wrote %d bytes on %d connections" % (total, len(conns)), flush=True)
    time.sleep(120)


def fd_limit_server(host, port, nofile, secs):
    import resource
    resource.setrlimit(resource.RLIMIT_NOFILE, (int(nofile), int(nofile)))
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, int(port)))
    s.listen(128)
    s.settimeout(0.5)
    print("listening, RLIMIT_NOFILE %s" % nofile, flush=True)
    keep, failures = [], 0
    end = time.time() + float(secs)
    while time.time() < end:
        try:
            c, _ = s.accept()
            keep.append(c)  # bug: never closed, even after the peer closes
        except socket.timeout:
            continue
        except OSError as e:
            failures += 1
            if failures <= 5:
                print("%s ERROR accept() failed on %s:%s: %s" % (
                    time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()), host, port, e), flush=True)
            time.sleep(0.5)
    print("accepted %d, %d failed accepts" % (len(keep), failures), flush=True)


def stamp():
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % (int(t * 1000) % 1000)


def raise_nofile():
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def leaky_pool(host, port, active, checks, secs):
    import traceback
    raise_nofile()
    addr = (host, int(port))
    busy = [socket.create_connection(addr) for _ in range(int(active))]
    for _ in range(int(checks)):
        c = socket.create_connection(addr)
        c.sendall(b"SELECT 1;\n")
        c.recv(64)
        c.close()  # health check: the client closes first -> TIME_WAIT
    print("%s INFO pool: %s busy connections, %s health checks done" % (stamp(), active, checks), flush=True)
    leaked, failures, last = [], 0, None
    end = time.time() + float(secs)
    while time.time() < end:
        for b in busy:  # keep the busy connections busy: never idle
            b.sendall(b"SELECT 1;\n")
            b.recv(64)
        if failures >= 4:
            time.sleep(0.5)
            continue
        try:
            c = socket.create_connection(addr)
            c.sendall(b"SELECT now();\n")
            c.recv(64)
            leaked.append(c)  # bug: returned to nobody, never closed
        except OSError as e:
            failures += 1
            last = e
            print("%s ERROR pool: could not connect to server %s:%s: %s (%d connections open)" % (
                stamp(), host, port, e, len(leaked) + len(busy)), flush=True)
            if failures == 4:
                try:
                    raise last
                except OSError:
                    traceback.print_exc()
                sys.stderr.flush()
                print("%s INFO pool: holding %d connections" % (stamp(), len(leaked) + len(busy)), flush=True)
            time.sleep(1)


def write_after_eof(host, port, secs):
    import selectors
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, int(port)))
    s.listen(512)
    s.setblocking(False)
    print("listening", flush=True)
    sel = selectors.DefaultSelector()
    sel.register(s, selectors.EVENT_READ)
    writing = []
    chunk = b"data: " + b"x" * 8186 + b"\n"
    end = time.time() + float(secs)
    while time.time() < end:
        for key, _ in sel.select(0.2):
            if key.fileobj is s:
                c, _ = s.accept()
                c.setblocking(False)
                sel.register(c, selectors.EVENT_READ)
                continue
            c = key.fileobj
            if not c.recv(65536):  # the peer sent FIN: CLOSE_WAIT from here on
                sel.unregister(c)
                writing.append(c)
        for c in writing:  # bug: keeps streaming to a peer that hung up
            try:
                while True:
                    c.send(chunk)
            except (BlockingIOError, OSError):
                pass


def halfclose_noread(host, port, n, secs):
    conns = []
    for _ in range(int(n)):
        c = socket.create_connection((host, int(port)))
        c.sendall(b"GET /events HTTP/1.1\r\nHost: api\r\n\r\n")
        c.shutdown(socket.SHUT_WR)  # FIN: done sending, and never reads
        conns.append(c)
    print("ready %d" % len(conns), flush=True)
    time.sleep(float(secs))


def defer_server(host, port, defer, secs):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_DEFER_ACCEPT, int(defer))
    s.bind((host, int(port)))
    s.listen(1024)
    s.settimeout(0.2)
    print("listening, TCP_DEFER_ACCEPT %s" % defer, flush=True)
    keep = []
    end = time.time() + float(secs)
    while time.time() < end:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        c.recv(4096)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        keep.append(c)


def closed_holder(host, port, nrst, nfail, secs):
    raise_nofile()
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((host, int(port)))
    ls.listen(1024)
    keep, resets = [], 0
    for _ in range(int(nrst)):
        c = socket.create_connection((host, int(port)))
        a, _ = ls.accept()
        a.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        a.close()  # the peer aborts: RST
        keep.append(c)
    time.sleep(0.2)
    for c in keep:
        try:
            c.sendall(b"PING\r\n")
        except OSError as e:
            resets += 1
            if resets <= 2:
                print("%s WARN send failed: %s (socket kept)" % (stamp(), e), flush=True)
    for _ in range(int(nfail)):
        c = socket.socket()
        c.setblocking(False)
        err = c.connect_ex((host, int(port) + 1))
        keep.append(c)  # bug: a failed connect's socket is never closed
    time.sleep(0.2)
    errs = [c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) for c in keep[int(nrst):]]
    print("%s WARN %d of %d connects to %s:%d failed: %s (sockets kept)" % (
        stamp(), sum(1 for e in errs if e), len(errs), host, int(port) + 1,
        os.strerror(errs[0]) if errs and errs[0] else "-"), flush=True)
    print("holding %d sockets, pid %d" % (len(keep), os.getpid()), flush=True)
    time.sleep(float(secs))


def listen_server(host, port, secs):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, int(port)))
    s.listen(128)
    print("%s INFO listening on %s:%s (pid %d)" % (stamp(), host, port, os.getpid()), flush=True)
    s.settimeout(0.5)
    end = time.time() + float(secs)
    keep = []
    while time.time() < end:
        try:
            c, _ = s.accept()
            c.recv(4096)
            c.sendall(b"ok\n")
            keep.append(c)
        except socket.timeout:
            pass


def churn_rate(host, port, rate, secs):
    raise_nofile()
    ok, errors, first = 0, 0, None
    print("%s INFO sending %s requests per second to %s:%s, one connection each" % (stamp(), rate, host, port), flush=True)
    gap = 1.0 / float(rate)
    end = time.time() + float(secs)
    nxt = time.time()
    while time.time() < end:
        try:
            c = socket.create_connection((host, int(port)))
            c.sendall(b"GET / HTTP/1.0\r\n\r\n")
            c.recv(64)
            c.close()  # the client closes first -> TIME_WAIT here
            ok += 1
        except OSError as e:
            errors += 1
            if first is None:
                first = stamp()
            if errors <= 5 or errors % 50 == 0:
                print("%s ERROR request %d to %s:%s failed: %s" % (stamp(), ok + errors, host, port, e), flush=True)
        nxt += gap
        time.sleep(max(0.0, nxt - time.time()))
    print("%s INFO %d requests ok, %d failed, first failure at %s" % (stamp(), ok, errors, first), flush=True)


if __name__ == "__main__":
    role, args = sys.argv[1], sys.argv[2:]
    {"bind-server": bind_server, "reqs": reqs, "client-once": client_once, "noaccept": noaccept,
     "synflood": synflood, "vanish": vanish, "closing-pair": closing_pair,
     "send-after": send_after, "fd-limit-server": fd_limit_server, "leaky-pool": leaky_pool,
     "write-after-eof": write_after_eof, "halfclose-noread": halfclose_noread,
     "defer-server": defer_server, "closed-holder": closed_holder, "listen-server": listen_server,
     "churn-rate": churn_rate}[role](*args)
