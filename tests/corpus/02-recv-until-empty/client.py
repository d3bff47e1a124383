import socket

client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.connect(('127.0.0.1', 24002))
chunks = []
while True:
    chunk = client.recv(4096)
    if not chunk:          # b'' means the server closed its side
        break
    chunks.append(chunk)
client.close()
data = b''.join(chunks)
text = data.decode('ascii')
lines = text.splitlines()
print('received', len(data), 'bytes in', len(lines), 'lines')
print('first:', lines[0][:20])
print('last: ', lines[-1][:20])
print('all complete:', all(line.endswith('x' * 60) for line in lines))
print('recv after close raises?', end=' ')
try:
    client.recv(10)
except OSError as e:
    print(type(e).__name__, e)
