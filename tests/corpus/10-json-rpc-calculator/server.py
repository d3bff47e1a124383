import json
import math
import socket

OPS = {
    'add': lambda *xs: sum(xs),
    'mul': lambda *xs: math.prod(xs),
    'div': lambda a, b: a / b,
    'pow': lambda base, exp: base ** exp,
    'max': max,
}

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(('127.0.0.1', 24010))
srv.listen(1)
conn, _ = srv.accept()
rfile = conn.makefile('rb')
for raw in rfile:
    req = json.loads(raw)
    try:
        func = OPS[req['method']]
        result = func(*req['params'])
    except KeyError as e:
        reply = {'id': req['id'], 'error': f'unknown method {e}'}
    except (ZeroDivisionError, TypeError) as e:
        reply = {'id': req['id'], 'error': f'{type(e).__name__}: {e}'}
    else:
        reply = {'id': req['id'], 'result': result}
    print('<-', req['method'], req['params'], '->', reply.get('result', reply.get('error')))
    conn.sendall(json.dumps(reply).encode() + b'\n')
conn.close()
srv.close()
