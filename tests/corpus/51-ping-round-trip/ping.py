import datetime
import socket
import time

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(5)
rtts = []
for seq in range(1, 5):
    start = time.perf_counter()
    sock.sendto(f'PING {seq}'.encode(), ('127.0.0.1', 24051))
    reply, _ = sock.recvfrom(64)
    rtt = time.perf_counter() - start
    rtts.append(rtt)
    print(reply.decode(), 'slow' if rtt >= 0.25 else 'fast')
print('slowest was ping', rtts.index(max(rtts)) + 1)
t0 = time.monotonic()
time.sleep(0.2)
print('slept at least 0.2 s:', time.monotonic() - t0 >= 0.2)
print('time() is after 2020:', time.time() > 1577836800)
moment = datetime.datetime(2024, 2, 29, 13, 5, 9)
print(moment, moment.isoformat(), moment.strftime('%d/%m/%Y %I:%M %p'), moment.year, moment.weekday())
print(moment + datetime.timedelta(days=1, hours=12), (datetime.datetime(2025, 1, 1) - moment).days)
print('now() returns a datetime:', isinstance(datetime.datetime.now(), datetime.datetime))
sock.close()
