import json
import socket

sock = socket.create_connection(('127.0.0.1', 24009))
replies = sock.makefile('r', encoding='utf-8')
for sid in ['1001', '1002', '9999']:
    sock.sendall(json.dumps({'id': sid, 'fields': None}).encode() + b'\n')
    reply = json.loads(replies.readline())
    print(json.dumps(reply, indent=2, sort_keys=True, ensure_ascii=False))
    print(json.dumps(reply))
replies.close()
sock.close()
print(json.dumps({'pi': 3.14, 'big': 10**20, 't': True, 'n': None, 'nested': [1, [2, {}]]}, separators=(',', ':')))
print(json.loads('{"a": 1e3, "b": [true, false, null], "c": "\\u4f60\\u597d"}'))
