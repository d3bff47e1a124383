class Account:
    __rate = 2
    def __init__(self, owner):
        self.__owner = owner
    def owner(self):
        return self.__owner
    @classmethod
    def rate(cls):
        return cls.__rate
a = Account('ann')
print(a.owner(), a._Account__owner, Account.rate(), hasattr(a, '__owner'))

class _Private:
    def __init__(self):
        self.__v = 1
        self.__dunder__ = 2
    def __helper(self):
        return self.__v + 10
    def run(self):
        return self.__helper()
class Sub(Account):
    def peek(self):
        try:
            return self.__owner
        except AttributeError as e:
            return f'AttributeError: {e}'
p = _Private()
print(p.run(), p._Private__v, p.__dunder__, sorted(k for k in vars(p)), Sub('bo').peek())
print(list(map(str.upper, ['a', 'b'])), int.__add__(2, 3), str.join('-', 'abc'), sorted(['b', 'A', 'c'], key=str.lower))
print(repr(format(True, '^5')), repr(format(False, '>3')), f'{True:d}', '{:5}|'.format(True), f'{True}', format(True, ''))
print(7 / 2, 10**17 / 3, 2**64 / 3, divmod(-7.5, 2), 7.0 // -2, -7.0 % 3)
