import socketserver
import threading


class KVHandler(socketserver.BaseRequestHandler):
    store = {}
    lock = threading.Lock()

    def handle(self):
        data, sock = self.request
        op, *args = data.decode().split()
        with self.lock:
            if op == 'SET' and len(args) == 2:
                self.store[args[0]] = args[1]
                reply = 'stored'
            elif op == 'GET' and len(args) == 1:
                reply = self.store.get(args[0], '(nil)')
            elif op == 'DEL' and len(args) == 1:
                reply = 'deleted' if self.store.pop(args[0], None) is not None else 'no such key'
            elif op == 'KEYS':
                reply = ' '.join(sorted(self.store)) or '(empty)'
            else:
                reply = 'bad command'
        print(op, args, '->', reply)
        sock.sendto(reply.encode(), self.client_address)


with socketserver.ThreadingUDPServer(('127.0.0.1', 24050), KVHandler) as server:
    print('daemon_threads:', server.daemon_threads, '| socket type:', server.socket_type)
    server.serve_forever()
