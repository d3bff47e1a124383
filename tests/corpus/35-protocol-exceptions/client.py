import socket
import struct


def frame(body, magic=b'SL', length=None):
    data = body.encode('utf-8')
    return magic + struct.pack('!H', len(data) if length is None else length) + data


frames = [frame('hello'), frame('hi', magic=b'XX'), b'SL\x00', frame('short', length=9), frame('好')]
with socket.create_connection(('127.0.0.1', 24035)) as s:
    answers = s.makefile('r')
    for f in frames:
        s.sendall(f.hex().encode() + b'\n')
        print(f'{f.hex():<20} {answers.readline().strip()}')
