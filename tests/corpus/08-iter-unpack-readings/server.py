import socket
import struct

RECORD = struct.Struct('<hhf')    # sensor id, reading number, value
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(('127.0.0.1', 24008))
srv.listen(1)
conn, _ = srv.accept()
data = bytearray()
while chunk := conn.recv(1024):
    data.extend(chunk)
print('received', len(data), 'bytes =', len(data) // RECORD.size, 'records of', RECORD.size)
by_sensor = {}
for sensor, n, value in RECORD.iter_unpack(data):
    by_sensor.setdefault(sensor, []).append(value)
    print(f'sensor {sensor} #{n}: {value}')
for sensor in sorted(by_sensor):
    values = by_sensor[sensor]
    avg = sum(values) / len(values)
    print(f'sensor {sensor}: n={len(values)} min={min(values):.2f} max={max(values):.2f} avg={avg:.3f}')
conn.close()
srv.close()
