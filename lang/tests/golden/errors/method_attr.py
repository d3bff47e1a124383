class Server:
    def __init__(self, port):
        self.port = port
    def start(self):
        return self.sock.accept()
Server(80).start()
