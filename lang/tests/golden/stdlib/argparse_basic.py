import argparse
import sys

p = argparse.ArgumentParser(prog='client.py', description='A TCP client.')
p.add_argument('host', help='server address')
p.add_argument('port', type=int, help='server port')
p.add_argument('-m', '--message', default='hello', help='what to send')
p.add_argument('-v', '--verbose', action='store_true', help='print more')
p.add_argument('--count', type=int, default=1)
p.add_argument('--mode', choices=['tcp', 'udp'], default='tcp', help='transport (default: %(default)s)')
print(p.parse_args(['localhost', '8080']))
print(p.parse_args(['-v', 'h', '1', '--count', '3', '-m', 'hi there', '--mode=udp']))
ns = p.parse_args(['h', '2', '-mxyz'])
print(ns.message, ns.port + 1, vars(ns)['host'])
for argv in [[], ['h'], ['h', 'x'], ['h', '1', '--mode', 'sctp'], ['h', '1', '--bogus'], ['h', '1', '--count'], ['-h']]:
    try:
        p.parse_args(argv)
    except SystemExit as e:
        print('exit', e.args)
q = argparse.ArgumentParser(prog='srv')
q.add_argument('files', nargs='*')
q.add_argument('-p', '--port', type=int, required=True)
q.add_argument('-d', action='count', default=0)
q.add_argument('--tag', action='append')
print(q.parse_args(['-p', '1', 'a', 'b', '-dd', '--tag', 'x', '--tag', 'y']))
try:
    q.parse_args([])
except SystemExit as e:
    print('exit', e.args)
q.print_usage()
print(q.format_help())
