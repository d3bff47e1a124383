import socket


class EchoServer:
    banner = 'echo'
    instances = 0

    def __init__(self, host, port):
        self.address = (host, port)
        self.handled = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        EchoServer.instances += 1

    def __repr__(self):
        return f'{type(self).__name__}({self.address[0]!r}, {self.address[1]})'

    def __str__(self):
        return f'{self.banner} server on {self.address[0]}:{self.address[1]} ({self.handled} handled)'

    def transform(self, data):
        return data

    def start(self):
        self.sock.bind(self.address)
        self.sock.listen()
        return self

    def serve_one(self):
        conn, _ = self.sock.accept()
        with conn:
            while data := conn.recv(1024):
                conn.sendall(self.transform(data))
        self.handled += 1

    def close(self):
        self.sock.close()


class ShoutServer(EchoServer):
    banner = 'shout'

    def __init__(self, host, port, suffix=b'!'):
        super().__init__(host, port)
        self.suffix = suffix

    def transform(self, data):
        return super().transform(data).upper() + self.suffix


server = ShoutServer('127.0.0.1', 24034, suffix=b'!!')
print(repr(server))
print(server)
print(isinstance(server, EchoServer), issubclass(ShoutServer, EchoServer), ShoutServer.__mro__[1].__name__)
server.start()
for _ in range(2):
    server.serve_one()
print(server)
print('instances:', EchoServer.instances, '| banner:', server.banner, EchoServer.banner)
server.close()
