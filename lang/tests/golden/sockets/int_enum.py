import socket

af, st = socket.AF_INET, socket.SOCK_STREAM
print(repr(af), repr(st), repr(socket.SOCK_DGRAM), repr(socket.AF_INET6))
print(af, st, str(af), f'{af}', '%d/%s' % (af, st), format(af, '>4'), '{:03}'.format(st))
print(af + 1, af * 2, -af, af == 2, 2 == af, af != 3, af < 3, hash(af) == hash(2), int(af))
print({af: 'inet'}[2], {2: 'two'}[af], af in (1, 2), [af, st], (af,))
print(af.name, af.value, st.name, isinstance(af, int), bool(socket.AF_UNSPEC))
print(socket.IPPROTO_TCP, repr(socket.SOL_SOCKET), repr(socket.SO_REUSEADDR))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
print(s.family, s.type, repr(s.family), repr(s.type), s.family is socket.AF_INET)
s.close()
t = socket.socket()
print(repr(t.family), repr(t.type))
t.close()
infos = socket.getaddrinfo('127.0.0.1', 80, socket.AF_INET, socket.SOCK_STREAM)
print(infos)
print(range(10)[af], 'abc'[st:], sorted([st, af, 0]))
import json
print(af.bit_length(), abs(af), st.to_bytes(2, 'big'), json.dumps({'family': af, 'types': [st]}))
print(socket.AddressFamily.__name__, isinstance(af, socket.AddressFamily), isinstance(st, socket.AddressFamily))
print('%x %o %5.1f' % (socket.AF_INET6, af, st), float(af), round(st), chr(65 + af))
