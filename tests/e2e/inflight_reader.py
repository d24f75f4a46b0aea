#!/usr/bin/python3
"""A client that holds a response in flight: for serve.sh.

    inflight_reader.py URL PATH OUT

GETs PATH from the server at URL with a 4 KiB receive buffer, reads the first
64 KiB, creates OUT.started and waits until OUT.go exists; then reads the rest
to the end and writes the body to OUT. The small buffer keeps most of a large
file unsent while the client waits, so what it reads after OUT.go is what the
server still had to send then.
"""
import os
import socket
import sys
import time
import urllib.parse

url, path, out = sys.argv[1:4]
u = urllib.parse.urlsplit(url)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect((u.hostname, u.port))
s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
data = b""
while len(data) < 65536:
    piece = s.recv(4096)
    if not piece:
        break
    data += piece
open(out + ".started", "w").close()
for _ in range(1200):  # at most a minute
    if os.path.exists(out + ".go"):
        break
    time.sleep(0.05)
while True:
    piece = s.recv(65536)
    if not piece:
        break
    data += piece
with open(out, "wb") as f:
    f.write(data.split(b"\r\n\r\n", 1)[1])
