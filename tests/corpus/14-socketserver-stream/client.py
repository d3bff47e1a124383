import socket

sock = socket.create_connection(('127.0.0.1', 24014))
rfile = sock.makefile('r', encoding='utf-8', newline='\n')
wfile = sock.makefile('w', encoding='utf-8')
while True:
    try:
        command = input()
    except EOFError:
        break
    wfile.write(command + '\n')
    wfile.flush()
    answer = rfile.readline().rstrip('\n')
    print(f'{command:<12}| {answer}')
    if answer == 'BYE':
        break
rfile.close()
wfile.close()
sock.close()
