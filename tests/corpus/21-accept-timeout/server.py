import socket

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(('127.0.0.1', 24021))
srv.listen(1)
srv.settimeout(0.2)
tries = 0
while tries < 3:
    tries += 1
    try:
        conn, addr = srv.accept()
    except TimeoutError as err:
        print(f'try {tries}: nobody came ({err})')
    else:
        print('got a client', addr)
        conn.close()
        break
else:
    print('no client after', tries, 'tries')
print('listening socket timeout:', srv.gettimeout())
srv.close()
