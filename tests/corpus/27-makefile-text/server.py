import socket

srv = socket.socket()
srv.bind(('127.0.0.1', 24027))
srv.listen()
conn, _ = srv.accept()
reader = conn.makefile('r', encoding='utf-8')
writer = conn.makefile('w', encoding='utf-8')
for number, line in enumerate(reader, 1):
    line = line.rstrip('\n')
    print(f'{number}: {line}')
    print(f'{number:03d} {len(line):2d} {line.title()}', file=writer, flush=True)
print('client finished after', number, 'lines')
reader.close()
writer.close()
print('socket still open after closing the files:', conn.fileno() != -1)
conn.close()
srv.close()
