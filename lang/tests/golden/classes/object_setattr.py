class Frozen:
    def __init__(self, v):
        object.__setattr__(self, 'v', v)
    def __setattr__(self, name, value):
        raise AttributeError(f'{type(self).__name__} is frozen')
f = Frozen(1)
print(f.v)
try:
    f.w = 2
except AttributeError as e:
    print('AttributeError:', e)

class Logged:
    def __setattr__(self, name, value):
        print('set', name, '=', value)
        super().__setattr__(name, value)
l = Logged()
l.port = 8080
l.host = 'localhost'
print(l.port, l.host, sorted(vars(l)))

class Plain:
    pass
p = Plain()
p.x = 1
print(p.x, hasattr(p, 'y'))
