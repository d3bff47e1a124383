import random
import socket

random.seed(42)
secret = random.randint(1, 1000)
greeting = random.choice(['Hello', 'Welcome', 'Hi there', 'Greetings'])
deck = list(range(1, 11))
random.shuffle(deck)
print('secret chosen; deck is', deck)
print('a random float:', round(random.random(), 6))

srv = socket.socket()
srv.bind(('127.0.0.1', 24038))
srv.listen()
conn, _ = srv.accept()
f = conn.makefile('rw')
f.write(f'{greeting}! Guess a number from 1 to 1000\n')
f.flush()
tries = 0
for line in f:
    tries += 1
    guess = int(line)
    if guess < secret:
        f.write('higher\n')
    elif guess > secret:
        f.write('lower\n')
    else:
        f.write(f'correct in {tries} tries\n')
        f.flush()
        break
    f.flush()
print('the secret was', secret, '- guessed in', tries, 'tries')
f.close()
conn.close()
srv.close()
