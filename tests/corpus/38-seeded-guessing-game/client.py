import socket

s = socket.create_connection(('127.0.0.1', 24038))
f = s.makefile('rw')
print(f.readline().strip())
low, high = 1, 1000
while low <= high:
    guess = (low + high) // 2
    f.write(f'{guess}\n')
    f.flush()
    answer = f.readline().strip()
    print(f'{guess:>4} -> {answer}')
    if answer == 'higher':
        low = guess + 1
    elif answer == 'lower':
        high = guess - 1
    else:
        break
f.close()
s.close()
