import socket

with socket.create_server(('127.0.0.1', 24029), backlog=3) as srv:
    print('family:', srv.family, '| type:', srv.type)
    print('listening on', srv.getsockname())
    conn, addr = srv.accept()
    with conn:
        print('peer is the client:', conn.getpeername() == addr)
        print('local side:', conn.getsockname())
        conn.sendall(repr(addr).encode())
