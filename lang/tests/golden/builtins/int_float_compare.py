big = 2**53 + 1
print(big > float(2**53), big == float(2**53), float(2**53) < big, big != 2.0**53)
print(2**63 - 1 == 2.0**63, 2**63 == 2.0**63, 10**400 > 1e308, -10**400 < -1e308)
print(10**20 + 1 == 1e20, 10**20 == 1e20, 3 == 3.0, 3 < 3.5, 4 > 3.5, 1 == 1.0000000000000002)
print(max(2**53 + 1, 2.0**53) == 2**53 + 1, [type(x).__name__ for x in sorted([2.0**53, 2**53 + 1, 2**53 - 1])])
print(float('nan') == 1, 1 < float('inf'), -float('inf') < -10**400)
print({2**63: 'long'}[2.0**63], {1.0: 'one'}[1], 2**53 + 1 in {2.0**53})
for code in [(), (3,), ('bye',), (1, 2), (None,)]:
    try:
        raise SystemExit(*code)
    except SystemExit as e:
        print('code', repr(e.code))
class Done(SystemExit):
    pass
try:
    raise Done(7)
except SystemExit as e:
    print(type(e).__name__, e.code)
import sys
try:
    sys.exit('msg')
except SystemExit as e:
    print('sys.exit', e.code)
