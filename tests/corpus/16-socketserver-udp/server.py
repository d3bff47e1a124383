import socketserver


class UpperHandler(socketserver.BaseRequestHandler):
    def handle(self):
        data = self.request[0].strip()
        socket = self.request[1]
        print("{} wrote: {}".format(self.client_address[0], data))
        socket.sendto(data.upper(), self.client_address)


class ReverseHandler(socketserver.DatagramRequestHandler):
    def handle(self):
        line = self.rfile.readline().strip()
        print('reverse handler got', line)
        self.wfile.write(line[::-1])


if __name__ == "__main__":
    import threading
    second = socketserver.UDPServer(("127.0.0.1", 24116), ReverseHandler)
    threading.Thread(target=second.serve_forever, daemon=True).start()
    with socketserver.UDPServer(("127.0.0.1", 24016), UpperHandler) as server:
        server.serve_forever()
