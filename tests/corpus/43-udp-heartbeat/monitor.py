import socket

mon = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
mon.bind(('127.0.0.1', 24043))
mon.settimeout(3.0)     # the beats come every few ms; 3 s of silence means they stopped
seen = {}
while True:
    try:
        data, addr = mon.recvfrom(256)
    except socket.timeout:
        print('no heartbeat for', mon.gettimeout(), 'seconds')
        break
    node, seq = data.decode().split(':')
    seen.setdefault(node, []).append(int(seq))
    mon.sendto(b'ack ' + data, addr)
mon.close()
for node, seqs in sorted(seen.items()):
    missing = sorted(set(range(1, max(seqs) + 1)) - set(seqs))
    print(f'{node}: {len(seqs)} beats, last #{seqs[-1]}, missing {missing or "none"}')
