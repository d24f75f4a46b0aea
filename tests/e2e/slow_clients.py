#!/usr/bin/python3
"""A slow-client attack on `almanac serve`, and a fresh client measured
through it.

Attackers connect from ADDRESSES loopback addresses (127.0.0.2, .3, ...),
PER_ADDRESS connections each, send a partial request head and then one more
byte of it every TRICKLE seconds, never finishing it. With --reconnect, a
connection the server closes is opened again (at most once per TRICKLE), as
a real attacker would. Meanwhile a fresh client on 127.0.0.1 fetches PATH
every PROBE_EVERY seconds on a new connection and must get the whole file
(compared with FILE) within PROBE_LIMIT seconds.

Prints one summary line of measurements, and FAIL lines for what broke:
    a probe that failed or took longer than PROBE_LIMIT;
    with --deadline D: an attack connection the server kept open longer
        than D + SLACK seconds after it was accepted (no accept is seen
        from here: the time counts from connect());
    with --per-address-max N: more than N attack connections from one
        address open together.
Exit status 0 when nothing failed.
    slow_clients.py --url http://127.0.0.1:PORT --file out/all.ics [options]
"""
import argparse
import resource
import selectors
import socket
import sys
import threading
import time
import urllib.parse


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True, help="the server, http://127.0.0.1:PORT")
    p.add_argument("--path", default="/all.ics")
    p.add_argument("--file", required=True, help="what PATH must return")
    p.add_argument("--addresses", type=int, default=10)
    p.add_argument("--first-address", type=int, default=2, help="127.0.0.N of the first")
    p.add_argument("--per-address", type=int, default=128)
    p.add_argument("--seconds", type=float, default=15)
    p.add_argument("--trickle", type=float, default=1.0)
    p.add_argument("--reconnect", action="store_true")
    p.add_argument("--probe-every", type=float, default=0.25)
    p.add_argument("--probe-limit", type=float, default=1.0)
    p.add_argument("--deadline", type=float, help="the server's head deadline, seconds")
    p.add_argument("--slack", type=float, default=1.5)
    p.add_argument("--per-address-max", type=int)
    p.add_argument("--label", default="attack")
    return p.parse_args()


class Attacker:
    """Slow connections, all in one selector loop."""

    HEAD = b"GET /all.ics HTTP/1.1\r\nHost: x\r\nX-Slow: "
    HELD = 0.5

    def __init__(self, host, port, args):
        self.host, self.port, self.args = host, port, args
        self.selector = selectors.DefaultSelector()
        self.open = {}            # socket -> (address, connect time)
        self.per_address = {}     # address -> open count
        self.max_per_address = 0
        self.max_open = 0
        self.opened = 0
        self.refused = 0          # connect() itself failed
        self.closed_by_server = 0
        self.oldest_closed_age = 0.0  # the longest a closed connection lived
        self.ages = []
        self.slots_free = {}      # address -> slots to open again, with the time they may

    def addresses(self):
        a = self.args
        return ["127.0.0.%d" % (a.first_address + i) for i in range(a.addresses)]

    def connect(self, address):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.settimeout(1.0)
        try:
            s.bind((address, 0))
            s.connect((self.host, self.port))
            s.sendall(self.HEAD)
        except OSError:
            s.close()
            self.refused += 1
            return False
        s.setblocking(False)
        self.selector.register(s, selectors.EVENT_READ)
        self.open[s] = (address, time.monotonic())
        self.opened += 1
        self.per_address[address] = self.per_address.get(address, 0) + 1
        return True

    def drop(self, s, by_server):
        address, since = self.open.pop(s)
        self.per_address[address] -= 1
        self.selector.unregister(s)
        s.close()
        if by_server:
            self.closed_by_server += 1
            age = time.monotonic() - since
            self.ages.append(age)
            self.oldest_closed_age = max(self.oldest_closed_age, age)
        if self.args.reconnect:
            self.slots_free.setdefault(address, []).append(time.monotonic() + self.args.trickle)

    def count_held(self):
        """Connections the server has kept for HELD seconds: one it refuses
        is closed at once, but looks open here until its close is read."""
        now = time.monotonic()
        held = {}
        for address, since in self.open.values():
            if now - since >= self.HELD:
                held[address] = held.get(address, 0) + 1
        if held:
            self.max_per_address = max(self.max_per_address, max(held.values()))
            self.max_open = max(self.max_open, sum(held.values()))

    def trickle(self):
        for s in list(self.open):
            try:
                s.send(b"a")
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                self.drop(s, True)

    def reopen(self):
        now = time.monotonic()
        for address, times in self.slots_free.items():
            due = [t for t in times if t <= now]
            times[:] = [t for t in times if t > now]
            for _ in due:
                self.connect(address)

    def still_open_beyond(self, limit):
        now = time.monotonic()
        return sum(1 for _, since in self.open.values() if now - since > limit)

    def run(self, until, failures):
        for _ in range(self.args.per_address):
            for address in self.addresses():
                self.connect(address)
        next_trickle = time.monotonic() + self.args.trickle
        next_count = time.monotonic() + self.HELD
        overdue_max = 0
        while time.monotonic() < until:
            timeout = max(0.0, min(next_trickle, until) - time.monotonic())
            for key, _ in self.selector.select(min(timeout, 0.1)):
                s = key.fileobj
                try:
                    data = s.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if not data:   # closed (or answered: a 4xx, then closed)
                    self.drop(s, True)
            if time.monotonic() >= next_count:
                self.count_held()
                next_count += self.HELD
            if time.monotonic() >= next_trickle:
                self.trickle()
                next_trickle += self.args.trickle
            if self.args.reconnect:
                self.reopen()
            if self.args.deadline is not None:
                overdue_max = max(overdue_max,
                                  self.still_open_beyond(self.args.deadline + self.args.slack))
        if self.args.deadline is not None and overdue_max > 0:
            failures.append("%d attack connections were still open %.1f s after connecting "
                            "(the head deadline is %.0f s)"
                            % (overdue_max, self.args.deadline + self.args.slack,
                               self.args.deadline))
        if self.args.per_address_max is not None and \
                self.max_per_address > self.args.per_address_max:
            failures.append("%d attack connections from one address were open together "
                            "for %.1f s or more (at most %d expected)"
                            % (self.max_per_address, self.HELD, self.args.per_address_max))
        for s in list(self.open):
            self.drop(s, False)


