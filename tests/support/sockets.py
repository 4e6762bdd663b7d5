"""Counting this process's open TCP sockets to a port (Linux /proc), for leak checks."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["tcp_sockets"]


def _socket_inodes() -> set[int]:
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # closed between listdir and readlink
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


def tcp_sockets(port: int) -> tuple[int, int]:
    """Open TCP sockets of this process to and from `port`: (client side, server side).

    /proc/net/tcp lists every socket of the host; ours are those whose inode one of our fds holds.
    Closed sockets lingering in TIME_WAIT have inode 0, so they never count.
    """
    ours = _socket_inodes()
    client = server = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            local_port = int(cols[1].rsplit(":", 1)[1], 16)
            remote_port = int(cols[2].rsplit(":", 1)[1], 16)
            state = cols[3]
            inode = int(cols[9])
            if inode not in ours or state == "0A":  # 0A: LISTEN — the fake's own listening socket
                continue
            if remote_port == port:
                client += 1
            elif local_port == port:
                server += 1
    return client, server
