import socket
import struct

readings = [(1, 20.5), (2, -3.25), (1, 21.0), (2, -2.75), (1, 19.9), (3, 100.125)]
payload = b''.join(struct.pack('<hhf', sensor, i, value) for i, (sensor, value) in enumerate(readings))
print('payload:', len(payload), 'bytes')
print('first record:', payload[:8].hex())
print('unpacked again:', struct.unpack_from('<hhf', payload, 8 * 4))
with socket.create_connection(('127.0.0.1', 24008)) as sock:
    sock.sendall(payload)
print('sent', len(readings), 'readings')
