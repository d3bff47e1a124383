import socket


class Client:
    def __init__(self, port):
        self.port = port

    def __enter__(self):
        self.sock = socket.create_connection(('127.0.0.1', self.port))
        return self

    def __exit__(self, exc_type, exc, tb):
        self.sock.close()
        return False

    def ask(self, text):
        self.sock.sendall(text.encode())
        return self.sock.recv(1024).decode()


for words in (['hello', 'world'], ['inheritance']):
    with Client(24034) as c:
        for w in words:
            print(w, '->', c.ask(w))
