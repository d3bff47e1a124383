import socket

nick = input()
s = socket.create_connection(('127.0.0.1', 24044))
f = s.makefile('rw', encoding='utf-8')
f.write(nick + '\n')
f.flush()
print(f.readline().strip())
for text in ['hi everyone', f'I am {nick}']:
    f.write(text + '\n')
    f.flush()
    print(f.readline().strip())
f.close()
s.close()
