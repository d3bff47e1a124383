import socket
import struct


class ProtocolError(Exception):
    """The peer broke the rules."""


class BadMagic(ProtocolError):
    def __init__(self, magic):
        super().__init__(f'bad magic {magic!r}')
        self.magic = magic


def parse(frame):
    if frame[:2] != b'SL':
        raise BadMagic(frame[:2])
    try:
        (length,) = struct.unpack('!H', frame[2:4])
    except struct.error as e:
        raise ProtocolError('truncated header') from e
    body = frame[4:]
    if len(body) != length:
        raise ProtocolError(f'length says {length}, got {len(body)}')
    return body.decode('utf-8')


srv = socket.create_server(('127.0.0.1', 24035))
conn, _ = srv.accept()
for line in conn.makefile('rb'):
    frame = bytes.fromhex(line.decode().strip())
    try:
        text = parse(frame)
    except BadMagic as e:
        reply = f'rejected: {e} (magic={e.magic.hex()})'
    except ProtocolError as e:
        cause = e.__cause__
        reply = f'error: {e}' + (f' [caused by {type(cause).__name__}: {cause}]' if cause else '')
    else:
        reply = f'ok: {text!r}'
    finally:
        print('handled frame', frame)
    conn.sendall(reply.encode() + b'\n')
conn.close()
srv.close()
