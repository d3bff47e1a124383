import socketserver


class ListHandler(socketserver.StreamRequestHandler):
    items = []        # shared by every connection

    def reply(self, text):
        self.wfile.write(text.encode('utf-8') + b'\n')

    def handle(self):
        print('connection from', self.client_address[0])
        for raw in self.rfile:
            cmd, _, arg = raw.decode('utf-8').strip().partition(' ')
            print('command', cmd, repr(arg))
            if cmd == 'ADD':
                self.items.append(arg)
                self.reply(f'OK {len(self.items)}')
            elif cmd == 'LIST':
                self.reply(', '.join(self.items) or '(empty)')
            elif cmd == 'COUNT':
                self.reply(str(self.items.count(arg)))
            elif cmd == 'POP':
                self.reply(self.items.pop() if self.items else 'ERR empty')
            elif cmd == 'QUIT':
                self.reply('BYE')
                break
            else:
                self.reply(f'ERR unknown command {cmd!r}')


server = socketserver.TCPServer(('127.0.0.1', 24014), ListHandler)
print('serving on port', server.server_address[1])
server.serve_forever()
