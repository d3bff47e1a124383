import json
import socket

calls = [('add', [1, 2, 3.5]), ('mul', [2, 3, 7]), ('div', [1, 3]), ('div', [1, 0]),
         ('pow', [2, 100]), ('max', [3, 9, 4]), ('sqrt', [2]), ('pow', [2])]
with socket.create_connection(('127.0.0.1', 24010)) as s:
    f = s.makefile('rwb')
    for i, (method, params) in enumerate(calls, 1):
        f.write(json.dumps({'id': i, 'method': method, 'params': params}).encode() + b'\n')
        f.flush()
        reply = json.loads(f.readline())
        if 'error' in reply:
            print(f"{reply['id']:>2} {method}{tuple(params)} failed: {reply['error']}")
        else:
            print(f"{reply['id']:>2} {method}{tuple(params)} = {reply['result']}")
    f.close()
