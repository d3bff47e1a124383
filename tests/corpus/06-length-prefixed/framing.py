"""Length-prefixed messages: 4-byte big-endian length, then the payload."""
import struct

HEADER = struct.Struct('!I')


def send_msg(sock, payload: bytes) -> None:
    sock.sendall(HEADER.pack(len(payload)) + payload)


def recv_exactly(sock, n: int) -> bytes:
    buf = b''
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError(f'peer closed after {len(buf)} of {n} bytes')
        buf += chunk
    return buf


def recv_msg(sock):
    header = sock.recv(HEADER.size)
    if not header:
        return None          # clean close between messages
    if len(header) < HEADER.size:
        header += recv_exactly(sock, HEADER.size - len(header))
    (length,) = HEADER.unpack(header)
    return recv_exactly(sock, length)