def probe(host, port, path, expected, limit):
    """One fresh client: (seconds, None) or (seconds, what went wrong)."""
    start = time.monotonic()
    request = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n"
               % (path, host, port)).encode()
    data = b""
    try:
        with socket.create_connection((host, port), timeout=max(limit * 3, 3.0)) as s:
            s.sendall(request)
            while True:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                data += chunk
    except OSError as e:
        return time.monotonic() - start, "%s" % (e.__class__.__name__)
    took = time.monotonic() - start
    head, _, body = data.partition(b"\r\n\r\n")
    status = head.split(b"\r\n")[0].decode(errors="replace")
    if not status.startswith("HTTP/1.1 200"):
        return took, "status %r" % status
    if body != expected:
        return took, "a body of %d bytes, not the file's %d" % (len(body), len(expected))
    if took > limit:
        return took, "took %.3f s" % took
    return took, None


def main():
    args = parse_args()
    url = urllib.parse.urlsplit(args.url)
    expected = open(args.file, "rb").read()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = args.addresses * args.per_address + 64
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    failures = []
    until = time.monotonic() + args.seconds
    attacker = Attacker(url.hostname, url.port, args)
    thread = threading.Thread(target=attacker.run, args=(until, failures))
    thread.start()
    time.sleep(min(1.0, args.seconds / 4))  # let the attack fill the server first
    times, errors = [], []
    while time.monotonic() < until:
        took, error = probe(url.hostname, url.port, args.path, expected, args.probe_limit)
        times.append(took)
        if error is not None:
            errors.append("%.1f s into the attack: %s" % (args.seconds - (until - time.monotonic()),
                                                        error))
        time.sleep(args.probe_every)
    thread.join()
    times.sort()
    median = times[len(times) // 2] if times else float("nan")
    print("%s: %d addresses x %d, %.0f s: %d attack connections opened, at most %d held "
          "together (%d from one address), %d closed by the server (the longest-lived after "
          "%.1f s), %d refused; fresh client: %d fetches, median %.3f s, max %.3f s, %d failed"
          % (args.label, args.addresses, args.per_address, args.seconds, attacker.opened,
             attacker.max_open, attacker.max_per_address, attacker.closed_by_server,
             attacker.oldest_closed_age, attacker.refused, len(times), median,
             times[-1] if times else float("nan"), len(errors)))
    for e in errors[:10]:
        failures.append("fresh client: " + e)
    if len(errors) > 10:
        failures.append("fresh client: %d more failures" % (len(errors) - 10))
    for f in failures:
        print("FAIL: %s: %s" % (args.label, f))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
